//! The bulk actions on the selection (reset the passwords, notify, list): their state, from
//! the dialog that confirms one to the banner that tells how it went, and their calls.

use leptos::prelude::*;
use leptos::task::spawn_local;

use sesame_api::accounts::{ListRequest, NotifyRequest, SearchFilters, SelectionRequest};
use sesame_core::{Channel, DocumentFormat};

use crate::actions;
use crate::api::{self, ApiError};
use crate::app::{expire, Console, Notice, SessionSignal};
use crate::token::authed;

use super::dialogs::{focused, Dialog};
use super::outcome::{notify_outcome, outcome_view, reset_outcome, Outcome};
use super::population::Population;
use super::requests::{list_document, perform};
use super::search::Search;
use super::selection::Selection;

/// The signals of the bulk actions; copied into every handler.
#[derive(Clone, Copy)]
pub(super) struct Bulk {
    search: Search,
    pub selection: Selection,
    session: SessionSignal,
    notice: Notice,
    /// The confirmation dialog open, if any.
    pub dialog: RwSignal<Option<Dialog>>,
    /// A reset asked from a row (troubleshooting): that account only.
    pub target: RwSignal<Option<String>>,
    pub notify_reset: RwSignal<bool>,
    pub channel: RwSignal<Channel>,
    pub list_format: RwSignal<DocumentFormat>,
    pub working: RwSignal<bool>,
    pub progress: RwSignal<Option<(u64, u64)>>,
    pub outcome: RwSignal<Option<Outcome>>,
    pub error: RwSignal<Option<String>>,
    opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
    pub dialog_node: NodeRef<leptos::html::Div>,
    pub banner: NodeRef<leptos::html::Div>,
}

impl Bulk {
    pub fn new(search: Search, selection: Selection) -> Self {
        let Console { session, notice } = expect_context();
        let bulk = Bulk {
            search,
            selection,
            session,
            notice,
            dialog: RwSignal::new(None),
            target: RwSignal::new(None),
            notify_reset: RwSignal::new(false),
            channel: RwSignal::new(Channel::Letter),
            list_format: RwSignal::new(DocumentFormat::Pdf),
            working: RwSignal::new(false),
            progress: RwSignal::new(None),
            outcome: RwSignal::new(None),
            error: RwSignal::new(None),
            opener: StoredValue::new_local(None),
            dialog_node: NodeRef::new(),
            banner: NodeRef::new(),
        };
        let dialog_node = bulk.dialog_node;
        // Focus goes into the dialog as it opens.
        Effect::new(move |_| {
            if let Some(el) = dialog_node.get() {
                let _ = el.focus();
            }
        });
        bulk
    }

    /// Nothing to act on, or an action under way.
    pub fn cannot_act(self) -> bool {
        self.selection.count() == 0 || self.working.get()
    }

    pub fn open(self, d: Dialog) {
        if (self.selection.count() > 0 || self.target.with_untracked(Option::is_some))
            && !self.working.get_untracked()
        {
            self.opener.set_value(focused());
            self.notify_reset.set(false);
            self.channel.set(Channel::Letter);
            self.dialog.set(Some(d));
        }
    }

    /// A row's « Réinitialiser » (troubleshooting): the reset dialog for that account.
    pub fn reset_row(self, id: String) {
        if self.working.get_untracked() {
            return;
        }
        self.target.set(Some(id));
        self.open(Dialog::Reset);
    }

    pub fn close(self) {
        if self.dialog.get_untracked().is_none() {
            return;
        }
        self.dialog.set(None);
        self.target.set(None);
        // Back to the button that opened it.
        if let Some(b) = self.opener.get_value() {
            let _ = b.focus();
        }
    }

    fn finish(self, got: Result<Outcome, ApiError>) {
        if self.working.is_disposed() {
            return;
        }
        self.working.set(false);
        self.progress.set(None);
        match got {
            Ok(o) => {
                let listed = matches!(o, Outcome::Listed { .. });
                self.outcome.set(Some(o));
                if !listed {
                    self.selection.clear();
                    // The states and dates have changed: fetch the page again.
                    self.search.refresh();
                }
            }
            Err(e) if e.status() == Some(401) => {
                expire(self.session, self.notice);
                return;
            }
            Err(e) => self.error.set(Some(e.message())),
        }
        if let Some(b) = self.banner.get_untracked() {
            let _ = b.focus();
        }
    }

    /// The accounts the action is about: a row, the whole search, or the ticked rows.
    fn begin(self) -> (Option<Vec<String>>, Option<SearchFilters>) {
        let (ids, filters): (Option<Vec<String>>, Option<SearchFilters>) = match (
            self.target.get_untracked(),
            self.selection.all_matching.get_untracked(),
        ) {
            (Some(id), _) => (Some(vec![id]), None),
            (None, Some(_)) => (None, Some(self.search.criteria.get_untracked().filters())),
            (None, None) => (Some(self.selection.selected.get_untracked()), None),
        };
        self.dialog.set(None);
        self.target.set(None);
        self.working.set(true);
        self.progress.set(None);
        self.outcome.set(None);
        self.error.set(None);
        // Focus waits on the banner, which announces the outcome.
        if let Some(b) = self.banner.get_untracked() {
            let _ = b.focus();
        }
        (ids, filters)
    }

