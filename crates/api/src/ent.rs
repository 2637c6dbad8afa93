//! The ENT directory (seed 000): search, group tree, password regeneration, creation.

use serde::{Deserialize, Serialize};

/// One user of the directory, as the result table shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntUser {
    pub id: String,
    pub login: String,
    pub family_name: String,
    pub first_name: String,
    /// « Élève », « Parent », « Personnel de l'Éducation nationale », …
    pub profile: String,
    /// « Opérationnel » or « Bloqué ».
    pub state: String,
    /// Name of the main establishment.
    pub establishment: String,
    /// Names of the groups (classes, pedagogical groups) the user belongs to.
    pub groups: Vec<String>,
    pub subject: Option<String>,
    pub email: Option<String>,
}

/// A page of the search: 20 a page, with the last page for « dernier ».
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntUserPage {
    pub items: Vec<EntUser>,
    /// Users matching, over all pages.
    pub total: u64,
    /// 1-based page number.
    pub page: u64,
    pub per_page: u64,
    /// The last page (1 when nothing matches).
    pub last_page: u64,
}

/// The search criteria (simple, advanced and technical search).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntUserFilters {
    /// Family name prefix, accents and case ignored.
    #[serde(default)]
    pub family_name: Option<String>,
    /// First name prefix, accents and case ignored.
    #[serde(default)]
    pub first_name: Option<String>,
    /// One of the directory's profiles.
    #[serde(default)]
    pub profile: Option<String>,
    /// Subject taught.
    #[serde(default)]
    pub subject: Option<String>,
    /// A group id: its members and those of its sub-groups.
    #[serde(default)]
    pub group: Option<String>,
    /// Exact login.
    #[serde(default)]
    pub login: Option<String>,
    /// Exact user id (« recherche technique »).
    #[serde(default)]
    pub id: Option<String>,
    /// « Opérationnel » or « Bloqué ».
    #[serde(default)]
    pub state: Option<String>,
}

/// The subjects taught in the establishment's directory, for « Matière enseignée ».
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntSubjects {
    /// Each subject once, in alphabetical order (accents and case ignored).
    pub subjects: Vec<String>,
}

/// A node of the group tree: the establishment at the root, then folders, classes and groups.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntGroupNode {
    /// Group id (the UAI for the establishment node).
    pub id: String,
    pub name: String,
    pub kind: sesame_core::EntGroupKind,
    /// Distinct members of the group and its sub-groups (every user for the establishment).
    pub member_count: u64,
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<EntGroupNode>,
}

/// « Pour la sélection… → Régénérer le mot de passe »: exactly one of `ids` or `all_matching`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntRegenerateRequest {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    #[serde(default)]
    pub all_matching: Option<EntUserFilters>,
}

/// New credentials of one user, with the ready-to-copy message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntCredentials {
    pub id: String,
    pub login: String,
    pub password: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntRegenerateResponse {
    pub results: Vec<EntCredentials>,
}

/// « Créer un utilisateur ».
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEntUser {
    pub family_name: String,
    pub first_name: String,
    pub profile: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    /// Group ids of the establishment.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// The created user and its first password.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntUserCreated {
    pub user: EntUser,
    pub password: String,
    pub message: String,
}
