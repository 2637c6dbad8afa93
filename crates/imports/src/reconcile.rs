//! Reconciliation: what an import plan does to the persons an establishment already has.
//!
//! Pure: the store loads a snapshot of the existing persons inside its transaction (plain
//! structs below), these functions decide, and the store writes the decisions. Identity is
//! the source id, then (pupils only) the INE — never the name. Pupils missing from a full
//! export leave, never get deleted. Names are kept per source ([`SourceNames`]), which is
//! what identifier regeneration compares.
//!
//! Pupils and guardians go through one path ([`Side`]); what differs is how a record finds
//! its person and which fields a row carries:
//! - a pupil is found by source id, then by INE among this establishment's pupils, then by
//!   INE among the pupils who left another establishment (he is re-homed here, with his
//!   account); an INE of a pupil still enrolled elsewhere refuses the row, and nothing of
//!   that pupil changes;
//! - a guardian is found by source id among the guardians of this establishment's pupils,
//!   and his contact data is only filled where Sésame has none.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::{GuardianRecord, LinkRecord, Problem, StudentRecord};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub left: u64,
    pub unchanged: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonKind {
    Student,
    Guardian,
}

impl From<PersonKind> for sesame_core::AccountKind {
    fn from(k: PersonKind) -> sesame_core::AccountKind {
        match k {
            PersonKind::Student => sesame_core::AccountKind::Student,
            PersonKind::Guardian => sesame_core::AccountKind::Guardian,
        }
    }
}

/// What the import does to a person: core's vocabulary, as the report sends it.
pub use sesame_core::imports::ImportAction as ChangeAction;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: PersonKind,
    pub action: ChangeAction,
    pub source_id: String,
    /// « NOM Prénom ».
    pub name: String,
    /// What changes, in French.
    pub detail: String,
}

/// The problem of a row whose INE is a pupil's still enrolled in another establishment.
pub const INE_ENROLLED_ELSEWHERE: &str =
    "INE déjà utilisé par un élève scolarisé dans un autre établissement";

/// The names one source holds for an account, as last imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceNames {
    /// The row's id, for the update.
    pub row_id: String,
    pub source_id: Option<String>,
    pub family_name: String,
    pub first_name: String,
}

/// This source's names to record for an existing account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceNamesWrite {
    pub account_id: String,
    /// The row to update; None: a row to insert.
    pub row_id: Option<String>,
    pub source_id: String,
    pub family_name: String,
    pub first_name: String,
}

/// A person as the import writes it: names as displayed (the usage name when the source has
/// one) and the fields of its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person<F> {
    pub source_id: String,
    pub family_name: String,
    pub first_name: String,
    pub fields: F,
}

/// An existing person whose row changes: `person` holds every column's new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update<F> {
    pub id: String,
    pub person: Person<F>,
}

/// What the import does to one kind of person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation<F> {
    /// New persons, in file order: the store picks their ids and identifiers.
    pub creations: Vec<Person<F>>,
    pub updates: Vec<Update<F>>,
    pub source_names: Vec<SourceNamesWrite>,
    /// Ids of the persons absent from a full export, to mark as left now.
    pub leavers: Vec<String>,
    /// Existing account id by source id, for every record matched to a person.
    pub matched: HashMap<String, String>,
    /// Source ids of the refused rows: their links are left alone too.
    pub refused: HashSet<String>,
    pub counts: Counts,
    /// Updates (and leaves by date) in file order, then creations, then leaves by absence.
    pub changes: Vec<Change>,
    /// Rows refused against the database (the plan's own problems are in the plan).
    pub problems: Vec<Problem>,
}

