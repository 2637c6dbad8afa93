//! HTTP handlers, thin: parse → authorise → call the store/domain → map.

pub mod account_actions;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod delegations;
pub mod documents;
pub mod ent;
pub mod establishments;
pub mod extract;
pub mod health;
pub mod holder_recovery;
pub mod holders;
pub mod identifiers;
pub mod imports;
pub mod me;
pub mod oauth;
pub mod paging;
pub mod responses;
pub mod selection;
pub mod settings;
pub mod statistics;
pub mod stored;
pub mod webhooks;
