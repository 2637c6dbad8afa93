//! Periodic work every replica runs: identifier switches that came due, expired documents and
//! finished jobs, stale login throttles, jobs orphaned by a stopped process. Each task is safe
//! to run concurrently on several replicas (conditional updates), so no leader election is
//! needed.

use std::time::Duration;

use crate::state::AppState;

pub const TICK: Duration = Duration::from_secs(60);

/// One round of the periodic work; also run at start-up, so switches that came due while
/// the service was down take effect at once.
pub async fn tick(state: &AppState) {
    match state
        .store
        .apply_due_identifier_switches(chrono::Utc::now())
        .await
    {
        Ok(s) if !s.is_empty() => tracing::info!(count = s.len(), "identifier changes took effect"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "identifier switches failed"),
    }
    if let Err(e) = state.store.purge_expired_documents().await {
        tracing::warn!(error = %e, "purging expired documents failed");
    }
    // Sealed successors of used refresh tokens serve only during the reuse grace.
    if let Err(e) = state
        .store
        .clear_stale_successors(state.settings.refresh_reuse_grace)
        .await
    {
        tracing::warn!(error = %e, "clearing sealed refresh-token successors failed");
    }
    // A finished job's sealed answer is needed no longer than its documents.
    if let Err(e) = state.store.purge_finished_jobs(chrono::Utc::now()).await {
        tracing::warn!(error = %e, "purging finished jobs failed");
    }
    if let Err(e) = state
        .store
        .purge_stale_login_throttles(chrono::Utc::now(), crate::auth::throttle::longest_window())
        .await
    {
        tracing::warn!(error = %e, "purging stale login throttles failed");
    }
    // Holders' e-mailed links are dead 30 minutes after issue; their rows go a day later.
    let day_ago = chrono::Utc::now() - chrono::Duration::days(1);
    if let Err(e) = state.store.purge_holder_links(day_ago).await {
        tracing::warn!(error = %e, "purging expired holder links failed");
    }
}

/// Starts the periodic work and the webhook deliveries; the handles stop them (tests use it
/// to simulate a process that dies).
pub fn start(state: AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let periodic = {
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = state.store.fail_orphaned_jobs().await {
                tracing::warn!(error = %e, "could not close orphaned jobs");
            }
            let mut interval = tokio::time::interval(TICK);
            loop {
                interval.tick().await;
                tick(&state).await;
            }
        })
    };
    let deliveries = tokio::spawn(async move {
        let mut interval = tokio::time::interval(state.settings.webhook_poll);
        loop {
            interval.tick().await;
            crate::webhooks::deliver_due(&state).await;
        }
    });
    vec![periodic, deliveries]
}
