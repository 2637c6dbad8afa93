//! CSV documents, as a French spreadsheet opens them: UTF-8 with a byte-order mark, `;` between
//! cells, CRLF line ends, every cell neutralised against formula injection (core's `csv_cell`).

use sesame_core::csv_cell::{csv_line, UTF8_BOM};

/// The whole file: BOM, header line, one line a row.
pub(crate) fn document<S: AsRef<str>>(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<S>>,
) -> Vec<u8> {
    let mut out = String::with_capacity(4096);
    out.push_str(UTF8_BOM);
    out.push_str(&csv_line(header));
    for row in rows {
        out.push_str(&csv_line(&row));
    }
    out.into_bytes()
}
