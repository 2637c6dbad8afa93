//! What the address of `/compte` asks for, read once when the page opens: the identifier a
//! letter's QR code pre-fills (`?login=`), and a single-use link from an e-mail
//! (`?etape=…#jeton=…`). The token rides in the fragment so that it never reaches a server
//! log or a proxy: the page reads it, removes it from the address bar, and posts it.

use crate::route::decode;

/// What an e-mailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms the holder's e-mail address.
    ConfirmEmail,
    /// Chooses a new password after « Mot de passe oublié ».
    ResetPassword,
    /// A guardian's self-registration: chooses the first password.
    Register,
}

impl Purpose {
    /// The `etape` value in the link (French, it is read by people).
    pub fn slug(self) -> &'static str {
        match self {
            Purpose::ConfirmEmail => "confirmation",
            Purpose::ResetPassword => "nouveau-mot-de-passe",
            Purpose::Register => "inscription",
        }
    }

    fn from_slug(slug: &str) -> Option<Purpose> {
        [
            Purpose::ConfirmEmail,
            Purpose::ResetPassword,
            Purpose::Register,
        ]
        .into_iter()
        .find(|p| p.slug() == slug)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arrival {
    /// The identifier to pre-fill.
    pub login: String,
    /// An e-mailed link and its token.
    pub link: Option<(Purpose, String)>,
}

fn param(pairs: &str, name: &str) -> Option<String> {
    pairs
        .trim_start_matches(['?', '#'])
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| decode(v).trim().to_owned())
}

/// Reads `location.search` and `location.hash`.
pub fn arrival(search: &str, hash: &str) -> Arrival {
    let login = param(search, "login").unwrap_or_default();
    let link = match (
        param(search, "etape")
            .as_deref()
            .and_then(Purpose::from_slug),
        param(hash, "jeton").filter(|t| !t.is_empty()),
    ) {
        (Some(purpose), Some(token)) => Some((purpose, token)),
        _ => None,
    };
    Arrival { login, link }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letters_identifier_is_prefilled() {
        let a = arrival("?login=celine.dupont114", "");
        assert_eq!(a.login, "celine.dupont114");
        assert_eq!(a.link, None);
        assert_eq!(arrival("?login=jean%20marc%26x", "").login, "jean marc&x");
        assert_eq!(arrival("", "").login, "");
    }

    #[test]
    fn an_emailed_link_needs_both_its_step_and_its_token() {
        let a = arrival("?etape=nouveau-mot-de-passe", "#jeton=AbC_12-x");
        assert_eq!(
            a.link,
            Some((Purpose::ResetPassword, "AbC_12-x".to_owned()))
        );
        assert_eq!(
            arrival("?etape=confirmation", "#jeton=t").link,
            Some((Purpose::ConfirmEmail, "t".to_owned()))
        );
        assert_eq!(
            arrival("?etape=inscription", "#jeton=t").link,
            Some((Purpose::Register, "t".to_owned()))
        );
        assert_eq!(arrival("?etape=inscription", "").link, None);
        assert_eq!(arrival("?etape=autre", "#jeton=t").link, None);
        assert_eq!(arrival("", "#jeton=t").link, None);
        // A token in the query (a mangled link) is not taken: it would have reached the logs.
        assert_eq!(arrival("?etape=confirmation&jeton=t", "").link, None);
    }
}
