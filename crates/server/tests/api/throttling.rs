//! Login throttling under parallel attempts, per user and per address, as an attacker with a
//! fast client would try it. Each check uses its own loopback source address (any 127.x.y.z
//! can be bound), so the per-address counters of one check do not leak into another. Every
//! test runs on SQLite and PostgreSQL.

use crate::common;

use std::net::{IpAddr, Ipv4Addr};

use crate::common::{load_demo, TestApp};
use futures_util::future::join_all;
use serde_json::{json, Value};
use sesame_demo::DEMO_PASSWORD;

/// A client whose connections come from `127.0.0.<last>`.
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .build()
        .unwrap()
}

struct Answer {
    status: u16,
    retry_after: Option<u64>,
    kind: String,
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> Answer {
    post_with(client, url, body, None).await
}

async fn post_with(
    client: &reqwest::Client,
    url: String,
    body: Value,
    forwarded_for: Option<&str>,
) -> Answer {
    let mut req = client.post(url).json(&body);
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let retry_after = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    if status != 200 {
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "status {status}"
        );
    }
    let body: Value = r.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        retry_after,
        kind: body["type"].as_str().unwrap_or_default().to_owned(),
    }
}

/// The demo agent's right password (and second factor: the agent holds the admin module).
fn agent_ok() -> Value {
    json!({
        "username": "agent",
        "password": DEMO_PASSWORD,
        "totp_code": common::totp_now(sesame_demo::DEMO_TOTP_SECRET),
    })
}

/// The demo teacher's right password (no second factor: no admin module).
fn teacher_ok() -> Value {
    json!({"username": "teacher", "password": DEMO_PASSWORD})
}

fn count(answers: &[Answer], status: u16) -> usize {
    answers.iter().filter(|a| a.status == status).count()
}

/// Every 429 says when to come back, within the 5-minute lock.
fn assert_locked_answers(answers: &[Answer]) {
    for a in answers.iter().filter(|a| a.status == 429) {
        let retry = a.retry_after.expect("429 carries Retry-After");
        assert!((1..=300).contains(&retry), "Retry-After {retry}");
        assert!(a.kind.ends_with("too-many-requests"), "{}", a.kind);
    }
}

http_test! {
    async fn parallel_wrong_passwords_for_one_user_get_five_guesses(app: TestApp) {
        load_demo(&app).await;
        let client = client_from(11);
        let answers = join_all((0..16).map(|i| {
            post(
                &client,
                app.url("/api/v1/auth/login"),
                json!({"username": "agent", "password": format!("mauvais-{i}")}),
            )
        }))
        .await;
        let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
        // The rule is 5 failures, then 5 minutes locked: 5 guesses, however parallel.
        assert_eq!(count(&answers, 401), 5, "{statuses:?}");
        assert_eq!(count(&answers, 429), 11, "{statuses:?}");
        assert_locked_answers(&answers);
        // Even the right password waits now, from anywhere.
        let right = post(
            &client_from(12),
            app.url("/api/v1/auth/login"),
            agent_ok(),
        )
        .await;
        assert_eq!(right.status, 429);
    }
}

http_test! {
    async fn parallel_wrong_passwords_for_one_pupil_get_five_guesses(app: TestApp) {
        load_demo(&app).await;
        let identifier = sesame_demo::STALE_IDENTIFIER;
        let client = client_from(21);
        let answers = join_all((0..16).map(|i| {
            post(
                &client,
                app.url("/api/v1/account/login"),
                json!({"identifier": identifier, "password": format!("mauvais-{i}")}),
            )
        }))
        .await;
        let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
        assert_eq!(count(&answers, 401), 5, "{statuses:?}");
        assert_eq!(count(&answers, 429), 11, "{statuses:?}");
        assert_locked_answers(&answers);
    }
}

http_test! {
    async fn one_address_trying_many_pupils_is_throttled_and_another_address_is_not(app: TestApp) {
        load_demo(&app).await;
        let sprayer = client_from(31);
        // 100 failures per window from one address (a school's NAT must get through its
        // pupils' typos), then locked: 120 identifiers at once get 100 answers and 20 waits.
        let answers = join_all((0..120).map(|i| {
            post(
                &sprayer,
                app.url("/api/v1/account/login"),
                json!({"identifier": format!("inconnu.{i}"), "password": "Azerty123"}),
            )
        }))
        .await;
        let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
        assert_eq!(count(&answers, 401), 100, "{statuses:?}");
        assert_eq!(count(&answers, 429), 20, "{statuses:?}");
        assert_locked_answers(&answers);
        // A fresh identifier from the locked address waits too…
        let again = post(
            &sprayer,
            app.url("/api/v1/account/login"),
            json!({"identifier": "jamais.vu", "password": "Azerty123"}),
        )
        .await;
        assert_eq!(again.status, 429);
        // …but another address is counted on its own.
        let other = post(
            &client_from(32),
            app.url("/api/v1/account/login"),
            json!({"identifier": "jamais.vu", "password": "Azerty123"}),
        )
        .await;
        assert_eq!(other.status, 401);
    }
}

http_test! {
    async fn one_address_trying_many_staff_users_is_throttled(app: TestApp) {
        load_demo(&app).await;
        let sprayer = client_from(41);
        let answers = join_all((0..30).map(|i| {
            post(
                &sprayer,
                app.url("/api/v1/auth/login"),
                json!({"username": format!("inconnu{i}"), "password": "mauvais"}),
            )
        }))
        .await;
        let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
        assert_eq!(count(&answers, 401), 20, "{statuses:?}");
        assert_eq!(count(&answers, 429), 10, "{statuses:?}");
        assert_locked_answers(&answers);
        // The right password of a real user from that address waits as well; from another
        // address it works.
        let body = teacher_ok();
        assert_eq!(post(&sprayer, app.url("/api/v1/auth/login"), body.clone()).await.status, 429);
        assert_eq!(post(&client_from(42), app.url("/api/v1/auth/login"), body).await.status, 200);
    }
}

