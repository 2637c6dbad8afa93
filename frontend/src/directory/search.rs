//! The directory search as the URL carries it (the search mode, its criteria, the page), and
//! the words that describe it.

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

/// The three ways of searching the ENT offers (seed 000: « recherche simple », « recherche
/// avancée », « recherche technique »), each with its own criteria.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Name and first name.
    #[default]
    Simple,
    /// Establishment, name, first name, profile, subject taught, group, state.
    Advanced,
    /// Exact login or user id.
    Technical,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Simple, Mode::Advanced, Mode::Technical];

    /// The word in the URL (`mode=`).
    pub fn slug(self) -> &'static str {
        match self {
            Mode::Simple => "simple",
            Mode::Advanced => "avancee",
            Mode::Technical => "technique",
        }
    }

    fn from_slug(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.slug() == s)
    }

    /// The tab's text.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Simple => "Recherche simple",
            Mode::Advanced => "Recherche avancée",
            Mode::Technical => "Recherche technique",
        }
    }
}

/// The search as the URL carries it. Each mode's form puts only its own criteria here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectorySearch {
    pub mode: Mode,
    pub family_name: String,
    pub first_name: String,
    pub profile: String,
    pub subject: String,
    /// A group id of the establishment (members of its sub-groups included).
    pub group: String,
    /// « Opérationnel » or « Bloqué ».
    pub state: String,
    /// Exact login (« recherche technique »).
    pub login: String,
    /// Exact user id (« recherche technique »).
    pub id: String,
    /// 1-based.
    pub page: u64,
}

impl DirectorySearch {
    pub fn page(&self) -> u64 {
        self.page.max(1)
    }

    /// The same search without its page: what the forms edit.
    pub fn criteria(&self) -> DirectorySearch {
        DirectorySearch {
            page: 1,
            ..self.clone()
        }
    }

    /// The mode a link without `mode=` means: the one whose criteria it holds.
    fn implied_mode(&self) -> Mode {
        if !self.login.is_empty() || !self.id.is_empty() {
            Mode::Technical
        } else if [&self.profile, &self.subject, &self.group, &self.state]
            .iter()
            .any(|v| !v.is_empty())
        {
            Mode::Advanced
        } else {
            Mode::Simple
        }
    }

