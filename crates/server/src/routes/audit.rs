use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sesame_api::audit::AuditEvent;
use sesame_api::Page;
use sesame_store::repo::audit::AuditFilter;
use utoipa::IntoParams;

use crate::auth::{can, Allowed};
use crate::problem::{ApiError, ApiResult};
use crate::routes::paging::PageQuery;
use crate::routes::path_params::UaiPath;
use crate::routes::responses::ScopedInputProblems;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Events at or after this instant (ISO 8601).
    pub from: Option<DateTime<Utc>>,
    /// Events at or before this instant (ISO 8601).
    pub to: Option<DateTime<Utc>>,
    /// Exact action, e.g. `auth.login`.
    pub action: Option<String>,
    /// Exact actor (username or client id).
    pub actor: Option<String>,
}

/// The establishment's audit trail, newest first (head and agent).
#[utoipa::path(tag = "audit",
    security(("bearer" = [])),
    params(UaiPath, AuditQuery, PageQuery),
    responses(
        (status = 200, body = Page<AuditEvent>),
        ScopedInputProblems,
    ))]
#[get("/api/v1/establishments/{uai}/audit")]
pub async fn list(
    scoped: Allowed<can::ViewAudit>,
    query: web::Query<AuditQuery>,
    paging: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AuditEvent>>> {
    let (page, per_page) = paging.resolve()?;
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if from > to {
            return Err(ApiError::field(
                "from",
                "La date de début suit la date de fin.",
            ));
        }
    }
    let unscoped_actors = scoped.store().staff_usernames().await?;
    let filter = AuditFilter {
        uai: None, // the establishment's own, set by its store
        unscoped_actors,
        from: query.from,
        to: query.to,
        action: query.action.clone().filter(|s| !s.is_empty()),
        actor: query.actor.clone().filter(|s| !s.is_empty()),
    };
    let (rows, total) = scoped.store().audit_events(filter, page, per_page).await?;
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(|e| {
                Ok(AuditEvent {
                    actor_kind: e.actor_kind()?,
                    id: e.id,
                    at: e.at,
                    actor: e.actor,
                    address: e.address,
                    action: e.action,
                    uai: e.uai,
                    targets: serde_json::from_str(&e.targets).unwrap_or_default(),
                    outcome: e.outcome,
                    detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
                })
            })
            .collect::<Result<_, ApiError>>()?,
        total,
        page,
        per_page,
        next: None,
    }))
}
