//! Imports as the operator CLI and the REST endpoint both run them: parse the files (off the
//! async runtime: it is CPU work), refuse them on a fatal problem, then preview or apply the
//! plan in one transaction. An import that would mark too many pupils as left is refused
//! unless confirmed (`allow_mass_leave`).

use chrono::{SubsecRound, Utc};
use sesame_api::imports::{ImportChange, ImportCounts, ImportProblem, ImportReport};
use sesame_api::FieldError;
use sesame_imports::{ImportPlan, InputFile, Problem, Source};
use sesame_store::repo::audit::NewAuditEvent;
use sesame_store::repo::imports::{Counts, ImportOutcome};
use sesame_store::Tenant;

/// Changes listed in a report; the counts cover all of them.
pub const CHANGES_SHOWN: usize = 500;

#[derive(Debug)]
pub enum ImportError {
    /// The files cannot be imported as they are; nothing was changed.
    Refused(Vec<Problem>),
    /// Applying would mark `leaving` of the `current` pupils as left, and the caller did not
    /// confirm it; nothing was changed.
    MassLeave {
        current: u64,
        leaving: u64,
    },
    Store(sesame_store::StoreError),
    Internal(String),
}

impl ImportError {
    /// The French sentence of [`ImportError::MassLeave`] as the API answers it, naming the
    /// query parameter that confirms.
    pub fn mass_leave_message(current: u64, leaving: u64) -> String {
        format!(
            "{} Confirmez avec allow_mass_leave=true.",
            sesame_core::imports::mass_leave_message(current, leaving)
        )
    }
}

impl From<sesame_store::StoreError> for ImportError {
    fn from(e: sesame_store::StoreError) -> Self {
        ImportError::Store(e)
    }
}

/// `siecle`, `onde` or `csv`, as the CLI and the endpoint name the sources.
pub fn parse_source(s: &str) -> Option<Source> {
    match s.trim().to_ascii_lowercase().as_str() {
        "siecle" => Some(Source::Siecle),
        "onde" => Some(Source::Onde),
        "csv" | "sesame" => Some(Source::SesameCsv),
        _ => None,
    }
}

// A span per import (from the API or the CLI): parsing and applying large files is long, and
// its lines must name the establishment and the source.
#[tracing::instrument(name = "import", skip_all, fields(uai = tenant.uai(), source = ?source, dry_run))]
pub async fn run(
    tenant: &Tenant,
    source: Source,
    files: Vec<InputFile>,
    dry_run: bool,
    allow_mass_leave: bool,
    audit: NewAuditEvent,
) -> Result<ImportReport, ImportError> {
    let uai = tenant.uai();
    let owned_uai = uai.to_owned();
    let plan = tokio::task::spawn_blocking(move || {
        let mut plan = sesame_imports::parse(source, &files);
        plan.check_establishment(&owned_uai);
        plan
    })
    .await
    .map_err(|e| ImportError::Internal(e.to_string()))?;
    if plan.has_fatal() {
        return Err(ImportError::Refused(
            plan.problems.into_iter().filter(|p| p.fatal).collect(),
        ));
    }
    let outcome = tenant
        // Microseconds: what PostgreSQL keeps, so the report says the date the console will read.
        .import_plan(
            &plan,
            dry_run,
            allow_mass_leave,
            Utc::now().trunc_subsecs(6),
            audit,
        )
        .await?;
    if !dry_run && !outcome.applied {
        // The only reason the store does not apply a plan without error.
        debug_assert!(outcome.mass_leave && !allow_mass_leave);
        return Err(ImportError::MassLeave {
            current: outcome.current_students,
            leaving: outcome.students.left,
        });
    }
    Ok(report(uai, source, dry_run, &plan, outcome))
}

fn counts(c: Counts) -> ImportCounts {
    ImportCounts {
        created: c.created,
        updated: c.updated,
        left: c.left,
        unchanged: c.unchanged,
    }
}

pub fn problem(p: &Problem) -> ImportProblem {
    ImportProblem {
        file: p.location.file.clone(),
        line: p.location.line,
        element: p.location.element.clone(),
        message: p.message.clone(),
        fatal: p.fatal,
    }
}

/// A fatal problem as a problem+json field error: the "field" is where it is in the files.
pub fn field_error(p: &Problem) -> FieldError {
    FieldError {
        field: p.location.to_string(),
        message: p.message.clone(),
    }
}

fn report(
    uai: &str,
    source: Source,
    dry_run: bool,
    plan: &ImportPlan,
    outcome: ImportOutcome,
) -> ImportReport {
    let changes_total = outcome.changes.len() as u64;
    ImportReport {
        uai: uai.to_owned(),
        source: source.as_str().to_owned(),
        dry_run,
        applied: outcome.applied,
        students: counts(outcome.students),
        guardians: counts(outcome.guardians),
        links_created: outcome.links_created,
        links_removed: outcome.links_removed,
        changes: outcome
            .changes
            .into_iter()
            .take(CHANGES_SHOWN)
            .map(|c| ImportChange {
                kind: c.kind.into(),
                action: c.action,
                source_id: c.source_id,
                name: c.name,
                detail: c.detail,
            })
            .collect(),
        changes_total,
        problems: plan
            .problems
            .iter()
            .chain(&outcome.problems)
            .map(problem)
            .collect(),
        data_updated_at: outcome.data_updated_at,
        students_current: outcome.current_students,
        mass_leave: outcome.mass_leave,
    }
}
