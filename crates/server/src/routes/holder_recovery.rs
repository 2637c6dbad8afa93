//! The account holders' self-service by e-mail (domain.md « Account holders' own page »):
//! confirming an address, recovering a forgotten password or identifier through a confirmed
//! address, and a guardian known to the school registering themselves.
//!
//! Links are single-use, valid 30 minutes, stored only as a hash
//! (`sesame_store::repo::holder_tokens`), and point to `<SESAME_PUBLIC_URL>/compte` with the
//! token in the fragment (`#jeton=`), which browsers never send to a server: it stays out of
//! every access log; the page posts it. Requests naming an address get the same answer
//! whether or not an account matches, after the same look-up; the e-mail is issued and sent
//! afterwards, off the request, so the answer time does not tell either.

use std::net::IpAddr;

use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDate, Utc};
use sesame_api::holders::{
    EmailChangeRequest, EmailChanged, EmailConfirmed, LinkPasswordRequest, LinkPasswordSet,
    LinkRequested, LinkToken, RecoveryRequest, RegistrationRequest,
};
use sesame_api::Problem;
use sesame_core::contact::valid_email;
use sesame_core::password::check_chosen_password;
use sesame_core::self_service::{
    on_registration_request, recovery_possible, registration_possible, Forgotten, LinkPurpose,
    LINK_LIFETIME_MINUTES,
};
use sesame_core::{AccountState, Origin};
use sesame_store::repo::accounts::Account;
use sesame_store::repo::audit::NewAuditEvent;
use sesame_store::repo::holder_tokens::{link_token_hash, new_link_token, NewLink};

use crate::auth::caller::client_ip;
use crate::auth::throttle::{self, Keys};
use crate::auth::Holder;
use crate::mail::NO_REPLY_LINE;
use crate::problem::{ApiError, ApiResult};
use crate::routes::extract::ApiJson;
use crate::routes::holders::{actor, holder_event};
use crate::routes::responses::{LinkPasswordProblems, Unauthenticated};
use crate::state::AppState;

/// The one answer to every recovery or registration request.
pub const REQUESTED: &str = "Si les informations saisies correspondent à un compte, un courriel \
vient d'être envoyé à l'adresse indiquée. Le lien qu'il contient est valable 30 minutes et ne \
sert qu'une fois. Pensez à regarder dans les courriers indésirables.";

fn invalid_link() -> ApiError {
    ApiError::field(
        "token",
        "Ce lien n'est plus valable : il a déjà servi, il a expiré (30 minutes) ou un lien plus \
         récent l'a remplacé. Refaites la demande depuis la page de votre compte.",
    )
}

fn checked_email(email: &str) -> Result<String, ApiError> {
    let e = email.trim();
    if e.is_empty() {
        return Err(ApiError::field(
            "email",
            "L'adresse électronique est obligatoire.",
        ));
    }
    if !valid_email(e) || e.chars().count() > 254 {
        return Err(ApiError::field(
            "email",
            "L'adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr).",
        ));
    }
    Ok(e.to_owned())
}

/// `<public url>/compte?etape=…#jeton=…`, or `None` when `SESAME_PUBLIC_URL` is not set.
fn link_url(state: &AppState, purpose: LinkPurpose, token: &str) -> Option<String> {
    let step = match purpose {
        LinkPurpose::ConfirmEmail => "confirmation",
        LinkPurpose::ResetPassword => "nouveau-mot-de-passe",
        LinkPurpose::Register => "inscription",
    };
    state
        .settings
        .public_url
        .as_deref()
        .map(|p| format!("{p}/compte?etape={step}#jeton={token}"))
}

