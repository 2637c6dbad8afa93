//! The account state machine: (re)notification, password reset, activation, and what lists may
//! show of a password (domain.md "Rules"; seed 001 §3.2–3.4, §5.2–5.4).
//!
//! These functions only decide; the caller applies a [`Transition`] (generating the password,
//! stamping dates) inside the same database transaction as everything else of the operation.

use thiserror::Error;

use crate::account::{AccountKind, AccountState, Origin};
use crate::wire::wire_enum;

/// What happens to the account's password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordAction {
    Keep,
    /// Generate a fresh provisional password (see [`crate::password`]).
    NewProvisional,
}

wire_enum! {
    /// Why (part of) a requested change was not carried out for an account; reported back per
    /// account rather than failing the whole batch.
    pub enum SkipReason ("le motif") {
        FranceConnectHasNoPassword = "franceconnect_no_password",
        NoEmail = "no_email",
    }
}

impl SkipReason {
    pub fn message(&self) -> &'static str {
        match self {
            SkipReason::FranceConnectHasNoPassword => {
                "Compte FranceConnect : pas de mot de passe à réinitialiser"
            }
            SkipReason::NoEmail => "Aucune adresse électronique pour ce responsable",
        }
    }
}

wire_enum! {
    /// How a notification reaches the account holder.
    pub enum Channel ("le canal de notification") {
        /// An individual printable letter (PDF).
        Letter = "letter",
        /// An e-mail, for guardians who have an address.
        Email = "email",
    }
}

impl Channel {
    /// « Type de notification », as the dialogs and the journal name it.
    pub fn label(&self) -> &'static str {
        match self {
            Channel::Letter => "Courrier",
            Channel::Email => "Courriel",
        }
    }
}

/// The outcome decided for one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transition {
    pub state_after: AccountState,
    pub origin_after: Origin,
    pub password: PasswordAction,
    /// True when this transition hands out a provisional password, which the holder must replace
    /// at the next login. False means the transition leaves the flag as it was: a re-notification
    /// without reset must not clear a pending forced change.
    pub must_change_password: bool,
    /// Stamp the notification date with "now".
    pub set_notified_at: bool,
    /// For `reset`, the account was left untouched for this reason. For `notify`, the letter was
    /// still produced and only the password reset was skipped.
    pub skipped: Option<SkipReason>,
}

impl Transition {
    /// Nothing changes for this account, for the given reason.
    pub fn unchanged(state: AccountState, origin: Origin, reason: SkipReason) -> Transition {
        Transition {
            state_after: state,
            origin_after: origin,
            password: PasswordAction::Keep,
            must_change_password: false,
            set_notified_at: false,
            skipped: Some(reason),
        }
    }

    pub fn changes_password(&self) -> bool {
        self.password == PasswordAction::NewProvisional
    }

    /// The first handing-out of a provisional password: the account leaves "not notified" and is
    /// now distributed by the establishment.
    fn first_distribution() -> Transition {
        Transition {
            state_after: AccountState::NotifiedNotActivated,
            origin_after: Origin::Establishment,
            password: PasswordAction::NewProvisional,
            must_change_password: true,
            set_notified_at: true,
            skipped: None,
        }
    }
}

/// A guardian who uses FranceConnect authenticates elsewhere: Sésame holds no password for them
/// and must never create one (seed 001 §5.2 warns how disturbing that is for them).
pub fn has_no_local_password(kind: AccountKind, origin: Origin) -> bool {
    kind == AccountKind::Guardian && origin == Origin::FranceConnect
}

/// (Re)notification of one account, by letter.
///
/// The notification date is stamped on every (re)notification: it is the date of the last
/// letter the person was given, which is what someone checking "did this family get their
/// credentials?" needs.
///
/// A FranceConnect guardian still gets the letter (it reminds them of their identifier), but
/// neither the password nor the state nor the origin is ever changed by Sésame for them; a reset
/// they were included in is reported as skipped.
pub fn notify(
    kind: AccountKind,
    state: AccountState,
    origin: Origin,
    reset_password: bool,
) -> Transition {
    if has_no_local_password(kind, origin) {
        return Transition {
            state_after: state,
            origin_after: origin,
            password: PasswordAction::Keep,
            must_change_password: false,
            set_notified_at: true,
            skipped: reset_password.then_some(SkipReason::FranceConnectHasNoPassword),
        };
    }
    match state {
        AccountState::NotNotified => Transition::first_distribution(),
        AccountState::NotifiedNotActivated
        | AccountState::ActivationInProgress
        | AccountState::Activated => Transition {
            state_after: state,
            origin_after: origin,
            password: if reset_password {
                PasswordAction::NewProvisional
            } else {
                PasswordAction::Keep
            },
            must_change_password: reset_password,
            set_notified_at: true,
            skipped: None,
        },
    }
}

