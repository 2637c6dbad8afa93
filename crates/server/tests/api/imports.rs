//! Data feeds through HTTP: SIECLE, ONDE and Sésame CSV uploads, previewed then applied, on
//! both engines. Fixture files are the parser crate's (`crates/imports/tests/fixtures`).

use crate::common::*;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::Value;
use sesame_store::entities::{
    account, account_source, audit_event, class, establishment, guardian, guardian_link, mef,
    student,
};

const SIECLE: [&str; 3] = [
    "ElevesSansAdresses.xml",
    "ResponsablesAvecAdresses.xml",
    "Nomenclature.xml",
];

fn fixture(name: &str) -> (String, Vec<u8>) {
    let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture");
    (name.to_owned(), bytes)
}

async fn import_ok(app: &TestApp, token: &str, query: &str, files: &[(String, Vec<u8>)]) -> Value {
    let r = upload_import(app, token, LP, query, files).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// Every row an import may touch, in a stable order: equal snapshots mean nothing changed.
async fn snapshot(app: &TestApp) -> Vec<String> {
    let db = &app.state.store.db;
    let mut rows: Vec<String> = Vec::new();
    macro_rules! dump {
        ($entity:ident, $order:expr) => {
            rows.extend(
                $entity::Entity::find()
                    .order_by_asc($order)
                    .all(db)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| format!("{r:?}")),
            );
        };
    }
    dump!(account, account::Column::Id);
    dump!(student, student::Column::Id);
    dump!(guardian, guardian::Column::Id);
    dump!(account_source, account_source::Column::Id);
    dump!(class, class::Column::Id);
    dump!(mef, mef::Column::Id);
    let mut links: Vec<String> = guardian_link::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    links.sort();
    rows.extend(links);
    rows
}

fn siecle_files() -> Vec<(String, Vec<u8>)> {
    SIECLE.iter().map(|f| fixture(f)).collect()
}

/// The report without what legitimately differs between a preview and the import itself.
fn comparable(report: &Value) -> Value {
    let mut r = report.clone();
    for key in ["dry_run", "applied", "data_updated_at"] {
        r.as_object_mut().unwrap().remove(key);
    }
    r
}

async fn student_by_source(app: &TestApp, source_id: &str) -> student::Model {
    student::Entity::find()
        .all(&app.state.store.db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.source_id.as_deref() == Some(source_id))
        .unwrap_or_else(|| panic!("no student {source_id}"))
}

