//! Account search for the three populations of an establishment. Names are matched by prefix on
//! ASCII-folded keys as byte ranges, so "éloïse", "Eloise" and "ELOI" all find Éloïse and the
//! establishment + name index serves the query on both engines.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Cond, Expr, JoinType, Order, PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder,
};
use sea_orm::{ConnectionTrait, FromQueryResult};
use sesame_core::identifier::fold_name;
use sesame_core::{AccountState, Origin, Population};

use crate::error::Result;
use crate::repo::sql::{a, build, col, join_structure, linked_here};
use crate::Store;

/// The search filters of the console (and of `all_matching` selections).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    /// Name or first name, prefix, accent- and case-insensitive.
    pub q: Option<String>,
    /// Class codes (e.g. `3EME4`).
    pub classes: Vec<String>,
    /// MEF short labels (`2NDPRO`) or codes.
    pub mefs: Vec<String>,
    pub states: Vec<AccountState>,
    /// Guardians: a linked student's name prefix.
    pub student: Option<String>,
    /// Guardians: with (true) or without (false) an email address.
    pub has_email: Option<bool>,
    /// Guardians: account origins.
    pub origins: Vec<Origin>,
    /// Guardians: a link to a student reported as wrong.
    pub link_reported: Option<bool>,
    /// External students: their home establishment.
    pub home_uai: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    FamilyName,
    FirstName,
    Class,
    State,
    Identifier,
    NotifiedAt,
    LastLoginAt,
}

impl SortKey {
    /// `family_name`, `-notified_at`, …: the key and whether it is descending.
    pub fn parse(s: &str) -> Option<(SortKey, bool)> {
        let (desc, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let key = match name {
            "family_name" | "name" => SortKey::FamilyName,
            "first_name" => SortKey::FirstName,
            "class" => SortKey::Class,
            "state" => SortKey::State,
            "identifier" => SortKey::Identifier,
            "notified_at" => SortKey::NotifiedAt,
            "last_login_at" => SortKey::LastLoginAt,
            _ => return None,
        };
        Some((key, desc))
    }
}

/// One row of a result table.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct AccountRow {
    pub id: String,
    pub kind: String,
    pub family_name: String,
    pub first_name: String,
    pub class: Option<String>,
    pub mef: Option<String>,
    pub mef_label: Option<String>,
    pub identifier: String,
    pub state: String,
    pub origin: String,
    pub notified_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub email: Option<String>,
    pub provisional_password_enc: Option<String>,
    /// External students: the home establishment's UAI and name.
    pub home_uai: Option<String>,
    pub home_name: Option<String>,
}

/// A student linked to a guardian, as the guardians table shows it.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct LinkedStudent {
    pub guardian_id: String,
    pub student_id: String,
    pub family_name: String,
    pub first_name: String,
    pub class: Option<String>,
    pub mef: Option<String>,
    pub mef_label: Option<String>,
    pub relationship: String,
    pub reported_wrong: bool,
}

/// `key` starts with `prefix`: a range on the folded key (keys hold only `[a-z-]`, and `~`
/// sorts after both).
fn prefix_cond(table: &str, key: &str, prefix: &str) -> Cond {
    Cond::all()
        .add(col(table, key).gte(prefix.to_owned()))
        .add(col(table, key).lt(format!("{prefix}~")))
}

/// Name condition on a person table (`s` for students, `g` for guardians): the whole query as a
/// prefix of the family or first name, or "family first" / "first family" for two words.
pub(crate) fn name_cond(table: &str, q: &str) -> Option<Cond> {
    let words: Vec<String> = q
        .split_whitespace()
        .map(fold_name)
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return None;
    }
    let whole = words.join("-");
    let mut any = Cond::any()
        .add(prefix_cond(table, "family_key", &whole))
        .add(prefix_cond(table, "first_key", &whole));
    if words.len() > 1 {
        let head = &words[0];
        let rest = words[1..].join("-");
        any = any
            .add(
                Cond::all()
                    .add(prefix_cond(table, "family_key", head))
                    .add(prefix_cond(table, "first_key", &rest)),
            )
            .add(
                Cond::all()
                    .add(prefix_cond(table, "first_key", head))
                    .add(prefix_cond(table, "family_key", &rest)),
            );
    }
    Some(any)
}

