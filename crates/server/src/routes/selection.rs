//! Turning request filters and selections into what the store understands, with field errors
//! a client can act on.

use sesame_api::accounts::SearchFilters;
use sesame_core::Population;
use sesame_store::repo::search::AccountFilter;

use crate::auth::Scoped;
use crate::problem::ApiError;

/// Most accounts one request may name by id (an `all_matching` selection has no such bound).
pub const MAX_IDS: usize = 20_000;

pub fn population(segment: &str) -> Result<Population, ApiError> {
    Population::parse(segment).ok_or(ApiError::NotFound)
}

pub fn to_filter(population: Population, f: &SearchFilters) -> Result<AccountFilter, ApiError> {
    let guardians = population == Population::Guardians;
    let only = |present: bool, field: &str, who: &str| -> Result<(), ApiError> {
        if present {
            Err(ApiError::field(
                field,
                format!("Ce filtre ne s'applique qu'aux {who}."),
            ))
        } else {
            Ok(())
        }
    };
    if !guardians {
        only(f.student.is_some(), "student", "responsables")?;
        only(f.has_email.is_some(), "has_email", "responsables")?;
        only(f.link_reported.is_some(), "link_reported", "responsables")?;
    }
    if population != Population::ExternalStudents {
        only(f.home_uai.is_some(), "home_uai", "élèves extérieurs")?;
    }
    let bounded = |v: &Option<String>, field: &str| -> Result<Option<String>, ApiError> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) if s.chars().count() > 100 => {
                Err(ApiError::field(field, "100 caractères au plus."))
            }
            other => Ok(other.map(str::to_owned)),
        }
    };
    let states = f.state.clone();
    // Every population may be filtered by origin (the statistics' origin rows link to their
    // lists), but only by an origin its accounts can have: FranceConnect and self-registration
    // are guardians' routes.
    let kind = population.kind();
    let origins = f
        .origin
        .iter()
        .map(|&o| {
            if o.applies_to(kind) {
                Ok(o)
            } else {
                Err(ApiError::field(
                    "origin",
                    format!("L'origine « {o} » ne concerne que les responsables."),
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if f.class.len() > 200 || f.mef.len() > 200 {
        return Err(ApiError::field("class", "Trop de valeurs."));
    }
    Ok(AccountFilter {
        q: bounded(&f.q, "q")?,
        classes: f.class.iter().map(|c| c.trim().to_owned()).collect(),
        mefs: f.mef.iter().map(|c| c.trim().to_owned()).collect(),
        states,
        student: bounded(&f.student, "student")?,
        has_email: f.has_email,
        origins,
        link_reported: f.link_reported,
        home_uai: bounded(&f.home_uai, "home_uai")?,
    })
}

/// The accounts a bulk action is about: exactly one of `ids` (each in scope, else 404 as for
/// an unknown id) or `all_matching` (the whole result set of the filters).
pub async fn resolve(
    scoped: &Scoped,
    population: Population,
    ids: &Option<Vec<String>>,
    all_matching: &Option<SearchFilters>,
) -> Result<Vec<String>, ApiError> {
    match (ids, all_matching) {
        (Some(_), Some(_)) => Err(ApiError::field(
            "ids",
            "Donnez soit `ids`, soit `all_matching`, pas les deux.",
        )),
        (None, None) => Err(ApiError::field(
            "ids",
            "Sélectionnez des comptes (`ids`) ou toute une recherche (`all_matching`).",
        )),
        (Some(ids), None) => {
            if ids.is_empty() {
                return Err(ApiError::field("ids", "Aucun compte sélectionné."));
            }
            if ids.len() > MAX_IDS {
                return Err(ApiError::field(
                    "ids",
                    format!("{MAX_IDS} comptes au plus ; utilisez `all_matching`."),
                ));
            }
            let mut unique = ids.clone();
            unique.sort();
            unique.dedup();
            let found = scoped
                .store()
                .accounts_in_scope(population, &unique)
                .await?;
            if found.len() != unique.len() {
                return Err(ApiError::NotFound);
            }
            Ok(found)
        }
        (None, Some(filters)) => {
            let filter = to_filter(population, filters)?;
            let ids = scoped
                .store()
                .matching_account_ids(population, &filter)
                .await?;
            if ids.is_empty() {
                return Err(ApiError::field(
                    "all_matching",
                    "Aucun compte ne correspond à cette recherche.",
                ));
            }
            Ok(ids)
        }
    }
}
