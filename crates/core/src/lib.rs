//! # sesame-core
//!
//! The domain of Sésame, the account-administration console of French schools (ÉduConnect-style
//! student and guardian accounts, plus the ENT directory): the rules the French user guides
//! describe, written as pure functions and plain data.
//!
//! Nothing here does I/O, talks to a database or knows about HTTP. The server and the store
//! decide *where* things happen; this crate decides *what* happens, so every rule can be tested
//! here in isolation:
//!
//! - [`uai`]: establishment codes and their check letter;
//! - [`account`]: account kinds, states, origins and the console's populations, with their wire
//!   names and French labels;
//! - [`lifecycle`]: what (re)notification, password reset and activation do to an account, and
//!   what lists may show of its password;
//! - [`password`]: provisional passwords and the policy for chosen ones;
//! - [`identifier`]: name folding, national identifiers and ENT logins;
//! - [`imports`]: what an import may do without confirmation (mass leave) and its size limits;
//! - [`regeneration`]: when an identifier may be regenerated, and when the new one takes effect;
//! - [`permissions`]: roles, modules, actions and who may do what;
//! - [`csv_cell`], [`list_columns`]: safe CSV cells, French dates, list headers;
//! - [`letter`]: the text of notification letters and e-mails;
//! - [`paris`]: calendar computations in Europe/Paris;
//! - [`establishment`], [`audit`], [`document_format`]: establishments' sectors, the authors
//!   of audit events, the formats of documents.
//!
//! The rules that need randomness or the tz database (passwords, identifiers, regeneration,
//! dates in Paris) sit behind the default feature `rules`: the SPA builds this crate without
//! it, for the vocabulary and its labels alone. The feature `openapi` gives every vocabulary an
//! OpenAPI schema listing its wire names.
//!
//! Enums that travel (JSON, URLs, database, audit) share one wire name everywhere: `as_str`,
//! `parse`, `Display`, `FromStr` and serde all agree.

pub mod account;
pub mod audit;
pub mod contact;
#[cfg(feature = "rules")]
pub mod csv_cell;
pub mod directory;
pub mod document_format;
pub mod establishment;
#[cfg(feature = "rules")]
pub mod identifier;
pub mod imports;
pub mod job;
pub mod letter;
pub mod lifecycle;
pub mod list_columns;
#[cfg(feature = "rules")]
pub mod paris;
#[cfg(feature = "rules")]
pub mod password;
pub mod permissions;
#[cfg(feature = "rules")]
pub mod regeneration;
pub mod self_service;
pub mod statistics;
pub mod uai;
pub mod webhook;
mod wire;

pub use account::{AccountKind, AccountState, Origin, Population};
pub use audit::ActorKind;
#[cfg(feature = "rules")]
pub use csv_cell::{fr_date, fr_date_opt, neutralise};
pub use directory::EntGroupKind;
pub use document_format::DocumentFormat;
pub use establishment::Sector;
#[cfg(feature = "rules")]
pub use identifier::{
    base_of, ent_login, ent_login_with_suffix, fold_name, identifier_base, identifier_candidate,
    IdentifierError,
};
pub use job::JobState;
pub use letter::{
    letter_paragraphs, password_line, Letter, LetterInput, LetterVariant, NATIONAL_PORTAL_URL,
    SIGNATURE,
};
pub use lifecycle::{
    activate, email_skip, list_password_cell, notify, reset, visible_provisional_password,
    Activation, ActivationError, Channel, PasswordAction, SkipReason, Transition,
};
#[cfg(feature = "rules")]
pub use password::{
    check_chosen_password, generate_provisional, generate_provisional_os, is_provisional_shaped,
    PasswordPolicyError, PROVISIONAL_ALPHABET,
};
pub use permissions::{
    is_allowed, needs_second_factor, Action, EstablishmentFacts, Module, Role, Scope,
};
#[cfg(feature = "rules")]
pub use regeneration::{
    check_regeneration, effective_at, login_identifier_accepted, switch_due, IdentifierMatch,
    RegenerationRefusal, SourceNames,
};
pub use statistics::Grouping;
pub use uai::{Uai, UaiError};
pub use wire::UnknownValue;
