use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sesame_core::ActorKind;

/// One entry of the audit trail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: String,
    pub at: DateTime<Utc>,
    pub actor_kind: ActorKind,
    pub actor: String,
    /// Client address, when known.
    pub address: Option<String>,
    /// e.g. `auth.login`, `delegation.grant`, `account.reset_password`.
    pub action: String,
    pub uai: Option<String>,
    /// Ids of the accounts or users concerned.
    pub targets: Vec<String>,
    /// `success` or `failure`.
    pub outcome: String,
    /// Extra facts (never a secret).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
}
