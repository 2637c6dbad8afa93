//! Repository behaviour on both engines: what the service relies on from the data layer.

use chrono::{Duration, Utc};
use sea_orm::EntityTrait;
use sesame_core::permissions::Role;
use sesame_store::repo::audit::{ActorKind, AuditFilter, NewAuditEvent};
use sesame_store::repo::establishments::NewEstablishment;
use sesame_store::repo::sessions::{Rotation, SecondFactor, SessionPolicy};
use sesame_store::repo::staff::{Grant, NewStaff};
use sesame_store::repo::throttle::ThrottlePolicy;
use sesame_store::{test_on_both_backends, Store};

fn lp() -> NewEstablishment {
    NewEstablishment {
        uai: "0450750W".into(),
        name: "LP LYC METIER Auguste Rodin".into(),
        kind: "lp".into(),
        degree: 2,
        sector: "public".into(),
        academy: "Orléans-Tours".into(),
        private_admin_group: false,
    }
}

fn college() -> NewEstablishment {
    NewEstablishment {
        uai: "0451234X".into(),
        name: "CLG Jean Zay".into(),
        kind: "college".into(),
        ..lp()
    }
}

async fn staff(store: &Store, username: &str) -> String {
    store
        .create_staff(NewStaff {
            username,
            display_name: username,
            password_hash: "$argon2id$placeholder".into(),
            totp_secret_enc: None,
        })
        .await
        .unwrap()
        .id
}

test_on_both_backends! {
    async fn establishments_are_listed_within_scope_and_filtered(store: Store) {
        store.insert_establishment(lp()).await.unwrap();
        store.insert_establishment(college()).await.unwrap();
        let mine = vec!["0450750W".to_owned()];
        let found = store.establishments_among(&mine, None).await.unwrap();
        assert_eq!(found.len(), 1, "only the establishments asked for");
        assert_eq!(found[0].name, "LP LYC METIER Auguste Rodin");
        let both = vec!["0450750W".to_owned(), "0451234X".to_owned()];
        let by_name = store.establishments_among(&both, Some("rodin")).await.unwrap();
        assert_eq!(by_name.iter().map(|e| e.uai.as_str()).collect::<Vec<_>>(), ["0450750W"]);
        let by_uai = store.establishments_among(&both, Some("0451")).await.unwrap();
        assert_eq!(by_uai.iter().map(|e| e.uai.as_str()).collect::<Vec<_>>(), ["0451234X"]);
        // LIKE wildcards typed by a user match themselves, not everything.
        assert!(store.establishments_among(&both, Some("%")).await.unwrap().is_empty());
        assert!(store.establishments_among(&[], None).await.unwrap().is_empty());
    }
}

test_on_both_backends! {
    async fn an_invalid_uai_is_refused(store: Store) {
        let mut bad = lp();
        bad.uai = "0450750A".into();
        assert!(store.insert_establishment(bad).await.is_err());
        assert_eq!(store.establishment_count().await.unwrap(), 0);
    }
}

test_on_both_backends! {
    async fn usernames_are_unique(store: Store) {
        staff(&store, "principal").await;
        let again = store
            .create_staff(NewStaff {
                username: "principal",
                display_name: "x",
                password_hash: "h".into(),
                totp_secret_enc: None,
            })
            .await;
        assert!(matches!(again, Err(sesame_store::StoreError::Conflict(_))));
    }
}

test_on_both_backends! {
    async fn grants_combine_direct_roles_and_live_delegations(store: Store) {
        use sea_orm::{ActiveModelTrait, Set};
        use sesame_store::entities::delegation;
        store.insert_establishment(lp()).await.unwrap();
        store.insert_establishment(college()).await.unwrap();
        let head = staff(&store, "principal").await;
        let agent = staff(&store, "agent").await;
        store.add_staff_role(&head, "0450750W", Role::Head).await.unwrap();
        let d = delegation::ActiveModel {
            id: Set("d1".into()),
            uai: Set("0451234X".into()),
            staff_id: Set(agent.clone()),
            module: Set("admin".into()),
            granted_by: Set(head.clone()),
            granted_at: Set(Utc::now()),
            revoked_by: Set(None),
            revoked_at: Set(None),
        }
        .insert(&store.db)
        .await
        .unwrap();
        assert_eq!(
            store.staff_grants(&agent).await.unwrap(),
            vec![Grant { uai: "0451234X".into(), role: Role::Agent }]
        );
        let mut revoked: delegation::ActiveModel = d.into();
        revoked.revoked_at = Set(Some(Utc::now()));
        revoked.update(&store.db).await.unwrap();
        assert!(store.staff_grants(&agent).await.unwrap().is_empty(), "a revoked delegation grants nothing");
        assert_eq!(store.staff_grants(&head).await.unwrap().len(), 1);
    }
}

