//! A small PDF writer, just what Sésame's documents need: A4 pages (portrait or landscape) of
//! text in DejaVu Sans, lines, filled rectangles (the QR codes), grey text, and form XObjects
//! for blocks many pages share.
//!
//! Why not genpdf (measured in release on this project's 2-core machine): 2,000 letters took
//! 4.3 s and 26 MB, and still 2.8 s and 24 MB without their QR codes. printpdf 0.3 under it
//! writes every glyph as its own PDF object and never compresses page contents, and genpdf
//! embeds every font of a family whole (1.5 MB for regular + bold). Here pages are written
//! straight into content streams compressed on every core, the text letters share is drawn
//! once, and fonts are subset to the glyphs used (about 12 KB regular, 9 KB bold): the same
//! 2,000 letters take 0.5 s and 3.3 MB (see examples/doc_bench.rs).
//!
//! Coordinates given to [`Page`] are in points from the top-left corner, as layouts think;
//! the conversion to PDF's bottom-left origin happens on output.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use chrono::{DateTime, Utc};
use subsetter::GlyphRemapper;

use crate::fonts::{self, Face, Font};
use crate::DocumentError;

const A4_SHORT: f32 = 595.276;
const A4_LONG: f32 = 841.89;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Orientation {
    Portrait,
    /// For tables too wide for a portrait page (guardians' lists).
    Landscape,
}

impl Orientation {
    /// Width and height in points.
    pub(crate) fn size(self) -> (f32, f32) {
        match self {
            Orientation::Portrait => (A4_SHORT, A4_LONG),
            Orientation::Landscape => (A4_LONG, A4_SHORT),
        }
    }
}

pub(crate) fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// Level 6 (zlib's default): level 1 saves little time on such small pages and costs a quarter
/// more bytes.
const COMPRESSION_LEVEL: u8 = 6;

/// What a document used of one font: the subset's glyph ids (assigned as glyphs first appear,
/// so pages can be written before the subset exists), and what to say about each glyph.
struct FontUse {
    remapper: GlyphRemapper,
    /// new glyph id → (character, advance in font units)
    glyphs: BTreeMap<u16, (char, u16)>,
}

impl FontUse {
    fn new() -> FontUse {
        FontUse {
            remapper: GlyphRemapper::new(),
            glyphs: BTreeMap::new(),
        }
    }
}

pub(crate) struct Document {
    width: f32,
    height: f32,
    title: String,
    created: DateTime<Utc>,
    faces: &'static [Face; 2],
    fonts: [FontUse; 2],
    /// Content stream of each page, compressed when the document is finished.
    pages: Vec<Vec<u8>>,
    /// Content of each form XObject: blocks drawn once and shown on many pages.
    forms: Vec<Vec<u8>>,
}

impl Document {
    pub(crate) fn new(
        title: &str,
        created: DateTime<Utc>,
        orientation: Orientation,
    ) -> Result<Document, DocumentError> {
        let (width, height) = orientation.size();
        Ok(Document {
            width,
            height,
            title: title.to_owned(),
            created,
            faces: fonts::faces()?,
            fonts: [FontUse::new(), FontUse::new()],
            pages: Vec::new(),
            forms: Vec::new(),
        })
    }

