//! The closed vocabularies stored as text (an account's kind, state and origin, a staff role, a
//! delegated module, a client's scope, how a session was opened) accept only their known
//! values: a row can no longer hold a state the code would read as « nothing ». PostgreSQL
//! checks them with CHECK constraints (validated against the rows already there); SQLite
//! cannot add a constraint to an existing table, so triggers refuse the same values on insert
//! and update.
//!
//! The lists are written here, frozen with the migration; a test of the store compares them
//! with the domain's vocabularies, so a new value fails that test until a migration widens
//! its check.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

/// (table, column, the values it may hold).
pub const VOCABULARIES: &[(&str, &str, &[&str])] = &[
    ("accounts", "kind", &["student", "guardian"]),
    (
        "accounts",
        "state",
        &[
            "not_notified",
            "notified_not_activated",
            "activation_in_progress",
            "activated",
        ],
    ),
    (
        "accounts",
        "origin",
        &[
            "establishment",
            "guardian",
            "franceconnect",
            "aten",
            "ent",
            "unknown",
        ],
    ),
    (
        "staff_roles",
        "role",
        &["head", "agent", "teacher", "ent_admin"],
    ),
    (
        "delegations",
        "module",
        &["admin", "troubleshooting", "ent"],
    ),
    (
        "integration_grants",
        "scope",
        &[
            "accounts:read",
            "accounts:reset",
            "identifiers:regenerate",
            "ent:directory",
        ],
    ),
    (
        "staff_sessions",
        "second_factor",
        &["totp", "admin_network", "password"],
    ),
];

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000009_vocabulary_checks"
    }
}

fn values_sql(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, column, values) in VOCABULARIES {
            let values = values_sql(values);
            if db.get_database_backend() == DbBackend::Postgres {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_known \
                     CHECK ({column} IN ({values}))"
                ))
                .await?;
            } else {
                for (event, when) in [("insert", "INSERT"), ("update", "UPDATE OF ")] {
                    let on = if event == "update" {
                        format!("{when}{column}")
                    } else {
                        when.to_owned()
                    };
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_{column}_known_{event} BEFORE {on} ON {table} \
                         WHEN NEW.{column} NOT IN ({values}) \
                         BEGIN SELECT RAISE(ABORT, '{table}.{column}: unknown value'); END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, column, _) in VOCABULARIES {
            if db.get_database_backend() == DbBackend::Postgres {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_known"
                ))
                .await?;
            } else {
                for event in ["insert", "update"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_{column}_known_{event}"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}
