use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ent_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub uai: String,
    pub kind: String,
    pub name: String,
    pub parent_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Establishment, folder, class or group, checked ([`crate::StoreError::checked`]).
    pub fn kind(&self) -> crate::error::Result<sesame_core::EntGroupKind> {
        crate::StoreError::checked("group kind", &self.kind, sesame_core::EntGroupKind::parse)
    }
}