fn link_message(purpose: LinkPurpose, identifier: &str, url: &str) -> (String, String) {
    let (subject, intro, action) = match purpose {
        LinkPurpose::ConfirmEmail => (
            "Confirmez votre adresse électronique",
            format!(
                "Cette adresse a été indiquée pour le compte ÉduConnect « {identifier} ». \
                 Pour la confirmer, ouvrez le lien ci-dessous. Une adresse confirmée vous \
                 permet de retrouver seul votre identifiant ou un mot de passe oublié."
            ),
            "Confirmer mon adresse",
        ),
        LinkPurpose::ResetPassword => (
            "Mot de passe oublié",
            format!(
                "Un nouveau mot de passe a été demandé pour le compte ÉduConnect « {identifier} ». \
                 Pour le choisir, ouvrez le lien ci-dessous."
            ),
            "Choisir un nouveau mot de passe",
        ),
        LinkPurpose::Register => (
            "Création de votre compte responsable",
            format!(
                "Vous avez demandé à créer votre compte ÉduConnect de responsable. Votre \
                 identifiant est « {identifier} ». Pour choisir votre mot de passe et activer \
                 le compte, ouvrez le lien ci-dessous."
            ),
            "Créer mon compte",
        ),
    };
    let body = format!(
        "Bonjour,\n\n{intro}\n\n{action} :\n{url}\n\nCe lien est valable {LINK_LIFETIME_MINUTES} \
         minutes et ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, \
         ignorez ce message : rien ne change sur votre compte.\n\n-- \n{NO_REPLY_LINE}\n"
    );
    (format!("{subject} — compte ÉduConnect"), body)
}

/// Issues a link and e-mails it; answers whether it went out. Failures are logged without
/// the address (and never with the token).
async fn issue_and_send(
    state: &AppState,
    account: &Account,
    purpose: LinkPurpose,
    email: &str,
    starts_registration: Option<(AccountState, Origin)>,
    event: NewAuditEvent,
) -> Result<bool, ApiError> {
    let (token, hash) = new_link_token();
    let Some(url) = link_url(state, purpose, &token) else {
        tracing::warn!(
            purpose = purpose.as_str(),
            "holder link not sent: SESAME_PUBLIC_URL is not set"
        );
        return Ok(false);
    };
    if !state.mailer.is_configured() {
        tracing::warn!(
            purpose = purpose.as_str(),
            "holder link not sent: e-mail is off"
        );
        return Ok(false);
    }
    state
        .store
        .issue_holder_link(
            NewLink {
                account_id: &account.id,
                purpose,
                email,
                token_hash: &hash,
                expires_at: Utc::now() + Duration::minutes(LINK_LIFETIME_MINUTES),
                registration: starts_registration,
            },
            event,
        )
        .await?;
    let (subject, body) = link_message(purpose, &actor(account), &url);
    match state.mailer.send(email, &subject, &body).await {
        Ok(()) => Ok(true),
        Err(e) => {
            tracing::warn!(purpose = purpose.as_str(), error = %e, "holder link not sent");
            Ok(false)
        }
    }
}

/// Sends `email` a link confirming it is the holder's. Answers whether a message went out;
/// a failure is logged and does not undo what the holder just did.
pub async fn send_email_confirmation(
    state: &AppState,
    account: &Account,
    email: &str,
    address: Option<IpAddr>,
) -> bool {
    let sent = async {
        let event = holder_event(
            state,
            account,
            "account.email_confirmation_request",
            address,
        )
        .await?;
        issue_and_send(
            state,
            account,
            LinkPurpose::ConfirmEmail,
            email,
            None,
            event,
        )
        .await
    }
    .await;
    sent.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "e-mail confirmation not issued");
        false
    })
}

