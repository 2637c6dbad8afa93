//! Generated files (letters, lists, credentials), kept in the database for a short while so
//! that any replica can serve the download, and only to the person who caused them.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entities::document;
use crate::error::Result;
use crate::ids::new_id;
use crate::Store;

pub use document::Model as Document;

/// How long a generated document can be downloaded.
pub fn document_ttl() -> Duration {
    Duration::minutes(30)
}

impl Store {
    pub async fn save_document(
        &self,
        owner: &str,
        filename: &str,
        content_type: &str,
        content: Vec<u8>,
    ) -> Result<String> {
        let id = new_id();
        let now = Utc::now();
        document::ActiveModel {
            id: Set(id.clone()),
            owner: Set(owner.to_owned()),
            filename: Set(filename.to_owned()),
            content_type: Set(content_type.to_owned()),
            content: Set(content),
            created_at: Set(now),
            expires_at: Set(now + document_ttl()),
        }
        .insert(&self.db)
        .await?;
        Ok(id)
    }

    /// The document, if `owner` caused it and it has not expired.
    pub async fn document(&self, id: &str, owner: &str) -> Result<Option<Document>> {
        Ok(document::Entity::find_by_id(id.to_owned())
            .filter(document::Column::Owner.eq(owner))
            .filter(document::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await?)
    }

    /// Deletes expired documents; returns how many.
    pub async fn purge_expired_documents(&self) -> Result<u64> {
        Ok(document::Entity::delete_many()
            .filter(document::Column::ExpiresAt.lte(Utc::now()))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
