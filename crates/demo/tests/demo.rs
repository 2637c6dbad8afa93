//! The demo data set as a person trying the demo would meet it: loaded once, the seed's LP and
//! its figures, every state and origin, the special cases the features need, working staff
//! credentials, and the same data on every load. Every test runs on SQLite and PostgreSQL.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Instant;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use sesame_core::account::{AccountKind, AccountState, Origin};
use sesame_core::regeneration::{check_regeneration, RegenerationRefusal, SourceNames};
use sesame_core::uai::Uai;
use sesame_demo::{
    load_demo, DemoLoad, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_TOTP_SECRET,
    LP_UAI, PRIMARY_SCHOOL_UAI, PRIVATE_COLLEGE_UAI, PUBLIC_COLLEGE_UAI, SOURCES_DIFFER_STUDENT_ID,
    STALE_IDENTIFIER, STALE_IDENTIFIER_STUDENT_ID,
};
use sesame_store::entities::{
    account, account_source, audit_event, delegation, ent_group, ent_user, ent_user_group,
    establishment, guardian, guardian_link, integration_client, integration_grant,
    notification_setting, staff_role, staff_user, student, student_external,
};
use sesame_store::{test_on_both_backends, PasswordHasher, SecretBox, Store};

fn secrets() -> SecretBox {
    SecretBox::new(&[42; 32])
}

async fn load(store: &Store) -> DemoLoad {
    let started = Instant::now();
    let outcome = load_demo(store, &secrets(), &PasswordHasher::insecure_fast())
        .await
        .expect("the demo loads");
    eprintln!(
        "demo loaded on {} in {} ms",
        store.backend().name(),
        started.elapsed().as_millis()
    );
    outcome
}

async fn accounts(store: &Store) -> Vec<account::Model> {
    account::Entity::find()
        .order_by_asc(account::Column::Id)
        .all(&store.db)
        .await
        .unwrap()
}

async fn students_of(store: &Store, uai: &str) -> Vec<student::Model> {
    student::Entity::find()
        .filter(student::Column::Uai.eq(uai))
        .all(&store.db)
        .await
        .unwrap()
}

async fn sources_of(store: &Store, account_id: &str) -> Vec<SourceNames> {
    account_source::Entity::find()
        .filter(account_source::Column::AccountId.eq(account_id))
        .order_by_asc(account_source::Column::Source)
        .all(&store.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| SourceNames::new(&s.source, &s.family_name, &s.first_name))
        .collect()
}

async fn staff(store: &Store, username: &str) -> staff_user::Model {
    staff_user::Entity::find()
        .filter(staff_user::Column::Username.eq(username))
        .one(&store.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("staff user {username} exists"))
}

test_on_both_backends! {
    async fn loads_once_then_leaves_the_database_alone(store: Store) {
        let DemoLoad::Loaded(summary) = load(&store).await else {
            panic!("an empty database gets the demo");
        };
        assert_eq!(summary.establishments, 4);
        assert_eq!(summary.staff_users, 4);
        assert!(summary.students > 1_000, "{summary:?}");
        assert!(summary.guardians > summary.students, "{summary:?}");
        assert!(summary.ent_users > 300, "{summary:?}");
        let accounts_before = account::Entity::find().count(&store.db).await.unwrap();

        assert_eq!(load(&store).await, DemoLoad::AlreadyPopulated);
        assert_eq!(establishment::Entity::find().count(&store.db).await.unwrap(), 4);
        assert_eq!(account::Entity::find().count(&store.db).await.unwrap(), accounts_before);
        assert_eq!(
            accounts_before as usize,
            summary.students + summary.guardians
        );

        let events = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("demo.loaded"))
            .all(&store.db)
            .await
            .unwrap();
        assert_eq!(events.len(), 1);
        let event = &events[0];
        assert_eq!(
            (event.actor_kind.as_str(), event.actor.as_str(), event.outcome.as_str()),
            ("system", "sesame", "success")
        );
        assert_eq!(event.targets, "[]");
        let detail: serde_json::Value = serde_json::from_str(&event.detail).unwrap();
        assert_eq!(detail["students"], summary.students);
    }
}

