//! Notification URL settings ("Paramétrage"): enter → verify → activate; an active URL must be
//! deactivated before it can be edited, and editing clears `verified`.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};

use crate::entities::notification_setting;
use crate::error::{Result, StoreError};
use crate::repo::audit::{append, NewAuditEvent};
use crate::Store;

pub use notification_setting::Model as NotificationSetting;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingChange<'a> {
    SetUrl(&'a str),
    /// The address was checked and answered; refused if it changed meanwhile.
    Verified(&'a str),
    Activate,
    Deactivate,
}

impl Store {
    /// The setting of `population` at `uai`; an empty one when never set.
    pub(crate) async fn notification_setting(
        &self,
        uai: &str,
        population: &str,
    ) -> Result<NotificationSetting> {
        Ok(notification_setting::Entity::find()
            .filter(notification_setting::Column::Uai.eq(uai))
            .filter(notification_setting::Column::Population.eq(population))
            .one(&self.db)
            .await?
            .unwrap_or_else(|| empty(uai, population)))
    }

    /// The URL to print in letters for `population`, when verified and active.
    pub(crate) async fn active_notification_url(
        &self,
        uai: &str,
        population: &str,
    ) -> Result<Option<String>> {
        let s = self.notification_setting(uai, population).await?;
        Ok(s.url.filter(|_| s.verified && s.active))
    }

    /// Applies a change if the rules allow it; `Conflict` says why not.
    pub(crate) async fn change_notification_setting(
        &self,
        uai: &str,
        population: &str,
        change: SettingChange<'_>,
        audit: NewAuditEvent,
    ) -> Result<NotificationSetting> {
        let txn = self.begin_write().await?;
        let existing = notification_setting::Entity::find()
            .filter(notification_setting::Column::Uai.eq(uai))
            .filter(notification_setting::Column::Population.eq(population))
            .one(&txn)
            .await?;
        let is_new = existing.is_none();
        let mut s = existing.unwrap_or_else(|| empty(uai, population));
        match change {
            SettingChange::SetUrl(url) => {
                if s.active {
                    return Err(StoreError::Conflict(
                        "Désactivez l'adresse avant de la modifier.".into(),
                    ));
                }
                s.url = Some(url.to_owned());
                s.verified = false;
                s.verified_at = None;
            }
            SettingChange::Verified(checked) => {
                match s.url.as_deref() {
                    None => return Err(StoreError::Conflict("Aucune adresse à vérifier.".into())),
                    Some(url) if url != checked => return Err(StoreError::Conflict(
                        "L'adresse a été modifiée pendant sa vérification : vérifiez-la à nouveau."
                            .into(),
                    )),
                    Some(_) => {}
                }
                s.verified = true;
                s.verified_at = Some(Utc::now());
            }
            SettingChange::Activate => {
                if !s.verified {
                    return Err(StoreError::Conflict(
                        "Seule une adresse vérifiée peut être activée.".into(),
                    ));
                }
                s.active = true;
            }
            SettingChange::Deactivate => s.active = false,
        }
        s.updated_at = Utc::now();
        let model: notification_setting::ActiveModel = s.clone().into();
        let model = model.reset_all();
        if is_new {
            model.insert(&txn).await?;
        } else {
            model.update(&txn).await?;
        }
        append(&txn, audit).await?;
        txn.commit().await?;
        Ok(s)
    }
}

fn empty(uai: &str, population: &str) -> NotificationSetting {
    NotificationSetting {
        uai: uai.to_owned(),
        population: population.to_owned(),
        url: None,
        verified: false,
        active: false,
        verified_at: None,
        updated_at: Utc::now(),
    }
}
