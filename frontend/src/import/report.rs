//! What an import did or would do: its counts, changes and problems in French, and the
//! mass-leave question the apply must confirm.

use leptos::prelude::*;
use sesame_api::imports::{ImportChange, ImportCounts, ImportProblem, ImportReport};

use crate::admin_ui::{count_fr, local_datetime_at};
use crate::api::ApiError;

/// What the mass-leave confirmation says: how many pupils, out of how many.
pub fn mass_leave_question(report: &ImportReport) -> String {
    format!(
        "Cet import marquerait {} élève(s) sur {} comme sorti(s) de l’établissement. Confirmez-vous que ces élèves ont quitté l’établissement ?",
        count_fr(report.students.left),
        count_fr(report.students_current)
    )
}

/// A report blocks the apply only for a fatal problem other than the mass-leave one, which
/// a confirmation lifts.
pub fn blocked(report: &ImportReport) -> bool {
    report.problems.iter().any(|p| p.fatal) && !report.mass_leave
}

/// « ligne 12 », « ELEVE ELEVE_ID=1234 », both, or nothing.
pub fn where_label(p: &ImportProblem) -> String {
    match (p.line, &p.element) {
        (Some(l), Some(e)) => format!("ligne {l} ({e})"),
        (Some(l), None) => format!("ligne {l}"),
        (None, Some(e)) => e.clone(),
        (None, None) => "—".into(),
    }
}