test_on_both_backends! {
    async fn the_four_establishments_and_their_pupils(store: Store) {
        load(&store).await;
        let all = establishment::Entity::find().all(&store.db).await.unwrap();
        let by_uai: HashMap<_, _> = all.iter().map(|e| (e.uai.as_str(), e)).collect();
        assert_eq!(by_uai.len(), 4);
        for e in &all {
            assert!(Uai::parse(&e.uai).is_ok(), "{} has a valid check letter", e.uai);
            assert_eq!(e.data_updated_at.is_some(), e.degree == 2, "{}", e.uai);
        }
        let lp = by_uai[LP_UAI];
        assert_eq!(lp.name, "LP LYC METIER Auguste Rodin");
        assert_eq!((lp.kind.as_str(), lp.degree, lp.sector.as_str()), ("lp", 2, "public"));
        assert_eq!(lp.academy, "Orléans-Tours");
        let private = by_uai[PRIVATE_COLLEGE_UAI];
        assert_eq!(private.sector, "private");
        assert!(private.private_admin_group);
        let primary = by_uai[PRIMARY_SCHOOL_UAI];
        assert_eq!(primary.name, "E.E.PU-FOURIER I-BESANCON");
        assert_eq!((primary.kind.as_str(), primary.degree), ("ecole", 1));
        assert_eq!(primary.academy, "Besançon");

        let lp_pupils = students_of(&store, LP_UAI).await.len();
        assert!((450..=550).contains(&lp_pupils), "{lp_pupils} pupils at the LP");
        let college_pupils = students_of(&store, PUBLIC_COLLEGE_UAI).await.len();
        assert!((550..=650).contains(&college_pupils), "{college_pupils}");
        let private_pupils = students_of(&store, PRIVATE_COLLEGE_UAI).await.len();
        assert!((120..=180).contains(&private_pupils), "{private_pupils}");
        assert!(students_of(&store, PRIMARY_SCHOOL_UAI).await.is_empty());

        // Every pupil has a class with a MEF, and the seed's labels are there.
        let pupils = student::Entity::find().all(&store.db).await.unwrap();
        assert!(pupils.iter().all(|s| s.class_id.is_some() && s.mef_id.is_some()));
        let classes: BTreeSet<String> = sesame_store::entities::class::Entity::find()
            .filter(sesame_store::entities::class::Column::Uai.eq(LP_UAI))
            .all(&store.db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.code)
            .collect();
        for code in ["2 nde AGORA", "2NDE HOTELLERIE REST.", "1 AGORA", "CT BCP cor", "1BTS2"] {
            assert!(classes.contains(code), "class {code} at the LP");
        }
        let mefs = sesame_store::entities::mef::Entity::find()
            .filter(sesame_store::entities::mef::Column::Uai.eq(LP_UAI))
            .all(&store.db)
            .await
            .unwrap();
        assert!(mefs.iter().any(|m| m.short_label == "2NDPRO"
            && m.long_label == "2NDPRO MET.GEST.ADM., TRA & LOG. COMM."));
        assert!(mefs.iter().any(|m| m.short_label == "1BTS2" && m.long_label == "1ère année BTS"));

        // Birth dates fit a collège: from a 6e pupil born in 2016 to a 3e one held back.
        let college_births: Vec<_> = pupils
            .iter()
            .filter(|s| s.uai == PUBLIC_COLLEGE_UAI)
            .filter_map(|s| s.birth_date)
            .collect();
        assert!(college_births.iter().all(|d| (2011..=2016).contains(&chrono::Datelike::year(d))));
    }
}

