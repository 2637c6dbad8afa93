//! « Regénérer l’identifiant » in the account panel: the calls, the confirmation and the
//! pending change that can still be cancelled (domain.md « Regenerate identifier »).

use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::accounts::{IdentifierChange, PendingIdentifierChange};

use crate::api::{self, ApiError};
use crate::app::{expire, local_date, Console, SessionSignal};
use crate::token::authed;

/// Asks for a new identifier; answers what the panel says once it is scheduled.
pub(super) async fn regenerate(session: SessionSignal, url: String) -> Result<String, ApiError> {
    let change = authed(session, |token| {
        let url = url.clone();
        async move {
            let builder = gloo_net::http::Request::post(&url).header("Accept", api::ACCEPT);
            let response = api::send(api::bearer(builder, &token).build()).await?;
            response
                .json::<IdentifierChange>()
                .await
                .map_err(|_| ApiError::Decode)
        }
    })
    .await?;
    Ok(format!(
        "Le nouvel identifiant {} remplacera {} le {}.",
        change.new_identifier,
        change.current_identifier,
        local_date(change.effective_at)
    ))
}

/// Cancels the scheduled change.
pub(super) async fn cancel(session: SessionSignal, url: String) -> Result<(), ApiError> {
    authed(session, |token| {
        let url = url.clone();
        async move { api::delete(&url, &token).await }
    })
    .await
}

/// The panel's state the identifier's actions read and write.
#[derive(Clone, Copy)]
pub(super) struct Actions {
    /// The account's `regenerate-identifier` URL.
    pub url: StoredValue<String>,
    /// A call under way: one at a time.
    pub busy: RwSignal<bool>,
    /// The regeneration's confirmation is shown.
    pub confirming: RwSignal<bool>,
    pub message: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
}

impl Actions {
    /// « Confirmer » the regeneration. `unfocus` runs as the call starts, `changed` once the
    /// change is scheduled.
    pub fn regenerate(
        self,
        unfocus: impl Fn() + Send + Sync + 'static,
        changed: impl Fn() + Copy + Send + Sync + 'static,
    ) -> Callback<()> {
        self.run(unfocus, changed, |session, url| async move {
            regenerate(session, url)
                .await
                .map_err(|e| failed(e, "L’identifiant ne peut pas être regénéré. "))
        })
    }

    /// « Annuler le changement d’identifiant ». `unfocus` runs as the call starts, `changed`
    /// once the change is cancelled.
    pub fn cancel(
        self,
        unfocus: impl Fn() + Send + Sync + 'static,
        changed: impl Fn() + Copy + Send + Sync + 'static,
    ) -> Callback<()> {
        self.run(unfocus, changed, |session, url| async move {
            cancel(session, url).await.map_err(|e| failed(e, ""))?;
            Ok("Le changement d’identifiant programmé a été annulé.".to_owned())
        })
    }

    /// One action on the identifier: ignored while another runs; the confirmation closes, the
    /// previous message goes, and the answer (or the reason it failed) is shown. An expired
    /// session signs out instead.
    fn run<Call, Fut>(
        self,
        unfocus: impl Fn() + Send + Sync + 'static,
        changed: impl Fn() + Copy + Send + Sync + 'static,
        call: Call,
    ) -> Callback<()>
    where
        Call: Fn(SessionSignal, String) -> Fut + Copy + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<String, ActionError>> + 'static,
    {
        let Actions {
            url,
            busy,
            confirming,
            message,
            error,
        } = self;
        let Console { session, notice } = expect_context();
        Callback::new(move |_: ()| {
            if busy.get_untracked() {
                return;
            }
            let target = url.get_value();
            busy.set(true);
            confirming.set(false);
            unfocus();
            error.set(None);
            message.set(None);
            spawn_local(async move {
                let got = call(session, target).await;
                if busy.is_disposed() {
                    return;
                }
                busy.set(false);
                match got {
                    Ok(said) => {
                        message.set(Some(said));
                        changed();
                    }
                    Err(ActionError::Expired) => expire(session, notice),
                    Err(ActionError::Said(m)) => error.set(Some(m)),
                }
            });
        })
    }
}

/// Why an action on the identifier did not happen: the session expired (the console signs
/// out), or what the panel says.
enum ActionError {
    Expired,
    Said(String),
}

fn failed(e: ApiError, lead: &str) -> ActionError {
    if e.status() == Some(401) {
        ActionError::Expired
    } else {
        ActionError::Said(format!("{lead}{}", e.message()))
    }
}

/// The scheduled change, with « Annuler » when the caller may regenerate.
pub(super) fn pending_view(
    p: PendingIdentifierChange,
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="detail__pending">
            <p>
                {format!(
                    "Changement d’identifiant programmé : {} à partir du {}.",
                    p.new_identifier,
                    local_date(p.effective_at)
                )}
            </p>
            {on_cancel
                .map(|cancel| {
                    view! {
                        <button
                            type="button"
                            class="button button--secondary"
                            on:click=move |_| cancel.run(())
                        >
                            "Annuler le changement d’identifiant"
                        </button>
                    }
                })}
        </div>
    }
}

/// The confirmation, inside the panel.
pub(super) fn confirm_view(
    confirm_button: NodeRef<leptos::html::Button>,
    on_confirm: Callback<()>,
    on_back: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="modal__warning">
            <p>
                "Un nouvel identifiant sera calculé à partir des nom et prénom connus des sources de données ; il remplacera l’actuel à partir de demain. Le titulaire du compte devra utiliser le nouvel identifiant."
            </p>
            <div class="modal__actions">
                <button
                    type="button"
                    class="button"
                    node_ref=confirm_button
                    on:click=move |_| on_confirm.run(())
                >
                    "Confirmer la regénération"
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=move |_| on_back.run(())
                >
                    "Ne pas regénérer"
                </button>
            </div>
        </div>
    }
}
