//! The account holders' surface (domain.md "Account holder"): a student or guardian logs in
//! with their identifier and password, replaces a provisional password (which activates the
//! account), and a guardian reports a wrong link to a student.

use std::sync::OnceLock;

use actix_web::{get, post, web, HttpRequest};
use chrono::Utc;
use sesame_api::holders::{
    HolderLink, HolderLoginRequest, HolderLoginResponse, HolderProfile, LinkReported,
    PasswordChangeRequest, PasswordChanged,
};
use sesame_api::Problem;
use sesame_core::lifecycle::{login_requires_password_change, password_login_possible};
use sesame_core::password::check_chosen_password;
use sesame_core::regeneration::identifier_in_force;
use sesame_core::AccountState;
use sesame_store::repo::accounts::{pending_change, Account};
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};
use sesame_store::repo::holders::CheckedCredential;

use crate::auth::caller::client_ip;
use crate::auth::throttle::{self, Keys};
use crate::auth::tokens::TokenKind;
use crate::auth::Holder;
use crate::problem::{ApiError, ApiResult};
use crate::routes::responses::{ChecksBusy, SignInProblems, Unauthenticated};
use crate::state::AppState;

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        kind: "invalid-credentials",
        detail: "Identifiant ou mot de passe incorrect.".into(),
    }
}

/// A hash to verify against when there is no hash to verify (unknown identifier, provisional
/// password, FranceConnect account), so that every attempt costs one argon2 verification and
/// the answer time says nothing about the account.
fn dummy_hash(state: &AppState) -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY
        .get_or_init(|| {
            state
                .hasher
                .hash("sesame-dummy-holder-password")
                .expect("hashing works")
        })
        .clone()
}

/// Equality whose time depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// Whether `password` is the account's password: the chosen one (argon2id) if there is one,
/// else the provisional one. Always costs one argon2 verification.
async fn password_matches(
    state: &AppState,
    account: Option<&Account>,
    password: &str,
) -> Result<bool, ApiError> {
    let usable = match account {
        Some(a) => {
            let (kind, state, origin) = a.standing()?;
            password_login_possible(kind, state, origin).then_some(a)
        }
        None => None,
    };
    let (hash, provisional) = match usable {
        Some(a) => match (&a.password_hash, &a.provisional_password_enc) {
            (Some(h), _) => (Some(h.clone()), None),
            (None, Some(enc)) => (None, Some(state.secrets.open(enc, &a.id)?)),
            (None, None) => (None, None),
        },
        None => (None, None),
    };
    let has_hash = hash.is_some();
    let hash = hash.unwrap_or_else(|| dummy_hash(state));
    let hash_ok = state.hashing.verify(&state.hasher, password, &hash).await?;
    Ok(match provisional {
        Some(p) => constant_time_eq(p.as_bytes(), password.as_bytes()),
        None => has_hash && hash_ok,
    })
}

/// The identifier to file an account's events under: the one in force now.
pub(crate) fn actor(account: &Account) -> String {
    let pending = pending_change(account);
    identifier_in_force(
        &account.identifier,
        pending.as_ref().map(|(p, at)| (p.as_str(), *at)),
        Utc::now(),
    )
    .to_owned()
}

pub(crate) async fn holder_event(
    state: &AppState,
    account: &Account,
    action: &str,
    address: Option<std::net::IpAddr>,
) -> Result<NewAuditEvent, ApiError> {
    let mut event = NewAuditEvent::new(ActorKind::AccountHolder, actor(account), action)
        .address(address.map(|a| a.to_string()));
    if let Some(uai) = state.store.holder_home_uai(account).await? {
        event = event.uai(uai);
    }
    Ok(event)
}

/// Account-holder login (students, guardians) with the national identifier and the password:
/// the provisional one handed out by the establishment, or the one the person chose. After a
/// regenerated identifier takes effect (00:00 Europe/Paris the next day) only the new
/// identifier works; before, only the current one. An unknown identifier, a wrong password and
/// an account without a password here (FranceConnect, not yet notified) get the same 401.
/// Repeated failures for an identifier or from an address are throttled (429, `Retry-After`);
/// when the server is at capacity for password checks it answers 503 with `Retry-After`.
#[utoipa::path(tag = "account", request_body = HolderLoginRequest,
    responses(
        (status = 200, body = HolderLoginResponse),
        (status = 401, description = "Bad credentials (`type` ending in `invalid-credentials`)", body = Problem, content_type = "application/problem+json"),
        SignInProblems,
    ))]
