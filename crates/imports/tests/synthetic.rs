use sesame_imports::parse_siecle;
use sesame_imports::synthetic::generate_siecle_export;

#[test]
fn a_generated_export_of_3000_students_parses_completely() {
    let files = generate_siecle_export(3_000, 2, "0450750W");
    let plan = parse_siecle(&files);
    assert!(
        plan.problems.is_empty(),
        "{:#?}",
        &plan.problems[..plan.problems.len().min(5)]
    );
    assert_eq!(plan.uai.as_deref(), Some("0450750W"));
    assert_eq!(plan.students.len(), 3_000);
    assert_eq!(plan.guardians.len(), 6_000);
    assert_eq!(plan.links.len(), 6_000);
    assert_eq!(plan.mefs.len(), 4);
    assert!(plan.links.iter().all(|l| l.legal));
    assert!(plan
        .students
        .iter()
        .all(|s| s.class_code.is_some() && s.groups.len() == 1 && s.birth_date.is_some()));
    assert!(plan
        .guardians
        .iter()
        .all(|g| g.email.is_some() && g.phone.is_some()));
}

#[test]
fn contacts_beyond_two_are_not_legal() {
    let plan = parse_siecle(&generate_siecle_export(10, 3, "0450750W"));
    assert!(plan.problems.is_empty(), "{:#?}", plan.problems);
    assert_eq!(plan.guardians.len(), 30);
    assert_eq!(plan.links.iter().filter(|l| l.legal).count(), 20);
}