    pub(crate) fn face(&self, font: Font) -> &'static Face {
        &self.faces[font.index()]
    }

    /// Page width and height in points.
    pub(crate) fn size(&self) -> (f32, f32) {
        (self.width, self.height)
    }

    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// A blank page to draw on; it joins the document when [`Page::finish`] is called.
    pub(crate) fn page(&mut self) -> Page<'_> {
        Page::new(self, Target::Page)
    }

    /// A block to draw once and place on many pages with [`Page::place_form`] (the text every
    /// letter of a kind shares): drawn in page coordinates, as if at the top of a page.
    pub(crate) fn form(&mut self) -> Page<'_> {
        Page::new(self, Target::Form)
    }

    /// The finished file.
    pub(crate) fn finish(self) -> Result<Vec<u8>, DocumentError> {
        let mut w = Writer::new();
        // Fixed object numbers: 1 catalog, 2 page tree, 3 info, 4 shared resources, then five
        // objects a font, one a form, then two a page (page, content).
        let font_base = 5;
        let form_base = font_base + 5 * Font::ALL.len();
        let page_base = form_base + self.forms.len();
        let page_id = |i: usize| page_base + 2 * i;
        let page_count = self.pages.len().max(1);
        let (width, height) = (self.width, self.height);

        w.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
        let kids: String = (0..page_count).fold(String::new(), |mut s, i| {
            let _ = write!(s, "{} 0 R ", page_id(i));
            s
        });
        w.object(
            2,
            &format!("<< /Type /Pages /Kids [{kids}] /Count {page_count} >>"),
        );
        w.object(
            3,
            &format!(
                "<< /Title {} /Producer (Sesame) /CreationDate (D:{}Z) >>",
                utf16_text(&self.title),
                self.created.format("%Y%m%d%H%M%S")
            ),
        );
        let font_refs: String = Font::ALL.iter().fold(String::new(), |mut s, f| {
            let _ = write!(s, "/F{} {} 0 R ", f.index(), font_base + 5 * f.index());
            s
        });
        let form_refs: String = (0..self.forms.len()).fold(String::new(), |mut s, i| {
            let _ = write!(s, "/X{i} {} 0 R ", form_base + i);
            s
        });
        w.object(
            4,
            &format!("<< /Font << {font_refs}>> /XObject << {form_refs}>> >>"),
        );

        for font in Font::ALL {
            let id = font_base + 5 * font.index();
            self.write_font(&mut w, font, id)?;
        }

        for (i, form) in self.forms.iter().enumerate() {
            w.stream(
                form_base + i,
                &format!(
                    "/Type /XObject /Subtype /Form /BBox [0 0 {width} {height}] \
                     /Resources 4 0 R /Filter /FlateDecode"
                ),
                &compress(form),
            );
        }

        let pages = compress_all(&self.pages);
        let empty = compress(b"");
        for i in 0..page_count {
            w.object(
                page_id(i),
                &format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] \
                     /Resources 4 0 R /Contents {} 0 R >>",
                    page_id(i) + 1
                ),
            );
            let content = pages.get(i).unwrap_or(&empty);
            w.stream(page_id(i) + 1, "/Filter /FlateDecode", content);
        }
        Ok(w.finish(1, 3))
    }

    /// A Type 0 font with Identity-H encoding over a subset of the TrueType file: glyph ids are
    /// the codes written in the pages, and the ToUnicode map lets readers (and pdftotext) turn
    /// them back into text.
    fn write_font(&self, w: &mut Writer, font: Font, id: usize) -> Result<(), DocumentError> {
        let face = self.face(font);
        let used = &self.fonts[font.index()];
        // The subset tag must be six capital letters; it tells viewers this is not the whole font.
        let tag = match font {
            Font::Regular => "SESAMR",
            Font::Bold => "SESAMB",
        };
        let name = format!("{tag}+{}", face.postscript_name);
        let subset = subsetter::subset(face.data, 0, &used.remapper)
            .map_err(|e| DocumentError::Font(format!("{}: {e:?}", face.postscript_name)))?;

        let mut widths = String::new();
        for (gid, (_, advance)) in &used.glyphs {
            let _ = write!(
                widths,
                "{gid} [{}] ",
                face.to_thousandths(i32::from(*advance))
            );
        }
        let [x0, y0, x1, y1] = face.bbox();
        w.object(
            id,
            &format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
                id + 1,
                id + 4
            ),
        );
        w.object(
            id + 1,
            &format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /CIDToGIDMap /Identity /DW 1000 /W [{widths}] >>",
                id + 2
            ),
        );
        w.object(
            id + 2,
            &format!(
                "<< /Type /FontDescriptor /FontName /{name} /Flags 32 \
                 /FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle 0 /Ascent {} /Descent {} \
                 /CapHeight {} /StemV {} /FontFile2 {} 0 R >>",
                (face.ascent() * 1000.0).round(),
                (face.descent() * 1000.0).round(),
                (face.cap_height() * 1000.0).round(),
                if font == Font::Bold { 140 } else { 80 },
                id + 3
            ),
        );
        w.stream(
            id + 3,
            &format!("/Length1 {} /Filter /FlateDecode", subset.len()),
            &compress(&subset),
        );
        w.stream(
            id + 4,
            "/Filter /FlateDecode",
            &compress(to_unicode_cmap(&used.glyphs).as_bytes()),
        );
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Page,
    Form,
}

/// One page (or form) being drawn.
pub(crate) struct Page<'d> {
    doc: &'d mut Document,
    target: Target,
    content: Vec<u8>,
    grey: bool,
}

impl<'d> Page<'d> {
    fn new(doc: &'d mut Document, target: Target) -> Page<'d> {
        Page {
            doc,
            target,
            content: Vec::with_capacity(8 * 1024),
            grey: false,
        }
    }

    pub(crate) fn face(&self, font: Font) -> &'static Face {
        self.doc.face(font)
    }

    pub(crate) fn size(&self) -> (f32, f32) {
        self.doc.size()
    }

    fn set_grey(&mut self, grey: bool) {
        if grey != self.grey {
            self.content
                .extend_from_slice(if grey { b"0.35 g\n" } else { b"0 g\n" });
            self.grey = grey;
        }
    }

