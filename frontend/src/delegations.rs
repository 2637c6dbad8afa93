//! « Délégations » (head of establishment only): the rights given to the establishment's
//! staff — « Administration des comptes » (agent) or « Dépannage des comptes élèves »
//! (teacher) — given by staff username, revoked after a confirmation.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::delegations::{Delegation, NewDelegation};
use sesame_core::Module;

use crate::admin_ui::{focused, local_datetime, refocus, ConfirmDialog};
use crate::api;
use crate::app::{expire, Console, RouteSignal};
use crate::load::Load;
use crate::settings::field_message;
use crate::token::authed;

/// The modules a head may delegate, with what each opens.
pub const MODULES: [(Module, &str); 2] = [
    (
        Module::Admin,
        "le module d’administration des comptes élèves et responsables (clé OTP obligatoire)",
    ),
    (
        Module::Troubleshooting,
        "le module simplifié : réinitialiser les mots de passe des élèves (identifiant et mot de passe Agents)",
    ),
];

#[component]
pub fn DelegationsTab(uai: String, route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let _ = route;
    let uai = StoredValue::new(uai);
    let list = RwSignal::new(Load::Loading);
    let nonce = RwSignal::new(0u32);
    Effect::new(move |_| {
        nonce.track();
        let url = api::url::delegations(&uai.get_value());
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { api::get::<Vec<Delegation>>(&url, &token).await }
            })
            .await;
            if list.is_disposed() {
                return;
            }
            match got {
                Ok(mut l) => {
                    l.sort_by_key(|d| std::cmp::Reverse(d.granted_at));
                    list.set(Load::Loaded(l));
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => list.set(Load::Failed(e.message())),
            }
        });
    });

    // Grant form.
    let username = RwSignal::new(String::new());
    let module = RwSignal::new(Module::Admin);
    let username_error = RwSignal::new(None::<String>);
    let module_error = RwSignal::new(None::<String>);
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let username_input = NodeRef::<html::Input>::new();
    let status_node = NodeRef::<html::P>::new();

    let grant = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        username_error.set(None);
        module_error.set(None);
        form_error.set(None);
        message.set(None);
        let name = username.get_untracked().trim().to_owned();
        if name.is_empty() {
            username_error.set(Some("Saisissez l’identifiant du personnel.".into()));
            if let Some(i) = username_input.get_untracked() {
                let _ = i.focus();
            }
            return;
        }
        busy.set(true);
        let body = NewDelegation {
            username: name,
            module: module.get_untracked(),
        };
        let url = api::url::delegations(&uai.get_value());
        spawn_local(async move {
            let got = authed(session, |token| {
                let (url, body) = (url.clone(), body.clone());
                async move { api::post_json::<_, Delegation>(&url, &body, &token).await }
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match got {
                Ok(d) => {
                    message.set(Some(format!(
                        "La délégation « {} » a été accordée à {} ({}).",
                        d.module.label(),
                        d.display_name,
                        d.username
                    )));
                    username.set(String::new());
                    nonce.update(|n| *n = n.wrapping_add(1));
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => {
                    let u = field_message(&e, "username");
                    let m = field_message(&e, "module");
                    let focus_user = u.is_some();
                    username_error.set(u);
                    module_error.set(m);
                    form_error.set(Some(e.message()));
                    if focus_user {
                        if let Some(i) = username_input.get_untracked() {
                            let _ = i.focus();
                        }
                    }
                }
            }
        });
    };

    // Revocation.
    let revoking = RwSignal::new(None::<Delegation>);
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let revoke_error = RwSignal::new(None::<String>);
    let ask_revoke = move |d: Delegation| {
        opener.set_value(focused());
        revoke_error.set(None);
        revoking.set(Some(d));
    };
    let cancel = Callback::new(move |_| {
        revoking.set(None);
        refocus(opener.get_value());
    });
    let confirm = Callback::new(move |_| {
        let Some(d) = revoking.get_untracked() else {
            return;
        };
        revoking.set(None);
        message.set(None);
        let url = api::url::delegation(&uai.get_value(), &d.id);
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { api::delete(&url, &token).await }
            })
            .await;
            if message.is_disposed() {
                return;
            }
            match got {
                Ok(()) => {
                    message.set(Some(format!(
                        "La délégation « {} » de {} a été révoquée.",
                        d.module.label(),
                        d.display_name
                    )));
                    nonce.update(|n| *n = n.wrapping_add(1));
                    // The row's button is gone: the focus waits on the message.
                    if let Some(p) = status_node.get_untracked() {
                        let _ = p.focus();
                    }
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => {
                    revoke_error.set(Some(e.message()));
                    refocus(opener.get_value());
                }
            }
        });
    });

    let rows = move || match list.get() {
        Load::Loading => view! { <p class="status">"Chargement…"</p> }.into_any(),
        Load::Failed(m) => view! { <p class="alert alert--shown" role="alert">{m}</p> }.into_any(),
        Load::Loaded(l) if l.is_empty() => view! {
            <p class="results__empty">"Aucune délégation en cours dans cet établissement."</p>
        }
        .into_any(),
        Load::Loaded(l) => {
            let n = l.len();
            view! {
                <div class="table-wrap" role="region" aria-labelledby="delegations-caption" tabindex="0">
                    <table class="table">
                        <caption id="delegations-caption">
                            {format!("Délégations en cours : {n}")}
                        </caption>
                        <thead>
                            <tr>
                                <th scope="col">"Personnel"</th>
                                <th scope="col">"Identifiant"</th>
                                <th scope="col">"Module délégué"</th>
                                <th scope="col">"Accordée par"</th>
                                <th scope="col">"Accordée le"</th>
                                <th scope="col">"État"</th>
                                <th scope="col">"Action"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {l
                                .into_iter()
                                .map(|d| {
                                    let name_id = format!("delegation-{}", d.id);
                                    let label = format!(
                                        "Révoquer la délégation « {} » de {}",
                                        d.module.label(),
                                        d.display_name
                                    );
                                    let row = d.clone();
                                    view! {
                                        <tr>
                                            <th scope="row" id=name_id>{d.display_name.clone()}</th>
                                            <td class="table__id">{d.username.clone()}</td>
                                            <td>{d.module.label().to_owned()}</td>
                                            <td>{d.granted_by.clone()}</td>
                                            <td>{local_datetime(d.granted_at)}</td>
                                            <td class="table__state">
                                                <span class="dot dot--activated" aria-hidden="true"></span>
                                                "Active"
                                            </td>
                                            <td>
                                                <button
                                                    type="button"
                                                    class="button button--secondary"
                                                    aria-haspopup="dialog"
                                                    aria-label=label
                                                    on:click=move |_| ask_revoke(row.clone())
                                                >
                                                    "Révoquer"
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };

    view! {
        <div class="panel delegations">
            <h3>"Délégations"</h3>
            <p>
                "Le chef d’établissement peut déléguer des droits : à un agent de l’établissement, qui aura accès au module d’administration des comptes (avec clé OTP), "
                "ou à un enseignant, qui aura accès au module simplifié de dépannage des comptes élèves (avec identifiant et mot de passe Agents). "
                "Une délégation révoquée cesse dès la requête suivante de la personne."
            </p>
            <p
                class="status"
                role="status"
                aria-live="polite"
                tabindex="-1"
                node_ref=status_node
            >
                {move || message.get()}
            </p>
            <p class="alert" class:alert--shown=move || revoke_error.with(Option::is_some) role="alert">
                {move || revoke_error.get()}
            </p>
            {rows}
            <h4 id="delegation-new-title">"Accorder une délégation"</h4>
            <form class="delegations__form" aria-labelledby="delegation-new-title" on:submit=grant novalidate>
                <div class="delegations__fields">
                    <div class="field">
                        <label for="delegation-username">"Identifiant du personnel"</label>
                        <input
                            id="delegation-username"
                            type="text"
                            autocomplete="off"
                            spellcheck="false"
                            required
                            aria-describedby="delegation-username-hint delegation-username-error"
                            aria-invalid=move || username_error.with(Option::is_some).to_string()
                            node_ref=username_input
                            bind:value=username
                        />
                        <p id="delegation-username-hint" class="field__hint">
                            "Son identifiant de connexion (compte Agents de l’académie)."
                        </p>
                        <p id="delegation-username-error" class="field__error">
                            {move || username_error.get()}
                        </p>
                    </div>
                    <fieldset class="field" aria-describedby="delegation-module-error">
                        <legend>"Module délégué"</legend>
                        {MODULES
                            .iter()
                            .map(|&(value, what)| {
                                let id = format!("delegation-module-{value}");
                                let hint = format!("{id}-hint");
                                view! {
                                    <div class="check">
                                        <input
                                            id=id.clone()
                                            type="radio"
                                            name="delegation-module"
                                            value=value.as_str()
                                            aria-describedby=hint.clone()
                                            prop:checked=move || module.get() == value
                                            on:change=move |_| module.set(value)
                                        />
                                        <label for=id>{value.label()}</label>
                                    </div>
                                    <p id=hint class="field__hint check__hint">{format!("Donne accès à {what}.")}</p>
                                }
                            })
                            .collect_view()}
                        <p id="delegation-module-error" class="field__error">
                            {move || module_error.get()}
                        </p>
                    </fieldset>
                </div>
                <p class="alert" class:alert--shown=move || form_error.with(Option::is_some) role="alert">
                    {move || form_error.get()}
                </p>
                <div class="filters__actions">
                    <button type="submit" class="button" aria-disabled=move || busy.get().to_string()>
                        "Déléguer"
                    </button>
                </div>
            </form>
            {move || {
                revoking
                    .get()
                    .map(|d| {
                        view! {
                            <ConfirmDialog
                                id="revoke-dialog"
                                title="Révoquer la délégation".to_owned()
                                message=format!(
                                    "Êtes-vous sûr de vouloir révoquer la délégation « {} » de {} ({}) ? Ses droits cesseront dès sa prochaine action.",
                                    d.module.label(),
                                    d.display_name,
                                    d.username
                                )
                                confirm_label="Révoquer"
                                on_confirm=confirm
                                on_cancel=cancel
                            />
                        }
                    })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_read_as_the_seed_names_them() {
        let offered: Vec<_> = MODULES.iter().map(|(m, _)| m.label()).collect();
        assert_eq!(
            offered,
            ["Administration des comptes", "Dépannage des comptes élèves"]
        );
    }
}
