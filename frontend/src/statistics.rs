//! « Statistiques » (seed 001 §6): for students, guardians and external students, the accounts
//! by state, grouped by origin, class or MEF (`?by=` in the URL), as tables with their totals
//! and bar charts drawn in SVG (hidden from assistive technologies: the table beside each
//! chart holds the same numbers).

use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::statistics::{Statistics, StatisticsRow};

use crate::admin_ui::{count_fr, local_datetime_at, percent_fr, query_get, query_string};
use crate::api::{self, ApiError};
use crate::app::{authed, expire, navigate, Notice, RouteSignal, SessionSignal};
use crate::route::{encode, Route, Tab};

/// `(value, radio label, first column's header)`.
const GROUPINGS: [(&str, &str, &str); 3] = [
    ("origin", "Origine du compte", "Origine de compte"),
    ("class", "Classe", "Classe"),
    ("mef", "MEF", "MEF"),
];

/// `(value, plural noun used in headers, section title)`.
const POPULATIONS: [(&str, &str, &str); 3] = [
    (
        "students",
        "élèves",
        "Synthèse des comptes élèves de la structure",
    ),
    (
        "guardians",
        "responsables",
        "Synthèse des comptes responsables de la structure",
    ),
    (
        "external-students",
        "élèves extérieurs",
        "Synthèse des comptes élèves extérieurs",
    ),
];

/// The states, in the journey's order: `(css modifier, legend label)`.
const STATES: [(&str, &str); 4] = [
    ("not_notified", "Non notifiés"),
    ("notified_not_activated", "Notifiés et non activés"),
    ("activation_in_progress", "En cours d’activation"),
    ("activated", "Activés"),
];

/// The grouping named in the URL query, `origin` when absent or unknown.
pub fn grouping(query: &str) -> &'static str {
    let asked = query_get(query, "by").unwrap_or_default();
    GROUPINGS
        .iter()
        .map(|(v, _, _)| *v)
        .find(|v| *v == asked)
        .unwrap_or("origin")
}

/// The URL query of a grouping (the default one leaves the URL bare).
pub fn grouping_query(by: &str) -> String {
    if by == "origin" {
        String::new()
    } else {
        query_string(&[("by", by.to_owned())])
    }
}

/// The counts of a row in [`STATES`] order (`None` for a state the population has not).
fn row_counts(r: &StatisticsRow) -> [Option<u64>; 4] {
    [
        Some(r.not_notified),
        Some(r.notified_not_activated),
        r.activation_in_progress,
        Some(r.activated),
    ]
}

