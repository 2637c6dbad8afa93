//! The access-control matrix: every role × {own establishment, another one, an unknown one} ×
//! every establishment-scoped endpoint, asserting the exact status. Outside the caller's
//! scope is 404 (like a missing establishment); inside, a role that may not act gets 403.

use crate::common;

use crate::common::*;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;
use sesame_core::permissions::Role;
use sesame_store::repo::establishments::NewEstablishment;
use sesame_store::repo::staff::NewStaff;

const PRIVATE_OUT: &str = "0459999Z";
const UNKNOWN: &str = "0000000A";

struct Fixture {
    tokens: Vec<(&'static str, String)>,
    delegation_for_head_to_revoke: String,
    student: String,
    ent_user: String,
}

/// A student of the LP whose identifier no longer matches the names every source now has
/// (so identifier regeneration is possible).
async fn student(app: &TestApp) -> String {
    use sesame_store::entities::{account, account_source, student};
    let id = sesame_store::ids::new_id();
    let now = chrono::Utc::now();
    let db = &app.state.store.db;
    account::ActiveModel {
        id: Set(id.clone()),
        kind: Set("student".into()),
        identifier: Set("jean.martinn7".into()),
        state: Set("notified_not_activated".into()),
        origin: Set("establishment".into()),
        notified_at: Set(Some(now)),
        distributed_at: Set(Some(now)),
        activated_at: Set(None),
        last_login_at: Set(None),
        email: Set(None),
        email_validated: Set(false),
        phone: Set(None),
        provisional_password_enc: Set(Some(app.state.secrets.seal("PT4HUMM2", &id).unwrap())),
        password_hash: Set(None),
        must_change_password: Set(true),
        pending_identifier: Set(None),
        pending_effective_at: Set(None),
        pending_requested_at: Set(None),
        previous_identifier: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        home_uai: Set(Some(LP.into())),
    }
    .insert(db)
    .await
    .unwrap();
    student::ActiveModel {
        id: Set(id.clone()),
        uai: Set(LP.into()),
        class_id: Set(None),
        mef_id: Set(None),
        family_name: Set("Martin".into()),
        first_name: Set("Jean".into()),
        family_key: Set("martin".into()),
        first_key: Set("jean".into()),
        birth_date: Set(None),
        ine: Set(None),
        source_id: Set(None),
        left_at: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    account_source::ActiveModel {
        id: Set(sesame_store::ids::new_id()),
        account_id: Set(id.clone()),
        source: Set("SIECLE".into()),
        academy: Set("Orléans-Tours".into()),
        aaf_id: Set(None),
        source_id: Set(None),
        family_name: Set("Martin".into()),
        first_name: Set("Jean".into()),
    }
    .insert(db)
    .await
    .unwrap();
    id
}

async fn staff(app: &TestApp, username: &str, totp: bool) -> String {
    let s = app
        .state
        .store
        .create_staff(NewStaff {
            username,
            display_name: username,
            password_hash: app.state.hasher.hash(PASSWORD).unwrap(),
            totp_secret_enc: None,
        })
        .await
        .unwrap();
    if totp {
        app.state
            .store
            .set_staff_totp(
                &s.id,
                Some(app.state.secrets.seal(TOTP_SECRET, &s.id).unwrap()),
            )
            .await
            .unwrap();
    }
    s.id
}

async fn delegate(app: &TestApp, uai: &str, staff_id: &str, module: &str, by: &str) -> String {
    let id = sesame_store::ids::new_id();
    sesame_store::entities::delegation::ActiveModel {
        id: Set(id.clone()),
        uai: Set(uai.into()),
        staff_id: Set(staff_id.into()),
        module: Set(module.into()),
        granted_by: Set(by.into()),
        granted_at: Set(chrono::Utc::now()),
        revoked_by: Set(None),
        revoked_at: Set(None),
    }
    .insert(&app.state.store.db)
    .await
    .unwrap();
    id
}

async fn fixture(app: &TestApp) -> Fixture {
    let store = &app.state.store;
    for (uai, kind, sector) in [
        (LP, "lp", "public"),
        (COLLEGE, "college", "public"),
        (PRIVATE_OUT, "college", "private"),
    ] {
        store
            .insert_establishment(NewEstablishment {
                uai: uai.into(),
                name: format!("Établissement {uai}"),
                kind: kind.into(),
                degree: 2,
                sector: sector.into(),
                academy: "Orléans-Tours".into(),
                private_admin_group: false,
            })
            .await
            .unwrap();
    }
    let head = staff(app, "head", true).await;
    store.add_staff_role(&head, LP, Role::Head).await.unwrap();
    store
        .add_staff_role(&head, PRIVATE_OUT, Role::Head)
        .await
        .unwrap();
    let agent = staff(app, "agent", true).await;
    delegate(app, LP, &agent, "admin", &head).await;
    let teacher = staff(app, "teacher", false).await;
    delegate(app, LP, &teacher, "troubleshooting", &head).await;
    let ent = staff(app, "entadmin", false).await;
    store
        .add_staff_role(&ent, LP, Role::EntAdmin)
        .await
        .unwrap();
    let spare = staff(app, "spare", false).await;
    let delegation_for_head_to_revoke = delegate(app, LP, &spare, "troubleshooting", &head).await;
    staff(app, "spare2", false).await;
    let mut tokens = vec![];
    for name in ["agent", "teacher", "entadmin", "head"] {
        tokens.push((name, login(app, name).await));
    }
    let student = student(app).await;
    let ent = &tokens.iter().find(|(n, _)| *n == "entadmin").unwrap().1;
    let created: serde_json::Value = app
        .post_json(
            &format!("/api/v1/ent/establishments/{LP}/users"),
            Some(ent),
            &json!({"family_name": "Caverot", "first_name": "Paul", "profile": "Élève"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let ent_user = created["user"]["id"]
        .as_str()
        .expect("ENT user created")
        .to_owned();
    Fixture {
        tokens,
        delegation_for_head_to_revoke,
        student,
        ent_user,
    }
}

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: serde_json::Value,
) -> u16 {
    let url = app.url(path);
    let req = match method {
        Method::Get => app.http.get(url),
        Method::Post => app.http.post(url).json(&body),
        Method::Put => app.http.put(url).json(&body),
        Method::Patch => app.http.patch(url).json(&body),
        Method::Delete => app.http.delete(url),
    };
    req.bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn role_index(name: &str) -> usize {
    match name {
        "head" => 0,
        "agent" => 1,
        "teacher" => 2,
        _ => 3,
    }
}

http_test! {
    async fn every_role_gets_exactly_its_rights_everywhere(app: TestApp) {
        let f = fixture(&app).await;
        let cases = common::access_endpoints::ENDPOINTS;
        let mut mismatches = vec![];
        for case in cases {
            let method = match case.method {
                "GET" => Method::Get,
                "POST" => Method::Post,
                "PUT" => Method::Put,
                "PATCH" => Method::Patch,
                "DELETE" => Method::Delete,
                other => panic!("{}: unknown method {other}", case.name),
            };
            // The head goes last: their successful grant/revoke must not change what others see.
            for (role, token) in &f.tokens {
                for (scope, uai) in [("own", LP), ("other", COLLEGE), ("unknown", UNKNOWN)] {
                    let path = case
                        .path
                        .replace("{uai}", uai)
                        .replace("{id}", &f.delegation_for_head_to_revoke)
                        .replace("{student}", &f.student)
                        .replace("{ent_user}", &f.ent_user);
                    let body = serde_json::from_str(
                        &case
                            .body
                            .replace("{student}", &f.student)
                            .replace("{ent_user}", &f.ent_user),
                    )
                    .unwrap();
                    let expected = if scope == "own" { case.own[role_index(role)] } else { 404 };
                    let got = call(&app, method, &path, token, body).await;
                    if got != expected {
                        mismatches.push(format!("{role} {} on {scope}: expected {expected}, got {got}", case.name));
                    }
                }
            }
        }
        // A private establishment outside the private-establishment group: the head keeps
        // sight of it but not the admin module.
        let head = &f.tokens.iter().find(|(r, _)| *r == "head").unwrap().1;
        for (what, method, path, expected) in [
            ("establishment", Method::Get, format!("/api/v1/establishments/{PRIVATE_OUT}"), 200),
            ("delegations", Method::Get, format!("/api/v1/establishments/{PRIVATE_OUT}/delegations"), 403),
            ("audit", Method::Get, format!("/api/v1/establishments/{PRIVATE_OUT}/audit"), 403),
        ] {
            let got = call(&app, method, &path, head, json!(null)).await;
            if got != expected {
                mismatches.push(format!("head {what} of a private establishment outside the group: expected {expected}, got {got}"));
            }
        }
        assert!(mismatches.is_empty(), "access matrix mismatches:\n{}", mismatches.join("\n"));
    }
}
