//! « Annuaire » (seed 000, ENT « Service personnel → Annuaire → Administration »): simple and
//! advanced search of the directory, the group tree (« école → Groupes pédagogiques →
//! Classes »), « Régénérer le mot de passe » for a selection or a whole search (a class) with
//! the ready-to-copy messages, « Créer un utilisateur », blocking and unblocking.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::ent::{
    EntCredentials, EntGroupNode, EntRegenerateRequest, EntRegenerateResponse, EntUser,
    EntUserCreated, EntUserFilters, EntUserPage, NewEntUser,
};
use sesame_api::FieldError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::actions;
use crate::api::{self, ApiError};
use crate::app::{
    authed, expire, fetch_establishments, navigate, Notice, RouteSignal, SessionSignal,
};
use crate::route::{decode, encode, Route, Tab};

/// The directory's profiles, as the ENT names them (the server refuses any other).
pub const PROFILES: [&str; 6] = [
    "Élève",
    "Parent",
    "Personnel de l'Éducation nationale",
    "Personnel de l'enseignement agricole",
    "Personnel de collectivité",
    "Autre / invité",
];

/// The search as the URL carries it: `q` is the simple search (a name, or a login when it
/// looks like one), the rest the advanced search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectorySearch {
    pub q: String,
    pub first_name: String,
    pub profile: String,
    pub subject: String,
    /// A group id of the establishment (members of its sub-groups included).
    pub group: String,
    /// Exact login (« recherche technique »).
    pub login: String,
    /// « Opérationnel » or « Bloqué ».
    pub state: String,
    /// The advanced search is unfolded.
    pub advanced: bool,
    /// 1-based.
    pub page: u64,
}

/// `prenom.nom`, `prenom.nom2`: a dot and no space.
pub fn looks_like_login(q: &str) -> bool {
    let q = q.trim();
    !q.is_empty() && q.contains('.') && !q.chars().any(char::is_whitespace)
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

impl DirectorySearch {
    pub fn page(&self) -> u64 {
        self.page.max(1)
    }

    /// Any criterion of the advanced search is set.
    pub fn has_advanced_criteria(&self) -> bool {
        [
            &self.first_name,
            &self.profile,
            &self.subject,
            &self.group,
            &self.login,
            &self.state,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }

    /// The same criteria, first page, advanced search folded: what the form edits.
    pub fn criteria(&self) -> DirectorySearch {
        DirectorySearch {
            advanced: false,
            page: 1,
            ..self.clone()
        }
    }

    fn criteria_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", &self.q),
            ("first_name", &self.first_name),
            ("profile", &self.profile),
            ("subject", &self.subject),
            ("group", &self.group),
            ("login", &self.login),
            ("state", &self.state),
        ]
        .into_iter()
        .filter_map(|(k, v)| non_empty(v).map(|v| (k, v)))
        .collect()
    }

    /// The URL's query string, without its `?`.
    pub fn url_query(&self) -> String {
        let mut pairs = self.criteria_pairs();
        if self.advanced {
            pairs.push(("avancee", "1".into()));
        } else if self.has_advanced_criteria() {
            // Folded by the user although criteria are set: say so, or a link unfolds it.
            pairs.push(("avancee", "0".into()));
        }
        if self.page() > 1 {
            pairs.push(("page", self.page().to_string()));
        }
        join(&pairs)
    }

    pub fn parse(query: &str) -> Self {
        let mut s = DirectorySearch::default();
        let mut advanced = None;
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match decode(key).as_str() {
                "q" => s.q = value,
                "first_name" => s.first_name = value,
                "profile" => s.profile = value,
                "subject" => s.subject = value,
                "group" => s.group = value,
                "login" => s.login = value,
                "state" => s.state = value,
                "avancee" => advanced = Some(value == "1"),
                "page" => s.page = value.parse().unwrap_or(1),
                _ => {}
            }
        }
        // A shared link with advanced criteria shows them, unless it says otherwise.
        s.advanced = advanced.unwrap_or_else(|| s.has_advanced_criteria());
        s
    }

    /// The API's criteria: the simple field is a family name prefix, or an exact login.
    pub fn filters(&self) -> EntUserFilters {
        let q = non_empty(&self.q);
        let q_is_login = q.as_deref().is_some_and(looks_like_login);
        EntUserFilters {
            family_name: q.clone().filter(|_| !q_is_login),
            first_name: non_empty(&self.first_name),
            profile: non_empty(&self.profile),
            subject: non_empty(&self.subject),
            group: non_empty(&self.group),
            login: non_empty(&self.login).or(q.filter(|_| q_is_login)),
            state: non_empty(&self.state),
        }
    }

    /// The query string of `GET …/users`.
    pub fn api_query(&self) -> String {
        let f = self.filters();
        let mut pairs: Vec<(&str, String)> = [
            ("family_name", f.family_name),
            ("first_name", f.first_name),
            ("profile", f.profile),
            ("subject", f.subject),
            ("group", f.group),
            ("login", f.login),
            ("state", f.state),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        pairs.push(("page", self.page().to_string()));
        join(&pairs)
    }
}

