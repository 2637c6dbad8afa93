//! The pure reconciliation step: each rule on a hand-made snapshot, no database.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sesame_imports::reconcile::{
    guardians_here, guardians_left_out, ines_to_look_up, reconcile_guardians, reconcile_students,
    ChangeAction, Counts, ExistingGuardian, ExistingStudent, PersonKind, SourceNames,
    StudentContext, Students, INE_ENROLLED_ELSEWHERE,
};
use sesame_imports::{GuardianRecord, LinkRecord, Location, StudentRecord};

const UAI: &str = "0450750W";
const OTHER: &str = "0370001A";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 15, 10, 0, 0).unwrap()
}

fn record(source_id: &str, ine: Option<&str>, family: &str, first: &str) -> StudentRecord {
    StudentRecord {
        source_id: source_id.into(),
        ine: ine.map(Into::into),
        family_name: family.into(),
        usage_name: None,
        first_name: first.into(),
        birth_date: NaiveDate::from_ymd_opt(2010, 3, 4),
        class_code: Some("3A".into()),
        groups: Vec::new(),
        mef_code: None,
        left_on: None,
        location: Location::line("ElevesSansAdresses.xml", 12),
    }
}

/// The pupil `record(source_id, ine, family, first)` describes, already in the database.
fn pupil(
    id: &str,
    source_id: &str,
    ine: Option<&str>,
    family: &str,
    first: &str,
) -> ExistingStudent {
    ExistingStudent {
        id: id.into(),
        uai: UAI.into(),
        source_id: Some(source_id.into()),
        ine: ine.map(Into::into),
        family_name: family.into(),
        first_name: first.into(),
        birth_date: NaiveDate::from_ymd_opt(2010, 3, 4),
        class_id: Some("class-3a".into()),
        mef_id: None,
        left_at: None,
    }
}

/// This source's names as the import last recorded them for `id`.
fn names_of(list: &[(&str, &str, &str, &str)]) -> HashMap<String, SourceNames> {
    list.iter()
        .map(|(id, source_id, family, first)| {
            (
                id.to_string(),
                SourceNames {
                    row_id: format!("src-{id}"),
                    source_id: Some(source_id.to_string()),
                    family_name: family.to_string(),
                    first_name: first.to_string(),
                },
            )
        })
        .collect()
}

struct Structure {
    classes: HashMap<String, String>,
    mefs: HashMap<String, String>,
}

fn structure() -> Structure {
    Structure {
        classes: [("3A", "class-3a"), ("3B", "class-3b")]
            .into_iter()
            .map(|(c, id)| (c.to_owned(), id.to_owned()))
            .collect(),
        mefs: HashMap::new(),
    }
}

fn students(
    full_export: bool,
    records: &[StudentRecord],
    here: &[ExistingStudent],
    elsewhere: &[ExistingStudent],
    names: &HashMap<String, SourceNames>,
) -> Students {
    let s = structure();
    let ctx = StudentContext {
        uai: UAI,
        now: now(),
        full_export,
        classes: &s.classes,
        mefs: &s.mefs,
    };
    reconcile_students(&ctx, records, here, elsewhere, names)
}

fn counts(created: u64, updated: u64, left: u64, unchanged: u64) -> Counts {
    Counts {
        created,
        updated,
        left,
        unchanged,
    }
}

#[test]
fn a_pupil_found_by_source_id_with_nothing_new_is_unchanged() {
    let here = [pupil("p1", "E1", Some("INE1"), "Martin", "Léa")];
    let names = names_of(&[("p1", "E1", "Martin", "Léa")]);
    let out = students(
        true,
        &[record("E1", Some("INE1"), "Martin", "Léa")],
        &here,
        &[],
        &names,
    );
    assert_eq!(out.people.counts, counts(0, 0, 0, 1));
    assert!(out.people.changes.is_empty());
    assert!(out.people.updates.is_empty() && out.people.source_names.is_empty());
    assert_eq!(out.people.matched["E1"], "p1");
    assert_eq!(out.current, 1);
}