/// Guardians notified by e-mail without an address are skipped (nothing sent, nothing changed).
pub fn email_skip(has_email: bool) -> Option<SkipReason> {
    (!has_email).then_some(SkipReason::NoEmail)
}

/// Why a notification request cannot be carried out at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NotifyError {
    #[error("La notification par courrier électronique est réservée aux responsables")]
    EmailForStudents,
}

/// (Re)notification through a channel: [`notify`], except that an e-mail to a guardian without
/// an address leaves the account untouched and says so. E-mail is for guardians only (api.md).
pub fn notify_by(
    channel: Channel,
    kind: AccountKind,
    state: AccountState,
    origin: Origin,
    reset_password: bool,
    has_email: bool,
) -> Result<Transition, NotifyError> {
    if channel == Channel::Email {
        if kind != AccountKind::Guardian {
            return Err(NotifyError::EmailForStudents);
        }
        if let Some(reason) = email_skip(has_email) {
            return Ok(Transition::unchanged(state, origin, reason));
        }
    }
    Ok(notify(kind, state, origin, reset_password))
}

/// Password reset of one account, without a letter (seed 001 §3.4, §5.4).
///
/// Every account gets a new provisional password. A not-notified account becomes "notified and
/// not activated" and gets its notification date, since the person is now being handed
/// credentials by the establishment. Other states stay as they are ("activation in progress"
/// included: only the holder's own password change moves it on); the holder must replace the
/// new password at the next login.
pub fn reset(kind: AccountKind, state: AccountState, origin: Origin) -> Transition {
    if has_no_local_password(kind, origin) {
        return Transition::unchanged(state, origin, SkipReason::FranceConnectHasNoPassword);
    }
    match state {
        AccountState::NotNotified => Transition::first_distribution(),
        AccountState::NotifiedNotActivated
        | AccountState::ActivationInProgress
        | AccountState::Activated => Transition {
            state_after: state,
            origin_after: origin,
            password: PasswordAction::NewProvisional,
            must_change_password: true,
            set_notified_at: false,
            skipped: None,
        },
    }
}

/// What lists show when there is no password to show.
pub const NO_PASSWORD: &str = "Non renseigné";
/// What lists show in place of a password the holder chose.
pub const MASKED_PASSWORD: &str = "*****";

/// The "Mot de passe" cell of PDF and CSV lists (seed 001 §3.3, §5.3).
pub fn list_password_cell(state: AccountState, provisional: Option<&str>) -> String {
    match state {
        AccountState::NotNotified => NO_PASSWORD.to_owned(),
        AccountState::NotifiedNotActivated => provisional.unwrap_or(NO_PASSWORD).to_owned(),
        AccountState::ActivationInProgress | AccountState::Activated => MASKED_PASSWORD.to_owned(),
    }
}

/// The provisional password a search result may reveal: only while the account is notified and
/// not activated, as in lists. After activation the stored provisional password is stale (or a
/// reset one the staff already saw once) and must not be shown.
pub fn visible_provisional_password(
    state: AccountState,
    provisional: Option<&str>,
) -> Option<String> {
    match state {
        AccountState::NotifiedNotActivated => provisional.map(str::to_owned),
        _ => None,
    }
}

/// The account holder's first own password, or a replacement of a provisional one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activation {
    pub state_after: AccountState,
    /// The account was not activated before: record the activation / distribution date now.
    pub first_activation: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ActivationError {
    /// A not-notified account has no password anyone was given, so nobody can legitimately be
    /// logged in to change it; reaching this is a bug or a forged request, hence a refusal.
    #[error("Ce compte n'a pas encore été distribué : il ne peut pas être activé")]
    NotNotified,
}

/// The holder sets their own password: the account becomes activated.
pub fn activate(state: AccountState) -> Result<Activation, ActivationError> {
    match state {
        AccountState::NotNotified => Err(ActivationError::NotNotified),
        AccountState::NotifiedNotActivated | AccountState::ActivationInProgress => Ok(Activation {
            state_after: AccountState::Activated,
            first_activation: true,
        }),
        AccountState::Activated => Ok(Activation {
            state_after: AccountState::Activated,
            first_activation: false,
        }),
    }
}

/// Whether a successful login must be followed by a password change: always while the password
/// is the distributed provisional one, and after a reset of an activated account.
pub fn login_requires_password_change(state: AccountState, must_change_flag: bool) -> bool {
    state == AccountState::NotifiedNotActivated || must_change_flag
}

