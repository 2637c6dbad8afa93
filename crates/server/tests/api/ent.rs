//! The ENT directory through HTTP on the demo data set (seed 000).

use crate::common::*;
use serde_json::{json, Value};
use sesame_demo::{LP_UAI, PRIMARY_SCHOOL_UAI, PUBLIC_COLLEGE_UAI};

fn users_path(query: &str) -> String {
    format!("/api/v1/ent/establishments/{PRIMARY_SCHOOL_UAI}/users{query}")
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let r = app.get(path, Some(token)).await;
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

fn logins(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["login"].as_str().unwrap().to_owned())
        .collect()
}

fn find_node<'a>(node: &'a Value, name: &str) -> Option<&'a Value> {
    if node["name"] == name {
        return Some(node);
    }
    node["children"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|c| find_node(c, name))
}

async fn tree(app: &TestApp, token: &str) -> Value {
    get_json(
        app,
        &format!("/api/v1/ent/establishments/{PRIMARY_SCHOOL_UAI}/groups"),
        token,
    )
    .await
}

fn field_errors(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The stored hash of a user checks against `password`, and must be changed at first login.
async fn password_works(app: &TestApp, id: &str, password: &str) {
    let rows = app
        .state
        .store
        .tenant(PRIMARY_SCHOOL_UAI)
        .ent_users_by_ids(&[id.to_owned()])
        .await
        .unwrap();
    let hash = rows[0].password_hash.as_deref().expect("a hash");
    assert!(hash.starts_with("$argon2id$"));
    assert!(app.state.hasher.verify(password, hash));
    assert!(rows[0].must_change_password);
}

http_test! {
    async fn search_pages_twenty_at_a_time(app: TestApp) {
        load_demo(&app).await;
        let token = demo_login(&app, "ent-admin").await;
        let first = get_json(&app, &users_path(""), &token).await;
        assert_eq!(first["total"], 441);
        assert_eq!(first["per_page"], 20);
        assert_eq!(first["page"], 1);
        assert_eq!(first["last_page"], 23);
        assert_eq!(first["items"].as_array().unwrap().len(), 20);
        let item = &first["items"][0];
        assert_eq!(item["establishment"], "E.E.PU-FOURIER I-BESANCON");
        assert!(item["state"] == "Opérationnel" || item["state"] == "Bloqué");
        let second = get_json(&app, &users_path("?page=2"), &token).await;
        assert_eq!(second["page"], 2);
        let (a, b) = (logins(&first), logins(&second));
        assert!(a.iter().all(|l| !b.contains(l)), "page 2 differs");
        let last = get_json(&app, &users_path("?page=23"), &token).await;
        assert_eq!(last["items"].as_array().unwrap().len(), 1);
        let wide = get_json(&app, &users_path("?per_page=100"), &token).await;
        assert_eq!(wide["items"].as_array().unwrap().len(), 100);
        assert_eq!(wide["last_page"], 5);
        let r = app.get(&users_path("?per_page=500"), Some(&token)).await;
        assert_eq!(r.status(), 422);
        let r = app.get(&users_path("?page=0"), Some(&token)).await;
        assert_eq!(r.status(), 422);
        // Technical search: by exact login.
        let login = &a[3];
        let found = get_json(&app, &users_path(&format!("?login={login}")), &token).await;
        assert_eq!(found["total"], 1);
        assert_eq!(found["items"][0]["login"], login.as_str());
    }
}

http_test! {
    async fn search_by_group_profile_and_name(app: TestApp) {
        load_demo(&app).await;
        let token = demo_login(&app, "ent-admin").await;
        let root = tree(&app, &token).await;
        assert_eq!(root["kind"], "establishment");
        assert_eq!(root["id"], PRIMARY_SCHOOL_UAI);
        assert_eq!(root["member_count"], 441);
        let pedagogical = find_node(&root, "Groupes pédagogiques").expect("folder");
        assert_eq!(pedagogical["kind"], "folder");
        let classes = find_node(pedagogical, "Classes").expect("classes folder");
        assert_eq!(classes["children"].as_array().unwrap().len(), 7);
        let ce2 = find_node(classes, "CE2 A - M. CAVEROT").expect("class");
        assert_eq!(ce2["kind"], "class");

        // A class: its pupils (25), their parents, its teacher and staff.
        let q = format!("?group={}&profile=%C3%89l%C3%A8ve&per_page=100", ce2["id"].as_str().unwrap());
        let pupils = get_json(&app, &users_path(&q), &token).await;
        assert_eq!(pupils["total"], 25);
        for it in pupils["items"].as_array().unwrap() {
            assert_eq!(it["profile"], "Élève");
            assert!(it["groups"].as_array().unwrap().iter().any(|g| g == "CE2 A - M. CAVEROT"));
        }
        let everyone = get_json(
            &app,
            &users_path(&format!("?group={}", ce2["id"].as_str().unwrap())),
            &token,
        )
        .await;
        assert_eq!(everyone["total"], ce2["member_count"]);
        assert!(everyone["total"].as_u64().unwrap() > 25);

        // The folder: every class's pupils (22+24+23+25+24+23+26).
        let q = format!("?group={}&profile=%C3%89l%C3%A8ve", classes["id"].as_str().unwrap());
        let all_pupils = get_json(&app, &users_path(&q), &token).await;
        assert_eq!(all_pupils["total"], 167);
        let pupils_anywhere = get_json(&app, &users_path("?profile=%C3%89l%C3%A8ve"), &token).await;
        assert_eq!(pupils_anywhere["total"], 167);

        // Names: prefix, accents and case ignored.
        let q = get_json(&app, &users_path("?family_name=CAVE"), &token).await;
        assert!(q["items"].as_array().unwrap().iter().any(|i| i["family_name"] == "Caverot"));
        let jerome = get_json(&app, &users_path("?first_name=jero&family_name=caverot"), &token).await;
        assert_eq!(jerome["total"], 1);
        assert_eq!(jerome["items"][0]["first_name"], "Jérôme");
        assert_eq!(jerome["items"][0]["subject"], "Polyvalent");
        let accented = get_json(&app, &users_path("?first_name=J%C3%A9R%C3%B4"), &token).await;
        assert!(accented["items"].as_array().unwrap().iter().any(|i| i["first_name"] == "Jérôme"));
        let subject = get_json(&app, &users_path("?subject=Anglais"), &token).await;
        assert_eq!(subject["total"], 1);
        assert_eq!(subject["items"][0]["family_name"], "Bourgeois");

        // Bad input names the field.
        let r = app.get(&users_path("?profile=Pirate"), Some(&token)).await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let body: Value = r.json().await.unwrap();
        assert_eq!(field_errors(&body), vec!["profile"]);
        let r = app.get(&users_path("?group=nope"), Some(&token)).await;
        assert_eq!(r.status(), 422);
        let body: Value = r.json().await.unwrap();
        assert_eq!(field_errors(&body), vec!["group"]);
    }
}

http_test! {
    async fn passwords_are_regenerated_for_one_and_for_a_class(app: TestApp) {
        load_demo(&app).await;
        let token = demo_login(&app, "ent-admin").await;
        let page = get_json(&app, &users_path("?family_name=caverot"), &token).await;
        let teacher = &page["items"][0];
        let id = teacher["id"].as_str().unwrap();
        let login = teacher["login"].as_str().unwrap();
        let r = app
            .post_json(&users_path("/regenerate-password"), Some(&token), &json!({"ids": [id]}))
            .await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        let pw = results[0]["password"].as_str().unwrap();
        assert_eq!(results[0]["login"], login);
        let message = results[0]["message"].as_str().unwrap();
        assert!(message.contains(login) && message.contains(pw), "{message}");
        assert!(message.contains("Jérôme Caverot"));
        password_works(&app, id, pw).await;

        // A whole class, as « Pour la sélection… » over a search.
        let root = tree(&app, &token).await;
        let ce2 = find_node(&root, "CE2 A - M. CAVEROT").unwrap();
        let r = app
            .post_json(
                &users_path("/regenerate-password"),
                Some(&token),
                &json!({"all_matching": {"group": ce2["id"], "profile": "Élève"}}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), 25);
        let mut passwords: Vec<&str> = results.iter().map(|r| r["password"].as_str().unwrap()).collect();
        for r in results {
            let m = r["message"].as_str().unwrap();
            assert!(m.contains(r["login"].as_str().unwrap()) && m.contains(r["password"].as_str().unwrap()));
        }
        let last = &results[24];
        password_works(&app, last["id"].as_str().unwrap(), last["password"].as_str().unwrap()).await;
        passwords.sort();
        passwords.dedup();
        assert_eq!(passwords.len(), 25);

        // Audited, one event a user, never the password.
        let events = audit_events_at(&app, PRIMARY_SCHOOL_UAI, 100).await;
        let regen: Vec<_> = events
            .iter()
            .filter(|e| e.action == "ent.user.regenerate_password")
            .collect();
        assert_eq!(regen.len(), 26);
        for e in &regen {
            assert_eq!(e.actor, "ent-admin");
            assert!(!e.detail.to_string().contains(pw));
        }

        // Bad selections.
        let r = app
            .post_json(&users_path("/regenerate-password"), Some(&token), &json!({"ids": [id, "unknown"]}))
            .await;
        assert_eq!(r.status(), 404);
        let r = app
            .post_json(&users_path("/regenerate-password"), Some(&token), &json!({}))
            .await;
        assert_eq!(r.status(), 422);
        let r = app
            .post_json(
                &users_path("/regenerate-password"),
                Some(&token),
                &json!({"all_matching": {"profile": "Pirate"}}),
            )
            .await;
        assert_eq!(r.status(), 422);
        let body: Value = r.json().await.unwrap();
        assert_eq!(field_errors(&body), vec!["all_matching.profile"]);
    }
}

http_test! {
    async fn users_are_created_with_their_login(app: TestApp) {
        load_demo(&app).await;
        let token = demo_login(&app, "ent-admin").await;
        let r = app
            .post_json(
                &users_path(""),
                Some(&token),
                &json!({"family_name": "", "first_name": "x".repeat(101), "profile": "Pirate",
                        "email": "pas-une-adresse", "groups": ["nope"]}),
            )
            .await;
        assert_eq!(r.status(), 422);
        let body: Value = r.json().await.unwrap();
        let mut fields = field_errors(&body);
        fields.sort();
        assert_eq!(fields, vec!["email", "family_name", "first_name", "groups", "profile"]);
        let r = app
            .post_json(&users_path(""), Some(&token), &json!({"first_name": "Zoé"}))
            .await;
        assert_eq!(r.status(), 422);
        let body: Value = r.json().await.unwrap();
        assert_eq!(field_errors(&body), vec!["family_name"]);
        let r = app
            .post_json(
                &users_path(""),
                Some(&token),
                &json!({"family_name": "123", "first_name": "Zoé", "profile": "Parent"}),
            )
            .await;
        assert_eq!(r.status(), 422);
        let body: Value = r.json().await.unwrap();
        assert_eq!(field_errors(&body), vec!["family_name"]);

        let root = tree(&app, &token).await;
        let choir = find_node(&root, "Chorale CM1-CM2").unwrap()["id"].clone();
        let new = json!({"family_name": "Lefèvre-Château", "first_name": "Zoé",
                         "profile": "Autre / invité", "email": "zoe@example.org",
                         "groups": [choir]});
        let r = app.post_json(&users_path(""), Some(&token), &new).await;
        assert_eq!(r.status(), 201);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["user"]["login"], "zoe.lefevre-chateau");
        assert_eq!(body["user"]["state"], "Opérationnel");
        assert_eq!(body["user"]["groups"], json!(["Chorale CM1-CM2"]));
        let pw = body["password"].as_str().unwrap();
        assert!(body["message"].as_str().unwrap().contains("zoe.lefevre-chateau"));
        assert!(body["message"].as_str().unwrap().contains(pw));
        password_works(&app, body["user"]["id"].as_str().unwrap(), pw).await;

        let r = app.post_json(&users_path(""), Some(&token), &new).await;
        assert_eq!(r.status(), 201);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["user"]["login"], "zoe.lefevre-chateau2");
        let r = app.post_json(&users_path(""), Some(&token), &new).await;
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["user"]["login"], "zoe.lefevre-chateau3");

        let found = get_json(&app, &users_path("?family_name=lefevre-ch"), &token).await;
        assert_eq!(found["total"], 3);
    }
}

