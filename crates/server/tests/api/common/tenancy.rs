//! Everything stored that belongs to one establishment, read with raw SQL (not through the
//! store's repositories, whose scoping is what the tests check), so that a test can say "this
//! establishment's rows are byte-identical before and after".
//!
//! Every table of the database is either snapshotted here (with the condition that picks the
//! establishment's rows) or listed in [`GLOBAL_TABLES`] with the reason it belongs to no
//! establishment; a table in neither list fails [`establishment_rows`], so a new table cannot
//! silently escape the cross-tenant tests.
//!
//! Audit events are apart ([`Snapshot::audit`]): a refused attempt may be recorded at the
//! establishment it aimed at, so B's audit rows may grow, but only by `failure` events, and
//! none may change or disappear ([`Snapshot::assert_unchanged`]).

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use super::TestApp;

/// Tables that belong to no establishment, and why.
pub const GLOBAL_TABLES: &[(&str, &str)] = &[
    ("seaql_migrations", "schema versions"),
    (
        "staff_users",
        "staff accounts are global; their rights are staff_roles / delegations (snapshotted)",
    ),
    ("refresh_tokens", "staff sessions"),
    (
        "staff_sessions",
        "staff sessions (how and when each was opened)",
    ),
    ("totp_used", "staff second-factor replay guard"),
    ("login_throttle", "login failure counters"),
    ("rate_counters", "request rate counters"),
    (
        "integration_clients",
        "ENT platforms; their rights are integration_grants (snapshotted)",
    ),
    ("webhooks", "an integration client's endpoint"),
    (
        "webhook_deliveries",
        "events sent to clients; a change to B's data shows in B's own rows",
    ),
    (
        "documents",
        "files owned by the staff user who caused them (the caller's, never B's)",
    ),
    (
        "jobs",
        "long-running work owned by the staff user who started it",
    ),
    ("audit_events", "compared apart: see Snapshot::audit"),
];

/// `(table, condition on alias t)` for every table with rows of establishment `B`. `S` is the
/// set of B's pupils (enrolled there, left or not), `G` the guardians linked to them. Pupils
/// of another school who follow teaching at B ("élèves extérieurs") are their home school's:
/// only the row saying they are external at B is B's (their home school may legitimately
/// change them, e.g. mark them as left).
fn owned_tables(b: &str) -> Vec<(&'static str, String)> {
    let s = format!("(SELECT id FROM students WHERE uai = '{b}')");
    let g = format!("(SELECT guardian_id FROM guardian_links WHERE student_id IN {s})");
    vec![
        ("establishments", format!("t.uai = '{b}'")),
        ("students", format!("t.id IN {s}")),
        (
            "student_external_establishments",
            format!("t.uai = '{b}' OR t.student_id IN {s}"),
        ),
        ("guardians", format!("t.id IN {g}")),
        (
            "guardian_links",
            format!("t.student_id IN {s} OR t.guardian_id IN {g}"),
        ),
        (
            "accounts",
            format!("t.id IN {s} OR t.id IN {g} OR t.home_uai = '{b}'"),
        ),
        (
            "account_sources",
            format!(
                "t.account_id IN {s} OR t.account_id IN {g} \
                 OR t.account_id IN (SELECT id FROM accounts WHERE home_uai = '{b}')"
            ),
        ),
        ("classes", format!("t.uai = '{b}'")),
        ("mefs", format!("t.uai = '{b}'")),
        ("ent_users", format!("t.uai = '{b}'")),
        ("ent_groups", format!("t.uai = '{b}'")),
        (
            "ent_user_groups",
            format!(
                "t.user_id IN (SELECT id FROM ent_users WHERE uai = '{b}') \
                 OR t.group_id IN (SELECT id FROM ent_groups WHERE uai = '{b}')"
            ),
        ),
        ("staff_roles", format!("t.uai = '{b}'")),
        ("delegations", format!("t.uai = '{b}'")),
        ("notification_settings", format!("t.uai = '{b}'")),
        ("integration_grants", format!("t.uai = '{b}'")),
        // Links e-mailed to B's pupils and guardians (/compte).
        (
            "holder_tokens",
            format!("t.account_id IN {s} OR t.account_id IN {g}"),
        ),
    ]
}

