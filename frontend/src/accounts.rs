//! « Élèves », « Élèves extérieurs » and « Responsables »: the account searches and their
//! actions (seed 001 §3 to §5, « Gestion des comptes … »), also as the troubleshooting module
//! shows them to a teacher (§3.5, « module de dépannage »: password column, no notification).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

use serde::de::DeserializeOwned;
use sesame_api::accounts::{
    AccountItem, ListRequest, NotifyRequest, NotifyResponse, ResetResponse, SearchFilters,
    SelectionRequest, Structure,
};
use sesame_api::Page;
use wasm_bindgen::JsCast;

use crate::actions;
use crate::api::{self, Accepted, ApiError, Document};
use crate::app::{authed, expire, local_date, navigate, Notice, RouteSignal, SessionSignal};
use crate::detail::AccountPanel;
use crate::route::{encode, AccountSearch, Route, Tab};
use crate::text;

/// The three populations of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    Students,
    ExternalStudents,
    Guardians,
}

impl Population {
    pub fn of(tab: Tab) -> Option<Population> {
        match tab {
            Tab::Students => Some(Population::Students),
            Tab::ExternalStudents => Some(Population::ExternalStudents),
            Tab::Guardians => Some(Population::Guardians),
            _ => None,
        }
    }

    /// The API's path segment, also the prefix of the rights (`guardians:notify`).
    pub fn segment(self) -> &'static str {
        match self {
            Population::Students => "students",
            Population::ExternalStudents => "external-students",
            Population::Guardians => "guardians",
        }
    }

    pub fn right(self, verb: &str) -> String {
        format!("{}:{verb}", self.segment())
    }

    pub fn heading(self) -> &'static str {
        match self {
            Population::Students => "Gestion des comptes élèves",
            Population::ExternalStudents => "Gestion des comptes élèves extérieurs",
            Population::Guardians => "Gestion des comptes responsables",
        }
    }

    /// « élève(s) », « responsable(s) »…
    pub fn noun(self) -> &'static str {
        match self {
            Population::Students => "élève(s)",
            Population::ExternalStudents => "élève(s) extérieur(s)",
            Population::Guardians => "responsable(s)",
        }
    }

    /// The results count, « 12 élève(s) ».
    pub fn count(self, n: u64) -> String {
        format!("{n} {}", self.noun())
    }

    /// « 3 responsable(s) sélectionné(s) ».
    pub fn selection(self, n: u64) -> String {
        match self {
            Population::Guardians => format!("{n} responsable(s) sélectionné(s)"),
            _ => format!("{n} élève(s) sélectionné(s)"),
        }
    }

    /// « de l’élève », « du responsable ».
    pub fn of_whom(self) -> &'static str {
        match self {
            Population::Guardians => "du responsable",
            _ => "de l’élève",
        }
    }

    pub fn person(self) -> &'static str {
        match self {
            Population::Guardians => "Responsable",
            _ => "Élève",
        }
    }

    pub fn caption(self) -> &'static str {
        match self {
            Population::Students => "Comptes élèves de l’établissement",
            Population::ExternalStudents => "Comptes des élèves extérieurs",
            Population::Guardians => "Comptes responsables de l’établissement",
        }
    }

    pub fn empty(self) -> &'static str {
        match self {
            Population::Students => "Aucun élève ne correspond à ces critères.",
            Population::ExternalStudents => "Aucun élève extérieur ne correspond à ces critères.",
            Population::Guardians => "Aucun responsable ne correspond à ces critères.",
        }
    }
}

/// The origins a guardian's account may have, for the search filter.
const ORIGINS: [&str; 6] = [
    "establishment",
    "guardian",
    "franceconnect",
    "aten",
    "ent",
    "unknown",
];

/// A column of the result table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Linked,
    Class,
    Mef,
    Home,
    Identifier,
    Password,
    Email,
    State,
    Origin,
    Notified,
    LastLogin,
    RowAction,
}

impl Col {
    pub fn label(self, population: Population) -> &'static str {
        match self {
            Col::Name => population.person(),
            Col::Linked => "Élève(s)",
            Col::Class => "Classe",
            Col::Mef => "MEF",
            Col::Home => "Établissement de rattachement",
            Col::Identifier => "Identifiant",
            Col::Password => "Mot de passe",
            Col::Email => "Adresse électronique",
            Col::State => "Statut du compte",
            Col::Origin => "Origine du compte",
            Col::Notified => "Date de notification",
            Col::LastLogin => "Date de dernière connexion",
            Col::RowAction => "Action",
        }
    }

    /// The API's sort key, for the columns it can sort.
    pub fn sort_key(self, population: Population) -> Option<&'static str> {
        match self {
            Col::Name => Some("family_name"),
            Col::Class if population != Population::Guardians => Some("class"),
            Col::Identifier => Some("identifier"),
            Col::State => Some("state"),
            Col::Notified => Some("notified_at"),
            Col::LastLogin => Some("last_login_at"),
            _ => None,
        }
    }
}

/// The columns of a population's table; the troubleshooting module (seed §3.5) shows the
/// password and the email instead of the origin and dates, and a reset button on each row.
pub fn columns(population: Population, troubleshooting: bool) -> Vec<Col> {
    use Col::*;
    if troubleshooting {
        let mut cols = vec![Name];
        match population {
            Population::Students => cols.extend([Class, Mef]),
            Population::ExternalStudents => cols.extend([Mef, Home]),
            Population::Guardians => cols.push(Linked),
        }
        cols.extend([Identifier, Password, State, Email, RowAction]);
        return cols;
    }
    match population {
        Population::Students => vec![
            Name, Class, Mef, Identifier, State, Origin, Notified, LastLogin,
        ],
        Population::ExternalStudents => vec![
            Name, Mef, Home, Identifier, State, Origin, Notified, LastLogin,
        ],
        Population::Guardians => vec![
            Name, Linked, Identifier, Email, State, Origin, Notified, LastLogin,
        ],
    }
}

