use actix_web::{get, web};
use serde::Deserialize;
use sesame_api::establishments::Establishment;
use sesame_api::Problem;
use sesame_store::repo::establishments::Establishment as Row;
use utoipa::IntoParams;

use crate::auth::{can, Allowed, Caller};
use crate::problem::ApiResult;
use crate::routes::responses::Unauthenticated;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct EstablishmentQuery {
    /// Part of the UAI or of the name.
    pub q: Option<String>,
}

/// `external_students`: see [`Establishment::external_students`].
pub fn to_api(e: Row, caller: &Caller, external_students: u64) -> ApiResult<Establishment> {
    Ok(Establishment {
        sector: e.sector()?,
        external_students,
        rights: caller.rights_at(&e),
        uai: e.uai,
        name: e.name,
        kind: e.kind,
        degree: e.degree.clamp(1, 2) as u8,
        academy: e.academy,
        data_updated_at: e.data_updated_at,
    })
}

/// The caller's establishments (the home page's chooser), filtered by UAI or name.
#[utoipa::path(tag = "establishments", security(("bearer" = [])),
    params(EstablishmentQuery),
    responses((status = 200, body = Vec<Establishment>), Unauthenticated))]
#[get("/api/v1/establishments")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<EstablishmentQuery>,
) -> ApiResult<web::Json<Vec<Establishment>>> {
    let rows = state
        .store
        .establishments_among(&caller.uais(), query.q.as_deref())
        .await?;
    let uais: Vec<String> = rows.iter().map(|e| e.uai.clone()).collect();
    let externals = state.store.external_student_counts(&uais).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|e| {
                let n = externals.get(&e.uai).copied().unwrap_or(0);
                to_api(e, &caller, n)
            })
            .collect::<ApiResult<_>>()?,
    ))
}

/// One establishment of the caller's.
#[utoipa::path(tag = "establishments", security(("bearer" = [])),
    params(("uai" = String, Path, description = "UAI, e.g. 0450750W")),
    responses(
        (status = 200, body = Establishment),
        Unauthenticated,
        (status = 404, description = "Unknown or not the caller's", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/api/v1/establishments/{uai}")]
pub async fn get_one(
    state: web::Data<AppState>,
    scoped: Allowed<can::ViewEstablishment>,
) -> ApiResult<web::Json<Establishment>> {
    let uai = scoped.establishment.uai.clone();
    let externals = state
        .store
        .external_student_counts(std::slice::from_ref(&uai))
        .await?;
    let n = externals.get(&uai).copied().unwrap_or(0);
    Ok(web::Json(to_api(
        scoped.establishment.clone(),
        scoped.caller(),
        n,
    )?))
}
