//! The confirmation dialogs of the bulk actions (reset, notify, list) and their choices.

use leptos::prelude::*;

use wasm_bindgen::JsCast;

use sesame_core::{AccountKind, AccountState, Channel, DocumentFormat, Origin};

use super::population::Population;

/// The confirmation dialog open, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Dialog {
    Reset,
    Notify,
    List,
}

/// The element that has the focus, to give it back when a dialog closes.
pub(super) fn focused() -> Option<web_sys::HtmlElement> {
    document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}

/// What a notification dialog offers besides the letter: the e-mail channel and the reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotifyOffer {
    /// « Courriel »: guardians only (the API refuses it for students).
    pub email: bool,
    /// « Réinitialiser le mot de passe »: never for a FranceConnect guardian, who has no
    /// password here.
    pub reset: bool,
    /// The wording speaks of one account rather than a selection.
    pub single: bool,
}

impl NotifyOffer {
    /// The list's action on a selection.
    pub(crate) fn selection(population: Population) -> NotifyOffer {
        NotifyOffer {
            email: population == Population::Guardians,
            reset: true,
            single: false,
        }
    }

    /// One account (« Informations du compte »): e-mail only to a guardian who has an address;
    /// no reset where it changes nothing (a first notification gives a password anyway).
    pub(crate) fn account(
        kind: AccountKind,
        origin: Origin,
        has_email: bool,
        state: AccountState,
    ) -> NotifyOffer {
        let guardian = kind == AccountKind::Guardian;
        NotifyOffer {
            email: guardian && has_email,
            reset: !(guardian && origin == Origin::FranceConnect)
                && state != AccountState::NotNotified,
            single: true,
        }
    }
}

/// The notification dialog's choices, for a selection of the list.
pub(super) fn notify_choices(
    population: Population,
    channel: RwSignal<Channel>,
    notify_reset: RwSignal<bool>,
) -> impl IntoView {
    notify_fields(NotifyOffer::selection(population), channel, notify_reset)
}

/// The notification dialog's choices: the channel and the reset, as `offer` allows.
pub(crate) fn notify_fields(
    offer: NotifyOffer,
    channel: RwSignal<Channel>,
    notify_reset: RwSignal<bool>,
) -> impl IntoView {
    let radio = move |id: &'static str, value: Channel| {
        view! {
            <div class="check">
                <input
                    id=id
                    type="radio"
                    name="channel"
                    value=value.as_str()
                    prop:checked=move || channel.get() == value
                    on:change=move |_| channel.set(value)
                />
                <label for=id>{value.label()}</label>
            </div>
        }
    };
    view! {
        <fieldset class="modal__choices">
            <legend>"Type de notification"</legend>
            {radio("notify-letter", Channel::Letter)}
            {offer.email.then(|| radio("notify-email", Channel::Email))}
        </fieldset>
        <Show when=move || channel.get() == Channel::Email && !offer.single>
            <p class="field__hint">
                "Les responsables sans adresse électronique ne recevront rien : ils sont signalés après l’envoi."
            </p>
        </Show>
        {offer
            .reset
            .then(|| {
                view! {
                    <div class="check">
                        <input
                            id="notify-reset"
                            type="checkbox"
                            prop:checked=move || notify_reset.get()
                            on:change=move |ev| notify_reset.set(event_target_checked(&ev))
                        />
                        <label for="notify-reset">
                            "Réinitialiser le mot de passe (à utiliser avec précaution)"
                        </label>
                    </div>
                    // One account's dialog says above, for its state, what the reset takes away.
                    <Show when=move || notify_reset.get() && !offer.single>
                        <p class="modal__warning">
                            "Un nouveau mot de passe provisoire remplacera le mot de passe actuel, y compris celui choisi par les titulaires de comptes déjà activés. Pour les comptes FranceConnect ou auto-inscrits, cela peut être très perturbant."
                        </p>
                    </Show>
                }
            })}
    }
}

/// The reset confirmation's question.
pub(super) fn reset_question(n: u64) -> String {
    if n == 1 {
        "Êtes-vous sûr de vouloir réinitialiser le mot de passe de ce compte ? Un nouveau mot de passe provisoire lui sera attribué."
            .to_owned()
    } else {
        format!(
            "Êtes-vous sûr de vouloir réinitialiser le mot de passe de ces {n} comptes ? Un nouveau mot de passe provisoire leur sera attribué."
        )
    }
}

