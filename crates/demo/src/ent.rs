//! The ENT directory of the primary school (seed 000): the group tree browsed as « école →
//! Groupes pédagogiques → Classes », pupils and parents attached to their class groups, the
//! school's staff, municipal staff and a couple of guests, with logins `prenom.nom` numbered
//! from 2 for homonyms.

use chrono::{DateTime, Utc};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sesame_core::identifier::{ent_login, ent_login_with_suffix, fold_name};
use sesame_core::EntGroupKind;

use super::people::email;
use super::{names, seed, Builder, PRIMARY_SCHOOL_UAI};
use sesame_store::entities::{ent_group, ent_user, ent_user_group};

pub(super) const PUPIL: &str = "Élève";
pub(super) const PARENT: &str = "Parent";
pub(super) const NATIONAL_EDUCATION_STAFF: &str = "Personnel de l'Éducation nationale";
pub(super) const LOCAL_AUTHORITY_STAFF: &str = "Personnel de collectivité";
pub(super) const GUEST: &str = "Autre / invité";

pub(super) const OPERATIONAL: &str = "Opérationnel";
pub(super) const BLOCKED: &str = "Bloqué";

/// Group kinds: folders only structure the tree; classes and pedagogical groups hold people.
pub(super) const FOLDER: EntGroupKind = EntGroupKind::Folder;
pub(super) const CLASS: EntGroupKind = EntGroupKind::Class;
pub(super) const GROUP: EntGroupKind = EntGroupKind::Group;

struct ClassGroup {
    name: &'static str,
    teacher_first: &'static str,
    teacher_family: &'static str,
    size: usize,
    /// Pupils of the CP arrived this September: their accounts are the newest.
    new_this_year: bool,
}

const CLASSES: &[ClassGroup] = &[
    ClassGroup {
        name: "CP A - MME LEROY",
        teacher_first: "Sandrine",
        teacher_family: "Leroy",
        size: 22,
        new_this_year: true,
    },
    ClassGroup {
        name: "CE1 A - MME GIRARD",
        teacher_first: "Aurélie",
        teacher_family: "Girard",
        size: 24,
        new_this_year: false,
    },
    ClassGroup {
        name: "CE1 B - M. NGUYEN",
        teacher_first: "Thanh",
        teacher_family: "Nguyen",
        size: 23,
        new_this_year: false,
    },
    ClassGroup {
        name: "CE2 A - M. CAVEROT",
        teacher_first: "Jérôme",
        teacher_family: "Caverot",
        size: 25,
        new_this_year: false,
    },
    ClassGroup {
        name: "CM1 A - MME PERRIN",
        teacher_first: "Élodie",
        teacher_family: "Perrin",
        size: 24,
        new_this_year: false,
    },
    ClassGroup {
        name: "CM1 B - MME DURAND",
        teacher_first: "Hélène",
        teacher_family: "Durand",
        size: 23,
        new_this_year: false,
    },
    ClassGroup {
        name: "CM2 A - M. BLANC",
        teacher_first: "François",
        teacher_family: "Blanc",
        size: 26,
        new_this_year: false,
    },
];

const CHOIR: &str = "Chorale CM1-CM2";
const READING_SUPPORT: &str = "APC lecture CE1-CE2";

struct Staff {
    first: &'static str,
    family: &'static str,
    profile: &'static str,
    subject: Option<&'static str>,
    /// Group names (classes or pedagogical groups) the person belongs to.
    groups: &'static [&'static str],
    state: &'static str,
}

/// Everyone but the pupils, parents and class teachers.
const OTHER_STAFF: &[Staff] = &[
    Staff {
        first: "Martine",
        family: "Vuillemin",
        profile: NATIONAL_EDUCATION_STAFF,
        subject: Some("Polyvalent"),
        groups: &[],
        state: OPERATIONAL,
    },
    Staff {
        first: "Anne-Lise",
        family: "Bourgeois",
        profile: NATIONAL_EDUCATION_STAFF,
        subject: Some("Anglais"),
        groups: &[
            "CM1 A - MME PERRIN",
            "CM1 B - MME DURAND",
            "CM2 A - M. BLANC",
        ],
        state: OPERATIONAL,
    },
    Staff {
        first: "Nadia",
        family: "Benali",
        profile: NATIONAL_EDUCATION_STAFF,
        subject: None,
        groups: &["CE2 A - M. CAVEROT"],
        state: OPERATIONAL,
    },
    Staff {
        first: "Loïc",
        family: "Tessier",
        profile: LOCAL_AUTHORITY_STAFF,
        subject: None,
        groups: &[],
        state: OPERATIONAL,
    },
    Staff {
        first: "Sonia",
        family: "Roche",
        profile: LOCAL_AUTHORITY_STAFF,
        subject: None,
        groups: &[],
        state: OPERATIONAL,
    },
    Staff {
        first: "Chantal",
        family: "Jacquet",
        profile: LOCAL_AUTHORITY_STAFF,
        subject: None,
        groups: &[],
        // Left at the end of last year; her account is kept but blocked.
        state: BLOCKED,
    },
    Staff {
        first: "Régis",
        family: "Poulain",
        profile: GUEST,
        subject: None,
        groups: &[CHOIR],
        state: OPERATIONAL,
    },
    Staff {
        first: "Annick",
        family: "L'Hôte",
        profile: GUEST,
        subject: None,
        groups: &[READING_SUPPORT],
        state: OPERATIONAL,
    },
];

