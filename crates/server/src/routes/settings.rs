//! « Paramétrage » (seed 001 §7): the address added to students' and guardians' letters and
//! e-mails. Enter it → verify it (a well-formed `https` URL that answers) → activate it; an
//! active address must be deactivated before it is edited, and editing clears `verified`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use ipnet::IpNet;
use reqwest::Url;
use serde::Deserialize;
use sesame_api::problem::PROBLEM_BASE;
use sesame_api::settings::{NotificationUrl, NotificationUrlChange, NotificationUrls};
use sesame_api::{FieldError, Problem};
use sesame_core::{Population, NATIONAL_PORTAL_URL};
use sesame_store::repo::audit::NewAuditEvent;
use sesame_store::repo::settings::{NotificationSetting, SettingChange};
use utoipa::IntoParams;

use crate::auth::{can, Allowed, Scoped};
use crate::problem::{ApiError, ApiResult, PROBLEM_JSON};
use crate::routes::path_params::UaiPath;
use crate::routes::responses::ScopedProblems;
use crate::state::AppState;

/// Longest address accepted, in characters.
pub const MAX_URL_CHARS: usize = 2_000;
/// How long a verification may take, all redirects included.
pub const VERIFY_TIMEOUT: Duration = Duration::from_secs(5);
/// Redirects followed by a verification.
pub const MAX_REDIRECTS: usize = 5;

fn to_api(s: &NotificationSetting) -> NotificationUrl {
    NotificationUrl {
        url: s.url.clone(),
        verified: s.verified,
        active: s.active,
        verified_at: s.verified_at,
    }
}

/// `students` or `guardians`; any other path segment is not a resource.
fn url_population(raw: &str) -> Result<&'static str, ApiError> {
    match Population::parse(raw) {
        Some(p @ (Population::Students | Population::Guardians)) => Ok(p.as_str()),
        _ => Err(ApiError::NotFound),
    }
}

/// `{uai}/settings/notification-urls/{population}`. The population is read as it is;
/// [`url_population`] judges it once the caller is authorised, so that a foreign establishment
/// answers 403 / 404 whatever the segment.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NotificationUrlPath {
    /// UAI
    #[param(example = "0450750W")]
    #[allow(dead_code)] // read by `Allowed`
    uai: String,
    /// `students` or `guardians`
    population: String,
}

fn audit(scoped: &Scoped, what: &str, population: &str) -> NewAuditEvent {
    scoped
        .audit(&format!("settings.notification_url.{what}"))
        .detail(serde_json::json!({ "population": population }))
}

/// Both populations' notification addresses (head and agent).
#[utoipa::path(tag = "settings",
    security(("bearer" = [])),
    params(UaiPath),
    responses(
        (status = 200, body = NotificationUrls),
        ScopedProblems,
    ))]
#[get("/api/v1/establishments/{uai}/settings/notification-urls")]
pub async fn get_notification_urls(
    scoped: Allowed<can::ManageNotificationSettings>,
) -> ApiResult<web::Json<NotificationUrls>> {
    let students = scoped
        .store()
        .notification_setting(Population::Students.as_str())
        .await?;
    let guardians = scoped
        .store()
        .notification_setting(Population::Guardians.as_str())
        .await?;
    Ok(web::Json(NotificationUrls {
        students: to_api(&students),
        guardians: to_api(&guardians),
        national_portal_url: NATIONAL_PORTAL_URL.to_owned(),
    }))
}

