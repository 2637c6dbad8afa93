//! Short-lived signed access tokens (JWT, HS256). They only say who the caller is; what the
//! caller may do is read from the database on every request, so revocations apply at once.
//!
//! A staff token names its session (`sid`) rather than carrying how the session was opened
//! (an `amr` claim): the session row is read on every request anyway cheaply (primary key), and
//! then a logout, a reuse revocation or the absolute lifetime end the access token at once, and
//! the second factor is the server's record, never a claim minted earlier.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "sesame";

/// Whose token it is. A token naming any other kind does not verify.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A staff member, in a session (`sid`).
    Staff,
    /// An ENT platform's integration client (`scope`).
    Client,
    /// A pupil or guardian, on their own account's pages.
    Account,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// Staff user id (or client id, or account id, per `kind`).
    pub sub: String,
    pub kind: TokenKind,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// Scopes of an integration client's token, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The staff session (refresh-token family) the token was issued in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> TokenKeys {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue(
        &self,
        sub: &str,
        kind: TokenKind,
        ttl_secs: u64,
        scope: Option<String>,
    ) -> String {
        self.sign(sub, kind, ttl_secs, scope, None)
    }

    /// A staff access token of session `sid`.
    pub fn issue_staff(&self, staff_id: &str, sid: &str, ttl_secs: u64) -> String {
        self.sign(
            staff_id,
            TokenKind::Staff,
            ttl_secs,
            None,
            Some(sid.to_owned()),
        )
    }

    fn sign(
        &self,
        sub: &str,
        kind: TokenKind,
        ttl_secs: u64,
        scope: Option<String>,
        sid: Option<String>,
    ) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            kind,
            iss: ISSUER.to_owned(),
            iat: now,
            exp: now + ttl_secs as i64,
            scope,
            sid,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// The claims of a valid, unexpired token of ours; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[ISSUER]);
        v.leeway = 5;
        decode::<Claims>(token, &self.decoding, &v)
            .ok()
            .map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_tampered_ones_do_not() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let t = keys.issue("u1", TokenKind::Staff, 60, None);
        let c = keys.verify(&t).expect("valid");
        assert_eq!(c.sub, "u1");
        assert_eq!(c.kind, TokenKind::Staff);
        assert_eq!(
            keys.verify(&keys.issue_staff("u1", "s1", 60))
                .unwrap()
                .sid
                .as_deref(),
            Some("s1")
        );
        let other = TokenKeys::new(b"another key another key another!");
        assert!(other.verify(&t).is_none());
        let mut bad = t.clone();
        bad.pop();
        assert!(keys.verify(&bad).is_none());
    }

    #[test]
    fn a_token_of_an_unknown_kind_does_not_verify() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now().timestamp();
        let forged = serde_json::json!({
            "sub": "u", "kind": "root", "iss": ISSUER, "iat": now, "exp": now + 60,
        });
        let t = encode(&Header::new(Algorithm::HS256), &forged, &keys.encoding).unwrap();
        assert!(keys.verify(&t).is_none());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "u".into(),
            kind: TokenKind::Staff,
            iss: ISSUER.into(),
            iat: now - 120,
            exp: now - 60,
            scope: None,
            sid: None,
        };
        let t = encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        assert!(keys.verify(&t).is_none());
    }
}
