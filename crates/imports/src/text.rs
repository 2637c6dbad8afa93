//! Decoding bytes to text and normalising the values found in exports.

use std::io::{self, BufRead, BufReader, Read};

use chrono::{NaiveDate, NaiveDateTime};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;

/// The encoding an XML document declares in its prolog (`encoding="ISO-8859-15"`), a BOM
/// winning over it. `Err` carries a declared label that no known encoding answers to.
///
/// encoding_rs follows the WHATWG table, where ISO-8859-1 means windows-1252: a superset for
/// every printable character, so French text decodes the same.
pub fn xml_encoding(bytes: &[u8]) -> Result<&'static Encoding, String> {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return Ok(encoding);
    }
    let head = &bytes[..bytes.len().min(512)];
    if !head.starts_with(b"<?xml") {
        return Ok(UTF_8);
    }
    let end = head
        .windows(2)
        .position(|w| w == b"?>")
        .unwrap_or(head.len());
    let prolog = String::from_utf8_lossy(&head[..end]);
    let Some(at) = prolog.find("encoding") else {
        return Ok(UTF_8);
    };
    let rest = prolog[at + "encoding".len()..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return Ok(UTF_8);
    };
    let rest = rest.trim_start();
    let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        return Ok(UTF_8);
    };
    let label = rest[1..].split(quote).next().unwrap_or("");
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| label.to_owned())
}

/// A reader of the document as UTF-8, transcoded on the fly so the whole decoded text never
/// sits in memory, that also counts the lines quick-xml has consumed.
pub fn utf8_lines<'a>(
    bytes: &'a [u8],
    encoding: &'static Encoding,
) -> LineCounter<impl BufRead + 'a> {
    let decoder = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .build(bytes);
    LineCounter {
        inner: BufReader::with_capacity(64 * 1024, decoder),
        newlines: 0,
    }
}

/// Counts the newlines in what has been consumed through [`BufRead::consume`].
///
/// quick-xml consumes exactly up to the end of each event, so after an event the count gives
/// the line that event ends on, at no more than one pass over the text.
pub struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

