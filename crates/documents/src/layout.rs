//! Laying text out on pages: line wrapping, paragraphs flowing down a page, and tables that run
//! over as many pages as needed with their header repeated.

use crate::fonts::{Face, Font};
use crate::pdf::{mm, Document, Page};
use crate::DocumentError;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub(crate) font: Font,
    pub(crate) size: f32,
    pub(crate) grey: bool,
}

impl Style {
    pub(crate) fn regular(size: f32) -> Style {
        Style {
            font: Font::Regular,
            size,
            grey: false,
        }
    }

    pub(crate) fn bold(size: f32) -> Style {
        Style {
            font: Font::Bold,
            size,
            grey: false,
        }
    }

    pub(crate) fn grey(mut self) -> Style {
        self.grey = true;
        self
    }

    /// Baseline-to-baseline distance.
    pub(crate) fn leading(&self) -> f32 {
        self.size * 1.3
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

/// Greedy word wrap to `width` points; a word longer than a line is cut between characters
/// (long URLs, identifiers).
pub(crate) fn wrap(face: &Face, size: f32, text: &str, width: f32) -> Vec<String> {
    let space = face.width(" ", size);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split_whitespace() {
        let word_width = face.width(word, size);
        let needed = if line.is_empty() {
            word_width
        } else {
            line_width + space + word_width
        };
        if needed <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_width = needed;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        line_width = 0.0;
        for c in word.chars() {
            let cw = face.width(c.encode_utf8(&mut [0; 4]), size);
            if !line.is_empty() && line_width + cw > width {
                out.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            line.push(c);
            line_width += cw;
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// A column of text flowing down a page from `y`.
pub(crate) struct Flow<'p, 'd> {
    pub(crate) page: &'p mut Page<'d>,
    pub(crate) x: f32,
    pub(crate) width: f32,
    pub(crate) y: f32,
}

impl<'p, 'd> Flow<'p, 'd> {
    pub(crate) fn new(page: &'p mut Page<'d>, x: f32, width: f32, y: f32) -> Flow<'p, 'd> {
        Flow { page, x, width, y }
    }

    /// A wrapped paragraph; returns the number of lines.
    pub(crate) fn paragraph(&mut self, style: Style, text: &str, align: Align) -> usize {
        let face = self.page.face(style.font);
        let lines = wrap(face, style.size, text, self.width);
        for line in &lines {
            let x = match align {
                Align::Left => self.x,
                Align::Right => self.x + self.width - face.width(line, style.size),
                Align::Center => self.x + (self.width - face.width(line, style.size)) / 2.0,
            };
            self.page
                .text(style.font, style.size, x, self.y, line, style.grey);
            self.y += style.leading();
        }
        lines.len()
    }

    pub(crate) fn gap(&mut self, points: f32) {
        self.y += points;
    }
}

pub(crate) const MARGIN: f32 = 18.0;

/// The printable band of a page of that size, in points: left, top, width, bottom.
pub(crate) fn body((page_width, page_height): (f32, f32)) -> (f32, f32, f32, f32) {
    let margin = mm(MARGIN);
    (
        margin,
        margin,
        page_width - 2.0 * margin,
        page_height - margin,
    )
}

/// What heads every page of a list: title, context line, page number.
pub(crate) struct PageHeading {
    pub(crate) title: String,
    pub(crate) context: String,
}

impl PageHeading {
    fn draw(&self, page: &mut Page<'_>, number: usize) -> f32 {
        let (left, top, width, _) = body(page.size());
        let mut flow = Flow {
            page,
            x: left,
            width,
            y: top,
        };
        flow.paragraph(Style::bold(11.0), &self.title, Align::Left);
        flow.paragraph(
            Style::regular(8.0).grey(),
            &format!("{} · Page {number}", self.context),
            Align::Left,
        );
        flow.gap(10.0);
        flow.y
    }
}

/// A run of table rows starting on a new page under its own heading.
pub(crate) struct Section {
    /// Lines above the table on its first page (class and MEF, a notice…).
    pub(crate) heading: Vec<(Style, String)>,
    /// Above the repeated header on the following pages, e.g. "3EME4 (suite)".
    pub(crate) continued: Option<String>,
    pub(crate) columns: Vec<String>,
    pub(crate) weights: Vec<f32>,
    pub(crate) rows: Vec<Vec<String>>,
}

const FONT_SIZE: f32 = 9.0;
const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 2.5;
/// A cell wraps to at most this many lines, so a row always fits on a page.
const MAX_CELL_LINES: usize = 4;
const RULE: f32 = 0.5;

struct Grid {
    left: f32,
    widths: Vec<f32>,
}

impl Grid {
    fn row(&self, doc: &Document, cells: &[String], style: Style) -> (Vec<Vec<String>>, f32) {
        let face = doc.face(style.font);
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(&self.widths)
            .map(|(text, width)| {
                let mut lines = wrap(face, style.size, text, width - 2.0 * PAD_X);
                lines.truncate(MAX_CELL_LINES);
                lines
            })
            .collect();
        let count = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (wrapped, count as f32 * style.leading() + 2.0 * PAD_Y)
    }

    fn draw_row(&self, page: &mut Page<'_>, y: f32, cells: &[Vec<String>], style: Style) {
        let mut x = self.left;
        for (lines, width) in cells.iter().zip(&self.widths) {
            for (i, line) in lines.iter().enumerate() {
                let top = y + PAD_Y + i as f32 * style.leading();
                page.text(style.font, style.size, x + PAD_X, top, line, style.grey);
            }
            x += width;
        }
    }

    fn width(&self) -> f32 {
        self.widths.iter().sum()
    }

    /// Column rules once per page, rather than four borders a cell.
    fn rules(&self, page: &mut Page<'_>, top: f32, bottom: f32) {
        let mut x = self.left;
        page.line(x, top, x, bottom, RULE);
        for w in &self.widths {
            x += w;
            page.line(x, top, x, bottom, RULE);
        }
    }
}

/// Sections of tables over as many pages as they need, each section from a new page. Without
/// any section, a single page says `empty`.
pub(crate) fn paged_tables(
    doc: &mut Document,
    heading: &PageHeading,
    sections: &[Section],
    empty: &str,
) -> Result<(), DocumentError> {
    let (left, _, width, bottom) = body(doc.size());
    if sections.is_empty() {
        let mut page = doc.page();
        let y = heading.draw(&mut page, 1);
        page.text(Font::Regular, 10.0, left, y, empty, false);
        page.finish();
        return Ok(());
    }
    let body_style = Style::regular(FONT_SIZE);
    let head_style = Style::bold(FONT_SIZE);
    for section in sections {
        let total: f32 = section.weights.iter().sum();
        let grid = Grid {
            left,
            widths: section.weights.iter().map(|w| width * w / total).collect(),
        };
        let (header, header_height) = grid.row(doc, &section.columns, head_style);
        let rows: Vec<(Vec<Vec<String>>, f32)> = section
            .rows
            .iter()
            .map(|r| grid.row(doc, r, body_style))
            .collect();

        let mut next = 0;
        let mut first = true;
        while first || next < rows.len() {
            let number = doc.page_count() + 1;
            let mut page = doc.page();
            let mut y = heading.draw(&mut page, number);
            if first {
                let mut flow = Flow {
                    page: &mut page,
                    x: left,
                    width,
                    y,
                };
                for (style, text) in &section.heading {
                    flow.paragraph(*style, text, Align::Left);
                }
                flow.gap(6.0);
                y = flow.y;
            } else if let Some(caption) = &section.continued {
                page.text(Font::Regular, FONT_SIZE, left, y, caption, true);
                y += body_style.leading() * 1.4;
            }
            first = false;

            let table_top = y;
            page.line(left, y, left + grid.width(), y, RULE);
            grid.draw_row(&mut page, y, &header, head_style);
            y += header_height;
            page.line(left, y, left + grid.width(), y, RULE);
            let mut placed = 0;
            while let Some((cells, height)) = rows.get(next) {
                // A page always takes at least one row, however tall, so the loop ends.
                if y + height > bottom && placed > 0 {
                    break;
                }
                grid.draw_row(&mut page, y, cells, body_style);
                y += height;
                page.line(left, y, left + grid.width(), y, RULE);
                next += 1;
                placed += 1;
            }
            grid.rules(&mut page, table_top, y);
            page.finish();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::faces;

    #[test]
    fn wrapping_keeps_words_and_cuts_only_overlong_ones() {
        let face = &faces().unwrap()[0];
        let text = "Pour activer votre compte, rendez-vous à l'adresse communiquée";
        let lines = wrap(face, 10.0, text, 120.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        for line in &lines {
            assert!(face.width(line, 10.0) <= 120.0, "{line}");
        }
        let url = "https://ent.example.fr/a/very/long/path/that/cannot/fit/on/one/line";
        let cut = wrap(face, 10.0, url, 80.0);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), url);
        assert_eq!(wrap(face, 10.0, "", 80.0), [""]);
    }
}
