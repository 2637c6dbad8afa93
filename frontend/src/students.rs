//! « Élèves »: the student search and its actions (seed §3.1 « Gestion des comptes élèves »).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

use serde::de::DeserializeOwned;
use sesame_api::accounts::{
    AccountItem, NotifyRequest, NotifyResponse, ResetResponse, SelectionRequest, Structure,
};
use sesame_api::Page;
use wasm_bindgen::JsCast;

use crate::actions;
use crate::api::{self, Accepted, ApiError};
use crate::app::{authed, expire, local_date, navigate, Notice, RouteSignal, SessionSignal};
use crate::route::{Route, StudentSearch};
use crate::text;

#[derive(Debug, Clone, PartialEq)]
enum Results {
    Loading,
    Loaded(Page<AccountItem>),
    Failed(String),
}

fn selected_values(ev: &leptos::ev::Event) -> Vec<String> {
    let Some(select) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
    else {
        return Vec::new();
    };
    let options = select.selected_options();
    (0..options.length())
        .filter_map(|i| options.item(i))
        .filter_map(|o| o.get_attribute("value"))
        .collect()
}

/// The confirmation dialog open, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Dialog {
    Reset,
    Notify,
}

/// What the last bulk action did, for the banner.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    ResetOne {
        identifier: String,
        password: String,
    },
    ResetMany {
        done: usize,
        pdf: Option<String>,
        csv: Option<String>,
        skipped: Vec<String>,
    },
    Notified {
        done: usize,
        pdf: Option<String>,
        skipped: Vec<String>,
    },
}

fn skipped_lines<'a>(
    items: impl Iterator<Item = (&'a str, Option<&'a String>, Option<&'a String>)>,
) -> Vec<String> {
    items
        .filter_map(|(identifier, reason, message)| {
            reason.map(|r| format!("{identifier} : {}", message.cloned().unwrap_or(r.clone())))
        })
        .collect()
}

fn reset_outcome(r: ResetResponse) -> Outcome {
    if let [one] = r.results.as_slice() {
        if let Some(password) = &one.provisional_password {
            return Outcome::ResetOne {
                identifier: one.identifier.clone(),
                password: password.clone(),
            };
        }
    }
    Outcome::ResetMany {
        done: r
            .results
            .iter()
            .filter(|x| x.provisional_password.is_some())
            .count(),
        skipped: skipped_lines(r.results.iter().map(|x| {
            (
                x.identifier.as_str(),
                x.skipped_reason.as_ref(),
                x.skipped_message.as_ref(),
            )
        })),
        pdf: r.document_id,
        csv: r.csv_document_id,
    }
}

fn notify_outcome(r: NotifyResponse) -> Outcome {
    Outcome::Notified {
        done: r
            .results
            .iter()
            .filter(|x| x.skipped_reason.is_none())
            .count(),
        skipped: skipped_lines(r.results.iter().map(|x| {
            (
                x.identifier.as_str(),
                x.skipped_reason.as_ref(),
                x.skipped_message.as_ref(),
            )
        })),
        pdf: r.document_id,
    }
}

/// Starts a bulk action and, when the server turns it into a job (202), follows the job
/// until it ends, reporting `(done, total)` in `progress`.
async fn perform<T, F, Fut>(
    session: SessionSignal,
    progress: RwSignal<Option<(u64, u64)>>,
    start: F,
) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Accepted<T>, ApiError>>,
{
    let job_id = match authed(session, start).await? {
        Accepted::Done(answer) => return Ok(answer),
        Accepted::Job(id) => id,
    };
    loop {
        let job = authed(session, |token| {
            let id = job_id.clone();
            async move { api::job(&id, &token).await }
        })
        .await?;
        if progress.is_disposed() {
            // The screen was left: nobody is watching any more.
            return Err(ApiError::Failed(String::new()));
        }
        progress.set(Some((job.done, job.total)));
        match job.state.as_str() {
            "done" => {
                return job
                    .result
                    .and_then(|v| serde_json::from_value(v).ok())
                    .ok_or(ApiError::Decode)
            }
            "failed" => return Err(ApiError::Failed(job.error.unwrap_or_default())),
            _ => actions::sleep(Duration::from_millis(500)).await,
        }
    }
}

