//! « Créer un utilisateur »: the creation form, its field errors and the new credentials.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::ent::{EntGroupNode, EntSubjects, EntUserCreated, NewEntUser};
use sesame_api::FieldError;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::app::{expire, Console};
use crate::route::encode;
use crate::token::authed;

use super::clipboard::copy_element;
use super::full_name;
use super::groups::member_groups;
use super::search::{non_empty, PROFILES};

/// The messages of the field errors about `field`, joined.
pub fn field_message(errors: &[FieldError], field: &str) -> Option<String> {
    let list: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect();
    (!list.is_empty()).then(|| list.join(" "))
}

/// The field errors of a refused request (422 problem+json), if that is what it is.
fn field_errors(e: &ApiError) -> Vec<FieldError> {
    match e {
        ApiError::Status {
            problem: Some(p), ..
        } => p.errors.clone(),
        _ => Vec::new(),
    }
}

/// « Créer un utilisateur »: the form, the field errors from the server, the created login.
#[component]
pub(super) fn CreateUser(
    uai: String,
    tree: RwSignal<Option<EntGroupNode>>,
    /// The directory's subjects, suggested for « Matière enseignée ».
    subjects: RwSignal<Option<EntSubjects>>,
    on_created: impl Fn() + Copy + Send + Sync + 'static,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let profile = RwSignal::new(String::new());
    let family_name = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let groups = RwSignal::new(Vec::<String>::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let created = RwSignal::new(None::<EntUserCreated>);
    let created_copied = RwSignal::new(String::new());
    let created_banner = NodeRef::<leptos::html::Div>::new();
    let form_alert = NodeRef::<leptos::html::P>::new();
    let first_field = NodeRef::<leptos::html::Select>::new();
    let uai = StoredValue::new(uai);

    // The cursor goes to the form as it opens.
    Effect::new(move |_| {
        if let Some(el) = first_field.get() {
            let _ = el.focus();
        }
    });

    // By id, in the form's order: the attributes of the fields are updated a tick later.
    let focus_first_invalid = move || {
        let fields = ["profile", "family_name", "first_name", "email", "subject"];
        let target = errors.with_untracked(|e| {
            fields
                .into_iter()
                .find(|f| e.iter().any(|x| x.field == *f))
                .map(|f| format!("directory-new-{f}"))
        });
        let el = target
            .and_then(|id| document().get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        match el {
            Some(el) => {
                let _ = el.focus();
            }
            None => {
                if let Some(p) = form_alert.get_untracked() {
                    let _ = p.focus();
                }
            }
        }
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        error.set(None);
        created.set(None);
        let chosen_profile = profile.get_untracked();
        if chosen_profile.is_empty() {
            errors.set(vec![FieldError {
                field: "profile".into(),
                message: "Choisissez un profil.".into(),
            }]);
            error.set(Some(
                "Le formulaire contient des erreurs : corrigez les champs signalés.".into(),
            ));
            focus_first_invalid();
            return;
        }
        let body = NewEntUser {
            family_name: family_name.get_untracked(),
            first_name: first_name.get_untracked(),
            profile: chosen_profile,
            email: non_empty(&email.get_untracked()),
            subject: non_empty(&subject.get_untracked()),
            groups: groups.get_untracked(),
        };
        let url = api::url::ent_users(&uai.get_value());
        pending.set(true);
        spawn_local(async move {
            let got = authed(session, |token| {
                let (url, body) = (url.clone(), body.clone());
                async move { api::post_json::<_, EntUserCreated>(&url, &body, &token).await }
            })
            .await;
            if pending.is_disposed() {
                return;
            }
            pending.set(false);
            match got {
                Ok(c) => {
                    errors.set(Vec::new());
                    family_name.set(String::new());
                    first_name.set(String::new());
                    email.set(String::new());
                    subject.set(String::new());
                    groups.set(Vec::new());
                    created.set(Some(c));
                    on_created();
                    if let Some(b) = created_banner.get_untracked() {
                        let _ = b.focus();
                    }
                }
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => {
                    let list = field_errors(&e);
                    if list.is_empty() {
                        errors.set(Vec::new());
                        error.set(Some(e.message()));
                    } else {
                        errors.set(list);
                        error.set(Some(
                            "Le formulaire contient des erreurs : corrigez les champs signalés."
                                .into(),
                        ));
                    }
                    focus_first_invalid();
                }
            }
        });
    };

    let message_of = move |field: &'static str| errors.with(|e| field_message(e, field));
    let invalid = move |field: &'static str| message_of(field).is_some().to_string();
    let described = move |field: &'static str, hint: Option<&'static str>| {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if message_of(field).is_some() {
            ids.push(format!("directory-new-{field}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let error_line = move |field: &'static str| {
        view! {
            <p id=format!("directory-new-{field}-error") class="field__error">
                {move || message_of(field)}
            </p>
        }
    };
    let text_input = move |field: &'static str,
                           label: &'static str,
                           value: RwSignal<String>,
                           kind: &'static str,
                           hint: Option<(&'static str, &'static str)>,
                           list: Option<&'static str>| {
        let input_id = format!("directory-new-{field}");
        let hint_id = hint.map(|(id, _)| id);
        view! {
            <div class="field">
                <label for=input_id.clone()>{label}</label>
                <input
                    id=input_id
                    name=field
                    type=kind
                    list=list
                    autocomplete="off"
                    aria-invalid=move || invalid(field)
                    aria-describedby=move || described(field, hint_id)
                    bind:value=value
                />
                {hint.map(|(id, text)| view! { <p id=id class="field__hint">{text}</p> })}
                {error_line(field)}
            </div>
        }
    };
    let group_choices = move || tree.with(|t| t.as_ref().map(member_groups).unwrap_or_default());

    view! {
        <section class="directory__create" aria-labelledby="directory-create-title">
            <h4 id="directory-create-title">"Créer un utilisateur"</h4>
            <form id="directory-create-form" class="directory__create-form" novalidate on:submit=on_submit>
                <p class="field__hint">"Les champs marqués d’un astérisque (*) sont obligatoires."</p>
                <p
                    class="alert"
                    class:alert--shown=move || error.with(Option::is_some)
                    role="alert"
                    tabindex="-1"
                    node_ref=form_alert
                >
                    {move || error.get()}
                </p>
                <div class="filters__grid directory__grid">
                    <div class="field">
                        <label for="directory-new-profile">"Profil *"</label>
                        <select
                            id="directory-new-profile"
                            name="profile"
                            node_ref=first_field
                            aria-required="true"
                            aria-invalid=move || invalid("profile")
                            aria-describedby=move || described("profile", None)
                            prop:value=move || profile.get()
                            on:change=move |ev| profile.set(event_target_value(&ev))
                        >
                            <option value="">"Choisissez un profil"</option>
                            {PROFILES
                                .into_iter()
                                .map(|p: &'static str| {
                                    view! {
                                        <option value=p selected=move || profile.with(|v| v == p)>{p}</option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        {error_line("profile")}
                    </div>
                    {text_input("family_name", "Nom *", family_name, "text", None, None)}
                    {text_input("first_name", "Prénom *", first_name, "text", None, None)}
                    {text_input(
                        "email",
                        "Adresse électronique",
                        email,
                        "email",
                        Some(("directory-new-email-hint", "Facultative, par exemple prenom.nom@example.fr.")),
                        None,
                    )}
                    {text_input(
                        "subject",
                        "Matière enseignée",
                        subject,
                        "text",
                        Some((
                            "directory-new-subject-hint",
                            "Facultative, pour les enseignants : une matière de l’annuaire, ou une nouvelle.",
                        )),
                        Some("directory-new-subjects"),
                    )}
                    // The subjects already taught here, offered as the field is typed in.
                    <datalist id="directory-new-subjects">
                        {move || {
                            subjects
                                .with(|s| s.as_ref().map(|s| s.subjects.clone()).unwrap_or_default())
                                .into_iter()
                                .map(|v| view! { <option value=v></option> })
                                .collect_view()
                        }}
                    </datalist>
                </div>
                <fieldset
                    class="directory__groups"
                    aria-describedby=move || described("groups", None)
                >
                    <legend>"Groupes (facultatif)"</legend>
                    {move || {
                        group_choices()
                            .into_iter()
                            .map(|(id, name)| {
                                let input_id = format!(
                                    "directory-new-group-{}",
                                    encode(&id).replace('%', "_"),
                                );
                                let value = id.clone();
                                let toggled = id.clone();
                                view! {
                                    <div class="check">
                                        <input
                                            id=input_id.clone()
                                            type="checkbox"
                                            name="groups"
                                            value=id
                                            prop:checked=move || groups.with(|g| g.contains(&value))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let id = toggled.clone();
                                                groups
                                                    .update(|g| {
                                                        g.retain(|x| *x != id);
                                                        if on {
                                                            g.push(id);
                                                        }
                                                    });
                                            }
                                        />
                                        <label for=input_id>{name}</label>
                                    </div>
                                }
                            })
                            .collect_view()
                    }}
                    {error_line("groups")}
                </fieldset>
                <div class="filters__actions">
                    <button
                        type="submit"
                        class="button"
                        aria-disabled=move || pending.get().to_string()
                    >
                        {move || if pending.get() { "Création…" } else { "Créer l’utilisateur" }}
                    </button>
                    <button type="button" class="button button--secondary" on:click=move |_| on_close()>
                        "Fermer le formulaire"
                    </button>
                </div>
            </form>
            <div
                class="banner"
                class:banner--shown=move || created.with(Option::is_some)
                role="status"
                tabindex="-1"
                node_ref=created_banner
            >
                {move || {
                    created
                        .get()
                        .map(|c| {
                            let name = full_name(&c.user);
                            view! {
                                <p class="banner__line">
                                    {format!("L’utilisateur {name} a été créé. ")}
                                    "Identifiant : "
                                    <strong class="directory__created-login">{c.user.login.clone()}</strong>
                                    " — mot de passe provisoire : "
                                    <strong class="password">{c.password.clone()}</strong>
                                </p>
                                <pre id="directory-created-message" class="credentials__message">
                                    {c.message.clone()}
                                </pre>
                                <div class="banner__actions">
                                    <button
                                        type="button"
                                        class="button button--secondary button--small"
                                        on:click=move |_| {
                                            copy_element(
                                                "directory-created-message".into(),
                                                "Copié".into(),
                                                created_copied,
                                            )
                                        }
                                    >
                                        "Copier"
                                        <span class="visually-hidden">" le message"</span>
                                    </button>
                                    <span aria-live="polite">{move || created_copied.get()}</span>
                                </div>
                            }
                        })
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_messages_are_joined() {
        let errors = vec![
            FieldError {
                field: "family_name".into(),
                message: "Ce champ est obligatoire.".into(),
            },
            FieldError {
                field: "email".into(),
                message: "Adresse électronique invalide.".into(),
            },
        ];
        assert_eq!(
            field_message(&errors, "family_name").as_deref(),
            Some("Ce champ est obligatoire.")
        );
        assert_eq!(field_message(&errors, "profile"), None);
    }
}