/// When and where the new provisional password(s) can be read (seed 002 §6–7): the reset takes
/// effect at once, and the banner is the one place that always shows the password — an
/// activated account's column shows asterisks.
/// `password_column`: the list shows passwords (the troubleshooting module, seed 002 §5).
pub(super) fn reset_when(n: u64, population: Population, password_column: bool) -> String {
    let whom = match population {
        Population::Guardians => "au responsable",
        _ => "à l’élève",
    };
    if n == 1 {
        let also = if password_column {
            "dans la colonne « Mot de passe » et sur la liste imprimée"
        } else {
            "sur la liste imprimée"
        };
        format!(
            "Le nouveau mot de passe est attribué dès que vous confirmez : il s’affiche aussitôt dans le bandeau au-dessus de la liste. Notez-le pour le communiquer {whom}. Tant que le compte n’est pas activé, il reste aussi visible {also} (« Lister les comptes »)."
        )
    } else {
        "Les nouveaux mots de passe sont attribués dès que vous confirmez : le bandeau au-dessus de la liste propose alors de les télécharger au format PDF (à imprimer et distribuer) ou CSV."
            .to_owned()
    }
}

/// « Lister les comptes »: PDF to print or CSV to export.
pub(super) fn list_choices(
    population: Population,
    format: RwSignal<DocumentFormat>,
) -> impl IntoView {
    let who = match population {
        Population::Guardians => "responsables",
        _ => "élèves",
    };
    let radio = move |id: &'static str, value: DocumentFormat, label: String| {
        view! {
            <div class="check">
                <input
                    id=id
                    type="radio"
                    name="list-format"
                    value=value.as_str()
                    prop:checked=move || format.get() == value
                    on:change=move |_| format.set(value)
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="modal__choices">
            <legend>"Format de la liste"</legend>
            {radio(
                "list-pdf",
                DocumentFormat::Pdf,
                format!("Imprimer la liste des {who} ({})", DocumentFormat::Pdf.label()),
            )}
            {radio(
                "list-csv",
                DocumentFormat::Csv,
                format!("Exporter la liste des {who} ({})", DocumentFormat::Csv.label()),
            )}
        </fieldset>
        <p class="field__hint">
            "Les comptes « Non notifié » n’ont pas encore de mot de passe provisoire ; ceux déjà activés ont leur mot de passe remplacé par des astérisques."
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_is_offered_what_the_api_would_do_for_it() {
        use AccountKind::{Guardian, Student};
        use AccountState::{Activated, NotNotified};
        let student = NotifyOffer::account(Student, Origin::Establishment, true, Activated);
        assert!(!student.email, "e-mail is for guardians only");
        assert!(student.reset);
        let guardian = NotifyOffer::account(Guardian, Origin::Guardian, true, Activated);
        assert!(guardian.email);
        assert!(!NotifyOffer::account(Guardian, Origin::Guardian, false, Activated).email);
        let fc = NotifyOffer::account(Guardian, Origin::FranceConnect, true, Activated);
        assert!(!fc.reset, "a FranceConnect guardian has no password here");
        assert!(!NotifyOffer::account(Student, Origin::Unknown, false, NotNotified).reset);
        assert!(NotifyOffer::selection(Population::Guardians).email);
        assert!(!NotifyOffer::selection(Population::Students).email);
    }

    #[test]
    fn the_reset_confirmation_says_when_the_password_is_given() {
        let one = reset_when(1, Population::Students, true);
        assert!(one.contains("dès que vous confirmez"));
        assert!(one.contains("bandeau"));
        assert!(one.contains("à l’élève"));
        assert!(one.contains("colonne « Mot de passe »"));
        assert!(!reset_when(1, Population::Students, false).contains("colonne"));
        assert!(reset_when(1, Population::Guardians, false).contains("au responsable"));
        let many = reset_when(3, Population::Students, false);
        assert!(many.contains("PDF"));
        assert!(reset_question(3).contains("ces 3 comptes"));
        assert!(reset_question(1).contains("de ce compte"));
    }
}
