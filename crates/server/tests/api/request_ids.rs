//! Every request carries an id: taken from a sane incoming `X-Request-Id` or made, answered in
//! the `X-Request-Id` header and in every problem document (`request_id`); a server fault
//! answers 500 with none of its internal text. (That its cause reaches the log, with the id,
//! is checked by the unit tests of `problem.rs`: capturing the log needs a process-wide
//! subscriber, which `edges.rs` already installs for its own binary.)

use crate::common::*;
use serde_json::{json, Value};

/// The answer's `X-Request-Id`, checked to be there.
fn header_id(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .expect("every answer names its request")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A made id: a UUID's 32 hex digits.
fn is_made(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn get_with_id(app: &TestApp, path: &str, id: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .header("X-Request-Id", id)
        .send()
        .await
        .expect("request")
}

http_test! {
    /// A problem document names the request its header names, for every kind of refusal.
    async fn problem_documents_carry_the_id_of_their_header(app: TestApp) {
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        let refusals = [
            // 401: no token.
            app.get(&format!("/api/v1/establishments/{LP}/students"), None).await,
            // 404: no such route under /api.
            app.get("/api/v1/no-such-route", None).await,
            // 422: a body the JSON extractor refuses.
            app.post_json("/api/v1/auth/login", None, &json!({"username": 3})).await,
            // 400 or 404: a path the route refuses.
            app.get(&format!("/api/v1/establishments/{LP}/students/not-an-id!"), Some(&token)).await,
        ];
        let mut seen = Vec::new();
        for r in refusals {
            let status = r.status();
            assert!(status.is_client_error(), "{status}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let id = header_id(&r);
            assert!(is_made(&id), "{id}");
            let problem: Value = r.json().await.unwrap();
            assert_eq!(problem["request_id"], id, "{status}: {problem}");
            seen.push(id);
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 4, "each request has its own id");
        // Answers that are not problems are named too.
        let r = app.get("/healthz", None).await;
        assert_eq!(r.status(), 200);
        assert!(is_made(&header_id(&r)));
    }
}

http_test! {
    /// An id given by a proxy or a client is kept: the answer, its problem document (and the
    /// log lines) name the request as the caller knows it.
    async fn a_sane_incoming_id_is_echoed(app: TestApp) {
        for id in ["lb-7f3a.42_x", "0f2c9a4e-8b1d-4c7f-a3e5-b6d7c8e9f0a1"] {
            let r = get_with_id(&app, "/healthz", id).await;
            assert_eq!(header_id(&r), id);
            let r = get_with_id(&app, &format!("/api/v1/establishments/{LP}/guardians"), id).await;
            assert_eq!(r.status(), 401);
            assert_eq!(header_id(&r), id);
            let problem: Value = r.json().await.unwrap();
            assert_eq!(problem["request_id"], id);
        }
    }
}

http_test! {
    /// An incoming id a log cannot safely hold (too long, spaces, quotes, separators) is
    /// replaced by a made one, in the header and in the problem alike.
    async fn a_malformed_incoming_id_is_replaced(app: TestApp) {
        let long = "a".repeat(65);
        for bad in [long.as_str(), "two words", "x\"y", "a;b=c", "../etc"] {
            let r = get_with_id(&app, "/api/v1/no-such-route", bad).await;
            assert_eq!(r.status(), 404);
            let id = header_id(&r);
            assert_ne!(id, bad);
            assert!(is_made(&id), "{bad:?} → {id}");
            let problem: Value = r.json().await.unwrap();
            assert_eq!(problem["request_id"], id);
        }
    }
}

const CSV: &str = "eleve_id;ine;nom;nom_usage;prenom;date_naissance;classe;groupes;mef_code;mef_libelle;date_sortie;resp1_id;resp1_nom;resp1_nom_usage;resp1_prenom;resp1_civilite;resp1_lien;resp1_legal;resp1_courriel;resp1_telephone;resp2_id;resp2_nom;resp2_nom_usage;resp2_prenom;resp2_civilite;resp2_lien;resp2_legal;resp2_courriel;resp2_telephone\n\
C1;1111111111A;Dubois;;Anna;01/02/2012;5A;;;;;G1;Dubois;;Marc;M.;Père;oui;marc.dubois@example.org;;;;;;;;;;\n";

http_test! {
    /// Stored data the code cannot read is the server's fault, not the caller's: 500, a
    /// generic French text and the request's id, none of the stored value or the table.
    async fn a_server_fault_answers_500_without_internal_text(app: TestApp) {
        use sea_orm::{ConnectionTrait, Statement};
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        let r = upload_import(&app, &token, LP, "source=csv", &[("eleves.csv".to_owned(), CSV.as_bytes().to_vec())]).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let db = &app.state.store.db;
        let backend = db.get_database_backend();
        // A state no version of the code wrote. The schema refuses it (migration 9), so the
        // check is lifted first, as for data restored from elsewhere.
        let lift = match backend {
            sea_orm::DbBackend::Postgres => "ALTER TABLE accounts DROP CONSTRAINT accounts_state_known",
            _ => "DROP TRIGGER accounts_state_known_update",
        };
        db.execute(Statement::from_string(backend, lift)).await.unwrap();
        db.execute(Statement::from_string(backend, "UPDATE accounts SET state = 'zombie-state' WHERE kind = 'student'"))
            .await
            .unwrap();
        let rows = db
            .query_all(Statement::from_string(backend, "SELECT id FROM accounts WHERE kind = 'student'"))
            .await
            .unwrap();
        let ids: Vec<String> = rows.iter().map(|r| r.try_get("", "id").unwrap()).collect();
        assert_eq!(ids.len(), 1);
        let r = app
            .http
            .post(app.url(&format!("/api/v1/establishments/{LP}/students/reset-password")))
            .bearer_auth(&token)
            .header("X-Request-Id", "support-ticket-1234")
            .json(&json!({"ids": ids}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 500);
        assert_eq!(header_id(&r), "support-ticket-1234");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let text = r.text().await.unwrap();
        for internal in ["zombie", "stored", "state", "fault", "database"] {
            assert!(!text.contains(internal), "{internal:?} sent: {text}");
        }
        let problem: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(problem["status"], 500);
        assert_eq!(problem["title"], "Erreur interne");
        assert_eq!(problem["request_id"], "support-ticket-1234");
        assert!(problem["detail"].as_str().unwrap().contains("journalisée"), "{problem}");
    }
}
