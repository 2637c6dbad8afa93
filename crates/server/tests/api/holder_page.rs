//! Issue 14, the holder's side from the letter on: with `SESAME_PUBLIC_URL` and no active
//! notification URL, the letter's address (and QR code) is Sésame's `/compte` with the
//! identifier; `/compte` is served the SPA's page with the strict CSP; an e-mail given at
//! activation is confirmed by a single-use link; and the holder's actions are in the
//! establishment's « Journal ». Every test runs on SQLite and PostgreSQL.

use crate::common::{self, demo_login, pdf_pages, without_request_id, TestApp};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use sesame_demo::LP_UAI;
use sesame_store::entities::account;

const PUBLIC: &str = "https://sesame.example.fr";
const NEW_PASSWORD: &str = "Cerisier-en-fleur-2027";

/// Each test once per engine, on the demo with an SMTP sink and the public URL.
macro_rules! both {
    ($($test:tt)*) => {
        mail_test!(&format!("{PUBLIC}/"), $($test)*);
    };
}

async fn lp_student(app: &TestApp, state: &str) -> account::Model {
    common::pupils_in_state(app, LP_UAI, state)
        .await
        .into_iter()
        .next()
        .expect("such a pupil at the LP")
}

async fn json_of(r: reqwest::Response, status: u16) -> Value {
    let got = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body
}

/// The token of the one link in a message, and the link itself.
pub fn link_in(text: &str) -> (String, String) {
    let start = text.find(PUBLIC).expect("a link to the public page");
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let token = link.split("#jeton=").nth(1).expect("token in the fragment");
    (link.clone(), token.to_owned())
}

both! {
    async fn letters_point_to_the_holder_page_with_the_identifier(app, _sink) {
        let head = demo_login(&app, "principal").await;
        let pupil = lp_student(&app, "not_notified").await;
        let r = app
            .post_json(
                &format!("/api/v1/establishments/{LP_UAI}/students/notify"),
                Some(&head),
                &json!({ "ids": [pupil.id], "channel": "letter" }),
            )
            .await;
        let body = json_of(r, 200).await;
        let pdf = app
            .get(
                &format!("/api/v1/documents/{}", body["document_id"].as_str().unwrap()),
                Some(&head),
            )
            .await
            .bytes()
            .await
            .unwrap();
        // A long address wraps on the page: compare without the line breaks.
        let text: String = pdf_pages(&pdf).join("").chars().filter(|c| *c != '\n').collect();
        let identifier = common::account_row(&app, &pupil.id).await.identifier;
        let page = format!("{PUBLIC}/compte?login={identifier}");
        assert!(text.contains(&page), "the letter prints {page}:\n{text}");
    }
}

both! {
    async fn the_page_is_the_spa_with_its_strict_policy_and_no_staff_session(app, _sink) {
        // Without a built SPA the server still answers /compte with its page, not a 404 or
        // a redirection to the staff sign-in, and with the console's CSP.
        let r = app.get("/compte?login=celine.dupont114", None).await;
        assert_eq!(r.status(), 200);
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    }
}

