mod common;

use chrono::NaiveDate;
use common::fixture;
use sesame_imports::{parse, parse_siecle, ImportPlan, InputFile, Source};

fn full_plan() -> ImportPlan {
    parse_siecle(&[
        fixture("ElevesSansAdresses.xml"),
        fixture("ResponsablesAvecAdresses.xml"),
        fixture("Nomenclature.xml"),
    ])
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn messages(plan: &ImportPlan) -> Vec<String> {
    plan.problems.iter().map(|p| p.to_string()).collect()
}

#[test]
fn the_fixture_encoding_is_really_iso_8859_15() {
    // œ is 0xBD in ISO-8859-15 and ½ in ISO-8859-1: decoding as -1 would garble "Cœur".
    let bytes = fixture("ElevesSansAdresses.xml").bytes;
    assert!(bytes.windows(4).any(|w| w == b"C\xBDur"));
    assert!(std::str::from_utf8(&bytes).is_err());
}

#[test]
fn students_are_read_with_accents_and_compound_names() {
    let plan = full_plan();
    assert!(!plan.has_fatal(), "{:#?}", plan.problems);
    assert_eq!(plan.source, Some(Source::Siecle));
    assert_eq!(plan.uai.as_deref(), Some("0450750W"));
    assert_eq!(plan.school_year.as_deref(), Some("2025"));
    // The oldest HORODATAGE of the three files (the responsables one).
    assert_eq!(
        plan.exported_at,
        date(2025, 9, 1).and_then(|d| d.and_hms_opt(19, 2, 11))
    );
    assert!(plan.full_export);
    let ids: Vec<&str> = plan.students.iter().map(|s| s.source_id.as_str()).collect();
    assert_eq!(ids, ["1001", "1002", "1003", "1005"]);

    let eloise = &plan.students[0];
    assert_eq!(eloise.family_name, "Cœur");
    assert_eq!(eloise.first_name, "Éloïse");
    // NOM_USAGE only repeats the birth name in capitals.
    assert_eq!(eloise.usage_name, None);
    assert_eq!(eloise.ine.as_deref(), Some("070803413AB"));
    assert_eq!(eloise.birth_date, date(2012, 5, 12));
    // The CODE_MEF nested in SCOLARITE_AN_DERNIER is last year's, not this one.
    assert_eq!(eloise.mef_code.as_deref(), Some("10010012110"));
    assert_eq!(eloise.class_code.as_deref(), Some("6A"));
    assert_eq!(eloise.groups, ["6 LATIN"]);
    assert_eq!(eloise.left_on, None);
    assert_eq!(
        eloise.location.to_string(),
        "ElevesSansAdresses.xml, ligne 12 (ELEVE ELEVE_ID=1001 ELENOET=501)"
    );

    let noe = &plan.students[1];
    assert_eq!(noe.family_name, "Le Gall-Nguyen");
    assert_eq!(noe.usage_name.as_deref(), Some("Le Gall"));
    assert_eq!(noe.first_name, "Noé");
    assert_eq!(noe.class_code.as_deref(), Some("5B"));
    assert_eq!(noe.groups, ["5CHORALE", "5LAT"]);

    let aicha = &plan.students[2];
    assert_eq!(aicha.family_name, "N'Diaye");
    assert_eq!(aicha.usage_name, None);
    assert_eq!(aicha.first_name, "Aïcha");
    assert_eq!(aicha.left_on, date(2025, 1, 15));
    assert_eq!(aicha.ine, None);

    let jules = &plan.students[3];
    assert_eq!(jules.birth_date, None, "31/02 is not a date");
}

#[test]
fn bad_records_are_reported_and_skipped() {
    let plan = full_plan();
    let messages = messages(&plan);
    let expected = [
        "ElevesSansAdresses.xml, ligne 46 (ELEVE ELEVE_ID=1004 ELENOET=504) : Élève sans nom de famille ou sans prénom, ignoré",
        "ElevesSansAdresses.xml, ligne 50 (ELEVE ELEVE_ID=1005 ELENOET=505) : Date de naissance « 31/02/2013 » illisible (attendu JJ/MM/AAAA), ignorée",
        "ElevesSansAdresses.xml, ligne 56 (ELEVE ELENOET=506) : Élève sans ELEVE_ID, ignoré",
    ];
    for e in expected {
        assert!(messages.iter().any(|m| m == e), "{e}\n{messages:#?}");
    }
    assert!(plan.problems.iter().all(|p| !p.fatal));
    // The ELEVE under an unknown container is not a student.
    assert!(plan.students.iter().all(|s| s.source_id != "9999"));
}

#[test]
fn guardians_and_links_are_read() {
    let plan = full_plan();
    let ids: Vec<&str> = plan
        .guardians
        .iter()
        .map(|g| g.source_id.as_str())
        .collect();
    assert_eq!(ids, ["2001", "2002", "2003", "2004"]);
    let helene = &plan.guardians[0];
    assert_eq!(helene.family_name, "Cœur");
    assert_eq!(helene.usage_name.as_deref(), Some("Lemaître-Cœur"));
    assert_eq!(helene.first_name, "Hélène");
    assert_eq!(helene.civility.as_deref(), Some("Mme"));
    assert_eq!(helene.email.as_deref(), Some("helene.coeur@example.org"));
    assert_eq!(helene.phone.as_deref(), Some("06 12 34 56 78"));
    let yann = &plan.guardians[1];
    assert_eq!(yann.email, None);
    assert_eq!(yann.phone.as_deref(), Some("02 98 00 00 02"));
    assert_eq!(yann.civility.as_deref(), Some("M."));
    assert_eq!(plan.guardians[2].family_name, "N'Diaye");

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
            ("1001", "2001", "Mère", true),
            ("1005", "2001", "Mère", true),
            ("1002", "2002", "Père", true),
            ("1003", "2003", "Tuteur", true),
            ("1001", "2004", "Autre membre de la famille", false),
        ]
    );
    let messages = messages(&plan);
    assert!(
        messages.iter().any(|m| m.contains("PERSONNE_ID 2999")
            && m.starts_with("ResponsablesAvecAdresses.xml, ligne ")),
        "{messages:#?}"
    );
    assert!(messages
        .iter()
        .any(|m| m.contains("« pas-une-adresse » invalide")));
}

