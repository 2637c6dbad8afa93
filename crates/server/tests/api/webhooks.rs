//! Webhooks: signed, retried with backoff, and durable across a restart.

use std::sync::{Arc, Mutex};

use crate::common::*;
use serde_json::{json, Value};
use sesame_core::permissions::Scope;
use sesame_demo::PUBLIC_COLLEGE_UAI;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Clone, Debug)]
struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

/// A local HTTP receiver answering 500 to its first `failures` requests, then 200.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

async fn receiver(failures: usize) -> Receiver {
    slow_receiver(failures, std::time::Duration::ZERO).await
}

/// A receiver that takes `delay` to answer each request.
async fn slow_receiver(failures: usize, delay: std::time::Duration) -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://127.0.0.1:{}/hooks/sesame",
        listener.local_addr().unwrap().port()
    );
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let store = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head_end, length) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map(|v| v.trim().parse::<usize>().unwrap())
                            .unwrap_or(0);
                        break (i + 4, len);
                    }
                };
                while buf.len() < head_end + length {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let headers = head
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
                    .collect();
                let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).to_string();
                let n = {
                    let mut g = store.lock().unwrap();
                    g.push(Received { headers, body });
                    g.len()
                };
                tokio::time::sleep(delay).await;
                let status = if n <= failures {
                    "500 Internal Server Error"
                } else {
                    "200 OK"
                };
                let _ = sock
                    .write_all(
                        format!(
                            "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        )
                        .as_bytes(),
                    )
                    .await;
            });
        }
    });
    Receiver { url, got }
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// The ENT client the webhook tests register with.
async fn client_token(app: &TestApp) -> String {
    client_with_scopes(
        app,
        "webhook-ent",
        &[Scope::AccountsRead, Scope::AccountsReset],
    )
    .await
}

