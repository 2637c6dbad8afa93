//! The database raises a staff user's `access_version` whenever what the access layer reads
//! about them changes — whichever code (or hand) makes the change. A replica trusts a standing
//! it kept only while that version holds, so each bump below is a revocation that takes
//! effect at the next request.

use sea_orm::{ConnectionTrait, Statement};
use sesame_core::permissions::Role;
use sesame_store::repo::establishments::NewEstablishment;
use sesame_store::repo::staff::NewStaff;
use sesame_store::{test_on_both_backends, Store};

fn establishment(uai: &str, name: &str) -> NewEstablishment {
    NewEstablishment {
        uai: uai.into(),
        name: name.into(),
        kind: "college".into(),
        degree: 2,
        sector: "public".into(),
        academy: "Orléans-Tours".into(),
        private_admin_group: false,
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

async fn execute(store: &Store, sql: &str) {
    let backend = store.db.get_database_backend();
    store
        .db
        .execute(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn version(store: &Store, id: &str) -> i64 {
    let backend = store.db.get_database_backend();
    let row = store
        .db
        .query_one(Statement::from_string(
            backend,
            format!("SELECT access_version FROM staff_users WHERE id = '{id}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "access_version").unwrap()
}

test_on_both_backends! {
    async fn every_change_to_a_standing_raises_its_version(store: Store) {
        store.insert_establishment(establishment("0450750W", "LP Rodin")).await.unwrap();
        store.insert_establishment(establishment("0451234X", "CLG Jean Zay")).await.unwrap();
        let head = staff(&store, "head").await;
        let agent = staff(&store, "agent").await;
        let (mut h, mut a) = (version(&store, &head).await, version(&store, &agent).await);
        let check = |who: &str, before: &mut i64, now: i64, raised: bool| {
            assert_eq!(now > *before, raised, "{who}: {before} → {now}");
            *before = now;
        };

        store.add_staff_role(&head, "0450750W", Role::Head).await.unwrap();
        check("role given", &mut h, version(&store, &head).await, true);
        check("someone else's role", &mut a, version(&store, &agent).await, false);

        execute(&store, "UPDATE establishments SET sector = 'private' WHERE uai = '0450750W'").await;
        check("their establishment changed", &mut h, version(&store, &head).await, true);
        check("an establishment of no grant of theirs", &mut a, version(&store, &agent).await, false);

        execute(&store, &format!(
            "INSERT INTO delegations (id, uai, staff_id, module, granted_by, granted_at) \
             VALUES ('d1', '0451234X', '{agent}', 'admin', '{head}', CURRENT_TIMESTAMP)"
        )).await;
        check("delegation given", &mut a, version(&store, &agent).await, true);
        execute(&store, "UPDATE delegations SET revoked_at = CURRENT_TIMESTAMP WHERE id = 'd1'").await;
        check("delegation revoked", &mut a, version(&store, &agent).await, true);
        execute(&store, "DELETE FROM delegations WHERE id = 'd1'").await;
        check("delegation removed", &mut a, version(&store, &agent).await, true);

        store.set_staff_disabled(&agent, true).await.unwrap();
        check("user disabled", &mut a, version(&store, &agent).await, true);
        check("another user disabled", &mut h, version(&store, &head).await, false);

        execute(&store, &format!("DELETE FROM staff_roles WHERE staff_id = '{head}'")).await;
        check("role taken back", &mut h, version(&store, &head).await, true);
    }
}