test_on_both_backends! {
    async fn every_state_and_origin_occurs_where_it_can(store: Store) {
        load(&store).await;
        let all = accounts(&store).await;
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for a in &all {
            *seen.entry((a.kind.clone(), a.state.clone())).or_default() += 1;
            *seen.entry((a.kind.clone(), a.origin.clone())).or_default() += 1;
        }
        for kind in [AccountKind::Student, AccountKind::Guardian] {
            for state in AccountState::ALL {
                let n = seen.get(&(kind.as_str().into(), state.as_str().into())).copied().unwrap_or(0);
                assert_eq!(n > 0, state.applies_to(kind), "{kind} {state}: {n}");
            }
            for origin in Origin::ALL {
                let n = seen.get(&(kind.as_str().into(), origin.as_str().into())).copied().unwrap_or(0);
                if origin.applies_to(kind) && !(kind == AccountKind::Student && origin == Origin::Aten) {
                    assert!(n > 0, "{kind} {origin}");
                } else if !origin.applies_to(kind) {
                    assert_eq!(n, 0, "{kind} {origin}");
                }
            }
        }

        // The LP reproduces the seed's statistics (001 §6): most pupils activated, a few not.
        let lp: HashSet<String> = students_of(&store, LP_UAI).await.into_iter().map(|s| s.id).collect();
        let lp_states: Vec<&str> = all.iter().filter(|a| lp.contains(&a.id)).map(|a| a.state.as_str()).collect();
        let count = |s: &str| lp_states.iter().filter(|x| **x == s).count();
        assert_eq!(
            (count("not_notified"), count("notified_not_activated"), count("activated")),
            (2, 5, 489)
        );

        // Each state's dates and credentials agree with it.
        for a in &all {
            let state = AccountState::parse(&a.state).unwrap();
            let origin = Origin::parse(&a.origin).unwrap();
            match state {
                AccountState::NotNotified => {
                    assert_eq!(origin, Origin::Unknown);
                    assert!(a.notified_at.is_none() && a.last_login_at.is_none() && a.password_hash.is_none());
                }
                AccountState::NotifiedNotActivated => {
                    assert!(a.notified_at.is_some() && a.provisional_password_enc.is_some());
                    assert!(a.activated_at.is_none() && a.password_hash.is_none());
                }
                AccountState::ActivationInProgress => assert!(a.activated_at.is_none()),
                AccountState::Activated => {
                    assert!(a.activated_at.is_some() && a.last_login_at.is_some());
                    assert!(a.provisional_password_enc.is_none());
                    assert_eq!(a.password_hash.is_none(), origin == Origin::FranceConnect, "{a:?}");
                }
            }
            assert_eq!(origin == Origin::Unknown, state == AccountState::NotNotified);
        }
    }
}

test_on_both_backends! {
    async fn provisional_passwords_open_with_the_key_and_nowhere_else(store: Store) {
        load(&store).await;
        let secrets = secrets();
        let notified: Vec<_> = accounts(&store)
            .await
            .into_iter()
            .filter(|a| a.provisional_password_enc.is_some())
            .collect();
        assert!(notified.len() > 50, "{}", notified.len());
        let mut distinct = HashSet::new();
        for a in &notified {
            assert_eq!(a.state, "notified_not_activated");
            assert!(a.must_change_password);
            let sealed = a.provisional_password_enc.as_deref().unwrap();
            let pw = secrets.open(sealed, &a.id).expect("opens with its own account id");
            assert_eq!(pw.chars().count(), 8);
            assert!(sesame_core::password::is_provisional_shaped(&pw), "{pw}");
            assert!(!sealed.contains(&pw));
            assert!(secrets.open(sealed, "another-account").is_err());
            distinct.insert(pw);
        }
        assert!(distinct.len() > notified.len() * 9 / 10);
        // Holders who chose a password can log in with the demo password.
        let activated = accounts(&store)
            .await
            .into_iter()
            .find(|a| a.state == "activated" && a.password_hash.is_some())
            .unwrap();
        assert!(PasswordHasher::insecure_fast().verify(DEMO_PASSWORD, activated.password_hash.as_deref().unwrap()));
    }
}

