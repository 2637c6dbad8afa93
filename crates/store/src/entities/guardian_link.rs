use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guardian_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub guardian_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_id: String,
    pub relationship: String,
    pub legal: bool,
    pub reported_wrong: bool,
    pub reported_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
