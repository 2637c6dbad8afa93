//! The account holders' own surface (students, guardians).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sesame_core::{AccountKind, AccountState};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderLoginRequest {
    /// The national identifier, e.g. `celine.dupont114`.
    pub identifier: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderLoginResponse {
    /// Account-holder access token (JWT); only the `/api/v1/account/…` operations accept it.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token, in seconds.
    pub expires_in: u64,
    /// The password is a provisional one (or was reset): change it with
    /// `POST /api/v1/account/password` before anything else.
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChangeRequest {
    pub current_password: String,
    /// At least 8 characters mixing at least 3 of: lower case, upper case, digits, others.
    pub new_password: String,
    /// Optional: the holder's e-mail address. It is recorded unconfirmed and a confirmation
    /// link is sent to it; once confirmed it lets the holder recover a forgotten password or
    /// identifier by themselves. Absent or empty: the address on file is left alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChanged {
    /// `activated`.
    pub state: AccountState,
    /// This change activated the account.
    pub activated_now: bool,
    /// An e-mail address was given and a confirmation link was sent to it.
    #[serde(default)]
    pub email_confirmation_sent: bool,
}

/// The account holder, as they see themselves.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderProfile {
    pub id: String,
    pub kind: AccountKind,
    /// The identifier in force now.
    pub identifier: String,
    pub state: AccountState,
    pub must_change_password: bool,
    /// The e-mail address on file, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The address was confirmed by its link: it can recover a forgotten password.
    #[serde(default)]
    pub email_validated: bool,
    /// Guardians: the students they are linked to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub students: Vec<HolderLink>,
}

/// A guardian's link to a student.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolderLink {
    pub student_id: String,
    pub family_name: String,
    pub first_name: String,
    pub uai: String,
    pub class: Option<String>,
    pub relationship: String,
    pub reported_wrong: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<DateTime<Utc>>,
}

/// The link after a report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkReported {
    pub student_id: String,
    /// Always true.
    pub reported_wrong: bool,
    /// When it was first reported (reporting again changes nothing).
    pub reported_at: DateTime<Utc>,
}

/// A single-use link from an e-mail, followed on the holders' page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkToken {
    /// The token from the link's fragment (`#jeton=…`).
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailConfirmed {
    /// The account's identifier in force.
    pub identifier: String,
    /// Always true.
    pub email_validated: bool,
}

/// « Mot de passe oublié » / « Identifiant oublié ».
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryRequest {
    /// The confirmed e-mail address of the account.
    pub email: String,
    pub forgotten: sesame_core::self_service::Forgotten,
}

/// A guardian known to the school asks for their account without waiting for a letter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationRequest {
    pub family_name: String,
    pub first_name: String,
    /// One of their children's names and birth date (`YYYY-MM-DD`), as the school has them.
    pub student_family_name: String,
    pub student_first_name: String,
    pub student_birth_date: String,
    /// The address the school holds for the guardian: the link is sent there.
    pub email: String,
}

/// The answer to a recovery or registration request: always the same, whether or not an
/// account matched (nobody learns from it who has an account).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkRequested {
    /// What to tell the person (French).
    pub message: String,
}

/// A new password chosen through an e-mailed link (recovery or registration).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkPasswordRequest {
    pub token: String,
    /// At least 8 characters mixing at least 3 of: lower case, upper case, digits, others.
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkPasswordSet {
    /// The identifier to sign in with from now on.
    pub identifier: String,
    /// `activated`.
    pub state: AccountState,
    /// This activated the account.
    pub activated_now: bool,
}

/// The holder gives (or changes) their e-mail address from « Mon compte ».
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailChangeRequest {
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailChanged {
    /// The address, recorded unconfirmed.
    pub email: String,
    /// A confirmation link was sent to it.
    pub email_confirmation_sent: bool,
}
