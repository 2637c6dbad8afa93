//! Applying an import plan (`sesame-imports`) to an establishment, in one transaction.
//!
//! The same code previews and applies: a dry run does everything and rolls back, so the
//! preview is what the import would do, by construction. Identity is the source id, then
//! the INE — never the name. Students missing from a full export are marked as left, never
//! deleted. Names are kept per source (`account_sources`), which is what identifier
//! regeneration compares.
//!
//! Imports never cross establishments silently: a record whose INE belongs to a pupil still
//! enrolled in another establishment is refused for that row (a problem of the report), and
//! nothing of that pupil changes; only a pupil who has left the other establishment (a
//! leaving date) is re-homed here, with his account and his guardians. An import that would
//! mark as left more than 10 % of the current pupils (and more than 5) is only applied when
//! the caller confirms it (`sesame_core::imports`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sesame_core::account::{AccountKind, AccountState, Origin};
use sesame_core::identifier::{fold_name, identifier_base, identifier_candidate};
use sesame_core::imports::{mass_leave_message, mass_leave_needs_confirmation};
use sesame_imports::{GuardianRecord, ImportPlan, LinkRecord, Location, Problem, StudentRecord};

use crate::entities::{
    account, account_source, class, establishment, guardian, guardian_link, mef, student,
};
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::repo::audit::{append, NewAuditEvent};
use crate::repo::sql::insert_rows;
use crate::Store;

/// Ids per `IN (…)` list: far below SQLite's and PostgreSQL's bound-value limits.
const CHUNK: usize = 500;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Create,
    Update,
    Leave,
}

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

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub students: Counts,
    pub guardians: Counts,
    pub links_created: u64,
    pub links_removed: u64,
    pub changes: Vec<Change>,
    /// False for a dry run, and when the mass-leave guard refused the import
    /// (`mass_leave && !allow_mass_leave`): then nothing changed.
    pub applied: bool,
    pub data_updated_at: Option<DateTime<Utc>>,
    /// Problems found against the database (the plan's own are in the plan): rows refused
    /// because they name a pupil of another establishment, and in a dry run the mass-leave
    /// guard (fatal: applying as is will be refused).
    pub problems: Vec<Problem>,
    /// The establishment's pupils not yet left, before the import.
    pub current_students: u64,
    /// True when the import marks so many pupils as left that applying it needs
    /// `allow_mass_leave` ([`mass_leave_needs_confirmation`]).
    pub mass_leave: bool,
}