/// `aria-sort` of a column under the search's `sort` (empty = by name, ascending).
pub fn aria_sort(sort: &str, key: &str) -> Option<&'static str> {
    let (desc, current) = match sort.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, if sort.is_empty() { "family_name" } else { sort }),
    };
    (current == key).then_some(if desc { "descending" } else { "ascending" })
}

/// The sort after a click on a column: ascending first, then the other way.
pub fn next_sort(sort: &str, key: &str) -> String {
    match aria_sort(sort, key) {
        Some("ascending") => format!("-{key}"),
        _ if key == "family_name" => String::new(),
        _ => key.to_owned(),
    }
}

/// What the password column says (seed §3.3): the provisional password when the module may
/// show it, nothing yet for a not-notified account, stars otherwise.
pub fn password_cell(state: &str, provisional: Option<&str>) -> String {
    match provisional {
        Some(p) => p.to_owned(),
        None if state == "not_notified" => "Non renseigné".into(),
        None => "*****".into(),
    }
}

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
    List,
}

/// What the last action did, for the banner.
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
        emailed: usize,
        pdf: Option<String>,
        skipped: Vec<String>,
    },
    Listed {
        filename: String,
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
        emailed: r.results.iter().filter(|x| x.emailed).count(),
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

/// « Lister les comptes »: the server answers with the file itself.
async fn list_document(
    url: &str,
    request: &ListRequest,
    token: &str,
) -> Result<Document, ApiError> {
    let builder = gloo_net::http::Request::post(url).header(
        "Accept",
        "application/pdf, text/csv, application/problem+json",
    );
    let response = api::send(api::bearer(builder, token).json(request)).await?;
    let headers = response.headers();
    let content_type = headers
        .get("Content-Type")
        .unwrap_or_else(|| "application/octet-stream".into());
    let filename = headers
        .get("Content-Disposition")
        .and_then(|v| text::disposition_filename(&v))
        .unwrap_or_else(|| {
            let ext = if content_type.contains("csv") {
                "csv"
            } else {
                "pdf"
            };
            format!("liste.{ext}")
        });
    let bytes = response.binary().await.map_err(|_| ApiError::Decode)?;
    Ok(Document {
        bytes,
        content_type,
        filename,
    })
}

/// The element that has the focus, to give it back when a dialog closes.
fn focused() -> Option<web_sys::HtmlElement> {
    document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}

#[component]
pub fn AccountsView(
    uai: String,
    tab: Tab,
    rights: Vec<String>,
    route: RouteSignal,
    session: SessionSignal,
    notice: Notice,
) -> impl IntoView {
    let population = Population::of(tab).unwrap_or(Population::Students);
    let may = {
        let rights = rights.clone();
        move |verb: &str| rights.iter().any(|r| *r == population.right(verb))
    };
    let may_notify = may("notify");
    let may_list = may("list");
    let may_reset = may("reset-password");
    let may_view = may("view");
    // The troubleshooting module: it resets passwords but does not notify (seed §3.5).
    let troubleshooting = !may_notify && may_reset;
    let cols = columns(population, troubleshooting);
    let seg = population.segment();

    let search = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Accounts { search, tab: t, .. } if *t == tab => search.clone(),
            _ => AccountSearch::default(),
        })
    });
    let q = RwSignal::new(String::new());
    let classes = RwSignal::new(Vec::<String>::new());
    let mefs = RwSignal::new(Vec::<String>::new());
    let states = RwSignal::new(Vec::<String>::new());
    let student = RwSignal::new(String::new());
    let has_email = RwSignal::new(String::new());
    let origins = RwSignal::new(Vec::<String>::new());
    let link_reported = RwSignal::new(false);
    let home_uai = RwSignal::new(String::new());
    // The form shows the search in force, also after Back / Forward.
    Effect::new(move |_| {
        let s = search.get();
        q.set(s.q);
        classes.set(s.class);
        mefs.set(s.mef);
        states.set(s.state);
        student.set(s.student);
        has_email.set(s.has_email.map(|b| b.to_string()).unwrap_or_default());
        origins.set(s.origin);
        link_reported.set(s.link_reported == Some(true));
        home_uai.set(s.home_uai);
    });

    let structure = RwSignal::new(None::<Structure>);
    let homes = RwSignal::new(Vec::<(String, String)>::new());
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
                if !structure.is_disposed() {
                    structure.set(Some(s));
                }
            }
        });
    }
    if population == Population::ExternalStudents {
        // The home establishments, for the « Établissement de rattachement » filter.
        let url = format!(
            "/api/v1/establishments/{}/external-students?page=1&per_page=500",
            encode(&uai)
        );
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { api::get::<Page<AccountItem>>(&url, &token).await }
            })
            .await;
            if let Ok(page) = got {
                let mut list: Vec<(String, String)> = page
                    .items
                    .into_iter()
                    .filter_map(|a| a.home_uai.map(|u| (u, a.home_name.unwrap_or_default())))
                    .collect();
                list.sort();
                list.dedup();
                if !homes.is_disposed() {
                    homes.set(list);
                }
            }
        });
    }

    let results = RwSignal::new(Results::Loading);
    let nonce = RwSignal::new(0u32);
    let generation = StoredValue::new(0u64);
    let uai_stored = StoredValue::new(uai.clone());
    let base = format!("/api/v1/establishments/{}/{seg}", encode(&uai));
    let base_stored = StoredValue::new(base.clone());
    Effect::new(move |_| {
        nonce.track();
        let query = search.with(AccountSearch::api_query);
        let url = format!("{}?{query}", base_stored.get_value());
        let uai = uai_stored.get_value();
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        results.set(Results::Loading);
        spawn_local(async move {
            let got = authed(session, |token| {
                let (url, uai, query) = (url.clone(), uai.clone(), query.clone());
                async move {
                    match population {
                        Population::Students => api::students(&uai, &query, &token).await,
                        _ => api::get::<Page<AccountItem>>(&url, &token).await,
                    }
                }
            })
            .await;
            // A later search has been started (or the screen left): this answer is stale.
            if results.is_disposed() || generation.get_value() != this {
                return;
            }
            match got {
                Ok(page) => results.set(Results::Loaded(page)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => results.set(Results::Failed(e.message())),
            }
        });
    });

    let go = move |search: AccountSearch| {
        nonce.update(|n| *n = n.wrapping_add(1));
        navigate(
            route,
            Route::Accounts {
                uai: uai_stored.get_value(),
                tab,
                search,
            },
        );
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let chosen = states.get_untracked();
        let chosen_origins = origins.get_untracked();
        go(AccountSearch {
            q: q.get_untracked().trim().to_owned(),
            class: classes.get_untracked(),
            mef: mefs.get_untracked(),
            // In the journey's order, whatever the order of the clicks.
            state: text::ACCOUNT_STATES
                .iter()
                .filter(|(v, _)| chosen.iter().any(|c| c == v))
                .map(|(v, _)| (*v).to_owned())
                .collect(),
            student: student.get_untracked().trim().to_owned(),
            has_email: match has_email.get_untracked().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            origin: ORIGINS
                .iter()
                .filter(|o| chosen_origins.iter().any(|c| c == *o))
                .map(|o| (*o).to_owned())
                .collect(),
            link_reported: link_reported.get_untracked().then_some(true),
            home_uai: home_uai.get_untracked(),
            sort: search.get_untracked().sort,
            page: 1,
        });
    };
    let reset_form = move |_| {
        go(AccountSearch::default());
    };
    let to_page = move |page: u64| {
        let mut s = search.get_untracked();
        s.page = page;
        go(s);
    };
    let sort_by = move |key: &'static str| {
        let mut s = search.get_untracked();
        s.sort = next_sort(&s.sort, key);
        s.page = 1;
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
    let total = move || loaded().map(|(t, _, _)| t).unwrap_or(0);
    let status = move || {
        results.with(|r| match r {
            Results::Loading => "Recherche en cours…".to_owned(),
            Results::Loaded(p) => population.count(p.total),
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
            format!("{} (page {page} sur {count})", population.caption())
        }
        _ => population.caption().to_owned(),
    };
    let at_first = move || pages().is_none_or(|(page, _)| page <= 1);
    let at_last = move || pages().is_none_or(|(page, count)| page >= count);

    // Row selection (the visible page, or the whole search), and the bulk actions on it.
    let selected = RwSignal::new(Vec::<String>::new());
    // `Some(n)`: the n accounts matching the search are selected, not only this page.
    let all_matching = RwSignal::new(None::<u64>);
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
    // Another search, another page: a « whole search » selection does not carry over.
    Effect::new(move |_| {
        search.track();
        all_matching.set(None);
    });
    let selected_count = move || {
        all_matching
            .get()
            .unwrap_or_else(|| selected.with(Vec::len) as u64)
    };
    let selected_activated = move || {
        if all_matching.get().is_some() {
            return None;
        }
        Some(results.with(|r| match r {
            Results::Loaded(p) => selected.with(|s| {
                p.items
                    .iter()
                    .filter(|a| a.state == "activated" && s.contains(&a.id))
                    .count()
            }),
            _ => 0,
        }))
    };
    let page_ids = move || {
        results.with(|r| match r {
            Results::Loaded(p) => p.items.iter().map(|a| a.id.clone()).collect(),
            _ => Vec::<String>::new(),
        })
    };
    let page_selected = move || {
        let ids = page_ids();
        if all_matching.get().is_some() {
            return (ids.len(), ids.len());
        }
        let n = selected.with(|s| ids.iter().filter(|i| s.contains(i)).count());
        (n, ids.len())
    };
    // The offer to widen the selection to the whole search, once the page is selected.
    let offer_all = move || {
        let (n, all) = page_selected();
        all > 0 && n == all && all_matching.get().is_none() && total() > all as u64
    };

    let dialog = RwSignal::new(None::<Dialog>);
    // A reset asked from a row (troubleshooting): that account only.
    let target = RwSignal::new(None::<String>);
    let notify_reset = RwSignal::new(false);
    let channel = RwSignal::new("letter".to_owned());
    let list_format = RwSignal::new("pdf".to_owned());
    let working = RwSignal::new(false);
    let progress = RwSignal::new(None::<(u64, u64)>);
    let outcome = RwSignal::new(None::<Outcome>);
    let action_error = RwSignal::new(None::<String>);
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let dialog_node = NodeRef::<leptos::html::Div>::new();
    let banner = NodeRef::<leptos::html::Div>::new();
    let cannot_act = move || selected_count() == 0 || working.get();
    let detail = RwSignal::new(None::<String>);

    // Focus goes into the dialog as it opens.
    Effect::new(move |_| {
        if let Some(el) = dialog_node.get() {
            let _ = el.focus();
        }
    });
    let open = move |d: Dialog| {
        if (selected_count() > 0 || target.with_untracked(Option::is_some))
            && !working.get_untracked()
        {
            opener.set_value(focused());
            notify_reset.set(false);
            channel.set("letter".into());
            dialog.set(Some(d));
        }
    };
    let close = move || {
        if dialog.get_untracked().is_none() {
            return;
        }
        dialog.set(None);
        target.set(None);
        // Back to the button that opened it.
        if let Some(b) = opener.get_value() {
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
                let listed = matches!(o, Outcome::Listed { .. });
                outcome.set(Some(o));
                if !listed {
                    selected.set(Vec::new());
                    all_matching.set(None);
                    // The states and dates have changed: fetch the page again.
                    nonce.update(|n| *n = n.wrapping_add(1));
                }
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
    // The accounts the action is about: a row, the whole search, or the ticked rows.
    let begin = move || {
        let (ids, filters): (Option<Vec<String>>, Option<SearchFilters>) =
            match (target.get_untracked(), all_matching.get_untracked()) {
                (Some(id), _) => (Some(vec![id]), None),
                (None, Some(_)) => (None, Some(search.get_untracked().filters())),
                (None, None) => (Some(selected.get_untracked()), None),
            };
        dialog.set(None);
        target.set(None);
        working.set(true);
        progress.set(None);
        outcome.set(None);
        action_error.set(None);
        // Focus waits on the banner, which announces the outcome.
        if let Some(b) = banner.get_untracked() {
            let _ = b.focus();
        }
        (ids, filters)
    };
    let confirm_reset = move || {
        let (ids, all_matching) = begin();
        let request = SelectionRequest { ids, all_matching };
        let url = format!("{}/reset-password", base_stored.get_value());
        let uai = uai_stored.get_value();
        spawn_local(async move {
            let got = perform(session, progress, |token| {
                let (url, uai, request) = (url.clone(), uai.clone(), request.clone());
                async move {
                    match population {
                        Population::Students => api::reset_students(&uai, &request, &token).await,
                        _ => api::post_action(&url, &request, &token).await,
                    }
                }
            })
            .await;
            finish(got.map(reset_outcome));
        });
    };
    let confirm_notify = move || {
        let reset_password = notify_reset.get_untracked();
        let channel = channel.get_untracked();
        let (ids, all_matching) = begin();
        let request = NotifyRequest {
            ids,
            all_matching,
            channel,
            reset_password,
        };
        let url = format!("{}/notify", base_stored.get_value());
        let uai = uai_stored.get_value();
        spawn_local(async move {
            let got = perform(session, progress, |token| {
                let (url, uai, request) = (url.clone(), uai.clone(), request.clone());
                async move {
                    match population {
                        Population::Students => api::notify_students(&uai, &request, &token).await,
                        _ => api::post_action(&url, &request, &token).await,
                    }
                }
            })
            .await;
            finish(got.map(notify_outcome));
        });
    };
    let confirm_list = move || {
        let format = list_format.get_untracked();
        let (ids, all_matching) = begin();
        let request = ListRequest {
            ids,
            all_matching,
            format,
        };
        let url = format!("{}/list", base_stored.get_value());
        spawn_local(async move {
            let got = authed(session, |token| {
                let (url, request) = (url.clone(), request.clone());
                async move { list_document(&url, &request, &token).await }
            })
            .await;
            let got = got.and_then(|doc| {
                actions::save(&doc).map_err(|_| {
                    ApiError::Failed("le téléchargement n’a pas pu démarrer.".into())
                })?;
                Ok(Outcome::Listed {
                    filename: doc.filename,
                })
            });
            finish(got);
        });
    };
    let confirm = move || match dialog.get_untracked() {
        Some(Dialog::Reset) => confirm_reset(),
        Some(Dialog::Notify) => confirm_notify(),
        Some(Dialog::List) => confirm_list(),
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
    let reset_row = Callback::new(move |id: String| {
        if working.get_untracked() {
            return;
        }
        target.set(Some(id));
        open(Dialog::Reset);
    });
    let open_detail = Callback::new(move |id: String| detail.set(Some(id)));
    let close_detail = Callback::new(move |_: ()| detail.set(None));
    let detail_changed = Callback::new(move |_: ()| nonce.update(|n| *n = n.wrapping_add(1)));
    let rights_stored = StoredValue::new(rights.clone());

    let on_select_page = move |ev: leptos::ev::Event| {
        let ids = page_ids();
        let on = event_target_checked(&ev);
        all_matching.set(None);
        selected.update(|s| {
            s.retain(|x| !ids.contains(x));
            if on {
                s.extend(ids);
            }
        });
    };
    let row_checked = Callback::new(move |(id, on): (String, bool)| {
        if all_matching.get_untracked().is_some() {
            // Leaving the « whole search » selection: back to this page's rows.
            all_matching.set(None);
            selected.set(page_ids());
        }
        selected.update(|s| {
            s.retain(|x| x != &id);
            if on {
                s.push(id.clone());
            }
        });
    });
    let is_checked = Signal::derive(move || all_matching.get().is_some());

    let row_cols = StoredValue::new(cols.clone());
    let header_cells = move || {
        row_cols
            .get_value()
            .into_iter()
            .map(|c| {
                let label = c.label(population);
                match c.sort_key(population) {
                    Some(key) => {
                        let sort_state = move || search.with(|s| aria_sort(&s.sort, key));
                        view! {
                            <th scope="col" aria-sort=sort_state>
                                <button
                                    type="button"
                                    class="sort"
                                    on:click=move |_| sort_by(key)
                                >
                                    {label}
                                    <span class="sort__mark" aria-hidden="true">
                                        {move || match sort_state() {
                                            Some("ascending") => "▲",
                                            Some(_) => "▼",
                                            None => "↕",
                                        }}
                                    </span>
                                </button>
                            </th>
                        }
                        .into_any()
                    }
                    None => view! { <th scope="col">{label}</th> }.into_any(),
                }
            })
            .collect_view()
    };

    let state_boxes = move |prefix: &'static str| {
        text::ACCOUNT_STATES
            .iter()
            .map(|(value, label)| {
                let value: &'static str = value;
                let id = format!("{prefix}-state-{value}");
                view! {
                    <div class="check">
                        <input
                            id=id.clone()
                            type="checkbox"
                            name="state"
                            value=value
                            prop:checked=move || states.with(|s| s.iter().any(|x| x == value))
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
            .collect_view()
    };
    let class_select = move || {
        view! {
            <div class="field">
                <label for="accounts-class">"Classe(s)"</label>
                <select
                    id="accounts-class"
                    name="class"
                    multiple
                    size="5"
                    aria-describedby="accounts-multi-hint"
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
                                        prop:selected=move || classes.with(|c| c.contains(&value))
                                    >
                                        {code}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        }
    };
    let mef_select = move || {
        view! {
            <div class="field">
                <label for="accounts-mef">"MEF"</label>
                <select
                    id="accounts-mef"
                    name="mef"
                    multiple
                    size="5"
                    aria-describedby="accounts-multi-hint"
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
                                        prop:selected=move || mefs.with(|m| m.contains(&value))
                                    >
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        }
    };
    let filters = match population {
        Population::Students => view! {
            {class_select()}
            {mef_select()}
            <fieldset class="field states">
                <legend>"État(s) de compte"</legend>
                {state_boxes("students")}
            </fieldset>
        }
        .into_any(),
        Population::ExternalStudents => view! {
            <div class="field">
                <label for="accounts-home">"Établissement de rattachement"</label>
                <select
                    id="accounts-home"
                    name="home_uai"
                    on:change=move |ev| home_uai.set(event_target_value(&ev))
                >
                    <option value="" prop:selected=move || home_uai.with(String::is_empty)>
                        "Tous les établissements"
                    </option>
                    {move || {
                        homes
                            .get()
                            .into_iter()
                            .map(|(code, name)| {
                                let value = code.clone();
                                view! {
                                    <option
                                        value=code.clone()
                                        prop:selected=move || home_uai.with(|h| *h == value)
                                    >
                                        {format!("{code} – {name}")}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            {mef_select()}
            <fieldset class="field states">
                <legend>"État(s) de compte"</legend>
                {state_boxes("externals")}
            </fieldset>
        }
        .into_any(),
        Population::Guardians => view! {
            <div class="field">
                <label for="accounts-student">"Nom ou prénom de l’élève"</label>
                <input
                    id="accounts-student"
                    name="student"
                    type="search"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=student
                />
            </div>
            {class_select()}
            {mef_select()}
            <fieldset class="field states">
                <legend>"État(s) de compte"</legend>
                {state_boxes("guardians")}
            </fieldset>
            <div class="field">
                <label for="accounts-email">"Adresse électronique"</label>
                <select
                    id="accounts-email"
                    name="has_email"
                    on:change=move |ev| has_email.set(event_target_value(&ev))
                >
                    <option value="" prop:selected=move || has_email.with(String::is_empty)>
                        "Indifférent"
                    </option>
                    <option value="true" prop:selected=move || has_email.with(|h| h == "true")>
                        "Renseignée"
                    </option>
                    <option value="false" prop:selected=move || has_email.with(|h| h == "false")>
                        "Non renseignée"
                    </option>
                </select>
            </div>
            <fieldset class="field states">
                <legend>"Origine du compte"</legend>
                {ORIGINS
                    .iter()
                    .map(|o| {
                        let o: &'static str = o;
                        let id = format!("guardians-origin-{o}");
                        view! {
                            <div class="check">
                                <input
                                    id=id.clone()
                                    type="checkbox"
                                    name="origin"
                                    value=o
                                    prop:checked=move || origins.with(|s| s.iter().any(|x| x == o))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        origins
                                            .update(|s| {
                                                s.retain(|x| x != o);
                                                if on {
                                                    s.push(o.to_owned());
                                                }
                                            });
                                    }
                                />
                                <label for=id>{text::origin_label(o).to_owned()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <div class="check">
                    <input
                        id="accounts-link-reported"
                        type="checkbox"
                        name="link_reported"
                        prop:checked=move || link_reported.get()
                        on:change=move |ev| link_reported.set(event_target_checked(&ev))
                    />
                    <label for="accounts-link-reported">"Rattachement signalé erroné"</label>
                </div>
            </div>
        }
        .into_any(),
    };

    view! {
        <div class="panel">
            <h3>{population.heading()}</h3>
            <form
                class="filters"
                role="search"
                aria-label=format!("Rechercher des {}", match population {
                    Population::Guardians => "responsables",
                    Population::ExternalStudents => "élèves extérieurs",
                    Population::Students => "élèves",
                })
                on:submit=on_submit
            >
                <div class="filters__grid">
                    <div class="field">
                        <label for="accounts-q">
                            {match population {
                                Population::Guardians => "Nom ou prénom du responsable",
                                _ => "Nom ou prénom",
                            }}
                        </label>
                        <input
                            id="accounts-q"
                            name="q"
                            type="search"
                            autocomplete="off"
                            spellcheck="false"
                            bind:value=q
                        />
                    </div>
                    {filters}
                </div>
                <p id="accounts-multi-hint" class="field__hint">
                    "Listes à choix multiples : Ctrl (ou Cmd) + clic, ou Maj + flèches, pour en choisir plusieurs."
                </p>
                <div class="filters__actions">
                    <button type="submit" class="button">"Rechercher"</button>
                    <button type="button" class="button button--secondary" on:click=reset_form>
                        "Réinitialiser"
                    </button>
                </div>
            </form>

            <p class="status results__count" role="status" aria-live="polite">{status}</p>
            <p class="alert" class:alert--shown=move || failure().is_some() role="alert">
                {failure}
            </p>
            <Show when=empty>
                <p class="results__empty">{population.empty()}</p>
            </Show>
            <div
                class="actions"
                role="group"
                aria-label=format!("Actions sur les {} sélectionnés", match population {
                    Population::Guardians => "responsables",
                    _ => "élèves",
                })
            >
                <p class="actions__count" aria-live="polite">
                    {move || population.selection(selected_count())}
                </p>
                {may_notify
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button--secondary"
                                aria-haspopup="dialog"
                                disabled=cannot_act
                                on:click=move |_| open(Dialog::Notify)
                            >
                                "(Re)notifier les comptes"
                            </button>
                        }
                    })}
                {may_list
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button--secondary"
                                aria-haspopup="dialog"
                                disabled=cannot_act
                                on:click=move |_| open(Dialog::List)
                            >
                                "Lister les comptes"
                            </button>
                        }
                    })}
                {may_reset
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button--secondary"
                                aria-haspopup="dialog"
                                disabled=cannot_act
                                on:click=move |_| open(Dialog::Reset)
                            >
                                "Réinitialiser les mots de passe"
                            </button>
                        }
                    })}
            </div>
            <Show when=move || offer_all() || all_matching.get().is_some()>
                <p class="select-all" aria-live="polite">
                    {move || match all_matching.get() {
                        Some(n) => view! {
                            <span>
                                {format!("Les {n} comptes correspondant à la recherche sont sélectionnés.")}
                            </span>
                            " "
                            <button
                                type="button"
                                class="link-button"
                                on:click=move |_| {
                                    all_matching.set(None);
                                    selected.set(Vec::new());
                                }
                            >
                                "Effacer la sélection"
                            </button>
                        }
                            .into_any(),
                        None => {
                            let n = total();
                            view! {
                                <span>
                                    {format!("Les {} comptes de cette page sont sélectionnés.", page_ids().len())}
                                </span>
                                " "
                                <button
                                    type="button"
                                    class="link-button"
                                    on:click=move |_| all_matching.set(Some(n))
                                >
                                    {format!("Sélectionner les {n} comptes correspondant à la recherche")}
                                </button>
                            }
                                .into_any()
                        }
                    }}
                </p>
            </Show>
            <div
                class="banner"
                class:banner--shown=move || working.get() || outcome.with(Option::is_some)
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
                {move || outcome.get().map(|o| outcome_view(o, population, download))}
            </div>
            <p class="alert" class:alert--shown=move || action_error.with(Option::is_some) role="alert">
                {move || action_error.get()}
            </p>
            <Show when=has_rows>
                <div
                    class="table-wrap"
                    role="region"
                    aria-labelledby="accounts-caption"
                    tabindex="0"
                >
                    <table class="table">
                        <caption id="accounts-caption">{caption}</caption>
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
                                        on:change=on_select_page
                                    />
                                </th>
                                {header_cells()}
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=rows
                                key=|a| (a.id.clone(), a.state.clone(), a.notified_at, a.provisional_password.clone())
                                children=move |a| {
                                    view! {
                                        <AccountRow
                                            a
                                            population
                                            cols=row_cols.get_value()
                                            selected
                                            all=is_checked
                                            on_check=row_checked
                                            on_open=may_view.then_some(open_detail)
                                            on_reset=(troubleshooting && may_reset).then_some(reset_row)
                                        />
                                    }
                                }
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
                detail
                    .get()
                    .map(|id| {
                        view! {
                            <AccountPanel
                                uai=uai_stored.get_value()
                                segment=seg
                                id
                                rights=rights_stored.get_value()
                                session
                                notice
                                on_close=close_detail
                                on_changed=detail_changed
                            />
                        }
                    })
            }}
            {move || {
                dialog
                    .get()
                    .map(|d| {
                        let n = if target.with(Option::is_some) { 1 } else { selected_count() };
                        let activated = if target.with(Option::is_some) {
                            Some(0)
                        } else {
                            selected_activated()
                        };
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
                                    population.selection(n)
                                ),
                            ),
                            Dialog::List => (
                                "Lister les comptes",
                                format!(
                                    "{} : choisissez le format de la liste.",
                                    population.selection(n)
                                ),
                            ),
                        };
                        let who = match population {
                            Population::Guardians => "responsables",
                            _ => "élèves",
                        };
                        let warning = match (d, activated) {
                            (Dialog::Reset, Some(a)) if a > 0 => Some(format!(
                                "Attention : {a} compte(s) sélectionné(s) déjà activé(s). Cette fonctionnalité est à utiliser avec précaution et pour un nombre de {who} réduit : les {who} peuvent réinitialiser eux-mêmes leur mot de passe s’ils ont renseigné et validé une adresse mail."
                            )),
                            (Dialog::Notify, Some(a)) if a > 0 => Some(format!(
                                "Attention : {a} compte(s) sélectionné(s) déjà activé(s). La (re)notification leur est déconseillée, sauf pour leur rappeler leur identifiant ou réinitialiser leur mot de passe (à utiliser avec précaution)."
                            )),
                            (Dialog::Notify, None) => Some(format!(
                                "Tous les comptes de la recherche seront (re)notifiés. Il est préconisé de (re)notifier uniquement les {who} dont l’état du compte est « Non notifié » et « Notifié et non activé »."
                            )),
                            (Dialog::Reset, None) => Some(
                                "Tous les comptes de la recherche auront un nouveau mot de passe provisoire. Cette fonctionnalité est à utiliser avec précaution pour les comptes déjà activés."
                                    .to_owned(),
                            ),
                            _ => None,
                        };
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
                                    {(d == Dialog::Notify).then(|| notify_choices(population, channel, notify_reset))}
                                    {(d == Dialog::List).then(|| list_choices(population, list_format))}
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

/// The notification dialog's choices: the channel (email for guardians only) and the reset.
fn notify_choices(
    population: Population,
    channel: RwSignal<String>,
    notify_reset: RwSignal<bool>,
) -> impl IntoView {
    let radio = move |id: &'static str, value: &'static str, label: &'static str| {
        view! {
            <div class="check">
                <input
                    id=id
                    type="radio"
                    name="channel"
                    value=value
                    prop:checked=move || channel.with(|c| c == value)
                    on:change=move |_| channel.set(value.to_owned())
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="modal__choices">
            <legend>"Type de notification"</legend>
            {radio("notify-letter", "letter", "Courrier")}
            {(population == Population::Guardians)
                .then(|| radio("notify-email", "email", "Courriel"))}
        </fieldset>
        <Show when=move || channel.with(|c| c == "email")>
            <p class="field__hint">
                "Les responsables sans adresse électronique ne recevront rien : ils sont signalés après l’envoi."
            </p>
        </Show>
        <div class="check">
            <input
                id="notify-reset"
                type="checkbox"
                prop:checked=move || notify_reset.get()
                on:change=move |ev| notify_reset.set(event_target_checked(&ev))
            />
            <label for="notify-reset">"Réinitialiser le mot de passe (à utiliser avec précaution)"</label>
        </div>
        <Show when=move || notify_reset.get()>
            <p class="modal__warning">
                "Un nouveau mot de passe provisoire remplacera le mot de passe actuel, y compris celui choisi par les titulaires de comptes déjà activés. Pour les comptes FranceConnect ou auto-inscrits, cela peut être très perturbant."
            </p>
        </Show>
    }
}

/// « Lister les comptes »: PDF to print or CSV to export.
fn list_choices(population: Population, format: RwSignal<String>) -> impl IntoView {
    let who = match population {
        Population::Guardians => "responsables",
        _ => "élèves",
    };
    let radio = move |id: &'static str, value: &'static str, label: String| {
        view! {
            <div class="check">
                <input
                    id=id
                    type="radio"
                    name="list-format"
                    value=value
                    prop:checked=move || format.with(|f| f == value)
                    on:change=move |_| format.set(value.to_owned())
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="modal__choices">
            <legend>"Format de la liste"</legend>
            {radio("list-pdf", "pdf", format!("Imprimer la liste des {who} (format pdf)"))}
            {radio("list-csv", "csv", format!("Exporter la liste des {who} (format csv)"))}
        </fieldset>
        <p class="field__hint">
            "Les comptes « Non notifié » n’ont pas encore de mot de passe provisoire ; ceux déjà activés ont leur mot de passe remplacé par des astérisques."
        </p>
    }
}

/// The banner's content after an action, with its download buttons.
fn outcome_view(
    o: Outcome,
    population: Population,
    download: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
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
                {format!("Le mot de passe {} ", population.of_whom())}
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
                    format!(
                        "Le mot de passe a bien été réinitialisé pour les {} sélectionné(s).",
                        population.noun()
                    )
                } else {
                    "Aucun mot de passe n’a été réinitialisé.".to_owned()
                }}
            </p>
            {skipped_list(skipped)}
            <div class="banner__actions">
                {button("Télécharger les identifiants au format PDF", pdf)}
                {button("Télécharger les identifiants au format CSV", csv)}
            </div>
        }
        .into_any(),
        Outcome::Notified {
            done,
            emailed,
            pdf,
            skipped,
        } => view! {
            <p class="banner__line">
                {format!(
                    "La notification a bien été effectuée pour {}.",
                    population.count(done as u64)
                )}
                {(emailed > 0).then(|| format!(" {emailed} courriel(s) envoyé(s)."))}
            </p>
            {skipped_list(skipped)}
            <div class="banner__actions">
                {button("Télécharger le courrier au format PDF", pdf)}
            </div>
        }
        .into_any(),
        Outcome::Listed { filename } => view! {
            <p class="banner__line">
                "La liste des comptes a été téléchargée : "
                <strong>{filename}</strong>
                "."
            </p>
        }
        .into_any(),
    }
}

#[component]
fn AccountRow(
    a: AccountItem,
    population: Population,
    cols: Vec<Col>,
    selected: RwSignal<Vec<String>>,
    /// The whole search is selected.
    all: Signal<bool>,
    on_check: Callback<(String, bool)>,
    on_open: Option<Callback<String>>,
    on_reset: Option<Callback<String>>,
) -> impl IntoView {
    let date = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(local_date).unwrap_or_default();
    let name_id = format!("account-{}", a.id);
    let id = a.id.clone();
    let checked = {
        let id = id.clone();
        Memo::new(move |_| all.get() || selected.with(|s| s.contains(&id)))
    };
    let full_name = format!("{} {}", a.family_name.to_uppercase(), a.first_name);
    let cells = cols
        .into_iter()
        .map(|c| match c {
            Col::Name => {
                let name = full_name.clone();
                let inner = match on_open {
                    Some(cb) => {
                        let id = id.clone();
                        view! {
                            <button
                                type="button"
                                class="link-button"
                                aria-haspopup="dialog"
                                on:click=move |_| cb.run(id.clone())
                            >
                                {name}
                            </button>
                        }
                        .into_any()
                    }
                    None => name.into_any(),
                };
                view! {
                    <th scope="row" class="table__name" id=name_id.clone()>
                        {inner}
                    </th>
                }
                .into_any()
            }
            Col::Linked => view! {
                <td>
                    <ul class="linked">
                        {a.students
                            .iter()
                            .map(|s| {
                                let class = s.class.clone().map(|c| format!(" ({c})")).unwrap_or_default();
                                view! {
                                    <li>
                                        {format!("{} {}{class}", s.family_name.to_uppercase(), s.first_name)}
                                        {s.reported_wrong.then(|| view! {
                                            " "
                                            <span class="flag">"rattachement signalé erroné"</span>
                                        })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </td>
            }
            .into_any(),
            Col::Class => view! { <td>{a.class.clone().unwrap_or_default()}</td> }.into_any(),
            Col::Mef => view! { <td>{a.mef.clone().unwrap_or_default()}</td> }.into_any(),
            Col::Home => {
                let home = match (&a.home_uai, &a.home_name) {
                    (Some(u), Some(n)) => format!("{u} – {n}"),
                    (Some(u), None) => u.clone(),
                    _ => String::new(),
                };
                view! { <td>{home}</td> }.into_any()
            }
            Col::Identifier => view! { <td class="table__id">{a.identifier.clone()}</td> }.into_any(),
            Col::Password => {
                let shown = password_cell(&a.state, a.provisional_password.as_deref());
                if shown == "*****" {
                    view! {
                        <td class="table__password">
                            <span aria-hidden="true">"*****"</span>
                            <span class="visually-hidden">"masqué"</span>
                        </td>
                    }
                    .into_any()
                } else {
                    view! { <td class="table__password">{shown}</td> }.into_any()
                }
            }
            Col::Email => view! {
                <td>{a.email.clone().unwrap_or_else(|| "Non renseignée".into())}</td>
            }
            .into_any(),
            Col::State => view! {
                <td class="table__state">
                    <span class=format!("dot dot--{}", a.state) aria-hidden="true"></span>
                    {text::state_label(&a.state).to_owned()}
                </td>
            }
            .into_any(),
            Col::Origin => view! { <td>{text::origin_label(&a.origin).to_owned()}</td> }.into_any(),
            Col::Notified => view! { <td>{date(a.notified_at)}</td> }.into_any(),
            Col::LastLogin => view! { <td>{date(a.last_login_at)}</td> }.into_any(),
            Col::RowAction => {
                let inner = on_reset.map(|cb| {
                    let id = id.clone();
                    view! {
                        <button
                            type="button"
                            class="button button--secondary button--small"
                            aria-haspopup="dialog"
                            aria-label=format!("Réinitialiser le mot de passe {} {}", population.of_whom(), full_name)
                            on:click=move |_| cb.run(id.clone())
                        >
                            "Réinitialiser le mot de passe"
                        </button>
                    }
                });
                view! { <td>{inner}</td> }.into_any()
            }
        })
        .collect_view();
    let check_id = id.clone();
    view! {
        <tr class:table__row--selected=move || checked.get()>
            <td class="table__select">
                <input
                    type="checkbox"
                    aria-labelledby=format!("account-{}", check_id)
                    prop:checked=move || checked.get()
                    on:change=move |ev| on_check.run((id.clone(), event_target_checked(&ev)))
                />
            </td>
            {cells}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_cycles_and_marks_one_column() {
        assert_eq!(aria_sort("", "family_name"), Some("ascending"));
        assert_eq!(aria_sort("", "class"), None);
        assert_eq!(aria_sort("-class", "class"), Some("descending"));
        assert_eq!(next_sort("", "class"), "class");
        assert_eq!(next_sort("class", "class"), "-class");
        assert_eq!(next_sort("-class", "class"), "class");
        assert_eq!(next_sort("", "family_name"), "-family_name");
        assert_eq!(next_sort("-family_name", "family_name"), "");
    }

    #[test]
    fn columns_per_population_and_module() {
        let teacher = columns(Population::Students, true);
        assert!(teacher.contains(&Col::Password));
        assert!(!teacher.contains(&Col::Origin));
        let head = columns(Population::Students, false);
        assert!(!head.contains(&Col::Password));
        assert!(columns(Population::Guardians, false).contains(&Col::Linked));
        assert!(columns(Population::ExternalStudents, false).contains(&Col::Home));
        assert_eq!(Col::Class.sort_key(Population::Guardians), None);
        assert_eq!(Col::Class.sort_key(Population::Students), Some("class"));
    }

    #[test]
    fn password_column_follows_the_list_rules() {
        assert_eq!(
            password_cell("notified_not_activated", Some("ABCD2345")),
            "ABCD2345"
        );
        assert_eq!(password_cell("not_notified", None), "Non renseigné");
        assert_eq!(password_cell("activated", None), "*****");
    }

    #[test]
    fn wording() {
        assert_eq!(Population::Students.count(2), "2 élève(s)");
        assert_eq!(
            Population::Students.selection(1),
            "1 élève(s) sélectionné(s)"
        );
        assert_eq!(
            Population::Guardians.selection(3),
            "3 responsable(s) sélectionné(s)"
        );
        assert_eq!(Population::Guardians.right("notify"), "guardians:notify");
        assert_eq!(
            Population::of(Tab::ExternalStudents),
            Some(Population::ExternalStudents)
        );
        assert_eq!(Population::of(Tab::Journal), None);
    }
}