test_on_both_backends! {
    async fn the_regeneration_cases_are_there(store: Store) {
        load(&store).await;
        let by_id: HashMap<String, account::Model> =
            accounts(&store).await.into_iter().map(|a| (a.id.clone(), a)).collect();

        let differ = &by_id[SOURCES_DIFFER_STUDENT_ID];
        assert!(differ.identifier.starts_with("celine.dupont"));
        let pupil = student::Entity::find_by_id(SOURCES_DIFFER_STUDENT_ID)
            .one(&store.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((pupil.family_name.as_str(), pupil.first_name.as_str()), ("Dupont", "Céline"));
        assert_eq!(pupil.uai, PUBLIC_COLLEGE_UAI);
        let sources = sources_of(&store, SOURCES_DIFFER_STUDENT_ID).await;
        match check_regeneration(&differ.identifier, &sources) {
            Err(RegenerationRefusal::NamesDiffer { sources }) => {
                assert!(sources.iter().any(|s| s.contains("SIECLE") && s.contains("Dupont")), "{sources:?}");
                assert!(sources.iter().any(|s| s.contains("AAF") && s.contains("Dupond")), "{sources:?}");
            }
            other => panic!("regeneration must be refused: {other:?}"),
        }

        let stale = &by_id[STALE_IDENTIFIER_STUDENT_ID];
        assert_eq!(stale.identifier, STALE_IDENTIFIER);
        let sources = sources_of(&store, STALE_IDENTIFIER_STUDENT_ID).await;
        assert!(sources.len() >= 2);
        assert_eq!(check_regeneration(&stale.identifier, &sources), Ok("kevin.lemaire".to_owned()));

        // Everyone else is consistent: regeneration would change nothing.
        let ordinary: Vec<_> = by_id
            .values()
            .filter(|a| a.id != SOURCES_DIFFER_STUDENT_ID && a.id != STALE_IDENTIFIER_STUDENT_ID)
            .take(40)
            .collect();
        for a in ordinary {
            let sources = sources_of(&store, &a.id).await;
            assert_eq!(
                check_regeneration(&a.identifier, &sources),
                Err(RegenerationRefusal::Unchanged),
                "{}",
                a.identifier
            );
        }
    }
}

test_on_both_backends! {
    async fn sources_guardians_and_external_pupils(store: Store) {
        load(&store).await;
        let all = accounts(&store).await;
        let sources = account_source::Entity::find().all(&store.db).await.unwrap();
        let with_source: HashSet<&str> = sources.iter().map(|s| s.account_id.as_str()).collect();
        assert!(all.iter().all(|a| with_source.contains(a.id.as_str())), "everyone has a source");
        assert!(sources.iter().any(|s| s.source == "AAF"));
        assert!(sources.iter().filter(|s| s.source == "SIECLE").all(|s| {
            s.academy == "Académie d'Orléans-Tours" && s.aaf_id.is_some() && s.source_id.is_some()
        }));

        // External pupils: collège pupils following shared teaching at the LP.
        let externals = student_external::Entity::find().all(&store.db).await.unwrap();
        assert!((25..=40).contains(&externals.len()), "{}", externals.len());
        let college: HashSet<String> =
            students_of(&store, PUBLIC_COLLEGE_UAI).await.into_iter().map(|s| s.id).collect();
        assert!(externals.iter().all(|e| e.uai == LP_UAI && college.contains(&e.student_id)));

        // Guardians: some without e-mail, some sharing children, reported links, FranceConnect.
        let guardians: Vec<_> = all.iter().filter(|a| a.kind == "guardian").collect();
        assert!(guardians.iter().any(|g| g.email.is_none()));
        assert!(guardians.iter().any(|g| g.email.is_some()));
        assert!(guardians.iter().any(|g| g.phone.is_some()));
        let franceconnect: Vec<_> = guardians.iter().filter(|g| g.origin == "franceconnect").collect();
        assert!(!franceconnect.is_empty());
        assert!(franceconnect.iter().all(|g| g.password_hash.is_none() && g.state == "activated"));
        let students: Vec<_> = all.iter().filter(|a| a.kind == "student").collect();
        let with_email = students.iter().filter(|s| s.email.is_some()).count();
        assert!(with_email > 0 && with_email < students.len() / 10, "pupils rarely give an e-mail");
        assert!(all.iter().filter_map(|a| a.email.as_deref()).all(|e| {
            e.ends_with("@example.com") || e.ends_with("@example.net") || e.ends_with("@example.org")
        }));

        let links = guardian_link::Entity::find().all(&store.db).await.unwrap();
        let reported: Vec<_> = links.iter().filter(|l| l.reported_wrong).collect();
        assert!(!reported.is_empty());
        assert!(reported.iter().all(|l| l.reported_at.is_some()));
        assert!(links.iter().filter(|l| !l.reported_wrong).all(|l| l.reported_at.is_none()));
        let relationships: HashSet<&str> = links.iter().map(|l| l.relationship.as_str()).collect();
        for r in ["Mère", "Père", "Tuteur", "Autre membre de la famille"] {
            assert!(relationships.contains(r), "{r}");
        }
        assert!(links.iter().any(|l| !l.legal));
        let mut children: HashMap<&str, usize> = HashMap::new();
        for l in &links {
            *children.entry(l.guardian_id.as_str()).or_default() += 1;
        }
        assert!(children.values().any(|&n| n >= 2), "siblings share their guardians");
        let linked: HashSet<&str> = links.iter().map(|l| l.student_id.as_str()).collect();
        assert!(students.iter().all(|s| linked.contains(s.id.as_str())), "every pupil has a guardian");
        assert_eq!(
            guardian::Entity::find().count(&store.db).await.unwrap() as usize,
            guardians.len()
        );

        // Names carry accents, apostrophes and several words, and keys fold them.
        let pupils = student::Entity::find().all(&store.db).await.unwrap();
        assert!(pupils.iter().any(|s| s.family_name.contains('\'')));
        assert!(pupils.iter().any(|s| s.family_name.contains(' ')));
        assert!(pupils.iter().any(|s| s.family_name.contains('-')));
        assert!(pupils.iter().any(|s| s.first_name.contains('ë') || s.first_name.contains('ï')));
        assert!(pupils.iter().all(|s| s.family_key == sesame_core::identifier::fold_name(&s.family_name)));

        let settings = notification_setting::Entity::find()
            .filter(notification_setting::Column::Uai.eq(LP_UAI))
            .all(&store.db)
            .await
            .unwrap();
        let guardians_url = settings.iter().find(|s| s.population == "guardians").unwrap();
        assert_eq!(guardians_url.url.as_deref(), Some("https://lycees.netocentre.fr"));
        assert!(guardians_url.verified && guardians_url.active);
        let students_url = settings.iter().find(|s| s.population == "students").unwrap();
        assert!(students_url.url.is_none() && !students_url.active);
    }
}

test_on_both_backends! {
    async fn staff_users_and_the_integration_client_work(store: Store) {
        load(&store).await;
        let hasher = PasswordHasher::insecure_fast();
        let secrets = secrets();
        let principal = staff(&store, "principal").await;
        assert_eq!(principal.display_name, "Mme Claire Morand");
        for username in ["principal", "agent", "teacher", "ent-admin"] {
            let user = staff(&store, username).await;
            assert!(hasher.verify(DEMO_PASSWORD, &user.password_hash), "{username}");
            assert!(!user.disabled);
            let admin_module = matches!(username, "principal" | "agent");
            match &user.totp_secret_enc {
                Some(sealed) => {
                    assert!(admin_module, "{username} has no admin module");
                    assert_eq!(secrets.open(sealed, &user.id).unwrap(), DEMO_TOTP_SECRET);
                }
                None => assert!(!admin_module, "{username} needs a TOTP secret"),
            }
        }

        let roles = staff_role::Entity::find().all(&store.db).await.unwrap();
        let heads: BTreeSet<&str> = roles
            .iter()
            .filter(|r| r.staff_id == principal.id && r.role == "head")
            .map(|r| r.uai.as_str())
            .collect();
        assert_eq!(heads, BTreeSet::from([LP_UAI, PUBLIC_COLLEGE_UAI, PRIVATE_COLLEGE_UAI]));
        let ent_admin = staff(&store, "ent-admin").await;
        assert!(roles.iter().any(|r| r.staff_id == ent_admin.id && r.role == "ent_admin" && r.uai == PRIMARY_SCHOOL_UAI));

        let delegations = delegation::Entity::find().all(&store.db).await.unwrap();
        for (username, module) in [("agent", "admin"), ("teacher", "troubleshooting")] {
            let user = staff(&store, username).await;
            let d = delegations.iter().find(|d| d.staff_id == user.id).unwrap();
            assert_eq!((d.uai.as_str(), d.module.as_str()), (PUBLIC_COLLEGE_UAI, module));
            assert_eq!(d.granted_by, principal.id);
            assert!(d.revoked_at.is_none());
        }

        let client = integration_client::Entity::find()
            .filter(integration_client::Column::ClientId.eq(DEMO_CLIENT_ID))
            .one(&store.db)
            .await
            .unwrap()
            .unwrap();
        assert!(hasher.verify(DEMO_CLIENT_SECRET, &client.secret_hash));
        assert!(!client.disabled);
        let grants = integration_grant::Entity::find()
            .filter(integration_grant::Column::ClientId.eq(client.id.clone()))
            .all(&store.db)
            .await
            .unwrap();
        for uai in [PUBLIC_COLLEGE_UAI, PRIMARY_SCHOOL_UAI] {
            let scopes: BTreeSet<&str> =
                grants.iter().filter(|g| g.uai == uai).map(|g| g.scope.as_str()).collect();
            assert_eq!(
                scopes,
                BTreeSet::from(["accounts:read", "accounts:reset", "ent:directory", "identifiers:regenerate"])
            );
        }
        assert_eq!(grants.len(), 8);
    }
}

test_on_both_backends! {
    async fn the_primary_school_ent_directory(store: Store) {
        load(&store).await;
        let groups = ent_group::Entity::find()
            .filter(ent_group::Column::Uai.eq(PRIMARY_SCHOOL_UAI))
            .all(&store.db)
            .await
            .unwrap();
        let named = |name: &str| groups.iter().find(|g| g.name == name).unwrap_or_else(|| panic!("{name}"));
        let root = named("Groupes pédagogiques");
        assert!(root.parent_id.is_none());
        let classes = named("Classes");
        assert_eq!(classes.parent_id.as_deref(), Some(root.id.as_str()));
        let caverot = named("CE2 A - M. CAVEROT");
        assert_eq!((caverot.kind.as_str(), caverot.parent_id.as_deref()), ("class", Some(classes.id.as_str())));
        assert_eq!(named("CM1 B - MME DURAND").kind, "class");
        assert!(groups.iter().any(|g| g.kind == "group" && g.parent_id.as_deref() == Some(root.id.as_str())));

        let users = ent_user::Entity::find().all(&store.db).await.unwrap();
        assert!(users.iter().all(|u| u.uai == PRIMARY_SCHOOL_UAI && u.password_hash.is_some()));
        let profiles: HashSet<&str> = users.iter().map(|u| u.profile.as_str()).collect();
        for p in ["Élève", "Parent", "Personnel de l'Éducation nationale", "Personnel de collectivité", "Autre / invité"] {
            assert!(profiles.contains(p), "{p}");
        }
        let states: HashSet<&str> = users.iter().map(|u| u.state.as_str()).collect();
        assert_eq!(states, HashSet::from(["Opérationnel", "Bloqué"]));
        assert!(users.iter().any(|u| u.subject.as_deref() == Some("Polyvalent")));
        assert!(users.iter().filter(|u| u.profile == "Élève").all(|u| u.subject.is_none()));
        // Logins are `prenom.nom`, numbered from 2 for homonyms.
        let logins: HashSet<&str> = users.iter().map(|u| u.login.as_str()).collect();
        assert_eq!(logins.len(), users.len());
        assert!(logins.contains("jerome.caverot"));
        for u in &users {
            let base = sesame_core::identifier::ent_login(&u.first_name, &u.family_name).unwrap();
            let suffix = &u.login[base.len()..];
            assert!(u.login.starts_with(&base) && (suffix.is_empty() || suffix.parse::<u32>().unwrap() >= 2), "{}", u.login);
        }

        let members: Vec<_> = ent_user_group::Entity::find()
            .filter(ent_user_group::Column::GroupId.eq(caverot.id.clone()))
            .all(&store.db)
            .await
            .unwrap();
        let by_id: HashMap<&str, &ent_user::Model> = users.iter().map(|u| (u.id.as_str(), u)).collect();
        let in_class: Vec<&str> = members.iter().map(|m| by_id[m.user_id.as_str()].profile.as_str()).collect();
        let pupils = in_class.iter().filter(|p| **p == "Élève").count();
        assert!((20..=30).contains(&pupils), "{pupils} pupils in CE2 A");
        assert!(in_class.contains(&"Parent"));
        assert!(in_class.contains(&"Personnel de l'Éducation nationale"));
    }
}

test_on_both_backends! {
    async fn two_loads_give_the_same_data(store: Store) {
        load(&store).await;
        let other = sesame_store::testing::fresh_store(store.backend()).await;
        load(&other).await;

        // Sealed values and hashes differ by design (random nonces and salts); the rest is equal.
        let comparable = |a: account::Model| {
            (
                a.id, a.identifier, a.state, a.origin, a.notified_at, a.distributed_at,
                a.activated_at, a.last_login_at, a.email, a.phone, a.created_at,
            )
        };
        let one: Vec<_> = accounts(&store).await.into_iter().map(comparable).collect();
        let two: Vec<_> = accounts(&other).await.into_iter().map(comparable).collect();
        assert_eq!(one.len(), two.len());
        assert!(one == two, "the accounts differ between two loads");

        let secrets = secrets();
        let passwords = |accounts: Vec<account::Model>| -> Vec<(String, String)> {
            accounts
                .into_iter()
                .filter_map(|a| {
                    let pw = secrets.open(a.provisional_password_enc.as_deref()?, &a.id).unwrap();
                    Some((a.id, pw))
                })
                .collect()
        };
        assert_eq!(passwords(accounts(&store).await), passwords(accounts(&other).await));

        let pupils = |db: Store| async move {
            student::Entity::find()
                .order_by_asc(student::Column::Id)
                .all(&db.db)
                .await
                .unwrap()
        };
        assert_eq!(pupils(store.clone()).await, pupils(other.clone()).await);
        let logins = |db: Store| async move {
            ent_user::Entity::find()
                .order_by_asc(ent_user::Column::Id)
                .all(&db.db)
                .await
                .unwrap()
                .into_iter()
                .map(|u| (u.id, u.login, u.family_name, u.first_name, u.profile, u.state))
                .collect::<Vec<_>>()
        };
        assert_eq!(logins(store.clone()).await, logins(other.clone()).await);
    }
}
