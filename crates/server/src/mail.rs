//! Guardians' notification e-mails over SMTP (domain.md, "(Re)notify": "email too for guardians
//! who have one").
//!
//! A message carries a provisional password, so nothing here ever logs a body, a password or a
//! full address, and transport errors are built without the body (and scrubbed of anything a
//! relay might echo back from it). Logs say at most how many messages went to which domains.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use futures_util::stream::{self, StreamExt};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sesame_core::account::AccountKind;
use sesame_core::letter::{Letter, LetterInput, LetterVariant};

use crate::config::Config;

/// Sender used when `SESAME_MAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "Sésame <no-reply@sesame.invalid>";

/// How many messages `send_many` has in flight at once: each is its own SMTP session, so this
/// is also the number of simultaneous connections to the relay.
pub const SEND_CONCURRENCY: usize = 8;

/// Longest transport error text kept (the relay's reply can be long).
const MAX_ERROR_LEN: usize = 300;

/// Line closing every message: the sender address takes no replies.
pub const NO_REPLY_LINE: &str =
    "Ce message a été envoyé automatiquement ; merci de ne pas y répondre.";

/// Why a message was not sent. The texts are French: they are reported back to the staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// No SMTP relay is configured (`SESAME_SMTP_URL`).
    #[error("l'envoi de courriels n'est pas configuré sur ce serveur")]
    NotConfigured,
    /// The recipient is not a valid e-mail address.
    #[error("adresse électronique invalide : {0}")]
    InvalidAddress(String),
    /// The relay could not be reached or refused the message. Never holds the message body.
    #[error("échec de l'envoi : {0}")]
    Transport(String),
}

/// One message for `send_many`. Its `Debug` leaves the body out (it holds a password).
#[derive(Clone)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Outgoing {
    pub fn new(
        to: impl Into<String>,
        subject: impl Into<String>,
        body: impl Into<String>,
    ) -> Outgoing {
        Outgoing {
            to: to.into(),
            subject: subject.into(),
            body: body.into(),
        }
    }
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("to_domain", &domain_of(&self.to))
            .field("subject", &self.subject)
            .field("body", &"<redacted>")
            .finish()
    }
}

/// How to reach the relay, resolved from the configuration.
#[derive(Clone)]
pub struct SmtpSettings {
    /// `smtp://host:port`, `smtp://host:587?tls=required`, `smtps://host:465`.
    pub url: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `Name <address>` or a bare address.
    pub from: String,
    /// Timeout of each SMTP step; a whole message gets a few times this.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("url", &"<hidden>")
            .field("username", &self.username.as_ref().map(|_| "<set>"))
            .field("password", &self.password.as_ref().map(|_| "<set>"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Sends e-mail through the configured relay, or refuses with `NotConfigured` when there is
/// none. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Mailer {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Whole-message deadline, on top of lettre's per-step timeout.
    deadline: Duration,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mailer");
        d.field("configured", &self.is_configured());
        if let Some(inner) = &self.inner {
            d.field("from", &inner.from.to_string());
        }
        d.finish()
    }
}

impl Mailer {
    /// A mailer that sends nothing: every send answers `NotConfigured`.
    pub fn disabled() -> Mailer {
        Mailer { inner: None }
    }

    /// From `SESAME_SMTP_*` / `SESAME_MAIL_FROM`: disabled without `SESAME_SMTP_URL`, an error
    /// (at start-up, not at the first send) when what is set is unusable.
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        let Some(url) = config
            .smtp_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        else {
            if config.smtp_username.is_some() || config.smtp_password.is_some() {
                tracing::warn!("SMTP credentials are set without SESAME_SMTP_URL: e-mail is off");
            }
            return Ok(Mailer::disabled());
        };
        Mailer::new(&SmtpSettings {
            url: url.to_owned(),
            username: config.smtp_username.clone(),
            password: config.smtp_password.clone(),
            from: config.mail_from.clone(),
            timeout: Duration::from_secs(config.smtp_timeout_secs.max(1)),
        })
    }

