use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub owner: String,
    pub kind: String,
    pub state: String,
    pub done: i64,
    pub total: i64,
    pub result: Option<String>,
    pub error: Option<String>,
    /// The operation's transaction committed: a failure after it must not say that nothing
    /// changed.
    pub committed: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Where the job stands, checked ([`crate::StoreError::checked`]).
    pub fn state(&self) -> crate::error::Result<sesame_core::job::JobState> {
        crate::StoreError::checked("job state", &self.state, sesame_core::job::JobState::parse)
    }
}
