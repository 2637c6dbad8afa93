//! The holders' page's calls to `/api/v1/account/…`. The access token stays in memory only:
//! the page is often opened on a shared or family device, and a reload simply asks again.

use gloo_net::http::Request;
use sesame_api::holders::{
    HolderLoginRequest, HolderLoginResponse, HolderProfile, LinkReported, PasswordChangeRequest,
    PasswordChanged,
};

use crate::api::{bearer, get, json, post, send, url, ApiError};

pub async fn login(identifier: &str, password: &str) -> Result<HolderLoginResponse, ApiError> {
    let body = HolderLoginRequest {
        identifier: identifier.to_owned(),
        password: password.to_owned(),
    };
    json(send(post(&url::holder_login()).json(&body)).await?).await
}

pub async fn me(token: &str) -> Result<HolderProfile, ApiError> {
    get(&url::holder_me(), token).await
}

pub async fn change_password(
    token: &str,
    body: &PasswordChangeRequest,
) -> Result<PasswordChanged, ApiError> {
    json(send(bearer(post(&url::holder_password()), token).json(body)).await?).await
}

pub async fn report_link(token: &str, student_id: &str) -> Result<LinkReported, ApiError> {
    let url = url::holder_link_report(student_id);
    let request = bearer(Request::post(&url), token)
        .header("Accept", crate::api::ACCEPT)
        .build();
    json(send(request).await?).await
}

/// The message of a field error the server named (`new_password`, `email`…), if any.
pub fn field_message(e: &ApiError, field: &str) -> Option<String> {
    match e {
        ApiError::Status {
            problem: Some(p), ..
        } => p
            .errors
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.clone()),
        _ => None,
    }
}

pub async fn recovery(
    body: &sesame_api::holders::RecoveryRequest,
) -> Result<sesame_api::holders::LinkRequested, ApiError> {
    json(send(post(&url::holder_recovery()).json(body)).await?).await
}

pub async fn registration(
    body: &sesame_api::holders::RegistrationRequest,
) -> Result<sesame_api::holders::LinkRequested, ApiError> {
    json(send(post(&url::holder_registration()).json(body)).await?).await
}

pub async fn confirm_email(token: &str) -> Result<sesame_api::holders::EmailConfirmed, ApiError> {
    let body = sesame_api::holders::LinkToken {
        token: token.to_owned(),
    };
    json(send(post(&url::holder_email_confirm()).json(&body)).await?).await
}

/// Chooses a password with an e-mailed link: `registration` or `recovery`.
pub async fn link_password(
    registration: bool,
    token: &str,
    new_password: &str,
) -> Result<sesame_api::holders::LinkPasswordSet, ApiError> {
    let url = url::holder_link_password(registration);
    let body = sesame_api::holders::LinkPasswordRequest {
        token: token.to_owned(),
        new_password: new_password.to_owned(),
    };
    json(send(post(&url).json(&body)).await?).await
}

pub async fn change_email(
    token: &str,
    email: &str,
) -> Result<sesame_api::holders::EmailChanged, ApiError> {
    let body = sesame_api::holders::EmailChangeRequest {
        email: email.to_owned(),
    };
    json(send(bearer(post(&url::holder_email()), token).json(&body)).await?).await
}
