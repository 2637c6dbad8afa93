//! Configuration from flags and environment. The embedded default (SQLite file, generated key
//! file) needs no setup; PostgreSQL deployments must say where their key is, because every
//! replica has to share it.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use ipnet::IpNet;
use sesame_store::SecretBox;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sesame.sqlite?mode=rwc";
pub const DEFAULT_KEY_FILE: &str = "data/secret.key";

#[derive(Clone, clap::Args)]
pub struct Config {
    /// Database: `sqlite://path?mode=rwc` (embedded default) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Base64 AEAD key (32 bytes) sealing provisional passwords and TOTP secrets at rest.
    #[arg(long, env = "SESAME_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// File holding that key; generated on first start when the database is the embedded SQLite.
    #[arg(long, env = "SESAME_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,

    /// Directory of the built SPA (index.html, wasm, js, css).
    #[arg(long, env = "SESAME_SPA_DIR", default_value = "frontend/dist")]
    pub spa_dir: PathBuf,

    /// Lifetime of staff access tokens, in seconds.
    #[arg(long, env = "SESAME_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,

    /// Lifetime of refresh tokens, in seconds.
    #[arg(long, env = "SESAME_REFRESH_TOKEN_TTL", default_value_t = 8 * 3600)]
    pub refresh_token_ttl: u64,

    /// Absolute lifetime of a staff session, in seconds from sign-in: after it, renewing the
    /// access token is refused and signing in again is required (a working day by default).
    #[arg(long, env = "SESAME_SESSION_MAX_SECS", default_value_t = 36000,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub session_max_secs: u64,

    /// Administrative networks (comma-separated CIDRs) from which the admin module needs no
    /// second factor, as on an establishment's administrative network.
    #[arg(
        long,
        env = "SESAME_ADMIN_NETWORKS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub admin_networks: Vec<String>,

    /// Reverse proxies (comma-separated CIDRs) whose X-Forwarded-For is believed.
    #[arg(
        long,
        env = "SESAME_TRUSTED_PROXIES",
        value_delimiter = ',',
        default_value = ""
    )]
    pub trusted_proxies: Vec<String>,

    /// Tests and local development only: notification-URL settings also accept plain `http`
    /// addresses on loopback (127.0.0.0/8, ::1, localhost), and verification may connect
    /// there. Off (the default), only `https` addresses are accepted and verification never
    /// connects to loopback, private or link-local addresses.
    #[arg(
        long,
        env = "SESAME_URL_VERIFY_ALLOW_HTTP_LOOPBACK",
        default_value_t = false
    )]
    pub url_verify_allow_http_loopback: bool,

    /// First retry delay of a failed webhook delivery, in milliseconds (doubled each time,
    /// at most an hour).
    #[arg(long, env = "SESAME_WEBHOOK_RETRY_BASE_MS", default_value_t = 5000)]
    pub webhook_retry_base_ms: u64,

    /// How often each replica looks for webhook deliveries to make, in milliseconds.
    #[arg(long, env = "SESAME_WEBHOOK_POLL_MS", default_value_t = 1000)]
    pub webhook_poll_ms: u64,

    /// SMTP relay for guardians' e-mails: `smtp://host:25` (plain), `smtp://host:587?tls=required`
    /// (STARTTLS), `smtps://host:465` (implicit TLS); a path sets the EHLO name
    /// (`smtp://host:587/sesame.example.fr?tls=required`). Unset: e-mail is off.
    #[arg(long, env = "SESAME_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// SMTP user name, when the relay wants authentication.
    #[arg(long, env = "SESAME_SMTP_USERNAME", hide_env_values = true)]
    pub smtp_username: Option<String>,

    /// SMTP password (with the user name).
    #[arg(long, env = "SESAME_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,

    /// Sender of the e-mails (`Name <address>`).
    #[arg(long, env = "SESAME_MAIL_FROM", default_value = crate::mail::DEFAULT_FROM)]
    pub mail_from: String,

    /// Timeout of each SMTP step (connection, command, data), in seconds.
    #[arg(long, env = "SESAME_SMTP_TIMEOUT_SECS", default_value_t = 10)]
    pub smtp_timeout_secs: u64,

    // --- Service edges: metrics listener, webhook delivery timing -----------------------------
    /// Address of the Prometheus metrics listener (`/metrics`), e.g. `127.0.0.1:9464`. Unset
    /// (the default): no metrics are served. They are never served on the API's address:
    /// request counts per route are for the operator's scraper, not for the public.
    #[arg(long, env = "SESAME_METRICS_BIND")]
    pub metrics_bind: Option<String>,

    /// Timeout of one webhook delivery (connection and answer), in milliseconds. A delivery is
    /// leased for twice this (at least this plus a second), so no other replica takes it over
    /// while it is under way.
    #[arg(long, env = "SESAME_WEBHOOK_TIMEOUT_MS", default_value_t = 5000)]
    pub webhook_timeout_ms: u64,

    /// Public address of this Sésame as pupils and parents reach it (`https://sesame.example.fr`):
    /// the account holders' page is `<public url>/compte`. Letters point there (QR code and
    /// « adresse de connexion », identifier pre-filled) when the establishment has no active
    /// notification URL, and the holders' e-mails link there. Unset: letters carry only the
    /// configured URLs and no e-mail link can be sent.
    #[arg(long, env = "SESAME_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// Hand-written so that printing a configuration (a panic message, a debug log) can never show
