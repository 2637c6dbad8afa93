//! A student's account carries its main establishment, so that searches filtering or sorting
//! on the account (state, notification date, last login) are served by an index on the
//! account table instead of one lookup per student of the establishment.

use crate::build::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_account_home"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("accounts"))
                    .add_column(ColumnDef::new(name("home_uai")).string_len(8).null())
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE accounts SET home_uai = \
                 (SELECT students.uai FROM students WHERE students.id = accounts.id) \
                 WHERE kind = 'student'",
            )
            .await?;
        for (idx, cols) in [
            ("ix_accounts_home_state", &["home_uai", "state", "id"][..]),
            (
                "ix_accounts_home_notified",
                &["home_uai", "notified_at"][..],
            ),
            ("ix_accounts_home_login", &["home_uai", "last_login_at"][..]),
        ] {
            manager.create_index(index("accounts", idx, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for idx in [
            "ix_accounts_home_state",
            "ix_accounts_home_notified",
            "ix_accounts_home_login",
        ] {
            manager
                .drop_index(Index::drop().name(idx).table(name("accounts")).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(name("accounts"))
                    .drop_column(name("home_uai"))
                    .to_owned(),
            )
            .await
    }
}
