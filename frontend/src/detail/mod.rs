//! « Informations du compte » (seed 003): one account's detail in a dialog, with « (Re)Notifier
//! le compte », « Modifier le compte » (contact data) and « Regénérer l’identifiant » when the
//! caller's rights allow.

mod contact;
mod fields;
mod identifier;
mod notify;

use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::accounts::AccountDetail;
use wasm_bindgen::JsCast;

use crate::accounts::outcome::{outcome_view, Outcome};
use crate::accounts::population::Population;
use crate::actions;
use crate::api;
use crate::app::{expire, Console};
use crate::load::Load;
use crate::token::authed;

use contact::ContactForm;
use fields::detail_view;
use notify::{Notified, NotifyDialog};

/// The dialog's buttons that take the focus back after a change.
struct Targets {
    edit: NodeRef<leptos::html::Button>,
    regen: NodeRef<leptos::html::Button>,
    confirm: NodeRef<leptos::html::Button>,
    notify: NodeRef<leptos::html::Button>,
}

/// The population a panel's API segment belongs to (its wording, what it may be sent).
fn population_of(segment: &str) -> Population {
    Population::parse(segment).unwrap_or(Population::Students)
}

#[component]
pub fn AccountPanel(
    uai: String,
    /// `students`, `external-students` or `guardians`.
    segment: &'static str,
    id: String,
    rights: Vec<String>,
    on_close: Callback<()>,
    /// The account changed (contact, identifier): the table is fetched again.
    on_changed: Callback<()>,
) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let may_edit = rights
        .iter()
        .any(|r| *r == format!("{segment}:edit-contact"));
    let may_regenerate = rights.iter().any(|r| r == "identifiers:regenerate");
    // The troubleshooting module has no notification (seed 002): no right, no button.
    let may_notify = rights.iter().any(|r| *r == format!("{segment}:notify"));
    let population = population_of(segment);
    // The troubleshooting module (no right on guardians) shows a student as its screen does:
    // no guardians, no contact data beyond the e-mail address.
    let full_view = rights.iter().any(|r| r == "guardians:view");
    let url = api::url::account(&uai, segment, &id);
    let identifier_url = api::url::regenerate_identifier(&uai, &id);
    let notify_url = api::url::accounts_notify(&uai, segment);
    let url = StoredValue::new(url);
    let identifier_url = StoredValue::new(identifier_url);
    let notify_url = StoredValue::new(notify_url);
    let account_id = StoredValue::new(id);
    let state = RwSignal::new(Load::Loading);
    let opener = StoredValue::new_local(
        document()
            .active_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
    );
    let node = NodeRef::<leptos::html::Div>::new();
    let edit_button = NodeRef::<leptos::html::Button>::new();
    let regen_button = NodeRef::<leptos::html::Button>::new();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    let notify_button = NodeRef::<leptos::html::Button>::new();
    let outcome_node = NodeRef::<leptos::html::Div>::new();
    // Focus after a part of the dialog appears or disappears (next frame, once rendered).
    let focus_later = move |target: fn(&Targets) -> Option<web_sys::HtmlElement>| {
        request_animation_frame(move || {
            // The dialog may have closed in the meantime (Escape), its nodes disposed with it.
            if node.try_get_untracked().is_none() {
                return;
            }
            let targets = Targets {
                edit: edit_button,
                regen: regen_button,
                confirm: confirm_button,
                notify: notify_button,
            };
            let el = target(&targets).or_else(|| node.get_untracked().map(|n| n.into()));
            if let Some(el) = el {
                let _ = el.focus();
            }
        });
    };
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // The (re)notification's confirmation is open, and what the last one did.
    let notifying = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);

    let load = move || {
        let Some(target) = url.try_get_value() else {
            return;
        };
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = target.clone();
                async move { api::get::<AccountDetail>(&url, &token).await }
            })
            .await;
            if state.is_disposed() {
                return;
            }
            match got {
                Ok(d) => state.set(Load::Loaded(Box::new(d))),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => state.set(Load::Failed(e.message())),
            }
        });
    };
    load();

    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    let close = move || {
        // Read before `on_close`, which may dispose of this panel and `opener` with it; a
        // listener firing after that finds nothing to do.
        let Some(opener) = opener.try_get_value() else {
            return;
        };
        on_close.run(());
        if let Some(b) = opener {
            let _ = b.focus();
        }
    };
    // Escape is heard on the whole window: when the focused control has just left the DOM
    // (« Annuler la modification »), focus sits on <body>, outside the dialog.
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            if notifying.get_untracked() {
                notifying.set(false);
                focus_later(|t| t.notify.get_untracked().map(Into::into));
            } else {
                close();
            }
        }
    });
    on_cleanup(move || escape.remove());
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Tab" {
            if let Some(el) = node.get_untracked() {
                actions::trap_tab(&ev, &el);
            }
        }
    };
    let start_edit = move |_| {
        message.set(None);
        error.set(None);
        editing.set(true);
    };
    let saved = Callback::new(move |d: AccountDetail| {
        state.set(Load::Loaded(Box::new(d)));
        editing.set(false);
        message.set(Some(
            "Les coordonnées du compte ont été enregistrées.".into(),
        ));
        on_changed.run(());
        focus_later(|t| t.edit.get_untracked().map(Into::into));
    });
    let cancel_edit = Callback::new(move |_: ()| {
        editing.set(false);
        focus_later(|t| t.edit.get_untracked().map(Into::into));
    });
    let start_notify = move |_| {
        message.set(None);
        error.set(None);
        outcome.set(None);
        notifying.set(true);
    };
    let cancel_notify = Callback::new(move |_: ()| {
        notifying.set(false);
        focus_later(|t| t.notify.get_untracked().map(Into::into));
    });
    // The account's state and dates have changed: the panel and the table are fetched again,
    // and the focus waits on the outcome, which offers the letter.
    let notified = Callback::new(move |o: Outcome| {
        notifying.set(false);
        outcome.set(Some(o));
        load();
        on_changed.run(());
        request_animation_frame(move || {
            if let Some(el) = outcome_node.get_untracked() {
                let _ = el.focus();
            }
        });
    });
    let download = move |id: String| actions::download(session, notice, error, id);
    let notify_target = move || {
        state.with_untracked(|s| match s {
            Load::Loaded(d) => Some(Notified {
                kind: d.kind,
                state: d.state,
                origin: d.origin,
                email: d.email.clone().filter(|e| !e.trim().is_empty()),
            }),
            _ => None,
        })
    };
    // Identifier regeneration and its cancellation: one call at a time, then the panel and
    // the table are fetched again.
    let identifier_actions = identifier::Actions {
        url: identifier_url,
        busy,
        confirming,
        message,
        error,
    };
    let changed = move || {
        load();
        on_changed.run(());
    };
    let regenerate = identifier_actions.regenerate(move || focus_later(|_| None), changed);
    let cancel_change = identifier_actions.cancel(move || focus_later(|_| None), changed);
    let back_from_regenerate = Callback::new(move |_: ()| {
        confirming.set(false);
        focus_later(|t| t.regen.get_untracked().map(Into::into));
    });

    let body = move || match state.get() {
        Load::Loading => view! { <p class="status">"Chargement…"</p> }.into_any(),
        Load::Failed(m) => view! { <p class="alert alert--shown">{m}</p> }.into_any(),
        Load::Loaded(d) => detail_view(*d, full_view).into_any(),
    };
    let pending = move || {
        state.with(|s| match s {
            Load::Loaded(d) => d.pending_identifier_change.clone(),
            _ => None,
        })
    };
    let loaded = move || state.with(|s| s.loaded().is_some());
    let title = move || {
        state.with(|s| match s {
            Load::Loaded(d) => format!(
                "Informations du compte : {} {}",
                d.first_name,
                d.family_name.to_uppercase()
            ),
            _ => "Informations du compte".to_owned(),
        })
    };

    view! {
        <div class="modal">
            <div
                class="modal__dialog modal__dialog--detail"
                role="dialog"
                aria-modal="true"
                aria-labelledby="detail-title"
                tabindex="-1"
                node_ref=node
                on:keydown=on_key
            >
                <h2 id="detail-title" class="modal__title">{title}</h2>
                {body}
                {move || {
                    pending()
                        .map(|p| {
                            identifier::pending_view(p, may_regenerate.then_some(cancel_change))
                        })
                }}
                <p class="status" role="status">{move || message.get()}</p>
                <div
                    class="banner detail__outcome"
                    class:banner--shown=move || outcome.with(Option::is_some)
                    role="status"
                    tabindex="-1"
                    node_ref=outcome_node
                >
                    {move || outcome.get().map(|o| outcome_view(o, population, download))}
                </div>
                <p class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                    {move || error.get()}
                </p>
                {move || {
                    editing
                        .get()
                        .then(|| {
                            let (email, phone) = state
                                .with_untracked(|s| match s {
                                    Load::Loaded(d) => {
                                        (
                                            d.email.clone().unwrap_or_default(),
                                            d.phone.clone().unwrap_or_default(),
                                        )
                                    }
                                    _ => Default::default(),
                                });
                            view! {
                                <ContactForm
                                    url=url.get_value()
                                    email
                                    phone
                                    error
                                    on_saved=saved
                                    on_cancel=cancel_edit
                                />
                            }
                        })
                }}
                <Show when=move || confirming.get()>
                    {identifier::confirm_view(confirm_button, regenerate, back_from_regenerate)}
                </Show>
                <div class="modal__actions">
                    {may_notify
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button button--secondary"
                                    aria-haspopup="dialog"
                                    node_ref=notify_button
                                    disabled=move || !loaded() || busy.get()
                                    on:click=start_notify
                                >
                                    "(Re)Notifier le compte"
                                </button>
                            }
                        })}
                    {may_edit
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button button--secondary"
                                    node_ref=edit_button
                                    disabled=move || !loaded() || editing.get()
                                    on:click=start_edit
                                >
                                    "Modifier le compte"
                                </button>
                            }
                        })}
                    {may_regenerate
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button button--secondary"
                                    disabled=move || {
                                        !loaded() || pending().is_some() || confirming.get()
                                    }
                                    node_ref=regen_button
                                    on:click=move |_| {
                                        message.set(None);
                                        error.set(None);
                                        confirming.set(true);
                                        focus_later(|t| t.confirm.get_untracked().map(Into::into));
                                    }
                                >
                                    "Regénérer l’identifiant"
                                </button>
                            }
                        })}
                    <button type="button" class="button" on:click=move |_| close()>
                        "Fermer"
                    </button>
                </div>
            </div>
        </div>
        {move || {
            notifying
                .get()
                .then(notify_target)
                .flatten()
                .map(|account| {
                    view! {
                        <NotifyDialog
                            url=notify_url.get_value()
                            id=account_id.get_value()
                            account
                            on_close=cancel_notify
                            on_done=notified
                        />
                    }
                })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_name_their_population() {
        assert_eq!(population_of("guardians"), Population::Guardians);
        assert_eq!(
            population_of("external-students"),
            Population::ExternalStudents
        );
        assert_eq!(population_of("students"), Population::Students);
    }
}