/// the key, an SMTP password, or credentials inside a database or SMTP URL.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "<hidden>");
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("secret_key", &hidden(&self.secret_key))
            .field("secret_key_file", &self.secret_key_file)
            .field("spa_dir", &self.spa_dir)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &hidden(&self.smtp_password))
            .finish_non_exhaustive()
    }
}

/// `scheme://user:password@host/…` → `scheme://<hidden>@host/…`.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}<hidden>{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Config {
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The AEAD key: given directly, read from its file, or — embedded SQLite only — generated
    /// into the default key file on first start.
    pub fn load_secret_box(&self) -> anyhow::Result<SecretBox> {
        if let Some(key) = &self.secret_key {
            refuse_weak_key(key).context("SESAME_SECRET_KEY")?;
            return SecretBox::from_base64(key).context("SESAME_SECRET_KEY");
        }
        let path = match (&self.secret_key_file, self.is_sqlite()) {
            (Some(p), _) => p.clone(),
            (None, true) => PathBuf::from(DEFAULT_KEY_FILE),
            (None, false) => bail!(
                "PostgreSQL needs an explicit key shared by every replica: set SESAME_SECRET_KEY \
                 or SESAME_SECRET_KEY_FILE (generate one with `sesame generate-key`)"
            ),
        };
        if !path.exists() {
            if self.secret_key_file.is_some() && !self.is_sqlite() {
                bail!("key file {} does not exist", path.display());
            }
            write_new_key(&path)?;
            tracing::info!(path = %path.display(), "generated a new secret key file");
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading key file {}", path.display()))?;
        refuse_weak_key(&text).with_context(|| format!("key file {}", path.display()))?;
        SecretBox::from_base64(&text).with_context(|| format!("key file {}", path.display()))
    }

    /// [`Config::public_url`] without its trailing `/`, checked at start-up: an address
    /// printed on thousands of letters must at least be an absolute http(s) URL.
    pub fn public_url(&self) -> anyhow::Result<Option<String>> {
        let Some(url) = self
            .public_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        else {
            return Ok(None);
        };
        let url = url.trim_end_matches('/');
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !url.contains(['?', '#', ' ']) => {
                Ok(Some(url.to_owned()))
            }
            _ => bail!(
                "SESAME_PUBLIC_URL must be an absolute http(s) address without query or fragment \
                 (e.g. https://sesame.example.fr)"
            ),
        }
    }

    pub fn admin_networks(&self) -> anyhow::Result<Vec<IpNet>> {
        parse_cidrs(&self.admin_networks).context("SESAME_ADMIN_NETWORKS")
    }

    pub fn trusted_proxies(&self) -> anyhow::Result<Vec<IpNet>> {
        parse_cidrs(&self.trusted_proxies).context("SESAME_TRUSTED_PROXIES")
    }

    /// Makes sure the directory of an embedded SQLite file exists.
    pub fn prepare_storage(&self) -> anyhow::Result<()> {
        if let Some(rest) = self.database_url.strip_prefix("sqlite://") {
            let file = rest.split('?').next().unwrap_or(rest);
            if let Some(dir) = Path::new(file)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
        }
        Ok(())
    }
}

/// Keys published as examples: whoever copied one seals every secret with a key the world
/// knows. (`replace-me-sesame-generate-key!!`, the placeholder docker-compose.yml carried.)
const PLACEHOLDER_KEYS: &[&str] = &["cmVwbGFjZS1tZS1zZXNhbWUtZ2VuZXJhdGUta2V5ISE="];

