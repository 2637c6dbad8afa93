//! The rows of the results table: one per account for pupils, and for guardians one per
//! pupil–guardian pair (seed 001 §5.1), grouped by guardian.

use leptos::prelude::*;

use sesame_api::accounts::{AccountItem, LinkedPerson};

use crate::app::local_date;

use super::columns::{password_cell, Col};
use super::population::Population;

/// What a row does beside showing the account: its selection and its buttons.
#[derive(Clone, Copy)]
pub(super) struct RowActions {
    pub selected: RwSignal<Vec<String>>,
    /// The whole search is selected.
    pub all: Signal<bool>,
    pub on_check: Callback<(String, bool)>,
    pub on_open: Option<Callback<String>>,
    pub on_reset: Option<Callback<String>>,
}

/// One account (a pupil, an external pupil).
#[component]
pub(super) fn AccountRow(
    a: AccountItem,
    population: Population,
    cols: Vec<Col>,
    actions: RowActions,
) -> impl IntoView {
    let checked = is_checked(&a.id, actions);
    let cells = cols
        .into_iter()
        .map(|c| account_cell(c, &a, population, None, actions))
        .collect_view();
    view! {
        <tr class:table__row--selected=move || checked.get()>
            {select_cell(&a.id, None, checked, actions)}
            {cells}
        </tr>
    }
}