    /// Text on one line, `top` being the top of the line box (the baseline is one ascent
    /// below). Grey text is for secondary information.
    pub(crate) fn text(&mut self, font: Font, size: f32, x: f32, top: f32, s: &str, grey: bool) {
        if s.is_empty() {
            return;
        }
        self.set_grey(grey);
        let face = self.doc.face(font);
        let baseline = self.doc.height - (top + face.ascent() * size);
        let _ = write!(
            self.content,
            "BT /F{} {size} Tf {x:.2} {baseline:.2} Td (",
            font.index()
        );
        // Two bytes a glyph id in a literal string: half the bytes of hex for the compressor.
        let used = &mut self.doc.fonts[font.index()];
        for c in s.chars() {
            let (old, advance) = face.glyph(c);
            let new = used.remapper.remap(old);
            used.glyphs.entry(new).or_insert((c, advance));
            for byte in new.to_be_bytes() {
                match byte {
                    b'(' | b')' | b'\\' => self.content.extend_from_slice(&[b'\\', byte]),
                    // A raw CR or LF inside a string would be read as a line end.
                    b'\r' => self.content.extend_from_slice(b"\\r"),
                    b'\n' => self.content.extend_from_slice(b"\\n"),
                    _ => self.content.push(byte),
                }
            }
        }
        self.content.extend_from_slice(b") Tj ET\n");
    }

    /// A straight line, `width` points thick.
    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let _ = writeln!(
            self.content,
            "{width} w {x1:.2} {:.2} m {x2:.2} {:.2} l S",
            self.doc.height - y1,
            self.doc.height - y2
        );
    }

    /// A rectangle's outline.
    pub(crate) fn frame(&mut self, x: f32, top: f32, w: f32, h: f32, width: f32) {
        let _ = writeln!(
            self.content,
            "{width} w {x:.2} {:.2} {w:.2} {h:.2} re S",
            self.doc.height - top - h
        );
    }

    /// Black cells of a grid whose top-left corner is (`x`, `top`) and cells `cell` points
    /// square; each run is (column, row, length) in cells. Integer cell coordinates under one
    /// transformation keep a QR code to a few bytes a run.
    pub(crate) fn fill_grid(&mut self, x: f32, top: f32, cell: f32, runs: &[(u16, u16, u16)]) {
        self.set_grey(false);
        let _ = writeln!(
            self.content,
            "q {cell:.4} 0 0 {:.4} {x:.2} {:.2} cm",
            -cell,
            self.doc.height - top
        );
        for (col, row, len) in runs {
            // Rows overlap a little: anti-aliasing viewers otherwise show hairline seams
            // between abutting rows.
            let _ = writeln!(self.content, "{col} {row} {len} 1.03 re");
        }
        self.content.extend_from_slice(b"f Q\n");
    }

    /// Shows a form drawn with [`Document::form`], moved `down` points down the page.
    pub(crate) fn place_form(&mut self, form: usize, down: f32) {
        self.set_grey(false);
        let _ = writeln!(self.content, "q 1 0 0 1 0 {:.2} cm /X{form} Do Q", -down);
    }

    /// Adds the page (or form) to the document; returns its index.
    pub(crate) fn finish(self) -> usize {
        let list = match self.target {
            Target::Page => &mut self.doc.pages,
            Target::Form => &mut self.doc.forms,
        };
        list.push(self.content);
        list.len() - 1
    }
}

/// Compresses pages on every core: with thousands of letters, compression is most of the
/// time left.
fn compress_all(pages: &[Vec<u8>]) -> Vec<Vec<u8>> {
    crate::par::map(pages, |p| compress(p))
}

fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, COMPRESSION_LEVEL)
}

/// A text string as PDF wants it outside page content: UTF-16BE with a byte-order mark, so
/// accents survive in the viewer's title bar.
fn utf16_text(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

fn to_unicode_cmap(glyphs: &BTreeMap<u16, (char, u16)>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // Glyph 0 stands for every character the font lacks: it maps back to none of them.
    let entries: Vec<_> = glyphs.iter().filter(|(gid, _)| **gid != 0).collect();
    // The format allows at most 100 entries a block.
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (gid, (c, _)) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(cmap, "<{gid:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

/// Objects written in order, their offsets remembered for the cross-reference table.
struct Writer {
    out: Vec<u8>,
    offsets: BTreeMap<usize, usize>,
}

impl Writer {
    fn new() -> Writer {
        let mut out = Vec::with_capacity(256 * 1024);
        // The comment of high bytes tells transfer tools the file is binary.
        out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
        Writer {
            out,
            offsets: BTreeMap::new(),
        }
    }

    fn object(&mut self, id: usize, body: &str) {
        self.offsets.insert(id, self.out.len());
        self.out
            .extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
    }

    fn stream(&mut self, id: usize, dict_entries: &str, data: &[u8]) {
        self.offsets.insert(id, self.out.len());
        self.out.extend_from_slice(
            format!(
                "{id} 0 obj\n<< /Length {} {dict_entries} >>\nstream\n",
                data.len()
            )
            .as_bytes(),
        );
        self.out.extend_from_slice(data);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn finish(mut self, root: usize, info: usize) -> Vec<u8> {
        let size = self.offsets.keys().max().map_or(1, |m| m + 1);
        let xref = self.out.len();
        let mut table = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for id in 1..size {
            match self.offsets.get(&id) {
                Some(offset) => {
                    let _ = writeln!(table, "{offset:010} 00000 n ");
                }
                None => table.push_str("0000000000 65535 f \n"),
            }
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {size} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.out.extend_from_slice(table.as_bytes());
        self.out
    }
}
