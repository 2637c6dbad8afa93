use sea_orm::entity::prelude::*;

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