struct NewUser<'s> {
    first: &'s str,
    family: &'s str,
    profile: &'static str,
    state: &'static str,
    subject: Option<&'static str>,
    email: Option<String>,
    must_change_password: bool,
    created_at: DateTime<Utc>,
}

pub(super) fn directory(b: &mut Builder<'_>) {
    let rng = &mut seed::stream(&format!("ent/{PRIMARY_SCHOOL_UAI}"));
    let pedagogical = group(b, rng, FOLDER, "Groupes pédagogiques", None);
    let classes_folder = group(b, rng, FOLDER, "Classes", Some(pedagogical.clone()));
    let class_ids: Vec<String> = CLASSES
        .iter()
        .map(|c| group(b, rng, CLASS, c.name, Some(classes_folder.clone())))
        .collect();
    let choir = group(b, rng, GROUP, CHOIR, Some(pedagogical.clone()));
    let reading = group(b, rng, GROUP, READING_SUPPORT, Some(pedagogical));
    let group_id = |name: &str| -> String {
        match name {
            CHOIR => choir.clone(),
            READING_SUPPORT => reading.clone(),
            _ => {
                let k = CLASSES
                    .iter()
                    .position(|c| c.name == name)
                    .expect("staff groups name existing classes");
                class_ids[k].clone()
            }
        }
    };

    // Teachers first: they were in the directory before this year's pupils.
    let staff_since = |rng: &mut ChaCha8Rng| {
        seed::daytime_between(
            rng,
            seed::at(2019, 8, 26, 0, 0),
            seed::at(2026, 8, 31, 0, 0),
        )
    };
    for (k, class) in CLASSES.iter().enumerate() {
        let created_at = staff_since(rng);
        let id = b.ent_user(
            rng,
            NewUser {
                first: class.teacher_first,
                family: class.teacher_family,
                profile: NATIONAL_EDUCATION_STAFF,
                state: OPERATIONAL,
                subject: Some("Polyvalent"),
                email: Some(academic_email(class.teacher_first, class.teacher_family)),
                must_change_password: false,
                created_at,
            },
        );
        b.member(&id, &class_ids[k]);
        // M. Caverot also runs the reading support group.
        if class.teacher_family == "Caverot" {
            b.member(&id, &reading);
        }
    }
    for s in OTHER_STAFF {
        let created_at = staff_since(rng);
        let email =
            (s.profile == NATIONAL_EDUCATION_STAFF).then(|| academic_email(s.first, s.family));
        let id = b.ent_user(
            rng,
            NewUser {
                first: s.first,
                family: s.family,
                profile: s.profile,
                state: s.state,
                subject: s.subject,
                email,
                must_change_password: false,
                created_at,
            },
        );
        for g in s.groups {
            b.member(&id, &group_id(g));
        }
    }

    // Pupils, family by family so that siblings share their parents.
    let seats: Vec<usize> = CLASSES
        .iter()
        .enumerate()
        .flat_map(|(k, c)| std::iter::repeat_n(k, c.size))
        .collect();
    let mut order: Vec<usize> = (0..seats.len()).collect();
    order.shuffle(rng);
    let mut taken = vec![false; seats.len()];
    let mut choir_left = 18;
    let mut reading_left = 10;
    let mut blocked_parents = 2;
    for (pos, &seat) in order.iter().enumerate() {
        if taken[seat] {
            continue;
        }
        taken[seat] = true;
        let mut family_classes = vec![seats[seat]];
        if rng.gen_range(0..100) < 12 {
            if let Some(&j) = order[pos + 1..]
                .iter()
                .find(|&&j| !taken[j] && seats[j] != seats[seat])
            {
                taken[j] = true;
                family_classes.push(seats[j]);
            }
        }
        let family = names::family_name(rng);
        let newest = family_classes.iter().all(|&k| CLASSES[k].new_this_year);
        let arrived = if newest {
            seed::daytime_between(rng, seed::at(2026, 8, 28, 0, 0), seed::at(2026, 9, 8, 0, 0))
        } else {
            seed::daytime_between(rng, seed::at(2022, 8, 29, 0, 0), seed::at(2026, 9, 8, 0, 0))
        };
        for &k in &family_classes {
            let girl = rng.gen_bool(0.5);
            let first = names::child_first_name(rng, girl);
            // Some never logged in: their first password is still the one handed out.
            let must_change_password = rng.gen_range(0..100) < 15;
            let id = b.ent_user(
                rng,
                NewUser {
                    first,
                    family,
                    profile: PUPIL,
                    state: OPERATIONAL,
                    subject: None,
                    email: None,
                    must_change_password,
                    created_at: arrived,
                },
            );
            b.member(&id, &class_ids[k]);
            let name = CLASSES[k].name;
            if (name.starts_with("CM1") || name.starts_with("CM2"))
                && choir_left > 0
                && rng.gen_bool(0.3)
            {
                choir_left -= 1;
                b.member(&id, &choir);
            }
            if (name.starts_with("CE1") || name.starts_with("CE2"))
                && reading_left > 0
                && rng.gen_bool(0.15)
            {
                reading_left -= 1;
                b.member(&id, &reading);
            }
        }
        let parents = if rng.gen_range(0..100) < 78 { 2 } else { 1 };
        let first_is_mother = rng.gen_range(0..100) < 85;
        for p in 0..parents {
            let woman = if p == 0 {
                first_is_mother
            } else {
                !first_is_mother
            };
            let parent_family = if p == 0 && rng.gen_bool(0.35) {
                names::family_name(rng)
            } else {
                family
            };
            let first = names::adult_first_name(rng, woman);
            let state = if blocked_parents > 0 && rng.gen_range(0..100) < 2 {
                blocked_parents -= 1;
                BLOCKED
            } else {
                OPERATIONAL
            };
            let email = (rng.gen_range(0..100) < 60).then(|| email(rng, first, parent_family));
            let must_change_password = rng.gen_range(0..100) < 30;
            let id = b.ent_user(
                rng,
                NewUser {
                    first,
                    family: parent_family,
                    profile: PARENT,
                    state,
                    subject: None,
                    email,
                    must_change_password,
                    created_at: arrived,
                },
            );
            for &k in &family_classes {
                b.member(&id, &class_ids[k]);
            }
        }
    }
}