#[test]
fn a_pupil_found_by_ine_takes_the_files_source_id() {
    let here = [pupil("p1", "OLD", Some("INE1"), "Martin", "Léa")];
    let names = names_of(&[("p1", "OLD", "Martin", "Léa")]);
    let out = students(
        false,
        &[record("E9", Some("INE1"), "Martin", "Léa")],
        &here,
        &[],
        &names,
    );
    assert_eq!(out.people.counts, counts(0, 1, 0, 0));
    assert_eq!(out.people.changes[0].detail, "identifiant dans la source");
    assert_eq!(out.people.changes[0].action, ChangeAction::Update);
    let update = &out.people.updates[0];
    assert_eq!(
        (update.id.as_str(), update.person.source_id.as_str()),
        ("p1", "E9")
    );
    // The source's names row follows the new source id.
    assert_eq!(out.people.source_names[0].row_id.as_deref(), Some("src-p1"));
    assert_eq!(out.people.source_names[0].source_id, "E9");
}

#[test]
fn an_update_says_what_changed_in_french_and_carries_the_new_row() {
    let here = [pupil("p1", "E1", Some("INE1"), "Martin", "Léa")];
    let names = names_of(&[("p1", "E1", "Martin", "Léa")]);
    let mut r = record("E1", None, "Martin", "Léa");
    r.usage_name = Some("Durand".into());
    r.class_code = Some("3B".into());
    r.birth_date = None;
    let out = students(false, &[r], &here, &[], &names);
    assert_eq!(out.people.counts, counts(0, 1, 0, 0));
    let change = &out.people.changes[0];
    assert_eq!(change.kind, PersonKind::Student);
    assert_eq!(change.name, "DURAND Léa");
    assert_eq!(change.detail, "nom MARTIN Léa → DURAND Léa, classe → 3B");
    let person = &out.people.updates[0].person;
    assert_eq!(person.family_name, "Durand");
    assert_eq!(person.fields.class_id.as_deref(), Some("class-3b"));
    // What the file leaves out is kept.
    assert_eq!(person.fields.ine.as_deref(), Some("INE1"));
    assert_eq!(
        person.fields.birth_date,
        NaiveDate::from_ymd_opt(2010, 3, 4)
    );
    // Names per source: the usage name is what this source now says.
    assert_eq!(out.people.source_names[0].family_name, "Durand");
}

#[test]
fn only_new_source_names_are_an_update_of_their_own() {
    let here = [pupil("p1", "E1", Some("INE1"), "Martin", "Léa")];
    let out = students(
        false,
        &[record("E1", Some("INE1"), "Martin", "Léa")],
        &here,
        &[],
        &HashMap::new(),
    );
    assert_eq!(out.people.counts, counts(0, 1, 0, 0));
    assert_eq!(out.people.changes[0].detail, "noms dans la source");
    assert_eq!(out.people.source_names[0].row_id, None, "a row to insert");
}

#[test]
fn a_leaving_date_passed_is_a_leave_and_one_to_come_is_not() {
    let here = [
        pupil("p1", "E1", None, "Martin", "Léa"),
        pupil("p2", "E2", None, "Petit", "Noé"),
    ];
    let names = names_of(&[("p1", "E1", "Martin", "Léa"), ("p2", "E2", "Petit", "Noé")]);
    let mut gone = record("E1", None, "Martin", "Léa");
    gone.left_on = NaiveDate::from_ymd_opt(2026, 9, 1);
    let mut going = record("E2", None, "Petit", "Noé");
    going.left_on = NaiveDate::from_ymd_opt(2026, 12, 20);
    let out = students(false, &[gone, going], &here, &[], &names);
    assert_eq!(out.people.counts, counts(0, 0, 1, 1));
    let change = &out.people.changes[0];
    assert_eq!(
        (change.action, change.detail.as_str()),
        (ChangeAction::Leave, "a quitté l'établissement")
    );
    assert_eq!(
        out.people.updates[0].person.fields.left_at,
        Some(Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap())
    );
}

