use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("secret handling failed: {0}")]
    Secret(String),
    #[error("invalid data: {0}")]
    Invalid(String),
}

impl StoreError {
    /// True when the database refused a row because a unique constraint already holds its value.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(e) => is_unique_violation(e),
            _ => false,
        }
    }
}

pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
