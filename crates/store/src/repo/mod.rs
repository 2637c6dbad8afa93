//! The repository layer: what the service asks of the database, one module per concern.
//! Handlers never build queries; they call these functions.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod clients;
pub mod credentials;
pub mod cursor;
pub mod delegations;
pub mod documents;
pub mod ent;
pub mod establishments;
pub mod holder_tokens;
pub mod holders;
pub mod identifiers;
pub mod imports;
pub mod jobs;
pub mod search;
pub mod sessions;
pub mod settings;
pub(crate) mod sql;
pub mod staff;
pub mod statistics;
pub mod structure;
pub mod throttle;
pub mod totp;
pub mod webhooks;