/// Registers `url` as the client's webhook; returns the signing secret.
async fn register(app: &TestApp, token: &str, url: &str) -> String {
    let r = app
        .http
        .put(app.url("/api/v1/integrations/webhook"))
        .bearer_auth(token)
        .json(&json!({ "url": url }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn wait_for(got: &Arc<Mutex<Vec<Received>>>, n: usize) {
    for _ in 0..400 {
        if got.lock().unwrap().len() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "the receiver got {} request(s), expected {n}",
        got.lock().unwrap().len()
    );
}

async fn run(backend: sesame_store::Backend) {
    // Retries a second apart: room to stop the first process between two attempts.
    let app = TestApp::spawn_with(backend, |c| {
        c.url_verify_allow_http_loopback = true;
        c.webhook_retry_base_ms = 1000;
    })
    .await;
    load_demo(&app).await;
    let token = client_token(&app).await;
    let rx = receiver(2).await;
    let secret = register(&app, &token, &rx.url).await;
    // Staff cannot register webhooks.
    let head = demo_login(&app, "principal").await;
    assert_eq!(
        app.http
            .put(app.url("/api/v1/integrations/webhook"))
            .bearer_auth(&head)
            .json(&json!({"url": rx.url}))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // A password reset by the client is announced to it.
    let id = reset_one_activated_pupil(&app, &token).await;

    // First attempt fails and is recorded; the process then dies before the retry. (A
    // process dying in the middle of an attempt leaves it leased for a minute, then retried.)
    wait_for(&rx.got, 1).await;
    for _ in 0..100 {
        let d: Value = app
            .get("/api/v1/integrations/webhook/deliveries", Some(&token))
            .await
            .json()
            .await
            .unwrap();
        if d[0]["attempts"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let config = app.config.clone();
    app.stop().await;
    let restarted = TestApp::spawn_config(backend, &config).await;
    // Second attempt (after the restart) fails too, the third succeeds.
    wait_for(&rx.got, 3).await;
    let got = rx.got.lock().unwrap().clone();
    for r in &got {
        assert_eq!(r.header("x-sesame-event"), "account.password_reset");
        let ts: i64 = r.header("x-sesame-timestamp").parse().unwrap();
        assert_eq!(
            r.header("x-sesame-signature"),
            sesame_server::webhooks::sign(&secret, ts, &r.body),
            "signature verifies"
        );
        let event: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(event["type"], "account.password_reset");
        assert_eq!(event["data"]["account_id"], id.as_str());
        assert!(!r.body.contains("provisional"), "no password in events");
    }
    assert!(
        got.iter()
            .all(|r| r.header("x-sesame-delivery") == got[0].header("x-sesame-delivery")),
        "one delivery, retried"
    );
    // The deliveries are visible with their status (polled for up to 10 s: a loaded CI machine
    // retries slowly, and the third attempt is what the test waits for).
    let mut deliveries = Value::Null;
    for _ in 0..200 {
        deliveries = restarted
            .get("/api/v1/integrations/webhook/deliveries", Some(&token))
            .await
            .json()
            .await
            .unwrap();
        if deliveries[0]["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(deliveries[0]["state"], "delivered", "{deliveries}");
    assert_eq!(deliveries[0]["attempts"], 3);
    assert_eq!(deliveries[0]["last_status"], 200);
}

engine_tests!(events_are_signed_retried_and_survive_a_restart = run);

async fn identifier_and_activation_events(backend: sesame_store::Backend) {
    use sesame_demo::{STALE_IDENTIFIER, STALE_IDENTIFIER_STUDENT_ID};
    let app = TestApp::spawn_with(backend, |c| c.url_verify_allow_http_loopback = true).await;
    load_demo(&app).await;
    let token = client_token(&app).await;
    let rx = receiver(0).await;
    register(&app, &token, &rx.url).await;
    // An identifier change, due now, is switched by the scheduler and announced.
    let head = demo_login(&app, "principal").await;
    let path = format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/accounts/{STALE_IDENTIFIER_STUDENT_ID}/regenerate-identifier");
    let change: Value = app
        .post_json(&path, Some(&head), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    app.state
        .store
        .apply_due_identifier_switches(change["effective_at"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap();
    wait_for(&rx.got, 1).await;
    // A notified student who sets their own password is announced as activated.
    let page: Value = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students?per_page=1&state=notified_not_activated"), Some(&head)).await.json().await.unwrap();
    let id = page["items"][0]["id"].as_str().unwrap();
    let acc = app.state.store.holder_account(id).await.unwrap().unwrap();
    let provisional = app
        .state
        .secrets
        .open(acc.provisional_password_enc.as_deref().unwrap(), id)
        .unwrap();
    let login: Value = app
        .post_json(
            "/api/v1/account/login",
            None,
            &json!({"identifier": acc.identifier, "password": provisional}),
        )
        .await
        .json()
        .await
        .unwrap();
    let holder = login["access_token"].as_str().unwrap();
    let r = app
        .post_json(
            "/api/v1/account/password",
            Some(holder),
            &json!({"current_password": provisional, "new_password": "Nouveau-mot2passe!"}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    wait_for(&rx.got, 2).await;
    let got = rx.got.lock().unwrap().clone();
    let kinds: Vec<&str> = got.iter().map(|r| r.header("x-sesame-event")).collect();
    assert_eq!(kinds, ["identifier.changed", "account.activated"]);
    let changed: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(changed["data"]["old_identifier"], STALE_IDENTIFIER);
    assert_eq!(changed["data"]["new_identifier"], change["new_identifier"]);
}

engine_tests!(identifier_changes_and_activations_are_announced = identifier_and_activation_events);

/// A client of the demo collège holding `scopes` there, with a token for them.
async fn client_with_scopes(app: &TestApp, client_id: &str, scopes: &[Scope]) -> String {
    let c = app
        .state
        .store
        .create_client(
            client_id,
            client_id,
            app.state.hasher.hash("secret-secret").unwrap(),
            1000,
        )
        .await
        .unwrap();
    app.state
        .store
        .grant_client(&c.id, PUBLIC_COLLEGE_UAI, scopes)
        .await
        .unwrap();
    let r = app
        .http
        .post(app.url("/api/v1/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", "secret-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Two replicas (two app instances, each with its delivery loop, on one database) deliver a
/// burst of events to a slow receiver: each event arrives exactly once, although the whole
/// burst takes several times a lease. Events go only to clients holding an accounts scope at
/// the establishment: a client granted only `ent:directory` there gets none.
async fn two_replicas_deliver_each_event_once(backend: sesame_store::Backend) {
    const EVENTS: usize = 24;
    // A lease of 1.4 s (400 ms timeout + 1 s); 24 answers of 150 ms take 3.6 s.
    let first = TestApp::spawn_with(backend, |c| {
        c.url_verify_allow_http_loopback = true;
        c.webhook_timeout_ms = 400;
        c.webhook_poll_ms = 50;
    })
    .await;
    let second = TestApp::spawn_config(backend, &first.config).await;
    load_demo(&first).await;
    let accounts = client_with_scopes(&first, "ent-accounts", &[Scope::AccountsReset]).await;
    let directory = client_with_scopes(&first, "ent-directory", &[Scope::EntDirectory]).await;
    let rx = slow_receiver(0, std::time::Duration::from_millis(150)).await;
    let other = receiver(0).await;
    register(&first, &accounts, &rx.url).await;
    register(&second, &directory, &other.url).await;

    let head = demo_login(&first, "principal").await;
    let page: Value = first
        .get(
            &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students?per_page={EVENTS}&state=activated"),
            Some(&head),
        )
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), EVENTS, "{page}");
    let r = first
        .post_json(
            &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/reset-password"),
            Some(&accounts),
            &json!({ "ids": ids }),
        )
        .await;
    assert_eq!(r.status(), 200);

    wait_for(&rx.got, EVENTS).await;
    // Longer than a lease more: a delivery taken over would have been sent again by now.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let got = rx.got.lock().unwrap().clone();
    let mut delivery_ids: Vec<&str> = got.iter().map(|r| r.header("x-sesame-delivery")).collect();
    delivery_ids.sort();
    delivery_ids.dedup();
    assert_eq!(delivery_ids.len(), EVENTS, "one delivery per event");
    assert_eq!(got.len(), EVENTS, "each delivered exactly once");
    let d: Value = second
        .get("/api/v1/integrations/webhook/deliveries", Some(&accounts))
        .await
        .json()
        .await
        .unwrap();
    let d = d.as_array().unwrap();
    assert_eq!(d.len(), EVENTS);
    for x in d {
        assert_eq!(x["state"], "delivered", "{x}");
        assert_eq!(x["attempts"], 1, "{x}");
    }
    // The directory-only client was told nothing, and nothing was queued for it.
    let d: Value = first
        .get("/api/v1/integrations/webhook/deliveries", Some(&directory))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        d.as_array().unwrap().len(),
        0,
        "deliveries queued for ent:directory only"
    );
    assert!(other.got.lock().unwrap().is_empty());
    second.stop().await;
    first.stop().await;
}

engine_tests!(two_replicas_deliver_each_event_once = two_replicas_deliver_each_event_once);

/// Only the holder of a delivery's current lease records its outcome: a replica whose lease
/// lapsed and was taken over records neither success nor failure over the new holder's.
async fn a_lapsed_lease_records_nothing(backend: sesame_store::Backend) {
    let app = TestApp::spawn_with(backend, |c| c.url_verify_allow_http_loopback = true).await;
    // No delivery loop: this test claims by hand.
    for task in &app.background {
        task.abort();
    }
    load_demo(&app).await;
    let token = client_token(&app).await;
    let rx = receiver(0).await;
    register(&app, &token, &rx.url).await;
    reset_one_activated_pupil(&app, &token).await;

    let store = &app.state.store;
    let lease = chrono::Duration::seconds(10);
    let now = chrono::Utc::now() + chrono::Duration::seconds(1);
    let first = store.claim_due_delivery(now, lease).await.unwrap().unwrap();
    assert!(
        store
            .claim_due_delivery(now, lease)
            .await
            .unwrap()
            .is_none(),
        "held"
    );
    // The first holder's lease lapses; another replica takes the delivery over.
    let later = now + lease + chrono::Duration::seconds(1);
    let second = store
        .claim_due_delivery(later, lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, first.id);
    assert_ne!(second.lease_token, first.lease_token);
    assert!(!store.delivery_succeeded(&first, 200).await.unwrap());
    assert!(!store
        .delivery_failed(
            &first,
            Some(500),
            "answered 500",
            chrono::Duration::seconds(1)
        )
        .await
        .unwrap());
    let rows = store.deliveries(&first.webhook_id, 10).await.unwrap();
    assert_eq!((rows[0].state.as_str(), rows[0].attempts), ("pending", 0));
    assert!(store.delivery_succeeded(&second, 200).await.unwrap());
    let rows = store.deliveries(&first.webhook_id, 10).await.unwrap();
    assert_eq!((rows[0].state.as_str(), rows[0].attempts), ("delivered", 1));
    // Recorded once: a late second record by the same holder changes nothing.
    assert!(!store.delivery_succeeded(&second, 200).await.unwrap());
}

engine_tests!(a_lapsed_lease_records_nothing = a_lapsed_lease_records_nothing);

/// The client resets the password of one activated pupil of the collège (one
/// `account.password_reset` event); the pupil's account id.
async fn reset_one_activated_pupil(app: &TestApp, token: &str) -> String {
    let page: Value = app
        .get(
            &format!(
                "/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students?per_page=1&state=activated"
            ),
            Some(token),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = page["items"][0]["id"].as_str().unwrap().to_owned();
    let r = app
        .post_json(
            &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/reset-password"),
            Some(token),
            &json!({"ids": [id]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    id
}
