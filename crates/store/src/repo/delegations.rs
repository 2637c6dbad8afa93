//! Delegations: a head of establishment lends the admin module (agent) or the troubleshooting
//! module (teacher) to a staff member, for one establishment, until revoked.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use sesame_core::permissions::Module;

use crate::entities::{delegation, staff_user};
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::repo::audit::{append, NewAuditEvent};
use crate::Store;

/// A live delegation with the names a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationView {
    pub id: String,
    pub uai: String,
    pub username: String,
    pub display_name: String,
    pub module: Module,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

impl Store {
    /// Unrevoked delegations of an establishment, oldest first.
    pub(crate) async fn delegations(&self, uai: &str) -> Result<Vec<DelegationView>> {
        let rows = delegation::Entity::find()
            .filter(delegation::Column::Uai.eq(uai))
            .filter(delegation::Column::RevokedAt.is_null())
            .order_by_asc(delegation::Column::GrantedAt)
            .all(&self.db)
            .await?;
        let ids: Vec<String> = rows
            .iter()
            .flat_map(|d| [d.staff_id.clone(), d.granted_by.clone()])
            .collect();
        let people: HashMap<String, staff_user::Model> = staff_user::Entity::find()
            .filter(staff_user::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        rows.into_iter()
            .filter_map(|d| {
                let staff = people.get(&d.staff_id)?;
                let module = StoreError::checked("module", &d.module, Module::parse);
                Some(module.map(|module| {
                    DelegationView {
                        username: staff.username.clone(),
                        display_name: staff.display_name.clone(),
                        granted_by: people
                            .get(&d.granted_by)
                            .map(|s| s.username.clone())
                            .unwrap_or_default(),
                        id: d.id,
                        uai: d.uai,
                        module,
                        granted_at: d.granted_at,
                    }
                }))
            })
            .collect()
    }

    /// Grants `module` at `uai` to the staff member `staff_id`; the audit event commits with it.
    /// A second live delegation of the same module to the same person is a conflict.
    pub(crate) async fn grant_delegation(
        &self,
        uai: &str,
        staff_id: &str,
        module: &str,
        granted_by: &str,
        audit: NewAuditEvent,
    ) -> Result<String> {
        let txn = self.begin_write().await?;
        let existing = delegation::Entity::find()
            .filter(delegation::Column::Uai.eq(uai))
            .filter(delegation::Column::StaffId.eq(staff_id))
            .filter(delegation::Column::Module.eq(module))
            .filter(delegation::Column::RevokedAt.is_null())
            .one(&txn)
            .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict(
                "Cette délégation existe déjà pour cette personne.".into(),
            ));
        }
        let id = new_id();
        delegation::ActiveModel {
            id: Set(id.clone()),
            uai: Set(uai.to_owned()),
            staff_id: Set(staff_id.to_owned()),
            module: Set(module.to_owned()),
            granted_by: Set(granted_by.to_owned()),
            granted_at: Set(Utc::now()),
            revoked_by: Set(None),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await?;
        append(&txn, audit.targets(vec![id.clone()])).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Revokes a live delegation of `uai`. `NotFound` for an unknown id, another
    /// establishment's, or one already revoked.
    pub(crate) async fn revoke_delegation(
        &self,
        uai: &str,
        id: &str,
        revoked_by: &str,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        let res = delegation::Entity::update_many()
            .col_expr(delegation::Column::RevokedAt, Expr::value(Utc::now()))
            .col_expr(delegation::Column::RevokedBy, Expr::value(revoked_by))
            .filter(delegation::Column::Id.eq(id))
            .filter(delegation::Column::Uai.eq(uai))
            .filter(delegation::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        append(&txn, audit.targets(vec![id.to_owned()])).await?;
        txn.commit().await?;
        Ok(())
    }
}
