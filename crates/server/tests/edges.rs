//! The service's edges: what the metrics middleware writes to the log, and where `/metrics`
//! is served.

// A binary of its own, apart from tests/api: the log subscriber it installs is process-wide.
// It shares the API tests' harness, of which it uses a part.
#[path = "api/common/mod.rs"]
#[macro_use]
#[allow(dead_code, unused_macros)]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::*;

/// Everything logged in this test binary (the `log` crate's records included, as in
/// production: `tracing_subscriber`'s `try_init` installs the `log` bridge).
fn captured() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buf: Arc<Mutex<Vec<u8>>> = Arc::default();
        let sink = buf.clone();
        // The service's default level: what an operator sees.
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .try_init()
            .expect("the only subscriber of this test binary");
        buf
    })
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn warnings() -> Vec<String> {
    String::from_utf8_lossy(&captured().lock().unwrap())
        .lines()
        .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
        .map(str::to_owned)
        .collect()
}

http_test! {
    /// 100 requests on the routes whose path pattern holds a regular expression
    /// (`{population:students|external-students|guardians}`) leave no warning in the log.
    async fn population_routes_log_no_warning(app: TestApp) {
        captured();
        seed_basic(&app).await;
        let token = login(&app, "head").await;
        let before = warnings().len();
        let id = "00000000000000000000000000";
        for i in 0..100 {
            let path = match i % 5 {
                0 => format!("/api/v1/establishments/{LP}/students"),
                1 => format!("/api/v1/establishments/{LP}/guardians"),
                2 => format!("/api/v1/establishments/{LP}/external-students"),
                3 => format!("/api/v1/establishments/{LP}/students/{id}"),
                _ => format!("/api/v1/establishments/{COLLEGE}/guardians"),
            };
            let r = app.get(&path, Some(&token)).await;
            assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
        }
        let r = app
            .post_json(
                &format!("/api/v1/establishments/{LP}/students/list"),
                Some(&token),
                &serde_json::json!({"ids": []}),
            )
            .await;
        assert!(r.status().as_u16() < 500, "{}", r.status());
        let after = warnings();
        assert_eq!(after.len(), before, "warnings: {:#?}", &after[before..]);
    }
}

http_test! {
    /// The public API port does not serve the metrics.
    async fn metrics_are_not_served_on_the_api_port(app: TestApp) {
        app.get("/healthz", None).await;
        let r = app.get("/metrics", None).await;
        assert_eq!(r.status(), 404);
        assert!(!r.text().await.unwrap().contains("sesame_http_requests_total"));
    }
}

http_test! {
    /// `/metrics` answers on the metrics listener, with the requests the API served labelled
    /// by route pattern (regex-free); the API's routes do not answer there.
    async fn metrics_are_served_on_their_own_listener(app: TestApp) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = sesame_server::app::run_metrics(listener).expect("metrics server");
        let handle = server.handle();
        tokio::spawn(server);
        let r = app.get(&format!("/api/v1/establishments/{LP}/guardians"), None).await;
        assert_eq!(r.status(), 401);
        app.get("/healthz", None).await;
        let r = app.http.get(format!("{base}/metrics")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        let body = r.text().await.unwrap();
        assert!(body.contains("sesame_http_requests_total"), "{body}");
        assert!(
            body.contains(r#"endpoint="/api/v1/establishments/{uai}/{population}",method="GET",status="401""#),
            "{body}"
        );
        assert!(body.contains("sesame_http_requests_duration_seconds_bucket"), "{body}");
        assert!(!body.contains("students|"), "no regex in labels: {body}");
        // Nothing else is served there.
        let r = app.http.get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let r = app.http.get(format!("{base}/api/v1/establishments")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        handle.stop(true).await;
    }
}

/// Requests no route matched share one label: a scanner cannot create a series per path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unmatched_paths_share_one_label() {
    let app = TestApp::spawn(sesame_store::Backend::Sqlite).await;
    let probe = format!("/api/v1/no-such-route-{}", sesame_store::ids::new_id());
    assert_eq!(app.get(&probe, None).await.status(), 404);
    let body = sesame_server::telemetry::metrics().render();
    assert!(!body.contains(&probe), "{body}");
    assert!(body.contains(r#"endpoint="unmatched""#), "{body}");
}
