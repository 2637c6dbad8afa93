//! Issue 14, self-service by e-mail: « mot de passe oublié » and « identifiant oublié » through
//! a confirmed address, and a guardian's self-registration. Links are single-use, expire,
//! are replaced by newer ones; requests answer the same whether or not an account matches;
//! requests are throttled. Every test runs on SQLite and PostgreSQL.

use std::time::{Duration, Instant};

use crate::common::{self, demo_login, TestApp};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::{json, Value};
use sesame_demo::{DEMO_PASSWORD, LP_UAI};
use sesame_store::entities::{account, guardian, guardian_link, holder_token, student};

const PUBLIC: &str = "https://sesame.example.fr";
const NEW_PASSWORD: &str = "Cerisier-en-fleur-2027";
const WAIT: Duration = Duration::from_secs(10);

/// Each test once per engine, on the demo with an SMTP sink and the public URL.
macro_rules! both {
    ($($test:tt)*) => {
        mail_test!(PUBLIC, $($test)*);
    };
}

/// An activated LP pupil (demo password) whose address `email` is confirmed.
async fn pupil_with_confirmed_email(app: &TestApp, email: &str) -> account::Model {
    nth_pupil_with_confirmed_email(app, email, 0).await
}

async fn nth_pupil_with_confirmed_email(app: &TestApp, email: &str, nth: u64) -> account::Model {
    let acc = common::pupils_in_state(app, LP_UAI, "activated")
        .await
        .into_iter()
        .nth(nth as usize)
        .unwrap();
    let mut active = acc.into_active_model();
    active.email = Set(Some(email.to_owned()));
    active.email_validated = Set(true);
    active.update(&app.state.store.db).await.unwrap()
}

async fn answer(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

async fn recover(app: &TestApp, email: &str, forgotten: &str) -> (u16, String) {
    answer(
        app.post_json(
            "/api/v1/account/recovery",
            None,
            &json!({ "email": email, "forgotten": forgotten }),
        )
        .await,
    )
    .await
}

fn token_in(text: &str) -> String {
    let start = text.find("#jeton=").expect("a link with its token") + "#jeton=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn set_password(app: &TestApp, path: &str, token: &str, password: &str) -> reqwest::Response {
    app.post_json(
        path,
        None,
        &json!({ "token": token, "new_password": password }),
    )
    .await
}

async fn login_status(app: &TestApp, identifier: &str, password: &str) -> u16 {
    app.post_json(
        "/api/v1/account/login",
        None,
        &json!({ "identifier": identifier, "password": password }),
    )
    .await
    .status()
    .as_u16()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

both! {
    async fn a_forgotten_password_is_replaced_once_through_the_confirmed_address(app, sink) {
        let pupil = pupil_with_confirmed_email(&app, "famille.martin@exemple.fr").await;
        let (status, body) = recover(&app, "Famille.Martin@exemple.fr", "password").await;
        assert_eq!(status, 202, "{body}");
        let mails = sink.wait_for(1, WAIT).await;
        assert_eq!(mails[0].to, ["famille.martin@exemple.fr"]);
        let text = mails[0].text();
        assert!(text.contains(&format!("{PUBLIC}/compte?etape=nouveau-mot-de-passe#jeton=")), "{text}");
        assert!(text.contains(&pupil.identifier));
        let token = token_in(&text);

        // The policy first: a refused password does not spend the link.
        let r = set_password(&app, "/api/v1/account/recovery/password", &token, "simple").await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "new_password");
        // A link of another purpose does not open this one.
        let r = set_password(&app, "/api/v1/account/registration/password", &token, NEW_PASSWORD).await;
        assert_eq!(r.status(), 422);

        let r = set_password(&app, "/api/v1/account/recovery/password", &token, NEW_PASSWORD).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["identifier"], pupil.identifier.as_str());
        assert_eq!(body["state"], "activated");
        assert_eq!(login_status(&app, &pupil.identifier, DEMO_PASSWORD).await, 401);
        assert_eq!(login_status(&app, &pupil.identifier, NEW_PASSWORD).await, 200);

        // Replayed: refused, and the password stays.
        let r = set_password(&app, "/api/v1/account/recovery/password", &token, "Un-autre-essai-9").await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "token");
        assert_eq!(login_status(&app, &pupil.identifier, NEW_PASSWORD).await, 200);
    }
}

