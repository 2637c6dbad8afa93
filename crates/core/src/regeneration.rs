//! Regeneration of a national identifier after a name was corrected (domain.md "Regenerate
//! identifier"; seed 001 §8).

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::identifier::{base_of, identifier_base};
use crate::paris::next_paris_midnight;

/// The names one data source (SIECLE, ONDE, AAF…) records for the person.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceNames {
    pub source: String,
    pub family_name: String,
    pub first_name: String,
}

impl SourceNames {
    pub fn new(source: &str, family_name: &str, first_name: &str) -> SourceNames {
        SourceNames {
            source: source.to_owned(),
            family_name: family_name.to_owned(),
            first_name: first_name.to_owned(),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} : {} {}",
            self.source,
            self.family_name.trim(),
            self.first_name.trim()
        )
    }
}

/// Why a new identifier cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegenerationRefusal {
    /// The sources disagree. Each entry names one source and the names it records
    /// (`"SIECLE : DUPONT Céline"`), every source of the person: with two sources nobody can
    /// tell which one is wrong, and the school needs to see all of them to fix the right one.
    #[error("{}", self.message())]
    NamesDiffer { sources: Vec<String> },
    #[error("{}", self.message())]
    Unchanged,
    #[error("{}", self.message())]
    NoSource,
    #[error("{}", self.message())]
    InvalidNames,
}

impl RegenerationRefusal {
    pub fn message(&self) -> String {
        match self {
            RegenerationRefusal::NamesDiffer { sources } => format!(
                "Le nom et le prénom ne sont pas identiques dans toutes les sources de données \
                 ({}) : corrigez la source erronée avant de générer un nouvel identifiant",
                sources.join(" ; ")
            ),
            RegenerationRefusal::Unchanged => {
                "L'identifiant calculé à partir du nom et du prénom est identique à l'identifiant \
                 actuel : aucun nouvel identifiant n'est nécessaire"
                    .to_owned()
            }
            RegenerationRefusal::NoSource => {
                "Aucune source de données ne renseigne le nom et le prénom de cette personne"
                    .to_owned()
            }
            RegenerationRefusal::InvalidNames => {
                "Le nom ou le prénom ne contient aucune lettre utilisable pour un identifiant"
                    .to_owned()
            }
        }
    }
}

/// How names are compared across sources: surrounding and repeated spaces and letter case are
/// formatting (SIECLE records family names in capitals, other sources may not), while accents,
/// hyphens and spelling are the name itself, and a difference there is precisely the
/// disagreement the school must resolve first.
fn comparable(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Checks that a new identifier may be generated and returns its base (`celine.dupont`); the
/// caller draws the number with [`crate::identifier::identifier_candidate`].
pub fn check_regeneration(
    current_identifier: &str,
    sources: &[SourceNames],
) -> Result<String, RegenerationRefusal> {
    let Some(first) = sources.first() else {
        return Err(RegenerationRefusal::NoSource);
    };
    let reference = (
        comparable(&first.family_name),
        comparable(&first.first_name),
    );
    let all_equal = sources
        .iter()
        .all(|s| (comparable(&s.family_name), comparable(&s.first_name)) == reference);
    if !all_equal {
        return Err(RegenerationRefusal::NamesDiffer {
            sources: sources.iter().map(SourceNames::describe).collect(),
        });
    }
    let base = identifier_base(&first.first_name, &first.family_name)
        .map_err(|_| RegenerationRefusal::InvalidNames)?;
    if base == base_of(current_identifier) {
        return Err(RegenerationRefusal::Unchanged);
    }
    Ok(base)
}

/// When a regenerated identifier takes effect: the next midnight in Paris (« disponible le
/// lendemain »), whatever the server's zone and across daylight-saving changes.
pub fn effective_at(now: DateTime<Utc>) -> DateTime<Utc> {
    next_paris_midnight(now)
}

/// Whether a pending identifier change has reached its effective time and should be applied.
pub fn switch_due(pending_effective_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= pending_effective_at
}

/// Which of an account's identifiers a login matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierMatch {
    /// The identifier in force.
    Current,
    /// The regenerated identifier, now in force although the switch was not yet applied.
    Pending,
}

/// Identifiers are lower-case ASCII, so the case people type them in is irrelevant.
fn same_identifier(given: &str, expected: &str) -> bool {
    given.trim().eq_ignore_ascii_case(expected)
}

