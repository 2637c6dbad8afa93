//! The column headers of account lists (domain.md "Lists"; seed 001 §3.3, §5.3), in order.

use crate::account::AccountKind;

pub const STUDENT_CSV_COLUMNS: [&str; 11] = [
    "UAI",
    "Établissement",
    "Nom élève",
    "Prénom élève",
    "MEF",
    "Classe",
    "État du compte",
    "Identifiant",
    "Mot de passe",
    "Date de notification",
    "Date de dernière connexion",
];

pub const GUARDIAN_CSV_COLUMNS: [&str; 14] = [
    "UAI",
    "Établissement",
    "Nom élève",
    "Prénom élève",
    "MEF",
    "Classe",
    "Nom responsable",
    "Prénom responsable",
    "État du compte",
    "Origine du compte",
    "Identifiant",
    "Mot de passe",
    "Date de notification",
    "Date de dernière connexion",
];

/// PDF lists are grouped by class, so class and MEF head each group instead of being columns.
pub const STUDENT_PDF_COLUMNS: [&str; 5] = [
    "Nom élève",
    "Prénom élève",
    "État du compte",
    "Identifiant",
    "Mot de passe",
];

pub const GUARDIAN_PDF_COLUMNS: [&str; 7] = [
    "Nom élève",
    "Prénom élève",
    "Nom responsable",
    "Prénom responsable",
    "État du compte",
    "Identifiant",
    "Mot de passe",
];

pub fn csv_columns(kind: AccountKind) -> &'static [&'static str] {
    match kind {
        AccountKind::Student => &STUDENT_CSV_COLUMNS,
        AccountKind::Guardian => &GUARDIAN_CSV_COLUMNS,
    }
}

pub fn pdf_columns(kind: AccountKind) -> &'static [&'static str] {
    match kind {
        AccountKind::Student => &STUDENT_PDF_COLUMNS,
        AccountKind::Guardian => &GUARDIAN_PDF_COLUMNS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guardian_columns_insert_the_guardian_and_origin() {
        assert_eq!(csv_columns(AccountKind::Student).len(), 11);
        assert_eq!(csv_columns(AccountKind::Guardian).len(), 14);
        assert_eq!(GUARDIAN_CSV_COLUMNS[..6], STUDENT_CSV_COLUMNS[..6]);
        assert_eq!(GUARDIAN_CSV_COLUMNS[9], "Origine du compte");
        assert_eq!(GUARDIAN_CSV_COLUMNS[10..], STUDENT_CSV_COLUMNS[7..]);
        assert_eq!(pdf_columns(AccountKind::Guardian)[2], "Nom responsable");
    }
}
