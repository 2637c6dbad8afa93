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
}

/// Largest page the API serves, whatever the client asks for.
pub const MAX_PER_PAGE: u64 = 500;
/// Page size when the client does not say.
pub const DEFAULT_PER_PAGE: u64 = 50;
