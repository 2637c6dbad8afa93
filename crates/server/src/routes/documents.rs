//! Downloads of generated documents and progress of jobs: only for the person who caused them.

use actix_web::{get, web, HttpResponse};
use sesame_api::accounts::Job;
use sesame_api::Problem;

use crate::auth::Caller;
use crate::problem::{ApiError, ApiResult};
use crate::routes::account_actions::attachment;
use crate::routes::responses::{NotFound, Unauthenticated};
use crate::state::AppState;

/// A generated file (letters, credentials). Short-lived; anyone but its owner gets 404.
#[utoipa::path(tag = "documents",
    security(("bearer" = [])),
    params(("document_id" = String, Path)),
    responses(
        (status = 200, description = "The file", content((String = "application/pdf"), (String = "text/csv; charset=utf-8"))),
        Unauthenticated,
        (status = 404, description = "Unknown, expired, or someone else's", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/documents/{document_id}")]
pub async fn document(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let doc = state
        .store
        .document(&state.secrets, &id, &caller.owner())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(attachment(doc.content, &doc.filename, &doc.content_type))
}

/// Progress of a long operation, and its answer once done.
#[utoipa::path(tag = "documents",
    security(("bearer" = [])),
    params(("job_id" = String, Path)),
    responses(
        (status = 200, body = Job),
        Unauthenticated, NotFound,
    ))]
#[get("/api/v1/jobs/{job_id}")]
pub async fn job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<web::Json<Job>> {
    let j = state
        .store
        .job(&state.secrets, &id, &caller.owner())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(Job {
        state: j.state()?,
        id: j.id,
        done: j.done.max(0) as u64,
        total: j.total.max(0) as u64,
        result: j.result.and_then(|r| serde_json::from_str(&r).ok()),
        error: j.error,
    }))
}
