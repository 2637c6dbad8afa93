//! One statistics table as the seed draws it (origin, class or MEF × state, with the totals),
//! where every count that is not zero opens the account list it counts.

use leptos::prelude::*;
use sesame_api::statistics::Statistics;
use sesame_core::{AccountState, Grouping, Population};

use crate::admin_ui::{count_fr, local_datetime_at, percent_fr};
use crate::app::{follow, RouteSignal};

use super::links::{cell_route, Row};
use super::sections::noun;

/// A count: a link to its list, or plain text for a zero (an empty list helps nobody) and for
/// a row no filter can name. The link's name says which accounts it opens, the visible text
/// stays the number.
fn count_cell(
    route: RouteSignal,
    to: Option<crate::route::Route>,
    n: u64,
    context: String,
) -> impl IntoView {
    let text = count_fr(n);
    match to.filter(|_| n > 0) {
        Some(to) => view! {
            <td class="num">
                <a class="stats__count" href=to.url() on:click=follow(route, to)>
                    <span class="visually-hidden">{format!("{context} : ")}</span>
                    {text}
                </a>
            </td>
        }
        .into_any(),
        None => view! { <td class="num">{text}</td> }.into_any(),
    }
}

#[component]
pub fn StatsTable(stats: Statistics, uai: String, route: RouteSignal) -> impl IntoView {
    let population = stats.population;
    let by = stats.by;
    let guardians = population == Population::Guardians;
    let noun = noun(population);
    let (first, grouping_words) = by.labels();
    let caption_id = format!("stats-{population}-{by}-caption");
    let caption = format!(
        "Comptes {noun} par {grouping_words} et par état ({} compte(s) au total)",
        count_fr(stats.totals.total)
    );
    // The state columns, in the journey's order: the states this population can be in.
    let states = population.states();

    // One row's cells: its total, then a count per state.
    let cells = {
        let (uai, states) = (uai.clone(), states.clone());
        move |row: Row<'_>, label: &str, counts: [u64; 5]| {
            let mut out = vec![count_cell(
                route,
                cell_route(&uai, population, by, row, None),
                counts[0],
                format!("{label}, tous les comptes {noun}"),
            )
            .into_any()];
            for &state in &states {
                let n = match state {
                    AccountState::NotNotified => counts[1],
                    AccountState::NotifiedNotActivated => counts[2],
                    AccountState::ActivationInProgress => counts[3],
                    AccountState::Activated => counts[4],
                };
                let words = state.plural_label();
                out.push(
                    count_cell(
                        route,
                        cell_route(&uai, population, by, row, Some(state)),
                        n,
                        format!("{label}, comptes {noun} {words}"),
                    )
                    .into_any(),
                );
            }
            out
        }
    };
    let body = stats
        .rows
        .iter()
        .map(|r| {
            let counts = [
                r.total,
                r.not_notified,
                r.notified_not_activated,
                r.activation_in_progress.unwrap_or(0),
                r.activated,
            ];
            view! {
                <tr>
                    <th scope="row">{r.label.clone()}</th>
                    {cells(Row::Keyed(r.key.as_deref()), &r.label, counts)}
                </tr>
            }
        })
        .collect_view();
    let t = stats.totals;
    let totals = cells(
        Row::Totals,
        "Total",
        [
            t.total,
            t.not_notified,
            t.notified_not_activated,
            t.activation_in_progress.unwrap_or(0),
            t.activated,
        ],
    );
    // The shares of the population, once, under its origin table.
    let mut shares = Vec::new();
    if by == Grouping::Origin && stats.totals.total > 0 {
        if let Some(share) = stats.guardians_activated_share {
            shares.push(format!(
                "Part des comptes responsables activés : {}.",
                percent_fr(share)
            ));
        }
        if let Some(n) = stats.students_with_activated_guardian {
            let share = stats
                .students_with_activated_guardian_share
                .map(|s| format!(" ({})", percent_fr(s)))
                .unwrap_or_default();
            shares.push(format!(
                "Élèves ayant au moins un responsable au compte activé : {}{share}.",
                count_fr(n)
            ));
        }
    }
    let note = (guardians && by != Grouping::Origin).then(|| {
        view! {
            <p class="field__hint">
                "Un responsable d’élèves de plusieurs "
                {if by == Grouping::Class { "classes" } else { "MEF" }}
                " compte dans chacune de leurs lignes, mais une seule fois dans le total."
            </p>
        }
    });
    // Most establishments host no pupil of another: a table of zeros would say it less
    // plainly.
    let empty = stats.rows.is_empty()
        || (population == Population::ExternalStudents && stats.totals.total == 0);
    let nothing = if population == Population::ExternalStudents {
        "Aucun élève d’un autre établissement ne suit d’enseignement ici."
    } else {
        "Aucun compte."
    };
    view! {
        {if empty {
            view! { <p class="results__empty">{nothing}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" role="region" aria-labelledby=caption_id.clone() tabindex="0">
                    <table class="table stats__table">
                        <caption id=caption_id.clone()>{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{first}</th>
                                <th scope="col" class="num">{format!("Nombre de comptes {noun}")}</th>
                                {states
                                    .iter()
                                    .map(|state| {
                                        view! {
                                            <th scope="col" class="num">
                                                {format!("Nombre de comptes {}", state.plural_label())}
                                            </th>
                                        }
                                    })
                                    .collect_view()}
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                        <tfoot>
                            <tr class="stats__total">
                                <th scope="row">"Total"</th>
                                {totals}
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
