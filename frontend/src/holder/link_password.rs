//! Following an e-mailed link: a confirmation is posted at once; a recovery or registration
//! link asks for the new password first. The token was taken out of the address bar when the
//! page opened (`mod.rs`), so a reload or a shared screen does not show it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::calls;
use super::link::Purpose;
use super::password::{NewPassword, NewPasswordFields};
use super::requests::BackToSignIn;
use super::{Step, StepSignal};

/// The link's confirmation of an e-mail address, posted as soon as the page opens.
#[component]
pub fn ConfirmEmail(step: StepSignal) -> impl IntoView {
    let token = step.with_untracked(|s| match s {
        Step::Link { token, .. } => token.clone(),
        _ => String::new(),
    });
    let outcome = RwSignal::new(None::<Result<String, String>>);
    spawn_local(async move {
        outcome.set(Some(match calls::confirm_email(&token).await {
            Ok(c) => Ok(format!(
                "Votre adresse électronique est confirmée pour le compte {}. Elle vous permettra \
                 de retrouver seul votre identifiant ou un mot de passe oublié.",
                c.identifier
            )),
            Err(e) => Err(calls::field_message(&e, "token").unwrap_or_else(|| e.message())),
        }));
    });
    view! {
        {move || match outcome.get() {
            None => view! { <p class="status" role="status">"Confirmation en cours…"</p> }.into_any(),
            Some(Ok(m)) => view! { <p class="notice notice--shown" role="status">{m}</p> }.into_any(),
            Some(Err(m)) => view! { <p class="alert alert--shown" role="alert">{m}</p> }.into_any(),
        }}
        <BackToSignIn step />
    }
}

/// The new password of a recovery or a registration.
#[component]
pub fn LinkPassword(step: StepSignal) -> impl IntoView {
    let (purpose, token) = step.with_untracked(|s| match s {
        Step::Link { purpose, token } => (*purpose, token.clone()),
        _ => (Purpose::ResetPassword, String::new()),
    });
    let registration = purpose == Purpose::Register;
    let password = NewPassword::new();
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        error.set(None);
        let Some(n) = password.checked() else {
            return;
        };
        let token = token.clone();
        pending.set(true);
        spawn_local(async move {
            let result = calls::link_password(registration, &token, &n).await;
            pending.set(false);
            match result {
                Ok(done) => step.set(Step::SignIn {
                    notice: Some(format!(
                        "{} Votre identifiant est {} : connectez-vous avec votre nouveau mot de passe.",
                        if registration {
                            "Votre compte est créé et activé."
                        } else {
                            "Votre nouveau mot de passe est enregistré."
                        },
                        done.identifier
                    )),
                    login: Some(done.identifier),
                }),
                Err(e) => {
                    if let Some(m) = calls::field_message(&e, "new_password") {
                        password.new_error.set(Some(m));
                    } else {
                        error.set(Some(
                            calls::field_message(&e, "token").unwrap_or_else(|| e.message()),
                        ));
                    }
                }
            }
        });
    };
    view! {
        <p class="lead">
            {if registration {
                "Choisissez le mot de passe de votre compte de responsable : il sera activé aussitôt."
            } else {
                "Choisissez votre nouveau mot de passe : l’ancien ne fonctionnera plus."
            }}
        </p>
        <form class="form" novalidate on:submit=on_submit aria-busy=move || pending.get().to_string()>
            <NewPasswordFields password />
            <div class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                {move || error.get()}
            </div>
            <button type="submit" class="button" aria-disabled=move || pending.get().to_string()>
                {if registration { "Créer mon compte" } else { "Enregistrer mon mot de passe" }}
            </button>
        </form>
        <BackToSignIn step />
    }
}
