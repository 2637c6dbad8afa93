//! Guardians' e-mails through a real SMTP session with the in-process sink.

use crate::common;

use std::time::{Duration, Instant};

use crate::common::smtp_sink::{SinkOptions, SmtpSink};
use sesame_core::letter::{LetterVariant, NATIONAL_PORTAL_URL};
use sesame_server::mail::{
    guardian_credentials_message, MailError, Mailer, Outgoing, SmtpSettings, DEFAULT_FROM,
};

const WAIT: Duration = Duration::from_secs(10);
const PASSWORD: &str = "PT4HUMM2";

fn settings(url: &str) -> SmtpSettings {
    SmtpSettings {
        url: url.to_owned(),
        username: None,
        password: None,
        from: DEFAULT_FROM.to_owned(),
        timeout: Duration::from_secs(5),
    }
}

fn mailer_for(sink: &SmtpSink) -> Mailer {
    Mailer::new(&settings(&sink.url)).expect("mailer")
}

fn guardian_message() -> (String, String) {
    guardian_credentials_message(
        "Collège Édouard Hériot",
        "Hélène Lefèvre",
        "helene.lefevre7",
        Some(PASSWORD),
        LetterVariant::Provisional,
        Some("https://ent.example.fr"),
    )
}

#[tokio::test]
async fn a_guardian_message_arrives_intact() {
    let sink = SmtpSink::start().await;
    let mailer = mailer_for(&sink);
    assert!(mailer.is_configured());
    let (subject, body) = guardian_message();
    mailer
        .send(" parent.lefevre@example.fr ", &subject, &body)
        .await
        .expect("sent");

    let got = sink.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let mail = &got[0];
    assert_eq!(mail.to, ["parent.lefevre@example.fr"]);
    assert_eq!(mail.from, "no-reply@sesame.invalid");
    assert_eq!(
        mail.subject(),
        "Votre compte ÉduConnect — Collège Édouard Hériot"
    );
    let content_type = mail.header("Content-Type").unwrap().to_ascii_lowercase();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert!(content_type.contains("charset=utf-8"), "{content_type}");
    assert!(mail
        .header("To")
        .unwrap()
        .contains("parent.lefevre@example.fr"));
    assert!(mail
        .header("Message-ID")
        .unwrap()
        .ends_with("@sesame.invalid>"));
    // The raw data is ASCII: the UTF-8 text went through a transfer encoding.
    assert!(mail.data.is_ascii());

    let text = mail.text();
    assert_eq!(text.trim_end(), body.trim_end().replace("\r\n", "\n"));
    assert!(text.contains("Identifiant : helene.lefevre7"), "{text}");
    assert!(text.contains(&format!("Mot de passe provisoire : {PASSWORD}")));
    assert!(text.contains(NATIONAL_PORTAL_URL));
    assert!(text.contains("https://ent.example.fr"));
    assert!(text.contains("Bonjour Hélène Lefèvre,"));
    assert!(text.contains("La cheffe ou le chef d'établissement"));
    assert!(text.contains("profil « Représentant légal »"));
}

#[tokio::test]
async fn lines_starting_with_a_dot_survive() {
    let sink = SmtpSink::start().await;
    let body = "Bonjour,\n.\n..deux points\n.un point\nfin";
    mailer_for(&sink)
        .send("parent@example.fr", "Essai", body)
        .await
        .unwrap();
    let got = sink.wait_for(1, WAIT).await;
    assert_eq!(got[0].text().trim_end(), body);
    assert_eq!(got[0].subject(), "Essai");
}

#[tokio::test]
async fn a_reset_letter_and_a_franceconnect_reminder() {
    let (_, reset) = guardian_credentials_message(
        "CLG Jean Zay",
        "Paul Martin",
        "paul.martin3",
        Some("GMCB9EBM"),
        LetterVariant::PasswordReset,
        None,
    );
    assert!(reset.contains("Mot de passe provisoire : GMCB9EBM"));
    assert!(reset.contains(NATIONAL_PORTAL_URL));
    let (subject, fc) = guardian_credentials_message(
        "CLG Jean Zay",
        "Paul Martin",
        "paul.martin3",
        Some("GMCB9EBM"),
        LetterVariant::FranceConnect,
        None,
    );
    assert_eq!(subject, "Votre compte ÉduConnect — CLG Jean Zay");
    assert!(!fc.contains("GMCB9EBM"), "no password for FranceConnect");
    assert!(fc.contains("Connexion avec FranceConnect"));
}

