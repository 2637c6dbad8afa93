//! The results table's columns per population and module, sorting, and the password cell.

use sesame_core::AccountState;

use super::population::Population;

/// A column of the result table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    /// A guardian's pupil (one row per pupil–guardian pair).
    Pupil,
    /// The pupil's level (« Niveau », seed 001 §5.1).
    Level,
    Class,
    Mef,
    Home,
    Identifier,
    Password,
    Email,
    State,
    Origin,
    Notified,
    LastLogin,
    RowAction,
}

impl Col {
    pub fn label(self, population: Population) -> &'static str {
        match self {
            Col::Name => population.person(),
            Col::Pupil => "Élève",
            Col::Level => "Niveau",
            Col::Class => "Classe",
            Col::Mef => "MEF",
            Col::Home => "Établissement de rattachement",
            Col::Identifier => "Identifiant",
            Col::Password => "Mot de passe",
            Col::Email => "Adresse électronique",
            Col::State => "Statut du compte",
            Col::Origin => "Origine du compte",
            Col::Notified => "Date de notification",
            Col::LastLogin => "Date de dernière connexion",
            Col::RowAction => "Action",
        }
    }

    /// The API's sort key, for the columns it can sort.
    pub fn sort_key(self, population: Population) -> Option<&'static str> {
        match self {
            Col::Name => Some("family_name"),
            Col::Class if population != Population::Guardians => Some("class"),
            Col::Identifier => Some("identifier"),
            Col::State => Some("state"),
            Col::Notified => Some("notified_at"),
            Col::LastLogin => Some("last_login_at"),
            _ => None,
        }
    }
}

/// The columns of a population's table (guardians: one row per pupil–guardian pair, the
/// pupil's columns first); the troubleshooting module (seed §3.5) shows the
/// password and the email instead of the origin and dates, and a reset button on each row.
pub fn columns(population: Population, troubleshooting: bool) -> Vec<Col> {
    use Col::*;
    if troubleshooting {
        let mut cols = vec![Name];
        match population {
            Population::Students => cols.extend([Class, Mef]),
            Population::ExternalStudents => cols.extend([Mef, Home]),
            Population::Guardians => cols = vec![Pupil, Level, Class, Mef, Name],
        }
        cols.extend([Identifier, Password, State, Email, RowAction]);
        return cols;
    }
    match population {
        Population::Students => vec![
            Name, Class, Mef, Identifier, State, Origin, Notified, LastLogin,
        ],
        Population::ExternalStudents => vec![
            Name, Mef, Home, Identifier, State, Origin, Notified, LastLogin,
        ],
        // Seed 001 §5.1 and §5.4: the pupil's side of the pair first, then the guardian's.
        Population::Guardians => vec![
            Pupil, Level, Class, Mef, Name, Identifier, Email, State, Origin, Notified, LastLogin,
        ],
    }
}

/// `aria-sort` of a column under the search's `sort` (empty = by name, ascending).
pub fn aria_sort(sort: &str, key: &str) -> Option<&'static str> {
    let (desc, current) = match sort.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, if sort.is_empty() { "family_name" } else { sort }),
    };
    (current == key).then_some(if desc { "descending" } else { "ascending" })
}

/// The sort after a click on a column: ascending first, then the other way.
pub fn next_sort(sort: &str, key: &str) -> String {
    match aria_sort(sort, key) {
        Some("ascending") => format!("-{key}"),
        _ if key == "family_name" => String::new(),
        _ => key.to_owned(),
    }
}

/// What the password column says (seed §3.3): the provisional password when the module may
/// show it, nothing yet for a not-notified account, stars otherwise.
pub fn password_cell(state: AccountState, provisional: Option<&str>) -> String {
    match provisional {
        Some(p) => p.to_owned(),
        None if state == AccountState::NotNotified => "Non renseigné".into(),
        None => "*****".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_cycles_and_marks_one_column() {
        assert_eq!(aria_sort("", "family_name"), Some("ascending"));
        assert_eq!(aria_sort("", "class"), None);
        assert_eq!(aria_sort("-class", "class"), Some("descending"));
        assert_eq!(next_sort("", "class"), "class");
        assert_eq!(next_sort("class", "class"), "-class");
        assert_eq!(next_sort("-class", "class"), "class");
        assert_eq!(next_sort("", "family_name"), "-family_name");
        assert_eq!(next_sort("-family_name", "family_name"), "");
    }

    #[test]
    fn columns_per_population_and_module() {
        let teacher = columns(Population::Students, true);
        assert!(teacher.contains(&Col::Password));
        assert!(!teacher.contains(&Col::Origin));
        let head = columns(Population::Students, false);
        assert!(!head.contains(&Col::Password));
        assert_eq!(
            columns(Population::Guardians, false)[..5],
            [Col::Pupil, Col::Level, Col::Class, Col::Mef, Col::Name]
        );
        assert!(columns(Population::ExternalStudents, false).contains(&Col::Home));
        assert_eq!(Col::Class.sort_key(Population::Guardians), None);
        assert_eq!(Col::Class.sort_key(Population::Students), Some("class"));
    }

    #[test]
    fn password_column_follows_the_list_rules() {
        assert_eq!(
            password_cell(AccountState::NotifiedNotActivated, Some("ABCD2345")),
            "ABCD2345"
        );
        assert_eq!(
            password_cell(AccountState::NotNotified, None),
            "Non renseigné"
        );
        assert_eq!(password_cell(AccountState::Activated, None), "*****");
    }
}
