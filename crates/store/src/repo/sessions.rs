//! Refresh tokens: random, stored only as SHA-256, rotated on every use. Presenting a token
//! that was already used means it was copied: its whole family is revoked (RFC 6819 §5.2.2.3).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::entities::refresh_token;
use crate::error::Result;
use crate::ids::new_id;
use crate::Store;

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token (256 bits, URL-safe).
pub fn new_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[derive(Debug, PartialEq, Eq)]
pub enum Rotation {
    /// The token was good: here is the staff id and the new token of the same family.
    Rotated { staff_id: String, token: String },
    /// Already used: the family has been revoked.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

impl Store {
    /// Starts a new family (a login) and returns its first token.
    pub async fn issue_refresh_token(&self, staff_id: &str, ttl: Duration) -> Result<String> {
        let token = new_token();
        insert(&self.db, staff_id, &new_id(), &token, ttl).await?;
        Ok(token)
    }

    pub async fn rotate_refresh_token(&self, token: &str, ttl: Duration) -> Result<Rotation> {
        let now = Utc::now();
        let txn = self.begin_write().await?;
        let Some(row) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(token_hash(token)))
            .one(&txn)
            .await?
        else {
            return Ok(Rotation::Invalid);
        };
        if row.used_at.is_some() {
            revoke_family(&txn, &row.family_id, now).await?;
            txn.commit().await?;
            return Ok(Rotation::Reused);
        }
        if row.revoked_at.is_some() || row.expires_at <= now {
            return Ok(Rotation::Invalid);
        }
        // Conditional update: of two concurrent uses of one token only one can mark it used.
        let marked = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
            .filter(refresh_token::Column::Id.eq(row.id.clone()))
            .filter(refresh_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if marked.rows_affected == 0 {
            revoke_family(&txn, &row.family_id, now).await?;
            txn.commit().await?;
            return Ok(Rotation::Reused);
        }
        let new = new_token();
        insert(&txn, &row.staff_id, &row.family_id, &new, ttl).await?;
        txn.commit().await?;
        Ok(Rotation::Rotated {
            staff_id: row.staff_id,
            token: new,
        })
    }

    /// Logout: the token's whole family stops working. Returns the staff id it belonged to.
    pub async fn revoke_refresh_token(&self, token: &str) -> Result<Option<String>> {
        let Some(row) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(token_hash(token)))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        revoke_family(&self.db, &row.family_id, Utc::now()).await?;
        Ok(Some(row.staff_id))
    }

    /// Every session of a staff user ends (password change, account disabled).
    pub async fn revoke_all_refresh_tokens(&self, staff_id: &str) -> Result<()> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(refresh_token::Column::StaffId.eq(staff_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

async fn insert<C: sea_orm::ConnectionTrait>(
    conn: &C,
    staff_id: &str,
    family_id: &str,
    token: &str,
    ttl: Duration,
) -> Result<()> {
    let now = Utc::now();
    refresh_token::ActiveModel {
        id: Set(new_id()),
        staff_id: Set(staff_id.to_owned()),
        family_id: Set(family_id.to_owned()),
        token_hash: Set(token_hash(token)),
        issued_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(())
}

async fn revoke_family<C: sea_orm::ConnectionTrait>(
    conn: &C,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