fn group(
    b: &mut Builder<'_>,
    rng: &mut ChaCha8Rng,
    kind: EntGroupKind,
    name: &str,
    parent: Option<String>,
) -> String {
    let id = seed::id(rng);
    b.rows.ent_groups.push(ent_group::Model {
        id: id.clone(),
        uai: PRIMARY_SCHOOL_UAI.to_owned(),
        kind: kind.as_str().to_owned(),
        name: name.to_owned(),
        parent_id: parent,
    });
    id
}

/// Staff addresses on a reserved example domain (see `people::email`).
fn academic_email(first: &str, family: &str) -> String {
    format!(
        "{}.{}@ac-besancon.example.org",
        fold_name(first),
        fold_name(family)
    )
}

impl Builder<'_> {
    fn ent_user(&mut self, rng: &mut ChaCha8Rng, new: NewUser<'_>) -> String {
        let id = seed::id(rng);
        let base = ent_login(new.first, new.family).expect("demo names have letters");
        let n = self.ent_logins.entry(base.clone()).or_insert(0);
        *n += 1;
        let login = ent_login_with_suffix(&base, *n);
        self.rows.ent_users.push(ent_user::Model {
            id: id.clone(),
            uai: PRIMARY_SCHOOL_UAI.to_owned(),
            login,
            family_name: new.family.to_owned(),
            first_name: new.first.to_owned(),
            family_key: fold_name(new.family),
            first_key: fold_name(new.first),
            profile: new.profile.to_owned(),
            state: new.state.to_owned(),
            subject: new.subject.map(str::to_owned),
            email: new.email,
            password_hash: Some(self.holder_hash.to_owned()),
            must_change_password: new.must_change_password,
            created_at: new.created_at,
        });
        id
    }

    fn member(&mut self, user_id: &str, group_id: &str) {
        self.rows.ent_user_groups.push(ent_user_group::Model {
            user_id: user_id.to_owned(),
            group_id: group_id.to_owned(),
        });
    }
}
