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

use crate::entities::{webhook, webhook_delivery};
use crate::error::Result;
use crate::ids::new_id;
use crate::Store;

pub use webhook::Model as Webhook;
pub use webhook_delivery::Model as Delivery;

/// How long a claimed delivery is reserved for the replica that claimed it.
const LEASE_SECS: i64 = 60;
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

/// Queues `event` about `account_id` for every webhook whose client holds a grant at one of
/// the account's establishments. Call it inside the transaction of the change.
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
    let placeholders: Vec<String> = (1..=uais.len())
        .map(|n| match backend {
            sea_orm::DbBackend::Postgres => format!("${n}"),
            _ => format!("?{n}"),
        })
        .collect();
    let sql = format!(
        "SELECT DISTINCT w.id FROM webhooks w JOIN integration_grants g ON g.client_id = w.client_id \
         JOIN integration_clients c ON c.id = w.client_id \
         WHERE c.disabled = false AND g.uai IN ({})",
        placeholders.join(", ")
    );
    let hooks = Row::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        uais.iter().map(|u| u.clone().into()),
    ))
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
            state: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_status: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
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

    /// Claims up to `limit` deliveries due at `now`: each is leased by a conditional update,
    /// so two replicas never send the same attempt.
    pub async fn claim_due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Delivery>> {
        let due = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::State.eq("pending"))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .limit(limit)
            .all(&self.db)
            .await?;
        let mut claimed = vec![];
        for d in due {
            let res = webhook_delivery::Entity::update_many()
                .col_expr(
                    webhook_delivery::Column::NextAttemptAt,
                    Expr::value(now + Duration::seconds(LEASE_SECS)),
                )
                .filter(webhook_delivery::Column::Id.eq(d.id.clone()))
                .filter(webhook_delivery::Column::State.eq("pending"))
                .filter(webhook_delivery::Column::NextAttemptAt.eq(d.next_attempt_at))
                .exec(&self.db)
                .await?;
            if res.rows_affected == 1 {
                claimed.push(d);
            }
        }
        Ok(claimed)
    }

    pub async fn delivery_succeeded(&self, id: &str, status: u16) -> Result<()> {
        webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::State, Expr::value("delivered"))
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
            .filter(webhook_delivery::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Records a failed attempt; retries after `retry_in`, or gives up after
    /// [`MAX_ATTEMPTS`].
    pub async fn delivery_failed(
        &self,
        d: &Delivery,
        status: Option<u16>,
        error: &str,
        retry_in: Duration,
    ) -> Result<()> {
        let attempts = d.attempts + 1;
        let state = if attempts >= MAX_ATTEMPTS {
            "failed"
        } else {
            "pending"
        };
        webhook_delivery::Entity::update_many()
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
            .filter(webhook_delivery::Column::Id.eq(d.id.clone()))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
