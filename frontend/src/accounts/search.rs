//! The search of a population: the criteria in the address bar, the page of accounts the API
//! answers for them, and the form that changes them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use sesame_api::accounts::{AccountItem, Structure};
use sesame_api::Page;

use crate::api;
use crate::app::{expire, navigate, Console, RouteSignal};
use crate::load::Load;
use crate::route::{AccountSearch, Route, Tab};
use crate::text;
use crate::token::authed;

use super::columns::next_sort;
use super::filters::{FilterFields, FilterForm};
use super::population::Population;

/// The search in force and its results; copied into every handler that reads or changes them.
#[derive(Clone, Copy)]
pub(super) struct Search {
    pub uai: StoredValue<String>,
    pub tab: Tab,
    pub population: Population,
    route: RouteSignal,
    /// The criteria in force (the address bar's, also after Back / Forward).
    pub criteria: Memo<AccountSearch>,
    pub results: RwSignal<Load<Page<AccountItem>>>,
    /// Bumped to fetch the same page again.
    nonce: RwSignal<u32>,
}

impl Search {
    /// Follows the route's criteria, fetching the page they name each time they change.
    pub fn new(uai: String, tab: Tab, population: Population, route: RouteSignal) -> Self {
        let Console { session, notice } = expect_context();
        let criteria = Memo::new(move |_| {
            route.with(|r| match r {
                Route::Accounts { search, tab: t, .. } if *t == tab => (**search).clone(),
                _ => AccountSearch::default(),
            })
        });
        let search = Search {
            uai: StoredValue::new(uai),
            tab,
            population,
            route,
            criteria,
            results: RwSignal::new(Load::Loading),
            nonce: RwSignal::new(0u32),
        };
        let Search { results, nonce, .. } = search;
        let seg = population.as_str();
        let generation = StoredValue::new(0u64);
        Effect::new(move |_| {
            nonce.track();
            let query = criteria.with(AccountSearch::api_query);
            let uai = search.uai.get_value();
            let url = api::url::accounts_search(&uai, seg, &query);
            generation.update_value(|g| *g += 1);
            let this = generation.get_value();
            results.set(Load::Loading);
            spawn_local(async move {
                let got = authed(session, |token| {
                    let (url, uai, query) = (url.clone(), uai.clone(), query.clone());
                    async move {
                        match population {
                            Population::Students => api::students(&uai, &query, &token).await,
                            _ => api::get::<Page<AccountItem>>(&url, &token).await,
                        }
                    }
                })
                .await;
                // A later search has been started (or the screen left): this answer is stale.
                if results.is_disposed() || generation.get_value() != this {
                    return;
                }
                match got {
                    Ok(page) => results.set(Load::Loaded(page)),
                    Err(e) if e.status() == Some(401) => expire(session, notice),
                    Err(e) => results.set(Load::Failed(e.message())),
                }
            });
        });
        search
    }

    /// Fetches the page shown again (the accounts' states and dates have changed).
    pub fn refresh(self) {
        self.nonce.update(|n| *n = n.wrapping_add(1));
    }

    /// Searches `criteria`, recorded in the address bar.
    pub fn go(self, criteria: AccountSearch) {
        self.refresh();
        navigate(
            self.route,
            Route::Accounts {
                uai: self.uai.get_value(),
                tab: self.tab,
                search: Box::new(criteria),
            },
        );
    }

    pub fn to_page(self, page: u64) {
        let mut s = self.criteria.get_untracked();
        // « Suivant » continues after the last row shown (the API's cursor): no row is
        // repeated or skipped when accounts change between two pages, and a deep page costs
        // what the first does. Other pages go by number.
        s.after = self.results.with_untracked(|r| match r {
            Load::Loaded(p) if p.page + 1 == page => p.next.clone().unwrap_or_default(),
            _ => String::new(),
        });
        s.page = page;
        self.go(s);
    }

    pub fn sort_by(self, key: &'static str) {
        let mut s = self.criteria.get_untracked();
        s.sort = next_sort(&s.sort, key);
        s.page = 1;
        s.after.clear();
        self.go(s);
    }

    /// `(total, page, per_page)` of the page shown.
    pub fn loaded(self) -> Option<(u64, u64, u64)> {
        self.results
            .with(|r| r.loaded().map(|p| (p.total, p.page.max(1), p.per_page)))
    }

