//! The console's screens as URLs, so that a reload or a shared link restores them.
//!
//! `/` is the establishment chooser, `/etablissements/{uai}` an establishment's home,
//! `/etablissements/{uai}/eleves?q=&class=&mef=&state=&page=` its student search and
//! `/etablissements/{uai}/{rubrique}?…` its other tabs ([`Tab::slug`]). Pure code:
//! the browser glue (`history.pushState`, `popstate`) lives in `app.rs`.

/// The student search as the URL and the API both carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudentSearch {
    pub q: String,
    pub class: Vec<String>,
    pub mef: Vec<String>,
    pub state: Vec<String>,
    /// 1-based.
    pub page: u64,
}

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
    /// Any tab but the student search. `query` is the URL's query string without its `?`:
    /// each screen keeps its own state there (page, filters) and parses it itself.
    Establishment {
        uai: String,
        tab: Tab,
        query: String,
    },
    Students {
        uai: String,
        search: StudentSearch,
    },
}

/// Students per page in the result table.
pub const PER_PAGE: u64 = 50;

impl StudentSearch {
    pub fn page(&self) -> u64 {
        self.page.max(1)
    }

    /// Pairs in a stable order; the page only when it is not the first.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let q = self.q.trim();
        if !q.is_empty() {
            pairs.push(("q", q.to_owned()));
        }
        pairs.extend(self.class.iter().map(|c| ("class", c.clone())));
        pairs.extend(self.mef.iter().map(|m| ("mef", m.clone())));
        pairs.extend(self.state.iter().map(|s| ("state", s.clone())));
        if self.page() > 1 {
            pairs.push(("page", self.page().to_string()));
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

    /// The query string for `GET …/students`.
    pub fn api_query(&self) -> String {
        let mut pairs = self.pairs();
        if self.page() == 1 {
            pairs.push(("page", "1".into()));
        }
        pairs.push(("per_page", PER_PAGE.to_string()));
        join(&pairs)
    }

    pub fn parse(query: &str) -> Self {
        let mut s = StudentSearch::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match decode(key).as_str() {
                "q" => s.q = value,
                "class" if !value.is_empty() => s.class.push(value),
                "mef" if !value.is_empty() => s.mef.push(value),
                "state" if !value.is_empty() => s.state.push(value),
                "page" => s.page = value.parse().unwrap_or(1),
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
            ["etablissements", uai, "eleves"] => Route::Students {
                uai: decode(uai),
                search: StudentSearch::parse(query),
            },
            ["etablissements", uai, slug] => match Tab::from_slug(slug) {
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
            Route::Students { uai, search } => format!(
                "/etablissements/{}/eleves{}",
                encode(uai),
                search.url_query()
            ),
        }
    }

    pub fn uai(&self) -> Option<&str> {
        match self {
            Route::Chooser => None,
            Route::Establishment { uai, .. } | Route::Students { uai, .. } => Some(uai),
        }
    }

    /// A tab of an establishment, with an empty query.
    pub fn tab_of(uai: &str, tab: Tab) -> Route {
        match tab {
            Tab::Students => Route::Students {
                uai: uai.to_owned(),
                search: StudentSearch::default(),
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
            Route::Students { .. } => Some(Tab::Students),
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
        let route = Route::Students {
            uai: "0450750W".into(),
            search: StudentSearch {
                q: "mar é".into(),
                class: vec!["2NDPRO A".into()],
                mef: vec![],
                state: vec!["activated".into(), "not_notified".into()],
                page: 2,
            },
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
                students => students,
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
    fn api_query_always_pages() {
        let s = StudentSearch::default();
        assert_eq!(s.url_query(), "");
        assert_eq!(s.api_query(), "page=1&per_page=50");
    }
}