/// Enters (or replaces) a population's address. Refused while the address is active
/// (deactivate it first); the new address is not verified yet.
#[utoipa::path(tag = "settings",
    security(("bearer" = [])),
    params(NotificationUrlPath),
    request_body = NotificationUrlChange,
    responses(
        (status = 200, body = NotificationUrl),
        ScopedProblems,
        (status = 409, description = "The address is active: deactivate it first", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an absolute `https` URL with a host, or longer than 2,000 characters (field `url`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/api/v1/establishments/{uai}/settings/notification-urls/{population}")]
pub async fn set_notification_url(
    state: web::Data<AppState>,
    scoped: Allowed<can::ManageNotificationSettings>,
    path: web::Path<NotificationUrlPath>,
    body: web::Json<NotificationUrlChange>,
) -> ApiResult<web::Json<NotificationUrl>> {
    let population = url_population(&path.population)?;
    let url = body.url.trim();
    check_url(url, state.settings.url_verify_allow_http_loopback)
        .map_err(|reason| ApiError::field("url", reason))?;
    let mut event = audit(&scoped, "set", population);
    event.detail["url"] = serde_json::Value::String(url.to_owned());
    let s = scoped
        .store()
        .change_notification_setting(population, SettingChange::SetUrl(url), event)
        .await?;
    Ok(web::Json(to_api(&s)))
}

/// Verifies the address: it must answer a `GET` with a 2xx or 3xx status within 5 seconds
/// (following up to 5 redirects, `http` or `https` only). When it does, it becomes
/// `verified`; otherwise nothing changes and the 422 problem's `detail` says why (timeout,
/// unreachable, status code…).
#[utoipa::path(tag = "settings",
    security(("bearer" = [])),
    params(NotificationUrlPath),
    responses(
        (status = 200, description = "The address answered and is now verified", body = NotificationUrl),
        ScopedProblems,
        (status = 409, description = "No address to verify, or it changed during the check", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The address did not answer as expected: `type` ending in `url-verification-failed`, `detail` says why", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/establishments/{uai}/settings/notification-urls/{population}/verify")]
pub async fn verify_notification_url(
    state: web::Data<AppState>,
    scoped: Allowed<can::ManageNotificationSettings>,
    path: web::Path<NotificationUrlPath>,
) -> ApiResult<HttpResponse> {
    let population = url_population(&path.population)?;
    let current = scoped.store().notification_setting(population).await?;
    let Some(url) = current.url.clone() else {
        return Err(ApiError::Conflict(
            "Aucune adresse à vérifier : saisissez-la d'abord.".into(),
        ));
    };
    let allow_loopback = state.settings.url_verify_allow_http_loopback;
    let outcome = match check_url(&url, allow_loopback) {
        Ok(parsed) => probe(parsed, allow_loopback).await,
        Err(reason) => Err(reason),
    };
    let mut event = audit(&scoped, "verify", population);
    event.detail["url"] = serde_json::Value::String(url.clone());
    match outcome {
        Ok(status) => {
            event.detail["status"] = status.into();
            let s = scoped
                .store()
                .change_notification_setting(population, SettingChange::Verified(&url), event)
                .await?;
            Ok(HttpResponse::Ok().json(to_api(&s)))
        }
        Err(reason) => {
            event.detail["reason"] = serde_json::Value::String(reason.clone());
            scoped.store().audit(event.failed()).await?;
            Ok(verification_failed(&reason))
        }
    }
}

/// The 422 answer of a failed verification: the reason in `detail` and on the `url` field.
fn verification_failed(reason: &str) -> HttpResponse {
    let problem = Problem {
        kind: format!("{PROBLEM_BASE}url-verification-failed"),
        title: "Adresse non vérifiée".into(),
        status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
        detail: Some(reason.to_owned()),
        errors: vec![FieldError {
            field: "url".into(),
            message: reason.to_owned(),
        }],
        request_id: crate::telemetry::current_request_id(),
    };
    HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(serde_json::to_string(&problem).unwrap_or_default())
}

/// Activates a verified address: it is printed in letters and e-mails from now on.
#[utoipa::path(tag = "settings",
    security(("bearer" = [])),
    params(NotificationUrlPath),
    responses(
        (status = 200, body = NotificationUrl),
        ScopedProblems,
        (status = 409, description = "The address is not verified", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/establishments/{uai}/settings/notification-urls/{population}/activate")]
pub async fn activate_notification_url(
    scoped: Allowed<can::ManageNotificationSettings>,
    path: web::Path<NotificationUrlPath>,
) -> ApiResult<web::Json<NotificationUrl>> {
    toggle(scoped, path, true).await
}

/// Deactivates the address (letters no longer carry it); it can then be edited.
#[utoipa::path(tag = "settings",
    security(("bearer" = [])),
    params(NotificationUrlPath),
    responses(
        (status = 200, body = NotificationUrl),
        ScopedProblems,
    ))]
#[post("/api/v1/establishments/{uai}/settings/notification-urls/{population}/deactivate")]
pub async fn deactivate_notification_url(
    scoped: Allowed<can::ManageNotificationSettings>,
    path: web::Path<NotificationUrlPath>,
) -> ApiResult<web::Json<NotificationUrl>> {
    toggle(scoped, path, false).await
}

async fn toggle(
    scoped: Allowed<can::ManageNotificationSettings>,
    path: web::Path<NotificationUrlPath>,
    active: bool,
) -> ApiResult<web::Json<NotificationUrl>> {
    let population = url_population(&path.population)?;
    let (what, change) = if active {
        ("activate", SettingChange::Activate)
    } else {
        ("deactivate", SettingChange::Deactivate)
    };
    let s = scoped
        .store()
        .change_notification_setting(population, change, audit(&scoped, what, population))
        .await?;
    Ok(web::Json(to_api(&s)))
}

// ---------------------------------------------------------------------------------------------
// What an acceptable address is, and how it is checked.

/// Checks the shape of an address: absolute, `https`, with a host, no credentials, at most
/// 2,000 characters, not an IP address of a private network. With `allow_loopback` (tests),
/// `http` on a loopback host is accepted too. The reason of a refusal is in French.
pub fn check_url(raw: &str, allow_loopback: bool) -> Result<Url, String> {
    if raw.is_empty() {
        return Err("L'adresse est obligatoire.".into());
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!(
            "L'adresse ne doit pas dépasser {} caractères.",
            "2 000"
        ));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("L'adresse ne doit pas contenir d'espace.".into());
    }
    let url = Url::parse(raw).map_err(|_| {
        "Adresse mal formée : saisissez une adresse complète, par exemple https://ent.exemple.fr."
            .to_owned()
    })?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| "L'adresse doit comporter un nom de serveur.".to_owned())?;
    // What is printed in letters is the address as typed: it must read as the URL it parses
    // to (the parser forgives `https:/x` or `https:///x`, a reader would not).
    let after_scheme = &raw[url.scheme().len().min(raw.len())..];
    if !after_scheme.starts_with("://") || after_scheme[3..].starts_with(['/', '\\']) {
        return Err(
            "Adresse mal formée : saisissez une adresse complète, par exemple https://ent.exemple.fr."
                .into(),
        );
    }
    let loopback_host = is_loopback_host(&url);
    if literal_ip(&url).is_none() && !loopback_host && !host.trim_end_matches('.').contains('.') {
        return Err(format!(
            "Le nom de serveur « {host} » est incomplet : saisissez une adresse complète, par exemple https://ent.exemple.fr."
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_loopback && loopback_host => {}
        _ => return Err("L'adresse doit commencer par https://.".into()),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("L'adresse ne doit pas contenir d'identifiant ni de mot de passe.".into());
    }
    if let Some(ip) = literal_ip(&url) {
        if !address_allowed(ip, allow_loopback) {
            return Err(format!(
                "L'adresse {host} désigne un réseau privé ou local, que les familles ne peuvent pas joindre."
            ));
        }
    } else if is_localhost_name(host) && !allow_loopback {
        return Err(
            "L'adresse localhost désigne ce serveur, que les familles ne peuvent pas joindre."
                .into(),
        );
    }
    Ok(url)
}

/// The host as an IP address, when it is one (the parser has already normalised forms such as
/// `0x7f.1` to `127.0.0.1`).
fn literal_ip(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// `localhost`, `localhost.` and names under `.localhost` (RFC 6761: always this host).
fn is_localhost_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost" || h.ends_with(".localhost")
}

fn is_loopback_host(url: &Url) -> bool {
    match literal_ip(url) {
        Some(ip) => canonical(ip).is_loopback(),
        None => url.host_str().is_some_and(is_localhost_name),
    }
}

/// An IPv4 address carried in IPv6 (mapped `::ffff:a.b.c.d`) is judged as IPv4; the other
/// IPv6 forms that carry one (compatible, translated, NAT64, 6to4, Teredo) are refused
/// whole by [`blocked_networks`].
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// Networks a verification never connects to: this host, private and shared networks,
/// link-local (cloud metadata services live there), documentation, multicast and reserved
/// ranges.
fn blocked_networks() -> &'static [IpNet] {
    use std::sync::OnceLock;
    static NETS: OnceLock<Vec<IpNet>> = OnceLock::new();
    NETS.get_or_init(|| {
        [
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.0.0.0/24",
            "192.0.2.0/24",
            "192.88.99.0/24",
            "192.168.0.0/16",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "224.0.0.0/4",
            "240.0.0.0/4",
            // IPv4-compatible `::a.b.c.d` (deprecated, RFC 4291), `::` and `::1` included:
            // `[::127.0.0.1]` must not slip past as "not loopback".
            "::/96",
            // IPv4-translated `::ffff:0:a.b.c.d` (RFC 2765). (IPv4-mapped `::ffff:a.b.c.d` is
            // judged as the IPv4 address it carries, by `canonical`.)
            "::ffff:0:0:0/96",
            // NAT64 (RFC 6052, RFC 8215): the gateway connects to the IPv4 address inside,
            // private ones included.
            "64:ff9b::/96",
            "64:ff9b:1::/48",
            "100::/64",
            // Teredo: the IPv4 relay and client are carried inside.
            "2001::/32",
            "2001:2::/48",
            "2001:10::/28",
            "2001:db8::/32",
            // 6to4: the IPv4 address inside is where the packets go.
            "2002::/16",
            "3fff::/20",
            "fc00::/7",
            "fe80::/10",
            "fec0::/10",
            "ff00::/8",
        ]
        .iter()
        .map(|n| n.parse().expect("valid network"))
        .collect()
    })
}

/// Whether a verification may connect to `ip`: public addresses only, plus loopback when
/// the tests' flag allows it.
pub fn address_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    let ip = canonical(ip);
    if allow_loopback && ip.is_loopback() {
        return true;
    }
    !blocked_networks().iter().any(|n| n.contains(&ip))
}

/// The marker error of a connection refused by [`address_allowed`].
#[derive(Debug)]
struct BlockedAddress;

impl std::fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("address of a private or local network")
    }
}

