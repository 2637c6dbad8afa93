//! Schema migrations. Each migration is frozen once released: change the schema by adding one.

pub use sea_orm_migration::prelude::*;

mod build;
mod m20261122_000001_initial;
mod m20261123_000002_account_home;
mod m20261123_000003_rate_counters;
mod m20261123_000004_webhooks;
mod m20261125_000005_sessions;
mod m20261125_000006_secrets_throttle;
mod m20261125_000007_webhook_lease;
mod m20261206_000008_holder_tokens;
mod m20261207_000009_vocabulary_checks;
mod m20261207_000010_staff_access_version;

pub use m20261207_000009_vocabulary_checks::VOCABULARIES;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial::Migration),
            Box::new(m20261123_000002_account_home::Migration),
            Box::new(m20261123_000003_rate_counters::Migration),
            Box::new(m20261123_000004_webhooks::Migration),
            Box::new(m20261125_000005_sessions::Migration),
            Box::new(m20261125_000006_secrets_throttle::Migration),
            Box::new(m20261125_000007_webhook_lease::Migration),
            Box::new(m20261206_000008_holder_tokens::Migration),
            Box::new(m20261207_000009_vocabulary_checks::Migration),
            Box::new(m20261207_000010_staff_access_version::Migration),
        ]
    }
}