fn join(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The criteria in force, in words, for the status line and the confirmation.
pub fn criteria_summary(s: &DirectorySearch, group_name: Option<&str>) -> Vec<String> {
    let f = s.filters();
    let mut out = Vec::new();
    if let Some(v) = f.family_name {
        out.push(format!("nom commençant par « {v} »"));
    }
    if let Some(v) = f.first_name {
        out.push(format!("prénom commençant par « {v} »"));
    }
    if let Some(v) = f.profile {
        out.push(format!("profil « {v} »"));
    }
    if let Some(v) = f.subject {
        out.push(format!("matière « {v} »"));
    }
    if let Some(v) = f.group {
        out.push(format!("groupe « {} »", group_name.unwrap_or(&v)));
    }
    if let Some(v) = f.login {
        out.push(format!("identifiant « {v} »"));
    }
    if let Some(v) = f.state {
        out.push(format!("état « {v} »"));
    }
    out
}

/// « 1 utilisateur », « 52 utilisateurs ».
pub fn users_count(n: u64) -> String {
    if n <= 1 {
        format!("{n} utilisateur")
    } else {
        format!("{n} utilisateurs")
    }
}

/// The node of the tree with this id.
pub fn find_group<'a>(node: &'a EntGroupNode, id: &str) -> Option<&'a EntGroupNode> {
    if node.id == id {
        return Some(node);
    }
    node.children.iter().find_map(|c| find_group(c, id))
}

/// The ids from the root to the node (both included), to unfold the tree down to it.
pub fn path_to(node: &EntGroupNode, id: &str) -> Option<Vec<String>> {
    if node.id == id {
        return Some(vec![node.id.clone()]);
    }
    node.children.iter().find_map(|c| {
        path_to(c, id).map(|mut p| {
            p.insert(0, node.id.clone());
            p
        })
    })
}

/// Classes and pedagogical groups (not folders), for the creation form: `(id, name)`.
pub fn member_groups(node: &EntGroupNode) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if node.kind == "class" || node.kind == "group" {
        out.push((node.id.clone(), node.name.clone()));
    }
    for c in &node.children {
        out.extend(member_groups(c));
    }
    out
}

/// Whom a credentials message greets (« Bonjour Prénom Nom, »), for users not on the page.
pub fn addressee(message: &str) -> Option<String> {
    let first = message.lines().next()?.trim();
    let name = first.strip_prefix("Bonjour ")?.trim_end_matches(',').trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The messages of the field errors about `field`, joined.
pub fn field_message(errors: &[FieldError], field: &str) -> Option<String> {
    let list: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect();
    (!list.is_empty()).then(|| list.join(" "))
}

/// The field errors of a refused request (422 problem+json), if that is what it is.
fn field_errors(e: &ApiError) -> Vec<FieldError> {
    match e {
        ApiError::Status {
            problem: Some(p), ..
        } => p.errors.clone(),
        _ => Vec::new(),
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "establishment" => "établissement",
        "folder" => "dossier",
        "class" => "classe",
        _ => "groupe",
    }
}

/// Writes `text` to the clipboard; `done(true)` once written, `done(false)` when refused or
/// unavailable (insecure page, permission denied).
fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let navigator = window().navigator();
    let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !available {
        done(false);
        return;
    }
    let promise = navigator.clipboard().write_text(text);
    let done = Rc::new(RefCell::new(Some(done)));
    let on_error = Rc::clone(&done);
    let resolved = Closure::once(move |_: JsValue| {
        if let Some(f) = done.borrow_mut().take() {
            f(true);
        }
    });
    let rejected = Closure::once(move |_: JsValue| {
        if let Some(f) = on_error.borrow_mut().take() {
            f(false);
        }
    });
    let _ = promise.then2(&resolved, &rejected);
    // Called once by the promise, then dropped with it.
    resolved.forget();
    rejected.forget();
}