/// The lines of a refused import: the problem's fields (file and line) and messages.
pub fn refusal_lines(e: &ApiError) -> Vec<String> {
    match e {
        ApiError::Status {
            problem: Some(p), ..
        } => p
            .errors
            .iter()
            .map(|f| {
                if f.field.is_empty() {
                    f.message.clone()
                } else {
                    format!("{} : {}", f.field, f.message)
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[component]
pub(super) fn ReportView(report: ImportReport) -> impl IntoView {
    let title = if report.applied {
        "Import appliqué"
    } else {
        "Aperçu de l’import"
    };
    let lead = if report.applied {
        match report.data_updated_at {
            Some(at) => format!(
                "L’import des données {} a été appliqué. Données mises à jour le {}.",
                report.source,
                local_datetime_at(at)
            ),
            None => format!("L’import des données {} a été appliqué.", report.source),
        }
    } else {
        format!(
            "Voici ce que ferait l’import des données {} : aucune donnée n’a encore été modifiée.",
            report.source
        )
    };
    let counts_row = |label: &'static str, c: ImportCounts, students: bool| {
        view! {
            <tr>
                <th scope="row">{label}</th>
                <td class="num">{count_fr(c.created)}</td>
                <td class="num">{count_fr(c.updated)}</td>
                <td class="num">{if students { count_fr(c.left) } else { "—".to_owned() }}</td>
                <td class="num">{count_fr(c.unchanged)}</td>
            </tr>
        }
    };
    let shown = report.changes.len() as u64;
    let changes_caption = if shown < report.changes_total {
        format!(
            "Modifications : {} au total, les {} premières affichées",
            count_fr(report.changes_total),
            count_fr(shown)
        )
    } else {
        format!("Modifications : {}", count_fr(report.changes_total))
    };
    let changes = report.changes.clone();
    let problems = report.problems.clone();
    let fatal = problems.iter().filter(|p| p.fatal).count();
    let mass_leave = report.mass_leave;
    view! {
        <section class="import__report" aria-labelledby="import-report-title">
            <h4 id="import-report-title">{title}</h4>
            <p class="import__lead">{lead}</p>
            <div class="table-wrap" role="region" aria-labelledby="import-counts-caption" tabindex="0">
                <table class="table">
                    <caption id="import-counts-caption">"Effet de l’import par population"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Population"</th>
                            <th scope="col" class="num">"Créés"</th>
                            <th scope="col" class="num">"Mis à jour"</th>
                            <th scope="col" class="num">"Sortis"</th>
                            <th scope="col" class="num">"Inchangés"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {counts_row("Élèves", report.students, true)}
                        {counts_row("Responsables", report.guardians, false)}
                    </tbody>
                </table>
            </div>
            <p class="import__leaving">
                {format!(
                    "Élèves actuellement scolarisés : {} ; sortis par cet import : {}.",
                    count_fr(report.students_current),
                    count_fr(report.students.left)
                )}
            </p>
            {(report.students.left > 0 && !report.applied).then(|| view! {
                <p class="modal__warning">
                    {if report.mass_leave {
                        format!(
                            "Attention : {} élève(s) sur {} seront marqués comme sortis de l’établissement. C’est beaucoup : l’import vous demandera de le confirmer. Vérifiez que l’export est complet.",
                            count_fr(report.students.left),
                            count_fr(report.students_current)
                        )
                    } else {
                        format!(
                            "Attention : {} élève(s) absent(s) des fichiers seront marqués comme sortis de l’établissement (leurs comptes restent). Vérifiez que l’export est complet.",
                            count_fr(report.students.left)
                        )
                    }}
                </p>
            })}
            <p>
                {format!(
                    "Liens entre responsables et élèves : {} ajouté(s), {} retiré(s).",
                    count_fr(report.links_created),
                    count_fr(report.links_removed)
                )}
            </p>
            {(!changes.is_empty()).then(|| view! {
                <div class="table-wrap import__changes" role="region" aria-labelledby="import-changes-caption" tabindex="0">
                    <table class="table">
                        <caption id="import-changes-caption">{changes_caption.clone()}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Personne"</th>
                                <th scope="col">"Opération"</th>
                                <th scope="col">"Identifiant dans la source"</th>
                                <th scope="col">"Nom"</th>
                                <th scope="col">"Détail"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {changes.into_iter().map(|c: ImportChange| view! {
                                <tr>
                                    <td>{c.kind.label()}</td>
                                    <td>{c.action.label()}</td>
                                    <td class="table__id">{c.source_id}</td>
                                    <th scope="row">{c.name}</th>
                                    <td>{c.detail}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {(!problems.is_empty()).then(|| view! {
                <div class="table-wrap" role="region" aria-labelledby="import-problems-caption" tabindex="0">
                    <table class="table">
                        <caption id="import-problems-caption">
                            {format!("Problèmes relevés dans les fichiers : {} (dont {} bloquant(s))", problems.len(), fatal)}
                        </caption>
                        <thead>
                            <tr>
                                <th scope="col">"Fichier"</th>
                                <th scope="col">"Ligne ou élément"</th>
                                <th scope="col">"Problème"</th>
                                <th scope="col">"Conséquence"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {problems.into_iter().map(|p| {
                                let at = where_label(&p);
                                view! {
                                    <tr>
                                        <th scope="row">{p.file.clone()}</th>
                                        <td>{at}</td>
                                        <td>{p.message.clone()}</td>
                                        <td>{match (p.fatal, mass_leave) {
                                            (true, true) => "Confirmation demandée avant d’appliquer",
                                            (true, false) => "Bloquant : rien ne sera importé",
                                            (false, _) => "Donnée ignorée",
                                        }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_api::{FieldError, Problem};

    #[test]
    fn a_mass_leave_asks_with_its_number_and_does_not_block() {
        let mut r = ImportReport {
            uai: "0451442Y".into(),
            source: "SESAME".into(),
            dry_run: true,
            applied: false,
            students: ImportCounts {
                left: 600,
                ..ImportCounts::default()
            },
            guardians: ImportCounts::default(),
            links_created: 0,
            links_removed: 0,
            changes: vec![],
            changes_total: 600,
            problems: vec![ImportProblem {
                file: "eleves.csv".into(),
                line: None,
                element: None,
                message: "Cet import marquerait 600 élèves sur 601…".into(),
                fatal: true,
            }],
            data_updated_at: None,
            students_current: 601,
            mass_leave: true,
        };
        assert!(!blocked(&r));
        assert!(mass_leave_question(&r).starts_with("Cet import marquerait 600 élève(s) sur 601 "));
        r.mass_leave = false;
        assert!(blocked(&r));
    }

    #[test]
    fn problems_say_where() {
        let mut p = ImportProblem {
            file: "eleves.csv".into(),
            line: Some(4),
            element: None,
            message: "x".into(),
            fatal: false,
        };
        assert_eq!(where_label(&p), "ligne 4");
        p.element = Some("ELEVE ELEVE_ID=12".into());
        assert_eq!(where_label(&p), "ligne 4 (ELEVE ELEVE_ID=12)");
        p.line = None;
        assert_eq!(where_label(&p), "ELEVE ELEVE_ID=12");
        let e = ApiError::Status {
            status: 422,
            problem: Some(Box::new(Problem {
                kind: "x".into(),
                title: "Fichiers refusés".into(),
                status: 422,
                detail: None,
                errors: vec![FieldError {
                    field: "eleves.csv, ligne 1".into(),
                    message: "Colonne nom manquante".into(),
                }],
                request_id: None,
            })),
            retry_after_secs: None,
        };
        assert_eq!(
            refusal_lines(&e),
            vec!["eleves.csv, ligne 1 : Colonne nom manquante".to_owned()]
        );
    }
}
