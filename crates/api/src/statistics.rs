//! Account statistics of an establishment ("Statistiques").

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sesame_core::{Grouping, Population};

/// Accounts of one row (or of the whole table), by state.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatisticsCounts {
    pub total: u64,
    pub not_notified: u64,
    pub notified_not_activated: u64,
    /// Guardians only; absent for students, whose accounts never are in that state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_in_progress: Option<u64>,
    pub activated: u64,
}

/// One row: an origin, a class or a MEF.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatisticsRow {
    /// The origin (`aten`, `ent`, `establishment`, `franceconnect`, `guardian`, `unknown`),
    /// the class code or the MEF code; `null` for the accounts without a class (MEF). External
    /// students' classes and MEFs are their home establishment's: `<home UAI>/<code>`.
    pub key: Option<String>,
    /// As the console prints it: « Établissement », « N/A », `3EME4`, the MEF's long label…
    pub label: String,
    pub total: u64,
    pub not_notified: u64,
    pub notified_not_activated: u64,
    /// Guardians only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_in_progress: Option<u64>,
    pub activated: u64,
    /// Students and external students: how many of the row's pupils have at least one
    /// guardian whose account is activated (with `activated`, the row's activation funnel);
    /// absent for guardians.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub students_with_activated_guardian: Option<u64>,
}

/// A statistics table, computed when asked (`computed_at`), not overnight.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    pub population: Population,
    pub by: Grouping,
    pub rows: Vec<StatisticsRow>,
    /// Each account once. By class or MEF, a guardian linked to pupils of two classes counts
    /// in both rows but once here, so guardians' rows may add up to more than the totals.
    pub totals: StatisticsCounts,
    /// Guardians: activated accounts / all accounts (0 to 1); absent when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardians_activated_share: Option<f64>,
    /// Students and external students: how many have at least one activated guardian.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub students_with_activated_guardian: Option<u64>,
    /// Students and external students: that number over the total (0 to 1); absent when
    /// there are no students.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub students_with_activated_guardian_share: Option<f64>,
    pub computed_at: DateTime<Utc>,
}