impl ImportOutcome {
    /// True when applying would change no person, class or link.
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty() && self.links_created == 0 && self.links_removed == 0
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

/// What identifiers and displays need of an imported person, student or guardian.
trait Named {
    /// (first name, family name as displayed).
    fn names(&self) -> (String, String);
}

impl Named for StudentRecord {
    fn names(&self) -> (String, String) {
        let family = display_family(&self.family_name, self.usage_name.as_deref());
        (self.first_name.clone(), family)
    }
}

impl Named for GuardianRecord {
    fn names(&self) -> (String, String) {
        let family = display_family(&self.family_name, self.usage_name.as_deref());
        (self.first_name.clone(), family)
    }
}

fn full_name(family: &str, first: &str) -> String {
    format!("{} {}", family.to_uppercase(), first)
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

impl Store {
    /// Previews (`dry_run`) or applies `plan` to establishment `uai`. The plan must have no
    /// fatal problem (the caller reports those). `audit` is written when applied.
    ///
    /// When the import would mark too many pupils as left (`outcome.mass_leave`) and
    /// `allow_mass_leave` is false, nothing is applied: the outcome comes back with
    /// `applied == false` (a dry run lists it as a fatal problem instead).
    pub(crate) async fn import_plan(
        &self,
        uai: &str,
        plan: &ImportPlan,
        dry_run: bool,
        allow_mass_leave: bool,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<ImportOutcome> {
        if plan.has_fatal() {
            return Err(StoreError::Invalid(
                "le fichier comporte des erreurs bloquantes".into(),
            ));
        }
        let source = plan
            .source
            .ok_or_else(|| StoreError::Invalid("source d'import inconnue".into()))?;
        let txn = self.begin_write().await?;
        let est = establishment::Entity::find_by_id(uai.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut run = Run {
            txn: &txn,
            uai,
            academy: est.academy.clone(),
            source: source.as_str(),
            now,
            outcome: ImportOutcome {
                students: Counts::default(),
                guardians: Counts::default(),
                links_created: 0,
                links_removed: 0,
                changes: Vec::new(),
                applied: false,
                data_updated_at: est.data_updated_at,
                problems: Vec::new(),
                current_students: 0,
                mass_leave: false,
            },
            reserved: HashSet::new(),
            blocked: HashSet::new(),
            rehomed: HashSet::new(),
        };
        let structure = run.structure(plan).await?;
        let students = run.students(plan, &structure).await?;
        let guardians = run.guardians(plan).await?;
        run.links(plan, &students, &guardians).await?;
        let mut outcome = run.outcome;
        let leaving = outcome.students.left;
        outcome.mass_leave = mass_leave_needs_confirmation(outcome.current_students, leaving);
        if outcome.mass_leave && !allow_mass_leave {
            if !dry_run {
                // Refused before anything is committed; the caller says how many would leave.
                txn.rollback().await?;
                return Ok(outcome);
            }
            let file = plan
                .students
                .first()
                .map(|s| s.location.file.clone())
                .unwrap_or_default();
            outcome.problems.push(Problem::fatal(
                Location::file(&file),
                mass_leave_message(outcome.current_students, leaving),
            ));
        }
        if dry_run {
            txn.rollback().await?;
            return Ok(outcome);
        }
        establishment::Entity::update_many()
            .col_expr(establishment::Column::DataUpdatedAt, Expr::value(now))
            .filter(establishment::Column::Uai.eq(uai))
            .exec(&txn)
            .await?;
        append(
            &txn,
            audit.uai(uai).detail(serde_json::json!({
                "source": source.as_str(),
                "students": counts_json(&outcome.students),
                "guardians": counts_json(&outcome.guardians),
                "links_created": outcome.links_created,
                "links_removed": outcome.links_removed,
            })),
        )
        .await?;
        txn.commit().await?;
        outcome.applied = true;
        outcome.data_updated_at = Some(now);
        Ok(outcome)
    }
}

fn counts_json(c: &Counts) -> serde_json::Value {
    serde_json::json!({"created": c.created, "updated": c.updated, "left": c.left, "unchanged": c.unchanged})
}

struct Run<'a> {
    txn: &'a DatabaseTransaction,
    uai: &'a str,
    academy: String,
    source: &'static str,
    now: DateTime<Utc>,
    outcome: ImportOutcome,
    /// Identifiers handed out by this import, not yet visible to the uniqueness query.
    reserved: HashSet<String>,
    /// Source ids of the rows refused because their INE is a pupil's still enrolled in
    /// another establishment: their guardians and links are left alone too.
    blocked: HashSet<String>,
    /// Ids of the pupils who left another establishment and arrive here with this import.
    rehomed: HashSet<String>,
}

/// Class and MEF ids of the establishment by code, after the import's additions.
struct Structure {
    classes: HashMap<String, String>,
    mefs: HashMap<String, String>,
}

/// Account ids by source id, for the links.
type Ids = HashMap<String, String>;

impl Run<'_> {
    async fn structure(&mut self, plan: &ImportPlan) -> Result<Structure> {
        let mut mefs: HashMap<String, mef::Model> = mef::Entity::find()
            .filter(mef::Column::Uai.eq(self.uai))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        let mut new_mefs = Vec::new();
        // Looked up once per code: a search of `plan.mefs` per student (or per MEF) made this
        // quadratic in the file, minutes of CPU for a file with many codes.
        let labelled: HashSet<&str> = plan.mefs.iter().map(|m| m.code.as_str()).collect();
        let wanted = plan.mefs.iter().map(|m| {
            (
                m.code.clone(),
                m.short_label.clone(),
                m.long_label.clone(),
                m.level.clone(),
            )
        });
        // MEF codes students carry without a nomenclature entry still get a row, labelled by
        // their code, so that the student's MEF is never lost.
        let bare = plan
            .students
            .iter()
            .filter_map(|s| s.mef_code.clone())
            .filter(|c| !labelled.contains(c.as_str()))
            .map(|c| (c.clone(), c.clone(), c.clone(), String::new()));
        for (code, short, long, level) in wanted.chain(bare) {
            match mefs.get(&code) {
                Some(existing) => {
                    // A bare code (no nomenclature entry) keeps the labels it has.
                    if labelled.contains(code.as_str())
                        && (existing.short_label != short
                            || existing.long_label != long
                            || existing.level != level)
                    {
                        mef::Entity::update_many()
                            .col_expr(mef::Column::ShortLabel, Expr::value(short.clone()))
                            .col_expr(mef::Column::LongLabel, Expr::value(long.clone()))
                            .col_expr(mef::Column::Level, Expr::value(level.clone()))
                            .filter(mef::Column::Id.eq(existing.id.clone()))
                            .exec(self.txn)
                            .await?;
                    }
                }
                None => {
                    let m = mef::Model {
                        id: new_id(),
                        uai: self.uai.to_owned(),
                        code: code.clone(),
                        short_label: short,
                        long_label: long,
                        level,
                    };
                    mefs.insert(code, m.clone());
                    new_mefs.push(m);
                }
            }
        }
        insert_rows::<mef::Entity>(self.txn, new_mefs).await?;

        let mut classes: HashMap<String, String> = class::Entity::find()
            .filter(class::Column::Uai.eq(self.uai))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|c| (c.code, c.id))
            .collect();
        let mut new_classes = Vec::new();
        for s in &plan.students {
            let Some(code) = &s.class_code else { continue };
            if classes.contains_key(code) {
                continue;
            }
            let id = new_id();
            classes.insert(code.clone(), id.clone());
            new_classes.push(class::Model {
                id,
                uai: self.uai.to_owned(),
                code: code.clone(),
                mef_id: s
                    .mef_code
                    .as_ref()
                    .and_then(|c| mefs.get(c))
                    .map(|m| m.id.clone()),
            });
        }
        insert_rows::<class::Entity>(self.txn, new_classes).await?;
        Ok(Structure {
            classes,
            mefs: mefs.into_iter().map(|(code, m)| (code, m.id)).collect(),
        })
    }

    /// Picks free identifiers for new accounts: candidates are checked in batches against
    /// every identifier in use, pending or previous (someone may still log in with it).
    async fn identifiers(&mut self, names: &[(String, String)]) -> Result<Vec<String>> {
        let mut rng = rand::thread_rng();
        let bases: Vec<String> = names
            .iter()
            .map(|(first, family)| {
                identifier_base(first, family).unwrap_or_else(|_| "eleve.inconnu".to_owned())
            })
            .collect();
        let mut chosen: Vec<Option<String>> = vec![None; names.len()];
        for attempt in 0..30 {
            let todo: Vec<usize> = (0..names.len()).filter(|i| chosen[*i].is_none()).collect();
            if todo.is_empty() {
                break;
            }
            let mut candidates: Vec<(usize, String)> = Vec::with_capacity(todo.len());
            // A set, not a scan of `candidates`: one scan per new account was quadratic.
            let mut proposed: HashSet<String> = HashSet::with_capacity(todo.len());
            for i in todo {
                let c = identifier_candidate(&bases[i], attempt, &mut rng);
                if !self.reserved.contains(&c) && proposed.insert(c.clone()) {
                    candidates.push((i, c));
                }
            }
            let mut taken = HashSet::new();
            for chunk in candidates.chunks(CHUNK) {
                let list: Vec<String> = chunk.iter().map(|(_, c)| c.clone()).collect();
                let rows: Vec<(String, Option<String>, Option<String>)> = account::Entity::find()
                    .select_only()
                    .column(account::Column::Identifier)
                    .column(account::Column::PendingIdentifier)
                    .column(account::Column::PreviousIdentifier)
                    .filter(
                        Condition::any()
                            .add(account::Column::Identifier.is_in(list.clone()))
                            .add(account::Column::PendingIdentifier.is_in(list.clone()))
                            .add(account::Column::PreviousIdentifier.is_in(list)),
                    )
                    .into_tuple()
                    .all(self.txn)
                    .await?;
                for (a, b, c) in rows {
                    taken.insert(a);
                    taken.extend(b);
                    taken.extend(c);
                }
            }
            for (i, c) in candidates {
                if !taken.contains(&c) {
                    self.reserved.insert(c.clone());
                    chosen[i] = Some(c);
                }
            }
        }
        chosen
            .into_iter()
            .map(|c| {
                c.ok_or_else(|| {
                    StoreError::Conflict(
                        "Aucun identifiant libre n'a été trouvé ; réessayez.".into(),
                    )
                })
            })
            .collect()
    }

    fn new_account(&self, id: &str, kind: AccountKind, identifier: String) -> account::Model {
        account::Model {
            id: id.to_owned(),
            kind: kind.as_str().to_owned(),
            identifier,
            state: AccountState::NotNotified.as_str().to_owned(),
            origin: Origin::Unknown.as_str().to_owned(),
            notified_at: None,
            distributed_at: None,
            activated_at: None,
            last_login_at: None,
            email: None,
            email_validated: false,
            phone: None,
            provisional_password_enc: None,
            password_hash: None,
            must_change_password: false,
            pending_identifier: None,
            pending_effective_at: None,
            pending_requested_at: None,
            previous_identifier: None,
            created_at: self.now,
            updated_at: self.now,
            home_uai: None,
        }
    }

    fn source_row(
        &self,
        account_id: &str,
        source_id: &str,
        family: &str,
        first: &str,
    ) -> account_source::Model {
        account_source::Model {
            id: new_id(),
            account_id: account_id.to_owned(),
            source: self.source.to_owned(),
            academy: self.academy.clone(),
            aaf_id: None,
            source_id: Some(source_id.to_owned()),
            family_name: family.to_owned(),
            first_name: first.to_owned(),
        }
    }

    /// The names this source holds for `ids`, by account.
    async fn source_names(&self, ids: &[String]) -> Result<HashMap<String, account_source::Model>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            for row in account_source::Entity::find()
                .filter(account_source::Column::Source.eq(self.source))
                .filter(account_source::Column::AccountId.is_in(chunk.to_vec()))
                .all(self.txn)
                .await?
            {
                out.insert(row.account_id.clone(), row);
            }
        }
        Ok(out)
    }

    /// Records this source's names for an existing account (insert or update).
    async fn keep_source_names(
        &self,
        known: Option<&account_source::Model>,
        account_id: &str,
        source_id: &str,
        family: &str,
        first: &str,
    ) -> Result<bool> {
        match known {
            Some(s)
                if s.family_name == family
                    && s.first_name == first
                    && s.source_id.as_deref() == Some(source_id) =>
            {
                Ok(false)
            }
            Some(s) => {
                account_source::Entity::update_many()
                    .col_expr(account_source::Column::FamilyName, Expr::value(family))
                    .col_expr(account_source::Column::FirstName, Expr::value(first))
                    .col_expr(account_source::Column::SourceId, Expr::value(source_id))
                    .filter(account_source::Column::Id.eq(s.id.clone()))
                    .exec(self.txn)
                    .await?;
                Ok(true)
            }
            None => {
                insert_rows::<account_source::Entity>(
                    self.txn,
                    vec![self.source_row(account_id, source_id, family, first)],
                )
                .await?;
                Ok(true)
            }
        }
    }

    async fn students(&mut self, plan: &ImportPlan, structure: &Structure) -> Result<Ids> {
        let today = self.now.date_naive();
        let existing: Vec<student::Model> = student::Entity::find()
            .filter(student::Column::Uai.eq(self.uai))
            .all(self.txn)
            .await?;
        let mut by_source: HashMap<String, usize> = HashMap::new();
        let mut by_ine: HashMap<String, usize> = HashMap::new();
        for (i, s) in existing.iter().enumerate() {
            if let Some(id) = &s.source_id {
                by_source.insert(id.clone(), i);
            }
            if let Some(ine) = &s.ine {
                by_ine.insert(ine.clone(), i);
            }
        }
        self.outcome.current_students =
            existing.iter().filter(|s| s.left_at.is_none()).count() as u64;
        // INE is national: a student who moved here from another establishment keeps the
        // account they have (it follows them), found by INE outside this establishment —
        // but only once that establishment has recorded him as left. A pupil still enrolled
        // there is not this establishment's to take: the row is refused (a typo, a stale
        // file or a malicious one would otherwise move him, his account and his guardians'
        // accounts out of his school's reach).
        let ines: Vec<String> = plan
            .students
            .iter()
            .filter(|r| !by_source.contains_key(&r.source_id))
            .filter_map(|r| r.ine.clone())
            .filter(|ine| !by_ine.contains_key(ine))
            .collect();
        let mut elsewhere: HashMap<String, student::Model> = HashMap::new();
        // INEs carried by a pupil still enrolled in another establishment.
        let mut enrolled_elsewhere: HashSet<String> = HashSet::new();
        for chunk in ines.chunks(CHUNK) {
            for s in student::Entity::find()
                .filter(student::Column::Ine.is_in(chunk.to_vec()))
                .filter(student::Column::Uai.ne(self.uai))
                .order_by_asc(student::Column::Id)
                .all(self.txn)
                .await?
            {
                let Some(ine) = s.ine.clone() else { continue };
                if s.left_at.is_none_or(|left| left > self.now) {
                    enrolled_elsewhere.insert(ine);
                    continue;
                }
                // Several leavers with one INE (a file error elsewhere): the latest to leave.
                match elsewhere.get(&ine) {
                    Some(kept) if kept.left_at >= s.left_at => {}
                    _ => {
                        elsewhere.insert(ine, s);
                    }
                }
            }
        }
        let ids: Vec<String> = existing
            .iter()
            .map(|s| s.id.clone())
            .chain(elsewhere.values().map(|s| s.id.clone()))
            .collect();
        let names = self.source_names(&ids).await?;

        let mut seen: HashSet<usize> = HashSet::new();
        let mut account_ids: Ids = HashMap::new();
        let mut creations: Vec<&StudentRecord> = Vec::new();
        for r in &plan.students {
            if account_ids.contains_key(&r.source_id) {
                continue;
            }
            let found = by_source
                .get(&r.source_id)
                .or_else(|| r.ine.as_ref().and_then(|ine| by_ine.get(ine)))
                .copied();
            if found.is_none()
                && r.ine
                    .as_ref()
                    .is_some_and(|ine| enrolled_elsewhere.contains(ine))
            {
                // Nothing of that pupil changes, and nothing is created in his name: his
                // guardians' rows and links in this file are left out too (`blocked`).
                // The message names neither the pupil nor his establishment.
                self.outcome.problems.push(Problem::warning(
                    r.location.clone(),
                    format!("{INE_ENROLLED_ELSEWHERE} : ligne non importée"),
                ));
                self.blocked.insert(r.source_id.clone());
                continue;
            }
            let current = match found {
                Some(i) if seen.insert(i) => Some(existing[i].clone()),
                Some(_) => None,
                None => r.ine.as_ref().and_then(|ine| elsewhere.get(ine)).cloned(),
            };
            let Some(current) = current else {
                creations.push(r);
                account_ids.insert(r.source_id.clone(), String::new());
                continue;
            };
            account_ids.insert(r.source_id.clone(), current.id.clone());
            let (_, family) = r.names();
            let left_at = r.left_on.filter(|d| *d <= today).map(day_start);
            let class_id = r
                .class_code
                .as_ref()
                .and_then(|c| structure.classes.get(c))
                .cloned();
            let mef_id = r
                .mef_code
                .as_ref()
                .and_then(|c| structure.mefs.get(c))
                .cloned();
            let mut what = Vec::new();
            let arrives = current.uai != self.uai;
            if arrives {
                self.rehomed.insert(current.id.clone());
                what.push(format!("arrivée depuis l'établissement {}", current.uai));
            }
            if current.family_name != family || current.first_name != r.first_name {
                what.push(format!(
                    "nom {} → {}",
                    full_name(&current.family_name, &current.first_name),
                    full_name(&family, &r.first_name)
                ));
            }
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
            // newcomer, which the line above already says.
            if returns && !arrives {
                what.push("retour dans l'établissement".into());
            }
            let names_changed = self
                .keep_source_names(
                    names.get(&current.id),
                    &current.id,
                    &r.source_id,
                    &family,
                    &r.first_name,
                )
                .await?;
            if what.is_empty() && !leaves && !returns && !names_changed {
                self.outcome.students.unchanged += 1;
                continue;
            }
            student::Entity::update_many()
                .col_expr(student::Column::Uai, Expr::value(self.uai))
                .col_expr(student::Column::FamilyName, Expr::value(family.clone()))
                .col_expr(
                    student::Column::FirstName,
                    Expr::value(r.first_name.clone()),
                )
                .col_expr(student::Column::FamilyKey, Expr::value(fold_name(&family)))
                .col_expr(
                    student::Column::FirstKey,
                    Expr::value(fold_name(&r.first_name)),
                )
                .col_expr(
                    student::Column::BirthDate,
                    Expr::value(r.birth_date.or(current.birth_date)),
                )
                .col_expr(
                    student::Column::Ine,
                    Expr::value(r.ine.clone().or(current.ine.clone())),
                )
                .col_expr(student::Column::SourceId, Expr::value(r.source_id.clone()))
                .col_expr(student::Column::ClassId, Expr::value(class_id))
                .col_expr(student::Column::MefId, Expr::value(mef_id))
                .col_expr(
                    student::Column::LeftAt,
                    Expr::value(if leaves {
                        left_at
                    } else if returns {
                        None
                    } else {
                        current.left_at
                    }),
                )
                .filter(student::Column::Id.eq(current.id.clone()))
                .exec(self.txn)
                .await?;
            account::Entity::update_many()
                .col_expr(account::Column::HomeUai, Expr::value(self.uai))
                .col_expr(account::Column::UpdatedAt, Expr::value(self.now))
                .filter(account::Column::Id.eq(current.id.clone()))
                .exec(self.txn)
                .await?;
            let name = full_name(&family, &r.first_name);
            if leaves {
                self.outcome.students.left += 1;
                what.insert(0, "a quitté l'établissement".into());
            } else {
                self.outcome.students.updated += 1;
            }
            if what.is_empty() {
                what.push("noms dans la source".into());
            }
            self.outcome.changes.push(Change {
                kind: PersonKind::Student,
                action: if leaves {
                    ChangeAction::Leave
                } else {
                    ChangeAction::Update
                },
                source_id: r.source_id.clone(),
                name,
                detail: what.join(", "),
            });
        }

        // Creations, in bulk.
        let identifiers = self
            .identifiers(&creations.iter().map(|r| r.names()).collect::<Vec<_>>())
            .await?;
        let mut accounts = Vec::new();
        let mut students = Vec::new();
        let mut sources = Vec::new();
        for (r, identifier) in creations.into_iter().zip(identifiers) {
            let id = new_id();
            let (_, family) = r.names();
            let mut acc = self.new_account(&id, AccountKind::Student, identifier);
            acc.home_uai = Some(self.uai.to_owned());
            accounts.push(acc);
            let left_at = r.left_on.filter(|d| *d <= today).map(day_start);
            students.push(student::Model {
                id: id.clone(),
                uai: self.uai.to_owned(),
                class_id: r
                    .class_code
                    .as_ref()
                    .and_then(|c| structure.classes.get(c))
                    .cloned(),
                mef_id: r
                    .mef_code
                    .as_ref()
                    .and_then(|c| structure.mefs.get(c))
                    .cloned(),
                family_name: family.clone(),
                first_name: r.first_name.clone(),
                family_key: fold_name(&family),
                first_key: fold_name(&r.first_name),
                birth_date: r.birth_date,
                ine: r.ine.clone(),
                source_id: Some(r.source_id.clone()),
                left_at,
            });
            sources.push(self.source_row(&id, &r.source_id, &family, &r.first_name));
            account_ids.insert(r.source_id.clone(), id);
            self.outcome.students.created += 1;
            self.outcome.changes.push(Change {
                kind: PersonKind::Student,
                action: ChangeAction::Create,
                source_id: r.source_id.clone(),
                name: full_name(&family, &r.first_name),
                // No identifier here: a preview's would not be the one applying picks.
                detail: match (&r.class_code, left_at) {
                    (_, Some(_)) => "nouveau compte (élève déjà sorti)".to_owned(),
                    (Some(c), None) => format!("nouveau compte, classe {c}"),
                    (None, None) => "nouveau compte".to_owned(),
                },
            });
        }
        insert_rows::<account::Entity>(self.txn, accounts).await?;
        insert_rows::<student::Entity>(self.txn, students).await?;
        insert_rows::<account_source::Entity>(self.txn, sources).await?;

        // Absent from a full export: left (never deleted — the account and its history stay).
        if plan.full_export {
            for (i, s) in existing.iter().enumerate() {
                if seen.contains(&i) || s.left_at.is_some() {
                    continue;
                }
                student::Entity::update_many()
                    .col_expr(student::Column::LeftAt, Expr::value(Some(self.now)))
                    .filter(student::Column::Id.eq(s.id.clone()))
                    .exec(self.txn)
                    .await?;
                self.outcome.students.left += 1;
                self.outcome.changes.push(Change {
                    kind: PersonKind::Student,
                    action: ChangeAction::Leave,
                    source_id: s.source_id.clone().unwrap_or_default(),
                    name: full_name(&s.family_name, &s.first_name),
                    detail: "absent de l'export : a quitté l'établissement".into(),
                });
            }
        }
        Ok(account_ids)
    }

    /// Guardians are found by their source id among the guardians of this establishment's
    /// students (source ids are per establishment's database, not national).
    ///
    /// So a guardian linked only to other establishments' pupils is never a candidate: a row
    /// of this file with the same source id is another person of another database, and gets
    /// a guardian (and account) of its own here; the other school's guardian is not renamed,
    /// nor its contact data filled. The guardians of a pupil who left another school and
    /// arrives with this import are linked to a pupil of this establishment by then, so they
    /// are candidates; when one of them has the same source id as a guardian of a pupil who
    /// was already here, the latter wins (this file's ids are this establishment's).
    /// Rows whose every link goes to a refused pupil (`blocked`) are left out: they would
    /// create or change guardians on the strength of a row that was refused.
    async fn guardians(&mut self, plan: &ImportPlan) -> Result<Ids> {
        let mut account_ids: Ids = HashMap::new();
        if plan.guardians.is_empty() {
            return Ok(account_ids);
        }
        let mut wanted: HashSet<&str> = HashSet::new();
        let mut only_blocked: HashSet<&str> = HashSet::new();
        if !self.blocked.is_empty() {
            for l in &plan.links {
                if self.blocked.contains(&l.student_source_id) {
                    only_blocked.insert(&l.guardian_source_id);
                } else {
                    wanted.insert(&l.guardian_source_id);
                }
            }
            only_blocked.retain(|g| !wanted.contains(g));
        }
        let linked: Vec<(String, String)> = guardian_link::Entity::find()
            .select_only()
            .column(guardian_link::Column::GuardianId)
            .column(guardian_link::Column::StudentId)
            .filter(
                guardian_link::Column::StudentId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(student::Column::Id)
                        .from(student::Entity)
                        .and_where(student::Column::Uai.eq(self.uai))
                        .to_owned(),
                ),
            )
            .into_tuple()
            .all(self.txn)
            .await?;
        // Guardian ids, each with whether it is linked to a pupil who was here before.
        let mut native: HashMap<String, bool> = HashMap::new();
        for (guardian_id, student_id) in linked {
            *native.entry(guardian_id).or_default() |= !self.rehomed.contains(&student_id);
        }
        let mut candidates: Vec<String> = native.keys().cloned().collect();
        candidates.sort();
        let mut existing: HashMap<String, guardian::Model> = HashMap::new();
        for chunk in candidates.chunks(CHUNK) {
            for g in guardian::Entity::find()
                .filter(guardian::Column::Id.is_in(chunk.to_vec()))
                .all(self.txn)
                .await?
            {
                let Some(sid) = g.source_id.clone() else {
                    continue;
                };
                let here = native.get(&g.id).copied().unwrap_or(false);
                match existing.get(&sid) {
                    Some(kept) if native.get(&kept.id).copied().unwrap_or(false) || !here => {}
                    _ => {
                        existing.insert(sid, g);
                    }
                }
            }
        }
        let ids: Vec<String> = existing.values().map(|g| g.id.clone()).collect();
        let names = self.source_names(&ids).await?;
        let mut contacts: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            for a in account::Entity::find()
                .filter(account::Column::Id.is_in(chunk.to_vec()))
                .all(self.txn)
                .await?
            {
                contacts.insert(a.id, (a.email, a.phone));
            }
        }

        let mut creations: Vec<&GuardianRecord> = Vec::new();
        for r in &plan.guardians {
            if account_ids.contains_key(&r.source_id) || only_blocked.contains(r.source_id.as_str())
            {
                continue;
            }
            let Some(current) = existing.get(&r.source_id) else {
                account_ids.insert(r.source_id.clone(), String::new());
                creations.push(r);
                continue;
            };
            account_ids.insert(r.source_id.clone(), current.id.clone());
            let (_, family) = r.names();
            let mut what = Vec::new();
            if current.family_name != family || current.first_name != r.first_name {
                what.push(format!(
                    "nom {} → {}",
                    full_name(&current.family_name, &current.first_name),
                    full_name(&family, &r.first_name)
                ));
            }
            if r.civility.is_some() && current.civility != r.civility {
                what.push("civilité".into());
            }
            // Contact data belongs to Sésame once set (the school may have corrected it):
            // the source only fills what is empty.
            let (email, phone) = contacts.get(&current.id).cloned().unwrap_or_default();
            let fill_email = email.is_none() && r.email.is_some();
            let fill_phone = phone.is_none() && r.phone.is_some();
            if fill_email {
                what.push("courriel".into());
            }
            if fill_phone {
                what.push("téléphone".into());
            }
            let names_changed = self
                .keep_source_names(
                    names.get(&current.id),
                    &current.id,
                    &r.source_id,
                    &family,
                    &r.first_name,
                )
                .await?;
            if what.is_empty() && !names_changed {
                self.outcome.guardians.unchanged += 1;
                continue;
            }
            guardian::Entity::update_many()
                .col_expr(guardian::Column::FamilyName, Expr::value(family.clone()))
                .col_expr(
                    guardian::Column::FirstName,
                    Expr::value(r.first_name.clone()),
                )
                .col_expr(guardian::Column::FamilyKey, Expr::value(fold_name(&family)))
                .col_expr(
                    guardian::Column::FirstKey,
                    Expr::value(fold_name(&r.first_name)),
                )
                .col_expr(
                    guardian::Column::Civility,
                    Expr::value(r.civility.clone().or(current.civility.clone())),
                )
                .filter(guardian::Column::Id.eq(current.id.clone()))
                .exec(self.txn)
                .await?;
            let mut update = account::Entity::update_many()
                .col_expr(account::Column::UpdatedAt, Expr::value(self.now))
                .filter(account::Column::Id.eq(current.id.clone()));
            if fill_email {
                update = update.col_expr(account::Column::Email, Expr::value(r.email.clone()));
            }
            if fill_phone {
                update = update.col_expr(account::Column::Phone, Expr::value(r.phone.clone()));
            }
            update.exec(self.txn).await?;
            self.outcome.guardians.updated += 1;
            if what.is_empty() {
                what.push("noms dans la source".into());
            }
            self.outcome.changes.push(Change {
                kind: PersonKind::Guardian,
                action: ChangeAction::Update,
                source_id: r.source_id.clone(),
                name: full_name(&family, &r.first_name),
                detail: what.join(", "),
            });
        }

        let identifiers = self
            .identifiers(&creations.iter().map(|r| r.names()).collect::<Vec<_>>())
            .await?;
        let mut accounts = Vec::new();
        let mut guardians = Vec::new();
        let mut sources = Vec::new();
        for (r, identifier) in creations.into_iter().zip(identifiers) {
            let id = new_id();
            let (_, family) = r.names();
            let mut acc = self.new_account(&id, AccountKind::Guardian, identifier);
            acc.email = r.email.clone();
            acc.phone = r.phone.clone();
            accounts.push(acc);
            guardians.push(guardian::Model {
                id: id.clone(),
                family_name: family.clone(),
                first_name: r.first_name.clone(),
                family_key: fold_name(&family),
                first_key: fold_name(&r.first_name),
                civility: r.civility.clone(),
                source_id: Some(r.source_id.clone()),
            });
            sources.push(self.source_row(&id, &r.source_id, &family, &r.first_name));
            account_ids.insert(r.source_id.clone(), id);
            self.outcome.guardians.created += 1;
            self.outcome.changes.push(Change {
                kind: PersonKind::Guardian,
                action: ChangeAction::Create,
                source_id: r.source_id.clone(),
                name: full_name(&family, &r.first_name),
                detail: "nouveau compte".to_owned(),
            });
        }
        insert_rows::<account::Entity>(self.txn, accounts).await?;
        insert_rows::<guardian::Entity>(self.txn, guardians).await?;
        insert_rows::<account_source::Entity>(self.txn, sources).await?;
        Ok(account_ids)
    }

    /// The plan's links replace those of the students it lists — but only when it carries
    /// guardians at all: a students-only SIECLE file says nothing about guardians.
    async fn links(&mut self, plan: &ImportPlan, students: &Ids, guardians: &Ids) -> Result<()> {
        if plan.guardians.is_empty() && plan.links.is_empty() {
            return Ok(());
        }
        let mut wanted: HashMap<(String, String), &LinkRecord> = HashMap::new();
        for l in &plan.links {
            if let (Some(s), Some(g)) = (
                students.get(&l.student_source_id),
                guardians.get(&l.guardian_source_id),
            ) {
                wanted.entry((g.clone(), s.clone())).or_insert(l);
            }
        }
        let student_ids: Vec<String> = students.values().cloned().collect();
        let mut existing: HashMap<(String, String), guardian_link::Model> = HashMap::new();
        for chunk in student_ids.chunks(CHUNK) {
            for l in guardian_link::Entity::find()
                .filter(guardian_link::Column::StudentId.is_in(chunk.to_vec()))
                .all(self.txn)
                .await?
            {
                existing.insert((l.guardian_id.clone(), l.student_id.clone()), l);
            }
        }
        let mut new_links = Vec::new();
        for (key, l) in &wanted {
            match existing.get(key) {
                Some(e) if e.relationship == l.relationship && e.legal == l.legal => {}
                Some(_) => {
                    guardian_link::Entity::update_many()
                        .col_expr(
                            guardian_link::Column::Relationship,
                            Expr::value(l.relationship.clone()),
                        )
                        .col_expr(guardian_link::Column::Legal, Expr::value(l.legal))
                        .filter(guardian_link::Column::GuardianId.eq(key.0.clone()))
                        .filter(guardian_link::Column::StudentId.eq(key.1.clone()))
                        .exec(self.txn)
                        .await?;
                }
                None => {
                    new_links.push(guardian_link::Model {
                        guardian_id: key.0.clone(),
                        student_id: key.1.clone(),
                        relationship: l.relationship.clone(),
                        legal: l.legal,
                        reported_wrong: false,
                        reported_at: None,
                    });
                }
            }
        }
        self.outcome.links_created = new_links.len() as u64;
        // Sorted so that the same plan writes rows in the same order on every run.
        new_links
            .sort_by(|a, b| (&a.guardian_id, &a.student_id).cmp(&(&b.guardian_id, &b.student_id)));
        insert_rows::<guardian_link::Entity>(self.txn, new_links).await?;
        for key in existing.keys() {
            if wanted.contains_key(key) {
                continue;
            }
            guardian_link::Entity::delete_many()
                .filter(guardian_link::Column::GuardianId.eq(key.0.clone()))
                .filter(guardian_link::Column::StudentId.eq(key.1.clone()))
                .exec(self.txn)
                .await?;
            self.outcome.links_removed += 1;
        }
        Ok(())
    }
}
