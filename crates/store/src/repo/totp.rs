use chrono::Utc;
use sea_orm::{ActiveModelTrait, Set};

use crate::entities::totp_used;
use crate::error::{is_unique_violation, Result};
use crate::Store;

impl Store {
    /// Records that `staff_id` used the code of `time_step`. False when it was already used:
    /// the primary key makes this hold even for two replicas racing on the same code.
    pub async fn consume_totp_step(&self, staff_id: &str, time_step: i64) -> Result<bool> {
        let row = totp_used::ActiveModel {
            staff_id: Set(staff_id.to_owned()),
            time_step: Set(time_step),
            used_at: Set(Utc::now()),
        };
        match row.insert(&self.db).await {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
