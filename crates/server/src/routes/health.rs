use actix_web::{get, web, HttpResponse};

use crate::state::AppState;

/// The process is up.
#[utoipa::path(tag = "service", responses((status = 200, description = "Up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The database answers: the instance can take traffic.
#[utoipa::path(tag = "service", responses(
    (status = 200, description = "Ready"),
    (status = 503, description = "Database unreachable")
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.store.ping().await {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unreachable")
        }
    }
}
