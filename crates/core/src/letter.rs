//! The individual notification letter (and e-mail), after the model letter of seed 004
//! (« Mise à disposition de votre compte Éducation nationale EduConnect »), in our own words.

use crate::account::{AccountKind, AccountState, Origin};
use crate::lifecycle::Transition;

/// Guardians' letters always carry the national portal, whatever the establishment configured
/// (seed 001 §7).
pub const NATIONAL_PORTAL_URL: &str = "https://teleservices.education.gouv.fr";
pub const SIGNATURE: &str = "La cheffe ou le chef d'établissement";
pub const HELP_LINE: &str = "En cas de difficulté, contactez l'établissement.";
pub const CREDENTIALS_HEADING: &str = "Compte ÉduConnect :";

/// Which letter an account gets, after what the notification did to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LetterVariant {
    /// Not activated yet: the letter hands out the provisional password (new or kept).
    Provisional,
    /// Already activated (or activating) and given a new provisional password.
    PasswordReset,
    /// Already activated, password untouched: a reminder of the identifier.
    Unchanged,
    /// A guardian who logs in through FranceConnect: no password at all.
    FranceConnect,
}

impl LetterVariant {
    pub fn choose(
        kind: AccountKind,
        state_after: AccountState,
        origin_after: Origin,
        password_changed: bool,
    ) -> LetterVariant {
        if crate::lifecycle::has_no_local_password(kind, origin_after) {
            LetterVariant::FranceConnect
        } else if state_after == AccountState::NotifiedNotActivated {
            LetterVariant::Provisional
        } else if password_changed {
            LetterVariant::PasswordReset
        } else {
            LetterVariant::Unchanged
        }
    }

    pub fn for_transition(kind: AccountKind, transition: &Transition) -> LetterVariant {
        LetterVariant::choose(
            kind,
            transition.state_after,
            transition.origin_after,
            transition.changes_password(),
        )
    }

    /// Whether the letter prints a provisional password.
    pub fn shows_password(&self) -> bool {
        matches!(
            self,
            LetterVariant::Provisional | LetterVariant::PasswordReset
        )
    }

    /// The letter's title, also the e-mail's subject.
    pub fn title(&self) -> &'static str {
        match self {
            LetterVariant::Provisional => {
                "Mise à disposition de votre compte Éducation nationale ÉduConnect"
            }
            LetterVariant::PasswordReset => {
                "Nouveau mot de passe provisoire pour votre compte ÉduConnect"
            }
            LetterVariant::Unchanged | LetterVariant::FranceConnect => {
                "Rappel de votre compte Éducation nationale ÉduConnect"
            }
        }
    }
}

/// "Mot de passe provisoire : PT4HUMM2", or the line saying the password did not change.
pub fn password_line(provisional: Option<&str>) -> String {
    match provisional {
        Some(pw) => format!("Mot de passe provisoire : {pw}"),
        None => "Mot de passe inchangé".to_owned(),
    }
}

/// The credentials block of the letter.
pub fn credential_lines(
    variant: LetterVariant,
    identifier: &str,
    provisional: Option<&str>,
) -> Vec<String> {
    let last = match variant {
        LetterVariant::FranceConnect => "Connexion avec FranceConnect".to_owned(),
        _ => password_line(provisional),
    };
    vec![
        CREDENTIALS_HEADING.to_owned(),
        format!("Identifiant : {identifier}"),
        last,
    ]
}

/// The addresses the letter gives: the establishment's active one for the population, and for
/// guardians the national portal first.
pub fn letter_urls(kind: AccountKind, configured: Option<&str>) -> Vec<String> {
    let mut urls = Vec::new();
    if kind == AccountKind::Guardian {
        urls.push(NATIONAL_PORTAL_URL.to_owned());
    }
    if let Some(url) = configured.map(str::trim).filter(|u| !u.is_empty()) {
        if !urls.iter().any(|u| u == url) {
            urls.push(url.to_owned());
        }
    }
    urls
}

/// The profile to pick on the ÉduConnect login page (seed 001 §1.1).
fn profile(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Student => "Élève",
        AccountKind::Guardian => "Représentant légal",
    }
}

