//! « Choisir un établissement »: the caller's establishments, searchable by UAI or name.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::establishments::Establishment;

use crate::app::{expire, local_date, navigate, Console, RouteSignal};
use crate::load::Load;
use crate::route::{Route, Tab};
use crate::session;
use crate::text;
use crate::token::fetch_establishments;

fn updated_on(e: &Establishment) -> String {
    match e.data_updated_at {
        Some(at) => format!("Données mises à jour le {}", local_date(at)),
        None => "Données pas encore importées".into(),
    }
}

#[component]
pub fn Home(route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let state = RwSignal::new(Load::Loading);
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(session::chosen_establishment());

    let load = move || {
        state.set(Load::Loading);
        spawn_local(async move {
            match fetch_establishments(session).await {
                Ok(list) => state.set(Load::Loaded(list)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => state.set(Load::Failed(e.message())),
            }
        });
    };
    load();

    let filtered = move || {
        state.with(|s| match s {
            Load::Loaded(list) => query.with(|q| {
                list.iter()
                    .filter(|e| text::establishment_matches(e, q))
                    .cloned()
                    .collect::<Vec<_>>()
            }),
            _ => Vec::new(),
        })
    };
    let status = move || {
        state.with(|s| match s {
            Load::Loading => "Chargement de vos établissements…".to_owned(),
            Load::Loaded(list) => query.with(|q| {
                let shown = list
                    .iter()
                    .filter(|e| text::establishment_matches(e, q))
                    .count();
                text::list_status(shown, list.len(), q)
            }),
            Load::Failed(_) => String::new(),
        })
    };
    let failure = move || state.with(Load::failure);
    let has_list = move || state.with(|s| matches!(s, Load::Loaded(list) if !list.is_empty()));

    view! {
        <section class="chooser" aria-labelledby="chooser-title">
            <h2 id="chooser-title">"Choisir un établissement"</h2>
            <Show when=has_list>
                <form class="search" role="search" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                    <label for="establishment-search">"Rechercher par UAI ou par nom"</label>
                    <input
                        id="establishment-search"
                        type="search"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="Ex. 0450750W ou Rodin"
                        bind:value=query
                    />
                </form>
            </Show>
            <p class="status" role="status" aria-live="polite">{status}</p>
            <div class="alert" class:alert--shown=move || failure().is_some() role="alert">
                {move || {
                    failure()
                        .map(|message| {
                            view! {
                                <p>{message}</p>
                                <button type="button" class="button button--secondary" on:click=move |_| load()>
                                    "Réessayer"
                                </button>
                            }
                        })
                }}
            </div>
            <ul
                class="establishments"
                aria-busy=move || state.with(Load::is_loading).to_string()
            >
                <For
                    each=filtered
                    key=|e| e.uai.clone()
                    children=move |e| view! { <EstablishmentCard e chosen route /> }
                />
            </ul>
        </section>
    }
}

#[component]
fn EstablishmentCard(
    e: Establishment,
    chosen: RwSignal<Option<String>>,
    route: RouteSignal,
) -> impl IntoView {
    let uai = e.uai.clone();
    let is_chosen = {
        let uai = uai.clone();
        move || chosen.with(|c| c.as_deref() == Some(uai.as_str()))
    };
    let choose = {
        let uai = uai.clone();
        move |_| {
            session::choose_establishment(&uai);
            chosen.set(Some(uai.clone()));
            navigate(route, Route::tab_of(&uai, Tab::Home));
        }
    };
    let details = format!(
        "{} {} · Académie : {}",
        text::kind_label(&e.kind),
        e.sector.label(),
        e.academy
    );
    let updated = updated_on(&e);
    let is_chosen_class = is_chosen.clone();

    view! {
        <li class="establishment" class:establishment--chosen=is_chosen_class>
            <div class="establishment__body">
                <h3 class="establishment__name">{e.name.clone()}</h3>
                <p class="establishment__meta">
                    <span class="uai">"UAI " <span class="uai__code">{uai}</span></span>
                    <span>{details}</span>
                </p>
                <p class="establishment__updated">{updated}</p>
            </div>
            <button
                type="button"
                class="button button--secondary"
                aria-pressed=move || is_chosen().to_string()
                on:click=choose
            >
                "Choisir"
                <span class="visually-hidden">" " {e.name}</span>
            </button>
        </li>
    }
}
