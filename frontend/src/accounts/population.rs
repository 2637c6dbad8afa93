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

/// The origins an account may have, in the order the filter offers them.
pub(super) const ORIGINS: [&str; 6] = [
    "establishment",
    "guardian",
    "franceconnect",
    "aten",
    "ent",
    "unknown",
];

impl Population {
    /// The account states this population's accounts can be in, for the « État(s) de
    /// compte » filter: « En cours d'activation » is a guardians-only state (core's
    /// `AccountState::applies_to`), so the pupils' lists do not offer it.
    pub fn states(self) -> Vec<(&'static str, &'static str)> {
        crate::text::ACCOUNT_STATES
            .iter()
            .copied()
            .filter(|(v, _)| self == Population::Guardians || *v != "activation_in_progress")
            .collect()
    }

    /// The origins this population's accounts can have, for the « Origine du compte »
    /// filter: self-registration and FranceConnect are guardians' ways in (the pupils' lists
    /// refuse them as filters).
    pub fn origins(self) -> Vec<&'static str> {
        ORIGINS
            .iter()
            .copied()
            .filter(|o| {
                self == Population::Guardians || !matches!(*o, "guardian" | "franceconnect")
            })
            .collect()
    }
}

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

    #[test]
    fn pupils_are_never_offered_guardian_only_states_or_origins() {
        let values = |p: Population| p.states().into_iter().map(|(v, _)| v).collect::<Vec<_>>();
        assert!(!values(Population::Students).contains(&"activation_in_progress"));
        assert!(!values(Population::ExternalStudents).contains(&"activation_in_progress"));
        assert!(values(Population::Guardians).contains(&"activation_in_progress"));
        assert_eq!(values(Population::Students).len(), 3);
        assert_eq!(
            Population::Students.origins(),
            ["establishment", "aten", "ent", "unknown"]
        );
        assert_eq!(Population::Guardians.origins().len(), 6);
    }
}
