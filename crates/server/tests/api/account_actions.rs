//! Notify, reset and list end to end: the state rules, the documents, atomicity and jobs.

use crate::common::*;
use serde_json::{json, Value};
use sesame_demo::{LP_UAI, PUBLIC_COLLEGE_UAI};

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let r = app.get(path, Some(token)).await;
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

async fn accounts(
    app: &TestApp,
    token: &str,
    uai: &str,
    population: &str,
    query: &str,
) -> Vec<Value> {
    let page = get_json(
        app,
        &format!("/api/v1/establishments/{uai}/{population}?per_page=500&{query}"),
        token,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

fn ids(items: &[Value], n: usize) -> Vec<String> {
    items
        .iter()
        .take(n)
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.post_json(path, Some(token), &body).await
}

async fn download(app: &TestApp, token: &str, id: &str) -> Vec<u8> {
    let r = app
        .get(&format!("/api/v1/documents/{id}"), Some(token))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    r.bytes().await.unwrap().to_vec()
}

async fn csv_list(
    app: &TestApp,
    token: &str,
    uai: &str,
    population: &str,
    ids: &[String],
) -> String {
    let r = post(
        app,
        token,
        &format!("/api/v1/establishments/{uai}/{population}/list"),
        json!({"ids": ids, "format": "csv"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for spreadsheets");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

http_test! {
    async fn notifying_follows_the_state_rules_and_prints_one_letter_per_account(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let base = format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students");
        let not_notified = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "state=not_notified").await, 2);
        let waiting = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "state=notified_not_activated").await, 2);
        let activated = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "state=activated").await, 2);
        let before = csv_list(&app, &head, PUBLIC_COLLEGE_UAI, "students", &waiting).await;

        let selection: Vec<String> = not_notified.iter().chain(&waiting).chain(&activated).cloned().collect();
        let r = post(&app, &head, &format!("{base}/notify"), json!({"ids": selection, "channel": "letter", "reset_password": false})).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let results = body["results"].as_array().unwrap();
        let by_id = |id: &str| results.iter().find(|r| r["id"] == id).unwrap().clone();
        for id in &not_notified {
            let r = by_id(id);
            assert_eq!((r["state_before"].as_str(), r["state_after"].as_str()), (Some("not_notified"), Some("notified_not_activated")));
            assert_eq!(r["password_changed"], true);
        }
        for id in &waiting {
            let r = by_id(id);
            assert_eq!(r["state_after"], "notified_not_activated");
            assert_eq!(r["password_changed"], false, "the provisional password is kept");
        }
        for id in &activated {
            let r = by_id(id);
            assert_eq!(r["state_after"], "activated");
            assert_eq!(r["password_changed"], false, "the chosen password is left alone");
        }
        // The kept provisional passwords are the same as before.
        assert_eq!(csv_list(&app, &head, PUBLIC_COLLEGE_UAI, "students", &waiting).await.lines().skip(1).map(|l| l.split(';').nth(8).unwrap().to_owned()).collect::<Vec<_>>(),
                   before.lines().skip(1).map(|l| l.split(';').nth(8).unwrap().to_owned()).collect::<Vec<_>>());

        // One page per account, each with its own identifier and password (the separator
        // page opening each class's stack aside).
        let pdf = download(&app, &head, body["document_id"].as_str().unwrap()).await;
        let pages: Vec<String> = pdf_pages(&pdf).into_iter().filter(|p| !p.contains("Courriers ÉduConnect à remettre")).collect();
        assert_eq!(pages.len(), selection.len());
        let list = csv_list(&app, &head, PUBLIC_COLLEGE_UAI, "students", &selection).await;
        for line in list.lines().skip(1) {
            let cells: Vec<&str> = line.split(';').collect();
            let (identifier, password) = (cells[7], cells[8]);
            let page = pages.iter().find(|p| p.contains(identifier)).unwrap_or_else(|| panic!("no page for {identifier}"));
            if cells[6] == "Compte notifié et non activé" {
                assert!(page.contains(password), "{identifier}'s page shows {password}");
            } else {
                assert!(page.contains("Mot de passe inchangé") || page.to_lowercase().contains("inchangé"), "{identifier}: unchanged password line");
            }
        }
        // The letters are the head's: nobody else downloads them.
        let agent = demo_login(&app, "agent").await;
        assert_eq!(app.get(&format!("/api/v1/documents/{}", body["document_id"].as_str().unwrap()), Some(&agent)).await.status(), 404);
    }
}

