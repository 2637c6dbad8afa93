//! Calls to the REST API (`shared/spec/api.md`), same origin as the SPA.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use sesame_api::accounts::{AccountItem, Job, JobAccepted, Structure};
use sesame_api::auth::{LoginRequest, RefreshRequest, TokenResponse};
use sesame_api::establishments::Establishment;
use sesame_api::{Page, Problem};

use crate::session::Session;
use crate::text;

pub(crate) const ACCEPT: &str = "application/json, application/problem+json";

#[derive(Debug, Clone)]
pub enum ApiError {
    /// No answer at all: server down, network cut, request blocked.
    Network,
    /// An answer that is not what the contract promises.
    Decode,
    Status {
        status: u16,
        problem: Option<Problem>,
        retry_after_secs: Option<u64>,
    },
    /// A background job that ended in failure, with the server's reason.
    Failed(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_totp_required(&self) -> bool {
        matches!(self, ApiError::Status { status: 401, problem: Some(p), .. }
            if p.kind.ends_with("totp-required"))
    }

    /// The session reached its absolute lifetime: signing in again is the only way on.
    pub fn is_session_expired(&self) -> bool {
        matches!(self, ApiError::Status { status: 401, problem: Some(p), .. }
            if p.kind.ends_with("session-expired"))
    }

    /// A French sentence for the cases that have no more specific wording where they happen.
    pub fn message(&self) -> String {
        match self {
            ApiError::Failed(reason) if !reason.is_empty() => {
                format!("Le traitement a échoué : {reason}")
            }
            ApiError::Failed(_) => "Le traitement a échoué. Réessayez plus tard.".into(),
            ApiError::Network => {
                "Impossible de joindre le serveur. Vérifiez votre connexion puis réessayez.".into()
            }
            ApiError::Decode => "Réponse inattendue du serveur. Réessayez plus tard.".into(),
            ApiError::Status {
                status: 429,
                retry_after_secs,
                ..
            } => text::too_many_attempts(*retry_after_secs),
            ApiError::Status {
                status, problem, ..
            } => match problem {
                Some(p) if !p.title.is_empty() => match &p.detail {
                    Some(d) if !d.is_empty() => format!("{} {}", text::sentence(&p.title), d),
                    _ => text::sentence(&p.title),
                },
                _ if *status >= 500 => format!(
                    "Le service est momentanément indisponible (erreur {status}). Réessayez plus tard."
                ),
                _ => format!("La requête a échoué (erreur {status})."),
            },
        }
    }
}

impl From<gloo_net::Error> for ApiError {
    fn from(e: gloo_net::Error) -> Self {
        match e {
            gloo_net::Error::SerdeError(_) => ApiError::Decode,
            _ => ApiError::Network,
        }
    }
}

pub(crate) async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request.map_err(|_| ApiError::Decode)?.send().await?;
    if response.ok() {
        return Ok(response);
    }
    let retry_after_secs = response
        .headers()
        .get("Retry-After")
        .and_then(|v| retry_after(&v));
    // Any body that is not a problem document (a proxy's HTML page) still yields the status.
    let problem = response.json::<Problem>().await.ok();
    Err(ApiError::Status {
        status: response.status(),
        problem,
        retry_after_secs,
    })
}

fn retry_after(value: &str) -> Option<u64> {
    text::retry_after_seconds(value).or_else(|| {
        // The HTTP-date form: only the browser knows how to parse it cheaply.
        let at = js_sys::Date::parse(value.trim());
        (!at.is_nan()).then(|| ((at - js_sys::Date::now()) / 1000.0).ceil().max(0.0) as u64)
    })
}

pub(crate) async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response.json::<T>().await.map_err(|_| ApiError::Decode)
}

pub(crate) fn post(url: &str) -> RequestBuilder {
    Request::post(url).header("Accept", ACCEPT)
}

pub(crate) fn bearer(builder: RequestBuilder, access_token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {access_token}"))
}

pub async fn login(request: &LoginRequest) -> Result<TokenResponse, ApiError> {
    json(send(post("/api/v1/auth/login").json(request)).await?).await
}

pub async fn refresh(refresh_token: &str) -> Result<TokenResponse, ApiError> {
    let body = RefreshRequest {
        refresh_token: refresh_token.to_owned(),
    };
    json(send(post("/api/v1/auth/refresh").json(&body)).await?).await
}

pub async fn logout(session: &Session) -> Result<(), ApiError> {
    let body = RefreshRequest {
        refresh_token: session.refresh_token.clone(),
    };
    send(bearer(post("/api/v1/auth/logout"), &session.access_token).json(&body)).await?;
    Ok(())
}

/// The chooser's list is a plain array by contract; a page is accepted too, in case the
/// endpoint joins the paginated lists, so that change cannot blank the home page.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum EstablishmentList {
    Plain(Vec<Establishment>),
    Paged(Page<Establishment>),
}

