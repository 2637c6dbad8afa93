//! (Re)notification and password reset of a selection, applied as ONE transaction: every
//! account changes, with its audit event, or none does. The rows are locked first, so two
//! staff members acting on the same accounts at once are served one after the other.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sesame_core::lifecycle::{notify_by, reset, Channel, PasswordAction, SkipReason, Transition};
use sesame_core::password::generate_provisional_os;
use sesame_core::{AccountKind, AccountState, Origin, Population};

use crate::entities::{account, audit_event, guardian, student};
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::repo::audit::NewAuditEvent;
use crate::repo::search::require_in_scope;
use crate::repo::sql::lock_accounts;
use crate::{SecretBox, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Notify {
        channel: Channel,
        reset_password: bool,
    },
    Reset,
}

impl Operation {
    pub fn audit_action(&self) -> &'static str {
        match self {
            Operation::Notify { .. } => "account.notify",
            Operation::Reset => "account.reset_password",
        }
    }
}

/// What happened to one account. `password` holds the provisional password in clear for the
/// letter or the answer of this request only; it is never logged or audited.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: String,
    pub kind: AccountKind,
    pub identifier: String,
    pub family_name: String,
    pub first_name: String,
    pub email: Option<String>,
    pub state_before: AccountState,
    pub state_after: AccountState,
    pub origin_after: Origin,
    pub password_changed: bool,
    /// The provisional password in force after the operation, when there is one to hand out.
    pub password: Option<String>,
    pub skipped: Option<SkipReason>,
}

const CHUNK: usize = 400;

impl Store {
    /// Applies `op` to the accounts `ids` of `population` at `uai`. Every id is checked to be
    /// there inside the transaction, after the rows are locked: one foreign id refuses the
    /// whole operation (`NotFound`) before anything changes.
    pub(crate) async fn apply_credentials(
        &self,
        uai: &str,
        population: Population,
        ids: &[String],
        op: Operation,
        secrets: &SecretBox,
        audit: NewAuditEvent,
    ) -> Result<Vec<Outcome>> {
        let txn = self.begin_write().await?;
        lock_accounts(&txn, ids).await?;
        require_in_scope(&txn, uai, population, ids).await?;
        let audit = audit.uai(uai);
        let mut accounts: HashMap<String, account::Model> = HashMap::with_capacity(ids.len());
        let mut names: HashMap<String, (String, String)> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            for a in account::Entity::find()
                .filter(account::Column::Id.is_in(chunk.to_vec()))
                .all(&txn)
                .await?
            {
                accounts.insert(a.id.clone(), a);
            }
            for s in student::Entity::find()
                .filter(student::Column::Id.is_in(chunk.to_vec()))
                .all(&txn)
                .await?
            {
                names.insert(s.id, (s.family_name, s.first_name));
            }
            for g in guardian::Entity::find()
                .filter(guardian::Column::Id.is_in(chunk.to_vec()))
                .all(&txn)
                .await?
            {
                names.insert(g.id, (g.family_name, g.first_name));
            }
        }
        let now = Utc::now();
        let mut outcomes = Vec::with_capacity(ids.len());
        let mut events = Vec::with_capacity(ids.len());
        for id in ids {
            let acc = accounts.get(id).ok_or(StoreError::NotFound)?;
            let (kind, state, origin) = acc.standing()?;
            let has_email = acc.email.as_deref().is_some_and(|e| !e.trim().is_empty());
            let t: Transition = match op {
                Operation::Notify {
                    channel,
                    reset_password,
                } => notify_by(channel, kind, state, origin, reset_password, has_email)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?,
                Operation::Reset => reset(kind, state, origin),
            };
            let changes = t.skipped.is_none() || t.set_notified_at;
            let (password, sealed) = match t.password {
                PasswordAction::NewProvisional => {
                    let pw = generate_provisional_os();
                    let sealed = secrets.seal(&pw, id)?;
                    (Some(pw), Some(sealed))
                }
                // The letter shows the provisional password still in force, if any.
                PasswordAction::Keep if state_after_shows_password(t.state_after) => {
                    let pw = match &acc.provisional_password_enc {
                        Some(enc) => Some(secrets.open(enc, id)?),
                        None => None,
                    };
                    (pw, None)
                }
                PasswordAction::Keep => (None, None),
            };
            if changes {
                let mut update = account::Entity::update_many()
                    .col_expr(account::Column::State, Expr::value(t.state_after.as_str()))
                    .col_expr(
                        account::Column::Origin,
                        Expr::value(t.origin_after.as_str()),
                    )
                    .col_expr(account::Column::UpdatedAt, Expr::value(now))
                    .filter(account::Column::Id.eq(id.clone()));
                if t.set_notified_at {
                    update = update.col_expr(account::Column::NotifiedAt, Expr::value(now));
                    if acc.distributed_at.is_none() {
                        update = update.col_expr(account::Column::DistributedAt, Expr::value(now));
                    }
                }
                if let Some(sealed) = &sealed {
                    // The provisional password replaces whatever the person had chosen.
                    update = update
                        .col_expr(
                            account::Column::ProvisionalPasswordEnc,
                            Expr::value(sealed.clone()),
                        )
                        .col_expr(
                            account::Column::PasswordHash,
                            Expr::value(Option::<String>::None),
                        );
                }
                if t.must_change_password {
                    update =
                        update.col_expr(account::Column::MustChangePassword, Expr::value(true));
                }
                update.exec(&txn).await?;
                if sealed.is_some() {
                    crate::repo::webhooks::enqueue_account_event(
                        &txn,
                        id,
                        "account.password_reset",
                        serde_json::json!({ "account_id": id, "identifier": acc.identifier }),
                    )
                    .await?;
                }
            }
            let (family_name, first_name) = names.get(id).cloned().unwrap_or_default();
            let mut event = audit
                .clone()
                .targets(vec![id.clone()])
                .detail(serde_json::json!({
                    "identifier": acc.identifier,
                    "state_before": state.as_str(),
                    "state_after": t.state_after.as_str(),
                    "password_changed": sealed.is_some(),
                    "skipped": t.skipped.map(|s| s.as_str()),
                }));
            if !changes {
                event = event.failed();
            }
            events.push(event);
            outcomes.push(Outcome {
                id: id.clone(),
                kind,
                identifier: acc.identifier.clone(),
                family_name,
                first_name,
                email: acc.email.clone(),
                state_before: state,
                state_after: t.state_after,
                origin_after: t.origin_after,
                password_changed: sealed.is_some(),
                password,
                skipped: t.skipped,
            });
        }
        insert_events(&txn, events).await?;
        txn.commit().await?;
        Ok(outcomes)
    }
}

fn state_after_shows_password(state: AccountState) -> bool {
    state == AccountState::NotifiedNotActivated
}

/// Audit events of a bulk operation, a few hundred rows a statement.
pub(crate) async fn insert_events<C: ConnectionTrait>(
    conn: &C,
    events: Vec<NewAuditEvent>,
) -> Result<()> {
    let now = Utc::now();
    let rows: Vec<audit_event::ActiveModel> = events
        .into_iter()
        .map(|e| crate::repo::audit::to_active(e, now, new_id()))
        .collect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(200).collect();
        audit_event::Entity::insert_many(chunk).exec(conn).await?;
    }
    Ok(())
}
