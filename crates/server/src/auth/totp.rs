//! RFC 6238 time-based one-time codes (30 s steps, 6 digits, SHA-1: what authenticator apps
//! use), accepting one step of clock drift either way.

use totp_rs::{Algorithm, Secret, TOTP};

pub const STEP_SECS: u64 = 30;
pub const DIGITS: usize = 6;

pub fn totp_for(secret_base32: &str, issuer: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.trim().replace(' ', "").to_uppercase())
        .to_bytes()
        .ok()?;
    // `new_unchecked`: secrets enrolled elsewhere (e.g. the demo's 80-bit one) may be shorter
    // than the 128 bits `new` insists on; RFC 4226 only requires 128 bits as a recommendation.
    Some(TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECS,
        bytes,
        Some(issuer.to_owned()),
        account.to_owned(),
    ))
}

/// The time step whose code equals `code` within ±1 step of `unix_time`, if any. The caller
/// records that step so the same code cannot be used twice.
pub fn matching_step(totp: &TOTP, code: &str, unix_time: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = unix_time / STEP_SECS;
    [step, step.saturating_sub(1), step + 1]
        .into_iter()
        .find(|s| constant_time_eq(totp.generate(s * STEP_SECS).as_bytes(), code.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new random 160-bit secret, base32 (what authenticator apps expect).
pub fn generate_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded returns the encoded form"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 column, secret "12345678901234567890", truncated to 6 digits.
    #[test]
    fn rfc6238_test_vectors() {
        let secret = base32_of(b"12345678901234567890");
        let totp = totp_for(&secret, "Sésame", "test").unwrap();
        for (t, code8) in [
            (59u64, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(totp.generate(t), code8[2..], "t={t}");
        }
    }

    #[test]
    fn codes_match_within_one_step_only() {
        let totp = totp_for("JBSWY3DPEHPK3PXP", "Sésame", "principal").unwrap();
        let t = 1_700_000_000u64;
        let code = totp.generate(t);
        assert_eq!(matching_step(&totp, &code, t), Some(t / 30));
        assert_eq!(matching_step(&totp, &code, t + 30), Some(t / 30));
        assert_eq!(matching_step(&totp, &code, t - 30), Some(t / 30));
        assert_eq!(matching_step(&totp, &code, t + 90), None);
        assert_eq!(matching_step(&totp, "12345", t), None);
        assert_eq!(matching_step(&totp, "abcdef", t), None);
    }

    fn base32_of(bytes: &[u8]) -> String {
        match Secret::Raw(bytes.to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        }
    }
}
