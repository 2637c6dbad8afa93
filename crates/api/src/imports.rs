//! Data feeds: importing SIECLE, ONDE or Sésame CSV exports into an establishment.
//!
//! `POST /api/v1/establishments/{uai}/imports?source=siecle|onde|csv[&dry_run=true]`, body
//! `multipart/form-data` with one or more `files` parts. A dry run answers what the import
//! would do; otherwise the same report says what it did, in one transaction. Files with a
//! fatal problem (malformed, another establishment's, a required column missing) answer 422
//! `application/problem+json`, each problem in `errors` (`field` = file and line/element).
//! An import that would mark more than 10 % of the establishment's current pupils as left
//! (and more than 5) answers 409 unless `allow_mass_leave=true`; its `detail` says how many.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Per kind of person: how many the import creates, updates, marks as left, or leaves as is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    pub created: u64,
    pub updated: u64,
    /// Students only: marked as having left (never deleted; their accounts stay).
    pub left: u64,
    pub unchanged: u64,
}

/// One change, for the preview table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportChange {
    pub kind: sesame_core::AccountKind,
    pub action: sesame_core::imports::ImportAction,
    /// The person's id in the source (`ELEVE_ID`, `PERSONNE_ID`…).
    pub source_id: String,
    /// « NOM Prénom ».
    pub name: String,
    /// What changes, in French (« classe 2NDE1 → 2NDE2 », « nouveau compte »…).
    pub detail: String,
}

/// A problem found in the files; the import goes on without the record unless `fatal`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The XML element (with its id attribute) when the format has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// French, for the person who made the export.
    pub message: String,
    pub fatal: bool,
}

/// What an import would do (dry run) or did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub uai: String,
    /// `SIECLE`, `ONDE` or `SESAME`.
    pub source: String,
    pub dry_run: bool,
    /// False for a dry run; true once committed.
    pub applied: bool,
    pub students: ImportCounts,
    pub guardians: ImportCounts,
    /// Guardian–student links added and removed.
    pub links_created: u64,
    pub links_removed: u64,
    /// The first changes (at most 500), students first.
    pub changes: Vec<ImportChange>,
    /// How many changes there are in all (`changes` may hold fewer).
    pub changes_total: u64,
    /// Problems of the files, then those found against the database: a row whose INE is a
    /// pupil's still enrolled in another establishment is not imported (« INE déjà utilisé
    /// par un élève scolarisé dans un autre établissement »); in a dry run, a fatal problem
    /// when applying would need `allow_mass_leave=true`.
    pub problems: Vec<ImportProblem>,
    /// The establishment's data refresh date after the import (unchanged by a dry run).
    pub data_updated_at: Option<DateTime<Utc>>,
    /// The establishment's pupils not yet left before the import (`students.left` of them
    /// would be marked as left).
    #[serde(default)]
    pub students_current: u64,
    /// True when the import marks more than 10 % of `students_current` as left, and more
    /// than 5: applying it needs `allow_mass_leave=true` (else 409).
    #[serde(default)]
    pub mass_leave: bool,
}
