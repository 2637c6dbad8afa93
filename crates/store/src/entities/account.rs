use sea_orm::entity::prelude::*;
use sesame_core::account::{AccountKind, AccountState, Origin};

use crate::error::{Result, StoreError};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: String,
    pub identifier: String,
    pub state: String,
    pub origin: String,
    pub notified_at: Option<DateTimeUtc>,
    pub distributed_at: Option<DateTimeUtc>,
    pub activated_at: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub email: Option<String>,
    pub email_validated: bool,
    pub phone: Option<String>,
    pub provisional_password_enc: Option<String>,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub pending_identifier: Option<String>,
    pub pending_effective_at: Option<DateTimeUtc>,
    pub pending_requested_at: Option<DateTimeUtc>,
    pub previous_identifier: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Students: their main establishment (kept in step with `students.uai`).
    pub home_uai: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The closed vocabularies of a row, read once and checked: the schema refuses an unknown value
/// (migration `m20261207_000009`), so one found anyway is corruption, reported as a fault —
/// never a silent « no » that would make a login or a recovery quietly impossible.
impl Model {
    pub fn kind(&self) -> Result<AccountKind> {
        StoreError::checked("kind", &self.kind, AccountKind::parse)
    }

    pub fn state(&self) -> Result<AccountState> {
        StoreError::checked("state", &self.state, AccountState::parse)
    }

    pub fn origin(&self) -> Result<Origin> {
        StoreError::checked("origin", &self.origin, Origin::parse)
    }

    /// Kind, state and origin together: what the account-holder rules of `sesame_core::lifecycle`
    /// take.
    pub fn standing(&self) -> Result<(AccountKind, AccountState, Origin)> {
        Ok((self.kind()?, self.state()?, self.origin()?))
    }
}
