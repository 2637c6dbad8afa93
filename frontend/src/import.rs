//! « Import des données » (in « Paramétrage »): the SIECLE XML exports, the ONDE CSV or
//! Sésame's own CSV are sent once as a dry run (« Prévisualiser ») — counts, changes and
//! problems — and then, after a confirmation, for real (« Appliquer l'import »).
//!
//! An import that would mark many pupils as left (`mass_leave`: more than 10 % of the
//! current ones and more than 5) is refused by the server unless confirmed: its confirmation
//! dialog states the number, and confirming sends `allow_mass_leave=true`.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::imports::{ImportChange, ImportCounts, ImportProblem, ImportReport};

use crate::admin_ui::{count_fr, focused, local_datetime_at, refocus, ConfirmDialog};
use crate::api::{self, ApiError};
use crate::app::{expire, Console};
use crate::token::authed;

/// `(value, label, what to give)`.
const SOURCES: [(&str, &str, &str); 3] = [
    (
        "siecle",
        "SIECLE (collèges et lycées)",
        "Les exports XML de SIECLE : ElevesSansAdresses.xml ou ElevesAvecAdresses.xml, ResponsablesAvecAdresses.xml et Nomenclature.xml. Choisissez-les tous ensemble.",
    ),
    (
        "onde",
        "ONDE (écoles)",
        "L’export CSV des élèves et de leurs responsables fait dans ONDE.",
    ),
    (
        "csv",
        "CSV Sésame",
        "Un fichier CSV au format Sésame (une ligne par élève, séparateur point-virgule), pour les établissements sans SIECLE ni ONDE. Partez du modèle.",
    ),
];

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

pub fn kind_label(kind: &str) -> &str {
    match kind {
        "student" => "Élève",
        "guardian" => "Responsable",
        other => other,
    }
}

pub fn action_label(action: &str) -> &str {
    match action {
        "create" => "Création",
        "update" => "Mise à jour",
        "leave" => "Sortie",
        other => other,
    }
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

fn chosen_files(input: &web_sys::HtmlInputElement) -> Vec<web_sys::File> {
    let Some(list) = input.files() else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

async fn send_import(
    url: &str,
    files: &[web_sys::File],
    token: &str,
) -> Result<ImportReport, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Decode)?;
    for f in files {
        form.append_with_blob_and_filename("files", f, &f.name())
            .map_err(|_| ApiError::Decode)?;
    }
    let request = api::bearer(api::post(url), token).body(form);
    api::json(api::send(request).await?).await
}

#[derive(Debug, Clone, PartialEq)]
enum Failure {
    Message(String),
    Refused { message: String, lines: Vec<String> },
}

