//! Spawns the real application on a free loopback port over a fresh database, as a client
//! would see it.

pub mod access_endpoints;
pub mod smtp_sink;
pub mod tenancy;

use std::net::TcpListener;

use sesame_server::config::Config;
use sesame_server::state::AppState;
use sesame_store::{Backend, PasswordHasher, SecretBox};

pub struct TestApp {
    pub handle: actix_web::dev::ServerHandle,
    pub background: Vec<tokio::task::JoinHandle<()>>,
    pub config: Config,
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub backend: Backend,
}

pub fn test_config(database_url: String) -> Config {
    Config {
        database_url,
        secret_key: Some(SecretBox::generate_key_base64()),
        secret_key_file: None,
        spa_dir: "/nonexistent-spa-dir".into(),
        access_token_ttl: 900,
        refresh_token_ttl: 3600,
        session_max_secs: 36000,
        admin_networks: vec![],
        trusted_proxies: vec![],
        url_verify_allow_http_loopback: false,
        webhook_retry_base_ms: 200,
        webhook_poll_ms: 100,
        smtp_url: None,
        smtp_username: None,
        smtp_password: None,
        mail_from: sesame_server::mail::DEFAULT_FROM.into(),
        smtp_timeout_secs: 10,
        metrics_bind: None,
        webhook_timeout_ms: 5000,
        public_url: None,
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let url = sesame_store::testing::fresh_database_url(backend).await;
        let mut config = test_config(url);
        adjust(&mut config);
        Self::spawn_config(backend, &config).await
    }

    pub async fn spawn_config(backend: Backend, config: &Config) -> TestApp {
        let state = sesame_server::app::build_state(config, PasswordHasher::insecure_fast())
            .await
            .expect("state");
        Self::spawn_state(backend, config, state).await
    }

    /// Serves `state` (built from `config`, possibly adjusted after) on a free port.
    pub async fn spawn_state(backend: Backend, config: &Config, state: AppState) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = sesame_server::app::run(listener, state.clone()).expect("server");
        let handle = server.handle();
        tokio::spawn(server);
        let background = sesame_server::scheduler::start(state.clone());
        TestApp {
            handle,
            background,
            config: config.clone(),
            base,
            state,
            http: reqwest::Client::new(),
            backend,
        }
    }

    /// Stops the server and its background work, as if the process died.
    pub async fn stop(self) {
        for task in &self.background {
            task.abort();
        }
        self.handle.stop(false).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut r = self.http.get(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut r = self.http.post(self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }
}

/// The tests `sqlite` and `postgres` of the enclosing module: `run(backend)` on each engine.
macro_rules! engine_fns {
    ($run:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() {
            $run(sesame_store::Backend::Sqlite).await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres() {
            $run(sesame_store::Backend::Postgres).await
        }
    };
}

/// `name::sqlite` and `name::postgres` for a test written as `async fn run(backend: Backend)`
/// beside it.
macro_rules! engine_tests {
    ($name:ident = $run:ident) => {
        mod $name {
            engine_fns!(super::$run);
        }
    };
}

/// Runs a test once per engine, as `name::sqlite` and `name::postgres`: the test's body gets
/// the engine as `backend` and builds what it needs on it.
macro_rules! backend_test {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident : Backend) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($backend: sesame_store::Backend) $body

            engine_fns!(run);
        }
    };
}

/// Runs an HTTP test once per engine (`name::sqlite`, `name::postgres`).
macro_rules! http_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident : TestApp) $body:block) => {
        backend_test! {
            $(#[$meta])*
            async fn $name(backend: Backend) {
                let $app = $crate::common::TestApp::spawn(backend).await;
                $body
            }
        }
    };
}