#[test]
fn a_pupil_who_left_and_comes_back_returns() {
    let mut left = pupil("p1", "E1", None, "Martin", "Léa");
    left.left_at = Some(now() - chrono::Duration::days(30));
    let names = names_of(&[("p1", "E1", "Martin", "Léa")]);
    let out = students(
        false,
        &[record("E1", None, "Martin", "Léa")],
        &[left],
        &[],
        &names,
    );
    assert_eq!(out.people.counts, counts(0, 1, 0, 0));
    assert_eq!(out.people.changes[0].detail, "retour dans l'établissement");
    assert_eq!(out.people.updates[0].person.fields.left_at, None);
    assert_eq!(out.current, 0);
}

#[test]
fn pupils_absent_from_a_full_export_leave_and_from_a_partial_one_stay() {
    let here = [
        pupil("p1", "E1", None, "Martin", "Léa"),
        pupil("p2", "E2", None, "Petit", "Noé"),
    ];
    let names = names_of(&[("p1", "E1", "Martin", "Léa"), ("p2", "E2", "Petit", "Noé")]);
    let file = [record("E1", None, "Martin", "Léa")];
    let full = students(true, &file, &here, &[], &names);
    assert_eq!(full.people.counts, counts(0, 0, 1, 1));
    assert_eq!(full.people.leavers, vec!["p2".to_owned()]);
    let change = &full.people.changes[0];
    assert_eq!(change.action, ChangeAction::Leave);
    assert_eq!(change.name, "PETIT Noé");
    assert_eq!(
        change.detail,
        "absent de l'export : a quitté l'établissement"
    );
    let partial = students(false, &file, &here, &[], &names);
    assert!(partial.people.leavers.is_empty());
    assert_eq!(partial.people.counts, counts(0, 0, 0, 1));
}

#[test]
fn a_new_pupil_is_created_with_his_class_in_the_detail() {
    let out = students(
        false,
        &[record("E1", Some("INE1"), "Martin", "Léa")],
        &[],
        &[],
        &HashMap::new(),
    );
    assert_eq!(out.people.counts, counts(1, 0, 0, 0));
    let change = &out.people.changes[0];
    assert_eq!(
        (change.action, change.detail.as_str()),
        (ChangeAction::Create, "nouveau compte, classe 3A")
    );
    let person = &out.people.creations[0];
    assert_eq!(person.fields.class_id.as_deref(), Some("class-3a"));
    assert!(
        !out.people.matched.contains_key("E1"),
        "the store gives him his id"
    );
}

#[test]
fn a_second_row_naming_a_matched_pupil_is_another_pupil_and_a_repeated_source_id_is_ignored() {
    let here = [pupil("p1", "E1", Some("INE1"), "Martin", "Léa")];
    let names = names_of(&[("p1", "E1", "Martin", "Léa")]);
    let file = [
        record("E1", Some("INE1"), "Martin", "Léa"),
        record("E2", Some("INE1"), "Martin", "Zoé"),
        record("E2", Some("INE1"), "Martin", "Zoé"),
    ];
    let out = students(false, &file, &here, &[], &names);
    assert_eq!(out.people.counts, counts(1, 0, 0, 1));
    assert_eq!(out.people.creations[0].first_name, "Zoé");
}

