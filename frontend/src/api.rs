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

/// The API's paths (`shared/spec/api.md`), spelled here only: the screens name an endpoint
/// by its function, so a change of the contract is one edit here, and every variable segment
/// is percent-encoded the same way.
pub(crate) mod url {
    use crate::route::encode;

    const V1: &str = "/api/v1";

    // Staff sign-in.
    pub fn auth_login() -> String {
        format!("{V1}/auth/login")
    }
    pub fn auth_refresh() -> String {
        format!("{V1}/auth/refresh")
    }
    pub fn auth_logout() -> String {
        format!("{V1}/auth/logout")
    }

    // Establishments and what hangs off them.
    pub fn establishments() -> String {
        format!("{V1}/establishments")
    }
    fn establishment(uai: &str) -> String {
        format!("{V1}/establishments/{}", encode(uai))
    }
    pub fn structure(uai: &str) -> String {
        format!("{}/structure", establishment(uai))
    }
    /// A population's accounts: `segment` is `students`, `external-students` or `guardians`.
    pub fn accounts(uai: &str, segment: &str) -> String {
        format!("{}/{segment}", establishment(uai))
    }
    /// A search of a population; `query` is already encoded
    /// ([`crate::route::AccountSearch::api_query`]).
    pub fn accounts_search(uai: &str, segment: &str, query: &str) -> String {
        format!("{}?{query}", accounts(uai, segment))
    }
    /// Every external student at once: their home establishments feed a filter.
    pub fn external_students_all(uai: &str) -> String {
        format!(
            "{}?page=1&per_page=500",
            accounts(uai, sesame_core::Population::ExternalStudents.as_str())
        )
    }
    pub fn accounts_reset_password(uai: &str, segment: &str) -> String {
        format!("{}/reset-password", accounts(uai, segment))
    }
    pub fn accounts_notify(uai: &str, segment: &str) -> String {
        format!("{}/notify", accounts(uai, segment))
    }
    pub fn accounts_list(uai: &str, segment: &str) -> String {
        format!("{}/list", accounts(uai, segment))
    }
    pub fn account(uai: &str, segment: &str, id: &str) -> String {
        format!("{}/{}", accounts(uai, segment), encode(id))
    }
    pub fn regenerate_identifier(uai: &str, id: &str) -> String {
        format!(
            "{}/accounts/{}/regenerate-identifier",
            establishment(uai),
            encode(id)
        )
    }
    /// The journal; `query` is already encoded.
    pub fn audit(uai: &str, query: &str) -> String {
        format!("{}/audit?{query}", establishment(uai))
    }
    pub fn statistics(
        uai: &str,
        population: sesame_core::Population,
        by: sesame_core::Grouping,
    ) -> String {
        format!(
            "{}/statistics?population={population}&by={by}",
            establishment(uai)
        )
    }
    pub fn notification_urls(uai: &str) -> String {
        format!("{}/settings/notification-urls", establishment(uai))
    }
    pub fn notification_url(uai: &str, population: &str) -> String {
        format!("{}/{population}", notification_urls(uai))
    }
    /// `verify`, `activate` or `deactivate` a population's notification address.
    pub fn notification_url_action(uai: &str, population: &str, action: &str) -> String {
        format!("{}/{action}", notification_url(uai, population))
    }
    pub fn delegations(uai: &str) -> String {
        format!("{}/delegations", establishment(uai))
    }
    pub fn delegation(uai: &str, id: &str) -> String {
        format!("{}/{}", delegations(uai), encode(id))
    }
    /// An import (a dry run unless `apply`; `allow_mass_leave` once the administrator has
    /// confirmed that many pupils leave).
    pub fn import(
        uai: &str,
        source: sesame_core::imports::ImportSource,
        apply: bool,
        allow_mass_leave: bool,
    ) -> String {
        let mut url = format!("{}/imports?source={source}", establishment(uai));
        if !apply {
            url.push_str("&dry_run=true");
        }
        if allow_mass_leave {
            url.push_str("&allow_mass_leave=true");
        }
        url
    }
    /// The CSV import's template, a plain download link.
    pub const IMPORT_TEMPLATE: &str = "/api/v1/imports/template.csv";

    // The ENT directory.
    fn ent_establishment(uai: &str) -> String {
        format!("{V1}/ent/establishments/{}", encode(uai))
    }
    pub fn ent_users(uai: &str) -> String {
        format!("{}/users", ent_establishment(uai))
    }
    /// A directory search; `query` is already encoded.
    pub fn ent_users_search(uai: &str, query: &str) -> String {
        format!("{}?{query}", ent_users(uai))
    }
    pub fn ent_regenerate_passwords(uai: &str) -> String {
        format!("{}/regenerate-password", ent_users(uai))
    }
    /// `block` or `unblock` a user.
    pub fn ent_user_state(uai: &str, id: &str, verb: &str) -> String {
        format!("{}/{}/{verb}", ent_users(uai), encode(id))
    }
    pub fn ent_groups(uai: &str) -> String {
        format!("{}/groups", ent_establishment(uai))
    }
    pub fn ent_subjects(uai: &str) -> String {
        format!("{}/subjects", ent_establishment(uai))
    }

    // Background work and its files.
    pub fn job(id: &str) -> String {
        format!("{V1}/jobs/{}", encode(id))
    }
    pub fn document(id: &str) -> String {
        format!("{V1}/documents/{}", encode(id))
    }

