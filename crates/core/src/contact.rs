//! Contact data Sésame owns ("Modifier le compte", ENT user creation): the shapes accepted.

/// A plausible email address: one `@`, a dotted domain, no spaces or angle brackets, within
/// the RFC 5321 lengths. Deliverability is the owner's confirmation, not this check.
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// A phone number as people write it: 6 to 20 digits with spaces, `+`, dots, dashes or
/// parentheses between them.
pub fn valid_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-' | '(' | ')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked() {
        assert!(valid_email("parent@example.org"));
        assert!(!valid_email("parent@"));
        assert!(!valid_email("no-at.example.org"));
        assert!(!valid_email("a b@example.org"));
        assert!(!valid_email("a@b@example.org"));
        assert!(!valid_email("a@example."));
        assert!(!valid_email("<a@example.org>"));
    }

    #[test]
    fn phones_are_checked() {
        assert!(valid_phone("06 12 34 56 78"));
        assert!(valid_phone("+33 6 12 34 56 78"));
        assert!(!valid_phone("call me"));
        assert!(!valid_phone("12"));
    }
}
