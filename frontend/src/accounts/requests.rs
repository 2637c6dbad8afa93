//! The bulk actions' calls: following a job to its result, and « Lister les comptes ».

use leptos::prelude::*;
use std::time::Duration;

use serde::de::DeserializeOwned;
use sesame_api::accounts::ListRequest;
use sesame_core::JobState;

use crate::actions;
use crate::api::{self, Accepted, ApiError, Document};
use crate::app::SessionSignal;
use crate::token::authed;

/// Starts a bulk action and, when the server turns it into a job (202), follows the job
/// until it ends, reporting `(done, total)` in `progress`.
pub(crate) async fn perform<T, F, Fut>(
    session: SessionSignal,
    progress: RwSignal<Option<(u64, u64)>>,
    start: F,
) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Accepted<T>, ApiError>>,
{
    let job_id = match authed(session, start).await? {
        Accepted::Done(answer) => return Ok(answer),
        Accepted::Job(id) => id,
    };
    loop {
        let job = authed(session, |token| {
            let id = job_id.clone();
            async move { api::job(&id, &token).await }
        })
        .await?;
        if progress.is_disposed() {
            // The screen was left: nobody is watching any more.
            return Err(ApiError::Failed(String::new()));
        }
        progress.set(Some((job.done, job.total)));
        match job.state {
            JobState::Done => {
                return job
                    .result
                    .and_then(|v| serde_json::from_value(v).ok())
                    .ok_or(ApiError::Decode)
            }
            JobState::Failed => return Err(ApiError::Failed(job.error.unwrap_or_default())),
            JobState::Running => actions::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// « Lister les comptes »: the server answers with the file itself.
pub(super) async fn list_document(
    url: &str,
    request: &ListRequest,
    token: &str,
) -> Result<Document, ApiError> {
    let builder = gloo_net::http::Request::post(url).header("Accept", api::DOCUMENT_ACCEPT);
    let response = api::send(api::bearer(builder, token).json(request)).await?;
    api::read_document(response, "liste").await
}
