//! The formats of the documents Sésame hands out (letters, lists, credentials).

use crate::wire::wire_enum;

wire_enum! {
    /// A document's format; its wire name is also its file extension.
    pub enum DocumentFormat ("le format") {
        /// Printable (letters, lists grouped by class).
        Pdf = "pdf",
        /// For a spreadsheet (`;`-separated, UTF-8).
        Csv = "csv",
    }
}

impl DocumentFormat {
    /// The file name's extension, without the dot.
    pub fn extension(&self) -> &'static str {
        self.as_str()
    }

    /// The media type the document is served with.
    pub const fn content_type(&self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    /// How the screens name it: « format pdf ».
    pub fn label(&self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "format pdf",
            DocumentFormat::Csv => "format csv",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_their_extensions() {
        for f in DocumentFormat::ALL {
            assert_eq!(f.extension(), f.as_str());
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.extension())
            );
        }
        assert_eq!(DocumentFormat::parse("PDF"), None);
        assert!(DocumentFormat::Csv.content_type().starts_with("text/csv"));
    }
}
