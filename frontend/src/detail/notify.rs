//! « (Re)Notifier le compte » from « Informations du compte » (seed 003): the list's
//! notification (same choices, same request, same outcome) for this one account, with a
//! confirmation that says what will happen to it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::accounts::{NotifyRequest, NotifyResponse};
use sesame_core::{AccountKind, AccountState, Channel, Origin};

use crate::accounts::dialogs::{notify_fields, NotifyOffer};
use crate::accounts::outcome::{notify_outcome, Outcome};
use crate::accounts::requests::perform;
use crate::actions;
use crate::api;
use crate::app::{expire, Console};

/// What the confirmation tells before anything is done: the ordinary lines, and a warning when
/// the holder would lose something (the password they chose).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub lines: Vec<String>,
    pub warning: Option<String>,
}

/// The account as the confirmation needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notified {
    pub kind: AccountKind,
    pub state: AccountState,
    pub origin: Origin,
    pub email: Option<String>,
}

/// What (re)notifying this account through `channel`, with or without `reset`, does
/// (domain.md « (Re)notify »): a first notification hands out a provisional password; later
/// ones keep the password unless « Réinitialiser » is ticked; a FranceConnect guardian never
/// gets a password from here.
pub fn explain(account: &Notified, channel: Channel, reset: bool) -> Explanation {
    let guardian = account.kind == AccountKind::Guardian;
    let holder = if guardian {
        "au responsable"
    } else {
        "à l’élève"
    };
    let mut lines = Vec::new();
    match (channel, account.email.as_deref()) {
        (Channel::Email, Some(address)) => lines.push(format!(
            "Un courriel portant l’identifiant sera envoyé à {address} ; le courrier au format PDF sera aussi à télécharger."
        )),
        _ => lines.push(format!(
            "Un courrier individuel au format PDF sera à télécharger, à imprimer et à remettre {holder}."
        )),
    }
    let mut warning = None;
    if guardian && account.origin == Origin::FranceConnect {
        lines.push(
            "Compte FranceConnect : le responsable se connecte par FranceConnect. Le courrier lui rappelle son identifiant ; aucun mot de passe n’est créé ni modifié."
                .to_owned(),
        );
    } else {
        match account.state {
            AccountState::NotNotified => lines.push(
                "Un mot de passe provisoire sera attribué au compte, qui passera à l’état « Notifié et non activé » ; le courrier indique l’identifiant et ce mot de passe."
                    .to_owned(),
            ),
            AccountState::NotifiedNotActivated if reset => lines.push(
                "Un nouveau mot de passe provisoire remplacera l’actuel, qui ne fonctionnera plus ; le courrier indique le nouveau."
                    .to_owned(),
            ),
            AccountState::NotifiedNotActivated => lines.push(
                "Le compte garde son mot de passe provisoire actuel, que le courrier rappelle avec l’identifiant."
                    .to_owned(),
            ),
            _ if reset => {
                warning = Some(
                    "Attention : ce compte est déjà activé. Son titulaire perdra le mot de passe qu’il a choisi : un nouveau mot de passe provisoire le remplace dès la confirmation, et il devra le changer à sa prochaine connexion."
                        .to_owned(),
                );
            }
            _ => {
                lines.push(
                    "Ce compte est déjà activé : son titulaire garde le mot de passe qu’il a choisi ; le courrier rappelle l’identifiant et indique que le mot de passe est inchangé."
                        .to_owned(),
                );
                warning = Some(
                    "La (re)notification d’un compte activé est déconseillée, sauf pour rappeler l’identifiant ou réinitialiser le mot de passe (à utiliser avec précaution)."
                        .to_owned(),
                );
            }
        }
    }
    lines.push("La date de notification deviendra celle d’aujourd’hui.".to_owned());
    Explanation { lines, warning }
}