/// The signed-in holder gives or changes their e-mail address: it is recorded unconfirmed
/// (the same address again keeps its confirmation) and a confirmation link is sent to it;
/// pending links to the former address stop working.
#[utoipa::path(tag = "account",
    security(("account_bearer" = [])),
    request_body = EmailChangeRequest,
    responses(
        (status = 200, body = EmailChanged),
        Unauthenticated,
        (status = 422, description = "Missing or malformed `email`", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/account/email")]
pub async fn change_email(
    state: web::Data<AppState>,
    holder: Holder,
    body: web::Json<EmailChangeRequest>,
) -> ApiResult<web::Json<EmailChanged>> {
    let email = checked_email(&body.email)?;
    let account = &holder.account;
    let event = holder_event(&state, account, "account.email_change", holder.address).await?;
    state
        .store
        .set_holder_email(&account.id, &email, event)
        .await?;
    let confirmed = account.email.as_deref() == Some(email.as_str()) && account.email_validated;
    let sent = !confirmed && send_email_confirmation(&state, account, &email, holder.address).await;
    Ok(web::Json(EmailChanged {
        email,
        email_confirmation_sent: sent,
    }))
}

/// Confirms the holder's e-mail address with the link sent to it (single use, 30 minutes).
/// Afterwards the address can recover a forgotten password or identifier.
#[utoipa::path(tag = "account",
    request_body = LinkToken,
    responses(
        (status = 200, body = EmailConfirmed),
        (status = 422, description = "`token` used, expired, replaced or unknown", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/account/email/confirm")]
pub async fn confirm_email(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LinkToken>,
) -> ApiResult<web::Json<EmailConfirmed>> {
    let hash = link_token_hash(&body.token);
    let (_, account) = state
        .store
        .holder_link(&hash, LinkPurpose::ConfirmEmail, Utc::now())
        .await?
        .ok_or_else(invalid_link)?;
    let address = client_ip(&req, &state.settings.trusted_proxies);
    let event = holder_event(&state, &account, "account.email_confirm", address).await?;
    let done = state
        .store
        .follow_holder_link(&hash, LinkPurpose::ConfirmEmail, None, event)
        .await?
        .ok_or_else(invalid_link)?;
    Ok(web::Json(EmailConfirmed {
        identifier: actor(&done.account),
        email_validated: true,
    }))
}

/// « Mot de passe oublié » (`forgotten: password`: a link to choose a new password) or
/// « Identifiant oublié » (`identifier`: a reminder of it), sent to the account's confirmed
/// address. Always 202 with the same body, whether or not an account has that confirmed
/// address; requests per address are throttled (429 with `Retry-After`).
#[utoipa::path(tag = "account",
    request_body = RecoveryRequest,
    responses(
        (status = 202, body = LinkRequested),
        (status = 422, description = "Malformed `email`, or `forgotten` neither `password` nor `identifier`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this address or from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/account/recovery")]
pub async fn recovery(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<RecoveryRequest>,
) -> ApiResult<HttpResponse> {
    let email = checked_email(&body.email)?;
    let password = body.forgotten == Forgotten::Password;
    let address = client_ip(&req, &state.settings.trusted_proxies);
    // Every request counts, found or not: the throttle tells nothing either.
    let _counted = throttle::reserve(&state, Keys::holder_mail(&email, address)).await?;
    let accounts: Vec<Account> = state
        .store
        .holders_by_confirmed_email(&email)
        .await?
        .into_iter()
        .filter(|a| {
            // A corrupt row (refused by the schema, so never seen) is one nobody recovers.
            a.standing()
                .is_ok_and(|(k, s, o)| recovery_possible(k, s, o, a.email_validated))
        })
        .collect();
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        let outcome = if password {
            send_resets(&state, &accounts, &email, address).await
        } else {
            send_identifiers(&state, &accounts, &email, address).await
        };
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "holder recovery not sent");
        }
    });
    Ok(accepted())
}

fn accepted() -> HttpResponse {
    HttpResponse::Accepted().json(LinkRequested {
        message: REQUESTED.to_owned(),
    })
}

async fn send_resets(
    state: &AppState,
    accounts: &[Account],
    email: &str,
    address: Option<IpAddr>,
) -> Result<(), ApiError> {
    for account in accounts {
        // To the address as confirmed, not as typed (case may differ).
        let to = account.email.as_deref().unwrap_or(email);
        let event = holder_event(state, account, "account.password_reset_request", address).await?;
        issue_and_send(state, account, LinkPurpose::ResetPassword, to, None, event).await?;
    }
    Ok(())
}

