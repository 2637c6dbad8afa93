//! The whole first schema: establishments and their structure, accounts (students, guardians),
//! staff and access control, settings, audit, ENT directory, integration clients, and the
//! server-side state that replicas share (refresh tokens, throttling, used TOTP codes,
//! documents, jobs).

use crate::build::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_initial"
    }
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        table("establishments")
            .col(
                ColumnDef::new(name("uai"))
                    .string_len(8)
                    .not_null()
                    .primary_key(),
            )
            .col(text("name"))
            .col(key("kind"))
            .col(int("degree", 2))
            .col(key("sector"))
            .col(text("academy"))
            .col(boolean("private_admin_group", false))
            .col(ts_null("data_updated_at"))
            .col(ts("created_at"))
            .to_owned(),
        table("mefs")
            .col(id_pk("id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key("code"))
            .col(text("short_label"))
            .col(text("long_label"))
            .col(key("level"))
            .foreign_key(&mut fk("mefs", "uai", "establishments", "uai"))
            .to_owned(),
        table("classes")
            .col(id_pk("id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key("code"))
            .col(key_null("mef_id"))
            .foreign_key(&mut fk("classes", "uai", "establishments", "uai"))
            .to_owned(),
        // The ÉduConnect account: lifecycle and credentials. Students and guardians share its id.
        table("accounts")
            .col(id_pk("id"))
            .col(key("kind"))
            .col(key("identifier"))
            .col(key("state"))
            .col(key("origin"))
            .col(ts_null("notified_at"))
            .col(ts_null("distributed_at"))
            .col(ts_null("activated_at"))
            .col(ts_null("last_login_at"))
            .col(text_null("email"))
            .col(boolean("email_validated", false))
            .col(text_null("phone"))
            // AEAD ciphertext (nonce ‖ ciphertext, base64) of the provisional password: lists
            // must show it again while the account is notified and not activated.
            .col(text_null("provisional_password_enc"))
            // argon2id PHC string of the password the person chose.
            .col(text_null("password_hash"))
            .col(boolean("must_change_password", false))
            .col(key_null("pending_identifier"))
            .col(ts_null("pending_effective_at"))
            .col(ts_null("pending_requested_at"))
            .col(key_null("previous_identifier"))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .to_owned(),
        // Every name the person has in each data source: what identifier regeneration compares.
        table("account_sources")
            .col(id_pk("id"))
            .col(key("account_id"))
            .col(key("source"))
            .col(text("academy"))
            .col(key_null("aaf_id"))
            .col(key_null("source_id"))
            .col(text("family_name"))
            .col(text("first_name"))
            .foreign_key(&mut fk("account_sources", "account_id", "accounts", "id"))
            .to_owned(),
        table("students")
            .col(id_pk("id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key_null("class_id"))
            .col(key_null("mef_id"))
            .col(text("family_name"))
            .col(text("first_name"))
            // ASCII-folded lower-case names: prefix search is a range scan on an ordinary index.
            .col(key("family_key"))
            .col(key("first_key"))
            .col(date_null("birth_date"))
            .col(key_null("ine"))
            .col(key_null("source_id"))
            .col(ts_null("left_at"))
            .foreign_key(&mut fk("students", "id", "accounts", "id"))
            .foreign_key(&mut fk("students", "uai", "establishments", "uai"))
            .to_owned(),
        // Establishments where a student follows shared teaching ("élèves extérieurs").
        table("student_external_establishments")
            .col(key("student_id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .primary_key(Index::create().col(name("student_id")).col(name("uai")))
            .foreign_key(&mut fk(
                "student_external_establishments",
                "student_id",
                "students",
                "id",
            ))
            .foreign_key(&mut fk(
                "student_external_establishments",
                "uai",
                "establishments",
                "uai",
            ))
            .to_owned(),
        table("guardians")
            .col(id_pk("id"))
            .col(text("family_name"))
            .col(text("first_name"))
            .col(key("family_key"))
            .col(key("first_key"))
            .col(key_null("civility"))
            .col(key_null("source_id"))
            .foreign_key(&mut fk("guardians", "id", "accounts", "id"))
            .to_owned(),
        table("guardian_links")
            .col(key("guardian_id"))
            .col(key("student_id"))
            .col(text("relationship"))
            .col(boolean("legal", true))
            // "Rattachement signalé erroné" by the guardian.
            .col(boolean("reported_wrong", false))
            .col(ts_null("reported_at"))
            .primary_key(
                Index::create()
                    .col(name("guardian_id"))
                    .col(name("student_id")),
            )
            .foreign_key(&mut fk("guardian_links", "guardian_id", "guardians", "id"))
            .foreign_key(&mut fk("guardian_links", "student_id", "students", "id"))
            .to_owned(),
        table("staff_users")
            .col(id_pk("id"))
            .col(key("username"))
            .col(text("display_name"))
            .col(text("password_hash"))
            .col(text_null("totp_secret_enc"))
            .col(boolean("disabled", false))
            .col(ts("created_at"))
            .to_owned(),
        // Roles held directly (head, ent_admin). Agent and teacher come from delegations.
        table("staff_roles")
            .col(id_pk("id"))
            .col(key("staff_id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key("role"))
            .foreign_key(&mut fk("staff_roles", "staff_id", "staff_users", "id"))
            .foreign_key(&mut fk("staff_roles", "uai", "establishments", "uai"))
            .to_owned(),
        table("delegations")
            .col(id_pk("id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key("staff_id"))
            .col(key("module"))
            .col(key("granted_by"))
            .col(ts("granted_at"))
            .col(key_null("revoked_by"))
            .col(ts_null("revoked_at"))
            .foreign_key(&mut fk("delegations", "staff_id", "staff_users", "id"))
            .foreign_key(&mut fk("delegations", "uai", "establishments", "uai"))
            .to_owned(),
        table("refresh_tokens")
            .col(id_pk("id"))
            .col(key("staff_id"))
            .col(key("family_id"))
            // SHA-256 of the token: a stolen database does not hand out sessions.
            .col(key("token_hash"))
            .col(ts("issued_at"))
            .col(ts("expires_at"))
            .col(ts_null("used_at"))
            .col(ts_null("revoked_at"))
            .foreign_key(&mut fk("refresh_tokens", "staff_id", "staff_users", "id"))
            .to_owned(),
        // Failed-login counters, kept in the database so they hold across replicas and restarts.
        table("login_throttle")
            .col(
                ColumnDef::new(name("key"))
                    .string_len(200)
                    .not_null()
                    .primary_key(),
            )
            .col(int("failures", 0))
            .col(ts("window_started_at"))
            .col(ts_null("locked_until"))
            .to_owned(),
        // TOTP codes already used (RFC 6238 §5.2: a code is accepted once).
        table("totp_used")
            .col(key("staff_id"))
            .col(big("time_step", 0))
            .col(ts("used_at"))
            .primary_key(Index::create().col(name("staff_id")).col(name("time_step")))
            .to_owned(),
        table("notification_settings")
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key("population"))
            .col(text_null("url"))
            .col(boolean("verified", false))
            .col(boolean("active", false))
            .col(ts_null("verified_at"))
            .col(ts("updated_at"))
            .primary_key(Index::create().col(name("uai")).col(name("population")))
            .foreign_key(&mut fk(
                "notification_settings",
                "uai",
                "establishments",
                "uai",
            ))
            .to_owned(),
        // Append-only: the repository offers no update or delete for it.
        table("audit_events")
            .col(id_pk("id"))
            .col(ts("at"))
            .col(key("actor_kind"))
            .col(text("actor"))
            .col(text_null("address"))
            .col(key("action"))
            .col(ColumnDef::new(name("uai")).string_len(8).null())
            .col(text("targets"))
            .col(key("outcome"))
            .col(text("detail"))
            .to_owned(),
        table("ent_groups")
            .col(id_pk("id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key("kind"))
            .col(text("name"))
            .col(key_null("parent_id"))
            .foreign_key(&mut fk("ent_groups", "uai", "establishments", "uai"))
            .to_owned(),
        table("ent_users")
            .col(id_pk("id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key("login"))
            .col(text("family_name"))
            .col(text("first_name"))
            .col(key("family_key"))
            .col(key("first_key"))
            .col(key("profile"))
            .col(key("state"))
            .col(text_null("subject"))
            .col(text_null("email"))
            .col(text_null("password_hash"))
            .col(boolean("must_change_password", true))
            .col(ts("created_at"))
            .foreign_key(&mut fk("ent_users", "uai", "establishments", "uai"))
            .to_owned(),
        table("ent_user_groups")
            .col(key("user_id"))
            .col(key("group_id"))
            .primary_key(Index::create().col(name("user_id")).col(name("group_id")))
            .foreign_key(&mut fk("ent_user_groups", "user_id", "ent_users", "id"))
            .foreign_key(&mut fk("ent_user_groups", "group_id", "ent_groups", "id"))
            .to_owned(),
        table("integration_clients")
            .col(id_pk("id"))
            .col(key("client_id"))
            .col(text("name"))
            .col(text("secret_hash"))
            .col(int("rate_limit_per_minute", 600))
            .col(boolean("disabled", false))
            .col(ts("created_at"))
            .to_owned(),
        table("integration_grants")
            .col(key("client_id"))
            .col(ColumnDef::new(name("uai")).string_len(8).not_null())
            .col(key("scope"))
            .primary_key(
                Index::create()
                    .col(name("client_id"))
                    .col(name("uai"))
                    .col(name("scope")),
            )
            .foreign_key(&mut fk(
                "integration_grants",
                "client_id",
                "integration_clients",
                "id",
            ))
            .foreign_key(&mut fk(
                "integration_grants",
                "uai",
                "establishments",
                "uai",
            ))
            .to_owned(),
        // Generated files (letters, lists, credentials): stored so any replica can serve them.
        table("documents")
            .col(id_pk("id"))
            .col(key("owner"))
            .col(text("filename"))
            .col(key("content_type"))
            .col(blob("content"))
            .col(ts("created_at"))
            .col(ts("expires_at"))
            .to_owned(),
        table("jobs")
            .col(id_pk("id"))
            .col(key("owner"))
            .col(key("kind"))
            .col(key("state"))
            .col(big("done", 0))
            .col(big("total", 0))
            .col(text_null("result"))
            .col(text_null("error"))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .to_owned(),
    ]
}

/// ASCII-folded name keys searched by prefix.
const SEARCH_KEYS: [(&str, &str); 6] = [
    ("students", "family_key"),
    ("students", "first_key"),
    ("guardians", "family_key"),
    ("guardians", "first_key"),
    ("ent_users", "family_key"),
    ("ent_users", "first_key"),
];

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        unique("mefs", "ux_mefs_uai_code", &["uai", "code"]),
        unique("classes", "ux_classes_uai_code", &["uai", "code"]),
        // National uniqueness of identifiers, including ones waiting to take effect.
        unique("accounts", "ux_accounts_identifier", &["identifier"]),
        unique(
            "accounts",
            "ux_accounts_pending_identifier",
            &["pending_identifier"],
        ),
        index(
            "accounts",
            "ix_accounts_pending_due",
            &["pending_effective_at"],
        ),
        index(
            "account_sources",
            "ix_account_sources_account",
            &["account_id"],
        ),
        // Search: establishment + name prefix (+ state through the account) and by class.
        index(
            "students",
            "ix_students_uai_family",
            &["uai", "family_key", "first_key"],
        ),
        index("students", "ix_students_uai_first", &["uai", "first_key"]),
        index("students", "ix_students_uai_class", &["uai", "class_id"]),
        index("students", "ix_students_ine", &["ine"]),
        index(
            "student_external_establishments",
            "ix_external_uai",
            &["uai"],
        ),
        index(
            "guardians",
            "ix_guardians_family",
            &["family_key", "first_key"],
        ),
        index(
            "guardian_links",
            "ix_guardian_links_student",
            &["student_id"],
        ),
        unique("staff_users", "ux_staff_username", &["username"]),
        unique(
            "staff_roles",
            "ux_staff_roles",
            &["staff_id", "uai", "role"],
        ),
        index("delegations", "ix_delegations_staff", &["staff_id", "uai"]),
        index("delegations", "ix_delegations_uai", &["uai"]),
        unique("refresh_tokens", "ux_refresh_token_hash", &["token_hash"]),
        index("refresh_tokens", "ix_refresh_family", &["family_id"]),
        index("audit_events", "ix_audit_uai_at", &["uai", "at"]),
        index("ent_groups", "ix_ent_groups_uai", &["uai"]),
        unique("ent_users", "ux_ent_users_login", &["login"]),
        index(
            "ent_users",
            "ix_ent_users_uai_family",
            &["uai", "family_key", "first_key"],
        ),
        index("ent_user_groups", "ix_ent_user_groups_group", &["group_id"]),
        unique(
            "integration_clients",
            "ux_integration_client_id",
            &["client_id"],
        ),
        index("documents", "ix_documents_expires", &["expires_at"]),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in tables() {
            manager.create_table(t).await?;
        }
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            // Name keys are searched by prefix as byte ranges; a locale collation would order
            // hyphens and letters differently and break those ranges (and their index use).
            let db = manager.get_connection();
            for (table, col) in SEARCH_KEYS {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ALTER COLUMN {col} TYPE varchar(64) COLLATE \"C\""
                ))
                .await?;
            }
        }
        for i in indexes() {
            manager.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in tables().into_iter().rev() {
            let name = t.get_table_name().cloned().expect("every table is named");
            manager
                .drop_table(Table::drop().table(name).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
