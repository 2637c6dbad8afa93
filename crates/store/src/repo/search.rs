//! Account search for the three populations of an establishment. Names are matched by prefix on
//! ASCII-folded keys as byte ranges, so "éloïse", "Eloise" and "ELOI" all find Éloïse and the
//! establishment + name index serves the query on both engines.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Cond, Expr, JoinType, NullOrdering, Order, PostgresQueryBuilder, Query, SelectStatement,
    SimpleExpr, SqliteQueryBuilder,
};
use sea_orm::{ConnectionTrait, FromQueryResult};
use sesame_core::identifier::fold_name;
use sesame_core::{AccountKind, AccountState, Origin, Population};

use crate::error::Result;
pub use crate::repo::cursor::Cursor;
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
    /// The request's spelling of this sort, `-` first when descending.
    pub fn name(self, desc: bool) -> String {
        let name = match self {
            SortKey::FamilyName => "family_name",
            SortKey::FirstName => "first_name",
            SortKey::Class => "class",
            SortKey::State => "state",
            SortKey::Identifier => "identifier",
            SortKey::NotifiedAt => "notified_at",
            SortKey::LastLoginAt => "last_login_at",
        };
        if desc {
            format!("-{name}")
        } else {
            name.to_owned()
        }
    }

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: String,
    pub kind: AccountKind,
    pub family_name: String,
    pub first_name: String,
    pub class: Option<String>,
    pub mef: Option<String>,
    pub mef_label: Option<String>,
    pub identifier: String,
    pub state: AccountState,
    pub origin: Origin,
    pub notified_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub email: Option<String>,
    pub provisional_password_enc: Option<String>,
    /// External students: the home establishment's UAI and name.
    pub home_uai: Option<String>,
    pub home_name: Option<String>,
    /// The folded names the order uses (a cursor carries them).
    pub family_key: String,
    pub first_key: String,
}

/// Read by position, in the order of [`select_row_columns`]: a search decodes thousands of
/// cells, and by name each one was a hash look-up (and each NULL a formatted error message
/// inside sea-orm) — a sixth of the server's CPU on a search.
impl FromQueryResult for AccountRow {
    fn from_query_result(r: &sea_orm::QueryResult, _pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(AccountRow {
            id: r.try_get_by_index(0)?,
            kind: vocabulary(r, 1, "kind", AccountKind::parse)?,
            family_name: r.try_get_by_index(2)?,
            first_name: r.try_get_by_index(3)?,
            family_key: r.try_get_by_index(4)?,
            first_key: r.try_get_by_index(5)?,
            identifier: r.try_get_by_index(6)?,
            state: vocabulary(r, 7, "state", AccountState::parse)?,
            origin: vocabulary(r, 8, "origin", Origin::parse)?,
            notified_at: r.try_get_by_index(9)?,
            last_login_at: r.try_get_by_index(10)?,
            email: r.try_get_by_index(11)?,
            provisional_password_enc: r.try_get_by_index(12)?,
            class: r.try_get_by_index(13)?,
            mef: r.try_get_by_index(14)?,
            mef_label: r.try_get_by_index(15)?,
            home_uai: r.try_get_by_index(16)?,
            home_name: r.try_get_by_index(17)?,
        })
    }
}

