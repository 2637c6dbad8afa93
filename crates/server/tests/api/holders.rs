//! The account holders' side, as a pupil or a parent meets it: logging in with the provisional
//! password, choosing a password (which activates the account), identical refusals whatever
//! went wrong, throttling, a regenerated identifier taking over at its effective time, and a
//! guardian reporting a wrong link. Every test runs on SQLite and PostgreSQL.

use crate::common;

use crate::common::{without_request_id, TestApp};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::{json, Value};
use sesame_demo::{DEMO_PASSWORD, LP_UAI};
use sesame_store::entities::{account, audit_event, guardian_link};

const NEW_PASSWORD: &str = "Soleil-d'automne-2026";

async fn load(app: &TestApp) {
    sesame_demo::load_demo(&app.state.store, &app.state.secrets, &app.state.hasher)
        .await
        .expect("demo loads");
}

/// Accounts of LP pupils in `state`, by id.
async fn lp_students(app: &TestApp, state: &str) -> Vec<account::Model> {
    common::pupils_in_state(app, LP_UAI, state).await
}

async fn guardian(app: &TestApp, state: &str, origin: &str) -> account::Model {
    account::Entity::find()
        .filter(account::Column::Kind.eq("guardian"))
        .filter(account::Column::State.eq(state))
        .filter(account::Column::Origin.eq(origin))
        .order_by_asc(account::Column::Id)
        .one(&app.state.store.db)
        .await
        .unwrap()
        .expect("such a guardian in the demo")
}

fn provisional(app: &TestApp, acc: &account::Model) -> String {
    app.state
        .secrets
        .open(acc.provisional_password_enc.as_deref().unwrap(), &acc.id)
        .unwrap()
}

async fn login(app: &TestApp, identifier: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/account/login",
        None,
        &json!({ "identifier": identifier, "password": password }),
    )
    .await
}

async fn token(app: &TestApp, identifier: &str, password: &str) -> (String, bool) {
    let r = login(app, identifier, password).await;
    assert_eq!(r.status(), 200, "login of {identifier}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["must_change_password"].as_bool().unwrap(),
    )
}

async fn change(app: &TestApp, token: &str, current: &str, new: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/account/password",
        Some(token),
        &json!({ "current_password": current, "new_password": new }),
    )
    .await
}

async fn problem(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    r.json().await.unwrap()
}

