//! An establishment's frame: its heading, the tab bar of the screens the caller's rights open
//! (never a tab that would answer « Accès refusé », nor « Élèves extérieurs » where there are
//! none), the link to the guide's section on the screen shown, and « Accueil ».

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::accounts::AccountsView;
use crate::app::{follow, local_date, Console, ModuleTitle, RouteSignal};
use crate::load::Load;
use crate::route::{Route, Tab};
use crate::token::fetch_establishments;
use crate::{delegations, directory, journal, settings, statistics};

/// What the chooser's list says about this establishment. The screen holds a
/// `Load<Option<Known>>`: `None` once loaded means it is not among the caller's
/// establishments (or the list could not be had).
#[derive(Debug, Clone, PartialEq)]
struct Known {
    name: String,
    rights: Vec<String>,
    updated: Option<String>,
    /// Pupils of other establishments following shared teaching here.
    external_students: u64,
}

/// The teacher's module (seed 002, « ÉduConnect - Dépannage des comptes élèves »): it resets
/// pupils' passwords and notifies nobody, and must say so, since it is not the console.
const TROUBLESHOOTING: &str = "Dépannage des comptes élèves";

/// The name of the module the caller works in here, when it is not the administration console.
fn module_name(rights: &[String]) -> Option<&'static str> {
    let has = |right: &str| rights.iter().any(|r| r == right);
    (has("students:reset-password") && !has("students:notify")).then_some(TROUBLESHOOTING)
}

