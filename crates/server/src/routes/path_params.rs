//! The path parameters of the establishment-scoped routes, declared once for the OpenAPI
//! document (`#[utoipa::path(params(UaiPath))]`); the values themselves are read by
//! [`crate::auth::Allowed`] and [`crate::routes::extract::PathId`].
#![allow(dead_code)] // read by utoipa only

use utoipa::IntoParams;

use sesame_core::Population;

/// `{uai}` of the console's routes.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UaiPath {
    /// UAI
    #[param(example = "0450750W")]
    uai: String,
}

/// `{uai}` of the ENT directory's routes.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntUaiPath {
    /// UAI
    #[param(example = "0251233E")]
    uai: String,
}

/// `{uai}/{population}` of the console's account routes.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PopulationPaths {
    /// UAI
    #[param(example = "0450750W")]
    uai: String,
    population: Population,
}

/// `{uai}/{population}/{id}`: one account.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AccountPath {
    /// UAI
    #[param(example = "0450750W")]
    uai: String,
    population: Population,
    /// Account id
    id: String,
}

/// `{uai}/accounts/{id}`: one account, whatever its population.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AccountIdPath {
    /// UAI
    #[param(example = "0450750W")]
    uai: String,
    /// Account id
    id: String,
}

/// `{uai}/delegations/{id}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DelegationPath {
    /// UAI
    #[param(example = "0450750W")]
    uai: String,
    /// Delegation id
    id: String,
}

/// `{uai}/users/{id}` of the ENT directory.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntUserPath {
    /// UAI
    #[param(example = "0251233E")]
    uai: String,
    /// User id
    id: String,
}
