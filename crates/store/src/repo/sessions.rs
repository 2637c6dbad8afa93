//! Staff sessions and their refresh tokens.
//!
//! A session is a refresh-token family: one row in `staff_sessions` (when and how it was
//! opened) and one row per refresh token. Tokens are random, stored only as SHA-256, and rotated
//! on every use. Presenting a token that was already used normally means it was copied: the
//! whole family is revoked (RFC 6819 §5.2.2.3). Two honest cases also present a used token —
//! two tabs renewing at once, a request retried after a lost answer — so within a short grace
//! after its use the token is answered with its successor (the one token the first use
//! created), never with a second live branch of the family.
//!
//! To hand the successor back, the predecessor's row keeps it sealed with the AEAD key (context:
//! the predecessor's row id), and only for the grace: a stolen database alone does not open it,
//! and [`Store::clear_stale_successors`] (run by the scheduler) and every revocation erase it.
//! Everything lives in the database, so the grace holds across replicas.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::entities::{refresh_token, staff_session};
use crate::error::Result;
use crate::ids::new_id;
use crate::secrets::SecretBox;
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

/// How a session was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    /// Password and a TOTP code.
    Totp,
    /// Password, from a configured administrative network.
    AdminNetwork,
    /// Password only.
    Password,
}

impl SecondFactor {
    pub fn as_str(&self) -> &'static str {
        match self {
            SecondFactor::Totp => "totp",
            SecondFactor::AdminNetwork => "admin_network",
            SecondFactor::Password => "password",
        }
    }

    /// Unknown values read as `Password`: the weakest claim, never more rights.
    pub fn parse(s: &str) -> SecondFactor {
        match s {
            "totp" => SecondFactor::Totp,
            "admin_network" => SecondFactor::AdminNetwork,
            _ => SecondFactor::Password,
        }
    }

    /// Whether the session may use a module that needs the second factor.
    pub fn is_strong(&self) -> bool {
        !matches!(self, SecondFactor::Password)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub id: String,
    pub staff_id: String,
    pub opened_at: DateTime<Utc>,
    pub second_factor: SecondFactor,
}

impl From<staff_session::Model> for StaffSession {
    fn from(m: staff_session::Model) -> Self {
        StaffSession {
            second_factor: SecondFactor::parse(&m.second_factor),
            id: m.id,
            staff_id: m.staff_id,
            opened_at: m.opened_at,
        }
    }
}

/// The lifetimes a session lives by.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Lifetime of each refresh token.
    pub refresh_ttl: Duration,
    /// Absolute lifetime of the session, from its opening.
    pub max_age: Duration,
    /// How long after its use a refresh token is still answered with its successor.
    pub reuse_grace: Duration,
}