impl std::error::Error for BlockedAddress {}

#[derive(Debug)]
struct BadRedirect(String);

impl std::fmt::Display for BadRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadRedirect {}

/// Resolves names like the system does, then keeps only the addresses a verification may
/// connect to: checking the addresses actually connected to (not a separate lookup) leaves no
/// room for a name that resolves differently the second time.
struct GuardedResolver {
    allow_loopback: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow_loopback;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // The system resolver (hosts file, DNS), off the async workers.
            let found: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
                use std::net::ToSocketAddrs;
                (host.as_str(), 0)
                    .to_socket_addrs()
                    .map(Iterator::collect::<Vec<_>>)
            })
            .await
            .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)??;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| address_allowed(a.ip(), allow))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(BlockedAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The outbound HTTP client that refuses private and loopback addresses (redirects and DNS
/// answers included).
pub(crate) fn client(allow_loopback: bool) -> Result<reqwest::Client, String> {
    guarded_client(allow_loopback, VERIFY_TIMEOUT)
}

/// The same client with another `timeout`, which bounds a whole request (connection, redirects,
/// answer): webhooks deliver through it, their lease derived from that bound.
pub(crate) fn guarded_client(
    allow_loopback: bool,
    timeout: Duration,
) -> Result<reqwest::Client, String> {
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(BadRedirect(format!(
                "L'adresse redirige trop de fois (plus de {MAX_REDIRECTS} redirections)."
            )));
        }
        let next = attempt.url();
        if !matches!(next.scheme(), "http" | "https") {
            return attempt.error(BadRedirect(
                "L'adresse redirige vers une adresse qui n'est pas une page web (http ou https)."
                    .into(),
            ));
        }
        if let Some(ip) = literal_ip(next) {
            if !address_allowed(ip, allow_loopback) {
                return attempt.error(BlockedAddress);
            }
        }
        attempt.follow()
    });
    reqwest::Client::builder()
        .redirect(policy)
        .timeout(timeout)
        .connect_timeout(timeout)
        // A proxy would connect wherever it is told: the address checks above must hold.
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver { allow_loopback }))
        .user_agent(concat!(
            "Sesame/",
            env!("CARGO_PKG_VERSION"),
            " (verification d'adresse)"
        ))
        .build()
        .map_err(|e| {
            tracing::error!(error = %e, "cannot build the URL verification client");
            "La vérification est momentanément impossible.".to_owned()
        })
}

