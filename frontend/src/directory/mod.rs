//! « Annuaire » (seed 000, ENT « Service personnel → Annuaire → Administration »): simple and
//! advanced search of the directory, the group tree (« école → Groupes pédagogiques →
//! Classes »), « Régénérer le mot de passe » for a selection or a whole search (a class) with
//! the ready-to-copy messages, « Créer un utilisateur », blocking and unblocking.

mod clipboard;
mod create;
mod dialogs;
mod groups;
mod row;
mod search;

use std::collections::HashSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::ent::{
    EntCredentials, EntGroupNode, EntRegenerateRequest, EntRegenerateResponse, EntUser, EntUserPage,
};
use wasm_bindgen::JsCast;

use crate::actions;
use crate::api;
use crate::app::{
    authed, expire, fetch_establishments, navigate, Notice, RouteSignal, SessionSignal,
};
use crate::pager::Pager;
use crate::route::{encode, Route, Tab};

use create::CreateUser;
use dialogs::{addressee, dialog_body, Credential, Dialog, Target};
use groups::{find_group, group_node, path_to};
use row::UserRow;
use search::{criteria_summary, users_count, DirectorySearch, PROFILES};

fn full_name(u: &EntUser) -> String {
    format!("{} {}", u.first_name, u.family_name.to_uppercase())
}

fn users_url(uai: &str) -> String {
    format!("/api/v1/ent/establishments/{}/users", encode(uai))
}

