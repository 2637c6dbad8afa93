//! The directory's write operations behind their dialogs: « Régénérer le mot de passe » (one
//! user, the selection, the whole search) with its ready-to-copy messages, and blocking /
//! unblocking. The focus goes into each dialog and back to what opened it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::ent::{
    EntCredentials, EntRegenerateRequest, EntRegenerateResponse, EntUser, EntUserFilters,
    EntUserPage,
};
use wasm_bindgen::JsCast;

use crate::actions::trap_tab;
use crate::api;
use crate::app::{expire, Notice, SessionSignal};
use crate::token::authed;

use super::dialogs::{addressee, dialog_body, Credential, Dialog, Target};
use super::full_name;
use super::search::users_count;

/// The signals the operations read and write; copied into every handler.
#[derive(Clone, Copy)]
pub(super) struct Operations {
    pub uai: StoredValue<String>,
    pub session: SessionSignal,
    pub notice: Notice,
    pub results: RwSignal<Option<EntUserPage>>,
    pub selected: RwSignal<Vec<String>>,
    /// Bumped to search again (after a change of state).
    pub nonce: RwSignal<u32>,
    pub dialog: RwSignal<Option<Dialog>>,
    pub dialog_node: NodeRef<leptos::html::Div>,
    pub opener: StoredValue<Option<web_sys::Element>, LocalStorage>,
    pub banner_text: RwSignal<Option<String>>,
    pub banner: NodeRef<leptos::html::Div>,
    pub action_error: RwSignal<Option<String>>,
    pub copied: RwSignal<String>,
}

impl Operations {
    pub fn new(
        uai: String,
        session: SessionSignal,
        notice: Notice,
        results: RwSignal<Option<EntUserPage>>,
        selected: RwSignal<Vec<String>>,
        nonce: RwSignal<u32>,
    ) -> Self {
        let ops = Operations {
            uai: StoredValue::new(uai),
            session,
            notice,
            results,
            selected,
            nonce,
            dialog: RwSignal::new(None),
            dialog_node: NodeRef::new(),
            opener: StoredValue::new_local(None),
            banner_text: RwSignal::new(None),
            banner: NodeRef::new(),
            action_error: RwSignal::new(None),
            copied: RwSignal::new(String::new()),
        };
        let node = ops.dialog_node;
        Effect::new(move |_| {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        });
        ops
    }

    fn open(self, d: Dialog) {
        self.opener.set_value(document().active_element());
        self.action_error.set(None);
        self.copied.set(String::new());
        self.dialog.set(Some(d));
    }

    /// Back to what opened the dialog, or to the banner when it is gone (a row that left).
    fn focus_back(self) {
        let back = self
            .opener
            .get_value()
            .filter(|el| el.is_connected())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        match back {
            Some(el) => {
                let _ = el.focus();
            }
            None => {
                if let Some(b) = self.banner.get_untracked() {
                    let _ = b.focus();
                }
            }
        }
    }

    fn close(self) {
        if matches!(
            self.dialog.get_untracked(),
            None | Some(Dialog::Working { .. })
        ) {
            return;
        }
        self.dialog.set(None);
        self.focus_back();
    }

