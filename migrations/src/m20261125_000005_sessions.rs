//! Staff sessions as rows of their own. A session is a refresh-token family: it records when it
//! was opened (the absolute lifetime counts from there) and how (second factor, administrative
//! network or password only), so that the admin module can demand the second factor of the
//! session itself, even for a right granted after sign-in.
//!
//! A refresh token also gains `successor_sealed`: the token that replaced it, sealed with the
//! AEAD key, kept only for the short grace during which presenting the old token again is
//! answered with its successor (two tabs, a retried request) instead of revoking the family.

use crate::build::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000005_sessions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("staff_sessions")
                    // The family id of its refresh tokens.
                    .col(id_pk("id"))
                    .col(key("staff_id"))
                    .col(ts("opened_at"))
                    // `totp`, `admin_network` or `password`.
                    .col(key("second_factor"))
                    .col(ts_null("revoked_at"))
                    .foreign_key(&mut fk("staff_sessions", "staff_id", "staff_users", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "staff_sessions",
                "ix_staff_sessions_staff",
                &["staff_id"],
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("refresh_tokens"))
                    .add_column(text_null("successor_sealed"))
                    .to_owned(),
            )
            .await?;
        // Families opened before this migration: how they were opened is unknown, so they
        // count as password-only (the admin module asks to sign in again with the code), and
        // as opened when their first token was issued.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO staff_sessions (id, staff_id, opened_at, second_factor, revoked_at) \
                 SELECT family_id, MIN(staff_id), MIN(issued_at), 'password', MIN(revoked_at) \
                 FROM refresh_tokens GROUP BY family_id",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("refresh_tokens"))
                    .drop_column(name("successor_sealed"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(name("staff_sessions"))
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