/// A closed-vocabulary cell, checked: the schema refuses unknown values, so one read anyway is a
/// corrupt row (a fault, logged), not a string handed on for someone else to misread.
fn vocabulary<T>(
    r: &sea_orm::QueryResult,
    index: usize,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, sea_orm::DbErr> {
    let raw: String = r.try_get_by_index(index)?;
    // sea-orm's decoding wants its own error type; the message is the store's.
    crate::StoreError::checked(what, &raw, parse).map_err(|e| sea_orm::DbErr::Type(e.to_string()))
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
    /// The MEF's level (« Niveau » of seed 001 §5.1, e.g. `3EME`, `CM2`).
    pub level: Option<String>,
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

/// Class and MEF conditions on the student side (`s`, `c`, `m` aliases). `classes_at`: the
/// establishment whose classes these are, when known. Class codes repeat in every school
/// (`3EME1` is in ten thousand of them): naming the school lets the database find the one
/// class by its (uai, code) key and then its pupils, instead of reading every `3EME1` of the
/// country (19 ms a search at 10 M accounts).
fn structure_cond(filter: &AccountFilter, classes_at: Option<&str>) -> Cond {
    let mut cond = Cond::all();
    if !filter.classes.is_empty() {
        cond = cond.add(col("c", "code").is_in(filter.classes.clone()));
        if let Some(uai) = classes_at {
            cond = cond.add(col("c", "uai").eq(uai));
        }
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
            // External students' classes are those of their own school.
            let classes_at = (population == Population::Students).then_some(uai);
            q.cond_where(structure_cond(filter, classes_at));
        }
        Population::Guardians => {
            q.from_as(a("guardians"), a("g"));
            join_accounts(&mut q, "g");
            // A guardian belongs to the establishment through a linked student who is there.
            let mut link = linked_here(uai);
            join_structure(&mut link);
            link.cond_where(structure_cond(filter, Some(uai)));
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

/// The columns of an [`AccountRow`], in the order its decoding reads them.
fn select_row_columns(q: &mut SelectStatement, population: Population) {
    let p = person(population);
    q.expr_as(col("a", "id"), a("id"))
        .expr_as(col("a", "kind"), a("kind"))
        .expr_as(col(p, "family_name"), a("family_name"))
        .expr_as(col(p, "first_name"), a("first_name"))
        .expr_as(col(p, "family_key"), a("family_key"))
        .expr_as(col(p, "first_key"), a("first_key"))
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
    // Columns 13 to 17: class, mef, mef_label, home_uai, home_name.
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

/// A column of a search's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    FamilyKey,
    FirstKey,
    Id,
    Class,
    State,
    Identifier,
    NotifiedAt,
    LastLoginAt,
}

impl Field {
    fn column(self, population: Population) -> Expr {
        let p = person(population);
        match self {
            Field::FamilyKey => col(p, "family_key"),
            Field::FirstKey => col(p, "first_key"),
            Field::Id => col(p, "id"),
            Field::Class => col("c", "code"),
            Field::State => col("a", "state"),
            Field::Identifier => col("a", "identifier"),
            Field::NotifiedAt => col("a", "notified_at"),
            Field::LastLoginAt => col("a", "last_login_at"),
        }
    }

    /// Read from the account row or the class join (not only the person row).
    fn beyond_person(self) -> bool {
        !matches!(self, Field::FamilyKey | Field::FirstKey | Field::Id)
    }

    /// May be NULL. A NULL counts as the largest value on both engines (PostgreSQL's own
    /// rule, which SQLite is told): last going up, first going down, so that an index on the
    /// column, read backwards, still gives a descending order; a cursor's NULL is a position
    /// like any other.
    fn nullable(self) -> bool {
        matches!(self, Field::Class | Field::NotifiedAt | Field::LastLoginAt)
    }

    fn value_of(self, row: &AccountRow) -> Option<String> {
        match self {
            Field::FamilyKey => Some(row.family_key.clone()),
            Field::FirstKey => Some(row.first_key.clone()),
            Field::Id => Some(row.id.clone()),
            Field::Class => row.class.clone(),
            Field::State => Some(row.state.as_str().to_owned()),
            Field::Identifier => Some(row.identifier.clone()),
            Field::NotifiedAt => row.notified_at.map(|t| t.to_rfc3339()),
            Field::LastLoginAt => row.last_login_at.map(|t| t.to_rfc3339()),
        }
    }

    /// A cursor's value as a query value of this column's type; `None` if it is not one.
    fn bind(self, value: &str) -> Option<sea_orm::sea_query::SimpleExpr> {
        match self {
            Field::NotifiedAt | Field::LastLoginAt => DateTime::parse_from_rfc3339(value)
                .ok()
                .map(|t| Expr::val(t.with_timezone(&Utc)).into()),
            _ => Some(Expr::val(value.to_owned()).into()),
        }
    }
}

/// The order of a search: its columns and directions, always ending with the id so that the
/// order is total (pages never overlap or skip a row, and a cursor names one position).
fn order_keys(population: Population, (key, desc): (SortKey, bool)) -> Vec<(Field, bool)> {
    use Field::*;
    let by_name = [(FamilyKey, false), (FirstKey, false), (Id, false)];
    let then_name = |first: Field| {
        let mut keys = vec![(first, desc)];
        keys.extend(by_name);
        keys
    };
    match key {
        SortKey::FamilyName => vec![(FamilyKey, desc), (FirstKey, desc), (Id, desc)],
        SortKey::FirstName => vec![(FirstKey, desc), (FamilyKey, desc), (Id, desc)],
        SortKey::Class if population != Population::Guardians => then_name(Class),
        SortKey::Class => by_name.to_vec(),
        SortKey::State => then_name(State),
        SortKey::Identifier => vec![(Identifier, desc), (Id, desc)],
        SortKey::NotifiedAt => then_name(NotifiedAt),
        SortKey::LastLoginAt => then_name(LastLoginAt),
    }
}

/// One search of the console: whom, how filtered and sorted, which page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub population: Population,
    pub filter: AccountFilter,
    pub sort: (SortKey, bool),
    pub start: PageStart,
    pub per_page: u64,
}

/// Where a page of a search starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStart {
    /// The 1-based page number.
    Page(u64),
    /// Right after the row a cursor names (the `next` of the previous page).
    After(Cursor),
}

/// A page of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    pub rows: Vec<AccountRow>,
    /// Rows matching, over all pages.
    pub total: u64,
    /// The 1-based number of this page (for a cursor: where its first row falls).
    pub page: u64,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

/// Why a cursor cannot continue a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorError {
    /// Not a cursor of this service, or of another population.
    Malformed,
    /// A cursor of another sort.
    OtherSort,
}

/// "Comes after `values` in the order `keys`": for each column in turn, either strictly past
/// its value, or equal to it and after on the columns that follow. A NULL is the largest
/// value (see [`Field::nullable`]). `None` when a value is not one of its column (a forged or
/// foreign cursor).
fn after_cond(
    population: Population,
    keys: &[(Field, bool)],
    values: &[Option<String>],
) -> Option<Cond> {
    let ((field, desc), rest) = keys.split_first()?;
    let value = values.first()?;
    // The last column is the id: past it is strictly past.
    let tail = || after_cond(population, rest, &values[1..]);
    let column = field.column(population);
    match value {
        Some(v) => {
            let v = field.bind(v)?;
            let mut any = Cond::any();
            if *desc {
                any = any.add(column.clone().lt(v.clone()));
            } else {
                any = any.add(column.clone().gt(v.clone()));
                if field.nullable() {
                    // Going up, the NULLs come after every value.
                    any = any.add(column.clone().is_null());
                }
            }
            if !rest.is_empty() {
                any = any.add(Cond::all().add(column.eq(v)).add(tail()?));
            }
            Some(any)
        }
        None if field.nullable() && !rest.is_empty() => {
            let among_nulls = Cond::all().add(column.clone().is_null()).add(tail()?);
            Some(if *desc {
                // Going down, every value comes after the NULLs.
                Cond::any().add(column.is_not_null()).add(among_nulls)
            } else {
                among_nulls
            })
        }
        None => None,
    }
}

/// The seek condition of a cursor. When every column goes one way and none is NULL, one row
/// comparison `(a, b, id) > (x, y, z)`, which both engines serve as a range of the order's
/// index; otherwise the expanded form of [`after_cond`].
fn seek_cond(
    population: Population,
    keys: &[(Field, bool)],
    cursor: &Cursor,
) -> Result<Cond, CursorError> {
    if cursor.values.len() != keys.len() {
        return Err(CursorError::Malformed);
    }
    let uniform = keys.iter().all(|(f, d)| !f.nullable() && *d == keys[0].1)
        && cursor.values.iter().all(Option::is_some);
    if uniform {
        let mut columns = Vec::with_capacity(keys.len());
        let mut values = Vec::with_capacity(keys.len());
        for ((field, _), v) in keys.iter().zip(&cursor.values) {
            columns.push(sea_orm::sea_query::SimpleExpr::from(
                field.column(population),
            ));
            values.push(
                field
                    .bind(v.as_deref().unwrap_or_default())
                    .ok_or(CursorError::Malformed)?,
            );
        }
        let (left, right) = (Expr::tuple(columns), Expr::tuple(values));
        return Ok(Cond::all().add(if keys[0].1 {
            left.lt(right)
        } else {
            left.gt(right)
        }));
    }
    after_cond(population, keys, &cursor.values).ok_or(CursorError::Malformed)
}

/// The statements of a search: the page (its rows, each carrying the total — and for a
/// cursor the rows before it — so that one round trip answers), and the same counts alone,
/// for when the page is empty.
fn search_statements(
    uai: &str,
    search: &Search,
) -> Result<(SelectStatement, SelectStatement), CursorError> {
    let Search {
        population,
        filter,
        sort,
        start,
        per_page,
    } = search;
    let (population, sort, per_page) = (*population, *sort, *per_page);
    let keys = order_keys(population, sort);
    let sort_name = sort.0.name(sort.1);
    let seek = match start {
        PageStart::Page(_) => None,
        PageStart::After(c) if c.sort != sort_name => return Err(CursorError::OtherSort),
        PageStart::After(c) => Some(seek_cond(population, &keys, c)?),
    };

    let mut count = base_with(uai, population, filter, false, needs_accounts(filter));
    count.expr_as(Expr::col((a(person(population)), a("id"))).count(), a("n"));
    let subquery = |q: SelectStatement| {
        sea_orm::sea_query::SimpleExpr::SubQuery(None, Box::new(q.into_sub_query_statement()))
    };
    let mut count_exprs = vec![(subquery(count), "total")];
    if let Some(seek) = &seek {
        // The rows from the page on (after the cursor); those before are the rest. (Not
        // `NOT seek`: a comparison with NULL is neither true nor false, and the NULLs would
        // be counted on neither side.)
        let beyond = keys.iter().any(|(f, _)| f.beyond_person());
        let mut after = base_with(
            uai,
            population,
            filter,
            beyond,
            needs_accounts(filter) || beyond,
        );
        after
            .expr_as(Expr::col((a(person(population)), a("id"))).count(), a("n"))
            .cond_where(seek.clone());
        count_exprs.push((subquery(after), "after"));
    }

    let account_sort = keys
        .iter()
        .any(|(f, _)| matches!(f, Field::State | Field::NotifiedAt | Field::LastLoginAt));
    // The page reads the school's pupils in the order's index and stops at the page's end;
    // the account's (home_uai, …) indexes serve it only when they hold the order. With a
    // filter on the account alone they misled the planner (two correlated predicates look
    // very selective): it joined and sorted every match — 15 ms for « Activé » in a school of
    // 2,000 at 10 M accounts, against 4 ms walking by name. A rare state now costs one walk
    // of the school (≈ 6 ms for 2,000); the count keeps its index-only path.
    let mut q = base_with(uai, population, filter, true, account_sort);
    select_row_columns(&mut q, population);
    for (field, desc) in &keys {
        let order = if *desc { Order::Desc } else { Order::Asc };
        if field.nullable() {
            let nulls = if *desc {
                NullOrdering::First
            } else {
                NullOrdering::Last
            };
            q.order_by_expr_with_nulls(field.column(population).into(), order, nulls);
        } else {
            q.order_by_expr(field.column(population).into(), order);
        }
    }
    let mut counts = Query::select();
    for (expr, name) in count_exprs {
        q.expr_as(expr.clone(), a(name));
        counts.expr_as(expr, a(name));
    }
    // One more row than the page: whether there is a next page, without counting.
    q.limit(per_page + 1);
    match (start, seek) {
        (_, Some(seek)) => {
            q.cond_where(seek);
        }
        (PageStart::Page(page), None) => {
            q.offset(page.saturating_sub(1).saturating_mul(per_page));
        }
        (PageStart::After(_), None) => unreachable!("a cursor always has its seek"),
    }
    Ok((q, counts))
}

/// The total and the rows before the page, which ride on every row of a page.
fn counts_of(r: &sea_orm::QueryResult, start: &PageStart) -> Result<(u64, u64)> {
    let count_of = |name: &str| -> Result<u64> {
        Ok(r.try_get::<Option<i64>>("", name)?.unwrap_or(0).max(0) as u64)
    };
    let total = count_of("total")?;
    let before = match start {
        PageStart::Page(_) => 0,
        PageStart::After(_) => total.saturating_sub(count_of("after")?),
    };
    Ok((total, before))
}

/// The page of `search` from the rows its page statement returned (one more than the page,
/// to tell whether another follows) and its counts.
fn page_of(
    results: &[sea_orm::QueryResult],
    (total, before): (u64, u64),
    search: &Search,
) -> Result<SearchPage> {
    let Search {
        population,
        sort,
        start,
        per_page,
        ..
    } = search;
    let (population, sort, per_page) = (*population, *sort, *per_page);
    let page = match start {
        PageStart::Page(p) => *p,
        PageStart::After(_) => before / per_page.max(1) + 1,
    };
    let mut rows = results
        .iter()
        .map(|r| AccountRow::from_query_result(r, ""))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let next = if rows.len() as u64 > per_page {
        rows.truncate(per_page as usize);
        let keys = order_keys(population, sort);
        rows.last().map(|last| Cursor {
            sort: sort.0.name(sort.1),
            values: keys.iter().map(|(f, _)| f.value_of(last)).collect(),
        })
    } else {
        None
    };
    Ok(SearchPage {
        rows,
        total,
        page,
        next,
    })
}

/// The standing a search was authorised on, for the database to confirm: the staff user and
/// the version of their standing that was read (see `migrations`' `access_version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingVersion {
    pub staff_id: String,
    pub version: i64,
}