http_test! {
    async fn a_pupil_activates_the_account_by_choosing_a_password(app: TestApp) {
        load(&app).await;
        let acc = lp_students(&app, "notified_not_activated").await.remove(0);
        assert!(acc.activated_at.is_none() && acc.last_login_at.is_none());
        let pw = provisional(&app, &acc);

        // The provisional password logs in, and must be replaced.
        let (tok, must_change) = token(&app, &acc.identifier, &pw).await;
        assert!(must_change);
        assert!(common::account_row(&app, &acc.id).await.last_login_at.is_some(), "the login is dated");
        let me: Value = app.get("/api/v1/account/me", Some(&tok)).await.json().await.unwrap();
        assert_eq!(me["identifier"], acc.identifier.as_str());
        assert_eq!(me["kind"], "student");
        assert_eq!(me["state"], "notified_not_activated");
        assert_eq!(me["must_change_password"], true);

        // The policy speaks French and names the field.
        let p = problem(change(&app, &tok, &pw, "motdepasse").await, 422).await;
        assert_eq!(p["errors"][0]["field"], "new_password");
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("trois types de caractères"), "{p}");
        let p = problem(change(&app, &tok, &pw, "Ab1!").await, 422).await;
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("au moins 8 caractères"), "{p}");
        // The current password must be right.
        let p = problem(change(&app, &tok, "PASFAUX2", NEW_PASSWORD).await, 422).await;
        assert_eq!(p["errors"][0]["field"], "current_password");
        assert_eq!(common::account_row(&app, &acc.id).await.state, "notified_not_activated");

        let r = change(&app, &tok, &pw, NEW_PASSWORD).await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body, json!({ "state": "activated", "activated_now": true, "email_confirmation_sent": false }));

        // The account is activated, dated, and holds only a hash of the chosen password.
        let after = common::account_row(&app, &acc.id).await;
        assert_eq!(after.state, "activated");
        assert!(after.activated_at.is_some());
        assert_eq!(after.distributed_at, acc.distributed_at, "first distribution date kept");
        assert!(after.provisional_password_enc.is_none());
        assert!(!after.must_change_password);
        let hash = after.password_hash.as_deref().unwrap();
        assert!(hash.starts_with("$argon2id$") && !hash.contains(NEW_PASSWORD));

        // The provisional password no longer works; the chosen one does, with nothing to change.
        problem(login(&app, &acc.identifier, &pw).await, 401).await;
        let (tok, must_change) = token(&app, &acc.identifier, NEW_PASSWORD).await;
        assert!(!must_change);
        let me: Value = app.get("/api/v1/account/me", Some(&tok)).await.json().await.unwrap();
        assert_eq!(me["state"], "activated");

        // Changing it again keeps the activation date.
        let r = change(&app, &tok, NEW_PASSWORD, "Encore-un-autre-9").await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["activated_now"], false);
        assert_eq!(common::account_row(&app, &acc.id).await.activated_at, after.activated_at);

        // Audited as the account holder, filed under the pupil's establishment.
        let events = audit_event::Entity::find()
            .filter(audit_event::Column::ActorKind.eq("account"))
            .filter(audit_event::Column::Actor.eq(acc.identifier.clone()))
            .all(&app.state.store.db)
            .await
            .unwrap();
        let actions: Vec<(&str, &str)> = events.iter().map(|e| (e.action.as_str(), e.outcome.as_str())).collect();
        assert!(actions.contains(&("account.login", "success")), "{actions:?}");
        assert!(actions.contains(&("account.password_change", "success")), "{actions:?}");
        assert!(actions.contains(&("account.password_change", "failure")), "{actions:?}");
        assert!(events.iter().all(|e| e.uai.as_deref() == Some(LP_UAI)));
        assert!(events.iter().all(|e| !e.detail.contains(NEW_PASSWORD) && !e.detail.contains(&pw)));
    }
}

http_test! {
    async fn every_refused_login_looks_the_same(app: TestApp) {
        load(&app).await;
        let active = lp_students(&app, "activated").await.remove(0);
        let not_notified = lp_students(&app, "not_notified").await.remove(0);
        let franceconnect = guardian(&app, "activated", "franceconnect").await;
        // The right password logs in.
        token(&app, &active.identifier, DEMO_PASSWORD).await;

        let mut answers = vec![];
        for (identifier, password) in [
            (active.identifier.as_str(), "mauvais-mot-de-passe"),
            ("personne.inconnue999", DEMO_PASSWORD),
            (not_notified.identifier.as_str(), DEMO_PASSWORD),
            (franceconnect.identifier.as_str(), DEMO_PASSWORD),
        ] {
            let r = login(&app, identifier, password).await;
            assert_eq!(r.headers()["www-authenticate"], "Bearer");
            let p = problem(r, 401).await;
            assert!(p["type"].as_str().unwrap().ends_with("invalid-credentials"));
            answers.push(without_request_id(p));
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
        assert!(common::account_row(&app, &not_notified.id).await.last_login_at.is_none());

        // Missing fields are named.
        let p = problem(login(&app, " ", "x").await, 422).await;
        assert_eq!(p["errors"][0]["field"], "identifier");
        let p = problem(login(&app, &active.identifier, "").await, 422).await;
        assert_eq!(p["errors"][0]["field"], "password");
        let r = app.post_json("/api/v1/account/login", None, &json!({ "identifier": "x" })).await;
        let p = problem(r, 422).await;
        assert_eq!(p["errors"][0]["field"], "password");
    }
}

http_test! {
    async fn repeated_failures_are_throttled(app: TestApp) {
        load(&app).await;
        let acc = lp_students(&app, "activated").await.remove(0);
        for _ in 0..5 {
            problem(login(&app, &acc.identifier, "mauvais-mot-de-passe").await, 401).await;
        }
        let r = login(&app, &acc.identifier, DEMO_PASSWORD).await;
        let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry > 0 && retry <= 300, "{retry}");
        problem(r, 429).await;
        // The lock is per identifier: another pupil is not affected.
        let other = lp_students(&app, "activated").await.remove(1);
        token(&app, &other.identifier, DEMO_PASSWORD).await;
    }
}

