//! Webhooks: an ENT platform registers one URL; events about accounts of the establishments
//! granted to it are queued in the same transaction as the change (nothing is announced that
//! did not happen, nothing that happened is lost), then delivered with retries by whichever
//! replica claims them.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};

use sesame_core::permissions::Scope;
use sesame_core::webhook::DeliveryState;

use crate::entities::{webhook, webhook_delivery};
use crate::error::Result;
use crate::ids::new_id;
use crate::Store;

pub use webhook::Model as Webhook;
pub use webhook_delivery::Model as Delivery;

/// After this many failed attempts a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 8;

/// The establishments an account belongs to: a student's main one and those of shared
/// teaching; a guardian's, through their students.
async fn account_uais<C: ConnectionTrait>(conn: &C, account_id: &str) -> Result<Vec<String>> {
    #[derive(FromQueryResult)]
    struct Row {
        uai: String,
    }
    let backend = conn.get_database_backend();
    let p = |n: usize| match backend {
        sea_orm::DbBackend::Postgres => format!("${n}"),
        _ => format!("?{n}"),
    };
    let sql = format!(
        "SELECT uai FROM students WHERE id = {p1} \
         UNION SELECT uai FROM student_external_establishments WHERE student_id = {p1} \
         UNION SELECT s.uai FROM guardian_links l JOIN students s ON s.id = l.student_id \
         WHERE l.guardian_id = {p1}",
        p1 = p(1)
    );
    Ok(Row::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [account_id.into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(|r| r.uai)
    .collect())
}

/// The scopes that make a client a reader of an establishment's accounts, and so a receiver
/// of events about them. `ent:directory` (the ENT's own directory) is not one: a platform
/// granted only that never saw these accounts and must not learn about them by webhook.
pub const ACCOUNT_SCOPES: [Scope; 3] = [
    Scope::AccountsRead,
    Scope::AccountsReset,
    Scope::IdentifiersRegenerate,
];

/// Queues `event` about `account_id` for every webhook whose (enabled) client holds an
/// accounts scope ([`ACCOUNT_SCOPES`]) at one of the account's establishments. Call it inside
/// the transaction of the change.
pub async fn enqueue_account_event<C: ConnectionTrait>(
    conn: &C,
    account_id: &str,
    event: &str,
    data: serde_json::Value,
) -> Result<()> {
    let uais = account_uais(conn, account_id).await?;
    if uais.is_empty() {
        return Ok(());
    }
    #[derive(FromQueryResult)]
    struct Row {
        id: String,
    }
    let backend = conn.get_database_backend();
    let placeholders = |from: usize, count: usize| -> String {
        (from..from + count)
            .map(|n| match backend {
                sea_orm::DbBackend::Postgres => format!("${n}"),
                _ => format!("?{n}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sql = format!(
        "SELECT DISTINCT w.id FROM webhooks w JOIN integration_grants g ON g.client_id = w.client_id \
         JOIN integration_clients c ON c.id = w.client_id \
         WHERE c.disabled = false AND g.uai IN ({}) AND g.scope IN ({})",
        placeholders(1, uais.len()),
        placeholders(1 + uais.len(), ACCOUNT_SCOPES.len()),
    );
    let values = uais
        .iter()
        .map(|u| u.clone().into())
        .chain(ACCOUNT_SCOPES.iter().map(|s| s.as_str().into()));
    let hooks = Row::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
        .all(conn)
        .await?;
    let now = Utc::now();
    for h in hooks {
        let id = new_id();
        let payload = serde_json::json!({
            "id": id,
            "type": event,
            "created_at": now,
            "data": data,
        });
        webhook_delivery::ActiveModel {
            id: Set(id),
            webhook_id: Set(h.id),
            event: Set(event.to_owned()),
            payload: Set(payload.to_string()),
            state: Set(DeliveryState::Pending.as_str().into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_status: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
            lease_token: Set(None),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

impl Store {
    pub async fn webhook_of_client(&self, client_pk: &str) -> Result<Option<Webhook>> {
        Ok(webhook::Entity::find()
            .filter(webhook::Column::ClientId.eq(client_pk))
            .one(&self.db)
            .await?)
    }

    pub async fn webhook(&self, id: &str) -> Result<Option<Webhook>> {
        Ok(webhook::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?)
    }

    /// Registers (or replaces) the client's webhook; `seal` seals the signing secret for the
    /// new webhook id.
    pub async fn set_webhook(
        &self,
        client_pk: &str,
        url: &str,
        seal: impl FnOnce(&str) -> Result<String>,
    ) -> Result<Webhook> {
        let txn = self.begin_write().await?;
        if let Some(old) = webhook::Entity::find()
            .filter(webhook::Column::ClientId.eq(client_pk))
            .one(&txn)
            .await?
        {
            webhook_delivery::Entity::delete_many()
                .filter(webhook_delivery::Column::WebhookId.eq(old.id.clone()))
                .exec(&txn)
                .await?;
            webhook::Entity::delete_by_id(old.id).exec(&txn).await?;
        }
        let id = new_id();
        let model = webhook::ActiveModel {
            secret_enc: Set(seal(&id)?),
            id: Set(id),
            client_id: Set(client_pk.to_owned()),
            url: Set(url.to_owned()),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(model)
    }

    pub async fn delete_webhook(&self, client_pk: &str) -> Result<bool> {
        let Some(w) = self.webhook_of_client(client_pk).await? else {
            return Ok(false);
        };
        let txn = self.begin_write().await?;
        webhook_delivery::Entity::delete_many()
            .filter(webhook_delivery::Column::WebhookId.eq(w.id.clone()))
            .exec(&txn)
            .await?;
        webhook::Entity::delete_by_id(w.id).exec(&txn).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Recent deliveries of a webhook, newest first.
    pub async fn deliveries(&self, webhook_id: &str, limit: u64) -> Result<Vec<Delivery>> {
        Ok(webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
            .order_by_desc(webhook_delivery::Column::CreatedAt)
            .order_by_desc(webhook_delivery::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Claims one delivery due at `now` for `lease`: no other replica takes it before the
    /// lease ends. Claim one at a time, right before its attempt, with a lease longer than an
    /// attempt can last (the HTTP timeout and a margin): a lease taken for a whole batch would
    /// run out while earlier deliveries of the batch are still being made, and another replica
    /// would send the rest again. The claim is a conditional update (the row must still be as
    /// read), so two replicas never both win it; the returned delivery carries the lease token
    /// its outcome must be recorded with.
    pub async fn claim_due_delivery(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<Delivery>> {
        let due = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::State.eq(DeliveryState::Pending.as_str()))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .order_by_asc(webhook_delivery::Column::Id)
            // A few candidates: when another replica wins one, try the next.
            .limit(4)
            .all(&self.db)
            .await?;
        for mut d in due {
            let token = new_id();
            let res = webhook_delivery::Entity::update_many()
                .col_expr(
                    webhook_delivery::Column::NextAttemptAt,
                    Expr::value(now + lease),
                )
                .col_expr(
                    webhook_delivery::Column::LeaseToken,
                    Expr::value(token.clone()),
                )
                .filter(webhook_delivery::Column::Id.eq(d.id.clone()))
                .filter(webhook_delivery::Column::State.eq(DeliveryState::Pending.as_str()))
                .filter(webhook_delivery::Column::NextAttemptAt.eq(d.next_attempt_at))
                .exec(&self.db)
                .await?;
            if res.rows_affected == 1 {
                d.next_attempt_at = now + lease;
                d.lease_token = Some(token);
                return Ok(Some(d));
            }
        }
        Ok(None)
    }

    /// The update of a claimed delivery's outcome, made only while `d`'s lease is still the
    /// current one: a replica whose lease was taken over records nothing.
    fn outcome_of(d: &Delivery) -> sea_orm::UpdateMany<webhook_delivery::Entity> {
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::LeaseToken,
                Expr::value(Option::<String>::None),
            )
            .filter(webhook_delivery::Column::Id.eq(d.id.clone()))
            .filter(webhook_delivery::Column::State.eq(DeliveryState::Pending.as_str()))
            .filter(
                webhook_delivery::Column::LeaseToken.eq(d.lease_token.clone().unwrap_or_default()),
            )
    }

    /// Records a successful attempt of a claimed delivery; false when its lease was lost.
    pub async fn delivery_succeeded(&self, d: &Delivery, status: u16) -> Result<bool> {
        let res = Self::outcome_of(d)
            .col_expr(
                webhook_delivery::Column::State,
                Expr::value(DeliveryState::Delivered.as_str()),
            )
            .col_expr(
                webhook_delivery::Column::Attempts,
                Expr::col(webhook_delivery::Column::Attempts).add(1),
            )
            .col_expr(
                webhook_delivery::Column::LastStatus,
                Expr::value(status as i32),
            )
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                webhook_delivery::Column::DeliveredAt,
                Expr::value(Utc::now()),
            )
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Records a failed attempt of a claimed delivery; retries after `retry_in`, or gives up
    /// after [`MAX_ATTEMPTS`]. False when its lease was lost.
    pub async fn delivery_failed(
        &self,
        d: &Delivery,
        status: Option<u16>,
        error: &str,
        retry_in: Duration,
    ) -> Result<bool> {
        let attempts = d.attempts + 1;
        let state = if attempts >= MAX_ATTEMPTS {
            DeliveryState::Failed
        } else {
            DeliveryState::Pending
        }
        .as_str();
        let res = Self::outcome_of(d)
            .col_expr(webhook_delivery::Column::State, Expr::value(state))
            .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
            .col_expr(
                webhook_delivery::Column::LastStatus,
                Expr::value(status.map(i32::from)),
            )
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value(error.to_owned()),
            )
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                Expr::value(Utc::now() + retry_in),
            )
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected == 1)
    }
}