/// Refuses a known placeholder key and keys no random generator produces: a single repeated
/// byte or short pattern (fewer than 8 distinct bytes: chance for 32 random bytes below
/// 10⁻¹⁵), or text someone typed (all printable ASCII: chance about 10⁻¹⁴). A real key comes
/// from `sesame generate-key`. What is not base64 of 32 bytes is left to the key's parser.
fn refuse_weak_key(text: &str) -> anyhow::Result<()> {
    use base64::Engine;
    let how = "generate one with `sesame generate-key` (or `openssl rand -base64 32`) and keep \
               it: it opens the secrets stored with it";
    let text = text.trim();
    if PLACEHOLDER_KEYS.contains(&text) {
        bail!("the secret key is the published placeholder, not a secret: {how}");
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) else {
        return Ok(());
    };
    let mut distinct = bytes.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if bytes.len() == 32
        && (distinct.len() < 8 || bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' '))
    {
        bail!("the secret key is not random (a repeated pattern or typed text): {how}");
    }
    Ok(())
}

fn write_new_key(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let key = SecretBox::generate_key_base64();
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        f.write_all(key.as_bytes())?;
    }
    #[cfg(not(unix))]
    std::fs::write(path, key)?;
    Ok(())
}

fn parse_cidrs(items: &[String]) -> anyhow::Result<Vec<IpNet>> {
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .with_context(|| format!("{s} is not a CIDR network"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::redact_url;
    use super::Config;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    /// A configuration as the command line and the environment give it, with this key.
    fn with_key(key: &str) -> Config {
        let mut config = Cli::parse_from(["sesame"]).config;
        config.database_url = "postgres://postgres@127.0.0.1/none".into();
        config.secret_key = Some(key.into());
        config
    }

    #[test]
    fn the_compose_placeholder_key_is_refused() {
        let err = with_key("cmVwbGFjZS1tZS1zZXNhbWUtZ2VuZXJhdGUta2V5ISE=")
            .load_secret_box()
            .unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("sesame generate-key"), "{text}");
    }

    #[test]
    fn obviously_weak_keys_are_refused() {
        use base64::Engine;
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        for key in [
            b64(&[0u8; 32]),
            b64(&[0xA5u8; 32]),
            b64(b"0123456789abcdef0123456789abcdef"),
            b64(b"my very secret sesame key 2026!!"),
            b64(&[1, 2, 3, 4].repeat(8)),
        ] {
            let err = with_key(&key).load_secret_box().unwrap_err();
            assert!(format!("{err:#}").contains("sesame generate-key"), "{key}");
        }
        // A generated key is accepted.
        let key = sesame_store::SecretBox::generate_key_base64();
        assert!(with_key(&key).load_secret_box().is_ok());
    }

    #[test]
    fn a_placeholder_in_the_key_file_is_refused_too() {
        let path = std::env::temp_dir().join(format!("sesame-key-{}", std::process::id()));
        std::fs::write(&path, "cmVwbGFjZS1tZS1zZXNhbWUtZ2VuZXJhdGUta2V5ISE=\n").unwrap();
        let mut config = with_key("unused");
        config.secret_key = None;
        config.secret_key_file = Some(path.clone());
        let err = config.load_secret_box().unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(
            format!("{err:#}").contains("sesame generate-key"),
            "{err:#}"
        );
    }

    /// Starting the service (building its state) stops at the key, before any connection.
    #[tokio::test]
    async fn the_service_does_not_start_with_a_placeholder_key() {
        let config = with_key("cmVwbGFjZS1tZS1zZXNhbWUtZ2VuZXJhdGUta2V5ISE=");
        let err = crate::app::build_state(&config, sesame_store::PasswordHasher::insecure_fast())
            .await
            .err()
            .expect("refused");
        assert!(
            format!("{err:#}").contains("sesame generate-key"),
            "{err:#}"
        );
    }

    #[test]
    fn credentials_in_urls_are_hidden() {
        assert_eq!(
            redact_url("postgres://sesame:s3cret@db:5432/sesame"),
            "postgres://<hidden>@db:5432/sesame"
        );
        assert_eq!(
            redact_url("sqlite://data/sesame.sqlite"),
            "sqlite://data/sesame.sqlite"
        );
    }

    #[test]
    fn the_public_url_is_normalised_and_checked() {
        let mut config = Cli::parse_from(["sesame"]).config;
        assert_eq!(config.public_url().unwrap(), None);
        config.public_url = Some(" https://sesame.example.fr/ ".into());
        assert_eq!(
            config.public_url().unwrap().as_deref(),
            Some("https://sesame.example.fr")
        );
        for bad in ["sesame.example.fr", "ftp://x", "https://", "https://x/?a=b"] {
            config.public_url = Some(bad.into());
            assert!(config.public_url().is_err(), "{bad}");
        }
    }
}