/// The rows of a guardian: one per pupil the search keeps, each with the pupil's name, level,
/// class and MEF; the guardian's own cells (and the selection box, which acts on the
/// guardian's account) span the group. The group is a `<tbody>` so that assistive technology
/// reads the guardian's name as the header of all its rows.
#[component]
pub(super) fn GuardianRows(a: AccountItem, cols: Vec<Col>, actions: RowActions) -> impl IntoView {
    let checked = is_checked(&a.id, actions);
    let pairs = pair_rows(&a.students);
    let span = pairs.len();
    let rows = pairs
        .into_iter()
        .enumerate()
        .map(|(i, pupil)| {
            let first = i == 0;
            let cells = cols
                .iter()
                .filter_map(|&c| match c {
                    Col::Pupil | Col::Level | Col::Class | Col::Mef => {
                        Some(pupil_cell(c, pupil.as_ref()))
                    }
                    // The guardian's cells are written once, spanning the group.
                    _ if first => Some(account_cell(
                        c,
                        &a,
                        Population::Guardians,
                        Some(span),
                        actions,
                    )),
                    _ => None,
                })
                .collect_view();
            view! {
                <tr>
                    {first.then(|| select_cell(&a.id, Some(span), checked, actions))}
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <tbody class="pairs" class:table__row--selected=move || checked.get()>
            {rows}
        </tbody>
    }
}

/// The pupils a guardian's rows show, at least one row (a guardian whose pupils the search
/// left out still has its own row, with the pupil's cells empty).
pub(super) fn pair_rows(students: &[LinkedPerson]) -> Vec<Option<LinkedPerson>> {
    if students.is_empty() {
        return vec![None];
    }
    students.iter().cloned().map(Some).collect()
}

fn is_checked(id: &str, actions: RowActions) -> Memo<bool> {
    let id = id.to_owned();
    Memo::new(move |_| actions.all.get() || actions.selected.with(|s| s.contains(&id)))
}

fn select_cell(
    id: &str,
    rowspan: Option<usize>,
    checked: Memo<bool>,
    actions: RowActions,
) -> impl IntoView {
    let id = id.to_owned();
    view! {
        <td class="table__select" rowspan=rowspan.map(|n| n.to_string())>
            <input
                type="checkbox"
                aria-labelledby=format!("account-{id}")
                prop:checked=move || checked.get()
                on:change=move |ev| actions.on_check.run((id.clone(), event_target_checked(&ev)))
            />
        </td>
    }
}

/// A cell of a guardian's pupil.
fn pupil_cell(c: Col, pupil: Option<&LinkedPerson>) -> AnyView {
    let text = |f: fn(&LinkedPerson) -> Option<String>| pupil.and_then(f).unwrap_or_default();
    match c {
        Col::Pupil => {
            let name = pupil
                .map(|s| format!("{} {}", s.family_name.to_uppercase(), s.first_name))
                .unwrap_or_default();
            let flag = pupil.filter(|s| s.reported_wrong).map(|_| {
                view! {
                    " "
                    <span class="flag">"rattachement signalé erroné"</span>
                }
            });
            view! { <th scope="row" class="table__pupil">{name}{flag}</th> }.into_any()
        }
        Col::Level => view! { <td>{text(|s| s.level.clone())}</td> }.into_any(),
        Col::Class => view! { <td>{text(|s| s.class.clone())}</td> }.into_any(),
        _ => view! { <td>{text(|s| s.mef.clone())}</td> }.into_any(),
    }
}

/// A cell of the account itself; `rowspan` for a guardian's group of rows.
fn account_cell(
    c: Col,
    a: &AccountItem,
    population: Population,
    rowspan: Option<usize>,
    actions: RowActions,
) -> AnyView {
    let span = move || rowspan.map(|n| n.to_string());
    let date = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(local_date).unwrap_or_default();
    let id = a.id.clone();
    let full_name = format!("{} {}", a.family_name.to_uppercase(), a.first_name);
    match c {
        Col::Name => {
            let name = full_name.clone();
            let inner = match actions.on_open {
                Some(cb) => view! {
                    <button
                        type="button"
                        class="link-button"
                        aria-haspopup="dialog"
                        on:click=move |_| cb.run(id.clone())
                    >
                        {name}
                    </button>
                }
                .into_any(),
                None => name.into_any(),
            };
            // A guardian heads the rows of its pupils; a pupil heads its own row.
            let scope = if rowspan.is_some() { "rowgroup" } else { "row" };
            view! {
                <th scope=scope class="table__name" id=format!("account-{}", a.id) rowspan=span()>
                    {inner}
                </th>
            }
            .into_any()
        }
        Col::Class => view! { <td>{a.class.clone().unwrap_or_default()}</td> }.into_any(),
        Col::Mef => view! { <td>{a.mef.clone().unwrap_or_default()}</td> }.into_any(),
        Col::Home => {
            let home = match (&a.home_uai, &a.home_name) {
                (Some(u), Some(n)) => format!("{u} – {n}"),
                (Some(u), None) => u.clone(),
                _ => String::new(),
            };
            view! { <td>{home}</td> }.into_any()
        }
        Col::Identifier => {
            view! { <td class="table__id" rowspan=span()>{a.identifier.clone()}</td> }.into_any()
        }
        Col::Password => {
            let shown = password_cell(a.state, a.provisional_password.as_deref());
            if shown == "*****" {
                view! {
                    <td class="table__password" rowspan=span()>
                        <span aria-hidden="true">"*****"</span>
                        <span class="visually-hidden">"masqué"</span>
                    </td>
                }
                .into_any()
            } else {
                view! { <td class="table__password" rowspan=span()>{shown}</td> }.into_any()
            }
        }
        Col::Email => view! {
            <td rowspan=span()>{a.email.clone().unwrap_or_else(|| "Non renseignée".into())}</td>
        }
        .into_any(),
        Col::State => view! {
            <td class="table__state" rowspan=span()>
                <span class=format!("dot dot--{}", a.state) aria-hidden="true"></span>
                {a.state.label()}
            </td>
        }
        .into_any(),
        Col::Origin => view! { <td rowspan=span()>{a.origin.label()}</td> }.into_any(),
        Col::Notified => view! { <td rowspan=span()>{date(a.notified_at)}</td> }.into_any(),
        Col::LastLogin => view! { <td rowspan=span()>{date(a.last_login_at)}</td> }.into_any(),
        Col::RowAction => {
            let inner = actions.on_reset.map(|cb| {
                view! {
                    <button
                        type="button"
                        class="button button--secondary button--small"
                        aria-haspopup="dialog"
                        aria-label=format!("Réinitialiser le mot de passe {} {}", population.of_whom(), full_name)
                        on:click=move |_| cb.run(id.clone())
                    >
                        "Réinitialiser le mot de passe"
                    </button>
                }
            });
            view! { <td rowspan=span()>{inner}</td> }.into_any()
        }
        // The pupil's cells of a guardian's row are `pupil_cell`'s.
        Col::Pupil | Col::Level => view! { <td></td> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pupil(name: &str, class: &str) -> LinkedPerson {
        LinkedPerson {
            id: format!("id-{name}"),
            family_name: name.to_owned(),
            first_name: "Léa".to_owned(),
            identifier: None,
            state: None,
            class: Some(class.to_owned()),
            mef: Some("3EME".to_owned()),
            level: Some("3EME".to_owned()),
            relationship: "Mère".to_owned(),
            reported_wrong: false,
        }
    }

    #[test]
    fn a_guardian_of_two_pupils_has_two_rows() {
        let rows = pair_rows(&[pupil("Martin", "3EME1"), pupil("Martin", "6EME2")]);
        assert_eq!(rows.len(), 2);
        let classes: Vec<_> = rows
            .iter()
            .map(|r| r.as_ref().unwrap().class.clone().unwrap())
            .collect();
        assert_eq!(classes, ["3EME1", "6EME2"]);
    }

    #[test]
    fn a_guardian_without_a_pupil_in_the_search_keeps_one_row() {
        assert_eq!(pair_rows(&[]), vec![None]);
    }
}
