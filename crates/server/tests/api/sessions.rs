//! Staff sessions: one refresh at a time with a grace for repeated uses, an absolute lifetime,
//! and the second factor recorded on the session (issue 11).

use std::sync::Arc;

use crate::common::*;
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use sesame_store::{Backend, PasswordHasher};

/// Like `TestApp::spawn_with`, plus a change to the resolved settings (the reuse grace has no
/// configuration switch: it is fixed in production).
async fn spawn_settings(
    backend: Backend,
    adjust_config: impl FnOnce(&mut sesame_server::config::Config),
    adjust: impl FnOnce(&mut sesame_server::state::Settings),
) -> TestApp {
    let url = sesame_store::testing::fresh_database_url(backend).await;
    let mut config = test_config(url);
    adjust_config(&mut config);
    let mut state = sesame_server::app::build_state(&config, PasswordHasher::insecure_fast())
        .await
        .expect("state");
    let mut settings = (*state.settings).clone();
    adjust(&mut settings);
    state.settings = Arc::new(settings);
    TestApp::spawn_state(backend, &config, state).await
}

/// Runs a test on both engines with its own settings.
macro_rules! session_test {
    ($name:ident, $config:expr, $settings:expr, async fn run($app:ident : TestApp) $body:block) => {
        backend_test! {
            async fn $name(backend: Backend) {
                let $app = spawn_settings(backend, $config, $settings).await;
                $body
            }
        }
    };
}

