use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Func, LikeExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::establishment;
use crate::error::Result;
use crate::Store;

pub use establishment::Model as Establishment;

impl Store {
    pub async fn establishment(&self, uai: &str) -> Result<Option<Establishment>> {
        Ok(establishment::Entity::find_by_id(uai.to_owned())
            .one(&self.db)
            .await?)
    }

    /// The establishments among `uais` whose UAI or name contains `q` (case-insensitively),
    /// ordered by name.
    pub async fn establishments_among(
        &self,
        uais: &[String],
        q: Option<&str>,
    ) -> Result<Vec<Establishment>> {
        if uais.is_empty() {
            return Ok(vec![]);
        }
        let mut query = establishment::Entity::find()
            .filter(establishment::Column::Uai.is_in(uais.iter().cloned()))
            .order_by_asc(establishment::Column::Name);
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
            query = query.filter(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col(establishment::Column::Uai)))
                            .like(LikeExpr::new(pattern.clone()).escape('\\')),
                    )
                    .add(
                        Expr::expr(Func::lower(Expr::col(establishment::Column::Name)))
                            .like(LikeExpr::new(pattern).escape('\\')),
                    ),
            );
        }
        Ok(query.all(&self.db).await?)
    }

    pub async fn all_establishments(&self) -> Result<Vec<Establishment>> {
        Ok(establishment::Entity::find()
            .order_by_asc(establishment::Column::Name)
            .all(&self.db)
            .await?)
    }

    /// How many pupils of other establishments follow shared teaching at each of `uais` (the
    /// « Élèves extérieurs » screen lists them; pupils who left are not counted). One grouped
    /// query on the table's UAI index, whatever the number of establishments; an
    /// establishment without any is absent from the map.
    pub async fn external_student_counts(&self, uais: &[String]) -> Result<HashMap<String, u64>> {
        use crate::repo::sql::{a, build, col};
        use sea_orm::sea_query::{JoinType, Query};
        use sea_orm::ConnectionTrait;
        if uais.is_empty() {
            return Ok(HashMap::new());
        }
        let mut q = Query::select();
        q.expr_as(col("x", "uai"), a("uai"))
            .expr_as(Expr::col((a("x"), a("student_id"))).count(), a("n"))
            .from_as(a("student_external_establishments"), a("x"))
            .join_as(
                JoinType::InnerJoin,
                a("students"),
                a("s"),
                col("s", "id").equals((a("x"), a("student_id"))),
            )
            .and_where(col("x", "uai").is_in(uais.iter().cloned()))
            .and_where(col("s", "left_at").is_null())
            .group_by_col((a("x"), a("uai")));
        let backend = self.db.get_database_backend();
        let rows = self.db.query_all(build(backend, &q)).await?;
        rows.iter()
            .map(|r| {
                let uai: String = r.try_get("", "uai")?;
                let n: i64 = r.try_get("", "n")?;
                Ok((uai, n.max(0) as u64))
            })
            .collect()
    }

    pub async fn establishment_count(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(establishment::Entity::find().count(&self.db).await?)
    }

    pub async fn set_data_updated_at(&self, uai: &str, at: DateTime<Utc>) -> Result<()> {
        establishment::Entity::update_many()
            .col_expr(establishment::Column::DataUpdatedAt, Expr::value(at))
            .filter(establishment::Column::Uai.eq(uai))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// `LIKE` wildcards in user input must match themselves.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// What an establishment is made of when it is created (by an import, the demo, or a test).
#[derive(Debug, Clone)]
pub struct NewEstablishment {
    pub uai: String,
    pub name: String,
    pub kind: String,
    pub degree: i32,
    pub sector: String,
    pub academy: String,
    pub private_admin_group: bool,
}

impl Store {
    pub async fn insert_establishment(&self, new: NewEstablishment) -> Result<Establishment> {
        use sea_orm::{ActiveModelTrait, Set};
        let uai = sesame_core::Uai::parse(&new.uai)
            .map_err(|e| crate::StoreError::Invalid(e.to_string()))?;
        Ok(establishment::ActiveModel {
            uai: Set(uai.as_str().to_owned()),
            name: Set(new.name),
            kind: Set(new.kind),
            degree: Set(new.degree),
            sector: Set(new.sector),
            academy: Set(new.academy),
            private_admin_group: Set(new.private_admin_group),
            data_updated_at: Set(None),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await?)
    }
}
