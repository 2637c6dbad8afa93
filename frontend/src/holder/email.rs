//! « Adresse électronique » on « Mon compte »: the address on file and whether it is
//! confirmed, and a form to give or change it (a confirmation link is sent to it). Without a
//! confirmed address a forgotten password means asking the school.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::calls;

/// The sentence saying where the address stands.
pub fn email_status(email: Option<&str>, validated: bool) -> String {
    match (email, validated) {
        (None, _) => "Aucune adresse enregistrée : en cas d’oubli de votre mot de passe, il \
                      faudra vous adresser à l’établissement."
            .into(),
        (Some(e), true) => format!("{e} — confirmée."),
        (Some(e), false) => {
            format!("{e} — en attente de confirmation : ouvrez le lien reçu à cette adresse.")
        }
    }
}

#[component]
pub fn EmailSection(token: String, email: Option<String>, validated: bool) -> impl IntoView {
    let status = RwSignal::new(email_status(email.as_deref(), validated));
    let value = RwSignal::new(email.unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        error.set(None);
        notice.set(None);
        let e = value.get_untracked().trim().to_owned();
        if e.is_empty() {
            error.set(Some("Saisissez une adresse électronique.".into()));
            return;
        }
        let token = token.clone();
        pending.set(true);
        spawn_local(async move {
            let result = calls::change_email(&token, &e).await;
            pending.set(false);
            match result {
                Ok(changed) => {
                    status.set(email_status(
                        Some(&changed.email),
                        !changed.email_confirmation_sent,
                    ));
                    notice.set(Some(if changed.email_confirmation_sent {
                        format!(
                            "Un courriel a été envoyé à {} : ouvrez le lien qu’il contient \
                             (valable 30 minutes) pour confirmer l’adresse.",
                            changed.email
                        )
                    } else {
                        "Adresse enregistrée.".into()
                    }));
                }
                Err(err) => error.set(Some(
                    calls::field_message(&err, "email").unwrap_or_else(|| err.message()),
                )),
            }
        });
    };
    view! {
        <h3 class="holder__subtitle">"Adresse électronique"</h3>
        <p class="holder-email__status">{move || status.get()}</p>
        <form class="form" novalidate on:submit=on_submit aria-busy=move || pending.get().to_string()>
            <div class="field">
                <label for="holder-account-email">"Nouvelle adresse électronique"</label>
                <input
                    id="holder-account-email"
                    type="email"
                    autocomplete="email"
                    spellcheck="false"
                    aria-describedby="holder-account-email-error"
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    bind:value=value
                />
                <p id="holder-account-email-error" class="field__error">{move || error.get()}</p>
            </div>
            <p class="notice" class:notice--shown=move || notice.with(Option::is_some) role="status">
                {move || notice.get()}
            </p>
            <button type="submit" class="button button--secondary" aria-disabled=move || pending.get().to_string()>
                "Enregistrer l’adresse"
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::email_status;

    #[test]
    fn the_status_says_what_the_address_allows() {
        assert!(email_status(None, false).contains("établissement"));
        assert_eq!(email_status(Some("a@b.fr"), true), "a@b.fr — confirmée.");
        assert!(email_status(Some("a@b.fr"), false).contains("en attente de confirmation"));
    }
}