http_test! {
    async fn a_siecle_preview_is_what_the_import_does_and_a_second_import_changes_nothing(app: TestApp) {
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        let before = snapshot(&app).await;

        let preview = import_ok(&app, &token, "source=siecle&dry_run=true", &siecle_files()).await;
        assert_eq!(preview["applied"], false);
        assert_eq!(snapshot(&app).await, before, "a dry run changed the database");
        assert!(preview["students"]["created"].as_u64().unwrap() >= 4, "{preview}");
        assert!(preview["guardians"]["created"].as_u64().unwrap() >= 3, "{preview}");
        // Problems keep the import going but are listed with their file and line.
        let problems = preview["problems"].as_array().unwrap();
        assert!(
            problems.iter().any(|p| p["file"] == "ElevesSansAdresses.xml" && p["line"].is_u64()),
            "{preview}"
        );

        let applied = import_ok(&app, &token, "source=siecle", &siecle_files()).await;
        assert_eq!(applied["applied"], true);
        assert_eq!(comparable(&applied), comparable(&preview), "the preview announced something else");

        // Accents from ISO-8859-15 (œ is 0xBD there, not in ISO-8859-1), compound names.
        let students = student::Entity::find().all(&app.state.store.db).await.unwrap();
        let names: Vec<String> = students.iter().map(|s| format!("{} {}", s.family_name, s.first_name)).collect();
        assert!(names.iter().any(|n| n.contains("Éloïse")), "{names:?}");
        assert!(names.iter().any(|n| n.contains("Cœur") || n.contains("Œ")), "{names:?}");
        assert!(names.iter().any(|n| n.contains('-') || n.contains('\'')), "{names:?}");
        // Every student's account carries its establishment (searches rely on it).
        let accounts = account::Entity::find().all(&app.state.store.db).await.unwrap();
        for s in &students {
            let acc = accounts.iter().find(|a| a.id == s.id).expect("account");
            assert_eq!(acc.home_uai.as_deref(), Some(s.uai.as_str()));
            assert_eq!(acc.state, "not_notified");
            assert!(acc.identifier.chars().any(|c| c.is_ascii_digit()), "{}", acc.identifier);
        }
        // A guardian linked to two students: one account, two links.
        let links = guardian_link::Entity::find().all(&app.state.store.db).await.unwrap();
        assert!(
            links.iter().any(|l| links.iter().filter(|m| m.guardian_id == l.guardian_id).count() == 2),
            "no guardian with two children: {links:?}"
        );
        // Names are kept per source: what identifier regeneration compares.
        let sources = account_source::Entity::find().all(&app.state.store.db).await.unwrap();
        for s in &students {
            let row = sources.iter().find(|r| r.account_id == s.id && r.source == "SIECLE").expect("SIECLE names");
            assert_eq!(row.first_name, s.first_name);
            assert_eq!(row.source_id, s.source_id);
        }
        // The refresh date is set, and the import is in the journal.
        let est = establishment::Entity::find_by_id(LP.to_owned()).one(&app.state.store.db).await.unwrap().unwrap();
        assert!(est.data_updated_at.is_some());
        assert_eq!(
            applied["data_updated_at"].as_str().map(|s| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap()),
            est.data_updated_at
        );
        let audit = audit_event::Entity::find().all(&app.state.store.db).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "import.apply" && e.uai.as_deref() == Some(LP)), "{audit:?}");

        let after_first = snapshot(&app).await;
        let again = import_ok(&app, &token, "source=siecle", &siecle_files()).await;
        assert_eq!(again["changes_total"], 0, "{again}");
        assert_eq!(again["students"]["created"], 0);
        assert_eq!(again["students"]["updated"], 0);
        assert_eq!(again["links_created"], 0);
        assert_eq!(again["links_removed"], 0);
        assert_eq!(snapshot(&app).await, after_first, "re-importing the same files changed rows");
    }
}

http_test! {
    async fn a_bad_file_changes_nothing_and_says_where(app: TestApp) {
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        import_ok(&app, &token, "source=siecle", &siecle_files()).await;
        let before = snapshot(&app).await;

        // Truncated XML: refused whole, the file and line named.
        let r = upload_import(&app, &token, LP, "source=siecle", &[fixture("ElevesTronque.xml")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
        let p: Value = r.json().await.unwrap();
        let field = p["errors"][0]["field"].as_str().unwrap();
        assert!(field.starts_with("ElevesTronque.xml, ligne "), "{p}");

        // Another establishment's export.
        let r = upload_import(&app, &token, LP, "source=siecle", &[fixture("NomenclatureAutreEtablissement.xml")]).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("0180006J"), "{p}");

        // A good file next to a bad one: still nothing.
        let mut mixed = siecle_files();
        mixed.push(fixture("ElevesTronque.xml"));
        assert_eq!(upload_import(&app, &token, LP, "source=siecle", &mixed).await.status(), 422);

        // Bad requests name their field.
        let r = upload_import(&app, &token, LP, "source=excel", &siecle_files()).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "source");
        let r = upload_import(&app, &token, LP, "source=csv", &[]).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "files");
        let r = app
            .http
            .post(app.url(&format!("/api/v1/establishments/{LP}/imports?source=csv")))
            .bearer_auth(&token)
            .header("Content-Type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());

        assert_eq!(snapshot(&app).await, before);
    }
}

const CSV_HEADER: &str = "eleve_id;ine;nom;nom_usage;prenom;date_naissance;classe;groupes;mef_code;mef_libelle;date_sortie;resp1_id;resp1_nom;resp1_nom_usage;resp1_prenom;resp1_civilite;resp1_lien;resp1_legal;resp1_courriel;resp1_telephone;resp2_id;resp2_nom;resp2_nom_usage;resp2_prenom;resp2_civilite;resp2_lien;resp2_legal;resp2_courriel;resp2_telephone";

fn csv(rows: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut text = String::from(CSV_HEADER);
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    vec![("eleves.csv".to_owned(), text.into_bytes())]
}