http_test! {
    async fn successful_logins_do_not_use_up_the_address_or_the_user(app: TestApp) {
        load_demo(&app).await;
        let client = client_from(51);
        let url = app.url("/api/v1/auth/login");
        // Four typos, then the right password: the user's count starts again.
        for _ in 0..4 {
            let a = post(&client, url.clone(), json!({"username": "teacher", "password": "x"})).await;
            assert_eq!(a.status, 401);
        }
        let ok = teacher_ok();
        assert_eq!(post(&client, url.clone(), ok.clone()).await.status, 200);
        for _ in 0..4 {
            let a = post(&client, url.clone(), json!({"username": "teacher", "password": "x"})).await;
            assert_eq!(a.status, 401);
        }
        // More successes from one address than its failure budget (20): a shared office
        // address is not locked by people who type their password right.
        for i in 0..25 {
            assert_eq!(post(&client, url.clone(), ok.clone()).await.status, 200, "login {i}");
        }
    }
}

http_test! {
    async fn a_trusted_proxy_s_forwarded_address_is_what_is_counted(app: TestApp) {
        // Same app, but loopback is a trusted proxy: the address counted is the forwarded one.
        let app = TestApp::spawn_with(app.backend, |c| {
            c.trusted_proxies = vec!["127.0.0.0/8".into()];
        })
        .await;
        load_demo(&app).await;
        let proxy = client_from(61);
        let url = app.url("/api/v1/auth/login");
        let answers = join_all((0..21).map(|i| {
            post_with(
                &proxy,
                url.clone(),
                json!({"username": format!("inconnu{i}"), "password": "mauvais"}),
                Some("203.0.113.7"),
            )
        }))
        .await;
        assert_eq!(count(&answers, 401), 20);
        assert_eq!(count(&answers, 429), 1);
        // Another client behind the same proxy is not locked by the first one's failures.
        let other = post_with(
            &proxy,
            url,
            teacher_ok(),
            Some("203.0.113.8"),
        )
        .await;
        assert_eq!(other.status, 200);
    }
}

/// An app whose argon2 bound is one permit and a 100 ms wait, with the production argon2
/// parameters, so that a handful of parallel logins saturates it.
async fn spawn_saturable(backend: sesame_store::Backend) -> TestApp {
    use sesame_server::auth::hashing::HashGate;
    let url = sesame_store::testing::fresh_database_url(backend).await;
    let config = common::test_config(url);
    let mut state = sesame_server::app::build_state(&config, sesame_store::PasswordHasher::owasp())
        .await
        .expect("state");
    state.hashing = HashGate::new(1, std::time::Duration::from_millis(100));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = sesame_server::app::run(listener, state.clone()).expect("server");
    let handle = server.handle();
    tokio::spawn(server);
    TestApp {
        handle,
        background: vec![],
        config,
        base,
        state,
        http: reqwest::Client::new(),
        backend,
    }
}

/// At capacity, a login waits briefly then gets 503 + Retry-After (problem+json, in French),
/// never a 500; and an attempt that was not checked does not count against the pupil or the
/// address.
async fn saturated_logins_get_503_and_do_not_count(backend: sesame_store::Backend) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    use sesame_store::entities::{account, login_throttle};
    let app = spawn_saturable(backend).await;
    load_demo(&app).await;
    // Pupils who chose a password: each check is a real argon2id verification (19 MiB).
    let identifiers: Vec<String> = account::Entity::find()
        .filter(account::Column::State.eq("activated"))
        .filter(account::Column::PasswordHash.is_not_null())
        .limit(12)
        .all(&app.state.store.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.identifier)
        .collect();
    assert_eq!(identifiers.len(), 12);
    let client = client_from(71);
    let answers: Vec<(String, reqwest::Response)> = join_all(identifiers.iter().map(|id| {
        let req = client
            .post(app.url("/api/v1/account/login"))
            .json(&json!({"identifier": id, "password": "Mauvais-mot-2026"}));
        async move { (id.clone(), req.send().await.unwrap()) }
    }))
    .await;
    let mut refused = vec![];
    let mut checked = 0;
    for (id, r) in answers {
        match r.status().as_u16() {
            401 => checked += 1,
            503 => {
                let retry: u64 = r.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=5).contains(&retry), "Retry-After {retry}");
                assert_eq!(r.headers()["content-type"], "application/problem+json");
                let p: Value = r.json().await.unwrap();
                assert_eq!(p["status"], 503);
                assert!(p["detail"].as_str().unwrap().contains("réessayez"), "{p}");
                refused.push(id);
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        checked >= 1 && !refused.is_empty(),
        "{checked} checked, {} refused",
        refused.len()
    );
    let rows = login_throttle::Entity::find()
        .all(&app.state.store.db)
        .await
        .unwrap();
    let failures = |key: &str| rows.iter().find(|r| r.key == key).map_or(0, |r| r.failures);
    assert_eq!(failures("holder-addr:127.0.0.71"), checked, "{rows:?}");
    for id in &refused {
        assert_eq!(
            failures(&format!("holder:{}", id.to_ascii_lowercase())),
            0,
            "{id}"
        );
    }
    app.handle.stop(false).await;
}

engine_tests!(
    saturated_logins_get_503_and_do_not_count = saturated_logins_get_503_and_do_not_count
);
