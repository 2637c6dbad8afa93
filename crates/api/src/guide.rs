//! Where the user guide lives and which sections the consoles link to. One list for the SPA
//! (each screen's « Aide sur cette rubrique ») and the server's test that the guide has every
//! one of them: a renamed section breaks the test, not a user's link.

/// The guide, served by Sésame itself as a page of its own (not a screen of the SPA).
pub const PATH: &str = "/guide";

/// The anchors of the guide that screens link to (`/guide#eleves`): one per tab of an
/// establishment, named like the tab's URL segment (`accueil` for the home), then the
/// teacher's troubleshooting module.
pub const SECTIONS: [&str; 10] = [
    "accueil",
    "eleves",
    "eleves-exterieurs",
    "responsables",
    "statistiques",
    "parametrage",
    "delegations",
    "journal",
    "annuaire",
    "depannage",
];

/// The address of one section of the guide.
pub fn section_url(section: &str) -> String {
    format!("{PATH}#{section}")
}