    fn names_on_page(self) -> Vec<(String, String)> {
        self.results.with_untracked(|r| {
            r.as_ref()
                .map(|p| {
                    p.items
                        .iter()
                        .map(|u| (u.id.clone(), full_name(u)))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// « Pour la sélection… → Régénérer le mot de passe → ok ».
    pub fn ask_regenerate_selection(self) {
        let ids = self.selected.get_untracked();
        if ids.is_empty() {
            return;
        }
        let who = (ids.len() == 1)
            .then(|| {
                self.names_on_page()
                    .into_iter()
                    .find(|(id, _)| *id == ids[0])
                    .map(|(_, n)| n)
            })
            .flatten();
        self.open(Dialog::Regenerate {
            count: ids.len() as u64,
            target: Target::Ids(ids),
            who,
            criteria: Vec::new(),
        });
    }

    /// Every user the search finds, on every page.
    pub fn ask_regenerate_all(self, filters: EntUserFilters, count: u64, criteria: Vec<String>) {
        if count == 0 {
            return;
        }
        self.open(Dialog::Regenerate {
            target: Target::All(filters),
            count,
            who: None,
            criteria,
        });
    }

    /// A row's « Régénérer le mot de passe » (`true`) or « Bloquer » / « Débloquer ».
    pub fn row_action(self, user: EntUser, regenerate_one: bool) {
        if regenerate_one {
            let who = Some(full_name(&user));
            self.open(Dialog::Regenerate {
                target: Target::Ids(vec![user.id.clone()]),
                count: 1,
                who,
                criteria: Vec::new(),
            });
        } else {
            let block = user.state != "Bloqué";
            self.open(Dialog::SetState { user, block });
        }
    }

    fn regenerate(self, target: Target, count: u64) {
        let names = self.names_on_page();
        self.dialog.set(Some(Dialog::Working { count }));
        let request = match target {
            Target::Ids(ids) => EntRegenerateRequest {
                ids: Some(ids),
                all_matching: None,
            },
            Target::All(f) => EntRegenerateRequest {
                ids: None,
                all_matching: Some(f),
            },
        };
        let url = api::url::ent_regenerate_passwords(&self.uai.get_value());
        spawn_local(async move {
            let got =
                authed(self.session, |token| {
                    let (url, request) = (url.clone(), request.clone());
                    async move {
                        api::post_json::<_, EntRegenerateResponse>(&url, &request, &token).await
                    }
                })
                .await;
            if self.dialog.is_disposed() {
                return;
            }
            match got {
                Ok(r) => {
                    let list = r
                        .results
                        .into_iter()
                        .map(|c: EntCredentials| Credential {
                            name: names
                                .iter()
                                .find(|(id, _)| *id == c.id)
                                .map(|(_, n)| n.clone())
                                .or_else(|| addressee(&c.message))
                                .unwrap_or_else(|| c.login.clone()),
                            login: c.login,
                            message: c.message,
                        })
                        .collect::<Vec<_>>();
                    self.banner_text.set(Some(format!(
                        "Mot de passe régénéré pour {}.",
                        users_count(list.len() as u64)
                    )));
                    self.selected.set(Vec::new());
                    self.dialog.set(Some(Dialog::Credentials(list)));
                }
                Err(e) if e.status() == Some(401) => expire(self.session, self.notice),
                Err(e) => {
                    self.dialog.set(None);
                    self.action_error.set(Some(e.message()));
                    self.focus_back();
                }
            }
        });
    }

    fn set_state(self, user: EntUser, block: bool) {
        self.dialog.set(None);
        let verb = if block { "block" } else { "unblock" };
        let url = api::url::ent_user_state(&self.uai.get_value(), &user.id, verb);
        let name = full_name(&user);
        spawn_local(async move {
            let got = authed(self.session, |token| {
                let url = url.clone();
                async move { api::post_empty(&url, &token).await }
            })
            .await;
            if self.banner_text.is_disposed() {
                return;
            }
            match got {
                Ok(()) => {
                    self.banner_text.set(Some(if block {
                        format!("Le compte de {name} est bloqué.")
                    } else {
                        format!("Le compte de {name} est débloqué.")
                    }));
                    self.nonce.update(|n| *n = n.wrapping_add(1));
                }
                Err(e) if e.status() == Some(401) => {
                    expire(self.session, self.notice);
                    return;
                }
                Err(e) => self.action_error.set(Some(e.message())),
            }
            self.focus_back();
        });
    }

    fn confirm(self) {
        match self.dialog.get_untracked() {
            Some(Dialog::Regenerate { target, count, .. }) => self.regenerate(target, count),
            Some(Dialog::SetState { user, block }) => self.set_state(user, block),
            _ => {}
        }
    }

    fn on_key(self, ev: leptos::ev::KeyboardEvent) {
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                self.close();
            }
            "Tab" => {
                if let Some(el) = self.dialog_node.get_untracked() {
                    trap_tab(&ev, &el);
                }
            }
            _ => {}
        }
    }

    /// The open dialog, if any.
    pub fn view(self) -> impl IntoView {
        move || {
            self.dialog.get().map(|d| {
                let wide = matches!(d, Dialog::Credentials(_));
                view! {
                    <div class="modal">
                        <div
                            class="modal__dialog"
                            class:modal__dialog--wide=wide
                            role="dialog"
                            aria-modal="true"
                            aria-labelledby="directory-dialog-title"
                            aria-describedby="directory-dialog-desc"
                            tabindex="-1"
                            node_ref=self.dialog_node
                            on:keydown=move |ev| self.on_key(ev)
                        >
                            {dialog_body(d, move || self.confirm(), move || self.close(), self.copied)}
                        </div>
                    </div>
                }
            })
        }
    }
}
