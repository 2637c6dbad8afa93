//! The results table (sortable headers, the page's selection box, one row per account or per
//! pupil–guardian pair) and its pager.

use leptos::prelude::*;

use sesame_api::accounts::AccountItem;

use crate::pager::RangePager;

use super::columns::{aria_sort, Col};
use super::population::Population;
use super::row::{AccountRow, GuardianRows, RowActions};
use super::search::Search;
use super::selection::Selection;

#[component]
pub(super) fn ResultsTable(
    search: Search,
    selection: Selection,
    cols: Vec<Col>,
    actions: RowActions,
) -> impl IntoView {
    let population = search.population;
    let row_cols = StoredValue::new(cols);
    // A row is drawn again when what it shows changes (a notification, a reset; a guardian's
    // pupils under another pupil-side filter).
    let row_key = |a: &AccountItem| {
        (
            a.id.clone(),
            a.state,
            a.notified_at,
            a.provisional_password.clone(),
            a.students.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        )
    };
    let rows = move || search.rows();
    let has_rows = move || search.has_rows();
    let on_select_page =
        move |ev: leptos::ev::Event| selection.select_page(event_target_checked(&ev));
    let header_cells = move || {
        row_cols
            .get_value()
            .into_iter()
            .map(|c| {
                let label = c.label(population);
                match c.sort_key(population) {
                    Some(key) => {
                        let sort_state = move || search.criteria.with(|s| aria_sort(&s.sort, key));
                        view! {
                            <th scope="col" aria-sort=sort_state>
                                <button
                                    type="button"
                                    class="sort"
                                    on:click=move |_| search.sort_by(key)
                                >
                                    {label}
                                    <span class="sort__mark" aria-hidden="true">
                                        {move || match sort_state() {
                                            Some("ascending") => "▲",
                                            Some(_) => "▼",
                                            None => "↕",
                                        }}
                                    </span>
                                </button>
                            </th>
                        }
                        .into_any()
                    }
                    None => view! { <th scope="col">{label}</th> }.into_any(),
                }
            })
            .collect_view()
    };

    view! {
        <Show when=has_rows>
            <div
                class="table-wrap"
                role="region"
                aria-labelledby="accounts-caption"
                tabindex="0"
            >
                <table class="table">
                    <caption id="accounts-caption">{move || search.caption()}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="table__select">
                                <label for="select-page" class="visually-hidden">
                                    "Sélectionner la page"
                                </label>
                                <input
                                    id="select-page"
                                    type="checkbox"
                                    prop:checked=move || {
                                        let (n, all) = selection.on_page();
                                        all > 0 && n == all
                                    }
                                    prop:indeterminate=move || {
                                        let (n, all) = selection.on_page();
                                        n > 0 && n < all
                                    }
                                    on:change=on_select_page
                                />
                            </th>
                            {header_cells()}
                        </tr>
                    </thead>
                    {if population == Population::Guardians {
                        view! {
                            <For each=rows key=row_key children=move |a| {
                                view! { <GuardianRows a cols=row_cols.get_value() actions /> }
                            } />
                        }
                            .into_any()
                    } else {
                        view! {
                            <tbody>
                                <For each=rows key=row_key children=move |a| {
                                    view! {
                                        <AccountRow a population cols=row_cols.get_value() actions />
                                    }
                                } />
                            </tbody>
                        }
                            .into_any()
                    }}
                </table>
            </div>
        </Show>
        <Show when=has_rows>
            <RangePager
                state=Signal::derive(move || search.loaded().map(|(total, page, per)| (page, per, total)))
                on_page=Callback::new(move |page| search.to_page(page))
                label="Pagination des résultats"
                noun=population.noun()
            />
        </Show>
    }
}