#[test]
fn an_ine_of_a_pupil_enrolled_elsewhere_refuses_the_row_and_changes_nothing() {
    let mut enrolled = pupil("x1", "S1", Some("INE1"), "Martin", "Léa");
    enrolled.uai = OTHER.into();
    let file = [record("E1", Some("INE1"), "Martin", "Léa")];
    assert_eq!(ines_to_look_up(&file, &[]), vec!["INE1".to_owned()]);
    let out = students(true, &file, &[], &[enrolled], &HashMap::new());
    assert_eq!(out.people.counts, Counts::default());
    assert!(out.people.changes.is_empty() && out.people.creations.is_empty());
    assert!(out.people.updates.is_empty() && out.people.source_names.is_empty());
    let problem = &out.people.problems[0];
    assert!(!problem.fatal);
    assert!(problem.message.starts_with(INE_ENROLLED_ELSEWHERE));
    assert!(!problem.message.contains("Martin") && !problem.message.contains(OTHER));
    assert_eq!(
        problem.location,
        Location::line("ElevesSansAdresses.xml", 12)
    );
    assert!(out.people.refused.contains("E1"));

    // His guardians' rows are left out, unless they are also another pupil's.
    let link = |s: &str, g: &str| LinkRecord {
        student_source_id: s.into(),
        guardian_source_id: g.into(),
        relationship: "Mère".into(),
        legal: true,
        location: Location::file("f"),
    };
    let links = [link("E1", "R1"), link("E1", "R2"), link("E5", "R2")];
    let left_out = guardians_left_out(&links, &out.people.refused);
    assert_eq!(left_out, HashSet::from(["R1".to_owned()]));
}

#[test]
fn a_pupil_who_left_another_establishment_is_rehomed_the_latest_leaver_first() {
    let mut older = pupil("x1", "S1", Some("INE1"), "Martin", "Léa");
    older.uai = OTHER.into();
    older.left_at = Some(now() - chrono::Duration::days(400));
    let mut latest = pupil("x2", "S2", Some("INE1"), "Martin", "Léa");
    latest.uai = OTHER.into();
    latest.left_at = Some(now() - chrono::Duration::days(10));
    let out = students(
        false,
        &[record("E1", Some("INE1"), "Martin", "Léa")],
        &[],
        &[older, latest],
        &HashMap::new(),
    );
    assert_eq!(out.people.counts, counts(0, 1, 0, 0));
    assert_eq!(out.people.matched["E1"], "x2");
    assert_eq!(out.rehomed, HashSet::from(["x2".to_owned()]));
    // Arriving is not "coming back", and he is no longer "left".
    assert_eq!(
        out.people.changes[0].detail,
        format!("arrivée depuis l'établissement {OTHER}, identifiant dans la source")
    );
    assert_eq!(out.people.updates[0].person.fields.left_at, None);
}

fn guardian_record(source_id: &str, family: &str, first: &str) -> GuardianRecord {
    GuardianRecord {
        source_id: source_id.into(),
        family_name: family.into(),
        usage_name: None,
        first_name: first.into(),
        civility: Some("Mme".into()),
        email: Some("nouveau@example.org".into()),
        phone: Some("0601020304".into()),
        location: Location::line("ResponsablesAvecAdresses.xml", 3),
    }
}

fn guardian(id: &str, source_id: &str, family: &str, here: bool) -> ExistingGuardian {
    ExistingGuardian {
        id: id.into(),
        source_id: Some(source_id.into()),
        family_name: family.into(),
        first_name: "Anne".into(),
        civility: Some("Mme".into()),
        email: Some("corrige@example.org".into()),
        phone: None,
        here,
    }
}

#[test]
fn a_guardians_contact_data_is_only_filled_where_empty() {
    let existing = [guardian("g1", "R1", "Martin", true)];
    let names = names_of(&[("g1", "R1", "Martin", "Anne")]);
    let out = reconcile_guardians(
        &[guardian_record("R1", "Martin", "Anne")],
        &existing,
        &HashSet::new(),
        &names,
    );
    assert_eq!(out.counts, counts(0, 1, 0, 0));
    assert_eq!(out.changes[0].kind, PersonKind::Guardian);
    assert_eq!(out.changes[0].detail, "téléphone");
    let fields = &out.updates[0].person.fields;
    assert_eq!(fields.email, None, "the school's correction stays");
    assert_eq!(fields.phone.as_deref(), Some("0601020304"));
}

