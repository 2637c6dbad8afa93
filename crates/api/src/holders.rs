//! The account holders' own surface (students, guardians).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    pub state: String,
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
    /// `student` or `guardian`.
    pub kind: String,
    /// The identifier in force now.
    pub identifier: String,
    pub state: String,
    pub must_change_password: bool,
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