/// The demo data set on `backend`, with an SMTP sink as the relay and `public_url` as
/// Sésame's public address: what the holders' page and its e-mailed links need.
pub async fn demo_with_mail(backend: Backend, public_url: &str) -> (TestApp, smtp_sink::SmtpSink) {
    let sink = smtp_sink::SmtpSink::start().await;
    let url = sink.url.clone();
    let public_url = public_url.to_owned();
    let app = TestApp::spawn_with(backend, |c| {
        c.smtp_url = Some(url);
        c.public_url = Some(public_url);
    })
    .await;
    load_demo(&app).await;
    (app, sink)
}

/// Runs a test once per engine on [`demo_with_mail`] (`name::sqlite`, `name::postgres`).
macro_rules! mail_test {
    ($public:expr, async fn $name:ident($app:ident, $sink:ident) $body:block) => {
        backend_test! {
            async fn $name(backend: Backend) {
                let ($app, $sink) = $crate::common::demo_with_mail(backend, $public).await;
                $body
            }
        }
    };
}

/// The current TOTP code of a base32 secret, as an authenticator app would show it.
pub fn totp_now(secret: &str) -> String {
    let totp = sesame_server::auth::totp::totp_for(secret, "Sésame", "test").unwrap();
    totp.generate(chrono::Utc::now().timestamp() as u64)
}

pub const PASSWORD: &str = "correct horse battery";
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";
pub const LP: &str = "0450750W";
pub const COLLEGE: &str = "0451234X";

/// Two establishments; `head` heads the LP (admin module, TOTP enrolled), `teacher` holds a
/// troubleshooting delegation at the collège.
pub async fn seed_basic(app: &TestApp) {
    use sesame_core::permissions::Role;
    use sesame_store::repo::establishments::NewEstablishment;
    use sesame_store::repo::staff::NewStaff;
    let store = &app.state.store;
    for (uai, name, kind) in [
        (LP, "LP LYC METIER Auguste Rodin", "lp"),
        (COLLEGE, "CLG Jean Zay", "college"),
    ] {
        store
            .insert_establishment(NewEstablishment {
                uai: uai.into(),
                name: name.into(),
                kind: kind.into(),
                degree: 2,
                sector: "public".into(),
                academy: "Orléans-Tours".into(),
                private_admin_group: false,
            })
            .await
            .unwrap();
    }
    let hash = app.state.hasher.hash(PASSWORD).unwrap();
    let head = store
        .create_staff(NewStaff {
            username: "head",
            display_name: "Mme Claire Morand",
            password_hash: hash.clone(),
            totp_secret_enc: None,
        })
        .await
        .unwrap();
    store
        .set_staff_totp(
            &head.id,
            Some(app.state.secrets.seal(TOTP_SECRET, &head.id).unwrap()),
        )
        .await
        .unwrap();
    store
        .add_staff_role(&head.id, LP, Role::Head)
        .await
        .unwrap();
    let teacher = store
        .create_staff(NewStaff {
            username: "teacher",
            display_name: "M. Paul Caverot",
            password_hash: hash,
            totp_secret_enc: None,
        })
        .await
        .unwrap();
    use sea_orm::{ActiveModelTrait, Set};
    sesame_store::entities::delegation::ActiveModel {
        id: Set(sesame_store::ids::new_id()),
        uai: Set(COLLEGE.into()),
        staff_id: Set(teacher.id),
        module: Set("troubleshooting".into()),
        granted_by: Set(head.id),
        granted_at: Set(chrono::Utc::now()),
        revoked_by: Set(None),
        revoked_at: Set(None),
    }
    .insert(&store.db)
    .await
    .unwrap();
}

/// Logs in and returns the access token (computing the TOTP code when asked for).
pub async fn login(app: &TestApp, username: &str) -> String {
    let r = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"username": username, "password": PASSWORD, "totp_code": totp_now(TOTP_SECRET)}),
        )
        .await;
    assert_eq!(r.status(), 200, "login of {username}");
    let body: serde_json::Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// Loads the demo data set into the app's database.
pub async fn load_demo(app: &TestApp) {
    let loaded = sesame_demo::load_demo(&app.state.store, &app.state.secrets, &app.state.hasher)
        .await
        .expect("demo data loads");
    assert!(matches!(loaded, sesame_demo::DemoLoad::Loaded(_)));
}

