//! # sesame-imports
//!
//! Reads the exports schools get from their management systems — SIECLE (XML, 2nd degree),
//! ONDE (CSV, 1st degree) — and Sésame's own CSV into one [`ImportPlan`]: students,
//! guardians, the links between them, MEFs, and every problem found with its file and line.
//!
//! No database, no HTTP. [`reconcile`] decides what a plan does to the persons an
//! establishment already has, from a snapshot the store loads; the store writes it.
//! Parsers never fail: what cannot be read becomes a [`Problem`], fatal when the plan must
//! not be applied at all.

mod onde;
mod plan;
pub mod reconcile;
mod sesame_csv;
mod siecle;
pub mod synthetic;
mod text;

pub use onde::{guardian_id as onde_guardian_id, parse_onde};
pub use plan::{
    GuardianRecord, ImportPlan, InputFile, LinkRecord, Location, MefRecord, Problem, Source,
    StudentRecord,
};
pub use sesame_csv::{parse_sesame_csv, SESAME_CSV_COLUMNS, SESAME_CSV_TEMPLATE};
pub use siecle::{parse_siecle, relationship as siecle_relationship, root_element};

/// Parses `files` as exports of `source`; a plan with more distinct divisions, groups or MEFs
/// than any establishment has ([`sesame_core::imports::MAX_STRUCTURE_CODES`]) gets a fatal
/// problem.
pub fn parse(source: Source, files: &[InputFile]) -> ImportPlan {
    let mut plan = match source {
        Source::Siecle => parse_siecle(files),
        Source::Onde => parse_onde(files),
        Source::SesameCsv => parse_sesame_csv(files),
    };
    plan.check_structure_size(sesame_core::imports::MAX_STRUCTURE_CODES);
    plan
}