    // The account holders' own page (`/compte`).
    pub fn holder_login() -> String {
        format!("{V1}/account/login")
    }
    pub fn holder_me() -> String {
        format!("{V1}/account/me")
    }
    pub fn holder_password() -> String {
        format!("{V1}/account/password")
    }
    pub fn holder_link_report(student_id: &str) -> String {
        format!("{V1}/account/links/{}/report", encode(student_id))
    }
    pub fn holder_recovery() -> String {
        format!("{V1}/account/recovery")
    }
    pub fn holder_registration() -> String {
        format!("{V1}/account/registration")
    }
    /// Choosing a password with an e-mailed link: `registration` or `recovery`.
    pub fn holder_link_password(registration: bool) -> String {
        let flow = if registration {
            holder_registration()
        } else {
            holder_recovery()
        };
        format!("{flow}/password")
    }
    pub fn holder_email() -> String {
        format!("{V1}/account/email")
    }
    pub fn holder_email_confirm() -> String {
        format!("{}/confirm", holder_email())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_import_url_names_the_source_and_the_dry_run() {
            assert_eq!(
                import(
                    "0451442Y",
                    sesame_core::imports::ImportSource::Csv,
                    false,
                    false
                ),
                "/api/v1/establishments/0451442Y/imports?source=csv&dry_run=true"
            );
            assert_eq!(
                import(
                    "0451442Y",
                    sesame_core::imports::ImportSource::Siecle,
                    true,
                    false
                ),
                "/api/v1/establishments/0451442Y/imports?source=siecle"
            );
            assert_eq!(
                import(
                    "0451442Y",
                    sesame_core::imports::ImportSource::Csv,
                    true,
                    true
                ),
                "/api/v1/establishments/0451442Y/imports?source=csv&allow_mass_leave=true"
            );
        }

        #[test]
        fn variable_segments_are_encoded() {
            assert_eq!(
                account("0451442Y", "guardians", "a/b c"),
                "/api/v1/establishments/0451442Y/guardians/a%2Fb%20c"
            );
            assert_eq!(
                ent_user_state("0451442Y", "u 1", "block"),
                "/api/v1/ent/establishments/0451442Y/users/u%201/block"
            );
            assert_eq!(
                holder_link_password(false),
                "/api/v1/account/recovery/password"
            );
            assert_eq!(holder_email_confirm(), "/api/v1/account/email/confirm");
        }
    }
}

#[derive(Debug, Clone)]
pub enum ApiError {
    /// No answer at all: server down, network cut, request blocked.
    Network,
    /// An answer that is not what the contract promises.
    Decode,
    Status {
        status: u16,
        /// Boxed: a problem document is large, and every `Result<_, ApiError>` would carry
        /// its size (clippy's `result_large_err`).
        problem: Option<Box<Problem>>,
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
                Some(p) if !p.title.is_empty() => {
                    let said = match &p.detail {
                        Some(d) if !d.is_empty() => format!("{} {}", text::sentence(&p.title), d),
                        _ => text::sentence(&p.title),
                    };
                    // A server fault names its request, so that a user reporting it gives the
                    // operator what finds it in the logs.
                    match &p.request_id {
                        Some(id) if *status >= 500 => format!("{said} (référence : {id})"),
                        _ => said,
                    }
                }
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
    let problem = response.json::<Problem>().await.ok().map(Box::new);
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
    json(send(post(&url::auth_login()).json(request)).await?).await
}

pub async fn refresh(refresh_token: &str) -> Result<TokenResponse, ApiError> {
    let body = RefreshRequest {
        refresh_token: refresh_token.to_owned(),
    };
    json(send(post(&url::auth_refresh()).json(&body)).await?).await
}

pub async fn logout(session: &Session) -> Result<(), ApiError> {
    let body = RefreshRequest {
        refresh_token: session.refresh_token.clone(),
    };
    send(bearer(post(&url::auth_logout()), &session.access_token).json(&body)).await?;
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
    let request = bearer(Request::get(&url::establishments()), access_token)
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
    get(&url::structure(uai), access_token).await
}

/// A page of the student search; `query` is [`crate::route::StudentSearch::api_query`].
pub async fn students(
    uai: &str,
    query: &str,
    access_token: &str,
) -> Result<Page<AccountItem>, ApiError> {
    get(&url::accounts_search(uai, "students", query), access_token).await
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
    get(&url::job(id), access_token).await
}

/// A generated document: its bytes, content type and file name.
pub struct Document {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub filename: String,
}

pub async fn document(id: &str, access_token: &str) -> Result<Document, ApiError> {
    let request = bearer(Request::get(&url::document(id)), access_token)
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

#[cfg(test)]
mod message_tests {
    use super::*;

    fn problem(status: u16, request_id: Option<&str>) -> ApiError {
        ApiError::Status {
            status,
            problem: Some(Box::new(Problem {
                kind: "https://sesame.education/problems/internal".into(),
                title: "Erreur interne".into(),
                status,
                detail: Some("L'incident est journalisé.".into()),
                errors: vec![],
                request_id: request_id.map(str::to_owned),
            })),
            retry_after_secs: None,
        }
    }

    #[test]
    fn a_server_fault_names_its_request_and_nothing_else_does() {
        let fault = problem(500, Some("support-1234")).message();
        assert!(fault.ends_with("(référence : support-1234)"), "{fault}");
        let refused = problem(404, Some("abc")).message();
        assert!(!refused.contains("abc"), "{refused}");
    }
}