/// Where the holder goes to log in, as a phrase.
fn where_to_go(kind: AccountKind) -> String {
    match kind {
        AccountKind::Student => "à l'adresse internet communiquée par l'établissement".to_owned(),
        AccountKind::Guardian => format!(
            "sur {NATIONAL_PORTAL_URL} (ou à l'adresse internet communiquée par l'établissement)"
        ),
    }
}

/// How the holder can help themself when they forget: students through a confirmed e-mail
/// address, guardians also through their mobile number (seed 001 §3.4, §5.4).
fn recovery_means(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Student => "une adresse électronique",
        AccountKind::Guardian => "une adresse électronique ou un numéro de téléphone portable",
    }
}

/// The body of the letter, between the title and the signature.
pub fn letter_paragraphs(
    kind: AccountKind,
    establishment_name: &str,
    person_display_name: &str,
    variant: LetterVariant,
) -> Vec<String> {
    let mut p = vec![format!("Bonjour {person_display_name},")];
    let login_page = format!(
        "rendez-vous {}, choisissez le profil « {} » sur la page de connexion ÉduConnect",
        where_to_go(kind),
        profile(kind)
    );
    match variant {
        LetterVariant::Provisional => {
            p.push(format!(
                "L'établissement {establishment_name} met à votre disposition un compte \
                 ÉduConnect."
            ));
            p.push(match kind {
                AccountKind::Student => "Ce compte unique simplifie votre accès aux services \
                     numériques de l'établissement. Vous le gardez si vous changez \
                     d'établissement ou d'académie."
                    .to_owned(),
                AccountKind::Guardian => "Ce compte unique vous donne accès aux services \
                     numériques des écoles et des établissements de vos enfants : démarches en \
                     ligne, espace numérique de travail (ENT), livret scolaire. Vous le gardez \
                     en cas de changement d'établissement ou d'académie."
                    .to_owned(),
            });
            p.push(format!(
                "Pour activer votre compte, {login_page}, puis saisissez l'identifiant et le \
                 mot de passe provisoire indiqués dans ce courrier."
            ));
            p.push(
                "Vous devrez choisir un nouveau mot de passe lors de cette première connexion."
                    .to_owned(),
            );
            p.push(format!(
                "Indiquez et confirmez {} : vous pourrez ainsi, en cas d'oubli, réinitialiser \
                 votre mot de passe ou retrouver votre identifiant.",
                recovery_means(kind)
            ));
            p.push(
                "Pour les connexions suivantes, utilisez votre identifiant ÉduConnect et le mot \
                 de passe que vous aurez choisi."
                    .to_owned(),
            );
        }
        LetterVariant::PasswordReset => {
            p.push(format!(
                "L'établissement {establishment_name} a attribué un nouveau mot de passe \
                 provisoire à votre compte ÉduConnect. Votre identifiant ne change pas."
            ));
            p.push(format!(
                "Pour vous connecter, {login_page}, puis saisissez l'identifiant et le mot de \
                 passe provisoire indiqués dans ce courrier."
            ));
            p.push(
                "Vous devrez choisir un nouveau mot de passe lors de cette connexion.".to_owned(),
            );
        }
        LetterVariant::Unchanged => {
            p.push(format!(
                "L'établissement {establishment_name} vous rappelle l'identifiant de votre \
                 compte ÉduConnect."
            ));
            p.push(
                "Votre mot de passe n'a pas été modifié : continuez à utiliser celui que vous \
                 avez choisi."
                    .to_owned(),
            );
            p.push(format!(
                "Pour vous connecter, {login_page}. En cas d'oubli du mot de passe, vous pouvez \
                 le réinitialiser depuis cette page si vous avez confirmé {} ; sinon, \
                 adressez-vous à l'établissement.",
                recovery_means(kind)
            ));
        }
        LetterVariant::FranceConnect => {
            p.push(format!(
                "L'établissement {establishment_name} vous rappelle l'identifiant de votre \
                 compte ÉduConnect."
            ));
            p.push(format!(
                "Vous vous connectez à ce compte avec FranceConnect : rendez-vous sur \
                 {NATIONAL_PORTAL_URL}, choisissez le profil « {} » puis le bouton \
                 FranceConnect, et utilisez le compte que vous avez l'habitude d'utiliser \
                 avec FranceConnect. ÉduConnect ne vous attribue pas de mot de passe.",
                profile(kind)
            ));
        }
    }
    p
}