http_test! {
    async fn users_are_blocked_and_unblocked(app: TestApp) {
        load_demo(&app).await;
        let token = demo_login(&app, "ent-admin").await;
        let page = get_json(&app, &users_path("?family_name=caverot"), &token).await;
        let id = page["items"][0]["id"].as_str().unwrap().to_owned();
        let r = app
            .post_json(&users_path(&format!("/{id}/block")), Some(&token), &json!({}))
            .await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["state"], "Bloqué");
        let page = get_json(&app, &users_path("?family_name=caverot"), &token).await;
        assert_eq!(page["items"][0]["state"], "Bloqué");
        // The state filter: only blocked users, this one among them (the demo has others).
        let blocked = get_json(&app, &users_path("?state=Bloqu%C3%A9"), &token).await;
        let items = blocked["items"].as_array().unwrap();
        assert!(items.iter().all(|u| u["state"] == "Bloqué"), "{blocked}");
        assert!(items.iter().any(|u| u["id"] == id.as_str()), "{blocked}");
        let operational = get_json(&app, &users_path("?state=Op%C3%A9rationnel"), &token).await;
        let all = get_json(&app, &users_path(""), &token).await;
        assert_eq!(
            blocked["total"].as_u64().unwrap() + operational["total"].as_u64().unwrap(),
            all["total"].as_u64().unwrap()
        );
        let r = app.get(&users_path("?state=ferme"), Some(&token)).await;
        assert_eq!(r.status(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "state");
        let r = app
            .post_json(&users_path(&format!("/{id}/unblock")), Some(&token), &json!({}))
            .await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["state"], "Opérationnel");
        let r = app
            .post_json(&users_path("/unknown/block"), Some(&token), &json!({}))
            .await;
        assert_eq!(r.status(), 404);
        let events = audit_events_at(&app, PRIMARY_SCHOOL_UAI, 50).await;
        assert!(events.iter().any(|e| e.action == "ent.user.block" && e.targets.contains(&id)));
        assert!(events.iter().any(|e| e.action == "ent.user.unblock"));
    }
}