/// The segments of one stacked bar: `(state index, x %, width %)`, each count over `max`
/// (the largest row total), zero counts left out.
pub fn segments(counts: &[Option<u64>; 4], max: u64) -> Vec<(usize, f64, f64)> {
    let max = max.max(1) as f64;
    let mut x = 0.0;
    let mut out = Vec::new();
    for (i, c) in counts.iter().enumerate() {
        let Some(c) = c.filter(|c| *c > 0) else {
            continue;
        };
        let w = c as f64 / max * 100.0;
        out.push((i, x, w));
        x += w;
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(Statistics),
    Failed(String),
}

async fn fetch(
    session: SessionSignal,
    uai: String,
    population: &'static str,
    by: &'static str,
) -> Result<Statistics, ApiError> {
    authed(session, |token| {
        let url = format!(
            "/api/v1/establishments/{}/statistics?population={population}&by={by}",
            encode(&uai)
        );
        async move { api::get::<Statistics>(&url, &token).await }
    })
    .await
}

#[component]
pub fn StatisticsTab(
    uai: String,
    route: RouteSignal,
    session: SessionSignal,
    notice: Notice,
) -> impl IntoView {
    let by = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Establishment {
                tab: Tab::Statistics,
                query,
                ..
            } => grouping(query),
            _ => "origin",
        })
    });
    let loads: [RwSignal<Load>; 3] = std::array::from_fn(|_| RwSignal::new(Load::Loading));
    let generation = StoredValue::new(0u64);
    {
        let uai = uai.clone();
        Effect::new(move |_| {
            let by = by.get();
            generation.update_value(|g| *g += 1);
            let this = generation.get_value();
            for (i, (population, _, _)) in POPULATIONS.iter().enumerate() {
                let load = loads[i];
                load.set(Load::Loading);
                let uai = uai.clone();
                let population: &'static str = population;
                spawn_local(async move {
                    let got = fetch(session, uai, population, by).await;
                    if generation.get_value() != this || load.is_disposed() {
                        return;
                    }
                    match got {
                        Ok(s) => load.set(Load::Loaded(s)),
                        Err(e) if e.status() == Some(401) => expire(session, notice),
                        Err(e) => load.set(Load::Failed(e.message())),
                    }
                });
            }
        });
    }
    let uai_stored = StoredValue::new(uai);
    let choose = move |value: &'static str| {
        navigate(
            route,
            Route::Establishment {
                uai: uai_stored.get_value(),
                tab: Tab::Statistics,
                query: grouping_query(value),
            },
        );
    };
    let loading = move || loads.iter().any(|l| l.with(|l| matches!(l, Load::Loading)));
    let computed = move || {
        loads.iter().find_map(|l| {
            l.with(|l| match l {
                Load::Loaded(s) => Some(local_datetime_at(s.computed_at)),
                _ => None,
            })
        })
    };

    view! {
        <div class="panel stats">
            <h3>"Statistiques d’activation des comptes"</h3>
            <fieldset class="stats__grouping">
                <legend>"Regrouper les comptes par"</legend>
                {GROUPINGS
                    .iter()
                    .map(|(value, label, _)| {
                        let value: &'static str = value;
                        let id = format!("stats-by-{value}");
                        view! {
                            <div class="check">
                                <input
                                    id=id.clone()
                                    type="radio"
                                    name="stats-by"
                                    value=value
                                    prop:checked=move || by.get() == value
                                    on:change=move |_| choose(value)
                                />
                                <label for=id>{*label}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <p class="status" role="status" aria-live="polite">
                {move || {
                    if loading() {
                        "Calcul des statistiques…".to_owned()
                    } else {
                        match computed() {
                            Some(at) => format!("Calculées le {at}."),
                            None => String::new(),
                        }
                    }
                }}
            </p>
            <div class="stats__legend" aria-hidden="true">
                <span class="stats__legend-title">"Graphiques :"</span>
                {STATES
                    .iter()
                    .map(|(css, label)| {
                        view! {
                            <span class="stats__legend-item">
                                <span class=format!("dot dot--{css}")></span>
                                {*label}
                            </span>
                        }
                    })
                    .collect_view()}
            </div>
            {POPULATIONS
                .iter()
                .enumerate()
                .map(|(i, (population, noun, title))| {
                    let load = loads[i];
                    let population: &'static str = population;
                    let noun: &'static str = noun;
                    let title: &'static str = title;
                    view! {
                        <section class="stats__section" aria-labelledby=format!("stats-{population}-title")>
                            <h4 id=format!("stats-{population}-title")>
                                {move || {
                                    let g = match by.get() {
                                        "class" => " par classe",
                                        "mef" => " par MEF",
                                        _ => "",
                                    };
                                    format!("{title}{g}")
                                }}
                            </h4>
                            {move || match load.get() {
                                Load::Loading => {
                                    view! { <p class="status">"Chargement…"</p> }.into_any()
                                }
                                Load::Failed(m) => {
                                    view! { <p class="alert alert--shown" role="alert">{m}</p> }
                                        .into_any()
                                }
                                Load::Loaded(s) => {
                                    view! { <StatisticsTable stats=s population noun /> }.into_any()
                                }
                            }}
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn StatisticsTable(
    stats: Statistics,
    population: &'static str,
    noun: &'static str,
) -> impl IntoView {
    let guardians = stats.totals.activation_in_progress.is_some();
    let first = GROUPINGS
        .iter()
        .find(|(v, _, _)| *v == stats.by)
        .map_or("Regroupement", |(_, _, h)| *h);
    let max = stats.rows.iter().map(|r| r.total).max().unwrap_or(0);
    let caption_id = format!("stats-{population}-caption");
    let caption = format!(
        "Comptes {noun} par {} et par état ({} compte(s) au total)",
        match stats.by.as_str() {
            "class" => "classe",
            "mef" => "MEF",
            _ => "origine",
        },
        count_fr(stats.totals.total)
    );
    let empty = stats.rows.is_empty();
    let chart = (!empty && max > 0).then(|| {
        let rows = stats
            .rows
            .iter()
            .map(|r| {
                let segs = segments(&row_counts(r), max)
                    .into_iter()
                    .map(|(i, x, w)| {
                        view! {
                            <rect
                                class=format!("stats__seg stats__seg--{}", STATES[i].0)
                                x=format!("{x:.3}%")
                                y="0"
                                width=format!("{w:.3}%")
                                height="100%"
                            ></rect>
                        }
                    })
                    .collect_view();
                view! {
                    <li class="stats__bar-row">
                        <span class="stats__bar-label">{r.label.clone()}</span>
                        <svg class="stats__bar" width="100%" height="18" focusable="false">
                            {segs}
                        </svg>
                        <span class="stats__bar-total">{count_fr(r.total)}</span>
                    </li>
                }
            })
            .collect_view();
        // Same numbers as the table just below: hidden from screen readers, not from sight.
        view! { <ul class="stats__chart" aria-hidden="true">{rows}</ul> }
    });
    let cells = |total: u64, n: u64, p: u64, a: Option<u64>, act: u64| {
        view! {
            <td class="num">{count_fr(total)}</td>
            <td class="num">{count_fr(n)}</td>
            <td class="num">{count_fr(p)}</td>
            {guardians.then(|| view! { <td class="num">{count_fr(a.unwrap_or(0))}</td> })}
            <td class="num">{count_fr(act)}</td>
        }
    };
    let body = stats
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{r.label.clone()}</th>
                    {cells(r.total, r.not_notified, r.notified_not_activated, r.activation_in_progress, r.activated)}
                </tr>
            }
        })
        .collect_view();
    let t = stats.totals;
    let shares = {
        let mut lines = Vec::new();
        if let Some(share) = stats.guardians_activated_share {
            lines.push(format!(
                "Part des comptes responsables activés : {}.",
                percent_fr(share)
            ));
        }
        if let Some(n) = stats.students_with_activated_guardian {
            let share = stats
                .students_with_activated_guardian_share
                .map(|s| format!(" ({})", percent_fr(s)))
                .unwrap_or_default();
            lines.push(format!(
                "Élèves ayant au moins un responsable au compte activé : {}{share}.",
                count_fr(n)
            ));
        }
        lines
    };
    let note = (guardians && stats.by != "origin").then(|| {
        view! {
            <p class="field__hint">
                "Un responsable lié à des élèves de plusieurs "
                {if stats.by == "class" { "classes" } else { "MEF" }}
                " compte dans chacune des lignes, mais une seule fois dans le total."
            </p>
        }
    });
    view! {
        {if empty {
            view! { <p class="results__empty">"Aucun compte."</p> }.into_any()
        } else {
            view! {
                {chart}
                <div class="table-wrap" role="region" aria-labelledby=caption_id.clone() tabindex="0">
                    <table class="table stats__table">
                        <caption id=caption_id.clone()>{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{first}</th>
                                <th scope="col" class="num">{format!("Nombre de comptes {noun}")}</th>
                                <th scope="col" class="num">"Nombre de comptes non notifiés"</th>
                                <th scope="col" class="num">"Nombre de comptes notifiés et non activés"</th>
                                {guardians.then(|| view! {
                                    <th scope="col" class="num">"Nombre de comptes en cours d’activation"</th>
                                })}
                                <th scope="col" class="num">"Nombre de comptes activés"</th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                        <tfoot>
                            <tr class="stats__total">
                                <th scope="row">"Total"</th>
                                {cells(t.total, t.not_notified, t.notified_not_activated, t.activation_in_progress, t.activated)}
                            </tr>
                        </tfoot>
                    </table>
                </div>
            }
                .into_any()
        }}
        {note}
        {(!shares.is_empty() && !empty).then(|| view! {
            <ul class="stats__shares">
                {shares.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        })}
        <p class="stats__computed">
            {format!("Calculées le {}.", local_datetime_at(stats.computed_at))}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grouping_comes_from_the_url_and_defaults_to_origin() {
        assert_eq!(grouping(""), "origin");
        assert_eq!(grouping("by=class"), "class");
        assert_eq!(grouping("by=mef&x=1"), "mef");
        assert_eq!(grouping("by=nimporte"), "origin");
        assert_eq!(grouping_query("origin"), "");
        assert_eq!(grouping_query("class"), "by=class");
    }

    #[test]
    fn bars_stack_the_states_against_the_largest_row() {
        let s = segments(&[Some(2), Some(0), None, Some(6)], 10);
        assert_eq!(s, vec![(0, 0.0, 20.0), (3, 20.0, 60.0)]);
        assert!(segments(&[Some(0), Some(0), Some(0), Some(0)], 0).is_empty());
        let full = segments(&[Some(1), Some(1), Some(1), Some(1)], 4);
        let end = full.last().map(|(_, x, w)| x + w).unwrap();
        assert!((end - 100.0).abs() < 1e-9);
    }
}
