//! The closed vocabularies stored as text hold only their known values, on both engines, and
//! the lists the schema checks are the domain's.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Statement};
use sesame_core::permissions::{Module, Role, Scope};
use sesame_core::{AccountKind, AccountState, Origin};
use sesame_migration::VOCABULARIES;
use sesame_store::repo::sessions::SecondFactor;
use sesame_store::{test_on_both_backends, Store};

fn checked(table: &str, column: &str) -> Vec<String> {
    let (_, _, values) = VOCABULARIES
        .iter()
        .find(|(t, c, _)| *t == table && *c == column)
        .unwrap_or_else(|| panic!("{table}.{column} is checked"));
    values.iter().map(|v| v.to_string()).collect()
}

fn names<T: ToString>(all: impl IntoIterator<Item = T>) -> Vec<String> {
    all.into_iter().map(|v| v.to_string()).collect()
}

/// A value added to a vocabulary fails here until a migration lets the schema store it.
#[test]
fn the_schema_checks_the_domains_vocabularies() {
    assert_eq!(checked("accounts", "kind"), names(AccountKind::ALL));
    assert_eq!(checked("accounts", "state"), names(AccountState::ALL));
    assert_eq!(checked("accounts", "origin"), names(Origin::ALL));
    assert_eq!(checked("staff_roles", "role"), names(Role::ALL));
    assert_eq!(checked("delegations", "module"), names(Module::ALL));
    assert_eq!(checked("integration_grants", "scope"), names(Scope::ALL));
    let factors = [
        SecondFactor::Totp,
        SecondFactor::AdminNetwork,
        SecondFactor::Password,
    ];
    assert_eq!(
        checked("staff_sessions", "second_factor"),
        factors
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect::<Vec<_>>()
    );
}

async fn execute(store: &Store, sql: &str) -> Result<(), sea_orm::DbErr> {
    let backend = store.db.get_database_backend();
    store
        .db
        .execute(Statement::from_string(backend, sql.to_owned()))
        .await
        .map(|_| ())
}

fn account(id: &str, state: &str) -> sesame_store::entities::account::ActiveModel {
    let now = Utc::now();
    sesame_store::entities::account::ActiveModel {
        id: Set(id.into()),
        kind: Set("student".into()),
        identifier: Set(format!("camille.martin{id}")),
        state: Set(state.into()),
        origin: Set("establishment".into()),
        notified_at: Set(None),
        distributed_at: Set(None),
        activated_at: Set(None),
        last_login_at: Set(None),
        email: Set(None),
        email_validated: Set(false),
        phone: Set(None),
        provisional_password_enc: Set(None),
        password_hash: Set(None),
        must_change_password: Set(false),
        pending_identifier: Set(None),
        pending_effective_at: Set(None),
        pending_requested_at: Set(None),
        previous_identifier: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        home_uai: Set(None),
    }
}

test_on_both_backends! {
    async fn a_stored_vocabulary_refuses_an_unknown_value(store: Store) {
        account("a1", "not_notified")
        .insert(&store.db)
        .await
        .expect("known values are stored");
        for (column, bad) in [("state", "activé"), ("kind", "teacher"), ("origin", "")] {
            let refused = execute(&store, &format!("UPDATE accounts SET {column} = '{bad}' WHERE id = 'a1'")).await;
            assert!(refused.is_err(), "accounts.{column} = {bad:?} was stored");
        }
        execute(&store, "UPDATE accounts SET state = 'activated' WHERE id = 'a1'").await.expect("a known state is stored");
        // A new row with an unknown value is refused as well.
        assert!(account("a2", "bogus").insert(&store.db).await.is_err());
        assert!(account("a3", "activated").insert(&store.db).await.is_ok());
    }
}