both! {
    async fn an_email_given_at_activation_is_confirmed_once_by_its_link(app, sink) {
        let pupil = lp_student(&app, "notified_not_activated").await;
        let provisional = app
            .state
            .secrets
            .open(pupil.provisional_password_enc.as_deref().unwrap(), &pupil.id)
            .unwrap();
        let r = app
            .post_json(
                "/api/v1/account/login",
                None,
                &json!({ "identifier": pupil.identifier, "password": provisional }),
            )
            .await;
        let token = json_of(r, 200).await["access_token"].as_str().unwrap().to_owned();

        // A malformed address is refused, naming the field; nothing changes.
        let r = app
            .post_json(
                "/api/v1/account/password",
                Some(&token),
                &json!({ "current_password": provisional, "new_password": NEW_PASSWORD, "email": "pas-une-adresse" }),
            )
            .await;
        let p = json_of(r, 422).await;
        assert_eq!(p["errors"][0]["field"], "email");
        assert_eq!(common::account_row(&app, &pupil.id).await.state, "notified_not_activated");

        let r = app
            .post_json(
                "/api/v1/account/password",
                Some(&token),
                &json!({ "current_password": provisional, "new_password": NEW_PASSWORD, "email": " Eleve.Test@Exemple.fr " }),
            )
            .await;
        let body = json_of(r, 200).await;
        assert_eq!(body, json!({ "state": "activated", "activated_now": true, "email_confirmation_sent": true }));
        let after = common::account_row(&app, &pupil.id).await;
        assert_eq!(after.state, "activated", "« Activé » at once");
        assert_eq!(after.email.as_deref(), Some("Eleve.Test@Exemple.fr"));
        assert!(!after.email_validated, "not confirmed before the link is followed");

        let mails = sink.wait_for(1, std::time::Duration::from_secs(10)).await;
        assert_eq!(mails[0].to, ["Eleve.Test@Exemple.fr"]);
        let (link, link_token) = link_in(&mails[0].text());
        assert!(link.starts_with(&format!("{PUBLIC}/compte?etape=confirmation#jeton=")), "{link}");
        assert!(link_token.len() >= 43, "256 bits: {link_token}");
        // Only a hash is stored.
        let stored = sesame_store::entities::holder_token::Entity::find()
            .all(&app.state.store.db)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].token_hash, link_token);
        assert!(!stored[0].token_hash.contains(&link_token));

        let r = app
            .post_json("/api/v1/account/email/confirm", None, &json!({ "token": link_token }))
            .await;
        let body = json_of(r, 200).await;
        assert_eq!(body["identifier"], pupil.identifier.as_str());
        assert!(common::account_row(&app, &pupil.id).await.email_validated);

        // Single use: the same link again is refused, naming the token.
        let r = app
            .post_json("/api/v1/account/email/confirm", None, &json!({ "token": link_token }))
            .await;
        let p = json_of(r, 422).await;
        assert_eq!(p["errors"][0]["field"], "token");
        let r = app
            .post_json("/api/v1/account/email/confirm", None, &json!({ "token": "inconnu" }))
            .await;
        assert_eq!(
            without_request_id(json_of(r, 422).await),
            without_request_id(p),
            "an unknown token reads the same"
        );

        // The holder's actions are in the establishment's « Journal », as the holder.
        let head = demo_login(&app, "principal").await;
        let journal = json_of(
            app.get(&format!("/api/v1/establishments/{LP_UAI}/audit?per_page=100"), Some(&head)).await,
            200,
        )
        .await;
        let mine: Vec<(String, String)> = journal["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["actor"] == pupil.identifier.as_str())
            .map(|e| {
                assert_eq!(e["actor_kind"], "account");
                (e["action"].as_str().unwrap().to_owned(), e["outcome"].as_str().unwrap().to_owned())
            })
            .collect();
        for (action, outcome) in [
            ("account.login", "success"),
            ("account.password_change", "success"),
            ("account.email_confirmation_request", "success"),
            ("account.email_confirm", "success"),
        ] {
            assert!(
                mine.contains(&(action.to_owned(), outcome.to_owned())),
                "{action} in the journal: {mine:?}"
            );
        }
        let text = journal.to_string();
        assert!(!text.contains(&link_token) && !text.contains(NEW_PASSWORD) && !text.contains(&provisional));
    }
}

both! {
    async fn an_activated_holder_adds_an_address_from_their_account(app, sink) {
        let pupil = lp_student(&app, "activated").await;
        let r = app
            .post_json(
                "/api/v1/account/login",
                None,
                &json!({ "identifier": pupil.identifier, "password": sesame_demo::DEMO_PASSWORD }),
            )
            .await;
        let token = json_of(r, 200).await["access_token"].as_str().unwrap().to_owned();
        let r = app
            .post_json("/api/v1/account/email", Some(&token), &json!({ "email": "" }))
            .await;
        assert_eq!(json_of(r, 422).await["errors"][0]["field"], "email");
        assert_eq!(
            app.post_json("/api/v1/account/email", None, &json!({ "email": "a@b.fr" })).await.status(),
            401
        );

        let r = app
            .post_json("/api/v1/account/email", Some(&token), &json!({ "email": "nouvelle@exemple.fr" }))
            .await;
        assert_eq!(
            json_of(r, 200).await,
            json!({ "email": "nouvelle@exemple.fr", "email_confirmation_sent": true })
        );
        let me = json_of(app.get("/api/v1/account/me", Some(&token)).await, 200).await;
        assert_eq!(me["email"], "nouvelle@exemple.fr");
        assert_eq!(me["email_validated"], false);
        let (_, first) = link_in(&sink.wait_for(1, std::time::Duration::from_secs(10)).await[0].text());

        // Changed again before confirming: the first link confirms nothing any more.
        let r = app
            .post_json("/api/v1/account/email", Some(&token), &json!({ "email": "autre@exemple.fr" }))
            .await;
        json_of(r, 200).await;
        let mails = sink.wait_for(2, std::time::Duration::from_secs(10)).await;
        let (_, second) = link_in(&mails[1].text());
        let r = app.post_json("/api/v1/account/email/confirm", None, &json!({ "token": first })).await;
        assert_eq!(r.status(), 422);
        let r = app.post_json("/api/v1/account/email/confirm", None, &json!({ "token": second })).await;
        json_of(r, 200).await;
        let me = json_of(app.get("/api/v1/account/me", Some(&token)).await, 200).await;
        assert_eq!((me["email"].as_str(), me["email_validated"].as_bool()), (Some("autre@exemple.fr"), Some(true)));
    }
}