http_test! {
    async fn access_is_scoped(app: TestApp) {
        load_demo(&app).await;
        let ent = demo_login(&app, "ent-admin").await;
        // The ENT admin of the primary school: nothing of a 2nd-degree school's directory…
        let lp = format!("/api/v1/ent/establishments/{LP_UAI}/users");
        assert_eq!(app.get(&lp, Some(&ent)).await.status(), 404);
        let lp_groups = format!("/api/v1/ent/establishments/{LP_UAI}/groups");
        assert_eq!(app.get(&lp_groups, Some(&ent)).await.status(), 404);
        // …and no access to the console's accounts of its own school.
        let students = format!("/api/v1/establishments/{PRIMARY_SCHOOL_UAI}/students");
        assert_eq!(app.get(&students, Some(&ent)).await.status(), 403);

        // The head of the 2nd-degree schools holds no role at the primary school.
        let head = demo_login(&app, "principal").await;
        assert_eq!(app.get(&users_path(""), Some(&head)).await.status(), 404);
        let r = app
            .post_json(&users_path("/regenerate-password"), Some(&head), &json!({"ids": ["x"]}))
            .await;
        assert_eq!(r.status(), 404);
        // At the LP, where the head does hold a role, the ENT directory is not theirs.
        assert_eq!(app.get(&lp, Some(&head)).await.status(), 403);

        // Without a token.
        assert_eq!(app.get(&users_path(""), None).await.status(), 401);

        // Ids of another school are unknown here.
        let page = get_json(&app, &users_path(""), &ent).await;
        assert_eq!(page["total"], 441);
    }
}

