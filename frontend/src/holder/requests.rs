//! Asking for an e-mail: « Mot de passe oublié », « Identifiant oublié » (through a confirmed
//! address) and a guardian's « Créer mon compte ». The answer is the same whether or not an
//! account matched, so the page shows the server's one sentence either way.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::holders::{RecoveryRequest, RegistrationRequest};
use sesame_core::self_service::Forgotten;

use super::calls;
use super::{Step, StepSignal};
use crate::api::ApiError;

/// The fields of a request a server error names, with their French messages.
fn place_errors(
    e: &ApiError,
    fields: &[(&str, RwSignal<Option<String>>)],
    general: RwSignal<Option<String>>,
) {
    let mut placed = false;
    for (field, target) in fields {
        if let Some(m) = calls::field_message(e, field) {
            target.set(Some(m));
            placed = true;
        }
    }
    if !placed {
        general.set(Some(e.message()));
    }
}

#[component]
fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<String>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                required
                aria-describedby=described
                aria-invalid=move || error.with(Option::is_some).to_string()
                bind:value=value
            />
            {hint.map(|h| view! { <p id=hint_id.clone() class="field__hint">{h}</p> })}
            <p id=error_id class="field__error">{move || error.get()}</p>
        </div>
    }
}

/// « Mot de passe oublié » (`identifier == false`) or « Identifiant oublié ».
#[component]
pub fn RecoveryForm(step: StepSignal, identifier: bool) -> impl IntoView {
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
        let e = email.get_untracked().trim().to_owned();
        if e.is_empty() {
            email_error.set(Some("Saisissez votre adresse électronique.".into()));
            return;
        }
        let body = RecoveryRequest {
            email: e,
            forgotten: if identifier {
                Forgotten::Identifier
            } else {
                Forgotten::Password
            },
        };
        pending.set(true);
        spawn_local(async move {
            let result = calls::recovery(&body).await;
            pending.set(false);
            match result {
                Ok(r) => step.set(Step::Requested { message: r.message }),
                Err(e) => place_errors(&e, &[("email", email_error)], error),
            }
        });
    };
    view! {
        <p class="lead">
            {if identifier {
                "Saisissez l’adresse électronique que vous avez confirmée pour votre compte : \
                 votre identifiant vous y sera envoyé."
            } else {
                "Saisissez l’adresse électronique que vous avez confirmée pour votre compte : \
                 vous y recevrez un lien, valable 30 minutes, pour choisir un nouveau mot de passe."
            }}
        </p>
        <p class="field__hint">
            "Sans adresse confirmée, adressez-vous à l’établissement : il vous remettra un "
            "nouveau mot de passe provisoire."
        </p>
        <form class="form" novalidate on:submit=on_submit aria-busy=move || pending.get().to_string()>
            <TextField id="holder-recovery-email" label="Adresse électronique" value=email error=email_error kind="email" autocomplete="email" />
            <div class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                {move || error.get()}
            </div>
            <button type="submit" class="button" aria-disabled=move || pending.get().to_string()>
                {if identifier { "Recevoir mon identifiant" } else { "Recevoir un lien" }}
            </button>
        </form>
        <BackToSignIn step />
    }
}

/// A guardian known to the school asks for their account.
#[component]
pub fn RegisterForm(step: StepSignal) -> impl IntoView {
    let family = RwSignal::new(String::new());
    let first = RwSignal::new(String::new());
    let student_family = RwSignal::new(String::new());
    let student_first = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let errors: [RwSignal<Option<String>>; 6] = std::array::from_fn(|_| RwSignal::new(None));
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        error.set(None);
        let values = [family, first, student_family, student_first, birth, email]
            .map(|s| s.get_untracked().trim().to_owned());
        let mut missing = false;
        for (v, e) in values.iter().zip(errors) {
            e.set(v.is_empty().then(|| "Ce champ est obligatoire.".to_owned()));
            missing |= v.is_empty();
        }
        if missing {
            return;
        }
        let [family_name, first_name, student_family_name, student_first_name, student_birth_date, email] =
            values;
        let body = RegistrationRequest {
            family_name,
            first_name,
            student_family_name,
            student_first_name,
            student_birth_date,
            email,
        };
        pending.set(true);
        spawn_local(async move {
            let result = calls::registration(&body).await;
            pending.set(false);
            match result {
                Ok(r) => step.set(Step::Requested { message: r.message }),
                Err(e) => {
                    let fields = [
                        ("family_name", errors[0]),
                        ("first_name", errors[1]),
                        ("student_family_name", errors[2]),
                        ("student_first_name", errors[3]),
                        ("student_birth_date", errors[4]),
                        ("email", errors[5]),
                    ];
                    place_errors(&e, &fields, error)
                }
            }
        });
    };
    view! {
        <p class="lead">
            "Vous êtes responsable d’un élève et l’établissement a votre adresse électronique : "
            "créez votre compte sans attendre de courrier. Saisissez les informations telles que "
            "l’établissement les connaît ; un lien pour choisir votre mot de passe sera envoyé à "
            "cette adresse."
        </p>
        <form class="form" novalidate on:submit=on_submit aria-busy=move || pending.get().to_string()>
            <fieldset class="holder-fieldset">
                <legend>"Vous"</legend>
                <TextField id="holder-reg-family" label="Votre nom" value=family error=errors[0] autocomplete="family-name" />
                <TextField id="holder-reg-first" label="Votre prénom" value=first error=errors[1] autocomplete="given-name" />
                <TextField
                    id="holder-reg-email"
                    label="Votre adresse électronique"
                    value=email
                    error=errors[5]
                    kind="email"
                    autocomplete="email"
                    hint="Celle que vous avez donnée à l’établissement."
                />
            </fieldset>
            <fieldset class="holder-fieldset">
                <legend>"Un de vos enfants scolarisé dans l’établissement"</legend>
                <TextField id="holder-reg-student-family" label="Nom de l’élève" value=student_family error=errors[2] />
                <TextField id="holder-reg-student-first" label="Prénom de l’élève" value=student_first error=errors[3] />
                <TextField id="holder-reg-birth" label="Date de naissance de l’élève" value=birth error=errors[4] kind="date" />
            </fieldset>
            <div class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                {move || error.get()}
            </div>
            <button type="submit" class="button" aria-disabled=move || pending.get().to_string()>
                "Recevoir le lien de création"
            </button>
        </form>
        <BackToSignIn step />
    }
}

/// After a request: the server's one sentence.
#[component]
pub fn Requested(step: StepSignal) -> impl IntoView {
    let message = step.with_untracked(|s| match s {
        Step::Requested { message } => message.clone(),
        _ => String::new(),
    });
    view! {
        <p class="notice notice--shown" role="status">{message}</p>
        <BackToSignIn step />
    }
}

#[component]
pub fn BackToSignIn(step: StepSignal) -> impl IntoView {
    view! {
        <p class="holder__more">
            <button
                type="button"
                class="button button--link"
                on:click=move |_| step.set(Step::SignIn { notice: None, login: None })
            >
                "Retour à la connexion"
            </button>
        </p>
    }
}
