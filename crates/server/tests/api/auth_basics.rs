//! Staff login and the establishments a caller sees.

use crate::common::*;
use serde_json::json;

http_test! {
    async fn the_head_logs_in_with_totp_and_sees_only_their_establishment(app: TestApp) {
        seed_basic(&app).await;
        let no_code = app
            .post_json("/api/v1/auth/login", None, &json!({"username": "head", "password": PASSWORD}))
            .await;
        assert_eq!(no_code.status(), 401);
        let p: serde_json::Value = no_code.json().await.unwrap();
        assert!(p["type"].as_str().unwrap().ends_with("totp-required"), "{p}");

        let token = login(&app, "head").await;
        let r = app.get("/api/v1/establishments", Some(&token)).await;
        assert_eq!(r.status(), 200);
        let list: Vec<serde_json::Value> = r.json().await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["uai"], LP);
        assert_eq!(list[0]["name"], "LP LYC METIER Auguste Rodin");
        // The head's rights there open every admin screen, delegations included, not the ENT.
        let rights: Vec<&str> = list[0]["rights"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        for r in ["students:notify", "guardians:search", "statistics:view", "delegations:manage", "audit:view"] {
            assert!(rights.contains(&r), "{r} missing from {rights:?}");
        }
        assert!(!rights.contains(&"ent-directory:read"), "{rights:?}");

        assert_eq!(app.get(&format!("/api/v1/establishments/{LP}"), Some(&token)).await.status(), 200);
        // Another establishment answers exactly like a missing one.
        let other = app.get(&format!("/api/v1/establishments/{COLLEGE}"), Some(&token)).await;
        let missing = app.get("/api/v1/establishments/0000000A", Some(&token)).await;
        assert_eq!(other.status(), 404);
        assert_eq!(missing.status(), 404);
        assert_eq!(problem_alone(other).await, problem_alone(missing).await);
    }
}

http_test! {
    async fn a_teacher_logs_in_with_a_password_only(app: TestApp) {
        seed_basic(&app).await;
        let r = app
            .post_json("/api/v1/auth/login", None, &json!({"username": "teacher", "password": PASSWORD}))
            .await;
        assert_eq!(r.status(), 200);
        let token: serde_json::Value = r.json().await.unwrap();
        let me: serde_json::Value = app
            .get("/api/v1/me", token["access_token"].as_str())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["roles"], json!([{"uai": COLLEGE, "role": "teacher", "module": "troubleshooting"}]));
        // The troubleshooting module: students only, no guardians, statistics or settings.
        let list: serde_json::Value = app
            .get("/api/v1/establishments", token["access_token"].as_str())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            list[0]["rights"],
            json!(["students:search", "students:view", "students:list", "students:reset-password", "establishment:view"])
        );
    }
}

http_test! {
    async fn unknown_user_and_wrong_password_get_the_same_answer(app: TestApp) {
        seed_basic(&app).await;
        let wrong = app
            .post_json("/api/v1/auth/login", None, &json!({"username": "teacher", "password": "nope"}))
            .await;
        let unknown = app
            .post_json("/api/v1/auth/login", None, &json!({"username": "nobody", "password": "nope"}))
            .await;
        assert_eq!(wrong.status(), 401);
        assert_eq!(unknown.status(), 401);
        assert_eq!(problem_alone(wrong).await, problem_alone(unknown).await);
    }
}

http_test! {
    async fn bad_input_is_a_problem_naming_the_field(app: TestApp) {
        let r = app.post_json("/api/v1/auth/login", None, &json!({"username": "x"})).await;
        assert_eq!(r.status(), 422);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "password");
        let r = app
            .http
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error());
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}

http_test! {
    async fn protected_endpoints_need_a_valid_token(app: TestApp) {
        assert_eq!(app.get("/api/v1/establishments", None).await.status(), 401);
        assert_eq!(app.get("/api/v1/establishments", Some("garbage")).await.status(), 401);
        assert_eq!(app.get("/api/v1/me", None).await.status(), 401);
    }
}
