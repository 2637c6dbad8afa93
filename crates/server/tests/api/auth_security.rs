//! The security properties of staff authentication, end to end over HTTP.

use crate::common::*;
use serde_json::{json, Value};

async fn login_body(app: &TestApp, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/auth/login", None, &body).await
}

http_test! {
    async fn a_totp_code_works_once(app: TestApp) {
        seed_basic(&app).await;
        let code = totp_now(TOTP_SECRET);
        let body = json!({"username": "head", "password": PASSWORD, "totp_code": code});
        assert_eq!(login_body(&app, body.clone()).await.status(), 200);
        let replay = login_body(&app, body).await;
        assert_eq!(replay.status(), 401);
        let p: Value = replay.json().await.unwrap();
        assert!(p["type"].as_str().unwrap().ends_with("totp-required"));
        let wrong = login_body(&app, json!({"username": "head", "password": PASSWORD, "totp_code": "000000"})).await;
        assert_eq!(wrong.status(), 401);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrative_network_needs_no_second_factor() {
    let app = TestApp::spawn_with(sesame_store::Backend::Sqlite, |c| {
        c.admin_networks = vec!["127.0.0.0/8".into()]
    })
    .await;
    seed_basic(&app).await;
    let r = login_body(&app, json!({"username": "head", "password": PASSWORD})).await;
    assert_eq!(r.status(), 200);
}

http_test! {
    async fn repeated_failures_are_throttled_even_after_a_restart(app: TestApp) {
        seed_basic(&app).await;
        for _ in 0..5 {
            let r = login_body(&app, json!({"username": "teacher", "password": "wrong"})).await;
            assert_eq!(r.status(), 401);
        }
        let locked = login_body(&app, json!({"username": "teacher", "password": PASSWORD})).await;
        assert_eq!(locked.status(), 429, "even the right password waits");
        let retry: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry > 0 && retry <= 300, "Retry-After {retry}");
        // A new process on the same database (a restart, or another replica) still refuses.
        let restarted = TestApp::spawn_config(app.backend, &app.config).await;
        let again = login_body(&restarted, json!({"username": "teacher", "password": PASSWORD})).await;
        assert_eq!(again.status(), 429);
        // Other users are not locked out by someone else's failures.
        assert_eq!(login_body(&restarted, json!({"username": "head", "password": PASSWORD, "totp_code": totp_now(TOTP_SECRET)})).await.status(), 200);
    }
}

http_test! {
    async fn refresh_tokens_rotate_and_a_reused_one_ends_the_session(app: TestApp) {
        seed_basic(&app).await;
        let first: Value = login_body(&app, json!({"username": "teacher", "password": PASSWORD})).await.json().await.unwrap();
        let r1 = first["refresh_token"].as_str().unwrap();
        let second = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": r1})).await;
        assert_eq!(second.status(), 200);
        let second: Value = second.json().await.unwrap();
        let r2 = second["refresh_token"].as_str().unwrap();
        assert_ne!(r1, r2);
        assert_eq!(app.get("/api/v1/me", second["access_token"].as_str()).await.status(), 200);
        // r1 again within the grace (a second tab, a retry): the same successor, no branch.
        // Beyond the grace it is taken as stolen and the family dies (tests/api/sessions.rs).
        let again: Value = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": r1})).await.json().await.unwrap();
        assert_eq!(again["refresh_token"], r2);
    }
}

http_test! {
    async fn logout_revokes_the_refresh_token(app: TestApp) {
        seed_basic(&app).await;
        let t: Value = login_body(&app, json!({"username": "teacher", "password": PASSWORD})).await.json().await.unwrap();
        let r = t["refresh_token"].as_str().unwrap();
        assert_eq!(app.post_json("/api/v1/auth/logout", None, &json!({"refresh_token": r})).await.status(), 204);
        assert_eq!(app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": r})).await.status(), 401);
    }
}

http_test! {
    async fn a_revoked_delegation_takes_effect_at_the_next_request(app: TestApp) {
        seed_basic(&app).await;
        let head = login(&app, "head").await;
        // Give the teacher the admin module at the LP too, then take it back.
        let created = app
            .post_json(&format!("/api/v1/establishments/{LP}/delegations"), Some(&head), &json!({"username": "teacher", "module": "troubleshooting"}))
            .await;
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        assert_eq!(created["username"], "teacher");
        assert_eq!(created["granted_by"], "head");
        let teacher: Value = login_body(&app, json!({"username": "teacher", "password": PASSWORD})).await.json().await.unwrap();
        let teacher = teacher["access_token"].as_str().unwrap();
        assert_eq!(app.get(&format!("/api/v1/establishments/{LP}"), Some(teacher)).await.status(), 200);
        let listed: Vec<Value> = app.get(&format!("/api/v1/establishments/{LP}/delegations"), Some(&head)).await.json().await.unwrap();
        assert_eq!(listed.len(), 1);
        let id = created["id"].as_str().unwrap();
        let revoked = app.http.delete(app.url(&format!("/api/v1/establishments/{LP}/delegations/{id}"))).bearer_auth(&head).send().await.unwrap();
        assert_eq!(revoked.status(), 204);
        // Same token, next request: gone.
        assert_eq!(app.get(&format!("/api/v1/establishments/{LP}"), Some(teacher)).await.status(), 404);
        // Revoking twice is a 404, not a second event.
        let again = app.http.delete(app.url(&format!("/api/v1/establishments/{LP}/delegations/{id}"))).bearer_auth(&head).send().await.unwrap();
        assert_eq!(again.status(), 404);
        // The audit trail holds both changes and the logins of the people concerned.
        let audit: Value = app.get(&format!("/api/v1/establishments/{LP}/audit"), Some(&head)).await.json().await.unwrap();
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(&actions[..2], ["delegation.revoke", "delegation.grant"], "{actions:?}");
        assert!(actions.contains(&"auth.login"));
    }
}

http_test! {
    async fn delegation_input_is_validated(app: TestApp) {
        seed_basic(&app).await;
        let head = login(&app, "head").await;
        let path = format!("/api/v1/establishments/{LP}/delegations");
        for (body, field) in [
            (json!({"username": "teacher", "module": "root"}), "module"),
            (json!({"username": "nobody", "module": "admin"}), "username"),
            (json!({"username": "head", "module": "admin"}), "username"),
            (json!({"module": "admin"}), "username"),
        ] {
            let r = app.post_json(&path, Some(&head), &body).await;
            assert_eq!(r.status(), 422, "{body}");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], field, "{body}");
        }
        assert_eq!(app.post_json(&path, Some(&head), &json!({"username": "teacher", "module": "admin"})).await.status(), 201);
        assert_eq!(app.post_json(&path, Some(&head), &json!({"username": "teacher", "module": "admin"})).await.status(), 409);
    }
}

