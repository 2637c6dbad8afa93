use actix_web::{delete, get, post, web, HttpResponse};
use sesame_api::delegations::{Delegation, NewDelegation};
use sesame_api::Problem;
use sesame_core::permissions::Module;
use sesame_store::repo::delegations::DelegationView;

use crate::auth::{can, Allowed};
use crate::problem::{ApiError, ApiResult};
use crate::routes::extract::{ApiJson, PathId};
use crate::routes::path_params::{DelegationPath, UaiPath};
use crate::routes::responses::{ScopedInputProblems, ScopedProblems};
use crate::state::AppState;

fn to_api(d: DelegationView) -> Result<Delegation, ApiError> {
    Ok(Delegation {
        module: d.module,
        id: d.id,
        uai: d.uai,
        username: d.username,
        display_name: d.display_name,
        granted_by: d.granted_by,
        granted_at: d.granted_at,
    })
}

/// The establishment's live delegations (head only).
#[utoipa::path(tag = "delegations",
    security(("bearer" = [])),
    params(UaiPath),
    responses(
        (status = 200, body = Vec<Delegation>),
        ScopedProblems,
    ))]
#[get("/api/v1/establishments/{uai}/delegations")]
pub async fn list(
    scoped: Allowed<can::ManageDelegations>,
) -> ApiResult<web::Json<Vec<Delegation>>> {
    let rows = scoped.store().delegations().await?;
    Ok(web::Json(
        rows.into_iter().map(to_api).collect::<Result<_, _>>()?,
    ))
}

/// Delegates the admin module (agent) or the troubleshooting module (teacher) to a staff
/// member (head only).
#[utoipa::path(tag = "delegations",
    security(("bearer" = [])),
    params(UaiPath),
    request_body = NewDelegation,
    responses(
        (status = 201, body = Delegation),
        ScopedInputProblems,
        (status = 409, description = "Already delegated", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/establishments/{uai}/delegations")]
pub async fn grant(
    state: web::Data<AppState>,
    scoped: Allowed<can::ManageDelegations>,
    body: ApiJson<NewDelegation>,
) -> ApiResult<HttpResponse> {
    let module = body.module;
    if module == Module::Ent {
        return Err(ApiError::field(
            "module",
            "Le module doit être « admin » ou « troubleshooting ».",
        ));
    }
    let username = body.username.trim();
    let staff = state
        .store
        .staff_by_username(username)
        .await?
        .filter(|s| !s.disabled)
        .ok_or_else(|| {
            ApiError::field("username", "Aucun personnel actif avec cet identifiant.")
        })?;
    let me = scoped.caller().staff()?;
    if staff.id == me.id {
        return Err(ApiError::field(
            "username",
            "On ne peut pas se déléguer des droits à soi-même.",
        ));
    }
    let audit = scoped
        .audit("delegation.grant")
        .detail(serde_json::json!({ "username": staff.username, "module": module }));
    let id = scoped
        .store()
        .grant_delegation(&staff.id, module.as_str(), &me.id, audit)
        .await?;
    let created = scoped
        .store()
        .delegations()
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| ApiError::internal("granted delegation not found"))?;
    Ok(HttpResponse::Created().json(to_api(created)?))
}

/// Revokes a delegation (head only). Takes effect at the delegate's next request.
#[utoipa::path(tag = "delegations",
    security(("bearer" = [])),
    params(DelegationPath),
    responses(
        (status = 204, description = "Revoked"),
        ScopedProblems,
    ))]
#[delete("/api/v1/establishments/{uai}/delegations/{id}")]
pub async fn revoke(
    scoped: Allowed<can::ManageDelegations>,
    id: PathId,
) -> ApiResult<HttpResponse> {
    scoped
        .store()
        .revoke_delegation(
            &id,
            &scoped.caller().staff()?.id,
            scoped.audit("delegation.revoke"),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
