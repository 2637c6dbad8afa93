//! Cells of the CSV lists: safe to open in a French spreadsheet (domain.md "Lists").

use chrono::{DateTime, NaiveDate, Utc};

use crate::paris::ZONE;

/// Excel recognises UTF-8 only with a byte-order mark.
pub const UTF8_BOM: &str = "\u{feff}";
/// French spreadsheets use the comma as decimal separator, hence `;` between cells.
pub const SEPARATOR: char = ';';

/// First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"),
/// plus their full-width forms, which some spreadsheet input methods turn into the ASCII ones.
const FORMULA_TRIGGERS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// Neutralises a cell that a spreadsheet would evaluate, by prefixing an apostrophe (shown as
/// text, not as a formula). Names and identifiers come from outside sources, so any of them may
/// be hostile.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some(c) if FORMULA_TRIGGERS.contains(&c) => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// A neutralised cell, quoted as RFC 4180 requires when it holds the separator, a quote or a
/// line break.
pub fn csv_field(cell: &str) -> String {
    let cell = neutralise(cell);
    if cell.contains([SEPARATOR, '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// One CSV record, cells neutralised and quoted, ended by CRLF as RFC 4180 says.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_field(c.as_ref()))
        .collect::<Vec<_>>()
        .join(&SEPARATOR.to_string());
    line.push_str("\r\n");
    line
}

/// A date as lists print it: `DD/MM/YYYY`.
pub fn fr_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// An instant's Paris calendar date, or an empty cell.
pub fn fr_date_opt(instant: Option<DateTime<Utc>>) -> String {
    instant
        .map(|i| fr_date(i.with_timezone(&ZONE).date_naive()))
        .unwrap_or_default()
}

/// An instant in Paris time as the console words it: `28/04/2021 à 04:07`.
pub fn fr_date_time(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&ZONE)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_neutralised() {
        for cell in [
            "=1+1",
            "+33 6 12 34 56 78",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://evil\")",
            "＝1+1",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn ordinary_cells_are_untouched() {
        for cell in [
            "",
            "DUPONT",
            "Céline",
            "celine.dupont114",
            "*****",
            "Non renseigné",
            "05/11/2020",
            " =not at start",
            "a=b",
            "0450750W",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(csv_field("DUPONT"), "DUPONT");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("dit \"Jo\""), "\"dit \"\"Jo\"\"\"");
        assert_eq!(csv_field("ligne\nsuivante"), "\"ligne\nsuivante\"");
        assert_eq!(csv_field("=1;2"), "\"'=1;2\"");
        assert_eq!(
            csv_line(&["0450750W", "LP LYC METIER Auguste Rodin", "=cmd"]),
            "0450750W;LP LYC METIER Auguste Rodin;'=cmd\r\n"
        );
    }

    #[test]
    fn dates_are_french_and_in_paris_time() {
        assert_eq!(
            fr_date(NaiveDate::from_ymd_opt(2020, 11, 5).unwrap()),
            "05/11/2020"
        );
        assert_eq!(fr_date_opt(None), "");
        // 23:30 UTC on 31 December is already New Year's Day in Paris.
        let late: DateTime<Utc> = "2020-12-31T23:30:00Z".parse().unwrap();
        assert_eq!(fr_date_opt(Some(late)), "01/01/2021");
        let summer: DateTime<Utc> = "2021-07-02T21:59:00Z".parse().unwrap();
        assert_eq!(fr_date_opt(Some(summer)), "02/07/2021");
        let stats: DateTime<Utc> = "2021-04-28T02:07:00Z".parse().unwrap();
        assert_eq!(fr_date_time(stats), "28/04/2021 à 04:07");
    }
}