/// Signs in and returns (access token, refresh token).
async fn sign_in(app: &TestApp, body: Value) -> (String, String) {
    let r = app.post_json("/api/v1/auth/login", None, &body).await;
    assert_eq!(r.status(), 200, "login {body}");
    let b: Value = r.json().await.unwrap();
    (
        b["access_token"].as_str().unwrap().to_owned(),
        b["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn head_session(app: &TestApp) -> (String, String) {
    sign_in(
        app,
        json!({"username": "head", "password": PASSWORD, "totp_code": totp_now(TOTP_SECRET)}),
    )
    .await
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": token}),
    )
    .await
}

/// (status, body) of a refresh.
async fn refresh_body(app: &TestApp, token: &str) -> (u16, Value) {
    let r = refresh(app, token).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn statistics(uai: &str) -> String {
    format!("/api/v1/establishments/{uai}/statistics")
}

async fn problem_type(r: reqwest::Response) -> String {
    let b: Value = r.json().await.unwrap();
    b["type"].as_str().unwrap_or_default().to_owned()
}

http_test! {
    async fn parallel_refreshes_with_one_token_share_one_successor(app: TestApp) {
        seed_basic(&app).await;
        let (_, first) = head_session(&app).await;
        // Four tabs (or four calls of one screen) renew with the same token at once.
        let (a, b, c, d) = tokio::join!(
            refresh_body(&app, &first),
            refresh_body(&app, &first),
            refresh_body(&app, &first),
            refresh_body(&app, &first)
        );
        let answers = [a, b, c, d];
        for (status, body) in &answers {
            assert_eq!(*status, 200, "{body}");
        }
        // One successor for all: the family did not branch.
        let successor = answers[0].1["refresh_token"].as_str().unwrap().to_owned();
        assert!(answers.iter().all(|(_, b)| b["refresh_token"] == successor.as_str()), "{answers:?}");
        for (_, b) in &answers {
            let access = b["access_token"].as_str().unwrap();
            assert_eq!(app.get(&statistics(LP), Some(access)).await.status(), 200);
        }
        // The family is alive: its successor renews, and the next one again.
        let (status, next) = refresh_body(&app, &successor).await;
        assert_eq!(status, 200, "{next}");
        let (status, _) = refresh_body(&app, next["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        // Within the grace a repeat of the first token still answers (a late tab)…
        let (status, late) = refresh_body(&app, &first).await;
        assert_eq!(status, 200);
        assert_eq!(late["refresh_token"], successor.as_str());
        // … and no sealed successor is kept beyond what the grace needs: none in clear.
        let rows = sesame_store::entities::refresh_token::Entity::find()
            .all(&app.state.store.db)
            .await
            .unwrap();
        for row in &rows {
            if let Some(sealed) = &row.successor_sealed {
                assert!(!sealed.contains(&successor), "a successor is stored in clear");
            }
        }
        assert!(rows.iter().all(|r| r.token_hash != successor));
    }
}

session_test!(
    reuse_after_the_grace_revokes_the_family,
    |_| {},
    |s| s.refresh_reuse_grace = chrono::Duration::seconds(1),
    async fn run(app: TestApp) {
        seed_basic(&app).await;
        let (_, first) = head_session(&app).await;
        let (status, renewed) = refresh_body(&app, &first).await;
        assert_eq!(status, 200);
        let second = renewed["refresh_token"].as_str().unwrap().to_owned();
        let access = renewed["access_token"].as_str().unwrap().to_owned();
        assert_eq!(app.get(&statistics(LP), Some(&access)).await.status(), 200);
        // Another session, to watch the periodic erasing of sealed successors.
        let (_, other) = head_session_later(&app).await;
        assert_eq!(refresh(&app, &other).await.status(), 200);
        tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
        let sealed = || async {
            sesame_store::entities::refresh_token::Entity::find()
                .all(&app.state.store.db)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| r.successor_sealed.is_some())
                .count()
        };
        // Both successors are still sealed in the database (the periodic work has not run):
        // the refusal below comes from the time check itself.
        assert_eq!(sealed().await, 2);
        // The old token presented again is a copy: the whole family is revoked.
        let r = refresh(&app, &first).await;
        assert_eq!(r.status(), 401);
        assert!(problem_type(r).await.ends_with("invalid-refresh-token"));
        assert_eq!(refresh(&app, &second).await.status(), 401);
        // Its access tokens end with it.
        assert_eq!(app.get(&statistics(LP), Some(&access)).await.status(), 401);
        // The revocation erased that family's sealed successor; the periodic work erases the
        // other one, whose grace is over too.
        assert_eq!(sealed().await, 1);
        app.state
            .store
            .clear_stale_successors(app.state.settings.refresh_reuse_grace)
            .await
            .unwrap();
        assert_eq!(sealed().await, 0);
        // Recorded as a suspected theft.
        let reuse = sesame_store::entities::audit_event::Entity::find()
            .all(&app.state.store.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "auth.refresh_reuse")
            .count();
        assert_eq!(reuse, 1);
    }
);

session_test!(
    the_absolute_lifetime_ends_the_session,
    |c| c.session_max_secs = 3,
    |_| {},
    async fn run(app: TestApp) {
        seed_basic(&app).await;
        let (access, first) = head_session(&app).await;
        // Two searches: the second is served on the standing the first kept.
        let students = format!("/api/v1/establishments/{LP}/students");
        for _ in 0..2 {
            assert_eq!(app.get(&students, Some(&access)).await.status(), 200);
        }
        let (status, renewed) = refresh_body(&app, &first).await;
        assert_eq!(status, 200, "{renewed}");
        let next = renewed["refresh_token"].as_str().unwrap().to_owned();
        tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
        // A kept standing does not outlive its session.
        let r = app.get(&students, Some(&access)).await;
        assert_eq!(r.status(), 401);
        assert!(problem_type(r).await.ends_with("session-expired"));
        let r = refresh(&app, &next).await;
        assert_eq!(r.status(), 401);
        let body: Value = r.json().await.unwrap();
        assert!(
            body["type"].as_str().unwrap().ends_with("session-expired"),
            "{body}"
        );
        assert_eq!(body["detail"], "Votre session a expiré ; reconnectez-vous.");
        // The access token of the session ends too, with the same answer.
        let r = app.get(&statistics(LP), Some(&access)).await;
        assert_eq!(r.status(), 401);
        assert!(problem_type(r).await.ends_with("session-expired"));
        // Signing in again opens a new session.
        let (fresh, _) = head_session_later(&app).await;
        assert_eq!(app.get(&statistics(LP), Some(&fresh)).await.status(), 200);
    }
);

/// A second TOTP sign-in of `head`: the code of the first one cannot be used twice.
async fn head_session_later(app: &TestApp) -> (String, String) {
    let now = chrono::Utc::now().timestamp() as u64;
    let totp = sesame_server::auth::totp::totp_for(TOTP_SECRET, "Sésame", "test").unwrap();
    // The next time step's code is accepted (one step of clock skew is allowed).
    let code = totp.generate(now + 30);
    sign_in(
        app,
        json!({"username": "head", "password": PASSWORD, "totp_code": code}),
    )
    .await
}

http_test! {
    async fn an_admin_delegation_to_a_password_session_needs_the_second_factor(app: TestApp) {
        seed_basic(&app).await;
        let (head, _) = head_session(&app).await;
        // The teacher signs in with the password only (troubleshooting needs no TOTP).
        let (teacher, teacher_refresh) =
            sign_in(&app, json!({"username": "teacher", "password": PASSWORD})).await;
        let students = format!("/api/v1/establishments/{COLLEGE}/students");
        assert_eq!(app.get(&students, Some(&teacher)).await.status(), 200);
        assert_eq!(app.get(&statistics(LP), Some(&teacher)).await.status(), 404);
        // The head gives the teacher the admin module at the LP.
        let r = app
            .post_json(
                &format!("/api/v1/establishments/{LP}/delegations"),
                Some(&head),
                &json!({"username": "teacher", "module": "admin"}),
            )
            .await;
        assert_eq!(r.status(), 201);
        // Same session: the admin module asks for the second factor.
        let r = app.get(&statistics(LP), Some(&teacher)).await;
        assert_eq!(r.status(), 401);
        assert!(problem_type(r).await.ends_with("totp-required"));
        // A renewed token is still of the same password-only session.
        let (status, renewed) = refresh_body(&app, &teacher_refresh).await;
        assert_eq!(status, 200);
        let renewed = renewed["access_token"].as_str().unwrap();
        let r = app.get(&statistics(LP), Some(renewed)).await;
        assert_eq!(r.status(), 401);
        // What the troubleshooting module gives still works in that session.
        assert_eq!(app.get(&students, Some(renewed)).await.status(), 200);
        // The chooser still lists the establishment with the module's rights: the console
        // offers it, and opening it asks for the code.
        let list: Value = app.get("/api/v1/establishments", Some(renewed)).await.json().await.unwrap();
        let lp = list.as_array().unwrap().iter().find(|e| e["uai"] == LP).expect("LP listed");
        assert!(lp["rights"].as_array().unwrap().iter().any(|r| r == "statistics:view"), "{lp}");
        let r = app.get(&format!("/api/v1/establishments/{LP}"), Some(renewed)).await;
        assert_eq!(r.status(), 401);
        assert!(problem_type(r).await.ends_with("totp-required"));
        // Signing in again, now with the code (the admin role asks for it at sign-in).
        let teacher_id = app.state.store.staff_by_username("teacher").await.unwrap().unwrap().id;
        app.state
            .store
            .set_staff_totp(&teacher_id, Some(app.state.secrets.seal(TOTP_SECRET, &teacher_id).unwrap()))
            .await
            .unwrap();
        let r = app
            .post_json("/api/v1/auth/login", None, &json!({"username": "teacher", "password": PASSWORD}))
            .await;
        assert_eq!(r.status(), 401);
        let (strong, _) = sign_in(
            &app,
            json!({"username": "teacher", "password": PASSWORD, "totp_code": totp_now(TOTP_SECRET)}),
        )
        .await;
        assert_eq!(app.get(&statistics(LP), Some(&strong)).await.status(), 200);
    }
}

session_test!(
    a_session_from_an_administrative_network_needs_no_code,
    |c| c.admin_networks = vec!["127.0.0.0/8".into()],
    |_| {},
    async fn run(app: TestApp) {
        seed_basic(&app).await;
        let (head, refresh_token) =
            sign_in(&app, json!({"username": "head", "password": PASSWORD})).await;
        assert_eq!(app.get(&statistics(LP), Some(&head)).await.status(), 200);
        let (status, renewed) = refresh_body(&app, &refresh_token).await;
        assert_eq!(status, 200);
        let renewed = renewed["access_token"].as_str().unwrap();
        assert_eq!(app.get(&statistics(LP), Some(renewed)).await.status(), 200);
    }
);

http_test! {
    async fn logout_ends_the_access_token_too(app: TestApp) {
        seed_basic(&app).await;
        let (access, refresh_token) = head_session(&app).await;
        assert_eq!(app.get("/api/v1/me", Some(&access)).await.status(), 200);
        let r = app
            .post_json("/api/v1/auth/logout", Some(&access), &json!({"refresh_token": refresh_token}))
            .await;
        assert_eq!(r.status(), 204);
        assert_eq!(app.get("/api/v1/me", Some(&access)).await.status(), 401);
        assert_eq!(refresh(&app, &refresh_token).await.status(), 401);
    }
}
