//! Cross-tenant isolation at the data level, on both engines, over the demo data set.
//!
//! For each write path, an actor of establishment A aims at records of establishment B — B's
//! ids under A's UAI (alone, and mixed with A's own ids), filters that would select B's
//! records, B's UAI in the path, a file naming B's pupil — and the test asserts the answer
//! (404 like an unknown record; for an import, the row naming B's pupil refused) and that every row of B is
//! byte-identical afterwards (`common::tenancy`: B's audit events may only grow by failures).
//! A bulk request that names any record outside A is refused as a whole: A's own records in it
//! stay unchanged too.

use crate::common::tenancy::{establishment_rows, Snapshot};
use crate::common::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use sesame_core::permissions::Role;
use sesame_demo::{LP_UAI, PRIMARY_SCHOOL_UAI, PUBLIC_COLLEGE_UAI, STALE_IDENTIFIER_STUDENT_ID};
use sesame_store::entities::{account, ent_user, guardian_link, student, student_external};
use sesame_store::repo::staff::NewStaff;

/// A staff member holding `role` at `uai` only (with the demo's password and TOTP secret),
/// logged in.
async fn staff_of(app: &TestApp, username: &str, uai: &str, role: Role) -> String {
    let store = &app.state.store;
    let s = store
        .create_staff(NewStaff {
            username,
            display_name: username,
            password_hash: app.state.hasher.hash(sesame_demo::DEMO_PASSWORD).unwrap(),
            totp_secret_enc: None,
        })
        .await
        .unwrap();
    store
        .set_staff_totp(
            &s.id,
            Some(
                app.state
                    .secrets
                    .seal(sesame_demo::DEMO_TOTP_SECRET, &s.id)
                    .unwrap(),
            ),
        )
        .await
        .unwrap();
    store.add_staff_role(&s.id, uai, role).await.unwrap();
    demo_login(app, username).await
}

/// A's pupils whose rows are A's alone: enrolled at A, external nowhere else, and whose
/// guardians have no pupil elsewhere (so changing them touches no other school's rows).
async fn own_students(app: &TestApp, a: &str, n: usize) -> Vec<String> {
    let db = &app.state.store.db;
    let externals: Vec<String> = student_external::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.student_id)
        .collect();
    let students = student::Entity::find().all(db).await.unwrap();
    let links = guardian_link::Entity::find().all(db).await.unwrap();
    let uai_of = |id: &str| {
        students
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.uai.clone())
            .unwrap_or_default()
    };
    let mut own: Vec<String> = students
        .iter()
        .filter(|s| s.uai == a && s.left_at.is_none() && !externals.contains(&s.id))
        .filter(|s| {
            links.iter().filter(|l| l.student_id == s.id).all(|l| {
                links
                    .iter()
                    .filter(|o| o.guardian_id == l.guardian_id)
                    .all(|o| uai_of(&o.student_id) == a)
            })
        })
        .map(|s| s.id.clone())
        .collect();
    own.sort();
    own.truncate(n);
    assert_eq!(own.len(), n, "{a} has {n} pupils of its own");
    own
}

/// Enrolled pupils of `b` and guardians linked to them.
async fn students_and_guardians(app: &TestApp, b: &str) -> (Vec<student::Model>, Vec<String>) {
    let db = &app.state.store.db;
    let mut students = student::Entity::find()
        .filter(student::Column::Uai.eq(b))
        .filter(student::Column::LeftAt.is_null())
        .all(db)
        .await
        .unwrap();
    students.sort_by(|x, y| x.id.cmp(&y.id));
    let ids: Vec<&String> = students.iter().map(|s| &s.id).collect();
    let mut guardians: Vec<String> = guardian_link::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| ids.contains(&&l.student_id))
        .map(|l| l.guardian_id)
        .collect();
    guardians.sort();
    guardians.dedup();
    assert!(
        students.len() > 10 && guardians.len() > 10,
        "{b} has pupils and guardians"
    );
    (students, guardians)
}

