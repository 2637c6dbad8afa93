//! The typeface of every document: DejaVu Sans (regular and bold), which covers every Latin
//! name a school register may hold (œ, ł, ş, ő…), unlike the PDF built-in fonts, limited to
//! Windows-1252.
//!
//! The font files come from the `dejavu` crate (compiled in) and are parsed once per process.
//! Documents embed only the glyphs they use (see `pdf.rs`), so the bold variant costs a few
//! kilobytes, not the 700 KB of its file.

use std::sync::OnceLock;

use ttf_parser::{Face as TtfFace, GlyphId};

use crate::DocumentError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
}

impl Font {
    pub(crate) const ALL: [Font; 2] = [Font::Regular, Font::Bold];

    pub(crate) fn index(self) -> usize {
        match self {
            Font::Regular => 0,
            Font::Bold => 1,
        }
    }
}

/// Characters below this are looked up once at load: names, labels and letters are almost all
/// Latin, and the `cmap` lookup is the hot spot of measuring thousands of lines.
const CACHED_CHARS: usize = 0x250;

pub(crate) struct Face {
    pub(crate) data: &'static [u8],
    pub(crate) postscript_name: &'static str,
    face: TtfFace<'static>,
    units_per_em: f32,
    /// (glyph id, advance width in font units) of the characters below `CACHED_CHARS`.
    latin: Vec<(u16, u16)>,
}

impl Face {
    fn load(data: &'static [u8], postscript_name: &'static str) -> Result<Face, String> {
        let face = TtfFace::parse(data, 0).map_err(|e| format!("{postscript_name} : {e}"))?;
        let mut loaded = Face {
            data,
            postscript_name,
            units_per_em: f32::from(face.units_per_em()),
            face,
            latin: Vec::new(),
        };
        loaded.latin = (0..CACHED_CHARS as u32)
            .map(|c| char::from_u32(c).map_or((0, 0), |c| loaded.lookup(c)))
            .collect();
        Ok(loaded)
    }

    fn lookup(&self, c: char) -> (u16, u16) {
        let id = self.face.glyph_index(c).unwrap_or(GlyphId(0));
        (id.0, self.face.glyph_hor_advance(id).unwrap_or(0))
    }

    /// Glyph id (0, the "missing" box, when the font lacks the character) and advance width in
    /// font units.
    pub(crate) fn glyph(&self, c: char) -> (u16, u16) {
        match self.latin.get(c as usize) {
            Some(&g) => g,
            None => self.lookup(c),
        }
    }

    /// Font units → thousandths of an em, the unit of PDF glyph widths.
    pub(crate) fn to_thousandths(&self, units: i32) -> i32 {
        (units as f32 * 1000.0 / self.units_per_em).round() as i32
    }

    /// Width of `s` set at `size` points, in points.
    pub(crate) fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| u32::from(self.glyph(c).1)).sum();
        units as f32 * size / self.units_per_em
    }

    /// Distance from the top of a line to its baseline, as a fraction of the font size.
    pub(crate) fn ascent(&self) -> f32 {
        f32::from(self.face.ascender()) / self.units_per_em
    }

    pub(crate) fn descent(&self) -> f32 {
        f32::from(self.face.descender()) / self.units_per_em
    }

    pub(crate) fn cap_height(&self) -> f32 {
        f32::from(self.face.capital_height().unwrap_or(self.face.ascender())) / self.units_per_em
    }

    /// The font's bounding box in thousandths of an em.
    pub(crate) fn bbox(&self) -> [i32; 4] {
        let r = self.face.global_bounding_box();
        [r.x_min, r.y_min, r.x_max, r.y_max].map(|v| self.to_thousandths(i32::from(v)))
    }
}

static FACES: OnceLock<Result<[Face; 2], String>> = OnceLock::new();

fn load() -> Result<[Face; 2], String> {
    Ok([
        Face::load(dejavu::sans::regular(), "DejaVuSans")?,
        Face::load(dejavu::sans::bold(), "DejaVuSans-Bold")?,
    ])
}

/// Both faces, parsed on first use.
pub(crate) fn faces() -> Result<&'static [Face; 2], DocumentError> {
    FACES
        .get_or_init(load)
        .as_ref()
        .map_err(|e| DocumentError::Font(e.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_other_latin_letters_have_glyphs() {
        let faces = faces().unwrap();
        for face in faces {
            for c in "éèêëàâçœŒÉÈÀ«»€’łşőñ—".chars() {
                assert_ne!(face.glyph(c).0, 0, "{c} in {}", face.postscript_name);
            }
        }
        let regular = &faces[Font::Regular.index()];
        assert!(regular.width("Céline", 10.0) > regular.width("Cel", 10.0));
        assert!(faces[1].width("Céline", 10.0) > regular.width("Céline", 10.0));
    }
}
