//! Long operations run as jobs whose progress is a row, so the progress bar works whichever
//! replica the browser asks.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entities::job;
use crate::error::Result;
use crate::ids::new_id;
use crate::Store;

pub use job::Model as Job;

impl Store {
    pub async fn create_job(&self, owner: &str, kind: &str, total: u64) -> Result<String> {
        let id = new_id();
        let now = Utc::now();
        job::ActiveModel {
            id: Set(id.clone()),
            owner: Set(owner.to_owned()),
            kind: Set(kind.to_owned()),
            state: Set("running".into()),
            done: Set(0),
            total: Set(total as i64),
            result: Set(None),
            error: Set(None),
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

    pub async fn finish_job(&self, id: &str, result: serde_json::Value) -> Result<()> {
        job::Entity::update_many()
            .col_expr(job::Column::State, Expr::value("done"))
            .col_expr(job::Column::Done, Expr::col(job::Column::Total).into())
            .col_expr(job::Column::Result, Expr::value(result.to_string()))
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    pub async fn fail_job(&self, id: &str, error: &str) -> Result<()> {
        job::Entity::update_many()
            .col_expr(job::Column::State, Expr::value("failed"))
            .col_expr(job::Column::Error, Expr::value(error))
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    pub async fn job(&self, id: &str, owner: &str) -> Result<Option<Job>> {
        Ok(job::Entity::find_by_id(id.to_owned())
            .filter(job::Column::Owner.eq(owner))
            .one(&self.db)
            .await?)
    }

    /// Jobs left running by a process that stopped: their transaction was rolled back, so
    /// they failed. Called at start-up; a job lives minutes, so an hour-old one is orphaned.
    pub async fn fail_orphaned_jobs(&self) -> Result<u64> {
        Ok(job::Entity::update_many()
            .col_expr(job::Column::State, Expr::value("failed"))
            .col_expr(
                job::Column::Error,
                Expr::value("Interrompu : le service a redémarré. Aucun compte n'a été modifié."),
            )
            .filter(job::Column::State.eq("running"))
            .filter(job::Column::UpdatedAt.lt(Utc::now() - chrono::Duration::hours(1)))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
