use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "students")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub uai: String,
    pub class_id: Option<String>,
    pub mef_id: Option<String>,
    pub family_name: String,
    pub first_name: String,
    pub family_key: String,
    pub first_key: String,
    pub birth_date: Option<Date>,
    pub ine: Option<String>,
    pub source_id: Option<String>,
    pub left_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
