//! Long operations run as jobs whose progress is a row, so the progress bar works whichever
//! replica the browser asks.
//!
//! A job's answer can hold secrets (a bulk reset's new provisional passwords): it is sealed
//! with the AEAD key (associated data: the job's id) and opened only for its owner. Finished
//! jobs are purged once their documents have expired.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use sesame_core::job::JobState;

use crate::entities::job;
use crate::error::Result;
use crate::ids::new_id;
use crate::repo::documents::document_ttl;
use crate::secrets::SecretBox;
use crate::Store;

pub use job::Model as Job;

/// What a failed job says when its transaction never committed.
pub const NOTHING_CHANGED: &str = "Aucun compte n'a été modifié.";

/// What a failed job says when its transaction committed and something after it failed.
pub const COMMITTED_BUT: &str = "Les comptes ont bien été modifiés, mais la suite de \
     l'opération a échoué (documents ou messages) : utilisez « Lister les comptes » pour \
     retrouver les mots de passe provisoires en vigueur.";

/// The message of a failed job: what went wrong, then — truthfully — whether the accounts
/// changed.
pub fn failure_message(committed: bool, detail: &str) -> String {
    let outcome = if committed {
        COMMITTED_BUT
    } else {
        NOTHING_CHANGED
    };
    let detail = detail.trim();
    if detail.is_empty() {
        outcome.to_owned()
    } else {
        format!("{detail} {outcome}")
    }
}

fn context(id: &str) -> String {
    format!("job:{id}")
}

impl Store {
    pub async fn create_job(&self, owner: &str, kind: &str, total: u64) -> Result<String> {
        let id = new_id();
        let now = Utc::now();
        job::ActiveModel {
            id: Set(id.clone()),
            owner: Set(owner.to_owned()),
            kind: Set(kind.to_owned()),
            state: Set(JobState::Running.as_str().into()),
            done: Set(0),
            total: Set(total as i64),
            result: Set(None),
            error: Set(None),
            committed: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await?;
        Ok(id)
    }

    pub async fn job_progress(&self, id: &str, done: u64) -> Result<()> {
        job::Entity::update_many()
            .col_expr(job::Column::Done, Expr::value(done as i64))
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Records that the job's transaction committed (called right after it did).
    pub async fn mark_job_committed(&self, id: &str) -> Result<()> {
        job::Entity::update_many()
            .col_expr(job::Column::Committed, Expr::value(true))
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Stores the answer, sealed.
    pub async fn finish_job(
        &self,
        secrets: &SecretBox,
        id: &str,
        result: serde_json::Value,
    ) -> Result<()> {
        let sealed = secrets.seal(&result.to_string(), &context(id))?;
        job::Entity::update_many()
            .col_expr(job::Column::State, Expr::value(JobState::Done.as_str()))
            .col_expr(job::Column::Done, Expr::col(job::Column::Total).into())
            .col_expr(job::Column::Result, Expr::value(sealed))
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// `error` is shown to the user as is: see [`failure_message`].
    pub async fn fail_job(&self, id: &str, error: &str) -> Result<()> {
        job::Entity::update_many()
            .col_expr(job::Column::State, Expr::value(JobState::Failed.as_str()))
            .col_expr(job::Column::Error, Expr::value(error))
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The job, its answer opened, if `owner` started it.
    pub async fn job(&self, secrets: &SecretBox, id: &str, owner: &str) -> Result<Option<Job>> {
        let Some(mut job) = job::Entity::find_by_id(id.to_owned())
            .filter(job::Column::Owner.eq(owner))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if let Some(sealed) = job.result.take() {
            job.result = Some(secrets.open(&sealed, &context(&job.id))?);
        }
        Ok(Some(job))
    }

    /// Jobs left running by a process that stopped. Called at start-up; a job lives minutes,
    /// so an hour-old one is orphaned. Whether its accounts changed is what `committed` says:
    /// the transaction rolled back with the process unless it had committed.
    pub async fn fail_orphaned_jobs(&self) -> Result<u64> {
        let mut closed = 0;
        for committed in [false, true] {
            let message = format!(
                "Interrompu : le service a redémarré. {}",
                failure_message(committed, "")
            );
            closed += job::Entity::update_many()
                .col_expr(job::Column::State, Expr::value(JobState::Failed.as_str()))
                .col_expr(job::Column::Error, Expr::value(message))
                // Its end is now: it stays readable as long as any finished job.
                .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(job::Column::State.eq(JobState::Running.as_str()))
                .filter(job::Column::Committed.eq(committed))
                .filter(job::Column::UpdatedAt.lt(Utc::now() - chrono::Duration::hours(1)))
                .exec(&self.db)
                .await?
                .rows_affected;
        }
        Ok(closed)
    }

    /// Deletes finished jobs (done or failed) whose answer is older than a document lives:
    /// their documents are gone and their sealed passwords are no longer needed.
    pub async fn purge_finished_jobs(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(job::Entity::delete_many()
            .filter(job::Column::State.ne(JobState::Running.as_str()))
            .filter(job::Column::UpdatedAt.lte(now - document_ttl()))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_says_whether_the_accounts_changed() {
        let before = failure_message(false, "Une erreur inattendue est survenue.");
        assert!(before.contains("Aucun compte n'a été modifié"), "{before}");
        let after = failure_message(true, "Une erreur inattendue est survenue.");
        assert!(after.contains("ont bien été modifiés"), "{after}");
        assert!(!after.contains("Aucun compte"), "{after}");
        assert_eq!(failure_message(true, " "), COMMITTED_BUT);
    }
}
