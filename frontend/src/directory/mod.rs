//! « Annuaire » (seed 000, ENT « Service personnel → Annuaire → Administration »): the simple,
//! advanced and technical searches of the directory, 20 users a page with « premier /
//! précédent / suivant / dernier », « Tout sélectionner » and « Pour la sélection… → ok »,
//! « Régénérer le mot de passe » with the ready-to-copy messages, « Créer un utilisateur »,
//! blocking and unblocking.

mod clipboard;
mod create;
mod dialogs;
mod forms;
mod groups;
mod operations;
mod row;
mod search;
mod selection;
mod table;

use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::ent::{EntGroupNode, EntSubjects, EntUser, EntUserPage};
use wasm_bindgen::JsValue;

use crate::api;
use crate::app::{expire, navigate, Console, Notice, RouteSignal, SessionSignal};
use crate::pager::Pager;
use crate::route::{Route, Tab};
use crate::token::{authed, fetch_establishments};

use create::CreateUser;
use forms::{Choice, SearchForms};
use groups::find_group;
use operations::Operations;
use search::{criteria_summary, users_count, DirectorySearch, Mode};
use selection::SelectionBar;
use table::ResultsTable;

fn full_name(u: &EntUser) -> String {
    format!("{} {}", u.first_name, u.family_name.to_uppercase())
}

fn directory_route(uai: String, s: &DirectorySearch) -> Route {
    Route::Establishment {
        uai,
        tab: Tab::Directory,
        query: s.url_query(),
    }
}

/// Shows `to` in place of the current history entry: a change of search tab is no step to go
/// Back to.
fn replace_route(route: RouteSignal, to: Route) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&to.url()));
    }
    route.set(to);
}

/// Reads `path` of the API into `into` (or the message into `error`) once.
fn load<T>(
    session: SessionSignal,
    notice: Notice,
    path: String,
    into: RwSignal<Option<T>>,
    error: RwSignal<Option<String>>,
) where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    spawn_local(async move {
        let got = authed(session, |token| {
            let path = path.clone();
            async move { api::get::<T>(&path, &token).await }
        })
        .await;
        if into.is_disposed() {
            return;
        }
        match got {
            Ok(t) => into.set(Some(t)),
            Err(e) if e.status() == Some(401) => expire(session, notice),
            Err(e) => error.set(Some(e.message())),
        }
    });
}

