//! Every error leaves the service as an RFC 9457 problem document: clients (and the SPA) get a
//! French title, a stable `type`, for bad input the fields at fault, and the request's id
//! (`request_id`, also in the `X-Request-Id` header and in every log line of the request) to
//! quote to support. Internal details stay in the logs.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use sesame_api::problem::PROBLEM_BASE;
use sesame_api::{FieldError, Problem};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized")]
    Unauthorized { kind: &'static str, detail: String },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("payload too large")]
    PayloadTooLarge,
    /// A fault on the server's side. The cause (an error, with its own causes, or a message)
    /// is written to the log with the request's id; the client only gets a generic French
    /// text, since the cause names tables, stored values or invariants.
    #[error("internal error: {0}")]
    Internal(#[source] sesame_store::error::Cause),
    /// The server is at capacity for now (password hashing): retry shortly.
    #[error("service unavailable")]
    Unavailable { retry_after_secs: u64 },
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// A fault caused by `e`: an error (kept whole, causes included) or a message.
    pub fn internal(e: impl Into<sesame_store::error::Cause>) -> ApiError {
        ApiError::Internal(e.into())
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str, Option<String>) {
        match self {
            ApiError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Données invalides",
                Some("Certains champs ne sont pas valides.".into()),
            ),
            ApiError::BadRequest(d) => (
                StatusCode::BAD_REQUEST,
                "bad-request",
                "Requête invalide",
                Some(d.clone()),
            ),
            ApiError::Unauthorized { kind, detail } => (
                StatusCode::UNAUTHORIZED,
                kind,
                "Authentification requise",
                Some(detail.clone()),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Accès refusé",
                Some("Votre rôle ne permet pas cette action.".into()),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not-found",
                "Introuvable",
                Some("La ressource demandée n'existe pas.".into()),
            ),
            ApiError::Conflict(d) => (StatusCode::CONFLICT, "conflict", "Conflit", Some(d.clone())),
            ApiError::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "Trop de tentatives",
                Some(format!("Réessayez dans {retry_after_secs} secondes.")),
            ),
            ApiError::UnsupportedMediaType(d) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Format non pris en charge",
                Some(d.clone()),
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Requête trop volumineuse",
                None,
            ),
            ApiError::Unavailable { retry_after_secs } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service momentanément surchargé",
                Some(format!(
                    "Trop de connexions simultanées : réessayez dans {retry_after_secs} seconde(s)."
                )),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Erreur interne",
                Some("Une erreur inattendue est survenue ; elle a été journalisée.".into()),
            ),
        }
    }

    /// The problem document of this error. A fault's cause is logged here, once, whoever
    /// reports the fault: the response of a request, or the failure of a job that ran apart
    /// from its request and records only the document's `detail`.
    pub fn to_problem(&self) -> Problem {
        if let ApiError::Internal(cause) = self {
            // Inside the request's span when there is one: the line carries its id, method
            // and route.
            tracing::error!(error = %causes(cause.as_ref()), "internal fault");
        }
        let (status, kind, title, detail) = self.parts();
        Problem {
            kind: format!("{PROBLEM_BASE}{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors: match self {
                ApiError::Validation(errors) => errors.clone(),
                _ => vec![],
            },
            request_id: crate::telemetry::current_request_id(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let mut resp = HttpResponse::build(self.status_code());
        resp.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if let ApiError::TooManyRequests { retry_after_secs }
        | ApiError::Unavailable { retry_after_secs } = self
        {
            resp.insert_header((header::RETRY_AFTER, HeaderValue::from(*retry_after_secs)));
        }
        if let ApiError::Unauthorized { .. } = self {
            resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        resp.body(serde_json::to_string(&self.to_problem()).unwrap_or_default())
    }
}

impl From<sesame_store::StoreError> for ApiError {
    fn from(e: sesame_store::StoreError) -> Self {
        use sesame_store::StoreError as S;
        match e {
            S::NotFound => ApiError::NotFound,
            S::Conflict(d) => ApiError::Conflict(d),
            S::Invalid(d) => ApiError::BadRequest(d),
            // Kept whole: the log line shows the database's or the secret box's own error.
            fault @ (S::Db(_) | S::Secret(_) | S::Corrupt(_) | S::Internal { .. }) => {
                ApiError::Internal(Box::new(fault))
            }
        }
    }
}

/// An error and its causes on one line (`a: b: c`), a cause left out when its text is already
/// in its parent's (`database error: {0}` shows its source itself).
pub fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut line = e.to_string();
    let mut last = line.clone();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !last.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        last = text;
        next = cause.source();
    }
    line
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::body::MessageBody;
    use actix_web::ResponseError;
    use sesame_store::StoreError;

    use super::ApiError;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The response to `e` and what its building logged, on this thread's subscriber.
    fn answer(e: &ApiError) -> (u16, String, String) {
        let log = Buffer::default();
        let sink = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        let response = tracing::subscriber::with_default(subscriber, || e.error_response());
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .try_into_bytes()
            .expect("a body in one piece");
        let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap(), log)
    }

    #[test]
    fn a_store_fault_answers_500_and_logs_its_cause_without_sending_it() {
        for fault in [
            StoreError::corrupt("state", "zombie"),
            StoreError::internal_from("throttle row not returned", std::io::Error::other("zombie")),
            StoreError::Secret("sealed value does not open with this key (zombie)".into()),
        ] {
            let (status, body, log) = answer(&ApiError::from(fault));
            assert_eq!(status, 500);
            assert!(!body.contains("zombie"), "the cause is not sent: {body}");
            assert!(body.contains("Erreur interne"), "{body}");
            assert!(log.contains("zombie"), "the cause is logged: {log}");
            assert!(log.contains("ERROR"), "{log}");
        }
    }

    #[test]
    fn the_log_line_names_every_cause_once() {
        let e = ApiError::from(StoreError::internal_from(
            "reading the counter",
            std::io::Error::other("connection reset"),
        ));
        let (_, _, log) = answer(&e);
        assert!(
            log.contains("internal fault: reading the counter: connection reset"),
            "{log}"
        );
        let e = ApiError::internal("application state missing");
        let (_, _, log) = answer(&e);
        assert_eq!(log.matches("application state missing").count(), 1, "{log}");
    }

    #[test]
    fn what_the_caller_sent_wrong_is_a_client_error_with_its_message() {
        let (status, body, log) = answer(&ApiError::from(StoreError::Invalid(
            "le fichier comporte des erreurs bloquantes".into(),
        )));
        assert_eq!(status, 400);
        assert!(body.contains("erreurs bloquantes"), "{body}");
        assert!(!log.contains("ERROR"), "{log}");
        let (status, _, _) = answer(&ApiError::from(StoreError::NotFound));
        assert_eq!(status, 404);
    }

    #[test]
    fn a_fault_reported_apart_from_a_request_is_logged_once() {
        let log = Buffer::default();
        let sink = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        let e = ApiError::internal("the letters could not be rendered");
        let problem = tracing::subscriber::with_default(subscriber, || e.to_problem());
        assert!(!format!("{problem:?}").contains("rendered"));
        let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            log.matches("the letters could not be rendered").count(),
            1,
            "{log}"
        );
    }

    #[test]
    fn a_problem_names_no_request_outside_one() {
        assert_eq!(ApiError::NotFound.to_problem().request_id, None);
    }
}
