//! Data feeds over HTTP: upload SIECLE / ONDE / Sésame CSV exports, preview, apply.

use actix_multipart::Multipart;
use actix_web::{get, http::header, post, web, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use sesame_api::imports::ImportReport;
use sesame_api::Problem;
use sesame_imports::{InputFile, SESAME_CSV_TEMPLATE};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{can, Allowed};
use crate::imports::{self, field_error, ImportError};
use crate::problem::{ApiError, ApiResult};
use crate::routes::responses::{BadRequest, ScopedProblems};

/// Above this, an upload is refused (a large lycée's SIECLE export is a few MB).
const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
const MAX_FILES: usize = 8;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `siecle` (XML: ElevesSansAdresses or ElevesAvecAdresses, ResponsablesAvecAdresses,
    /// Nomenclature), `onde` (CSV) or `csv` (Sésame's CSV, see the template).
    pub source: String,
    /// `true`: say what the import would do, change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// `true`: apply even though the import marks more than 10 % of the establishment's
    /// current pupils as left (and more than 5). Without it such an import answers 409.
    #[serde(default)]
    pub allow_mass_leave: bool,
}

/// The multipart body: one `files` part per file.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

async fn read_files(mut body: Multipart) -> Result<Vec<InputFile>, ApiError> {
    let mut files = Vec::new();
    let mut total = 0usize;
    while let Some(part) = body.next().await {
        let mut part = part.map_err(|_| ApiError::field("files", "Envoi multipart illisible."))?;
        let name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).to_owned())
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| format!("fichier-{}", files.len() + 1));
        if part.name() != Some("files") {
            // Unknown parts are drained and ignored, like unknown JSON fields.
            while let Some(chunk) = part.next().await {
                chunk.map_err(|_| ApiError::field("files", "Envoi multipart illisible."))?;
            }
            continue;
        }
        if files.len() == MAX_FILES {
            return Err(ApiError::field(
                "files",
                format!("Au plus {MAX_FILES} fichiers par import."),
            ));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk =
                chunk.map_err(|_| ApiError::field("files", "Envoi multipart illisible."))?;
            total += chunk.len();
            if total > MAX_UPLOAD_BYTES {
                return Err(ApiError::field(
                    "files",
                    "Les fichiers dépassent 64 Mo au total.",
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        files.push(InputFile { name, bytes });
    }
    if files.is_empty() {
        return Err(ApiError::field("files", "Joignez au moins un fichier."));
    }
    Ok(files)
}

/// Imports an establishment's students and guardians from SIECLE, ONDE or Sésame CSV exports
/// (head and agent). With `dry_run=true` nothing changes and the report says what would; else
/// the report says what was done, in one transaction, and the establishment's data refresh
/// date is set. Re-importing the same files changes nothing; students missing from a full
/// export are marked as left, never deleted. Files with a fatal problem (malformed, another
/// establishment's, a required column missing) answer 422 with each problem in `errors`
/// (`field` = file and line or element); other problems are listed in the report. A row whose
/// INE is a pupil's still enrolled in another establishment is not imported (a problem of the
/// report); a pupil who left another establishment arrives with his account. An import that
/// would mark more than 10 % of the current pupils as left (and more than 5) answers 409,
/// its `detail` saying how many, unless `allow_mass_leave=true`; a dry run reports it as a
/// fatal problem (and `mass_leave`) with 200.
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("uai" = String, Path, description = "UAI, e.g. 0450750W"), ImportQuery),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, body = ImportReport),
        BadRequest, ScopedProblems,
        (status = 409, description = "The import would mark more than 10 % of the current pupils as left (and more than 5): confirm with allow_mass_leave=true; the detail says how many", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown source, no file, or files with fatal problems", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/api/v1/establishments/{uai}/imports")]
pub async fn import(
    scoped: Allowed<can::Import>,
    query: web::Query<ImportQuery>,
    body: Multipart,
) -> ApiResult<web::Json<ImportReport>> {
    let source = imports::parse_source(&query.source).ok_or_else(|| {
        ApiError::field(
            "source",
            "La source doit être « siecle », « onde » ou « csv ».",
        )
    })?;
    let files = read_files(body).await?;
    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let audit = scoped
        .audit("import.apply")
        .detail(serde_json::json!({ "files": names }));
    let (dry_run, allow) = (query.dry_run, query.allow_mass_leave);
    match imports::run(scoped.store(), source, files, dry_run, allow, audit).await {
        Ok(report) => Ok(web::Json(report)),
        Err(ImportError::MassLeave { current, leaving }) => Err(ApiError::Conflict(
            ImportError::mass_leave_message(current, leaving),
        )),
        Err(ImportError::Refused(problems)) => Err(ApiError::Validation(
            problems.iter().map(field_error).collect(),
        )),
        Err(ImportError::Store(e)) => Err(e.into()),
        Err(ImportError::Internal(e)) => Err(ApiError::internal(e)),
    }
}

/// The Sésame CSV import template (v1): the header and two example rows. Its columns are
/// documented in `crates/imports/README.md`.
#[utoipa::path(tag = "imports",
    responses((status = 200, description = "CSV template", content_type = "text/csv")))]
#[get("/api/v1/imports/template.csv")]
pub async fn template() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"sesame-import-v1.csv\"",
        ))
        .body(SESAME_CSV_TEMPLATE)
}
