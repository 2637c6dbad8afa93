//! Per-client request counters for rate limiting, in the database so every replica counts
//! the same requests.

use crate::build::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000003_rate_counters"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("rate_counters")
                    .col(
                        ColumnDef::new(name("key"))
                            .string_len(200)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ts("window_started_at"))
                    .col(int("count", 0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(name("rate_counters"))
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
