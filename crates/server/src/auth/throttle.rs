//! Login throttling for staff and account holders, per user (identifier) and per address.
//!
//! Each attempt is reserved in the database *before* the password is checked (one atomic
//! statement per key, see `sesame_store::repo::throttle`), so parallel guesses cannot all
//! pass a check made before any of them is recorded. A reserved attempt counts as a failure
//! unless it is released: a success clears the user's failures and gives the address its
//! attempt back.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use sesame_store::repo::throttle::{Reservation, ThrottlePolicy};

use crate::problem::ApiError;
use crate::state::AppState;

/// One user or account holder: 5 attempts per 15 minutes, then 5 minutes locked.
pub fn per_user() -> ThrottlePolicy {
    ThrottlePolicy::default()
}

/// A staff member's address may try more users than one user may try passwords.
pub fn per_staff_address() -> ThrottlePolicy {
    let p = ThrottlePolicy::default();
    ThrottlePolicy {
        max_failures: p.max_failures * 4,
        ..p
    }
}

/// Pupils of a school usually share its one public address (NAT), and at 8:00 on the first
/// day many of them mistype: the per-address budget of account holders is larger, high enough
/// for a school's typos and low enough that one address cannot spray a common password over
/// thousands of identifiers (at most 100 failures per window, then 5 minutes locked).
pub fn per_holder_address() -> ThrottlePolicy {
    ThrottlePolicy {
        max_failures: 100,
        ..ThrottlePolicy::default()
    }
}

/// The longest window of the policies above (the scheduler's purge waits at least that long).
pub fn longest_window() -> Duration {
    [per_user(), per_staff_address(), per_holder_address()]
        .iter()
        .map(|p| p.window.max(p.lockout))
        .max()
        .unwrap_or_else(|| Duration::minutes(15))
}

/// The keys one attempt counts against.
pub struct Keys(Vec<(String, ThrottlePolicy)>);

impl Keys {
    /// A staff login: the username, and the address it comes from.
    pub fn staff(username: &str, address: Option<IpAddr>) -> Keys {
        let mut keys = vec![(format!("user:{}", username.to_lowercase()), per_user())];
        if let Some(a) = address {
            keys.push((format!("addr:{a}"), per_staff_address()));
        }
        Keys(keys)
    }

    /// An account holder's login or password change: the identifier as typed, and the address.
    pub fn holder(identifier: &str, address: Option<IpAddr>) -> Keys {
        let mut keys = vec![(
            format!("holder:{}", identifier.trim().to_ascii_lowercase()),
            per_user(),
        )];
        if let Some(a) = address {
            keys.push((format!("holder-addr:{a}"), per_holder_address()));
        }
        Keys(keys)
    }
}

impl Keys {
    /// A holder's e-mailed request (recovery, registration): the address it is for, and the
    /// address it comes from. Every request counts, found or not, so the 429 says nothing
    /// about whether an account exists: 5 per address and 15 minutes, 30 per client address.
    pub fn holder_mail(email: &str, address: Option<IpAddr>) -> Keys {
        let mut keys = vec![(
            format!("holder-mail:{}", email.trim().to_lowercase()),
            per_user(),
        )];
        if let Some(a) = address {
            let p = per_user();
            keys.push((
                format!("holder-mail-addr:{a}"),
                ThrottlePolicy {
                    max_failures: p.max_failures * 6,
                    ..p
                },
            ));
        }
        Keys(keys)
    }
}

/// A reserved attempt. Dropping it keeps the reservation: the attempt counted as a failure.
#[must_use = "an attempt is a failure unless succeeded() or released()"]
pub struct Attempt {
    keys: Keys,
}

/// Reserves one attempt on every key, or answers 429 with `Retry-After` when one is locked
/// (the attempts already reserved for this request are given back: nothing was tried).
pub async fn reserve(state: &AppState, keys: Keys) -> Result<Attempt, ApiError> {
    let now = Utc::now();
    for (i, (key, policy)) in keys.0.iter().enumerate() {
        if let Reservation::Locked { until } =
            state.store.reserve_login_attempt(key, now, *policy).await?
        {
            for (k, p) in &keys.0[..i] {
                state.store.release_login_attempt(k, *p).await?;
            }
            let secs = (until - now).num_seconds().max(1) as u64;
            return Err(ApiError::TooManyRequests {
                retry_after_secs: secs,
            });
        }
    }
    Ok(Attempt { keys })
}

impl Attempt {
    /// The right password: the user's failures are forgotten, the address gets its attempt
    /// back (its other failures still count).
    pub async fn succeeded(self, state: &AppState) -> Result<(), ApiError> {
        for (i, (key, policy)) in self.keys.0.iter().enumerate() {
            if i == 0 {
                state.store.clear_login_failures(key).await?;
            } else {
                state.store.release_login_attempt(key, *policy).await?;
            }
        }
        Ok(())
    }

    /// The password could not be checked (the server at capacity: 503; an internal error):
    /// nothing was guessed, so every key gets its attempt back; `error` is what to answer.
    pub async fn abandoned(self, state: &AppState, error: ApiError) -> ApiError {
        match self.released(state).await {
            Ok(()) => error,
            Err(e) => e,
        }
    }

    /// Not a guess (e.g. the right password, and the second factor still to be typed): every
    /// key gets its attempt back.
    pub async fn released(self, state: &AppState) -> Result<(), ApiError> {
        for (key, policy) in &self.keys.0 {
            state.store.release_login_attempt(key, *policy).await?;
        }
        Ok(())
    }
}
