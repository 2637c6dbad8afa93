//! The console's screens as URLs, so that a reload or a shared link restores them.
//!
//! `/` is the establishment chooser, `/etablissements/{uai}` an establishment's home and
//! `/etablissements/{uai}/eleves?q=&class=&mef=&state=&page=` its student search. Pure code:
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Home,
    Students,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Chooser,
    Establishment { uai: String, tab: Tab },
    Students { uai: String, search: StudentSearch },
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
            },
            ["etablissements", uai, "eleves"] => Route::Students {
                uai: decode(uai),
                search: StudentSearch::parse(query),
            },
            _ => Route::Chooser,
        }
    }

    pub fn url(&self) -> String {
        match self {
            Route::Chooser => "/".into(),
            Route::Establishment { uai, .. } => format!("/etablissements/{}", encode(uai)),
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
                tab: Tab::Home
            }
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
    fn api_query_always_pages() {
        let s = StudentSearch::default();
        assert_eq!(s.url_query(), "");
        assert_eq!(s.api_query(), "page=1&per_page=50");
    }
}