#[test]
fn mefs_come_from_the_nomenclature() {
    let plan = full_plan();
    assert_eq!(plan.mefs.len(), 2);
    let sixieme = &plan.mefs[0];
    assert_eq!(sixieme.code, "10010012110");
    assert_eq!(sixieme.long_label, "6EME BILANGUE");
    assert_eq!(sixieme.short_label, "6e bilangue");
    assert_eq!(sixieme.level, "6EME");
    let cinquieme = &plan.mefs[1];
    assert_eq!(cinquieme.short_label, "5EME");
    assert_eq!(cinquieme.level, "5EME");
}

#[test]
fn a_truncated_file_is_fatal_with_its_line() {
    let plan = parse_siecle(&[fixture("ElevesTronque.xml")]);
    assert!(plan.has_fatal());
    let fatal: Vec<String> = plan.fatal_problems().map(|p| p.to_string()).collect();
    assert_eq!(fatal.len(), 1, "{fatal:#?}");
    assert!(
        fatal[0].starts_with("ElevesTronque.xml, ligne 41 : XML mal formé : "),
        "{}",
        fatal[0]
    );
}

#[test]
fn a_mismatched_tag_is_fatal_with_its_line() {
    let xml = "<?xml version=\"1.0\"?>\n<BEE_ELEVES>\n<PARAMETRES>\n<UAJ>0450750W</UAJ>\n</PARAMETRE>\n</BEE_ELEVES>\n";
    let plan = parse_siecle(&[InputFile::new("x.xml", xml)]);
    let fatal: Vec<String> = plan.fatal_problems().map(|p| p.to_string()).collect();
    assert_eq!(
        fatal,
        ["x.xml, ligne 5 : XML mal formé : balise fermante </PARAMETRE> alors que <PARAMETRES> est ouverte"]
    );
}

