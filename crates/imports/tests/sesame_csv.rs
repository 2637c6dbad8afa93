use sesame_imports::{parse, parse_sesame_csv, InputFile, Source, SESAME_CSV_TEMPLATE};

#[test]
fn the_template_parses_cleanly() {
    let plan = parse(
        Source::SesameCsv,
        &[InputFile::new("modele.csv", SESAME_CSV_TEMPLATE)],
    );
    assert_eq!(plan.source, Some(Source::SesameCsv));
    assert!(plan.problems.is_empty(), "{:#?}", plan.problems);
    assert!(plan.full_export);
    assert_eq!(plan.students.len(), 2);
    let lea = &plan.students[0];
    assert_eq!(lea.source_id, "E0001");
    assert_eq!(lea.first_name, "Léa");
    assert_eq!(lea.groups, ["Latin", "Chorale"]);
    assert_eq!(lea.mef_code.as_deref(), Some("10010012110"));
    assert_eq!(lea.location.to_string(), "modele.csv, ligne 2");
    // The mother is on both rows: one guardian, two links.
    let guardians: Vec<&str> = plan
        .guardians
        .iter()
        .map(|g| g.source_id.as_str())
        .collect();
    assert_eq!(guardians, ["R0001", "R0002"]);
    assert_eq!(plan.links.len(), 3);
    assert!(plan.links.iter().all(|l| l.legal));
    assert_eq!(plan.links[2].student_source_id, "E0002");
    assert_eq!(plan.links[2].guardian_source_id, "R0001");
    assert_eq!(plan.links[0].relationship, "Mère");
    let mefs: Vec<&str> = plan.mefs.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(mefs, ["10010012110", "CM1"]);
}

#[test]
fn a_missing_required_column_is_fatal() {
    let csv = "eleve_id;nom;date_naissance\nE1;Martin;01/01/2015\n";
    let plan = parse_sesame_csv(&[InputFile::new("eleves.csv", csv)]);
    let fatal: Vec<String> = plan.fatal_problems().map(|p| p.to_string()).collect();
    assert_eq!(
        fatal,
        ["eleves.csv, ligne 1 : Colonnes obligatoires absentes : prenom"]
    );
    assert!(plan.students.is_empty());
}

#[test]
fn row_problems_are_located() {
    let csv = "eleve_id;nom;prenom;resp1_id;resp1_nom;resp1_prenom;resp1_legal;couleur\n\
               E1;Martin;Léa;;Martin;Sophie;;bleu\n\
               ;Martin;Hugo;;;;;\n\
               E3;Durand;Max;R9;Durand;Anne;peut-être;\n\
               E4;Durand;Eva;R9;;;non;\n";
    let plan = parse_sesame_csv(&[InputFile::new("eleves.csv", csv)]);
    assert!(!plan.has_fatal());
    let messages: Vec<String> = plan.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "eleves.csv, ligne 1 : Colonnes inconnues du format CSV Sésame v1, ignorées : « couleur »",
            "eleves.csv, ligne 2 (resp1) : Responsable 1 sans resp1_id, ignoré",
            "eleves.csv, ligne 3 : Élève sans eleve_id, ligne ignorée",
            "eleves.csv, ligne 4 (resp1) : resp1_legal doit valoir oui ou non ; « oui » est retenu",
        ]
    );
    // A sibling's row may give only the guardian's id.
    assert_eq!(plan.guardians.len(), 1);
    assert_eq!(plan.links.len(), 2);
    assert!(plan.links[0].legal);
    assert!(!plan.links[1].legal);
}
