use serde::{Deserialize, Serialize};

/// A page of a paginated list: `{items, total, page, per_page}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items matching, over all pages.
    pub total: u64,
    /// 1-based page number.
    pub page: u64,
    pub per_page: u64,
    /// Account searches: where the next page starts, to pass back as `after` (absent on the
    /// last page). Seeking by cursor costs the same at any depth and never repeats or skips
    /// a row when accounts change between two pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Largest page the API serves, whatever the client asks for.
pub const MAX_PER_PAGE: u64 = 500;
/// Page size when the client does not say.
pub const DEFAULT_PER_PAGE: u64 = 50;
