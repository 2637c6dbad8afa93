//! « Journal »: the establishment's audit trail, newest first — who, when, from where, what,
//! on which accounts, with what outcome — filtered by action, author and dates, paged; the
//! filters and the page live in the URL query (`?action=…&actor=…&from=YYYY-MM-DD&to=…&page=2`).

mod labels;
mod query;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::audit::AuditEvent;
use sesame_api::Page;

use crate::admin_ui::{count_fr, local_datetime};
use crate::api;
use crate::app::{expire, navigate, Console, RouteSignal};
use crate::load::Load;
use crate::pager::Pager;
use crate::route::{Route, Tab};
use crate::text;
use crate::token::authed;

use labels::{action_label, detail_lines, outcome_label, targets_text, ACTIONS};
use query::{api_query, JournalQuery};

#[component]
pub fn JournalTab(uai: String, route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let current = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Establishment {
                tab: Tab::Journal,
                query,
                ..
            } => JournalQuery::parse(query),
            _ => JournalQuery::default(),
        })
    });
    let action = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    Effect::new(move |_| {
        let q = current.get();
        action.set(q.action);
        actor.set(q.actor);
        from.set(q.from);
        to.set(q.to);
    });

    let uai = StoredValue::new(uai);
    let results = RwSignal::new(Load::Loading);
    let generation = StoredValue::new(0u64);
    let nonce = RwSignal::new(0u32);
    Effect::new(move |_| {
        nonce.track();
        let q = current.get();
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        results.set(Load::Loading);
        let url = api::url::audit(&uai.get_value(), &api_query(&q));
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { api::get::<Page<AuditEvent>>(&url, &token).await }
            })
            .await;
            if results.is_disposed() || generation.get_value() != this {
                return;
            }
            match got {
                Ok(p) => results.set(Load::Loaded(p)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => results.set(Load::Failed(e.message())),
            }
        });
    });

    let go = move |q: JournalQuery| {
        nonce.update(|n| *n = n.wrapping_add(1));
        navigate(
            route,
            Route::Establishment {
                uai: uai.get_value(),
                tab: Tab::Journal,
                query: q.url_query(),
            },
        );
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        go(JournalQuery {
            action: action.get_untracked(),
            actor: actor.get_untracked().trim().to_owned(),
            from: from.get_untracked(),
            to: to.get_untracked(),
            page: 1,
        });
    };
    let reset = move |_| go(JournalQuery::default());
    let to_page = move |page: u64| {
        let mut q = current.get_untracked();
        q.page = page;
        go(q);
    };

    let pages = move || {
        results.with(|r| match r {
            Load::Loaded(p) => Some((p.page, text::page_count(p.total, p.per_page))),
            _ => None,
        })
    };
    let status = move || {
        results.with(|r| match r {
            Load::Loading => "Chargement du journal…".to_owned(),
            Load::Failed(_) => String::new(),
            Load::Loaded(p) => {
                let filtered = current.with(JournalQuery::is_filtered);
                match p.total {
                    0 if filtered => "Aucun événement ne correspond à ces critères.".to_owned(),
                    0 => "Aucun événement dans le journal.".to_owned(),
                    n => format!(
                        "{} événement(s){} — page {} sur {}.",
                        count_fr(n),
                        if filtered {
                            " correspondant aux critères"
                        } else {
                            ""
                        },
                        p.page,
                        text::page_count(p.total, p.per_page)
                    ),
                }
            }
        })
    };

    view! {
        <div class="panel journal">
            <h3>"Journal des actions"</h3>
            <p>"Les actions effectuées dans l’établissement et sur ses comptes, les plus récentes d’abord. Les heures sont celles de votre fuseau horaire."</p>
            <form class="filters" role="search" aria-label="Filtrer le journal" on:submit=on_submit>
                <div class="filters__grid">
                    <div class="field">
                        <label for="journal-action">"Action"</label>
                        <select
                            id="journal-action"
                            on:change=move |ev| action.set(event_target_value(&ev))
                            prop:value=move || action.get()
                        >
                            <option value="" selected=move || action.with(String::is_empty)>"Toutes les actions"</option>
                            {ACTIONS
                                .iter()
                                .map(|(value, label)| {
                                    let value: &'static str = value;
                                    view! {
                                        <option value=value selected=move || action.with(|a| a == value)>
                                            {*label}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="journal-actor">"Auteur (identifiant exact)"</label>
                        <input
                            id="journal-actor"
                            type="search"
                            autocomplete="off"
                            spellcheck="false"
                            bind:value=actor
                        />
                    </div>
                    <div class="field">
                        <label for="journal-from">"Du"</label>
                        <input id="journal-from" type="date" bind:value=from />
                    </div>
                    <div class="field">
                        <label for="journal-to">"Au"</label>
                        <input id="journal-to" type="date" bind:value=to />
                    </div>
                </div>
                <div class="filters__actions">
                    <button type="submit" class="button">"Filtrer"</button>
                    <button type="button" class="button button--secondary" on:click=reset>
                        "Réinitialiser"
                    </button>
                </div>
            </form>
            <p class="status results__count" role="status" aria-live="polite">{status}</p>
            {move || match results.get() {
                Load::Failed(m) => view! { <p class="alert alert--shown" role="alert">{m}</p> }.into_any(),
                Load::Loaded(p) if !p.items.is_empty() => view! { <JournalTable page=p /> }.into_any(),
                _ => ().into_any(),
            }}
            <Show when=move || pages().is_some_and(|(_, n)| n > 1)>
                <Pager
                    pages=Signal::derive(pages)
                    on_page=Callback::new(to_page)
                    label="Pagination du journal"
                    previous="Précédent"
                    next="Suivant"
                />
            </Show>
        </div>
    }
}

#[component]
fn JournalTable(page: Page<AuditEvent>) -> impl IntoView {
    let caption = format!(
        "Journal des actions, page {} sur {}",
        page.page,
        text::page_count(page.total, page.per_page)
    );
    let rows = page
        .items
        .into_iter()
        .map(|e| {
            let details = detail_lines(&e.detail);
            let failed = e.outcome == "failure";
            view! {
                <tr>
                    <td class="journal__when">{local_datetime(e.at)}</td>
                    <td>
                        <span class="table__id">{e.actor.clone()}</span>
                        <br />
                        <span class="journal__kind">{e.actor_kind.label()}</span>
                    </td>
                    <td class="table__id">{e.address.clone().unwrap_or_else(|| "Non renseignée".into())}</td>
                    <th scope="row">{action_label(&e.action)}</th>
                    <td class="table__id journal__targets">{targets_text(&e.targets)}</td>
                    <td class="table__state">
                        <span
                            class=if failed { "dot dot--not_notified" } else { "dot dot--activated" }
                            aria-hidden="true"
                        ></span>
                        {outcome_label(&e.outcome).to_owned()}
                    </td>
                    <td class="journal__detail">
                        {(!details.is_empty()).then(|| view! {
                            <ul class="journal__facts">
                                {details.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                            </ul>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" role="region" aria-labelledby="journal-caption" tabindex="0">
            <table class="table journal__table">
                <caption id="journal-caption">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date et heure"</th>
                        <th scope="col">"Auteur"</th>
                        <th scope="col">"Depuis (adresse)"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Comptes concernés"</th>
                        <th scope="col">"Résultat"</th>
                        <th scope="col">"Détail"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
