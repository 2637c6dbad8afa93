//! The state of data a screen asked the API for, one type for every screen: each used to
//! declare its own Loading / Loaded / Failed enum, with the same three cases and the same
//! accessors written again.

/// What a screen knows of a call under way or done.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    /// The call failed; the French sentence to show (from [`crate::api::ApiError::message`]).
    Failed(String),
}

impl<T> Load<T> {
    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading)
    }

    /// The data, once it has arrived.
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Load::Loaded(data) => Some(data),
            _ => None,
        }
    }

    /// The message of a failed call, for the screen's alert.
    pub fn failure(&self) -> Option<String> {
        match self {
            Load::Failed(message) => Some(message.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_answers_its_own_accessor() {
        let loading = Load::<u8>::Loading;
        assert!(loading.is_loading());
        assert_eq!(loading.loaded(), None);
        assert_eq!(loading.failure(), None);

        let loaded = Load::Loaded(7u8);
        assert!(!loaded.is_loading());
        assert_eq!(loaded.loaded(), Some(&7));
        assert_eq!(loaded.failure(), None);

        let failed = Load::<u8>::Failed("Réessayez plus tard.".into());
        assert!(!failed.is_loading());
        assert_eq!(failed.loaded(), None);
        assert_eq!(failed.failure().as_deref(), Some("Réessayez plus tard."));
    }
}
