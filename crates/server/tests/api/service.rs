//! The service surface: health, readiness, metrics, OpenAPI, Swagger UI, SPA hosting, and
//! problem+json for everything that goes wrong.

use crate::common::TestApp;

http_test! {
    async fn health_and_readiness_answer(app: TestApp) {
        let r = app.get("/healthz", None).await;
        assert_eq!(r.status(), 200);
        let r = app.get("/readyz", None).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "ready");
    }
}

// Metrics are served on their own listener (`SESAME_METRICS_BIND`): tests/edges.rs.

http_test! {
    async fn openapi_and_swagger_ui_are_served(app: TestApp) {
        let r = app.get("/api-docs/openapi.json", None).await;
        assert_eq!(r.status(), 200);
        let doc: serde_json::Value = r.json().await.unwrap();
        assert!(doc["paths"]["/api/v1/auth/login"].is_object());
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        let r = app.get("/swagger-ui/", None).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("swagger-initializer.js"), "Swagger UI page");
    }
}

http_test! {
    async fn unknown_api_paths_are_problem_json_404(app: TestApp) {
        let r = app.get("/api/v1/nope", None).await;
        assert_eq!(r.status(), 404);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["status"], 404);
        assert!(p["type"].as_str().unwrap().ends_with("not-found"));
    }
}

http_test! {
    async fn the_root_explains_how_to_build_the_spa_when_it_is_missing(app: TestApp) {
        let r = app.get("/", None).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("build-spa.sh"));
    }
}

#[tokio::test]
async fn the_spa_is_served_with_a_fallback_for_client_routes() {
    let dir = std::env::temp_dir().join(format!("sesame-spa-{}", sesame_store::ids::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<html><body>SPA-INDEX</body></html>",
    )
    .unwrap();
    std::fs::write(dir.join("app.js"), "console.log(1)").unwrap();
    let app = TestApp::spawn_with(sesame_store::Backend::Sqlite, |c| c.spa_dir = dir.clone()).await;
    assert!(app
        .get("/", None)
        .await
        .text()
        .await
        .unwrap()
        .contains("SPA-INDEX"));
    assert!(app
        .get("/eleves/recherche", None)
        .await
        .text()
        .await
        .unwrap()
        .contains("SPA-INDEX"));
    assert_eq!(
        app.get("/app.js", None).await.text().await.unwrap(),
        "console.log(1)"
    );
    let api = app.get("/api/v1/unknown", None).await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    assert_eq!(
        api.headers()["cache-control"],
        "no-store",
        "API answers are never cached"
    );
}

/// The committed `openapi/openapi.json` is what the code generates. Regenerate with
/// `UPDATE_OPENAPI=1 cargo test -p sesame-server --test api service::openapi_document_is_current`.
#[test]
fn openapi_document_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let generated = sesame_server::openapi::openapi_json();
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p sesame-server --test api service::openapi_document_is_current`"
    );
}

/// The closed vocabularies are listed in the document, so a client (or the fuzzer) knows the
/// only values a field takes: a state filter, a list's format, a notification's channel.
#[test]
fn openapi_lists_the_values_of_each_vocabulary() {
    let doc: serde_json::Value =
        serde_json::from_str(&sesame_server::openapi::openapi_json()).unwrap();
    let values = |schema: &str| doc["components"]["schemas"][schema]["enum"].clone();
    assert_eq!(
        values("AccountState"),
        serde_json::json!([
            "not_notified",
            "notified_not_activated",
            "activation_in_progress",
            "activated"
        ])
    );
    assert_eq!(values("DocumentFormat"), serde_json::json!(["pdf", "csv"]));
    assert_eq!(values("Channel"), serde_json::json!(["letter", "email"]));
    assert_eq!(
        doc["components"]["schemas"]["ListRequest"]["properties"]["format"]["$ref"],
        "#/components/schemas/DocumentFormat"
    );
}

/// Every operation that needs a token declares the bearer scheme; the public ones do not.
#[test]
fn protected_operations_declare_bearer_security() {
    let doc: serde_json::Value =
        serde_json::from_str(&sesame_server::openapi::openapi_json()).unwrap();
    let public = [
        "/api/v1/oauth/token",
        "/healthz",
        "/readyz",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/account/login",
        // The holders' e-mailed links: the token in the body is the credential.
        "/api/v1/account/email/confirm",
        "/api/v1/account/recovery",
        "/api/v1/account/recovery/password",
        "/api/v1/account/registration",
        "/api/v1/account/registration/password",
        "/api/v1/imports/template.csv",
    ];
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let secured = op.get("security").is_some();
            assert_eq!(
                secured,
                !public.contains(&path.as_str()),
                "{method} {path}: security declared = {secured}"
            );
        }
    }
}