const ANNA: &str = "C1;1111111111A;Dubois;;Anna;01/02/2012;5A;;;;;G1;Dubois;;Marc;M.;Père;oui;marc.dubois@example.org;;;;;;;;;;";
const BASILE: &str = "C2;2222222222B;Dubois;;Basile;03/04/2014;CM2;;;;;G1;Dubois;;Marc;M.;Père;oui;marc.dubois@example.org;;;;;;;;;;";
const CHLOE: &str = "C3;3333333333C;N'Diaye;;Chloé;05/06/2012;5B;;;;;G2;N'Diaye;;Awa;Mme;Mère;oui;;06 12 34 56 78;;;;;;;;;";

http_test! {
    async fn leavers_keep_their_accounts_and_come_back_the_same(app: TestApp) {
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        import_ok(&app, &token, "source=csv", &csv(&[ANNA, BASILE, CHLOE])).await;
        let chloe = student_by_source(&app, "C3").await;
        let identifier = account::Entity::find_by_id(chloe.id.clone()).one(&app.state.store.db).await.unwrap().unwrap().identifier;

        // Chloé is absent from the next full export: she left, her account stays.
        let r = import_ok(&app, &token, "source=csv", &csv(&[ANNA, BASILE])).await;
        assert_eq!(r["students"]["left"], 1, "{r}");
        assert_eq!(r["changes"][0]["action"], "leave");
        let left = student_by_source(&app, "C3").await;
        assert!(left.left_at.is_some());
        let acc = account::Entity::find_by_id(chloe.id.clone()).one(&app.state.store.db).await.unwrap();
        assert_eq!(acc.map(|a| a.identifier), Some(identifier.clone()));
        // Still left on the next import: not counted again.
        let r = import_ok(&app, &token, "source=csv", &csv(&[ANNA, BASILE])).await;
        assert_eq!(r["changes_total"], 0, "{r}");

        // She comes back (same id): same account, no longer left.
        let r = import_ok(&app, &token, "source=csv", &csv(&[ANNA, BASILE, CHLOE])).await;
        assert_eq!(r["students"]["updated"], 1, "{r}");
        assert_eq!(r["students"]["created"], 0, "{r}");
        let back = student_by_source(&app, "C3").await;
        assert_eq!(back.id, chloe.id);
        assert!(back.left_at.is_none());

        // A leaving date in the past marks the student as left too.
        let gone = ANNA.replace(";;;;;G1;", ";;;;01/09/2025;G1;");
        let r = import_ok(&app, &token, "source=csv", &csv(&[&gone, BASILE, CHLOE])).await;
        assert_eq!(r["students"]["left"], 1, "{r}");
        assert!(student_by_source(&app, "C1").await.left_at.is_some());
    }
}

http_test! {
    async fn identity_is_the_source_id_then_the_ine_never_the_name(app: TestApp) {
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        import_ok(&app, &token, "source=csv", &csv(&[ANNA, BASILE])).await;
        let anna = student_by_source(&app, "C1").await;

        // Same INE under a new source id and a new name (marriage, typo fixed): same person.
        let renamed = ANNA.replace("C1;1111111111A;Dubois;;Anna", "X9;1111111111A;Dubois-Martin;;Anna");
        let r = import_ok(&app, &token, "source=csv", &csv(&[&renamed, BASILE])).await;
        assert_eq!(r["students"]["created"], 0, "{r}");
        assert_eq!(r["students"]["updated"], 1, "{r}");
        let moved = student_by_source(&app, "X9").await;
        assert_eq!(moved.id, anna.id);
        assert_eq!(moved.family_name, "Dubois-Martin");
        let siecle_names = account_source::Entity::find().all(&app.state.store.db).await.unwrap();
        let row = siecle_names.iter().find(|s| s.account_id == anna.id && s.source == "SESAME").unwrap();
        assert_eq!(row.family_name, "Dubois-Martin");

        // Same name, other ids: another person with their own account.
        let namesake = "Z1;9999999999Z;Dubois;;Basile;03/04/2014;CM2;;;;;;;;;;;;;;;;;;;;;;";
        let r = import_ok(&app, &token, "source=csv", &csv(&[&renamed, BASILE, namesake])).await;
        assert_eq!(r["students"]["created"], 1, "{r}");
        let a = student_by_source(&app, "C2").await;
        let b = student_by_source(&app, "Z1").await;
        assert_ne!(a.id, b.id);
        let ids: Vec<String> = account::Entity::find().all(&app.state.store.db).await.unwrap().into_iter()
            .filter(|x| x.id == a.id || x.id == b.id).map(|x| x.identifier).collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1], "two accounts with one identifier");
    }
}

