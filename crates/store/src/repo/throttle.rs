//! Failed-login throttling, stored in the database so that it holds across replicas and
//! restarts. A key (`user:<name>` or `addr:<ip>`) that fails `max_failures` times within the
//! window is locked for `lockout`.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::entities::login_throttle;
use crate::error::Result;
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

impl Store {
    /// When `key` is locked at `now`, until when.
    pub async fn throttled_until(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        Ok(login_throttle::Entity::find_by_id(key.to_owned())
            .one(&self.db)
            .await?
            .and_then(|r| r.locked_until)
            .filter(|until| *until > now))
    }

    /// Counts a failure; returns the lock end if this failure locks the key.
    pub async fn record_login_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        policy: ThrottlePolicy,
    ) -> Result<Option<DateTime<Utc>>> {
        // PostgreSQL keeps microseconds: round here so what we return is what is stored.
        let now = now.trunc_subsecs(6);
        let txn = self.begin_write().await?;
        let existing = login_throttle::Entity::find_by_id(key.to_owned())
            .one(&txn)
            .await?;
        let (failures, started) = match &existing {
            Some(r) if now - r.window_started_at < policy.window => {
                (r.failures + 1, r.window_started_at)
            }
            _ => (1, now),
        };
        let locked_until = (failures >= policy.max_failures).then(|| now + policy.lockout);
        let row = login_throttle::ActiveModel {
            key: Set(key.to_owned()),
            failures: Set(if locked_until.is_some() { 0 } else { failures }),
            window_started_at: Set(started),
            locked_until: Set(locked_until),
        };
        if existing.is_some() {
            row.update(&txn).await?;
        } else {
            row.insert(&txn).await?;
        }
        txn.commit().await?;
        Ok(locked_until)
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        login_throttle::Entity::delete_by_id(key.to_owned())
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