#[component]
pub fn StudentsView(
    uai: String,
    route: RouteSignal,
    session: SessionSignal,
    notice: Notice,
) -> impl IntoView {
    let search = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Students { search, .. } => search.clone(),
            _ => StudentSearch::default(),
        })
    });
    let q = RwSignal::new(String::new());
    let classes = RwSignal::new(Vec::<String>::new());
    let mefs = RwSignal::new(Vec::<String>::new());
    let states = RwSignal::new(Vec::<String>::new());
    // The form shows the search in force, also after Back / Forward.
    Effect::new(move |_| {
        let s = search.get();
        q.set(s.q);
        classes.set(s.class);
        mefs.set(s.mef);
        states.set(s.state);
    });

    let structure = RwSignal::new(None::<Structure>);
    {
        let uai = uai.clone();
        spawn_local(async move {
            // Without it the filters are empty lists; the search itself still works.
            let got = authed(session, |token| {
                let uai = uai.clone();
                async move { api::structure(&uai, &token).await }
            })
            .await;
            if let Ok(s) = got {
                structure.set(Some(s));
            }
        });
    }

    let results = RwSignal::new(Results::Loading);
    let nonce = RwSignal::new(0u32);
    let generation = StoredValue::new(0u64);
    {
        let uai = uai.clone();
        Effect::new(move |_| {
            nonce.track();
            let query = search.with(StudentSearch::api_query);
            let uai = uai.clone();
            generation.update_value(|g| *g += 1);
            let this = generation.get_value();
            results.set(Results::Loading);
            spawn_local(async move {
                let got = authed(session, |token| {
                    let (uai, query) = (uai.clone(), query.clone());
                    async move { api::students(&uai, &query, &token).await }
                })
                .await;
                // A later search has been started: this answer is stale.
                if generation.get_value() != this {
                    return;
                }
                match got {
                    Ok(page) => results.set(Results::Loaded(page)),
                    Err(e) if e.status() == Some(401) => expire(session, notice),
                    Err(e) => results.set(Results::Failed(e.message())),
                }
            });
        });
    }

    let uai_stored = StoredValue::new(uai.clone());
    let go = move |search: StudentSearch| {
        nonce.update(|n| *n = n.wrapping_add(1));
        navigate(
            route,
            Route::Students {
                uai: uai_stored.get_value(),
                search,
            },
        );
    };
    let on_submit = {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let chosen = states.get_untracked();
            go(StudentSearch {
                q: q.get_untracked().trim().to_owned(),
                class: classes.get_untracked(),
                mef: mefs.get_untracked(),
                // In the journey's order, whatever the order of the clicks.
                state: text::ACCOUNT_STATES
                    .iter()
                    .filter(|(v, _)| chosen.iter().any(|c| c == v))
                    .map(|(v, _)| (*v).to_owned())
                    .collect(),
                page: 1,
            });
        }
    };
    let reset = {
        move |_| {
            q.set(String::new());
            classes.set(Vec::new());
            mefs.set(Vec::new());
            states.set(Vec::new());
            go(StudentSearch::default());
        }
    };
    let to_page = move |page: u64| {
        let mut s = search.get_untracked();
        s.page = page;
        go(s);
    };

    let class_options = move || {
        structure.with(|s| {
            s.as_ref()
                .map(|s| s.classes.iter().map(|c| c.code.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let mef_options = move || {
        structure.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.mefs
                        .iter()
                        .map(|m| {
                            (
                                m.code.clone(),
                                format!("{} – {}", m.short_label, m.long_label),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };

    let loaded = move || {
        results.with(|r| match r {
            Results::Loaded(p) => Some((p.total, p.page.max(1), p.per_page)),
            _ => None,
        })
    };
    let status = move || {
        results.with(|r| match r {
            Results::Loading => "Recherche en cours…".to_owned(),
            Results::Loaded(p) => format!("{} élève(s)", p.total),
            Results::Failed(_) => String::new(),
        })
    };
    let failure = move || {
        results.with(|r| match r {
            Results::Failed(m) => Some(m.clone()),
            _ => None,
        })
    };
    let rows = move || {
        results.with(|r| match r {
            Results::Loaded(p) => p.items.clone(),
            _ => Vec::new(),
        })
    };
    let has_rows = move || results.with(|r| matches!(r, Results::Loaded(p) if !p.items.is_empty()));
    let empty = move || results.with(|r| matches!(r, Results::Loaded(p) if p.items.is_empty()));
    let pages = move || loaded().map(|(total, page, per)| (page, text::page_count(total, per)));
    let caption = move || match pages() {
        Some((page, count)) if count > 1 => {
            format!("Comptes élèves de l’établissement (page {page} sur {count})")
        }
        _ => "Comptes élèves de l’établissement".to_owned(),
    };
    let at_first = move || pages().is_none_or(|(page, _)| page <= 1);
    let at_last = move || pages().is_none_or(|(page, count)| page >= count);

    // Row selection (the visible page), and the bulk actions on it.
    let selected = RwSignal::new(Vec::<String>::new());
    // Rows that left the page (new search, refresh) leave the selection too.
    Effect::new(move |_| {
        results.with(|r| {
            if let Results::Loaded(p) = r {
                let ids: Vec<String> = p.items.iter().map(|a| a.id.clone()).collect();
                if selected.with_untracked(|s| s.iter().any(|x| !ids.contains(x))) {
                    selected.update(|s| s.retain(|x| ids.contains(x)));
                }
            }
        });
    });
    let selected_count = move || selected.with(Vec::len);
    let selected_activated = move || {
        results.with(|r| match r {
            Results::Loaded(p) => selected.with(|s| {
                p.items
                    .iter()
                    .filter(|a| a.state == "activated" && s.contains(&a.id))
                    .count()
            }),
            _ => 0,
        })
    };
    let page_ids = move || {
        results.with(|r| match r {
            Results::Loaded(p) => p.items.iter().map(|a| a.id.clone()).collect(),
            _ => Vec::<String>::new(),
        })
    };
    let page_selected = move || {
        let ids = page_ids();
        let n = selected.with(|s| ids.iter().filter(|i| s.contains(i)).count());
        (n, ids.len())
    };
    let dialog = RwSignal::new(None::<Dialog>);
    let notify_reset = RwSignal::new(false);
    let working = RwSignal::new(false);
    let progress = RwSignal::new(None::<(u64, u64)>);
    let outcome = RwSignal::new(None::<Outcome>);
    let action_error = RwSignal::new(None::<String>);
    let reset_button = NodeRef::<leptos::html::Button>::new();
    let notify_button = NodeRef::<leptos::html::Button>::new();
    let dialog_node = NodeRef::<leptos::html::Div>::new();
    let banner = NodeRef::<leptos::html::Div>::new();
    let cannot_act = move || selected_count() == 0 || working.get();

    // Focus goes into the dialog as it opens.
    Effect::new(move |_| {
        if let Some(el) = dialog_node.get() {
            let _ = el.focus();
        }
    });
    let open = move |d: Dialog| {
        if selected_count() > 0 && !working.get_untracked() {
            notify_reset.set(false);
            dialog.set(Some(d));
        }
    };
    let close = move || {
        let Some(d) = dialog.get_untracked() else {
            return;
        };
        dialog.set(None);
        // Back to the button that opened it.
        let button = match d {
            Dialog::Reset => reset_button.get_untracked(),
            Dialog::Notify => notify_button.get_untracked(),
        };
        if let Some(b) = button {
            let _ = b.focus();
        }
    };
    let finish = move |got: Result<Outcome, ApiError>| {
        if working.is_disposed() {
            return;
        }
        working.set(false);
        progress.set(None);
        match got {
            Ok(o) => {
                outcome.set(Some(o));
                selected.set(Vec::new());
                // The states and dates have changed: fetch the page again.
                nonce.update(|n| *n = n.wrapping_add(1));
            }
            Err(e) if e.status() == Some(401) => {
                expire(session, notice);
                return;
            }
            Err(e) => action_error.set(Some(e.message())),
        }
        if let Some(b) = banner.get_untracked() {
            let _ = b.focus();
        }
    };
    let begin = move || {
        let ids = selected.get_untracked();
        dialog.set(None);
        working.set(true);
        progress.set(None);
        outcome.set(None);
        action_error.set(None);
        // Focus waits on the banner, which announces the outcome.
        if let Some(b) = banner.get_untracked() {
            let _ = b.focus();
        }
        ids
    };
    let confirm_reset = move || {
        let request = SelectionRequest {
            ids: Some(begin()),
            all_matching: None,
        };
        let uai = uai_stored.get_value();
        spawn_local(async move {
            let got = perform(session, progress, |token| {
                let (uai, request) = (uai.clone(), request.clone());
                async move { api::reset_students(&uai, &request, &token).await }
            })
            .await;
            finish(got.map(reset_outcome));
        });
    };
    let confirm_notify = move || {
        let reset_password = notify_reset.get_untracked();
        let request = NotifyRequest {
            ids: Some(begin()),
            all_matching: None,
            channel: "letter".into(),
            reset_password,
        };
        let uai = uai_stored.get_value();
        spawn_local(async move {
            let got = perform(session, progress, |token| {
                let (uai, request) = (uai.clone(), request.clone());
                async move { api::notify_students(&uai, &request, &token).await }
            })
            .await;
            finish(got.map(notify_outcome));
        });
    };
    let confirm = move || match dialog.get_untracked() {
        Some(Dialog::Reset) => confirm_reset(),
        Some(Dialog::Notify) => confirm_notify(),
        None => {}
    };
    let download = move |id: String| {
        action_error.set(None);
        spawn_local(async move {
            let got = authed(session, |token| {
                let id = id.clone();
                async move { api::document(&id, &token).await }
            })
            .await;
            match got {
                Ok(doc) => {
                    if actions::save(&doc).is_err() {
                        action_error.set(Some(
                            "Le téléchargement n’a pas pu démarrer. Réessayez.".into(),
                        ));
                    }
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) if e.status() == Some(404) => action_error.set(Some(
                    "Ce document n’est plus disponible : relancez l’opération pour l’obtenir à nouveau."
                        .into(),
                )),
                Err(e) => action_error.set(Some(e.message())),
            }
        });
    };
    let on_dialog_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            if let Some(el) = dialog_node.get_untracked() {
                actions::trap_tab(&ev, &el);
            }
        }
        _ => {}
    };

    view! {
        <div class="panel">
            <h3>"Gestion des comptes élèves"</h3>
            <form class="filters" role="search" aria-label="Rechercher des élèves" on:submit=on_submit>
                <div class="filters__grid">
                    <div class="field">
                        <label for="students-q">"Nom ou prénom"</label>
                        <input
                            id="students-q"
                            name="q"
                            type="search"
                            autocomplete="off"
                            spellcheck="false"
                            bind:value=q
                        />
                    </div>
                    <div class="field">
                        <label for="students-class">"Classe(s)"</label>
                        <select
                            id="students-class"
                            name="class"
                            multiple
                            size="5"
                            aria-describedby="students-multi-hint"
                            on:change=move |ev| classes.set(selected_values(&ev))
                        >
                            {move || {
                                class_options()
                                    .into_iter()
                                    .map(|code| {
                                        let value = code.clone();
                                        let attr = code.clone();
                                        view! {
                                            <option
                                                value=attr
                                                prop:selected=move || {
                                                    classes.with(|c| c.contains(&value))
                                                }
                                            >
                                                {code}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    <div class="field">
                        <label for="students-mef">"MEF"</label>
                        <select
                            id="students-mef"
                            name="mef"
                            multiple
                            size="5"
                            aria-describedby="students-multi-hint"
                            on:change=move |ev| mefs.set(selected_values(&ev))
                        >
                            {move || {
                                mef_options()
                                    .into_iter()
                                    .map(|(code, label)| {
                                        let value = code.clone();
                                        view! {
                                            <option
                                                value=code
                                                prop:selected=move || {
                                                    mefs.with(|m| m.contains(&value))
                                                }
                                            >
                                                {label}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    <fieldset class="field states">
                        <legend>"État(s) de compte"</legend>
                        {text::ACCOUNT_STATES
                            .iter()
                            .map(|(value, label)| {
                                let value: &'static str = value;
                                let id = format!("students-state-{value}");
                                view! {
                                    <div class="check">
                                        <input
                                            id=id.clone()
                                            type="checkbox"
                                            name="state"
                                            value=value
                                            prop:checked=move || {
                                                states.with(|s| s.iter().any(|x| x == value))
                                            }
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                states
                                                    .update(|s| {
                                                        s.retain(|x| x != value);
                                                        if on {
                                                            s.push(value.to_owned());
                                                        }
                                                    });
                                            }
                                        />
                                        <label for=id>
                                            <span class=format!("dot dot--{value}") aria-hidden="true"></span>
                                            {*label}
                                        </label>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                </div>
                <p id="students-multi-hint" class="field__hint">
                    "Listes à choix multiples : Ctrl (ou Cmd) + clic, ou Maj + flèches, pour en choisir plusieurs."
                </p>
                <div class="filters__actions">
                    <button type="submit" class="button">"Rechercher"</button>
                    <button type="button" class="button button--secondary" on:click=reset>
                        "Réinitialiser"
                    </button>
                </div>
            </form>

            <p class="status results__count" role="status" aria-live="polite">{status}</p>
            <p class="alert" class:alert--shown=move || failure().is_some() role="alert">
                {failure}
            </p>
            <Show when=empty>
                <p class="results__empty">"Aucun élève ne correspond à ces critères."</p>
            </Show>
            <div class="actions" role="group" aria-label="Actions sur les élèves sélectionnés">
                <p class="actions__count" aria-live="polite">
                    {move || text::selection_count(selected_count())}
                </p>
                <button
                    type="button"
                    class="button button--secondary"
                    node_ref=notify_button
                    aria-haspopup="dialog"
                    disabled=cannot_act
                    on:click=move |_| open(Dialog::Notify)
                >
                    "(Re)notifier les comptes"
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    node_ref=reset_button
                    aria-haspopup="dialog"
                    disabled=cannot_act
                    on:click=move |_| open(Dialog::Reset)
                >
                    "Réinitialiser les mots de passe"
                </button>
            </div>
            <div
                class="banner"
                class:banner--shown=move || {
                    working.get() || outcome.with(Option::is_some)
                }
                role="status"
                tabindex="-1"
                node_ref=banner
            >
                {move || {
                    working
                        .get()
                        .then(|| {
                            let (done, total) = progress.get().unwrap_or((0, 0));
                            view! {
                                <p class="banner__line">
                                    <label for="action-progress">"Traitement en cours…"</label>
                                    " "
                                    {(total > 0).then(|| format!("{done} / {total}"))}
                                </p>
                                {if total > 0 {
                                    view! {
                                        <progress
                                            id="action-progress"
                                            max=total.to_string()
                                            value=done.to_string()
                                        ></progress>
                                    }
                                        .into_any()
                                } else {
                                    view! { <progress id="action-progress"></progress> }.into_any()
                                }}
                            }
                        })
                }}
                {move || outcome.get().map(|o| outcome_view(o, download))}
            </div>
            <p class="alert" class:alert--shown=move || action_error.with(Option::is_some) role="alert">
                {move || action_error.get()}
            </p>
            <Show when=has_rows>
                <div
                    class="table-wrap"
                    role="region"
                    aria-labelledby="students-caption"
                    tabindex="0"
                >
                    <table class="table">
                        <caption id="students-caption">{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col" class="table__select">
                                    <label for="select-page" class="visually-hidden">
                                        "Sélectionner la page"
                                    </label>
                                    <input
                                        id="select-page"
                                        type="checkbox"
                                        prop:checked=move || {
                                            let (n, all) = page_selected();
                                            all > 0 && n == all
                                        }
                                        prop:indeterminate=move || {
                                            let (n, all) = page_selected();
                                            n > 0 && n < all
                                        }
                                        on:change=move |ev| {
                                            let ids = page_ids();
                                            let on = event_target_checked(&ev);
                                            selected
                                                .update(|s| {
                                                    s.retain(|x| !ids.contains(x));
                                                    if on {
                                                        s.extend(ids);
                                                    }
                                                });
                                        }
                                    />
                                </th>
                                <th scope="col">"Élève"</th>
                                <th scope="col">"Classe"</th>
                                <th scope="col">"MEF"</th>
                                <th scope="col">"Identifiant"</th>
                                <th scope="col">"Statut du compte"</th>
                                <th scope="col">"Origine du compte"</th>
                                <th scope="col">"Date de notification"</th>
                                <th scope="col">"Date de dernière connexion"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=rows
                                key=|a| a.id.clone()
                                children=move |a| view! { <StudentRow a selected /> }
                            />
                        </tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || pages().is_some_and(|(_, count)| count > 1)>
                <nav class="pagination" aria-label="Pagination des résultats">
                    <button
                        type="button"
                        class="button button--secondary"
                        aria-disabled=move || at_first().to_string()
                        on:click=move |_| {
                            if let Some((page, _)) = pages().filter(|_| !at_first()) {
                                to_page(page - 1);
                            }
                        }
                    >
                        "Précédent"
                    </button>
                    <span class="pagination__where">
                        {move || {
                            pages()
                                .map(|(page, count)| format!("Page {page} sur {count}"))
                                .unwrap_or_default()
                        }}
                    </span>
                    <button
                        type="button"
                        class="button button--secondary"
                        aria-disabled=move || at_last().to_string()
                        on:click=move |_| {
                            if let Some((page, _)) = pages().filter(|_| !at_last()) {
                                to_page(page + 1);
                            }
                        }
                    >
                        "Suivant"
                    </button>
                </nav>
            </Show>
            {move || {
                dialog
                    .get()
                    .map(|d| {
                        let n = selected_count();
                        let activated = selected_activated();
                        let (title, question) = match d {
                            Dialog::Reset => (
                                "Réinitialiser les mots de passe",
                                if n == 1 {
                                    "Êtes-vous sûr de vouloir réinitialiser le mot de passe de ce compte ? Un nouveau mot de passe provisoire lui sera attribué."
                                        .to_owned()
                                } else {
                                    format!(
                                        "Êtes-vous sûr de vouloir réinitialiser le mot de passe de ces {n} comptes ? Un nouveau mot de passe provisoire leur sera attribué."
                                    )
                                },
                            ),
                            Dialog::Notify => (
                                "(Re)notifier les comptes",
                                format!(
                                    "{} : choisissez le type de notification.",
                                    text::selection_count(n)
                                ),
                            ),
                        };
                        let warning = (activated > 0)
                            .then(|| match d {
                                Dialog::Reset => format!(
                                    "Attention : {activated} compte(s) sélectionné(s) déjà activé(s). Cette fonctionnalité est à utiliser avec précaution et pour un nombre d’élèves réduit : les élèves peuvent réinitialiser eux-mêmes leur mot de passe s’ils ont renseigné et validé une adresse mail."
                                ),
                                Dialog::Notify => format!(
                                    "Attention : {activated} compte(s) sélectionné(s) déjà activé(s). La (re)notification leur est déconseillée, sauf pour distribuer des feuilles individuelles imprimables ou réinitialiser leur mot de passe (à utiliser avec précaution)."
                                ),
                            });
                        view! {
                            <div class="modal">
                                <div
                                    class="modal__dialog"
                                    role="dialog"
                                    aria-modal="true"
                                    aria-labelledby="dialog-title"
                                    aria-describedby="dialog-desc"
                                    tabindex="-1"
                                    node_ref=dialog_node
                                    on:keydown=on_dialog_key
                                >
                                    <h2 id="dialog-title" class="modal__title">{title}</h2>
                                    <p id="dialog-desc">{question}</p>
                                    {warning.map(|w| view! { <p class="modal__warning">{w}</p> })}
                                    {(d == Dialog::Notify)
                                        .then(|| {
                                            view! {
                                                <fieldset class="modal__choices">
                                                    <legend>"Type de notification"</legend>
                                                    <div class="check">
                                                        <input
                                                            id="notify-letter"
                                                            type="radio"
                                                            name="channel"
                                                            value="letter"
                                                            checked
                                                        />
                                                        <label for="notify-letter">"Courrier"</label>
                                                    </div>
                                                </fieldset>
                                                <div class="check">
                                                    <input
                                                        id="notify-reset"
                                                        type="checkbox"
                                                        prop:checked=move || notify_reset.get()
                                                        on:change=move |ev| {
                                                            notify_reset.set(event_target_checked(&ev))
                                                        }
                                                    />
                                                    <label for="notify-reset">
                                                        "Réinitialiser le mot de passe (à utiliser avec précaution)"
                                                    </label>
                                                </div>
                                            }
                                        })}
                                    <div class="modal__actions">
                                        <button type="button" class="button" on:click=move |_| confirm()>
                                            "Confirmer"
                                        </button>
                                        <button
                                            type="button"
                                            class="button button--secondary"
                                            on:click=move |_| close()
                                        >
                                            "Annuler"
                                        </button>
                                    </div>
                                </div>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// The banner's content after a bulk action, with its download buttons.
fn outcome_view(o: Outcome, download: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let button = move |label: &'static str, id: Option<String>| {
        id.map(|id| {
            view! {
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| download(id.clone())
                >
                    {label}
                </button>
            }
        })
    };
    let skipped_list = |skipped: Vec<String>| {
        (!skipped.is_empty()).then(|| {
            view! {
                <p class="banner__line">"Non traités :"</p>
                <ul class="banner__skipped">
                    {skipped.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                </ul>
            }
        })
    };
    match o {
        Outcome::ResetOne {
            identifier,
            password,
        } => view! {
            <p class="banner__line">
                "Le mot de passe de l’élève "
                <strong>{identifier}</strong>
                " a bien été réinitialisé. Le nouveau mot de passe est "
                <strong class="password">{password}</strong>
                "."
            </p>
        }
        .into_any(),
        Outcome::ResetMany {
            done,
            pdf,
            csv,
            skipped,
        } => view! {
            <p class="banner__line">
                {if done > 0 {
                    "Le mot de passe a bien été réinitialisé pour les élève(s) sélectionné(s)."
                } else {
                    "Aucun mot de passe n’a été réinitialisé."
                }}
            </p>
            {skipped_list(skipped)}
            <div class="banner__actions">
                {button("Télécharger les identifiants au format PDF", pdf)}
                {button("Télécharger les identifiants au format CSV", csv)}
            </div>
        }
        .into_any(),
        Outcome::Notified { done, pdf, skipped } => view! {
            <p class="banner__line">
                {format!("La notification a bien été effectuée pour {done} élève(s).")}
            </p>
            {skipped_list(skipped)}
            <div class="banner__actions">
                {button("Télécharger le courrier au format PDF", pdf)}
            </div>
        }
        .into_any(),
    }
}

#[component]
fn StudentRow(a: AccountItem, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let date = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(local_date).unwrap_or_default();
    let name_id = format!("student-{}", a.id);
    let id = a.id.clone();
    let checked = {
        let id = id.clone();
        Memo::new(move |_| selected.with(|s| s.contains(&id)))
    };
    view! {
        <tr class:table__row--selected=move || checked.get()>
            <td class="table__select">
                <input
                    type="checkbox"
                    aria-labelledby=name_id.clone()
                    prop:checked=move || checked.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected
                            .update(|s| {
                                s.retain(|x| x != &id);
                                if on {
                                    s.push(id.clone());
                                }
                            });
                    }
                />
            </td>
            <th scope="row" class="table__name" id=name_id>
                {a.family_name.to_uppercase()}
                " "
                {a.first_name.clone()}
            </th>
            <td>{a.class.clone().unwrap_or_default()}</td>
            <td>{a.mef.clone().unwrap_or_default()}</td>
            <td class="table__id">{a.identifier.clone()}</td>
            <td class="table__state">
                <span class=format!("dot dot--{}", a.state) aria-hidden="true"></span>
                {text::state_label(&a.state).to_owned()}
            </td>
            <td>{text::origin_label(&a.origin).to_owned()}</td>
            <td>{date(a.notified_at)}</td>
            <td>{date(a.last_login_at)}</td>
        </tr>
    }
}
