//! Persistence for Sésame: the same code runs on SQLite (embedded default, zero setup) and
//! PostgreSQL (production, shared by every API replica). Nothing a second replica would need
//! lives in process memory: tokens, throttling, used TOTP codes, documents and jobs are rows.

pub mod db;
pub mod entities;
pub mod error;
pub mod ids;
pub mod repo;
pub mod secrets;
pub mod tenant;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use db::{Backend, Store};
pub use error::StoreError;
/// Bulk inserts for the data-set generators of `sesame-demo`, which build every row in memory
/// and write them in one transaction; the store's own imports use the same helper.
pub use repo::sql::insert_rows;
pub use secrets::{PasswordHasher, Scratch, SecretBox};
pub use tenant::Tenant;
