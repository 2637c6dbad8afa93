//! The ENT directory of an establishment (seed 000): search by name, profile, subject, group
//! (with its sub-groups) or login; the group tree; password regeneration; creation; blocking.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use sesame_core::identifier::{ent_login_with_suffix, fold_name};

use crate::entities::{ent_group, ent_user, ent_user_group};
use crate::error::{is_unique_violation, Result, StoreError};
use crate::ids::new_id;
use crate::repo::audit::{append, NewAuditEvent};
use crate::Store;

pub use ent_group::Model as EntGroup;
pub use ent_user::Model as EntUserRow;

pub const STATE_OPERATIONAL: &str = "Opérationnel";
pub const STATE_BLOCKED: &str = "Bloqué";

/// The profiles of the directory (domain: ENT directory).
pub const PROFILES: &[&str] = &[
    "Élève",
    "Parent",
    "Personnel de l'Éducation nationale",
    "Personnel de l'enseignement agricole",
    "Personnel de collectivité",
    "Autre / invité",
];

/// Search criteria of the simple, advanced and technical searches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntFilter {
    /// Prefix of the family name, accents and case ignored.
    pub family_name: Option<String>,
    /// Prefix of the first name, accents and case ignored.
    pub first_name: Option<String>,
    pub profile: Option<String>,
    pub subject: Option<String>,
    /// Members of these groups (a group and its descendants, resolved by the caller).
    pub groups: Option<Vec<String>>,
    /// Exact login (technical search).
    pub login: Option<String>,
    /// Exact user id (technical search).
    pub id: Option<String>,
    /// `Opérationnel` or `Bloqué`.
    pub state: Option<String>,
}

/// A new directory user, validated.
#[derive(Debug, Clone)]
pub struct NewEntUser {
    pub uai: String,
    pub family_name: String,
    pub first_name: String,
    pub profile: String,
    pub email: Option<String>,
    pub subject: Option<String>,
    pub groups: Vec<String>,
    /// `firstname.lastname`, before any homonym suffix.
    pub login_base: String,
    pub password_hash: String,
}

fn prefix(cond: Condition, col: ent_user::Column, raw: &Option<String>) -> Condition {
    match raw.as_deref().map(fold_name).filter(|k| !k.is_empty()) {
        Some(key) => cond
            .add(col.gte(key.clone()))
            .add(col.lt(format!("{key}~"))),
        None => cond,
    }
}

fn condition(uai: &str, f: &EntFilter) -> Condition {
    let mut cond = Condition::all().add(ent_user::Column::Uai.eq(uai));
    cond = prefix(cond, ent_user::Column::FamilyKey, &f.family_name);
    cond = prefix(cond, ent_user::Column::FirstKey, &f.first_name);
    if let Some(p) = &f.profile {
        cond = cond.add(ent_user::Column::Profile.eq(p.clone()));
    }
    if let Some(s) = &f.subject {
        cond = cond.add(ent_user::Column::Subject.eq(s.clone()));
    }
    if let Some(l) = &f.login {
        cond = cond.add(ent_user::Column::Login.eq(l.clone()));
    }
    if let Some(id) = &f.id {
        cond = cond.add(ent_user::Column::Id.eq(id.clone()));
    }
    if let Some(s) = &f.state {
        cond = cond.add(ent_user::Column::State.eq(s.clone()));
    }
    if let Some(groups) = &f.groups {
        let mut sub = Query::select();
        sub.column(ent_user_group::Column::UserId)
            .from(ent_user_group::Entity)
            .and_where(ent_user_group::Column::GroupId.is_in(groups.clone()));
        cond = cond.add(ent_user::Column::Id.in_subquery(sub));
    }
    cond
}

/// The group and all its descendants, among `groups`.
pub fn with_descendants(groups: &[EntGroup], root: &str) -> Vec<String> {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for g in groups {
        if let Some(p) = &g.parent_id {
            children.entry(p.as_str()).or_default().push(g.id.as_str());
        }
    }
    let mut out = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if out.insert(id.to_owned()) {
            if let Some(c) = children.get(id) {
                stack.extend(c.iter().copied());
            }
        }
    }
    out.into_iter().collect()
}