#[test]
fn guardians_go_through_the_same_path_unchanged_renamed_created_left_out() {
    let existing = [
        guardian("g1", "R1", "Martin", true),
        guardian("g2", "R2", "Petit", true),
    ];
    let names = names_of(&[
        ("g1", "R1", "Martin", "Anne"),
        ("g2", "R2", "Petit", "Anne"),
    ]);
    let mut same = guardian_record("R1", "Martin", "Anne");
    same.phone = None;
    let mut renamed = guardian_record("R2", "Petit", "Anne");
    renamed.phone = None;
    renamed.usage_name = Some("Bernard".into());
    let file = [
        same,
        renamed,
        guardian_record("R3", "Roux", "Marc"),
        guardian_record("R4", "Blanc", "Paul"),
    ];
    let left_out = HashSet::from(["R4".to_owned()]);
    let out = reconcile_guardians(&file, &existing, &left_out, &names);
    assert_eq!(out.counts, counts(1, 1, 0, 1));
    assert_eq!(out.changes[0].detail, "nom PETIT Anne → BERNARD Anne");
    assert_eq!(
        (out.changes[1].action, out.changes[1].detail.as_str()),
        (ChangeAction::Create, "nouveau compte")
    );
    let created = &out.creations[0];
    assert_eq!(created.fields.email.as_deref(), Some("nouveau@example.org"));
    assert!(!out.matched.contains_key("R4"));
}

#[test]
fn a_guardian_of_a_pupil_already_here_wins_over_a_rehomed_pupils_with_the_same_source_id() {
    let links = vec![
        ("g-rehomed".to_owned(), "x2".to_owned()),
        ("g-native".to_owned(), "p1".to_owned()),
    ];
    let here = guardians_here(links, &HashSet::from(["x2".to_owned()]));
    assert!(!here["g-rehomed"]);
    assert!(here["g-native"]);
    let existing = [
        guardian("g-rehomed", "R1", "Martin", false),
        guardian("g-native", "R1", "Martin", true),
    ];
    let out = reconcile_guardians(
        &[guardian_record("R1", "Martin", "Anne")],
        &existing,
        &HashSet::new(),
        &HashMap::new(),
    );
    assert_eq!(out.matched["R1"], "g-native");
}

#[test]
fn the_files_links_replace_those_of_the_pupils_it_lists() {
    use sesame_imports::reconcile::{reconcile_links, Link};
    let ids = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(s, id)| (s.to_string(), id.to_string()))
            .collect()
    };
    let students = ids(&[("E1", "p1"), ("E2", "p2")]);
    let guardians = ids(&[("R1", "g1"), ("R2", "g2")]);
    let record = |s: &str, g: &str, relationship: &str| LinkRecord {
        student_source_id: s.into(),
        guardian_source_id: g.into(),
        relationship: relationship.into(),
        legal: true,
        location: Location::file("f"),
    };
    let link = |g: &str, s: &str, relationship: &str| Link {
        guardian_id: g.into(),
        student_id: s.into(),
        relationship: relationship.into(),
        legal: true,
    };
    let file = [
        record("E1", "R1", "Mère"),
        record("E1", "R1", "Tuteur"),
        record("E2", "R1", "Mère"),
        record("E2", "R2", "Père"),
        // A refused pupil (absent from `students`) keeps his links.
        record("E9", "R2", "Père"),
    ];
    let existing = [
        link("g1", "p1", "Mère"),
        link("g2", "p2", "Autre membre de la famille"),
        link("g2", "p1", "Père"),
    ];
    let out = reconcile_links(&file, &students, &guardians, &existing);
    assert_eq!(out.created, vec![link("g1", "p2", "Mère")]);
    assert_eq!(out.updated, vec![link("g2", "p2", "Père")]);
    assert_eq!(out.removed, vec![("g2".to_owned(), "p1".to_owned())]);
}
