//! Time and size of the documents of a large notification: 2,000 letters, a 2,000-row list as
//! PDF and CSV, 2,000 credentials. Run in release, as the server is:
//! `cargo run --release -p sesame-documents --example doc_bench [output-dir]`.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use sesame_core::{AccountKind, AccountState, LetterVariant, Origin};
use sesame_documents::{
    credentials_csv, credentials_pdf, letters_pdf, list_csv, list_pdf, CredentialRow,
    EstablishmentInfo, LetterInput, ListRow,
};

const N: usize = 2_000;

const FAMILY: [&str; 8] = [
    "DUPONT",
    "MARTIN",
    "LEFÈVRE",
    "N'DIAYE",
    "GARÇON",
    "ŒUVRARD",
    "LE GALL",
    "SANTOS-DIAS",
];
const FIRST: [&str; 8] = [
    "Céline",
    "Jérôme",
    "Zoé",
    "Maël",
    "Françoise",
    "Noémie",
    "Anaïs",
    "Loïc",
];

fn letters() -> Vec<LetterInput> {
    (0..N)
        .map(|i| {
            let kind = if i % 3 == 0 {
                AccountKind::Guardian
            } else {
                AccountKind::Student
            };
            let (variant, password) = match i % 4 {
                0 | 1 => (
                    LetterVariant::Provisional,
                    Some(format!("PT4HU{:03}", i % 1000)),
                ),
                2 => (LetterVariant::PasswordReset, Some(format!("GMCB{:04}", i))),
                _ => (LetterVariant::Unchanged, None),
            };
            LetterInput {
                kind,
                person_display_name: format!("{} {}", FIRST[i % 8], FAMILY[(i / 8) % 8]),
                family_name: FAMILY[(i / 8) % 8].into(),
                first_name: FIRST[i % 8].into(),
                identifier: format!("celine.dupont{i}"),
                provisional_password: password,
                variant,
                urls: vec!["https://lycees.netocentre.fr".into()],
                class_label: Some(format!("{}EME{}", 3 + i % 4, 1 + i % 6)),
            }
        })
        .collect()
}

fn rows() -> Vec<ListRow> {
    let now: DateTime<Utc> = "2026-11-22T14:30:00Z".parse().unwrap();
    (0..N)
        .map(|i| {
            let state = AccountState::ALL[i % 4];
            ListRow {
                student_family_name: FAMILY[i % 8].into(),
                student_first_name: FIRST[(i / 8) % 8].into(),
                mef: format!("{}EME", 3 + i % 4),
                mef_label: format!("{}EME GENERALE", 3 + i % 4),
                class: format!("{}EME{}", 3 + i % 4, 1 + (i / 4) % 15),
                guardian_family_name: Some(FAMILY[(i + 3) % 8].into()),
                guardian_first_name: Some(FIRST[(i + 5) % 8].into()),
                state,
                origin: if state == AccountState::NotNotified {
                    Origin::Unknown
                } else {
                    Origin::Establishment
                },
                identifier: format!("zoe.lefevre{i}"),
                provisional_password: Some(format!("PT4H{:04}", i)),
                notified_at: Some(now - Duration::days(i as i64 % 300)),
                last_login_at: (i % 2 == 0).then(|| now - Duration::days(i as i64 % 30)),
            }
        })
        .collect()
}

fn measure<T>(label: &str, f: impl FnOnce() -> T, size: impl Fn(&T) -> usize) -> T {
    let start = Instant::now();
    let out = f();
    let elapsed = start.elapsed();
    println!(
        "{label:<38} {:>8.3} s {:>10.1} KB",
        elapsed.as_secs_f64(),
        size(&out) as f64 / 1024.0
    );
    out
}

fn main() {
    let out_dir = std::env::args().nth(1);
    let est = EstablishmentInfo {
        uai: "0450750W".into(),
        name: "LP LYC METIER Auguste Rodin".into(),
    };
    let letters = letters();
    let rows = rows();
    let credentials: Vec<CredentialRow> = rows
        .iter()
        .map(|r| CredentialRow {
            family_name: r.student_family_name.clone(),
            first_name: r.student_first_name.clone(),
            class: r.class.clone(),
            identifier: r.identifier.clone(),
            provisional_password: r.provisional_password.clone().unwrap(),
        })
        .collect();
    let pdf_len = |r: &Result<Vec<u8>, _>| r.as_ref().map(Vec::len).unwrap_or(0);

    println!(
        "profile: {}",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    measure(
        "1 letter (first document: fonts load)",
        || letters_pdf(&est, &letters[..1]),
        pdf_len,
    )
    .unwrap();
    let one = measure(
        "1 letter (fonts loaded)",
        || letters_pdf(&est, &letters[..1]),
        pdf_len,
    );
    let all = measure(
        &format!("{N} letters"),
        || letters_pdf(&est, &letters),
        pdf_len,
    );
    let students = measure(
        &format!("{N}-row list PDF (students)"),
        || list_pdf(&est, AccountKind::Student, &rows),
        pdf_len,
    );
    let guardians = measure(
        &format!("{N}-row list PDF (guardians)"),
        || list_pdf(&est, AccountKind::Guardian, &rows),
        pdf_len,
    );
    let csv = measure(
        &format!("{N}-row list CSV (guardians)"),
        || list_csv(&est, AccountKind::Guardian, &rows),
        Vec::len,
    );
    let cred = measure(
        &format!("{N} credentials PDF"),
        || credentials_pdf(&est, AccountKind::Student, &credentials),
        pdf_len,
    );
    let cred_csv = measure(
        &format!("{N} credentials CSV"),
        || credentials_csv(&est, AccountKind::Student, &credentials),
        Vec::len,
    );

    if let Some(dir) = out_dir {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
        write("letter.pdf", &one.unwrap());
        write("letters.pdf", &all.unwrap());
        write("list-students.pdf", &students.unwrap());
        write("list-guardians.pdf", &guardians.unwrap());
        write("list-guardians.csv", &csv);
        write("credentials.pdf", &cred.unwrap());
        write("credentials.csv", &cred_csv);
    }
}
