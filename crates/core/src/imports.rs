//! Rules imports obey whatever the format: how many pupils a file may mark as left without
//! the administrator confirming it, and how large an establishment's structure may be.
//!
//! A management system's export that lists only a few pupils (a partial extraction, the wrong
//! file, a one-line CSV) reads as "everyone else has left". Marking a whole roster as left is
//! reversible, but it blocks every account listing and letter until the next good import, so
//! such an import needs an explicit confirmation.

use crate::wire::wire_enum;

wire_enum! {
    /// Where an import's files come from, as the import endpoint's `source` names it.
    pub enum ImportSource ("la source d'import") {
        /// SIECLE's XML exports (collèges and lycées).
        Siecle = "siecle",
        /// ONDE's CSV export (primary schools).
        Onde = "onde",
        /// Sésame's own CSV template.
        Csv = "csv",
    }
}

wire_enum! {
    /// What an import does to one person of its report.
    pub enum ImportAction ("l'action d'import") {
        Create = "create",
        Update = "update",
        Leave = "leave",
    }
}

impl ImportAction {
    /// As the import report's table shows it.
    pub fn label(&self) -> &'static str {
        match self {
            ImportAction::Create => "Création",
            ImportAction::Update => "Mise à jour",
            ImportAction::Leave => "Sortie",
        }
    }
}

/// Above this share of the current pupils (in percent), marking pupils as left needs a
/// confirmation…
pub const MASS_LEAVE_PERCENT: u64 = 10;
/// …and above this number: in a small school a handful of departures is ordinary.
pub const MASS_LEAVE_MIN: u64 = 5;

/// True when marking `leaving` pupils as left, out of `current` pupils not yet left, needs
/// the administrator's confirmation: more than 10 % of them and more than 5.
pub fn mass_leave_needs_confirmation(current: u64, leaving: u64) -> bool {
    // leaving / current > 10 %, without division (current may be 0) nor overflow.
    leaving > MASS_LEAVE_MIN
        && u128::from(leaving) * 100 > u128::from(current) * u128::from(MASS_LEAVE_PERCENT)
}

/// What the administrator reads when the guard applies. It names no way to confirm: the
/// console asks in a dialog, the API and the command line add their own parameter.
pub fn mass_leave_message(current: u64, leaving: u64) -> String {
    format!(
        "Cet import marquerait {leaving} élève{} sur {current} comme sorti{} de l'établissement : \
         vérifiez que l'export est complet avant de confirmer ces sorties.",
        plural(leaving),
        plural(leaving)
    )
}

fn plural(n: u64) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// Distinct divisions, groups or MEFs an import may create in one establishment. The largest
/// lycées have a few hundred divisions and MEFs; a file with more is not a school's export
/// (generated, concatenated, or hostile), and refusing it early keeps an import from
/// creating hundreds of thousands of structure rows.
pub const MAX_STRUCTURE_CODES: usize = 5_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_report_names_its_actions_and_sources_by_their_wire_names() {
        assert_eq!(ImportAction::Leave.label(), "Sortie");
        assert_eq!(
            serde_json::to_string(&ImportAction::Create).unwrap(),
            "\"create\""
        );
        assert_eq!(ImportSource::parse("onde"), Some(ImportSource::Onde));
        assert_eq!(ImportSource::parse("sesame"), None);
    }

    #[test]
    fn a_few_departures_pass() {
        // Five is never enough, whatever the share.
        assert!(!mass_leave_needs_confirmation(5, 5));
        assert!(!mass_leave_needs_confirmation(0, 5));
        // 10 % exactly passes; one more does not.
        assert!(!mass_leave_needs_confirmation(600, 60));
        assert!(mass_leave_needs_confirmation(600, 61));
        assert!(!mass_leave_needs_confirmation(100, 0));
    }

    #[test]
    fn a_roster_wipe_needs_confirmation() {
        assert!(mass_leave_needs_confirmation(601, 600));
        assert!(mass_leave_needs_confirmation(496, 494));
        assert!(mass_leave_needs_confirmation(6, 6));
        assert!(mass_leave_needs_confirmation(0, 6));
        assert!(!mass_leave_needs_confirmation(u64::MAX, 6));
        assert!(mass_leave_needs_confirmation(u64::MAX, u64::MAX));
    }

    #[test]
    fn the_message_says_how_many() {
        assert_eq!(
            mass_leave_message(601, 600),
            "Cet import marquerait 600 élèves sur 601 comme sortis de l'établissement : \
             vérifiez que l'export est complet avant de confirmer ces sorties."
        );
        assert!(mass_leave_message(8, 1).contains("1 élève sur 8 comme sorti de"));
    }
}
