use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "establishments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub uai: String,
    pub name: String,
    pub kind: String,
    pub degree: i32,
    pub sector: String,
    pub academy: String,
    pub private_admin_group: bool,
    pub data_updated_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Public or private, checked ([`StoreError::checked`]).
    pub fn sector(&self) -> crate::error::Result<sesame_core::Sector> {
        crate::StoreError::checked("sector", &self.sector, sesame_core::Sector::parse)
    }
}
