//! Account statistics of an establishment ("Statistiques", seed 001 §6): counts by state for
//! each origin, class or MEF, computed live with one GROUP BY query per table (never one query
//! per row), plus the two shares the console shows.
//!
//! The populations are those of the console's tabs: the establishment's students (not those
//! who left), its external students, and the guardians linked to at least one of its students.
//! By class and by MEF, a guardian is counted through their linked students: a guardian of two
//! pupils in two classes counts once in each class (and once only in the totals).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Cond, Expr, Func, JoinType, Query, SelectStatement};
use sea_orm::ConnectionTrait;
use sesame_core::{AccountKind, AccountState, Origin, Population};

use crate::error::Result;
use crate::repo::sql::{a, build, col, join_structure, linked_here};
use crate::Store;

pub use sesame_core::Grouping;

/// Accounts of a group, by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateCounts {
    pub total: u64,
    pub not_notified: u64,
    pub notified_not_activated: u64,
    /// Guardians only (the state does not exist for students).
    pub activation_in_progress: u64,
    pub activated: u64,
}

impl StateCounts {
    /// Adds `n` accounts in `state` (an unknown state still counts in the total).
    fn add(&mut self, state: &str, n: u64) {
        self.total += n;
        match AccountState::parse(state) {
            Some(AccountState::NotNotified) => self.not_notified += n,
            Some(AccountState::NotifiedNotActivated) => self.notified_not_activated += n,
            Some(AccountState::ActivationInProgress) => self.activation_in_progress += n,
            Some(AccountState::Activated) => self.activated += n,
            None => {}
        }
    }

    fn merge(&mut self, other: &StateCounts) {
        self.total += other.total;
        self.not_notified += other.not_notified;
        self.notified_not_activated += other.notified_not_activated;
        self.activation_in_progress += other.activation_in_progress;
        self.activated += other.activated;
    }
}

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsRow {
    /// Origin wire name, class code or MEF code; `None` for the accounts without a class
    /// (MEF). External students' classes and MEFs are those of their home establishment, so
    /// their key is prefixed with its UAI (`0451442Y/3EME1`).
    pub key: Option<String>,
    /// What the console prints: « Établissement », « N/A », the class code, the MEF's long label.
    pub label: String,
    pub counts: StateCounts,
    /// Students and external students: how many of the row's pupils have at least one
    /// activated guardian (the head's « which class to chase » view); `None` for guardians.
    pub students_with_activated_guardian: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    pub population: Population,
    pub by: Grouping,
    pub rows: Vec<StatisticsRow>,
    /// Each account once, whatever the grouping (a guardian in two classes is one guardian).
    pub totals: StateCounts,
    /// Students and external students: how many of them have at least one activated guardian.
    pub students_with_activated_guardian: Option<u64>,
    pub computed_at: DateTime<Utc>,
}

impl Statistics {
    /// Guardians: the share of them whose account is activated (`None` without guardians).
    pub fn guardians_activated_share(&self) -> Option<f64> {
        (self.population == Population::Guardians)
            .then(|| share(self.totals.activated, self.totals.total))
            .flatten()
    }

