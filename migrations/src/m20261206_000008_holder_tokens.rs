//! Single-use links e-mailed to account holders: confirming an address, choosing a new
//! password after « mot de passe oublié », a guardian's self-registration. Only the SHA-256 of
//! a token is kept (the token itself has 256 random bits, so a plain hash is enough: nothing to
//! brute-force), with what it is for, the account, the address it was sent to, its expiry and
//! when it was used.

use crate::build::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000008_holder_tokens"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("holder_tokens")
                    .col(id_pk("id"))
                    .col(key("token_hash"))
                    // `confirm_email`, `reset_password` or `register`.
                    .col(key("purpose"))
                    .col(key("account_id"))
                    .col(text("email"))
                    .col(ts("created_at"))
                    .col(ts("expires_at"))
                    .col(ts_null("used_at"))
                    .foreign_key(&mut fk("holder_tokens", "account_id", "accounts", "id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "holder_tokens",
                "ux_holder_tokens_hash",
                &["token_hash"],
            ))
            .await?;
        // Issuing a new link spends the account's earlier ones of the same purpose; the
        // scheduler purges expired rows.
        manager
            .create_index(index(
                "holder_tokens",
                "ix_holder_tokens_account",
                &["account_id", "purpose"],
            ))
            .await?;
        manager
            .create_index(index(
                "holder_tokens",
                "ix_holder_tokens_expires",
                &["expires_at"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(name("holder_tokens"))
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
