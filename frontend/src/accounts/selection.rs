//! The rows the bulk actions apply to: ticked rows of the page shown, or every account the
//! search matches.

use leptos::prelude::*;
use sesame_core::AccountState;

use super::search::Search;

#[derive(Clone, Copy)]
pub(super) struct Selection {
    search: Search,
    pub selected: RwSignal<Vec<String>>,
    /// `Some(n)`: the n accounts matching the search are selected, not only this page.
    pub all_matching: RwSignal<Option<u64>>,
}

impl Selection {
    pub fn new(search: Search) -> Self {
        let selected = RwSignal::new(Vec::<String>::new());
        let all_matching = RwSignal::new(None::<u64>);
        // Rows that left the page (new search, refresh) leave the selection too.
        Effect::new(move |_| {
            search.results.with(|r| {
                if let Some(p) = r.loaded() {
                    let ids: Vec<String> = p.items.iter().map(|a| a.id.clone()).collect();
                    if selected.with_untracked(|s| s.iter().any(|x| !ids.contains(x))) {
                        selected.update(|s| s.retain(|x| ids.contains(x)));
                    }
                }
            });
        });
        // Another search, another page: a « whole search » selection does not carry over.
        Effect::new(move |_| {
            search.criteria.track();
            all_matching.set(None);
        });
        Selection {
            search,
            selected,
            all_matching,
        }
    }

    /// How many accounts are selected.
    pub fn count(self) -> u64 {
        self.all_matching
            .get()
            .unwrap_or_else(|| self.selected.with(Vec::len) as u64)
    }

    /// How many of the ticked rows are activated accounts (`None` for the whole search, whose
    /// accounts are not all known here).
    pub fn activated(self) -> Option<usize> {
        if self.all_matching.get().is_some() {
            return None;
        }
        Some(self.search.results.with(|r| match r.loaded() {
            Some(p) => self.selected.with(|s| {
                p.items
                    .iter()
                    .filter(|a| a.state == AccountState::Activated && s.contains(&a.id))
                    .count()
            }),
            None => 0,
        }))
    }

    /// `(selected, shown)` rows of the page.
    pub fn on_page(self) -> (usize, usize) {
        let ids = self.search.page_ids();
        if self.all_matching.get().is_some() {
            return (ids.len(), ids.len());
        }
        let n = self
            .selected
            .with(|s| ids.iter().filter(|i| s.contains(i)).count());
        (n, ids.len())
    }

    /// The offer to widen the selection to the whole search, once the page is selected.
    pub fn offer_all(self) -> bool {
        let (n, all) = self.on_page();
        all > 0 && n == all && self.all_matching.get().is_none() && self.search.total() > all as u64
    }

    pub fn clear(self) {
        self.selected.set(Vec::new());
        self.all_matching.set(None);
    }

    /// The header's box: every row of the page, or none.
    pub fn select_page(self, on: bool) {
        let ids = self.search.page_ids();
        self.all_matching.set(None);
        self.selected.update(|s| {
            s.retain(|x| !ids.contains(x));
            if on {
                s.extend(ids);
            }
        });
    }

    /// A row's box.
    pub fn check_row(self, id: String, on: bool) {
        if self.all_matching.get_untracked().is_some() {
            // Leaving the « whole search » selection: back to this page's rows.
            self.all_matching.set(None);
            self.selected.set(self.search.page_ids());
        }
        self.selected.update(|s| {
            s.retain(|x| x != &id);
            if on {
                s.push(id.clone());
            }
        });
    }
}

/// « Les n comptes de cette page sont sélectionnés » and the offer to select the whole search,
/// or the whole search selected and the way back.
#[component]
pub(super) fn SelectAll(selection: Selection) -> impl IntoView {
    let Selection {
        search,
        selected,
        all_matching,
    } = selection;
    view! {
        <Show when=move || selection.offer_all() || all_matching.get().is_some()>
            <p class="select-all" aria-live="polite">
                {move || match all_matching.get() {
                    Some(n) => view! {
                        <span>
                            {format!("Les {n} comptes correspondant à la recherche sont sélectionnés.")}
                        </span>
                        " "
                        <button
                            type="button"
                            class="link-button"
                            on:click=move |_| {
                                all_matching.set(None);
                                selected.set(Vec::new());
                            }
                        >
                            "Effacer la sélection"
                        </button>
                    }
                        .into_any(),
                    None => {
                        let n = search.total();
                        view! {
                            <span>
                                {format!("Les {} comptes de cette page sont sélectionnés.", search.page_ids().len())}
                            </span>
                            " "
                            <button
                                type="button"
                                class="link-button"
                                on:click=move |_| all_matching.set(Some(n))
                            >
                                {format!("Sélectionner les {n} comptes correspondant à la recherche")}
                            </button>
                        }
                            .into_any()
                    }
                }}
            </p>
        </Show>
    }
}
