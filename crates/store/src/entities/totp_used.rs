use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "totp_used")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub time_step: i64,
    pub used_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