/// Class and MEF conditions on the student side (`s`, `c`, `m` aliases).
fn structure_cond(filter: &AccountFilter) -> Cond {
    let mut cond = Cond::all();
    if !filter.classes.is_empty() {
        cond = cond.add(col("c", "code").is_in(filter.classes.clone()));
    }
    if !filter.mefs.is_empty() {
        cond = cond.add(
            Cond::any()
                .add(col("m", "short_label").is_in(filter.mefs.clone()))
                .add(col("m", "code").is_in(filter.mefs.clone())),
        );
    }
    cond
}

fn account_cond(filter: &AccountFilter) -> Cond {
    let mut cond = Cond::all();
    if !filter.states.is_empty() {
        cond = cond.add(
            col("a", "state").is_in(filter.states.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        );
    }
    if !filter.origins.is_empty() {
        cond = cond.add(
            col("a", "origin").is_in(
                filter
                    .origins
                    .iter()
                    .map(|o| o.as_str())
                    .collect::<Vec<_>>(),
            ),
        );
    }
    if let Some(has) = filter.has_email {
        let present = Cond::all()
            .add(col("a", "email").is_not_null())
            .add(col("a", "email").ne(""));
        cond = cond.add(if has { present } else { present.not() });
    }
    cond
}

/// Whether the filter looks at the account row (state, origin, email).
fn needs_accounts(filter: &AccountFilter) -> bool {
    !filter.states.is_empty() || !filter.origins.is_empty() || filter.has_email.is_some()
}

/// The FROM/WHERE of a population's search (no columns, no order).
fn base(uai: &str, population: Population, filter: &AccountFilter) -> SelectStatement {
    base_with(uai, population, filter, true, false)
}

/// As [`base`]; without `with_accounts` (and no filter on the account row) the accounts table
/// is left out, which makes counting an establishment's thousands of rows an index-only
/// affair instead of one lookup per row.
///
/// `account_index` adds `accounts.home_uai = uai` (the same rows) so that a filter or sort on
/// the account is served by its (home_uai, …) indexes; without such a filter or sort it only
/// misleads the planner (two correlated predicates look very selective), so it is left out.
fn base_with(
    uai: &str,
    population: Population,
    filter: &AccountFilter,
    with_accounts: bool,
    account_index: bool,
) -> SelectStatement {
    let with_accounts = with_accounts || needs_accounts(filter);
    let join_accounts = |q: &mut SelectStatement, person: &str| {
        if with_accounts {
            q.join_as(
                JoinType::InnerJoin,
                a("accounts"),
                a("a"),
                col("a", "id").equals((a(person), a("id"))),
            );
        }
    };
    let mut q = Query::select();
    match population {
        Population::Students | Population::ExternalStudents => {
            q.from_as(a("students"), a("s"))
                .and_where(col("s", "left_at").is_null());
            join_accounts(&mut q, "s");
            if !filter.classes.is_empty() || !filter.mefs.is_empty() || with_accounts {
                join_structure(&mut q);
            }
            if population == Population::Students {
                q.and_where(col("s", "uai").eq(uai));
                if with_accounts && account_index {
                    q.and_where(col("a", "home_uai").eq(uai));
                }
            } else {
                q.join_as(
                    JoinType::InnerJoin,
                    a("student_external_establishments"),
                    a("x"),
                    Cond::all()
                        .add(col("x", "student_id").equals((a("s"), a("id"))))
                        .add(col("x", "uai").eq(uai)),
                )
                .join_as(
                    JoinType::LeftJoin,
                    a("establishments"),
                    a("h"),
                    col("h", "uai").equals((a("s"), a("uai"))),
                );
                if let Some(home) = &filter.home_uai {
                    q.and_where(col("s", "uai").eq(home.to_uppercase()));
                }
            }
            if let Some(name) = filter.q.as_deref().and_then(|t| name_cond("s", t)) {
                q.cond_where(name);
            }
            q.cond_where(structure_cond(filter));
        }
        Population::Guardians => {
            q.from_as(a("guardians"), a("g"));
            join_accounts(&mut q, "g");
            // A guardian belongs to the establishment through a linked student who is there.
            let mut link = linked_here(uai);
            join_structure(&mut link);
            link.cond_where(structure_cond(filter));
            if let Some(name) = filter.student.as_deref().and_then(|t| name_cond("s", t)) {
                link.cond_where(name);
            }
            if let Some(reported) = filter.link_reported {
                link.and_where(col("l", "reported_wrong").eq(reported));
            }
            q.and_where(Expr::exists(link));
            if let Some(name) = filter.q.as_deref().and_then(|t| name_cond("g", t)) {
                q.cond_where(name);
            }
        }
    }
    if with_accounts {
        q.cond_where(account_cond(filter));
    }
    q
}

fn person(population: Population) -> &'static str {
    match population {
        Population::Guardians => "g",
        _ => "s",
    }
}

