//! Vocabulary values read back from the database, turned into the domain's types.

use std::str::FromStr;

use sesame_store::StoreError;

use crate::problem::ApiError;

/// A stored `what` (state, origin, module…) as its vocabulary type. The database's checks keep
/// other values out, so one that is not known is a corrupt row: a fault logged with its value,
/// never passed on to a client as if it meant something.
pub fn stored<T: FromStr>(what: &str, raw: &str) -> Result<T, ApiError> {
    raw.parse()
        .map_err(|_| StoreError::corrupt(what, raw).into())
}