#[component]
pub fn ImportSection(uai: String) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let source = RwSignal::new("siecle");
    let file_input = NodeRef::<html::Input>::new();
    let file_count = RwSignal::new(0usize);
    let working = RwSignal::new(None::<&'static str>);
    let report = RwSignal::new(None::<ImportReport>);
    let failure = RwSignal::new(None::<Failure>);
    let confirming = RwSignal::new(false);
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let banner = NodeRef::<html::Div>::new();
    let uai = StoredValue::new(uai);

    let forget = move || {
        report.set(None);
        failure.set(None);
    };
    let run = move |apply: bool, allow_mass_leave: bool| {
        if working.get_untracked().is_some() {
            return;
        }
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        let files = chosen_files(&input);
        if files.is_empty() {
            failure.set(Some(Failure::Message(
                "Choisissez au moins un fichier à importer.".into(),
            )));
            let _ = input.focus();
            return;
        }
        let src = source.get_untracked();
        let url = api::url::import(&uai.get_value(), src, apply, allow_mass_leave);
        working.set(Some(if apply {
            "Import en cours : mise à jour des données de l’établissement…"
        } else {
            "Analyse des fichiers en cours…"
        }));
        failure.set(None);
        if !apply {
            report.set(None);
        }
        if let Some(b) = banner.get_untracked() {
            let _ = b.focus();
        }
        spawn_local(async move {
            let got = authed(session, |token| {
                let (url, files) = (url.clone(), files.clone());
                async move { send_import(&url, &files, &token).await }
            })
            .await;
            if working.is_disposed() {
                return;
            }
            working.set(None);
            match got {
                Ok(r) => report.set(Some(r)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) if e.status() == Some(404) => failure.set(Some(Failure::Message(
                    "L’import des données n’est pas disponible sur ce serveur.".into(),
                ))),
                Err(e) if e.status() == Some(422) => failure.set(Some(Failure::Refused {
                    message: e.message(),
                    lines: refusal_lines(&e),
                })),
                Err(e) => failure.set(Some(Failure::Message(e.message()))),
            }
            if let Some(b) = banner.get_untracked() {
                let _ = b.focus();
            }
        });
    };
    let preview = move |ev: SubmitEvent| {
        ev.prevent_default();
        run(false, false);
    };
    let open_confirm = move |_| {
        opener.set_value(focused());
        confirming.set(true);
    };
    let cancel = Callback::new(move |_| {
        confirming.set(false);
        refocus(opener.get_value());
    });
    let confirm = Callback::new(move |_| {
        confirming.set(false);
        // Confirming the dialog of a mass leave is the confirmation the server asks for.
        let mass = report.with_untracked(|r| r.as_ref().is_some_and(|r| r.mass_leave));
        run(true, mass);
    });
    let hint = move || {
        let s = source.get();
        SOURCES
            .iter()
            .find(|(v, _, _)| *v == s)
            .map(|(_, _, h)| *h)
            .unwrap_or_default()
    };

    view! {
        <div class="panel import">
            <h3 id="import-title">"Import des données"</h3>
            <p>
                "Mettez à jour les élèves, les responsables et leurs liens à partir des exports de vos logiciels de scolarité. "
                "Prévisualisez d’abord l’import : rien n’est modifié tant que vous ne l’avez pas appliqué."
            </p>
            <form class="import__form" on:submit=preview>
                <fieldset class="field">
                    <legend>"Source des données"</legend>
                    {SOURCES
                        .iter()
                        .map(|(value, label, _)| {
                            let value: &'static str = value;
                            let id = format!("import-source-{value}");
                            view! {
                                <div class="check">
                                    <input
                                        id=id.clone()
                                        type="radio"
                                        name="import-source"
                                        value=value
                                        aria-describedby="import-source-hint"
                                        prop:checked=move || source.get() == value
                                        on:change=move |_| {
                                            source.set(value);
                                            forget();
                                        }
                                    />
                                    <label for=id>{*label}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <p id="import-source-hint" class="field__hint">{hint}</p>
                <Show when=move || source.get() == "csv">
                    <p>
                        <a href=api::url::IMPORT_TEMPLATE download="sesame-import-v1.csv">
                            "Télécharger le modèle CSV Sésame (format CSV)"
                        </a>
                    </p>
                </Show>
                <div class="field">
                    <label for="import-files">"Fichiers à importer"</label>
                    <input
                        id="import-files"
                        type="file"
                        multiple
                        accept=".xml,.csv,.txt,text/xml,text/csv"
                        aria-describedby="import-files-hint"
                        node_ref=file_input
                        on:change=move |_| {
                            let n = file_input
                                .get_untracked()
                                .map(|i| chosen_files(&i).len())
                                .unwrap_or(0);
                            file_count.set(n);
                            forget();
                        }
                    />
                    <p id="import-files-hint" class="field__hint">
                        {move || match file_count.get() {
                            0 => "Aucun fichier choisi. Plusieurs fichiers peuvent être choisis ensemble.".to_owned(),
                            1 => "1 fichier choisi.".to_owned(),
                            n => format!("{n} fichiers choisis."),
                        }}
                    </p>
                </div>
                <div class="filters__actions">
                    <button
                        type="submit"
                        class="button"
                        aria-disabled=move || working.with(Option::is_some).to_string()
                    >
                        "Prévisualiser"
                    </button>
                </div>
            </form>
            <div
                class="banner"
                class:banner--shown=move || working.with(Option::is_some)
                role="status"
                tabindex="-1"
                node_ref=banner
            >
                {move || {
                    working
                        .get()
                        .map(|w| {
                            view! {
                                <p class="banner__line">
                                    <label for="import-progress">{w}</label>
                                </p>
                                <progress id="import-progress"></progress>
                            }
                        })
                }}
            </div>
            <div class="alert" class:alert--shown=move || failure.with(Option::is_some) role="alert">
                {move || {
                    failure
                        .get()
                        .map(|f| match f {
                            Failure::Message(m) => view! { <p>{m}</p> }.into_any(),
                            Failure::Refused { message, lines } if lines.is_empty() => {
                                view! { <p>{message}</p> }.into_any()
                            }
                            Failure::Refused { lines, .. } => view! {
                                <p>
                                    "Les fichiers n’ont pas été importés. Corrigez ces problèmes puis recommencez :"
                                </p>
                                <ul class="import__fatal">
                                    {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                                </ul>
                            }
                                .into_any(),
                        })
                }}
            </div>
            {move || {
                report
                    .get()
                    .map(|r| {
                        let applied = r.applied;
                        let blocked = blocked(&r);
                        let nothing = r.changes_total == 0 && r.links_created == 0 && r.links_removed == 0;
                        view! {
                            <ReportView report=r />
                            {(!applied && !blocked && !nothing).then(|| view! {
                                <div class="filters__actions">
                                    <button
                                        type="button"
                                        class="button"
                                        aria-haspopup="dialog"
                                        aria-disabled=move || working.with(Option::is_some).to_string()
                                        on:click=open_confirm
                                    >
                                        "Appliquer l’import"
                                    </button>
                                </div>
                            })}
                            {(!applied && nothing).then(|| view! {
                                <p>"Ces fichiers ne changent rien aux données de l’établissement."</p>
                            })}
                        }
                    })
            }}
            {move || {
                if !confirming.get() {
                    return None;
                }
                {
                        let r = report.get_untracked()?;
                        let total = r.changes_total;
                        let view = if r.mass_leave {
                            view! {
                                <ConfirmDialog
                                    id="import-dialog"
                                    title=format!(
                                        "Confirmer la sortie de {} élève(s)",
                                        count_fr(r.students.left)
                                    )
                                    message=mass_leave_question(&r)
                                    warning="Vérifiez que l’export est complet : un export partiel ferait sortir des élèves toujours présents. Les élèves sortis ne sont pas supprimés : leurs comptes restent.".to_owned()
                                    confirm_label="Confirmer les sorties et appliquer l’import"
                                    on_confirm=confirm
                                    on_cancel=cancel
                                />
                            }
                        } else {
                            view! {
                                <ConfirmDialog
                                    id="import-dialog"
                                    title="Appliquer l’import".to_owned()
                                    message=format!(
                                        "Êtes-vous sûr de vouloir appliquer cet import ? {} modification(s) seront enregistrées dans les données de l’établissement.",
                                        count_fr(total)
                                    )
                                    warning="Les élèves sortis ne sont pas supprimés : leurs comptes restent.".to_owned()
                                    confirm_label="Appliquer l’import"
                                    on_confirm=confirm
                                    on_cancel=cancel
                                />
                            }
                        };
                        Some(view)
                }
            }}
        </div>
    }
}

#[component]
fn ReportView(report: ImportReport) -> impl IntoView {
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
                                    <td>{kind_label(&c.kind).to_owned()}</td>
                                    <td>{action_label(&c.action).to_owned()}</td>
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
            problem: Some(Problem {
                kind: "x".into(),
                title: "Fichiers refusés".into(),
                status: 422,
                detail: None,
                errors: vec![FieldError {
                    field: "eleves.csv, ligne 1".into(),
                    message: "Colonne nom manquante".into(),
                }],
            }),
            retry_after_secs: None,
        };
        assert_eq!(
            refusal_lines(&e),
            vec!["eleves.csv, ligne 1 : Colonne nom manquante".to_owned()]
        );
        assert_eq!(action_label("leave"), "Sortie");
        assert_eq!(kind_label("guardian"), "Responsable");
    }
}
