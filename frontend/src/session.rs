//! The signed-in staff member's tokens, kept in `sessionStorage`.
//!
//! `sessionStorage` (not `localStorage`) so that closing the tab ends the session on a shared
//! school computer, while a reload keeps the user signed in.

use sesame_api::auth::TokenResponse;

const USERNAME: &str = "sesame.username";
const ACCESS_TOKEN: &str = "sesame.access_token";
const REFRESH_TOKEN: &str = "sesame.refresh_token";
const ESTABLISHMENT: &str = "sesame.establishment";

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub username: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl Session {
    pub fn new(username: String, tokens: TokenResponse) -> Self {
        Self {
            username,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn load() -> Option<Session> {
    let s = storage()?;
    let get = |key| s.get_item(key).ok().flatten().filter(|v| !v.is_empty());
    Some(Session {
        username: get(USERNAME).unwrap_or_default(),
        access_token: get(ACCESS_TOKEN)?,
        refresh_token: get(REFRESH_TOKEN)?,
    })
}

pub fn save(session: &Session) {
    // Storage can be refused (private mode quotas); the app then works until the next reload.
    if let Some(s) = storage() {
        let _ = s.set_item(USERNAME, &session.username);
        let _ = s.set_item(ACCESS_TOKEN, &session.access_token);
        let _ = s.set_item(REFRESH_TOKEN, &session.refresh_token);
    }
}

pub fn clear() {
    if let Some(s) = storage() {
        for key in [USERNAME, ACCESS_TOKEN, REFRESH_TOKEN, ESTABLISHMENT] {
            let _ = s.remove_item(key);
        }
    }
}

/// UAI of the establishment chosen on the home page, for the account pages to come.
pub fn chosen_establishment() -> Option<String> {
    storage()?.get_item(ESTABLISHMENT).ok().flatten()
}

pub fn choose_establishment(uai: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(ESTABLISHMENT, uai);
    }
}

/// Why the console sends the user back to the sign-in page, when the server said so.
#[derive(Debug, Clone, PartialEq)]
pub enum EndReason {
    /// The session reached its absolute lifetime.
    Expired,
    /// The admin module needs a session opened with the TOTP code (a module given after
    /// sign-in, in a password-only session).
    SecondFactor { username: String },
}

thread_local! {
    // Set by `authed` where the server's answer is known, read by `expire` and the sign-in
    // form, which only see a 401. One browser tab, one thread: no locking needed.
    static END_REASON: std::cell::RefCell<Option<EndReason>> = const { std::cell::RefCell::new(None) };
}

pub fn set_end_reason(reason: EndReason) {
    END_REASON.with(|r| *r.borrow_mut() = Some(reason));
}

pub fn end_reason() -> Option<EndReason> {
    END_REASON.with(|r| r.borrow().clone())
}

pub fn clear_end_reason() {
    END_REASON.with(|r| *r.borrow_mut() = None);
}
