//! Integration clients (ENT platforms): OAuth2 client credentials, the scopes granted per
//! establishment, and their request rate.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, Set, Statement,
};
use sesame_core::permissions::Scope;

use crate::entities::{integration_client, integration_grant};
use crate::error::{is_unique_violation, Result, StoreError};
use crate::ids::new_id;
use crate::Store;

pub use integration_client::Model as IntegrationClient;

/// One scope a client holds at one establishment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientGrant {
    pub uai: String,
    pub scope: Scope,
}

impl Store {
    pub async fn client_by_client_id(&self, client_id: &str) -> Result<Option<IntegrationClient>> {
        Ok(integration_client::Entity::find()
            .filter(integration_client::Column::ClientId.eq(client_id))
            .one(&self.db)
            .await?)
    }

    pub async fn client(&self, id: &str) -> Result<Option<IntegrationClient>> {
        Ok(integration_client::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?)
    }

    pub async fn create_client(
        &self,
        client_id: &str,
        name: &str,
        secret_hash: String,
        rate_limit_per_minute: i32,
    ) -> Result<IntegrationClient> {
        integration_client::ActiveModel {
            id: Set(new_id()),
            client_id: Set(client_id.to_owned()),
            name: Set(name.to_owned()),
            secret_hash: Set(secret_hash),
            rate_limit_per_minute: Set(rate_limit_per_minute),
            disabled: Set(false),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(format!("the client id {client_id} is taken"))
            } else {
                e.into()
            }
        })
    }

    pub async fn set_client_secret(&self, id: &str, secret_hash: String) -> Result<()> {
        let mut m: integration_client::ActiveModel =
            self.client(id).await?.ok_or(StoreError::NotFound)?.into();
        m.secret_hash = Set(secret_hash);
        m.update(&self.db).await?;
        Ok(())
    }

    /// Grants `scopes` at `uai` (idempotent).
    pub async fn grant_client(&self, id: &str, uai: &str, scopes: &[Scope]) -> Result<()> {
        for scope in scopes {
            let existing = integration_grant::Entity::find_by_id((
                id.to_owned(),
                uai.to_owned(),
                scope.as_str().to_owned(),
            ))
            .one(&self.db)
            .await?;
            if existing.is_none() {
                integration_grant::ActiveModel {
                    client_id: Set(id.to_owned()),
                    uai: Set(uai.to_owned()),
                    scope: Set(scope.as_str().to_owned()),
                }
                .insert(&self.db)
                .await?;
            }
        }
        Ok(())
    }

    /// Withdraws `scopes` (all of them when empty) at `uai`.
    pub async fn revoke_client(&self, id: &str, uai: &str, scopes: &[Scope]) -> Result<u64> {
        let mut q = integration_grant::Entity::delete_many()
            .filter(integration_grant::Column::ClientId.eq(id))
            .filter(integration_grant::Column::Uai.eq(uai));
        if !scopes.is_empty() {
            q = q.filter(
                integration_grant::Column::Scope
                    .is_in(scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            );
        }
        Ok(q.exec(&self.db).await?.rows_affected)
    }

    /// What the client may do where, read on every request so that a withdrawn grant applies
    /// at once.
    pub async fn client_grants(&self, id: &str) -> Result<Vec<ClientGrant>> {
        Ok(integration_grant::Entity::find()
            .filter(integration_grant::Column::ClientId.eq(id))
            .order_by_asc(integration_grant::Column::Uai)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|g| {
                Some(ClientGrant {
                    scope: Scope::parse(&g.scope)?,
                    uai: g.uai,
                })
            })
            .collect())
    }

    /// Counts one request of `key` in the current one-minute window. `Some(seconds)` to wait
    /// when the count went over `limit`. One atomic statement, so replicas count together.
    pub async fn hit_rate_limit(
        &self,
        key: &str,
        now: DateTime<Utc>,
        limit: i32,
    ) -> Result<Option<u64>> {
        let backend = self.db.get_database_backend();
        let window_start = now - chrono::Duration::seconds(60);
        let sql = match backend {
            DbBackend::Postgres => {
                "INSERT INTO rate_counters (key, window_started_at, count) VALUES ($1, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                   count = CASE WHEN rate_counters.window_started_at <= $3 THEN 1 ELSE rate_counters.count + 1 END, \
                   window_started_at = CASE WHEN rate_counters.window_started_at <= $3 THEN $2 ELSE rate_counters.window_started_at END \
                 RETURNING count, window_started_at"
            }
            _ => {
                "INSERT INTO rate_counters (key, window_started_at, count) VALUES (?1, ?2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                   count = CASE WHEN rate_counters.window_started_at <= ?3 THEN 1 ELSE rate_counters.count + 1 END, \
                   window_started_at = CASE WHEN rate_counters.window_started_at <= ?3 THEN ?2 ELSE rate_counters.window_started_at END \
                 RETURNING count, window_started_at"
            }
        };
        let row = self
            .db
            .query_one(Statement::from_sql_and_values(
                backend,
                sql,
                [key.into(), now.into(), window_start.into()],
            ))
            .await?
            .ok_or_else(|| StoreError::internal("rate counter not returned"))?;
        let count: i32 = row.try_get("", "count")?;
        let started: DateTime<Utc> = row.try_get("", "window_started_at")?;
        if count > limit {
            let wait = (started + chrono::Duration::seconds(60) - now)
                .num_seconds()
                .max(1);
            Ok(Some(wait as u64))
        } else {
            Ok(None)
        }
    }
}
