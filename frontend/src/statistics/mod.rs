//! « Statistiques » (seed 001 §6): the students' and the guardians' accounts by origin and
//! state, each table with the time it was computed; then five sections opened on demand
//! (students and guardians by class, by MEF, external students); and, beyond the seed, the
//! activation funnel: every count opens the account list it counts (with its filters set, to
//! (re)notify or list from there), and a table ranks the classes least advanced first.
//!
//! Tables are computed live by the API when asked, each once per visit; a section's table is
//! fetched when the section is first opened. The open sections live in the URL (`?ouvert=`),
//! so that Back from a list finds the screen as it was left.

mod funnel;
mod links;
mod sections;
mod table;

use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::statistics::Statistics;
use sesame_core::{Grouping, Population};
use wasm_bindgen::JsValue;

use crate::admin_ui::local_datetime_at;
use crate::api::{self, ApiError};
use crate::app::{expire, Console, RouteSignal, SessionSignal};
use crate::load::Load;
use crate::route::{Route, Tab};
use crate::token::authed;

use funnel::FunnelTable;
use sections::{open_sections, table_index, toggled_query, Table, SECTIONS, TABLES};
use table::StatsTable;

/// A table's statistics; `None` until asked for (a closed section).
type TableLoad = Option<Load<Statistics>>;

async fn fetch(session: SessionSignal, uai: String, t: Table) -> Result<Statistics, ApiError> {
    authed(session, |token| {
        let url = api::url::statistics(&uai, t.population, t.by);
        async move { api::get::<Statistics>(&url, &token).await }
    })
    .await
}

/// The tables always shown: both origin tables, and students by class for the funnel.
const ALWAYS: [Table; 3] = [
    Table::new(Population::Students, Grouping::Origin),
    Table::new(Population::Guardians, Grouping::Origin),
    Table::new(Population::Students, Grouping::Class),
];

#[component]
pub fn StatisticsTab(uai: String, route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let loads: [RwSignal<TableLoad>; TABLES.len()] = std::array::from_fn(|_| RwSignal::new(None));
    let uai = StoredValue::new(uai);
    let query = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Establishment {
                tab: Tab::Statistics,
                query,
                ..
            } => query.clone(),
            _ => String::new(),
        })
    });
    let open = Memo::new(move |_| query.with(|q| open_sections(q)));

    // Each table once: an open section, or one always shown, not yet asked for.
    Effect::new(move |_| {
        let wanted = ALWAYS.into_iter().chain(
            open.get()
                .into_iter()
                .filter_map(|slug| SECTIONS.iter().find(|(s, _, _)| *s == slug))
                .map(|(_, _, t)| *t),
        );
        for t in wanted {
            let load = loads[table_index(t)];
            if load.with_untracked(Option::is_some) {
                continue;
            }
            load.set(Some(Load::Loading));
            let uai = uai.get_value();
            spawn_local(async move {
                let got = fetch(session, uai, t).await;
                if load.is_disposed() {
                    return;
                }
                match got {
                    Ok(s) => load.set(Some(Load::Loaded(s))),
                    Err(e) if e.status() == Some(401) => expire(session, notice),
                    Err(e) => load.set(Some(Load::Failed(e.message()))),
                }
            });
        }
    });

    // Opening or closing a section replaces the history entry instead of adding one: Back
    // leaves the screen rather than replaying every click, and still finds it as it was.
    let toggle = move |slug: &'static str| {
        let next = toggled_query(&query.get_untracked(), slug);
        let to = Route::Establishment {
            uai: uai.get_value(),
            tab: Tab::Statistics,
            query: next,
        };
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&to.url()));
        }
        route.set(to);
    };

    let loading = move || {
        loads
            .iter()
            .any(|l| l.with(|l| l.as_ref().is_some_and(Load::is_loading)))
    };
    let status = move || {
        if loading() {
            "Calcul des statistiques…".to_owned()
        } else {
            loads
                .iter()
                .filter_map(|l| {
                    l.with(|l| l.as_ref().and_then(Load::loaded).map(|s| s.computed_at))
                })
                .max()
                .map(|at| format!("Statistiques calculées le {}.", local_datetime_at(at)))
                .unwrap_or_default()
        }
    };

    // A table's place on the screen: its state of loading, then the table.
    let slot = move |t: Table| {
        let load = loads[table_index(t)];
        move || match load.get() {
            None | Some(Load::Loading) => {
                view! { <p class="status">"Calcul en cours…"</p> }.into_any()
            }
            Some(Load::Failed(m)) => {
                view! { <p class="alert alert--shown" role="alert">{m}</p> }.into_any()
            }
            Some(Load::Loaded(s)) => {
                view! { <StatsTable stats=s uai=uai.get_value() route /> }.into_any()
            }
        }
    };
    let funnel = {
        let load = loads[table_index(Table::new(Population::Students, Grouping::Class))];
        move || match load.get() {
            None | Some(Load::Loading) => {
                view! { <p class="status">"Calcul en cours…"</p> }.into_any()
            }
            Some(Load::Failed(m)) => {
                view! { <p class="alert alert--shown" role="alert">{m}</p> }.into_any()
            }
            Some(Load::Loaded(s)) => {
                view! { <FunnelTable stats=s uai=uai.get_value() route /> }.into_any()
            }
        }
    };

    let disclosures = SECTIONS
        .iter()
        .map(|(slug, title, t)| {
            let slug: &'static str = slug;
            let t = *t;
            let is_open = move || open.with(|o| o.contains(&slug));
            let panel = format!("stats-panel-{slug}");
            view! {
                <div class="stats__disclosure">
                    <h4 class="stats__disclosure-title">
                        <button
                            type="button"
                            class="stats__toggle"
                            id=format!("stats-toggle-{slug}")
                            aria-expanded=move || is_open().to_string()
                            aria-controls=panel.clone()
                            on:click=move |_| toggle(slug)
                        >
                            <span class="stats__toggle-sign" aria-hidden="true">
                                {move || if is_open() { "−" } else { "+" }}
                            </span>
                            {*title}
                        </button>
                    </h4>
                    <div
                        id=panel
                        class="stats__panel"
                        role="region"
                        aria-labelledby=format!("stats-toggle-{slug}")
                        hidden=move || !is_open()
                    >
                        {move || is_open().then(|| slot(t))}
                    </div>
                </div>
            }
        })
        .collect_view();

    view! {
        <div class="panel stats">
            <h3>"Statistiques d’activation des comptes"</h3>
            <p class="field__hint">
                "Les chiffres sont calculés au moment où vous les demandez. Chaque nombre ouvre "
                "la liste des comptes qu’il compte, d’où vous pouvez les (re)notifier ou les lister."
            </p>
            <p class="status" role="status" aria-live="polite">{status}</p>
            <section class="stats__section" aria-labelledby="stats-students-title">
                <h4 id="stats-students-title">"Synthèse des comptes élèves de la structure"</h4>
                {slot(Table::new(Population::Students, Grouping::Origin))}
            </section>
            <section class="stats__section" aria-labelledby="stats-guardians-title">
                <h4 id="stats-guardians-title">
                    "Synthèse des comptes responsables de la structure"
                </h4>
                {slot(Table::new(Population::Guardians, Grouping::Origin))}
            </section>
            <div class="stats__disclosures">{disclosures}</div>
            <section class="stats__section" aria-labelledby="stats-funnel-title">
                <h4 id="stats-funnel-title">"Suivi de l’activation par classe"</h4>
                {funnel}
            </section>
        </div>
    }
}