#[post("/api/v1/account/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<HolderLoginRequest>,
) -> ApiResult<web::Json<HolderLoginResponse>> {
    let given = body.identifier.trim();
    if given.is_empty() {
        return Err(ApiError::field(
            "identifier",
            "L'identifiant est obligatoire.",
        ));
    }
    if body.password.is_empty() {
        return Err(ApiError::field(
            "password",
            "Le mot de passe est obligatoire.",
        ));
    }
    let address = client_ip(&req, &state.settings.trusted_proxies);
    let attempt = throttle::reserve(&state, Keys::holder(given, address)).await?;
    let now = Utc::now();
    let found = state.store.holder_by_identifier(given, now).await?;
    let account = found.map(|(a, _)| a);
    let matched = match password_matches(&state, account.as_ref(), &body.password).await {
        Ok(m) => m,
        Err(e) => return Err(attempt.abandoned(&state, e).await),
    };
    if !matched {
        // A known account's failures are filed under its establishment (the school can see
        // attempts on a pupil's account); otherwise the identifier as typed, bounded.
        let event = match &account {
            Some(a) => holder_event(&state, a, "account.login", address)
                .await?
                .targets(vec![a.id.clone()]),
            None => NewAuditEvent::new(
                ActorKind::AccountHolder,
                given.chars().take(100).collect::<String>(),
                "account.login",
            )
            .address(address.map(|a| a.to_string())),
        };
        state
            .store
            .audit(
                event
                    .failed()
                    .detail(serde_json::json!({ "reason": "bad_credentials" })),
            )
            .await?;
        return Err(invalid_credentials());
    }
    let account = account.ok_or_else(invalid_credentials)?;
    attempt.succeeded(&state).await?;
    let event = holder_event(&state, &account, "account.login", address).await?;
    state
        .store
        .record_holder_login(&account.id, now, event)
        .await?;
    let account_state = AccountState::parse(&account.state).ok_or_else(invalid_credentials)?;
    let ttl = state.settings.access_token_ttl;
    Ok(web::Json(HolderLoginResponse {
        access_token: state
            .tokens
            .issue(&account.id, TokenKind::Account, ttl, None),
        token_type: "Bearer".into(),
        expires_in: ttl,
        must_change_password: login_requires_password_change(
            account_state,
            account.must_change_password,
        ),
    }))
}

/// The account holder's own account: identifier in force, state, whether the password must be
/// changed, and for a guardian the students they are linked to (to report a wrong link).
#[utoipa::path(tag = "account",
    security(("account_bearer" = [])),
    responses(
        (status = 200, body = HolderProfile),
        Unauthenticated,
    ))]
#[get("/api/v1/account/me")]
pub async fn me(state: web::Data<AppState>, holder: Holder) -> ApiResult<web::Json<HolderProfile>> {
    let a = &holder.account;
    let students = if holder.is_guardian() {
        state
            .store
            .holder_links(&a.id)
            .await?
            .into_iter()
            .map(|l| HolderLink {
                student_id: l.student_id,
                family_name: l.family_name,
                first_name: l.first_name,
                uai: l.uai,
                class: l.class,
                relationship: l.relationship,
                reported_wrong: l.reported_wrong,
                reported_at: l.reported_at,
            })
            .collect()
    } else {
        vec![]
    };
    let account_state = a.state()?;
    let must_change = login_requires_password_change(account_state, a.must_change_password);
    Ok(web::Json(HolderProfile {
        id: a.id.clone(),
        kind: a.kind()?,
        identifier: actor(a),
        state: account_state,
        must_change_password: must_change,
        email: a.email.clone(),
        email_validated: a.email_validated,
        students,
    }))
}

/// The account holder replaces their password. The current one (provisional or chosen) must be
/// given; the new one must follow the policy (at least 8 characters mixing 3 kinds among lower
/// case, upper case, digits and others). A provisional account becomes `activated` (its
/// activation and distribution dates are recorded the first time); the provisional password
/// stops working.
#[utoipa::path(tag = "account",
    security(("account_bearer" = [])),
    request_body = PasswordChangeRequest,
    responses(
        (status = 200, body = PasswordChanged),
        Unauthenticated,
        (status = 409, description = "The password was reset meanwhile: log in again", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong `current_password`, or `new_password` refused by the policy (the French message says why)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong current passwords; see Retry-After", body = Problem, content_type = "application/problem+json"),
        ChecksBusy,
    ))]
