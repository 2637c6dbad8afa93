//! Fresh databases for tests, on both engines. Every repository and HTTP test runs once on
//! SQLite and once on PostgreSQL; PostgreSQL being unreachable fails the test (it is never
//! skipped), because production runs on it.

use sea_orm::{ConnectionTrait, Database};

use crate::{Backend, Store};

/// Where the PostgreSQL server for tests is (a maintenance database on it: we create our own).
pub fn postgres_admin_url() -> String {
    std::env::var("SESAME_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Prefix of every database the tests create; the test script drops leftovers by it.
pub const TEST_DB_PREFIX: &str = "sesame_t_";

/// A new, empty, migrated database on `backend`.
pub async fn fresh_store(backend: Backend) -> Store {
    let url = fresh_database_url(backend).await;
    Store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot open the {} test database: {e}", backend.name()))
}

/// The URL of a new, empty database on `backend` (not yet migrated).
pub async fn fresh_database_url(backend: Backend) -> String {
    let name = format!("{TEST_DB_PREFIX}{}", crate::ids::new_id());
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("sesame-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!(
                "sqlite://{}?mode=rwc",
                dir.join(format!("{name}.sqlite")).display()
            )
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is required for the tests and is not reachable at {admin_url} \
                     (set SESAME_TEST_POSTGRES_URL): {e}"
                )
            });
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create the test database");
            let _ = admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_owned())
                .unwrap_or(admin_url);
            format!("{base}/{name}")
        }
    }
}

/// Runs the same async test body once per engine, as `name::sqlite` and `name::postgres`, so
/// the test output shows each engine's result.
#[macro_export]
macro_rules! test_on_both_backends {
    ($(#[$meta:meta])* async fn $name:ident($store:ident : Store) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($store: $crate::Store) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::testing::fresh_store($crate::Backend::Sqlite).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::testing::fresh_store($crate::Backend::Postgres).await).await
            }
        }
    };
}