    /// Students: the share of them with at least one activated guardian.
    pub fn students_with_activated_guardian_share(&self) -> Option<f64> {
        self.students_with_activated_guardian
            .and_then(|n| share(n, self.totals.total))
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The origins of the seed's tables, in its order: ATEN, ENT, Établissement, then for
/// guardians FranceConnect and Responsable, and N/A last.
pub fn origin_order(kind: AccountKind) -> Vec<Origin> {
    [
        Origin::Aten,
        Origin::Ent,
        Origin::Establishment,
        Origin::FranceConnect,
        Origin::Guardian,
        Origin::Unknown,
    ]
    .into_iter()
    .filter(|o| o.applies_to(kind))
    .collect()
}

/// The students of a population (`s`, joined to their account `a`), with their class `c` and
/// MEF `m`.
fn students_from(q: &mut SelectStatement, uai: &str, population: Population) {
    q.from_as(a("students"), a("s"))
        .join_as(
            JoinType::InnerJoin,
            a("accounts"),
            a("a"),
            col("a", "id").equals((a("s"), a("id"))),
        )
        .and_where(col("s", "left_at").is_null());
    if population == Population::ExternalStudents {
        q.join_as(
            JoinType::InnerJoin,
            a("student_external_establishments"),
            a("x"),
            Cond::all()
                .add(col("x", "student_id").equals((a("s"), a("id"))))
                .add(col("x", "uai").eq(uai)),
        );
    } else {
        q.and_where(col("s", "uai").eq(uai));
    }
}

/// The group columns selected as `home`, `k` and `lbl` for a grouping of students.
fn group_columns(by: Grouping, population: Population) -> Vec<(Expr, &'static str)> {
    let mut cols = vec![];
    if population == Population::ExternalStudents && by != Grouping::Origin {
        cols.push((col("s", "uai"), "home"));
    }
    match by {
        Grouping::Origin => cols.push((col("a", "origin"), "k")),
        Grouping::Class => cols.push((col("c", "code"), "k")),
        Grouping::Mef => {
            cols.push((col("m", "code"), "k"));
            cols.push((col("m", "long_label"), "lbl"));
        }
    }
    cols
}

/// A counted group as the database returns it.
struct Group {
    home: Option<String>,
    key: Option<String>,
    label: Option<String>,
    state: String,
    n: u64,
    /// Students: how many of the `n` have an activated guardian (0 for guardians).
    with_guardian: u64,
}

impl Store {
    /// The statistics table of `population` at `uai`, grouped `by`.
    pub(crate) async fn statistics(
        &self,
        uai: &str,
        population: Population,
        by: Grouping,
    ) -> Result<Statistics> {
        let computed_at = Utc::now();
        let groups = self.count_groups(uai, population, by).await?;
        let totals = if population == Population::Guardians && by != Grouping::Origin {
            // A guardian may appear in several classes: count each one once.
            let mut t = StateCounts::default();
            for g in self.count_groups(uai, population, Grouping::Origin).await? {
                t.add(&g.state, g.n);
            }
            t
        } else {
            let mut t = StateCounts::default();
            for g in &groups {
                t.add(&g.state, g.n);
            }
            t
        };
        let rows = match by {
            Grouping::Origin => origin_rows(population, &groups),
            Grouping::Class | Grouping::Mef => {
                let zero_rows = if population == Population::ExternalStudents {
                    vec![]
                } else if by == Grouping::Class {
                    self.classes(uai)
                        .await?
                        .into_iter()
                        .map(|c| (c.code.clone(), c.code))
                        .collect()
                } else {
                    self.mefs(uai)
                        .await?
                        .into_iter()
                        .map(|m| (m.code, m.long_label))
                        .collect()
                };
                structure_rows(by, population, &groups, zero_rows)
            }
        };
        // Each pupil falls in exactly one group, whatever the grouping: the groups add up.
        let students_with_activated_guardian = (population != Population::Guardians)
            .then(|| groups.iter().map(|g| g.with_guardian).sum());
        Ok(Statistics {
            population,
            by,
            rows,
            totals,
            students_with_activated_guardian,
            computed_at,
        })
    }

    /// One GROUP BY query: (group, state) → number of accounts.
    async fn count_groups(
        &self,
        uai: &str,
        population: Population,
        by: Grouping,
    ) -> Result<Vec<Group>> {
        let mut q = Query::select();
        let cols: Vec<(Expr, &str)> = match population {
            Population::Students | Population::ExternalStudents => {
                students_from(&mut q, uai, population);
                join_structure(&mut q);
                group_columns(by, population)
            }
            Population::Guardians if by == Grouping::Origin => {
                q.from_as(a("guardians"), a("g"))
                    .join_as(
                        JoinType::InnerJoin,
                        a("accounts"),
                        a("a"),
                        col("a", "id").equals((a("g"), a("id"))),
                    )
                    .and_where(Expr::exists(linked_here(uai)));
                vec![(col("a", "origin"), "k")]
            }
            Population::Guardians => {
                // Each (guardian, class) or (guardian, MEF) pair once, then counted by state.
                let mut pairs = Query::select();
                pairs
                    .distinct()
                    .expr_as(col("l", "guardian_id"), a("gid"))
                    .from_as(a("guardian_links"), a("l"))
                    .join_as(
                        JoinType::InnerJoin,
                        a("students"),
                        a("s"),
                        col("s", "id").equals((a("l"), a("student_id"))),
                    )
                    .and_where(col("s", "uai").eq(uai))
                    .and_where(col("s", "left_at").is_null());
                join_structure(&mut pairs);
                let mut out = vec![];
                for (expr, name) in group_columns(by, Population::Students) {
                    pairs.expr_as(expr, a(name));
                    out.push((col("p", name), name));
                }
                q.from_subquery(pairs, a("p")).join_as(
                    JoinType::InnerJoin,
                    a("accounts"),
                    a("a"),
                    col("a", "id").equals((a("p"), a("gid"))),
                );
                out
            }
        };
        for (expr, name) in &cols {
            q.expr_as(expr.clone(), a(name));
            q.add_group_by([expr.clone().into()]);
        }
        q.expr_as(col("a", "state"), a("state"))
            .add_group_by([col("a", "state").into()])
            .expr_as(col("a", "id").count(), a("n"));
        let students = population != Population::Guardians;
        if students {
            // Counted in the same pass as the states: CASE without ELSE is NULL, which COUNT
            // skips.
            q.expr_as(
                Func::count(Expr::case(
                    Expr::exists(activated_guardian_of_s()),
                    Expr::val(1),
                )),
                a("wg"),
            );
        }
        let backend = self.db.get_database_backend();
        let rows = self.db.query_all(build(backend, &q)).await?;
        let has = |name: &str| cols.iter().any(|(_, n)| *n == name);
        rows.iter()
            .map(|r| {
                Ok(Group {
                    home: if has("home") {
                        r.try_get::<Option<String>>("", "home")?
                    } else {
                        None
                    },
                    key: r.try_get::<Option<String>>("", "k")?,
                    label: if has("lbl") {
                        r.try_get::<Option<String>>("", "lbl")?
                    } else {
                        None
                    },
                    state: r.try_get::<String>("", "state")?,
                    n: r.try_get::<i64>("", "n")?.max(0) as u64,
                    with_guardian: if students {
                        r.try_get::<i64>("", "wg")?.max(0) as u64
                    } else {
                        0
                    },
                })
            })
            .collect()
    }
}

/// `EXISTS` operand: a guardian of the student aliased `s` whose account is activated.
fn activated_guardian_of_s() -> SelectStatement {
    let mut activated = Query::select();
    activated
        .expr(Expr::val(1))
        .from_as(a("guardian_links"), a("l"))
        .join_as(
            JoinType::InnerJoin,
            a("accounts"),
            a("ga"),
            col("ga", "id").equals((a("l"), a("guardian_id"))),
        )
        .and_where(col("l", "student_id").equals((a("s"), a("id"))))
        .and_where(col("ga", "state").eq(AccountState::Activated.as_str()));
    activated
}

/// One row per origin of the seed's table, zero rows included; an origin that should not
/// occur for the population but does is still shown, so that the rows add up to the total.
fn origin_rows(population: Population, groups: &[Group]) -> Vec<StatisticsRow> {
    let mut by_origin: BTreeMap<usize, (StateCounts, u64)> = BTreeMap::new();
    let mut order = origin_order(population.kind());
    for g in groups {
        let origin = g
            .key
            .as_deref()
            .and_then(Origin::parse)
            .unwrap_or(Origin::Unknown);
        if !order.contains(&origin) {
            // Keep N/A last.
            order.insert(order.len() - 1, origin);
        }
        let entry = by_origin.entry(origin_index(origin)).or_default();
        entry.0.add(&g.state, g.n);
        entry.1 += g.with_guardian;
    }
    order
        .into_iter()
        .map(|o| {
            let (counts, with) = by_origin.get(&origin_index(o)).copied().unwrap_or_default();
            StatisticsRow {
                key: Some(o.as_str().to_owned()),
                label: o.statistics_label().to_owned(),
                counts,
                students_with_activated_guardian: (population != Population::Guardians)
                    .then_some(with),
            }
        })
        .collect()
}

fn origin_index(o: Origin) -> usize {
    Origin::ALL.iter().position(|x| *x == o).unwrap_or(0)
}

/// One row per class (MEF) of the establishment, zero rows included, then one for the
/// accounts without a class (MEF) if there are any; in natural order of the codes.
fn structure_rows(
    by: Grouping,
    population: Population,
    groups: &[Group],
    zero_rows: Vec<(String, String)>,
) -> Vec<StatisticsRow> {
    // key → (label, counts, pupils with an activated guardian); `None` key last.
    let mut rows: BTreeMap<Option<String>, (String, StateCounts, u64)> = BTreeMap::new();
    for (key, label) in zero_rows {
        rows.entry(Some(key))
            .or_insert((label, StateCounts::default(), 0));
    }
    for g in groups {
        let key = g.key.as_ref().map(|k| match &g.home {
            Some(home) => format!("{home}/{k}"),
            None => k.clone(),
        });
        let label = match (&g.key, by) {
            (None, Grouping::Class) => "Sans classe".to_owned(),
            (None, _) => "Sans MEF".to_owned(),
            (Some(k), Grouping::Class) => match &g.home {
                Some(home) => format!("{k} ({home})"),
                None => k.clone(),
            },
            (Some(k), _) => {
                let l = g.label.clone().unwrap_or_else(|| k.clone());
                match &g.home {
                    Some(home) => format!("{l} ({home})"),
                    None => l,
                }
            }
        };
        let entry = rows
            .entry(key)
            .or_insert((label, StateCounts::default(), 0));
        entry.1.add(&g.state, g.n);
        entry.2 += g.with_guardian;
    }
    let students = population != Population::Guardians;
    let mut out: Vec<StatisticsRow> = rows
        .into_iter()
        .map(|(key, (label, counts, with))| StatisticsRow {
            key,
            label,
            counts,
            students_with_activated_guardian: students.then_some(with),
        })
        .collect();
    out.sort_by(|x, y| match (&x.key, &y.key) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Greater,
        (_, None) => Ordering::Less,
        (Some(_), Some(_)) if by == Grouping::Mef => natural_cmp(&x.label, &y.label)
            .then_with(|| natural_cmp(x.key.as_deref().unwrap(), y.key.as_deref().unwrap())),
        (Some(kx), Some(ky)) => natural_cmp(kx, ky),
    });
    out
}

/// Compares with digit runs as numbers, so `3EME2` comes before `3EME10`.
pub fn natural_cmp(x: &str, y: &str) -> Ordering {
    let (mut i, mut j) = (x.chars().peekable(), y.chars().peekable());
    loop {
        match (i.peek().copied(), j.peek().copied()) {
            (None, None) => return x.cmp(y),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(cx), Some(cy)) if cx.is_ascii_digit() && cy.is_ascii_digit() => {
                let mut nx = String::new();
                while let Some(c) = i.peek().copied().filter(char::is_ascii_digit) {
                    nx.push(c);
                    i.next();
                }
                let mut ny = String::new();
                while let Some(c) = j.peek().copied().filter(char::is_ascii_digit) {
                    ny.push(c);
                    j.next();
                }
                let (tx, ty) = (nx.trim_start_matches('0'), ny.trim_start_matches('0'));
                let ord = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(cx), Some(cy)) => {
                let ord = cx.to_lowercase().cmp(cy.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                i.next();
                j.next();
            }
        }
    }
}

/// Merges counts (used by callers that add up rows).
pub fn sum_rows(rows: &[StatisticsRow]) -> StateCounts {
    let mut t = StateCounts::default();
    for r in rows {
        t.merge(&r.counts);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_of_class_codes() {
        let mut v = vec!["3EME10", "3EME2", "3EME1", "2 nde AGORA", "6EME1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["2 nde AGORA", "3EME1", "3EME2", "3EME10", "6EME1"]);
    }

    #[test]
    fn origins_follow_the_seed() {
        let labels = |k| {
            origin_order(k)
                .iter()
                .map(|o| o.statistics_label())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(AccountKind::Student),
            ["ATEN", "ENT", "Établissement", "N/A"]
        );
        assert_eq!(
            labels(AccountKind::Guardian),
            [
                "ATEN",
                "ENT",
                "Établissement",
                "FranceConnect",
                "Responsable",
                "N/A"
            ]
        );
    }
}
