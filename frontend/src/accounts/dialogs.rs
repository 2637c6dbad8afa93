//! The confirmation dialogs of the bulk actions (reset, notify, list) and their choices.

use leptos::prelude::*;

use wasm_bindgen::JsCast;

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

/// The notification dialog's choices: the channel (email for guardians only) and the reset.
pub(super) fn notify_choices(
    population: Population,
    channel: RwSignal<String>,
    notify_reset: RwSignal<bool>,
) -> impl IntoView {
    let radio = move |id: &'static str, value: &'static str, label: &'static str| {
        view! {
            <div class="check">
                <input
                    id=id
                    type="radio"
                    name="channel"
                    value=value
                    prop:checked=move || channel.with(|c| c == value)
                    on:change=move |_| channel.set(value.to_owned())
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="modal__choices">
            <legend>"Type de notification"</legend>
            {radio("notify-letter", "letter", "Courrier")}
            {(population == Population::Guardians)
                .then(|| radio("notify-email", "email", "Courriel"))}
        </fieldset>
        <Show when=move || channel.with(|c| c == "email")>
            <p class="field__hint">
                "Les responsables sans adresse électronique ne recevront rien : ils sont signalés après l’envoi."
            </p>
        </Show>
        <div class="check">
            <input
                id="notify-reset"
                type="checkbox"
                prop:checked=move || notify_reset.get()
                on:change=move |ev| notify_reset.set(event_target_checked(&ev))
            />
            <label for="notify-reset">"Réinitialiser le mot de passe (à utiliser avec précaution)"</label>
        </div>
        <Show when=move || notify_reset.get()>
            <p class="modal__warning">
                "Un nouveau mot de passe provisoire remplacera le mot de passe actuel, y compris celui choisi par les titulaires de comptes déjà activés. Pour les comptes FranceConnect ou auto-inscrits, cela peut être très perturbant."
            </p>
        </Show>
    }
}

/// « Lister les comptes »: PDF to print or CSV to export.
pub(super) fn list_choices(population: Population, format: RwSignal<String>) -> impl IntoView {
    let who = match population {
        Population::Guardians => "responsables",
        _ => "élèves",
    };
    let radio = move |id: &'static str, value: &'static str, label: String| {
        view! {
            <div class="check">
                <input
                    id=id
                    type="radio"
                    name="list-format"
                    value=value
                    prop:checked=move || format.with(|f| f == value)
                    on:change=move |_| format.set(value.to_owned())
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="modal__choices">
            <legend>"Format de la liste"</legend>
            {radio("list-pdf", "pdf", format!("Imprimer la liste des {who} (format pdf)"))}
            {radio("list-csv", "csv", format!("Exporter la liste des {who} (format csv)"))}
        </fieldset>
        <p class="field__hint">
            "Les comptes « Non notifié » n’ont pas encore de mot de passe provisoire ; ceux déjà activés ont leur mot de passe remplacé par des astérisques."
        </p>
    }
}