    fn criteria_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("family_name", &self.family_name),
            ("first_name", &self.first_name),
            ("profile", &self.profile),
            ("subject", &self.subject),
            ("group", &self.group),
            ("state", &self.state),
            ("login", &self.login),
            ("id", &self.id),
        ]
        .into_iter()
        .filter_map(|(k, v)| non_empty(v).map(|v| (k, v)))
        .collect()
    }

    /// The URL's query string, without its `?`.
    pub fn url_query(&self) -> String {
        let mut pairs = self.criteria_pairs();
        if self.mode != self.implied_mode() {
            pairs.push(("mode", self.mode.slug().into()));
        }
        if self.page() > 1 {
            pairs.push(("page", self.page().to_string()));
        }
        join(&pairs)
    }

    pub fn parse(query: &str) -> Self {
        let mut s = DirectorySearch::default();
        let mut mode = None;
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value).trim().to_owned();
            match decode(key).as_str() {
                "family_name" => s.family_name = value,
                // Links of the first version: one field, a name or a login.
                "q" if looks_like_login(&value) => s.login = value,
                "q" => s.family_name = value,
                "first_name" => s.first_name = value,
                "profile" => s.profile = value,
                "subject" => s.subject = value,
                "group" => s.group = value,
                "state" => s.state = value,
                "login" => s.login = value,
                "id" => s.id = value,
                "mode" => mode = Mode::from_slug(&value),
                "page" => s.page = value.parse().unwrap_or(1),
                _ => {}
            }
        }
        s.mode = mode.unwrap_or_else(|| s.implied_mode());
        s
    }

    /// The API's criteria.
    pub fn filters(&self) -> EntUserFilters {
        EntUserFilters {
            family_name: non_empty(&self.family_name),
            first_name: non_empty(&self.first_name),
            profile: non_empty(&self.profile),
            subject: non_empty(&self.subject),
            group: non_empty(&self.group),
            login: non_empty(&self.login),
            id: non_empty(&self.id),
            state: non_empty(&self.state),
        }
    }

    /// The query string of `GET …/users`.
    pub fn api_query(&self) -> String {
        let mut pairs = self.criteria_pairs();
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
    if let Some(v) = f.state {
        out.push(format!("état « {v} »"));
    }
    if let Some(v) = f.login {
        out.push(format!("identifiant « {v} »"));
    }
    if let Some(v) = f.id {
        out.push(format!("id « {v} »"));
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
            mode: Mode::Advanced,
            family_name: "dup é".into(),
            profile: "Élève".into(),
            group: "g-1".into(),
            state: "Bloqué".into(),
            page: 2,
            ..Default::default()
        };
        let q = s.url_query();
        // The criteria say « avancée »: the mode need not be written.
        assert_eq!(
            q,
            "family_name=dup%20%C3%A9&profile=%C3%89l%C3%A8ve&group=g-1&state=Bloqu%C3%A9&page=2"
        );
        assert!(s.api_query().contains("state=Bloqu%C3%A9"));
        assert_eq!(DirectorySearch::parse(&q), s);
        assert_eq!(DirectorySearch::default().url_query(), "");
        assert_eq!(DirectorySearch::parse("page=x").page(), 1);
        assert_eq!(DirectorySearch::parse("mode=bogus").mode, Mode::Simple);
    }

    #[test]
    fn the_mode_is_written_only_when_the_criteria_do_not_say_it() {
        // The advanced tab chosen before any advanced criterion: kept across a reload.
        let tab = DirectorySearch {
            mode: Mode::Advanced,
            family_name: "Caverot".into(),
            ..Default::default()
        };
        assert_eq!(tab.url_query(), "family_name=Caverot&mode=avancee");
        assert_eq!(DirectorySearch::parse(&tab.url_query()), tab);
        let technical = DirectorySearch::parse("id=abc");
        assert_eq!(technical.mode, Mode::Technical);
        assert_eq!(technical.url_query(), "id=abc");
        assert_eq!(
            DirectorySearch::parse("profile=Parent").mode,
            Mode::Advanced
        );
        assert_eq!(DirectorySearch::parse("first_name=Léa").mode, Mode::Simple);
        let empty_technical = DirectorySearch {
            mode: Mode::Technical,
            ..Default::default()
        };
        assert_eq!(empty_technical.url_query(), "mode=technique");
    }

    #[test]
    fn old_links_with_one_field_still_work() {
        let s = DirectorySearch::parse("q=Dup");
        assert_eq!(s.family_name, "Dup");
        assert_eq!(s.mode, Mode::Simple);
        let s = DirectorySearch::parse("q=jean.dupont&page=3");
        assert_eq!(s.login, "jean.dupont");
        assert_eq!(s.mode, Mode::Technical);
        assert_eq!(s.api_query(), "login=jean.dupont&page=3");
    }

    #[test]
    fn the_api_query_holds_every_criterion() {
        let s = DirectorySearch {
            family_name: " Dup ".into(),
            first_name: "Jé".into(),
            subject: "Éducation musicale".into(),
            login: "jean.dupont".into(),
            id: "u-1".into(),
            ..Default::default()
        };
        assert_eq!(
            s.api_query(),
            "family_name=Dup&first_name=J%C3%A9&subject=%C3%89ducation%20musicale\
             &login=jean.dupont&id=u-1&page=1"
        );
        let f = s.filters();
        assert_eq!(f.family_name.as_deref(), Some("Dup"));
        assert_eq!(f.id.as_deref(), Some("u-1"));
        assert_eq!(f.profile, None);
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
        let s = DirectorySearch {
            id: "u-1".into(),
            ..Default::default()
        };
        assert_eq!(criteria_summary(&s, None), vec!["id « u-1 »"]);
        assert!(criteria_summary(&DirectorySearch::default(), None).is_empty());
        assert_eq!(users_count(1), "1 utilisateur");
        assert_eq!(users_count(20), "20 utilisateurs");
    }
}
