//! Every staff user carries a version of their standing (`access_version`), which the database
//! itself raises whenever anything the access layer reads about them changes: one of their
//! roles or delegations (added, changed, removed), their own row (disabled, renamed, new
//! password or second factor), one of their sessions (closed or revoked), or an establishment
//! where they hold a grant (its sector or group decide what the roles allow).
//!
//! A replica may then keep a standing it read and trust it for a request only when the same
//! statement that reads the request's data finds the version unchanged — one round trip, and a
//! revocation still takes effect at the very next request. The bumps are triggers, not code: no
//! path that changes a grant can forget one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000010_staff_access_version"
    }
}

const BUMP: &str = "UPDATE staff_users SET access_version = access_version + 1";

/// The staff users holding a grant at establishment `{uai}` (a placeholder).
const AT_ESTABLISHMENT: &str = "id IN (SELECT staff_id FROM staff_roles WHERE uai = {uai} \
     UNION SELECT staff_id FROM delegations WHERE uai = {uai})";

fn postgres() -> Vec<String> {
    let mut s = vec![
        format!(
            "CREATE FUNCTION sesame_bump_staff_grant() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP <> 'INSERT' THEN {BUMP} WHERE id = OLD.staff_id; END IF; \
               IF TG_OP <> 'DELETE' THEN {BUMP} WHERE id = NEW.staff_id; END IF; \
               RETURN NULL; \
             END $$"
        ),
        // Any change of the user's row other than the bump itself raises the version.
        "CREATE FUNCTION sesame_bump_staff_self() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN \
           IF NEW.access_version = OLD.access_version THEN \
             NEW.access_version := OLD.access_version + 1; \
           END IF; \
           RETURN NEW; \
         END $$"
            .to_owned(),
        format!(
            "CREATE FUNCTION sesame_bump_staff_establishment() RETURNS trigger LANGUAGE plpgsql \
             AS $$ BEGIN {BUMP} WHERE {}; RETURN NULL; END $$",
            AT_ESTABLISHMENT.replace("{uai}", "NEW.uai")
        ),
    ];
    for table in ["staff_roles", "delegations", "staff_sessions"] {
        s.push(format!(
            "CREATE TRIGGER {table}_bump_access AFTER INSERT OR UPDATE OR DELETE ON {table} \
             FOR EACH ROW EXECUTE FUNCTION sesame_bump_staff_grant()"
        ));
    }
    s.push(
        "CREATE TRIGGER staff_users_bump_access BEFORE UPDATE ON staff_users \
         FOR EACH ROW EXECUTE FUNCTION sesame_bump_staff_self()"
            .to_owned(),
    );
    s.push(
        "CREATE TRIGGER establishments_bump_access AFTER UPDATE ON establishments \
         FOR EACH ROW EXECUTE FUNCTION sesame_bump_staff_establishment()"
            .to_owned(),
    );
    s
}

fn sqlite() -> Vec<String> {
    let mut s = Vec::new();
    for table in ["staff_roles", "delegations", "staff_sessions"] {
        s.push(format!(
            "CREATE TRIGGER {table}_bump_access_insert AFTER INSERT ON {table} \
             BEGIN {BUMP} WHERE id = NEW.staff_id; END"
        ));
        s.push(format!(
            "CREATE TRIGGER {table}_bump_access_update AFTER UPDATE ON {table} \
             BEGIN {BUMP} WHERE id IN (OLD.staff_id, NEW.staff_id); END"
        ));
        s.push(format!(
            "CREATE TRIGGER {table}_bump_access_delete AFTER DELETE ON {table} \
             BEGIN {BUMP} WHERE id = OLD.staff_id; END"
        ));
    }
    // SQLite runs no trigger from inside its own trigger (recursive triggers are off), and the
    // bump only writes `access_version`: every other column of the row raises it.
    s.push(format!(
        "CREATE TRIGGER staff_users_bump_access AFTER UPDATE ON staff_users \
         WHEN NEW.access_version = OLD.access_version \
         BEGIN {BUMP} WHERE id = NEW.id; END"
    ));
    s.push(format!(
        "CREATE TRIGGER establishments_bump_access AFTER UPDATE ON establishments \
         BEGIN {BUMP} WHERE {}; END",
        AT_ESTABLISHMENT.replace("{uai}", "NEW.uai")
    ));
    s
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("staff_users"))
                    .add_column(
                        ColumnDef::new(Alias::new("access_version"))
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match db.get_database_backend() {
            DbBackend::Postgres => postgres(),
            _ => sqlite(),
        };
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        for table in ["staff_roles", "delegations", "staff_sessions"] {
            if postgres {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_bump_access ON {table}"
                ))
                .await?;
            } else {
                for event in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_bump_access_{event}"
                    ))
                    .await?;
                }
            }
        }
        for (table, trigger) in [
            ("staff_users", "staff_users_bump_access"),
            ("establishments", "establishments_bump_access"),
        ] {
            let on = if postgres {
                format!(" ON {table}")
            } else {
                String::new()
            };
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}{on}"))
                .await?;
        }
        if postgres {
            for f in [
                "sesame_bump_staff_grant",
                "sesame_bump_staff_self",
                "sesame_bump_staff_establishment",
            ] {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {f}()"))
                    .await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("staff_users"))
                    .drop_column(Alias::new("access_version"))
                    .to_owned(),
            )
            .await
    }
}
