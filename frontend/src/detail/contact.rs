//! « Modifier le compte »: the contact data Sésame owns (e-mail, phone), edited in place in the
//! account panel; what comes from the source systems is never editable.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::accounts::{AccountDetail, ContactPatch};

use crate::api::{self, ApiError};
use crate::app::{expire, Console};
use crate::token::authed;

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

/// The edit form, opened with the account's current `email` and `phone`. A problem that names
/// no field of the form is said in the panel's `error`.
#[component]
pub(super) fn ContactForm(
    url: String,
    email: String,
    phone: String,
    error: RwSignal<Option<String>>,
    on_saved: Callback<AccountDetail>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let url = StoredValue::new(url);
    let email = RwSignal::new(email);
    let phone = RwSignal::new(phone);
    let email_error = RwSignal::new(None::<String>);
    let phone_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let email_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = email_input.get() {
            let _ = el.focus();
        }
    });

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
                Ok(d) => on_saved.run(d),
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

    view! {
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
                    on:click=move |_| on_cancel.run(())
                >
                    "Annuler la modification"
                </button>
            </div>
        </form>
    }
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
            problem: Some(Box::new(Problem {
                kind: "x".into(),
                title: "Requête invalide".into(),
                status: 422,
                detail: None,
                errors: vec![FieldError {
                    field: "email".into(),
                    message: "Adresse électronique invalide.".into(),
                }],
                request_id: None,
            })),
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
