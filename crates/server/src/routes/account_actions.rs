//! The bulk actions of the console: (Re)notifier, Lister les comptes, Réinitialiser les mots de
//! passe. Selections above [`JOB_THRESHOLD`] accounts run as a job the SPA follows with a
//! progress bar; either way an operation is all-or-nothing.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{post, web, HttpResponse};
use sesame_api::accounts::{
    JobAccepted, ListRequest, NotifyRequest, NotifyResponse, ResetResponse, SelectionRequest,
};
use sesame_core::lifecycle::Channel;
use sesame_core::AccountKind;

use sesame_store::repo::jobs::failure_message;

use crate::auth::{can, Allowed};
use crate::operations::{self, Commit};
use crate::problem::{ApiError, ApiResult};
use crate::routes::extract::ApiJson;
use crate::routes::path_params::PopulationPaths;
use crate::routes::responses::ScopedInputProblems;
use crate::routes::selection::resolve;
use crate::state::AppState;

/// Above this many accounts, an action answers 202 with a job to follow.
pub const JOB_THRESHOLD: usize = 300;

/// Runs `work` now, or as a job when the selection is large. A job's answer is sealed at rest
/// (it holds new provisional passwords); a failed job says whether the accounts changed
/// (`work` reports its commit through the [`Commit`] it is given).
async fn run_or_job<T, F, Fut>(
    state: &AppState,
    owner: &str,
    kind: &str,
    count: usize,
    work: F,
) -> ApiResult<HttpResponse>
where
    T: serde::Serialize + 'static,
    F: FnOnce(AppState, Commit) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
{
    if count <= JOB_THRESHOLD {
        let result = work(state.clone(), Commit::none()).await?;
        return Ok(HttpResponse::Ok().json(result));
    }
    let job_id = state.store.create_job(owner, kind, count as u64).await?;
    let st = state.clone();
    let id = job_id.clone();
    // The job outlives the request but keeps its span as parent: its log lines carry the
    // request id that started it, and the job's own id.
    let span = tracing::info_span!("job", job_id = %id, kind);
    let job = async move {
        let commit = Commit::for_job(&id);
        let outcome = work(st.clone(), commit.clone()).await;
        let saved = match outcome {
            Ok(result) => match serde_json::to_value(result) {
                Ok(value) => st.store.finish_job(&st.secrets, &id, value).await,
                Err(e) => {
                    tracing::error!(error = %e, job = %id, "could not serialise a job's answer");
                    st.store
                        .fail_job(&id, &failure_message(commit.is_done(), ""))
                        .await
                }
            },
            Err(e) => {
                let problem = e.to_problem();
                let detail = problem.detail.as_deref().unwrap_or(&problem.title);
                st.store
                    .fail_job(&id, &failure_message(commit.is_done(), detail))
                    .await
            }
        };
        if let Err(e) = saved {
            tracing::error!(error = %e, job = %id, "could not record the end of a job");
        }
    };
    actix_web::rt::spawn(tracing::Instrument::instrument(job, span));
    Ok(HttpResponse::Accepted().json(JobAccepted { job_id }))
}

/// (Re)notify: letters for everyone (PDF, one page per account), email too for guardians.
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(PopulationPaths),
    request_body = NotifyRequest,
    responses(
        (status = 200, body = NotifyResponse),
        (status = 202, description = "Large selection: follow the job", body = JobAccepted),
        ScopedInputProblems,
    ))]
#[post("/api/v1/establishments/{uai}/{population:students|external-students|guardians}/notify")]
pub async fn notify(
    state: web::Data<AppState>,
    scoped: Allowed<can::Notify>,
    body: ApiJson<NotifyRequest>,
) -> ApiResult<HttpResponse> {
    let population = scoped.population();
    let channel = body.channel;
    if channel == Channel::Email && population.kind() != AccountKind::Guardian {
        return Err(ApiError::field(
            "channel",
            "La notification par courrier électronique est réservée aux responsables.",
        ));
    }
    let ids = resolve(&scoped, population, &body.ids, &body.all_matching).await?;
    let reset = body.reset_password;
    let owner = scoped.owner().to_owned();
    run_or_job(
        &state,
        &owner,
        "notify",
        ids.len(),
        move |st, commit| async move {
            operations::notify(&st, &scoped, population, ids, channel, reset, &commit).await
        },
    )
    .await
}

/// New provisional passwords, returned once (and as PDF / CSV credentials documents).
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(PopulationPaths),
    request_body = SelectionRequest,
    responses(
        (status = 200, body = ResetResponse),
        (status = 202, description = "Large selection: follow the job", body = JobAccepted),
        ScopedInputProblems,
    ))]
#[post(
    "/api/v1/establishments/{uai}/{population:students|external-students|guardians}/reset-password"
)]
pub async fn reset_password(
    state: web::Data<AppState>,
    scoped: Allowed<can::ResetPassword>,
    body: ApiJson<SelectionRequest>,
) -> ApiResult<HttpResponse> {
    let population = scoped.population();
    let ids = resolve(&scoped, population, &body.ids, &body.all_matching).await?;
    let owner = scoped.owner().to_owned();
    run_or_job(
        &state,
        &owner,
        "reset-password",
        ids.len(),
        move |st, commit| async move {
            operations::reset(&st, &scoped, population, ids, &commit).await
        },
    )
    .await
}

/// "Lister les comptes": the PDF (grouped by class) or CSV file itself.
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(PopulationPaths),
    request_body = ListRequest,
    responses(
        (status = 200, description = "The list", content((String = "application/pdf"), (String = "text/csv; charset=utf-8"))),
        ScopedInputProblems,
    ))]
#[post("/api/v1/establishments/{uai}/{population:students|external-students|guardians}/list")]
pub async fn list(
    state: web::Data<AppState>,
    scoped: Allowed<can::ListAccounts>,
    body: ApiJson<ListRequest>,
) -> ApiResult<HttpResponse> {
    let population = scoped.population();
    let format = body.format;
    let ids = resolve(&scoped, population, &body.ids, &body.all_matching).await?;
    let (bytes, filename) = operations::list(&state, &scoped, population, &ids, format).await?;
    // Lists show provisional passwords: who printed which accounts is on record.
    scoped
        .store()
        .audit(
            scoped
                .audit("account.list")
                .targets(ids)
                .detail(serde_json::json!({ "format": format })),
        )
        .await?;
    Ok(attachment(bytes, &filename, format.content_type()))
}

pub fn attachment(bytes: Vec<u8>, filename: &str, content_type: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename.to_owned())],
        })
        .body(bytes)
}