pub async fn establishments(access_token: &str) -> Result<Vec<Establishment>, ApiError> {
    let request = bearer(Request::get("/api/v1/establishments"), access_token)
        .header("Accept", ACCEPT)
        .build();
    Ok(match json(send(request).await?).await? {
        EstablishmentList::Plain(list) => list,
        EstablishmentList::Paged(page) => page.items,
    })
}

pub(crate) async fn get<T: DeserializeOwned>(url: &str, access_token: &str) -> Result<T, ApiError> {
    let request = bearer(Request::get(url), access_token)
        .header("Accept", ACCEPT)
        .build();
    json(send(request).await?).await
}

/// Classes and MEFs of an establishment, for the search filters.
pub async fn structure(uai: &str, access_token: &str) -> Result<Structure, ApiError> {
    let uai = crate::route::encode(uai);
    get(
        &format!("/api/v1/establishments/{uai}/structure"),
        access_token,
    )
    .await
}

/// A page of the student search; `query` is [`crate::route::StudentSearch::api_query`].
pub async fn students(
    uai: &str,
    query: &str,
    access_token: &str,
) -> Result<Page<AccountItem>, ApiError> {
    let uai = crate::route::encode(uai);
    get(
        &format!("/api/v1/establishments/{uai}/students?{query}"),
        access_token,
    )
    .await
}

/// The answer of a bulk action: done at once, or a job to follow (large selections).
pub enum Accepted<T> {
    Done(T),
    Job(String),
}

pub(crate) async fn post_action<B: serde::Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    access_token: &str,
) -> Result<Accepted<T>, ApiError> {
    let response = send(bearer(post(url), access_token).json(body)).await?;
    if response.status() == 202 {
        let accepted: JobAccepted = json(response).await?;
        return Ok(Accepted::Job(accepted.job_id));
    }
    Ok(Accepted::Done(json(response).await?))
}

pub async fn job(id: &str, access_token: &str) -> Result<Job, ApiError> {
    let id = crate::route::encode(id);
    get(&format!("/api/v1/jobs/{id}"), access_token).await
}

/// A generated document: its bytes, content type and file name.
pub struct Document {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub filename: String,
}

pub async fn document(id: &str, access_token: &str) -> Result<Document, ApiError> {
    let id = crate::route::encode(id);
    let request = bearer(
        Request::get(&format!("/api/v1/documents/{id}")),
        access_token,
    )
    .header("Accept", DOCUMENT_ACCEPT)
    .build();
    read_document(send(request).await?, "document").await
}

/// What a download asks for: the file itself, or a problem+json error.
pub(crate) const DOCUMENT_ACCEPT: &str = "application/pdf, text/csv, application/problem+json";

/// Reads a file answer: its content type, the name from `Content-Disposition` (else
/// `<stem>.csv` / `<stem>.pdf` after the type) and its bytes.
pub(crate) async fn read_document(response: Response, stem: &str) -> Result<Document, ApiError> {
    let headers = response.headers();
    let content_type = headers
        .get("Content-Type")
        .unwrap_or_else(|| "application/octet-stream".into());
    let filename = headers
        .get("Content-Disposition")
        .and_then(|v| text::disposition_filename(&v))
        .unwrap_or_else(|| {
            let ext = if content_type.contains("csv") {
                "csv"
            } else {
                "pdf"
            };
            format!("{stem}.{ext}")
        });
    let bytes = response.binary().await.map_err(|_| ApiError::Decode)?;
    Ok(Document {
        bytes,
        content_type,
        filename,
    })
}

/// `POST` a JSON body and read a JSON answer (screens write their own calls with these).
pub(crate) async fn post_json<B: serde::Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    access_token: &str,
) -> Result<T, ApiError> {
    json(send(bearer(post(url), access_token).json(body)).await?).await
}

/// `PUT` a JSON body and read a JSON answer.
pub(crate) async fn put_json<B: serde::Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    access_token: &str,
) -> Result<T, ApiError> {
    let builder = Request::put(url).header("Accept", ACCEPT);
    json(send(bearer(builder, access_token).json(body)).await?).await
}

/// `PATCH` a JSON body and read a JSON answer.
pub(crate) async fn patch_json<B: serde::Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    access_token: &str,
) -> Result<T, ApiError> {
    let builder = Request::patch(url).header("Accept", ACCEPT);
    json(send(bearer(builder, access_token).json(body)).await?).await
}

/// `POST` without a body (state changes such as block / verify); the answer is ignored.
pub(crate) async fn post_empty(url: &str, access_token: &str) -> Result<(), ApiError> {
    send(bearer(post(url), access_token).build()).await?;
    Ok(())
}

/// `DELETE`; the answer is ignored.
pub(crate) async fn delete(url: &str, access_token: &str) -> Result<(), ApiError> {
    let builder = Request::delete(url).header("Accept", ACCEPT);
    send(bearer(builder, access_token).build()).await?;
    Ok(())
}