/// Which identifier a login attempt matches, if any: before the effective time only the current
/// one; from it on only the new one (the password stays the same).
pub fn match_identifier(
    given: &str,
    current: &str,
    pending: Option<(&str, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> Option<IdentifierMatch> {
    match pending {
        Some((new, effective)) if switch_due(effective, now) => {
            same_identifier(given, new).then_some(IdentifierMatch::Pending)
        }
        _ => same_identifier(given, current).then_some(IdentifierMatch::Current),
    }
}

pub fn login_identifier_accepted(
    given: &str,
    current: &str,
    pending: Option<(&str, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> bool {
    match_identifier(given, current, pending, now).is_some()
}

/// The identifier in force at `now`, to display and to print on letters.
pub fn identifier_in_force<'a>(
    current: &'a str,
    pending: Option<(&'a str, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> &'a str {
    match pending {
        Some((new, effective)) if switch_due(effective, now) => new,
        _ => current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn same_names_everywhere_give_the_new_base() {
        let sources = [
            SourceNames::new("SIECLE", "DUPONT", "Céline"),
            SourceNames::new("AAF", "Dupont", "Céline"),
        ];
        assert_eq!(
            check_regeneration("celine.dupond114", &sources),
            Ok("celine.dupont".to_owned())
        );
        // A single source is trivially consistent.
        assert_eq!(
            check_regeneration("celine.dupond114", &sources[..1]),
            Ok("celine.dupont".to_owned())
        );
        // Spacing is formatting, not a different name.
        let spaced = [
            SourceNames::new("SIECLE", "LE GALL", "Anne"),
            SourceNames::new("AAF", "  Le  Gall ", "anne"),
        ];
        assert_eq!(
            check_regeneration("anne.legal3", &spaced),
            Ok("anne.le-gall".to_owned())
        );
    }

    #[test]
    fn differing_sources_are_all_named() {
        let sources = [
            SourceNames::new("SIECLE", "DUPONT", "Céline"),
            SourceNames::new("AAF", "DUPOND", "Céline"),
        ];
        let refusal = check_regeneration("celine.dupond114", &sources).unwrap_err();
        assert_eq!(
            refusal,
            RegenerationRefusal::NamesDiffer {
                sources: vec![
                    "SIECLE : DUPONT Céline".to_owned(),
                    "AAF : DUPOND Céline".to_owned()
                ]
            }
        );
        let message = refusal.message();
        assert!(message.contains("SIECLE : DUPONT Céline"), "{message}");
        assert!(message.contains("AAF : DUPOND Céline"), "{message}");
        assert_eq!(refusal.to_string(), message);
    }

    #[test]
    fn first_names_and_accents_count_as_differences() {
        let first_name_differs = [
            SourceNames::new("SIECLE", "DUPONT", "Céline"),
            SourceNames::new("AAF", "DUPONT", "Celine"),
        ];
        assert!(matches!(
            check_regeneration("x.y1", &first_name_differs),
            Err(RegenerationRefusal::NamesDiffer { .. })
        ));
        let hyphen_differs = [
            SourceNames::new("SIECLE", "LE GALL", "Anne"),
            SourceNames::new("ONDE", "LE-GALL", "Anne"),
            SourceNames::new("AAF", "LE GALL", "Anne"),
        ];
        let Err(RegenerationRefusal::NamesDiffer { sources }) =
            check_regeneration("anne.legall1", &hyphen_differs)
        else {
            panic!("expected a refusal");
        };
        assert_eq!(sources.len(), 3);
        assert_eq!(sources[1], "ONDE : LE-GALL Anne");
    }

    #[test]
    fn unchanged_identifier_is_refused() {
        let sources = [SourceNames::new("SIECLE", "DUPONT", "Céline")];
        assert_eq!(
            check_regeneration("celine.dupont114", &sources),
            Err(RegenerationRefusal::Unchanged)
        );
        assert!(RegenerationRefusal::Unchanged
            .message()
            .contains("identique à l'identifiant actuel"));
    }

    #[test]
    fn no_source_and_unusable_names_are_refused() {
        assert_eq!(
            check_regeneration("celine.dupont114", &[]),
            Err(RegenerationRefusal::NoSource)
        );
        assert_eq!(
            check_regeneration(
                "celine.dupont114",
                &[SourceNames::new("SIECLE", "123", "Céline")]
            ),
            Err(RegenerationRefusal::InvalidNames)
        );
    }

    #[test]
    fn effective_at_is_the_next_paris_midnight() {
        // Winter (UTC+1).
        assert_eq!(
            effective_at(utc("2026-01-14T10:00:00Z")),
            utc("2026-01-14T23:00:00Z")
        );
        // Just before and at Paris midnight.
        assert_eq!(
            effective_at(utc("2026-01-14T22:59:59Z")),
            utc("2026-01-14T23:00:00Z")
        );
        assert_eq!(
            effective_at(utc("2026-01-14T23:00:00Z")),
            utc("2026-01-15T23:00:00Z")
        );
        // Summer (UTC+2).
        assert_eq!(
            effective_at(utc("2026-07-14T10:00:00Z")),
            utc("2026-07-14T22:00:00Z")
        );
    }

    #[test]
    fn effective_at_across_the_spring_change() {
        // Clocks go forward on Sunday 29 March 2026 at 02:00 Paris (01:00 UTC).
        // Saturday noon: next midnight is the start of the 29th, still in winter time.
        assert_eq!(
            effective_at(utc("2026-03-28T12:00:00Z")),
            utc("2026-03-28T23:00:00Z")
        );
        // 23:30 UTC on the 28th is already 00:30 on the 29th in Paris: next midnight is the
        // start of the 30th, in summer time.
        assert_eq!(
            effective_at(utc("2026-03-28T23:30:00Z")),
            utc("2026-03-29T22:00:00Z")
        );
        // During the short 29th (23 hours).
        assert_eq!(
            effective_at(utc("2026-03-29T01:30:00Z")),
            utc("2026-03-29T22:00:00Z")
        );
    }

    #[test]
    fn effective_at_across_the_autumn_change() {
        // Clocks go back on Sunday 25 October 2026 at 03:00 Paris (01:00 UTC).
        assert_eq!(
            effective_at(utc("2026-10-24T12:00:00Z")),
            utc("2026-10-24T22:00:00Z")
        );
        // 22:30 UTC on the 24th is 00:30 on the 25th (summer time); the long 25th (25 hours)
        // ends at midnight winter time.
        assert_eq!(
            effective_at(utc("2026-10-24T22:30:00Z")),
            utc("2026-10-25T23:00:00Z")
        );
        // Inside the repeated hour 02:00–03:00.
        assert_eq!(
            effective_at(utc("2026-10-25T00:30:00Z")),
            utc("2026-10-25T23:00:00Z")
        );
        assert_eq!(
            effective_at(utc("2026-10-25T01:30:00Z")),
            utc("2026-10-25T23:00:00Z")
        );
    }

    #[test]
    fn old_identifier_works_until_the_switch_then_only_the_new_one() {
        let requested = utc("2026-05-11T14:00:00Z");
        let effective = effective_at(requested);
        assert_eq!(effective, utc("2026-05-11T22:00:00Z"));
        let pending = Some(("celine.dupont37", effective));

        let before = utc("2026-05-11T21:59:59Z");
        assert!(login_identifier_accepted(
            "celine.dupond114",
            "celine.dupond114",
            pending,
            before
        ));
        assert!(!login_identifier_accepted(
            "celine.dupont37",
            "celine.dupond114",
            pending,
            before
        ));
        assert!(!switch_due(effective, before));
        assert_eq!(
            identifier_in_force("celine.dupond114", pending, before),
            "celine.dupond114"
        );

        for after in [effective, utc("2026-06-01T08:00:00Z")] {
            assert!(switch_due(effective, after));
            assert_eq!(
                match_identifier("celine.dupont37", "celine.dupond114", pending, after),
                Some(IdentifierMatch::Pending)
            );
            assert!(!login_identifier_accepted(
                "celine.dupond114",
                "celine.dupond114",
                pending,
                after
            ));
            assert_eq!(
                identifier_in_force("celine.dupond114", pending, after),
                "celine.dupont37"
            );
        }
    }

    #[test]
    fn without_pending_change_only_the_current_identifier_works() {
        let now = utc("2026-05-11T14:00:00Z");
        assert_eq!(
            match_identifier(" Celine.Dupont114 ", "celine.dupont114", None, now),
            Some(IdentifierMatch::Current)
        );
        assert!(!login_identifier_accepted(
            "celine.dupont115",
            "celine.dupont114",
            None,
            now
        ));
        assert!(!login_identifier_accepted(
            "",
            "celine.dupont114",
            None,
            now
        ));
    }
}
