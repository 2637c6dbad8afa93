//! ENT platforms over OAuth2 client credentials: scopes × establishments, exactly.

use crate::common::*;
use serde_json::{json, Value};
use sesame_core::permissions::Scope;
use sesame_demo::{LP_UAI, PUBLIC_COLLEGE_UAI, STALE_IDENTIFIER_STUDENT_ID};

const SECRET: &str = "a-long-client-secret-for-tests";

/// A client holding `scopes` at the public collège only.
async fn client(app: &TestApp, client_id: &str, scopes: &[Scope], rate: i32) {
    let c = app
        .state
        .store
        .create_client(
            client_id,
            "ENT de test",
            app.state.hasher.hash(SECRET).unwrap(),
            rate,
        )
        .await
        .unwrap();
    app.state
        .store
        .grant_client(&c.id, PUBLIC_COLLEGE_UAI, scopes)
        .await
        .unwrap();
}

async fn token(
    app: &TestApp,
    client_id: &str,
    secret: &str,
    scope: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
    ];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    app.http
        .post(app.url("/api/v1/oauth/token"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn bearer(app: &TestApp, client_id: &str, scope: Option<&str>) -> String {
    let r = token(app, client_id, SECRET, scope).await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn status(app: &TestApp, method: &str, path: &str, token: &str, body: Value) -> u16 {
    let url = app.url(path);
    let req = match method {
        "GET" => app.http.get(url),
        "DELETE" => app.http.delete(url),
        _ => app.http.post(url).json(&body),
    };
    req.bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

http_test! {
    async fn each_scope_opens_exactly_its_endpoints_at_its_establishments(app: TestApp) {
        load_demo(&app).await;
        client(&app, "reader", &[Scope::AccountsRead], 1000).await;
        client(&app, "resetter", &[Scope::AccountsRead, Scope::AccountsReset], 1000).await;
        client(&app, "regenerator", &[Scope::IdentifiersRegenerate], 1000).await;
        let head = demo_login(&app, "principal").await;
        let student: Value = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students?per_page=1&state=activated"), Some(&head)).await.json().await.unwrap();
        let sid = student["items"][0]["id"].as_str().unwrap().to_owned();
        // (endpoint, body, expected per client [reader, resetter, regenerator]) at the collège.
        let cases: Vec<(&str, String, Value, [u16; 3])> = vec![
            ("GET", "/api/v1/establishments/{uai}".into(), json!(null), [200, 200, 403]),
            ("GET", "/api/v1/establishments/{uai}/students".into(), json!(null), [200, 200, 403]),
            ("GET", "/api/v1/establishments/{uai}/guardians".into(), json!(null), [200, 200, 403]),
            ("GET", format!("/api/v1/establishments/{{uai}}/students/{sid}"), json!(null), [200, 200, 403]),
            ("POST", "/api/v1/establishments/{uai}/students/reset-password".into(), json!({"ids": [sid]}), [403, 200, 403]),
            ("POST", "/api/v1/establishments/{uai}/students/notify".into(), json!({"ids": [sid], "channel": "letter"}), [403, 403, 403]),
            ("POST", "/api/v1/establishments/{uai}/students/list".into(), json!({"ids": [sid], "format": "csv"}), [403, 403, 403]),
            ("POST", format!("/api/v1/establishments/{{uai}}/accounts/{STALE_IDENTIFIER_STUDENT_ID}/regenerate-identifier"), json!(null), [403, 403, 202]),
            ("GET", "/api/v1/establishments/{uai}/statistics".into(), json!(null), [403, 403, 403]),
            ("GET", "/api/v1/establishments/{uai}/delegations".into(), json!(null), [403, 403, 403]),
            ("GET", "/api/v1/establishments/{uai}/audit".into(), json!(null), [403, 403, 403]),
        ];
        let mut mismatches = vec![];
        for (i, name) in ["reader", "resetter", "regenerator"].iter().enumerate() {
            let t = bearer(&app, name, None).await;
            for (method, path, body, expected) in &cases {
                for (scope, uai, want) in [("granted", PUBLIC_COLLEGE_UAI, expected[i]), ("other", LP_UAI, 404), ("unknown", "0000000A", 404)] {
                    let got = status(&app, method, &path.replace("{uai}", uai), &t, body.clone()).await;
                    if got != want {
                        mismatches.push(format!("{name} {method} {path} at {scope}: expected {want}, got {got}"));
                    }
                }
            }
            // Staff-only endpoints.
            assert_eq!(status(&app, "GET", "/api/v1/me", &t, json!(null)).await, 403);
        }
        assert!(mismatches.is_empty(), "scope matrix mismatches:\n{}", mismatches.join("\n"));
        // A token asked for fewer scopes has only those.
        let narrow = bearer(&app, "resetter", Some("accounts:read")).await;
        assert_eq!(status(&app, "POST", &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/reset-password"), &narrow, json!({"ids": [sid]})).await, 403);
        // The establishments list shows the granted ones only.
        let t = bearer(&app, "reader", None).await;
        let list: Vec<Value> = app.get("/api/v1/establishments", Some(&t)).await.json().await.unwrap();
        assert_eq!(list.iter().map(|e| e["uai"].as_str().unwrap()).collect::<Vec<_>>(), [PUBLIC_COLLEGE_UAI]);
        // Actions are audited as the client.
        let audit: Value = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/audit?actor=resetter&action=account.reset_password"), Some(&head)).await.json().await.unwrap();
        assert_eq!(audit["total"], 1);
        assert_eq!(audit["items"][0]["actor_kind"], "client");
    }
}

http_test! {
    async fn bad_credentials_and_requests_are_refused_alike(app: TestApp) {
        load_demo(&app).await;
        client(&app, "ent1", &[Scope::AccountsRead], 1000).await;
        let wrong = token(&app, "ent1", "wrong-secret", None).await;
        let unknown = token(&app, "nobody", "wrong-secret", None).await;
        assert_eq!(wrong.status(), 401);
        assert_eq!(unknown.status(), 401);
        assert_eq!(problem_alone(wrong).await, problem_alone(unknown).await);
        let r = app.http.post(app.url("/api/v1/oauth/token")).form(&[("grant_type", "password"), ("client_id", "ent1"), ("client_secret", SECRET)]).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "grant_type");
        let r = token(&app, "ent1", SECRET, Some("accounts:everything")).await;
        assert_eq!(r.status(), 422);
        // The demo's own client works with its documented secret.
        let r = token(&app, sesame_demo::DEMO_CLIENT_ID, sesame_demo::DEMO_CLIENT_SECRET, None).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert!(body["scope"].as_str().unwrap().contains("accounts:read"));
    }
}

http_test! {
    async fn each_client_is_rate_limited(app: TestApp) {
        load_demo(&app).await;
        client(&app, "slow", &[Scope::AccountsRead], 5).await;
        let t = bearer(&app, "slow", None).await;
        let path = format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}");
        for _ in 0..5 {
            assert_eq!(status(&app, "GET", &path, &t, json!(null)).await, 200);
        }
        let r = app.get(&path, Some(&t)).await;
        assert_eq!(r.status(), 429);
        let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait));
        // Counted in the database: another process serving the same client agrees.
        let other = TestApp::spawn_config(app.backend, &app.config).await;
        assert_eq!(other.get(&path, Some(&t)).await.status(), 429);
    }
}