impl<R> LineCounter<R> {
    /// The 1-based line of the last consumed byte.
    pub fn line(&self) -> u64 {
        self.newlines + 1
    }
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += count_newlines(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // After a fill_buf, asking again returns the same buffered bytes without reading.
        if let Ok(buf) = self.inner.fill_buf() {
            let amt = amt.min(buf.len());
            self.newlines += count_newlines(&buf[..amt]);
        }
        self.inner.consume(amt);
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// CSV text: UTF-8 (BOM dropped) when the bytes are valid UTF-8, windows-1252 otherwise,
/// which is what spreadsheets on French Windows write (and reads ISO-8859-1 text the same).
pub fn decode_csv(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// A CSV file read into memory: its header cells and its rows with their 1-based line.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

impl Row {
    pub fn cell(&self, column: Option<usize>) -> &str {
        column
            .and_then(|i| self.cells.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Reads decoded CSV text. The separator is the semicolon French spreadsheets write, unless
/// the header line plainly uses commas or tabs instead. `Err` holds a line and a French
/// message.
pub fn read_table(text: &str) -> Result<Table, (u64, String)> {
    let header_line = text.lines().next().unwrap_or("");
    let count = |c: char| header_line.matches(c).count();
    let delimiter = if count(',') > count(';') && count(',') >= count('\t') {
        b','
    } else if count('\t') > count(';') {
        b'\t'
    } else {
        b';'
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers = None;
    let mut rows = Vec::new();
    // csv's own line numbers lag by one after a CRLF (the LF is read as the start of the next
    // record), so lines are counted here from byte offsets, past any line break.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |offset: u64| {
        let mut at = (offset as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at > counted_to {
            line += count_newlines(&bytes[counted_to..at]);
            counted_to = at;
        }
        line
    };
    for record in reader.records() {
        let record = record.map_err(|err| {
            let line = err.position().map(|p| line_at(p.byte())).unwrap_or(1);
            (line, format!("CSV illisible : {err}"))
        })?;
        let line = record.position().map(|p| line_at(p.byte())).unwrap_or(0);
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if headers.is_none() {
            headers = Some(cells);
        } else {
            rows.push(Row { line, cells });
        }
    }
    let headers = headers.ok_or((1, "Le fichier est vide".to_owned()))?;
    Ok(Table { headers, rows })
}

/// Trimmed, inner runs of whitespace made one space; `None` when nothing is left.
pub fn clean(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

/// A column header reduced to lower-case ASCII letters and digits, so "Prénom resp. 1",
/// "PRENOM_RESP_1" and "prenom resp1" are the same.
pub fn normalise_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphabetic() {
            if let Some(ascii) = deunicode::deunicode_char(c) {
                out.extend(
                    ascii
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .map(|a| a.to_ascii_lowercase()),
                );
            }
        }
    }
    out
}

/// French dates (`25/12/2012`), and ISO ones for hand-made CSV files. `Ok(None)` for an
/// empty value, `Err(())` for something that is not a date.
#[allow(clippy::result_unit_err)]
pub fn parse_date(s: &str) -> Result<Option<NaiveDate>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .map(Some)
        .map_err(|_| ())
}

/// SIECLE's HORODATAGE, `DD/MM/YYYY HH:MM:SS` (seconds optional).
pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%d/%m/%Y %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%d/%m/%Y %H:%M"))
        .ok()
}

/// "M." or "Mme" for the usual spellings, the text as given otherwise.
pub fn civility(s: &str) -> Option<String> {
    let text = clean(s)?;
    let key = normalise_header(&text);
    Some(match key.as_str() {
        "m" | "mr" | "monsieur" => "M.".to_owned(),
        "mme" | "madame" | "mlle" | "melle" | "mademoiselle" => "Mme".to_owned(),
        _ => text,
    })
}

/// The address when it looks like one, trimmed; `Err` with the text when it does not.
pub fn email(s: &str) -> Result<Option<String>, String> {
    let Some(text) = clean(s) else {
        return Ok(None);
    };
    if sesame_core::contact::valid_email(&text) {
        Ok(Some(text))
    } else {
        Err(text)
    }
}

/// The number when it looks like one, trimmed; `Err` with the text when it does not.
pub fn phone(s: &str) -> Result<Option<String>, String> {
    let Some(text) = clean(s) else {
        return Ok(None);
    };
    if sesame_core::contact::valid_phone(&text) {
        Ok(Some(text))
    } else {
        Err(text)
    }
}

/// A phone number reduced to its digits, +33 written as a leading 0, so the same number
/// typed two ways compares equal.
pub fn phone_key(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("33") {
        Some(rest) if s.trim_start().starts_with('+') => format!("0{rest}"),
        _ => digits,
    }
}

/// Case-insensitive comparison of two names, so a NOM_USAGE that only repeats the birth name
/// in other capitals is not taken for a usage name.
pub fn same_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prolog_names_the_encoding() {
        let iso = b"<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><A/>";
        assert_eq!(xml_encoding(iso).unwrap().name(), "ISO-8859-15");
        let single = b"<?xml version='1.0' encoding = 'iso-8859-1' ?><A/>";
        assert_eq!(xml_encoding(single).unwrap(), WINDOWS_1252);
        assert_eq!(xml_encoding(b"<A/>").unwrap(), UTF_8);
        assert_eq!(xml_encoding(b"<?xml version=\"1.0\"?><A/>").unwrap(), UTF_8);
        assert_eq!(
            xml_encoding(b"<?xml version=\"1.0\" encoding=\"klingon\"?>").unwrap_err(),
            "klingon"
        );
    }

    #[test]
    fn lines_are_counted_as_consumed() {
        let mut reader = utf8_lines(b"a\nb\nc", UTF_8);
        let mut lines = vec![reader.line()];
        loop {
            if reader.fill_buf().unwrap().is_empty() {
                break;
            }
            reader.consume(1);
            lines.push(reader.line());
        }
        assert_eq!(lines, [1, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn csv_text_is_utf8_or_windows_1252() {
        assert_eq!(decode_csv(b"\xEF\xBB\xBFPr\xC3\xA9nom"), "Prénom");
        assert_eq!(decode_csv(b"Pr\xE9nom \x9C"), "Prénom œ");
    }

    #[test]
    fn headers_are_normalised() {
        assert_eq!(normalise_header("Prénom resp. 1"), "prenomresp1");
        assert_eq!(normalise_header(" Nom d'usage "), "nomdusage");
        assert_eq!(normalise_header("COURRIEL_RESP_2"), "courrielresp2");
    }

    #[test]
    fn values_are_normalised() {
        assert_eq!(clean("  Le   Gall\t"), Some("Le Gall".to_owned()));
        assert_eq!(clean(" \n "), None);
        assert_eq!(
            parse_date("03/02/2012"),
            Ok(NaiveDate::from_ymd_opt(2012, 2, 3))
        );
        assert_eq!(
            parse_date("2012-02-03"),
            Ok(NaiveDate::from_ymd_opt(2012, 2, 3))
        );
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(parse_date("31/02/2012"), Err(()));
        assert!(parse_timestamp("01/09/2025 08:30:00").is_some());
        assert_eq!(civility("MME").as_deref(), Some("Mme"));
        assert_eq!(civility("M").as_deref(), Some("M."));
        assert_eq!(civility(""), None);
        assert_eq!(email(" a@b.fr "), Ok(Some("a@b.fr".to_owned())));
        assert!(email("a.b.fr").is_err());
        assert_eq!(phone_key("+33 6 12 34 56 78"), phone_key("06.12.34.56.78"));
    }
}
