//! The console's screens as URLs, so that a reload or a shared link restores them.
//!
//! `/` is the establishment chooser, `/etablissements/{uai}` an establishment's home,
//! `/etablissements/{uai}/eleves?q=&class=&mef=&state=&sort=&page=` its student search (and
//! likewise `eleves-exterieurs` and `responsables`, with their own filters) and
//! `/etablissements/{uai}/{rubrique}?…` its other tabs ([`Tab::slug`]). Pure code:
//! the browser glue (`history.pushState`, `popstate`) lives in `app.rs`.

use sesame_api::accounts::SearchFilters;
use sesame_core::{AccountState, Origin};

/// An account search (« Élèves », « Élèves extérieurs », « Responsables ») as the URL and the
/// API both carry it. Filters a population does not have stay empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSearch {
    pub q: String,
    pub class: Vec<String>,
    pub mef: Vec<String>,
    pub state: Vec<AccountState>,
    /// Guardians: a linked student's name.
    pub student: String,
    /// Guardians: with (`Some(true)`) or without an email address.
    pub has_email: Option<bool>,
    /// Account origins.
    pub origin: Vec<Origin>,
    /// Guardians: only those who reported a link as wrong.
    pub link_reported: Option<bool>,
    /// External students: their home establishment.
    pub home_uai: String,
    /// The API's `sort` (`class`, `-notified_at`…); empty for the default (by name).
    pub sort: String,
    /// 1-based.
    pub page: u64,
    /// The API's cursor (`next` of the page before): « Suivant » continues right after the
    /// last row shown instead of counting rows again. Empty when paging by number.
    pub after: String,
}

/// The student search: the same search, kept under its first name.
pub type StudentSearch = AccountSearch;

/// An establishment's screens (« rubriques »), in the order of the tab bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Home,
    Students,
    ExternalStudents,
    Guardians,
    Statistics,
    Settings,
    Delegations,
    Journal,
    Directory,
}

impl Tab {
    pub const ALL: [Tab; 9] = [
        Tab::Home,
        Tab::Students,
        Tab::ExternalStudents,
        Tab::Guardians,
        Tab::Statistics,
        Tab::Settings,
        Tab::Delegations,
        Tab::Journal,
        Tab::Directory,
    ];

    /// The path segment after `/etablissements/{uai}` (empty for the home tab).
    pub fn slug(&self) -> &'static str {
        match self {
            Tab::Home => "",
            Tab::Students => "eleves",
            Tab::ExternalStudents => "eleves-exterieurs",
            Tab::Guardians => "responsables",
            Tab::Statistics => "statistiques",
            Tab::Settings => "parametrage",
            Tab::Delegations => "delegations",
            Tab::Journal => "journal",
            Tab::Directory => "annuaire",
        }
    }

    /// « Élèves », « Élèves extérieurs » and « Responsables »: the account searches.
    pub fn is_accounts(&self) -> bool {
        matches!(self, Tab::Students | Tab::ExternalStudents | Tab::Guardians)
    }

    pub fn from_slug(slug: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.slug() == slug)
    }

    /// The tab's name, as the seeds write it.
    pub fn label(&self) -> &'static str {
        match self {
            Tab::Home => "Accueil",
            Tab::Students => "Élèves",
            Tab::ExternalStudents => "Élèves extérieurs",
            Tab::Guardians => "Responsables",
            Tab::Statistics => "Statistiques",
            Tab::Settings => "Paramétrage",
            Tab::Delegations => "Délégations",
            Tab::Journal => "Journal",
            Tab::Directory => "Annuaire",
        }
    }

    /// Whether the tab bar (and the home's list) offers the tab: the caller's rights open
    /// it, and « Élèves extérieurs » appears only where pupils of other establishments follow
    /// shared teaching (seed 001 §2: « un onglet supplémentaire »).
    pub fn offered(&self, rights: &[String], external_students: u64) -> bool {
        rights.iter().any(|r| r == self.required_right())
            && (*self != Tab::ExternalStudents || external_students > 0)
    }

    /// The section of the user guide about this tab (one of `sesame_api::guide::SECTIONS`):
    /// named like the tab's URL segment. A teacher with the troubleshooting module (who may
    /// search students but not notify them) is sent to the part written for that module.
    pub fn guide_section(&self, rights: &[String]) -> &'static str {
        match self {
            Tab::Home => "accueil",
            Tab::Students if !rights.iter().any(|r| r == "students:notify") => "depannage",
            t => t.slug(),
        }
    }

    /// The right (see the API's `Establishment.rights`) without which the tab is not offered.
    pub fn required_right(&self) -> &'static str {
        match self {
            Tab::Home => "establishment:view",
            Tab::Students => "students:search",
            Tab::ExternalStudents => "external-students:search",
            Tab::Guardians => "guardians:search",
            Tab::Statistics => "statistics:view",
            Tab::Settings => "settings:manage",
            Tab::Delegations => "delegations:manage",
            Tab::Journal => "audit:view",
            Tab::Directory => "ent-directory:read",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Chooser,
    /// Any tab but the account searches. `query` is the URL's query string without its `?`:
    /// each screen keeps its own state there (page, filters) and parses it itself.
    Establishment {
        uai: String,
        tab: Tab,
        query: String,
    },
    /// « Élèves », « Élèves extérieurs » or « Responsables » (`tab` is one of those three).
    /// The search is boxed: it is several times the size of the other variants, and routes
    /// are cloned into every signal that holds one.
    Accounts {
        uai: String,
        tab: Tab,
        search: Box<AccountSearch>,
    },
}

