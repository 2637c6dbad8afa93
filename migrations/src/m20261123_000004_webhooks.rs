//! Webhooks of integration clients and their deliveries: stored, so an event outlives a
//! restart and any replica can deliver it.

use crate::build::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000004_webhooks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("webhooks")
                    .col(id_pk("id"))
                    .col(key("client_id"))
                    .col(text("url"))
                    // HMAC key, sealed with the AEAD key like other secrets.
                    .col(text("secret_enc"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "webhooks",
                        "client_id",
                        "integration_clients",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                table("webhook_deliveries")
                    .col(id_pk("id"))
                    .col(key("webhook_id"))
                    .col(key("event"))
                    .col(text("payload"))
                    .col(key("state"))
                    .col(int("attempts", 0))
                    .col(ts("next_attempt_at"))
                    .col(ColumnDef::new(name("last_status")).integer().null())
                    .col(text_null("last_error"))
                    .col(ts("created_at"))
                    .col(ts_null("delivered_at"))
                    .foreign_key(&mut fk(
                        "webhook_deliveries",
                        "webhook_id",
                        "webhooks",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("webhooks", "ux_webhooks_client", &["client_id"]))
            .await?;
        manager
            .create_index(index(
                "webhook_deliveries",
                "ix_deliveries_due",
                &["state", "next_attempt_at"],
            ))
            .await?;
        manager
            .create_index(index(
                "webhook_deliveries",
                "ix_deliveries_webhook",
                &["webhook_id", "created_at"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["webhook_deliveries", "webhooks"] {
            manager
                .drop_table(Table::drop().table(name(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