#[component]
pub fn EstablishmentScreen(uai: String, route: RouteSignal) -> impl IntoView {
    let Console { session, .. } = expect_context();
    let tab = Memo::new(move |_| route.with(Route::tab));
    let known = RwSignal::new(Load::<Option<Known>>::Loading);
    {
        let uai = uai.clone();
        spawn_local(async move {
            let found = fetch_establishments(session)
                .await
                .ok()
                .and_then(|list| list.into_iter().find(|e| e.uai == uai));
            known.set(Load::Loaded(found.map(|e| Known {
                name: e.name,
                rights: e.rights,
                updated: e.data_updated_at.map(local_date),
                external_students: e.external_students,
            })));
        });
    }
    let may = move |t: Tab| {
        known.with(|k| match k {
            Load::Loaded(Some(Known { rights, .. })) => {
                rights.iter().any(|r| r == t.required_right())
            }
            _ => false,
        })
    };
    // « Élèves extérieurs » has the right but no pupil to show: not in the bar, and a message
    // instead of an empty search when its URL is opened.
    let no_externals = move |t: Tab| {
        t == Tab::ExternalStudents
            && known.with(|k| {
                matches!(
                    k,
                    Load::Loaded(Some(Known {
                        external_students: 0,
                        ..
                    }))
                )
            })
    };
    let current = move |t: Tab| (tab.get() == Some(t)).then_some("page");
    let module = move || {
        known.with(|k| match k {
            Load::Loaded(Some(Known { rights, .. })) => module_name(rights),
            _ => None,
        })
    };
    if let Some(ModuleTitle(title)) = use_context::<ModuleTitle>() {
        Effect::new(move |_| title.set(module()));
        on_cleanup(move || title.set(None));
    }
    let tabs = {
        let uai = uai.clone();
        move || {
            Tab::ALL
                .into_iter()
                .filter(|t| may(*t) && !no_externals(*t))
                .map(|t| {
                    let to = Route::tab_of(&uai, t);
                    view! {
                        <li>
                            <a
                                class="tabs__link"
                                href=to.url()
                                aria-current=move || current(t)
                                on:click=follow(route, to.clone())
                            >
                                {t.label()}
                            </a>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let body_uai = uai.clone();

    view! {
        <section class="etab" aria-labelledby="etab-title">
            <div class="etab__head">
                <h2 id="etab-title">
                    {move || {
                        module()
                            .map(|m| {
                                view! {
                                    <span class="etab__module">
                                        {m}
                                        <span class="visually-hidden">" — "</span>
                                    </span>
                                }
                            })
                    }}
                    {move || known.with(|k| match k {
                        Load::Loaded(Some(Known { name, .. })) => name.clone(),
                        _ => "Établissement".into(),
                    })}
                    " "
                    <span class="uai__code">{uai.clone()}</span>
                </h2>
                <a class="etab__change" href="/" on:click=follow(route, Route::Chooser)>
                    "Changer d’établissement"
                </a>
            </div>
            <nav class="tabs" aria-label="Rubriques de l’établissement">
                <ul class="tabs__list">{tabs}</ul>
            </nav>
            {move || {
                let t = tab.get()?;
                known.with(|k| match k {
                    Load::Loaded(Some(Known { rights, .. })) => Some(view! { <TabHelp tab=t rights=rights.clone() /> }),
                    _ => None,
                })
            }}
            {move || {
                let uai = body_uai.clone();
                let Some(t) = tab.get() else { return ().into_any() };
                match known.get() {
                    Load::Loading => {
                        view! { <p class="status" role="status">"Chargement…"</p> }.into_any()
                    }
                    Load::Loaded(None) | Load::Failed(_) => view! {
                        <div class="panel" role="alert">
                            <p>"Cet établissement ne fait pas partie des vôtres."</p>
                        </div>
                    }
                        .into_any(),
                    Load::Loaded(Some(_)) if !may(t) => view! {
                        <div class="panel" role="alert">
                            <p>
                                "La rubrique « " {t.label()} " » n’est pas ouverte à votre profil dans cet établissement."
                            </p>
                        </div>
                    }
                        .into_any(),
                    Load::Loaded(Some(_)) if no_externals(t) => {
                        let home = Route::tab_of(&uai, Tab::Home);
                        view! {
                            <div class="panel" role="status">
                                <h3>"Élèves extérieurs"</h3>
                                <p>
                                    // No-break spaces keep « » with their words.
                                    "Aucun élève d’un autre établissement ne suit d’enseignement mutualisé "
                                    "dans cet établissement\u{a0}: il n’a donc pas de rubrique "
                                    "«\u{a0}Élèves extérieurs\u{a0}»."
                                </p>
                                <p>
                                    "Les comptes de vos élèves sont dans la rubrique «\u{a0}Élèves\u{a0}». "
                                    <a href=home.url() on:click=follow(route, home.clone())>
                                        "Revenir à l’accueil de l’établissement"
                                    </a>
                                </p>
                            </div>
                        }
                            .into_any()
                    }
                    Load::Loaded(Some(Known { rights, updated, external_students, .. })) => match t {
                        Tab::Home => {
                            let module = module_name(&rights);
                            view! { <EstablishmentHome uai route rights updated module external_students /> }.into_any()
                        }
                        Tab::Students | Tab::ExternalStudents | Tab::Guardians => view! {
                            <AccountsView uai tab=t rights route />
                        }
                            .into_any(),
                        Tab::Statistics => view! { <statistics::StatisticsTab uai route /> }.into_any(),
                        Tab::Settings => view! { <settings::SettingsTab uai route /> }.into_any(),
                        Tab::Delegations => view! { <delegations::DelegationsTab uai route /> }.into_any(),
                        Tab::Journal => view! { <journal::JournalTab uai route /> }.into_any(),
                        Tab::Directory => view! { <directory::DirectoryTab uai route /> }.into_any(),
                    },
                }
            }}
        </section>
    }
}

#[component]
fn EstablishmentHome(
    uai: String,
    route: RouteSignal,
    rights: Vec<String>,
    updated: Option<String>,
    /// The teacher's module: its own welcome and descriptions.
    module: Option<&'static str>,
    external_students: u64,
) -> impl IntoView {
    let troubleshooting = module.is_some();
    let offered: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|t| *t != Tab::Home && t.offered(&rights, external_students))
        .collect();
    let links = offered
        .into_iter()
        .map(|t| {
            let to = Route::tab_of(&uai, t);
            view! {
                <li>
                    <a href=to.url() on:click=follow(route, to.clone())>{t.label()}</a>
                    " — "
                    {describe(t, troubleshooting)}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="panel">
            <h3>"Accueil"</h3>
            <p class="etab__updated">
                {match updated {
                    Some(d) => format!("Données mises à jour le {d}."),
                    None => "Les données de l’établissement n’ont pas encore été importées.".into(),
                }}
            </p>
            <p>
                {match module {
                    Some(m) => format!(
                        "Bienvenue dans le module « {m} » : il sert à aider vos élèves qui ont perdu leur mot de passe ÉduConnect. "
                    ),
                    None => "Bienvenue dans la console d’administration des comptes ÉduConnect. ".to_owned(),
                }}
                "Voici les rubriques ouvertes à votre profil :"
            </p>
            <ul class="home-links">{links}</ul>
        </div>
    }
}

fn describe(t: Tab, troubleshooting: bool) -> &'static str {
    match t {
        Tab::Students if troubleshooting => "rechercher vos élèves, lire leur mot de passe provisoire, réinitialiser un mot de passe perdu",
        Tab::Home => "",
        Tab::Students => "rechercher les comptes des élèves, les notifier, lister, réinitialiser les mots de passe",
        Tab::ExternalStudents => "les élèves d’autres établissements qui suivent un enseignement partagé ici",
        Tab::Guardians => "les comptes des représentants légaux, notification par courrier ou par courriel",
        Tab::Statistics => "l’état d’activation des comptes par origine, classe et MEF",
        Tab::Settings => "les adresses de notification et l’import des données SIECLE / ONDE",
        Tab::Delegations => "déléguer l’administration ou le dépannage des comptes",
        Tab::Journal => "les actions effectuées sur les comptes de l’établissement",
        Tab::Directory => "l’annuaire ENT : recherche, groupes, mots de passe, création de comptes",
    }
}

/// « Aide sur cette rubrique »: the guide's section on the screen shown, in a new tab so the
/// screen (a search, a selection) stays as it is.
#[component]
fn TabHelp(tab: Tab, rights: Vec<String>) -> impl IntoView {
    let href = sesame_api::guide::section_url(tab.guide_section(&rights));
    view! {
        <p class="tab-help">
            <a class="tab-help__link" href=href target="_blank" rel="noopener">
                "Aide sur cette rubrique"
                <span class="visually-hidden">
                    " « " {tab.label()} " » (s’ouvre dans un nouvel onglet)"
                </span>
            </a>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rights(list: &[&str]) -> Vec<String> {
        list.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn only_the_troubleshooting_delegation_names_its_module() {
        let teacher = rights(&[
            "students:search",
            "students:reset-password",
            "students:list",
        ]);
        assert_eq!(module_name(&teacher), Some("Dépannage des comptes élèves"));
        let head = rights(&[
            "students:search",
            "students:reset-password",
            "students:notify",
        ]);
        assert_eq!(module_name(&head), None);
        assert_eq!(module_name(&rights(&["ent-directory:read"])), None);
    }
}
