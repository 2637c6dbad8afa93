//! Generated files (letters, lists, credentials), kept in the database for a short while so
//! that any replica can serve the download, and only to the person who caused them.
//!
//! Their bytes are sealed with the AEAD key (associated data: the document's id): credentials
//! and letters print provisional passwords, lists may, and a database dump or backup must not
//! hand them out. Sealing every document rather than guessing which hold secrets keeps the
//! rule simple and leaves no clear copy to forget.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entities::document;
use crate::error::Result;
use crate::ids::new_id;
use crate::secrets::SecretBox;
use crate::Store;

pub use document::Model as Document;

/// How long a generated document can be downloaded.
pub fn document_ttl() -> Duration {
    Duration::minutes(30)
}

/// Associated data of a document's sealed bytes: a blob copied onto another row does not open.
fn context(id: &str) -> String {
    format!("document:{id}")
}

impl Store {
    pub async fn save_document(
        &self,
        secrets: &SecretBox,
        owner: &str,
        filename: &str,
        content_type: &str,
        content: Vec<u8>,
    ) -> Result<String> {
        let id = new_id();
        let now = Utc::now();
        let sealed = secrets.seal_bytes(&content, &context(&id))?;
        drop(content);
        document::ActiveModel {
            id: Set(id.clone()),
            owner: Set(owner.to_owned()),
            filename: Set(filename.to_owned()),
            content_type: Set(content_type.to_owned()),
            content: Set(sealed),
            created_at: Set(now),
            expires_at: Set(now + document_ttl()),
        }
        .insert(&self.db)
        .await?;
        Ok(id)
    }

    /// The document, opened, if `owner` caused it and it has not expired.
    pub async fn document(
        &self,
        secrets: &SecretBox,
        id: &str,
        owner: &str,
    ) -> Result<Option<Document>> {
        let Some(mut doc) = document::Entity::find_by_id(id.to_owned())
            .filter(document::Column::Owner.eq(owner))
            .filter(document::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        doc.content = secrets.open_bytes(&doc.content, &context(&doc.id))?;
        Ok(Some(doc))
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
