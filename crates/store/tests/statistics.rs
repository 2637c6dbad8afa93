//! Statistics computed by the database (GROUP BY) agree with a count done by hand over every
//! row of the demo data set, and reproduce the seed's LP table (001 §6). Every test runs on
//! SQLite and PostgreSQL.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::EntityTrait;
use sesame_core::Population;
use sesame_demo::{load_demo, LP_UAI, PRIVATE_COLLEGE_UAI, PUBLIC_COLLEGE_UAI};
use sesame_store::entities::{account, class, guardian_link, mef, student, student_external};
use sesame_store::repo::statistics::{sum_rows, Grouping, StateCounts, Statistics};
use sesame_store::{test_on_both_backends, PasswordHasher, SecretBox, Store};

async fn demo(store: &Store) {
    load_demo(
        store,
        &SecretBox::new(&[3; 32]),
        &PasswordHasher::insecure_fast(),
    )
    .await
    .expect("demo loads");
}

fn counts(c: &StateCounts) -> (u64, u64, u64, u64, u64) {
    (
        c.total,
        c.not_notified,
        c.notified_not_activated,
        c.activation_in_progress,
        c.activated,
    )
}

fn row<'a>(s: &'a Statistics, label: &str) -> &'a StateCounts {
    &s.rows
        .iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label}: {:?}", s.rows))
        .counts
}

test_on_both_backends! {
    async fn the_lp_reproduces_the_seed_table(store: Store) {
        demo(&store).await;
        let s = store.tenant(LP_UAI).statistics(Population::Students, Grouping::Origin).await.unwrap();
        let labels: Vec<&str> = s.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["ATEN", "ENT", "Établissement", "N/A"]);
        assert_eq!(counts(row(&s, "ATEN")), (0, 0, 0, 0, 0));
        assert_eq!(counts(row(&s, "ENT")), (0, 0, 0, 0, 0));
        assert_eq!(counts(row(&s, "Établissement")), (494, 0, 5, 0, 489));
        assert_eq!(counts(row(&s, "N/A")), (2, 2, 0, 0, 0));
        assert_eq!(counts(&s.totals), (496, 2, 5, 0, 489));
        assert_eq!(sum_rows(&s.rows), s.totals);
        assert!(s.guardians_activated_share().is_none());
        let share = s.students_with_activated_guardian_share().unwrap();
        assert!(share > 0.0 && share < 1.0, "{share}");

        let g = store.tenant(LP_UAI).statistics(Population::Guardians, Grouping::Origin).await.unwrap();
        let labels: Vec<&str> = g.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["ATEN", "ENT", "Établissement", "FranceConnect", "Responsable", "N/A"]);
        assert_eq!(sum_rows(&g.rows), g.totals);
        assert_eq!(row(&g, "Établissement").notified_not_activated, 3);
        assert!(g.students_with_activated_guardian.is_none());
        let share = g.guardians_activated_share().unwrap();
        assert!((share - g.totals.activated as f64 / g.totals.total as f64).abs() < 1e-12);
    }
}

/// Everything the statistics are about, read back row by row.
struct World {
    accounts: HashMap<String, account::Model>,
    students: Vec<student::Model>,
    links: Vec<guardian_link::Model>,
    externals: Vec<student_external::Model>,
    classes: HashMap<String, class::Model>,
    mefs: HashMap<String, mef::Model>,
}

impl World {
    async fn read(store: &Store) -> World {
        World {
            accounts: account::Entity::find()
                .all(&store.db)
                .await
                .unwrap()
                .into_iter()
                .map(|a| (a.id.clone(), a))
                .collect(),
            students: student::Entity::find().all(&store.db).await.unwrap(),
            links: guardian_link::Entity::find().all(&store.db).await.unwrap(),
            externals: student_external::Entity::find()
                .all(&store.db)
                .await
                .unwrap(),
            classes: class::Entity::find()
                .all(&store.db)
                .await
                .unwrap()
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            mefs: mef::Entity::find()
                .all(&store.db)
                .await
                .unwrap()
                .into_iter()
                .map(|m| (m.id.clone(), m))
                .collect(),
        }
    }

