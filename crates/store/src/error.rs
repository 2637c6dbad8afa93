use sea_orm::DbErr;

/// A boxed cause, kept so that the log line of a fault says what went wrong underneath.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can go wrong in the store. Two families, which callers must keep apart: what the caller
/// asked wrongly (`NotFound`, `Conflict`, `Invalid`), whose message may be shown to them, and
/// faults on our side (`Db`, `Secret`, `Corrupt`, `Internal`), whose text is for the log only:
/// it names tables, stored values and invariants that a client must not see, and nothing the
/// client could change would make the request succeed.
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
    /// What the caller sent is wrong (a UAI that is not one, an import file with blocking
    /// errors, e-mail asked for students): the message says so to them.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// A stored value the code does not know (a state, kind or origin written by another
    /// version, or by hand): the data needs repair, the request was fine.
    #[error("unreadable stored data: {0}")]
    Corrupt(String),
    /// A broken invariant: a statement that returned nothing, a caller in this process that
    /// left out what it must pass. `source` is the underlying error when there is one.
    #[error("internal fault: {context}")]
    Internal {
        context: String,
        #[source]
        source: Option<Cause>,
    },
}

impl StoreError {
    /// True when the database refused a row because a unique constraint already holds its value.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(e) => is_unique_violation(e),
            _ => false,
        }
    }

    /// A stored `what` whose value `raw` no code path knows.
    pub fn corrupt(what: &str, raw: &str) -> StoreError {
        StoreError::Corrupt(format!("stored {what} {raw:?} is not known"))
    }

    /// A stored closed-vocabulary value as its type: the schema keeps other values out, so one
    /// read anyway is [`StoreError::Corrupt`] (a fault, logged) — never a silent default.
    pub fn checked<T>(
        what: &str,
        raw: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        parse(raw).ok_or_else(|| StoreError::corrupt(what, raw))
    }

    /// A broken invariant with no underlying error.
    pub fn internal(context: impl Into<String>) -> StoreError {
        StoreError::Internal {
            context: context.into(),
            source: None,
        }
    }

    /// A broken invariant caused by `source`.
    pub fn internal_from(context: impl Into<String>, source: impl Into<Cause>) -> StoreError {
        StoreError::Internal {
            context: context.into(),
            source: Some(source.into()),
        }
    }

    /// True for faults on the server's side (as opposed to what the caller asked): these
    /// answer 500 and are logged, their text never shown.
    pub fn is_fault(&self) -> bool {
        match self {
            StoreError::Db(_)
            | StoreError::Secret(_)
            | StoreError::Corrupt(_)
            | StoreError::Internal { .. } => true,
            StoreError::NotFound | StoreError::Conflict(_) | StoreError::Invalid(_) => false,
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

#[cfg(test)]
mod tests {
    use super::StoreError;

    #[test]
    fn faults_and_input_errors_are_told_apart() {
        assert!(!StoreError::Invalid("x".into()).is_fault());
        assert!(!StoreError::NotFound.is_fault());
        assert!(!StoreError::Conflict("x".into()).is_fault());
        assert!(StoreError::corrupt("state", "bogus").is_fault());
        assert!(StoreError::internal("no row").is_fault());
        assert!(StoreError::Secret("x".into()).is_fault());
    }

    #[test]
    fn an_internal_fault_keeps_its_cause() {
        let cause = std::io::Error::other("disk on fire");
        let e = StoreError::internal_from("reading the rows", cause);
        let source = std::error::Error::source(&e).expect("the cause is kept");
        assert_eq!(source.to_string(), "disk on fire");
        assert_eq!(e.to_string(), "internal fault: reading the rows");
    }
}
