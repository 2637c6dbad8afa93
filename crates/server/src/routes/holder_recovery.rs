//! The account holders' self-service by e-mail: confirming an address, recovering a forgotten
//! password or identifier, a guardian registering themselves.

use std::net::IpAddr;

use sesame_store::repo::accounts::Account;

use crate::state::AppState;

/// Sends `email` a link confirming it is the holder's. Answers whether a message went out;
/// a failure is logged (never the address) and does not undo what the holder just did.
pub async fn send_email_confirmation(
    _state: &AppState,
    _account: &Account,
    _email: &str,
    _address: Option<IpAddr>,
) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use sesame_api::password_rules::PasswordCheck;
    use sesame_core::password::check_chosen_password;

    /// The page's live rules and the server's verdict agree, so the page never shows every
    /// rule met for a password the server then refuses (or the other way round).
    #[test]
    fn the_pages_rules_agree_with_the_servers() {
        let samples = [
            "",
            "a",
            "Abc1",
            "abcdefgh",
            "ABCDEFGH",
            "12345678",
            "abcdEFGH",
            "abcd1234",
            "abcdEFG1",
            "abcd-efg",
            "Abcd-efg",
            "ÉLÈVE-été",
            "élève123",
            "ÉLÈVE123",
            "Soleil d'automne",
            "pass\tWord1",
            "Ab1-Ab1-",
            "ÀÉÎÕÜàéîõü",
            "日本語のパスワード1A",
            "Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-\
             Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1",
            "Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-\
             Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1-Aa1",
        ];
        for pw in samples {
            assert_eq!(
                PasswordCheck::of(pw).acceptable(),
                check_chosen_password(pw).is_ok(),
                "{pw:?}"
            );
        }
        assert_eq!(
            sesame_api::password_rules::MIN_LENGTH,
            sesame_core::password::MIN_CHOSEN_LENGTH
        );
        assert_eq!(
            sesame_api::password_rules::MAX_LENGTH,
            sesame_core::password::MAX_CHOSEN_LENGTH
        );
    }
}
