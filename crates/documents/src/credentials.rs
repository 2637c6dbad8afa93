//! The credential sheets of a bulk password reset: every new provisional password, once, to
//! hand out (domain.md "Reset passwords").

use chrono::{DateTime, Utc};
use sesame_core::csv_cell::fr_date_time;
use sesame_core::AccountKind;

use crate::layout::{self, PageHeading, Section, Style};
use crate::pdf::{Document, Orientation};
use crate::sorting::human_cmp;
use crate::{csv, population, CredentialRow, DocumentError, EstablishmentInfo};

pub const CREDENTIAL_COLUMNS: [&str; 5] = [
    "Nom",
    "Prénom",
    "Classe",
    "Identifiant",
    "Mot de passe provisoire",
];

/// The CSV sheet, rows in the order given.
pub fn credentials_csv(
    _est: &EstablishmentInfo,
    _kind: AccountKind,
    rows: &[CredentialRow],
) -> Vec<u8> {
    csv::document(
        &CREDENTIAL_COLUMNS,
        rows.iter().map(|r| {
            vec![
                r.family_name.as_str(),
                &r.first_name,
                &r.class,
                &r.identifier,
                &r.provisional_password,
            ]
        }),
    )
}

/// The PDF sheet, generated now.
pub fn credentials_pdf(
    est: &EstablishmentInfo,
    kind: AccountKind,
    rows: &[CredentialRow],
) -> Result<Vec<u8>, DocumentError> {
    credentials_pdf_at(est, kind, rows, Utc::now())
}

/// The PDF sheet, sorted by class then name like the lists.
pub fn credentials_pdf_at(
    est: &EstablishmentInfo,
    kind: AccountKind,
    rows: &[CredentialRow],
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, DocumentError> {
    let heading = PageHeading {
        title: format!(
            "Nouveaux mots de passe provisoires — comptes {} — {}",
            population(kind),
            est.name
        ),
        context: format!(
            "UAI {} · Document généré le {}",
            est.uai,
            fr_date_time(generated_at)
        ),
    };
    let mut sorted: Vec<&CredentialRow> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        human_cmp(&a.class, &b.class)
            .then_with(|| human_cmp(&a.family_name, &b.family_name))
            .then_with(|| human_cmp(&a.first_name, &b.first_name))
            .then_with(|| human_cmp(&a.identifier, &b.identifier))
    });
    let section = Section {
        heading: vec![(
            Style::regular(9.0),
            "Document confidentiel : remettez à chacun son identifiant et son mot de passe \
             provisoire, puis détruisez ce document. Le mot de passe devra être changé à la \
             première connexion."
                .to_owned(),
        )],
        continued: None,
        columns: CREDENTIAL_COLUMNS.iter().map(|c| c.to_string()).collect(),
        weights: vec![4.0, 4.0, 3.0, 5.0, 4.0],
        rows: sorted
            .into_iter()
            .map(|r| {
                vec![
                    r.family_name.clone(),
                    r.first_name.clone(),
                    r.class.clone(),
                    r.identifier.clone(),
                    r.provisional_password.clone(),
                ]
            })
            .collect(),
    };
    let sections = if rows.is_empty() {
        vec![]
    } else {
        vec![section]
    };
    let mut doc = Document::new(&heading.title, generated_at, Orientation::Portrait)?;
    layout::paged_tables(
        &mut doc,
        &heading,
        &sections,
        "Aucun mot de passe réinitialisé.",
    )?;
    doc.finish()
}
