//! Choosing a password after signing in with a provisional one: the rules are shown and
//! ticked as the password is typed, and an e-mail address may be given (it is confirmed by a
//! link, then lets the holder recover a forgotten password by themselves). The account is
//! « Activé » as soon as the server takes the password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::holders::PasswordChangeRequest;
use sesame_api::password_rules::PasswordCheck;

use super::calls;
use super::rules::PasswordRules;
use super::{Step, StepSignal};

/// The new password and its confirmation, checked before anything is sent. `None`: fine.
pub fn new_password_problem(new: &str, confirmation: &str) -> Option<(&'static str, String)> {
    if !PasswordCheck::of(new).acceptable() {
        return Some((
            "new",
            "Le nouveau mot de passe ne respecte pas toutes les règles indiquées.".into(),
        ));
    }
    if new != confirmation {
        return Some((
            "confirmation",
            "La confirmation ne correspond pas au nouveau mot de passe.".into(),
        ));
    }
    None
}

/// A new password being chosen: what is typed in its two fields and what is wrong with each.
/// Activation, recovery and registration hold one and check it the same way.
#[derive(Clone, Copy)]
pub struct NewPassword {
    pub new: RwSignal<String>,
    pub confirmation: RwSignal<String>,
    pub new_error: RwSignal<Option<String>>,
    pub confirmation_error: RwSignal<Option<String>>,
}

impl NewPassword {
    pub fn new() -> NewPassword {
        NewPassword {
            new: RwSignal::new(String::new()),
            confirmation: RwSignal::new(String::new()),
            new_error: RwSignal::new(None),
            confirmation_error: RwSignal::new(None),
        }
    }

    /// The password, once both fields pass the rules; otherwise the field at fault says why
    /// (and the other's old message is cleared), and nothing is to be sent.
    pub fn checked(&self) -> Option<String> {
        self.new_error.set(None);
        self.confirmation_error.set(None);
        let (n, c) = (self.new.get_untracked(), self.confirmation.get_untracked());
        match new_password_problem(&n, &c) {
            None => Some(n),
            Some(("new", message)) => {
                self.new_error.set(Some(message));
                None
            }
            Some((_, message)) => {
                self.confirmation_error.set(Some(message));
                None
            }
        }
    }
}

/// The two password fields with their rules, shared by activation, recovery and registration.
#[component]
pub fn NewPasswordFields(password: NewPassword) -> impl IntoView {
    let NewPassword {
        new,
        confirmation,
        new_error,
        confirmation_error,
    } = password;
    view! {
        <div class="field">
            <label for="holder-new-password">"Nouveau mot de passe"</label>
            <input
                id="holder-new-password"
                name="new-password"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby="holder-rules holder-new-password-error"
                aria-invalid=move || new_error.with(Option::is_some).to_string()
                bind:value=new
            />
            <p id="holder-new-password-error" class="field__error">{move || new_error.get()}</p>
            <PasswordRules id="holder-rules" password=new />
        </div>
        <div class="field">
            <label for="holder-confirmation">"Confirmation du nouveau mot de passe"</label>
            <input
                id="holder-confirmation"
                name="confirmation"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby="holder-confirmation-error"
                aria-invalid=move || confirmation_error.with(Option::is_some).to_string()
                bind:value=confirmation
            />
            <p id="holder-confirmation-error" class="field__error">
                {move || confirmation_error.get()}
            </p>
        </div>
    }
}

#[component]
pub fn ChoosePassword(step: StepSignal) -> impl IntoView {
    let (token, identifier, current) = step.with_untracked(|s| match s {
        Step::ChoosePassword {
            token,
            identifier,
            current,
        } => (token.clone(), identifier.clone(), current.clone()),
        _ => Default::default(),
    });
    let password = NewPassword::new();
    let email = RwSignal::new(String::new());
    let email_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        email_error.set(None);
        error.set(None);
        let Some(n) = password.checked() else {
            return;
        };
        let e = email.get_untracked().trim().to_owned();
        let body = PasswordChangeRequest {
            current_password: current.clone(),
            new_password: n,
            email: (!e.is_empty()).then_some(e.clone()),
        };
        let token = token.clone();
        pending.set(true);
        spawn_local(async move {
            let result = calls::change_password(&token, &body).await;
            let outcome = match result {
                Ok(changed) => calls::me(&token).await.map(|p| (changed, p)),
                Err(e) => Err(e),
            };
            pending.set(false);
            match outcome {
                Ok((changed, profile)) => {
                    let mut notice = if changed.activated_now {
                        "Votre mot de passe est enregistré : votre compte est activé.".to_owned()
                    } else {
                        "Votre nouveau mot de passe est enregistré.".to_owned()
                    };
                    if changed.email_confirmation_sent {
                        notice.push_str(&format!(
                            " Un courriel vous a été envoyé à l’adresse {e} : ouvrez le lien \
                             qu’il contient pour confirmer votre adresse."
                        ));
                    }
                    step.set(Step::Account {
                        token,
                        profile,
                        notice: Some(notice),
                    });
                }
                Err(e) if e.status() == Some(409) || e.status() == Some(401) => {
                    step.set(Step::SignIn {
                        notice: Some(
                            "Votre mot de passe a été modifié entre-temps : reconnectez-vous."
                                .into(),
                        ),
                        login: None,
                    });
                }
                Err(e) => {
                    let mut placed = false;
                    for (field, target) in [
                        ("new_password", password.new_error),
                        ("email", email_error),
                        ("current_password", error),
                    ] {
                        if let Some(m) = calls::field_message(&e, field) {
                            target.set(Some(m));
                            placed = true;
                        }
                    }
                    if !placed {
                        error.set(Some(e.message()));
                    }
                }
            }
        });
    };

    view! {
        <p class="lead">
            "Bienvenue " <strong>{identifier}</strong> ". Choisissez votre mot de passe "
            "personnel : il remplace le mot de passe provisoire du courrier, qui ne fonctionnera "
            "plus ensuite."
        </p>
        <form
            class="form"
            novalidate
            on:submit=on_submit
            aria-busy=move || pending.get().to_string()
        >
            <NewPasswordFields password />
            <div class="field">
                <label for="holder-email">"Adresse électronique (facultative)"</label>
                <input
                    id="holder-email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    spellcheck="false"
                    aria-describedby="holder-email-hint holder-email-error"
                    aria-invalid=move || email_error.with(Option::is_some).to_string()
                    bind:value=email
                />
                <p id="holder-email-hint" class="field__hint">
                    "Une fois confirmée par le lien que nous vous enverrons, elle vous permettra "
                    "de retrouver seul votre identifiant ou un mot de passe oublié."
                </p>
                <p id="holder-email-error" class="field__error">{move || email_error.get()}</p>
            </div>
            <div class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                {move || error.get()}
            </div>
            <button type="submit" class="button" aria-disabled=move || pending.get().to_string()>
                "Activer mon compte"
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_password_is_checked_before_it_is_sent() {
        assert_eq!(new_password_problem("soleil", "soleil").unwrap().0, "new");
        assert_eq!(
            new_password_problem("Soleil-2026", "Soleil-2025")
                .unwrap()
                .0,
            "confirmation"
        );
        assert_eq!(new_password_problem("Soleil-2026", "Soleil-2026"), None);
    }
}