/// Selects the text of the element `id`, so that the user can copy it with Ctrl+C.
fn select_text_of(id: &str) {
    let Some(el) = document().get_element_by_id(id) else {
        return;
    };
    let w: JsValue = window().into();
    let call = |target: &JsValue, name: &str, arg: Option<&JsValue>| -> Option<JsValue> {
        let f = js_sys::Reflect::get(target, &JsValue::from_str(name))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        match arg {
            Some(a) => f.call1(target, a).ok(),
            None => f.call0(target).ok(),
        }
    };
    if let Some(selection) = call(&w, "getSelection", None) {
        call(&selection, "selectAllChildren", Some(el.as_ref()));
    }
}

/// Copies the text of element `id` (its `textContent`), announcing the outcome in `status`.
fn copy_element(id: String, done_message: String, status: RwSignal<String>) {
    let Some(text) = document()
        .get_element_by_id(&id)
        .and_then(|el| el.text_content())
    else {
        return;
    };
    // Emptied first, so that a second copy is announced again.
    status.set(String::new());
    copy_text(&text, move |copied| {
        if status.is_disposed() {
            return;
        }
        if copied {
            status.set(done_message);
        } else {
            select_text_of(&id);
            status.set(
                "Le navigateur a refusé la copie automatique : le texte est sélectionné, \
                 copiez-le avec Ctrl+C (ou Cmd+C)."
                    .into(),
            );
        }
    });
}

/// Who a mass regeneration is for.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Ids(Vec<String>),
    All(EntUserFilters),
}

