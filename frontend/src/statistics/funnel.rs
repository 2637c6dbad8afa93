//! Beyond the seed: the activation funnel class by class. For each class, the share of its
//! pupils whose account is activated and the share with at least one guardian whose account
//! is, the least advanced classes first, each with a link to the pupils still to activate (the
//! list to (re)notify).

use std::cmp::Ordering;

use leptos::prelude::*;
use sesame_api::statistics::Statistics;
use sesame_core::{Grouping, Population};

use crate::admin_ui::{count_fr, percent_fr};
use crate::app::{follow, RouteSignal};

use super::links::{cell_route, not_activated_route, Row};

/// One class of the funnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassProgress {
    /// The class code; `None` for the pupils without a class.
    pub key: Option<String>,
    pub label: String,
    pub pupils: u64,
    pub activated: u64,
    pub with_guardian: u64,
}

/// Which share ranks the classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// Pupils' own accounts.
    Pupils,
    /// Pupils with an activated guardian.
    Guardians,
}

impl ClassProgress {
    fn part(&self, rank: Rank) -> u64 {
        match rank {
            Rank::Pupils => self.activated,
            Rank::Guardians => self.with_guardian,
        }
    }

    /// `self`'s share against `other`'s, exactly (no floating point: 1/3 and 2/6 are equal).
    fn cmp_share(&self, other: &ClassProgress, rank: Rank) -> Ordering {
        (u128::from(self.part(rank)) * u128::from(other.pupils))
            .cmp(&(u128::from(other.part(rank)) * u128::from(self.pupils)))
    }
}

