//! Failed-login throttling, stored in the database so that it holds across replicas and
//! restarts. A key (`user:<name>`, `holder:<identifier>`, `addr:<ip>`…) may make
//! `max_failures` attempts within the window; the attempt that reaches it locks the key for
//! `lockout`.
//!
//! An attempt is *reserved* before the password is checked, by one atomic statement
//! ([`Store::reserve_login_attempt`]), and released when it turns out not to be a failure.
//! Checking the lock and recording the failure as two steps let 16 parallel guesses through
//! where the rule allows 5: each read "not locked" before any of them wrote.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};

use crate::entities::login_throttle;
use crate::error::{Result, StoreError};
use crate::Store;

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: i32,
    pub window: Duration,
    pub lockout: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            max_failures: 5,
            window: Duration::minutes(15),
            lockout: Duration::minutes(5),
        }
    }
}

/// The answer to a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt may go on; it counts as a failure unless released.
    Admitted,
    /// The key is locked: refuse without checking anything.
    Locked { until: DateTime<Utc> },
}

/// One statement for both engines (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`: SQLite
/// ≥ 3.35 and PostgreSQL). Every `SET` expression reads the row as it was before the
/// statement, and the row is locked (PostgreSQL) or the database is (SQLite) while it runs,
/// so concurrent reservations of one key are counted one after the other.
///
/// - locked now: the count goes past `max` (that is how the caller learns it was refused) and
///   the lock stays;
/// - window over, or a lock that has ended: a fresh window with this attempt as its first;
/// - otherwise one more attempt, and the one that reaches `max` sets the lock.
///
/// Parameters: 1 key, 2 now, 3 start of the window still open (now − window), 4 max, 5 lock end.
const RESERVE_SQL: &str = "INSERT INTO login_throttle (key, failures, window_started_at, locked_until) \
     VALUES ($1, 1, $2, CASE WHEN 1 >= $4 THEN $5 ELSE NULL END) \
     ON CONFLICT (key) DO UPDATE SET \
       failures = CASE \
         WHEN login_throttle.locked_until > $2 THEN login_throttle.failures + 1 \
         WHEN login_throttle.window_started_at <= $3 OR login_throttle.locked_until IS NOT NULL THEN 1 \
         ELSE login_throttle.failures + 1 END, \
       window_started_at = CASE \
         WHEN login_throttle.locked_until > $2 THEN login_throttle.window_started_at \
         WHEN login_throttle.window_started_at <= $3 OR login_throttle.locked_until IS NOT NULL THEN $2 \
         ELSE login_throttle.window_started_at END, \
       locked_until = CASE \
         WHEN login_throttle.locked_until > $2 THEN login_throttle.locked_until \
         WHEN login_throttle.window_started_at <= $3 OR login_throttle.locked_until IS NOT NULL \
           THEN CASE WHEN 1 >= $4 THEN $5 ELSE NULL END \
         WHEN login_throttle.failures + 1 >= $4 THEN $5 \
         ELSE NULL END \
     RETURNING failures, locked_until";

/// Gives back one reserved attempt (it was not a failure). The lock goes only if the count
/// falls back under the limit: an attempt refused meanwhile keeps it.
/// Parameters: 1 key, 2 max.
const RELEASE_SQL: &str = "UPDATE login_throttle SET \
       failures = failures - 1, \
       locked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE locked_until END \
     WHERE key = $1 AND failures > 0";

/// SQLite numbers its parameters `?N`; the statements above are written with `$N`.
fn for_backend(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    }
}

impl Store {
    /// Reserves one attempt for `key` at `now`, atomically (see [`RESERVE_SQL`]).
    pub async fn reserve_login_attempt(
        &self,
        key: &str,
        now: DateTime<Utc>,
        policy: ThrottlePolicy,
    ) -> Result<Reservation> {
        // PostgreSQL keeps microseconds: round here so what we compare is what is stored.
        let now = now.trunc_subsecs(6);
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one(Statement::from_sql_and_values(
                backend,
                for_backend(backend, RESERVE_SQL),
                [
                    key.into(),
                    now.into(),
                    (now - policy.window).into(),
                    policy.max_failures.into(),
                    (now + policy.lockout).into(),
                ],
            ))
            .await?
            .ok_or_else(|| StoreError::internal("throttle row not returned"))?;
        let attempts: i32 = row.try_get("", "failures")?;
        let locked_until: Option<DateTime<Utc>> = row.try_get("", "locked_until")?;
        Ok(match locked_until {
            Some(until) if attempts > policy.max_failures => Reservation::Locked { until },
            _ => Reservation::Admitted,
        })
    }

    /// Gives back an attempt reserved by [`Store::reserve_login_attempt`] that was not a
    /// failure (a correct password; an attempt refused by another key's lock).
    pub async fn release_login_attempt(&self, key: &str, policy: ThrottlePolicy) -> Result<()> {
        let backend = self.db.get_database_backend();
        self.db
            .execute(Statement::from_sql_and_values(
                backend,
                for_backend(backend, RELEASE_SQL),
                [key.into(), policy.max_failures.into()],
            ))
            .await?;
        Ok(())
    }

    /// Forgets `key`'s failures and lock (a successful login for that user).
    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        login_throttle::Entity::delete_by_id(key.to_owned())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Deletes keys whose window and lock are both over: they count nothing any more (every
    /// address and identifier ever tried would otherwise stay).
    pub async fn purge_stale_login_throttles(
        &self,
        now: DateTime<Utc>,
        longest_window: Duration,
    ) -> Result<u64> {
        use sea_orm::{ColumnTrait, Condition, QueryFilter};
        Ok(login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::WindowStartedAt.lte(now - longest_window))
            .filter(
                Condition::any()
                    .add(login_throttle::Column::LockedUntil.is_null())
                    .add(login_throttle::Column::LockedUntil.lte(now)),
            )
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