/// Fetches `url`; `Ok(status)` when it answered 2xx or 3xx, else the reason in French.
async fn probe(url: Url, allow_loopback: bool) -> Result<u16, String> {
    let client = client(allow_loopback)?;
    match client.get(url).send().await {
        Ok(resp) => {
            let status = resp.status();
            if status.is_success() || status.is_redirection() {
                Ok(status.as_u16())
            } else {
                Err(format!(
                    "L'adresse a répondu avec le code HTTP {} au lieu d'une page.",
                    status.as_u16()
                ))
            }
        }
        Err(e) => Err(explain(&e)),
    }
}

/// Why a request failed, for the person who typed the address.
fn explain(e: &reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.downcast_ref::<BlockedAddress>().is_some()
            || err.to_string() == BlockedAddress.to_string()
        {
            return "L'adresse désigne un réseau privé ou local, que les familles ne peuvent pas joindre."
                .into();
        }
        if let Some(r) = err.downcast_ref::<BadRedirect>() {
            return r.0.clone();
        }
        source = err.source();
    }
    if e.is_timeout() {
        return format!(
            "L'adresse n'a pas répondu dans le délai de {} secondes.",
            VERIFY_TIMEOUT.as_secs()
        );
    }
    if e.is_redirect() {
        return "L'adresse redirige trop de fois.".into();
    }
    let text = format!("{e:?}").to_lowercase();
    if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
        return "L'adresse est injoignable : son certificat de sécurité (https) n'est pas valide."
            .into();
    }
    if text.contains("dns") || text.contains("lookup") || text.contains("resolve") {
        return "L'adresse est injoignable : ce nom de serveur n'existe pas.".into();
    }
    "L'adresse est injoignable : la connexion au serveur a échoué.".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_urls_with_a_host_are_accepted() {
        assert!(check_url("https://lycees.netocentre.fr", false).is_ok());
        assert!(check_url("https://ent.example.fr/portail?x=1#a", false).is_ok());
        for bad in [
            "",
            "http://ent.example.fr",
            "ftp://ent.example.fr",
            "https://",
            "https:///chemin",
            "https:/ent.example.fr",
            "https://intranet/",
            "ent.example.fr",
            "javascript:alert(1)",
            "https://user:pw@ent.example.fr",
            "https://ent.example.fr/a b",
            "https://127.0.0.1/",
            "https://10.1.2.3/",
            "https://169.254.169.254/latest",
            "https://[::1]/",
            "https://[::ffff:192.168.0.1]/",
            "https://localhost/",
            "https://LocalHost./",
            "https://app.localhost/",
            "http://127.0.0.1:8080/",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad}");
        }
        let long = format!("https://ent.example.fr/{}", "a".repeat(2_000));
        assert!(check_url(&long, false).unwrap_err().contains("2 000"));
    }

    #[test]
    fn the_test_flag_only_opens_loopback_over_http() {
        assert!(check_url("http://127.0.0.1:8080/", true).is_ok());
        assert!(check_url("http://localhost:8080/", true).is_ok());
        assert!(check_url("http://ent.example.fr/", true).is_err());
        assert!(check_url("https://10.0.0.1/", true).is_err());
        assert!(address_allowed("127.0.0.1".parse().unwrap(), true));
        assert!(!address_allowed("127.0.0.1".parse().unwrap(), false));
        assert!(!address_allowed("192.168.1.1".parse().unwrap(), true));
        assert!(address_allowed("194.254.0.1".parse().unwrap(), false));
        assert!(address_allowed("2a01:e0a::1".parse().unwrap(), false));
        assert!(!address_allowed("fd00::1".parse().unwrap(), false));
    }

    /// IPv6 spellings of loopback, private, link-local and unique-local addresses, and the
    /// IPv6 forms that carry an IPv4 address (compatible, mapped, translated, NAT64, 6to4,
    /// Teredo): each is refused as a literal in the address and as a resolved address.
    #[test]
    fn ipv6_forms_of_private_addresses_are_refused() {
        for bad in [
            "https://[::]/",
            "https://[::1]/",
            "https://[::127.0.0.1]/",
            "https://[::7f00:1]/",
            "https://[::10.0.0.1]/",
            "https://[::192.168.1.1]/",
            "https://[::169.254.169.254]/",
            "https://[::8.8.8.8]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[::ffff:0:127.0.0.1]/",
            "https://[::ffff:0:10.0.0.1]/",
            "https://[64:ff9b::127.0.0.1]/",
            "https://[64:ff9b::10.0.0.1]/",
            "https://[64:ff9b::8.8.8.8]/",
            "https://[64:ff9b:1::a00:1]/",
            "https://[2002:7f00:1::1]/",
            "https://[2002:a00:1::]/",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
            "https://[fe80::1]/",
            "https://[fe80::1%25eth0]/",
            "https://[fc00::1]/",
            "https://[fd12:3456:789a::1]/",
            "https://[fec0::1]/",
            "https://[ff02::1]/",
            "https://[100::1]/",
            "https://[2001:db8::1]/",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad}");
            // The tests' flag opens loopback itself (`::1`, mapped `127.0.0.1`), nothing else.
            if !bad.contains("[::1]") && !bad.contains("[::ffff:127.") {
                assert!(check_url(bad, true).is_err(), "{bad} (test flag)");
            }
        }
        for ip in [
            "::7f00:1",
            "::a00:1",
            "::ffff:0:7f00:1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "fe80::1",
            "fc00::1",
            "::",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!address_allowed(ip, false), "{ip}");
            assert!(!address_allowed(ip, true), "{ip} (test flag)");
        }
        // Public IPv6 stays allowed, and so does a public IPv4 written as mapped.
        assert!(check_url("https://[2a01:e0a::1]/", false).is_ok());
        assert!(address_allowed(
            "::ffff:194.254.0.1".parse().unwrap(),
            false
        ));
    }

    /// A name (not an IP literal) that resolves to this host is refused where the connection
    /// is made: by the resolver, whatever the name looks like.
    #[tokio::test]
    async fn names_resolving_to_private_addresses_are_not_connected_to() {
        for url in ["https://localhost:9/", "http://localhost:9/"] {
            let err = probe(Url::parse(url).unwrap(), false).await.unwrap_err();
            assert!(err.contains("réseau privé ou local"), "{url}: {err}");
        }
        // With the tests' flag, loopback is reachable (nothing listens on port 9: refused).
        let err = probe(Url::parse("http://localhost:9/").unwrap(), true)
            .await
            .unwrap_err();
        assert!(err.contains("injoignable"), "{err}");
    }
}
