//! What a bulk action did, in words: the outcome of a reset or a notification.

use leptos::prelude::*;

use sesame_api::accounts::{NotifyResponse, ResetResponse};

use super::population::Population;

/// What the last action did, for the banner.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    ResetOne {
        identifier: String,
        password: String,
    },
    ResetMany {
        done: usize,
        pdf: Option<String>,
        csv: Option<String>,
        skipped: Vec<String>,
    },
    Notified {
        done: usize,
        emailed: usize,
        pdf: Option<String>,
        skipped: Vec<String>,
    },
    Listed {
        filename: String,
    },
}

pub(super) fn skipped_lines<'a>(
    items: impl Iterator<Item = (&'a str, Option<&'a String>, Option<&'a String>)>,
) -> Vec<String> {
    items
        .filter_map(|(identifier, reason, message)| {
            reason.map(|r| format!("{identifier} : {}", message.cloned().unwrap_or(r.clone())))
        })
        .collect()
}

pub(super) fn reset_outcome(r: ResetResponse) -> Outcome {
    if let [one] = r.results.as_slice() {
        if let Some(password) = &one.provisional_password {
            return Outcome::ResetOne {
                identifier: one.identifier.clone(),
                password: password.clone(),
            };
        }
    }
    Outcome::ResetMany {
        done: r
            .results
            .iter()
            .filter(|x| x.provisional_password.is_some())
            .count(),
        skipped: skipped_lines(r.results.iter().map(|x| {
            (
                x.identifier.as_str(),
                x.skipped_reason.as_ref(),
                x.skipped_message.as_ref(),
            )
        })),
        pdf: r.document_id,
        csv: r.csv_document_id,
    }
}

pub(crate) fn notify_outcome(r: NotifyResponse) -> Outcome {
    Outcome::Notified {
        done: r
            .results
            .iter()
            .filter(|x| x.skipped_reason.is_none())
            .count(),
        emailed: r.results.iter().filter(|x| x.emailed).count(),
        skipped: skipped_lines(r.results.iter().map(|x| {
            (
                x.identifier.as_str(),
                x.skipped_reason.as_ref(),
                x.skipped_message.as_ref(),
            )
        })),
        pdf: r.document_id,
    }
}

/// What the holder must do with a provisional password they are given (seed 002 §7): it only
/// opens the account, which then asks for a password of their own.
pub(crate) fn first_sign_in_reminder(population: Population) -> &'static str {
    match population {
        Population::Guardians => {
            "Le responsable devra obligatoirement le remplacer par un mot de passe de son choix à sa première connexion."
        }
        _ => {
            "L’élève devra obligatoirement le remplacer par un mot de passe de son choix à sa première connexion."
        }
    }
}

/// The banner's content after an action, with its download buttons.
pub(crate) fn outcome_view(
    o: Outcome,
    population: Population,
    download: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let button = move |label: &'static str, id: Option<String>| {
        id.map(|id| {
            view! {
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| download(id.clone())
                >
                    {label}
                </button>
            }
        })
    };
    let skipped_list = |skipped: Vec<String>| {
        (!skipped.is_empty()).then(|| {
            view! {
                <p class="banner__line">"Non traités :"</p>
                <ul class="banner__skipped">
                    {skipped.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                </ul>
            }
        })
    };
    match o {
        Outcome::ResetOne {
            identifier,
            password,
        } => view! {
            <p class="banner__line">
                {format!("Le mot de passe {} ", population.of_whom())}
                <strong>{identifier}</strong>
                " a bien été réinitialisé. Le nouveau mot de passe est "
                <strong class="password">{password}</strong>
                ". Notez-le pour le lui communiquer."
            </p>
            <p class="banner__line banner__reminder">{first_sign_in_reminder(population)}</p>
        }
        .into_any(),
        Outcome::ResetMany {
            done,
            pdf,
            csv,
            skipped,
        } => view! {
            <p class="banner__line">
                {if done > 0 {
                    format!(
                        "Le mot de passe a bien été réinitialisé pour les {} sélectionné(s).",
                        population.noun()
                    )
                } else {
                    "Aucun mot de passe n’a été réinitialisé.".to_owned()
                }}
            </p>
            {(done > 0)
                .then(|| {
                    view! {
                        <p class="banner__line banner__reminder">
                            "Chaque titulaire devra remplacer son nouveau mot de passe provisoire par un mot de passe de son choix à sa première connexion."
                        </p>
                    }
                })}
            {skipped_list(skipped)}
            <div class="banner__actions">
                {button("Télécharger les identifiants au format PDF", pdf)}
                {button("Télécharger les identifiants au format CSV", csv)}
            </div>
        }
        .into_any(),
        Outcome::Notified {
            done,
            emailed,
            pdf,
            skipped,
        } => view! {
            <p class="banner__line">
                {format!(
                    "La notification a bien été effectuée pour {}.",
                    population.count(done as u64)
                )}
                {(emailed > 0).then(|| format!(" {emailed} courriel(s) envoyé(s)."))}
            </p>
            {skipped_list(skipped)}
            <div class="banner__actions">
                {button("Télécharger le courrier au format PDF", pdf)}
            </div>
        }
        .into_any(),
        Outcome::Listed { filename } => view! {
            <p class="banner__line">
                "La liste des comptes a été téléchargée : "
                <strong>{filename}</strong>
                "."
            </p>
        }
        .into_any(),
    }
}