/// Accounts per page in the result table.
pub const PER_PAGE: u64 = 50;

impl AccountSearch {
    pub fn page(&self) -> u64 {
        self.page.max(1)
    }

    /// The filters alone (no page, no sort), in a stable order.
    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let q = self.q.trim();
        if !q.is_empty() {
            pairs.push(("q", q.to_owned()));
        }
        pairs.extend(self.class.iter().map(|c| ("class", c.clone())));
        pairs.extend(self.mef.iter().map(|m| ("mef", m.clone())));
        pairs.extend(self.state.iter().map(|s| ("state", s.to_string())));
        let student = self.student.trim();
        if !student.is_empty() {
            pairs.push(("student", student.to_owned()));
        }
        if let Some(b) = self.has_email {
            pairs.push(("has_email", b.to_string()));
        }
        pairs.extend(self.origin.iter().map(|o| ("origin", o.to_string())));
        if let Some(b) = self.link_reported {
            pairs.push(("link_reported", b.to_string()));
        }
        let home = self.home_uai.trim();
        if !home.is_empty() {
            pairs.push(("home_uai", home.to_owned()));
        }
        pairs
    }

    /// Pairs in a stable order; the page only when it is not the first.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = self.filter_pairs();
        if !self.sort.is_empty() {
            pairs.push(("sort", self.sort.clone()));
        }
        if self.page() > 1 {
            pairs.push(("page", self.page().to_string()));
        }
        if !self.after.is_empty() {
            pairs.push(("after", self.after.clone()));
        }
        pairs
    }

    /// The query string for the URL bar, with its `?`, or nothing for an empty search.
    pub fn url_query(&self) -> String {
        let pairs = self.pairs();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", join(&pairs))
        }
    }

    /// The query string for `GET …/{population}`.
    pub fn api_query(&self) -> String {
        let mut pairs = self.pairs();
        if self.page() == 1 {
            pairs.push(("page", "1".into()));
        }
        pairs.push(("per_page", PER_PAGE.to_string()));
        join(&pairs)
    }

    /// The search as an `all_matching` selection (« Sélectionner les N comptes »).
    pub fn filters(&self) -> SearchFilters {
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        SearchFilters {
            q: text(&self.q),
            class: self.class.clone(),
            mef: self.mef.clone(),
            state: self.state.clone(),
            student: text(&self.student),
            has_email: self.has_email,
            origin: self.origin.clone(),
            link_reported: self.link_reported,
            home_uai: text(&self.home_uai),
        }
    }

    /// Whether any filter is set (the page and the sort aside).
    pub fn is_filtered(&self) -> bool {
        !self.filter_pairs().is_empty()
    }

    pub fn parse(query: &str) -> Self {
        let mut s = AccountSearch::default();
        let flag = |v: &str| match v {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match decode(key).as_str() {
                "q" => s.q = value,
                "class" if !value.is_empty() => s.class.push(value),
                "mef" if !value.is_empty() => s.mef.push(value),
                "state" => s.state.extend(AccountState::parse(&value)),
                "student" => s.student = value,
                "has_email" => s.has_email = flag(&value),
                "origin" => s.origin.extend(Origin::parse(&value)),
                "link_reported" => s.link_reported = flag(&value),
                "home_uai" => s.home_uai = value,
                "sort" => s.sort = value,
                "page" => s.page = value.parse().unwrap_or(1),
                "after" => s.after = value,
                _ => {}
            }
        }
        s
    }
}