/// Everything one letter (or e-mail) holds, for the PDF and e-mail renderers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub credentials: Vec<String>,
    pub urls: Vec<String>,
    pub signature: &'static str,
    pub help: &'static str,
}

/// What a letter is built from.
#[derive(Debug, Clone, Copy)]
pub struct LetterInput<'a> {
    pub kind: AccountKind,
    pub variant: LetterVariant,
    pub establishment_name: &'a str,
    pub person_display_name: &'a str,
    pub identifier: &'a str,
    /// The provisional password to print; ignored when the variant shows none.
    pub provisional_password: Option<&'a str>,
    /// The establishment's verified and active URL for the population, if any.
    pub configured_url: Option<&'a str>,
}

impl Letter {
    pub fn build(input: LetterInput<'_>) -> Letter {
        let provisional = input
            .provisional_password
            .filter(|_| input.variant.shows_password());
        Letter {
            title: input.variant.title().to_owned(),
            paragraphs: letter_paragraphs(
                input.kind,
                input.establishment_name,
                input.person_display_name,
                input.variant,
            ),
            credentials: credential_lines(input.variant, input.identifier, provisional),
            urls: letter_urls(input.kind, input.configured_url),
            signature: SIGNATURE,
            help: HELP_LINE,
        }
    }

    /// The letter as plain text (e-mail body, previews).
    pub fn to_plain_text(&self) -> String {
        let mut blocks = vec![self.title.clone(), self.credentials.join("\n")];
        blocks.extend(self.paragraphs.iter().cloned());
        if !self.urls.is_empty() {
            let heading = if self.urls.len() == 1 {
                "Adresse de connexion :"
            } else {
                "Adresses de connexion :"
            };
            blocks.push(format!("{heading}\n{}", self.urls.join("\n")));
        }
        blocks.push(self.signature.to_owned());
        blocks.push(self.help.to_owned());
        blocks.join("\n\n")
    }
}