/// The columns of an [`AccountRow`].
fn select_row_columns(q: &mut SelectStatement, population: Population) {
    let p = person(population);
    q.expr_as(col("a", "id"), a("id"))
        .expr_as(col("a", "kind"), a("kind"))
        .expr_as(col(p, "family_name"), a("family_name"))
        .expr_as(col(p, "first_name"), a("first_name"))
        .expr_as(col("a", "identifier"), a("identifier"))
        .expr_as(col("a", "state"), a("state"))
        .expr_as(col("a", "origin"), a("origin"))
        .expr_as(col("a", "notified_at"), a("notified_at"))
        .expr_as(col("a", "last_login_at"), a("last_login_at"))
        .expr_as(col("a", "email"), a("email"))
        .expr_as(
            col("a", "provisional_password_enc"),
            a("provisional_password_enc"),
        );
    if population == Population::Guardians {
        for c in ["class", "mef", "mef_label", "home_uai", "home_name"] {
            q.expr_as(Expr::cust("NULL"), a(c));
        }
    } else {
        q.expr_as(col("c", "code"), a("class"))
            .expr_as(col("m", "short_label"), a("mef"))
            .expr_as(col("m", "long_label"), a("mef_label"));
        if population == Population::ExternalStudents {
            q.expr_as(col("s", "uai"), a("home_uai"))
                .expr_as(col("h", "name"), a("home_name"));
        } else {
            q.expr_as(Expr::cust("NULL"), a("home_uai"))
                .expr_as(Expr::cust("NULL"), a("home_name"));
        }
    }
}

/// The two statements of a search: how many rows match, and the page.
fn search_statements(
    uai: &str,
    population: Population,
    filter: &AccountFilter,
    sort: (SortKey, bool),
    page: u64,
    per_page: u64,
) -> (SelectStatement, SelectStatement) {
    let mut count = base_with(uai, population, filter, false, needs_accounts(filter));
    count.expr_as(Expr::col((a(person(population)), a("id"))).count(), a("n"));

    let p = person(population);
    let account_sort = matches!(
        sort.0,
        SortKey::State | SortKey::NotifiedAt | SortKey::LastLoginAt
    );
    let mut q = base_with(
        uai,
        population,
        filter,
        true,
        needs_accounts(filter) || account_sort,
    );
    select_row_columns(&mut q, population);
    let (key, desc) = sort;
    let order = if desc { Order::Desc } else { Order::Asc };
    let name_order = |q: &mut SelectStatement| {
        q.order_by_expr(col(p, "family_key").into(), Order::Asc)
            .order_by_expr(col(p, "first_key").into(), Order::Asc);
    };
    match key {
        SortKey::FamilyName => {
            q.order_by_expr(col(p, "family_key").into(), order.clone())
                .order_by_expr(col(p, "first_key").into(), order);
        }
        SortKey::FirstName => {
            q.order_by_expr(col(p, "first_key").into(), order.clone())
                .order_by_expr(col(p, "family_key").into(), order);
        }
        SortKey::Class if population != Population::Guardians => {
            q.order_by_expr(col("c", "code").into(), order);
            name_order(&mut q);
        }
        SortKey::Class => name_order(&mut q),
        SortKey::State => {
            q.order_by_expr(col("a", "state").into(), order);
            name_order(&mut q);
        }
        SortKey::Identifier => {
            q.order_by_expr(col("a", "identifier").into(), order);
        }
        SortKey::NotifiedAt => {
            q.order_by_expr(col("a", "notified_at").into(), order);
            name_order(&mut q);
        }
        SortKey::LastLoginAt => {
            q.order_by_expr(col("a", "last_login_at").into(), order);
            name_order(&mut q);
        }
    }
    // A total order, so that pages never overlap or skip a row.
    q.order_by_expr(col("a", "id").into(), Order::Asc)
        .limit(per_page)
        .offset(page.saturating_sub(1).saturating_mul(per_page));
    (count, q)
}

