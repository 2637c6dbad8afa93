//! Applying an import plan (`sesame-imports`) to an establishment, in one transaction.
//!
//! The same code previews and applies: a dry run does everything and rolls back, so the
//! preview is what the import would do, by construction. What happens to each person is
//! decided by `sesame_imports::reconcile` (pure: matching by source id then INE, what
//! changed, who left, refused rows, re-homed leavers, the report's French); this module
//! loads the snapshot it needs inside the transaction and writes its decisions in bulk,
//! with the establishment's classes and MEFs, identifiers, links and the audit event.
//!
//! An import that would mark as left more than 10 % of the current pupils (and more than 5)
//! is only applied when the caller confirms it (`sesame_core::imports`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use sesame_core::account::{AccountKind, AccountState, Origin};
use sesame_core::identifier::{fold_name, identifier_base, identifier_candidate};
use sesame_core::imports::{mass_leave_message, mass_leave_needs_confirmation};
use sesame_imports::reconcile::{
    self, ExistingGuardian, ExistingStudent, Link, Person, SourceNames, SourceNamesWrite,
    StudentContext, Students,
};
use sesame_imports::{ImportPlan, Location, Problem};

use crate::entities::{
    account, account_source, class, establishment, guardian, guardian_link, mef, student,
};
use crate::error::{Result, StoreError};
use crate::ids::new_id;
use crate::repo::audit::{append, NewAuditEvent};
use crate::repo::sql::insert_rows;
use crate::Store;

pub use sesame_imports::reconcile::{
    Change, ChangeAction, Counts, PersonKind, INE_ENROLLED_ELSEWHERE,
};

/// Ids per `IN (…)` list: far below SQLite's and PostgreSQL's bound-value limits.
const CHUNK: usize = 500;

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
        };
        let structure = run.structure(plan).await?;
        let (students, arrivals) = run.students(plan, &structure).await?;
        let guardians = run.guardians(plan, &arrivals).await?;
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
}

/// Class and MEF ids of the establishment by code, after the import's additions.
struct Structure {
    classes: HashMap<String, String>,
    mefs: HashMap<String, String>,
}

/// Account ids by source id, for the links.
type Ids = HashMap<String, String>;

