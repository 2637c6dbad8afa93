//! The directory search as the URL carries it (simple and advanced criteria, page), and the
//! words that describe it.

use sesame_api::ent::EntUserFilters;

use crate::route::{decode, encode};

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

/// `prenom.nom`, `prenom.nom2`: a dot and no space.
pub fn looks_like_login(q: &str) -> bool {
    let q = q.trim();
    !q.is_empty() && q.contains('.') && !q.chars().any(char::is_whitespace)
}

pub(super) fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
