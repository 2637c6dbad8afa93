//! The directory's dialogs: « Régénérer le mot de passe » (confirmation, progress, the
//! ready-to-copy messages) and blocking / unblocking.

use leptos::prelude::*;
use sesame_api::ent::{EntUser, EntUserFilters};

use super::clipboard::copy_element;
use super::full_name;
use super::search::users_count;

/// Whom a credentials message greets (« Bonjour Prénom Nom, »), for users not on the page.
pub fn addressee(message: &str) -> Option<String> {
    let first = message.lines().next()?.trim();
    let name = first.strip_prefix("Bonjour ")?.trim_end_matches(',').trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Who a mass regeneration is for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target {
    Ids(Vec<String>),
    All(EntUserFilters),
}

/// A generated message, with whom it is for.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Credential {
    pub(super) name: String,
    pub(super) login: String,
    pub(super) message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Dialog {
    Regenerate {
        target: Target,
        count: u64,
        /// The user's name when there is only one.
        who: Option<String>,
        criteria: Vec<String>,
    },
    Working {
        count: u64,
    },
    Credentials(Vec<Credential>),
    SetState {
        user: EntUser,
        block: bool,
    },
}

/// The inside of the dialog open.
pub(super) fn dialog_body(
    d: Dialog,
    confirm: impl Fn() + Copy + 'static,
    close: impl Fn() + Copy + 'static,
    copied: RwSignal<String>,
) -> AnyView {
    let actions = move |label: &'static str| {
        view! {
            <div class="modal__actions">
                <button type="button" class="button" on:click=move |_| confirm()>{label}</button>
                <button type="button" class="button button--secondary" on:click=move |_| close()>
                    "Annuler"
                </button>
            </div>
        }
    };
    match d {
        Dialog::Regenerate {
            count,
            who,
            criteria,
            target,
        } => {
            let question = match (&who, &target) {
                (Some(name), _) => format!(
                    "Êtes-vous sûr de vouloir régénérer le mot de passe de {name} ? Son mot de passe actuel ne fonctionnera plus."
                ),
                (None, Target::All(_)) => format!(
                    "Êtes-vous sûr de vouloir régénérer le mot de passe de tous les utilisateurs correspondant à la recherche, soit {} ? Leurs mots de passe actuels ne fonctionneront plus.",
                    users_count(count)
                ),
                (None, Target::Ids(_)) => format!(
                    "Êtes-vous sûr de vouloir régénérer le mot de passe des {} sélectionnés ? Leurs mots de passe actuels ne fonctionneront plus.",
                    users_count(count)
                ),
            };
            let criteria = (!criteria.is_empty())
                .then(|| view! { <p>"Critères : " {criteria.join(", ")} "."</p> });
            view! {
                <h2 id="directory-dialog-title" class="modal__title">"Régénérer le mot de passe"</h2>
                <p id="directory-dialog-desc">{question}</p>
                {criteria}
                <p class="modal__warning">
                    "Un nouveau mot de passe provisoire, à changer à la première connexion, sera attribué. Les messages avec les nouveaux identifiants s’afficheront ensuite, prêts à copier."
                </p>
                {actions("Régénérer")}
            }
            .into_any()
        }
        Dialog::Working { count } => view! {
            <h2 id="directory-dialog-title" class="modal__title">"Régénérer le mot de passe"</h2>
            <p id="directory-dialog-desc" role="status">
                <label for="directory-progress">
                    {format!("Régénération en cours pour {}…", users_count(count))}
                </label>
            </p>
            <progress id="directory-progress" class="directory__progress"></progress>
        }
        .into_any(),
        Dialog::Credentials(list) => {
            let n = list.len();
            let items = list
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    let msg_id = format!("directory-message-{i}");
                    let copy_id = msg_id.clone();
                    let who = c.name.clone();
                    view! {
                        <li class="credentials__item">
                            <p class="credentials__who">
                                <strong>{c.name}</strong>
                                " ("
                                <span class="table__id">{c.login}</span>
                                ")"
                            </p>
                            <pre id=msg_id class="credentials__message">{c.message}</pre>
                            <button
                                type="button"
                                class="button button--secondary button--small"
                                on:click=move |_| {
                                    copy_element(copy_id.clone(), "Copié".into(), copied)
                                }
                            >
                                "Copier"
                                <span class="visually-hidden">{format!(" le message de {who}")}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h2 id="directory-dialog-title" class="modal__title">"Nouveaux identifiants"</h2>
                <p id="directory-dialog-desc">
                    {format!(
                        "Mot de passe régénéré pour {}. Copiez chaque message et transmettez-le à son destinataire : il ne sera plus affiché après la fermeture de cette fenêtre.",
                        users_count(n as u64)
                    )}
                </p>
                <div class="modal__actions directory__copy-all">
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            copy_element(
                                "directory-messages".into(),
                                format!("Copié : {n} message(s)."),
                                copied,
                            )
                        }
                    >
                        "Tout copier"
                    </button>
                    <p class="directory__copied" role="status" aria-live="polite">{move || copied.get()}</p>
                </div>
                <ol id="directory-messages" class="credentials">{items}</ol>
                <div class="modal__actions">
                    <button type="button" class="button button--secondary" on:click=move |_| close()>
                        "Fermer"
                    </button>
                </div>
            }
            .into_any()
        }
        Dialog::SetState { user, block } => {
            let name = full_name(&user);
            let (title, question, label) = if block {
                (
                    "Bloquer le compte",
                    format!("Êtes-vous sûr de vouloir bloquer le compte de {name} ({}) ? Il ne pourra plus se connecter à l’ENT tant que son compte sera bloqué.", user.login),
                    "Bloquer",
                )
            } else {
                (
                    "Débloquer le compte",
                    format!("Êtes-vous sûr de vouloir débloquer le compte de {name} ({}) ? Il pourra de nouveau se connecter à l’ENT.", user.login),
                    "Débloquer",
                )
            };
            view! {
                <h2 id="directory-dialog-title" class="modal__title">{title}</h2>
                <p id="directory-dialog-desc">{question}</p>
                {actions(label)}
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addressee_of_a_message() {
        assert_eq!(
            addressee("Bonjour Nadia Arnaud,\nVoici vos identifiants").as_deref(),
            Some("Nadia Arnaud")
        );
        assert_eq!(addressee("Hello"), None);
        assert_eq!(addressee(""), None);
    }
}