impl<F> Default for Reconciliation<F> {
    fn default() -> Self {
        Reconciliation {
            creations: Vec::new(),
            updates: Vec::new(),
            source_names: Vec::new(),
            leavers: Vec::new(),
            matched: HashMap::new(),
            refused: HashSet::new(),
            counts: Counts::default(),
            changes: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// A person's name as the console shows it: the usage name when the source has one.
fn display_family(family: &str, usage: Option<&str>) -> String {
    usage
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(family)
        .trim()
        .to_owned()
}

/// « NOM Prénom ».
pub fn full_name(family: &str, first: &str) -> String {
    format!("{} {}", family.to_uppercase(), first)
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

/// "nom A → B" when the displayed names differ.
fn name_change(
    current_family: &str,
    current_first: &str,
    family: &str,
    first: &str,
) -> Option<String> {
    (current_family != family || current_first != first).then(|| {
        format!(
            "nom {} → {}",
            full_name(current_family, current_first),
            full_name(family, first)
        )
    })
}

/// How a record compares with the person it matched.
struct Compared<F> {
    /// What changes, in French, in the order the report lists it.
    what: Vec<String>,
    /// Leaves by its leaving date (reported as a leave, counted as left).
    leaves: bool,
    /// Comes back after having left.
    returns: bool,
    fields: F,
}

/// How a record finds its person.
enum Found<'e, E> {
    Existing(&'e E),
    New,
    /// Left out without a word (a guardian whose every pupil was refused).
    Skip,
    Refused(Problem),
}

/// What differs between pupils and guardians; the rest is [`reconcile`].
trait Side {
    type Record;
    type Existing;
    type Fields;
    const KIND: PersonKind;
    fn source_id(r: &Self::Record) -> &str;
    /// (first name, family name as displayed).
    fn names(r: &Self::Record) -> (String, String);
    fn id(e: &Self::Existing) -> &str;
    fn compare(&self, r: &Self::Record, e: &Self::Existing, family: &str)
        -> Compared<Self::Fields>;
    fn new_fields(&self, r: &Self::Record) -> Self::Fields;
    /// The detail of a creation (no identifier: a preview's would not be the one applying picks).
    fn created(&self, r: &Self::Record) -> String;
}

/// The one path of both kinds: each record (the first of a source id) matched, compared,
/// counted and described; source names kept; the rest created.
fn reconcile<'e, S: Side>(
    side: &S,
    records: &[S::Record],
    names: &HashMap<String, SourceNames>,
    mut find: impl FnMut(&S::Record) -> Found<'e, S::Existing>,
) -> Reconciliation<S::Fields>
where
    S::Existing: 'e,
{
    let mut out = Reconciliation::default();
    let mut done: HashSet<&str> = HashSet::new();
    let mut new: Vec<&S::Record> = Vec::new();
    for r in records {
        let source_id = S::source_id(r);
        if done.contains(source_id) {
            continue;
        }
        let current = match find(r) {
            Found::Existing(e) => e,
            Found::New => {
                done.insert(source_id);
                new.push(r);
                continue;
            }
            Found::Skip => continue,
            Found::Refused(problem) => {
                out.problems.push(problem);
                out.refused.insert(source_id.to_owned());
                continue;
            }
        };
        done.insert(source_id);
        let id = S::id(current);
        out.matched.insert(source_id.to_owned(), id.to_owned());
        let (first, family) = S::names(r);
        let Compared {
            mut what,
            leaves,
            returns,
            fields,
        } = side.compare(r, current, &family);
        let names_changed = match names.get(id) {
            Some(s)
                if s.family_name == family
                    && s.first_name == first
                    && s.source_id.as_deref() == Some(source_id) =>
            {
                false
            }
            known => {
                out.source_names.push(SourceNamesWrite {
                    account_id: id.to_owned(),
                    row_id: known.map(|s| s.row_id.clone()),
                    source_id: source_id.to_owned(),
                    family_name: family.clone(),
                    first_name: first.clone(),
                });
                true
            }
        };
        if what.is_empty() && !leaves && !returns && !names_changed {
            out.counts.unchanged += 1;
            continue;
        }
        if leaves {
            out.counts.left += 1;
            what.insert(0, "a quitté l'établissement".into());
        } else {
            out.counts.updated += 1;
        }
        if what.is_empty() {
            what.push("noms dans la source".into());
        }
        out.changes.push(Change {
            kind: S::KIND,
            action: if leaves {
                ChangeAction::Leave
            } else {
                ChangeAction::Update
            },
            source_id: source_id.to_owned(),
            name: full_name(&family, &first),
            detail: what.join(", "),
        });
        out.updates.push(Update {
            id: id.to_owned(),
            person: Person {
                source_id: source_id.to_owned(),
                family_name: family,
                first_name: first,
                fields,
            },
        });
    }
    for r in new {
        let (first, family) = S::names(r);
        out.counts.created += 1;
        out.changes.push(Change {
            kind: S::KIND,
            action: ChangeAction::Create,
            source_id: S::source_id(r).to_owned(),
            name: full_name(&family, &first),
            detail: side.created(r),
        });
        out.creations.push(Person {
            source_id: S::source_id(r).to_owned(),
            family_name: family,
            first_name: first,
            fields: side.new_fields(r),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Pupils

/// A pupil as the database holds him.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingStudent {
    pub id: String,
    pub uai: String,
    pub source_id: Option<String>,
    pub ine: Option<String>,
    pub family_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    pub class_id: Option<String>,
    pub mef_id: Option<String>,
    pub left_at: Option<DateTime<Utc>>,
}

/// A pupil's columns besides his names; `uai` is always the importing establishment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentFields {
    pub class_id: Option<String>,
    pub mef_id: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub ine: Option<String>,
    pub left_at: Option<DateTime<Utc>>,
}

/// What the pupils' reconciliation needs besides the records and the snapshot.
#[derive(Debug, Clone, Copy)]
pub struct StudentContext<'a> {
    /// The importing establishment.
    pub uai: &'a str,
    pub now: DateTime<Utc>,
    /// The file lists every current pupil: absence means "left".
    pub full_export: bool,
    /// Class and MEF ids of the establishment by code, after the import's additions.
    pub classes: &'a HashMap<String, String>,
    pub mefs: &'a HashMap<String, String>,
}

/// What the import does to the pupils.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Students {
    pub people: Reconciliation<StudentFields>,
    /// Ids of the pupils who left another establishment and arrive here with this import.
    pub rehomed: HashSet<String>,
    /// The establishment's pupils not yet left, before the import.
    pub current: u64,
}

impl StudentContext<'_> {
    fn class_id(&self, r: &StudentRecord) -> Option<String> {
        r.class_code
            .as_ref()
            .and_then(|c| self.classes.get(c))
            .cloned()
    }

    fn mef_id(&self, r: &StudentRecord) -> Option<String> {
        r.mef_code.as_ref().and_then(|c| self.mefs.get(c)).cloned()
    }

    /// A leaving date still to come is not one yet.
    fn left_at(&self, r: &StudentRecord) -> Option<DateTime<Utc>> {
        let today = self.now.date_naive();
        r.left_on.filter(|d| *d <= today).map(day_start)
    }
}

impl Side for StudentContext<'_> {
    type Record = StudentRecord;
    type Existing = ExistingStudent;
    type Fields = StudentFields;
    const KIND: PersonKind = PersonKind::Student;

    fn source_id(r: &StudentRecord) -> &str {
        &r.source_id
    }

    fn names(r: &StudentRecord) -> (String, String) {
        let family = display_family(&r.family_name, r.usage_name.as_deref());
        (r.first_name.clone(), family)
    }

    fn id(e: &ExistingStudent) -> &str {
        &e.id
    }

    fn compare(
        &self,
        r: &StudentRecord,
        current: &ExistingStudent,
        family: &str,
    ) -> Compared<StudentFields> {
        let left_at = self.left_at(r);
        let class_id = self.class_id(r);
        let mef_id = self.mef_id(r);
        let mut what = Vec::new();
        let arrives = current.uai != self.uai;
        if arrives {
            what.push(format!("arrivée depuis l'établissement {}", current.uai));
        }
        what.extend(name_change(
            &current.family_name,
            &current.first_name,
            family,
            &r.first_name,
        ));
        if current.birth_date != r.birth_date && r.birth_date.is_some() {
            what.push("date de naissance".into());
        }
        if current.ine != r.ine && r.ine.is_some() {
            what.push("INE".into());
        }
        if current.source_id.as_deref() != Some(r.source_id.as_str()) {
            what.push("identifiant dans la source".into());
        }
        if current.class_id != class_id {
            what.push(format!(
                "classe → {}",
                r.class_code.as_deref().unwrap_or("aucune")
            ));
        }
        if current.mef_id != mef_id {
            what.push(format!(
                "MEF → {}",
                r.mef_code.as_deref().unwrap_or("aucun")
            ));
        }
        let leaves = left_at.is_some() && current.left_at.is_none();
        let returns = left_at.is_none() && current.left_at.is_some();
        // A pupil arriving from another establishment was "left" there: here he is a
        // newcomer, which the arrival already says.
        if returns && !arrives {
            what.push("retour dans l'établissement".into());
        }
        Compared {
            what,
            leaves,
            returns,
            fields: StudentFields {
                class_id,
                mef_id,
                birth_date: r.birth_date.or(current.birth_date),
                ine: r.ine.clone().or(current.ine.clone()),
                left_at: if leaves {
                    left_at
                } else if returns {
                    None
                } else {
                    current.left_at
                },
            },
        }
    }

    fn new_fields(&self, r: &StudentRecord) -> StudentFields {
        StudentFields {
            class_id: self.class_id(r),
            mef_id: self.mef_id(r),
            birth_date: r.birth_date,
            ine: r.ine.clone(),
            left_at: self.left_at(r),
        }
    }

    fn created(&self, r: &StudentRecord) -> String {
        match (&r.class_code, self.left_at(r)) {
            (_, Some(_)) => "nouveau compte (élève déjà sorti)".to_owned(),
            (Some(c), None) => format!("nouveau compte, classe {c}"),
            (None, None) => "nouveau compte".to_owned(),
        }
    }
}

/// The INEs of the records that match no pupil of the establishment (`here`) by source id
/// or INE: the store looks them up among other establishments' pupils
/// ([`reconcile_students`]'s `elsewhere`).
pub fn ines_to_look_up(records: &[StudentRecord], here: &[ExistingStudent]) -> Vec<String> {
    let sources: HashSet<&str> = here.iter().filter_map(|s| s.source_id.as_deref()).collect();
    let ines: HashSet<&str> = here.iter().filter_map(|s| s.ine.as_deref()).collect();
    records
        .iter()
        .filter(|r| !sources.contains(r.source_id.as_str()))
        .filter_map(|r| r.ine.clone())
        .filter(|ine| !ines.contains(ine.as_str()))
        .collect()
}

/// Decides what the import does to the pupils: `here` are the establishment's pupils,
/// `elsewhere` the other establishments' pupils carrying an INE of [`ines_to_look_up`]
/// (in a stable order), `names` this source's names by account.
///
/// INE is national: a pupil who moved here keeps the account he has, found by INE — but
/// only once his former establishment has recorded him as left. A pupil still enrolled
/// there is not this establishment's to take: the row is refused (a typo, a stale file or
/// a malicious one would otherwise move him, his account and his guardians' accounts out of
/// his school's reach), and the message names neither him nor his establishment.
pub fn reconcile_students(
    ctx: &StudentContext<'_>,
    records: &[StudentRecord],
    here: &[ExistingStudent],
    elsewhere: &[ExistingStudent],
    names: &HashMap<String, SourceNames>,
) -> Students {
    let mut by_source: HashMap<&str, usize> = HashMap::new();
    let mut by_ine: HashMap<&str, usize> = HashMap::new();
    for (i, s) in here.iter().enumerate() {
        if let Some(id) = &s.source_id {
            by_source.insert(id, i);
        }
        if let Some(ine) = &s.ine {
            by_ine.insert(ine, i);
        }
    }
    let mut leavers: HashMap<&str, &ExistingStudent> = HashMap::new();
    let mut enrolled: HashSet<&str> = HashSet::new();
    for s in elsewhere.iter().filter(|s| s.uai != ctx.uai) {
        let Some(ine) = s.ine.as_deref() else {
            continue;
        };
        if s.left_at.is_none_or(|left| left > ctx.now) {
            enrolled.insert(ine);
            continue;
        }
        // Several leavers with one INE (a file error elsewhere): the latest to leave.
        match leavers.get(ine) {
            Some(kept) if kept.left_at >= s.left_at => {}
            _ => {
                leavers.insert(ine, s);
            }
        }
    }

    let mut seen: HashSet<usize> = HashSet::new();
    let mut rehomed: HashSet<String> = HashSet::new();
    let mut people = reconcile(ctx, records, names, |r| {
        let ine = r.ine.as_deref();
        let found = by_source
            .get(r.source_id.as_str())
            .or_else(|| ine.and_then(|ine| by_ine.get(ine)))
            .copied();
        match found {
            // A second row for a pupil already matched is another pupil.
            Some(i) if seen.insert(i) => Found::Existing(&here[i]),
            Some(_) => Found::New,
            None if ine.is_some_and(|ine| enrolled.contains(ine)) => {
                Found::Refused(Problem::warning(
                    r.location.clone(),
                    format!("{INE_ENROLLED_ELSEWHERE} : ligne non importée"),
                ))
            }
            None => match ine.and_then(|ine| leavers.get(ine)) {
                Some(s) => {
                    rehomed.insert(s.id.clone());
                    Found::Existing(s)
                }
                None => Found::New,
            },
        }
    });

    // Absent from a full export: left (never deleted — the account and its history stay).
    if ctx.full_export {
        for (i, s) in here.iter().enumerate() {
            if seen.contains(&i) || s.left_at.is_some() {
                continue;
            }
            people.leavers.push(s.id.clone());
            people.counts.left += 1;
            people.changes.push(Change {
                kind: PersonKind::Student,
                action: ChangeAction::Leave,
                source_id: s.source_id.clone().unwrap_or_default(),
                name: full_name(&s.family_name, &s.first_name),
                detail: "absent de l'export : a quitté l'établissement".into(),
            });
        }
    }
    Students {
        people,
        rehomed,
        current: here.iter().filter(|s| s.left_at.is_none()).count() as u64,
    }
}

// ---------------------------------------------------------------------------------------------
// Guardians

/// A guardian of one of the establishment's pupils, as the database holds him.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingGuardian {
    pub id: String,
    pub source_id: Option<String>,
    pub family_name: String,
    pub first_name: String,
    pub civility: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Linked to a pupil who was here before the import (not only to re-homed ones).
    pub here: bool,
}

