use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student_external_establishments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub uai: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