/// Whether the account can log in with an identifier and a password held by Sésame.
pub fn password_login_possible(kind: AccountKind, state: AccountState, origin: Origin) -> bool {
    state != AccountState::NotNotified && !has_no_local_password(kind, origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountKind::*;
    use AccountState::*;
    use PasswordAction::*;

    fn t(
        state_after: AccountState,
        origin_after: Origin,
        password: PasswordAction,
        must_change_password: bool,
        set_notified_at: bool,
        skipped: Option<SkipReason>,
    ) -> Transition {
        Transition {
            state_after,
            origin_after,
            password,
            must_change_password,
            set_notified_at,
            skipped,
        }
    }

    #[test]
    fn notify_not_notified_distributes_a_provisional_password() {
        for kind in AccountKind::ALL {
            for reset in [false, true] {
                assert_eq!(
                    notify(kind, NotNotified, Origin::Unknown, reset),
                    t(
                        NotifiedNotActivated,
                        Origin::Establishment,
                        NewProvisional,
                        true,
                        true,
                        None
                    ),
                    "{kind:?} reset={reset}"
                );
            }
        }
    }

    #[test]
    fn renotify_notified_keeps_the_provisional_password_unless_reset() {
        for kind in AccountKind::ALL {
            assert_eq!(
                notify(kind, NotifiedNotActivated, Origin::Establishment, false),
                t(
                    NotifiedNotActivated,
                    Origin::Establishment,
                    Keep,
                    false,
                    true,
                    None
                )
            );
            assert_eq!(
                notify(kind, NotifiedNotActivated, Origin::Establishment, true),
                t(
                    NotifiedNotActivated,
                    Origin::Establishment,
                    NewProvisional,
                    true,
                    true,
                    None
                )
            );
        }
    }

    #[test]
    fn renotify_activated_leaves_the_chosen_password_alone_unless_reset() {
        for (kind, origin) in [
            (Student, Origin::Establishment),
            (Guardian, Origin::Establishment),
            (Guardian, Origin::Guardian),
            (Guardian, Origin::Aten),
            (Student, Origin::Ent),
        ] {
            assert_eq!(
                notify(kind, Activated, origin, false),
                t(Activated, origin, Keep, false, true, None)
            );
            assert_eq!(
                notify(kind, Activated, origin, true),
                t(Activated, origin, NewProvisional, true, true, None)
            );
        }
    }

    #[test]
    fn renotify_activation_in_progress_stays_in_progress() {
        assert_eq!(
            notify(Guardian, ActivationInProgress, Origin::Guardian, false),
            t(
                ActivationInProgress,
                Origin::Guardian,
                Keep,
                false,
                true,
                None
            )
        );
        assert_eq!(
            notify(Guardian, ActivationInProgress, Origin::Guardian, true),
            t(
                ActivationInProgress,
                Origin::Guardian,
                NewProvisional,
                true,
                true,
                None
            )
        );
    }

    #[test]
    fn notify_franceconnect_guardian_sends_the_letter_but_never_touches_the_password() {
        for state in AccountState::ALL {
            assert_eq!(
                notify(Guardian, state, Origin::FranceConnect, false),
                t(state, Origin::FranceConnect, Keep, false, true, None)
            );
            let with_reset = notify(Guardian, state, Origin::FranceConnect, true);
            assert_eq!(
                with_reset,
                t(
                    state,
                    Origin::FranceConnect,
                    Keep,
                    false,
                    true,
                    Some(SkipReason::FranceConnectHasNoPassword)
                )
            );
            assert!(!with_reset.changes_password());
        }
    }

    #[test]
    fn reset_gives_every_account_a_new_provisional_password() {
        for kind in AccountKind::ALL {
            assert_eq!(
                reset(kind, NotNotified, Origin::Unknown),
                t(
                    NotifiedNotActivated,
                    Origin::Establishment,
                    NewProvisional,
                    true,
                    true,
                    None
                )
            );
            assert_eq!(
                reset(kind, NotifiedNotActivated, Origin::Establishment),
                t(
                    NotifiedNotActivated,
                    Origin::Establishment,
                    NewProvisional,
                    true,
                    false,
                    None
                )
            );
            assert_eq!(
                reset(kind, Activated, Origin::Establishment),
                t(
                    Activated,
                    Origin::Establishment,
                    NewProvisional,
                    true,
                    false,
                    None
                )
            );
        }
        assert_eq!(
            reset(Guardian, Activated, Origin::Guardian),
            t(
                Activated,
                Origin::Guardian,
                NewProvisional,
                true,
                false,
                None
            )
        );
        assert_eq!(
            reset(Guardian, ActivationInProgress, Origin::Guardian),
            t(
                ActivationInProgress,
                Origin::Guardian,
                NewProvisional,
                true,
                false,
                None
            )
        );
    }

    #[test]
    fn reset_skips_franceconnect_guardians_and_changes_nothing() {
        for state in AccountState::ALL {
            let tr = reset(Guardian, state, Origin::FranceConnect);
            assert_eq!(
                tr,
                t(
                    state,
                    Origin::FranceConnect,
                    Keep,
                    false,
                    false,
                    Some(SkipReason::FranceConnectHasNoPassword)
                )
            );
        }
        // The exception is about guardians: a student can never be FranceConnect, but if the
        // data said so the reset would still apply.
        assert!(reset(Student, Activated, Origin::FranceConnect).changes_password());
    }

    #[test]
    fn email_notification_without_address_is_skipped_untouched() {
        assert_eq!(email_skip(false), Some(SkipReason::NoEmail));
        assert_eq!(email_skip(true), None);
        let tr = notify_by(
            Channel::Email,
            Guardian,
            NotNotified,
            Origin::Unknown,
            true,
            false,
        )
        .unwrap();
        assert_eq!(
            tr,
            t(
                NotNotified,
                Origin::Unknown,
                Keep,
                false,
                false,
                Some(SkipReason::NoEmail)
            )
        );
        let sent = notify_by(
            Channel::Email,
            Guardian,
            NotNotified,
            Origin::Unknown,
            false,
            true,
        );
        assert_eq!(
            sent,
            Ok(notify(Guardian, NotNotified, Origin::Unknown, false))
        );
        // A letter needs no address.
        let letter = notify_by(
            Channel::Letter,
            Guardian,
            Activated,
            Origin::Guardian,
            false,
            false,
        );
        assert_eq!(
            letter,
            Ok(notify(Guardian, Activated, Origin::Guardian, false))
        );
        assert_eq!(
            notify_by(
                Channel::Email,
                Student,
                NotNotified,
                Origin::Unknown,
                false,
                true
            ),
            Err(NotifyError::EmailForStudents)
        );
    }

    #[test]
    fn skip_reasons() {
        assert_eq!(
            SkipReason::FranceConnectHasNoPassword.as_str(),
            "franceconnect_no_password"
        );
        assert_eq!(SkipReason::NoEmail.as_str(), "no_email");
        assert_eq!(
            SkipReason::FranceConnectHasNoPassword.message(),
            "Compte FranceConnect : pas de mot de passe à réinitialiser"
        );
        assert_eq!(
            SkipReason::NoEmail.message(),
            "Aucune adresse électronique pour ce responsable"
        );
        assert_eq!(
            serde_json::to_string(&SkipReason::NoEmail).unwrap(),
            "\"no_email\""
        );
    }

    #[test]
    fn list_password_cell_per_state() {
        assert_eq!(list_password_cell(NotNotified, None), "Non renseigné");
        // Even a stale stored value is not shown before notification.
        assert_eq!(
            list_password_cell(NotNotified, Some("PT4HUMM2")),
            "Non renseigné"
        );
        assert_eq!(
            list_password_cell(NotifiedNotActivated, Some("PT4HUMM2")),
            "PT4HUMM2"
        );
        assert_eq!(
            list_password_cell(NotifiedNotActivated, None),
            "Non renseigné"
        );
        assert_eq!(
            list_password_cell(ActivationInProgress, Some("PT4HUMM2")),
            "*****"
        );
        assert_eq!(list_password_cell(Activated, Some("PT4HUMM2")), "*****");
        assert_eq!(list_password_cell(Activated, None), "*****");
    }

    #[test]
    fn provisional_password_is_visible_only_while_notified_not_activated() {
        assert_eq!(
            visible_provisional_password(NotifiedNotActivated, Some("GMCB9EBM")),
            Some("GMCB9EBM".to_owned())
        );
        for state in [NotNotified, ActivationInProgress, Activated] {
            assert_eq!(visible_provisional_password(state, Some("GMCB9EBM")), None);
        }
        assert_eq!(
            visible_provisional_password(NotifiedNotActivated, None),
            None
        );
    }

    #[test]
    fn activation() {
        assert_eq!(activate(NotNotified), Err(ActivationError::NotNotified));
        for state in [NotifiedNotActivated, ActivationInProgress] {
            assert_eq!(
                activate(state),
                Ok(Activation {
                    state_after: Activated,
                    first_activation: true
                })
            );
        }
        assert_eq!(
            activate(Activated),
            Ok(Activation {
                state_after: Activated,
                first_activation: false
            })
        );
    }

    #[test]
    fn login_rules() {
        assert!(login_requires_password_change(NotifiedNotActivated, false));
        assert!(login_requires_password_change(Activated, true));
        assert!(!login_requires_password_change(Activated, false));
        assert!(!password_login_possible(
            Student,
            NotNotified,
            Origin::Unknown
        ));
        assert!(password_login_possible(
            Student,
            NotifiedNotActivated,
            Origin::Establishment
        ));
        assert!(!password_login_possible(
            Guardian,
            Activated,
            Origin::FranceConnect
        ));
        assert!(password_login_possible(
            Guardian,
            Activated,
            Origin::Guardian
        ));
    }
}