http_test! {
    async fn notify_with_reset_changes_passwords_but_spares_franceconnect(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let fc = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "guardians", "origin=franceconnect").await, 1);
        let activated = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "guardians", "origin=guardian&state=activated").await, 1);
        let selection = [fc.clone(), activated.clone()].concat();
        let r = post(&app, &head, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians/notify"), json!({"ids": selection, "channel": "letter", "reset_password": true})).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let res = body["results"].as_array().unwrap();
        let fc_r = res.iter().find(|r| r["id"] == fc[0]).unwrap();
        assert_eq!(fc_r["password_changed"], false);
        assert_eq!(fc_r["skipped_reason"], "franceconnect_no_password");
        assert_eq!(fc_r["state_after"], "activated");
        let act_r = res.iter().find(|r| r["id"] == activated[0]).unwrap();
        assert_eq!(act_r["password_changed"], true);
        assert_eq!(act_r["state_after"], "activated", "an activated account keeps its state");
        // Students are not emailed.
        let s = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "").await, 1);
        let r = post(&app, &head, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/notify"), json!({"ids": s, "channel": "email"})).await;
        assert_eq!(r.status(), 422);
    }
}

http_test! {
    async fn a_channel_or_format_outside_its_vocabulary_is_a_problem_naming_the_field(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let s = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "").await, 1);
        let base = format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students");
        for (action, body, field) in [
            ("notify", json!({"ids": s, "channel": "fax"}), "channel"),
            ("notify", json!({"ids": s, "channel": "Letter"}), "channel"),
            ("list", json!({"ids": s, "format": "xls"}), "format"),
        ] {
            let r = post(&app, &head, &format!("{base}/{action}"), body.clone()).await;
            assert_eq!(r.status(), 422, "{body}");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], field, "{p}");
            let message = p["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains("Valeur inconnue"), "said in French: {message}");
        }
    }
}

http_test! {
    async fn reset_returns_new_passwords_once_with_credentials_documents(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let not_notified = ids(&accounts(&app, &head, LP_UAI, "students", "state=not_notified").await, 1);
        let activated = ids(&accounts(&app, &head, LP_UAI, "students", "state=activated").await, 2);
        let selection = [not_notified.clone(), activated.clone()].concat();
        let r = post(&app, &head, &format!("/api/v1/establishments/{LP_UAI}/students/reset-password"), json!({"ids": selection})).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        for r in results {
            let pw = r["provisional_password"].as_str().unwrap();
            assert!(sesame_core::password::is_provisional_shaped(pw));
        }
        let after = accounts(&app, &head, LP_UAI, "students", "state=notified_not_activated").await;
        assert!(after.iter().any(|a| a["id"] == not_notified[0]), "not notified → notified and not activated");
        let still = accounts(&app, &head, LP_UAI, "students", "state=activated").await;
        assert!(still.iter().any(|a| a["id"] == activated[0]), "activated stays activated");
        let pdf = download(&app, &head, body["document_id"].as_str().unwrap()).await;
        let text = pdf_pages(&pdf).join("\n");
        let csv = String::from_utf8_lossy(&download(&app, &head, body["csv_document_id"].as_str().unwrap()).await).to_string();
        for r in results {
            let pw = r["provisional_password"].as_str().unwrap();
            assert!(text.contains(pw) && csv.contains(pw), "{pw} in both credentials documents");
        }
        // Audited, one event per account, never with the password.
        let audit = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/audit?action=account.reset_password"), &head).await;
        assert_eq!(audit["total"], 3);
        for r in results {
            assert!(!audit.to_string().contains(r["provisional_password"].as_str().unwrap()));
        }
    }
}