/// The confirmation dialog, stacked over the panel. It closes itself through `on_close`
/// (« Annuler », Escape) or `on_done` once the account is notified.
#[component]
pub(super) fn NotifyDialog(
    /// The population's `…/notify` URL.
    url: String,
    id: String,
    account: Notified,
    on_close: Callback<()>,
    on_done: Callback<Outcome>,
) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let offer = NotifyOffer::account(
        account.kind,
        account.origin,
        account.email.is_some(),
        account.state,
    );
    let channel = RwSignal::new(Channel::Letter);
    let reset = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let progress = RwSignal::new(None::<(u64, u64)>);
    let error = RwSignal::new(None::<String>);
    let node = NodeRef::<leptos::html::Div>::new();
    let (url, id) = (StoredValue::new(url), StoredValue::new(id));
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    let explanation = move || explain(&account, channel.get(), reset.get());

    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        let request = NotifyRequest {
            ids: Some(vec![id.get_value()]),
            all_matching: None,
            channel: channel.get_untracked(),
            reset_password: offer.reset && reset.get_untracked(),
        };
        let target = url.get_value();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let got = perform::<NotifyResponse, _, _>(session, progress, |token| {
                let (url, request) = (target.clone(), request.clone());
                async move { api::post_action(&url, &request, &token).await }
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match got {
                Ok(r) => on_done.run(notify_outcome(r)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => error.set(Some(format!(
                    "Le compte n’a pas pu être notifié. {}",
                    e.message()
                ))),
            }
        });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        // Handled here so that the panel underneath stays open.
        "Escape" => {
            ev.prevent_default();
            ev.stop_propagation();
            if !busy.get_untracked() {
                on_close.run(());
            }
        }
        "Tab" => {
            if let Some(el) = node.get_untracked() {
                actions::trap_tab(&ev, &el);
            }
        }
        _ => {}
    };

    view! {
        <div class="modal">
            <div
                class="modal__dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="notify-one-title"
                aria-describedby="notify-one-desc"
                tabindex="-1"
                node_ref=node
                on:keydown=on_key
            >
                <h2 id="notify-one-title" class="modal__title">"(Re)Notifier le compte"</h2>
                <div id="notify-one-desc" aria-live="polite">
                    {move || {
                        let e = explanation();
                        view! {
                            {e.lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                            {e.warning.map(|w| view! { <p class="modal__warning">{w}</p> })}
                        }
                    }}
                </div>
                {notify_fields(offer, channel, reset)}
                <p class="status" role="status">
                    {move || busy.get().then_some("Notification en cours…")}
                </p>
                <p class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                    {move || error.get()}
                </p>
                <div class="modal__actions">
                    <button type="button" class="button" disabled=move || busy.get() on:click=confirm>
                        "Confirmer"
                    </button>
                    <button
                        type="button"
                        class="button button--secondary"
                        disabled=move || busy.get()
                        on:click=move |_| on_close.run(())
                    >
                        "Annuler"
                    </button>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(kind: &str, state: &str, origin: &str, email: Option<&str>) -> Notified {
        Notified {
            kind: kind.parse().unwrap(),
            state: state.parse().unwrap(),
            origin: origin.parse().unwrap(),
            email: email.map(Into::into),
        }
    }

    #[test]
    fn a_first_notification_hands_out_a_provisional_password() {
        let e = explain(
            &account("student", "not_notified", "unknown", None),
            Channel::Letter,
            false,
        );
        assert!(e.lines[0].contains("courrier individuel"));
        assert!(e.lines[0].contains("à l’élève"));
        assert!(e.lines[1].contains("mot de passe provisoire sera attribué"));
        assert!(e.lines[1].contains("« Notifié et non activé »"));
        assert!(e.lines.last().unwrap().contains("date de notification"));
        assert_eq!(e.warning, None);
    }

    #[test]
    fn a_notified_account_keeps_its_password_unless_reset() {
        let a = account("student", "notified_not_activated", "establishment", None);
        assert!(explain(&a, Channel::Letter, false).lines[1].contains("garde son mot de passe"));
        assert!(
            explain(&a, Channel::Letter, true).lines[1].contains("nouveau mot de passe provisoire")
        );
    }

    #[test]
    fn an_activated_account_is_warned_about_and_loses_its_password_only_with_reset() {
        let a = account("student", "activated", "establishment", None);
        let kept = explain(&a, Channel::Letter, false);
        assert!(kept.lines[1].contains("garde le mot de passe qu’il a choisi"));
        assert!(kept.warning.unwrap().contains("déconseillée"));
        let reset = explain(&a, Channel::Letter, true);
        let warning = reset.warning.unwrap();
        assert!(warning.contains("perdra le mot de passe qu’il a choisi"));
        assert!(warning.contains("prochaine connexion"));
        assert!(!reset.lines.iter().any(|l| l.contains("garde")));
    }

    #[test]
    fn a_franceconnect_guardian_never_gets_a_password() {
        let a = account("guardian", "activated", "franceconnect", Some("a@b.fr"));
        let e = explain(&a, Channel::Email, true);
        assert!(e.lines[0].contains("a@b.fr"));
        assert!(e.lines[1].contains("FranceConnect"));
        assert!(e.lines[1].contains("aucun mot de passe"));
        assert_eq!(e.warning, None);
    }
}