async fn send_identifiers(
    state: &AppState,
    accounts: &[Account],
    email: &str,
    address: Option<IpAddr>,
) -> Result<(), ApiError> {
    if accounts.is_empty() {
        return Ok(());
    }
    let identifiers: Vec<String> = accounts.iter().map(actor).collect();
    let body = format!(
        "Bonjour,\n\nVoici {} associé{} à cette adresse électronique confirmée :\n\n{}\n\n\
         Connectez-vous avec cet identifiant et votre mot de passe. Si vous l'avez oublié, \
         choisissez « Mot de passe oublié » sur la page de votre compte.\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n\n-- \n{NO_REPLY_LINE}\n",
        if identifiers.len() > 1 { "les identifiants ÉduConnect" } else { "l'identifiant ÉduConnect" },
        if identifiers.len() > 1 { "s" } else { "" },
        identifiers.iter().map(|i| format!("  - {i}")).collect::<Vec<_>>().join("\n"),
    );
    let to = accounts[0].email.as_deref().unwrap_or(email);
    let sent = state
        .mailer
        .send(to, "Votre identifiant — compte ÉduConnect", &body)
        .await;
    for account in accounts {
        let mut event = holder_event(state, account, "account.identifier_reminder", address)
            .await?
            .targets(vec![account.id.clone()]);
        if sent.is_err() {
            event = event.failed();
        }
        state.store.audit(event).await?;
    }
    if let Err(e) = sent {
        tracing::warn!(error = %e, "identifier reminder not sent");
    }
    Ok(())
}

/// Guardian self-registration (the path the seeds call « privilégié »): a guardian known to
/// the school's data gives their names, one of their children's names and birth date, and the
/// e-mail address the school holds for them; a link to choose a password is sent to that
/// address. Always 202 with the same body whether or not someone matched; throttled per
/// address (429). A FranceConnect guardian or an activated account gets no link.
#[utoipa::path(tag = "account",
    request_body = RegistrationRequest,
    responses(
        (status = 202, body = LinkRequested),
        (status = 422, description = "A missing or malformed field (named)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/account/registration")]
pub async fn registration(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RegistrationRequest>,
) -> ApiResult<HttpResponse> {
    for (field, value, label) in [
        ("family_name", &body.family_name, "Votre nom"),
        ("first_name", &body.first_name, "Votre prénom"),
        (
            "student_family_name",
            &body.student_family_name,
            "Le nom de l'élève",
        ),
        (
            "student_first_name",
            &body.student_first_name,
            "Le prénom de l'élève",
        ),
    ] {
        if value.trim().is_empty() || value.chars().count() > 200 {
            return Err(ApiError::field(
                field,
                format!("{label} est obligatoire (200 caractères au plus)."),
            ));
        }
    }
    let birth_date = NaiveDate::parse_from_str(body.student_birth_date.trim(), "%Y-%m-%d")
        .map_err(|_| {
            ApiError::field(
                "student_birth_date",
                "La date de naissance de l'élève est obligatoire, au format AAAA-MM-JJ.",
            )
        })?;
    let email = checked_email(&body.email)?;
    let address = client_ip(&req, &state.settings.trusted_proxies);
    let _counted = throttle::reserve(&state, Keys::holder_mail(&email, address)).await?;
    let found = state
        .store
        .guardian_for_registration(
            &body.family_name,
            &body.first_name,
            &body.student_family_name,
            &body.student_first_name,
            birth_date,
            &email,
        )
        .await?;
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        let Some(account) = found else { return };
        // In the background: a corrupt row is logged where it is read, and nobody is told.
        let Ok((kind, s, o)) = account.standing() else {
            return;
        };
        if !registration_possible(kind, s, o) {
            return;
        }
        let outcome = async {
            let event =
                holder_event(&state, &account, "account.registration_request", address).await?;
            // To the address the school holds, as it holds it.
            let to = account.email.clone().unwrap_or(email);
            issue_and_send(
                &state,
                &account,
                LinkPurpose::Register,
                &to,
                Some(on_registration_request(s, o)),
                event,
            )
            .await
        }
        .await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "registration link not sent");
        }
    });
    Ok(accepted())
}

