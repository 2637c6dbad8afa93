//! The signed-in holder's account: identifier, state, and for a guardian the pupils they are
//! linked to, each with « Signaler un rattachement erroné » (confirmed first: the school is
//! told, and it cannot be taken back from here).

use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::holders::HolderLink;

use super::calls;
use super::email::EmailSection;
use super::{Step, StepSignal};

#[component]
pub fn AccountView(step: StepSignal) -> impl IntoView {
    let Some((token, profile, notice)) = step.with_untracked(|s| match s {
        Step::Account {
            token,
            profile,
            notice,
        } => Some((token.clone(), profile.clone(), notice.clone())),
        _ => None,
    }) else {
        return ().into_any();
    };
    let state = profile.state;
    let guardian = profile.kind == sesame_core::AccountKind::Guardian;
    let links = profile.students.clone();
    let sign_out = move |_| {
        step.set(Step::SignIn {
            notice: Some("Vous êtes déconnecté.".into()),
            login: None,
        })
    };
    view! {
        <p class="notice" class:notice--shown=notice.is_some() role="status">
            {notice.clone()}
        </p>
        <dl class="holder-account">
            <div>
                <dt>"Identifiant"</dt>
                <dd class="holder-account__identifier">{profile.identifier.clone()}</dd>
            </div>
            <div>
                <dt>"État du compte"</dt>
                <dd>
                    <span class=format!("dot dot--{state}") aria-hidden="true"></span>
                    {state.label()}
                </dd>
            </div>
            <div>
                <dt>"Profil"</dt>
                <dd>{if guardian { "Responsable" } else { "Élève" }}</dd>
            </div>
        </dl>
        {guardian
            .then(|| {
                view! {
                    <h3 class="holder__subtitle">"Élèves rattachés à votre compte"</h3>
                    <p class="field__hint">
                        "Si un de ces élèves n’est pas votre enfant, signalez-le : l’établissement "
                        "vérifiera le rattachement."
                    </p>
                    <ul class="holder-links">
                        {links
                            .into_iter()
                            .map(|l| view! { <LinkItem link=l token=token.clone() /> })
                            .collect_view()}
                    </ul>
                }
            })}
        <EmailSection token=token.clone() email=profile.email.clone() validated=profile.email_validated />
        <button type="button" class="button button--secondary holder__signout" on:click=sign_out>
            "Se déconnecter"
        </button>
    }
    .into_any()
}

#[component]
fn LinkItem(link: HolderLink, token: String) -> impl IntoView {
    let reported = RwSignal::new(link.reported_wrong);
    let confirming = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let name = format!("{} {}", link.first_name, link.family_name.to_uppercase());
    let class = link.class.clone().unwrap_or_default();
    let student_id = link.student_id.clone();
    // A `Callback` is `Copy`: the nested `Show`s rebuild their buttons as often as they like.
    let confirm = Callback::new(move |()| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let (token, id) = (token.clone(), student_id.clone());
        spawn_local(async move {
            let result = calls::report_link(&token, &id).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    confirming.set(false);
                    reported.set(true);
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    });
    let label = format!("Signaler un rattachement erroné avec {name}");
    let confirm_text = StoredValue::new(format!(
        "Signaler que {name} n’est pas votre enfant ? L’établissement en sera informé et \
         vérifiera le rattachement."
    ));
    // The confirmation replaces the button that had the focus: the focus moves onto it.
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = confirm_button.get() {
            let _ = b.focus();
        }
    });
    view! {
        <li class="holder-links__item">
            <p class="holder-links__name">
                <strong>{name.clone()}</strong>
                {(!class.is_empty()).then(|| format!(" — classe {class}"))}
            </p>
            <Show
                when=move || !reported.get()
                fallback=|| {
                    view! {
                        <p class="holder-links__reported" role="status">
                            "Rattachement signalé erroné : l’établissement en est informé."
                        </p>
                    }
                }
            >
                <Show
                    when=move || confirming.get()
                    fallback={
                        let label = label.clone();
                        move || {
                            view! {
                                <button
                                    type="button"
                                    class="button button--secondary button--small"
                                    aria-label=label.clone()
                                    on:click=move |_| confirming.set(true)
                                >
                                    "Signaler un rattachement erroné"
                                </button>
                            }
                        }
                    }
                >
                    <div class="holder-links__confirm" role="group" aria-label="Confirmer le signalement">
                        <p>{confirm_text.get_value()}</p>
                        <button
                            node_ref=confirm_button
                            type="button"
                            class="button button--small"
                            aria-disabled=move || pending.get().to_string()
                            on:click=move |_| confirm.run(())
                        >
                            "Confirmer le signalement"
                        </button>
                        <button
                            type="button"
                            class="button button--secondary button--small"
                            on:click=move |_| confirming.set(false)
                        >
                            "Annuler"
                        </button>
                    </div>
                </Show>
            </Show>
            <p class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                {move || error.get()}
            </p>
        </li>
    }
}