    fn students_of(&self, uai: &str, population: Population) -> Vec<&student::Model> {
        let external: HashSet<&str> = self
            .externals
            .iter()
            .filter(|x| x.uai == uai)
            .map(|x| x.student_id.as_str())
            .collect();
        self.students
            .iter()
            .filter(|s| s.left_at.is_none())
            .filter(|s| match population {
                Population::ExternalStudents => external.contains(s.id.as_str()),
                _ => s.uai == uai,
            })
            .collect()
    }

    /// (group key, account id) pairs of a population and grouping.
    fn members(
        &self,
        uai: &str,
        population: Population,
        by: Grouping,
    ) -> Vec<(Option<String>, String)> {
        let key_of = |s: &student::Model| -> Option<String> {
            let k = match by {
                Grouping::Class => s.class_id.as_ref().map(|c| self.classes[c].code.clone()),
                Grouping::Mef => s.mef_id.as_ref().map(|m| self.mefs[m].code.clone()),
                Grouping::Origin => unreachable!(),
            };
            match population {
                Population::ExternalStudents => k.map(|k| format!("{}/{k}", s.uai)),
                _ => k,
            }
        };
        let mut out: HashSet<(Option<String>, String)> = HashSet::new();
        let students = self.students_of(uai, Population::Students);
        match population {
            Population::Guardians => {
                let here: HashMap<&str, &student::Model> =
                    students.iter().map(|s| (s.id.as_str(), *s)).collect();
                for l in &self.links {
                    if let Some(s) = here.get(l.student_id.as_str()) {
                        let key = match by {
                            Grouping::Origin => Some(self.accounts[&l.guardian_id].origin.clone()),
                            _ => key_of(s),
                        };
                        out.insert((key, l.guardian_id.clone()));
                    }
                }
            }
            _ => {
                for s in self.students_of(uai, population) {
                    let key = match by {
                        Grouping::Origin => Some(self.accounts[&s.id].origin.clone()),
                        _ => key_of(s),
                    };
                    out.insert((key, s.id.clone()));
                }
            }
        }
        out.into_iter().collect()
    }

    fn expected(
        &self,
        uai: &str,
        population: Population,
        by: Grouping,
    ) -> BTreeMap<Option<String>, (u64, u64, u64, u64, u64)> {
        let mut m: BTreeMap<Option<String>, (u64, u64, u64, u64, u64)> = BTreeMap::new();
        for (key, id) in self.members(uai, population, by) {
            let e = m.entry(key).or_default();
            e.0 += 1;
            match self.accounts[&id].state.as_str() {
                "not_notified" => e.1 += 1,
                "notified_not_activated" => e.2 += 1,
                "activation_in_progress" => e.3 += 1,
                "activated" => e.4 += 1,
                other => panic!("{other}"),
            }
        }
        m
    }

    /// The students with at least one activated guardian, anywhere.
    fn covered(&self) -> HashSet<&str> {
        let activated: HashSet<&str> = self
            .accounts
            .values()
            .filter(|a| a.kind == "guardian" && a.state == "activated")
            .map(|a| a.id.as_str())
            .collect();
        self.links
            .iter()
            .filter(|l| activated.contains(l.guardian_id.as_str()))
            .map(|l| l.student_id.as_str())
            .collect()
    }

    fn with_activated_guardian(&self, uai: &str, population: Population) -> u64 {
        let covered = self.covered();
        self.students_of(uai, population)
            .iter()
            .filter(|s| covered.contains(s.id.as_str()))
            .count() as u64
    }

    /// The same, group by group (students and external students).
    fn with_activated_guardian_by(
        &self,
        uai: &str,
        population: Population,
        by: Grouping,
    ) -> BTreeMap<Option<String>, u64> {
        let covered = self.covered();
        let mut m: BTreeMap<Option<String>, u64> = BTreeMap::new();
        for (key, id) in self.members(uai, population, by) {
            *m.entry(key).or_default() += u64::from(covered.contains(id.as_str()));
        }
        m
    }
}