/// A guardian's columns besides his names: civility, and the contact data to write (for an
/// update, None leaves the account's as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianFields {
    pub civility: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

struct GuardianSide;

impl Side for GuardianSide {
    type Record = GuardianRecord;
    type Existing = ExistingGuardian;
    type Fields = GuardianFields;
    const KIND: PersonKind = PersonKind::Guardian;

    fn source_id(r: &GuardianRecord) -> &str {
        &r.source_id
    }

    fn names(r: &GuardianRecord) -> (String, String) {
        let family = display_family(&r.family_name, r.usage_name.as_deref());
        (r.first_name.clone(), family)
    }

    fn id(e: &ExistingGuardian) -> &str {
        &e.id
    }

    fn compare(
        &self,
        r: &GuardianRecord,
        current: &ExistingGuardian,
        family: &str,
    ) -> Compared<GuardianFields> {
        let mut what: Vec<String> = name_change(
            &current.family_name,
            &current.first_name,
            family,
            &r.first_name,
        )
        .into_iter()
        .collect();
        if r.civility.is_some() && current.civility != r.civility {
            what.push("civilité".into());
        }
        // Contact data belongs to Sésame once set (the school may have corrected it): the
        // source only fills what is empty.
        let email = r.email.clone().filter(|_| current.email.is_none());
        let phone = r.phone.clone().filter(|_| current.phone.is_none());
        if email.is_some() {
            what.push("courriel".into());
        }
        if phone.is_some() {
            what.push("téléphone".into());
        }
        Compared {
            what,
            leaves: false,
            returns: false,
            fields: GuardianFields {
                civility: r.civility.clone().or(current.civility.clone()),
                email,
                phone,
            },
        }
    }

