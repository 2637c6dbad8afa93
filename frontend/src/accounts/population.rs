//! The three populations of the console (« Élèves », « Élèves extérieurs », « Responsables »)
//! and their wording.

use crate::route::Tab;

/// The three populations of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    Students,
    ExternalStudents,
    Guardians,
}

impl Population {
    pub fn of(tab: Tab) -> Option<Population> {
        match tab {
            Tab::Students => Some(Population::Students),
            Tab::ExternalStudents => Some(Population::ExternalStudents),
            Tab::Guardians => Some(Population::Guardians),
            _ => None,
        }
    }

    /// The API's path segment, also the prefix of the rights (`guardians:notify`).
    pub fn segment(self) -> &'static str {
        match self {
            Population::Students => "students",
            Population::ExternalStudents => "external-students",
            Population::Guardians => "guardians",
        }
    }

    pub fn right(self, verb: &str) -> String {
        format!("{}:{verb}", self.segment())
    }

    pub fn heading(self) -> &'static str {
        match self {
            Population::Students => "Gestion des comptes élèves",
            Population::ExternalStudents => "Gestion des comptes élèves extérieurs",
            Population::Guardians => "Gestion des comptes responsables",
        }
    }

    /// « élève(s) », « responsable(s) »…
    pub fn noun(self) -> &'static str {
        match self {
            Population::Students => "élève(s)",
            Population::ExternalStudents => "élève(s) extérieur(s)",
            Population::Guardians => "responsable(s)",
        }
    }

    /// The results count, « 12 élève(s) ».
    pub fn count(self, n: u64) -> String {
        format!("{n} {}", self.noun())
    }

    /// « 3 responsable(s) sélectionné(s) ».
    pub fn selection(self, n: u64) -> String {
        match self {
            Population::Guardians => format!("{n} responsable(s) sélectionné(s)"),
            _ => format!("{n} élève(s) sélectionné(s)"),
        }
    }

    /// « de l’élève », « du responsable ».
    pub fn of_whom(self) -> &'static str {
        match self {
            Population::Guardians => "du responsable",
            _ => "de l’élève",
        }
    }

    pub fn person(self) -> &'static str {
        match self {
            Population::Guardians => "Responsable",
            _ => "Élève",
        }
    }

    pub fn caption(self) -> &'static str {
        match self {
            Population::Students => "Comptes élèves de l’établissement",
            Population::ExternalStudents => "Comptes des élèves extérieurs",
            Population::Guardians => "Comptes responsables de l’établissement",
        }
    }

    pub fn empty(self) -> &'static str {
        match self {
            Population::Students => "Aucun élève ne correspond à ces critères.",
            Population::ExternalStudents => "Aucun élève extérieur ne correspond à ces critères.",
            Population::Guardians => "Aucun responsable ne correspond à ces critères.",
        }
    }
}

/// The origins a guardian's account may have, for the search filter.
pub(super) const ORIGINS: [&str; 6] = [
    "establishment",
    "guardian",
    "franceconnect",
    "aten",
    "ent",
    "unknown",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording() {
        assert_eq!(Population::Students.count(2), "2 élève(s)");
        assert_eq!(
            Population::Students.selection(1),
            "1 élève(s) sélectionné(s)"
        );
        assert_eq!(
            Population::Guardians.selection(3),
            "3 responsable(s) sélectionné(s)"
        );
        assert_eq!(Population::Guardians.right("notify"), "guardians:notify");
        assert_eq!(
            Population::of(Tab::ExternalStudents),
            Some(Population::ExternalStudents)
        );
        assert_eq!(Population::of(Tab::Journal), None);
    }
}