impl SessionPolicy {
    fn token_expiry(&self, opened_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        (now + self.refresh_ttl).min(opened_at + self.max_age)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Rotation {
    /// The token was good (or presented again within the grace): the session and the token
    /// that now carries it.
    Rotated {
        session: StaffSession,
        token: String,
        /// True when this answers a repeated use within the grace (the successor again).
        replayed: bool,
    },
    /// Already used, beyond the grace: the family has been revoked.
    Reused,
    /// The session has reached its absolute lifetime; it has been closed.
    Expired,
    /// Unknown, expired or revoked.
    Invalid,
}

/// What an access token's session is now.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionState {
    Live(StaffSession),
    Expired,
    Gone,
}

impl Store {
    /// Opens a session (a login) and returns it with its first refresh token.
    pub async fn open_session(
        &self,
        staff_id: &str,
        second_factor: SecondFactor,
        policy: SessionPolicy,
    ) -> Result<(StaffSession, String)> {
        let now = Utc::now();
        let session = StaffSession {
            id: new_id(),
            staff_id: staff_id.to_owned(),
            opened_at: now,
            second_factor,
        };
        let token = new_token();
        let txn = self.begin_write().await?;
        staff_session::ActiveModel {
            id: Set(session.id.clone()),
            staff_id: Set(session.staff_id.clone()),
            opened_at: Set(now),
            second_factor: Set(second_factor.as_str().to_owned()),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await?;
        insert(
            &txn,
            staff_id,
            &session.id,
            &token,
            policy.token_expiry(now, now),
        )
        .await?;
        txn.commit().await?;
        Ok((session, token))
    }

    /// The session of an access token, as it stands now.
    pub async fn session_state(
        &self,
        session_id: &str,
        staff_id: &str,
        max_age: Duration,
    ) -> Result<SessionState> {
        let Some(row) = staff_session::Entity::find_by_id(session_id.to_owned())
            .one(&self.db)
            .await?
            .filter(|s| s.staff_id == staff_id)
        else {
            return Ok(SessionState::Gone);
        };
        // Past its lifetime it says so even once closed (a refresh closes it), so that the
        // console can tell the user why.
        if row.opened_at + max_age <= Utc::now() {
            return Ok(SessionState::Expired);
        }
        if row.revoked_at.is_some() {
            return Ok(SessionState::Gone);
        }
        Ok(SessionState::Live(row.into()))
    }

    /// Exchanges a refresh token for its successor (see the module's comment for the grace).
    pub async fn rotate_refresh_token(
        &self,
        token: &str,
        secrets: &SecretBox,
        policy: SessionPolicy,
    ) -> Result<Rotation> {
        let now = Utc::now();
        let hash = token_hash(token);
        // On SQLite this takes the write lock first, so two uses of a token run one after the
        // other; on PostgreSQL the conditional update below decides between them.
        let txn = self.begin_write().await?;
        let Some(row) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(hash.clone()))
            .one(&txn)
            .await?
        else {
            return Ok(Rotation::Invalid);
        };
        let Some(session) = staff_session::Entity::find_by_id(row.family_id.clone())
            .one(&txn)
            .await?
        else {
            return Ok(Rotation::Invalid);
        };
        if row.revoked_at.is_some() || session.revoked_at.is_some() {
            return Ok(Rotation::Invalid);
        }
        if session.opened_at + policy.max_age <= now {
            revoke_family(&txn, &row.family_id, now).await?;
            txn.commit().await?;
            return Ok(Rotation::Expired);
        }
        let session = StaffSession::from(session);
        if row.used_at.is_some() {
            let outcome = replay(&txn, secrets, &row, session, policy, now).await?;
            txn.commit().await?;
            return Ok(outcome);
        }
        if row.expires_at <= now {
            return Ok(Rotation::Invalid);
        }
        let new = new_token();
        insert(
            &txn,
            &row.staff_id,
            &row.family_id,
            &new,
            policy.token_expiry(session.opened_at, now),
        )
        .await?;
        // One statement claims the token and leaves its successor for the grace: of two
        // concurrent uses only one can mark it used, and the other then finds the successor.
        let marked = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
            .col_expr(
                refresh_token::Column::SuccessorSealed,
                Expr::value(secrets.seal(&new, &row.id)?),
            )
            .filter(refresh_token::Column::Id.eq(row.id.clone()))
            .filter(refresh_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if marked.rows_affected == 0 {
            // Another request used it first (PostgreSQL: our update waited for its commit).
            // Drop our successor and answer with theirs, read afresh.
            txn.rollback().await?;
            let txn = self.begin_write().await?;
            let Some(row) = refresh_token::Entity::find()
                .filter(refresh_token::Column::TokenHash.eq(hash))
                .one(&txn)
                .await?
                .filter(|r| r.revoked_at.is_none())
            else {
                return Ok(Rotation::Invalid);
            };
            let outcome = replay(&txn, secrets, &row, session, policy, now).await?;
            txn.commit().await?;
            return Ok(outcome);
        }
        // Successors sealed in this family longer ago than the grace are of no use any more.
        clear_successors(&txn, Some(&row.family_id), now - policy.reuse_grace).await?;
        txn.commit().await?;
        Ok(Rotation::Rotated {
            session,
            token: new,
            replayed: false,
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
        let now = Utc::now();
        staff_session::Entity::update_many()
            .col_expr(staff_session::Column::RevokedAt, Expr::value(now))
            .filter(staff_session::Column::StaffId.eq(staff_id))
            .filter(staff_session::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .col_expr(
                refresh_token::Column::SuccessorSealed,
                Expr::value(Option::<String>::None),
            )
            .filter(refresh_token::Column::StaffId.eq(staff_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Erases the sealed successors whose grace is over (the scheduler runs it). Returns how
    /// many were erased.
    pub async fn clear_stale_successors(&self, grace: Duration) -> Result<u64> {
        clear_successors(&self.db, None, Utc::now() - grace).await
    }
}

/// A token presented again: within the grace, its successor; beyond, the family is revoked.
async fn replay<C: ConnectionTrait>(
    conn: &C,
    secrets: &SecretBox,
    row: &refresh_token::Model,
    session: StaffSession,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Rotation> {
    let within_grace = row
        .used_at
        .is_some_and(|used| used + policy.reuse_grace >= now);
    if let (true, Some(sealed)) = (within_grace, row.successor_sealed.as_deref()) {
        // The successor may itself have been used since: its holder then follows the chain
        // the same way (or, beyond its own grace, gets the family revoked).
        let token = secrets.open(sealed, &row.id)?;
        return Ok(Rotation::Rotated {
            session,
            token,
            replayed: true,
        });
    }
    revoke_family(conn, &row.family_id, now).await?;
    Ok(Rotation::Reused)
}

async fn insert<C: ConnectionTrait>(
    conn: &C,
    staff_id: &str,
    family_id: &str,
    token: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    refresh_token::ActiveModel {
        id: Set(new_id()),
        staff_id: Set(staff_id.to_owned()),
        family_id: Set(family_id.to_owned()),
        token_hash: Set(token_hash(token)),
        issued_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        successor_sealed: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Ends a session: its row and every token of its family, sealed successors erased.
async fn revoke_family<C: ConnectionTrait>(
    conn: &C,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    staff_session::Entity::update_many()
        .col_expr(staff_session::Column::RevokedAt, Expr::value(now))
        .filter(staff_session::Column::Id.eq(family_id))
        .filter(staff_session::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::SuccessorSealed,
            Expr::value(Option::<String>::None),
        )
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::SuccessorSealed.is_not_null())
        .exec(conn)
        .await?;
    Ok(())
}

async fn clear_successors<C: ConnectionTrait>(
    conn: &C,
    family_id: Option<&str>,
    used_before: DateTime<Utc>,
) -> Result<u64> {
    let mut q = refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::SuccessorSealed,
            Expr::value(Option::<String>::None),
        )
        .filter(refresh_token::Column::SuccessorSealed.is_not_null())
        .filter(refresh_token::Column::UsedAt.lt(used_before));
    if let Some(f) = family_id {
        q = q.filter(refresh_token::Column::FamilyId.eq(f));
    }
    Ok(q.exec(conn).await?.rows_affected)
}