http_test! {
    async fn a_disabled_user_loses_access_at_once(app: TestApp) {
        seed_basic(&app).await;
        let t: Value = login_body(&app, json!({"username": "teacher", "password": PASSWORD})).await.json().await.unwrap();
        let token = t["access_token"].as_str().unwrap();
        assert_eq!(app.get("/api/v1/me", Some(token)).await.status(), 200);
        let staff = app.state.store.staff_by_username("teacher").await.unwrap().unwrap();
        app.state.store.set_staff_disabled(&staff.id, true).await.unwrap();
        assert_eq!(app.get("/api/v1/me", Some(token)).await.status(), 401);
        assert_eq!(login_body(&app, json!({"username": "teacher", "password": PASSWORD})).await.status(), 401);
    }
}

http_test! {
    async fn logins_are_audited_with_their_address_and_never_the_password(app: TestApp) {
        seed_basic(&app).await;
        login_body(&app, json!({"username": "head", "password": "a-wrong-secret"})).await;
        let head = login(&app, "head").await;
        let audit: Value = app.get(&format!("/api/v1/establishments/{LP}/audit?action=auth.login"), Some(&head)).await.json().await.unwrap();
        let items = audit["items"].as_array().unwrap();
        let outcomes: Vec<&str> = items.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
        assert!(outcomes.contains(&"success") && outcomes.contains(&"failure"), "{outcomes:?}");
        assert!(items.iter().all(|e| e["address"] == "127.0.0.1"));
        assert!(!audit.to_string().contains("a-wrong-secret"));
        assert!(!audit.to_string().contains(PASSWORD));
    }
}

