//! Query-building helpers shared by the hand-written SQL of search and statistics, and the
//! row locking of every operation that changes accounts, and bulk inserts.

use sea_orm::sea_query::{
    Alias, Expr, JoinType, PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, Iterable, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use crate::entities::account;
use crate::error::Result;

pub(crate) fn a(s: &str) -> Alias {
    Alias::new(s)
}

pub(crate) fn col(table: &str, c: &str) -> Expr {
    Expr::col((a(table), a(c)))
}

pub(crate) fn build(backend: DbBackend, q: &SelectStatement) -> Statement {
    let (sql, values) = match backend {
        DbBackend::Postgres => q.build(PostgresQueryBuilder),
        _ => q.build(SqliteQueryBuilder),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Class and MEF of the student aliased `s`, as `c` and `m`.
pub(crate) fn join_structure(q: &mut SelectStatement) {
    q.join_as(
        JoinType::LeftJoin,
        a("classes"),
        a("c"),
        col("c", "id").equals((a("s"), a("class_id"))),
    )
    .join_as(
        JoinType::LeftJoin,
        a("mefs"),
        a("m"),
        col("m", "id").equals((a("s"), a("mef_id"))),
    );
}

/// The students of `uai` (as `s`) linked to the guardian aliased `g`: how a guardian belongs
/// to an establishment.
pub(crate) fn linked_here(uai: &str) -> SelectStatement {
    let mut link = Query::select();
    link.expr(Expr::val(1))
        .from_as(a("guardian_links"), a("l"))
        .join_as(
            JoinType::InnerJoin,
            a("students"),
            a("s"),
            col("s", "id").equals((a("l"), a("student_id"))),
        )
        .and_where(col("l", "guardian_id").equals((a("g"), a("id"))))
        .and_where(col("s", "uai").eq(uai))
        .and_where(col("s", "left_at").is_null());
    link
}

/// Locks the accounts' rows, in a stable order so that concurrent operations on overlapping
/// selections queue instead of deadlocking. PostgreSQL locks rows (`FOR UPDATE`); on SQLite
/// the transaction already holds the database write lock (`Store::begin_write`).
pub(crate) async fn lock_accounts(txn: &DatabaseTransaction, ids: &[String]) -> Result<()> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut sorted = ids.to_vec();
    sorted.sort();
    for chunk in sorted.chunks(400) {
        account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .filter(account::Column::Id.is_in(chunk.to_vec()))
            .order_by_asc(account::Column::Id)
            .lock_exclusive()
            .into_tuple::<String>()
            .all(txn)
            .await?;
    }
    Ok(())
}

/// SQLite refuses statements with more than 32,766 bound values; staying far below also keeps
/// each statement small for PostgreSQL.
const MAX_BOUND_VALUES: usize = 6_000;
const MAX_ROWS_PER_STATEMENT: usize = 300;

/// Inserts `rows` with multi-row statements.
pub async fn insert_rows<E>(txn: &DatabaseTransaction, rows: Vec<E::Model>) -> Result<(), DbErr>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    let columns = E::Column::iter().count().max(1);
    let per_statement = (MAX_BOUND_VALUES / columns).clamp(1, MAX_ROWS_PER_STATEMENT);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<E::ActiveModel> = rows
            .by_ref()
            .take(per_statement)
            .map(IntoActiveModel::into_active_model)
            .collect();
        E::insert_many(chunk).exec_without_returning(txn).await?;
    }
    Ok(())
}