both! {
    async fn links_expire_and_a_newer_one_replaces_the_older(app, sink) {
        let pupil = pupil_with_confirmed_email(&app, "parent.expire@exemple.fr").await;
        recover(&app, "parent.expire@exemple.fr", "password").await;
        recover(&app, "parent.expire@exemple.fr", "password").await;
        let mails = sink.wait_for(2, WAIT).await;
        let (first, second) = (token_in(&mails[0].text()), token_in(&mails[1].text()));
        assert_ne!(first, second);
        // Which came first is the one issued first: the older is spent by the newer.
        let rows = holder_token::Entity::find()
            .filter(holder_token::Column::AccountId.eq(pupil.id.clone()))
            .all(&app.state.store.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.iter().filter(|r| r.used_at.is_none()).count(), 1, "one usable link");
        let live = rows.iter().find(|r| r.used_at.is_none()).unwrap();
        let (old, new) = if sesame_store::repo::holder_tokens::link_token_hash(&first) == live.token_hash {
            (second, first)
        } else {
            (first, second)
        };
        let r = set_password(&app, "/api/v1/account/recovery/password", &old, NEW_PASSWORD).await;
        assert_eq!(r.status(), 422, "the replaced link");
        // 30 minutes pass.
        let mut expired = live.clone().into_active_model();
        expired.expires_at = Set(Utc::now() - chrono::Duration::seconds(1));
        expired.update(&app.state.store.db).await.unwrap();
        let r = set_password(&app, "/api/v1/account/recovery/password", &new, NEW_PASSWORD).await;
        assert_eq!(r.status(), 422, "the expired link");
        assert_eq!(login_status(&app, &pupil.identifier, DEMO_PASSWORD).await, 200, "nothing changed");
        // Issued links last 30 minutes.
        let life = (live.expires_at - live.created_at).num_seconds();
        assert!((1795..=1800).contains(&life), "{life} s");
    }
}

both! {
    async fn the_answer_says_nothing_about_who_has_an_account(app, sink) {
        let known = "connu@exemple.fr";
        pupil_with_confirmed_email(&app, known).await;
        // An address on file but never confirmed recovers nothing either.
        let unconfirmed = "pas.confirme@exemple.fr";
        let acc = nth_pupil_with_confirmed_email(&app, "x@exemple.fr", 1).await;
        let mut a = acc.into_active_model();
        a.email = Set(Some(unconfirmed.into()));
        a.email_validated = Set(false);
        a.update(&app.state.store.db).await.unwrap();

        let mut known_times = vec![];
        let mut unknown_times = vec![];
        let mut answers = vec![];
        for i in 0..4 {
            for (email, times) in [(known.to_owned(), &mut known_times), (format!("inconnu{i}@exemple.fr"), &mut unknown_times)] {
                let start = Instant::now();
                answers.push(recover(&app, &email, if i % 2 == 0 { "password" } else { "identifier" }).await);
                times.push(start.elapsed());
            }
        }
        answers.push(recover(&app, unconfirmed, "password").await);
        let first = answers[0].clone();
        assert_eq!(first.0, 202);
        assert!(answers.iter().all(|a| *a == first), "identical status and body: {answers:?}");
        // Both paths look up the address and answer before any e-mail is sent; the medians
        // are printed (not asserted: timing on a shared machine is noise).
        eprintln!(
            "recovery answer medians: known {:?}, unknown {:?}",
            median(known_times),
            median(unknown_times)
        );
        // Only the known, confirmed address received anything: 2 links and 2 reminders.
        let mails = sink.wait_for(4, WAIT).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mails = if sink.messages().len() > mails.len() { sink.messages() } else { mails };
        assert_eq!(mails.len(), 4);
        assert!(mails.iter().all(|m| m.to == [known]));
        assert_eq!(mails.iter().filter(|m| m.text().contains("#jeton=")).count(), 2);
        let reminder = mails.iter().find(|m| m.subject().contains("identifiant")).unwrap();
        assert!(!reminder.text().contains("#jeton="));

        // Registration: a wrong birth date and a right one answer alike.
        let g = registrable_guardian(&app).await;
        let mut wrong = g.request.clone();
        wrong["student_birth_date"] = json!("2001-01-01");
        let a = answer(app.post_json("/api/v1/account/registration", None, &wrong).await).await;
        let b = answer(app.post_json("/api/v1/account/registration", None, &g.request).await).await;
        assert_eq!(a.0, 202);
        assert_eq!(a, b);
    }
}

