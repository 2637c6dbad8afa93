//! « Paramétrage » (seed 001 §7): the internet address added to students' and guardians'
//! letters and e-mails — entered, verified (it must answer), then activated; an active address
//! is deactivated before it is edited. Below it, « Import des données » (`import.rs`) for the
//! callers allowed to import.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::settings::{NotificationUrl, NotificationUrlChange, NotificationUrls};
use sesame_core::Population;

use crate::admin_ui::local_datetime_at;
use crate::api::{self, ApiError};
use crate::app::{expire, Console, RouteSignal};
use crate::import::ImportSection;
use crate::token::{authed, fetch_establishments};

/// What the state line says about an address.
pub fn state_text(s: &NotificationUrl, verified_at: Option<String>) -> String {
    match (&s.url, s.verified, s.active) {
        (None, _, _) => "Aucune adresse saisie.".into(),
        (Some(_), _, true) => {
            "Adresse vérifiée et active : elle apparaît dans les courriers et les courriels.".into()
        }
        (Some(_), true, false) => match verified_at {
            Some(at) => format!("Adresse vérifiée le {at}, pas encore active."),
            None => "Adresse vérifiée, pas encore active.".into(),
        },
        (Some(_), false, false) => "Adresse non vérifiée.".into(),
    }
}

/// The field's message from a problem document, if it names `field`.
pub fn field_message(e: &ApiError, field: &str) -> Option<String> {
    match e {
        ApiError::Status {
            problem: Some(p), ..
        } => p
            .errors
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.clone()),
        _ => None,
    }
}

/// `POST` without a body, reading the setting it answers.
async fn post_state(url: &str, token: &str) -> Result<NotificationUrl, ApiError> {
    api::json(api::send(api::bearer(api::post(url), token).build()).await?).await
}

#[component]
pub fn SettingsTab(uai: String, route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let _ = route;
    let urls = RwSignal::new(None::<Result<NotificationUrls, String>>);
    let may_import = RwSignal::new(false);
    {
        let uai = uai.clone();
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = api::url::notification_urls(&uai);
                async move { api::get::<NotificationUrls>(&url, &token).await }
            })
            .await;
            if urls.is_disposed() {
                return;
            }
            match got {
                Ok(u) => urls.set(Some(Ok(u))),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => urls.set(Some(Err(e.message()))),
            }
        });
    }
    {
        let uai = uai.clone();
        spawn_local(async move {
            if let Ok(list) = fetch_establishments(session).await {
                let allowed = list
                    .iter()
                    .find(|e| e.uai == uai)
                    .is_some_and(|e| e.rights.iter().any(|r| r == "imports:run"));
                if !may_import.is_disposed() {
                    may_import.set(allowed);
                }
            }
        });
    }
    let uai_stored = StoredValue::new(uai);

    view! {
        <div class="panel settings">
            <h3>"Paramètres"</h3>
            <h4>"Courriers et emails de communication"</h4>
            <p>
                "Vous pouvez paramétrer les adresses internet qui apparaissent pour les responsables et les élèves dans les courriers individuels imprimés et dans les mails envoyés aux responsables. "
                "Pour les responsables cette adresse sera ajoutée à l’adresse du portail de l’Éducation nationale. "
                "Renseignez, vérifiez puis activez l’adresse pour qu’elle apparaisse en plus de l’adresse par défaut. "
                "Si vous voulez modifier l’adresse, désactivez-la pour l’éditer."
            </p>
            <ol class="settings__steps">
                <li>"Saisissez l’adresse souhaitée qui sera ajoutée dans la notification."</li>
                <li>"Vérifiez l’adresse en cliquant sur le bouton « Vérifier »."</li>
                <li>"Une fois l’adresse vérifiée, activez-la."</li>
            </ol>
            {move || match urls.get() {
                None => view! { <p class="status" role="status">"Chargement…"</p> }.into_any(),
                Some(Err(m)) => view! { <p class="alert alert--shown" role="alert">{m}</p> }.into_any(),
                Some(Ok(u)) => {
                    let uai = uai_stored.get_value();
                    let portal = u.national_portal_url.clone();
                    view! {
                        <UrlSetting
                            uai=uai.clone()
                            population=Population::Students
                            initial=u.students
                            hint=None
                        />
                        <UrlSetting
                            uai
                            population=Population::Guardians
                            initial=u.guardians
                            hint=Some(format!(
                                "Ajoutée à l’adresse du portail de l’Éducation nationale ({portal}), qui figure toujours dans les notifications des responsables."
                            ))
                        />
                    }
                        .into_any()
                }
            }}
        </div>
        <Show when=move || may_import.get()>
            <ImportSection uai=uai_stored.get_value() />
        </Show>
    }
}

