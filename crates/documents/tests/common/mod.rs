//! What the tests look at: the documents as a person gets them, through Debian's poppler-utils
//! (pdftotext, pdftoppm) rather than through this crate's own idea of what it wrote.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use sesame_core::{AccountKind, AccountState, LetterVariant, Origin};
use sesame_documents::{EstablishmentInfo, LetterInput, ListRow};

pub fn est() -> EstablishmentInfo {
    EstablishmentInfo {
        uai: "0450750W".into(),
        name: "LP LYC METIER Auguste Rodin".into(),
    }
}

fn temp_path(ext: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "sesame-documents-{}-{}.{ext}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn run(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run `{tool}` ({e}): these tests read the PDFs with Debian's poppler-utils; \
             install it with `apt-get install poppler-utils`"
        )
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The text of the PDF as `pdftotext -layout` lays it out; pages end with a form feed.
pub fn pdftotext(pdf: &[u8]) -> String {
    let path = temp_path("pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = run("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    std::fs::remove_file(&path).ok();
    String::from_utf8(text).expect("pdftotext writes UTF-8")
}

/// The pages' texts.
pub fn pages(pdf: &[u8]) -> Vec<String> {
    let text = pdftotext(pdf);
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_owned).collect();
    // The last page's form feed leaves an empty tail.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// What opens each class's stack of letters (the separator page's heading).
pub const SEPARATOR_HEADING: &str = "Courriers ÉduConnect à remettre";

/// The pages of a letters PDF that are letters, the separator pages left out.
pub fn letter_pages(pdf: &[u8]) -> Vec<String> {
    pages(pdf)
        .into_iter()
        .filter(|p| !p.contains(SEPARATOR_HEADING))
        .collect()
}

/// The number of pages poppler sees.
pub fn page_count(pdf: &[u8]) -> usize {
    let path = temp_path("pdf");
    std::fs::write(&path, pdf).unwrap();
    let info = String::from_utf8(run("pdfinfo", &[path.to_str().unwrap()])).unwrap();
    std::fs::remove_file(&path).ok();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints the page count")
}

/// The QR codes a phone would read on page `page` (1-based), rendered at `dpi`.
pub fn qr_codes(pdf: &[u8], page: usize, dpi: u32) -> Vec<String> {
    let path = temp_path("pdf");
    std::fs::write(&path, pdf).unwrap();
    let root = temp_path("page");
    let page = page.to_string();
    run(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            &dpi.to_string(),
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
            path.to_str().unwrap(),
            root.to_str().unwrap(),
        ],
    );
    // -singlefile writes `<root>.pgm`.
    let pgm_path = PathBuf::from(format!("{}.pgm", root.display()));
    let pgm = std::fs::read(&pgm_path).unwrap();
    std::fs::remove_file(&path).ok();
    std::fs::remove_file(&pgm_path).ok();
    let (w, h, pixels) = parse_pgm(&pgm);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    img.detect_grids()
        .into_iter()
        .map(|grid| grid.decode().expect("the QR code decodes").1)
        .collect()
}

/// A binary PGM (P5, 8 bits) as pdftoppm writes it.
fn parse_pgm(data: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while data[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !data[pos].is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(std::str::from_utf8(&data[start..pos]).unwrap().to_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    assert_eq!(fields[3], "255");
    let pixels = data[pos + 1..].to_vec();
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels)
}

pub fn letter(
    kind: AccountKind,
    name: &str,
    identifier: &str,
    password: Option<&str>,
    variant: LetterVariant,
) -> LetterInput {
    // "Céline DUPONT": the first word is the first name, the rest the family name.
    let (first, family) = name.split_once(' ').unwrap_or((name, ""));
    LetterInput {
        kind,
        person_display_name: name.into(),
        family_name: family.into(),
        first_name: first.into(),
        identifier: identifier.into(),
        provisional_password: password.map(str::to_owned),
        variant,
        urls: vec!["https://ent.example.fr".into()],
        class_label: Some("3EME4".into()),
    }
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[allow(clippy::too_many_arguments)]
pub fn row(
    family: &str,
    first: &str,
    class: &str,
    mef: (&str, &str),
    state: AccountState,
    origin: Origin,
    identifier: &str,
    password: Option<&str>,
) -> ListRow {
    ListRow {
        student_family_name: family.into(),
        student_first_name: first.into(),
        mef: mef.0.into(),
        mef_label: mef.1.into(),
        class: class.into(),
        guardian_family_name: None,
        guardian_first_name: None,
        state,
        origin,
        identifier: identifier.into(),
        provisional_password: password.map(str::to_owned),
        notified_at: None,
        last_login_at: None,
    }
}
