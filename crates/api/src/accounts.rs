//! Accounts of the three populations: search results, detail, and the bulk actions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use sesame_core::{AccountKind, AccountState, Channel, DocumentFormat, JobState, Origin};

/// One row of a search result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountItem {
    pub id: String,
    pub family_name: String,
    pub first_name: String,
    /// Class code (students), e.g. `3EME4`.
    pub class: Option<String>,
    /// MEF short label (students), e.g. `2NDPRO`.
    pub mef: Option<String>,
    pub identifier: String,
    pub state: AccountState,
    pub origin: Origin,
    pub notified_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub email: Option<String>,
    /// Troubleshooting module only, and only while the account is notified and not activated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisional_password: Option<String>,
    /// External students: their home establishment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_uai: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_name: Option<String>,
    /// Guardians: their students in this establishment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub students: Vec<LinkedPerson>,
}

/// A person linked to an account (a student's guardian, a guardian's student).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedPerson {
    pub id: String,
    pub family_name: String,
    pub first_name: String,
    pub identifier: Option<String>,
    pub state: Option<AccountState>,
    pub class: Option<String>,
    /// A guardian's pupil: the MEF's short label (`3EME`, `2NDPRO`), as the « MEF » column of
    /// the guardians' pair rows shows it (seed 001 §5.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mef: Option<String>,
    /// A guardian's pupil: the level (« Niveau », seed 001 §5.1), the MEF's level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// e.g. "Mère", "Père", "Tuteur".
    pub relationship: String,
    /// The guardian reported this link as wrong ("rattachement signalé erroné").
    pub reported_wrong: bool,
}

/// Where the person's data comes from, with the names as that source has them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataSource {
    /// `SIECLE`, `ONDE`, `AAF`…
    pub source: String,
    pub academy: String,
    pub aaf_id: Option<String>,
    pub source_id: Option<String>,
    pub family_name: String,
    pub first_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingIdentifierChange {
    pub new_identifier: String,
    pub effective_at: DateTime<Utc>,
}

/// "Informations du compte".
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDetail {
    pub id: String,
    pub kind: AccountKind,
    pub family_name: String,
    pub first_name: String,
    pub class: Option<String>,
    pub mef: Option<String>,
    pub mef_label: Option<String>,
    pub identifier: String,
    pub birth_date: Option<NaiveDate>,
    pub ine: Option<String>,
    pub email: Option<String>,
    pub email_validated: bool,
    pub phone: Option<String>,
    pub state: AccountState,
    pub origin: Origin,
    pub notified_at: Option<DateTime<Utc>>,
    /// "Date de distribution".
    pub distributed_at: Option<DateTime<Utc>>,
    pub activated_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// Main establishment (students).
    pub home_uai: Option<String>,
    pub sources: Vec<DataSource>,
    /// Students: their guardians.
    pub guardians: Vec<LinkedPerson>,
    /// Guardians: their students in this establishment.
    pub students: Vec<LinkedPerson>,
    pub pending_identifier_change: Option<PendingIdentifierChange>,
    /// Troubleshooting module only, while notified and not activated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisional_password: Option<String>,
}

/// "Modifier le compte": contact data Sésame owns. An absent field is left alone; `null`
/// clears it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactPatch {
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Option<Option<String>>,
}

/// Distinguishes "absent" (outer `None`, via `default`) from `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The search filters, as in the query string; used for `all_matching` selections.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchFilters {
    /// Name or first name (prefix, accents and case ignored).
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub class: Vec<String>,
    #[serde(default)]
    pub mef: Vec<String>,
    #[serde(default)]
    pub state: Vec<AccountState>,
    /// Guardians: a linked student's name.
    #[serde(default)]
    pub student: Option<String>,
    /// Guardians: with or without an email address.
    #[serde(default)]
    pub has_email: Option<bool>,
    /// Account origins (`guardian` and `franceconnect`: guardians only).
    #[serde(default)]
    pub origin: Vec<Origin>,
    /// Guardians: a link reported as wrong.
    #[serde(default)]
    pub link_reported: Option<bool>,
    /// External students: home establishment UAI.
    #[serde(default)]
    pub home_uai: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotifyRequest {
    /// The accounts, by id…
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    /// …or every account matching these filters (not just the visible page).
    #[serde(default)]
    pub all_matching: Option<SearchFilters>,
    /// `letter` (everyone) or `email` (guardians only).
    pub channel: Channel,
    /// Also give a new provisional password (to be used with care).
    #[serde(default)]
    pub reset_password: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotifyResult {
    pub id: String,
    pub identifier: String,
    pub state_before: AccountState,
    pub state_after: AccountState,
    pub password_changed: bool,
    /// Why nothing (or not everything) was done for this account, e.g. `no_email`,
    /// `franceconnect_no_password`, `email_failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_reason: Option<String>,
    /// The reason, in French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_message: Option<String>,
    /// Email channel: the message was handed to the mail relay.
    #[serde(default)]
    pub emailed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotifyResponse {
    pub results: Vec<NotifyResult>,
    /// The PDF of individual letters (`GET /api/v1/documents/{id}`).
    pub document_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelectionRequest {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    #[serde(default)]
    pub all_matching: Option<SearchFilters>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListRequest {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    #[serde(default)]
    pub all_matching: Option<SearchFilters>,
    pub format: DocumentFormat,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetResult {
    pub id: String,
    pub identifier: String,
    /// The new provisional password: shown once, here and in the credentials document.
    pub provisional_password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_message: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetResponse {
    pub results: Vec<ResetResult>,
    /// The credentials as a PDF (`GET /api/v1/documents/{id}`); the CSV is `csv_document_id`.
    pub document_id: Option<String>,
    pub csv_document_id: Option<String>,
}

/// A large selection is processed as a job.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobAccepted {
    pub job_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    pub id: String,
    pub state: JobState,
    pub done: u64,
    pub total: u64,
    /// The operation's answer once done (as the synchronous call would have given it).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
}

/// Classes and MEFs of an establishment, for the search filters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Structure {
    pub classes: Vec<ClassInfo>,
    pub mefs: Vec<MefInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassInfo {
    pub code: String,
    pub mef: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MefInfo {
    pub code: String,
    pub short_label: String,
    pub long_label: String,
}

/// A scheduled identifier change (it takes effect at `effective_at`, the next day 00:00
/// Europe/Paris; until then the current identifier works).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifierChange {
    pub current_identifier: String,
    pub new_identifier: String,
    pub effective_at: DateTime<Utc>,
}
