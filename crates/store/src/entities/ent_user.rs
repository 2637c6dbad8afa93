use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ent_users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub uai: String,
    pub login: String,
    pub family_name: String,
    pub first_name: String,
    pub family_key: String,
    pub first_key: String,
    pub profile: String,
    pub state: String,
    pub subject: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