http_test! {
    async fn a_search_reads_the_standing_of_its_caller_at_each_request(app: TestApp) {
        use sesame_demo::{LP_UAI, PUBLIC_COLLEGE_UAI};
        load_demo(&app).await;
        let principal = demo_login(&app, "principal").await;
        let teacher = demo_login(&app, "teacher").await;
        let students = |uai: &str, query: &str| format!("/api/v1/establishments/{uai}/students{query}");

        let page: Value = app.get(&students(PUBLIC_COLLEGE_UAI, ""), Some(&teacher)).await.json().await.unwrap();
        assert!(!page["items"].as_array().unwrap().is_empty(), "{page}");
        // Where the teacher holds nothing: 404 — and a query that cannot be read answers as
        // any request there does, without saying which field is wrong.
        assert_eq!(app.get(&students(LP_UAI, ""), Some(&teacher)).await.status(), 404);
        assert_eq!(app.get(&students(LP_UAI, "?sort=nope"), Some(&teacher)).await.status(), 404);
        let r = app.get(&students(PUBLIC_COLLEGE_UAI, "?sort=nope"), Some(&teacher)).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "sort");

        // A delegation at the LP: the same token's next search there lists the LP's pupils.
        let created = app
            .post_json(&format!("/api/v1/establishments/{LP_UAI}/delegations"), Some(&principal), &json!({"username": "teacher", "module": "troubleshooting"}))
            .await;
        assert_eq!(created.status(), 201);
        let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let at_lp: Value = app.get(&students(LP_UAI, ""), Some(&teacher)).await.json().await.unwrap();
        assert!(at_lp["total"].as_u64().unwrap() > 0, "{at_lp}");
        assert_ne!(at_lp["items"], page["items"]);

        // Revoked: the same token's next search there is a 404; the collège still answers.
        let revoked = app.http.delete(app.url(&format!("/api/v1/establishments/{LP_UAI}/delegations/{id}"))).bearer_auth(&principal).send().await.unwrap();
        assert_eq!(revoked.status(), 204);
        assert_eq!(app.get(&students(LP_UAI, ""), Some(&teacher)).await.status(), 404);
        assert_eq!(app.get(&students(PUBLIC_COLLEGE_UAI, ""), Some(&teacher)).await.status(), 200);

        // Disabled: 401 at the next search.
        let staff = app.state.store.staff_by_username("teacher").await.unwrap().unwrap();
        app.state.store.set_staff_disabled(&staff.id, true).await.unwrap();
        assert_eq!(app.get(&students(PUBLIC_COLLEGE_UAI, ""), Some(&teacher)).await.status(), 401);
        app.state.store.set_staff_disabled(&staff.id, false).await.unwrap();

        // Signed out: the session is closed, so is its search.
        let signed_in: Value = login_body(&app, json!({"username": "teacher", "password": sesame_demo::DEMO_PASSWORD})).await.json().await.unwrap();
        let access = signed_in["access_token"].as_str().unwrap();
        assert_eq!(app.get(&students(PUBLIC_COLLEGE_UAI, ""), Some(access)).await.status(), 200);
        let r = app.post_json("/api/v1/auth/logout", Some(access), &json!({"refresh_token": signed_in["refresh_token"]})).await;
        assert_eq!(r.status(), 204);
        assert_eq!(app.get(&students(PUBLIC_COLLEGE_UAI, ""), Some(access)).await.status(), 401);
    }
}

http_test! {
    async fn a_standing_kept_by_one_replica_yields_to_a_change_made_on_another(app: TestApp) {
        use sesame_demo::{LP_UAI, PUBLIC_COLLEGE_UAI};
        load_demo(&app).await;
        // Replica B: the same database and keys, its own memory.
        let other = TestApp::spawn_config(app.backend, &app.config).await;
        let principal = demo_login(&other, "principal").await;
        let teacher = demo_login(&app, "teacher").await;
        let students = |uai: &str| format!("/api/v1/establishments/{uai}/students");

        // A keeps the teacher's standing from this search on.
        for _ in 0..2 {
            assert_eq!(app.get(&students(PUBLIC_COLLEGE_UAI), Some(&teacher)).await.status(), 200);
        }
        assert_eq!(app.get(&students(LP_UAI), Some(&teacher)).await.status(), 404);
        // A grant made on B is seen by A's next search (a refusal on a kept standing is
        // never the answer)…
        let created = other
            .post_json(&format!("/api/v1/establishments/{LP_UAI}/delegations"), Some(&principal), &json!({"username": "teacher", "module": "troubleshooting"}))
            .await;
        assert_eq!(created.status(), 201);
        let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        assert_eq!(app.get(&students(LP_UAI), Some(&teacher)).await.status(), 200);
        assert_eq!(app.get(&students(LP_UAI), Some(&teacher)).await.status(), 200);
        // …and so is its revocation, at the very next search.
        let revoked = other.http.delete(other.url(&format!("/api/v1/establishments/{LP_UAI}/delegations/{id}"))).bearer_auth(&principal).send().await.unwrap();
        assert_eq!(revoked.status(), 204);
        assert_eq!(app.get(&students(LP_UAI), Some(&teacher)).await.status(), 404);
        // The collège's delegation, removed on B's side by hand (no endpoint, no code path
        // that could forget anything: the database raises the version), even when the page
        // asked for is empty.
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        assert_eq!(app.get(&format!("{}?q=zzzz", students(PUBLIC_COLLEGE_UAI)), Some(&teacher)).await.status(), 200);
        let teacher_id = app.state.store.staff_by_username("teacher").await.unwrap().unwrap().id;
        sesame_store::entities::delegation::Entity::delete_many()
            .filter(sesame_store::entities::delegation::Column::StaffId.eq(teacher_id.clone()))
            .exec(&other.state.store.db)
            .await
            .unwrap();
        assert_eq!(app.get(&format!("{}?q=zzzz", students(PUBLIC_COLLEGE_UAI)), Some(&teacher)).await.status(), 404);
        assert_eq!(app.get(&students(PUBLIC_COLLEGE_UAI), Some(&teacher)).await.status(), 404);
        other.stop().await;
    }
}
