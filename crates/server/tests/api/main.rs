//! The server's HTTP integration tests, one module per area, in a single test binary: the
//! shared harness (`common`) and the server crate's dependencies are compiled and linked once
//! instead of once per area. The tests whose assertions read everything logged by their
//! process (`tests/edges.rs`, `tests/secrets_at_rest.rs`) stay binaries of their own: they
//! install a process-wide log subscriber, and under `cargo test` (one process per binary)
//! they would read the other areas' log lines too.

// First, so that `http_test!` and `mail_test!` are in scope in every module below.
#[macro_use]
mod common;

mod access_matrix;
mod account_actions;
mod accounts;
mod auth_basics;
mod auth_security;
mod cross_tenant;
mod ent;
mod guide;
mod holder_page;
mod holder_recovery;
mod holders;
mod identifiers;
mod imports;
mod integration_clients;
mod jobs;
mod mail;
mod notify_email;
mod request_ids;
mod route_guards;
mod service;
mod sessions;
mod settings;
mod statistics;
mod throttling;
mod webhooks;
