use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub payload: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
    /// Who holds the current claim (see `claim_due_delivery`); cleared with the outcome.
    pub lease_token: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Pending, delivered or failed, checked ([`crate::StoreError::checked`]).
    pub fn state(&self) -> crate::error::Result<sesame_core::webhook::DeliveryState> {
        crate::StoreError::checked(
            "delivery state",
            &self.state,
            sesame_core::webhook::DeliveryState::parse,
        )
    }
}