http_test! {
    async fn a_regenerated_identifier_takes_over_at_its_effective_time(app: TestApp) {
        load(&app).await;
        let acc = lp_students(&app, "activated").await.remove(0);
        let old = acc.identifier.clone();
        let new = "nouvel.identifiant114";
        let set_pending = |at: chrono::DateTime<Utc>| {
            let mut m = acc.clone().into_active_model();
            m.pending_identifier = Set(Some(new.to_owned()));
            m.pending_effective_at = Set(Some(at));
            m.pending_requested_at = Set(Some(Utc::now()));
            m
        };

        // Requested, effective tomorrow: the old identifier still works, the new one not yet.
        set_pending(Utc::now() + Duration::days(1)).update(&app.state.store.db).await.unwrap();
        token(&app, &old, DEMO_PASSWORD).await;
        problem(login(&app, new, DEMO_PASSWORD).await, 401).await;

        // Its time has come, the switch not yet applied to the row: only the new one works,
        // with the same password.
        set_pending(Utc::now() - Duration::minutes(1)).update(&app.state.store.db).await.unwrap();
        let (tok, _) = token(&app, new, DEMO_PASSWORD).await;
        token(&app, "Nouvel.Identifiant114", DEMO_PASSWORD).await;
        problem(login(&app, &old, DEMO_PASSWORD).await, 401).await;
        let me: Value = app.get("/api/v1/account/me", Some(&tok)).await.json().await.unwrap();
        assert_eq!(me["identifier"], new);

        // Once the switch is applied the same holds.
        let mut m = common::account_row(&app, &acc.id).await.into_active_model();
        m.identifier = Set(new.to_owned());
        m.previous_identifier = Set(Some(old.clone()));
        m.pending_identifier = Set(None);
        m.pending_effective_at = Set(None);
        m.update(&app.state.store.db).await.unwrap();
        token(&app, new, DEMO_PASSWORD).await;
        problem(login(&app, &old, DEMO_PASSWORD).await, 401).await;
    }
}