http_test! {
    async fn the_csv_list_has_the_exact_columns_and_the_password_rule(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let mut selection = vec![];
        for state in ["not_notified", "notified_not_activated", "activated"] {
            selection.extend(ids(&accounts(&app, &head, LP_UAI, "students", &format!("state={state}")).await, 1));
        }
        let csv = csv_list(&app, &head, LP_UAI, "students", &selection).await;
        let mut lines = csv.split("\r\n");
        assert_eq!(lines.next().unwrap(), "UAI;Établissement;Nom élève;Prénom élève;MEF;Classe;État du compte;Identifiant;Mot de passe;Date de notification;Date de dernière connexion");
        let rows: Vec<Vec<&str>> = lines.filter(|l| !l.is_empty()).map(|l| l.split(';').collect()).collect();
        assert_eq!(rows.len(), 3);
        for r in &rows {
            assert_eq!(r[0], LP_UAI);
            match r[6] {
                "Compte non notifié" => assert_eq!(r[8], "Non renseigné"),
                "Compte notifié et non activé" => assert!(sesame_core::password::is_provisional_shaped(r[8])),
                "Compte activé" => assert_eq!(r[8], "*****"),
                other => panic!("unexpected state label {other}"),
            }
            if !r[9].is_empty() {
                assert!(r[9].len() == 10 && r[9].as_bytes()[2] == b'/' && r[9].as_bytes()[5] == b'/', "DD/MM/YYYY: {}", r[9]);
            }
        }
        let g = ids(&accounts(&app, &head, LP_UAI, "guardians", "").await, 1);
        let gcsv = csv_list(&app, &head, LP_UAI, "guardians", &g).await;
        assert_eq!(gcsv.split("\r\n").next().unwrap(), "UAI;Établissement;Nom élève;Prénom élève;MEF;Classe;Nom responsable;Prénom responsable;État du compte;Origine du compte;Identifiant;Mot de passe;Date de notification;Date de dernière connexion");
        let r = post(&app, &head, &format!("/api/v1/establishments/{LP_UAI}/students/list"), json!({"ids": selection, "format": "pdf"})).await;
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let text = pdf_pages(&r.bytes().await.unwrap()).join(" ");
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("*****") && words.contains("Non renseigné"), "{text}");
    }
}

http_test! {
    async fn a_failure_in_the_middle_leaves_every_account_as_it_was(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let not_notified = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "state=not_notified").await, 3);
        let waiting = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "state=notified_not_activated").await, 1);
        // A provisional password sealed under another key cannot be opened for the letter.
        use sea_orm::{ConnectionTrait, Statement};
        let db = &app.state.store.db;
        let other = sesame_store::SecretBox::from_base64(&sesame_store::SecretBox::generate_key_base64()).unwrap();
        let bad = other.seal("XXXXXXXX", &waiting[0]).unwrap();
        db.execute(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() { sea_orm::DbBackend::Postgres => "UPDATE accounts SET provisional_password_enc = $1 WHERE id = $2", _ => "UPDATE accounts SET provisional_password_enc = ? WHERE id = ?" },
            [bad.into(), waiting[0].clone().into()],
        )).await.unwrap();
        // The broken account comes last: the first three would have changed.
        let selection = [not_notified.clone(), waiting].concat();
        let r = post(&app, &head, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/notify"), json!({"ids": selection, "channel": "letter"})).await;
        assert!(r.status().is_server_error(), "{}", r.status());
        let still = accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "state=not_notified").await;
        for id in &not_notified {
            let a = still.iter().find(|a| &a["id"] == id).expect("still not notified");
            assert!(a["notified_at"].is_null());
        }
        let audit = get_json(&app, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/audit?action=account.notify"), &head).await;
        assert_eq!(audit["total"], 0, "no audit event for changes that did not happen");
    }
}

