use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub at: DateTimeUtc,
    pub actor_kind: String,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub uai: Option<String>,
    pub targets: String,
    pub outcome: String,
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Who acted, a person or an ENT client, checked ([`crate::StoreError::checked`]).
    pub fn actor_kind(&self) -> crate::error::Result<sesame_core::ActorKind> {
        crate::StoreError::checked(
            "actor kind",
            &self.actor_kind,
            sesame_core::ActorKind::parse,
        )
    }
}
