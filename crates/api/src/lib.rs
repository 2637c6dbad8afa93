//! Wire types of the REST contract (`shared/spec/api.md`).
//!
//! They live apart from the server so the SPA deserialises exactly what the server
//! serialises: one definition, compiled for both x86_64 and wasm32.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod delegations;
pub mod ent;
pub mod establishments;
pub mod guide;
pub mod holders;
pub mod imports;
pub mod page;
pub mod password_rules;
pub mod problem;
pub mod settings;
pub mod statistics;

pub use page::Page;
pub use problem::{FieldError, Problem};
