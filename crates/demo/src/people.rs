//! Pupils and guardians of the 2nd-degree establishments: their ÉduConnect accounts, the data
//! sources that recorded them, the guardian links, and the external pupils.
//!
//! Pupils are generated family by family, so siblings share their guardians (a guardian linked
//! to two pupils) and names stay coherent within a family (a mother keeping her own name, a
//! double family name for some children). States and origins are then dealt out by exact
//! quotas over a shuffled order, so each establishment shows the proportions of seed 001 §6
//! every time rather than whatever a dice roll gives.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sesame_core::account::{AccountKind, AccountState, Origin};
use sesame_core::identifier::fold_name;
use sesame_core::password::generate_provisional;

use super::establishments::{
    ClassSpec, EstablishmentSpec, Structure, LP, PRIVATE_COLLEGE, PUBLIC_COLLEGE,
};
use super::{names, seed, Builder};
use super::{LP_UAI, SOURCES_DIFFER_STUDENT_ID, STALE_IDENTIFIER, STALE_IDENTIFIER_STUDENT_ID};
use sesame_store::entities::{
    account, account_source, guardian, guardian_link, student, student_external,
};
use sesame_store::error::Result;

use AccountState::{Activated, ActivationInProgress, NotNotified, NotifiedNotActivated};

/// How many accounts of a population get one (state, origin).
#[derive(Clone, Copy)]
enum Amount {
    Count(usize),
    PerMille(usize),
    /// Whatever the other lines leave; exactly one line of a plan says so.
    Rest,
}
use Amount::{Count, PerMille, Rest};

type Plan = &'static [(AccountState, Origin, Amount)];

struct PopulationSpec {
    establishment: &'static EstablishmentSpec,
    /// Pupils of entry classes (6EME, 2nde, first year of CAP and BTS): notified this autumn,
    /// so more of them have not activated yet.
    new_pupils: Plan,
    returning_pupils: Plan,
    guardians: Plan,
    /// Share of pupils one year behind (more in vocational tracks).
    held_back_per_mille: u32,
    /// Share of families with a second child in the establishment.
    siblings_per_mille: u32,
    /// Guardian links reported as wrong by the guardian.
    reported_links: usize,
    /// Pupils following shared teaching at the LP.
    external_at_lp: usize,
    special: &'static [Special],
}

/// A pupil placed on purpose, for a feature that needs one (identifier regeneration).
struct Special {
    id: &'static str,
    class: &'static str,
    first_name: &'static str,
    family_name: &'static str,
    /// The identifier the account was created with, when it no longer matches the names.
    identifier: Option<&'static str>,
    /// The family name the AAF recorded, when it disagrees with SIECLE.
    aaf_family_name: Option<&'static str>,
}

/// The seed's own figures (001 §6): 496 pupils of whom 2 not notified and 5 notified but not
/// activated; guardians 66 % not notified, 23 % self-registered, 8 % FranceConnect, 3 %
/// distributed by the school.
const LP_POPULATION: PopulationSpec = PopulationSpec {
    establishment: &LP,
    new_pupils: &[
        (NotNotified, Origin::Unknown, Count(2)),
        (NotifiedNotActivated, Origin::Establishment, Count(3)),
        (Activated, Origin::Establishment, Rest),
    ],
    returning_pupils: &[
        (NotifiedNotActivated, Origin::Establishment, Count(2)),
        (Activated, Origin::Establishment, Rest),
    ],
    guardians: &[
        (Activated, Origin::Guardian, PerMille(232)),
        (Activated, Origin::FranceConnect, PerMille(78)),
        (Activated, Origin::Establishment, PerMille(26)),
        (NotifiedNotActivated, Origin::Establishment, Count(3)),
        (NotNotified, Origin::Unknown, Rest),
    ],
    held_back_per_mille: 280,
    siblings_per_mille: 50,
    reported_links: 1,
    external_at_lp: 0,
    special: &[],
};

