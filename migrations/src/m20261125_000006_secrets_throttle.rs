//! No secret at rest in clear, and jobs that say what they committed.
//!
//! Until now a bulk reset left every new password in clear in `jobs.result` and in the
//! credentials documents. From this version both are sealed with the AEAD key; the rows
//! written before cannot be told apart from sealed ones, and they are short-lived anyway
//! (documents: 30 minutes; a job's answer is read once by the page that started it), so they
//! are deleted here rather than carried over in clear. A job still running belongs to a
//! process that is being replaced: it will be closed as orphaned, so it goes too.
//!
//! `jobs.committed` records that the operation's transaction committed, so that a job that
//! fails afterwards (documents, e-mails, a restart) does not claim that nothing changed.

use crate::build::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000006_secrets_throttle"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM documents").await?;
        db.execute_unprepared("DELETE FROM jobs").await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("jobs"))
                    .add_column(boolean("committed", false))
                    .to_owned(),
            )
            .await?;
        // The scheduler purges finished jobs by age.
        manager
            .create_index(index(
                "jobs",
                "ix_jobs_state_updated",
                &["state", "updated_at"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_jobs_state_updated")
                    .table(name("jobs"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("jobs"))
                    .drop_column(name("committed"))
                    .to_owned(),
            )
            .await
    }
}