/// Sends `method path` with A's token and a JSON body (none for `null`), returning the status
/// and the body's text.
async fn send(app: &TestApp, method: &str, path: &str, token: &str, body: &Value) -> (u16, String) {
    let url = app.url(path);
    let req = match method {
        "GET" => app.http.get(url),
        "POST" => app.http.post(url),
        "PATCH" => app.http.patch(url),
        "PUT" => app.http.put(url),
        "DELETE" => app.http.delete(url),
        other => panic!("method {other}"),
    };
    let req = if body.is_null() { req } else { req.json(body) };
    let r = req.bearer_auth(token).send().await.expect("request");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

/// One attempt on B's records: the expected status, then B's snapshot is compared.
struct Attempt {
    what: String,
    method: &'static str,
    path: String,
    body: Value,
    expected: &'static [u16],
}

fn attempt(
    what: impl Into<String>,
    method: &'static str,
    path: String,
    body: Value,
    expected: &'static [u16],
) -> Attempt {
    Attempt {
        what: what.into(),
        method,
        path,
        body,
        expected,
    }
}

/// Runs each attempt with `token`, snapshotting B before and after each one; collects every
/// failure so one run names them all.
async fn run_attempts(app: &TestApp, token: &str, b: &str, attempts: Vec<Attempt>) {
    let mut failures = vec![];
    for a in attempts {
        let before = establishment_rows(app, b).await;
        let (status, text) = send(app, a.method, &a.path, token, &a.body).await;
        if !a.expected.contains(&status) {
            failures.push(format!(
                "{} ({} {}): expected {:?}, got {status}: {}",
                a.what,
                a.method,
                a.path,
                a.expected,
                text.chars().take(300).collect::<String>()
            ));
        }
        let after = establishment_rows(app, b).await;
        let changes = before.changes(&after);
        if !changes.is_empty() {
            let shown: Vec<&String> = changes.iter().take(10).collect();
            failures.push(format!(
                "{}: {} row(s) of {b} changed, e.g.\n{}",
                a.what,
                changes.len(),
                shown
                    .iter()
                    .map(|c| c.chars().take(400).collect::<String>())
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "cross-tenant failures:\n{}",
        failures.join("\n")
    );
}

const NOT_FOUND: &[u16] = &[404];

http_test! {
    /// The helper sees B's data and sees it change: the tests below could fail.
    async fn the_snapshot_holds_the_establishment_and_sees_a_change(app: TestApp) {
        load_demo(&app).await;
        let b = LP_UAI;
        let before = establishment_rows(&app, b).await;
        for table in ["establishments", "students", "guardians", "guardian_links", "accounts", "account_sources", "classes", "mefs", "notification_settings"] {
            assert!(!before.tables[table].is_empty(), "{table} of {b} is empty in the snapshot");
        }
        let (b_students, _) = students_and_guardians(&app, b).await;
        assert!(before.tables["students"].len() >= b_students.len(), "{}", before.tables["students"].len());
        // Nothing of another establishment: the collège's own pupils are not in it.
        let all = format!("{:?}", before.tables);
        for id in own_students(&app, PUBLIC_COLLEGE_UAI, 20).await {
            assert!(!all.contains(&id), "a pupil of the collège only is in the LP's snapshot");
        }

        // B's head legitimately resets one of B's pupils: the snapshot differs.
        let principal = demo_login(&app, "principal").await;
        let (students, _) = students_and_guardians(&app, b).await;
        let (status, text) = send(&app, "POST", &format!("/api/v1/establishments/{b}/students/reset-password"), &principal, &json!({"ids": [students[0].id]})).await;
        assert_eq!(status, 200, "{text}");
        let after = establishment_rows(&app, b).await;
        assert_ne!(before.tables["accounts"], after.tables["accounts"]);
        let changes = before.changes(&after);
        assert!(changes.iter().any(|c| c.contains(&students[0].id)), "the reset is not seen: {changes:?}");
        // A success audit event at B is a change too; a failure one is tolerated.
        let mut audited: Snapshot = before.clone();
        audited.audit.push(json!({"outcome": "success"}).to_string());
        assert_eq!(before.changes(&audited).len(), 1);
        let mut failed = before.clone();
        failed.audit.push(json!({"outcome": "failure"}).to_string());
        before.assert_unchanged(&failed, "a failure event");
    }
}

http_test! {
    async fn bulk_account_actions_never_reach_another_school(app: TestApp) {
        load_demo(&app).await;
        // A: the collège, its admin agent. B: the LP.
        let (a, b) = (PUBLIC_COLLEGE_UAI, LP_UAI);
        let agent = demo_login(&app, "agent").await;
        let own = own_students(&app, a, 2).await;
        let (b_students, b_guardians) = students_and_guardians(&app, b).await;
        // A family name of B that no pupil of A carries, for `all_matching`.
        let a_keys: Vec<String> = students_and_guardians(&app, a).await.0.into_iter().map(|s| s.family_key).collect();
        let lonely = b_students.iter().find(|s| !a_keys.contains(&s.family_key)).expect("a name only B has");
        let b_ids: Vec<&str> = b_students.iter().take(3).map(|s| s.id.as_str()).collect();
        let mixed: Vec<&str> = own.iter().map(String::as_str).chain(b_ids.iter().copied()).collect();
        let b_guardian_ids: Vec<&str> = b_guardians.iter().take(3).map(String::as_str).collect();
        let own_before: Vec<account::Model> = {
            let mut v = vec![];
            for id in &own { v.push(account_row(&app, id).await); }
            v
        };

        let mut attempts = vec![];
        for (pop, ids) in [("students", &b_ids), ("guardians", &b_guardian_ids)] {
            for (uai, scope) in [(a, "A's UAI"), (b, "B's UAI")] {
                attempts.push(attempt(format!("notify {pop} of B under {scope}"), "POST", format!("/api/v1/establishments/{uai}/{pop}/notify"), json!({"ids": ids, "channel": "letter", "reset_password": true}), NOT_FOUND));
                attempts.push(attempt(format!("reset {pop} of B under {scope}"), "POST", format!("/api/v1/establishments/{uai}/{pop}/reset-password"), json!({"ids": ids}), NOT_FOUND));
                attempts.push(attempt(format!("list {pop} of B under {scope}"), "POST", format!("/api/v1/establishments/{uai}/{pop}/list"), json!({"ids": ids, "format": "csv"}), NOT_FOUND));
            }
        }
        if let Some(g) = b_guardian_ids.first() {
            attempts.push(attempt("e-mail a guardian of B under A's UAI", "POST", format!("/api/v1/establishments/{a}/guardians/notify"), json!({"ids": [g], "channel": "email", "reset_password": true}), NOT_FOUND));
        }
        // A's own pupils with B's: refused as a whole.
        attempts.push(attempt("notify A's and B's pupils", "POST", format!("/api/v1/establishments/{a}/students/notify"), json!({"ids": mixed, "channel": "letter", "reset_password": true}), NOT_FOUND));
        attempts.push(attempt("reset A's and B's pupils", "POST", format!("/api/v1/establishments/{a}/students/reset-password"), json!({"ids": mixed}), NOT_FOUND));
        attempts.push(attempt("list A's and B's pupils", "POST", format!("/api/v1/establishments/{a}/students/list"), json!({"ids": mixed, "format": "pdf"}), NOT_FOUND));
        // A search for B's pupil under A's UAI selects nothing: a field error, nothing done.
        let filters = json!({"q": lonely.family_name});
        attempts.push(attempt("notify all matching B's pupil's name under A's UAI", "POST", format!("/api/v1/establishments/{a}/students/notify"), json!({"all_matching": filters, "channel": "letter", "reset_password": true}), &[422]));
        attempts.push(attempt("reset all matching B's pupil's name under A's UAI", "POST", format!("/api/v1/establishments/{a}/students/reset-password"), json!({"all_matching": filters}), &[422]));
        attempts.push(attempt("list all matching B's pupil's name under A's UAI", "POST", format!("/api/v1/establishments/{a}/students/list"), json!({"all_matching": filters, "format": "csv"}), &[422]));
        // The whole of B, asked under B's UAI.
        for pop in ["students", "external-students", "guardians"] {
            attempts.push(attempt(format!("notify all {pop} of B"), "POST", format!("/api/v1/establishments/{b}/{pop}/notify"), json!({"all_matching": {}, "channel": "letter", "reset_password": true}), NOT_FOUND));
            attempts.push(attempt(format!("reset all {pop} of B"), "POST", format!("/api/v1/establishments/{b}/{pop}/reset-password"), json!({"all_matching": {}}), NOT_FOUND));
            attempts.push(attempt(format!("list all {pop} of B"), "POST", format!("/api/v1/establishments/{b}/{pop}/list"), json!({"all_matching": {}, "format": "csv"}), NOT_FOUND));
        }
        run_attempts(&app, &agent, b, attempts).await;

        // The refused mixed requests left A's own pupils alone too.
        for before in &own_before {
            assert_eq!(&account_row(&app, &before.id).await, before, "A's own pupil changed by a refused request");
        }
        // The same actor does reach A's own pupils: the refusals above are about B.
        let (status, text) = send(&app, "POST", &format!("/api/v1/establishments/{a}/students/reset-password"), &agent, &json!({"ids": own})).await;
        assert_eq!(status, 200, "{text}");
        assert_ne!(account_row(&app, &own[0]).await, own_before[0]);
    }
}

http_test! {
    async fn single_account_writes_never_reach_another_school(app: TestApp) {
        load_demo(&app).await;
        // A: the LP, an admin agent of the LP only. B: the collège, whose Kévin Lemaire has a
        // stale identifier (regeneration would change it).
        let (a, b) = (LP_UAI, PUBLIC_COLLEGE_UAI);
        let agent_a = staff_of(&app, "agent-lp", a, Role::Agent).await;
        let (b_students, b_guardians) = students_and_guardians(&app, b).await;
        let kevin = STALE_IDENTIFIER_STUDENT_ID;
        assert!(b_students.iter().any(|s| s.id == kevin));
        let pupil = &b_students.iter().find(|s| s.id != kevin).unwrap().id;
        let guardian = &b_guardians[0];

        let mut attempts = vec![];
        for (uai, scope) in [(a, "A's UAI"), (b, "B's UAI")] {
            attempts.push(attempt(format!("edit the contact of B's pupil under {scope}"), "PATCH", format!("/api/v1/establishments/{uai}/students/{pupil}"), json!({"email": "pirate@example.org"}), NOT_FOUND));
            attempts.push(attempt(format!("edit the contact of B's guardian under {scope}"), "PATCH", format!("/api/v1/establishments/{uai}/guardians/{guardian}"), json!({"email": "pirate@example.org", "phone": "0600000000"}), NOT_FOUND));
            attempts.push(attempt(format!("read B's pupil under {scope}"), "GET", format!("/api/v1/establishments/{uai}/students/{pupil}"), Value::Null, NOT_FOUND));
            attempts.push(attempt(format!("regenerate B's identifier under {scope}"), "POST", format!("/api/v1/establishments/{uai}/accounts/{kevin}/regenerate-identifier"), Value::Null, NOT_FOUND));
        }
        run_attempts(&app, &agent_a, b, attempts).await;

        // B's head schedules Kévin's change; A cannot cancel it.
        let principal = demo_login(&app, "principal").await;
        let (status, text) = send(&app, "POST", &format!("/api/v1/establishments/{b}/accounts/{kevin}/regenerate-identifier"), &principal, &Value::Null).await;
        assert_eq!(status, 202, "{text}");
        assert!(account_row(&app, kevin).await.pending_identifier.is_some());
        let mut attempts = vec![];
        for (uai, scope) in [(a, "A's UAI"), (b, "B's UAI")] {
            attempts.push(attempt(format!("cancel B's identifier change under {scope}"), "DELETE", format!("/api/v1/establishments/{uai}/accounts/{kevin}/regenerate-identifier"), Value::Null, NOT_FOUND));
        }
        run_attempts(&app, &agent_a, b, attempts).await;
        assert!(account_row(&app, kevin).await.pending_identifier.is_some());
    }
}

// ---- Imports: A's agent posts a file naming a pupil enrolled at B. ----

async fn upload(
    app: &TestApp,
    token: &str,
    uai: &str,
    query: &str,
    files: &[(String, Vec<u8>)],
) -> (u16, Value) {
    let r = upload_import(app, token, uai, query, files).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The pupil of B the files will name: enrolled (not left), with an INE, a birth date and
/// guardians.
async fn enrolled_pupil_of(app: &TestApp, b: &str) -> student::Model {
    let (students, _) = students_and_guardians(app, b).await;
    let links = guardian_link::Entity::find()
        .all(&app.state.store.db)
        .await
        .unwrap();
    students
        .into_iter()
        .find(|s| {
            s.ine.is_some()
                && s.birth_date.is_some()
                && s.source_id.is_some()
                && links.iter().any(|l| l.student_id == s.id)
        })
        .expect("an enrolled pupil of B with an INE and guardians")
}

/// How the server must answer a file naming B's enrolled pupil.
#[derive(Clone, Copy, PartialEq)]
enum Crossing {
    /// The row matches B's pupil (by INE): the preview names the row as refused (« INE déjà
    /// utilisé par un élève scolarisé dans un autre établissement »), and the apply either
    /// refuses the file (422) or applies it without that row, listing the same problem.
    Refused,
    /// The format carries no INE: the row may be refused like that, or not be matched to B's
    /// pupil at all (a new pupil of A); either way B's pupil stays B's.
    RefusedOrUnmatched,
}

/// Posts `files` as A's agent, preview then apply (`dry_run=false`, mass leave allowed so
/// that only the crossing can stop it), and checks B is unchanged throughout.
async fn import_must_not_cross(
    app: &TestApp,
    source: &str,
    files: Vec<(String, Vec<u8>)>,
    pupil: &student::Model,
    expect: Crossing,
) {
    let (a, b) = (PUBLIC_COLLEGE_UAI, LP_UAI);
    let agent = demo_login(app, "agent").await;
    let before = establishment_rows(app, b).await;
    let (preview_status, preview) = upload(
        app,
        &agent,
        a,
        &format!("source={source}&dry_run=true&allow_mass_leave=true"),
        &files,
    )
    .await;
    let blocking = preview["problems"]
        .as_array()
        .is_some_and(|p| p.iter().any(|p| p["fatal"] == true));
    let names_the_row = |report: &serde_json::Value| {
        report["problems"].as_array().is_some_and(|p| {
            p.iter().any(|p| {
                p["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("INE déjà utilisé"))
            })
        })
    };
    let row_refused = preview_status == 200 && names_the_row(&preview);
    let refused_preview =
        preview_status == 422 || (preview_status == 200 && blocking) || row_refused;
    let after_preview = establishment_rows(app, b).await;
    let (status, applied) = upload(
        app,
        &agent,
        a,
        &format!("source={source}&dry_run=false&allow_mass_leave=true"),
        &files,
    )
    .await;
    let after = establishment_rows(app, b).await;
    let still_at_b = student::Entity::find_by_id(pupil.id.clone())
        .one(&app.state.store.db)
        .await
        .unwrap();
    before.assert_unchanged(
        &after_preview,
        &format!("{source} preview by {a}'s agent naming {b}'s pupil"),
    );
    before.assert_unchanged(
        &after,
        &format!("{source} import by {a}'s agent naming {b}'s pupil"),
    );
    assert_eq!(
        still_at_b.as_ref().map(|s| s.uai.as_str()),
        Some(b),
        "{source}: B's pupil moved"
    );
    match expect {
        Crossing::Refused => {
            assert!(
                refused_preview,
                "{source}: the preview of a file naming {} (INE {:?}), enrolled at {b}, must carry a blocking problem; got {preview_status} {preview}",
                pupil.id, pupil.ine
            );
            assert!(
                status == 422 || (status == 200 && names_the_row(&applied)),
                "{source}: applying a file naming a pupil enrolled at {b} must refuse that row; got {status} {applied}"
            );
        }
        Crossing::RefusedOrUnmatched => {
            assert!(
                (refused_preview && (status == 422 || names_the_row(&applied)))
                    || (!refused_preview && status == 200),
                "{source}: preview {preview_status} (blocking: {blocking}) then apply {status}: {applied}"
            );
        }
    }
}

http_test! {
    /// The review's exploit: a one-line Sésame CSV carrying the INE of an LP pupil.
    async fn a_csv_import_cannot_take_a_pupil_of_another_school(app: TestApp) {
        load_demo(&app).await;
        let pupil = enrolled_pupil_of(&app, LP_UAI).await;
        let header = "eleve_id;ine;nom;nom_usage;prenom;date_naissance;classe;groupes;mef_code;mef_libelle;date_sortie;resp1_id;resp1_nom;resp1_nom_usage;resp1_prenom;resp1_civilite;resp1_lien;resp1_legal;resp1_courriel;resp1_telephone;resp2_id;resp2_nom;resp2_nom_usage;resp2_prenom;resp2_civilite;resp2_lien;resp2_legal;resp2_courriel;resp2_telephone";
        let row = format!("PIRATE1;{};Pirate;;Jean;01/01/2010;3EME1;;;;;;;;;;;;;;;;;;;;;;", pupil.ine.as_deref().unwrap());
        let files = vec![("eleves.csv".to_owned(), format!("{header}\n{row}\n").into_bytes())];
        import_must_not_cross(&app, "csv", files, &pupil, Crossing::Refused).await;
    }
}

http_test! {
    /// The LP's own SIECLE fixture, relabelled as the collège's export, with one pupil's INE
    /// replaced by the INE of a pupil enrolled at the LP.
    async fn a_siecle_import_cannot_take_a_pupil_of_another_school(app: TestApp) {
        load_demo(&app).await;
        let pupil = enrolled_pupil_of(&app, LP_UAI).await;
        let mut files = vec![];
        for name in ["ElevesSansAdresses.xml", "ResponsablesAvecAdresses.xml", "Nomenclature.xml"] {
            let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture");
            // ISO-8859-15 files: the replaced text is ASCII, so a byte-level replace is safe.
            let mut text: Vec<u8> = replace_bytes(&bytes, LP_UAI.as_bytes(), PUBLIC_COLLEGE_UAI.as_bytes());
            if name.starts_with("Eleves") {
                let marker = b"<ID_NATIONAL>070803414BC</ID_NATIONAL>";
                assert!(text.windows(marker.len()).any(|w| w == marker), "fixture changed");
                text = replace_bytes(&text, marker, format!("<ID_NATIONAL>{}</ID_NATIONAL>", pupil.ine.as_deref().unwrap()).as_bytes());
            }
            files.push((name.to_owned(), text));
        }
        import_must_not_cross(&app, "siecle", files, &pupil, Crossing::Refused).await;
    }
}

http_test! {
    /// An ONDE file (no INE there) naming B's pupil by his source id, names and birth date:
    /// refused, or a new pupil of A; never B's pupil taken.
    async fn an_onde_import_cannot_take_a_pupil_of_another_school(app: TestApp) {
        load_demo(&app).await;
        let pupil = enrolled_pupil_of(&app, LP_UAI).await;
        let fixture = std::fs::read(format!("{FIXTURES}/onde_export.csv")).expect("fixture");
        let header = fixture.split(|b| *b == b'\n').next().unwrap().to_vec();
        let birth = pupil.birth_date.unwrap().format("%d/%m/%Y");
        let row = format!(
            "{};{};{};{birth};6EME1;6EME;30;;;;;;;;;;;;",
            pupil.source_id.as_deref().unwrap(),
            pupil.family_name,
            pupil.first_name
        );
        let mut text = header;
        text.push(b'\n');
        // The fixture is ISO-8859-15: write the names the same way.
        text.extend(row.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')));
        text.push(b'\n');
        import_must_not_cross(&app, "onde", vec![("onde.csv".to_owned(), text)], &pupil, Crossing::RefusedOrUnmatched).await;
    }
}

fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

http_test! {
    async fn ent_directory_writes_never_reach_another_school(app: TestApp) {
        load_demo(&app).await;
        // A: the collège, an ENT administrator of it only. B: the demo primary school.
        let (a, b) = (PUBLIC_COLLEGE_UAI, PRIMARY_SCHOOL_UAI);
        let ent_a = staff_of(&app, "ent-clg", a, Role::EntAdmin).await;
        let ent_b = demo_login(&app, "ent-admin").await;
        let db = &app.state.store.db;
        let mut b_users: Vec<ent_user::Model> = ent_user::Entity::find().filter(ent_user::Column::Uai.eq(b)).all(db).await.unwrap();
        b_users.sort_by(|x, y| x.id.cmp(&y.id));
        assert!(b_users.len() > 3, "B has ENT users");
        let target = b_users[0].id.clone();
        // B's administrator blocks one of B's users, for A to try to unblock.
        let blocked = b_users[1].id.clone();
        let (status, text) = send(&app, "POST", &format!("/api/v1/ent/establishments/{b}/users/{blocked}/block"), &ent_b, &Value::Null).await;
        assert_eq!(status, 200, "{text}");
        // A's own ENT user, to mix with B's.
        let (status, text) = send(&app, "POST", &format!("/api/v1/ent/establishments/{a}/users"), &ent_a, &json!({"family_name": "Durand", "first_name": "Léa", "profile": "Élève"})).await;
        assert_eq!(status, 201, "{text}");
        let own: Value = serde_json::from_str(&text).unwrap();
        let own = own["user"]["id"].as_str().expect("created user id").to_owned();
        let own_before = ent_user::Entity::find_by_id(own.clone()).one(db).await.unwrap().unwrap();
        let (status, text) = send(&app, "GET", &format!("/api/v1/ent/establishments/{b}/groups"), &ent_b, &Value::Null).await;
        assert_eq!(status, 200, "{text}");
        let b_group = first_group_id(&serde_json::from_str(&text).unwrap()).expect("B has ENT groups");
        let a_users_before = ent_user::Entity::find().filter(ent_user::Column::Uai.eq(a)).all(db).await.unwrap().len();

        let mut attempts = vec![];
        for (uai, scope) in [(a, "A's UAI"), (b, "B's UAI")] {
            attempts.push(attempt(format!("regenerate B's ENT password under {scope}"), "POST", format!("/api/v1/ent/establishments/{uai}/users/regenerate-password"), json!({"ids": [target]}), NOT_FOUND));
            attempts.push(attempt(format!("block B's ENT user under {scope}"), "POST", format!("/api/v1/ent/establishments/{uai}/users/{target}/block"), Value::Null, NOT_FOUND));
            attempts.push(attempt(format!("unblock B's ENT user under {scope}"), "POST", format!("/api/v1/ent/establishments/{uai}/users/{blocked}/unblock"), Value::Null, NOT_FOUND));
        }
        attempts.push(attempt("regenerate A's and B's ENT passwords", "POST", format!("/api/v1/ent/establishments/{a}/users/regenerate-password"), json!({"ids": [own, target]}), NOT_FOUND));
        attempts.push(attempt("regenerate every ENT user of B", "POST", format!("/api/v1/ent/establishments/{b}/users/regenerate-password"), json!({"all_matching": {}}), NOT_FOUND));
        attempts.push(attempt("create an ENT user at B", "POST", format!("/api/v1/ent/establishments/{b}/users"), json!({"family_name": "Pirate", "first_name": "Jean", "profile": "Élève"}), NOT_FOUND));
        // Searches under A's UAI for B's users select none of them (an empty selection or a
        // field error), and B's group is an unknown group of A.
        let b_name = b_users.iter().map(|u| u.family_name.clone()).find(|n| n != "Durand").unwrap();
        attempts.push(attempt(
            "regenerate all matching B's user's name under A's UAI",
            "POST",
            format!("/api/v1/ent/establishments/{a}/users/regenerate-password"),
            json!({"all_matching": {"family_name": b_name}}),
            &[200, 422],
        ));
        attempts.push(attempt(
            "regenerate all members of B's group under A's UAI",
            "POST",
            format!("/api/v1/ent/establishments/{a}/users/regenerate-password"),
            json!({"all_matching": {"group": b_group}}),
            &[404, 422],
        ));
        // A group of B named in a creation at A: an unknown group of A.
        attempts.push(attempt("create an ENT user at A in B's group", "POST", format!("/api/v1/ent/establishments/{a}/users"), json!({"family_name": "Pirate", "first_name": "Jean", "profile": "Élève", "groups": [b_group]}), &[404, 422]));
        run_attempts(&app, &ent_a, b, attempts).await;

        assert_eq!(ent_user::Entity::find_by_id(own.clone()).one(db).await.unwrap().unwrap(), own_before, "A's own ENT user changed by a refused request");
        let a_users_after = ent_user::Entity::find().filter(ent_user::Column::Uai.eq(a)).all(db).await.unwrap().len();
        assert_eq!(a_users_after, a_users_before, "a refused creation created a user at A");
        // The same actor does regenerate A's own user.
        let (status, text) = send(&app, "POST", &format!("/api/v1/ent/establishments/{a}/users/regenerate-password"), &ent_a, &json!({"ids": [own]})).await;
        assert_eq!(status, 200, "{text}");
    }
}

fn first_group_id(node: &Value) -> Option<String> {
    if let Some(id) = node["id"]
        .as_str()
        .filter(|_| node["kind"] != "establishment" && node["kind"] != "folder")
    {
        return Some(id.to_owned());
    }
    node["children"].as_array()?.iter().find_map(first_group_id)
}

http_test! {
    async fn delegations_never_reach_another_school(app: TestApp) {
        load_demo(&app).await;
        // A: the collège, a head of it only. B: the LP, where its head delegates to the teacher.
        let (a, b) = (PUBLIC_COLLEGE_UAI, LP_UAI);
        let principal = demo_login(&app, "principal").await;
        let (status, text) = send(&app, "POST", &format!("/api/v1/establishments/{b}/delegations"), &principal, &json!({"username": "teacher", "module": "troubleshooting"})).await;
        assert_eq!(status, 201, "{text}");
        let b_delegation = serde_json::from_str::<Value>(&text).unwrap()["id"].as_str().expect("delegation id").to_owned();
        let head_a = staff_of(&app, "head-clg", a, Role::Head).await;

        let attempts = vec![
            attempt("grant a delegation at B", "POST", format!("/api/v1/establishments/{b}/delegations"), json!({"username": "agent", "module": "admin"}), NOT_FOUND),
            attempt("revoke B's delegation under A's UAI", "DELETE", format!("/api/v1/establishments/{a}/delegations/{b_delegation}"), Value::Null, NOT_FOUND),
            attempt("revoke B's delegation under B's UAI", "DELETE", format!("/api/v1/establishments/{b}/delegations/{b_delegation}"), Value::Null, NOT_FOUND),
        ];
        run_attempts(&app, &head_a, b, attempts).await;
        // The same head does manage A's delegations.
        let (status, text) = send(&app, "POST", &format!("/api/v1/establishments/{a}/delegations"), &head_a, &json!({"username": "ent-admin", "module": "troubleshooting"})).await;
        assert_eq!(status, 201, "{text}");
    }
}

http_test! {
    /// The troubleshooting module's view of a student is the dépannage screen's: no guardian, no
    /// contact data beyond the e-mail (issue 10, §3).
    async fn the_delegated_teacher_reads_no_guardian_in_a_student_detail(app: TestApp) {
        load_demo(&app).await;
        let uai = PUBLIC_COLLEGE_UAI;
        let agent = demo_login(&app, "agent").await;
        let teacher = demo_login(&app, "teacher").await;
        let own = own_students(&app, uai, 50).await;
        let links = guardian_link::Entity::find().all(&app.state.store.db).await.unwrap();
        let pupil = own.iter().find(|s| links.iter().filter(|l| &&l.student_id == s).count() >= 2).expect("a pupil with two guardians");
        let path = format!("/api/v1/establishments/{uai}/students/{pupil}");
        // The admin module sees the guardians: they exist.
        let (status, text) = send(&app, "GET", &path, &agent, &Value::Null).await;
        assert_eq!(status, 200, "{text}");
        let full: Value = serde_json::from_str(&text).unwrap();
        let guardians = full["guardians"].as_array().expect("guardians for the admin module").clone();
        assert!(guardians.len() >= 2, "{full}");

        let (status, text) = send(&app, "GET", &path, &teacher, &Value::Null).await;
        assert_eq!(status, 200, "{text}");
        let seen: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(seen["id"], full["id"]);
        let mut leaks = vec![];
        for field in ["guardians", "students"] {
            if seen[field].as_array().is_some_and(|a| !a.is_empty()) {
                leaks.push(format!("`{field}` is not empty"));
            }
        }
        if !seen["phone"].is_null() {
            leaks.push("`phone` is shown".to_owned());
        }
        // Nothing that names a guardian anywhere in the answer, whatever the field.
        for g in &guardians {
            for key in ["id", "identifier"] {
                if let Some(v) = g[key].as_str() {
                    if text.contains(v) {
                        leaks.push(format!("guardian {key} {v} appears"));
                    }
                }
            }
        }
        assert!(leaks.is_empty(), "the troubleshooting module reads guardians: {}\n{seen}", leaks.join("; "));
    }
}