/// One establishment's rows: table → rows (each row as JSON text, every column), sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub uai: String,
    pub tables: BTreeMap<String, Vec<String>>,
    /// Audit events recorded at the establishment, as JSON text, sorted.
    pub audit: Vec<String>,
}

impl Snapshot {
    /// Panics, naming each row that changed, unless `after` holds exactly the same rows, and
    /// the same audit events plus at most some `failure` ones.
    pub fn assert_unchanged(&self, after: &Snapshot, what: &str) {
        let diffs = self.changes(after);
        assert!(
            diffs.is_empty(),
            "{what}: the rows of {} changed:\n{}",
            self.uai,
            diffs.join("\n")
        );
    }

    /// What differs from `self` in `after`, one line per row (empty: unchanged, B's audit
    /// having grown at most by `failure` events).
    pub fn changes(&self, after: &Snapshot) -> Vec<String> {
        let mut diffs = vec![];
        for (table, rows) in &self.tables {
            let empty = vec![];
            let now = after.tables.get(table).unwrap_or(&empty);
            for r in rows.iter().filter(|r| !now.contains(r)) {
                diffs.push(format!("  {table}: - {r}"));
            }
            for r in now.iter().filter(|r| !rows.contains(r)) {
                diffs.push(format!("  {table}: + {r}"));
            }
        }
        for r in self.audit.iter().filter(|r| !after.audit.contains(r)) {
            diffs.push(format!("  audit_events: - {r}"));
        }
        for r in after.audit.iter().filter(|r| !self.audit.contains(r)) {
            let event: serde_json::Value = serde_json::from_str(r).unwrap();
            if event["outcome"] != "failure" {
                diffs.push(format!("  audit_events (not a failure): + {r}"));
            }
        }
        diffs
    }
}

fn backend(app: &TestApp) -> DatabaseBackend {
    app.state.store.db.get_database_backend()
}

async fn texts(app: &TestApp, sql: String) -> Vec<String> {
    let db = &app.state.store.db;
    let rows = db
        .query_all(Statement::from_string(backend(app), sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("text column"))
        .collect()
}

/// Every table of the database.
pub async fn all_tables(app: &TestApp) -> Vec<String> {
    let sql = match backend(app) {
        DatabaseBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
            .to_owned(),
        _ => "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
            .to_owned(),
    };
    texts(app, sql).await
}

/// The rows of `table` matching `condition` (alias `t`), each as a JSON object of every column.
async fn rows_as_json(app: &TestApp, table: &str, condition: &str) -> Vec<String> {
    let sql = match backend(app) {
        DatabaseBackend::Sqlite => {
            let columns = texts(
                app,
                format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
            )
            .await;
            assert!(!columns.is_empty(), "no columns in {table}");
            let pairs: Vec<String> = columns
                .iter()
                .map(|c| format!("'{c}', t.\"{c}\""))
                .collect();
            format!(
                "SELECT json_object({}) FROM {table} t WHERE {condition}",
                pairs.join(", ")
            )
        }
        _ => format!("SELECT row_to_json(t)::text FROM {table} t WHERE {condition}"),
    };
    let mut rows = texts(app, sql).await;
    rows.sort();
    rows
}

/// Snapshots every row that belongs to establishment `uai`. Fails when the database has a
/// table this module does not classify.
pub async fn establishment_rows(app: &TestApp, uai: &str) -> Snapshot {
    assert!(
        uai.chars().all(|c| c.is_ascii_alphanumeric()),
        "a UAI is inlined in SQL: {uai}"
    );
    let owned = owned_tables(uai);
    let unclassified: Vec<String> = all_tables(app)
        .await
        .into_iter()
        .filter(|t| {
            !owned.iter().any(|(o, _)| o == t) && !GLOBAL_TABLES.iter().any(|(g, _)| g == t)
        })
        .collect();
    assert!(
        unclassified.is_empty(),
        "tables neither snapshotted per establishment nor declared global in \
         tests/api/common/tenancy.rs: {unclassified:?}"
    );
    let mut tables = BTreeMap::new();
    for (table, condition) in &owned {
        tables.insert(
            (*table).to_owned(),
            rows_as_json(app, table, condition).await,
        );
    }
    let audit = rows_as_json(app, "audit_events", &format!("t.uai = '{uai}'")).await;
    Snapshot {
        uai: uai.to_owned(),
        tables,
        audit,
    }
}
