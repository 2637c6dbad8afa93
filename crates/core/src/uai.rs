//! UAI ("unité administrative immatriculée"): the national establishment code, 7 digits and a
//! check letter, e.g. `0450750W`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The 23 check letters; I, O and Q are absent because they read like 1, 0 and O.
const CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// A validated UAI, always stored as 7 digits and an upper-case check letter.
///
/// It (de)serialises as the plain string and refuses invalid codes on the way in, so a `Uai`
/// that exists is always valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uai(String);

/// Why a string is not a UAI.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UaiError {
    #[error("Le code UAI doit comporter 7 chiffres suivis d'une lettre")]
    Format,
    #[error("La lettre clé de l'UAI est incorrecte (attendue : {expected})")]
    CheckLetter { expected: char },
}

impl Uai {
    /// Accepts surrounding spaces and a lower-case letter, since codes are often typed by hand.
    pub fn parse(s: &str) -> Result<Uai, UaiError> {
        let s = s.trim();
        let bytes = s.as_bytes();
        if bytes.len() != 8
            || !bytes[..7].iter().all(u8::is_ascii_digit)
            || !bytes[7].is_ascii_alphabetic()
        {
            return Err(UaiError::Format);
        }
        let number: u32 = s[..7].parse().map_err(|_| UaiError::Format)?;
        let given = bytes[7].to_ascii_uppercase() as char;
        let expected = Uai::check_letter(number);
        if given != expected {
            return Err(UaiError::CheckLetter { expected });
        }
        Ok(Uai(format!("{}{}", &s[..7], given)))
    }

    /// The check letter of a 7-digit establishment number.
    pub fn check_letter(number: u32) -> char {
        CHECK_LETTERS[(number % 23) as usize] as char
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check letter of a 7-digit establishment number (same as [`Uai::check_letter`]).
pub fn check_letter(number: u32) -> char {
    Uai::check_letter(number)
}

impl fmt::Display for Uai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uai {
    type Err = UaiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uai::parse(s)
    }
}

impl TryFrom<String> for Uai {
    type Error = UaiError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Uai::parse(&s)
    }
}

impl From<Uai> for String {
    fn from(uai: Uai) -> String {
        uai.0
    }
}

impl AsRef<str> for Uai {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_establishment_is_valid() {
        // 450750 = 23 × 19597 + 19, and the 20th letter of the table is W.
        assert_eq!(450_750 % 23, 19);
        assert_eq!(Uai::check_letter(450_750), 'W');
        assert_eq!(Uai::parse("0450750W").unwrap().as_str(), "0450750W");
    }

    #[test]
    fn check_letters_follow_the_table() {
        assert_eq!(check_letter(0), 'A');
        assert_eq!(Uai::check_letter(8), 'J'); // I is skipped
        assert_eq!(Uai::check_letter(13), 'P'); // O is skipped
        assert_eq!(Uai::check_letter(14), 'R'); // Q is skipped
        assert_eq!(Uai::check_letter(22), 'Z');
        assert_eq!(Uai::check_letter(23), 'A');
        assert_eq!(Uai::check_letter(9_999_999), 'P'); // 9999999 % 23 = 13
        assert!(Uai::parse("0000000A").is_ok());
        assert!(Uai::parse("0000022Z").is_ok());
        assert!(Uai::parse("9999999P").is_ok());
    }

    #[test]
    fn input_is_trimmed_and_upper_cased() {
        let uai = Uai::parse("  0450750w \n").unwrap();
        assert_eq!(uai.as_str(), "0450750W");
        assert_eq!(uai.to_string(), "0450750W");
    }

    #[test]
    fn wrong_check_letter_names_the_expected_one() {
        let err = Uai::parse("0450750X").unwrap_err();
        assert_eq!(err, UaiError::CheckLetter { expected: 'W' });
        assert_eq!(
            err.to_string(),
            "La lettre clé de l'UAI est incorrecte (attendue : W)"
        );
        // Letters missing from the table can never be right.
        assert!(matches!(
            Uai::parse("0450750I"),
            Err(UaiError::CheckLetter { .. })
        ));
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "0450750",
            "450750W",
            "00450750W",
            "0450750WW",
            "04507a0W",
            "04507 0W",
            "04507500",
            "０450750W",
            "0450750É",
        ] {
            assert_eq!(Uai::parse(bad), Err(UaiError::Format), "{bad:?}");
        }
        assert_eq!(
            UaiError::Format.to_string(),
            "Le code UAI doit comporter 7 chiffres suivis d'une lettre"
        );
    }

    #[test]
    fn serde_is_the_plain_string_and_validates() {
        let uai = Uai::parse("0450750W").unwrap();
        assert_eq!(serde_json::to_string(&uai).unwrap(), "\"0450750W\"");
        let back: Uai = serde_json::from_str("\"0450750w\"").unwrap();
        assert_eq!(back, uai);
        assert!(serde_json::from_str::<Uai>("\"0450750A\"").is_err());
    }
}
