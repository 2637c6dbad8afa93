//! Keyset pagination of the account searches: a page that starts *after* the last row of the
//! previous one instead of at an offset. The database then seeks straight to the page in the
//! order's index, whatever its depth, and a row added or removed meanwhile never makes a page
//! repeat or skip a row (an offset shifts under such changes).
//!
//! A cursor is opaque to clients: the sort it belongs to and the values of the order's columns
//! in the last row, as URL-safe base64 of a small JSON array. Its values are only ever bound as
//! query parameters, so a forged cursor can move a page, never widen what the search may see.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Longest cursor accepted: a few names and dates, far below this.
const MAX_ENCODED_LEN: usize = 2_048;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The sort as the request names it (`family_name`, `-notified_at`, …).
    pub(crate) sort: String,
    /// One value per column of the order, the last being the account id; `None` for NULL.
    pub(crate) values: Vec<Option<String>>,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let json =
            serde_json::to_vec(&(&self.sort, &self.values)).expect("strings always serialise");
        URL_SAFE_NO_PAD.encode(json)
    }

    /// `None` when `s` is not a cursor this service wrote.
    pub fn decode(s: &str) -> Option<Cursor> {
        if s.len() > MAX_ENCODED_LEN {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?;
        let (sort, values): (String, Vec<Option<String>>) = serde_json::from_slice(&bytes).ok()?;
        Some(Cursor { sort, values })
    }

    /// The sort this cursor continues.
    pub fn sort(&self) -> &str {
        &self.sort
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_was_written() {
        let c = Cursor {
            sort: "-notified_at".into(),
            values: vec![
                None,
                Some("dupont".into()),
                Some("élodie".into()),
                Some("a1".into()),
            ],
        };
        let s = c.encode();
        assert!(s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(Cursor::decode(&s), Some(c));
    }

    #[test]
    fn anything_else_is_not_a_cursor() {
        for s in ["", "%%%", "bm90IGpzb24", &"A".repeat(5_000)] {
            assert_eq!(Cursor::decode(s), None, "{s}");
        }
        // Valid base64 of JSON of another shape.
        let other = URL_SAFE_NO_PAD.encode(br#"{"sort":"x"}"#);
        assert_eq!(Cursor::decode(&other), None);
    }
}
