//! OAuth2 client credentials for ENT platforms.

use std::sync::OnceLock;

use actix_web::{post, web, HttpRequest};
use sesame_api::auth::{ClientTokenRequest, ClientTokenResponse};
use sesame_api::Problem;
use sesame_core::permissions::Scope;
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};

use crate::auth::caller::client_ip;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// Lifetime of a client access token, in seconds.
pub const CLIENT_TOKEN_TTL: u64 = 3600;

fn invalid_client() -> ApiError {
    ApiError::Unauthorized {
        kind: "invalid-client",
        detail: "Identifiant ou secret du client incorrect.".into(),
    }
}

/// A hash to verify against for unknown clients: same time, same answer.
fn dummy_hash(state: &AppState) -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        state
            .hasher
            .hash("sesame-dummy-client-secret")
            .expect("hashing works")
    })
}

/// Client-credentials grant: a JWT whose scopes apply only at the establishments granted to
/// the client for each of them.
#[utoipa::path(tag = "auth",
    request_body(content = ClientTokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = ClientTokenResponse),
        (status = 400, description = "Unsupported grant type or unknown scope", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown client or wrong secret", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "At capacity for secret checks; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/oauth/token")]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ClientTokenRequest>,
) -> ApiResult<web::Json<ClientTokenResponse>> {
    let form = form.into_inner();
    if form.grant_type != "client_credentials" {
        return Err(ApiError::field(
            "grant_type",
            "Seul `client_credentials` est pris en charge.",
        ));
    }
    let wanted = match form.scope.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(Scope::parse_list(s).map_err(|e| ApiError::field("scope", e.to_string()))?),
        None => None,
    };
    let client = state
        .store
        .client_by_client_id(form.client_id.trim())
        .await?;
    let hash = client
        .as_ref()
        .filter(|c| !c.disabled)
        .map(|c| c.secret_hash.clone())
        .unwrap_or_else(|| dummy_hash(&state).to_owned());
    let ok = state
        .hashing
        .verify(&state.hasher, &form.client_secret, &hash)
        .await?;
    let address = client_ip(&req, &state.settings.trusted_proxies).map(|a| a.to_string());
    let client = match client.filter(|c| !c.disabled) {
        Some(c) if ok => c,
        _ => {
            state
                .store
                .audit(
                    NewAuditEvent::new(ActorKind::Client, form.client_id.trim(), "oauth.token")
                        .address(address)
                        .failed(),
                )
                .await?;
            return Err(invalid_client());
        }
    };
    let mut held: Vec<Scope> = state
        .store
        .client_grants(&client.id)
        .await?
        .into_iter()
        .map(|g| g.scope)
        .collect();
    held.sort_by_key(|s| s.as_str());
    held.dedup();
    let scopes: Vec<Scope> = match wanted {
        Some(w) => held.into_iter().filter(|s| w.contains(s)).collect(),
        None => held,
    };
    let scope = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    state
        .store
        .audit(
            NewAuditEvent::new(ActorKind::Client, &client.client_id, "oauth.token")
                .address(address)
                .detail(serde_json::json!({ "scope": scope })),
        )
        .await?;
    Ok(web::Json(ClientTokenResponse {
        access_token: state.tokens.issue(
            &client.id,
            crate::auth::tokens::TokenKind::Client,
            CLIENT_TOKEN_TTL,
            Some(scope.clone()),
        ),
        token_type: "Bearer".into(),
        expires_in: CLIENT_TOKEN_TTL,
        scope,
    }))
}
