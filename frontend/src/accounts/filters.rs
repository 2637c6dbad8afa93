//! The search form's criteria (seed 001 §3.1, §4, §5.1): what the form holds until
//! « Rechercher », and its fields per population. Classes, MEFs and origins are drop-down
//! multi-selects whose button shows when the filter is in use.

use leptos::prelude::*;

use sesame_api::accounts::Structure;

use crate::multiselect::MultiSelect;
use crate::route::AccountSearch;
use sesame_core::{AccountState, Origin};

use super::population::Population;

/// The criteria as the form shows them (not yet searched).
#[derive(Clone, Copy)]
pub(super) struct FilterForm {
    pub q: RwSignal<String>,
    pub classes: RwSignal<Vec<String>>,
    pub mefs: RwSignal<Vec<String>>,
    pub states: RwSignal<Vec<AccountState>>,
    pub student: RwSignal<String>,
    /// `""`, `"true"` or `"false"` (the select's values).
    pub has_email: RwSignal<String>,
    pub origins: RwSignal<Vec<String>>,
    pub link_reported: RwSignal<bool>,
    pub home_uai: RwSignal<String>,
}

impl FilterForm {
    pub fn new() -> Self {
        FilterForm {
            q: RwSignal::new(String::new()),
            classes: RwSignal::new(Vec::new()),
            mefs: RwSignal::new(Vec::new()),
            states: RwSignal::new(Vec::new()),
            student: RwSignal::new(String::new()),
            has_email: RwSignal::new(String::new()),
            origins: RwSignal::new(Vec::new()),
            link_reported: RwSignal::new(false),
            home_uai: RwSignal::new(String::new()),
        }
    }

    /// Shows the search in force (also after Back / Forward).
    pub fn show(&self, s: AccountSearch) {
        self.q.set(s.q);
        self.classes.set(s.class);
        self.mefs.set(s.mef);
        self.states.set(s.state);
        self.student.set(s.student);
        self.has_email
            .set(s.has_email.map(|b| b.to_string()).unwrap_or_default());
        self.origins
            .set(s.origin.iter().map(ToString::to_string).collect());
        self.link_reported.set(s.link_reported == Some(true));
        self.home_uai.set(s.home_uai);
    }

    /// The search the form asks for, from its first page, keeping `sort`.
    pub fn search(&self, population: Population, sort: String) -> AccountSearch {
        let chosen = self.states.get_untracked();
        let chosen_origins = self.origins.get_untracked();
        AccountSearch {
            q: self.q.get_untracked().trim().to_owned(),
            class: self.classes.get_untracked(),
            mef: self.mefs.get_untracked(),
            // In the journey's order, whatever the order of the clicks; only the states
            // this population can be in.
            state: population
                .states()
                .into_iter()
                .filter(|v| chosen.contains(v))
                .collect(),
            student: self.student.get_untracked().trim().to_owned(),
            has_email: match self.has_email.get_untracked().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            // The multi-select holds the wire names it offered.
            origin: chosen_origins
                .iter()
                .filter_map(|c| Origin::parse(c))
                .filter(|o| population.origins().contains(o))
                .collect(),
            link_reported: self.link_reported.get_untracked().then_some(true),
            home_uai: self.home_uai.get_untracked(),
            sort,
            page: 1,
            after: String::new(),
        }
    }
}

