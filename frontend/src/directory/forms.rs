//! The three search modes of the directory (seed 000: « recherche simple », « recherche
//! avancée », « recherche technique ») as WAI-ARIA tabs, each panel a search form of its own.
//! A form puts only its own criteria in the URL; the fields keep the search in force, also
//! after Back / Forward.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use sesame_api::ent::{EntGroupNode, EntSubjects};

use super::groups::GroupPicker;
use super::search::{DirectorySearch, Mode, PROFILES};

/// An establishment whose directory the caller may read: `(uai, name)`.
pub(super) type Choice = (String, String);

fn tab_id(m: Mode) -> String {
    format!("directory-mode-{}", m.slug())
}

fn panel_id(m: Mode) -> String {
    format!("directory-panel-{}", m.slug())
}

/// The mode a key press on a tab moves to (arrows wrap, Home / End), if any.
fn mode_for_key(current: Mode, key: &str) -> Option<Mode> {
    let i = Mode::ALL.iter().position(|m| *m == current)?;
    let n = Mode::ALL.len();
    match key {
        "ArrowRight" => Some(Mode::ALL[(i + 1) % n]),
        "ArrowLeft" => Some(Mode::ALL[(i + n - 1) % n]),
        "Home" => Some(Mode::ALL[0]),
        "End" => Some(Mode::ALL[n - 1]),
        _ => None,
    }
}

/// A labelled text field of a form.
fn text_field(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" autocomplete="off" spellcheck="false" bind:value=value />
        </div>
    }
}