/// What the guardians' reconciliation needs of the pupils'.
struct Arrivals {
    /// Source ids of the refused pupils' rows: their guardians' rows are left out.
    refused: HashSet<String>,
    /// Ids of the pupils re-homed here by this import.
    rehomed: HashSet<String>,
}

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

    /// This source's names for `ids`, by account.
    async fn source_names(&self, ids: &[String]) -> Result<HashMap<String, SourceNames>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            for row in account_source::Entity::find()
                .filter(account_source::Column::Source.eq(self.source))
                .filter(account_source::Column::AccountId.is_in(chunk.to_vec()))
                .all(self.txn)
                .await?
            {
                out.insert(
                    row.account_id,
                    SourceNames {
                        row_id: row.id,
                        source_id: row.source_id,
                        family_name: row.family_name,
                        first_name: row.first_name,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Records this source's names for existing accounts (updates, then inserts in bulk).
    async fn keep_source_names(&self, writes: &[SourceNamesWrite]) -> Result<()> {
        let mut inserts = Vec::new();
        for w in writes {
            let Some(row_id) = &w.row_id else {
                inserts.push(self.source_row(
                    &w.account_id,
                    &w.source_id,
                    &w.family_name,
                    &w.first_name,
                ));
                continue;
            };
            account_source::Entity::update_many()
                .col_expr(
                    account_source::Column::FamilyName,
                    Expr::value(w.family_name.clone()),
                )
                .col_expr(
                    account_source::Column::FirstName,
                    Expr::value(w.first_name.clone()),
                )
                .col_expr(
                    account_source::Column::SourceId,
                    Expr::value(w.source_id.clone()),
                )
                .filter(account_source::Column::Id.eq(row_id.clone()))
                .exec(self.txn)
                .await?;
        }
        insert_rows::<account_source::Entity>(self.txn, inserts).await?;
        Ok(())
    }

    /// Creates `people` in bulk — accounts with free identifiers, the person rows `row`
    /// makes (it may also fill the account), this source's names — and returns their ids by
    /// source id. Takes the persons so that their strings move into the rows (a school's
    /// first import creates thousands).
    async fn create<F, E>(
        &mut self,
        kind: AccountKind,
        people: Vec<Person<F>>,
        row: impl Fn(&str, Person<F>, &mut account::Model) -> E::Model,
    ) -> Result<Ids>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
    {
        let names: Vec<(String, String)> = people
            .iter()
            .map(|p| (p.first_name.clone(), p.family_name.clone()))
            .collect();
        let identifiers = self.identifiers(&names).await?;
        let mut ids: Ids = HashMap::with_capacity(people.len());
        let mut accounts = Vec::with_capacity(people.len());
        let mut rows = Vec::with_capacity(people.len());
        let mut sources = Vec::with_capacity(people.len());
        for (p, identifier) in people.into_iter().zip(identifiers) {
            let id = new_id();
            let mut account = self.new_account(&id, kind, identifier);
            sources.push(self.source_row(&id, &p.source_id, &p.family_name, &p.first_name));
            ids.insert(p.source_id.clone(), id.clone());
            rows.push(row(&id, p, &mut account));
            accounts.push(account);
        }
        insert_rows::<account::Entity>(self.txn, accounts).await?;
        insert_rows::<E>(self.txn, rows).await?;
        insert_rows::<account_source::Entity>(self.txn, sources).await?;
        Ok(ids)
    }

    /// Loads the pupils the plan may concern, lets [`reconcile::reconcile_students`] decide
    /// and writes its decisions. Returns the account ids by source id, and what the guardians
    /// need to know of the pupils' import.
    async fn students(
        &mut self,
        plan: &ImportPlan,
        structure: &Structure,
    ) -> Result<(Ids, Arrivals)> {
        let here: Vec<ExistingStudent> = student::Entity::find()
            .filter(student::Column::Uai.eq(self.uai))
            .all(self.txn)
            .await?
            .into_iter()
            .map(existing_student)
            .collect();
        let ines = reconcile::ines_to_look_up(&plan.students, &here);
        let mut elsewhere = Vec::new();
        for chunk in ines.chunks(CHUNK) {
            elsewhere.extend(
                student::Entity::find()
                    .filter(student::Column::Ine.is_in(chunk.to_vec()))
                    .filter(student::Column::Uai.ne(self.uai))
                    .order_by_asc(student::Column::Id)
                    .all(self.txn)
                    .await?
                    .into_iter()
                    .map(existing_student),
            );
        }
        let ids: Vec<String> = here
            .iter()
            .chain(&elsewhere)
            .map(|s| s.id.clone())
            .collect();
        let names = self.source_names(&ids).await?;
        let ctx = StudentContext {
            uai: self.uai,
            now: self.now,
            full_export: plan.full_export,
            classes: &structure.classes,
            mefs: &structure.mefs,
        };
        let Students {
            mut people,
            rehomed,
            current,
        } = reconcile::reconcile_students(&ctx, &plan.students, &here, &elsewhere, &names);

        self.keep_source_names(&people.source_names).await?;
        for u in &people.updates {
            let (p, f) = (&u.person, &u.person.fields);
            student::Entity::update_many()
                .col_expr(student::Column::Uai, Expr::value(self.uai))
                .col_expr(
                    student::Column::FamilyName,
                    Expr::value(p.family_name.clone()),
                )
                .col_expr(
                    student::Column::FirstName,
                    Expr::value(p.first_name.clone()),
                )
                .col_expr(
                    student::Column::FamilyKey,
                    Expr::value(fold_name(&p.family_name)),
                )
                .col_expr(
                    student::Column::FirstKey,
                    Expr::value(fold_name(&p.first_name)),
                )
                .col_expr(student::Column::BirthDate, Expr::value(f.birth_date))
                .col_expr(student::Column::Ine, Expr::value(f.ine.clone()))
                .col_expr(student::Column::SourceId, Expr::value(p.source_id.clone()))
                .col_expr(student::Column::ClassId, Expr::value(f.class_id.clone()))
                .col_expr(student::Column::MefId, Expr::value(f.mef_id.clone()))
                .col_expr(student::Column::LeftAt, Expr::value(f.left_at))
                .filter(student::Column::Id.eq(u.id.clone()))
                .exec(self.txn)
                .await?;
            // The account follows the pupil (a re-homed one's moves here).
            account::Entity::update_many()
                .col_expr(account::Column::HomeUai, Expr::value(self.uai))
                .col_expr(account::Column::UpdatedAt, Expr::value(self.now))
                .filter(account::Column::Id.eq(u.id.clone()))
                .exec(self.txn)
                .await?;
        }
        let uai = self.uai;
        let created = self
            .create::<_, student::Entity>(
                AccountKind::Student,
                std::mem::take(&mut people.creations),
                |id, p, account| {
                    account.home_uai = Some(uai.to_owned());
                    let f = p.fields;
                    student::Model {
                        id: id.to_owned(),
                        uai: uai.to_owned(),
                        class_id: f.class_id,
                        mef_id: f.mef_id,
                        family_key: fold_name(&p.family_name),
                        first_key: fold_name(&p.first_name),
                        family_name: p.family_name,
                        first_name: p.first_name,
                        birth_date: f.birth_date,
                        ine: f.ine,
                        source_id: Some(p.source_id),
                        left_at: f.left_at,
                    }
                },
            )
            .await?;
        // Left, never deleted: the account and its history stay.
        for chunk in people.leavers.chunks(CHUNK) {
            student::Entity::update_many()
                .col_expr(student::Column::LeftAt, Expr::value(Some(self.now)))
                .filter(student::Column::Id.is_in(chunk.to_vec()))
                .exec(self.txn)
                .await?;
        }

        self.outcome.current_students = current;
        self.outcome.students = people.counts;
        self.outcome.changes.append(&mut people.changes);
        self.outcome.problems.append(&mut people.problems);
        let mut ids = people.matched;
        ids.extend(created);
        let arrivals = Arrivals {
            refused: people.refused,
            rehomed,
        };
        Ok((ids, arrivals))
    }

    /// Loads the guardians of this establishment's pupils (after the pupils' import, so with
    /// the re-homed pupils' ones), lets [`reconcile::reconcile_guardians`] decide and writes
    /// its decisions. Returns the account ids by source id.
    async fn guardians(&mut self, plan: &ImportPlan, students: &Arrivals) -> Result<Ids> {
        if plan.guardians.is_empty() {
            return Ok(HashMap::new());
        }
        let left_out = reconcile::guardians_left_out(&plan.links, &students.refused);
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
        let here = reconcile::guardians_here(linked, &students.rehomed);
        let mut candidates: Vec<String> = here.keys().cloned().collect();
        candidates.sort();
        let mut models = Vec::new();
        for chunk in candidates.chunks(CHUNK) {
            models.extend(
                guardian::Entity::find()
                    .filter(guardian::Column::Id.is_in(chunk.to_vec()))
                    // Without a source id, no row of a file can name him.
                    .filter(guardian::Column::SourceId.is_not_null())
                    .all(self.txn)
                    .await?,
            );
        }
        let ids: Vec<String> = models.iter().map(|g| g.id.clone()).collect();
        let names = self.source_names(&ids).await?;
        let mut contacts: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            for (id, email, phone) in account::Entity::find()
                .select_only()
                .column(account::Column::Id)
                .column(account::Column::Email)
                .column(account::Column::Phone)
                .filter(account::Column::Id.is_in(chunk.to_vec()))
                .into_tuple::<(String, Option<String>, Option<String>)>()
                .all(self.txn)
                .await?
            {
                contacts.insert(id, (email, phone));
            }
        }
        let existing: Vec<ExistingGuardian> = models
            .into_iter()
            .map(|g| {
                let (email, phone) = contacts.remove(&g.id).unwrap_or_default();
                ExistingGuardian {
                    here: here.get(&g.id).copied().unwrap_or(false),
                    id: g.id,
                    source_id: g.source_id,
                    family_name: g.family_name,
                    first_name: g.first_name,
                    civility: g.civility,
                    email,
                    phone,
                }
            })
            .collect();
        let mut people =
            reconcile::reconcile_guardians(&plan.guardians, &existing, &left_out, &names);

        self.keep_source_names(&people.source_names).await?;
        for u in &people.updates {
            let (p, f) = (&u.person, &u.person.fields);
            guardian::Entity::update_many()
                .col_expr(
                    guardian::Column::FamilyName,
                    Expr::value(p.family_name.clone()),
                )
                .col_expr(
                    guardian::Column::FirstName,
                    Expr::value(p.first_name.clone()),
                )
                .col_expr(
                    guardian::Column::FamilyKey,
                    Expr::value(fold_name(&p.family_name)),
                )
                .col_expr(
                    guardian::Column::FirstKey,
                    Expr::value(fold_name(&p.first_name)),
                )
                .col_expr(guardian::Column::Civility, Expr::value(f.civility.clone()))
                .filter(guardian::Column::Id.eq(u.id.clone()))
                .exec(self.txn)
                .await?;
            let mut update = account::Entity::update_many()
                .col_expr(account::Column::UpdatedAt, Expr::value(self.now))
                .filter(account::Column::Id.eq(u.id.clone()));
            if f.email.is_some() {
                update = update.col_expr(account::Column::Email, Expr::value(f.email.clone()));
            }
            if f.phone.is_some() {
                update = update.col_expr(account::Column::Phone, Expr::value(f.phone.clone()));
            }
            update.exec(self.txn).await?;
        }
        let created = self
            .create::<_, guardian::Entity>(
                AccountKind::Guardian,
                std::mem::take(&mut people.creations),
                |id, p, account| {
                    account.email = p.fields.email;
                    account.phone = p.fields.phone;
                    guardian::Model {
                        id: id.to_owned(),
                        family_key: fold_name(&p.family_name),
                        first_key: fold_name(&p.first_name),
                        family_name: p.family_name,
                        first_name: p.first_name,
                        civility: p.fields.civility,
                        source_id: Some(p.source_id),
                    }
                },
            )
            .await?;

        self.outcome.guardians = people.counts;
        self.outcome.changes.append(&mut people.changes);
        let mut ids = people.matched;
        ids.extend(created);
        Ok(ids)
    }

    /// The plan's links replace those of the students it lists — but only when it carries
    /// guardians at all: a students-only SIECLE file says nothing about guardians.
    async fn links(&mut self, plan: &ImportPlan, students: &Ids, guardians: &Ids) -> Result<()> {
        if plan.guardians.is_empty() && plan.links.is_empty() {
            return Ok(());
        }
        let student_ids: Vec<String> = students.values().cloned().collect();
        let mut existing = Vec::new();
        for chunk in student_ids.chunks(CHUNK) {
            existing.extend(
                guardian_link::Entity::find()
                    .filter(guardian_link::Column::StudentId.is_in(chunk.to_vec()))
                    .all(self.txn)
                    .await?
                    .into_iter()
                    .map(|l| Link {
                        guardian_id: l.guardian_id,
                        student_id: l.student_id,
                        relationship: l.relationship,
                        legal: l.legal,
                    }),
            );
        }
        let links = reconcile::reconcile_links(&plan.links, students, guardians, &existing);
        for l in &links.updated {
            guardian_link::Entity::update_many()
                .col_expr(
                    guardian_link::Column::Relationship,
                    Expr::value(l.relationship.clone()),
                )
                .col_expr(guardian_link::Column::Legal, Expr::value(l.legal))
                .filter(guardian_link::Column::GuardianId.eq(l.guardian_id.clone()))
                .filter(guardian_link::Column::StudentId.eq(l.student_id.clone()))
                .exec(self.txn)
                .await?;
        }
        self.outcome.links_created = links.created.len() as u64;
        let rows = links.created.into_iter().map(|l| guardian_link::Model {
            guardian_id: l.guardian_id,
            student_id: l.student_id,
            relationship: l.relationship,
            legal: l.legal,
            reported_wrong: false,
            reported_at: None,
        });
        insert_rows::<guardian_link::Entity>(self.txn, rows.collect()).await?;
        for (guardian_id, student_id) in &links.removed {
            guardian_link::Entity::delete_many()
                .filter(guardian_link::Column::GuardianId.eq(guardian_id.clone()))
                .filter(guardian_link::Column::StudentId.eq(student_id.clone()))
                .exec(self.txn)
                .await?;
        }
        self.outcome.links_removed = links.removed.len() as u64;
        Ok(())
    }
}

fn existing_student(s: student::Model) -> ExistingStudent {
    ExistingStudent {
        id: s.id,
        uai: s.uai,
        source_id: s.source_id,
        ine: s.ine,
        family_name: s.family_name,
        first_name: s.first_name,
        birth_date: s.birth_date,
        class_id: s.class_id,
        mef_id: s.mef_id,
        left_at: s.left_at,
    }
}
