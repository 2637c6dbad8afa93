//! « Import des données » (in « Paramétrage »): the SIECLE XML exports, the ONDE CSV or
//! Sésame's own CSV are sent once as a dry run (« Prévisualiser ») — counts, changes and
//! problems — and then, after a confirmation, for real (« Appliquer l'import »).
//!
//! An import that would mark many pupils as left (`mass_leave`: more than 10 % of the
//! current ones and more than 5) is refused by the server unless confirmed: its confirmation
//! dialog states the number, and confirming sends `allow_mass_leave=true`.

mod report;

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::imports::ImportReport;
use sesame_core::imports::ImportSource;

use crate::admin_ui::{count_fr, focused, refocus, ConfirmDialog};
use crate::api::{self, ApiError};
use crate::app::{expire, Console};
use crate::token::authed;

/// `(value, label, what to give)`.
const SOURCES: [(ImportSource, &str, &str); 3] = [
    (
        ImportSource::Siecle,
        "SIECLE (collèges et lycées)",
        "Les exports XML de SIECLE : ElevesSansAdresses.xml ou ElevesAvecAdresses.xml, ResponsablesAvecAdresses.xml et Nomenclature.xml. Choisissez-les tous ensemble.",
    ),
    (
        ImportSource::Onde,
        "ONDE (écoles)",
        "L’export CSV des élèves et de leurs responsables fait dans ONDE.",
    ),
    (
        ImportSource::Csv,
        "CSV Sésame",
        "Un fichier CSV au format Sésame (une ligne par élève, séparateur point-virgule), pour les établissements sans SIECLE ni ONDE. Partez du modèle.",
    ),
];
use report::{blocked, mass_leave_question, refusal_lines, ReportView};

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
    let source = RwSignal::new(ImportSource::Siecle);
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
                            let value = *value;
                            let id = format!("import-source-{value}");
                            view! {
                                <div class="check">
                                    <input
                                        id=id.clone()
                                        type="radio"
                                        name="import-source"
                                        value=value.as_str()
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
                <Show when=move || source.get() == ImportSource::Csv>
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
