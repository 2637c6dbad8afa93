//! Identifier regeneration: the eligibility rule, the next-day switch, and logins around it.

use crate::common::*;
use serde_json::{json, Value};
use sesame_demo::{
    PUBLIC_COLLEGE_UAI, SOURCES_DIFFER_STUDENT_ID, STALE_IDENTIFIER, STALE_IDENTIFIER_STUDENT_ID,
};

fn path(id: &str) -> String {
    format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/accounts/{id}/regenerate-identifier")
}

http_test! {
    async fn regeneration_is_refused_when_sources_differ_or_nothing_would_change(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let r = app.post_json(&path(SOURCES_DIFFER_STUDENT_ID), Some(&head), &json!({})).await;
        assert_eq!(r.status(), 409);
        let p: Value = r.json().await.unwrap();
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains("SIECLE") && detail.contains("AAF"), "the sources that differ are named: {detail}");
        // An ordinary account whose identifier already matches its names.
        let page: Value = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students?per_page=1"), Some(&head)).await.json().await.unwrap();
        let id = page["items"][0]["id"].as_str().unwrap();
        let r = app.post_json(&path(id), Some(&head), &json!({})).await;
        assert_eq!(r.status(), 409);
        // A teacher may not regenerate identifiers.
        let teacher = demo_login(&app, "teacher").await;
        assert_eq!(app.post_json(&path(STALE_IDENTIFIER_STUDENT_ID), Some(&teacher), &json!({})).await.status(), 403);
    }
}

http_test! {
    async fn a_change_is_scheduled_for_the_next_day_and_can_be_cancelled(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let r = app.post_json(&path(STALE_IDENTIFIER_STUDENT_ID), Some(&head), &json!({})).await;
        assert_eq!(r.status(), 202);
        let change: Value = r.json().await.unwrap();
        assert_eq!(change["current_identifier"], STALE_IDENTIFIER);
        let new = change["new_identifier"].as_str().unwrap();
        assert_eq!(sesame_core::identifier::base_of(new), "kevin.lemaire");
        let at: chrono::DateTime<chrono::Utc> = change["effective_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(at, sesame_core::regeneration::effective_at(chrono::Utc::now()), "next midnight in Paris");
        let detail: Value = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/{STALE_IDENTIFIER_STUDENT_ID}"), Some(&head)).await.json().await.unwrap();
        assert_eq!(detail["pending_identifier_change"]["new_identifier"], new);
        assert_eq!(detail["identifier"], STALE_IDENTIFIER, "the old one stays until then");
        assert_eq!(app.post_json(&path(STALE_IDENTIFIER_STUDENT_ID), Some(&head), &json!({})).await.status(), 409);
        let del = app.http.delete(app.url(&path(STALE_IDENTIFIER_STUDENT_ID))).bearer_auth(&head).send().await.unwrap();
        assert_eq!(del.status(), 204);
        let detail: Value = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/{STALE_IDENTIFIER_STUDENT_ID}"), Some(&head)).await.json().await.unwrap();
        assert!(detail["pending_identifier_change"].is_null());
        let again = app.http.delete(app.url(&path(STALE_IDENTIFIER_STUDENT_ID))).bearer_auth(&head).send().await.unwrap();
        assert_eq!(again.status(), 409);
        // Another establishment of the head's does not know this student.
        let lp = format!("/api/v1/establishments/{}/accounts/{STALE_IDENTIFIER_STUDENT_ID}/regenerate-identifier", sesame_demo::LP_UAI);
        assert_eq!(app.post_json(&lp, Some(&head), &json!({})).await.status(), 404);
    }
}

async fn holder_login(app: &TestApp, identifier: &str) -> u16 {
    app.post_json(
        "/api/v1/account/login",
        None,
        &json!({"identifier": identifier, "password": sesame_demo::DEMO_PASSWORD}),
    )
    .await
    .status()
    .as_u16()
}

http_test! {
    async fn the_switch_happens_at_its_date_even_after_a_restart(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let change: Value = app.post_json(&path(STALE_IDENTIFIER_STUDENT_ID), Some(&head), &json!({})).await.json().await.unwrap();
        let new = change["new_identifier"].as_str().unwrap().to_owned();
        // Before the date: the old identifier and password work, the new one does not.
        assert_eq!(holder_login(&app, STALE_IDENTIFIER).await, 200);
        assert_eq!(holder_login(&app, &new).await, 401);
        // The date passes while the service is down…
        use sea_orm::{ConnectionTrait, Statement};
        let db = &app.state.store.db;
        let sql = match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "UPDATE accounts SET pending_effective_at = $1 WHERE id = $2",
            _ => "UPDATE accounts SET pending_effective_at = ? WHERE id = ?",
        };
        db.execute(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [(chrono::Utc::now() - chrono::Duration::minutes(1)).into(), STALE_IDENTIFIER_STUDENT_ID.into()],
        ))
        .await
        .unwrap();
        // …and a new process applies it when it starts.
        let restarted = TestApp::spawn_config(app.backend, &app.config).await;
        let mut switched = false;
        for _ in 0..50 {
            let acc = restarted.state.store.holder_account(STALE_IDENTIFIER_STUDENT_ID).await.unwrap().unwrap();
            if acc.identifier == new {
                switched = true;
                assert_eq!(acc.previous_identifier.as_deref(), Some(STALE_IDENTIFIER));
                assert!(acc.pending_identifier.is_none());
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(switched, "the start-up run switched the identifier");
        // After: the new identifier works with the same password, the old one is refused.
        assert_eq!(holder_login(&restarted, &new).await, 200);
        assert_eq!(holder_login(&restarted, STALE_IDENTIFIER).await, 401);
        let audit: Value = restarted.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/audit?action=account.regenerate_identifier"), Some(&head)).await.json().await.unwrap();
        assert_eq!(audit["total"], 1);
    }
}
