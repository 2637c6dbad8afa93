//! « Élèves », « Élèves extérieurs » and « Responsables »: the account searches and their
//! actions (seed 001 §3 to §5, « Gestion des comptes … »), also as the troubleshooting module
//! shows them to a teacher (§3.5, « module de dépannage »: password column, no notification).

mod columns;
pub(crate) mod dialogs;
mod filters;
pub(crate) mod outcome;
pub(crate) mod population;
pub(crate) mod requests;
mod row;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use sesame_api::accounts::{
    AccountItem, ListRequest, NotifyRequest, SearchFilters, SelectionRequest, Structure,
};
use sesame_api::Page;

use crate::actions;
use crate::api::{self, ApiError};
use crate::app::{authed, expire, navigate, Console, RouteSignal};
use crate::detail::AccountPanel;
use crate::load::Load;
use crate::pager::RangePager;
use crate::route::{AccountSearch, Route, Tab};
use crate::text;

use columns::{aria_sort, columns, next_sort};
use dialogs::{focused, list_choices, notify_choices, reset_question, reset_when, Dialog};
use filters::{FilterFields, FilterForm};
use outcome::{notify_outcome, outcome_view, reset_outcome, Outcome};
use population::Population;
use requests::{list_document, perform};
use row::{AccountRow, GuardianRows, RowActions};

