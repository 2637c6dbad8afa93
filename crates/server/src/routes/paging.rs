use serde::Deserialize;
use sesame_api::page::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use utoipa::IntoParams;

use crate::problem::ApiError;

/// Deepest page served: further than this nobody pages by hand, and offsets stay far from
/// overflowing.
pub const MAX_PAGE: u64 = 100_000;

/// `?page=1&per_page=50`: 1-based page, at most 500 a page.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Items a page (default 50, at most 500).
    pub per_page: Option<u64>,
}

impl PageQuery {
    pub fn resolve(&self) -> Result<(u64, u64), ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 || page > MAX_PAGE {
            return Err(ApiError::field(
                "page",
                format!("La page est comprise entre 1 et {MAX_PAGE}."),
            ));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(ApiError::field(
                "per_page",
                format!("Entre 1 et {MAX_PER_PAGE} éléments par page."),
            ));
        }
        Ok((page, per_page))
    }
}