/// A generated message, with whom it is for.
#[derive(Debug, Clone, PartialEq)]
struct Credential {
    name: String,
    login: String,
    message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Dialog {
    Regenerate {
        target: Target,
        count: u64,
        /// The user's name when there is only one.
        who: Option<String>,
        criteria: Vec<String>,
    },
    Working {
        count: u64,
    },
    Credentials(Vec<Credential>),
    SetState {
        user: EntUser,
        block: bool,
    },
}

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
    let at_first = move || pages().is_none_or(|(page, _)| page <= 1);
    let at_last = move || pages().is_none_or(|(page, last)| page >= last);
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
                <nav class="pagination" aria-label="Pagination des résultats">
                    <button
                        type="button"
                        class="button button--secondary"
                        aria-disabled=move || at_first().to_string()
                        on:click=move |_| {
                            if !at_first() {
                                to_page(1);
                            }
                        }
                    >
                        "Première page"
                    </button>
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
                        "Page précédente"
                    </button>
                    <p class="pagination__where" aria-live="polite">
                        {move || {
                            pages()
                                .map(|(page, last)| format!("Page {page} sur {last}"))
                                .unwrap_or_default()
                        }}
                    </p>
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
                        "Page suivante"
                    </button>
                    <button
                        type="button"
                        class="button button--secondary"
                        aria-disabled=move || at_last().to_string()
                        on:click=move |_| {
                            if let Some((_, last)) = pages().filter(|_| !at_last()) {
                                to_page(last);
                            }
                        }
                    >
                        "Dernière page"
                    </button>
                </nav>
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

/// The inside of the dialog open.
fn dialog_body(
    d: Dialog,
    confirm: impl Fn() + Copy + 'static,
    close: impl Fn() + Copy + 'static,
    copied: RwSignal<String>,
) -> AnyView {
    let actions = move |label: &'static str| {
        view! {
            <div class="modal__actions">
                <button type="button" class="button" on:click=move |_| confirm()>{label}</button>
                <button type="button" class="button button--secondary" on:click=move |_| close()>
                    "Annuler"
                </button>
            </div>
        }
    };
    match d {
        Dialog::Regenerate {
            count,
            who,
            criteria,
            target,
        } => {
            let question = match (&who, &target) {
                (Some(name), _) => format!(
                    "Êtes-vous sûr de vouloir régénérer le mot de passe de {name} ? Son mot de passe actuel ne fonctionnera plus."
                ),
                (None, Target::All(_)) => format!(
                    "Êtes-vous sûr de vouloir régénérer le mot de passe de tous les utilisateurs correspondant à la recherche, soit {} ? Leurs mots de passe actuels ne fonctionneront plus.",
                    users_count(count)
                ),
                (None, Target::Ids(_)) => format!(
                    "Êtes-vous sûr de vouloir régénérer le mot de passe des {} sélectionnés ? Leurs mots de passe actuels ne fonctionneront plus.",
                    users_count(count)
                ),
            };
            let criteria = (!criteria.is_empty())
                .then(|| view! { <p>"Critères : " {criteria.join(", ")} "."</p> });
            view! {
                <h2 id="directory-dialog-title" class="modal__title">"Régénérer le mot de passe"</h2>
                <p id="directory-dialog-desc">{question}</p>
                {criteria}
                <p class="modal__warning">
                    "Un nouveau mot de passe provisoire, à changer à la première connexion, sera attribué. Les messages avec les nouveaux identifiants s’afficheront ensuite, prêts à copier."
                </p>
                {actions("Régénérer")}
            }
            .into_any()
        }
        Dialog::Working { count } => view! {
            <h2 id="directory-dialog-title" class="modal__title">"Régénérer le mot de passe"</h2>
            <p id="directory-dialog-desc" role="status">
                <label for="directory-progress">
                    {format!("Régénération en cours pour {}…", users_count(count))}
                </label>
            </p>
            <progress id="directory-progress" class="directory__progress"></progress>
        }
        .into_any(),
        Dialog::Credentials(list) => {
            let n = list.len();
            let items = list
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    let msg_id = format!("directory-message-{i}");
                    let copy_id = msg_id.clone();
                    let who = c.name.clone();
                    view! {
                        <li class="credentials__item">
                            <p class="credentials__who">
                                <strong>{c.name}</strong>
                                " ("
                                <span class="table__id">{c.login}</span>
                                ")"
                            </p>
                            <pre id=msg_id class="credentials__message">{c.message}</pre>
                            <button
                                type="button"
                                class="button button--secondary button--small"
                                on:click=move |_| {
                                    copy_element(copy_id.clone(), "Copié".into(), copied)
                                }
                            >
                                "Copier"
                                <span class="visually-hidden">{format!(" le message de {who}")}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h2 id="directory-dialog-title" class="modal__title">"Nouveaux identifiants"</h2>
                <p id="directory-dialog-desc">
                    {format!(
                        "Mot de passe régénéré pour {}. Copiez chaque message et transmettez-le à son destinataire : il ne sera plus affiché après la fermeture de cette fenêtre.",
                        users_count(n as u64)
                    )}
                </p>
                <div class="modal__actions directory__copy-all">
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            copy_element(
                                "directory-messages".into(),
                                format!("Copié : {n} message(s)."),
                                copied,
                            )
                        }
                    >
                        "Tout copier"
                    </button>
                    <p class="directory__copied" role="status" aria-live="polite">{move || copied.get()}</p>
                </div>
                <ol id="directory-messages" class="credentials">{items}</ol>
                <div class="modal__actions">
                    <button type="button" class="button button--secondary" on:click=move |_| close()>
                        "Fermer"
                    </button>
                </div>
            }
            .into_any()
        }
        Dialog::SetState { user, block } => {
            let name = full_name(&user);
            let (title, question, label) = if block {
                (
                    "Bloquer le compte",
                    format!("Êtes-vous sûr de vouloir bloquer le compte de {name} ({}) ? Il ne pourra plus se connecter à l’ENT tant que son compte sera bloqué.", user.login),
                    "Bloquer",
                )
            } else {
                (
                    "Débloquer le compte",
                    format!("Êtes-vous sûr de vouloir débloquer le compte de {name} ({}) ? Il pourra de nouveau se connecter à l’ENT.", user.login),
                    "Débloquer",
                )
            };
            view! {
                <h2 id="directory-dialog-title" class="modal__title">{title}</h2>
                <p id="directory-dialog-desc">{question}</p>
                {actions(label)}
            }
            .into_any()
        }
    }
}