impl StandingVersion {
    /// True in a statement while the user's standing is still the one read.
    fn holds(&self) -> SimpleExpr {
        let mut version = Query::select();
        version
            .column(a("access_version"))
            .from(a("staff_users"))
            .and_where(col("staff_users", "id").eq(self.staff_id.clone()));
        SimpleExpr::SubQuery(None, Box::new(version.into_sub_query_statement())).eq(self.version)
    }
}

impl Store {
    /// One page of accounts matching `filter`, how many match in all, and where the next page
    /// starts.
    pub(crate) async fn search_accounts(
        &self,
        uai: &str,
        search: &Search,
    ) -> Result<std::result::Result<SearchPage, CursorError>> {
        match self.search_page(uai, search, None).await? {
            Ok(Some(page)) => Ok(Ok(page)),
            // Only a standing to confirm answers `None`; none was given.
            Ok(None) => Err(sea_orm::DbErr::Custom("a search answered no page".into()).into()),
            Err(e) => Ok(Err(e)),
        }
    }

    /// [`Store::search_accounts`] while `standing` holds: the same statements, each also
    /// asking the database whether the user's standing is still the version read, so that a
    /// standing kept from an earlier request costs no round trip of its own. `None` when it
    /// does not hold any more (nothing of the page is returned then).
    pub(crate) async fn search_accounts_confirmed(
        &self,
        uai: &str,
        search: &Search,
        standing: &StandingVersion,
    ) -> Result<std::result::Result<Option<SearchPage>, CursorError>> {
        self.search_page(uai, search, Some(standing)).await
    }