fn policy(grace_secs: i64) -> SessionPolicy {
    SessionPolicy {
        refresh_ttl: Duration::hours(1),
        max_age: Duration::hours(10),
        reuse_grace: Duration::seconds(grace_secs),
    }
}

fn key() -> sesame_store::SecretBox {
    sesame_store::SecretBox::from_base64(&sesame_store::SecretBox::generate_key_base64()).unwrap()
}

test_on_both_backends! {
    async fn refresh_tokens_rotate_and_reuse_revokes_the_family(store: Store) {
        let id = staff(&store, "principal").await;
        let secrets = key();
        let (session, first) = store.open_session(&id, SecondFactor::Totp, policy(0)).await.unwrap();
        assert_eq!(session.second_factor, SecondFactor::Totp);
        let second = match store.rotate_refresh_token(&first, &secrets, policy(0)).await.unwrap() {
            Rotation::Rotated { session: s, token, replayed: false } => {
                assert_eq!(s.staff_id, id);
                assert_eq!(s.id, session.id);
                token
            }
            other => panic!("expected a rotation, got {other:?}"),
        };
        // Without a grace, the first token presented again is theft, and kills the family.
        assert_eq!(store.rotate_refresh_token(&first, &secrets, policy(0)).await.unwrap(), Rotation::Reused);
        assert_eq!(store.rotate_refresh_token(&second, &secrets, policy(0)).await.unwrap(), Rotation::Invalid);
        assert_eq!(store.rotate_refresh_token("never issued", &secrets, policy(0)).await.unwrap(), Rotation::Invalid);
    }
}

test_on_both_backends! {
    async fn within_the_grace_a_used_token_answers_its_one_successor(store: Store) {
        let id = staff(&store, "principal").await;
        let secrets = key();
        let (_, first) = store.open_session(&id, SecondFactor::Password, policy(30)).await.unwrap();
        // Eight concurrent uses of one token: one successor for all, no second branch.
        let tokens = concurrent_rotations(&store, &secrets, &first).await;
        assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
        let live = sesame_store::entities::refresh_token::Entity::find()
            .all(&store.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.used_at.is_none() && r.revoked_at.is_none())
            .count();
        assert_eq!(live, 1, "exactly one live token in the family");
        assert!(matches!(
            store.rotate_refresh_token(&tokens[0], &secrets, policy(30)).await.unwrap(),
            Rotation::Rotated { replayed: false, .. }
        ));
    }
}

async fn concurrent_rotations(
    store: &Store,
    secrets: &sesame_store::SecretBox,
    token: &str,
) -> Vec<String> {
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (store, secrets, token) = (store.clone(), secrets.clone(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            store
                .rotate_refresh_token(&token, &secrets, policy(30))
                .await
                .unwrap()
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Rotation::Rotated { token, .. } => out.push(token),
            other => panic!("expected the successor, got {other:?}"),
        }
    }
    out
}

test_on_both_backends! {
    async fn logout_revokes_and_expired_tokens_fail(store: Store) {
        let id = staff(&store, "principal").await;
        let secrets = key();
        let (_, t) = store.open_session(&id, SecondFactor::Password, policy(30)).await.unwrap();
        assert_eq!(store.revoke_refresh_token(&t).await.unwrap(), Some(id.clone()));
        assert_eq!(store.rotate_refresh_token(&t, &secrets, policy(30)).await.unwrap(), Rotation::Invalid);
        let short = SessionPolicy { refresh_ttl: Duration::seconds(-1), ..policy(30) };
        let (_, expired) = store.open_session(&id, SecondFactor::Password, short).await.unwrap();
        assert_eq!(store.rotate_refresh_token(&expired, &secrets, policy(30)).await.unwrap(), Rotation::Invalid);
        // Past the session's absolute lifetime: refused as such.
        let (_, old) = store.open_session(&id, SecondFactor::Password, policy(30)).await.unwrap();
        let ended = SessionPolicy { max_age: Duration::seconds(0), ..policy(30) };
        assert_eq!(store.rotate_refresh_token(&old, &secrets, ended).await.unwrap(), Rotation::Expired);
    }
}

