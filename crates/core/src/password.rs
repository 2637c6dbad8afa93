//! Provisional passwords handed out by establishments, and the policy for passwords the account
//! holders choose themselves.

use rand::rngs::OsRng;
use rand::{CryptoRng, Rng, RngCore};
use thiserror::Error;

/// Upper-case letters and digits without the look-alikes 0/O, 1/I/L: these passwords are read
/// off paper or a screen and typed by children and parents.
pub const PROVISIONAL_ALPHABET: &str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Length of a provisional password (8 × log2(31) ≈ 39.6 bits, enough for a password that must
/// be replaced at first login).
pub const PROVISIONAL_LENGTH: usize = 8;

/// A fresh provisional password. The bound asks for a cryptographically secure generator
/// because the password is a credential.
pub fn generate_provisional<R: RngCore + CryptoRng>(rng: &mut R) -> String {
    let alphabet = PROVISIONAL_ALPHABET.as_bytes();
    // gen_range samples without modulo bias, so every character is equally likely.
    (0..PROVISIONAL_LENGTH)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// A fresh provisional password from the operating system's generator.
pub fn generate_provisional_os() -> String {
    generate_provisional(&mut OsRng)
}

/// Whether a string could be a provisional password (used to tell the holder "this looks like
/// your provisional password" and to validate imports of existing credentials).
pub fn is_provisional_shaped(s: &str) -> bool {
    s.len() == PROVISIONAL_LENGTH && s.chars().all(|c| PROVISIONAL_ALPHABET.contains(c))
}

/// Minimum length of a chosen password.
pub const MIN_CHOSEN_LENGTH: usize = 8;
/// Maximum length, in characters: beyond it hashing costs grow for no security gain, and a
/// cap stops a megabyte "password" from tying up the hasher.
pub const MAX_CHOSEN_LENGTH: usize = 128;
/// How many of the four character classes a chosen password must mix.
pub const MIN_CHARACTER_CLASSES: usize = 3;

/// Why a chosen password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PasswordPolicyError {
    #[error("Le mot de passe doit comporter au moins {min} caractères")]
    TooShort { min: usize },
    #[error("Le mot de passe ne doit pas dépasser {max} caractères")]
    TooLong { max: usize },
    #[error(
        "Le mot de passe doit contenir au moins trois types de caractères parmi : minuscules, \
         majuscules, chiffres et caractères spéciaux"
    )]
    TooSimple,
    #[error("Le mot de passe ne doit pas contenir de caractères de contrôle")]
    ControlCharacter,
}

/// The policy for passwords account holders choose, modelled on ÉduConnect's: at least 8
/// characters mixing at least 3 of lower case, upper case, digits and other characters.
/// Accented letters count as letters of their case, so French words are not penalised.
pub fn check_chosen_password(pw: &str) -> Result<(), PasswordPolicyError> {
    let length = pw.chars().count();
    if length < MIN_CHOSEN_LENGTH {
        return Err(PasswordPolicyError::TooShort {
            min: MIN_CHOSEN_LENGTH,
        });
    }
    if length > MAX_CHOSEN_LENGTH {
        return Err(PasswordPolicyError::TooLong {
            max: MAX_CHOSEN_LENGTH,
        });
    }
    // Control characters cannot be typed back reliably on another device.
    if pw.chars().any(char::is_control) {
        return Err(PasswordPolicyError::ControlCharacter);
    }
    let classes = [
        pw.chars().any(char::is_lowercase),
        pw.chars().any(char::is_uppercase),
        pw.chars().any(|c| c.is_ascii_digit()),
        pw.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|&&present| present).count() < MIN_CHARACTER_CLASSES {
        return Err(PasswordPolicyError::TooSimple);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn alphabet_has_no_look_alikes() {
        for c in ['0', 'O', '1', 'I', 'L'] {
            assert!(!PROVISIONAL_ALPHABET.contains(c), "{c}");
        }
        assert_eq!(PROVISIONAL_ALPHABET.len(), 31);
        assert!(PROVISIONAL_ALPHABET
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    }

    #[test]
    fn generated_passwords_are_shaped_and_vary() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = generate_provisional(&mut rng);
        let b = generate_provisional(&mut rng);
        assert!(is_provisional_shaped(&a) && is_provisional_shaped(&b));
        assert_ne!(a, b);
        let os = generate_provisional_os();
        assert!(is_provisional_shaped(&os), "{os}");
    }

    #[test]
    fn every_character_is_reachable_and_roughly_uniform() {
        let mut rng = StdRng::seed_from_u64(42);
        let mut counts = [0usize; 31];
        let samples = 4_000; // 32 000 characters, about 1 032 per symbol
        for _ in 0..samples {
            for c in generate_provisional(&mut rng).chars() {
                counts[PROVISIONAL_ALPHABET.find(c).unwrap()] += 1;
            }
        }
        let expected = samples * PROVISIONAL_LENGTH / 31;
        for (i, n) in counts.iter().enumerate() {
            assert!(
                n * 10 > expected * 8 && n * 10 < expected * 12,
                "symbol {i} drawn {n} times, expected about {expected}"
            );
        }
    }

    #[test]
    fn provisional_shape() {
        assert!(is_provisional_shaped("PT4HUMM2"));
        assert!(is_provisional_shaped("GMCB9EBM"));
        assert!(is_provisional_shaped("Q95SME8N"));
        assert!(!is_provisional_shaped("PT4HUMM"));
        assert!(!is_provisional_shaped("PT4HUMM22"));
        assert!(!is_provisional_shaped("pt4humm2"));
        assert!(!is_provisional_shaped("PT4HUMM0"));
        assert!(!is_provisional_shaped("PT4HUML2"));
        assert!(!is_provisional_shaped("PT4HUMÉ2"));
    }

    #[test]
    fn chosen_password_policy() {
        assert_eq!(
            check_chosen_password("Ab1!"),
            Err(PasswordPolicyError::TooShort { min: 8 })
        );
        assert_eq!(
            check_chosen_password("abcdefgh"),
            Err(PasswordPolicyError::TooSimple)
        );
        assert_eq!(
            check_chosen_password("abcdEFGH"),
            Err(PasswordPolicyError::TooSimple)
        );
        assert_eq!(
            check_chosen_password("12345678"),
            Err(PasswordPolicyError::TooSimple)
        );
        assert_eq!(check_chosen_password("abcdEFG1"), Ok(()));
        assert_eq!(check_chosen_password("abcd efg1"), Ok(()));
        assert_eq!(check_chosen_password("ÉCOLEété7"), Ok(()));
        assert_eq!(
            check_chosen_password("PT4HUMM2"),
            Err(PasswordPolicyError::TooSimple)
        );
        // Length counts characters, not bytes.
        assert_eq!(
            check_chosen_password("éÉ1éÉ1é"),
            Err(PasswordPolicyError::TooShort { min: 8 })
        );
        assert_eq!(
            check_chosen_password(&format!("Aa1{}", "x".repeat(126))),
            Err(PasswordPolicyError::TooLong { max: 128 })
        );
        assert_eq!(
            check_chosen_password(&format!("Aa1{}", "x".repeat(125))),
            Ok(())
        );
        assert_eq!(
            check_chosen_password("abcdEFG1\n"),
            Err(PasswordPolicyError::ControlCharacter)
        );
        assert_eq!(
            PasswordPolicyError::TooShort { min: 8 }.to_string(),
            "Le mot de passe doit comporter au moins 8 caractères"
        );
    }
}