http_test! {
    async fn all_matching_selects_the_whole_result_and_large_ones_run_as_jobs(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let total = get_json(&app, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians?state=not_notified&per_page=1"), &head).await["total"].as_u64().unwrap();
        assert!(total > 300, "the demo has {total} not-notified guardians");
        let r = post(&app, &head, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians/notify"), json!({"all_matching": {"state": ["not_notified"]}, "channel": "letter"})).await;
        assert_eq!(r.status(), 202);
        let job_id = r.json::<Value>().await.unwrap()["job_id"].as_str().unwrap().to_owned();
        let mut job = Value::Null;
        for _ in 0..240 {
            job = get_json(&app, &format!("/api/v1/jobs/{job_id}"), &head).await;
            assert_eq!(job["total"].as_u64().unwrap(), total);
            if job["state"] != "running" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert_eq!(job["state"], "done", "{job}");
        assert_eq!(job["result"]["results"].as_array().unwrap().len() as u64, total);
        let left = get_json(&app, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians?state=not_notified&per_page=1"), &head).await;
        assert_eq!(left["total"], 0);
        assert!(job["result"]["document_id"].is_string());
        // Someone else cannot follow the head's job.
        let agent = demo_login(&app, "agent").await;
        assert_eq!(app.get(&format!("/api/v1/jobs/{job_id}"), Some(&agent)).await.status(), 404);
    }
}

http_test! {
    async fn concurrent_resets_of_the_same_accounts_are_served_one_after_the_other(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let selection = ids(&accounts(&app, &head, LP_UAI, "students", "state=activated").await, 20);
        let path = format!("/api/v1/establishments/{LP_UAI}/students/reset-password");
        let (a, b) = tokio::join!(
            post(&app, &head, &path, json!({"ids": selection})),
            post(&app, &head, &path, json!({"ids": selection}))
        );
        assert_eq!(a.status(), 200);
        assert_eq!(b.status(), 200);
        let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
        // Whichever ran last, the stored password is one of the two handed out, for every
        // account (activated accounts' lists mask it, so read the sealed value itself).
        for id in &selection {
            let acc = app.state.store.holder_account(id).await.unwrap().unwrap();
            let stored = app.state.secrets.open(acc.provisional_password_enc.as_deref().unwrap(), id).unwrap();
            let pw = |v: &Value| v["results"].as_array().unwrap().iter().find(|r| &r["id"] == id).unwrap()["provisional_password"].as_str().unwrap().to_owned();
            assert!(stored == pw(&a) || stored == pw(&b));
            assert!(acc.must_change_password, "an activated account must change the new password");
        }
        let audit = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/audit?action=account.reset_password"), &head).await;
        assert_eq!(audit["total"], 40);
    }
}

http_test! {
    async fn selections_outside_the_establishment_are_not_found(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let foreign = ids(&accounts(&app, &head, PUBLIC_COLLEGE_UAI, "students", "").await, 1);
        let mine = ids(&accounts(&app, &head, LP_UAI, "students", "").await, 1);
        let both = [mine.clone(), foreign].concat();
        let r = post(&app, &head, &format!("/api/v1/establishments/{LP_UAI}/students/reset-password"), json!({"ids": both})).await;
        assert_eq!(r.status(), 404);
        let r = post(&app, &head, &format!("/api/v1/establishments/{LP_UAI}/students/reset-password"), json!({"ids": []})).await;
        assert_eq!(r.status(), 422);
        let r = post(&app, &head, &format!("/api/v1/establishments/{LP_UAI}/students/reset-password"), json!({"ids": ["x"], "all_matching": {}})).await;
        assert_eq!(r.status(), 422);
        let r = post(&app, &head, &format!("/api/v1/establishments/{LP_UAI}/students/list"), json!({"ids": mine, "format": "xls"})).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "format");
    }
}

http_test! {
    async fn notify_with_reset_from_every_state(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let uai = PUBLIC_COLLEGE_UAI;
        let mut cases = vec![];
        for (population, query) in [
            ("students", "state=not_notified"),
            ("students", "state=notified_not_activated"),
            ("students", "state=activated"),
            ("guardians", "state=activation_in_progress"),
            ("guardians", "state=notified_not_activated"),
        ] {
            let id = ids(&accounts(&app, &head, uai, population, query).await, 1).remove(0);
            cases.push((population, query.trim_start_matches("state=").to_owned(), id));
        }
        let before: Vec<Option<String>> = {
            let mut v = vec![];
            for (_, _, id) in &cases {
                v.push(app.state.store.holder_account(id).await.unwrap().unwrap().provisional_password_enc);
            }
            v
        };
        for (i, (population, state, id)) in cases.iter().enumerate() {
            let r = post(&app, &head, &format!("/api/v1/establishments/{uai}/{population}/notify"), json!({"ids": [id], "channel": "letter", "reset_password": true})).await;
            assert_eq!(r.status(), 200, "{population} {state}");
            let body: Value = r.json().await.unwrap();
            let result = &body["results"][0];
            let expected_after = if state == "not_notified" { "notified_not_activated" } else { state.as_str() };
            assert_eq!(result["state_after"], expected_after, "{population} {state}");
            assert_eq!(result["password_changed"], true, "{population} {state}: reset asked");
            let acc = app.state.store.holder_account(id).await.unwrap().unwrap();
            assert_ne!(acc.provisional_password_enc, before[i], "{population} {state}: a new provisional password");
            assert!(acc.notified_at.is_some());
            if state != "not_notified" && state != "notified_not_activated" {
                assert!(acc.must_change_password, "{population} {state}: must change it at next login");
                assert!(acc.password_hash.is_none(), "the chosen password no longer works");
            }
            // The list shows the password only while notified and not activated.
            let csv = csv_list(&app, &head, uai, population, std::slice::from_ref(id)).await;
            let line = csv.lines().nth(1).unwrap();
            let pw = app.state.secrets.open(acc.provisional_password_enc.as_deref().unwrap(), id).unwrap();
            if expected_after == "notified_not_activated" {
                assert!(line.contains(&pw), "{population} {state}: {line}");
            } else {
                assert!(line.contains("*****") && !line.contains(&pw), "{population} {state}: {line}");
            }
        }
    }
}