/// The ready-to-copy message of the ENT directory's "Régénérer le mot de passe" (seed 000).
pub fn ent_credentials_message(person_display_name: &str, login: &str, password: &str) -> String {
    format!(
        "Bonjour {person_display_name},\n\
         Voici vos identifiants de connexion à l'espace numérique de travail (ENT) :\n\
         Identifiant : {login}\n\
         Mot de passe : {password}\n\
         Conservez-les en lieu sûr et ne les communiquez à personne."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{notify, reset};
    use AccountKind::*;
    use AccountState::*;

    #[test]
    fn variant_follows_the_transition() {
        let first = notify(Student, NotNotified, Origin::Unknown, false);
        assert_eq!(
            LetterVariant::for_transition(Student, &first),
            LetterVariant::Provisional
        );
        let kept = notify(Student, NotifiedNotActivated, Origin::Establishment, false);
        assert_eq!(
            LetterVariant::for_transition(Student, &kept),
            LetterVariant::Provisional
        );
        let reminder = notify(Student, Activated, Origin::Establishment, false);
        assert_eq!(
            LetterVariant::for_transition(Student, &reminder),
            LetterVariant::Unchanged
        );
        let renewed = notify(Guardian, Activated, Origin::Guardian, true);
        assert_eq!(
            LetterVariant::for_transition(Guardian, &renewed),
            LetterVariant::PasswordReset
        );
        let in_progress = notify(Guardian, ActivationInProgress, Origin::Guardian, false);
        assert_eq!(
            LetterVariant::for_transition(Guardian, &in_progress),
            LetterVariant::Unchanged
        );
        let fc = notify(Guardian, Activated, Origin::FranceConnect, true);
        assert_eq!(
            LetterVariant::for_transition(Guardian, &fc),
            LetterVariant::FranceConnect
        );
        let after_reset = reset(Student, Activated, Origin::Establishment);
        assert_eq!(
            LetterVariant::for_transition(Student, &after_reset),
            LetterVariant::PasswordReset
        );
    }

    #[test]
    fn password_lines() {
        assert_eq!(
            password_line(Some("PT4HUMM2")),
            "Mot de passe provisoire : PT4HUMM2"
        );
        assert_eq!(password_line(None), "Mot de passe inchangé");
        assert_eq!(
            credential_lines(
                LetterVariant::Provisional,
                "celine.dupont114",
                Some("PT4HUMM2")
            ),
            [
                "Compte ÉduConnect :",
                "Identifiant : celine.dupont114",
                "Mot de passe provisoire : PT4HUMM2"
            ]
        );
        assert_eq!(
            credential_lines(LetterVariant::FranceConnect, "paul.martin3", None)[2],
            "Connexion avec FranceConnect"
        );
    }

    #[test]
    fn student_letter_follows_the_model() {
        let p = letter_paragraphs(
            Student,
            "LP LYC METIER Auguste Rodin",
            "Céline Dupont",
            LetterVariant::Provisional,
        );
        assert_eq!(p[0], "Bonjour Céline Dupont,");
        assert_eq!(
            p[1],
            "L'établissement LP LYC METIER Auguste Rodin met à votre disposition un compte \
             ÉduConnect."
        );
        let text = p.join("\n");
        assert!(text.contains("première connexion"));
        assert!(text.contains("profil « Élève »"));
        assert!(text.contains("adresse internet communiquée par l'établissement"));
        assert!(!text.contains(NATIONAL_PORTAL_URL));
    }

    #[test]
    fn guardian_letters_always_carry_the_national_portal() {
        for variant in [
            LetterVariant::Provisional,
            LetterVariant::PasswordReset,
            LetterVariant::Unchanged,
            LetterVariant::FranceConnect,
        ] {
            let text =
                letter_paragraphs(Guardian, "CLG Jean Moulin", "Paul Martin", variant).join("\n");
            assert!(text.contains(NATIONAL_PORTAL_URL), "{variant:?}");
            assert!(text.contains("CLG Jean Moulin"), "{variant:?}");
        }
        assert_eq!(letter_urls(Guardian, None), [NATIONAL_PORTAL_URL]);
        assert_eq!(
            letter_urls(Guardian, Some("https://lycees.netocentre.fr")),
            [NATIONAL_PORTAL_URL, "https://lycees.netocentre.fr"]
        );
        assert_eq!(
            letter_urls(Guardian, Some(NATIONAL_PORTAL_URL)),
            [NATIONAL_PORTAL_URL]
        );
        assert!(letter_urls(Student, None).is_empty());
        assert_eq!(
            letter_urls(Student, Some(" https://ent.example.fr ")),
            ["https://ent.example.fr"]
        );
    }

    #[test]
    fn unchanged_and_franceconnect_letters_promise_no_password() {
        let unchanged =
            letter_paragraphs(Student, "CLG X", "Léa Martin", LetterVariant::Unchanged).join("\n");
        assert!(unchanged.contains("n'a pas été modifié"));
        assert!(!unchanged.contains("provisoire"));
        let fc = letter_paragraphs(
            Guardian,
            "CLG X",
            "Paul Martin",
            LetterVariant::FranceConnect,
        )
        .join("\n");
        assert!(fc.contains("FranceConnect"));
        assert!(fc.contains("ne vous attribue pas de mot de passe"));
    }

    #[test]
    fn built_letter_hides_passwords_it_must_not_show() {
        let input = LetterInput {
            kind: Student,
            variant: LetterVariant::Unchanged,
            establishment_name: "CLG X",
            person_display_name: "Léa Martin",
            identifier: "lea.martin12",
            provisional_password: Some("PT4HUMM2"),
            configured_url: Some("https://ent.example.fr"),
        };
        let letter = Letter::build(input);
        assert_eq!(letter.credentials[2], "Mot de passe inchangé");
        let text = letter.to_plain_text();
        assert!(!text.contains("PT4HUMM2"));
        assert!(text.contains("Adresse de connexion :\nhttps://ent.example.fr"));
        assert!(text.contains(SIGNATURE));
        assert!(text.ends_with(HELP_LINE));

        let shown = Letter::build(LetterInput {
            variant: LetterVariant::Provisional,
            ..input
        });
        assert!(shown
            .to_plain_text()
            .contains("Mot de passe provisoire : PT4HUMM2"));
        assert_eq!(shown.signature, "La cheffe ou le chef d'établissement");
    }

    #[test]
    fn ent_message_holds_the_credentials() {
        let m = ent_credentials_message("Jean Dupont", "jean.dupont2", "GMCB9EBM");
        assert!(m.contains("Identifiant : jean.dupont2"));
        assert!(m.contains("Mot de passe : GMCB9EBM"));
    }
}