/// A labelled `<select>` over `options` (value = text), with a first « any » option.
fn select_field(
    id: &'static str,
    label: &'static str,
    any: &'static str,
    value: RwSignal<String>,
    options: Signal<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="">{any}</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|o| {
                            let (chosen, text) = (o.clone(), o.clone());
                            view! {
                                <option value=o selected=move || value.with(|v| *v == chosen)>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

fn form_actions(reset: impl Fn() + Copy + 'static) -> impl IntoView {
    view! {
        <div class="filters__actions">
            <button type="submit" class="button">"Rechercher"</button>
            <button type="button" class="button button--secondary" on:click=move |_| reset()>
                "Réinitialiser"
            </button>
        </div>
    }
}

#[component]
pub(super) fn SearchForms(
    uai: String,
    search: Memo<DirectorySearch>,
    /// Establishments whose directory the caller may read.
    establishments: RwSignal<Vec<Choice>>,
    /// The subjects taught in this directory (`None` while loading).
    subjects: RwSignal<Option<EntSubjects>>,
    subjects_error: RwSignal<Option<String>>,
    tree: RwSignal<Option<EntGroupNode>>,
    tree_error: RwSignal<Option<String>>,
    /// Runs a search, in this establishment or another one.
    on_search: Callback<(String, DirectorySearch)>,
    /// Another tab chosen (no search runs).
    on_mode: Callback<Mode>,
) -> impl IntoView {
    let uai = StoredValue::new(uai);
    let mode = Memo::new(move |_| search.with(|s| s.mode));
    let family_name = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let profile = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let group = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    let login = RwSignal::new(String::new());
    let id = RwSignal::new(String::new());
    let establishment = RwSignal::new(uai.get_value());
    // The fields show the search in force; a change of tab alone does not touch them.
    let criteria = Memo::new(move |_| {
        search.with(|s| DirectorySearch {
            mode: Mode::Simple,
            ..s.criteria()
        })
    });
    Effect::new(move |_| {
        let s = criteria.get();
        family_name.set(s.family_name);
        first_name.set(s.first_name);
        profile.set(s.profile);
        subject.set(s.subject);
        group.set(s.group);
        state.set(s.state);
        login.set(s.login);
        id.set(s.id);
        establishment.set(uai.get_value());
    });

    let trimmed = |v: RwSignal<String>| v.get_untracked().trim().to_owned();
    let submit = move |m: Mode| {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let mut s = DirectorySearch {
                mode: m,
                page: 1,
                ..Default::default()
            };
            match m {
                Mode::Simple => {
                    s.family_name = trimmed(family_name);
                    s.first_name = trimmed(first_name);
                }
                Mode::Advanced => {
                    s.family_name = trimmed(family_name);
                    s.first_name = trimmed(first_name);
                    s.profile = profile.get_untracked();
                    s.subject = subject.get_untracked();
                    s.group = group.get_untracked();
                    s.state = state.get_untracked();
                }
                Mode::Technical => {
                    s.login = trimmed(login);
                    s.id = trimmed(id);
                }
            }
            let to = if m == Mode::Advanced {
                establishment.get_untracked()
            } else {
                uai.get_value()
            };
            if to != uai.get_value() {
                // Groups belong to their establishment: not carried to another one.
                s.group = String::new();
            }
            on_search.run((to, s));
        }
    };
    let reset = move || {
        for v in [
            family_name,
            first_name,
            profile,
            subject,
            group,
            state,
            login,
            id,
        ] {
            v.set(String::new());
        }
        on_search.run((
            uai.get_value(),
            DirectorySearch {
                mode: mode.get_untracked(),
                ..Default::default()
            },
        ));
    };

    let on_tab_key = move |ev: KeyboardEvent| {
        if let Some(next) = mode_for_key(mode.get_untracked(), &ev.key()) {
            ev.prevent_default();
            on_mode.run(next);
            if let Some(el) = document().get_element_by_id(&tab_id(next)) {
                if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                    let _ = el.focus();
                }
            }
        }
    };
    let tabs = Mode::ALL
        .into_iter()
        .map(|m| {
            let selected = move || mode.get() == m;
            view! {
                <button
                    type="button"
                    role="tab"
                    id=tab_id(m)
                    class="directory-modes__tab"
                    aria-selected=move || selected().to_string()
                    aria-controls=panel_id(m)
                    tabindex=move || if selected() { "0" } else { "-1" }
                    on:click=move |_| on_mode.run(m)
                    on:keydown=on_tab_key
                >
                    {m.label()}
                </button>
            }
        })
        .collect_view();
    let panel = move |m: Mode, body: AnyView| {
        view! {
            <div
                role="tabpanel"
                id=panel_id(m)
                class="directory-modes__panel"
                aria-labelledby=tab_id(m)
                hidden=move || mode.get() != m
            >
                {body}
            </div>
        }
    };
    let subject_options = Signal::derive(move || {
        let mut list =
            subjects.with(|s| s.as_ref().map(|s| s.subjects.clone()).unwrap_or_default());
        // A subject from a link that the list lacks stays shown as chosen.
        let current = subject.get();
        if !current.is_empty() && !list.contains(&current) {
            list.push(current);
        }
        list
    });
    let establishment_options = move || {
        let list = establishments.get();
        let list = if list.is_empty() {
            vec![(uai.get_value(), uai.get_value())]
        } else {
            list
        };
        list.into_iter()
            .map(|(code, name)| {
                let chosen = code.clone();
                let text = format!("{name} ({code})");
                view! {
                    <option value=code selected=move || establishment.with(|e| *e == chosen)>
                        {text}
                    </option>
                }
            })
            .collect_view()
    };

    let simple = view! {
        <form role="search" aria-label="Recherche simple dans l’annuaire" on:submit=submit(Mode::Simple)>
            <div class="filters__grid directory__grid">
                {text_field("directory-simple-family-name", "Nom", family_name)}
                {text_field("directory-simple-first-name", "Prénom", first_name)}
            </div>
            <p class="field__hint">"Début du nom ou du prénom ; accents et majuscules sont ignorés."</p>
            {form_actions(reset)}
        </form>
    }
    .into_any();
    let advanced = view! {
        <form role="search" aria-label="Recherche avancée dans l’annuaire" on:submit=submit(Mode::Advanced)>
            <fieldset class="directory__criteria">
                <legend>"Critères de recherche"</legend>
                <div class="filters__grid directory__grid">
                    <div class="field directory__establishment">
                        <label for="directory-establishment">"Établissement(s)"</label>
                        <select
                            id="directory-establishment"
                            prop:value=move || establishment.get()
                            on:change=move |ev| establishment.set(event_target_value(&ev))
                        >
                            {establishment_options}
                        </select>
                    </div>
                    {text_field("directory-advanced-family-name", "Nom", family_name)}
                    {text_field("directory-advanced-first-name", "Prénom", first_name)}
                    {select_field("directory-profile", "Profil", "Tous les profils", profile,
                        Signal::derive(|| PROFILES.iter().map(|p| p.to_string()).collect()))}
                    <div class="directory__subject">
                        {select_field("directory-subject", "Matière enseignée", "Toutes les matières",
                            subject, subject_options)}
                        <p class="alert" class:alert--shown=move || subjects_error.with(Option::is_some) role="alert">
                            {move || subjects_error.get()}
                        </p>
                    </div>
                    {select_field("directory-state", "État du compte", "Tous les états", state,
                        Signal::derive(|| vec!["Opérationnel".to_owned(), "Bloqué".to_owned()]))}
                </div>
                <GroupPicker tree tree_error group />
            </fieldset>
            {form_actions(reset)}
        </form>
    }
    .into_any();
    let technical = view! {
        <form role="search" aria-label="Recherche technique dans l’annuaire" on:submit=submit(Mode::Technical)>
            <div class="filters__grid directory__grid">
                <div class="field">
                    <label for="directory-login">"Identifiant"</label>
                    <input id="directory-login" type="text" autocomplete="off" autocapitalize="none"
                        spellcheck="false" aria-describedby="directory-login-hint" bind:value=login />
                    <p id="directory-login-hint" class="field__hint">"Identifiant de connexion complet, par exemple prenom.nom2."</p>
                </div>
                <div class="field">
                    <label for="directory-id">"Id ENT"</label>
                    <input id="directory-id" type="text" autocomplete="off" autocapitalize="none"
                        spellcheck="false" aria-describedby="directory-id-hint" bind:value=id />
                    <p id="directory-id-hint" class="field__hint">"Identifiant technique de l’utilisateur, en entier."</p>
                </div>
            </div>
            {form_actions(reset)}
        </form>
    }
    .into_any();

    view! {
        <div class="directory-modes">
            <div class="directory-modes__list" role="tablist" aria-label="Mode de recherche">
                {tabs}
            </div>
            {panel(Mode::Simple, simple)}
            {panel(Mode::Advanced, advanced)}
            {panel(Mode::Technical, technical)}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_move_between_tabs_and_wrap() {
        assert_eq!(
            mode_for_key(Mode::Simple, "ArrowRight"),
            Some(Mode::Advanced)
        );
        assert_eq!(
            mode_for_key(Mode::Technical, "ArrowRight"),
            Some(Mode::Simple)
        );
        assert_eq!(
            mode_for_key(Mode::Simple, "ArrowLeft"),
            Some(Mode::Technical)
        );
        assert_eq!(mode_for_key(Mode::Advanced, "Home"), Some(Mode::Simple));
        assert_eq!(mode_for_key(Mode::Simple, "End"), Some(Mode::Technical));
        assert_eq!(mode_for_key(Mode::Simple, "Enter"), None);
    }
}
