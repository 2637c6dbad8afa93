//! Classes and MEFs of an establishment (the search filters' choices).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{class, mef};
use crate::error::Result;
use crate::Store;

pub use class::Model as Class;
pub use mef::Model as Mef;

impl Store {
    pub(crate) async fn classes(&self, uai: &str) -> Result<Vec<Class>> {
        Ok(class::Entity::find()
            .filter(class::Column::Uai.eq(uai))
            .order_by_asc(class::Column::Code)
            .all(&self.db)
            .await?)
    }

    pub(crate) async fn mefs(&self, uai: &str) -> Result<Vec<Mef>> {
        Ok(mef::Entity::find()
            .filter(mef::Column::Uai.eq(uai))
            .order_by_asc(mef::Column::ShortLabel)
            .order_by_asc(mef::Column::Code)
            .all(&self.db)
            .await?)
    }
}
