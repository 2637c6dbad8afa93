//! Names of downloaded files: ASCII only, since `Content-Disposition` and some unzip tools and
//! file systems still mangle anything else, and stamped with the Paris time users read.

use chrono::{DateTime, Utc};
use sesame_core::paris::ZONE;
use sesame_core::AccountKind;

/// Which document a download is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Letters,
    List,
    Credentials,
}

impl DocumentKind {
    fn prefix(&self) -> &'static str {
        match self {
            DocumentKind::Letters => "courriers",
            DocumentKind::List => "liste",
            DocumentKind::Credentials => "identifiants",
        }
    }
}

/// `<kind>-<YYYYMMDD>-<HHMM>.<ext>` in Paris time, e.g. `filename("courriers-eleves-0450750W",
/// "pdf", now)` → `courriers-eleves-0450750W-20261122-1530.pdf`. Anything outside ASCII letters,
/// digits, `-` and `_` is folded (é → e) or becomes `-`.
pub fn filename(kind: &str, ext: &str, now: DateTime<Utc>) -> String {
    let stamp = now.with_timezone(&ZONE).format("%Y%m%d-%H%M");
    format!(
        "{}-{stamp}.{}",
        ascii_part(kind, "document"),
        ascii_part(ext, "bin")
    )
}

/// The file name of a document about one establishment's students or guardians.
pub fn document_filename(
    document: DocumentKind,
    kind: AccountKind,
    uai: &str,
    ext: &str,
    now: DateTime<Utc>,
) -> String {
    let population = match kind {
        AccountKind::Student => "eleves",
        AccountKind::Guardian => "responsables",
    };
    filename(
        &format!("{}-{population}-{uai}", document.prefix()),
        ext,
        now,
    )
}

fn ascii_part(s: &str, fallback: &str) -> String {
    let folded = deunicode::deunicode(s);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        fallback.to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_ascii_and_in_paris_time() {
        // 14:30 UTC in November is 15:30 in Paris.
        let now: DateTime<Utc> = "2026-11-22T14:30:00Z".parse().unwrap();
        assert_eq!(
            filename("courriers-eleves-0450750W", "pdf", now),
            "courriers-eleves-0450750W-20261122-1530.pdf"
        );
        assert_eq!(
            document_filename(
                DocumentKind::List,
                AccountKind::Guardian,
                "0450750W",
                "csv",
                now
            ),
            "liste-responsables-0450750W-20261122-1530.csv"
        );
        assert_eq!(
            filename("Liste élèves / 3ÈME \"A\"", ".csv", now),
            "Liste-eleves-3EME-A-20261122-1530.csv"
        );
        assert_eq!(filename("", "", now), "document-20261122-1530.bin");
    }
}
