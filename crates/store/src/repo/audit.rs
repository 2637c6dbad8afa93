//! The audit trail. Append-only by construction: this module is the only writer and it offers
//! no update or delete.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use crate::entities::audit_event;
use crate::error::Result;
use crate::ids::new_id;
use crate::Store;

pub use audit_event::Model as AuditEvent;

// The authors' kinds are a vocabulary of the domain (the journal labels them too).
pub use sesame_core::ActorKind;

/// What happened, by whom, from where, to what. Never holds a secret: callers pass ids and
/// identifiers, not passwords or tokens.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor_kind: ActorKind,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub uai: Option<String>,
    pub targets: Vec<String>,
    pub success: bool,
    pub detail: Value,
}

impl NewAuditEvent {
    pub fn new(actor_kind: ActorKind, actor: impl Into<String>, action: impl Into<String>) -> Self {
        NewAuditEvent {
            actor_kind,
            actor: actor.into(),
            address: None,
            action: action.into(),
            uai: None,
            targets: vec![],
            success: true,
            detail: Value::Object(Default::default()),
        }
    }
    pub fn address(mut self, address: Option<String>) -> Self {
        self.address = address;
        self
    }
    pub fn uai(mut self, uai: impl Into<String>) -> Self {
        self.uai = Some(uai.into());
        self
    }
    pub fn targets(mut self, targets: Vec<String>) -> Self {
        self.targets = targets;
        self
    }
    pub fn failed(mut self) -> Self {
        self.success = false;
        self
    }
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub uai: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub action: Option<String>,
    pub actor: Option<String>,
    /// Also events without an establishment (logins) by these actors: a head sees the logins
    /// of the people who hold rights in their establishment.
    pub unscoped_actors: Vec<String>,
}

/// Writes an event on `conn`, which may be a transaction: an account change and its audit
/// event commit or roll back together.
pub async fn append<C: ConnectionTrait>(conn: &C, event: NewAuditEvent) -> Result<()> {
    to_active(event, Utc::now(), new_id()).insert(conn).await?;
    Ok(())
}

pub(crate) fn to_active(
    event: NewAuditEvent,
    at: DateTime<Utc>,
    id: String,
) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: Set(id),
        at: Set(at),
        actor_kind: Set(event.actor_kind.as_str().to_owned()),
        actor: Set(event.actor),
        address: Set(event.address),
        action: Set(event.action),
        uai: Set(event.uai),
        targets: Set(serde_json::to_string(&event.targets).unwrap_or_else(|_| "[]".into())),
        outcome: Set(if event.success { "success" } else { "failure" }.to_owned()),
        detail: Set(event.detail.to_string()),
    }
}

impl Store {
    pub async fn audit(&self, event: NewAuditEvent) -> Result<()> {
        append(&self.db, event).await
    }

    /// Events matching `filter`, newest first, one page at a time (`page` is 1-based).
    pub async fn audit_events(
        &self,
        filter: &AuditFilter,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<AuditEvent>, u64)> {
        let mut q = audit_event::Entity::find();
        if let Some(uai) = &filter.uai {
            let mut scope = Condition::any().add(audit_event::Column::Uai.eq(uai.clone()));
            if !filter.unscoped_actors.is_empty() {
                scope = scope.add(
                    Condition::all()
                        .add(audit_event::Column::Uai.is_null())
                        .add(audit_event::Column::Actor.is_in(filter.unscoped_actors.clone())),
                );
            }
            q = q.filter(scope);
        }
        if let Some(from) = filter.from {
            q = q.filter(audit_event::Column::At.gte(from));
        }
        if let Some(to) = filter.to {
            q = q.filter(audit_event::Column::At.lte(to));
        }
        if let Some(action) = &filter.action {
            q = q.filter(audit_event::Column::Action.eq(action.clone()));
        }
        if let Some(actor) = &filter.actor {
            q = q.filter(audit_event::Column::Actor.eq(actor.clone()));
        }
        let total = q.clone().count(&self.db).await?;
        let items = q
            .order_by_desc(audit_event::Column::At)
            .order_by_desc(audit_event::Column::Id)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(&self.db)
            .await?;
        Ok((items, total))
    }
}