impl Store {
    /// Every group of the establishment, by name.
    pub(crate) async fn ent_groups(&self, uai: &str) -> Result<Vec<EntGroup>> {
        Ok(ent_group::Entity::find()
            .filter(ent_group::Column::Uai.eq(uai))
            .order_by_asc(ent_group::Column::Name)
            .order_by_asc(ent_group::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// (user, group) memberships of the establishment's groups.
    pub(crate) async fn ent_memberships(&self, uai: &str) -> Result<Vec<(String, String)>> {
        let mut sub = Query::select();
        sub.column(ent_group::Column::Id)
            .from(ent_group::Entity)
            .and_where(ent_group::Column::Uai.eq(uai));
        Ok(ent_user_group::Entity::find()
            .select_only()
            .column(ent_user_group::Column::UserId)
            .column(ent_user_group::Column::GroupId)
            .filter(ent_user_group::Column::GroupId.in_subquery(sub))
            .into_tuple::<(String, String)>()
            .all(&self.db)
            .await?)
    }

    /// The subjects taught by the establishment's users, each once, in alphabetical order
    /// (accents and case ignored): the choices of « Matière enseignée ».
    pub(crate) async fn ent_subjects(&self, uai: &str) -> Result<Vec<String>> {
        let mut subjects: Vec<String> = ent_user::Entity::find()
            .select_only()
            .column(ent_user::Column::Subject)
            .distinct()
            .filter(ent_user::Column::Uai.eq(uai))
            .filter(ent_user::Column::Subject.is_not_null())
            .into_tuple::<Option<String>>()
            .all(&self.db)
            .await?
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect();
        // Sorted here: the engines' collations differ on accents and case.
        subjects.sort_by_cached_key(|s| (fold_name(s), s.clone()));
        subjects.dedup();
        Ok(subjects)
    }

    pub(crate) async fn count_ent_users(&self, uai: &str) -> Result<u64> {
        Ok(ent_user::Entity::find()
            .filter(ent_user::Column::Uai.eq(uai))
            .count(&self.db)
            .await?)
    }

    /// A page of the search, by family name then first name.
    pub(crate) async fn search_ent_users(
        &self,
        uai: &str,
        filter: &EntFilter,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<EntUserRow>, u64)> {
        let total = ent_user::Entity::find()
            .filter(condition(uai, filter))
            .count(&self.db)
            .await?;
        let rows = ent_user::Entity::find()
            .filter(condition(uai, filter))
            .order_by_asc(ent_user::Column::FamilyKey)
            .order_by_asc(ent_user::Column::FirstKey)
            .order_by_asc(ent_user::Column::Id)
            .offset((page - 1) * per_page)
            .limit(per_page)
            .all(&self.db)
            .await?;
        Ok((rows, total))
    }

    /// The ids of every user matching (an `all_matching` selection).
    pub(crate) async fn ent_user_ids_matching(
        &self,
        uai: &str,
        filter: &EntFilter,
    ) -> Result<Vec<String>> {
        Ok(ent_user::Entity::find()
            .select_only()
            .column(ent_user::Column::Id)
            .filter(condition(uai, filter))
            .order_by_asc(ent_user::Column::FamilyKey)
            .order_by_asc(ent_user::Column::FirstKey)
            .order_by_asc(ent_user::Column::Id)
            .into_tuple::<String>()
            .all(&self.db)
            .await?)
    }

    /// The users of `uai` among `ids` (others are left out).
    pub(crate) async fn ent_users_by_ids(
        &self,
        uai: &str,
        ids: &[String],
    ) -> Result<Vec<EntUserRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(400) {
            out.extend(
                ent_user::Entity::find()
                    .filter(ent_user::Column::Uai.eq(uai))
                    .filter(ent_user::Column::Id.is_in(chunk.to_vec()))
                    .order_by_asc(ent_user::Column::FamilyKey)
                    .order_by_asc(ent_user::Column::FirstKey)
                    .order_by_asc(ent_user::Column::Id)
                    .all(&self.db)
                    .await?,
            );
        }
        Ok(out)
    }

    /// Group names of each of `ids`: (user id, group name), by name.
    pub(crate) async fn ent_group_names_of(
        &self,
        uai: &str,
        ids: &[String],
    ) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(400) {
            // Only users of `uai`: another establishment's users' groups are not read.
            let chunk: Vec<String> = ent_user::Entity::find()
                .select_only()
                .column(ent_user::Column::Id)
                .filter(ent_user::Column::Uai.eq(uai))
                .filter(ent_user::Column::Id.is_in(chunk.to_vec()))
                .into_tuple()
                .all(&self.db)
                .await?;
            let links: Vec<(String, String)> = ent_user_group::Entity::find()
                .select_only()
                .column(ent_user_group::Column::UserId)
                .column(ent_user_group::Column::GroupId)
                .filter(ent_user_group::Column::UserId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(&self.db)
                .await?;
            let group_ids: Vec<String> = links
                .iter()
                .map(|(_, g)| g.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let names: HashMap<String, String> = ent_group::Entity::find()
                .filter(ent_group::Column::Id.is_in(group_ids))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect();
            for (u, g) in links {
                if let Some(n) = names.get(&g) {
                    out.push((u, n.clone()));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// New password hashes, all or nothing, each change audited (`audit` is the template:
    /// actor, address, action; targets and uai are filled in here).
    pub(crate) async fn set_ent_passwords(
        &self,
        uai: &str,
        hashes: &[(String, String)],
        audit: NewAuditEvent,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        for (id, hash) in hashes {
            let done = ent_user::Entity::update_many()
                .col_expr(ent_user::Column::PasswordHash, Expr::value(hash.clone()))
                .col_expr(ent_user::Column::MustChangePassword, Expr::value(true))
                .filter(ent_user::Column::Uai.eq(uai))
                .filter(ent_user::Column::Id.eq(id.clone()))
                .exec(&txn)
                .await?;
            if done.rows_affected != 1 {
                return Err(StoreError::NotFound);
            }
            append(&txn, audit.clone().uai(uai).targets(vec![id.clone()])).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Sets the state (`Opérationnel` / `Bloqué`); `None` when the user is not in `uai`.
    pub(crate) async fn set_ent_user_state(
        &self,
        uai: &str,
        id: &str,
        state: &str,
        audit: NewAuditEvent,
    ) -> Result<Option<EntUserRow>> {
        let txn = self.begin_write().await?;
        let done = ent_user::Entity::update_many()
            .col_expr(ent_user::Column::State, Expr::value(state))
            .filter(ent_user::Column::Uai.eq(uai))
            .filter(ent_user::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Ok(None);
        }
        let user = ent_user::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        append(
            &txn,
            audit
                .uai(uai)
                .targets(vec![id.to_owned()])
                .detail(serde_json::json!({ "login": user.login, "state": state })),
        )
        .await?;
        txn.commit().await?;
        Ok(Some(user))
    }

    /// Creates a user with the first free login `base`, `base2`, `base3`… The unique index on
    /// logins is the guard: a concurrent creation that took the same login makes this retry.
    pub(crate) async fn create_ent_user(
        &self,
        new: &NewEntUser,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<EntUserRow> {
        for _ in 0..10 {
            let txn = self.begin_write().await?;
            let login = first_free_login(&txn, &new.login_base).await?;
            match insert_user(&txn, new, &login, now, audit.clone()).await {
                Ok(user) => {
                    txn.commit().await?;
                    return Ok(user);
                }
                Err(StoreError::Db(e)) if is_unique_violation(&e) => {
                    txn.rollback().await?;
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict(
            "Aucun identifiant libre n'a été trouvé ; réessayez.".into(),
        ))
    }
}

async fn first_free_login(txn: &DatabaseTransaction, base: &str) -> Result<String> {
    let taken: Vec<String> = ent_user::Entity::find()
        .select_only()
        .column(ent_user::Column::Login)
        .filter(ent_user::Column::Login.gte(base.to_owned()))
        .filter(ent_user::Column::Login.lt(format!("{base}~")))
        .into_tuple()
        .all(txn)
        .await?;
    let numbers: BTreeSet<u32> = taken
        .iter()
        .filter_map(|l| {
            let rest = l.strip_prefix(base)?;
            if rest.is_empty() {
                Some(1)
            } else if rest.bytes().all(|b| b.is_ascii_digit()) && !rest.starts_with('0') {
                rest.parse().ok()
            } else {
                None
            }
        })
        .collect();
    let n = (1..).find(|n| !numbers.contains(n)).unwrap_or(1);
    Ok(ent_login_with_suffix(base, n))
}

async fn insert_user(
    txn: &DatabaseTransaction,
    new: &NewEntUser,
    login: &str,
    now: DateTime<Utc>,
    audit: NewAuditEvent,
) -> Result<EntUserRow> {
    let id = new_id();
    let user = ent_user::ActiveModel {
        id: Set(id.clone()),
        uai: Set(new.uai.clone()),
        login: Set(login.to_owned()),
        family_name: Set(new.family_name.clone()),
        first_name: Set(new.first_name.clone()),
        family_key: Set(fold_name(&new.family_name)),
        first_key: Set(fold_name(&new.first_name)),
        profile: Set(new.profile.clone()),
        state: Set(STATE_OPERATIONAL.to_owned()),
        subject: Set(new.subject.clone()),
        email: Set(new.email.clone()),
        password_hash: Set(Some(new.password_hash.clone())),
        must_change_password: Set(true),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    let groups: BTreeSet<&String> = new.groups.iter().collect();
    for g in groups {
        ent_user_group::ActiveModel {
            user_id: Set(id.clone()),
            group_id: Set(g.clone()),
        }
        .insert(txn)
        .await?;
    }
    append(
        txn,
        audit
            .uai(new.uai.clone())
            .targets(vec![id])
            .detail(serde_json::json!({
                "login": login,
                "profile": new.profile,
                "groups": new.groups,
            })),
    )
    .await?;
    Ok(user)
}
