//! The rules of a password an account holder chooses, as the holders' page shows them while
//! the password is typed. The server's verdict is `sesame_core::password::check_chosen_password`
//! (the SPA cannot link the domain crate: it draws the OS random generator); the server's tests
//! check that both agree, so the page never ticks every rule for a password the server refuses.

/// Fewest characters (`sesame_core::password::MIN_CHOSEN_LENGTH`).
pub const MIN_LENGTH: usize = 8;
/// Most characters (`sesame_core::password::MAX_CHOSEN_LENGTH`).
pub const MAX_LENGTH: usize = 128;
/// How many of the four kinds of characters must be mixed.
pub const MIN_KINDS: usize = 3;

/// What a password has, rule by rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PasswordCheck {
    pub length: usize,
    pub lower: bool,
    pub upper: bool,
    pub digit: bool,
    pub other: bool,
    pub control: bool,
}

impl PasswordCheck {
    pub fn of(password: &str) -> PasswordCheck {
        PasswordCheck {
            length: password.chars().count(),
            // Accented letters count as letters of their case, as on the server.
            lower: password.chars().any(char::is_lowercase),
            upper: password.chars().any(char::is_uppercase),
            digit: password.chars().any(|c| c.is_ascii_digit()),
            other: password.chars().any(|c| !c.is_alphanumeric()),
            control: password.chars().any(char::is_control),
        }
    }

    pub fn long_enough(&self) -> bool {
        self.length >= MIN_LENGTH
    }

    pub fn not_too_long(&self) -> bool {
        self.length <= MAX_LENGTH
    }

    /// How many of lower case, upper case, digits and other characters it mixes.
    pub fn kinds(&self) -> usize {
        [self.lower, self.upper, self.digit, self.other]
            .iter()
            .filter(|&&k| k)
            .count()
    }

    pub fn mixed_enough(&self) -> bool {
        self.kinds() >= MIN_KINDS
    }

    /// Every rule is met: the server will take it.
    pub fn acceptable(&self) -> bool {
        self.long_enough() && self.not_too_long() && !self.control && self.mixed_enough()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_checked_one_by_one() {
        let c = PasswordCheck::of("abc");
        assert!(!c.long_enough() && c.lower && !c.upper && c.kinds() == 1);
        let c = PasswordCheck::of("Soleil-2026");
        assert!(c.long_enough() && c.lower && c.upper && c.digit && c.other);
        assert!(c.acceptable());
        assert!(!PasswordCheck::of("soleildautomne").acceptable());
        assert!(PasswordCheck::of("Élève-été1").acceptable());
        assert!(!PasswordCheck::of(&"Aa1".repeat(50)).acceptable());
        assert!(!PasswordCheck::of("Abc\u{7}defg1").acceptable());
    }
}
