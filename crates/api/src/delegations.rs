use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sesame_core::Module;

/// A right the head of establishment gave to a staff member.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delegation {
    pub id: String,
    pub uai: String,
    /// The staff member who received it.
    pub username: String,
    pub display_name: String,
    /// `admin` (agent: administration module) or `troubleshooting` (teacher: students only).
    pub module: Module,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDelegation {
    /// Username of an existing staff member.
    pub username: String,
    /// `admin` or `troubleshooting`.
    pub module: Module,
}
