//! Extractors that name the field a client got wrong, which the standard ones cannot.

use std::future::{ready, Future, Ready};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::problem::ApiError;

/// Turns a deserialisation failure into a problem naming the field by its path.
fn field_problem<E: std::fmt::Display>(
    e: serde_path_to_error::Error<E>,
    fallback: &str,
) -> ApiError {
    let path = e.path().to_string();
    let inner = e.inner().to_string();
    // A missing field is reported at its parent; serde names it in backticks.
    let missing = inner
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
        .map(|f| {
            if path == "." {
                f.to_owned()
            } else {
                format!("{path}.{f}")
            }
        });
    let field = missing.unwrap_or_else(|| {
        if path == "." || path.is_empty() {
            fallback.to_owned()
        } else if fallback == "query" {
            // A repeated key (`?state=a&state=b`) is one field to the client, not a list
            // with indices: `state`, not `state[1]`.
            path.split('[').next().unwrap_or(&path).to_owned()
        } else {
            path
        }
    });
    let text = inner.split(" at line ").next().unwrap_or(&inner).to_owned();
    ApiError::field(&field, format!("Valeur invalide : {text}"))
}

/// A query string where a key may repeat (`?class=3EME1&class=3EME2`), read into `T`.
pub struct HtmlQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for HtmlQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let de = serde_html_form::Deserializer::from_bytes(req.query_string().as_bytes());
        ready(
            serde_path_to_error::deserialize(de)
                .map(HtmlQuery)
                .map_err(|e| field_problem(e, "query")),
        )
    }
}

/// A JSON body read into `T`, with problems that name the field at fault.
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Largest JSON body accepted (a selection of a few thousand ids fits comfortably).
pub const JSON_LIMIT: usize = 2 * 1024 * 1024;

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| {
                let mime = ct
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "Le corps de la requête doit être en JSON (Content-Type: application/json)."
                        .into(),
                ));
            }
            let body = bytes.await.map_err(|_| ApiError::PayloadTooLarge)?;
            if body.len() > JSON_LIMIT {
                return Err(ApiError::PayloadTooLarge);
            }
            let mut de = serde_json::Deserializer::from_slice(&body);
            let value: T =
                serde_path_to_error::deserialize(&mut de).map_err(|e| field_problem(e, "body"))?;
            de.end()
                .map_err(|_| ApiError::field("body", "Contenu inattendu après le JSON."))?;
            Ok(ApiJson(value))
        })
    }
}

/// The `{id}` segment of a path whose establishment [`crate::auth::Allowed`] reads, decoded
/// as `web::Path` decodes it.
pub struct PathId(pub String);

impl std::ops::Deref for PathId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl FromRequest for PathId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        #[derive(serde::Deserialize)]
        struct Id {
            id: String,
        }
        ready(
            actix_web::web::Path::<Id>::extract(req)
                .into_inner()
                .map(|p| PathId(p.into_inner().id))
                .map_err(|_| ApiError::NotFound),
        )
    }
}