async fn password_by_link(
    state: &AppState,
    req: &HttpRequest,
    body: &LinkPasswordRequest,
    purpose: LinkPurpose,
    action: &str,
) -> ApiResult<web::Json<LinkPasswordSet>> {
    check_chosen_password(&body.new_password)
        .map_err(|e| ApiError::field("new_password", e.to_string()))?;
    let hash = link_token_hash(&body.token);
    let (_, account) = state
        .store
        .holder_link(&hash, purpose, Utc::now())
        .await?
        .ok_or_else(invalid_link)?;
    let new_hash = state
        .hashing
        .hash(&state.hasher, &body.new_password)
        .await?;
    let address = client_ip(req, &state.settings.trusted_proxies);
    let event = holder_event(state, &account, action, address).await?;
    let done = state
        .store
        .follow_holder_link(&hash, purpose, Some(&new_hash), event)
        .await?
        .ok_or_else(invalid_link)?;
    Ok(web::Json(LinkPasswordSet {
        identifier: actor(&done.account),
        state: done.changed.activation.state_after,
        activated_now: done.changed.activation.first_activation,
    }))
}

/// Chooses a new password with the link of « Mot de passe oublié » (single use, 30 minutes).
/// The account's earlier password stops working; the address stays confirmed.
#[utoipa::path(tag = "account",
    request_body = LinkPasswordRequest,
    responses(
        (status = 200, body = LinkPasswordSet),
        LinkPasswordProblems,
    ))]
#[post("/api/v1/account/recovery/password")]
pub async fn recovery_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LinkPasswordRequest>,
) -> ApiResult<web::Json<LinkPasswordSet>> {
    password_by_link(
        &state,
        &req,
        &body,
        LinkPurpose::ResetPassword,
        "account.password_reset",
    )
    .await
}

/// Completes a guardian's self-registration with the e-mailed link (single use, 30 minutes):
/// the chosen password is set, the account is « Activé » with origin « Responsable », and the
/// address the link reached is confirmed.
#[utoipa::path(tag = "account",
    request_body = LinkPasswordRequest,
    responses(
        (status = 200, body = LinkPasswordSet),
        LinkPasswordProblems,
    ))]
#[post("/api/v1/account/registration/password")]
pub async fn registration_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LinkPasswordRequest>,
) -> ApiResult<web::Json<LinkPasswordSet>> {
    password_by_link(
        &state,
        &req,
        &body,
        LinkPurpose::Register,
        "account.registration",
    )
    .await
}

#[cfg(test)]
mod tests {
    use sesame_api::password_rules::PasswordCheck;
    use sesame_core::password::check_chosen_password;

    /// The page's live rules and the server's verdict agree, so the page never shows every
    /// rule met for a password the server then refuses (or the other way round).
    #[test]
    fn the_pages_rules_agree_with_the_servers() {
        let samples = [
            "",
            "a",
            "Abc1",
            "abcdefgh",
            "ABCDEFGH",
            "12345678",
            "abcdEFGH",
            "abcd1234",
            "abcdEFG1",
            "abcd-efg",
            "Abcd-efg",
            "ÉLÈVE-été",
            "élève123",
            "ÉLÈVE123",
            "Soleil d'automne",
            "pass\tWord1",
            "Ab1-Ab1-",
            "ÀÉÎÕÜàéîõü",
            "日本語のパスワード1A",
            "Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-\
             Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1",
            "Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-\
             Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1",
        ];
        for pw in samples {
            assert_eq!(
                PasswordCheck::of(pw).acceptable(),
                check_chosen_password(pw).is_ok(),
                "{pw:?}"
            );
        }
        assert_eq!(
            sesame_api::password_rules::MIN_LENGTH,
            sesame_core::password::MIN_CHOSEN_LENGTH
        );
        assert_eq!(
            sesame_api::password_rules::MAX_LENGTH,
            sesame_core::password::MAX_CHOSEN_LENGTH
        );
    }

    #[test]
    fn links_carry_the_token_in_the_fragment_only() {
        let (_, body) = super::link_message(
            super::LinkPurpose::ResetPassword,
            "celine.dupont114",
            "https://sesame.example.fr/compte?etape=nouveau-mot-de-passe#jeton=abc",
        );
        assert!(body.contains("#jeton=abc"));
        assert!(body.contains("celine.dupont114"));
        assert!(body.contains("30 minutes"));
    }
}
