//! What account holders may do for themselves through e-mailed links (domain.md « Account
//! holders' own page »): recover a forgotten password or identifier with a confirmed address,
//! and, for a guardian known to the school, register without waiting for a letter.

use crate::account::{AccountKind, AccountState, Origin};
use crate::lifecycle::{has_no_local_password, password_login_possible};
use crate::wire::wire_enum;

/// How long an e-mailed link works, in minutes.
pub const LINK_LIFETIME_MINUTES: i64 = 30;

wire_enum! {
    /// What a holder asking for help has forgotten (« Mot de passe oublié » / « Identifiant
    /// oublié »).
    pub enum Forgotten ("ce qui est oublié") {
        /// A link to choose a new password.
        Password = "password",
        /// A reminder of the identifier.
        Identifier = "identifier",
    }
}

/// What an e-mailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    ConfirmEmail,
    ResetPassword,
    Register,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::ConfirmEmail => "confirm_email",
            LinkPurpose::ResetPassword => "reset_password",
            LinkPurpose::Register => "register",
        }
    }
}

/// A forgotten password can be replaced through the confirmed address of an account that
/// logs in with a password held here (never a FranceConnect guardian's: they have none).
pub fn recovery_possible(
    kind: AccountKind,
    state: AccountState,
    origin: Origin,
    email_validated: bool,
) -> bool {
    email_validated && password_login_possible(kind, state, origin)
}

/// A guardian may register themselves while their account is not activated yet, and never
/// over FranceConnect (the FranceConnect exception: such an account has no password here).
pub fn registration_possible(kind: AccountKind, state: AccountState, origin: Origin) -> bool {
    kind == AccountKind::Guardian
        && state != AccountState::Activated
        && !has_no_local_password(kind, origin)
}

/// The account when the registration link is sent: a guardian the school had not notified is
/// « En cours d'activation », of origin « Responsable », until the link is followed; one the
/// school had notified keeps its state and origin (its letter still works).
pub fn on_registration_request(state: AccountState, origin: Origin) -> (AccountState, Origin) {
    match state {
        AccountState::NotNotified => (AccountState::ActivationInProgress, Origin::Guardian),
        other => (other, origin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountState::*;

    #[test]
    fn recovery_needs_a_confirmed_address_and_a_password_here() {
        use AccountKind::*;
        assert!(recovery_possible(
            Student,
            Activated,
            Origin::Establishment,
            true
        ));
        assert!(!recovery_possible(
            Student,
            Activated,
            Origin::Establishment,
            false
        ));
        assert!(!recovery_possible(
            Guardian,
            Activated,
            Origin::FranceConnect,
            true
        ));
        assert!(!recovery_possible(
            Student,
            NotNotified,
            Origin::Unknown,
            true
        ));
    }

    #[test]
    fn only_guardians_not_yet_activated_register_and_never_over_franceconnect() {
        use AccountKind::*;
        assert!(registration_possible(
            Guardian,
            NotNotified,
            Origin::Unknown
        ));
        assert!(registration_possible(
            Guardian,
            NotifiedNotActivated,
            Origin::Establishment
        ));
        assert!(registration_possible(
            Guardian,
            ActivationInProgress,
            Origin::Guardian
        ));
        assert!(!registration_possible(
            Guardian,
            Activated,
            Origin::Establishment
        ));
        assert!(!registration_possible(
            Guardian,
            NotNotified,
            Origin::FranceConnect
        ));
        assert!(!registration_possible(
            Student,
            NotNotified,
            Origin::Unknown
        ));
    }

    #[test]
    fn a_registration_request_starts_the_activation() {
        assert_eq!(
            on_registration_request(NotNotified, Origin::Unknown),
            (ActivationInProgress, Origin::Guardian)
        );
        assert_eq!(
            on_registration_request(NotifiedNotActivated, Origin::Establishment),
            (NotifiedNotActivated, Origin::Establishment)
        );
    }
}