#[tokio::test]
async fn an_invalid_address_is_refused_before_any_connection() {
    let sink = SmtpSink::start().await;
    let mailer = mailer_for(&sink);
    for bad in [
        "",
        "parent",
        "parent@",
        "parent@@example.fr",
        "a b@example.fr",
    ] {
        let e = mailer.send(bad, "Sujet", "Corps").await.unwrap_err();
        assert!(matches!(e, MailError::InvalidAddress(_)), "{bad}: {e:?}");
    }
    // Also without a relay: the address is the first thing checked.
    let e = Mailer::disabled()
        .send("nope", "Sujet", "Corps")
        .await
        .unwrap_err();
    assert!(matches!(e, MailError::InvalidAddress(_)));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn without_a_relay_nothing_is_sent() {
    let mailer = Mailer::disabled();
    assert!(!mailer.is_configured());
    let (subject, body) = guardian_message();
    assert_eq!(
        mailer.send("parent@example.fr", &subject, &body).await,
        Err(MailError::NotConfigured)
    );
    let results = mailer
        .send_many(vec![
            Outgoing::new("a@example.fr", &subject, &body),
            Outgoing::new("b@example.fr", &subject, &body),
        ])
        .await;
    assert_eq!(
        results,
        [Err(MailError::NotConfigured), Err(MailError::NotConfigured)]
    );
}

#[tokio::test]
async fn a_refused_recipient_is_reported_without_the_password() {
    let sink = SmtpSink::start_with(SinkOptions {
        reject_rcpt: vec!["refuse@example.fr".into()],
        ..SinkOptions::default()
    })
    .await;
    let mailer = mailer_for(&sink);
    let (subject, body) = guardian_message();
    let results = mailer
        .send_many(vec![
            Outgoing::new("ok1@example.fr", &subject, &body),
            Outgoing::new("refuse@example.fr", &subject, &body),
            Outgoing::new("ok2@example.fr", &subject, &body),
        ])
        .await;
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    let Err(MailError::Transport(text)) = &results[1] else {
        panic!("expected a transport error: {results:?}");
    };
    assert!(text.contains("550"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    let shown = results[1].as_ref().unwrap_err().to_string();
    assert!(shown.starts_with("échec de l'envoi"), "{shown}");
    assert!(!shown.contains(PASSWORD));

    let got = sink.wait_for(2, WAIT).await;
    let mut to: Vec<String> = got.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["ok1@example.fr", "ok2@example.fr"]);
}

#[tokio::test]
async fn a_relay_quoting_the_message_back_does_not_leak_it() {
    let sink = SmtpSink::start_with(SinkOptions {
        reject_data_quoting_body: true,
        ..SinkOptions::default()
    })
    .await;
    let (subject, body) = guardian_message();
    let e = mailer_for(&sink)
        .send("parent@example.fr", &subject, &body)
        .await
        .unwrap_err();
    let MailError::Transport(text) = &e else {
        panic!("{e:?}");
    };
    assert!(text.contains("554"), "{text}");
    // The relay did quote the message: it was masked, not dropped silently.
    assert!(text.contains("[…]"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(!text.contains("helene.lefevre7"), "{text}");
}

#[tokio::test]
async fn an_unreachable_relay_is_a_transport_error() {
    // A port that was free a moment ago: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = Mailer::new(&settings(&format!("smtp://127.0.0.1:{port}"))).unwrap();
    let (subject, body) = guardian_message();
    let e = mailer
        .send("parent@example.fr", &subject, &body)
        .await
        .unwrap_err();
    let MailError::Transport(text) = &e else {
        panic!("{e:?}");
    };
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn credentials_are_used_when_configured() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::new(&SmtpSettings {
        username: Some("sesame".into()),
        password: Some("relay-secret".into()),
        from: "Collège Jean Zay <ent@clg-jean-zay.example.fr>".into(),
        ..settings(&sink.url)
    })
    .unwrap();
    mailer
        .send("parent@example.fr", "Accès", "Bonjour")
        .await
        .unwrap();
    let got = sink.wait_for(1, WAIT).await;
    assert_eq!(got[0].auth_user.as_deref(), Some("sesame"));
    assert_eq!(got[0].from, "ent@clg-jean-zay.example.fr");
    assert!(!format!("{mailer:?}").contains("relay-secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_messages_all_arrive() {
    let sink = SmtpSink::start().await;
    let mailer = mailer_for(&sink);
    let messages: Vec<Outgoing> = (0..50)
        .map(|i| {
            let (subject, body) = guardian_credentials_message(
                "LP LYC METIER Auguste Rodin",
                &format!("Parent {i}"),
                &format!("parent.numero{i}"),
                Some(PASSWORD),
                LetterVariant::Provisional,
                None,
            );
            Outgoing::new(format!("parent{i}@example.fr"), subject, body)
        })
        .collect();
    let started = Instant::now();
    let results = mailer.send_many(messages).await;
    assert_eq!(results.len(), 50);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    let got = sink.wait_for(50, WAIT).await;
    assert_eq!(got.len(), 50);
    let mut to: Vec<String> = got.iter().map(|m| m.to.join(",")).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 50);
    for m in &got {
        let n: String = m.to[0]
            .trim_start_matches("parent")
            .trim_end_matches("@example.fr")
            .to_owned();
        assert!(m
            .text()
            .contains(&format!("Identifiant : parent.numero{n}\n")));
    }
    assert!(started.elapsed() < WAIT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_state_carries_the_configured_mailer() {
    let sink = SmtpSink::start().await;
    let app = common::TestApp::spawn_with(sesame_store::Backend::Sqlite, |c| {
        c.smtp_url = Some(sink.url.clone());
    })
    .await;
    assert!(app.state.mailer.is_configured());
    let (subject, body) = guardian_message();
    app.state
        .mailer
        .send("parent@example.fr", &subject, &body)
        .await
        .unwrap();
    assert_eq!(sink.wait_for(1, WAIT).await[0].to, ["parent@example.fr"]);

    let plain = common::TestApp::spawn(sesame_store::Backend::Sqlite).await;
    assert!(!plain.state.mailer.is_configured());
}

#[test]
fn bad_smtp_settings_stop_the_start() {
    let mut config = common::test_config("sqlite::memory:".into());
    config.smtp_url = Some("ftp://relay.example.fr".into());
    assert!(Mailer::from_config(&config).is_err());
    config.smtp_url = Some("smtp://relay.example.fr:587?tls=required".into());
    config.smtp_username = Some("u".into());
    assert!(
        Mailer::from_config(&config).is_err(),
        "user without password"
    );
    config.smtp_password = Some("p".into());
    assert!(Mailer::from_config(&config).unwrap().is_configured());
    config.smtp_url = Some("  ".into());
    assert!(!Mailer::from_config(&config).unwrap().is_configured());
}
