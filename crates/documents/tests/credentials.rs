//! The credential sheets of a bulk reset: every new password, in both formats.

mod common;

use common::{est, pages};
use sesame_core::AccountKind;
use sesame_documents::{credentials_csv, credentials_pdf, CredentialRow};

fn rows() -> Vec<CredentialRow> {
    (0..120)
        .map(|i| CredentialRow {
            family_name: format!("LEFÈVRE{i}"),
            first_name: "Zoé".into(),
            class: format!("{}EME{}", 3 + i % 4, 1 + i % 3),
            identifier: format!("zoe.lefevre{i}"),
            provisional_password: format!("PW{i:03}XYZ"),
        })
        .collect()
}

#[test]
fn every_password_is_in_the_csv() {
    let rows = rows();
    let text = String::from_utf8(credentials_csv(&est(), AccountKind::Student, &rows)).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}Nom;Prénom;Classe;Identifiant;Mot de passe provisoire"
    );
    assert_eq!(lines[1], "LEFÈVRE0;Zoé;3EME1;zoe.lefevre0;PW000XYZ");
    assert_eq!(lines.len(), rows.len() + 2);
    for r in &rows {
        assert!(
            text.contains(&format!("{};{}\r\n", r.identifier, r.provisional_password)),
            "{}",
            r.identifier
        );
    }
}

#[test]
fn every_password_is_in_the_pdf_beside_its_identifier() {
    let rows = rows();
    let pdf = credentials_pdf(&est(), AccountKind::Student, &rows).unwrap();
    let pages = pages(&pdf);
    assert!(pages.len() > 1);
    assert!(pages[0].contains("Nouveaux mots de passe provisoires — comptes élèves"));
    assert!(pages[0].contains("Document confidentiel"));
    let text = pages.concat();
    for r in &rows {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("{} ", r.identifier)) || l.ends_with(&r.identifier))
            .unwrap_or_else(|| panic!("{} missing", r.identifier));
        assert!(line.contains(&r.provisional_password), "{line}");
        assert!(line.contains(&r.family_name), "{line}");
    }
}
