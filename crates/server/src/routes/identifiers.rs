//! "Génération d'un nouvel identifiant" (seed 001 §8).

use actix_web::{delete, post, HttpResponse};
use sesame_api::accounts::IdentifierChange;
use sesame_api::Problem;
use sesame_core::Population;
use sesame_store::repo::identifiers::ScheduleError;

use crate::auth::{can, Allowed, Scoped};
use crate::problem::{ApiError, ApiResult};
use crate::routes::extract::PathId;
use crate::routes::path_params::AccountIdPath;
use crate::routes::responses::ScopedProblems;

/// The account must be a student, external student or guardian of the establishment.
async fn population_of(scoped: &Scoped, id: &str) -> Result<Population, ApiError> {
    scoped
        .store()
        .population_of(id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Schedules a new identifier computed from the person's names, when every data source agrees
/// on them and the identifier would change. It takes effect the next day.
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(AccountIdPath),
    responses(
        (status = 202, body = IdentifierChange),
        ScopedProblems,
        (status = 409, description = "Names differ between sources (named in `detail`), the identifier would not change, or a change is already pending", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/establishments/{uai}/accounts/{id}/regenerate-identifier")]
pub async fn regenerate(
    scoped: Allowed<can::RegenerateIdentifier>,
    id: PathId,
) -> ApiResult<HttpResponse> {
    let population = population_of(&scoped, &id).await?;
    match scoped
        .store()
        .schedule_identifier_change(
            population,
            &id,
            chrono::Utc::now(),
            scoped.audit("account.regenerate_identifier"),
        )
        .await?
    {
        Ok(change) => Ok(HttpResponse::Accepted().json(IdentifierChange {
            current_identifier: change.current_identifier,
            new_identifier: change.new_identifier,
            effective_at: change.effective_at,
        })),
        Err(ScheduleError::Refused(refusal)) => Err(ApiError::Conflict(refusal.message())),
        Err(ScheduleError::AlreadyPending(c)) => Err(ApiError::Conflict(format!(
            "Un nouvel identifiant ({}) est déjà programmé pour le {} ; annulez-le d'abord.",
            c.new_identifier,
            sesame_core::csv_cell::fr_date_opt(Some(c.effective_at))
        ))),
    }
}

/// Cancels a pending identifier change before it takes effect.
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(AccountIdPath),
    responses(
        (status = 204, description = "Cancelled"),
        ScopedProblems,
        (status = 409, description = "No change pending", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/api/v1/establishments/{uai}/accounts/{id}/regenerate-identifier")]
pub async fn cancel(
    scoped: Allowed<can::RegenerateIdentifier>,
    id: PathId,
) -> ApiResult<HttpResponse> {
    let population = population_of(&scoped, &id).await?;
    if scoped
        .store()
        .cancel_identifier_change(
            population,
            &id,
            scoped.audit("account.cancel_identifier_change"),
        )
        .await?
    {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::Conflict(
            "Aucun changement d'identifiant n'est programmé pour ce compte.".into(),
        ))
    }
}