http_test! {
    async fn a_guardian_reports_a_wrong_link(app: TestApp) {
        load(&app).await;
        // A parent who registered themself, linked to an LP pupil, link not reported.
        let lp_ids = common::student_ids_at(&app, LP_UAI).await;
        let candidates = account::Entity::find()
            .filter(account::Column::Kind.eq("guardian"))
            .filter(account::Column::State.eq("activated"))
            .filter(account::Column::Origin.eq("guardian"))
            .order_by_asc(account::Column::Id)
            .all(&app.state.store.db)
            .await
            .unwrap();
        let mut chosen = None;
        for g in candidates {
            let link = guardian_link::Entity::find()
                .filter(guardian_link::Column::GuardianId.eq(g.id.clone()))
                .filter(guardian_link::Column::StudentId.is_in(lp_ids.clone()))
                .filter(guardian_link::Column::ReportedWrong.eq(false))
                .one(&app.state.store.db)
                .await
                .unwrap();
            if let Some(l) = link {
                chosen = Some((g, l));
                break;
            }
        }
        let (parent, link) = chosen.expect("an LP parent");
        let (tok, must_change) = token(&app, &parent.identifier, DEMO_PASSWORD).await;
        assert!(!must_change);

        // The parent sees their children, to pick the wrong one.
        let me: Value = app.get("/api/v1/account/me", Some(&tok)).await.json().await.unwrap();
        assert_eq!(me["kind"], "guardian");
        let child = me["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student_id"] == link.student_id.as_str())
            .unwrap_or_else(|| panic!("{me}"));
        assert_eq!(child["reported_wrong"], false);
        assert_eq!(child["uai"], LP_UAI);

        let path = format!("/api/v1/account/links/{}/report", link.student_id);
        let r = app.post_json(&path, Some(&tok), &json!({})).await;
        assert_eq!(r.status(), 200);
        let first: Value = r.json().await.unwrap();
        assert_eq!(first["reported_wrong"], true);
        assert_eq!(first["student_id"], link.student_id.as_str());
        let stored = guardian_link::Entity::find_by_id((parent.id.clone(), link.student_id.clone()))
            .one(&app.state.store.db)
            .await
            .unwrap()
            .unwrap();
        assert!(stored.reported_wrong && stored.reported_at.is_some());

        // Again: nothing changes, same date.
        let again: Value = app.post_json(&path, Some(&tok), &json!({})).await.json().await.unwrap();
        assert_eq!(again["reported_at"], first["reported_at"]);

        // The school sees it in its guardians search.
        let head = {
            let r = app
                .post_json(
                    "/api/v1/auth/login",
                    None,
                    &json!({
                        "username": "principal",
                        "password": DEMO_PASSWORD,
                        "totp_code": common::totp_now(sesame_demo::DEMO_TOTP_SECRET),
                    }),
                )
                .await;
            r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
        };
        let r = app
            .get(&format!("/api/v1/establishments/{LP_UAI}/guardians?link_reported=true&per_page=500"), Some(&head))
            .await;
        assert_eq!(r.status(), 200);
        let found: Value = r.json().await.unwrap();
        assert!(found["items"].as_array().unwrap().iter().any(|g| g["id"] == parent.id.as_str()), "{found}");

        // Audited under the pupil's establishment.
        let event = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("account.link_report"))
            .one(&app.state.store.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(event.actor_kind, "account");
        assert_eq!(event.uai.as_deref(), Some(LP_UAI));

        // A pupil they are not linked to: as if it did not exist.
        let stranger = lp_students(&app, "activated").await.into_iter().find(|s| s.id != link.student_id).unwrap();
        let r = app.post_json(&format!("/api/v1/account/links/{}/report", stranger.id), Some(&tok), &json!({})).await;
        problem(r, 404).await;

        // Pupils cannot report links.
        let (pupil, _) = token(&app, &stranger.identifier, DEMO_PASSWORD).await;
        let r = app.post_json(&path, Some(&pupil), &json!({})).await;
        problem(r, 403).await;
    }
}

http_test! {
    async fn account_and_staff_tokens_do_not_mix(app: TestApp) {
        load(&app).await;
        let acc = lp_students(&app, "activated").await.remove(0);
        let (holder, _) = token(&app, &acc.identifier, DEMO_PASSWORD).await;
        let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/statistics"), Some(&holder)).await;
        problem(r, 401).await;
        let r = app.get("/api/v1/me", Some(&holder)).await;
        problem(r, 401).await;

        let teacher = {
            let r = app
                .post_json("/api/v1/auth/login", None, &json!({ "username": "teacher", "password": DEMO_PASSWORD }))
                .await;
            r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
        };
        problem(app.get("/api/v1/account/me", Some(&teacher)).await, 401).await;
        problem(change(&app, &teacher, DEMO_PASSWORD, NEW_PASSWORD).await, 401).await;
        problem(app.get("/api/v1/account/me", None).await, 401).await;
    }
}
