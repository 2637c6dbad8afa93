use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sesame_core::Sector;

/// An establishment as the caller sees it in the chooser of the home page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Establishment {
    /// UAI: 7 digits and a check letter, e.g. `0450750W`.
    pub uai: String,
    pub name: String,
    /// `ecole`, `college`, `lycee` or `lp`.
    pub kind: String,
    pub sector: Sector,
    /// 1 or 2.
    pub degree: u8,
    pub academy: String,
    /// When the establishment's data was last refreshed from SIECLE / ONDE.
    pub data_updated_at: Option<DateTime<Utc>>,
    /// What the caller may do here (`students:search`, `guardians:notify`,
    /// `statistics:view`, `delegations:manage`, `ent-directory:read`…): consoles offer only
    /// the screens these open. Every request is still checked on its own.
    #[serde(default)]
    pub rights: Vec<String>,
    /// Pupils of other establishments who follow shared teaching here (« élèves
    /// extérieurs », pupils who left not counted). Consoles offer the « Élèves extérieurs »
    /// screen only when there are some (seed 001 §2).
    #[serde(default)]
    pub external_students: u64,
}