/// A collège where the 6e were notified this autumn and a fifth of them have not activated
/// yet, and where every origin of the statistics table occurs (ATEN and ENT transitions too).
const PUBLIC_COLLEGE_POPULATION: PopulationSpec = PopulationSpec {
    establishment: &PUBLIC_COLLEGE,
    new_pupils: &[
        (NotNotified, Origin::Unknown, Count(3)),
        (NotifiedNotActivated, Origin::Establishment, PerMille(200)),
        (Activated, Origin::Establishment, Rest),
    ],
    returning_pupils: &[
        (NotNotified, Origin::Unknown, Count(3)),
        (NotifiedNotActivated, Origin::Establishment, Count(9)),
        (Activated, Origin::Ent, Count(8)),
        (Activated, Origin::Establishment, Rest),
    ],
    guardians: &[
        (Activated, Origin::Guardian, PerMille(330)),
        (Activated, Origin::FranceConnect, PerMille(180)),
        (Activated, Origin::Establishment, PerMille(60)),
        (NotifiedNotActivated, Origin::Establishment, PerMille(40)),
        (ActivationInProgress, Origin::Guardian, PerMille(20)),
        (ActivationInProgress, Origin::Establishment, Count(2)),
        (Activated, Origin::Aten, PerMille(15)),
        (Activated, Origin::Ent, PerMille(10)),
        (NotNotified, Origin::Unknown, Rest),
    ],
    held_back_per_mille: 120,
    siblings_per_mille: 140,
    reported_links: 2,
    external_at_lp: 30,
    special: &[
        // Regeneration refused: SIECLE says Dupont, the AAF says Dupond.
        Special {
            id: SOURCES_DIFFER_STUDENT_ID,
            class: "4EME2",
            first_name: "Céline",
            family_name: "Dupont",
            identifier: None,
            aaf_family_name: Some("Dupond"),
        },
        // Regeneration possible: created as « Lemaître », corrected to « Lemaire » everywhere.
        Special {
            id: STALE_IDENTIFIER_STUDENT_ID,
            class: "3EME1",
            first_name: "Kévin",
            family_name: "Lemaire",
            identifier: Some(STALE_IDENTIFIER),
            aaf_family_name: None,
        },
    ],
};

const PRIVATE_COLLEGE_POPULATION: PopulationSpec = PopulationSpec {
    establishment: &PRIVATE_COLLEGE,
    new_pupils: &[
        (NotNotified, Origin::Unknown, Count(1)),
        (NotifiedNotActivated, Origin::Establishment, Count(4)),
        (Activated, Origin::Establishment, Rest),
    ],
    returning_pupils: &[
        (NotNotified, Origin::Unknown, Count(1)),
        (NotifiedNotActivated, Origin::Establishment, Count(1)),
        (Activated, Origin::Establishment, Rest),
    ],
    guardians: &[
        (Activated, Origin::Guardian, PerMille(320)),
        (Activated, Origin::FranceConnect, PerMille(200)),
        (Activated, Origin::Establishment, PerMille(50)),
        (NotifiedNotActivated, Origin::Establishment, PerMille(30)),
        (ActivationInProgress, Origin::Guardian, PerMille(10)),
        (NotNotified, Origin::Unknown, Rest),
    ],
    held_back_per_mille: 80,
    siblings_per_mille: 160,
    reported_links: 0,
    external_at_lp: 0,
    special: &[],
};