#[test]
fn an_unknown_root_is_fatal() {
    let plan = parse_siecle(&[fixture("Inconnu.xml"), fixture("Nomenclature.xml")]);
    let fatal: Vec<String> = plan.fatal_problems().map(|p| p.to_string()).collect();
    assert_eq!(fatal.len(), 1);
    assert!(
        fatal[0].starts_with(
            "Inconnu.xml, ligne 3 : Fichier non reconnu : l'élément racine est <CATALOGUE>"
        ),
        "{}",
        fatal[0]
    );
    // The other file is still read, for the preview.
    assert_eq!(plan.mefs.len(), 2);
    assert!(!plan.full_export);
}

#[test]
fn another_establishment_is_fatal() {
    let mut plan = parse(Source::Siecle, &[fixture("ElevesSansAdresses.xml")]);
    plan.check_establishment("0450750W");
    assert!(!plan.has_fatal());
    plan.check_establishment("0180006J");
    let fatal: Vec<String> = plan.fatal_problems().map(|p| p.to_string()).collect();
    assert_eq!(
        fatal,
        ["ElevesSansAdresses.xml, ligne 3 (PARAMETRES) : Le fichier concerne l'établissement 0450750W, pas 0180006J"]
    );
}

#[test]
fn files_of_two_establishments_are_fatal() {
    let plan = parse_siecle(&[
        fixture("ElevesSansAdresses.xml"),
        fixture("NomenclatureAutreEtablissement.xml"),
    ]);
    let fatal: Vec<String> = plan.fatal_problems().map(|p| p.to_string()).collect();
    assert_eq!(fatal.len(), 1);
    assert!(fatal[0].contains(
        "Le fichier NomenclatureAutreEtablissement.xml concerne l'établissement 0180006J, alors que ElevesSansAdresses.xml concerne l'établissement 0450750W"
    ));
}

#[test]
fn responsables_alone_do_not_claim_a_full_export() {
    let plan = parse_siecle(&[fixture("ResponsablesAvecAdresses.xml")]);
    assert!(!plan.full_export);
    assert!(plan.students.is_empty());
    // Without the students file, links to its students cannot be checked and are kept.
    assert_eq!(plan.links.len(), 5);
}

#[test]
fn parsing_twice_gives_the_same_plan() {
    assert_eq!(full_plan(), full_plan());
}

#[test]
fn no_file_is_fatal() {
    assert!(parse_siecle(&[]).has_fatal());
}

#[test]
fn a_file_cut_between_elements_is_fatal() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BEE_ELEVES>\n<DONNEES>\n<ELEVES>\n<ELEVE ELEVE_ID=\"1\"><NOM_DE_FAMILLE>Zoé</NOM_DE_FAMILLE><PRENOM>Ana</PRENOM></ELEVE>\n";
    let plan = parse_siecle(&[InputFile::new("court.xml", xml)]);
    let fatal: Vec<String> = plan.fatal_problems().map(|p| p.to_string()).collect();
    assert_eq!(
        fatal,
        ["court.xml, ligne 6 : XML mal formé : le fichier s'arrête avant la fin de l'élément <ELEVES> (fichier tronqué ?)"]
    );
    // What was read stays visible in the preview.
    assert_eq!(plan.students[0].family_name, "Zoé");
}

#[test]
fn the_declared_encoding_is_honoured() {
    let body = "<BEE_NOMENCLATURES><DONNEES><MEFS><MEF CODE_MEF=\"1\"><LIBELLE_LONG>À bientôt &amp; merci</LIBELLE_LONG></MEF></MEFS></DONNEES></BEE_NOMENCLATURES>";
    let latin1 = format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{}", body);
    let bytes: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    let plan = parse_siecle(&[InputFile::new("latin1.xml", bytes)]);
    assert_eq!(plan.mefs[0].long_label, "À bientôt & merci");
    let utf8 = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}", body);
    let plan = parse_siecle(&[InputFile::new("utf8.xml", utf8)]);
    assert_eq!(plan.mefs[0].long_label, "À bientôt & merci");
    let plan = parse_siecle(&[InputFile::new(
        "x.xml",
        "<?xml version=\"1.0\" encoding=\"EBCDIC-XX\"?><A/>",
    )]);
    assert!(plan
        .fatal_problems()
        .any(|p| p.message.contains("EBCDIC-XX")));
}
