//! "Lister les comptes": the list of a selection of accounts, as a PDF grouped by class for
//! handing out, or as a CSV for spreadsheets (seed 001 §3.3, §5.3).

use chrono::{DateTime, Utc};
use sesame_core::csv_cell::{fr_date_opt, fr_date_time};
use sesame_core::list_columns::{csv_columns, pdf_columns};
use sesame_core::{list_password_cell, AccountKind};

use crate::layout::{self, PageHeading, Section, Style};
use crate::pdf::{Document, Orientation};
use crate::sorting::human_cmp;
use crate::{csv, population, DocumentError, EstablishmentInfo, ListRow};

fn password_cell(row: &ListRow) -> String {
    list_password_cell(row.state, row.provisional_password.as_deref())
}

/// The CSV list, rows in the order given (the order the user sorted the search by), in core's
/// column order.
pub fn list_csv(est: &EstablishmentInfo, kind: AccountKind, rows: &[ListRow]) -> Vec<u8> {
    let lines = rows.iter().map(|row| {
        let guardian = kind == AccountKind::Guardian;
        let mut cells: Vec<&str> = Vec::with_capacity(14);
        let password = password_cell(row);
        let notified = fr_date_opt(row.notified_at);
        let last_login = fr_date_opt(row.last_login_at);
        cells.extend([
            est.uai.as_str(),
            &est.name,
            &row.student_family_name,
            &row.student_first_name,
            &row.mef,
            &row.class,
        ]);
        if guardian {
            cells.push(row.guardian_family_name.as_deref().unwrap_or_default());
            cells.push(row.guardian_first_name.as_deref().unwrap_or_default());
        }
        cells.push(row.state.list_label());
        if guardian {
            cells.push(row.origin.list_label());
        }
        cells.extend([row.identifier.as_str(), &password, &notified, &last_login]);
        cells
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<String>>()
    });
    csv::document(csv_columns(kind), lines)
}

/// The PDF list, generated now.
pub fn list_pdf(
    est: &EstablishmentInfo,
    kind: AccountKind,
    rows: &[ListRow],
) -> Result<Vec<u8>, DocumentError> {
    list_pdf_at(est, kind, rows, Utc::now())
}

/// The PDF list: one section a class (each starting on a new page, so a teacher can be given
/// their class), headed by the class and its MEF, rows sorted by name.
pub fn list_pdf_at(
    est: &EstablishmentInfo,
    kind: AccountKind,
    rows: &[ListRow],
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, DocumentError> {
    let title = format!("Liste des comptes {} — {}", population(kind), est.name);
    let heading = PageHeading {
        context: format!(
            "UAI {} · Document généré le {}",
            est.uai,
            fr_date_time(generated_at)
        ),
        title,
    };

    let mut sorted: Vec<&ListRow> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        human_cmp(&a.class, &b.class)
            .then_with(|| human_cmp(&a.student_family_name, &b.student_family_name))
            .then_with(|| human_cmp(&a.student_first_name, &b.student_first_name))
            .then_with(|| cmp_opt(&a.guardian_family_name, &b.guardian_family_name))
            .then_with(|| cmp_opt(&a.guardian_first_name, &b.guardian_first_name))
            .then_with(|| human_cmp(&a.identifier, &b.identifier))
    });

    let columns: Vec<String> = pdf_columns(kind).iter().map(|c| c.to_string()).collect();
    let weights = match kind {
        AccountKind::Student => vec![4.0, 4.0, 5.0, 6.0, 4.0],
        AccountKind::Guardian => vec![3.0, 3.0, 4.0, 4.0, 4.0, 5.0, 3.0],
    };
    let sections: Vec<Section> = sorted
        .chunk_by(|a, b| a.class == b.class)
        .map(|group| {
            let class = class_title(&group[0].class);
            let mut section_heading = vec![(Style::bold(12.0), class.clone())];
            let mef = mef_labels(group);
            if !mef.is_empty() {
                section_heading.push((Style::regular(10.0), mef));
            }
            Section {
                heading: section_heading,
                continued: Some(format!("{class} (suite)")),
                columns: columns.clone(),
                weights: weights.clone(),
                rows: group.iter().map(|row| pdf_cells(kind, row)).collect(),
            }
        })
        .collect();

    // Seven columns do not fit a portrait page without cutting words.
    let orientation = match kind {
        AccountKind::Student => Orientation::Portrait,
        AccountKind::Guardian => Orientation::Landscape,
    };
    let mut doc = Document::new(&heading.title, generated_at, orientation)?;
    layout::paged_tables(&mut doc, &heading, &sections, "Aucun compte sélectionné.")?;
    doc.finish()
}

fn pdf_cells(kind: AccountKind, row: &ListRow) -> Vec<String> {
    let mut cells = vec![
        row.student_family_name.clone(),
        row.student_first_name.clone(),
    ];
    if kind == AccountKind::Guardian {
        cells.push(row.guardian_family_name.clone().unwrap_or_default());
        cells.push(row.guardian_first_name.clone().unwrap_or_default());
    }
    cells.push(row.state.list_label().to_owned());
    cells.push(row.identifier.clone());
    cells.push(password_cell(row));
    cells
}

fn class_title(class: &str) -> String {
    if class.trim().is_empty() {
        "Sans classe".to_owned()
    } else {
        class.to_owned()
    }
}

/// The MEF long label(s) of a class; a class mixing MEFs lists each once.
fn mef_labels(group: &[&ListRow]) -> String {
    let mut labels: Vec<&str> = Vec::new();
    for row in group {
        let label = if row.mef_label.trim().is_empty() {
            row.mef.as_str()
        } else {
            row.mef_label.as_str()
        };
        if !label.trim().is_empty() && !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels.join(" / ")
}

fn cmp_opt(a: &Option<String>, b: &Option<String>) -> std::cmp::Ordering {
    human_cmp(a.as_deref().unwrap_or(""), b.as_deref().unwrap_or(""))
}
