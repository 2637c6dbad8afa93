//! A webhook delivery remembers who holds it: the lease token written when a replica claims it.
//! Only the holder of the current lease may record the attempt's outcome, so a replica whose
//! lease ran out (and was taken over) cannot overwrite what the new holder recorded.

use crate::build::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000007_webhook_lease"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("webhook_deliveries"))
                    .add_column(ColumnDef::new(name("lease_token")).string_len(64).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(name("webhook_deliveries"))
                    .drop_column(name("lease_token"))
                    .to_owned(),
            )
            .await
    }
}
