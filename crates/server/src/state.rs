use std::sync::Arc;

use ipnet::IpNet;
use sesame_store::{PasswordHasher, SecretBox, Store};

use crate::auth::hashing::HashGate;
use sesame_store::repo::sessions::SessionPolicy;

use crate::auth::tokens::TokenKeys;
use crate::mail::Mailer;

/// What every handler may use. Holds no per-user state: any replica can serve any request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub secrets: SecretBox,
    pub hasher: PasswordHasher,
    /// Bounds the argon2 work running at once (every hash and verification goes through it).
    pub hashing: HashGate,
    pub tokens: Arc<TokenKeys>,
    pub settings: Arc<Settings>,
    /// Guardians' e-mails; `is_configured()` is false when no SMTP relay is set.
    pub mailer: Mailer,
    /// Staff standings this replica read, confirmed by the database at each use.
    pub standings: Arc<crate::auth::standings::Standings>,
}

/// Settings resolved once at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub access_token_ttl: u64,
    pub refresh_token_ttl: u64,
    /// Absolute lifetime of a staff session, from sign-in (`SESAME_SESSION_MAX_SECS`).
    pub session_max: chrono::Duration,
    /// How long a used refresh token is still answered with its successor (two tabs, a
    /// retry) instead of revoking its family. At most 30 s: a copied token presented later
    /// must still end the session. Not configurable outside tests.
    pub refresh_reuse_grace: chrono::Duration,
    pub admin_networks: Vec<IpNet>,
    pub trusted_proxies: Vec<IpNet>,
    pub spa_dir: std::path::PathBuf,
    /// See `Config::url_verify_allow_http_loopback` (tests only).
    pub url_verify_allow_http_loopback: bool,
    pub webhook_retry_base: std::time::Duration,
    pub webhook_poll: std::time::Duration,
    /// Timeout of one webhook delivery; its lease is derived from it (`webhooks::lease_for`).
    pub webhook_timeout: std::time::Duration,
    /// `SESAME_PUBLIC_URL` without its trailing `/`: the holders' page is `<this>/compte`.
    pub public_url: Option<String>,
}

/// The grace of [`Settings::refresh_reuse_grace`] in production.
pub const REFRESH_REUSE_GRACE_SECS: i64 = 30;

impl Settings {
    pub fn session_policy(&self) -> SessionPolicy {
        SessionPolicy {
            refresh_ttl: chrono::Duration::seconds(self.refresh_token_ttl as i64),
            max_age: self.session_max,
            reuse_grace: self.refresh_reuse_grace,
        }
    }
}