http_test! {
    async fn onde_siblings_share_one_guardian(app: TestApp) {
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        let r = import_ok(&app, &token, "source=onde", &[fixture("onde_export.csv")]).await;
        assert!(r["students"]["created"].as_u64().unwrap() >= 2, "{r}");
        // The fixture's unknown column is reported, not fatal.
        assert!(r["problems"].as_array().unwrap().iter().any(|p| p["fatal"] == false), "{r}");
        let links = guardian_link::Entity::find().all(&app.state.store.db).await.unwrap();
        let guardians = guardian::Entity::find().all(&app.state.store.db).await.unwrap();
        let helene = guardians.iter().find(|g| g.first_name == "Hélène").expect("Hélène");
        assert_eq!(links.iter().filter(|l| l.guardian_id == helene.id).count(), 2, "{links:?}");
        let again = import_ok(&app, &token, "source=onde", &[fixture("onde_export.csv")]).await;
        assert_eq!(again["changes_total"], 0, "{again}");
    }
}

http_test! {
    async fn only_the_head_and_agents_of_the_establishment_import(app: TestApp) {
        seed_basic(&app).await;
        let head = login(&app, "head").await;
        let teacher = login(&app, "teacher").await;
        // The teacher's establishment, but the troubleshooting module: forbidden.
        let r = upload_import(&app, &teacher, COLLEGE, "source=csv", &csv(&[ANNA])).await;
        assert_eq!(r.status(), 403);
        // Another establishment answers like an unknown one.
        let r = upload_import(&app, &head, COLLEGE, "source=csv&dry_run=true", &csv(&[ANNA])).await;
        assert_eq!(r.status(), 404);
        let r = upload_import(&app, &head, "0000000A", "source=csv&dry_run=true", &csv(&[ANNA])).await;
        assert_eq!(r.status(), 404);
        let r = app
            .http
            .post(app.url(&format!("/api/v1/establishments/{LP}/imports?source=csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
}

http_test! {
    async fn the_csv_template_downloads_and_imports_cleanly(app: TestApp) {
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        let r = app.get("/api/v1/imports/template.csv", None).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let template = r.bytes().await.unwrap().to_vec();
        let report = import_ok(&app, &token, "source=csv&dry_run=true", &[("modele.csv".to_owned(), template)]).await;
        assert_eq!(report["students"]["created"], 2, "{report}");
        assert!(report["problems"].as_array().unwrap().iter().all(|p| p["fatal"] == false));
    }
}

/// A head for the collège (the basic seed's head is the LP's), TOTP enrolled like her.
async fn college_head(app: &TestApp) -> String {
    use sesame_core::permissions::Role;
    use sesame_store::repo::staff::NewStaff;
    let store = &app.state.store;
    let staff = store
        .create_staff(NewStaff {
            username: "clg-head",
            display_name: "M. Louis Perrin",
            password_hash: app.state.hasher.hash(PASSWORD).unwrap(),
            totp_secret_enc: None,
        })
        .await
        .unwrap();
    store
        .set_staff_totp(
            &staff.id,
            Some(app.state.secrets.seal(TOTP_SECRET, &staff.id).unwrap()),
        )
        .await
        .unwrap();
    store
        .add_staff_role(&staff.id, COLLEGE, Role::Head)
        .await
        .unwrap();
    login(app, "clg-head").await
}

/// Every row that belongs to establishment `uai`'s pupils, in full: the students, their
/// accounts, their guardians and the guardians' accounts, the links and the per-source names.
/// Equal snapshots mean the import did not touch that establishment's people.
async fn establishment_rows(app: &TestApp, uai: &str) -> Vec<String> {
    let db = &app.state.store.db;
    let students: Vec<student::Model> = student::Entity::find()
        .order_by_asc(student::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.uai == uai)
        .collect();
    let student_ids: std::collections::HashSet<String> =
        students.iter().map(|s| s.id.clone()).collect();
    let mut links: Vec<guardian_link::Model> = guardian_link::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| student_ids.contains(&l.student_id))
        .collect();
    links.sort_by(|a, b| (&a.guardian_id, &a.student_id).cmp(&(&b.guardian_id, &b.student_id)));
    let guardian_ids: std::collections::HashSet<String> =
        links.iter().map(|l| l.guardian_id.clone()).collect();
    let mut rows: Vec<String> = students.iter().map(|r| format!("{r:?}")).collect();
    rows.extend(links.iter().map(|r| format!("{r:?}")));
    rows.extend(
        guardian::Entity::find()
            .order_by_asc(guardian::Column::Id)
            .all(db)
            .await
            .unwrap()
            .iter()
            .filter(|g| guardian_ids.contains(&g.id))
            .map(|r| format!("{r:?}")),
    );
    let people = |id: &String| student_ids.contains(id) || guardian_ids.contains(id);
    rows.extend(
        account::Entity::find()
            .order_by_asc(account::Column::Id)
            .all(db)
            .await
            .unwrap()
            .iter()
            .filter(|a| people(&a.id))
            .map(|r| format!("{r:?}")),
    );
    rows.extend(
        account_source::Entity::find()
            .order_by_asc(account_source::Column::Id)
            .all(db)
            .await
            .unwrap()
            .iter()
            .filter(|s| people(&s.account_id))
            .map(|r| format!("{r:?}")),
    );
    assert!(
        !students.is_empty(),
        "no pupil at {uai}: the snapshot would prove nothing"
    );
    rows
}

async fn upload_to(
    app: &TestApp,
    token: &str,
    uai: &str,
    query: &str,
    files: &[(String, Vec<u8>)],
) -> Value {
    let r = upload_import(app, token, uai, query, files).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

const ENROLLED_ELSEWHERE: &str =
    "INE déjà utilisé par un élève scolarisé dans un autre établissement";

http_test! {
    async fn the_ine_of_a_pupil_enrolled_elsewhere_is_refused_for_that_row(app: TestApp) {
        seed_basic(&app).await;
        let lp = login(&app, "head").await;
        let clg = college_head(&app).await;
        import_ok(&app, &lp, "source=csv", &csv(&[ANNA, BASILE, CHLOE])).await;
        let lp_before = establishment_rows(&app, LP).await;

        // The review's attack: Anna's INE (enrolled at the LP), a new name, her father's
        // guardian id; and beside it an honest new pupil whose guardian happens to carry the
        // id of a guardian of the LP (ids are per school database).
        let pirate = "P1;1111111111A;Pirate;;Jean;01/01/2012;6A;;;;;G1;Pirate;;Marc;M.;Père;oui;pirate@example.org;;;;;;;;;;";
        let nina = "N1;5555555555N;Neuf;;Nina;02/02/2012;6A;;;;;G2;Neuf;;Paul;M.;Père;oui;paul.neuf@example.org;;;;;;;;;;";
        let files = csv(&[pirate, nina]);
        for query in ["source=csv&dry_run=true", "source=csv"] {
            let report = upload_to(&app, &clg, COLLEGE, query, &files).await;
            let problems = report["problems"].as_array().unwrap();
            let refused: Vec<&Value> = problems
                .iter()
                .filter(|p| p["message"].as_str().unwrap().contains(ENROLLED_ELSEWHERE))
                .collect();
            assert_eq!(refused.len(), 1, "{report}");
            assert_eq!(refused[0]["file"], "eleves.csv");
            assert_eq!(refused[0]["line"], 2, "{report}");
            // Only the honest row is imported: one pupil, one guardian of her own.
            assert_eq!(report["students"]["created"], 1, "{report}");
            assert_eq!(report["students"]["updated"], 0, "{report}");
            assert_eq!(report["students"]["left"], 0, "{report}");
            assert_eq!(report["guardians"]["created"], 1, "{report}");
            assert_eq!(report["guardians"]["updated"], 0, "{report}");
            assert_eq!(report["links_created"], 1, "{report}");
            assert!(!report.to_string().contains("PIRATE"), "{report}");
            assert!(!report.to_string().contains(LP), "the other school is named: {report}");
            assert_eq!(establishment_rows(&app, LP).await, lp_before, "the LP's rows changed ({query})");
        }
        // The collège got Nina and Paul Neuf, nothing of Anna nor of the LP's guardians.
        let college: Vec<String> = establishment_rows(&app, COLLEGE).await;
        assert!(college.iter().any(|r| r.contains("Nina")), "{college:?}");
        assert!(!college.iter().any(|r| r.contains("Anna") || r.contains("Pirate") || r.contains("N'Diaye")), "{college:?}");
        let anna = student_by_source(&app, "C1").await;
        assert_eq!(anna.uai, LP);
        assert!(anna.left_at.is_none());
    }
}

http_test! {
    async fn a_pupil_who_left_another_school_arrives_with_his_account_and_guardians(app: TestApp) {
        seed_basic(&app).await;
        let lp = login(&app, "head").await;
        let clg = college_head(&app).await;
        import_ok(&app, &lp, "source=csv", &csv(&[ANNA, BASILE, CHLOE])).await;
        let anna = student_by_source(&app, "C1").await;
        let db = &app.state.store.db;
        let account_before = account::Entity::find_by_id(anna.id.clone()).one(db).await.unwrap().unwrap();
        let father = guardian_link::Entity::find().all(db).await.unwrap().into_iter()
            .find(|l| l.student_id == anna.id).expect("Anna's father").guardian_id;
        // The LP records her as left (absent from its next export).
        let r = import_ok(&app, &lp, "source=csv", &csv(&[BASILE, CHLOE])).await;
        assert_eq!(r["students"]["left"], 1, "{r}");

        // The collège's export lists her under its own pupil id, with the same father.
        let arriving = ANNA.replace("C1;1111111111A;Dubois;;Anna;01/02/2012;5A", "K7;1111111111A;Dubois;;Anna;01/02/2012;4C");
        let preview = upload_to(&app, &clg, COLLEGE, "source=csv&dry_run=true", &csv(&[&arriving])).await;
        let applied = upload_to(&app, &clg, COLLEGE, "source=csv", &csv(&[&arriving])).await;
        assert_eq!(comparable(&applied), comparable(&preview));
        assert_eq!(applied["students"]["created"], 0, "{applied}");
        assert_eq!(applied["students"]["updated"], 1, "{applied}");
        assert_eq!(applied["guardians"]["created"], 0, "{applied}");
        assert!(applied["changes"][0]["detail"].as_str().unwrap().contains("arrivée depuis l'établissement"), "{applied}");
        assert!(!applied.to_string().contains(ENROLLED_ELSEWHERE), "{applied}");

        // Same pupil, same account, now the collège's; his father's link came with him.
        let moved = student_by_source(&app, "K7").await;
        assert_eq!(moved.id, anna.id);
        assert_eq!(moved.uai, COLLEGE);
        assert!(moved.left_at.is_none());
        let account_after = account::Entity::find_by_id(anna.id.clone()).one(db).await.unwrap().unwrap();
        assert_eq!(account_after.identifier, account_before.identifier);
        assert_eq!(account_after.home_uai.as_deref(), Some(COLLEGE));
        let links: Vec<guardian_link::Model> = guardian_link::Entity::find().all(db).await.unwrap()
            .into_iter().filter(|l| l.student_id == anna.id).collect();
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!(links[0].guardian_id, father);
        // Basile, still at the LP, keeps the same father.
        let basile = student_by_source(&app, "C2").await;
        assert!(guardian_link::Entity::find().all(db).await.unwrap().iter()
            .any(|l| l.student_id == basile.id && l.guardian_id == father));
    }
}

/// `n` pupils of the LP, C1…Cn.
fn roster(n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| format!("C{i};{i:010}A;Élève{i};;Prénom;01/02/2012;5A;;;;;;;;;;;;;;;;;;;;;;"))
        .collect()
}

fn rows(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

http_test! {
    async fn a_mass_leave_is_refused_unless_confirmed(app: TestApp) {
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        let all = roster(8);
        import_ok(&app, &token, "source=csv", &csv(&rows(&all))).await;

        // 5 of 8 leave: ordinary, no confirmation (more than 5 are needed).
        let r = import_ok(&app, &token, "source=csv&dry_run=true", &csv(&rows(&all[..3]))).await;
        assert_eq!(r["students"]["left"], 5, "{r}");
        assert_eq!(r["students_current"], 8, "{r}");
        assert_eq!(r["mass_leave"], false, "{r}");
        assert!(r["problems"].as_array().unwrap().iter().all(|p| p["fatal"] == false), "{r}");

        // 7 of 8: the preview says so as a fatal problem (still 200)…
        let one = csv(&rows(&all[..1]));
        let message = "Cet import marquerait 7 élèves sur 8 comme sortis de l'établissement : vérifiez que l'export est complet avant de confirmer ces sorties.";
        let r = import_ok(&app, &token, "source=csv&dry_run=true", &one).await;
        assert_eq!(r["students"]["left"], 7, "{r}");
        assert_eq!(r["mass_leave"], true, "{r}");
        assert!(r["problems"].as_array().unwrap().iter().any(|p| p["fatal"] == true && p["message"] == message), "{r}");
        // …applying it is refused, naming the number and the field, and changes nothing…
        let before = snapshot(&app).await;
        let r = upload_import(&app, &token, LP, "source=csv", &one).await;
        assert_eq!(r.status(), 409);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["detail"], format!("{message} Confirmez avec allow_mass_leave=true."), "{p}");
        assert_eq!(snapshot(&app).await, before, "a refused import changed rows");
        let r = upload_import(&app, &token, LP, "source=csv&allow_mass_leave=false", &one).await;
        assert_eq!(r.status(), 409);
        // …and applied once confirmed; the preview with the confirmation has no fatal problem.
        let r = import_ok(&app, &token, "source=csv&dry_run=true&allow_mass_leave=true", &one).await;
        assert!(r["problems"].as_array().unwrap().iter().all(|p| p["fatal"] == false), "{r}");
        let r = import_ok(&app, &token, "source=csv&allow_mass_leave=true", &one).await;
        assert_eq!(r["applied"], true);
        assert_eq!(r["students"]["left"], 7, "{r}");
        let left = student::Entity::find().all(&app.state.store.db).await.unwrap()
            .into_iter().filter(|s| s.left_at.is_some()).count();
        assert_eq!(left, 7);
    }
}

http_test! {
    async fn the_cli_refuses_a_mass_leave_unless_allow_mass_leave(app: TestApp) {
        use clap::Parser;
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        let all = roster(8);
        import_ok(&app, &token, "source=csv", &csv(&rows(&all))).await;
        let dir = std::env::temp_dir().join(format!("sesame-cli-import-{}-{}", std::process::id(), app.backend.name()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("eleves.csv");
        std::fs::write(&file, &csv(&rows(&all[..1]))[0].1).unwrap();
        let key = app.config.secret_key.clone().unwrap();
        let cli = |extra: &[&str]| {
            let mut args = vec![
                "sesame", "import", "csv", "--uai", LP,
                "--database-url", &app.config.database_url, "--secret-key", &key,
            ];
            args.extend_from_slice(extra);
            args.push(file.to_str().unwrap());
            sesame_server::cli::Cli::parse_from(args)
        };
        let before = snapshot(&app).await;
        let err = sesame_server::cli::run(cli(&[])).await.expect_err("a mass leave without confirmation");
        let err = format!("{err:#}");
        assert!(err.contains("7 élèves sur 8") && err.contains("--allow-mass-leave"), "{err}");
        // The command line names its own flag, not the API's parameter.
        assert!(!err.contains("allow_mass_leave=true"), "{err}");
        assert_eq!(snapshot(&app).await, before, "the refused CLI import changed rows");
        sesame_server::cli::run(cli(&["--dry-run"])).await.expect("a dry run reports");
        sesame_server::cli::run(cli(&["--allow-mass-leave"])).await.expect("confirmed");
        let left = student::Entity::find().all(&app.state.store.db).await.unwrap()
            .into_iter().filter(|s| s.left_at.is_some()).count();
        assert_eq!(left, 7);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
