//! Data feeds through HTTP: SIECLE, ONDE and Sésame CSV uploads, previewed then applied, on
//! both engines. Fixture files are the parser crate's (`crates/imports/tests/fixtures`).

mod common;

use common::*;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::Value;
use sesame_store::entities::{
    account, account_source, audit_event, class, establishment, guardian, guardian_link, mef,
    student,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../imports/tests/fixtures");
const SIECLE: [&str; 3] = [
    "ElevesSansAdresses.xml",
    "ResponsablesAvecAdresses.xml",
    "Nomenclature.xml",
];

fn fixture(name: &str) -> (String, Vec<u8>) {
    let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture");
    (name.to_owned(), bytes)
}

/// A multipart/form-data body with one `files` part per file (built by hand: the test client
/// has no multipart support, and the format is three lines per part).
fn multipart(files: &[(String, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "sesame-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    token: &str,
    uai: &str,
    query: &str,
    files: &[(String, Vec<u8>)],
) -> reqwest::Response {
    let (content_type, body) = multipart(files);
    app.http
        .post(app.url(&format!("/api/v1/establishments/{uai}/imports?{query}")))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("request")
}

async fn import_ok(app: &TestApp, token: &str, query: &str, files: &[(String, Vec<u8>)]) -> Value {
    let r = upload(app, token, LP, query, files).await;
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
        let r = upload(&app, &token, LP, "source=siecle", &[fixture("ElevesTronque.xml")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
        let p: Value = r.json().await.unwrap();
        let field = p["errors"][0]["field"].as_str().unwrap();
        assert!(field.starts_with("ElevesTronque.xml, ligne "), "{p}");

        // Another establishment's export.
        let r = upload(&app, &token, LP, "source=siecle", &[fixture("NomenclatureAutreEtablissement.xml")]).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("0180006J"), "{p}");

        // A good file next to a bad one: still nothing.
        let mut mixed = siecle_files();
        mixed.push(fixture("ElevesTronque.xml"));
        assert_eq!(upload(&app, &token, LP, "source=siecle", &mixed).await.status(), 422);

        // Bad requests name their field.
        let r = upload(&app, &token, LP, "source=excel", &siecle_files()).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "source");
        let r = upload(&app, &token, LP, "source=csv", &[]).await;
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
        let r = upload(&app, &teacher, COLLEGE, "source=csv", &csv(&[ANNA])).await;
        assert_eq!(r.status(), 403);
        // Another establishment answers like an unknown one.
        let r = upload(&app, &head, COLLEGE, "source=csv&dry_run=true", &csv(&[ANNA])).await;
        assert_eq!(r.status(), 404);
        let r = upload(&app, &head, "0000000A", "source=csv&dry_run=true", &csv(&[ANNA])).await;
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
