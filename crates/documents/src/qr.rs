//! QR codes drawn as filled rectangles: sharp at any zoom and print resolution (an image
//! would be smoothed by viewers when scaled up), and a few hundred bytes a code once the page
//! is compressed.

use qrcode::{Color, EcLevel, QrCode};

use crate::pdf::Page;
use crate::DocumentError;

/// The blank border the QR specification asks for, in modules.
const QUIET_ZONE: usize = 4;

/// A code ready to draw: its side in modules (quiet zone included) and its dark runs.
pub(crate) struct Qr {
    side: usize,
    runs: Vec<(u16, u16, u16)>,
}

impl Qr {
    pub(crate) fn encode(payload: &str) -> Result<Qr, DocumentError> {
        // Level M survives a crease or a smudge on a printed letter and keeps the code small.
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .map_err(|e| DocumentError::Qr(e.to_string()))?;
        let n = code.width();
        let colors = code.to_colors();
        let mut runs = Vec::new();
        for row in 0..n {
            // One rectangle per horizontal run of dark modules.
            let mut col = 0;
            while col < n {
                if colors[row * n + col] == Color::Dark {
                    let start = col;
                    while col < n && colors[row * n + col] == Color::Dark {
                        col += 1;
                    }
                    runs.push((
                        (QUIET_ZONE + start) as u16,
                        (QUIET_ZONE + row) as u16,
                        (col - start) as u16,
                    ));
                } else {
                    col += 1;
                }
            }
        }
        Ok(Qr {
            side: n + 2 * QUIET_ZONE,
            runs,
        })
    }

    /// Draws the code as a `size`-point square whose top-left corner is (`x`, `top`).
    pub(crate) fn draw(&self, page: &mut Page<'_>, x: f32, top: f32, size: f32) {
        page.fill_grid(x, top, size / self.side as f32, &self.runs);
    }
}