both! {
    async fn requests_are_throttled_per_address_whether_known_or_not(app, _sink) {
        pupil_with_confirmed_email(&app, "souvent@exemple.fr").await;
        for email in ["souvent@exemple.fr", "jamais.vu@exemple.fr"] {
            for _ in 0..5 {
                assert_eq!(recover(&app, email, "password").await.0, 202);
            }
            let r = app
                .post_json("/api/v1/account/recovery", None, &json!({ "email": email, "forgotten": "password" }))
                .await;
            assert_eq!(r.status(), 429, "{email}");
            assert!(r.headers().contains_key("retry-after"));
        }
        // Malformed input is named, before anything counts.
        let r = app
            .post_json("/api/v1/account/recovery", None, &json!({ "email": "x@y.fr", "forgotten": "tout" }))
            .await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "forgotten");
    }
}

struct Registrable {
    account: account::Model,
    request: Value,
}

/// A demo guardian the school knows with an e-mail address, not notified, not FranceConnect,
/// with a linked pupil whose birth date is known.
async fn registrable_guardian(app: &TestApp) -> Registrable {
    let db = &app.state.store.db;
    let candidates = account::Entity::find()
        .filter(account::Column::Kind.eq("guardian"))
        .filter(account::Column::State.eq("not_notified"))
        .filter(account::Column::Origin.ne("franceconnect"))
        .filter(account::Column::Email.is_not_null())
        .order_by_asc(account::Column::Id)
        .all(db)
        .await
        .unwrap();
    for acc in candidates {
        let g = guardian::Entity::find_by_id(acc.id.clone())
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let links = guardian_link::Entity::find()
            .filter(guardian_link::Column::GuardianId.eq(acc.id.clone()))
            .all(db)
            .await
            .unwrap();
        for l in links {
            let s = student::Entity::find_by_id(l.student_id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            if let Some(birth) = s.birth_date {
                let email = acc.email.clone().unwrap();
                return Registrable {
                    request: json!({
                        // Case and accents as a parent may type them.
                        "family_name": g.family_name.to_lowercase(),
                        "first_name": g.first_name.to_uppercase(),
                        "student_family_name": s.family_name,
                        "student_first_name": s.first_name,
                        "student_birth_date": birth.format("%Y-%m-%d").to_string(),
                        "email": email.to_uppercase(),
                    }),
                    account: acc,
                };
            }
        }
    }
    panic!("no registrable guardian in the demo");
}

both! {
    async fn a_guardian_known_to_the_school_registers_and_is_activated_as_responsable(app, sink) {
        let g = registrable_guardian(&app).await;
        let r = app.post_json("/api/v1/account/registration", None, &g.request).await;
        assert_eq!(r.status(), 202);
        let mails = sink.wait_for(1, WAIT).await;
        assert_eq!(mails[0].to, [g.account.email.clone().unwrap()]);
        let text = mails[0].text();
        assert!(text.contains(&format!("{PUBLIC}/compte?etape=inscription#jeton=")), "{text}");
        assert!(text.contains(&g.account.identifier), "the identifier is told");
        let waiting = common::account_row(&app, &g.account.id).await;
        assert_eq!(waiting.state, "activation_in_progress", "« En cours d'activation » meanwhile");
        assert_eq!(waiting.origin, "guardian");

        let token = token_in(&text);
        let r = set_password(&app, "/api/v1/account/registration/password", &token, NEW_PASSWORD).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["identifier"], g.account.identifier.as_str());
        assert_eq!(body["activated_now"], true);
        let done = common::account_row(&app, &g.account.id).await;
        assert_eq!((done.state.as_str(), done.origin.as_str()), ("activated", "guardian"));
        assert!(done.email_validated, "the link proved the address");
        assert!(done.activated_at.is_some());
        assert_eq!(login_status(&app, &g.account.identifier, NEW_PASSWORD).await, 200);
        let r = set_password(&app, "/api/v1/account/registration/password", &token, NEW_PASSWORD).await;
        assert_eq!(r.status(), 422, "single use");

        // An activated guardian asking again gets no new link (the answer is the same).
        let r = app.post_json("/api/v1/account/registration", None, &g.request).await;
        assert_eq!(r.status(), 202);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(sink.messages().len(), 1);

        // In the journal of the pupil's establishment, as the guardian.
        let uai = app.state.store.holder_home_uai(&done).await.unwrap().unwrap();
        let head = demo_login(&app, "principal").await;
        let journal: Value = app
            .get(&format!("/api/v1/establishments/{uai}/audit?per_page=100"), Some(&head))
            .await
            .json()
            .await
            .unwrap();
        let actions: Vec<&str> = journal["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter(|e| e["actor"] == g.account.identifier.as_str() && e["actor_kind"] == "account")
                    .map(|e| e["action"].as_str().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        assert!(actions.contains(&"account.registration_request"), "{journal}");
        assert!(actions.contains(&"account.registration"), "{journal}");
    }
}

both! {
    async fn a_franceconnect_guardian_gets_no_registration_link(app, sink) {
        let g = registrable_guardian(&app).await;
        let mut fc = common::account_row(&app, &g.account.id).await.into_active_model();
        fc.origin = Set("franceconnect".into());
        fc.update(&app.state.store.db).await.unwrap();
        let r = app.post_json("/api/v1/account/registration", None, &g.request).await;
        assert_eq!(r.status(), 202);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(sink.messages().is_empty());
        assert_eq!(common::account_row(&app, &g.account.id).await.state, "not_notified");
        // A missing field is named.
        let mut bad = g.request.clone();
        bad["student_birth_date"] = json!("12/03/2012");
        let r = app.post_json("/api/v1/account/registration", None, &bad).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "student_birth_date");
    }
}

both! {
    async fn a_registration_link_no_longer_works_once_the_letter_activated_the_account(app, sink) {
        let g = registrable_guardian(&app).await;
        let r = app.post_json("/api/v1/account/registration", None, &g.request).await;
        assert_eq!(r.status(), 202);
        let token = token_in(&sink.wait_for(1, WAIT).await[0].text());
        // Meanwhile the school's letter was used: the account is activated with its origin.
        let mut acc = common::account_row(&app, &g.account.id).await.into_active_model();
        acc.state = Set("activated".into());
        acc.origin = Set("establishment".into());
        acc.update(&app.state.store.db).await.unwrap();
        let r = set_password(&app, "/api/v1/account/registration/password", &token, NEW_PASSWORD).await;
        assert_eq!(r.status(), 422);
        let after = common::account_row(&app, &g.account.id).await;
        assert_eq!(after.origin, "establishment", "the letter's origin stays");
        assert_eq!(after.password_hash, g.account.password_hash, "the password stays");
    }
}