    /// « Confirmer » in the dialog open.
    pub fn confirm(self) {
        match self.dialog.get_untracked() {
            Some(Dialog::Reset) => self.confirm_reset(),
            Some(Dialog::Notify) => self.confirm_notify(),
            Some(Dialog::List) => self.confirm_list(),
            None => {}
        }
    }

    fn confirm_reset(self) {
        let (ids, all_matching) = self.begin();
        let request = SelectionRequest { ids, all_matching };
        let url = api::url::accounts_reset_password(&self.search.uai.get_value(), self.segment());
        spawn_local(async move {
            let got = perform(self.session, self.progress, |token| {
                let (url, request) = (url.clone(), request.clone());
                async move { api::post_action(&url, &request, &token).await }
            })
            .await;
            self.finish(got.map(reset_outcome));
        });
    }

    fn confirm_notify(self) {
        let reset_password = self.notify_reset.get_untracked();
        let channel = self.channel.get_untracked();
        let (ids, all_matching) = self.begin();
        let request = NotifyRequest {
            ids,
            all_matching,
            channel,
            reset_password,
        };
        let url = api::url::accounts_notify(&self.search.uai.get_value(), self.segment());
        spawn_local(async move {
            let got = perform(self.session, self.progress, |token| {
                let (url, request) = (url.clone(), request.clone());
                async move { api::post_action(&url, &request, &token).await }
            })
            .await;
            self.finish(got.map(notify_outcome));
        });
    }

    fn confirm_list(self) {
        let format = self.list_format.get_untracked();
        let (ids, all_matching) = self.begin();
        let request = ListRequest {
            ids,
            all_matching,
            format,
        };
        let url = api::url::accounts_list(&self.search.uai.get_value(), self.segment());
        spawn_local(async move {
            let got = authed(self.session, |token| {
                let (url, request) = (url.clone(), request.clone());
                async move { list_document(&url, &request, &token).await }
            })
            .await;
            let got = got.and_then(|doc| {
                actions::save(&doc).map_err(|_| {
                    ApiError::Failed("le téléchargement n’a pas pu démarrer.".into())
                })?;
                Ok(Outcome::Listed {
                    filename: doc.filename,
                })
            });
            self.finish(got);
        });
    }

    /// A document named in the outcome (the letters, the list).
    pub fn download(self, id: String) {
        actions::download(self.session, self.notice, self.error, id);
    }

    pub fn on_dialog_key(self, ev: leptos::ev::KeyboardEvent) {
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                self.close();
            }
            "Tab" => {
                if let Some(el) = self.dialog_node.get_untracked() {
                    actions::trap_tab(&ev, &el);
                }
            }
            _ => {}
        }
    }

    fn segment(self) -> &'static str {
        self.search.population.as_str()
    }
}

/// The selection's count and the buttons of the actions the caller may take.
#[component]
pub(super) fn ActionBar(
    bulk: Bulk,
    may_notify: bool,
    may_list: bool,
    may_reset: bool,
) -> impl IntoView {
    let population = bulk.search.population;
    view! {
        <div
            class="actions"
            role="group"
            aria-label=format!("Actions sur les {} sélectionnés", match population {
                Population::Guardians => "responsables",
                _ => "élèves",
            })
        >
            <p class="actions__count" aria-live="polite">
                {move || population.selection(bulk.selection.count())}
            </p>
            {[
                (may_notify, Dialog::Notify, "(Re)notifier les comptes"),
                (may_list, Dialog::List, "Lister les comptes"),
                (may_reset, Dialog::Reset, "Réinitialiser les mots de passe"),
            ]
                .into_iter()
                .filter(|(allowed, _, _)| *allowed)
                .map(|(_, dialog, label)| {
                    view! {
                        <button
                            type="button"
                            class="button button--secondary"
                            aria-haspopup="dialog"
                            disabled=move || bulk.cannot_act()
                            on:click=move |_| bulk.open(dialog)
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The action under way (with its progress when it runs as a job), then its outcome; and
/// the alert when it failed.
#[component]
pub(super) fn ActionBanner(bulk: Bulk) -> impl IntoView {
    let Bulk {
        working,
        progress,
        outcome,
        error,
        banner,
        ..
    } = bulk;
    let population = bulk.search.population;
    let download = move |id: String| bulk.download(id);
    view! {
        <div
            class="banner"
            class:banner--shown=move || working.get() || outcome.with(Option::is_some)
            role="status"
            tabindex="-1"
            node_ref=banner
        >
            {move || {
                working
                    .get()
                    .then(|| {
                        let (done, total) = progress.get().unwrap_or((0, 0));
                        view! {
                            <p class="banner__line">
                                <label for="action-progress">"Traitement en cours…"</label>
                                " "
                                {(total > 0).then(|| format!("{done} / {total}"))}
                            </p>
                            {if total > 0 {
                                view! {
                                    <progress
                                        id="action-progress"
                                        max=total.to_string()
                                        value=done.to_string()
                                    ></progress>
                                }
                                    .into_any()
                            } else {
                                view! { <progress id="action-progress"></progress> }.into_any()
                            }}
                        }
                    })
            }}
            {move || outcome.get().map(|o| outcome_view(o, population, download))}
        </div>
        <p class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
            {move || error.get()}
        </p>
    }
}