fn join(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Route {
    pub fn parse(path: &str, query: &str) -> Route {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["etablissements", uai] => Route::Establishment {
                uai: decode(uai),
                tab: Tab::Home,
                query: query.trim_start_matches('?').to_owned(),
            },
            ["etablissements", uai, slug] => match Tab::from_slug(slug) {
                Some(tab) if tab.is_accounts() => Route::Accounts {
                    uai: decode(uai),
                    tab,
                    search: Box::new(AccountSearch::parse(query)),
                },
                Some(tab) => Route::Establishment {
                    uai: decode(uai),
                    tab,
                    query: query.trim_start_matches('?').to_owned(),
                },
                None => Route::Chooser,
            },
            _ => Route::Chooser,
        }
    }

    pub fn url(&self) -> String {
        match self {
            Route::Chooser => "/".into(),
            Route::Establishment { uai, tab, query } => {
                let mut url = format!("/etablissements/{}", encode(uai));
                if *tab != Tab::Home {
                    url.push('/');
                    url.push_str(tab.slug());
                }
                if !query.is_empty() {
                    url.push('?');
                    url.push_str(query);
                }
                url
            }
            Route::Accounts { uai, tab, search } => format!(
                "/etablissements/{}/{}{}",
                encode(uai),
                tab.slug(),
                search.url_query()
            ),
        }
    }

    pub fn uai(&self) -> Option<&str> {
        match self {
            Route::Chooser => None,
            Route::Establishment { uai, .. } | Route::Accounts { uai, .. } => Some(uai),
        }
    }

    /// A tab of an establishment, with an empty query.
    pub fn tab_of(uai: &str, tab: Tab) -> Route {
        match tab {
            tab if tab.is_accounts() => Route::Accounts {
                uai: uai.to_owned(),
                tab,
                search: Box::new(AccountSearch::default()),
            },
            tab => Route::Establishment {
                uai: uai.to_owned(),
                tab,
                query: String::new(),
            },
        }
    }

    /// The query string of an establishment tab (without `?`), empty elsewhere.
    pub fn query(&self) -> &str {
        match self {
            Route::Establishment { query, .. } => query,
            _ => "",
        }
    }

    pub fn tab(&self) -> Option<Tab> {
        match self {
            Route::Chooser => None,
            Route::Establishment { tab, .. } => Some(*tab),
            Route::Accounts { tab, .. } => Some(*tab),
        }
    }
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The reverse of [`encode`], also reading `+` as a space (HTML forms write that).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn students_url_round_trips() {
        let route = Route::Accounts {
            uai: "0450750W".into(),
            tab: Tab::Students,
            search: Box::new(StudentSearch {
                q: "mar é".into(),
                class: vec!["2NDPRO A".into()],
                state: vec![AccountState::Activated, AccountState::NotNotified],
                page: 2,
                ..Default::default()
            }),
        };
        let url = route.url();
        assert_eq!(
            url,
            "/etablissements/0450750W/eleves?q=mar%20%C3%A9&class=2NDPRO%20A\
             &state=activated&state=not_notified&page=2"
        );
        let (path, query) = url.split_once('?').unwrap();
        assert_eq!(Route::parse(path, query), route);
    }

    #[test]
    fn parse_is_lenient() {
        assert_eq!(Route::parse("/", ""), Route::Chooser);
        assert_eq!(Route::parse("/nimporte/quoi", ""), Route::Chooser);
        assert_eq!(
            Route::parse("/etablissements/0450750W/", ""),
            Route::Establishment {
                uai: "0450750W".into(),
                tab: Tab::Home,
                query: String::new(),
            }
        );
        assert_eq!(
            Route::parse("/etablissements/0450750W/inconnu", ""),
            Route::Chooser
        );
        let s = StudentSearch::parse("?q=a+b&page=x&state=&zz=1&q2=%");
        assert_eq!(s.q, "a b");
        assert_eq!(s.page(), 1);
        assert!(s.state.is_empty());
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("%41"), "A");
    }

    #[test]
    fn every_tab_round_trips_with_its_query() {
        for tab in Tab::ALL {
            let route = match Route::tab_of("0451442Y", tab) {
                Route::Establishment { uai, tab, .. } => Route::Establishment {
                    uai,
                    tab,
                    query: "page=2".into(),
                },
                accounts => accounts,
            };
            let url = route.url();
            let (path, query) = url.split_once('?').unwrap_or((&url, ""));
            assert_eq!(Route::parse(path, query), route, "{url}");
            assert_eq!(route.tab(), Some(tab));
        }
        assert_eq!(
            Route::tab_of("0451442Y", Tab::Journal).url(),
            "/etablissements/0451442Y/journal"
        );
    }

    #[test]
    fn a_cursor_rides_in_the_url_and_reaches_the_api() {
        let search = StudentSearch {
            q: "mar".into(),
            page: 2,
            after: "WyJmYW1pbHlfbmFtZSJd".into(),
            ..Default::default()
        };
        assert_eq!(
            search.url_query(),
            "?q=mar&page=2&after=WyJmYW1pbHlfbmFtZSJd"
        );
        assert_eq!(StudentSearch::parse(&search.url_query()), search);
        assert!(search.api_query().contains("after=WyJmYW1pbHlfbmFtZSJd"));
    }

    #[test]
    fn guardian_and_external_searches_round_trip() {
        let route = Route::Accounts {
            uai: "0451442Y".into(),
            tab: Tab::Guardians,
            search: Box::new(AccountSearch {
                q: "Martin".into(),
                class: vec!["3EME1".into()],
                state: vec![AccountState::ActivationInProgress],
                student: "Léa".into(),
                has_email: Some(false),
                origin: vec![Origin::FranceConnect],
                link_reported: Some(true),
                sort: "-notified_at".into(),
                page: 3,
                ..Default::default()
            }),
        };
        let url = route.url();
        assert_eq!(
            url,
            "/etablissements/0451442Y/responsables?q=Martin&class=3EME1\
             &state=activation_in_progress&student=L%C3%A9a&has_email=false\
             &origin=franceconnect&link_reported=true&sort=-notified_at&page=3"
        );
        let (path, query) = url.split_once('?').unwrap();
        assert_eq!(Route::parse(path, query), route);
        assert_eq!(route.tab(), Some(Tab::Guardians));

        let external = Route::Accounts {
            uai: "0450750W".into(),
            tab: Tab::ExternalStudents,
            search: Box::new(AccountSearch {
                home_uai: "0451442Y".into(),
                ..Default::default()
            }),
        };
        assert_eq!(
            external.url(),
            "/etablissements/0450750W/eleves-exterieurs?home_uai=0451442Y"
        );
        let (path, query) = external
            .url()
            .split_once('?')
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .unwrap();
        assert_eq!(Route::parse(&path, &query), external);
        assert_eq!(
            Route::parse("/etablissements/0451442Y/responsables", ""),
            Route::tab_of("0451442Y", Tab::Guardians)
        );
    }

    #[test]
    fn filters_leave_page_and_sort_out() {
        let s = AccountSearch {
            q: "  ".into(),
            state: vec![AccountState::Activated],
            student: " Léo ".into(),
            sort: "class".into(),
            page: 4,
            ..Default::default()
        };
        let f = s.filters();
        assert_eq!(f.q, None);
        assert_eq!(f.state, vec![AccountState::Activated]);
        assert_eq!(f.student.as_deref(), Some("Léo"));
        assert!(s.is_filtered());
        assert!(!AccountSearch {
            sort: "state".into(),
            page: 2,
            ..Default::default()
        }
        .is_filtered());
        let p = AccountSearch::parse("has_email=oui&link_reported=false&sort=-state");
        assert_eq!(p.has_email, None);
        assert_eq!(p.link_reported, Some(false));
        assert_eq!(p.sort, "-state");
    }

    fn rights(list: &[&str]) -> Vec<String> {
        list.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn external_students_tab_only_where_there_are_some() {
        let head = rights(&[
            "establishment:view",
            "students:search",
            "external-students:search",
        ]);
        assert!(Tab::ExternalStudents.offered(&head, 30));
        assert!(!Tab::ExternalStudents.offered(&head, 0));
        // The count hides no other tab, and rights still come first.
        assert!(Tab::Students.offered(&head, 0));
        assert!(!Tab::ExternalStudents.offered(&rights(&["students:search"]), 30));
    }

    #[test]
    fn every_tab_links_to_a_section_of_the_guide() {
        let head = rights(&["students:search", "students:notify"]);
        let teacher = rights(&["students:search", "students:reset-password"]);
        for tab in Tab::ALL {
            for r in [&head, &teacher] {
                let section = tab.guide_section(r);
                assert!(
                    sesame_api::guide::SECTIONS.contains(&section),
                    "{tab:?} links to #{section}, which the guide does not declare"
                );
            }
        }
        assert_eq!(Tab::Home.guide_section(&head), "accueil");
        assert_eq!(Tab::Students.guide_section(&head), "eleves");
        assert_eq!(Tab::Students.guide_section(&teacher), "depannage");
        assert_eq!(
            Tab::ExternalStudents.guide_section(&head),
            "eleves-exterieurs"
        );
        assert_eq!(
            sesame_api::guide::section_url(Tab::Directory.guide_section(&head)),
            "/guide#annuaire"
        );
    }

    #[test]
    fn api_query_always_pages() {
        let s = StudentSearch::default();
        assert_eq!(s.url_query(), "");
        assert_eq!(s.api_query(), "page=1&per_page=50");
    }
}
