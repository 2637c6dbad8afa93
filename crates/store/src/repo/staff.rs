use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sesame_core::permissions::{Module, Role};

use crate::entities::{delegation, staff_role, staff_user};
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::Store;

pub use staff_user::Model as StaffUser;

/// One role a staff user holds at one establishment, directly or through a live delegation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub uai: String,
    pub role: Role,
}

/// What a role row (`origin` = `role`) or a live delegation (`delegation`, by module) gives.
pub(crate) fn grant_of(origin: &str, value: &str, uai: String) -> Option<Grant> {
    let role = match (origin, value) {
        ("role", v) => Role::parse(v),
        (_, v) => match Module::parse(v)? {
            Module::Admin => Some(Role::Agent),
            Module::Troubleshooting => Some(Role::Teacher),
            Module::Ent => None,
        },
    }?;
    Some(Grant { uai, role })
}

/// `uai`, `value`, `origin` of every role and live delegation of `staff_id`.
pub(crate) fn grants_query(staff_id: &str) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Alias, Expr, Query, UnionType};
    Query::select()
        .column(staff_role::Column::Uai)
        .expr_as(Expr::col(staff_role::Column::Role), Alias::new("value"))
        .expr_as(Expr::val("role"), Alias::new("origin"))
        .from(staff_role::Entity)
        .and_where(Expr::col(staff_role::Column::StaffId).eq(staff_id))
        .union(
            UnionType::All,
            Query::select()
                .column(delegation::Column::Uai)
                .expr_as(Expr::col(delegation::Column::Module), Alias::new("value"))
                .expr_as(Expr::val("delegation"), Alias::new("origin"))
                .from(delegation::Entity)
                .and_where(Expr::col(delegation::Column::StaffId).eq(staff_id))
                .and_where(Expr::col(delegation::Column::RevokedAt).is_null())
                .to_owned(),
        )
        .to_owned()
}

pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: String,
    pub totp_secret_enc: Option<String>,
}

impl Store {
    pub async fn staff_by_username(&self, username: &str) -> Result<Option<StaffUser>> {
        Ok(staff_user::Entity::find()
            .filter(staff_user::Column::Username.eq(username))
            .one(&self.db)
            .await?)
    }

    pub async fn staff_by_id(&self, id: &str) -> Result<Option<StaffUser>> {
        Ok(staff_user::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?)
    }

    pub async fn create_staff(&self, new: NewStaff<'_>) -> Result<StaffUser> {
        let model = staff_user::ActiveModel {
            id: Set(new_id()),
            username: Set(new.username.to_owned()),
            display_name: Set(new.display_name.to_owned()),
            password_hash: Set(new.password_hash),
            totp_secret_enc: Set(new.totp_secret_enc),
            disabled: Set(false),
            created_at: Set(Utc::now()),
        };
        model.insert(&self.db).await.map_err(|e| {
            if crate::error::is_unique_violation(&e) {
                StoreError::Conflict(format!("the username {} is taken", new.username))
            } else {
                e.into()
            }
        })
    }

    pub async fn add_staff_role(&self, staff_id: &str, uai: &str, role: Role) -> Result<()> {
        staff_role::ActiveModel {
            id: Set(new_id()),
            staff_id: Set(staff_id.to_owned()),
            uai: Set(uai.to_owned()),
            role: Set(role.as_str().to_owned()),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// Every role the user holds now: direct ones and those of unrevoked delegations. Read on
    /// each request (one round trip), so a revoked delegation takes effect at once, not at
    /// token expiry.
    pub async fn staff_grants(&self, staff_id: &str) -> Result<Vec<Grant>> {
        use sea_orm::{ConnectionTrait, FromQueryResult};

        #[derive(FromQueryResult)]
        struct Row {
            uai: String,
            value: String,
            origin: String,
        }
        let q = grants_query(staff_id);
        let backend = self.db.get_database_backend();
        let rows = Row::find_by_statement(backend.build(&q))
            .all(&self.db)
            .await?;
        let mut grants: Vec<Grant> = Vec::with_capacity(rows.len());
        for r in rows {
            if let Some(g) = grant_of(&r.origin, &r.value, r.uai) {
                if !grants.contains(&g) {
                    grants.push(g);
                }
            }
        }
        grants.sort_by(|a, b| a.uai.cmp(&b.uai));
        Ok(grants)
    }

    /// Usernames of everyone holding a role or a live delegation at `uai`.
    pub(crate) async fn staff_usernames_at(&self, uai: &str) -> Result<Vec<String>> {
        let mut ids: Vec<String> = staff_role::Entity::find()
            .filter(staff_role::Column::Uai.eq(uai))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.staff_id)
            .collect();
        ids.extend(
            delegation::Entity::find()
                .filter(delegation::Column::Uai.eq(uai))
                .filter(delegation::Column::RevokedAt.is_null())
                .all(&self.db)
                .await?
                .into_iter()
                .map(|d| d.staff_id),
        );
        Ok(staff_user::Entity::find()
            .filter(staff_user::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| s.username)
            .collect())
    }

    pub async fn set_staff_password(&self, staff_id: &str, password_hash: String) -> Result<()> {
        self.update_staff(staff_id, |m| m.password_hash = Set(password_hash))
            .await
    }

    pub async fn set_staff_disabled(&self, staff_id: &str, disabled: bool) -> Result<()> {
        self.update_staff(staff_id, |m| m.disabled = Set(disabled))
            .await
    }

    pub async fn set_staff_totp(
        &self,
        staff_id: &str,
        totp_secret_enc: Option<String>,
    ) -> Result<()> {
        self.update_staff(staff_id, |m| m.totp_secret_enc = Set(totp_secret_enc))
            .await
    }

    async fn update_staff(
        &self,
        staff_id: &str,
        change: impl FnOnce(&mut staff_user::ActiveModel),
    ) -> Result<()> {
        let mut model = staff_user::ActiveModel {
            id: Set(staff_id.to_owned()),
            ..Default::default()
        };
        change(&mut model);
        let res = staff_user::Entity::update_many()
            .set(model)
            .filter(staff_user::Column::Id.eq(staff_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
