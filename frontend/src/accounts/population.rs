//! The three populations of the console (« Élèves », « Élèves extérieurs », « Responsables »):
//! core's vocabulary, with its wording, and how the SPA's tabs and rights name them.

pub use sesame_core::Population;

use crate::route::Tab;

/// The population a tab lists, if it lists one.
pub fn of(tab: Tab) -> Option<Population> {
    match tab {
        Tab::Students => Some(Population::Students),
        Tab::ExternalStudents => Some(Population::ExternalStudents),
        Tab::Guardians => Some(Population::Guardians),
        _ => None,
    }
}

/// A right on the population as the API lists them: its path segment and a verb
/// (`guardians:notify`).
pub fn right(population: Population, verb: &str) -> String {
    format!("{population}:{verb}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_rights() {
        assert_eq!(right(Population::Guardians, "notify"), "guardians:notify");
        assert_eq!(
            right(Population::ExternalStudents, "search"),
            "external-students:search"
        );
        assert_eq!(
            of(Tab::ExternalStudents),
            Some(Population::ExternalStudents)
        );
        assert_eq!(of(Tab::Journal), None);
    }
}
