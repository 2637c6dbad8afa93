//! One account seen whole ("Informations du compte"), and the contact data Sésame owns.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sesame_core::{AccountState, Population};

use crate::entities::{account, account_source, class, guardian, guardian_link, mef, student};
use crate::error::{Result, StoreError};
use crate::repo::audit::{append, NewAuditEvent};
use crate::repo::search::require_in_scope;
use crate::Store;

pub use account::Model as Account;
pub use account_source::Model as AccountSource;

#[derive(Debug, Clone)]
pub struct AccountDetail {
    pub account: Account,
    pub family_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    pub ine: Option<String>,
    pub class: Option<String>,
    pub mef: Option<String>,
    pub mef_label: Option<String>,
    pub home_uai: Option<String>,
    pub sources: Vec<AccountSource>,
    /// Students: their guardians; guardians: their students at this establishment.
    pub links: Vec<LinkedPerson>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedPerson {
    pub id: String,
    pub family_name: String,
    pub first_name: String,
    pub identifier: String,
    /// None when the linked account row is missing (never, with the schema's foreign keys).
    pub state: Option<AccountState>,
    pub relationship: String,
    pub reported_wrong: bool,
    pub class: Option<String>,
}

/// A change of contact data: `Some(None)` clears the field.
#[derive(Debug, Clone, Default)]
pub struct ContactChange {
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
}

impl Store {
    /// An account by id, whatever its establishment: for the account holder's own account
    /// (their token names it) and for system work (scheduler, tests), never for staff, who go
    /// through [`crate::Tenant`].
    pub async fn holder_account(&self, id: &str) -> Result<Option<Account>> {
        Ok(account::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?)
    }

    /// The account `id` of `population` at `uai`, or `None` when it is not there.
    pub(crate) async fn account_detail(
        &self,
        uai: &str,
        population: Population,
        id: &str,
    ) -> Result<Option<AccountDetail>> {
        if self
            .accounts_in_scope(uai, population, &[id.to_owned()])
            .await?
            .is_empty()
        {
            return Ok(None);
        }
        let Some(acc) = self.holder_account(id).await? else {
            return Ok(None);
        };
        let sources = account_source::Entity::find()
            .filter(account_source::Column::AccountId.eq(id))
            .order_by_asc(account_source::Column::Source)
            .all(&self.db)
            .await?;
        match population {
            Population::Guardians => {
                let g = guardian::Entity::find_by_id(id.to_owned())
                    .one(&self.db)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let links = self
                    .linked_students(uai, &[id.to_owned()])
                    .await?
                    .into_iter()
                    .map(|l| (l.student_id.clone(), l))
                    .collect::<Vec<_>>();
                let ids: Vec<String> = links.iter().map(|(i, _)| i.clone()).collect();
                let accounts = account::Entity::find()
                    .filter(account::Column::Id.is_in(ids))
                    .all(&self.db)
                    .await?;
                let links = links
                    .into_iter()
                    .map(|(sid, l)| {
                        let acc = accounts.iter().find(|a| a.id == sid);
                        Ok(LinkedPerson {
                            id: sid,
                            family_name: l.family_name,
                            first_name: l.first_name,
                            identifier: acc.map(|a| a.identifier.clone()).unwrap_or_default(),
                            state: acc.map(|a| a.state()).transpose()?,
                            relationship: l.relationship,
                            reported_wrong: l.reported_wrong,
                            class: l.class,
                        })
                    })
                    .collect::<Result<_>>()?;
                Ok(Some(AccountDetail {
                    account: acc,
                    family_name: g.family_name,
                    first_name: g.first_name,
                    birth_date: None,
                    ine: None,
                    class: None,
                    mef: None,
                    mef_label: None,
                    home_uai: None,
                    sources,
                    links,
                }))
            }
            _ => {
                let s = student::Entity::find_by_id(id.to_owned())
                    .one(&self.db)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let class = match &s.class_id {
                    Some(c) => class::Entity::find_by_id(c.clone()).one(&self.db).await?,
                    None => None,
                };
                let mef = match &s.mef_id {
                    Some(m) => mef::Entity::find_by_id(m.clone()).one(&self.db).await?,
                    None => None,
                };
                let link_rows = guardian_link::Entity::find()
                    .filter(guardian_link::Column::StudentId.eq(id))
                    .all(&self.db)
                    .await?;
                let gids: Vec<String> = link_rows.iter().map(|l| l.guardian_id.clone()).collect();
                let people = guardian::Entity::find()
                    .filter(guardian::Column::Id.is_in(gids.clone()))
                    .all(&self.db)
                    .await?;
                let accounts = account::Entity::find()
                    .filter(account::Column::Id.is_in(gids))
                    .all(&self.db)
                    .await?;
                let mut links: Vec<LinkedPerson> = link_rows
                    .into_iter()
                    .filter_map(|l| {
                        let g = people.iter().find(|p| p.id == l.guardian_id)?;
                        let acc = accounts.iter().find(|a| a.id == l.guardian_id)?;
                        Some(acc.state().map(|state| LinkedPerson {
                            id: g.id.clone(),
                            family_name: g.family_name.clone(),
                            first_name: g.first_name.clone(),
                            identifier: acc.identifier.clone(),
                            state: Some(state),
                            relationship: l.relationship,
                            reported_wrong: l.reported_wrong,
                            class: None,
                        }))
                    })
                    .collect::<Result<_>>()?;
                links.sort_by(|a, b| {
                    (&a.family_name, &a.first_name).cmp(&(&b.family_name, &b.first_name))
                });
                Ok(Some(AccountDetail {
                    account: acc,
                    family_name: s.family_name,
                    first_name: s.first_name,
                    birth_date: s.birth_date,
                    ine: s.ine,
                    class: class.map(|c| c.code),
                    mef: mef.as_ref().map(|m| m.short_label.clone()),
                    mef_label: mef.map(|m| m.long_label),
                    home_uai: Some(s.uai),
                    sources,
                    links,
                }))
            }
        }
    }

    /// "Modifier le compte": only contact data. The change and its audit event commit together.
    pub(crate) async fn update_contact(
        &self,
        uai: &str,
        population: Population,
        id: &str,
        change: ContactChange,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        require_in_scope(&txn, uai, population, &[id.to_owned()]).await?;
        let mut update = account::Entity::update_many()
            .col_expr(account::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(account::Column::Id.eq(id));
        if let Some(email) = change.email {
            // A new address has not been confirmed by its owner yet.
            update = update
                .col_expr(account::Column::Email, Expr::value(email))
                .col_expr(account::Column::EmailValidated, Expr::value(false));
        }
        if let Some(phone) = change.phone {
            update = update.col_expr(account::Column::Phone, Expr::value(phone));
        }
        let res = update.exec(&txn).await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        append(&txn, audit.uai(uai).targets(vec![id.to_owned()])).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// When the identifier change of an account takes effect, and to what.
pub fn pending_change(acc: &Account) -> Option<(String, DateTime<Utc>)> {
    Some((acc.pending_identifier.clone()?, acc.pending_effective_at?))
}