impl Store {
    /// One page of accounts matching `filter`, and how many match in all.
    pub(crate) async fn search_accounts(
        &self,
        uai: &str,
        population: Population,
        filter: &AccountFilter,
        sort: (SortKey, bool),
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<AccountRow>, u64)> {
        let backend = self.db.get_database_backend();
        let (count, q) = search_statements(uai, population, filter, sort, page, per_page);
        let total = self
            .db
            .query_one(build(backend, &count))
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0) as u64;
        let rows = AccountRow::find_by_statement(build(backend, &q))
            .all(&self.db)
            .await?;
        Ok((rows, total))
    }

    /// The SQL a search runs, values inlined, in the engine's dialect: what `scripts/bench.sh`
    /// hands to `pgbench` to measure the database's own share of a search, and what a DBA
    /// reads with `EXPLAIN`.
    pub(crate) fn search_sql(
        &self,
        uai: &str,
        population: Population,
        filter: &AccountFilter,
        sort: (SortKey, bool),
        page: u64,
        per_page: u64,
    ) -> Vec<String> {
        let (count, q) = search_statements(uai, population, filter, sort, page, per_page);
        [count, q]
            .iter()
            .map(|s| match self.db.get_database_backend() {
                sea_orm::DbBackend::Postgres => s.to_string(PostgresQueryBuilder),
                _ => s.to_string(SqliteQueryBuilder),
            })
            .collect()
    }

    /// The rows of `ids` (already in scope), sorted by name, for lists and documents.
    pub(crate) async fn account_rows(
        &self,
        uai: &str,
        population: Population,
        ids: &[String],
    ) -> Result<Vec<AccountRow>> {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let filter = AccountFilter::default();
            let mut page = Vec::new();
            let mut q = base(uai, population, &filter);
            select_row_columns(&mut q, population);
            q.and_where(col("a", "id").is_in(chunk.to_vec()));
            let backend = self.db.get_database_backend();
            page.extend(
                AccountRow::find_by_statement(build(backend, &q))
                    .all(&self.db)
                    .await?,
            );
            rows.extend(page);
        }
        rows.sort_by(|a, b| {
            (
                a.class.as_deref(),
                a.family_name.to_lowercase(),
                a.first_name.to_lowercase(),
                &a.id,
            )
                .cmp(&(
                    b.class.as_deref(),
                    b.family_name.to_lowercase(),
                    b.first_name.to_lowercase(),
                    &b.id,
                ))
        });
        Ok(rows)
    }

    /// Ids of every account matching `filter` (an `all_matching` selection).
    pub(crate) async fn matching_account_ids(
        &self,
        uai: &str,
        population: Population,
        filter: &AccountFilter,
    ) -> Result<Vec<String>> {
        let mut q = base(uai, population, filter);
        q.expr_as(col("a", "id"), a("id"))
            .order_by_expr(col(person(population), "family_key").into(), Order::Asc)
            .order_by_expr(col(person(population), "first_key").into(), Order::Asc)
            .order_by_expr(col("a", "id").into(), Order::Asc);
        let backend = self.db.get_database_backend();
        let rows = self.db.query_all(build(backend, &q)).await?;
        rows.iter()
            .map(|r| r.try_get::<String>("", "id").map_err(Into::into))
            .collect()
    }

    /// Which of `ids` are accounts of `population` at `uai`, in the order given. An id outside
    /// the establishment is simply absent, so callers answer 404 as for an unknown one.
    pub(crate) async fn accounts_in_scope(
        &self,
        uai: &str,
        population: Population,
        ids: &[String],
    ) -> Result<Vec<String>> {
        ids_in_scope(&self.db, uai, population, ids).await
    }

    /// The students of `uai` linked to each of `guardian_ids`.
    pub(crate) async fn linked_students(
        &self,
        uai: &str,
        guardian_ids: &[String],
    ) -> Result<Vec<LinkedStudent>> {
        if guardian_ids.is_empty() {
            return Ok(vec![]);
        }
        let mut out = vec![];
        for chunk in guardian_ids.chunks(500) {
            let mut q = Query::select();
            q.expr_as(col("l", "guardian_id"), a("guardian_id"))
                .expr_as(col("s", "id"), a("student_id"))
                .expr_as(col("s", "family_name"), a("family_name"))
                .expr_as(col("s", "first_name"), a("first_name"))
                .expr_as(col("c", "code"), a("class"))
                .expr_as(col("m", "short_label"), a("mef"))
                .expr_as(col("m", "long_label"), a("mef_label"))
                .expr_as(col("l", "relationship"), a("relationship"))
                .expr_as(col("l", "reported_wrong"), a("reported_wrong"))
                .from_as(a("guardian_links"), a("l"))
                .join_as(
                    JoinType::InnerJoin,
                    a("students"),
                    a("s"),
                    col("s", "id").equals((a("l"), a("student_id"))),
                )
                .and_where(col("s", "uai").eq(uai))
                .and_where(col("s", "left_at").is_null())
                .and_where(col("l", "guardian_id").is_in(chunk.to_vec()))
                .order_by_expr(col("s", "family_key").into(), Order::Asc)
                .order_by_expr(col("s", "first_key").into(), Order::Asc);
            join_structure(&mut q);
            let backend = self.db.get_database_backend();
            out.extend(
                LinkedStudent::find_by_statement(build(backend, &q))
                    .all(&self.db)
                    .await?,
            );
        }
        Ok(out)
    }
}