#[component]
pub fn AccountsView(
    uai: String,
    tab: Tab,
    rights: Vec<String>,
    route: RouteSignal,
) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let population = Population::of(tab).unwrap_or(Population::Students);
    let may = {
        let rights = rights.clone();
        move |verb: &str| rights.iter().any(|r| *r == population.right(verb))
    };
    let may_notify = may("notify");
    let may_list = may("list");
    let may_reset = may("reset-password");
    let may_view = may("view");
    // The troubleshooting module: it resets passwords but does not notify (seed §3.5).
    let troubleshooting = !may_notify && may_reset;
    let cols = columns(population, troubleshooting);
    let seg = population.segment();

    let search = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Accounts { search, tab: t, .. } if *t == tab => search.clone(),
            _ => AccountSearch::default(),
        })
    });
    let form = FilterForm::new();
    // The form shows the search in force, also after Back / Forward.
    Effect::new(move |_| form.show(search.get()));

    let structure = RwSignal::new(None::<Structure>);
    let homes = RwSignal::new(Vec::<(String, String)>::new());
    {
        let uai = uai.clone();
        spawn_local(async move {
            // Without it the filters are empty lists; the search itself still works.
            let got = authed(session, |token| {
                let uai = uai.clone();
                async move { api::structure(&uai, &token).await }
            })
            .await;
            if let Ok(s) = got {
                if !structure.is_disposed() {
                    structure.set(Some(s));
                }
            }
        });
    }
    if population == Population::ExternalStudents {
        // The home establishments, for the « Établissement de rattachement » filter.
        let url = api::url::external_students_all(&uai);
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { api::get::<Page<AccountItem>>(&url, &token).await }
            })
            .await;
            if let Ok(page) = got {
                let mut list: Vec<(String, String)> = page
                    .items
                    .into_iter()
                    .filter_map(|a| a.home_uai.map(|u| (u, a.home_name.unwrap_or_default())))
                    .collect();
                list.sort();
                list.dedup();
                if !homes.is_disposed() {
                    homes.set(list);
                }
            }
        });
    }

    let results = RwSignal::new(Load::Loading);
    let nonce = RwSignal::new(0u32);
    let generation = StoredValue::new(0u64);
    let uai_stored = StoredValue::new(uai.clone());
    Effect::new(move |_| {
        nonce.track();
        let query = search.with(AccountSearch::api_query);
        let url = api::url::accounts_search(&uai_stored.get_value(), seg, &query);
        let uai = uai_stored.get_value();
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        results.set(Load::Loading);
        spawn_local(async move {
            let got = authed(session, |token| {
                let (url, uai, query) = (url.clone(), uai.clone(), query.clone());
                async move {
                    match population {
                        Population::Students => api::students(&uai, &query, &token).await,
                        _ => api::get::<Page<AccountItem>>(&url, &token).await,
                    }
                }
            })
            .await;
            // A later search has been started (or the screen left): this answer is stale.
            if results.is_disposed() || generation.get_value() != this {
                return;
            }
            match got {
                Ok(page) => results.set(Load::Loaded(page)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => results.set(Load::Failed(e.message())),
            }
        });
    });

    let go = move |search: AccountSearch| {
        nonce.update(|n| *n = n.wrapping_add(1));
        navigate(
            route,
            Route::Accounts {
                uai: uai_stored.get_value(),
                tab,
                search,
            },
        );
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        go(form.search(population, search.get_untracked().sort));
    };
    let reset_form = move |_| {
        go(AccountSearch::default());
    };
    let to_page = move |page: u64| {
        let mut s = search.get_untracked();
        // « Suivant » continues after the last row shown (the API's cursor): no row is
        // repeated or skipped when accounts change between two pages, and a deep page costs
        // what the first does. Other pages go by number.
        s.after = results.with_untracked(|r| match r {
            Load::Loaded(p) if p.page + 1 == page => p.next.clone().unwrap_or_default(),
            _ => String::new(),
        });
        s.page = page;
        go(s);
    };
    let sort_by = move |key: &'static str| {
        let mut s = search.get_untracked();
        s.sort = next_sort(&s.sort, key);
        s.page = 1;
        s.after.clear();
        go(s);
    };

    let loaded = move || {
        results.with(|r| match r {
            Load::Loaded(p) => Some((p.total, p.page.max(1), p.per_page)),
            _ => None,
        })
    };
    let total = move || loaded().map(|(t, _, _)| t).unwrap_or(0);
    let status = move || {
        results.with(|r| match r {
            Load::Loading => "Recherche en cours…".to_owned(),
            Load::Loaded(p) => population.count(p.total),
            Load::Failed(_) => String::new(),
        })
    };
    let failure = move || results.with(Load::failure);
    let rows = move || {
        results.with(|r| match r {
            Load::Loaded(p) => p.items.clone(),
            _ => Vec::new(),
        })
    };
    let has_rows = move || results.with(|r| matches!(r, Load::Loaded(p) if !p.items.is_empty()));
    let empty = move || results.with(|r| matches!(r, Load::Loaded(p) if p.items.is_empty()));
    let pages = move || loaded().map(|(total, page, per)| (page, text::page_count(total, per)));
    let caption = move || match pages() {
        Some((page, count)) if count > 1 => {
            format!("{} (page {page} sur {count})", population.caption())
        }
        _ => population.caption().to_owned(),
    };

    // Row selection (the visible page, or the whole search), and the bulk actions on it.
    let selected = RwSignal::new(Vec::<String>::new());
    // `Some(n)`: the n accounts matching the search are selected, not only this page.
    let all_matching = RwSignal::new(None::<u64>);
    // Rows that left the page (new search, refresh) leave the selection too.
    Effect::new(move |_| {
        results.with(|r| {
            if let Load::Loaded(p) = r {
                let ids: Vec<String> = p.items.iter().map(|a| a.id.clone()).collect();
                if selected.with_untracked(|s| s.iter().any(|x| !ids.contains(x))) {
                    selected.update(|s| s.retain(|x| ids.contains(x)));
                }
            }
        });
    });
    // Another search, another page: a « whole search » selection does not carry over.
    Effect::new(move |_| {
        search.track();
        all_matching.set(None);
    });
    let selected_count = move || {
        all_matching
            .get()
            .unwrap_or_else(|| selected.with(Vec::len) as u64)
    };
    let selected_activated = move || {
        if all_matching.get().is_some() {
            return None;
        }
        Some(results.with(|r| match r {
            Load::Loaded(p) => selected.with(|s| {
                p.items
                    .iter()
                    .filter(|a| a.state == "activated" && s.contains(&a.id))
                    .count()
            }),
            _ => 0,
        }))
    };
    let page_ids = move || {
        results.with(|r| match r {
            Load::Loaded(p) => p.items.iter().map(|a| a.id.clone()).collect(),
            _ => Vec::<String>::new(),
        })
    };
    let page_selected = move || {
        let ids = page_ids();
        if all_matching.get().is_some() {
            return (ids.len(), ids.len());
        }
        let n = selected.with(|s| ids.iter().filter(|i| s.contains(i)).count());
        (n, ids.len())
    };
    // The offer to widen the selection to the whole search, once the page is selected.
    let offer_all = move || {
        let (n, all) = page_selected();
        all > 0 && n == all && all_matching.get().is_none() && total() > all as u64
    };

    let dialog = RwSignal::new(None::<Dialog>);
    // A reset asked from a row (troubleshooting): that account only.
    let target = RwSignal::new(None::<String>);
    let notify_reset = RwSignal::new(false);
    let channel = RwSignal::new("letter".to_owned());
    let list_format = RwSignal::new("pdf".to_owned());
    let working = RwSignal::new(false);
    let progress = RwSignal::new(None::<(u64, u64)>);
    let outcome = RwSignal::new(None::<Outcome>);
    let action_error = RwSignal::new(None::<String>);
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let dialog_node = NodeRef::<leptos::html::Div>::new();
    let banner = NodeRef::<leptos::html::Div>::new();
    let cannot_act = move || selected_count() == 0 || working.get();
    let detail = RwSignal::new(None::<String>);

    // Focus goes into the dialog as it opens.
    Effect::new(move |_| {
        if let Some(el) = dialog_node.get() {
            let _ = el.focus();
        }
    });
    let open = move |d: Dialog| {
        if (selected_count() > 0 || target.with_untracked(Option::is_some))
            && !working.get_untracked()
        {
            opener.set_value(focused());
            notify_reset.set(false);
            channel.set("letter".into());
            dialog.set(Some(d));
        }
    };
    let close = move || {
        if dialog.get_untracked().is_none() {
            return;
        }
        dialog.set(None);
        target.set(None);
        // Back to the button that opened it.
        if let Some(b) = opener.get_value() {
            let _ = b.focus();
        }
    };
    let finish = move |got: Result<Outcome, ApiError>| {
        if working.is_disposed() {
            return;
        }
        working.set(false);
        progress.set(None);
        match got {
            Ok(o) => {
                let listed = matches!(o, Outcome::Listed { .. });
                outcome.set(Some(o));
                if !listed {
                    selected.set(Vec::new());
                    all_matching.set(None);
                    // The states and dates have changed: fetch the page again.
                    nonce.update(|n| *n = n.wrapping_add(1));
                }
            }
            Err(e) if e.status() == Some(401) => {
                expire(session, notice);
                return;
            }
            Err(e) => action_error.set(Some(e.message())),
        }
        if let Some(b) = banner.get_untracked() {
            let _ = b.focus();
        }
    };
    // The accounts the action is about: a row, the whole search, or the ticked rows.
    let begin = move || {
        let (ids, filters): (Option<Vec<String>>, Option<SearchFilters>) =
            match (target.get_untracked(), all_matching.get_untracked()) {
                (Some(id), _) => (Some(vec![id]), None),
                (None, Some(_)) => (None, Some(search.get_untracked().filters())),
                (None, None) => (Some(selected.get_untracked()), None),
            };
        dialog.set(None);
        target.set(None);
        working.set(true);
        progress.set(None);
        outcome.set(None);
        action_error.set(None);
        // Focus waits on the banner, which announces the outcome.
        if let Some(b) = banner.get_untracked() {
            let _ = b.focus();
        }
        (ids, filters)
    };
    let confirm_reset = move || {
        let (ids, all_matching) = begin();
        let request = SelectionRequest { ids, all_matching };
        let url = api::url::accounts_reset_password(&uai_stored.get_value(), seg);
        spawn_local(async move {
            let got = perform(session, progress, |token| {
                let (url, request) = (url.clone(), request.clone());
                async move { api::post_action(&url, &request, &token).await }
            })
            .await;
            finish(got.map(reset_outcome));
        });
    };
    let confirm_notify = move || {
        let reset_password = notify_reset.get_untracked();
        let channel = channel.get_untracked();
        let (ids, all_matching) = begin();
        let request = NotifyRequest {
            ids,
            all_matching,
            channel,
            reset_password,
        };
        let url = api::url::accounts_notify(&uai_stored.get_value(), seg);
        spawn_local(async move {
            let got = perform(session, progress, |token| {
                let (url, request) = (url.clone(), request.clone());
                async move { api::post_action(&url, &request, &token).await }
            })
            .await;
            finish(got.map(notify_outcome));
        });
    };
    let confirm_list = move || {
        let format = list_format.get_untracked();
        let (ids, all_matching) = begin();
        let request = ListRequest {
            ids,
            all_matching,
            format,
        };
        let url = api::url::accounts_list(&uai_stored.get_value(), seg);
        spawn_local(async move {
            let got = authed(session, |token| {
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
            finish(got);
        });
    };
    let confirm = move || match dialog.get_untracked() {
        Some(Dialog::Reset) => confirm_reset(),
        Some(Dialog::Notify) => confirm_notify(),
        Some(Dialog::List) => confirm_list(),
        None => {}
    };
    let download = move |id: String| actions::download(session, notice, action_error, id);
    let on_dialog_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            if let Some(el) = dialog_node.get_untracked() {
                actions::trap_tab(&ev, &el);
            }
        }
        _ => {}
    };
    let reset_row = Callback::new(move |id: String| {
        if working.get_untracked() {
            return;
        }
        target.set(Some(id));
        open(Dialog::Reset);
    });
    let open_detail = Callback::new(move |id: String| detail.set(Some(id)));
    let close_detail = Callback::new(move |_: ()| detail.set(None));
    let detail_changed = Callback::new(move |_: ()| nonce.update(|n| *n = n.wrapping_add(1)));
    let rights_stored = StoredValue::new(rights.clone());

    let on_select_page = move |ev: leptos::ev::Event| {
        let ids = page_ids();
        let on = event_target_checked(&ev);
        all_matching.set(None);
        selected.update(|s| {
            s.retain(|x| !ids.contains(x));
            if on {
                s.extend(ids);
            }
        });
    };
    let row_checked = Callback::new(move |(id, on): (String, bool)| {
        if all_matching.get_untracked().is_some() {
            // Leaving the « whole search » selection: back to this page's rows.
            all_matching.set(None);
            selected.set(page_ids());
        }
        selected.update(|s| {
            s.retain(|x| x != &id);
            if on {
                s.push(id.clone());
            }
        });
    });
    let is_checked = Signal::derive(move || all_matching.get().is_some());
    let row_actions = RowActions {
        selected,
        all: is_checked,
        on_check: row_checked,
        on_open: may_view.then_some(open_detail),
        on_reset: (troubleshooting && may_reset).then_some(reset_row),
    };
    // A row is drawn again when what it shows changes (a notification, a reset; a guardian's
    // pupils under another pupil-side filter).
    let row_key = |a: &AccountItem| {
        (
            a.id.clone(),
            a.state.clone(),
            a.notified_at,
            a.provisional_password.clone(),
            a.students.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        )
    };

    let row_cols = StoredValue::new(cols.clone());
    let header_cells = move || {
        row_cols
            .get_value()
            .into_iter()
            .map(|c| {
                let label = c.label(population);
                match c.sort_key(population) {
                    Some(key) => {
                        let sort_state = move || search.with(|s| aria_sort(&s.sort, key));
                        view! {
                            <th scope="col" aria-sort=sort_state>
                                <button
                                    type="button"
                                    class="sort"
                                    on:click=move |_| sort_by(key)
                                >
                                    {label}
                                    <span class="sort__mark" aria-hidden="true">
                                        {move || match sort_state() {
                                            Some("ascending") => "▲",
                                            Some(_) => "▼",
                                            None => "↕",
                                        }}
                                    </span>
                                </button>
                            </th>
                        }
                        .into_any()
                    }
                    None => view! { <th scope="col">{label}</th> }.into_any(),
                }
            })
            .collect_view()
    };

    view! {
        <div class="panel">
            <h3>{population.heading()}</h3>
            <form
                class="filters"
                role="search"
                aria-label=format!("Rechercher des {}", match population {
                    Population::Guardians => "responsables",
                    Population::ExternalStudents => "élèves extérieurs",
                    Population::Students => "élèves",
                })
                on:submit=on_submit
            >
                <div class="filters__grid">
                    <div class="field">
                        <label for="accounts-q">
                            {match population {
                                Population::Guardians => "Nom ou prénom du responsable",
                                _ => "Nom ou prénom",
                            }}
                        </label>
                        <input
                            id="accounts-q"
                            name="q"
                            type="search"
                            autocomplete="off"
                            spellcheck="false"
                            bind:value=form.q
                        />
                    </div>
                    <FilterFields population form structure homes />
                </div>
                <div class="filters__actions">
                    <button type="submit" class="button">"Rechercher"</button>
                    <button type="button" class="button button--secondary" on:click=reset_form>
                        "Réinitialiser"
                    </button>
                </div>
            </form>

            <p class="status results__count" role="status" aria-live="polite">{status}</p>
            <p class="alert" class:alert--shown=move || failure().is_some() role="alert">
                {failure}
            </p>
            <Show when=empty>
                <p class="results__empty">{population.empty()}</p>
            </Show>
            <div
                class="actions"
                role="group"
                aria-label=format!("Actions sur les {} sélectionnés", match population {
                    Population::Guardians => "responsables",
                    _ => "élèves",
                })
            >
                <p class="actions__count" aria-live="polite">
                    {move || population.selection(selected_count())}
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
                                disabled=cannot_act
                                on:click=move |_| open(dialog)
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <Show when=move || offer_all() || all_matching.get().is_some()>
                <p class="select-all" aria-live="polite">
                    {move || match all_matching.get() {
                        Some(n) => view! {
                            <span>
                                {format!("Les {n} comptes correspondant à la recherche sont sélectionnés.")}
                            </span>
                            " "
                            <button
                                type="button"
                                class="link-button"
                                on:click=move |_| {
                                    all_matching.set(None);
                                    selected.set(Vec::new());
                                }
                            >
                                "Effacer la sélection"
                            </button>
                        }
                            .into_any(),
                        None => {
                            let n = total();
                            view! {
                                <span>
                                    {format!("Les {} comptes de cette page sont sélectionnés.", page_ids().len())}
                                </span>
                                " "
                                <button
                                    type="button"
                                    class="link-button"
                                    on:click=move |_| all_matching.set(Some(n))
                                >
                                    {format!("Sélectionner les {n} comptes correspondant à la recherche")}
                                </button>
                            }
                                .into_any()
                        }
                    }}
                </p>
            </Show>
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
            <p class="alert" class:alert--shown=move || action_error.with(Option::is_some) role="alert">
                {move || action_error.get()}
            </p>
            <Show when=has_rows>
                <div
                    class="table-wrap"
                    role="region"
                    aria-labelledby="accounts-caption"
                    tabindex="0"
                >
                    <table class="table">
                        <caption id="accounts-caption">{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col" class="table__select">
                                    <label for="select-page" class="visually-hidden">
                                        "Sélectionner la page"
                                    </label>
                                    <input
                                        id="select-page"
                                        type="checkbox"
                                        prop:checked=move || {
                                            let (n, all) = page_selected();
                                            all > 0 && n == all
                                        }
                                        prop:indeterminate=move || {
                                            let (n, all) = page_selected();
                                            n > 0 && n < all
                                        }
                                        on:change=on_select_page
                                    />
                                </th>
                                {header_cells()}
                            </tr>
                        </thead>
                        {if population == Population::Guardians {
                            view! {
                                <For each=rows key=row_key children=move |a| {
                                    view! { <GuardianRows a cols=row_cols.get_value() actions=row_actions /> }
                                } />
                            }
                                .into_any()
                        } else {
                            view! {
                                <tbody>
                                    <For each=rows key=row_key children=move |a| {
                                        view! {
                                            <AccountRow a population cols=row_cols.get_value() actions=row_actions />
                                        }
                                    } />
                                </tbody>
                            }
                                .into_any()
                        }}
                    </table>
                </div>
            </Show>
            <Show when=has_rows>
                <RangePager
                    state=Signal::derive(move || loaded().map(|(total, page, per)| (page, per, total)))
                    on_page=Callback::new(to_page)
                    label="Pagination des résultats"
                    noun=population.noun()
                />
            </Show>
            {move || {
                detail
                    .get()
                    .map(|id| {
                        view! {
                            <AccountPanel
                                uai=uai_stored.get_value()
                                segment=seg
                                id
                                rights=rights_stored.get_value()
                                on_close=close_detail
                                on_changed=detail_changed
                            />
                        }
                    })
            }}
            {move || {
                dialog
                    .get()
                    .map(|d| {
                        let n = if target.with(Option::is_some) { 1 } else { selected_count() };
                        let activated = if target.with(Option::is_some) {
                            Some(0)
                        } else {
                            selected_activated()
                        };
                        let (title, question) = match d {
                            Dialog::Reset => ("Réinitialiser les mots de passe", reset_question(n)),
                            Dialog::Notify => (
                                "(Re)notifier les comptes",
                                format!(
                                    "{} : choisissez le type de notification.",
                                    population.selection(n)
                                ),
                            ),
                            Dialog::List => (
                                "Lister les comptes",
                                format!(
                                    "{} : choisissez le format de la liste.",
                                    population.selection(n)
                                ),
                            ),
                        };
                        let who = match population {
                            Population::Guardians => "responsables",
                            _ => "élèves",
                        };
                        let warning = match (d, activated) {
                            (Dialog::Reset, Some(a)) if a > 0 => Some(format!(
                                "Attention : {a} compte(s) sélectionné(s) déjà activé(s). Cette fonctionnalité est à utiliser avec précaution et pour un nombre de {who} réduit : les {who} peuvent réinitialiser eux-mêmes leur mot de passe s’ils ont renseigné et validé une adresse mail."
                            )),
                            (Dialog::Notify, Some(a)) if a > 0 => Some(format!(
                                "Attention : {a} compte(s) sélectionné(s) déjà activé(s). La (re)notification leur est déconseillée, sauf pour leur rappeler leur identifiant ou réinitialiser leur mot de passe (à utiliser avec précaution)."
                            )),
                            (Dialog::Notify, None) => Some(format!(
                                "Tous les comptes de la recherche seront (re)notifiés. Il est préconisé de (re)notifier uniquement les {who} dont l’état du compte est « Non notifié » et « Notifié et non activé »."
                            )),
                            (Dialog::Reset, None) => Some(
                                "Tous les comptes de la recherche auront un nouveau mot de passe provisoire. Cette fonctionnalité est à utiliser avec précaution pour les comptes déjà activés."
                                    .to_owned(),
                            ),
                            _ => None,
                        };
                        view! {
                            <div class="modal">
                                <div
                                    class="modal__dialog"
                                    role="dialog"
                                    aria-modal="true"
                                    aria-labelledby="dialog-title"
                                    aria-describedby=if d == Dialog::Reset { "dialog-desc dialog-when" } else { "dialog-desc" }
                                    tabindex="-1"
                                    node_ref=dialog_node
                                    on:keydown=on_dialog_key
                                >
                                    <h2 id="dialog-title" class="modal__title">{title}</h2>
                                    <p id="dialog-desc">{question}</p>
                                    {(d == Dialog::Reset)
                                        .then(|| view! { <p id="dialog-when">{reset_when(n, population, troubleshooting)}</p> })}
                                    {warning.map(|w| view! { <p class="modal__warning">{w}</p> })}
                                    {(d == Dialog::Notify).then(|| notify_choices(population, channel, notify_reset))}
                                    {(d == Dialog::List).then(|| list_choices(population, list_format))}
                                    <div class="modal__actions">
                                        <button type="button" class="button" on:click=move |_| confirm()>
                                            "Confirmer"
                                        </button>
                                        <button
                                            type="button"
                                            class="button button--secondary"
                                            on:click=move |_| close()
                                        >
                                            "Annuler"
                                        </button>
                                    </div>
                                </div>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