/// Logs a demo staff user in (computing the TOTP code when asked for).
pub async fn demo_login(app: &TestApp, username: &str) -> String {
    let r = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({
                "username": username,
                "password": sesame_demo::DEMO_PASSWORD,
                "totp_code": totp_now(sesame_demo::DEMO_TOTP_SECRET),
            }),
        )
        .await;
    assert_eq!(r.status(), 200, "demo login of {username}");
    let body: serde_json::Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// The text of a PDF, page by page (poppler's pdftotext, as a person reading it would).
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    use std::io::Write;
    let mut f = tempfile_path("pdf");
    std::fs::File::create(&f).unwrap().write_all(pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&f)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) is needed by the tests");
    assert!(out.status.success(), "pdftotext failed");
    let _ = std::fs::remove_file(&mut f);
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(str::to_owned)
        .filter(|p| !p.trim().is_empty())
        .collect()
}

fn tempfile_path(ext: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("sesame-test-{}.{ext}", sesame_store::ids::new_id()))
}

/// The import parsers' test files, shared with the HTTP import tests.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../imports/tests/fixtures");

/// A multipart/form-data body with one `files` part per file (built by hand: the test client
/// has no multipart support, and the format is three lines per part).
pub fn multipart(files: &[(String, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "sesame-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts `files` to the import endpoint of `uai` with `query` (e.g. `source=csv&dry_run=true`).
pub async fn upload_import(
    app: &TestApp,
    token: &str,
    uai: &str,
    query: &str,
    files: &[(String, Vec<u8>)],
) -> reqwest::Response {
    let (content_type, body) = multipart(files);
    app.http
        .post(app.url(&format!("/api/v1/establishments/{uai}/imports?{query}")))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("request")
}

/// A problem document without its `request_id` (each answer has its own): what two answers
/// are compared on when they must not tell the caller apart.
pub fn without_request_id(mut problem: serde_json::Value) -> serde_json::Value {
    let id = problem.as_object_mut().and_then(|p| p.remove("request_id"));
    assert!(
        id.is_some(),
        "a problem document carries its request id: {problem}"
    );
    problem
}

/// The problem document of `r`, without its `request_id`.
pub async fn problem_alone(r: reqwest::Response) -> serde_json::Value {
    without_request_id(r.json().await.expect("a problem document"))
}

/// The ids of the pupils enrolled at `uai`.
pub async fn student_ids_at(app: &TestApp, uai: &str) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use sesame_store::entities::student;
    student::Entity::find()
        .filter(student::Column::Uai.eq(uai))
        .all(&app.state.store.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

/// The accounts of `uai`'s pupils in `state`, by id.
pub async fn pupils_in_state(
    app: &TestApp,
    uai: &str,
    state: &str,
) -> Vec<sesame_store::entities::account::Model> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    use sesame_store::entities::account;
    account::Entity::find()
        .filter(account::Column::Id.is_in(student_ids_at(app, uai).await))
        .filter(account::Column::State.eq(state))
        .order_by_asc(account::Column::Id)
        .all(&app.state.store.db)
        .await
        .unwrap()
}

/// The audit events recorded at `uai` (the first `n`, newest first).
pub async fn audit_events_at(
    app: &TestApp,
    uai: &str,
    n: u64,
) -> Vec<sesame_store::repo::audit::AuditEvent> {
    let filter = sesame_store::repo::audit::AuditFilter {
        uai: Some(uai.into()),
        ..Default::default()
    };
    app.state.store.audit_events(&filter, 1, n).await.unwrap().0
}

/// The account `id` as it is stored now.
pub async fn account_row(app: &TestApp, id: &str) -> sesame_store::entities::account::Model {
    use sea_orm::EntityTrait;
    sesame_store::entities::account::Entity::find_by_id(id.to_owned())
        .one(&app.state.store.db)
        .await
        .unwrap()
        .expect("account")
}