    /// The page statement, then — only for an empty page — the counts statement; with a
    /// `standing`, both also confirm it, and `None` says it changed.
    async fn search_page(
        &self,
        uai: &str,
        search: &Search,
        standing: Option<&StandingVersion>,
    ) -> Result<std::result::Result<Option<SearchPage>, CursorError>> {
        let backend = self.db.get_database_backend();
        let (mut q, mut counts) = match search_statements(uai, search) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(standing) = standing {
            q.and_where(standing.holds());
            counts.expr_as(standing.holds(), a("confirmed"));
        }
        let results = self.db.query_all(build(backend, &q)).await?;
        // The counts ride on every row; an empty page (or a standing that changed) asks for
        // them alone.
        let counts = match results.first() {
            Some(r) => counts_of(r, &search.start)?,
            None => match self.db.query_one(build(backend, &counts)).await? {
                Some(r)
                    if standing.is_some()
                        && !r.try_get::<Option<bool>>("", "confirmed")?.unwrap_or(false) =>
                {
                    return Ok(Ok(None));
                }
                Some(r) => counts_of(&r, &search.start)?,
                None if standing.is_some() => return Ok(Ok(None)),
                None => (0, 0),
            },
        };
        Ok(Ok(Some(page_of(&results, counts, search)?)))
    }

