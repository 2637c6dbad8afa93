use actix_web::{post, web, HttpRequest, HttpResponse};
use sesame_api::auth::{LoginRequest, RefreshRequest, TokenResponse};
use sesame_api::Problem;
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};
use sesame_store::repo::sessions::Rotation;

use crate::auth::caller::client_ip;
use crate::auth::login;
use crate::problem::{ApiError, ApiResult};
use crate::routes::extract::ApiJson;
use crate::routes::responses::SignInProblems;
use crate::state::AppState;

/// Staff login. The admin module asks for the TOTP code unless the client is on a configured
/// administrative network.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Bad credentials, or `type` ending in `totp-required`", body = Problem, content_type = "application/problem+json"),
        SignInProblems,
    ))]
#[post("/api/v1/auth/login")]
pub async fn login_handler(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let address = client_ip(&req, &state.settings.trusted_proxies);
    Ok(web::Json(
        login::login(&state, body.into_inner(), address).await?,
    ))
}

/// Exchanges a refresh token for a new pair. Each refresh token works once; presented again
/// within a few seconds (two tabs, a retry) it is answered with the same successor, later it
/// revokes every token of its session. A session ends at its absolute lifetime (`type`
/// ending in `session-expired`).
#[utoipa::path(tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Refresh token refused, or `type` ending in `session-expired` once the session's absolute lifetime is over", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<RefreshRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let invalid = || ApiError::Unauthorized {
        kind: "invalid-refresh-token",
        detail: "Session expirée : reconnectez-vous.".into(),
    };
    match state
        .store
        .rotate_refresh_token(
            &body.refresh_token,
            &state.secrets,
            state.settings.session_policy(),
        )
        .await?
    {
        Rotation::Rotated { session, token, .. } => {
            let staff = state
                .store
                .staff_by_id(&session.staff_id)
                .await?
                .filter(|s| !s.disabled)
                .ok_or_else(invalid)?;
            Ok(web::Json(TokenResponse {
                access_token: state.tokens.issue_staff(
                    &staff.id,
                    &session.id,
                    state.settings.access_token_ttl,
                ),
                token_type: "Bearer".into(),
                expires_in: state.settings.access_token_ttl,
                refresh_token: token,
            }))
        }
        Rotation::Reused => {
            let address = client_ip(&req, &state.settings.trusted_proxies);
            state
                .store
                .audit(
                    NewAuditEvent::new(ActorKind::System, "sesame", "auth.refresh_reuse")
                        .address(address.map(|a| a.to_string()))
                        .failed(),
                )
                .await?;
            Err(invalid())
        }
        Rotation::Expired => Err(session_expired()),
        Rotation::Invalid => Err(invalid()),
    }
}

/// The session reached its absolute lifetime (`SESAME_SESSION_MAX_SECS`).
pub fn session_expired() -> ApiError {
    ApiError::Unauthorized {
        kind: "session-expired",
        detail: "Votre session a expiré ; reconnectez-vous.".into(),
    }
}

/// Ends the session of this refresh token.
#[utoipa::path(tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Logged out")))]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    if let Some(staff_id) = state
        .store
        .revoke_refresh_token(&body.refresh_token)
        .await?
    {
        let actor = state
            .store
            .staff_by_id(&staff_id)
            .await?
            .map(|s| s.username)
            .unwrap_or(staff_id);
        let address = client_ip(&req, &state.settings.trusted_proxies);
        state
            .store
            .audit(
                NewAuditEvent::new(ActorKind::Staff, actor, "auth.logout")
                    .address(address.map(|a| a.to_string())),
            )
            .await?;
    }
    Ok(HttpResponse::NoContent().finish())
}