#[component]
pub fn DirectoryTab(
    uai: String,
    route: RouteSignal,
    session: SessionSignal,
    notice: Notice,
) -> impl IntoView {
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
    let criteria = Memo::new(move |_| search.with(DirectorySearch::criteria));
    let api_query = Memo::new(move |_| search.with(DirectorySearch::api_query));
    let advanced_open = Memo::new(move |_| search.with(|s| s.advanced));

    // The form, showing the search in force (also after Back / Forward).
    let q = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let profile = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let login = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    Effect::new(move |_| {
        let s = criteria.get();
        q.set(s.q);
        first_name.set(s.first_name);
        profile.set(s.profile);
        subject.set(s.subject);
        login.set(s.login);
        state.set(s.state);
    });

    let go = move |s: DirectorySearch| {
        navigate(
            route,
            Route::Establishment {
                uai: uai_stored.get_value(),
                tab: Tab::Directory,
                query: s.url_query(),
            },
        );
    };

    // Write actions only for those who may (the tab itself needs only the read right).
    let can_write = RwSignal::new(false);
    {
        let uai = uai.clone();
        spawn_local(async move {
            if let Ok(list) = fetch_establishments(session).await {
                let may = list
                    .iter()
                    .find(|e| e.uai == uai)
                    .is_some_and(|e| e.rights.iter().any(|r| r == "ent-directory:write"));
                if !can_write.is_disposed() {
                    can_write.set(may);
                }
            }
        });
    }

    // The group tree.
    let tree = RwSignal::new(None::<EntGroupNode>);
    let tree_error = RwSignal::new(None::<String>);
    {
        let uai = uai.clone();
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = format!("/api/v1/ent/establishments/{}/groups", encode(&uai));
                async move { api::get::<EntGroupNode>(&url, &token).await }
            })
            .await;
            if tree.is_disposed() {
                return;
            }
            match got {
                Ok(t) => tree.set(Some(t)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => tree_error.set(Some(e.message())),
            }
        });
    }
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
            let query = api_query.get();
            let url = format!("{}?{query}", users_url(&uai));
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

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let current = search.get_untracked();
        go(DirectorySearch {
            q: q.get_untracked().trim().to_owned(),
            first_name: first_name.get_untracked().trim().to_owned(),
            profile: profile.get_untracked(),
            subject: subject.get_untracked().trim().to_owned(),
            group: current.group,
            login: login.get_untracked().trim().to_owned(),
            state: state.get_untracked(),
            advanced: current.advanced,
            page: 1,
        });
    };
    let reset = move |_| {
        q.set(String::new());
        first_name.set(String::new());
        profile.set(String::new());
        subject.set(String::new());
        login.set(String::new());
        state.set(String::new());
        go(DirectorySearch {
            advanced: search.get_untracked().advanced,
            ..DirectorySearch::default()
        });
    };
    let toggle_advanced = move |_| {
        let mut s = search.get_untracked();
        s.advanced = !s.advanced;
        go(s);
    };
    let to_page = move |page: u64| {
        let mut s = search.get_untracked();
        s.page = page;
        go(s);
    };

    // The group browser (« Parcourir »).
    let browsing = RwSignal::new(false);
    let expanded = RwSignal::new(HashSet::<String>::new());
    let browse_button = NodeRef::<leptos::html::Button>::new();
    let toggle_browse = move |_| {
        let open = !browsing.get_untracked();
        if open {
            // Unfolded down to the group in force, if any.
            let id = search.with_untracked(|s| s.group.clone());
            if let Some(path) = tree.with_untracked(|t| t.as_ref().and_then(|t| path_to(t, &id))) {
                expanded.update(|e| e.extend(path));
            }
        }
        browsing.set(open);
    };
    let choose_group = move |id: Option<String>| {
        let mut s = search.get_untracked();
        s.group = id.unwrap_or_default();
        s.advanced = true;
        s.page = 1;
        browsing.set(false);
        go(s);
        if let Some(b) = browse_button.get_untracked() {
            let _ = b.focus();
        }
    };

    // Selection of rows on the visible page.
    let selected = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        results.with(|r| {
            let ids: Vec<String> = r
                .as_ref()
                .map(|p| p.items.iter().map(|u| u.id.clone()).collect())
                .unwrap_or_default();
            if selected.with_untracked(|s| s.iter().any(|x| !ids.contains(x))) {
                selected.update(|s| s.retain(|x| ids.contains(x)));
            }
        });
    });
    let page_ids = move || {
        results.with(|r| {
            r.as_ref()
                .map(|p| p.items.iter().map(|u| u.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let page_selected = move || {
        let ids = page_ids();
        let n = selected.with(|s| ids.iter().filter(|i| s.contains(i)).count());
        (n, ids.len())
    };
    let total = move || results.with(|r| r.as_ref().map(|p| p.total).unwrap_or(0));
    let pages = move || results.with(|r| r.as_ref().map(|p| (p.page.max(1), p.last_page.max(1))));
    let rows = move || results.with(|r| r.as_ref().map(|p| p.items.clone()).unwrap_or_default());
    let has_rows = move || results.with(|r| r.as_ref().is_some_and(|p| !p.items.is_empty()));
    let empty = move || results.with(|r| r.as_ref().is_some_and(|p| p.items.is_empty()));
    let status = move || {
        if loading.get() && results.with(Option::is_none) {
            return "Recherche en cours…".to_owned();
        }
        if failure.with(Option::is_some) {
            return String::new();
        }
        let n = total();
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
    let caption = move || match pages() {
        Some((page, last)) if last > 1 => {
            format!("Utilisateurs de l’annuaire (page {page} sur {last})")
        }
        _ => "Utilisateurs de l’annuaire".to_owned(),
    };

    // Actions: dialogs, banner, errors.
    let dialog = RwSignal::new(None::<Dialog>);
    let dialog_node = NodeRef::<leptos::html::Div>::new();
    let opener = StoredValue::new_local(None::<web_sys::Element>);
    let banner_text = RwSignal::new(None::<String>);
    let banner = NodeRef::<leptos::html::Div>::new();
    let action_error = RwSignal::new(None::<String>);
    let copied = RwSignal::new(String::new());

    Effect::new(move |_| {
        if let Some(el) = dialog_node.get() {
            let _ = el.focus();
        }
    });
    let open_dialog = move |d: Dialog| {
        opener.set_value(document().active_element());
        action_error.set(None);
        copied.set(String::new());
        dialog.set(Some(d));
    };
    let focus_back = move || {
        let back = opener
            .get_value()
            .filter(|el| el.is_connected())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        match back {
            Some(el) => {
                let _ = el.focus();
            }
            None => {
                if let Some(b) = banner.get_untracked() {
                    let _ = b.focus();
                }
            }
        }
    };
    let close = move || {
        if matches!(dialog.get_untracked(), None | Some(Dialog::Working { .. })) {
            return;
        }
        dialog.set(None);
        focus_back();
    };
    let names_on_page = move || {
        results.with_untracked(|r| {
            r.as_ref()
                .map(|p| {
                    p.items
                        .iter()
                        .map(|u| (u.id.clone(), full_name(u)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let ask_regenerate_selection = move || {
        let ids = selected.get_untracked();
        if ids.is_empty() {
            return;
        }
        let who = (ids.len() == 1)
            .then(|| {
                names_on_page()
                    .into_iter()
                    .find(|(id, _)| *id == ids[0])
                    .map(|(_, n)| n)
            })
            .flatten();
        open_dialog(Dialog::Regenerate {
            count: ids.len() as u64,
            target: Target::Ids(ids),
            who,
            criteria: Vec::new(),
        });
    };
    let ask_regenerate_all = move || {
        let n = total();
        if n == 0 {
            return;
        }
        let s = search.get_untracked();
        open_dialog(Dialog::Regenerate {
            target: Target::All(s.filters()),
            count: n,
            who: None,
            criteria: criteria_summary(&s, group_name.get_untracked().as_deref()),
        });
    };
    let regenerate = move |target: Target, count: u64| {
        let names = names_on_page();
        dialog.set(Some(Dialog::Working { count }));
        let request = match target {
            Target::Ids(ids) => EntRegenerateRequest {
                ids: Some(ids),
                all_matching: None,
            },
            Target::All(f) => EntRegenerateRequest {
                ids: None,
                all_matching: Some(f),
            },
        };
        let url = format!("{}/regenerate-password", users_url(&uai_stored.get_value()));
        spawn_local(async move {
            let got =
                authed(session, |token| {
                    let (url, request) = (url.clone(), request.clone());
                    async move {
                        api::post_json::<_, EntRegenerateResponse>(&url, &request, &token).await
                    }
                })
                .await;
            if dialog.is_disposed() {
                return;
            }
            match got {
                Ok(r) => {
                    let list = r
                        .results
                        .into_iter()
                        .map(|c: EntCredentials| Credential {
                            name: names
                                .iter()
                                .find(|(id, _)| *id == c.id)
                                .map(|(_, n)| n.clone())
                                .or_else(|| addressee(&c.message))
                                .unwrap_or_else(|| c.login.clone()),
                            login: c.login,
                            message: c.message,
                        })
                        .collect::<Vec<_>>();
                    banner_text.set(Some(format!(
                        "Mot de passe régénéré pour {}.",
                        users_count(list.len() as u64)
                    )));
                    selected.set(Vec::new());
                    dialog.set(Some(Dialog::Credentials(list)));
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => {
                    dialog.set(None);
                    action_error.set(Some(e.message()));
                    focus_back();
                }
            }
        });
    };
    let set_state = move |user: EntUser, block: bool| {
        dialog.set(None);
        let verb = if block { "block" } else { "unblock" };
        let url = format!(
            "{}/{}/{verb}",
            users_url(&uai_stored.get_value()),
            encode(&user.id)
        );
        let name = full_name(&user);
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { api::post_empty(&url, &token).await }
            })
            .await;
            if banner_text.is_disposed() {
                return;
            }
            match got {
                Ok(()) => {
                    banner_text.set(Some(if block {
                        format!("Le compte de {name} est bloqué.")
                    } else {
                        format!("Le compte de {name} est débloqué.")
                    }));
                    nonce.update(|n| *n = n.wrapping_add(1));
                }
                Err(e) if e.status() == Some(401) => {
                    expire(session, notice);
                    return;
                }
                Err(e) => action_error.set(Some(e.message())),
            }
            focus_back();
        });
    };
    let confirm = move || match dialog.get_untracked() {
        Some(Dialog::Regenerate { target, count, .. }) => regenerate(target, count),
        Some(Dialog::SetState { user, block }) => set_state(user, block),
        _ => {}
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
    let row_action = move |user: EntUser, regenerate_one: bool| {
        if regenerate_one {
            let who = Some(full_name(&user));
            open_dialog(Dialog::Regenerate {
                target: Target::Ids(vec![user.id.clone()]),
                count: 1,
                who,
                criteria: Vec::new(),
            });
        } else {
            let block = user.state != "Bloqué";
            open_dialog(Dialog::SetState { user, block });
        }
    };

    // « Créer un utilisateur ».
    let creating = RwSignal::new(false);
    let create_button = NodeRef::<leptos::html::Button>::new();

    view! {
        <div class="panel directory">
            <h3>"Annuaire — Administration"</h3>
            <form
                class="filters"
                role="search"
                aria-label="Rechercher dans l’annuaire"
                on:submit=on_submit
            >
                <div class="field directory__simple">
                    <label for="directory-q">"Nom ou identifiant"</label>
                    <input
                        id="directory-q"
                        name="q"
                        type="search"
                        autocomplete="off"
                        spellcheck="false"
                        aria-describedby="directory-q-hint"
                        bind:value=q
                    />
                    <p id="directory-q-hint" class="field__hint">
                        "Début du nom de famille, ou identifiant complet (prenom.nom)."
                    </p>
                </div>
                <button
                    type="button"
                    class="button button--secondary directory__disclosure"
                    aria-expanded=move || advanced_open.get().to_string()
                    aria-controls="directory-advanced"
                    on:click=toggle_advanced
                >
                    <span aria-hidden="true">{move || if advanced_open.get() { "▾ " } else { "▸ " }}</span>
                    "Recherche avancée"
                </button>
                <div id="directory-advanced" class="directory__advanced" hidden=move || !advanced_open.get()>
                    <div class="filters__grid directory__grid">
                        <div class="field">
                            <label for="directory-first-name">"Prénom"</label>
                            <input
                                id="directory-first-name"
                                name="first_name"
                                type="text"
                                autocomplete="off"
                                spellcheck="false"
                                bind:value=first_name
                            />
                        </div>
                        <div class="field">
                            <label for="directory-profile">"Profil"</label>
                            <select
                                id="directory-profile"
                                name="profile"
                                prop:value=move || profile.get()
                                on:change=move |ev| profile.set(event_target_value(&ev))
                            >
                                <option value="">"Tous les profils"</option>
                                {PROFILES
                                    .into_iter()
                                    .map(|p: &'static str| {
                                        view! {
                                            <option value=p selected=move || profile.with(|v| v == p)>
                                                {p}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="directory-state">"État du compte"</label>
                            <select
                                id="directory-state"
                                name="state"
                                prop:value=move || state.get()
                                on:change=move |ev| state.set(event_target_value(&ev))
                            >
                                <option value="">"Tous les états"</option>
                                {["Opérationnel", "Bloqué"]
                                    .into_iter()
                                    .map(|v: &'static str| {
                                        view! {
                                            <option value=v selected=move || state.with(|x| x == v)>
                                                {v}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="directory-subject">"Matière enseignée"</label>
                            <input
                                id="directory-subject"
                                name="subject"
                                type="text"
                                autocomplete="off"
                                aria-describedby="directory-subject-hint"
                                bind:value=subject
                            />
                            <p id="directory-subject-hint" class="field__hint">
                                "Intitulé exact, par exemple « Anglais »."
                            </p>
                        </div>
                        <div class="field">
                            <label for="directory-login">"Identifiant (recherche technique)"</label>
                            <input
                                id="directory-login"
                                name="login"
                                type="text"
                                autocomplete="off"
                                autocapitalize="none"
                                spellcheck="false"
                                bind:value=login
                            />
                        </div>
                    </div>
                    <div class="directory__group" role="group" aria-labelledby="directory-group-label">
                        <p class="directory__group-line">
                            <span id="directory-group-label" class="directory__group-label">"Groupe"</span>
                            " "
                            <span class="directory__group-name">
                                {move || group_name.get().unwrap_or_else(|| "Tous les groupes".into())}
                            </span>
                        </p>
                        <div class="directory__group-actions">
                            <button
                                type="button"
                                class="button button--secondary"
                                node_ref=browse_button
                                aria-expanded=move || browsing.get().to_string()
                                aria-controls="directory-tree"
                                on:click=toggle_browse
                            >
                                "Parcourir"
                                <span class="visually-hidden">" les groupes"</span>
                            </button>
                            <Show when=move || search.with(|s| !s.group.is_empty())>
                                <button
                                    type="button"
                                    class="button button--secondary"
                                    on:click=move |_| choose_group(None)
                                >
                                    "Retirer le groupe"
                                </button>
                            </Show>
                        </div>
                        <div id="directory-tree" class="directory__tree" hidden=move || !browsing.get()>
                            <p class="alert" class:alert--shown=move || tree_error.with(Option::is_some) role="alert">
                                {move || tree_error.get()}
                            </p>
                            {move || {
                                tree.get()
                                    .map(|t| {
                                        let chosen = Signal::derive(move || search.with(|s| s.group.clone()));
                                        view! {
                                            <ul class="tree" aria-label="Groupes de l’établissement">
                                                {group_node(t, 0, expanded, chosen, choose_group)}
                                            </ul>
                                        }
                                    })
                            }}
                        </div>
                    </div>
                </div>
                <div class="filters__actions">
                    <button type="submit" class="button">"Rechercher"</button>
                    <button type="button" class="button button--secondary" on:click=reset>
                        "Réinitialiser"
                    </button>
                </div>
            </form>

            <p class="status results__count" role="status" aria-live="polite">{status}</p>
            <p class="alert" class:alert--shown=move || failure.with(Option::is_some) role="alert">
                {move || failure.get()}
            </p>
            <Show when=empty>
                <p class="results__empty">"Aucun utilisateur ne correspond à ces critères."</p>
            </Show>
            <Show when=move || can_write.get()>
                <div class="actions" role="group" aria-label="Actions sur les utilisateurs">
                    <p class="actions__count" aria-live="polite">
                        {move || match selected.with(Vec::len) {
                            0 => "Aucun utilisateur sélectionné".to_owned(),
                            1 => "1 utilisateur sélectionné".to_owned(),
                            n => format!("{n} utilisateurs sélectionnés"),
                        }}
                    </p>
                    <button
                        type="button"
                        class="button button--secondary"
                        aria-haspopup="dialog"
                        disabled=move || selected.with(Vec::is_empty)
                        on:click=move |_| ask_regenerate_selection()
                    >
                        "Régénérer le mot de passe de la sélection"
                    </button>
                    <button
                        type="button"
                        class="button button--secondary"
                        aria-haspopup="dialog"
                        disabled=move || total() == 0
                        on:click=move |_| ask_regenerate_all()
                    >
                        {move || format!("Régénérer le mot de passe de tous les résultats ({})", total())}
                    </button>
                    <button
                        type="button"
                        class="button"
                        node_ref=create_button
                        aria-expanded=move || creating.get().to_string()
                        aria-controls="directory-create"
                        on:click=move |_| creating.update(|c| *c = !*c)
                    >
                        "Créer un utilisateur"
                    </button>
                </div>
            </Show>
            <div
                class="banner"
                class:banner--shown=move || banner_text.with(Option::is_some)
                role="status"
                tabindex="-1"
                node_ref=banner
            >
                {move || banner_text.get().map(|t| view! { <p class="banner__line">{t}</p> })}
            </div>
            <p class="alert" class:alert--shown=move || action_error.with(Option::is_some) role="alert">
                {move || action_error.get()}
            </p>
            <div id="directory-create" hidden=move || !creating.get()>
                <Show when=move || creating.get()>
                    <CreateUser
                        uai=uai_stored.get_value()
                        session
                        notice
                        tree
                        on_created=move || nonce.update(|n| *n = n.wrapping_add(1))
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
                <div
                    class="table-wrap"
                    role="region"
                    aria-labelledby="directory-caption"
                    tabindex="0"
                >
                    <table class="table" aria-busy=move || loading.get().to_string()>
                        <caption id="directory-caption">{caption}</caption>
                        <thead>
                            <tr>
                                <Show when=move || can_write.get()>
                                    <th scope="col" class="table__select">
                                        <label for="directory-select-page" class="visually-hidden">
                                            "Tout sélectionner (page)"
                                        </label>
                                        <input
                                            id="directory-select-page"
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
                                </Show>
                                <th scope="col">"Nom"</th>
                                <th scope="col">"Prénom"</th>
                                <th scope="col">"Profil"</th>
                                <th scope="col">"Identifiant"</th>
                                <th scope="col">"État"</th>
                                <th scope="col">"Groupes"</th>
                                <Show when=move || can_write.get()>
                                    <th scope="col">"Actions"</th>
                                </Show>
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=rows
                                key=|u| (u.id.clone(), u.state.clone(), u.groups.join("|"))
                                children=move |u| {
                                    view! { <UserRow u selected can_write on_action=row_action /> }
                                }
                            />
                        </tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || pages().is_some_and(|_| total() > 0)>
                <Pager
                    pages=Signal::derive(pages)
                    on_page=Callback::new(to_page)
                    label="Pagination des résultats"
                    first="Première page"
                    previous="Page précédente"
                    next="Page suivante"
                    last="Dernière page"
                    live=true
                />
            </Show>
            {move || {
                dialog
                    .get()
                    .map(|d| {
                        let wide = matches!(d, Dialog::Credentials(_));
                        view! {
                            <div class="modal">
                                <div
                                    class="modal__dialog"
                                    class:modal__dialog--wide=wide
                                    role="dialog"
                                    aria-modal="true"
                                    aria-labelledby="directory-dialog-title"
                                    aria-describedby="directory-dialog-desc"
                                    tabindex="-1"
                                    node_ref=dialog_node
                                    on:keydown=on_dialog_key
                                >
                                    {dialog_body(d, confirm, close, copied)}
                                </div>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
