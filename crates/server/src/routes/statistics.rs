use actix_web::{get, web};
use serde::Deserialize;
use sesame_api::statistics::{Statistics, StatisticsCounts, StatisticsRow};
use sesame_api::Problem;
use sesame_core::Population;
use sesame_store::repo::statistics::{self as stats, Grouping, StateCounts};
use utoipa::IntoParams;

use crate::auth::{can, Allowed};
use crate::problem::{ApiError, ApiResult};
use crate::routes::path_params::UaiPath;
use crate::routes::responses::{NotFound, Unauthenticated};

#[derive(Debug, Deserialize, IntoParams)]
pub struct StatisticsQuery {
    /// `students` (default), `guardians` or `external-students`.
    pub population: Option<String>,
    /// `origin` (default), `class` or `mef`.
    pub by: Option<String>,
}

fn counts(c: &StateCounts, guardians: bool) -> StatisticsCounts {
    StatisticsCounts {
        total: c.total,
        not_notified: c.not_notified,
        notified_not_activated: c.notified_not_activated,
        activation_in_progress: guardians.then_some(c.activation_in_progress),
        activated: c.activated,
    }
}

/// Account statistics of the establishment (head and agent): for each origin (in the order of
/// the console: ATEN, ENT, Établissement, FranceConnect and Responsable for guardians, N/A),
/// each class or each MEF, the number of accounts in each state, with the totals. Computed
/// live, when asked (`computed_at`).
///
/// Guardians are those linked to at least one student of the establishment. By class or MEF,
/// a guardian is counted through their linked students: a guardian linked to pupils of two
/// classes counts in both rows (but once in the totals). External students are grouped by
/// their class or MEF in their home establishment, keyed `<home UAI>/<code>`. Rows include
/// the establishment's classes and MEFs without any account (zero rows), and a `null`-keyed
/// row for accounts without a class (MEF), if any.
///
/// For students and external students, each row also says how many of its pupils have at
/// least one activated guardian: by class, the head sees which classes to chase.
#[utoipa::path(tag = "statistics",
    security(("bearer" = [])),
    params(UaiPath, StatisticsQuery),
    responses(
        (status = 200, body = Statistics),
        Unauthenticated, NotFound,
        (status = 403, description = "The role may not see statistics", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown `population` or `by` (the field is named)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/establishments/{uai}/statistics")]
pub async fn get(
    scoped: Allowed<can::ViewStatistics>,
    query: web::Query<StatisticsQuery>,
) -> ApiResult<web::Json<Statistics>> {
    let population = match query.population.as_deref().map(str::trim) {
        None | Some("") => Population::Students,
        Some(p) => Population::parse(p).ok_or_else(|| {
            ApiError::field(
                "population",
                "La population doit être « students », « guardians » ou « external-students ».",
            )
        })?,
    };
    let by = match query.by.as_deref().map(str::trim) {
        None | Some("") => Grouping::Origin,
        Some(b) => Grouping::parse(b).ok_or_else(|| {
            ApiError::field(
                "by",
                "Le regroupement doit être « origin », « class » ou « mef ».",
            )
        })?,
    };
    let s = scoped.store().statistics(population, by).await?;
    let guardians = population == Population::Guardians;
    Ok(web::Json(Statistics {
        population,
        by,
        rows: s
            .rows
            .iter()
            .map(|r: &stats::StatisticsRow| {
                let c = counts(&r.counts, guardians);
                StatisticsRow {
                    key: r.key.clone(),
                    label: r.label.clone(),
                    total: c.total,
                    not_notified: c.not_notified,
                    notified_not_activated: c.notified_not_activated,
                    activation_in_progress: c.activation_in_progress,
                    activated: c.activated,
                    students_with_activated_guardian: r.students_with_activated_guardian,
                }
            })
            .collect(),
        totals: counts(&s.totals, guardians),
        guardians_activated_share: s.guardians_activated_share(),
        students_with_activated_guardian: s.students_with_activated_guardian,
        students_with_activated_guardian_share: s.students_with_activated_guardian_share(),
        computed_at: s.computed_at,
    }))
}