    fn new_fields(&self, r: &GuardianRecord) -> GuardianFields {
        GuardianFields {
            civility: r.civility.clone(),
            email: r.email.clone(),
            phone: r.phone.clone(),
        }
    }

    fn created(&self, _: &GuardianRecord) -> String {
        "nouveau compte".to_owned()
    }
}

/// Which guardian ids are candidates, from the (guardian id, pupil id) links of the
/// establishment's pupils after the pupils' import: each with whether it is linked to a
/// pupil who was here before (not re-homed by this import).
pub fn guardians_here(
    links: impl IntoIterator<Item = (String, String)>,
    rehomed: &HashSet<String>,
) -> HashMap<String, bool> {
    let mut here: HashMap<String, bool> = HashMap::new();
    for (guardian_id, student_id) in links {
        *here.entry(guardian_id).or_default() |= !rehomed.contains(&student_id);
    }
    here
}

/// Source ids of the guardians whose every link goes to a refused pupil: their rows would
/// create or change guardians on the strength of a row that was refused.
pub fn guardians_left_out(links: &[LinkRecord], refused: &HashSet<String>) -> HashSet<String> {
    if refused.is_empty() {
        return HashSet::new();
    }
    let mut wanted: HashSet<&str> = HashSet::new();
    let mut only_refused: HashSet<&str> = HashSet::new();
    for l in links {
        if refused.contains(&l.student_source_id) {
            only_refused.insert(&l.guardian_source_id);
        } else {
            wanted.insert(&l.guardian_source_id);
        }
    }
    only_refused
        .into_iter()
        .filter(|g| !wanted.contains(g))
        .map(str::to_owned)
        .collect()
}