/// A node of the group tree and its sub-tree: a button to choose it, and one to unfold it.
fn group_node(
    node: EntGroupNode,
    depth: usize,
    expanded: RwSignal<HashSet<String>>,
    chosen: Signal<String>,
    choose: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
) -> AnyView {
    let id = node.id.clone();
    let is_root = node.kind == "establishment";
    let has_children = !node.children.is_empty();
    let open = {
        let id = id.clone();
        move || expanded.with(|e| e.contains(&id))
    };
    let is_chosen = {
        let id = id.clone();
        move || chosen.with(|c| if is_root { c.is_empty() } else { *c == id })
    };
    let sub_id = format!("directory-tree-{depth}-{}", encode(&id).replace('%', "_"));
    let toggle = has_children.then(|| {
        let id = id.clone();
        let open = open.clone();
        let open_label = open.clone();
        let name = node.name.clone();
        view! {
            <button
                type="button"
                class="tree__toggle"
                aria-expanded=move || open().to_string()
                aria-controls=sub_id.clone()
                on:click=move |_| {
                    let id = id.clone();
                    expanded
                        .update(|e| {
                            if !e.remove(&id) {
                                e.insert(id);
                            }
                        });
                }
            >
                <span aria-hidden="true">{move || if open_label() { "▾" } else { "▸" }}</span>
                <span class="visually-hidden">{format!("Sous-groupes de {name}")}</span>
            </button>
        }
    });
    let choose_id = (!is_root).then(|| id.clone());
    let count = node.member_count;
    let kind = kind_label(&node.kind);
    let children = node.children;
    let sub_id = format!("directory-tree-{depth}-{}", encode(&id).replace('%', "_"));
    let sub = has_children.then(|| {
        let open = open.clone();
        view! {
            <ul class="tree__children" id=sub_id hidden=move || !open()>
                {children
                    .into_iter()
                    .map(|c| group_node(c, depth + 1, expanded, chosen, choose))
                    .collect_view()}
            </ul>
        }
    });
    let is_chosen_class = is_chosen.clone();
    view! {
        <li class="tree__item">
            <div class="tree__row">
                {toggle}
                {(!has_children).then(|| view! { <span class="tree__spacer" aria-hidden="true"></span> })}
                <button
                    type="button"
                    class="tree__choose"
                    class:tree__choose--chosen=is_chosen_class
                    aria-current=move || is_chosen().then_some("true")
                    on:click=move |_| choose(choose_id.clone())
                >
                    {node.name}
                    <span class="tree__meta">
                        {format!(" ({kind}, {})", users_count(count))}
                    </span>
                </button>
            </div>
            {sub}
        </li>
    }
    .into_any()
}

