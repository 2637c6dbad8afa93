mod common;

use chrono::NaiveDate;
use common::fixture;
use sesame_imports::{parse_onde, InputFile, Source};

#[test]
fn the_fixture_is_windows_1252() {
    let bytes = fixture("onde_export.csv").bytes;
    assert!(std::str::from_utf8(&bytes).is_err());
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    // œ in windows-1252.
    assert!(bytes.windows(3).any(|w| w == b"C\x9Cu"));
}

#[test]
fn pupils_are_read() {
    let plan = parse_onde(&[fixture("onde_export.csv")]);
    assert_eq!(plan.source, Some(Source::Onde));
    assert!(!plan.has_fatal(), "{:#?}", plan.problems);
    assert!(plan.full_export);
    assert_eq!(plan.uai, None);
    let ids: Vec<&str> = plan.students.iter().map(|s| s.source_id.as_str()).collect();
    assert_eq!(ids, ["P001", "P002", "P003"]);
    let chloe = &plan.students[0];
    assert_eq!(chloe.family_name, "Lefèvre");
    assert_eq!(chloe.first_name, "Chloé");
    assert_eq!(chloe.birth_date, NaiveDate::from_ymd_opt(2017, 4, 3));
    assert_eq!(chloe.class_code.as_deref(), Some("CE2 A"));
    assert_eq!(chloe.mef_code.as_deref(), Some("CE2"));
    assert_eq!(chloe.location.to_string(), "onde_export.csv, ligne 2");
    let zoe = &plan.students[2];
    assert_eq!(zoe.family_name, "Cœurdevey");
    assert_eq!(zoe.birth_date, None);
    let levels: Vec<&str> = plan.mefs.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(levels, ["CE2", "CP"]);
}

#[test]
fn problems_name_the_file_and_line() {
    let plan = parse_onde(&[fixture("onde_export.csv")]);
    let messages: Vec<String> = plan.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "onde_export.csv, ligne 1 : Colonnes non reconnues, ignorées : « Pointure »",
            "onde_export.csv, ligne 4 : Date de naissance « 31/13/2018 » illisible (attendu JJ/MM/AAAA), ignorée",
            "onde_export.csv, ligne 5 : Élève sans identifiant ni INE, ligne ignorée",
        ]
    );
}

#[test]
fn siblings_share_one_guardian() {
    let plan = parse_onde(&[fixture("onde_export.csv")]);
    let ids: Vec<&str> = plan
        .guardians
        .iter()
        .map(|g| g.source_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "onde:lefevre|helene|helene.lefevre@example.org",
            "onde:lefevre|jerome|0755667788",
            "P003-R1",
        ]
    );
    let helene = &plan.guardians[0];
    assert_eq!(helene.first_name, "Hélène");
    assert_eq!(helene.civility.as_deref(), Some("Mme"));
    assert_eq!(helene.phone.as_deref(), Some("06 11 22 33 44"));
    let jerome = &plan.guardians[1];
    assert_eq!(jerome.phone.as_deref(), Some("07 55 66 77 88"));
    let links: Vec<(&str, &str, &str, bool)> = plan
        .links
        .iter()
        .map(|l| {
            (
                l.student_source_id.as_str(),
                l.guardian_source_id.as_str(),
                l.relationship.as_str(),
                l.legal,
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("P001", ids[0], "Mère", true),
            ("P001", ids[1], "Père", true),
            ("P002", ids[0], "Mère", true),
            ("P003", "P003-R1", "Tuteur", true),
        ]
    );
}

#[test]
fn utf8_with_bom_and_ine_as_id() {
    let csv = "\u{feff}INE;Nom;Prénom;Date de naissance;Regroupement;Nom d'usage\n\
               0123456789a;Da Silva;Inès;2018-05-06;GS;Martins\n";
    let plan = parse_onde(&[InputFile::new("onde.csv", csv)]);
    assert!(plan.problems.is_empty(), "{:#?}", plan.problems);
    let ines = &plan.students[0];
    assert_eq!(ines.source_id, "0123456789A");
    assert_eq!(ines.ine.as_deref(), Some("0123456789A"));
    assert_eq!(ines.first_name, "Inès");
    assert_eq!(ines.usage_name.as_deref(), Some("Martins"));
    assert_eq!(ines.class_code.as_deref(), Some("GS"));
    assert!(plan.guardians.is_empty());
}

#[test]
fn missing_name_columns_are_fatal() {
    let plan = parse_onde(&[InputFile::new("onde.csv", "Identifiant;Classe\nP1;CP\n")]);
    let fatal: Vec<String> = plan.fatal_problems().map(|p| p.to_string()).collect();
    assert_eq!(
        fatal,
        ["onde.csv, ligne 1 : Colonnes obligatoires absentes : nom de l'élève, prénom de l'élève"]
    );
}

#[test]
fn the_columns_of_the_onde_pupil_extraction_are_known() {
    let csv = "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Adresse1;Cp1;\
               Commune1;Pays1;Adresse2;Cp2;Commune2;Pays2; Cycle;Niveau;Libellé classe;\
               Identifiant classe;Attestation fournie;Autorisation associations;\
               Autorisation photo;Décision de passage\n\
               MARTIN;;Martin;01/01/2017;M;1111111111A;1 rue de Test;21000;Dijon;FRANCE;;;;;\
               CYCLE II;CE2;Classe de M Machin;99999;Non;Non;Non;\n";
    let plan = parse_onde(&[InputFile::new("eleves.csv", csv)]);
    assert!(plan.problems.is_empty(), "{:#?}", plan.problems);
    let martin = &plan.students[0];
    assert_eq!(martin.source_id, "1111111111A");
    assert_eq!(martin.class_code.as_deref(), Some("Classe de M Machin"));
    assert_eq!(martin.mef_code.as_deref(), Some("CE2"));
}
