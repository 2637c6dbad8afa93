//! A failed job says truthfully whether the accounts changed: a failure after the operation's
//! transaction committed (here: the documents cannot be saved) is not « Aucun compte n'a été
//! modifié », and one before it is. Failures are provoked by renaming a table the operation
//! needs, as a broken database would. Runs on SQLite and PostgreSQL.

use crate::common::*;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use sesame_demo::LP_UAI;

async fn exec(app: &TestApp, sql: &str) {
    let db = &app.state.store.db;
    db.execute(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap();
}

/// Every account's sealed provisional password, in id order: changes when passwords are reset.
async fn provisional_passwords(app: &TestApp) -> Vec<Option<String>> {
    let db = &app.state.store.db;
    db.query_all(Statement::from_string(
        db.get_database_backend(),
        "SELECT provisional_password_enc FROM accounts ORDER BY id".to_owned(),
    ))
    .await
    .unwrap()
    .into_iter()
    .map(|r| {
        r.try_get::<Option<String>>("", "provisional_password_enc")
            .unwrap()
    })
    .collect()
}

/// Resets every LP pupil (a job) and waits for its end.
async fn bulk_reset(app: &TestApp, head: &str) -> Value {
    let r = app
        .post_json(
            &format!("/api/v1/establishments/{LP_UAI}/students/reset-password"),
            Some(head),
            &json!({"all_matching": {}}),
        )
        .await;
    assert_eq!(r.status(), 202);
    let job_id = r.json::<Value>().await.unwrap()["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..1200 {
        let job: Value = app
            .get(&format!("/api/v1/jobs/{job_id}"), Some(head))
            .await
            .json()
            .await
            .unwrap();
        if job["state"] != "running" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the job did not end");
}

http_test! {
    async fn a_job_failing_after_its_commit_says_the_accounts_changed(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let before = provisional_passwords(&app).await;
        // The documents cannot be saved: the failure comes after the transaction.
        exec(&app, "ALTER TABLE documents RENAME TO documents_away").await;
        let job = bulk_reset(&app, &head).await;
        assert_eq!(job["state"], "failed", "{job}");
        let error = job["error"].as_str().unwrap();
        assert!(error.contains("ont bien été modifiés"), "{error}");
        assert!(!error.contains("Aucun compte n'a été modifié"), "{error}");
        assert_ne!(provisional_passwords(&app).await, before, "the reset did commit");
    }
}

http_test! {
    async fn a_job_failing_before_its_commit_says_nothing_changed(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let before = provisional_passwords(&app).await;
        // The audit trail is written in the operation's transaction: it rolls back.
        exec(&app, "ALTER TABLE audit_events RENAME TO audit_events_away").await;
        let job = bulk_reset(&app, &head).await;
        assert_eq!(job["state"], "failed", "{job}");
        let error = job["error"].as_str().unwrap();
        assert!(error.contains("Aucun compte n'a été modifié"), "{error}");
        assert_eq!(provisional_passwords(&app).await, before, "nothing changed");
    }
}

http_test! {
    async fn an_orphaned_job_says_whether_it_had_committed(app: TestApp) {
        // No scheduler meanwhile: this test plays its part.
        for task in &app.background {
            task.abort();
        }
        let store = &app.state.store;
        let before = store.create_job("someone", "reset-password", 400).await.unwrap();
        let after = store.create_job("someone", "reset-password", 400).await.unwrap();
        store.mark_job_committed(&after).await.unwrap();
        // Both were left running by a process that stopped two hours ago.
        let old = chrono::Utc::now() - chrono::Duration::hours(2);
        let db = &store.db;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use sesame_store::entities::job;
        job::Entity::update_many()
            .col_expr(job::Column::UpdatedAt, sea_orm::sea_query::Expr::value(old))
            .filter(job::Column::Owner.eq("someone"))
            .exec(db)
            .await
            .unwrap();
        assert_eq!(store.fail_orphaned_jobs().await.unwrap(), 2);
        let secrets = &app.state.secrets;
        let b = store.job(secrets, &before, "someone").await.unwrap().unwrap();
        assert_eq!(b.state, "failed");
        assert!(b.error.unwrap().contains("Aucun compte n'a été modifié"));
        let a = store.job(secrets, &after, "someone").await.unwrap().unwrap();
        assert_eq!(a.state, "failed");
        let error = a.error.unwrap();
        assert!(error.contains("ont bien été modifiés") && !error.contains("Aucun compte"), "{error}");
    }
}
