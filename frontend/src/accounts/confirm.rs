//! The confirmation dialog of a bulk action: what it is about, the warnings for activated
//! accounts or a whole search, the action's choices, « Confirmer » and « Annuler ».

use leptos::prelude::*;

use super::bulk::Bulk;
use super::dialogs::{list_choices, notify_choices, reset_question, reset_when, Dialog};
use super::population::Population;

/// The confirmation dialog of the bulk action asked for, over the screen.
#[component]
pub(super) fn BulkDialog(
    bulk: Bulk,
    population: Population,
    /// The troubleshooting module (the reset's wording differs).
    troubleshooting: bool,
) -> impl IntoView {
    let Bulk {
        dialog,
        target,
        selection,
        channel,
        notify_reset,
        list_format,
        dialog_node,
        ..
    } = bulk;
    move || {
        dialog
            .get()
            .map(|d| {
                let n = if target.with(Option::is_some) { 1 } else { selection.count() };
                let activated = if target.with(Option::is_some) {
                    Some(0)
                } else {
                    selection.activated()
                };
                let (title, question) = match d {
                    Dialog::Reset => ("Réinitialiser les mots de passe", reset_question(n)),
                    Dialog::Notify => (
                        "(Re)notifier les comptes",
                        format!(
                            "{} : choisissez le type de notification.",
                            population.selection(n)
                        ),
                    ),
                    Dialog::List => (
                        "Lister les comptes",
                        format!(
                            "{} : choisissez le format de la liste.",
                            population.selection(n)
                        ),
                    ),
                };
                let who = match population {
                    Population::Guardians => "responsables",
                    _ => "élèves",
                };
                let warning = match (d, activated) {
                    (Dialog::Reset, Some(a)) if a > 0 => Some(format!(
                        "Attention : {a} compte(s) sélectionné(s) déjà activé(s). Cette fonctionnalité est à utiliser avec précaution et pour un nombre de {who} réduit : les {who} peuvent réinitialiser eux-mêmes leur mot de passe s’ils ont renseigné et validé une adresse mail."
                    )),
                    (Dialog::Notify, Some(a)) if a > 0 => Some(format!(
                        "Attention : {a} compte(s) sélectionné(s) déjà activé(s). La (re)notification leur est déconseillée, sauf pour leur rappeler leur identifiant ou réinitialiser leur mot de passe (à utiliser avec précaution)."
                    )),
                    (Dialog::Notify, None) => Some(format!(
                        "Tous les comptes de la recherche seront (re)notifiés. Il est préconisé de (re)notifier uniquement les {who} dont l’état du compte est « Non notifié » et « Notifié et non activé »."
                    )),
                    (Dialog::Reset, None) => Some(
                        "Tous les comptes de la recherche auront un nouveau mot de passe provisoire. Cette fonctionnalité est à utiliser avec précaution pour les comptes déjà activés."
                            .to_owned(),
                    ),
                    _ => None,
                };
                view! {
                    <div class="modal">
                        <div
                            class="modal__dialog"
                            role="dialog"
                            aria-modal="true"
                            aria-labelledby="dialog-title"
                            aria-describedby=if d == Dialog::Reset { "dialog-desc dialog-when" } else { "dialog-desc" }
                            tabindex="-1"
                            node_ref=dialog_node
                            on:keydown=move |ev| bulk.on_dialog_key(ev)
                        >
                            <h2 id="dialog-title" class="modal__title">{title}</h2>
                            <p id="dialog-desc">{question}</p>
                            {(d == Dialog::Reset)
                                .then(|| view! { <p id="dialog-when">{reset_when(n, population, troubleshooting)}</p> })}
                            {warning.map(|w| view! { <p class="modal__warning">{w}</p> })}
                            {(d == Dialog::Notify).then(|| notify_choices(population, channel, notify_reset))}
                            {(d == Dialog::List).then(|| list_choices(population, list_format))}
                            <div class="modal__actions">
                                <button type="button" class="button" on:click=move |_| bulk.confirm()>
                                    "Confirmer"
                                </button>
                                <button
                                    type="button"
                                    class="button button--secondary"
                                    on:click=move |_| bulk.close()
                                >
                                    "Annuler"
                                </button>
                            </div>
                        </div>
                    </div>
                }
            })
    }
}
