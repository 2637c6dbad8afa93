//! Persistence for Sésame: the same code runs on SQLite (embedded default, zero setup) and
//! PostgreSQL (production, shared by every API replica). Nothing a second replica would need
//! lives in process memory: tokens, throttling, used TOTP codes, documents and jobs are rows.

pub mod db;
pub mod demo;
pub mod entities;
pub mod error;
pub mod ids;
pub mod repo;
pub mod secrets;
pub mod tenant;
pub mod testing;

pub use db::{Backend, Store};
pub use error::StoreError;
pub use secrets::{PasswordHasher, Scratch, SecretBox};
pub use tenant::Tenant;
