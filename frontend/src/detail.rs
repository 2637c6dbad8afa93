//! « Informations du compte » (seed 003): one account's detail in a dialog, with « Modifier le
//! compte » (contact data) and « Regénérer l’identifiant » when the caller's rights allow.

use chrono::Datelike;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::accounts::{AccountDetail, ContactPatch, IdentifierChange, LinkedPerson};
use wasm_bindgen::JsCast;

use crate::actions;
use crate::api::{self, ApiError};
use crate::app::{authed, expire, local_date, Notice, SessionSignal};
use crate::route::encode;
use crate::text;

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(Box<AccountDetail>),
    Failed(String),
}

/// The field-level messages of a 422 problem, by field name.
pub fn field_errors(e: &ApiError) -> Vec<(String, String)> {
    match e {
        ApiError::Status {
            status: 422,
            problem: Some(p),
            ..
        } => p
            .errors
            .iter()
            .map(|f| (f.field.clone(), f.message.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// What an input holds, as the PATCH wants it: an empty field clears the value.
pub fn patch_value(v: &str) -> Option<Option<String>> {
    let v = v.trim();
    Some((!v.is_empty()).then(|| v.to_owned()))
}

fn or_none(v: Option<String>, none: &str) -> String {
    v.filter(|s| !s.is_empty())
        .unwrap_or_else(|| none.to_owned())
}

/// The dialog's buttons that take the focus back after a change.
struct Targets {
    edit: NodeRef<leptos::html::Button>,
    regen: NodeRef<leptos::html::Button>,
    confirm: NodeRef<leptos::html::Button>,
}

#[component]
pub fn AccountPanel(
    uai: String,
    /// `students`, `external-students` or `guardians`.
    segment: &'static str,
    id: String,
    rights: Vec<String>,
    session: SessionSignal,
    notice: Notice,
    on_close: Callback<()>,
    /// The account changed (contact, identifier): the table is fetched again.
    on_changed: Callback<()>,
) -> impl IntoView {
    let may_edit = rights
        .iter()
        .any(|r| *r == format!("{segment}:edit-contact"));
    let may_regenerate = rights.iter().any(|r| r == "identifiers:regenerate");
    // The troubleshooting module (no right on guardians) shows a student as its screen does:
    // no guardians, no contact data beyond the e-mail address.
    let full_view = rights.iter().any(|r| r == "guardians:view");
    let url = format!(
        "/api/v1/establishments/{}/{segment}/{}",
        encode(&uai),
        encode(&id)
    );
    let identifier_url = format!(
        "/api/v1/establishments/{}/accounts/{}/regenerate-identifier",
        encode(&uai),
        encode(&id)
    );
    let url = StoredValue::new(url);
    let identifier_url = StoredValue::new(identifier_url);
    let state = RwSignal::new(Load::Loading);
    let opener = StoredValue::new_local(
        document()
            .active_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
    );
    let node = NodeRef::<leptos::html::Div>::new();
    let edit_button = NodeRef::<leptos::html::Button>::new();
    let regen_button = NodeRef::<leptos::html::Button>::new();
    let email_input = NodeRef::<leptos::html::Input>::new();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
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
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let email_error = RwSignal::new(None::<String>);
    let phone_error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);

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
            close();
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
        if let Load::Loaded(d) = state.get_untracked() {
            email.set(d.email.clone().unwrap_or_default());
            phone.set(d.phone.clone().unwrap_or_default());
        }
        email_error.set(None);
        phone_error.set(None);
        message.set(None);
        error.set(None);
        editing.set(true);
        request_animation_frame(move || {
            if let Some(el) = email_input.get_untracked() {
                let _ = el.focus();
            }
        });
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let patch = ContactPatch {
            email: patch_value(&email.get_untracked()),
            phone: patch_value(&phone.get_untracked()),
        };
        let target = url.get_value();
        busy.set(true);
        email_error.set(None);
        phone_error.set(None);
        error.set(None);
        message.set(None);
        spawn_local(async move {
            let got = authed(session, |token| {
                let (url, patch) = (target.clone(), patch.clone());
                async move { api::patch_json::<_, AccountDetail>(&url, &patch, &token).await }
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match got {
                Ok(d) => {
                    state.set(Load::Loaded(Box::new(d)));
                    editing.set(false);
                    message.set(Some(
                        "Les coordonnées du compte ont été enregistrées.".into(),
                    ));
                    on_changed.run(());
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => {
                    let fields = field_errors(&e);
                    let mut other = fields.is_empty();
                    for (field, msg) in fields {
                        match field.as_str() {
                            "email" => email_error.set(Some(msg)),
                            "phone" => phone_error.set(Some(msg)),
                            _ => other = true,
                        }
                    }
                    if other {
                        error.set(Some(e.message()));
                    }
                }
            }
        });
    };
    let regenerate = move |_| {
        if busy.get_untracked() {
            return;
        }
        let target = identifier_url.get_value();
        busy.set(true);
        confirming.set(false);
        focus_later(|_| None);
        error.set(None);
        message.set(None);
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = target.clone();
                async move {
                    let builder = gloo_net::http::Request::post(&url).header("Accept", api::ACCEPT);
                    let response = api::send(api::bearer(builder, &token).build()).await?;
                    response
                        .json::<IdentifierChange>()
                        .await
                        .map_err(|_| ApiError::Decode)
                }
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match got {
                Ok(c) => {
                    message.set(Some(format!(
                        "Le nouvel identifiant {} remplacera {} le {}.",
                        c.new_identifier,
                        c.current_identifier,
                        local_date(c.effective_at)
                    )));
                    load();
                    on_changed.run(());
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => error.set(Some(format!(
                    "L’identifiant ne peut pas être regénéré. {}",
                    e.message()
                ))),
            }
        });
    };
    let cancel_change = move |_| {
        if busy.get_untracked() {
            return;
        }
        let target = identifier_url.get_value();
        busy.set(true);
        error.set(None);
        message.set(None);
        focus_later(|_| None);
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = target.clone();
                async move { api::delete(&url, &token).await }
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match got {
                Ok(()) => {
                    message.set(Some(
                        "Le changement d’identifiant programmé a été annulé.".into(),
                    ));
                    load();
                    on_changed.run(());
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

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
    let loaded = move || state.with(|s| matches!(s, Load::Loaded(_)));
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
                            view! {
                                <div class="detail__pending">
                                    <p>
                                        {format!(
                                            "Changement d’identifiant programmé : {} à partir du {}.",
                                            p.new_identifier,
                                            local_date(p.effective_at)
                                        )}
                                    </p>
                                    {may_regenerate
                                        .then(|| {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="button button--secondary"
                                                    on:click=cancel_change
                                                >
                                                    "Annuler le changement d’identifiant"
                                                </button>
                                            }
                                        })}
                                </div>
                            }
                        })
                }}
                <p class="status" role="status">{move || message.get()}</p>
                <p class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                    {move || error.get()}
                </p>
                <Show when=move || editing.get()>
                    <form class="detail__edit" novalidate on:submit=save aria-labelledby="edit-title">
                        <h3 id="edit-title">"Modifier le compte"</h3>
                        <div class="field">
                            <label for="detail-email">"Courrier électronique"</label>
                            <input
                                id="detail-email"
                                type="email"
                                node_ref=email_input
                                autocomplete="off"
                                bind:value=email
                                aria-invalid=move || email_error.with(Option::is_some).then_some("true")
                                aria-describedby=move || email_error.with(Option::is_some).then_some("detail-email-error")
                            />
                            <p id="detail-email-error" class="field__error" role="alert">
                                {move || email_error.get()}
                            </p>
                        </div>
                        <div class="field">
                            <label for="detail-phone">"Téléphone"</label>
                            <input
                                id="detail-phone"
                                type="tel"
                                autocomplete="off"
                                bind:value=phone
                                aria-invalid=move || phone_error.with(Option::is_some).then_some("true")
                                aria-describedby=move || phone_error.with(Option::is_some).then_some("detail-phone-error")
                            />
                            <p id="detail-phone-error" class="field__error" role="alert">
                                {move || phone_error.get()}
                            </p>
                        </div>
                        <div class="modal__actions">
                            <button type="submit" class="button">"Enregistrer"</button>
                            <button
                                type="button"
                                class="button button--secondary"
                                on:click=move |_| {
                                    editing.set(false);
                                    focus_later(|t| t.edit.get_untracked().map(Into::into));
                                }
                            >
                                "Annuler la modification"
                            </button>
                        </div>
                    </form>
                </Show>
                <Show when=move || confirming.get()>
                    <div class="modal__warning">
                        <p>
                            "Un nouvel identifiant sera calculé à partir des nom et prénom connus des sources de données ; il remplacera l’actuel à partir de demain. Le titulaire du compte devra utiliser le nouvel identifiant."
                        </p>
                        <div class="modal__actions">
                            <button
                                type="button"
                                class="button"
                                node_ref=confirm_button
                                on:click=regenerate
                            >
                                "Confirmer la regénération"
                            </button>
                            <button
                                type="button"
                                class="button button--secondary"
                                on:click=move |_| {
                                    confirming.set(false);
                                    focus_later(|t| t.regen.get_untracked().map(Into::into));
                                }
                            >
                                "Ne pas regénérer"
                            </button>
                        </div>
                    </div>
                </Show>
                <div class="modal__actions">
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
    }
}

fn detail_view(d: AccountDetail, full_view: bool) -> impl IntoView {
    let date = |v: Option<chrono::DateTime<chrono::Utc>>| {
        v.map(local_date)
            .unwrap_or_else(|| "Non renseignée".to_owned())
    };
    let birth = d
        .birth_date
        .map(|b| text::date_fr(b.day(), b.month(), b.year()))
        .unwrap_or_else(|| "Non renseignée".into());
    let class = match (&d.class, &d.mef_label) {
        (Some(c), Some(m)) => format!("{c} ({m})"),
        (Some(c), None) => c.clone(),
        _ => "Non renseignée".into(),
    };
    let email = match &d.email {
        Some(e) if d.email_validated => format!("{e} (validée)"),
        Some(e) => format!("{e} (non validée)"),
        None => "Non renseigné".into(),
    };
    let item = |term: &'static str, value: String| {
        view! {
            <div class="detail__item">
                <dt>{term}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let guardian = d.kind == "guardian";
    let linked = if guardian {
        d.students.clone()
    } else {
        d.guardians.clone()
    };
    let state = d.state.clone();
    view! {
        <dl class="detail">
            {item("Prénom Nom", format!("{} {}", d.first_name, d.family_name.to_uppercase()))}
            {(!guardian).then(|| item("Classe", class))}
            {item("Identifiant", d.identifier.clone())}
            {(!guardian).then(|| item("Date de naissance", birth))}
            {item("Courrier électronique", email)}
            {full_view.then(|| item("Téléphone", or_none(d.phone.clone(), "Non renseigné")))}
            {(!guardian).then(|| item("INE", or_none(d.ine.clone(), "Non renseigné")))}
            {d.home_uai.clone().map(|h| item("Établissement de rattachement", h))}
            {item("Origine du compte", text::origin_label(&d.origin).to_owned())}
            <div class="detail__item">
                <dt>"État du compte"</dt>
                <dd>
                    <span class=format!("dot dot--{state}") aria-hidden="true"></span>
                    " "
                    {text::state_label(&state).to_owned()}
                </dd>
            </div>
            {item("Date de notification", date(d.notified_at))}
            {item("Date de distribution", date(d.distributed_at))}
            {item("Date d’activation", date(d.activated_at))}
            {item("Date de dernière connexion", date(d.last_login_at))}
            {d.provisional_password.clone().map(|p| item("Mot de passe provisoire", p))}
        </dl>
        <table class="table detail__table">
            <caption>"Informations des sources de données"</caption>
            <thead>
                <tr>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Académie"</th>
                    <th scope="col">"Identifiant AAF"</th>
                    <th scope="col">"Identifiant ONDE / SIECLE"</th>
                    <th scope="col">"Nom"</th>
                    <th scope="col">"Prénom"</th>
                </tr>
            </thead>
            <tbody>
                {d.sources
                    .iter()
                    .map(|s| {
                        view! {
                            <tr>
                                <th scope="row">{s.source.clone()}</th>
                                <td>{s.academy.clone()}</td>
                                <td>{s.aaf_id.clone().unwrap_or_default()}</td>
                                <td>{s.source_id.clone().unwrap_or_default()}</td>
                                <td>{s.family_name.clone()}</td>
                                <td>{s.first_name.clone()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {(guardian || full_view).then(|| linked_table(guardian, linked))}
    }
}

fn linked_table(guardian: bool, linked: Vec<LinkedPerson>) -> impl IntoView {
    let caption = if guardian {
        "Élèves rattachés au compte"
    } else {
        "Responsables rattachés au compte"
    };
    if linked.is_empty() {
        return view! {
            <p>{format!("{caption} : aucun.")}</p>
        }
        .into_any();
    }
    view! {
        <table class="table detail__table">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Prénom"</th>
                    <th scope="col">"Nom"</th>
                    <th scope="col">"Identifiant"</th>
                    <th scope="col">{if guardian { "Classe" } else { "Lien" }}</th>
                    <th scope="col">"Statut du compte"</th>
                    <th scope="col">"Rattachement"</th>
                </tr>
            </thead>
            <tbody>
                {linked
                    .into_iter()
                    .map(|p| {
                        let state = p.state.clone().unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row">{p.first_name.clone()}</th>
                                <td>{p.family_name.to_uppercase()}</td>
                                <td class="table__id">{p.identifier.clone().unwrap_or_default()}</td>
                                <td>
                                    {if guardian {
                                        p.class.clone().unwrap_or_default()
                                    } else {
                                        p.relationship.clone()
                                    }}
                                </td>
                                <td class="table__state">
                                    {(!state.is_empty())
                                        .then(|| {
                                            view! {
                                                <span class=format!("dot dot--{state}") aria-hidden="true"></span>
                                                {text::state_label(&state).to_owned()}
                                            }
                                        })}
                                </td>
                                <td>
                                    {if p.reported_wrong {
                                        view! { <span class="flag">"Rattachement signalé erroné"</span> }.into_any()
                                    } else {
                                        "Non signalé".into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_api::problem::{FieldError, Problem};

    #[test]
    fn patch_values_clear_when_empty() {
        assert_eq!(patch_value("  "), Some(None));
        assert_eq!(patch_value(" a@b.fr "), Some(Some("a@b.fr".into())));
    }

    #[test]
    fn field_errors_come_from_422_problems() {
        let e = ApiError::Status {
            status: 422,
            problem: Some(Problem {
                kind: "x".into(),
                title: "Requête invalide".into(),
                status: 422,
                detail: None,
                errors: vec![FieldError {
                    field: "email".into(),
                    message: "Adresse électronique invalide.".into(),
                }],
            }),
            retry_after_secs: None,
        };
        assert_eq!(
            field_errors(&e),
            vec![(
                "email".to_owned(),
                "Adresse électronique invalide.".to_owned()
            )]
        );
        assert!(field_errors(&ApiError::Network).is_empty());
    }
}
