//! « Élèves », « Élèves extérieurs » and « Responsables »: the account searches and their
//! actions (seed 001 §3 to §5, « Gestion des comptes … »), also as the troubleshooting module
//! shows them to a teacher (§3.5, « module de dépannage »: password column, no notification).
//!
//! The screen is put together here from its parts: the search and its form (`search`), the
//! selection (`selection`), the bulk actions and their dialogs (`bulk`, `confirm`, `dialogs`),
//! the results table (`table`, `row`, `columns`).

mod bulk;
mod columns;
mod confirm;
pub(crate) mod dialogs;
mod filters;
pub(crate) mod outcome;
pub(crate) mod population;
pub(crate) mod requests;
mod row;
mod search;
mod selection;
mod table;

use leptos::prelude::*;

use crate::app::RouteSignal;
use crate::detail::AccountPanel;
use crate::route::Tab;

use bulk::{ActionBanner, ActionBar, Bulk};
use columns::columns;
use confirm::BulkDialog;
use population::Population;
use row::RowActions;
use search::{Search, SearchForm};
use selection::{SelectAll, Selection};
use table::ResultsTable;

#[component]
pub fn AccountsView(
    uai: String,
    tab: Tab,
    rights: Vec<String>,
    route: RouteSignal,
) -> impl IntoView {
    let population = population::of(tab).unwrap_or(Population::Students);
    let may = {
        let rights = rights.clone();
        move |verb: &str| {
            rights
                .iter()
                .any(|r| *r == population::right(population, verb))
        }
    };
    let may_notify = may("notify");
    let may_list = may("list");
    let may_reset = may("reset-password");
    let may_view = may("view");
    // The troubleshooting module: it resets passwords but does not notify (seed §3.5).
    let troubleshooting = !may_notify && may_reset;
    let cols = columns(population, troubleshooting);
    let seg = population.as_str();

    let search = Search::new(uai, tab, population, route);
    // Row selection (the visible page, or the whole search), and the bulk actions on it.
    let selection = Selection::new(search);
    let bulk = Bulk::new(search, selection);

    // The account whose detail panel is open.
    let detail = RwSignal::new(None::<String>);
    let open_detail = Callback::new(move |id: String| detail.set(Some(id)));
    let close_detail = Callback::new(move |_: ()| detail.set(None));
    let detail_changed = Callback::new(move |_: ()| search.refresh());
    let rights_stored = StoredValue::new(rights);

    let row_actions = RowActions {
        selected: selection.selected,
        all: Signal::derive(move || selection.all_matching.get().is_some()),
        on_check: Callback::new(move |(id, on): (String, bool)| selection.check_row(id, on)),
        on_open: may_view.then_some(open_detail),
        on_reset: (troubleshooting && may_reset)
            .then_some(Callback::new(move |id: String| bulk.reset_row(id))),
    };

    view! {
        <div class="panel">
            <h3>{population.heading()}</h3>
            <SearchForm search />

            <p class="status results__count" role="status" aria-live="polite">
                {move || search.status()}
            </p>
            <p class="alert" class:alert--shown=move || search.failure().is_some() role="alert">
                {move || search.failure()}
            </p>
            <Show when=move || search.is_empty()>
                <p class="results__empty">{population.empty()}</p>
            </Show>
            <ActionBar bulk may_notify may_list may_reset />
            <SelectAll selection />
            <ActionBanner bulk />
            <ResultsTable search selection cols actions=row_actions />
            {move || {
                detail
                    .get()
                    .map(|id| {
                        view! {
                            <AccountPanel
                                uai=search.uai.get_value()
                                segment=seg
                                id
                                rights=rights_stored.get_value()
                                on_close=close_detail
                                on_changed=detail_changed
                            />
                        }
                    })
            }}
            <BulkDialog bulk population troubleshooting />
        </div>
    }
}
