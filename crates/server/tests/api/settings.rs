//! « Paramétrage »: the notification addresses a school enters, verifies, activates,
//! deactivates and edits, checked against a small web server the test runs on loopback (the
//! tests' `url_verify_allow_http_loopback` flag lets verification reach it over plain http;
//! production accepts `https` on public addresses only). Every test runs on SQLite and
//! PostgreSQL.

use crate::common;

use std::net::SocketAddr;

use crate::common::{TestApp, COLLEGE, LP};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Runs a test once per engine on an app that may verify loopback http addresses.
macro_rules! loopback_test {
    (async fn $name:ident($app:ident : TestApp) $body:block) => {
        backend_test! {
            async fn $name(backend: Backend) {
                let $app = TestApp::spawn_with(backend, |c| c.url_verify_allow_http_loopback = true).await;
                $body
            }
        }
    };
}

/// A school's web site on loopback: `/ok` answers 200, `/error` 500, `/moved` redirects to
/// `/ok`, `/loop` to itself forever, `/silent` never answers.
async fn website() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&got);
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let (status, extra) = match path.as_str() {
                    "/ok" | "/autre" => ("200 OK", String::new()),
                    "/error" => ("500 Internal Server Error", String::new()),
                    "/moved" => ("302 Found", "Location: /ok\r\n".to_owned()),
                    "/loop" => ("302 Found", "Location: /loop\r\n".to_owned()),
                    "/silent" => {
                        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                        return;
                    }
                    _ => ("404 Not Found", String::new()),
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\nok"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

const BASE: &str = "/api/v1/establishments";

async fn put_url(app: &TestApp, token: &str, population: &str, url: &str) -> reqwest::Response {
    app.http
        .put(app.url(&format!(
            "{BASE}/{LP}/settings/notification-urls/{population}"
        )))
        .bearer_auth(token)
        .json(&json!({ "url": url }))
        .send()
        .await
        .unwrap()
}

async fn action(app: &TestApp, token: &str, population: &str, what: &str) -> reqwest::Response {
    app.post_json(
        &format!("{BASE}/{LP}/settings/notification-urls/{population}/{what}"),
        Some(token),
        &json!({}),
    )
    .await
}

async fn settings(app: &TestApp, token: &str) -> Value {
    let r = app
        .get(
            &format!("{BASE}/{LP}/settings/notification-urls"),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn problem(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    r.json().await.unwrap()
}

loopback_test! {
    async fn enter_verify_activate_deactivate_edit(app: TestApp) {
        common::seed_basic(&app).await;
        let head = common::login(&app, "head").await;
        let site = website().await;

        // Nothing set yet; the national portal is always there for guardians.
        let s = settings(&app, &head).await;
        assert_eq!(s["students"], json!({"url": null, "verified": false, "active": false}));
        assert_eq!(s["guardians"]["url"], Value::Null);
        assert_eq!(s["national_portal_url"], "https://teleservices.education.gouv.fr");

        // Enter: not verified, cannot be activated yet.
        let url = format!("http://{site}/ok");
        let r = put_url(&app, &head, "students", &url).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["url"], url.as_str());
        assert_eq!(body["verified"], false);
        let p = problem(action(&app, &head, "students", "activate").await, 409).await;
        assert!(p["detail"].as_str().unwrap().contains("vérifiée"), "{p}");

        // Verify: the site answers 200.
        let r = action(&app, &head, "students", "verify").await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["verified"], true);
        assert_eq!(body["active"], false);
        assert!(body["verified_at"].is_string());

        // Activate.
        let r = action(&app, &head, "students", "activate").await;
        assert_eq!(r.status(), 200);
        let s = settings(&app, &head).await;
        assert_eq!((s["students"]["verified"].clone(), s["students"]["active"].clone()), (json!(true), json!(true)));
        assert_eq!(s["guardians"]["active"], false, "the other population is untouched");

        // Editing an active address is refused, and changes nothing.
        let p = problem(put_url(&app, &head, "students", &format!("http://{site}/autre")).await, 409).await;
        assert!(p["detail"].as_str().unwrap().contains("Désactivez"), "{p}");
        assert_eq!(settings(&app, &head).await["students"]["url"], url.as_str());

        // Deactivate, then edit: the new address is not verified.
        let r = action(&app, &head, "students", "deactivate").await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!((body["active"].clone(), body["verified"].clone()), (json!(false), json!(true)));
        let r = put_url(&app, &head, "students", &format!("http://{site}/autre")).await;
        assert_eq!(r.status(), 200);
        let s = settings(&app, &head).await;
        assert_eq!(s["students"]["url"], format!("http://{site}/autre"));
        assert_eq!(s["students"]["verified"], false);
        assert_eq!(s["students"]["active"], false);
        assert!(s["students"].get("verified_at").is_none());
        problem(action(&app, &head, "students", "activate").await, 409).await;

        // A redirect to a page that answers is fine.
        put_url(&app, &head, "guardians", &format!("http://{site}/moved")).await;
        let r = action(&app, &head, "guardians", "verify").await;
        assert_eq!(r.status(), 200);

        // Every change is in the establishment's audit trail.
        let r = app.get(&format!("{BASE}/{LP}/audit?per_page=100"), Some(&head)).await;
        let audit: Value = r.json().await.unwrap();
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        for a in ["set", "verify", "activate", "deactivate"] {
            assert!(actions.contains(&format!("settings.notification_url.{a}").as_str()), "{a}: {actions:?}");
        }
    }
}

loopback_test! {
    async fn a_url_that_does_not_answer_properly_stays_unverified_with_the_reason(app: TestApp) {
        common::seed_basic(&app).await;
        let head = common::login(&app, "head").await;
        let site = website().await;

        // No address yet: nothing to verify.
        problem(action(&app, &head, "students", "verify").await, 409).await;

        // A server error.
        put_url(&app, &head, "students", &format!("http://{site}/error")).await;
        let p = problem(action(&app, &head, "students", "verify").await, 422).await;
        assert!(p["type"].as_str().unwrap().ends_with("url-verification-failed"), "{p}");
        assert!(p["detail"].as_str().unwrap().contains("500"), "{p}");
        assert_eq!(p["errors"][0]["field"], "url");
        assert_eq!(settings(&app, &head).await["students"]["verified"], false);
        problem(action(&app, &head, "students", "activate").await, 409).await;

        // Nothing listens there any more.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        put_url(&app, &head, "students", &format!("http://{closed}/")).await;
        let p = problem(action(&app, &head, "students", "verify").await, 422).await;
        assert!(p["detail"].as_str().unwrap().contains("injoignable"), "{p}");
        assert_eq!(settings(&app, &head).await["students"]["verified"], false);

        // Endless redirects.
        put_url(&app, &head, "students", &format!("http://{site}/loop")).await;
        let p = problem(action(&app, &head, "students", "verify").await, 422).await;
        assert!(p["detail"].as_str().unwrap().contains("redirige"), "{p}");

        // A server that never answers: the check gives up after about 5 seconds.
        put_url(&app, &head, "students", &format!("http://{site}/silent")).await;
        let started = std::time::Instant::now();
        let p = problem(action(&app, &head, "students", "verify").await, 422).await;
        let took = started.elapsed().as_secs_f64();
        assert!((4.0..15.0).contains(&took), "{took}");
        assert!(p["detail"].as_str().unwrap().contains("délai"), "{p}");
        assert_eq!(settings(&app, &head).await["students"]["verified"], false);

        // The failures are audited too.
        let r = app.get(&format!("{BASE}/{LP}/audit?action=settings.notification_url.verify"), Some(&head)).await;
        let audit: Value = r.json().await.unwrap();
        let items = audit["items"].as_array().unwrap();
        assert!(items.len() >= 4 && items.iter().all(|e| e["outcome"] == "failure"), "{audit}");
    }
}

http_test! {
    async fn only_well_formed_https_addresses_are_accepted(app: TestApp) {
        common::seed_basic(&app).await;
        let head = common::login(&app, "head").await;
        let long = format!("https://ent.example.fr/{}", "a".repeat(2_000));
        for bad in [
            "",
            "   ",
            "http://ent.example.fr",
            "ftp://ent.example.fr/",
            "ent.example.fr",
            "https://",
            "javascript:alert(1)",
            "https://nom:secret@ent.example.fr/",
            "https://ent.example.fr/a b",
            // Production never verifies loopback or private addresses, not even over https.
            "http://127.0.0.1:8080/",
            "https://127.0.0.1/",
            "https://192.168.1.10/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://localhost/",
            long.as_str(),
        ] {
            let p = problem(put_url(&app, &head, "students", bad).await, 422).await;
            assert_eq!(p["errors"][0]["field"], "url", "{bad}: {p}");
            assert!(!p["errors"][0]["message"].as_str().unwrap().is_empty());
        }
        assert_eq!(settings(&app, &head).await["students"]["url"], Value::Null);
        // A good one, kept as typed.
        let r = put_url(&app, &head, "guardians", "  https://lycees.netocentre.fr  ").await;
        assert_eq!(r.status(), 200);
        assert_eq!(settings(&app, &head).await["guardians"]["url"], "https://lycees.netocentre.fr");
        // A population that has no address.
        let r = put_url(&app, &head, "external-students", "https://ent.example.fr").await;
        assert_eq!(r.status(), 404);
        let r = app
            .http
            .put(app.url(&format!("{BASE}/{LP}/settings/notification-urls/students")))
            .bearer_auth(&head)
            .json(&json!({ "address": "https://ent.example.fr" }))
            .send()
            .await
            .unwrap();
        let p = problem(r, 422).await;
        assert_eq!(p["errors"][0]["field"], "url", "{p}");
    }
}

http_test! {
    async fn only_the_admin_module_manages_settings(app: TestApp) {
        common::seed_basic(&app).await;
        let teacher = common::login(&app, "teacher").await;
        let r = app.get(&format!("{BASE}/{COLLEGE}/settings/notification-urls"), Some(&teacher)).await;
        problem(r, 403).await;
        let r = app
            .http
            .put(app.url(&format!("{BASE}/{COLLEGE}/settings/notification-urls/students")))
            .bearer_auth(&teacher)
            .json(&json!({ "url": "https://ent.example.fr" }))
            .send()
            .await
            .unwrap();
        problem(r, 403).await;
        let r = app
            .post_json(&format!("{BASE}/{COLLEGE}/settings/notification-urls/students/activate"), Some(&teacher), &json!({}))
            .await;
        problem(r, 403).await;
        // The head of the LP does not see the collège's.
        let head = common::login(&app, "head").await;
        let r = app.get(&format!("{BASE}/{COLLEGE}/settings/notification-urls"), Some(&head)).await;
        problem(r, 404).await;
        let r = app.get(&format!("{BASE}/{LP}/settings/notification-urls"), None).await;
        problem(r, 401).await;
    }
}