#[component]
fn UserRow(
    u: EntUser,
    selected: RwSignal<Vec<String>>,
    can_write: RwSignal<bool>,
    on_action: impl Fn(EntUser, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let name_id = format!("directory-user-{}", encode(&u.id).replace('%', "_"));
    let first_id = format!("{name_id}-first");
    let labelled = format!("{name_id} {first_id}");
    let id = u.id.clone();
    let checked = {
        let id = id.clone();
        Memo::new(move |_| selected.with(|s| s.contains(&id)))
    };
    let blocked = u.state == "Bloqué";
    let name = full_name(&u);
    let user_regen = u.clone();
    let user_state = u.clone();
    view! {
        <tr class:table__row--selected=move || checked.get()>
            <Show when=move || can_write.get()>
                <td class="table__select">
                    {
                        let id = id.clone();
                        let labelled = labelled.clone();
                        view! {
                            <input
                                type="checkbox"
                                aria-labelledby=labelled
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
                        }
                    }
                </td>
            </Show>
            <th scope="row" class="table__name" id=name_id>
                {u.family_name.to_uppercase()}
            </th>
            <td id=first_id>{u.first_name.clone()}</td>
            <td>{u.profile.clone()}</td>
            <td class="table__id">{u.login.clone()}</td>
            <td class="table__state">
                <span
                    class=if blocked { "dot dot--ent-blocked" } else { "dot dot--ent-operational" }
                    aria-hidden="true"
                ></span>
                {u.state.clone()}
            </td>
            <td>{u.groups.join(", ")}</td>
            <Show when=move || can_write.get()>
                <td>
                    <div class="directory__row-actions">{
                        let (name, user_regen, user_state) = (
                            name.clone(),
                            user_regen.clone(),
                            user_state.clone(),
                        );
                        view! {
                            <button
                                type="button"
                                class="button button--secondary button--small"
                                aria-haspopup="dialog"
                                on:click=move |_| on_action(user_regen.clone(), true)
                            >
                                "Régénérer le mot de passe"
                                <span class="visually-hidden">{format!(" de {name}")}</span>
                            </button>
                            <button
                                type="button"
                                class="button button--secondary button--small"
                                aria-haspopup="dialog"
                                on:click=move |_| on_action(user_state.clone(), false)
                            >
                                {if blocked { "Débloquer" } else { "Bloquer" }}
                                <span class="visually-hidden">{format!(" {name}")}</span>
                            </button>
                        }
                    }</div>
                </td>
            </Show>
        </tr>
    }
}

/// « Créer un utilisateur »: the form, the field errors from the server, the created login.
#[component]
fn CreateUser(
    uai: String,
    session: SessionSignal,
    notice: Notice,
    tree: RwSignal<Option<EntGroupNode>>,
    on_created: impl Fn() + Copy + Send + Sync + 'static,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let profile = RwSignal::new(String::new());
    let family_name = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let groups = RwSignal::new(Vec::<String>::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let created = RwSignal::new(None::<EntUserCreated>);
    let created_copied = RwSignal::new(String::new());
    let created_banner = NodeRef::<leptos::html::Div>::new();
    let form_alert = NodeRef::<leptos::html::P>::new();
    let first_field = NodeRef::<leptos::html::Select>::new();
    let uai = StoredValue::new(uai);

    // The cursor goes to the form as it opens.
    Effect::new(move |_| {
        if let Some(el) = first_field.get() {
            let _ = el.focus();
        }
    });

    // By id, in the form's order: the attributes of the fields are updated a tick later.
    let focus_first_invalid = move || {
        let fields = ["profile", "family_name", "first_name", "email", "subject"];
        let target = errors.with_untracked(|e| {
            fields
                .into_iter()
                .find(|f| e.iter().any(|x| x.field == *f))
                .map(|f| format!("directory-new-{f}"))
        });
        let el = target
            .and_then(|id| document().get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        match el {
            Some(el) => {
                let _ = el.focus();
            }
            None => {
                if let Some(p) = form_alert.get_untracked() {
                    let _ = p.focus();
                }
            }
        }
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        error.set(None);
        created.set(None);
        let chosen_profile = profile.get_untracked();
        if chosen_profile.is_empty() {
            errors.set(vec![FieldError {
                field: "profile".into(),
                message: "Choisissez un profil.".into(),
            }]);
            error.set(Some(
                "Le formulaire contient des erreurs : corrigez les champs signalés.".into(),
            ));
            focus_first_invalid();
            return;
        }
        let body = NewEntUser {
            family_name: family_name.get_untracked(),
            first_name: first_name.get_untracked(),
            profile: chosen_profile,
            email: non_empty(&email.get_untracked()),
            subject: non_empty(&subject.get_untracked()),
            groups: groups.get_untracked(),
        };
        let url = users_url(&uai.get_value());
        pending.set(true);
        spawn_local(async move {
            let got = authed(session, |token| {
                let (url, body) = (url.clone(), body.clone());
                async move { api::post_json::<_, EntUserCreated>(&url, &body, &token).await }
            })
            .await;
            if pending.is_disposed() {
                return;
            }
            pending.set(false);
            match got {
                Ok(c) => {
                    errors.set(Vec::new());
                    family_name.set(String::new());
                    first_name.set(String::new());
                    email.set(String::new());
                    subject.set(String::new());
                    groups.set(Vec::new());
                    created.set(Some(c));
                    on_created();
                    if let Some(b) = created_banner.get_untracked() {
                        let _ = b.focus();
                    }
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => {
                    let list = field_errors(&e);
                    if list.is_empty() {
                        errors.set(Vec::new());
                        error.set(Some(e.message()));
                    } else {
                        errors.set(list);
                        error.set(Some(
                            "Le formulaire contient des erreurs : corrigez les champs signalés."
                                .into(),
                        ));
                    }
                    focus_first_invalid();
                }
            }
        });
    };

    let message_of = move |field: &'static str| errors.with(|e| field_message(e, field));
    let invalid = move |field: &'static str| message_of(field).is_some().to_string();
    let described = move |field: &'static str, hint: Option<&'static str>| {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if message_of(field).is_some() {
            ids.push(format!("directory-new-{field}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let error_line = move |field: &'static str| {
        view! {
            <p id=format!("directory-new-{field}-error") class="field__error">
                {move || message_of(field)}
            </p>
        }
    };
    let text_input = move |field: &'static str,
                           label: &'static str,
                           value: RwSignal<String>,
                           kind: &'static str,
                           hint: Option<(&'static str, &'static str)>| {
        let input_id = format!("directory-new-{field}");
        let hint_id = hint.map(|(id, _)| id);
        view! {
            <div class="field">
                <label for=input_id.clone()>{label}</label>
                <input
                    id=input_id
                    name=field
                    type=kind
                    autocomplete="off"
                    aria-invalid=move || invalid(field)
                    aria-describedby=move || described(field, hint_id)
                    bind:value=value
                />
                {hint.map(|(id, text)| view! { <p id=id class="field__hint">{text}</p> })}
                {error_line(field)}
            </div>
        }
    };
    let group_choices = move || tree.with(|t| t.as_ref().map(member_groups).unwrap_or_default());

    view! {
        <section class="directory__create" aria-labelledby="directory-create-title">
            <h4 id="directory-create-title">"Créer un utilisateur"</h4>
            <form id="directory-create-form" class="directory__create-form" novalidate on:submit=on_submit>
                <p class="field__hint">"Les champs marqués d’un astérisque (*) sont obligatoires."</p>
                <p
                    class="alert"
                    class:alert--shown=move || error.with(Option::is_some)
                    role="alert"
                    tabindex="-1"
                    node_ref=form_alert
                >
                    {move || error.get()}
                </p>
                <div class="filters__grid directory__grid">
                    <div class="field">
                        <label for="directory-new-profile">"Profil *"</label>
                        <select
                            id="directory-new-profile"
                            name="profile"
                            node_ref=first_field
                            aria-required="true"
                            aria-invalid=move || invalid("profile")
                            aria-describedby=move || described("profile", None)
                            prop:value=move || profile.get()
                            on:change=move |ev| profile.set(event_target_value(&ev))
                        >
                            <option value="">"Choisissez un profil"</option>
                            {PROFILES
                                .into_iter()
                                .map(|p: &'static str| {
                                    view! {
                                        <option value=p selected=move || profile.with(|v| v == p)>{p}</option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        {error_line("profile")}
                    </div>
                    {text_input("family_name", "Nom *", family_name, "text", None)}
                    {text_input("first_name", "Prénom *", first_name, "text", None)}
                    {text_input(
                        "email",
                        "Adresse électronique",
                        email,
                        "email",
                        Some(("directory-new-email-hint", "Facultative, par exemple prenom.nom@example.fr.")),
                    )}
                    {text_input(
                        "subject",
                        "Matière enseignée",
                        subject,
                        "text",
                        Some(("directory-new-subject-hint", "Facultative, pour les enseignants.")),
                    )}
                </div>
                <fieldset
                    class="directory__groups"
                    aria-describedby=move || described("groups", None)
                >
                    <legend>"Groupes (facultatif)"</legend>
                    {move || {
                        group_choices()
                            .into_iter()
                            .map(|(id, name)| {
                                let input_id = format!(
                                    "directory-new-group-{}",
                                    encode(&id).replace('%', "_"),
                                );
                                let value = id.clone();
                                let toggled = id.clone();
                                view! {
                                    <div class="check">
                                        <input
                                            id=input_id.clone()
                                            type="checkbox"
                                            name="groups"
                                            value=id
                                            prop:checked=move || groups.with(|g| g.contains(&value))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let id = toggled.clone();
                                                groups
                                                    .update(|g| {
                                                        g.retain(|x| *x != id);
                                                        if on {
                                                            g.push(id);
                                                        }
                                                    });
                                            }
                                        />
                                        <label for=input_id>{name}</label>
                                    </div>
                                }
                            })
                            .collect_view()
                    }}
                    {error_line("groups")}
                </fieldset>
                <div class="filters__actions">
                    <button
                        type="submit"
                        class="button"
                        aria-disabled=move || pending.get().to_string()
                    >
                        {move || if pending.get() { "Création…" } else { "Créer l’utilisateur" }}
                    </button>
                    <button type="button" class="button button--secondary" on:click=move |_| on_close()>
                        "Fermer le formulaire"
                    </button>
                </div>
            </form>
            <div
                class="banner"
                class:banner--shown=move || created.with(Option::is_some)
                role="status"
                tabindex="-1"
                node_ref=created_banner
            >
                {move || {
                    created
                        .get()
                        .map(|c| {
                            let name = full_name(&c.user);
                            view! {
                                <p class="banner__line">
                                    {format!("L’utilisateur {name} a été créé. ")}
                                    "Identifiant : "
                                    <strong class="directory__created-login">{c.user.login.clone()}</strong>
                                    " — mot de passe provisoire : "
                                    <strong class="password">{c.password.clone()}</strong>
                                </p>
                                <pre id="directory-created-message" class="credentials__message">
                                    {c.message.clone()}
                                </pre>
                                <div class="banner__actions">
                                    <button
                                        type="button"
                                        class="button button--secondary button--small"
                                        on:click=move |_| {
                                            copy_element(
                                                "directory-created-message".into(),
                                                "Copié".into(),
                                                created_copied,
                                            )
                                        }
                                    >
                                        "Copier"
                                        <span class="visually-hidden">" le message"</span>
                                    </button>
                                    <span aria-live="polite">{move || created_copied.get()}</span>
                                </div>
                            }
                        })
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, kind: &str, children: Vec<EntGroupNode>) -> EntGroupNode {
        EntGroupNode {
            id: id.into(),
            name: format!("nom {id}"),
            kind: kind.into(),
            member_count: 3,
            children,
        }
    }

    #[test]
    fn login_heuristic() {
        assert!(looks_like_login("jean.dupont"));
        assert!(looks_like_login(" jean.dupont2 "));
        assert!(!looks_like_login("dupont"));
        assert!(!looks_like_login("st. jean"));
        assert!(!looks_like_login(""));
    }

    #[test]
    fn url_round_trips() {
        let s = DirectorySearch {
            q: "dup é".into(),
            first_name: String::new(),
            profile: "Élève".into(),
            subject: String::new(),
            group: "g-1".into(),
            login: String::new(),
            state: "Bloqué".into(),
            advanced: true,
            page: 2,
        };
        let q = s.url_query();
        assert_eq!(
            q,
            "q=dup%20%C3%A9&profile=%C3%89l%C3%A8ve&group=g-1&state=Bloqu%C3%A9&avancee=1&page=2"
        );
        assert!(s.api_query().contains("state=Bloqu%C3%A9"));
        assert_eq!(DirectorySearch::parse(&q), s);
        assert_eq!(DirectorySearch::default().url_query(), "");
        // Advanced criteria in a link unfold the advanced search.
        assert!(DirectorySearch::parse("profile=Parent").advanced);
        assert!(!DirectorySearch::parse("q=a&page=x").advanced);
        let folded = DirectorySearch {
            profile: "Parent".into(),
            ..Default::default()
        };
        assert_eq!(folded.url_query(), "profile=Parent&avancee=0");
        assert_eq!(DirectorySearch::parse(&folded.url_query()), folded);
        assert_eq!(DirectorySearch::parse("page=x").page(), 1);
    }

    #[test]
    fn simple_field_is_a_name_or_a_login() {
        let s = DirectorySearch {
            q: "Dup".into(),
            ..Default::default()
        };
        assert_eq!(s.filters().family_name.as_deref(), Some("Dup"));
        assert_eq!(s.filters().login, None);
        assert_eq!(s.api_query(), "family_name=Dup&page=1");
        let s = DirectorySearch {
            q: "jean.dupont".into(),
            group: "c1".into(),
            page: 3,
            ..Default::default()
        };
        assert_eq!(s.filters().family_name, None);
        assert_eq!(s.api_query(), "group=c1&login=jean.dupont&page=3");
        // The technical search wins over the simple field.
        let s = DirectorySearch {
            q: "jean.dupont".into(),
            login: "marie.curie".into(),
            ..Default::default()
        };
        assert_eq!(s.filters().login.as_deref(), Some("marie.curie"));
    }

    #[test]
    fn summary_names_the_group() {
        let s = DirectorySearch {
            profile: "Élève".into(),
            group: "c1".into(),
            ..Default::default()
        };
        assert_eq!(
            criteria_summary(&s, Some("CE2 A")),
            vec!["profil « Élève »", "groupe « CE2 A »"]
        );
        assert!(criteria_summary(&DirectorySearch::default(), None).is_empty());
        assert_eq!(users_count(1), "1 utilisateur");
        assert_eq!(users_count(20), "20 utilisateurs");
    }

    #[test]
    fn tree_helpers() {
        let t = node(
            "0251233E",
            "establishment",
            vec![node(
                "peda",
                "folder",
                vec![
                    node("classes", "folder", vec![node("c1", "class", vec![])]),
                    node("choir", "group", vec![]),
                ],
            )],
        );
        assert_eq!(find_group(&t, "c1").map(|g| g.kind.as_str()), Some("class"));
        assert!(find_group(&t, "zz").is_none());
        assert_eq!(
            path_to(&t, "c1"),
            Some(vec![
                "0251233E".to_owned(),
                "peda".into(),
                "classes".into(),
                "c1".into()
            ])
        );
        assert_eq!(
            member_groups(&t)
                .into_iter()
                .map(|(id, _)| id)
                .collect::<Vec<_>>(),
            vec!["c1", "choir"]
        );
    }

    #[test]
    fn addressee_of_a_message() {
        assert_eq!(
            addressee("Bonjour Nadia Arnaud,\nVoici vos identifiants").as_deref(),
            Some("Nadia Arnaud")
        );
        assert_eq!(addressee("Hello"), None);
        assert_eq!(addressee(""), None);
    }

    #[test]
    fn field_messages_are_joined() {
        let errors = vec![
            FieldError {
                field: "family_name".into(),
                message: "Ce champ est obligatoire.".into(),
            },
            FieldError {
                field: "email".into(),
                message: "Adresse électronique invalide.".into(),
            },
        ];
        assert_eq!(
            field_message(&errors, "family_name").as_deref(),
            Some("Ce champ est obligatoire.")
        );
        assert_eq!(field_message(&errors, "profile"), None);
    }
}