#[component]
pub fn DirectoryTab(uai: String, route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let uai_stored = StoredValue::new(uai.clone());
    let search = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Establishment {
                tab: Tab::Directory,
                query,
                ..
            } => DirectorySearch::parse(query),
            _ => DirectorySearch::default(),
        })
    });
    let api_query = Memo::new(move |_| search.with(DirectorySearch::api_query));
    let on_search = Callback::new(move |(to, s): (String, DirectorySearch)| {
        navigate(route, directory_route(to, &s));
    });
    let on_mode = Callback::new(move |mode: Mode| {
        let mut s = search.get_untracked();
        if s.mode != mode {
            s.mode = mode;
            replace_route(route, directory_route(uai_stored.get_value(), &s));
        }
    });
    let to_page = move |page: u64| {
        let mut s = search.get_untracked();
        s.page = page;
        navigate(route, directory_route(uai_stored.get_value(), &s));
    };

    // Write actions only for those who may (the tab itself needs only the read right); the
    // advanced search offers every establishment whose directory the caller may read.
    let can_write = RwSignal::new(false);
    let establishments = RwSignal::new(Vec::<Choice>::new());
    {
        let uai = uai.clone();
        spawn_local(async move {
            if let Ok(list) = fetch_establishments(session).await {
                if can_write.is_disposed() {
                    return;
                }
                let has = |rights: &[String], r: &str| rights.iter().any(|x| x == r);
                can_write.set(
                    list.iter()
                        .any(|e| e.uai == uai && has(&e.rights, "ent-directory:write")),
                );
                establishments.set(
                    list.into_iter()
                        .filter(|e| has(&e.rights, "ent-directory:read"))
                        .map(|e| (e.uai, e.name))
                        .collect(),
                );
            }
        });
    }

    // The group tree and the subjects taught, for the advanced search.
    let tree = RwSignal::new(None::<EntGroupNode>);
    let tree_error = RwSignal::new(None::<String>);
    load(
        session,
        notice,
        api::url::ent_groups(&uai),
        tree,
        tree_error,
    );
    let subjects = RwSignal::new(None::<EntSubjects>);
    let subjects_error = RwSignal::new(None::<String>);
    let subjects_path = StoredValue::new(api::url::ent_subjects(&uai));
    load(
        session,
        notice,
        subjects_path.get_value(),
        subjects,
        subjects_error,
    );
    let group_name = Memo::new(move |_| {
        let id = search.with(|s| s.group.clone());
        if id.is_empty() {
            return None;
        }
        tree.with(|t| {
            t.as_ref()
                .and_then(|t| find_group(t, &id))
                .map(|g| g.name.clone())
        })
        .or(Some(id))
    });

    // The results.
    let results = RwSignal::new(None::<EntUserPage>);
    let loading = RwSignal::new(true);
    let failure = RwSignal::new(None::<String>);
    let nonce = RwSignal::new(0u32);
    let generation = StoredValue::new(0u64);
    {
        let uai = uai.clone();
        Effect::new(move |_| {
            nonce.track();
            let url = api::url::ent_users_search(&uai, &api_query.get());
            generation.update_value(|g| *g += 1);
            let this = generation.get_value();
            loading.set(true);
            spawn_local(async move {
                let got = authed(session, |token| {
                    let url = url.clone();
                    async move { api::get::<EntUserPage>(&url, &token).await }
                })
                .await;
                if generation.is_disposed() || generation.get_value() != this {
                    return;
                }
                loading.set(false);
                match got {
                    Ok(page) => {
                        failure.set(None);
                        results.set(Some(page));
                    }
                    Err(e) if e.status() == Some(401) => expire(session, notice),
                    Err(e) => {
                        results.set(None);
                        failure.set(Some(e.message()));
                    }
                }
            });
        });
    }

    // The selection: users of the page shown (another page drops it).
    let selected = RwSignal::new(Vec::<String>::new());
    let page_ids = Signal::derive(move || {
        results.with(|r| {
            r.as_ref()
                .map(|p| p.items.iter().map(|u| u.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    Effect::new(move |_| {
        let ids = page_ids.get();
        if selected.with_untracked(|s| s.iter().any(|x| !ids.contains(x))) {
            selected.update(|s| s.retain(|x| ids.contains(x)));
        }
    });
    let total = Signal::derive(move || results.with(|r| r.as_ref().map(|p| p.total).unwrap_or(0)));
    let pages = move || results.with(|r| r.as_ref().map(|p| (p.page.max(1), p.last_page.max(1))));
    let rows = Signal::derive(move || {
        results.with(|r| r.as_ref().map(|p| p.items.clone()).unwrap_or_default())
    });
    let has_rows = move || results.with(|r| r.as_ref().is_some_and(|p| !p.items.is_empty()));
    let empty = move || results.with(|r| r.as_ref().is_some_and(|p| p.items.is_empty()));
    let status = move || {
        if loading.get() && results.with(Option::is_none) {
            return "Recherche en cours…".to_owned();
        }
        if failure.with(Option::is_some) {
            return String::new();
        }
        let n = total.get();
        let found = if n <= 1 {
            format!("{} trouvé", users_count(n))
        } else {
            format!("{} trouvés", users_count(n))
        };
        let summary = criteria_summary(&search.get(), group_name.get().as_deref());
        if summary.is_empty() {
            format!("{found} dans l’établissement.")
        } else {
            format!("{found} : {}.", summary.join(", "))
        }
    };
    let caption = Signal::derive(move || match pages() {
        Some((page, last)) if last > 1 => {
            format!("Utilisateurs de l’annuaire (page {page} sur {last}, 20 par page)")
        }
        _ => "Utilisateurs de l’annuaire".to_owned(),
    });

    let ops = Operations::new(uai.clone(), session, notice, results, selected, nonce);
    // What an operation reported belongs to the search it was made in (a change of state
    // searches again with the same criteria, and keeps it).
    Effect::new(move |before: Option<String>| {
        let now = api_query.get();
        if before.is_some_and(|b| b != now) {
            ops.banner_text.set(None);
            ops.action_error.set(None);
        }
        now
    });
    let regenerate_all = Callback::new(move |()| {
        let s = search.get_untracked();
        ops.ask_regenerate_all(
            s.filters(),
            total.get_untracked(),
            criteria_summary(&s, group_name.get_untracked().as_deref()),
        );
    });
    let creating = RwSignal::new(false);
    let create_button = NodeRef::<leptos::html::Button>::new();

    view! {
        <div class="panel directory">
            <h3>"Annuaire — Administration"</h3>
            <SearchForms
                uai=uai.clone()
                search
                establishments
                subjects
                subjects_error
                tree
                tree_error
                on_search
                on_mode
            />

            <p class="status results__count" role="status" aria-live="polite">{status}</p>
            <p class="alert" class:alert--shown=move || failure.with(Option::is_some) role="alert">
                {move || failure.get()}
            </p>
            <Show when=empty>
                <p class="results__empty">"Aucun utilisateur ne correspond à ces critères."</p>
            </Show>
            <Show when=move || can_write.get()>
                <SelectionBar
                    selected
                    page_ids
                    total
                    creating
                    create_button
                    on_regenerate_selection=Callback::new(move |()| ops.ask_regenerate_selection())
                    on_regenerate_all=regenerate_all
                />
            </Show>
            <div
                class="banner"
                class:banner--shown=move || ops.banner_text.with(Option::is_some)
                role="status"
                tabindex="-1"
                node_ref=ops.banner
            >
                {move || ops.banner_text.get().map(|t| view! { <p class="banner__line">{t}</p> })}
            </div>
            <p class="alert" class:alert--shown=move || ops.action_error.with(Option::is_some) role="alert">
                {move || ops.action_error.get()}
            </p>
            <div id="directory-create" hidden=move || !creating.get()>
                <Show when=move || creating.get()>
                    <CreateUser
                        uai=uai_stored.get_value()
                        tree
                        subjects
                        on_created=move || {
                            nonce.update(|n| *n = n.wrapping_add(1));
                            // A new subject joins « Matière enseignée ».
                            load(session, notice, subjects_path.get_value(), subjects, subjects_error);
                        }
                        on_close=move || {
                            creating.set(false);
                            if let Some(b) = create_button.get_untracked() {
                                let _ = b.focus();
                            }
                        }
                    />
                </Show>
            </div>
            <Show when=has_rows>
                <ResultsTable
                    rows
                    page_ids
                    selected
                    can_write
                    loading
                    caption
                    on_action=move |u, regenerate_one| ops.row_action(u, regenerate_one)
                />
            </Show>
            <Show when=move || pages().is_some_and(|_| total.get() > 0)>
                <Pager
                    pages=Signal::derive(pages)
                    on_page=Callback::new(to_page)
                    label="Pagination des résultats"
                    first="Premier"
                    previous="Précédent"
                    next="Suivant"
                    last="Dernier"
                    live=true
                />
            </Show>
            {ops.view()}
        </div>
    }
}
