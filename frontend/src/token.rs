//! Calls made with the staff session's access token, renewed once (and only once for all the
//! calls under way) when it has expired.

use leptos::prelude::*;
use sesame_api::establishments::Establishment;

use crate::api::{self, ApiError};
use crate::app::SessionSignal;
use crate::session::{self, Session};

/// Calls the API with the access token, renewing it once if it has expired.
///
/// A screen fires several calls at once, and all of them meet the same expired token: they
/// share one renewal ([`renew`]) instead of each presenting the refresh token, which the
/// server would take, beyond its short grace, for a stolen copy and end the session.
pub async fn authed<T, F, Fut>(session: SessionSignal, call: F) -> Result<T, ApiError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let Some(current) = session.get_untracked() else {
        return Err(unauthorized());
    };
    match call(current.access_token.clone()).await {
        Err(e) if e.status() == Some(401) => {
            if let Some(reason) = end_reason_of(&e, &current) {
                // Renewing would not help: the session itself is over, or too weak.
                session::set_end_reason(reason);
                return Err(e);
            }
            // Another call may have renewed the token while this one was under way.
            let latest = session.get_untracked().ok_or_else(unauthorized)?;
            let renewed = if latest.access_token != current.access_token {
                latest
            } else {
                renew(session, latest).await?
            };
            let result = call(renewed.access_token.clone()).await;
            if let Err(e) = &result {
                if let Some(reason) = end_reason_of(e, &renewed) {
                    session::set_end_reason(reason);
                }
            }
            result
        }
        other => other,
    }
}

/// What a 401 says about the session, when it is more than an expired access token.
fn end_reason_of(e: &ApiError, current: &Session) -> Option<session::EndReason> {
    if e.is_totp_required() {
        Some(session::EndReason::SecondFactor {
            username: current.username.clone(),
        })
    } else if e.is_session_expired() {
        Some(session::EndReason::Expired)
    } else {
        None
    }
}

type Renewal =
    futures::future::Shared<futures::future::LocalBoxFuture<'static, Result<Session, ApiError>>>;

thread_local! {
    // The renewal under way, if any: the wasm console runs on one thread.
    static RENEWAL: std::cell::RefCell<Option<Renewal>> = const { std::cell::RefCell::new(None) };
}

/// Renews the tokens once for every caller that asks while a renewal is under way.
async fn renew(session: SessionSignal, current: Session) -> Result<Session, ApiError> {
    use futures::FutureExt;
    let renewal = RENEWAL.with(|slot| {
        let mut slot = slot.borrow_mut();
        if let Some(under_way) = slot.as_ref() {
            return under_way.clone();
        }
        let started = async move {
            let result = api::refresh(&current.refresh_token).await;
            // Done: the next expiry starts a new renewal.
            RENEWAL.with(|slot| *slot.borrow_mut() = None);
            match result {
                Ok(tokens) => {
                    let renewed = Session::new(current.username, tokens);
                    // Signed out meanwhile: do not bring the session back.
                    if session.with_untracked(Option::is_some) {
                        session::save(&renewed);
                        session.set(Some(renewed.clone()));
                    }
                    Ok(renewed)
                }
                Err(e) => {
                    if e.is_session_expired() {
                        session::set_end_reason(session::EndReason::Expired);
                    }
                    // A refused refresh token (expired, revoked, reused) means signing in
                    // again.
                    Err(match e.status() {
                        Some(400..=499) => unauthorized(),
                        _ => e,
                    })
                }
            }
        }
        .boxed_local()
        .shared();
        *slot = Some(started.clone());
        started
    });
    renewal.await
}

/// Lists the caller's establishments, renewing the access token once if it has expired.
pub async fn fetch_establishments(session: SessionSignal) -> Result<Vec<Establishment>, ApiError> {
    authed(
        session,
        |token| async move { api::establishments(&token).await },
    )
    .await
}

fn unauthorized() -> ApiError {
    ApiError::Status {
        status: 401,
        problem: None,
        retry_after_secs: None,
    }
}