    /// A mailer for this relay. Builds the transport only: nothing is contacted until a send.
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Mailer> {
        // Error texts name the variable, never its value: the URL may hold credentials.
        let from: Mailbox = settings
            .from
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("SESAME_MAIL_FROM is not a valid sender ({e})"))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.url.trim())
            .map_err(|e| {
                anyhow::anyhow!(
                    "SESAME_SMTP_URL is not usable ({}); expected smtp://host:port, \
                     smtp://host:587?tls=required or smtps://host:465",
                    error_kind(&e)
                )
            })?
            .timeout(Some(settings.timeout));
        match (&settings.username, &settings.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (None, None) => {}
            _ => bail!("SESAME_SMTP_USERNAME and SESAME_SMTP_PASSWORD go together"),
        }
        let transport = builder.build();
        tracing::info!(from = %from.email.domain(), "SMTP e-mail enabled");
        Ok(Mailer {
            inner: Some(Arc::new(Inner {
                transport,
                from,
                deadline: settings.timeout * 6,
            })),
        })
    }

    pub fn is_configured(&self) -> bool {
        self.inner.is_some()
    }

    /// Sends one UTF-8 text/plain message.
    pub async fn send(&self, to: &str, subject: &str, body_text: &str) -> Result<(), MailError> {
        let address = parse_recipient(to)?;
        let inner = self.inner.as_ref().ok_or(MailError::NotConfigured)?;
        let domain = address.domain().to_owned();
        let message = Message::builder()
            .from(inner.from.clone())
            .to(Mailbox::new(None, address))
            .subject(one_line(subject))
            .message_id(Some(format!(
                "<{}@{}>",
                uuid::Uuid::new_v4().simple(),
                inner.from.email.domain()
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(body_text.to_owned())
            .map_err(|e| MailError::Transport(format!("message invalide ({e})")))?;
        let outcome = tokio::time::timeout(inner.deadline, inner.transport.send(message)).await;
        match outcome {
            Ok(Ok(_)) => {
                tracing::debug!(domain = %domain, "e-mail sent");
                Ok(())
            }
            Ok(Err(e)) => {
                tracing::warn!(
                    domain = %domain,
                    code = e.status().map(|c| c.to_string()),
                    kind = error_kind(&e),
                    "e-mail not sent"
                );
                Err(MailError::Transport(scrub(&e.to_string(), body_text)))
            }
            Err(_) => {
                tracing::warn!(domain = %domain, "e-mail not sent: deadline exceeded");
                Err(MailError::Transport(format!(
                    "le serveur de courriel n'a pas répondu dans les {} s",
                    inner.deadline.as_secs()
                )))
            }
        }
    }

    /// Sends every message, `SEND_CONCURRENCY` at a time; the results are in the messages'
    /// order. One failure does not stop the others.
    pub async fn send_many(&self, messages: Vec<Outgoing>) -> Vec<Result<(), MailError>> {
        if messages.is_empty() {
            return Vec::new();
        }
        let mut domains: BTreeMap<String, usize> = BTreeMap::new();
        for m in &messages {
            *domains.entry(domain_of(&m.to)).or_default() += 1;
        }
        let results: Vec<Result<(), MailError>> = stream::iter(messages)
            .map(|m| async move { self.send(&m.to, &m.subject, &m.body).await })
            .buffered(SEND_CONCURRENCY)
            .collect()
            .await;
        let failed = results.iter().filter(|r| r.is_err()).count();
        tracing::info!(
            total = results.len(),
            sent = results.len() - failed,
            failed,
            domains = ?domains,
            "e-mail batch done"
        );
        results
    }
}

/// The subject and body of a guardian's credentials e-mail, from the same text as the letter.
pub fn guardian_credentials_message(
    establishment_name: &str,
    person_display_name: &str,
    identifier: &str,
    provisional_password: Option<&str>,
    variant: LetterVariant,
    configured_url: Option<&str>,
) -> (String, String) {
    let letter = Letter::build(LetterInput {
        kind: AccountKind::Guardian,
        variant,
        establishment_name,
        person_display_name,
        identifier,
        provisional_password,
        configured_url,
    });
    let subject = one_line(&format!(
        "Votre compte ÉduConnect — {}",
        establishment_name.trim()
    ));
    let body = format!("{}\n\n-- \n{NO_REPLY_LINE}\n", letter.to_plain_text());
    (subject, body)
}

/// Validates a recipient (trimmed) as an e-mail address.
pub fn parse_recipient(to: &str) -> Result<Address, MailError> {
    let trimmed = to.trim();
    trimmed
        .parse::<Address>()
        .map_err(|_| MailError::InvalidAddress(one_line(trimmed)))
}

/// The domain of an address, for logs ("?" when there is none).
fn domain_of(to: &str) -> String {
    to.trim()
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "?".to_owned())
}

/// Header values on one line: control characters (CR, LF, tabs) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// What went wrong, without any text: for logs.
fn error_kind(e: &lettre::transport::smtp::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_permanent() {
        "permanent"
    } else if e.is_transient() {
        "transient"
    } else if e.is_tls() {
        "tls"
    } else if e.is_response() {
        "response"
    } else if e.is_client() {
        "client"
    } else {
        "connection"
    }
}

/// A transport error's text, safe to show and store: anything of the body a relay echoed back
/// (a rejected message quoted in the reply) is masked, and the text is bounded.
fn scrub(error_text: &str, body: &str) -> String {
    let mut text = one_line(error_text);
    let mut words: Vec<&str> = body
        .split(|c: char| c.is_whitespace())
        .map(|w| w.trim_matches(|c: char| c.is_ascii_punctuation()))
        .filter(|w| w.chars().count() >= 6)
        .collect();
    // Longest first, so that a word containing another is masked whole.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    for w in words {
        if text.contains(w) {
            text = text.replace(w, "[…]");
        }
    }
    if text.chars().count() > MAX_ERROR_LEN {
        text = text.chars().take(MAX_ERROR_LEN).collect::<String>() + "…";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_masks_what_the_relay_echoed() {
        let body = "Identifiant : paul.martin3\nMot de passe provisoire : PT4HUMM2\n";
        let s = scrub(
            "permanent error (554): rejected: Mot de passe provisoire : PT4HUMM2",
            body,
        );
        assert!(!s.contains("PT4HUMM2"), "{s}");
        assert!(s.starts_with("permanent error (554)"), "{s}");
        let long = "x".repeat(1000);
        assert!(scrub(&long, "").chars().count() <= MAX_ERROR_LEN + 1);
    }

    #[test]
    fn outgoing_debug_hides_the_body() {
        let m = Outgoing::new(
            "a@example.fr",
            "Sujet",
            "Mot de passe provisoire : PT4HUMM2",
        );
        let d = format!("{m:?}");
        assert!(
            !d.contains("PT4HUMM2") && !d.contains("a@example.fr"),
            "{d}"
        );
        assert!(d.contains("example.fr"));
    }

    #[test]
    fn recipients_are_validated() {
        assert!(parse_recipient(" parent@example.fr ").is_ok());
        for bad in ["", "parent", "parent@", "@example.fr", "a b@example.fr"] {
            assert!(
                matches!(parse_recipient(bad), Err(MailError::InvalidAddress(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn bad_settings_fail_at_start() {
        let ok = SmtpSettings {
            url: "smtp://127.0.0.1:2525".into(),
            username: None,
            password: None,
            from: DEFAULT_FROM.into(),
            timeout: Duration::from_secs(10),
        };
        assert!(Mailer::new(&ok).unwrap().is_configured());
        for url in [
            "smtp://relay.example.fr:587?tls=required",
            "smtps://relay.example.fr:465",
        ] {
            let s = SmtpSettings {
                url: url.into(),
                ..ok.clone()
            };
            assert!(Mailer::new(&s).is_ok(), "{url}");
        }
        let bad_url = SmtpSettings {
            url: "http://user:hunter22@relay".into(),
            ..ok.clone()
        };
        let e = Mailer::new(&bad_url).unwrap_err().to_string();
        assert!(!e.contains("hunter22"), "{e}");
        let bad_from = SmtpSettings {
            from: "not an address".into(),
            ..ok.clone()
        };
        assert!(Mailer::new(&bad_from).is_err());
        let half = SmtpSettings {
            username: Some("u".into()),
            ..ok
        };
        assert!(Mailer::new(&half).is_err());
    }

    #[test]
    fn guardian_message_subject_and_body() {
        let (subject, body) = guardian_credentials_message(
            "CLG Jean Zay\n",
            "Paul Martin",
            "paul.martin3",
            Some("PT4HUMM2"),
            LetterVariant::Provisional,
            None,
        );
        assert_eq!(subject, "Votre compte ÉduConnect — CLG Jean Zay");
        assert!(body.contains("Identifiant : paul.martin3"));
        assert!(body.contains("Mot de passe provisoire : PT4HUMM2"));
        assert!(body.contains(sesame_core::letter::NATIONAL_PORTAL_URL));
        assert!(body.contains("Bonjour Paul Martin,"));
        assert!(body.trim_end().ends_with(NO_REPLY_LINE));
    }
}