#[post("/api/v1/account/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    holder: Holder,
    body: web::Json<PasswordChangeRequest>,
) -> ApiResult<web::Json<PasswordChanged>> {
    let account = &holder.account;
    if body.current_password.is_empty() {
        return Err(ApiError::field(
            "current_password",
            "Le mot de passe actuel est obligatoire.",
        ));
    }
    check_chosen_password(&body.new_password)
        .map_err(|e| ApiError::field("new_password", e.to_string()))?;
    let email = body
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    if let Some(e) = &email {
        if !sesame_core::contact::valid_email(e) || e.chars().count() > 254 {
            return Err(ApiError::field(
                "email",
                "L'adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr).",
            ));
        }
    }
    if body.new_password == body.current_password {
        return Err(ApiError::field(
            "new_password",
            "Le nouveau mot de passe doit être différent de l'actuel.",
        ));
    }
    let attempt =
        throttle::reserve(&state, Keys::holder(&account.identifier, holder.address)).await?;
    let checked = CheckedCredential::of(account);
    let matched = match password_matches(&state, Some(account), &body.current_password).await {
        Ok(m) => m,
        Err(e) => return Err(attempt.abandoned(&state, e).await),
    };
    if !matched {
        let event = holder_event(&state, account, "account.password_change", holder.address)
            .await?
            .targets(vec![account.id.clone()])
            .failed()
            .detail(serde_json::json!({ "reason": "bad_current_password" }));
        state.store.audit(event).await?;
        return Err(ApiError::field(
            "current_password",
            "Le mot de passe actuel est incorrect.",
        ));
    }
    // The current password was right: whatever happens next, that was not a guess.
    attempt.succeeded(&state).await?;
    let new_hash = state
        .hashing
        .hash(&state.hasher, &body.new_password)
        .await?;
    let event = holder_event(&state, account, "account.password_change", holder.address).await?;
    let changed = state
        .store
        .change_holder_password(&account.id, &checked, &new_hash, email.as_deref(), event)
        .await?;
    let email_confirmation_sent = match &email {
        Some(e) => {
            crate::routes::holder_recovery::send_email_confirmation(
                &state,
                account,
                e,
                holder.address,
            )
            .await
        }
        None => false,
    };
    Ok(web::Json(PasswordChanged {
        state: changed.activation.state_after,
        activated_now: changed.activation.first_activation,
        email_confirmation_sent,
    }))
}

/// A guardian reports their link to a student as wrong (« rattachement signalé erroné »); the
/// establishment sees it in the guardians' search (`link_reported=true`) and the account
/// detail. Reporting again changes nothing. Guardians only: a student's token gets 403.
#[utoipa::path(tag = "account",
    security(("account_bearer" = [])),
    params(("student_id" = String, Path, description = "The linked student's id")),
    responses(
        (status = 200, body = LinkReported),
        Unauthenticated,
        (status = 403, description = "Not a guardian's token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The guardian has no link to this student", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/account/links/{student_id}/report")]
pub async fn report_link(
    state: web::Data<AppState>,
    holder: Holder,
    student_id: web::Path<String>,
) -> ApiResult<web::Json<LinkReported>> {
    if !holder.is_guardian() {
        return Err(ApiError::Forbidden);
    }
    let event = NewAuditEvent::new(
        ActorKind::AccountHolder,
        actor(&holder.account),
        "account.link_report",
    )
    .address(holder.address.map(|a| a.to_string()));
    let report = state
        .store
        .report_guardian_link(&holder.account.id, student_id.trim(), event)
        .await?;
    Ok(web::Json(LinkReported {
        student_id: report.student_id,
        reported_wrong: true,
        reported_at: report.reported_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn constant_time_equality() {
        assert!(constant_time_eq(b"PT4HUMM2", b"PT4HUMM2"));
        assert!(!constant_time_eq(b"PT4HUMM2", b"PT4HUMM3"));
        assert!(!constant_time_eq(b"PT4HUMM2", b"PT4HUMM"));
        assert!(!constant_time_eq(b"", b"A"));
        assert!(constant_time_eq(b"", b""));
    }
}
