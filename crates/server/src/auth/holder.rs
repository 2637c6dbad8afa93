//! The account holder (student or guardian) behind an account token, as [`crate::auth::Caller`]
//! is for staff. Staff tokens are not account tokens and the other way round: each extractor
//! accepts only its own `kind`.

use std::net::IpAddr;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use sesame_core::AccountKind;
use sesame_store::repo::accounts::Account;

use crate::auth::caller::{bearer_token, client_ip};
use crate::auth::tokens::TokenKind;
use crate::problem::ApiError;
use crate::state::AppState;

/// An authenticated account holder, with their account as it is now.
#[derive(Debug, Clone)]
pub struct Holder {
    pub account: Account,
    pub kind: AccountKind,
    pub address: Option<IpAddr>,
}

impl Holder {
    pub fn is_guardian(&self) -> bool {
        self.kind == AccountKind::Guardian
    }
}

fn unauthorized() -> ApiError {
    ApiError::Unauthorized {
        kind: "unauthorized",
        detail: "Jeton d'accès absent, invalide ou expiré.".into(),
    }
}

impl FromRequest for Holder {
    type Error = ApiError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("application state missing"))?
                .clone();
            let token = bearer_token(&req).ok_or_else(unauthorized)?;
            let claims = state.tokens.verify(token).ok_or_else(unauthorized)?;
            if claims.kind != TokenKind::Account {
                return Err(unauthorized());
            }
            // Re-read on every request: the account's state and credentials may have changed.
            let account = state
                .store
                .holder_account(&claims.sub)
                .await?
                .ok_or_else(unauthorized)?;
            let kind = account.kind()?;
            let address = client_ip(&req, &state.settings.trusted_proxies);
            Ok(Holder {
                account,
                kind,
                address,
            })
        })
    }
}