test_on_both_backends! {
    async fn every_table_agrees_with_a_count_by_hand(store: Store) {
        demo(&store).await;
        let world = World::read(&store).await;
        for uai in [LP_UAI, PUBLIC_COLLEGE_UAI, PRIVATE_COLLEGE_UAI] {
            for population in Population::ALL {
                let everyone = world.members(uai, population, Grouping::Origin).len() as u64;
                if population == Population::ExternalStudents && uai != LP_UAI {
                    assert_eq!(everyone, 0);
                }
                for by in Grouping::ALL {
                    let s = store.tenant(uai).statistics(population, by).await.unwrap();
                    let what = format!("{uai} {population} {}", by.as_str());
                    assert_eq!(s.totals.total, everyone, "{what}");
                    let expected = world.expected(uai, population, by);
                    // Every non-empty group is a row with exactly the hand-made counts.
                    for (key, c) in &expected {
                        let row = s
                            .rows
                            .iter()
                            .find(|r| &r.key == key)
                            .unwrap_or_else(|| panic!("{what}: no row {key:?}"));
                        assert_eq!(counts(&row.counts), *c, "{what} {key:?}");
                    }
                    // The other rows are the zero rows of the establishment's structure.
                    for r in &s.rows {
                        if !expected.contains_key(&r.key) {
                            assert_eq!(r.counts.total, 0, "{what} {:?}", r.key);
                        }
                    }
                    if by == Grouping::Origin || population != Population::Guardians {
                        assert_eq!(sum_rows(&s.rows), s.totals, "{what}");
                    } else {
                        // Guardians of pupils in several classes count in each of them.
                        assert!(sum_rows(&s.rows).total >= s.totals.total, "{what}");
                    }
                    // Row by row too: the per-class funnel of the head's « which class to
                    // chase » table.
                    let funnel = world.with_activated_guardian_by(uai, population, by);
                    for r in &s.rows {
                        let expected = (population != Population::Guardians)
                            .then(|| funnel.get(&r.key).copied().unwrap_or(0));
                        assert_eq!(r.students_with_activated_guardian, expected, "{what} {:?}", r.key);
                    }
                    match population {
                        Population::Guardians => assert!(s.students_with_activated_guardian.is_none()),
                        _ => assert_eq!(
                            s.students_with_activated_guardian,
                            Some(world.with_activated_guardian(uai, population)),
                            "{what}"
                        ),
                    }
                }
            }
        }
        // The LP has pupils of other establishments, keyed by their home establishment.
        let ext = store.tenant(LP_UAI).statistics(Population::ExternalStudents, Grouping::Class).await.unwrap();
        assert!(ext.totals.total > 0);
        assert!(ext.rows.iter().all(|r| r.key.as_deref().is_some_and(|k| k.starts_with(PUBLIC_COLLEGE_UAI))), "{:?}", ext.rows);
        // Rows of a class table are every class of the establishment, in natural order.
        let by_class = store.tenant(PUBLIC_COLLEGE_UAI).statistics(Population::Students, Grouping::Class).await.unwrap();
        let classes = store.tenant(PUBLIC_COLLEGE_UAI).classes().await.unwrap();
        assert_eq!(by_class.rows.len(), classes.len());
        let guardians_by_class = store.tenant(PUBLIC_COLLEGE_UAI).statistics(Population::Guardians, Grouping::Class).await.unwrap();
        assert!(sum_rows(&guardians_by_class.rows).total > guardians_by_class.totals.total, "siblings in two classes");
    }
}

test_on_both_backends! {
    async fn an_empty_establishment_has_zero_rows_and_no_shares(store: Store) {
        use sesame_store::repo::establishments::NewEstablishment;
        store
            .insert_establishment(NewEstablishment {
                uai: "0450750W".into(),
                name: "LP".into(),
                kind: "lp".into(),
                degree: 2,
                sector: "public".into(),
                academy: "Orléans-Tours".into(),
                private_admin_group: false,
            })
            .await
            .unwrap();
        let s = store.tenant("0450750W").statistics(Population::Guardians, Grouping::Origin).await.unwrap();
        assert_eq!(s.rows.len(), 6);
        assert!(s.rows.iter().all(|r| r.counts == StateCounts::default()));
        assert!(s.guardians_activated_share().is_none());
        let s = store.tenant("0450750W").statistics(Population::Students, Grouping::Mef).await.unwrap();
        assert!(s.rows.is_empty());
        assert_eq!(s.students_with_activated_guardian, Some(0));
        assert!(s.students_with_activated_guardian_share().is_none());
    }
}
