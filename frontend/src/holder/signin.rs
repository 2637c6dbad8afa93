//! First step: the identifier (pre-filled from the letter's QR code) and the password — the
//! provisional one printed on the letter, or the one the holder chose.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::calls;
use super::{Step, StepSignal};

#[component]
pub fn SignIn(step: StepSignal, login: String) -> impl IntoView {
    let (notice, login) = step.with_untracked(|s| match s {
        Step::SignIn { notice, login: l } => (notice.clone(), l.clone().unwrap_or(login.clone())),
        _ => (None, login.clone()),
    });
    let prefilled = !login.is_empty();
    let identifier = RwSignal::new(login);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let id = identifier.get_untracked().trim().to_owned();
        let pw = password.get_untracked();
        if id.is_empty() || pw.is_empty() {
            error.set(Some(
                "Saisissez votre identifiant et votre mot de passe.".into(),
            ));
            return;
        }
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            let result = calls::login(&id, &pw).await;
            match result {
                Ok(r) if r.must_change_password => {
                    pending.set(false);
                    step.set(Step::ChoosePassword {
                        token: r.access_token,
                        identifier: id,
                        current: pw,
                    });
                }
                Ok(r) => {
                    let profile = calls::me(&r.access_token).await;
                    pending.set(false);
                    match profile {
                        Ok(profile) => step.set(Step::Account {
                            token: r.access_token,
                            profile,
                            notice: None,
                        }),
                        Err(e) => error.set(Some(e.message())),
                    }
                }
                Err(e) => {
                    pending.set(false);
                    error.set(Some(if e.status() == Some(401) {
                        "Identifiant ou mot de passe incorrect. Vérifiez votre courrier : le mot \
                         de passe provisoire comporte 8 caractères, lettres majuscules et chiffres."
                            .into()
                    } else {
                        e.message()
                    }));
                }
            }
        });
    };

    view! {
        <p class="lead">
            "Pour activer votre compte, saisissez l’identifiant et le mot de passe provisoire "
            "indiqués sur le courrier remis par l’établissement. Si votre compte est déjà activé, "
            "utilisez le mot de passe que vous avez choisi."
        </p>
        <p class="notice" class:notice--shown=notice.is_some() role="status">
            {notice.clone()}
        </p>
        <form
            class="form"
            novalidate
            on:submit=on_submit
            aria-busy=move || pending.get().to_string()
        >
            <div class="field">
                <label for="holder-identifier">"Identifiant"</label>
                <input
                    id="holder-identifier"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    aria-describedby="holder-identifier-hint"
                    bind:value=identifier
                />
                <p id="holder-identifier-hint" class="field__hint">
                    "De la forme prénom.nom suivi d’un nombre, par exemple celine.dupont114."
                </p>
            </div>
            <div class="field">
                <label for="holder-password">"Mot de passe"</label>
                <input
                    id="holder-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    autofocus=prefilled
                    bind:value=password
                />
            </div>
            <div class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                {move || error.get()}
            </div>
            <button
                type="submit"
                class="button"
                aria-disabled=move || pending.get().to_string()
            >
                "Se connecter"
            </button>
        </form>
        <div class="holder__more">
            <p>
                <button
                    type="button"
                    class="button button--link"
                    on:click=move |_| step.set(Step::Recovery { identifier: false })
                >
                    "Mot de passe oublié ?"
                </button>
            </p>
            <p>
                <button
                    type="button"
                    class="button button--link"
                    on:click=move |_| step.set(Step::Recovery { identifier: true })
                >
                    "Identifiant oublié ?"
                </button>
            </p>
            <p>
                "Vous êtes responsable d’un élève et n’avez pas encore de compte ? "
                <button
                    type="button"
                    class="button button--link"
                    on:click=move |_| step.set(Step::Register)
                >
                    "Créer mon compte"
                </button>
            </p>
        </div>
    }
}