#[component]
fn UrlSetting(
    uai: String,
    population: Population,
    initial: NotificationUrl,
    hint: Option<String>,
) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let state = RwSignal::new(initial.clone());
    let input = RwSignal::new(initial.url.clone().unwrap_or_default());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let field_error = RwSignal::new(None::<String>);
    let status_node = NodeRef::<leptos::html::P>::new();
    let uai = StoredValue::new(uai);
    let id = format!("url-{population}");
    let hint_id = format!("url-{population}-hint");
    let state_id = format!("url-{population}-state");
    let err_id = format!("url-{population}-error");
    let title = population.label();
    let noun = if population == Population::Guardians {
        "des responsables"
    } else {
        "des élèves"
    };

    let finish = move |got: Result<(NotificationUrl, String), ApiError>| {
        if busy.is_disposed() {
            return;
        }
        busy.set(false);
        match got {
            Ok((s, m)) => {
                state.set(s);
                message.set(Some(m));
            }
            Err(e) if e.status() == Some(401) => expire(session, notice),
            Err(e) => {
                let field = field_message(&e, "url");
                // The reason is under the field (and read with it); the alert names the problem.
                let summary = match (&field, &e) {
                    (
                        Some(_),
                        ApiError::Status {
                            problem: Some(p), ..
                        },
                    ) if !p.title.is_empty() => format!(
                        "{} : voir le motif sous le champ de l’adresse.",
                        p.title.trim_end_matches('.')
                    ),
                    _ => e.message(),
                };
                field_error.set(field);
                error.set(Some(summary));
            }
        }
    };
    let start = move || -> bool {
        if busy.get_untracked() {
            return false;
        }
        busy.set(true);
        message.set(None);
        error.set(None);
        field_error.set(None);
        true
    };

    // « Vérifier »: saves the address if it was edited, then asks the server to reach it.
    let verify = move |ev: SubmitEvent| {
        ev.prevent_default();
        if state.with_untracked(|s| s.active) || !start() {
            return;
        }
        let typed = input.get_untracked().trim().to_owned();
        let saved = state.with_untracked(|s| s.url.clone().unwrap_or_default());
        let url = api::url::notification_url(&uai.get_value(), population.as_str());
        let verify_url =
            api::url::notification_url_action(&uai.get_value(), population.as_str(), "verify");
        spawn_local(async move {
            if typed != saved {
                if typed.is_empty() {
                    busy.set(false);
                    field_error.set(Some(
                        "Saisissez une adresse commençant par https://.".into(),
                    ));
                    error.set(Some("Saisissez l’adresse avant de la vérifier.".into()));
                    return;
                }
                let body = NotificationUrlChange { url: typed };
                let put = authed(session, |token| {
                    let (url, body) = (url.clone(), body.clone());
                    async move { api::put_json::<_, NotificationUrl>(&url, &body, &token).await }
                })
                .await;
                match put {
                    Ok(s) => {
                        if !state.is_disposed() {
                            state.set(s);
                        }
                    }
                    Err(e) => {
                        finish(Err(e));
                        return;
                    }
                }
            }
            let got = authed(session, |token| {
                let url = verify_url.clone();
                async move { post_state(&url, &token).await }
            })
            .await;
            finish(got.map(|s| {
                (
                    s,
                    "L’adresse a bien été vérifiée : elle répond. Vous pouvez maintenant l’activer."
                        .to_owned(),
                )
            }));
        });
    };
    let toggle = move |activate: bool| {
        if !start() {
            return;
        }
        let url = api::url::notification_url_action(
            &uai.get_value(),
            population.as_str(),
            if activate { "activate" } else { "deactivate" },
        );
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { post_state(&url, &token).await }
            })
            .await;
            finish(got.map(|s| {
                let m = if activate {
                    format!("L’adresse est activée : elle apparaît désormais dans les notifications {noun}.")
                } else {
                    "L’adresse est désactivée : vous pouvez la modifier.".to_owned()
                };
                (s, m)
            }));
        });
    };
    let active = move || state.with(|s| s.active);
    let can_activate = move || state.with(|s| s.verified && !s.active && s.url.is_some());
    let dirty = move || {
        let typed = input.with(|i| i.trim().to_owned());
        state.with(|s| s.url.clone().unwrap_or_default()) != typed
    };
    let verified_label = move || state.with(|s| s.verified && !s.active) && !dirty();
    let described = {
        let (hint_id, state_id, err_id) = (hint_id.clone(), state_id.clone(), err_id.clone());
        move || format!("{hint_id} {state_id} {err_id}")
    };

    view! {
        <section class="settings__population" aria-labelledby=format!("{id}-title")>
            <h5 id=format!("{id}-title") class="settings__title">{title}</h5>
            <form class="settings__form" on:submit=verify novalidate>
                <div class="field">
                    <label for=id.clone()>{format!("Adresse internet {noun}")}</label>
                    <input
                        id=id.clone()
                        type="url"
                        inputmode="url"
                        autocomplete="url"
                        spellcheck="false"
                        placeholder="https://"
                        prop:readOnly=active
                        aria-describedby=described
                        aria-invalid=move || field_error.with(Option::is_some).to_string()
                        bind:value=input
                    />
                </div>
                <p id=hint_id class="field__hint">
                    {move || {
                        if active() {
                            "Désactivez l’adresse pour la modifier.".to_owned()
                        } else {
                            "Une adresse https complète, par exemple https://ent.example.org/eleves.".to_owned()
                        }
                    }}
                    {hint.map(|h| view! { " " {h} })}
                </p>
                <p id=err_id class="field__error">{move || field_error.get()}</p>
                <div class="settings__actions">
                    <Show when=move || !active()>
                        <button
                            type="submit"
                            class="button button--secondary"
                            aria-disabled=move || busy.get().to_string()
                        >
                            {move || if verified_label() { "✔ Vérifiée — vérifier à nouveau" } else { "Vérifier" }}
                        </button>
                    </Show>
                    <Show when=can_activate>
                        <button
                            type="button"
                            class="button"
                            aria-disabled=move || busy.get().to_string()
                            on:click=move |_| toggle(true)
                        >
                            "Activer"
                        </button>
                    </Show>
                    <Show when=active>
                        <button
                            type="button"
                            class="button button--secondary"
                            aria-disabled=move || busy.get().to_string()
                            on:click=move |_| toggle(false)
                        >
                            "Désactiver"
                        </button>
                    </Show>
                </div>
            </form>
            <p id=state_id class="settings__state">
                <span
                    class=move || {
                        format!(
                            "dot {}",
                            state.with(|s| if s.active {
                                "dot--activated"
                            } else if s.verified {
                                "dot--notified_not_activated"
                            } else {
                                "dot--not_notified"
                            }),
                        )
                    }
                    aria-hidden="true"
                ></span>
                " "
                {move || state.with(|s| state_text(s, s.verified_at.map(local_datetime_at)))}
            </p>
            <p class="status settings__message" role="status" aria-live="polite" node_ref=status_node>
                {move || if busy.get() { Some("Traitement en cours…".to_owned()) } else { message.get() }}
            </p>
            <p class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                {move || error.get()}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_api::{FieldError, Problem};

    fn setting(url: Option<&str>, verified: bool, active: bool) -> NotificationUrl {
        NotificationUrl {
            url: url.map(str::to_owned),
            verified,
            active,
            verified_at: None,
        }
    }

    #[test]
    fn the_state_line_follows_enter_verify_activate() {
        assert_eq!(
            state_text(&setting(None, false, false), None),
            "Aucune adresse saisie."
        );
        assert_eq!(
            state_text(&setting(Some("https://a.fr"), false, false), None),
            "Adresse non vérifiée."
        );
        assert!(state_text(
            &setting(Some("https://a.fr"), true, false),
            Some("01/09/2026".into())
        )
        .contains("vérifiée le 01/09/2026"));
        assert!(state_text(&setting(Some("https://a.fr"), true, true), None).contains("active"));
    }

    #[test]
    fn field_messages_come_from_the_problem() {
        let e = ApiError::Status {
            status: 422,
            problem: Some(Box::new(Problem {
                kind: "x".into(),
                title: "Adresse non vérifiée".into(),
                status: 422,
                detail: None,
                errors: vec![FieldError {
                    field: "url".into(),
                    message: "L'adresse est injoignable.".into(),
                }],
                request_id: None,
            })),
            retry_after_secs: None,
        };
        assert_eq!(
            field_message(&e, "url").as_deref(),
            Some("L'adresse est injoignable.")
        );
        assert_eq!(field_message(&e, "username"), None);
        assert_eq!(field_message(&ApiError::Network, "url"), None);
    }
}
