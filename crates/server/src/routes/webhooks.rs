//! An integration client's webhook: register, read, remove, and follow its deliveries.

use actix_web::{delete, get, put, web, HttpResponse};
use sesame_api::auth::{WebhookDelivery, WebhookInfo, WebhookRequest};
use sesame_api::Problem;
use sesame_store::repo::audit::NewAuditEvent;

use crate::auth::caller::Principal;
use crate::auth::Caller;
use crate::problem::{ApiError, ApiResult};
use crate::routes::extract::ApiJson;
use crate::routes::responses::{Forbidden, Invalid, ScopedProblems, Unauthenticated};
use crate::state::AppState;

const EVENTS: [&str; 3] = [
    "identifier.changed",
    "account.activated",
    "account.password_reset",
];

/// Webhooks belong to integration clients; staff tokens get 403.
fn client_pk(caller: &Caller) -> Result<String, ApiError> {
    match &caller.who {
        Principal::Client { client, .. } => Ok(client.id.clone()),
        Principal::Staff(_) => Err(ApiError::Forbidden),
    }
}

fn events() -> Vec<String> {
    EVENTS.iter().map(|e| e.to_string()).collect()
}

/// Registers (or replaces) the client's webhook. Events about accounts of the establishments
/// where the client holds an accounts scope (`accounts:read`, `accounts:reset`,
/// `identifiers:regenerate`; not `ent:directory`) are then POSTed to it, signed (see
/// `WebhookEvent`).
#[utoipa::path(tag = "integrations",
    security(("bearer" = [])),
    request_body = WebhookRequest,
    responses(
        (status = 201, description = "Registered; the signing secret is shown this once", body = WebhookInfo),
        Unauthenticated, Invalid,
        (status = 403, description = "Not an integration client", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/api/v1/integrations/webhook")]
pub async fn register(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<WebhookRequest>,
) -> ApiResult<HttpResponse> {
    let pk = client_pk(&caller)?;
    let url = crate::routes::settings::check_url(
        body.url.trim(),
        state.settings.url_verify_allow_http_loopback,
    )
    .map_err(|reason| ApiError::field("url", reason))?;
    let secret = sesame_store::repo::sessions::new_token();
    let secrets = state.secrets.clone();
    let sealed_secret = secret.clone();
    let hook = state
        .store
        .set_webhook(&pk, url.as_str(), move |id| {
            secrets.seal(&sealed_secret, id)
        })
        .await?;
    state
        .store
        .audit(
            NewAuditEvent::new(caller.actor_kind(), caller.actor_name(), "webhook.register")
                .address(caller.address.map(|a| a.to_string()))
                .detail(serde_json::json!({ "url": hook.url })),
        )
        .await?;
    Ok(HttpResponse::Created().json(WebhookInfo {
        url: hook.url,
        secret: Some(secret),
        events: events(),
    }))
}

/// The client's webhook.
#[utoipa::path(tag = "integrations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = WebhookInfo),
        Unauthenticated, Forbidden,
        (status = 404, description = "None registered", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/integrations/webhook")]
pub async fn show(state: web::Data<AppState>, caller: Caller) -> ApiResult<web::Json<WebhookInfo>> {
    let pk = client_pk(&caller)?;
    let hook = state
        .store
        .webhook_of_client(&pk)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(WebhookInfo {
        url: hook.url,
        secret: None,
        events: events(),
    }))
}

/// Removes the webhook and its pending deliveries.
#[utoipa::path(tag = "integrations",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        ScopedProblems,
    ))]
#[delete("/api/v1/integrations/webhook")]
pub async fn remove(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let pk = client_pk(&caller)?;
    if !state.store.delete_webhook(&pk).await? {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .audit(
            NewAuditEvent::new(caller.actor_kind(), caller.actor_name(), "webhook.remove")
                .address(caller.address.map(|a| a.to_string())),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The 100 most recent deliveries, newest first, with their status.
#[utoipa::path(tag = "integrations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<WebhookDelivery>),
        ScopedProblems,
    ))]
#[get("/api/v1/integrations/webhook/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<Vec<WebhookDelivery>>> {
    let pk = client_pk(&caller)?;
    let hook = state
        .store
        .webhook_of_client(&pk)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(
        state
            .store
            .deliveries(&hook.id, 100)
            .await?
            .into_iter()
            .map(|d| {
                Ok(WebhookDelivery {
                    state: d.state()?,
                    id: d.id,
                    event: d.event,
                    attempts: d.attempts,
                    last_status: d.last_status,
                    last_error: d.last_error,
                    created_at: d.created_at,
                    delivered_at: d.delivered_at,
                    next_attempt_at: d.next_attempt_at,
                })
            })
            .collect::<Result<_, ApiError>>()?,
    ))
}
