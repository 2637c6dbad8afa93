//! Sésame's REST service: actix-web handlers over the store, the access-control layer, the
//! OpenAPI document and Swagger UI, the SPA host, and the operator CLI.

pub mod app;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod config;
pub mod imports;
pub mod mail;
pub mod openapi;
pub mod operations;
pub mod problem;
pub mod routes;
pub mod scheduler;
pub mod spa;
pub mod state;
pub mod telemetry;
pub mod webhooks;