test_on_both_backends! {
    async fn throttling_locks_after_repeated_failures_and_clears(store: Store) {
        use sesame_store::repo::throttle::Reservation::{Admitted, Locked};
        let policy = ThrottlePolicy { max_failures: 3, window: Duration::minutes(15), lockout: Duration::minutes(5) };
        let now = Utc::now();
        // Three attempts go through; the third sets the lock, so the fourth is refused.
        for _ in 0..3 {
            assert_eq!(store.reserve_login_attempt("user:x", now, policy).await.unwrap(), Admitted);
        }
        let Locked { until } = store.reserve_login_attempt("user:x", now, policy).await.unwrap() else {
            panic!("expected a lock");
        };
        assert!(until > now && until <= now + policy.lockout, "{until}");
        assert_eq!(store.reserve_login_attempt("user:y", now, policy).await.unwrap(), Admitted, "keys are independent");
        // Once the lock is over, a fresh window starts.
        let later = until + Duration::seconds(1);
        for _ in 0..3 {
            assert_eq!(store.reserve_login_attempt("user:x", later, policy).await.unwrap(), Admitted);
        }
        assert!(matches!(store.reserve_login_attempt("user:x", later, policy).await.unwrap(), Locked { .. }));
        store.clear_login_failures("user:x").await.unwrap();
        assert_eq!(store.reserve_login_attempt("user:x", now, policy).await.unwrap(), Admitted);
        // A released attempt does not count: the one that set the lock gives it back.
        store.clear_login_failures("user:x").await.unwrap();
        for _ in 0..3 {
            assert_eq!(store.reserve_login_attempt("user:z", now, policy).await.unwrap(), Admitted);
        }
        store.release_login_attempt("user:z", policy).await.unwrap();
        assert_eq!(store.reserve_login_attempt("user:z", now, policy).await.unwrap(), Admitted);
        // A window that has ended starts again.
        let next_window = now + policy.window + Duration::seconds(1);
        assert_eq!(store.reserve_login_attempt("user:w", now, policy).await.unwrap(), Admitted);
        assert_eq!(store.reserve_login_attempt("user:w", now, policy).await.unwrap(), Admitted);
        for _ in 0..3 {
            assert_eq!(store.reserve_login_attempt("user:w", next_window, policy).await.unwrap(), Admitted);
        }
    }
}

test_on_both_backends! {
    async fn parallel_reservations_are_counted_one_by_one(store: Store) {
        use sesame_store::repo::throttle::Reservation::Admitted;
        let policy = ThrottlePolicy { max_failures: 5, window: Duration::minutes(15), lockout: Duration::minutes(5) };
        let now = Utc::now();
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.reserve_login_attempt("user:p", now, policy).await.unwrap() })
            })
            .collect();
        let mut admitted = 0;
        for t in tasks {
            if t.await.unwrap() == Admitted {
                admitted += 1;
            }
        }
        assert_eq!(admitted, 5);
    }
}

test_on_both_backends! {
    async fn a_totp_step_is_accepted_once(store: Store) {
        let id = staff(&store, "principal").await;
        assert!(store.consume_totp_step(&id, 42).await.unwrap());
        assert!(!store.consume_totp_step(&id, 42).await.unwrap());
        assert!(store.consume_totp_step(&id, 43).await.unwrap());
    }
}

test_on_both_backends! {
    async fn audit_events_are_filtered_and_newest_first(store: Store) {
        store.insert_establishment(lp()).await.unwrap();
        for (i, action) in ["auth.login", "account.reset", "account.reset"].iter().enumerate() {
            store
                .audit(
                    NewAuditEvent::new(ActorKind::Staff, format!("user{i}"), *action)
                        .uai("0450750W")
                        .targets(vec![format!("acc{i}")]),
                )
                .await
                .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let filter = AuditFilter { uai: Some("0450750W".into()), action: Some("account.reset".into()), ..Default::default() };
        let (items, total) = store.audit_events(&filter, 1, 10).await.unwrap();
        assert_eq!(total, 2);
        assert_eq!(items[0].actor, "user2", "newest first");
        assert_eq!(items[0].targets, "[\"acc2\"]");
        let (page2, _) = store.audit_events(&AuditFilter::default(), 2, 2).await.unwrap();
        assert_eq!(page2.len(), 1);
    }
}

test_on_both_backends! {
    async fn student_accounts_know_their_main_establishment(store: Store) {
        use sea_orm::{ConnectionTrait, Statement};
        let hasher = sesame_store::PasswordHasher::insecure_fast();
        let secrets = sesame_store::SecretBox::from_base64(&sesame_store::SecretBox::generate_key_base64()).unwrap();
        sesame_demo::load_demo(&store, &secrets, &hasher).await.unwrap();
        // Searches filter on accounts.home_uai as well as students.uai: they must agree.
        let backend = store.db.get_database_backend();
        let row = store
            .db
            .query_one(Statement::from_string(
                backend,
                "SELECT count(*) AS n FROM students s JOIN accounts a ON a.id = s.id \
                 WHERE a.home_uai IS NULL OR a.home_uai <> s.uai",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0);
    }
}