/// Decides what the import does to the guardians: `existing` are the guardians of the
/// establishment's pupils (after the pupils' import, so with the guardians of the re-homed
/// ones), `left_out` the source ids of [`guardians_left_out`].
///
/// Source ids are per establishment's database, not national: a guardian linked only to
/// other establishments' pupils is never a candidate, and a row with his source id is
/// another person who gets a guardian of his own here. When a guardian of a re-homed pupil
/// has the same source id as one of a pupil who was already here, the latter wins (this
/// file's ids are this establishment's); otherwise the first in `existing`'s order.
pub fn reconcile_guardians(
    records: &[GuardianRecord],
    existing: &[ExistingGuardian],
    left_out: &HashSet<String>,
    names: &HashMap<String, SourceNames>,
) -> Reconciliation<GuardianFields> {
    let mut by_source: HashMap<&str, &ExistingGuardian> = HashMap::new();
    for g in existing {
        let Some(source_id) = g.source_id.as_deref() else {
            continue;
        };
        match by_source.get(source_id) {
            Some(kept) if kept.here || !g.here => {}
            _ => {
                by_source.insert(source_id, g);
            }
        }
    }
    reconcile(&GuardianSide, records, names, |r| {
        if left_out.contains(&r.source_id) {
            return Found::Skip;
        }
        match by_source.get(r.source_id.as_str()) {
            Some(g) => Found::Existing(g),
            None => Found::New,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Links

/// A link between a guardian and a pupil, by their account ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub guardian_id: String,
    pub student_id: String,
    pub relationship: String,
    pub legal: bool,
}

/// What the import does to the links, each list sorted by (guardian, pupil) so that the same
/// plan writes the same rows in the same order on every run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    pub created: Vec<Link>,
    /// Existing links whose relationship or legal flag changes (new values).
    pub updated: Vec<Link>,
    /// (guardian id, pupil id) of the links the file no longer has.
    pub removed: Vec<(String, String)>,
}

/// The plan's links replace those of the pupils it lists: `students` and `guardians` are
/// account ids by source id (matched or created; refused rows are absent, so their links
/// are left alone), `existing` the links of those pupils. The first row of a pair wins.
pub fn reconcile_links(
    records: &[LinkRecord],
    students: &HashMap<String, String>,
    guardians: &HashMap<String, String>,
    existing: &[Link],
) -> Links {
    let mut wanted: HashMap<(&str, &str), &LinkRecord> = HashMap::new();
    for l in records {
        if let (Some(s), Some(g)) = (
            students.get(&l.student_source_id),
            guardians.get(&l.guardian_source_id),
        ) {
            wanted.entry((g.as_str(), s.as_str())).or_insert(l);
        }
    }
    let current: HashMap<(&str, &str), &Link> = existing
        .iter()
        .map(|l| ((l.guardian_id.as_str(), l.student_id.as_str()), l))
        .collect();
    let mut out = Links::default();
    for (&(guardian_id, student_id), l) in &wanted {
        let link = || Link {
            guardian_id: guardian_id.to_owned(),
            student_id: student_id.to_owned(),
            relationship: l.relationship.clone(),
            legal: l.legal,
        };
        match current.get(&(guardian_id, student_id)) {
            Some(e) if e.relationship == l.relationship && e.legal == l.legal => {}
            Some(_) => out.updated.push(link()),
            None => out.created.push(link()),
        }
    }
    out.removed = current
        .keys()
        .filter(|key| !wanted.contains_key(*key))
        .map(|(g, s)| (g.to_string(), s.to_string()))
        .collect();
    let by_pair = |l: &Link| (l.guardian_id.clone(), l.student_id.clone());
    out.created.sort_by_key(by_pair);
    out.updated.sort_by_key(by_pair);
    out.removed.sort();
    out
}