/// An ENT administrator of `uai` only (demo password, no second factor), logged in.
async fn ent_admin_of(app: &TestApp, username: &str, uai: &str) -> String {
    let store = &app.state.store;
    let s = store
        .create_staff(sesame_store::repo::staff::NewStaff {
            username,
            display_name: username,
            password_hash: app.state.hasher.hash(sesame_demo::DEMO_PASSWORD).unwrap(),
            totp_secret_enc: None,
        })
        .await
        .unwrap();
    store
        .add_staff_role(&s.id, uai, sesame_core::permissions::Role::EntAdmin)
        .await
        .unwrap();
    demo_login(app, username).await
}

async fn subjects(app: &TestApp, uai: &str, token: &str) -> Vec<String> {
    let body = get_json(
        app,
        &format!("/api/v1/ent/establishments/{uai}/subjects"),
        token,
    )
    .await;
    serde_json::from_value(body["subjects"].clone()).unwrap()
}

async fn create_user(app: &TestApp, uai: &str, token: &str, body: Value) -> Value {
    let r = app
        .post_json(
            &format!("/api/v1/ent/establishments/{uai}/users"),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

http_test! {
    /// « Matière enseignée » lists the subjects of this directory only, each once, in the
    /// order a French reader expects (accents and case ignored).
    async fn subjects_are_the_schools_own(app: TestApp) {
        load_demo(&app).await;
        let ent = demo_login(&app, "ent-admin").await;
        assert_eq!(subjects(&app, PRIMARY_SCHOOL_UAI, &ent).await, vec!["Anglais", "Polyvalent"]);

        // Another school's directory, with its own subjects.
        let other = ent_admin_of(&app, "ent-clg", PUBLIC_COLLEGE_UAI).await;
        let latinist = create_user(&app, PUBLIC_COLLEGE_UAI, &other, json!({
            "family_name": "Varron", "first_name": "Marc", "profile": "Personnel de l'Éducation nationale",
            "subject": "Latin"})).await;
        assert_eq!(subjects(&app, PUBLIC_COLLEGE_UAI, &other).await, vec!["Latin"]);

        // New subjects here: sorted without regard to accents and case, duplicates once.
        for (family, subject) in [("Matisse", "arts plastiques"), ("Ravel", "Éducation musicale"), ("Shakespeare", "Anglais")] {
            create_user(&app, PRIMARY_SCHOOL_UAI, &ent, json!({
                "family_name": family, "first_name": "Test", "profile": "Personnel de l'Éducation nationale",
                "subject": subject})).await;
        }
        assert_eq!(
            subjects(&app, PRIMARY_SCHOOL_UAI, &ent).await,
            vec!["Anglais", "arts plastiques", "Éducation musicale", "Polyvalent"]
        );
        // The other school's subject is not here, nor its teacher behind that subject or id.
        let latin = get_json(&app, &users_path("?subject=Latin"), &ent).await;
        assert_eq!(latin["total"], 0);
        let q = format!("?id={}", latinist["user"]["id"].as_str().unwrap());
        assert_eq!(get_json(&app, &users_path(&q), &ent).await["total"], 0);
        let music = get_json(&app, &users_path("?subject=%C3%89ducation%20musicale"), &ent).await;
        assert_eq!(logins(&music), vec!["test.ravel"]);

        // 404 for an establishment the caller holds no role at, 403 without the ENT module.
        let at = |uai: &str| format!("/api/v1/ent/establishments/{uai}/subjects");
        assert_eq!(app.get(&at(LP_UAI), Some(&ent)).await.status(), 404);
        assert_eq!(app.get(&at(PUBLIC_COLLEGE_UAI), Some(&ent)).await.status(), 404);
        assert_eq!(app.get(&at("9999999Z"), Some(&ent)).await.status(), 404);
        let head = demo_login(&app, "principal").await;
        assert_eq!(app.get(&at(PRIMARY_SCHOOL_UAI), Some(&head)).await.status(), 404);
        let r = app.get(&at(LP_UAI), Some(&head)).await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.headers()["content-type"].to_str().unwrap(), "application/problem+json");
        assert_eq!(app.get(&at(PRIMARY_SCHOOL_UAI), None).await.status(), 401);
    }
}

http_test! {
    /// « Recherche technique » by id: exact, this school's users only, bad input named.
    async fn technical_search_by_id(app: TestApp) {
        load_demo(&app).await;
        let ent = demo_login(&app, "ent-admin").await;
        let page = get_json(&app, &users_path("?family_name=caverot"), &ent).await;
        let id = page["items"][0]["id"].as_str().unwrap().to_owned();
        let found = get_json(&app, &users_path(&format!("?id={id}")), &ent).await;
        assert_eq!(found["total"], 1);
        assert_eq!(found["items"][0]["id"], id.as_str());
        assert_eq!(found["items"][0]["establishment"], "E.E.PU-FOURIER I-BESANCON");
        // Blank means no criterion; a prefix finds nothing (exact match only).
        assert_eq!(get_json(&app, &users_path("?id=%20"), &ent).await["total"], 441);
        let q = format!("?id={}", &id[..id.len() - 1]);
        assert_eq!(get_json(&app, &users_path(&q), &ent).await["total"], 0);
        // Combined with the login: both must hold.
        let login = found["items"][0]["login"].as_str().unwrap();
        let both = get_json(&app, &users_path(&format!("?id={id}&login={login}")), &ent).await;
        assert_eq!(both["total"], 1);
        let q = format!("?id={id}&login=someone.else");
        assert_eq!(get_json(&app, &users_path(&q), &ent).await["total"], 0);

        // Another school's user is unknown here, by id as by login.
        let other = ent_admin_of(&app, "ent-clg", PUBLIC_COLLEGE_UAI).await;
        let theirs = create_user(&app, PUBLIC_COLLEGE_UAI, &other, json!({
            "family_name": "Ailleurs", "first_name": "Léon", "profile": "Élève"})).await;
        let q = format!("?id={}", theirs["user"]["id"].as_str().unwrap());
        assert_eq!(get_json(&app, &users_path(&q), &ent).await["total"], 0);
        let q = format!("?login={}", theirs["user"]["login"].as_str().unwrap());
        assert_eq!(get_json(&app, &users_path(&q), &ent).await["total"], 0);

        // Too long: 422 naming the field, as problem+json; the same in a bulk selection.
        let r = app.get(&users_path(&format!("?id={}", "x".repeat(101))), Some(&ent)).await;
        assert_eq!(r.status(), 422);
        assert_eq!(r.headers()["content-type"].to_str().unwrap(), "application/problem+json");
        assert_eq!(field_errors(&r.json().await.unwrap()), vec!["id"]);
        let r = app
            .post_json(
                &users_path("/regenerate-password"),
                Some(&ent),
                &json!({"all_matching": {"id": "y".repeat(101)}}),
            )
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(field_errors(&r.json().await.unwrap()), vec!["all_matching.id"]);
        // A whole search by id regenerates that one user only.
        let r = app
            .post_json(&users_path("/regenerate-password"), Some(&ent), &json!({"all_matching": {"id": id}}))
            .await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        password_works(&app, &id, results[0]["password"].as_str().unwrap()).await;
    }
}
