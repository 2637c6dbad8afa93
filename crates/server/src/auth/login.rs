//! Staff login: password (argon2id), second factor for the admin module, throttling, tokens.

use std::net::IpAddr;
use std::sync::OnceLock;

use chrono::Utc;
use sesame_api::auth::{LoginRequest, TokenResponse};
use sesame_core::permissions::{needs_second_factor, Role};
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};
use sesame_store::repo::sessions::SecondFactor;
use sesame_store::repo::staff::StaffUser;

use crate::auth::throttle::{self, Keys};
use crate::auth::totp;
use crate::problem::ApiError;
use crate::state::AppState;

pub const TOTP_ISSUER: &str = "Sésame";

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        kind: "invalid-credentials",
        detail: "Identifiant ou mot de passe incorrect.".into(),
    }
}

fn totp_required(detail: &str) -> ApiError {
    ApiError::Unauthorized {
        kind: "totp-required",
        detail: detail.into(),
    }
}

/// A hash to verify against when the username is unknown, so that an unknown user and a wrong
/// password take the same time and get the same answer.
fn dummy_hash(state: &AppState) -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        state
            .hasher
            .hash("sesame-dummy-password-for-timing")
            .expect("hashing works")
    })
}

pub async fn login(
    state: &AppState,
    req: LoginRequest,
    address: Option<IpAddr>,
) -> Result<TokenResponse, ApiError> {
    let username = req.username.trim().to_owned();
    if username.is_empty() {
        return Err(ApiError::field(
            "username",
            "L'identifiant est obligatoire.",
        ));
    }
    if req.password.is_empty() {
        return Err(ApiError::field(
            "password",
            "Le mot de passe est obligatoire.",
        ));
    }
    let attempt = throttle::reserve(state, Keys::staff(&username, address)).await?;

    let staff = state.store.staff_by_username(&username).await?;
    let password = req.password.clone();
    let hash = staff
        .as_ref()
        .filter(|s| !s.disabled)
        .map(|s| s.password_hash.clone())
        .unwrap_or_else(|| dummy_hash(state).to_owned());
    let password_ok = match state.hashing.verify(&state.hasher, &password, &hash).await {
        Ok(ok) => ok,
        Err(e) => return Err(attempt.abandoned(state, e).await),
    };
    let staff = match staff.filter(|s| !s.disabled) {
        Some(s) if password_ok => s,
        _ => {
            fail(state, &username, address, "bad_credentials").await?;
            return Err(invalid_credentials());
        }
    };

    let grants = state.store.staff_grants(&staff.id).await?;
    let admin = grants
        .iter()
        .any(|g| needs_second_factor(Role::module(&g.role)));
    let on_admin_network = address
        .map(|ip| {
            state
                .settings
                .admin_networks
                .iter()
                .any(|n| n.contains(&ip))
        })
        .unwrap_or(false);
    // The session records how it was opened: the admin module needs a session with the
    // second factor even when the right is granted after sign-in (`Caller::authorize`).
    // Whoever holds an admin role when signing in is asked for the code, as before.
    let second_factor = if on_admin_network {
        SecondFactor::AdminNetwork
    } else if admin {
        let code_given = req
            .totp_code
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty());
        if let Err(e) = check_second_factor(state, &staff, req.totp_code.as_deref(), address).await
        {
            // The right password with the code still to be typed is not a guess.
            if !code_given {
                attempt.released(state).await?;
            }
            return Err(e);
        }
        SecondFactor::Totp
    } else {
        SecondFactor::Password
    };

    attempt.succeeded(state).await?;
    let (session, refresh) = state
        .store
        .open_session(&staff.id, second_factor, state.settings.session_policy())
        .await?;
    let access = state
        .tokens
        .issue_staff(&staff.id, &session.id, state.settings.access_token_ttl);
    state
        .store
        .audit(
            NewAuditEvent::new(ActorKind::Staff, &staff.username, "auth.login")
                .address(address.map(|a| a.to_string()))
                .detail(serde_json::json!({ "second_factor": second_factor.as_str() })),
        )
        .await?;
    Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: state.settings.access_token_ttl,
        refresh_token: refresh,
    })
}

async fn check_second_factor(
    state: &AppState,
    staff: &StaffUser,
    code: Option<&str>,
    address: Option<IpAddr>,
) -> Result<(), ApiError> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(totp_required(
            "Le module d'administration demande le code de votre clé OTP.",
        ));
    };
    let secret = match &staff.totp_secret_enc {
        Some(sealed) => state.secrets.open(sealed, &staff.id)?,
        None => {
            return Err(totp_required(
                "Aucune clé OTP n'est associée à votre compte : demandez son enrôlement.",
            ))
        }
    };
    let totp = totp::totp_for(&secret, TOTP_ISSUER, &staff.username)
        .ok_or_else(|| ApiError::internal("stored TOTP secret is not base32"))?;
    let now = Utc::now().timestamp() as u64;
    let accepted = match totp::matching_step(&totp, code, now) {
        Some(step) => {
            state
                .store
                .consume_totp_step(&staff.id, step as i64)
                .await?
        }
        None => false,
    };
    if !accepted {
        fail(state, &staff.username, address, "bad_totp").await?;
        return Err(totp_required(
            "Code de vérification incorrect ou déjà utilisé.",
        ));
    }
    Ok(())
}

/// Audits a failed attempt (its throttling reservation already counts it).
async fn fail(
    state: &AppState,
    username: &str,
    address: Option<IpAddr>,
    reason: &str,
) -> Result<(), ApiError> {
    state
        .store
        .audit(
            NewAuditEvent::new(ActorKind::Staff, username, "auth.login")
                .address(address.map(|a| a.to_string()))
                .failed()
                .detail(serde_json::json!({ "reason": reason })),
        )
        .await?;
    Ok(())
}
