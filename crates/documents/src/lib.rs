//! # sesame-documents
//!
//! The files Sésame hands to school staff, built from plain data: the individual notification
//! letters (PDF, one page an account), the account lists (PDF grouped by class, and CSV for
//! spreadsheets) and the credential sheets of a bulk password reset (PDF and CSV).
//!
//! Nothing here does I/O: callers pass rows already read and decrypted, and get bytes back. The
//! wording and the rules (letter text, list columns, which password a list may show, CSV cell
//! neutralisation) come from `sesame-core`, so documents, screens and e-mails always agree.

use chrono::{DateTime, Utc};
use sesame_core::{AccountKind, AccountState, DocumentFormat, LetterVariant, Origin};

mod credentials;
mod csv;
mod filename;
mod fonts;
mod layout;
mod letters;
mod lists;
mod par;
mod pdf;
mod qr;
mod sorting;

pub use credentials::{credentials_csv, credentials_pdf, credentials_pdf_at, CREDENTIAL_COLUMNS};
pub use filename::{document_filename, filename, DocumentKind};
pub use letters::{
    holder_page_url, letter_qr_payload, letter_urls_for, letters_pdf, letters_pdf_at, qr_payload,
};
pub use lists::{list_csv, list_pdf, list_pdf_at};

/// "élèves" / "responsables", as document titles name the population.
fn population(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Student => "élèves",
        AccountKind::Guardian => "responsables",
    }
}

/// `Content-Type` of the PDF documents.
pub const PDF_CONTENT_TYPE: &str = DocumentFormat::Pdf.content_type();
/// `Content-Type` of the CSV documents (UTF-8, with a byte-order mark for spreadsheets).
pub const CSV_CONTENT_TYPE: &str = DocumentFormat::Csv.content_type();

/// The establishment a document is about, printed in its heading.
#[derive(Clone, Debug)]
pub struct EstablishmentInfo {
    pub uai: String,
    pub name: String,
}

/// One notification letter.
#[derive(Clone, Debug)]
pub struct LetterInput {
    pub kind: AccountKind,
    /// As the letter greets the person, e.g. "Céline DUPONT".
    pub person_display_name: String,
    /// The person's names, which order the letters within a class (family name first, as
    /// class lists are read).
    pub family_name: String,
    pub first_name: String,
    pub identifier: String,
    /// The provisional password to hand out; `None` prints "Mot de passe inchangé". Ignored by
    /// variants that show no password.
    pub provisional_password: Option<String>,
    pub variant: LetterVariant,
    /// The establishment's verified and active address(es) for the population. Guardians' letters
    /// add the national portal themselves.
    pub urls: Vec<String>,
    /// Printed under the name, and the stack the letter goes in: letters are handed out
    /// class by class (guardians: a class of one of their pupils).
    pub class_label: Option<String>,
}

/// One account of a list.
#[derive(Clone, Debug)]
pub struct ListRow {
    pub student_family_name: String,
    pub student_first_name: String,
    /// MEF short label (`2NDPRO`), a CSV column.
    pub mef: String,
    /// MEF long label, shown in the PDF's class headers.
    pub mef_label: String,
    pub class: String,
    /// Guardians' lists only.
    pub guardian_family_name: Option<String>,
    pub guardian_first_name: Option<String>,
    pub state: AccountState,
    pub origin: Origin,
    pub identifier: String,
    /// Decrypted provisional password; shown only while the account is notified and not
    /// activated (`sesame_core::list_password_cell`).
    pub provisional_password: Option<String>,
    pub notified_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// One account whose password a bulk reset just replaced.
#[derive(Clone, Debug)]
pub struct CredentialRow {
    pub family_name: String,
    pub first_name: String,
    pub class: String,
    pub identifier: String,
    pub provisional_password: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("Aucun courrier à produire")]
    NoLetters,
    #[error("Police de caractères illisible : {0}")]
    Font(String),
    #[error("Échec de la production du QR code : {0}")]
    Qr(String),
}
