//! The activation funnel's first step: every count of « Statistiques » names a set of
//! accounts, and the account list with the matching filters shows exactly that set, ready to
//! be (re)notified or listed. Pure, so that the mapping is tested natively.

use sesame_core::{AccountState, Grouping, Origin, Population};

use crate::route::{AccountSearch, Route, Tab};

/// The row of a table a count belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row<'a> {
    /// The « Total » row: the whole population.
    Totals,
    /// A row and its key: an origin, a class or MEF code (external students:
    /// `<home UAI>/<code>`); `None` for the accounts without a class or MEF.
    Keyed(Option<&'a str>),
}

/// The account screen of a population.
pub fn tab_of(population: Population) -> Tab {
    match population {
        Population::Students => Tab::Students,
        Population::Guardians => Tab::Guardians,
        Population::ExternalStudents => Tab::ExternalStudents,
    }
}

/// The account list a count stands for: the population's screen, filtered by the row
/// (`by` = `origin`, `class` or `mef`) and by `state` (`None`: the row's total). `None` when
/// no filter of the lists can name the row (accounts without a class or MEF, an origin the
/// population should not have), which the screen then shows as plain text.
pub fn cell_route(
    uai: &str,
    population: Population,
    by: Grouping,
    row: Row<'_>,
    state: Option<AccountState>,
) -> Option<Route> {
    let tab = tab_of(population);
    let mut search = AccountSearch::default();
    if let Row::Keyed(key) = row {
        let key = key?;
        match by {
            Grouping::Origin => {
                // The pupils' lists refuse guardians-only origins (self-registration,
                // FranceConnect) as filters.
                let origin = Origin::parse(key).filter(|o| o.applies_to(population.kind()))?;
                search.origin = vec![origin];
            }
            Grouping::Class | Grouping::Mef => {
                // External students' classes and MEFs are their home establishment's.
                let code = match key.split_once('/') {
                    Some((home, code)) if population == Population::ExternalStudents => {
                        search.home_uai = home.to_owned();
                        code
                    }
                    _ => key,
                };
                if by == Grouping::Class {
                    search.class = vec![code.to_owned()];
                } else {
                    search.mef = vec![code.to_owned()];
                }
            }
        }
    }
    if let Some(state) = state {
        search.state = vec![state];
    }
    Some(Route::Accounts {
        uai: uai.to_owned(),
        tab,
        search: Box::new(search),
    })
}

/// The pupils of a class who have not activated their account yet (students never are « en
/// cours d'activation »): the list to re-notify.
pub fn not_activated_route(uai: &str, class: &str) -> Route {
    Route::Accounts {
        uai: uai.to_owned(),
        tab: Tab::Students,
        search: Box::new(AccountSearch {
            class: vec![class.to_owned()],
            state: vec![
                AccountState::NotNotified,
                AccountState::NotifiedNotActivated,
            ],
            ..AccountSearch::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(route: Option<Route>) -> Option<String> {
        route.map(|r| r.url())
    }

    #[test]
    fn a_cell_filters_by_its_row_and_its_column() {
        assert_eq!(
            url(cell_route(
                "0450750W",
                Population::Students,
                Grouping::Origin,
                Row::Keyed(Some("establishment")),
                Some(AccountState::NotifiedNotActivated)
            ))
            .as_deref(),
            Some(
                "/etablissements/0450750W/eleves?state=notified_not_activated&origin=establishment"
            )
        );
        assert_eq!(
            url(cell_route(
                "0451442Y",
                Population::Guardians,
                Grouping::Class,
                Row::Keyed(Some("3EME 2")),
                None
            ))
            .as_deref(),
            Some("/etablissements/0451442Y/responsables?class=3EME%202")
        );
        assert_eq!(
            url(cell_route(
                "0451442Y",
                Population::Guardians,
                Grouping::Mef,
                Row::Totals,
                Some(AccountState::Activated)
            ))
            .as_deref(),
            Some("/etablissements/0451442Y/responsables?state=activated")
        );
        assert_eq!(
            url(cell_route(
                "0451442Y",
                Population::Students,
                Grouping::Class,
                Row::Totals,
                None
            ))
            .as_deref(),
            Some("/etablissements/0451442Y/eleves")
        );
    }

    #[test]
    fn external_students_are_filtered_by_their_home_establishment_too() {
        let route = cell_route(
            "0450750W",
            Population::ExternalStudents,
            Grouping::Mef,
            Row::Keyed(Some("0451442Y/10310019110")),
            Some(AccountState::NotNotified),
        );
        let Some(Route::Accounts { tab, search, .. }) = route else {
            panic!("{route:?}")
        };
        assert_eq!(tab, Tab::ExternalStudents);
        assert_eq!(search.home_uai, "0451442Y");
        assert_eq!(search.mef, ["10310019110"]);
        assert_eq!(search.state, [AccountState::NotNotified]);
    }

    #[test]
    fn rows_no_filter_can_name_are_not_links() {
        assert_eq!(
            cell_route(
                "0450750W",
                Population::Students,
                Grouping::Class,
                Row::Keyed(None),
                None
            ),
            None
        );
        assert_eq!(
            cell_route(
                "0450750W",
                Population::Students,
                Grouping::Origin,
                Row::Keyed(Some("franceconnect")),
                None
            ),
            None
        );
        assert!(cell_route(
            "0450750W",
            Population::Guardians,
            Grouping::Origin,
            Row::Keyed(Some("franceconnect")),
            None
        )
        .is_some());
    }

    #[test]
    fn a_class_to_chase_lists_its_pupils_not_yet_activated() {
        assert_eq!(
            not_activated_route("0451442Y", "4EME1").url(),
            "/etablissements/0451442Y/eleves?class=4EME1&state=not_notified&state=notified_not_activated"
        );
    }
}