    /// The SQL a search runs, in the engine's dialect: what `scripts/bench.sh` hands to
    /// `pgbench` to measure the database's own share of a search, and what a DBA reads with
    /// `EXPLAIN`. With `inline`, values are written into the text; without, the statement is
    /// the one the service prepares, with its values apart (as text, in order).
    pub(crate) fn search_sql(
        &self,
        uai: &str,
        search: &Search,
        inline: bool,
    ) -> std::result::Result<(String, Vec<String>), CursorError> {
        let (q, _) = search_statements(uai, search)?;
        let postgres = self.db.get_database_backend() == sea_orm::DbBackend::Postgres;
        Ok(match (inline, postgres) {
            (true, true) => (q.to_string(PostgresQueryBuilder), vec![]),
            (true, false) => (q.to_string(SqliteQueryBuilder), vec![]),
            (false, true) => {
                let (sql, values) = q.build(PostgresQueryBuilder);
                (sql, values.iter().map(value_text).collect())
            }
            (false, false) => {
                let (sql, values) = q.build(SqliteQueryBuilder);
                (sql, values.iter().map(value_text).collect())
            }
        })
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
        self.linked_students_matching(uai, guardian_ids, &AccountFilter::default())
            .await
    }

    /// As [`Store::linked_students`], keeping only the links the pupil-side filters of a
    /// guardians' search match (class, MEF, pupil's name, reported link): the « Responsables »
    /// list shows one row per pupil–guardian pair, and a search by class lists that class's
    /// pairs, not the guardian's other children as well.
    pub(crate) async fn linked_students_matching(
        &self,
        uai: &str,
        guardian_ids: &[String],
        filter: &AccountFilter,
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
                .expr_as(col("m", "level"), a("level"))
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
                .order_by_expr(col("s", "first_key").into(), Order::Asc)
                .order_by_expr(col("s", "id").into(), Order::Asc);
            join_structure(&mut q);
            // The same pupil-side conditions as the search's link test (`base_with`).
            q.cond_where(structure_cond(filter, Some(uai)));
            if let Some(name) = filter.student.as_deref().and_then(|t| name_cond("s", t)) {
                q.cond_where(name);
            }
            if let Some(reported) = filter.link_reported {
                q.and_where(col("l", "reported_wrong").eq(reported));
            }
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

/// A bound value as the text a client would send for it.
fn value_text(v: &sea_orm::Value) -> String {
    use sea_orm::Value;
    match v {
        Value::String(Some(s)) => (**s).clone(),
        Value::BigUnsigned(Some(n)) => n.to_string(),
        Value::BigInt(Some(n)) => n.to_string(),
        Value::Int(Some(n)) => n.to_string(),
        Value::Unsigned(Some(n)) => n.to_string(),
        Value::Bool(Some(b)) => b.to_string(),
        Value::ChronoDateTimeUtc(Some(t)) => t.to_rfc3339(),
        other => format!("{other:?}"),
    }
}
