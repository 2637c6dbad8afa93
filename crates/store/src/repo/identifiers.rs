//! Identifier regeneration (seed 001 §8): scheduled for the next day, cancellable until then,
//! then switched — by whichever replica's scheduler gets there first.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sesame_core::identifier::identifier_candidate;
use sesame_core::regeneration::{
    check_regeneration, effective_at, RegenerationRefusal, SourceNames,
};

use crate::entities::{account, account_source};
use crate::error::{is_unique_violation, Result, StoreError};
use crate::repo::audit::{append, ActorKind, NewAuditEvent};
use crate::repo::credentials::insert_events;
use crate::repo::search::require_in_scope;
use crate::repo::sql::lock_accounts;
use crate::Store;
use sesame_core::Population;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledChange {
    pub current_identifier: String,
    pub new_identifier: String,
    pub effective_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    Refused(RegenerationRefusal),
    AlreadyPending(ScheduledChange),
}

/// An identifier switch that took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    pub account_id: String,
    pub old_identifier: String,
    pub new_identifier: String,
}

impl Store {
    /// Schedules a new identifier for `id` if the rule allows it.
    pub(crate) async fn schedule_identifier_change(
        &self,
        uai: &str,
        population: Population,
        id: &str,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<std::result::Result<ScheduledChange, ScheduleError>> {
        let txn = self.begin_write().await?;
        lock_accounts(&txn, &[id.to_owned()]).await?;
        require_in_scope(&txn, uai, population, &[id.to_owned()]).await?;
        let audit = audit.uai(uai);
        let acc = account::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let (Some(new), Some(at)) = (&acc.pending_identifier, acc.pending_effective_at) {
            return Ok(Err(ScheduleError::AlreadyPending(ScheduledChange {
                current_identifier: acc.identifier.clone(),
                new_identifier: new.clone(),
                effective_at: at,
            })));
        }
        let sources: Vec<SourceNames> = account_source::Entity::find()
            .filter(account_source::Column::AccountId.eq(id))
            .order_by_asc(account_source::Column::Source)
            .all(&txn)
            .await?
            .into_iter()
            .map(|s| SourceNames::new(&s.source, &s.family_name, &s.first_name))
            .collect();
        let base = match check_regeneration(&acc.identifier, &sources) {
            Ok(base) => base,
            Err(refusal) => return Ok(Err(ScheduleError::Refused(refusal))),
        };
        let mut rng = rand::thread_rng();
        let mut chosen = None;
        for attempt in 0..30 {
            let candidate = identifier_candidate(&base, attempt, &mut rng);
            let taken = account::Entity::find()
                .filter(
                    Condition::any()
                        .add(account::Column::Identifier.eq(candidate.clone()))
                        .add(account::Column::PendingIdentifier.eq(candidate.clone()))
                        .add(account::Column::PreviousIdentifier.eq(candidate.clone())),
                )
                .count(&txn)
                .await?;
            if taken == 0 {
                chosen = Some(candidate);
                break;
            }
        }
        let new_identifier = chosen.ok_or_else(|| {
            StoreError::Conflict("Aucun identifiant libre n'a été trouvé ; réessayez.".into())
        })?;
        let at = effective_at(now);
        account::Entity::update_many()
            .col_expr(
                account::Column::PendingIdentifier,
                Expr::value(new_identifier.clone()),
            )
            .col_expr(account::Column::PendingEffectiveAt, Expr::value(at))
            .col_expr(account::Column::PendingRequestedAt, Expr::value(now))
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(id))
            .exec(&txn)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict("Cet identifiant vient d'être pris ; réessayez.".into())
                } else {
                    e.into()
                }
            })?;
        append(
            &txn,
            audit
                .targets(vec![id.to_owned()])
                .detail(serde_json::json!({
                    "current_identifier": acc.identifier,
                    "new_identifier": new_identifier,
                    "effective_at": at,
                })),
        )
        .await?;
        txn.commit().await?;
        Ok(Ok(ScheduledChange {
            current_identifier: acc.identifier,
            new_identifier,
            effective_at: at,
        }))
    }

    /// Cancels the pending change of `id`; `false` when there was none.
    pub(crate) async fn cancel_identifier_change(
        &self,
        uai: &str,
        population: Population,
        id: &str,
        audit: NewAuditEvent,
    ) -> Result<bool> {
        let txn = self.begin_write().await?;
        require_in_scope(&txn, uai, population, &[id.to_owned()]).await?;
        let audit = audit.uai(uai);
        let res = account::Entity::update_many()
            .col_expr(
                account::Column::PendingIdentifier,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                account::Column::PendingEffectiveAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                account::Column::PendingRequestedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(account::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(account::Column::Id.eq(id))
            .filter(account::Column::PendingIdentifier.is_not_null())
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Ok(false);
        }
        append(&txn, audit.targets(vec![id.to_owned()])).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Makes every change due at `now` take effect: the new identifier becomes the one in
    /// force, the old one is kept only to refuse it with a clear message. Safe to run from
    /// several replicas at once: each row is switched by a conditional update.
    pub async fn apply_due_identifier_switches(&self, now: DateTime<Utc>) -> Result<Vec<Switched>> {
        let due = account::Entity::find()
            .filter(account::Column::PendingIdentifier.is_not_null())
            .filter(account::Column::PendingEffectiveAt.lte(now))
            .limit(1000)
            .all(&self.db)
            .await?;
        let mut switched = vec![];
        for acc in due {
            let Some(new) = acc.pending_identifier.clone() else {
                continue;
            };
            let txn = self.begin_write().await?;
            let res = account::Entity::update_many()
                .col_expr(
                    account::Column::PreviousIdentifier,
                    Expr::value(acc.identifier.clone()),
                )
                .col_expr(account::Column::Identifier, Expr::value(new.clone()))
                .col_expr(
                    account::Column::PendingIdentifier,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(
                    account::Column::PendingEffectiveAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(account::Column::UpdatedAt, Expr::value(now))
                .filter(account::Column::Id.eq(acc.id.clone()))
                .filter(account::Column::PendingIdentifier.eq(new.clone()))
                .exec(&txn)
                .await;
            match res {
                Ok(r) if r.rows_affected == 1 => {
                    crate::repo::webhooks::enqueue_account_event(
                        &txn,
                        &acc.id,
                        "identifier.changed",
                        serde_json::json!({
                            "account_id": acc.id,
                            "old_identifier": acc.identifier,
                            "new_identifier": new,
                            "effective_at": acc.pending_effective_at,
                        }),
                    )
                    .await?;
                    insert_events(
                        &txn,
                        vec![NewAuditEvent::new(
                            ActorKind::System,
                            "scheduler",
                            "account.identifier_switch",
                        )
                        .targets(vec![acc.id.clone()])
                        .detail(serde_json::json!({
                            "old_identifier": acc.identifier,
                            "new_identifier": new,
                        }))],
                    )
                    .await?;
                    txn.commit().await?;
                    switched.push(Switched {
                        account_id: acc.id,
                        old_identifier: acc.identifier,
                        new_identifier: new,
                    });
                }
                Ok(_) => {} // Another replica switched it first.
                Err(e) if is_unique_violation(&e) => {
                    tracing::warn!(account = %acc.id, "identifier switch blocked: the new identifier is taken");
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(switched)
    }
}
