use std::sync::Arc;

use ipnet::IpNet;
use sesame_store::{PasswordHasher, SecretBox, Store};

use crate::auth::hashing::HashGate;
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
}

/// Settings resolved once at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub access_token_ttl: u64,
    pub refresh_token_ttl: u64,
    pub admin_networks: Vec<IpNet>,
    pub trusted_proxies: Vec<IpNet>,
    pub spa_dir: std::path::PathBuf,
    /// See `Config::url_verify_allow_http_loopback` (tests only).
    pub url_verify_allow_http_loopback: bool,
    pub webhook_retry_base: std::time::Duration,
    pub webhook_poll: std::time::Duration,
}