pub(super) fn populations(
    b: &mut Builder<'_>,
    structures: &[(&'static str, Structure)],
) -> Result<()> {
    for spec in [
        &LP_POPULATION,
        &PUBLIC_COLLEGE_POPULATION,
        &PRIVATE_COLLEGE_POPULATION,
    ] {
        let uai = spec.establishment.uai;
        let structure = structures
            .iter()
            .find(|(u, _)| *u == uai)
            .map(|(_, s)| s)
            .expect("every establishment with pupils has a structure");
        let mut rng = seed::stream(&format!("people/{uai}"));
        Population::new(b, &mut rng, spec, structure).generate()?;
    }
    Ok(())
}

struct Pupil {
    id: String,
    first_name: &'static str,
    family_name: String,
    class: &'static ClassSpec,
    birth_date: NaiveDate,
    special: Option<&'static Special>,
}

struct Adult {
    id: String,
    first_name: &'static str,
    family_name: String,
    woman: bool,
    relationship: &'static str,
    legal: bool,
}

struct Family {
    pupils: Vec<usize>,
    adults: Vec<usize>,
}

struct Population<'b, 'a, 'r> {
    b: &'b mut Builder<'a>,
    rng: &'r mut ChaCha8Rng,
    spec: &'static PopulationSpec,
    structure: &'r Structure,
    pupils: Vec<Pupil>,
    adults: Vec<Adult>,
    families: Vec<Family>,
}

impl<'b, 'a, 'r> Population<'b, 'a, 'r> {
    fn new(
        b: &'b mut Builder<'a>,
        rng: &'r mut ChaCha8Rng,
        spec: &'static PopulationSpec,
        structure: &'r Structure,
    ) -> Self {
        Population {
            b,
            rng,
            spec,
            structure,
            pupils: vec![],
            adults: vec![],
            families: vec![],
        }
    }

    fn generate(mut self) -> Result<()> {
        self.make_families();
        let pupil_plans = self.pupil_plans();
        let guardian_plans = deal(self.rng, self.adults.len(), self.spec.guardians);
        let pupil_created = self.write_pupils(&pupil_plans)?;
        self.write_guardians(&guardian_plans, &pupil_created)?;
        self.write_links(&guardian_plans);
        self.write_externals();
        Ok(())
    }

    /// Places every seat of every class in a family. Special pupils take the first seat of
    /// their class; the others are shuffled so siblings land in random classes of other levels.
    fn make_families(&mut self) {
        let seats: Vec<&'static ClassSpec> = self
            .spec
            .establishment
            .classes
            .iter()
            .flat_map(|c| std::iter::repeat_n(c, c.size))
            .collect();
        let mut taken = vec![false; seats.len()];
        for special in self.spec.special {
            let seat = seats
                .iter()
                .enumerate()
                .position(|(i, c)| c.code == special.class && !taken[i])
                .expect("the special pupil's class exists");
            taken[seat] = true;
            self.family_of(&[seats[seat]], Some(special));
        }
        let mut order: Vec<usize> = (0..seats.len()).filter(|&i| !taken[i]).collect();
        order.shuffle(self.rng);
        for (pos, &seat) in order.iter().enumerate() {
            if taken[seat] {
                continue;
            }
            taken[seat] = true;
            let mut classes = vec![seats[seat]];
            if self.rng.gen_range(0..1000) < self.spec.siblings_per_mille {
                // A brother or sister in another level, among the seats not yet placed.
                let sibling = order[pos + 1..]
                    .iter()
                    .copied()
                    .find(|&j| !taken[j] && seats[j].birth_year != seats[seat].birth_year);
                if let Some(j) = sibling {
                    taken[j] = true;
                    classes.push(seats[j]);
                }
            }
            self.family_of(&classes, None);
        }
    }

    fn family_of(&mut self, classes: &[&'static ClassSpec], special: Option<&'static Special>) {
        let rng = &mut *self.rng;
        let father_family = match special {
            Some(s) => s.family_name.to_owned(),
            None => names::family_name(rng).to_owned(),
        };
        let mother_family = if special.is_none() && rng.gen_bool(0.45) {
            names::family_name(rng).to_owned()
        } else {
            father_family.clone()
        };
        let roll = rng.gen_range(0..100);
        // (woman, family name, relationship, legal) of each guardian.
        let mut adults: Vec<(bool, String, &'static str, bool)> = vec![];
        let children_family;
        if special.is_some() || roll < 76 {
            adults.push((true, mother_family.clone(), "Mère", true));
            adults.push((false, father_family.clone(), "Père", true));
            children_family = if mother_family == father_family {
                father_family.clone()
            } else {
                match rng.gen_range(0..100) {
                    0..=19 => format!("{father_family}-{mother_family}"),
                    20..=27 => mother_family.clone(),
                    _ => father_family.clone(),
                }
            };
        } else if roll < 90 {
            adults.push((true, mother_family.clone(), "Mère", true));
            children_family = mother_family.clone();
        } else if roll < 95 {
            adults.push((false, father_family.clone(), "Père", true));
            children_family = father_family.clone();
        } else if roll < 97 {
            let tutor_family = names::family_name(rng).to_owned();
            adults.push((rng.gen_bool(0.6), tutor_family, "Tuteur", true));
            children_family = father_family.clone();
        } else {
            // A grandparent the school may contact, who holds no parental authority.
            adults.push((true, mother_family.clone(), "Mère", true));
            adults.push((false, father_family.clone(), "Père", true));
            adults.push((
                rng.gen_bool(0.7),
                father_family.clone(),
                "Autre membre de la famille",
                false,
            ));
            children_family = father_family.clone();
        }

        let mut family = Family {
            pupils: vec![],
            adults: vec![],
        };
        for (k, class) in classes.iter().enumerate() {
            let (first_name, family_name) = match special {
                Some(s) if k == 0 => (s.first_name, s.family_name.to_owned()),
                _ => loop {
                    let girl = rng.gen_bool(0.5);
                    let first = names::child_first_name(rng, girl);
                    if !names::is_reserved(first, &children_family) {
                        break (first, children_family.clone());
                    }
                },
            };
            let behind = rng.gen_range(0..1000) < self.spec.held_back_per_mille;
            let year = class.birth_year - i32::from(behind);
            let id = match special {
                Some(s) if k == 0 => s.id.to_owned(),
                _ => seed::id(rng),
            };
            family.pupils.push(self.pupils.len());
            self.pupils.push(Pupil {
                id,
                first_name,
                family_name,
                class,
                birth_date: seed::birth_date(rng, year),
                special: if k == 0 { special } else { None },
            });
        }
        for (woman, family_name, relationship, legal) in adults {
            let first_name = loop {
                let first = names::adult_first_name(rng, woman);
                if !names::is_reserved(first, &family_name) {
                    break first;
                }
            };
            family.adults.push(self.adults.len());
            self.adults.push(Adult {
                id: seed::id(rng),
                first_name,
                family_name,
                woman,
                relationship,
                legal,
            });
        }
        self.families.push(family);
    }

    /// (state, origin) of every pupil, by index; special pupils are activated accounts
    /// distributed by the school.
    fn pupil_plans(&mut self) -> Vec<(AccountState, Origin)> {
        let mut plans = vec![(Activated, Origin::Establishment); self.pupils.len()];
        for (entry, plan) in [
            (true, self.spec.new_pupils),
            (false, self.spec.returning_pupils),
        ] {
            let group: Vec<usize> = (0..self.pupils.len())
                .filter(|&i| {
                    self.pupils[i].special.is_none()
                        && (self.pupils[i].class.years_here == 0) == entry
                })
                .collect();
            for (i, p) in group.iter().zip(deal(self.rng, group.len(), plan)) {
                plans[*i] = p;
            }
        }
        plans
    }

    /// Writes the pupils' accounts, sources and pupil rows; returns when each account was
    /// created (their guardians' accounts come from the same import).
    fn write_pupils(&mut self, plans: &[(AccountState, Origin)]) -> Result<Vec<DateTime<Utc>>> {
        let est = self.spec.establishment;
        let mut created = Vec::with_capacity(self.pupils.len());
        let mut eleve_id: u64 = self.rng.gen_range(1_000_000..5_000_000);
        for (pupil, &(state, origin)) in self.pupils.iter().zip(plans) {
            let rng = &mut *self.rng;
            let entry_year = seed::SCHOOL_YEAR - pupil.class.years_here;
            let created_at = if state == NotNotified {
                // Arrived during the term: the import created the account, nobody notified it.
                seed::daytime_between(
                    rng,
                    seed::at(2026, 9, 14, 0, 0),
                    seed::reference() - Duration::days(2),
                )
            } else {
                seed::daytime_between(
                    rng,
                    seed::at(entry_year, 7, 2, 0, 0),
                    seed::at(entry_year, 7, 10, 0, 0),
                )
            };
            created.push(created_at);
            let identifier = match pupil.special.and_then(|s| s.identifier) {
                Some(fixed) => fixed.to_owned(),
                None => self.b.identifier(rng, pupil.first_name, &pupil.family_name),
            };
            let life = Lifecycle::draw(
                rng,
                AccountKind::Student,
                state,
                origin,
                created_at,
                entry_year,
            );
            let email = (state == Activated && rng.gen_range(0..100) < 7)
                .then(|| email(rng, pupil.first_name, &pupil.family_name));
            let email_validated = email.is_some();
            self.b.account(
                rng,
                NewAccount {
                    id: &pupil.id,
                    kind: AccountKind::Student,
                    identifier,
                    state,
                    origin,
                    life,
                    email,
                    email_validated,
                    phone: None,
                    created_at,
                    home_uai: Some(est.uai),
                },
            )?;

            eleve_id += rng.gen_range(1..40);
            let aaf_id = aaf_id(rng);
            let siecle_id = eleve_id.to_string();
            self.b.source(
                rng,
                &pupil.id,
                "SIECLE",
                est.source_academy,
                Some(&aaf_id),
                Some(&siecle_id),
                &pupil.family_name,
                pupil.first_name,
            );
            // Most pupils are also in the académie's directory (AAF), fed from SIECLE; the
            // special pupils always are, since regeneration compares the two.
            if pupil.special.is_some() || rng.gen_range(0..100) < 70 {
                let aaf_family = pupil
                    .special
                    .and_then(|s| s.aaf_family_name)
                    .map(str::to_owned)
                    .unwrap_or_else(|| pupil.family_name.clone());
                self.b.source(
                    rng,
                    &pupil.id,
                    "AAF",
                    est.source_academy,
                    Some(&aaf_id),
                    None,
                    &aaf_family,
                    pupil.first_name,
                );
            }
            let ine = format!(
                "{:010}{}",
                rng.gen_range(0..10_000_000_000u64),
                char::from(b'A' + rng.gen_range(0..26u8))
            );
            self.b.rows.students.push(student::Model {
                id: pupil.id.clone(),
                uai: est.uai.to_owned(),
                class_id: Some(self.structure.class_ids[pupil.class.code].clone()),
                mef_id: Some(self.structure.mef_ids[pupil.class.mef].clone()),
                family_name: pupil.family_name.clone(),
                first_name: pupil.first_name.to_owned(),
                family_key: fold_name(&pupil.family_name),
                first_key: fold_name(pupil.first_name),
                birth_date: Some(pupil.birth_date),
                ine: Some(ine),
                source_id: Some(siecle_id),
                left_at: None,
            });
        }
        Ok(created)
    }

    fn write_guardians(
        &mut self,
        plans: &[(AccountState, Origin)],
        pupil_created: &[DateTime<Utc>],
    ) -> Result<()> {
        let est = self.spec.establishment;
        // When each guardian entered SIECLE: with their first child.
        let mut created = vec![seed::reference(); self.adults.len()];
        let mut entry_year = vec![seed::SCHOOL_YEAR; self.adults.len()];
        for family in &self.families {
            for &a in &family.adults {
                for &p in &family.pupils {
                    created[a] = created[a].min(pupil_created[p]);
                    entry_year[a] =
                        entry_year[a].min(seed::SCHOOL_YEAR - self.pupils[p].class.years_here);
                }
            }
        }
        let mut personne_id: u64 = self.rng.gen_range(5_000_000..9_000_000);
        for (a, adult) in self.adults.iter().enumerate() {
            let rng = &mut *self.rng;
            let (state, origin) = plans[a];
            let identifier = self.b.identifier(rng, adult.first_name, &adult.family_name);
            let life = Lifecycle::draw(
                rng,
                AccountKind::Guardian,
                state,
                origin,
                created[a],
                entry_year[a],
            );
            // Self-registration and FranceConnect always bring a confirmed address; SIECLE
            // gives one for most of the others, and some guardians never gave any.
            let (email, email_validated) = match (state, origin) {
                (NotNotified, _) | (NotifiedNotActivated, _) => (
                    (rng.gen_range(0..100) < 70)
                        .then(|| email(rng, adult.first_name, &adult.family_name)),
                    false,
                ),
                (ActivationInProgress, _) => (
                    Some(email(rng, adult.first_name, &adult.family_name)),
                    false,
                ),
                (Activated, Origin::Establishment) => {
                    let e = (rng.gen_range(0..100) < 80)
                        .then(|| email(rng, adult.first_name, &adult.family_name));
                    let validated = e.is_some();
                    (e, validated)
                }
                (Activated, _) => (Some(email(rng, adult.first_name, &adult.family_name)), true),
            };
            let phone = (rng.gen_range(0..100) < 88).then(|| phone(rng));
            self.b.account(
                rng,
                NewAccount {
                    id: &adult.id,
                    kind: AccountKind::Guardian,
                    identifier,
                    state,
                    origin,
                    life,
                    email,
                    email_validated,
                    phone,
                    created_at: created[a],
                    home_uai: None,
                },
            )?;
            personne_id += rng.gen_range(1..60);
            let aaf_id = aaf_id(rng);
            let siecle_id = personne_id.to_string();
            self.b.source(
                rng,
                &adult.id,
                "SIECLE",
                est.source_academy,
                Some(&aaf_id),
                Some(&siecle_id),
                &adult.family_name,
                adult.first_name,
            );
            if rng.gen_range(0..100) < 40 {
                self.b.source(
                    rng,
                    &adult.id,
                    "AAF",
                    est.source_academy,
                    Some(&aaf_id),
                    None,
                    &adult.family_name,
                    adult.first_name,
                );
            }
            self.b.rows.guardians.push(guardian::Model {
                id: adult.id.clone(),
                family_name: adult.family_name.clone(),
                first_name: adult.first_name.to_owned(),
                family_key: fold_name(&adult.family_name),
                first_key: fold_name(adult.first_name),
                civility: Some(if adult.woman { "Mme" } else { "M." }.to_owned()),
                source_id: Some(siecle_id),
            });
        }
        Ok(())
    }

    fn write_links(&mut self, guardian_plans: &[(AccountState, Origin)]) {
        let first = self.b.rows.guardian_links.len();
        for family in &self.families {
            for &p in &family.pupils {
                for &a in &family.adults {
                    let adult = &self.adults[a];
                    self.b.rows.guardian_links.push(guardian_link::Model {
                        guardian_id: adult.id.clone(),
                        student_id: self.pupils[p].id.clone(),
                        relationship: adult.relationship.to_owned(),
                        legal: adult.legal,
                        reported_wrong: false,
                        reported_at: None,
                    });
                }
            }
        }
        // Only a guardian who logged in can report a link from their account.
        let index: std::collections::HashMap<&str, usize> = self
            .adults
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let mut candidates: Vec<usize> = (first..self.b.rows.guardian_links.len())
            .filter(|&l| {
                let link = &self.b.rows.guardian_links[l];
                link.legal && guardian_plans[index[link.guardian_id.as_str()]].0 == Activated
            })
            .collect();
        candidates.shuffle(self.rng);
        for &l in candidates.iter().take(self.spec.reported_links) {
            let at = seed::daytime_between(
                self.rng,
                seed::at(2026, 10, 1, 0, 0),
                seed::reference() - Duration::days(1),
            );
            let link = &mut self.b.rows.guardian_links[l];
            link.reported_wrong = true;
            link.reported_at = Some(at);
        }
    }

    /// 3e pupils who follow shared teaching at the LP (« élèves extérieurs » there).
    fn write_externals(&mut self) {
        if self.spec.external_at_lp == 0 {
            return;
        }
        let mut candidates: Vec<usize> = (0..self.pupils.len())
            .filter(|&i| {
                self.pupils[i].special.is_none() && self.pupils[i].class.mef == "10310019110"
            })
            .collect();
        candidates.shuffle(self.rng);
        candidates.truncate(self.spec.external_at_lp);
        candidates.sort_unstable();
        for i in candidates {
            self.b.rows.externals.push(student_external::Model {
                student_id: self.pupils[i].id.clone(),
                uai: LP_UAI.to_owned(),
            });
        }
    }
}

/// The (state, origin) of `n` accounts, in a shuffled order, with the plan's exact counts.
fn deal(rng: &mut ChaCha8Rng, n: usize, plan: Plan) -> Vec<(AccountState, Origin)> {
    let mut out = Vec::with_capacity(n);
    for &(state, origin, amount) in plan {
        let k = match amount {
            Count(k) => k,
            // Rounded to the nearest account, so 0.3 % of 862 still gives two or three.
            PerMille(pm) => (n * pm + 500) / 1000,
            Rest => continue,
        };
        out.extend(std::iter::repeat_n((state, origin), k));
    }
    out.truncate(n);
    let &(state, origin, _) = plan
        .iter()
        .find(|(_, _, a)| matches!(a, Rest))
        .expect("a plan says who gets the rest");
    out.resize(n, (state, origin));
    out.shuffle(rng);
    out
}

/// The dates of an account's life, consistent with its state and origin.
pub(super) struct Lifecycle {
    pub notified_at: Option<DateTime<Utc>>,
    pub distributed_at: Option<DateTime<Utc>>,
    pub activated_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// Whether the holder chose a password (stored as a hash).
    pub chosen_password: bool,
}

impl Lifecycle {
    fn draw(
        rng: &mut ChaCha8Rng,
        kind: AccountKind,
        state: AccountState,
        origin: Origin,
        created_at: DateTime<Utc>,
        entry_year: i32,
    ) -> Lifecycle {
        let now = seed::reference();
        // Nothing happens to an account before the import created it.
        let window = |rng: &mut ChaCha8Rng, from: DateTime<Utc>, to: DateTime<Utc>| {
            seed::daytime_between(rng, from.max(created_at), to)
        };
        let mut life = Lifecycle {
            notified_at: None,
            distributed_at: None,
            activated_at: None,
            last_login_at: None,
            chosen_password: false,
        };
        match (state, origin) {
            (NotNotified, _) => {}
            (NotifiedNotActivated, _) => {
                // Notified (or reset) a few weeks ago and not activated yet.
                let t = window(rng, seed::at(2026, 10, 12, 0, 0), now - Duration::days(1));
                life.notified_at = Some(t);
                life.distributed_at = Some(t);
            }
            (ActivationInProgress, Origin::Establishment) => {
                // Entered the provisional password and chose one, contact not yet confirmed.
                let t = window(rng, seed::at(2026, 10, 12, 0, 0), now - Duration::days(2));
                life.notified_at = Some(t);
                life.distributed_at = Some(t);
                life.last_login_at = Some(seed::between(rng, t, t + Duration::days(1)));
                life.chosen_password = true;
            }
            (ActivationInProgress, _) => {
                // Self-registration started: a password chosen, the contact not yet confirmed.
                let t = window(rng, seed::at(2026, 11, 2, 0, 0), now - Duration::hours(2));
                life.last_login_at = Some(t);
                life.chosen_password = true;
            }
            (Activated, Origin::Establishment) => {
                // The autumn distribution campaign of the year the pupil arrived.
                let t = window(
                    rng,
                    seed::at(entry_year, 9, 3, 0, 0),
                    seed::at(entry_year, 10, 16, 0, 0),
                );
                life.notified_at = Some(t);
                life.distributed_at = Some(t);
                let delay = if kind == AccountKind::Student { 10 } else { 30 };
                let activated = seed::daytime_between(
                    rng,
                    t + Duration::hours(2),
                    (t + Duration::days(delay)).min(now - Duration::hours(1)),
                );
                life.activated_at = Some(activated);
                life.last_login_at = Some(last_login(rng, activated));
                life.chosen_password = true;
            }
            (Activated, _) => {
                // Self-registration, FranceConnect or a transition from ATEN or the ENT: the
                // school never notified these accounts.
                let activated = window(
                    rng,
                    created_at + Duration::days(1),
                    (created_at + Duration::days(300)).min(now - Duration::days(1)),
                );
                life.activated_at = Some(activated);
                life.last_login_at = Some(last_login(rng, activated));
                life.chosen_password = origin != Origin::FranceConnect;
            }
        }
        life
    }
}

/// Most holders logged in during the last three weeks; some not since they activated.
fn last_login(rng: &mut ChaCha8Rng, since: DateTime<Utc>) -> DateTime<Utc> {
    let now = seed::reference();
    let from = if rng.gen_range(0..100) < 75 {
        since.max(now - Duration::days(21))
    } else {
        since
    };
    seed::daytime_between(rng, from, now)
}

pub(super) struct NewAccount<'s> {
    pub id: &'s str,
    pub kind: AccountKind,
    pub identifier: String,
    pub state: AccountState,
    pub origin: Origin,
    pub life: Lifecycle,
    pub email: Option<String>,
    pub email_validated: bool,
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Students: their main establishment.
    pub home_uai: Option<&'s str>,
}

impl Builder<'_> {
    fn account(&mut self, rng: &mut ChaCha8Rng, new: NewAccount<'_>) -> Result<()> {
        // Drawn for every account, used or not, so that changing one account's state does
        // not shift the passwords of all the accounts after it.
        let provisional = generate_provisional(rng);
        let provisional_password_enc = if new.state == NotifiedNotActivated {
            Some(self.secrets.seal(&provisional, new.id)?)
        } else {
            None
        };
        let life = new.life;
        let updated_at = [life.notified_at, life.activated_at, life.last_login_at]
            .into_iter()
            .flatten()
            .fold(new.created_at, DateTime::max);
        self.rows.accounts.push(account::Model {
            id: new.id.to_owned(),
            kind: new.kind.as_str().to_owned(),
            identifier: new.identifier,
            state: new.state.as_str().to_owned(),
            origin: new.origin.as_str().to_owned(),
            notified_at: life.notified_at,
            distributed_at: life.distributed_at,
            activated_at: life.activated_at,
            last_login_at: life.last_login_at,
            email: new.email,
            email_validated: new.email_validated,
            phone: new.phone,
            must_change_password: provisional_password_enc.is_some(),
            provisional_password_enc,
            password_hash: life.chosen_password.then(|| self.holder_hash.to_owned()),
            pending_identifier: None,
            pending_effective_at: None,
            pending_requested_at: None,
            previous_identifier: None,
            created_at: new.created_at,
            updated_at,
            home_uai: new.home_uai.map(str::to_owned),
        });
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn source(
        &mut self,
        rng: &mut ChaCha8Rng,
        account_id: &str,
        source: &str,
        academy: &str,
        aaf_id: Option<&str>,
        source_id: Option<&str>,
        family_name: &str,
        first_name: &str,
    ) {
        self.rows.sources.push(account_source::Model {
            id: seed::id(rng),
            account_id: account_id.to_owned(),
            source: source.to_owned(),
            academy: academy.to_owned(),
            aaf_id: aaf_id.map(str::to_owned),
            source_id: source_id.map(str::to_owned),
            family_name: family_name.to_owned(),
            first_name: first_name.to_owned(),
        });
    }
}

fn aaf_id(rng: &mut ChaCha8Rng) -> String {
    rng.gen_range(10_000_000..100_000_000u32).to_string()
}

/// Addresses only on the domains reserved for examples (RFC 2606): the demo can send e-mail
/// (notification by e-mail), and it must never reach a real person.
pub(super) fn email(rng: &mut ChaCha8Rng, first: &str, family: &str) -> String {
    let f = fold_name(first);
    let n = fold_name(family);
    let local = match rng.gen_range(0..4) {
        0 => format!("{f}.{n}"),
        1 => format!("{f}{n}"),
        2 => format!("{f}.{n}{}", rng.gen_range(60..100)),
        _ => format!("{}.{n}", &f[..1]),
    };
    let domain = ["example.com", "example.net", "example.org"][rng.gen_range(0..3)];
    format!("{local}@{domain}")
}

/// A French mobile number, written as people write it.
fn phone(rng: &mut ChaCha8Rng) -> String {
    format!(
        "0{} {:02} {:02} {:02} {:02}",
        rng.gen_range(6..8),
        rng.gen_range(0..100),
        rng.gen_range(0..100),
        rng.gen_range(0..100),
        rng.gen_range(0..100)
    )
}