/// The classes with pupils, the least advanced first by `rank`'s share, then by the other
/// share; between equals the larger class first (more letters to hand out), then the API's
/// order (natural order of the codes).
pub fn ranked(stats: &Statistics, rank: Rank) -> Vec<ClassProgress> {
    let other = match rank {
        Rank::Pupils => Rank::Guardians,
        Rank::Guardians => Rank::Pupils,
    };
    let mut rows: Vec<ClassProgress> = stats
        .rows
        .iter()
        .filter(|r| r.total > 0)
        .map(|r| ClassProgress {
            key: r.key.clone(),
            label: r.label.clone(),
            pupils: r.total,
            activated: r.activated,
            with_guardian: r.students_with_activated_guardian.unwrap_or(0),
        })
        .collect();
    // A stable sort keeps the API's order between equal classes.
    rows.sort_by(|a, b| {
        a.cmp_share(b, rank)
            .then_with(|| a.cmp_share(b, other))
            .then_with(|| b.pupils.cmp(&a.pupils))
    });
    rows
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A share as a number and a bar; the bar is decoration (the text says it all).
fn share_cell(part: u64, whole: u64) -> impl IntoView {
    let s = share(part, whole);
    view! {
        <td class="stats__share">
            <span class="stats__meter" aria-hidden="true">
                <span class="stats__meter-fill" style:width=format!("{:.1}%", s * 100.0)></span>
            </span>
            <span class="stats__share-text">
                {percent_fr(s)}
                <span class="stats__share-of">{format!(" ({} sur {})", count_fr(part), count_fr(whole))}</span>
            </span>
        </td>
    }
}

/// A column header that ranks the table by its share (the account screens' sortable headers:
/// the same look, `aria-sort` on the ranking column only).
fn rank_header(rank: RwSignal<Rank>, this: Rank, label: &'static str) -> impl IntoView {
    view! {
        <th
            scope="col"
            aria-sort=move || (rank.get() == this).then_some("ascending")
        >
            <button type="button" class="sort" on:click=move |_| rank.set(this)>
                {label}
                <span class="sort__mark" aria-hidden="true">
                    {move || if rank.get() == this { "▲" } else { "↕" }}
                </span>
            </button>
        </th>
    }
}

#[component]
pub fn FunnelTable(stats: Statistics, uai: String, route: RouteSignal) -> impl IntoView {
    let rank = RwSignal::new(Rank::Pupils);
    let stats = StoredValue::new(stats);
    let uai = StoredValue::new(uai);
    let empty = stats.with_value(|s| s.rows.iter().all(|r| r.total == 0));
    let caption = move || {
        match rank.get() {
        Rank::Pupils => "Classes de la moins avancée à la plus avancée, selon la part d’élèves au compte activé",
        Rank::Guardians => "Classes de la moins avancée à la plus avancée, selon la part d’élèves ayant un responsable au compte activé",
    }
    };
    let rows = move || {
        let uai = uai.get_value();
        stats
            .with_value(|s| ranked(s, rank.get()))
            .into_iter()
            .map(|c| {
                let class_link = c.key.as_deref().and_then(|k| {
                    cell_route(
                        &uai,
                        Population::Students,
                        Grouping::Class,
                        Row::Keyed(Some(k)),
                        None,
                    )
                });
                let label = c.label.clone();
                let name = match class_link {
                    Some(to) => view! {
                        <a href=to.url() on:click=follow(route, to)>{label}</a>
                    }
                    .into_any(),
                    None => view! { <span>{label}</span> }.into_any(),
                };
                let waiting = c.pupils - c.activated.min(c.pupils);
                let chase = match (&c.key, waiting) {
                    (Some(k), n) if n > 0 => {
                        let to = not_activated_route(&uai, k);
                        view! {
                            <a class="stats__count" href=to.url() on:click=follow(route, to)>
                                <span class="visually-hidden">
                                    {format!("{}, élèves au compte non activé : ", c.label)}
                                </span>
                                {count_fr(n)}
                            </a>
                        }
                        .into_any()
                    }
                    (_, n) => view! { <span>{count_fr(n)}</span> }.into_any(),
                };
                view! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td class="num">{count_fr(c.pupils)}</td>
                        {share_cell(c.activated, c.pupils)}
                        {share_cell(c.with_guardian, c.pupils)}
                        <td class="num">{chase}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <p class="field__hint">
            "Pour chaque classe : la part des élèves dont le compte est activé, et celle des élèves "
            "dont au moins un responsable a activé le sien. Les classes les moins avancées viennent "
            "en premier ; le nombre d’élèves à relancer ouvre leur liste, prête à être (re)notifiée."
        </p>
        {if empty {
            view! { <p class="results__empty">"Aucun élève dans l’établissement."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" role="region" aria-labelledby="stats-funnel-caption" tabindex="0">
                    <table class="table stats__table stats__funnel">
                        <caption id="stats-funnel-caption">{caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Classe"</th>
                                <th scope="col" class="num">"Élèves"</th>
                                {rank_header(rank, Rank::Pupils, "Élèves au compte activé")}
                                {rank_header(rank, Rank::Guardians, "Élèves ayant un responsable au compte activé")}
                                <th scope="col" class="num">"Élèves à relancer"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
                .into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_api::statistics::{StatisticsCounts, StatisticsRow};

    fn class(code: &str, total: u64, activated: u64, with_guardian: u64) -> StatisticsRow {
        StatisticsRow {
            key: Some(code.into()),
            label: code.into(),
            total,
            not_notified: total - activated,
            notified_not_activated: 0,
            activation_in_progress: None,
            activated,
            students_with_activated_guardian: Some(with_guardian),
        }
    }

    fn stats(rows: Vec<StatisticsRow>) -> Statistics {
        Statistics {
            population: Population::Students,
            by: Grouping::Class,
            rows,
            totals: StatisticsCounts::default(),
            guardians_activated_share: None,
            students_with_activated_guardian: None,
            students_with_activated_guardian_share: None,
            computed_at: chrono::DateTime::default(),
        }
    }

    fn labels(rows: &[ClassProgress]) -> Vec<&str> {
        rows.iter().map(|r| r.label.as_str()).collect()
    }

    #[test]
    fn the_least_advanced_classes_come_first() {
        let s = stats(vec![
            class("3EME1", 30, 27, 20), // 90 %
            class("3EME2", 20, 5, 18),  // 25 %
            class("4EME1", 10, 5, 2),   // 50 %, guardians 20 %
            class("4EME2", 20, 10, 16), // 50 %, guardians 80 %
            class("5EME1", 0, 0, 0),    // no pupils: nothing to rank
        ]);
        assert_eq!(
            labels(&ranked(&s, Rank::Pupils)),
            ["3EME2", "4EME1", "4EME2", "3EME1"]
        );
        assert_eq!(
            labels(&ranked(&s, Rank::Guardians)),
            ["4EME1", "3EME1", "4EME2", "3EME2"]
        );
    }

    #[test]
    fn equal_shares_put_the_larger_class_first_then_keep_the_api_order() {
        // 1/3 and 2/6 are the same share, exactly.
        let s = stats(vec![
            class("6EME1", 3, 1, 1),
            class("6EME2", 6, 2, 2),
            class("6EME10", 3, 1, 1),
        ]);
        assert_eq!(
            labels(&ranked(&s, Rank::Pupils)),
            ["6EME2", "6EME1", "6EME10"]
        );
    }
}
