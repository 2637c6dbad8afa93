//! Small builders that keep the migrations readable: every table is written the same way
//! on SQLite and PostgreSQL, so the column kinds are chosen here once.

use sea_orm_migration::prelude::*;

pub fn name(s: &str) -> Alias {
    Alias::new(s)
}

pub fn table(s: &str) -> TableCreateStatement {
    Table::create().table(name(s)).if_not_exists().to_owned()
}

/// Opaque string primary key (a UUID rendered as text: the API's ids are opaque strings).
pub fn id_pk(col: &str) -> ColumnDef {
    ColumnDef::new(name(col))
        .string_len(40)
        .not_null()
        .primary_key()
        .to_owned()
}

pub fn text(col: &str) -> ColumnDef {
    ColumnDef::new(name(col)).text().not_null().to_owned()
}

pub fn text_null(col: &str) -> ColumnDef {
    ColumnDef::new(name(col)).text().null().to_owned()
}

pub fn key(col: &str) -> ColumnDef {
    ColumnDef::new(name(col))
        .string_len(64)
        .not_null()
        .to_owned()
}

pub fn key_null(col: &str) -> ColumnDef {
    ColumnDef::new(name(col)).string_len(64).null().to_owned()
}

pub fn boolean(col: &str, default: bool) -> ColumnDef {
    ColumnDef::new(name(col))
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
}

pub fn int(col: &str, default: i32) -> ColumnDef {
    ColumnDef::new(name(col))
        .integer()
        .not_null()
        .default(default)
        .to_owned()
}

pub fn big(col: &str, default: i64) -> ColumnDef {
    ColumnDef::new(name(col))
        .big_integer()
        .not_null()
        .default(default)
        .to_owned()
}

pub fn ts(col: &str) -> ColumnDef {
    ColumnDef::new(name(col))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub fn ts_null(col: &str) -> ColumnDef {
    ColumnDef::new(name(col))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

pub fn date_null(col: &str) -> ColumnDef {
    ColumnDef::new(name(col)).date().null().to_owned()
}

pub fn blob(col: &str) -> ColumnDef {
    ColumnDef::new(name(col)).blob().not_null().to_owned()
}

pub fn fk(
    from_table: &str,
    from_col: &str,
    to_table: &str,
    to_col: &str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(name(from_table), name(from_col))
        .to(name(to_table), name(to_col))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

pub fn index(table: &str, idx: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(idx).table(name(table)).if_not_exists();
    for c in cols {
        stmt.col(name(c));
    }
    stmt.to_owned()
}

pub fn unique(table: &str, idx: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut stmt = index(table, idx, cols);
    stmt.unique();
    stmt
}
