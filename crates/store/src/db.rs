use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    TransactionTrait,
};
use sesame_migration::{Migrator, MigratorTrait};

use crate::error::Result;

/// Which engine a store runs on; tests and benchmarks name it in their output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A handle on the database. Cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct Store {
    pub db: DatabaseConnection,
}

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`) and brings the schema up
    /// to date, so every start of the service and every test sees the current schema.
    pub async fn connect(url: &str) -> Result<Store> {
        let mut opts = ConnectOptions::new(url.to_owned());
        let sqlite = url.starts_with("sqlite:");
        opts.max_connections(if sqlite { 8 } else { 32 })
            .min_connections(1)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10))
            // No ping before each use of a pooled connection: it was one more round trip per
            // query (a search paid four instead of two; 16 % of the server's CPU under load).
            // A connection that broke (the database restarted) fails its next query once and
            // leaves the pool; connections are renewed every 30 minutes anyway.
            .test_before_acquire(false)
            .max_lifetime(Duration::from_secs(30 * 60))
            .sqlx_logging(false);
        if sqlite {
            // Set on every pooled connection: WAL lets readers proceed during a write, and the
            // busy timeout makes concurrent writers queue instead of failing "database is locked".
            opts.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(15))
            });
        }
        let db = Database::connect(opts).await?;
        Migrator::up(&db, None).await?;
        Ok(Store { db })
    }

    pub fn backend(&self) -> Backend {
        match self.db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock first: a
    /// deferred transaction that has read cannot wait for the lock later and fails at once
    /// with "database is locked", whereas one that asks before reading queues behind the
    /// current writer (busy timeout). PostgreSQL needs nothing of the sort.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction> {
        let txn = self.db.begin().await?;
        if self.backend() == Backend::Sqlite {
            // A write statement takes the lock even when it matches no row.
            txn.execute_unprepared("UPDATE establishments SET name = name WHERE 1 = 0")
                .await?;
        }
        Ok(txn)
    }

    /// A trivial round trip: what `/readyz` asks.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await?;
        Ok(())
    }
}
