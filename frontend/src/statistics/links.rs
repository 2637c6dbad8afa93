//! The activation funnel's first step: every count of « Statistiques » names a set of
//! accounts, and the account list with the matching filters shows exactly that set, ready to
//! be (re)notified or listed. Pure, so that the mapping is tested natively.

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

/// The account screen of a population of the statistics API.
pub fn tab_of(population: &str) -> Option<Tab> {
    match population {
        "students" => Some(Tab::Students),
        "guardians" => Some(Tab::Guardians),
        "external-students" => Some(Tab::ExternalStudents),
        _ => None,
    }
}

/// Origins only guardians' accounts can have (self-registration, FranceConnect): the pupils'
/// lists refuse them as filters.
fn guardians_only(origin: &str) -> bool {
    matches!(origin, "guardian" | "franceconnect")
}

/// The account list a count stands for: the population's screen, filtered by the row
/// (`by` = `origin`, `class` or `mef`) and by `state` (`None`: the row's total). `None` when
/// no filter of the lists can name the row (accounts without a class or MEF, an origin the
/// population should not have), which the screen then shows as plain text.
pub fn cell_route(
    uai: &str,
    population: &str,
    by: &str,
    row: Row<'_>,
    state: Option<&str>,
) -> Option<Route> {
    let tab = tab_of(population)?;
    let mut search = AccountSearch::default();
    if let Row::Keyed(key) = row {
        let key = key?;
        match by {
            "origin" => {
                if population != "guardians" && guardians_only(key) {
                    return None;
                }
                search.origin = vec![key.to_owned()];
            }
            "class" | "mef" => {
                // External students' classes and MEFs are their home establishment's.
                let code = match key.split_once('/') {
                    Some((home, code)) if population == "external-students" => {
                        search.home_uai = home.to_owned();
                        code
                    }
                    _ => key,
                };
                if by == "class" {
                    search.class = vec![code.to_owned()];
                } else {
                    search.mef = vec![code.to_owned()];
                }
            }
            _ => return None,
        }
    }
    if let Some(state) = state {
        search.state = vec![state.to_owned()];
    }
    Some(Route::Accounts {
        uai: uai.to_owned(),
        tab,
        search,
    })
}

/// The pupils of a class who have not activated their account yet (students never are « en
/// cours d'activation »): the list to re-notify.
pub fn not_activated_route(uai: &str, class: &str) -> Route {
    Route::Accounts {
        uai: uai.to_owned(),
        tab: Tab::Students,
        search: AccountSearch {
            class: vec![class.to_owned()],
            state: vec!["not_notified".into(), "notified_not_activated".into()],
            ..AccountSearch::default()
        },
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
                "students",
                "origin",
                Row::Keyed(Some("establishment")),
                Some("notified_not_activated")
            ))
            .as_deref(),
            Some(
                "/etablissements/0450750W/eleves?state=notified_not_activated&origin=establishment"
            )
        );
        assert_eq!(
            url(cell_route(
                "0451442Y",
                "guardians",
                "class",
                Row::Keyed(Some("3EME 2")),
                None
            ))
            .as_deref(),
            Some("/etablissements/0451442Y/responsables?class=3EME%202")
        );
        assert_eq!(
            url(cell_route(
                "0451442Y",
                "guardians",
                "mef",
                Row::Totals,
                Some("activated")
            ))
            .as_deref(),
            Some("/etablissements/0451442Y/responsables?state=activated")
        );
        assert_eq!(
            url(cell_route(
                "0451442Y",
                "students",
                "class",
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
            "external-students",
            "mef",
            Row::Keyed(Some("0451442Y/10310019110")),
            Some("not_notified"),
        );
        let Some(Route::Accounts { tab, search, .. }) = route else {
            panic!("{route:?}")
        };
        assert_eq!(tab, Tab::ExternalStudents);
        assert_eq!(search.home_uai, "0451442Y");
        assert_eq!(search.mef, ["10310019110"]);
        assert_eq!(search.state, ["not_notified"]);
    }

    #[test]
    fn rows_no_filter_can_name_are_not_links() {
        assert_eq!(
            cell_route("0450750W", "students", "class", Row::Keyed(None), None),
            None
        );
        assert_eq!(
            cell_route(
                "0450750W",
                "students",
                "origin",
                Row::Keyed(Some("franceconnect")),
                None
            ),
            None
        );
        assert!(cell_route(
            "0450750W",
            "guardians",
            "origin",
            Row::Keyed(Some("franceconnect")),
            None
        )
        .is_some());
        assert_eq!(
            cell_route("0450750W", "teachers", "origin", Row::Totals, None),
            None
        );
    }

    #[test]
    fn a_class_to_chase_lists_its_pupils_not_yet_activated() {
        assert_eq!(
            not_activated_route("0451442Y", "4EME1").url(),
            "/etablissements/0451442Y/eleves?class=4EME1&state=not_notified&state=notified_not_activated"
        );
    }
}