/// Which of `ids` are accounts of `population` at `uai`, in the order given, read on `conn`, so
/// that a write checks the scope inside its own transaction, after locking the rows.
pub(crate) async fn ids_in_scope<C: ConnectionTrait>(
    conn: &C,
    uai: &str,
    population: Population,
    ids: &[String],
) -> Result<Vec<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in ids.chunks(500) {
        let mut q = base(uai, population, &AccountFilter::default());
        q.expr_as(col("a", "id"), a("id"))
            .and_where(col("a", "id").is_in(chunk.to_vec()));
        let backend = conn.get_database_backend();
        for r in conn.query_all(build(backend, &q)).await? {
            found.insert(r.try_get::<String>("", "id")?);
        }
    }
    let mut seen = std::collections::HashSet::new();
    Ok(ids
        .iter()
        .filter(|id| found.contains(*id) && seen.insert((*id).clone()))
        .cloned()
        .collect())
}

/// Refuses the whole operation (as "not found") unless every one of `ids` is an account of
/// `population` at `uai`: a foreign id never reaches an update.
pub(crate) async fn require_in_scope<C: ConnectionTrait>(
    conn: &C,
    uai: &str,
    population: Population,
    ids: &[String],
) -> Result<()> {
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    let found = ids_in_scope(conn, uai, population, ids).await?;
    if found.len() == unique.len() {
        Ok(())
    } else {
        Err(crate::error::StoreError::NotFound)
    }
}