/// The fields of a population's search, after « Nom ou prénom ».
#[component]
pub(super) fn FilterFields(
    population: Population,
    form: FilterForm,
    structure: RwSignal<Option<Structure>>,
    /// External students' home establishments, `(UAI, name)`.
    homes: RwSignal<Vec<(String, String)>>,
) -> impl IntoView {
    let class_options = Signal::derive(move || {
        structure.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.classes
                        .iter()
                        .map(|c| (c.code.clone(), c.code.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let mef_options = Signal::derive(move || {
        structure.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.mefs
                        .iter()
                        .map(|m| {
                            (
                                m.code.clone(),
                                format!("{} – {}", m.short_label, m.long_label),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let origin_options = Signal::derive(move || {
        population
            .origins()
            .into_iter()
            .map(|o| (o.to_string(), o.label().to_owned()))
            .collect::<Vec<_>>()
    });
    let prefix = population.as_str();
    let classes = move || {
        view! {
            <div class="field">
                <MultiSelect
                    id="accounts-class"
                    label="Classe(s)"
                    options=class_options
                    selected=form.classes
                />
            </div>
        }
    };
    let mefs = move || {
        view! {
            <div class="field">
                <MultiSelect id="accounts-mef" label="MEF" options=mef_options selected=form.mefs />
            </div>
        }
    };
    let origins = move || {
        view! {
            <div class="field">
                <MultiSelect
                    id="accounts-origin"
                    label="Origine du compte"
                    options=origin_options
                    selected=form.origins
                />
            </div>
        }
    };
    let states = move || {
        view! {
            <fieldset class="field states">
                <legend>"État(s) de compte"</legend>
                {state_boxes(prefix, population, form.states)}
            </fieldset>
        }
    };
    match population {
        Population::Students => view! {
            {mefs()}
            {classes()}
            {states()}
            {origins()}
        }
        .into_any(),
        Population::ExternalStudents => view! {
            {home_select(form.home_uai, homes)}
            {mefs()}
            {states()}
            {origins()}
        }
        .into_any(),
        Population::Guardians => view! {
            <div class="field">
                <label for="accounts-student">"Nom ou prénom de l’élève"</label>
                <input
                    id="accounts-student"
                    name="student"
                    type="search"
                    autocomplete="off"
                    spellcheck="false"
                    bind:value=form.student
                />
            </div>
            {mefs()}
            {classes()}
            {states()}
            {email_select(form.has_email)}
            {origins()}
            <div class="field">
                <div class="check">
                    <input
                        id="accounts-link-reported"
                        type="checkbox"
                        name="link_reported"
                        prop:checked=move || form.link_reported.get()
                        on:change=move |ev| form.link_reported.set(event_target_checked(&ev))
                    />
                    <label for="accounts-link-reported">"Rattachement signalé erroné"</label>
                </div>
            </div>
        }
        .into_any(),
    }
}

fn state_boxes(
    prefix: &'static str,
    population: Population,
    states: RwSignal<Vec<AccountState>>,
) -> impl IntoView {
    population
        .states()
        .into_iter()
        .map(|value| {
            let id = format!("{prefix}-state-{value}");
            view! {
                <div class="check">
                    <input
                        id=id.clone()
                        type="checkbox"
                        name="state"
                        value=value.as_str()
                        prop:checked=move || states.with(|s| s.contains(&value))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            states
                                .update(|s| {
                                    s.retain(|x| *x != value);
                                    if on {
                                        s.push(value);
                                    }
                                });
                        }
                    />
                    <label for=id>
                        <span class=format!("dot dot--{value}") aria-hidden="true"></span>
                        {value.label()}
                    </label>
                </div>
            }
        })
        .collect_view()
}

fn home_select(
    home_uai: RwSignal<String>,
    homes: RwSignal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for="accounts-home">"Établissement de rattachement"</label>
            <select
                id="accounts-home"
                name="home_uai"
                on:change=move |ev| home_uai.set(event_target_value(&ev))
            >
                <option value="" prop:selected=move || home_uai.with(String::is_empty)>
                    "Tous les établissements"
                </option>
                {move || {
                    homes
                        .get()
                        .into_iter()
                        .map(|(code, name)| {
                            let value = code.clone();
                            view! {
                                <option
                                    value=code.clone()
                                    prop:selected=move || home_uai.with(|h| *h == value)
                                >
                                    {format!("{code} – {name}")}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

fn email_select(has_email: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="accounts-email">"Adresse électronique"</label>
            <select
                id="accounts-email"
                name="has_email"
                on:change=move |ev| has_email.set(event_target_value(&ev))
            >
                <option value="" prop:selected=move || has_email.with(String::is_empty)>
                    "Indifférent"
                </option>
                <option value="true" prop:selected=move || has_email.with(|h| h == "true")>
                    "Renseignée"
                </option>
                <option value="false" prop:selected=move || has_email.with(|h| h == "false")>
                    "Non renseignée"
                </option>
            </select>
        </div>
    }
}