    pub fn total(self) -> u64 {
        self.loaded().map(|(t, _, _)| t).unwrap_or(0)
    }

    /// What the status line says.
    pub fn status(self) -> String {
        self.results.with(|r| match r {
            Load::Loading => "Recherche en cours…".to_owned(),
            Load::Loaded(p) => self.population.count(p.total),
            Load::Failed(_) => String::new(),
        })
    }

    pub fn failure(self) -> Option<String> {
        self.results.with(Load::failure)
    }

    pub fn rows(self) -> Vec<AccountItem> {
        self.results
            .with(|r| r.loaded().map(|p| p.items.clone()).unwrap_or_default())
    }

    pub fn has_rows(self) -> bool {
        self.results
            .with(|r| matches!(r, Load::Loaded(p) if !p.items.is_empty()))
    }

    /// The search found nothing.
    pub fn is_empty(self) -> bool {
        self.results
            .with(|r| matches!(r, Load::Loaded(p) if p.items.is_empty()))
    }

    /// The ids of the rows shown.
    pub fn page_ids(self) -> Vec<String> {
        self.results.with(|r| {
            r.loaded()
                .map(|p| p.items.iter().map(|a| a.id.clone()).collect())
                .unwrap_or_default()
        })
    }

    /// The table's caption, with the page when there are several.
    pub fn caption(self) -> String {
        let pages = self
            .loaded()
            .map(|(total, page, per)| (page, text::page_count(total, per)));
        match pages {
            Some((page, count)) if count > 1 => {
                format!("{} (page {page} sur {count})", self.population.caption())
            }
            _ => self.population.caption().to_owned(),
        }
    }
}

/// The search form: the name field and the population's filters, whose choices (classes,
/// MEFs, home establishments) are fetched here.
#[component]
pub(super) fn SearchForm(search: Search) -> impl IntoView {
    let Console { session, .. } = expect_context();
    let population = search.population;
    let form = FilterForm::new();
    // The form shows the search in force, also after Back / Forward.
    Effect::new(move |_| form.show(search.criteria.get()));

    let structure = RwSignal::new(None::<Structure>);
    let homes = RwSignal::new(Vec::<(String, String)>::new());
    let uai = search.uai.get_value();
    {
        let uai = uai.clone();
        spawn_local(async move {
            // Without it the filters are empty lists; the search itself still works.
            let got = authed(session, |token| {
                let uai = uai.clone();
                async move { api::structure(&uai, &token).await }
            })
            .await;
            if let Ok(s) = got {
                if !structure.is_disposed() {
                    structure.set(Some(s));
                }
            }
        });
    }
    if population == Population::ExternalStudents {
        // The home establishments, for the « Établissement de rattachement » filter.
        let url = api::url::external_students_all(&uai);
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { api::get::<Page<AccountItem>>(&url, &token).await }
            })
            .await;
            if let Ok(page) = got {
                let mut list: Vec<(String, String)> = page
                    .items
                    .into_iter()
                    .filter_map(|a| a.home_uai.map(|u| (u, a.home_name.unwrap_or_default())))
                    .collect();
                list.sort();
                list.dedup();
                if !homes.is_disposed() {
                    homes.set(list);
                }
            }
        });
    }

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        search.go(form.search(population, search.criteria.get_untracked().sort));
    };
    let reset_form = move |_| {
        search.go(AccountSearch::default());
    };

    view! {
        <form
            class="filters"
            role="search"
            aria-label=format!("Rechercher des {}", match population {
                Population::Guardians => "responsables",
                Population::ExternalStudents => "élèves extérieurs",
                Population::Students => "élèves",
            })
            on:submit=on_submit
        >
            <div class="filters__grid">
                <div class="field">
                    <label for="accounts-q">
                        {match population {
                            Population::Guardians => "Nom ou prénom du responsable",
                            _ => "Nom ou prénom",
                        }}
                    </label>
                    <input
                        id="accounts-q"
                        name="q"
                        type="search"
                        autocomplete="off"
                        spellcheck="false"
                        bind:value=form.q
                    />
                </div>
                <FilterFields population form structure homes />
            </div>
            <div class="filters__actions">
                <button type="submit" class="button">"Rechercher"</button>
                <button type="button" class="button button--secondary" on:click=reset_form>
                    "Réinitialiser"
                </button>
            </div>
        </form>
    }
}
