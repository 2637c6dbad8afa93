//! No provisional password at rest in clear, nor in the log: after a bulk reset large enough
//! to run as a job, every table of the database is read back as text (blobs as hex) and
//! searched for every new password; so is everything the server logged meanwhile. Runs on
//! SQLite and PostgreSQL.
//!
//! The log is captured by a process-wide tracing subscriber at DEBUG for every target (the
//! server's own events, sqlx, actix): one level more verbose than production's default, so
//! that a secret logged "only at debug" is caught too.

// A binary of its own, apart from tests/api: the log subscriber it installs is process-wide.
// It shares the API tests' harness, of which it uses a part.
#[path = "api/common/mod.rs"]
#[macro_use]
#[allow(dead_code, unused_macros)]
mod common;

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use common::*;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};
use sesame_demo::LP_UAI;

static LOG: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct LogSink;

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOG.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_log() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
            .with_writer(|| LogSink)
            .with_ansi(false)
            .init();
    });
}

/// The passwords, and how each would look inside a blob shown as hex (either case).
struct Needles {
    lengths: Vec<usize>,
    set: HashSet<Vec<u8>>,
}

impl Needles {
    fn new(passwords: &[String]) -> Needles {
        let mut set = HashSet::new();
        let mut lengths = HashSet::new();
        for p in passwords {
            let hex = hex::encode(p.as_bytes());
            for form in [p.clone(), hex.clone(), hex.to_uppercase()] {
                lengths.insert(form.len());
                set.insert(form.into_bytes());
            }
        }
        Needles {
            lengths: lengths.into_iter().collect(),
            set,
        }
    }

    /// The first needle found in `haystack`, if any.
    fn find(&self, haystack: &[u8]) -> Option<String> {
        for &n in &self.lengths {
            if let Some(w) = haystack.windows(n).find(|w| self.set.contains(*w)) {
                return Some(String::from_utf8_lossy(w).into_owned());
            }
        }
        None
    }
}

async fn strings(app: &TestApp, sql: &str, column: &str) -> Vec<String> {
    let db = &app.state.store.db;
    db.query_all(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.try_get::<String>("", column).unwrap())
    .collect()
}

/// Every row of every table, as text: one string per table. Blobs come out as hex
/// (SQLite `quote()`: `X'…'`, PostgreSQL's `bytea` output: `\x…`).
async fn dump(app: &TestApp) -> Vec<(String, String)> {
    let db = &app.state.store.db;
    let mut out = vec![];
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let tables = strings(
                app,
                "SELECT table_name::text AS t FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
                "t",
            )
            .await;
            for t in tables {
                let rows =
                    strings(app, &format!("SELECT r::text AS row FROM \"{t}\" r"), "row").await;
                out.push((t, rows.join("\n")));
            }
        }
        _ => {
            let tables = strings(
                app,
                "SELECT name AS t FROM sqlite_master WHERE type = 'table'",
                "t",
            )
            .await;
            for t in tables {
                let cols = strings(
                    app,
                    &format!("SELECT name FROM pragma_table_info('{t}')"),
                    "name",
                )
                .await;
                let row = cols
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || char(31) || ");
                let rows = strings(app, &format!("SELECT {row} AS row FROM \"{t}\""), "row").await;
                out.push((t, rows.join("\n")));
            }
        }
    }
    out
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let r = app.get(path, Some(token)).await;
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

http_test! {
    async fn a_bulk_reset_leaves_no_password_in_clear_in_the_database_or_the_log(app: TestApp) {
        capture_log();
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let r = app
            .post_json(
                &format!("/api/v1/establishments/{LP_UAI}/students/reset-password"),
                Some(&head),
                &json!({"all_matching": {}}),
            )
            .await;
        assert_eq!(r.status(), 202, "over 300 accounts: a job");
        let job_id = r.json::<Value>().await.unwrap()["job_id"].as_str().unwrap().to_owned();
        let mut job = Value::Null;
        for _ in 0..1200 {
            job = get_json(&app, &format!("/api/v1/jobs/{job_id}"), &head).await;
            if job["state"] != "running" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert_eq!(job["state"], "done", "{job}");
        let passwords: Vec<String> = job["result"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["provisional_password"].as_str().map(str::to_owned))
            .collect();
        assert!(passwords.len() > 300, "{} new passwords", passwords.len());

        // The owner still gets them: the job's answer above, and the documents, opened.
        let csv_id = job["result"]["csv_document_id"].as_str().unwrap();
        let csv = app.get(&format!("/api/v1/documents/{csv_id}"), Some(&head)).await;
        assert_eq!(csv.status(), 200);
        let csv = String::from_utf8_lossy(&csv.bytes().await.unwrap()).into_owned();
        for p in &passwords {
            assert!(csv.contains(p.as_str()), "the credentials CSV lists {p}");
        }
        let pdf_id = job["result"]["document_id"].as_str().unwrap();
        let pdf = app.get(&format!("/api/v1/documents/{pdf_id}"), Some(&head)).await;
        assert_eq!(pdf.status(), 200);
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

        let needles = Needles::new(&passwords);
        let tables = dump(&app).await;
        let names: Vec<&str> = tables.iter().map(|(t, _)| t.as_str()).collect();
        for must in ["jobs", "documents", "accounts", "audit_events"] {
            assert!(names.contains(&must), "{must} is scanned: {names:?}");
        }
        for (table, text) in &tables {
            if let Some(found) = needles.find(text.as_bytes()) {
                panic!("a new password ({found}) lies in clear in table {table}");
            }
        }
        let log = LOG.lock().unwrap().clone();
        assert!(!log.is_empty(), "the log was captured");
        if let Some(found) = needles.find(&log) {
            panic!("a new password ({found}) is in the log");
        }
    }
}
