//! The letters PDF as the person handing them out sees it: one page an account, each with its
//! own credentials, readable French, and a QR code that opens the login page; in stacks by
//! class, each opened by a separator page.

mod common;

use common::{est, letter, letter_pages, page_count, pages, qr_codes, SEPARATOR_HEADING};
use sesame_core::{AccountKind, LetterVariant, NATIONAL_PORTAL_URL};
use sesame_documents::{
    letter_qr_payload, letters_pdf, letters_pdf_at, DocumentError, LetterInput,
};

fn batch() -> Vec<LetterInput> {
    vec![
        letter(
            AccountKind::Student,
            "Céline DUPONT",
            "celine.dupont114",
            Some("PT4HUMM2"),
            LetterVariant::Provisional,
        ),
        letter(
            AccountKind::Student,
            "Jérôme LEFÈVRE",
            "jerome.lefevre3",
            None,
            LetterVariant::Unchanged,
        ),
        letter(
            AccountKind::Guardian,
            "Françoise N'DIAYE",
            "francoise.ndiaye",
            Some("GMCB9EBM"),
            LetterVariant::PasswordReset,
        ),
        letter(
            AccountKind::Guardian,
            "Noël ŒUVRARD",
            "noel.oeuvrard7",
            Some("K7XQ2RTA"),
            LetterVariant::Provisional,
        ),
    ]
}

#[test]
fn one_page_per_account_with_its_own_credentials() {
    let letters = batch();
    let pdf = letters_pdf(&est(), &letters).unwrap();
    // One class (3EME4): its separator page, then the letters, already in name order.
    assert_eq!(page_count(&pdf), letters.len() + 1);
    assert!(pages(&pdf)[0].contains(SEPARATOR_HEADING));
    let pages = letter_pages(&pdf);
    assert_eq!(pages.len(), letters.len());

    for (i, (page, input)) in pages.iter().zip(&letters).enumerate() {
        assert!(
            page.contains(&format!("Identifiant : {}", input.identifier)),
            "page {i}: {page}"
        );
        assert!(page.contains(&input.person_display_name), "page {i}");
        match &input.provisional_password {
            Some(pw) if input.variant.shows_password() => {
                assert!(
                    page.contains(&format!("Mot de passe provisoire : {pw}")),
                    "page {i}"
                )
            }
            _ => assert!(page.contains("Mot de passe inchangé"), "page {i}: {page}"),
        }
        // No other account's credentials leak onto this page.
        for (j, other) in letters.iter().enumerate().filter(|(j, _)| *j != i) {
            assert!(
                !page.contains(&other.identifier),
                "page {i} shows letter {j}'s identifier"
            );
            if let Some(pw) = &other.provisional_password {
                assert!(
                    !page.contains(pw.as_str()),
                    "page {i} shows letter {j}'s password"
                );
            }
        }
        assert!(
            page.contains("La cheffe ou le chef d'établissement"),
            "page {i}"
        );
        assert!(page.contains("LP LYC METIER Auguste Rodin"), "page {i}");
        assert!(page.contains("UAI 0450750W"), "page {i}");
        assert!(page.contains("Classe : 3EME4"), "page {i}");
    }
}

#[test]
fn accents_are_real_text() {
    let pdf = letters_pdf(&est(), &batch()).unwrap();
    let pages = letter_pages(&pdf);
    assert!(pages[0].contains("Bonjour Céline DUPONT,"));
    assert!(
        pages[0].contains("L'établissement LP LYC METIER Auguste Rodin met à votre disposition")
    );
    assert!(pages[0].contains("Mise à disposition de votre compte Éducation nationale"));
    assert!(pages[0].contains("profil « Élève »"));
    assert!(pages[1].contains("Jérôme LEFÈVRE"));
    assert!(pages[3].contains("Noël ŒUVRARD"));
    assert!(pages[2].contains("profil « Représentant légal »"));
}

#[test]
fn unchanged_password_is_said_and_no_password_is_printed() {
    let mut reminder = letter(
        AccountKind::Student,
        "Léa MARTIN",
        "lea.martin12",
        Some("ZZZZ9999"),
        LetterVariant::Unchanged,
    );
    reminder.urls.clear();
    let pdf = letters_pdf(&est(), &[reminder]).unwrap();
    let text = &letter_pages(&pdf)[0];
    assert!(text.contains("Mot de passe inchangé"), "{text}");
    assert!(!text.contains("ZZZZ9999"));
    assert!(text.contains("n'a pas été modifié"));
}

#[test]
fn guardians_letters_give_the_national_portal_and_the_configured_address() {
    let pdf = letters_pdf(&est(), &batch()[2..3]).unwrap();
    let text = &letter_pages(&pdf)[0];
    assert!(text.contains("Adresses de connexion :"), "{text}");
    assert!(text.contains(NATIONAL_PORTAL_URL));
    assert!(text.contains("https://ent.example.fr"));
}

#[test]
fn qr_code_opens_the_login_page_with_the_identifier_never_the_password() {
    let letters = batch();
    let pdf = letters_pdf(&est(), &letters).unwrap();
    // Page 1 is the class's separator page, which has no code.
    assert!(qr_codes(&pdf, 1, 100).is_empty());
    for (i, input) in letters.iter().enumerate() {
        let codes = qr_codes(&pdf, i + 2, 150);
        let expected = letter_qr_payload(input).unwrap();
        assert_eq!(codes, std::slice::from_ref(&expected), "page {}", i + 2);
        assert!(expected.contains(&format!("login={}", input.identifier)));
        if let Some(pw) = &input.provisional_password {
            assert!(!expected.contains(pw.as_str()));
        }
    }
    // The student's code opens the establishment's address, the guardian's the national portal.
    assert!(letter_qr_payload(&letters[0])
        .unwrap()
        .starts_with("https://ent.example.fr/"));
    assert!(letter_qr_payload(&letters[2])
        .unwrap()
        .starts_with(NATIONAL_PORTAL_URL));
}

#[test]
fn a_student_letter_without_address_has_no_code() {
    let mut input = batch().remove(0);
    input.urls.clear();
    assert_eq!(letter_qr_payload(&input), None);
    let pdf = letters_pdf(&est(), &[input]).unwrap();
    assert!(qr_codes(&pdf, 2, 100).is_empty());
    assert!(!letter_pages(&pdf)[0].contains("Adresse de connexion"));
}

#[test]
fn the_longest_letters_still_fit_on_one_page() {
    let long_name = format!(
        "Marie-Françoise Élisabeth Anne-Sophie {} DE LA ROCHEFOUCAULD-MONTMORENCY",
        "Bérénice ".repeat(4)
    );
    let mut letters = Vec::new();
    for kind in [AccountKind::Student, AccountKind::Guardian] {
        for variant in [
            LetterVariant::Provisional,
            LetterVariant::PasswordReset,
            LetterVariant::Unchanged,
            LetterVariant::FranceConnect,
        ] {
            let mut input = letter(
                kind,
                &long_name,
                "marie-francoise.de-la-rochefoucauld-montmorency12",
                Some("PT4HUMM2"),
                variant,
            );
            input.urls = vec![
                "https://ent.lycees-de-la-region-centre-val-de-loire.example.fr/connexion/educonnect/eleves-et-responsables".into(),
                "https://autre-adresse.example.fr/une/deuxieme/adresse".into(),
            ];
            input.class_label = Some("2NDE PRO MET.GEST.ADM., TRA & LOG. COMM.".into());
            letters.push(input);
        }
    }
    // A broken source record: clipped rather than pushing the letter onto a second page.
    let mut broken = letter(
        AccountKind::Student,
        &"Très long nom ".repeat(60),
        "x.y",
        Some("PT4HUMM2"),
        LetterVariant::Provisional,
    );
    broken.class_label = Some("CLASSE ".repeat(60));
    letters.push(broken);
    let long_est = sesame_documents::EstablishmentInfo {
        uai: "0450750W".into(),
        name: "LYCEE PROFESSIONNEL DES METIERS DE L'HOTELLERIE ET DE LA RESTAURATION Auguste Rodin"
            .into(),
    };
    let pdf = letters_pdf(&long_est, &letters).unwrap();
    // Two classes, so two separator pages, each on one page too.
    assert_eq!(page_count(&pdf), letters.len() + 2);
    let pages = letter_pages(&pdf);
    assert_eq!(pages.len(), letters.len());
    for (i, page) in pages.iter().enumerate() {
        // The last line of the letter is on its page: nothing ran off the bottom.
        assert!(
            page.contains("En cas de difficulté, contactez l'établissement."),
            "page {i}"
        );
        assert!(
            page.contains("La cheffe ou le chef d'établissement"),
            "page {i}"
        );
    }
}

#[test]
fn no_letters_is_an_error_not_an_empty_file() {
    assert!(matches!(
        letters_pdf(&est(), &[]),
        Err(DocumentError::NoLetters)
    ));
}

/// A letter of `class` for `first FAMILY`.
fn pupil(first: &str, family: &str, class: Option<&str>) -> LetterInput {
    let mut l = letter(
        AccountKind::Student,
        &format!("{first} {family}"),
        &format!("{}.{}1", first.to_lowercase(), family.to_lowercase()),
        Some("PT4HUMM2"),
        LetterVariant::Provisional,
    );
    l.class_label = class.map(str::to_owned);
    l
}

/// What a page is, as a person leafing through the pile would say: « Classe 3EME1 (2) »
/// for a separator, the addressee's name for a letter.
fn leaf(page: &str, letters: &[LetterInput]) -> String {
    if page.contains(SEPARATOR_HEADING) {
        let words = page.split_whitespace().collect::<Vec<_>>().join(" ");
        let class = if words.contains("Sans classe") {
            "Sans classe".to_owned()
        } else {
            let after = words.split("Classe ").nth(1).unwrap_or("?");
            format!("Classe {}", after.split(' ').next().unwrap_or("?"))
        };
        let count = words
            .split(" courrier")
            .next()
            .and_then(|head| head.rsplit(' ').next())
            .unwrap_or("?")
            .to_owned();
        format!("{class} ({count})")
    } else {
        letters
            .iter()
            .find(|l| page.contains(&format!("Identifiant : {}", l.identifier)))
            .map_or_else(|| "?".to_owned(), |l| l.person_display_name.clone())
    }
}

#[test]
fn letters_come_in_stacks_by_class_each_opened_by_a_separator_page() {
    let letters = vec![
        pupil("Zoé", "ADAM", Some("6EME10")),
        pupil("Léa", "MARTIN", Some("6EME2")),
        pupil("Hugo", "BERNARD", None),
        pupil("Émile", "ÉTIENNE", Some("6EME2")),
        pupil("Anne", "DURAND", Some("3EME1")),
        pupil("Adam", "DURAND", Some("3EME1")),
        pupil("Inès", "COLIN", Some("  ")),
    ];
    let at: chrono::DateTime<chrono::Utc> = "2026-09-14T06:30:00Z".parse().unwrap();
    let pdf = letters_pdf_at(&est(), &letters, at).unwrap();
    let pages = pages(&pdf);
    let leaves: Vec<String> = pages.iter().map(|p| leaf(p, &letters)).collect();
    // Classes in natural order (6EME2 before 6EME10), names within a class (accents aside),
    // letters without a class in a last stack.
    assert_eq!(
        leaves,
        [
            "Classe 3EME1 (2)",
            "Adam DURAND",
            "Anne DURAND",
            "Classe 6EME2 (2)",
            "Émile ÉTIENNE",
            "Léa MARTIN",
            "Classe 6EME10 (1)",
            "Zoé ADAM",
            "Sans classe (2)",
            "Hugo BERNARD",
            "Inès COLIN",
        ]
    );
    let separator = &pages[0];
    // The date of the print run, in Paris time, and where the stack falls in the pile.
    assert!(
        separator.contains("Édités le 14/09/2026 à 08:30"),
        "{separator}"
    );
    assert!(separator.contains("Paquet 1 sur 4"), "{separator}");
    assert!(
        separator.contains("LP LYC METIER Auguste Rodin"),
        "{separator}"
    );
    assert!(pages[3].contains("2 courriers"), "{}", pages[3]);
    assert!(pages[6].contains("1 courrier"), "{}", pages[6]);
    assert!(pages[8].contains("Paquet 4 sur 4"), "{}", pages[8]);
    // A separator page hands nothing out: no identifier, no password on it.
    for p in pages.iter().filter(|p| p.contains(SEPARATOR_HEADING)) {
        assert!(!p.contains("PT4HUMM2") && !p.contains("Identifiant"), "{p}");
    }
}

#[test]
fn a_guardians_separator_says_the_class_is_their_pupils() {
    let mut parent = letter(
        AccountKind::Guardian,
        "Françoise N'DIAYE",
        "francoise.ndiaye",
        Some("GMCB9EBM"),
        LetterVariant::Provisional,
    );
    parent.class_label = Some("4EME3".into());
    let pdf = letters_pdf(&est(), &[parent]).unwrap();
    let words = pages(&pdf)[0]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("Classe 4EME3"), "{words}");
    assert!(
        words.contains("1 courrier pour des responsables d'élèves de cette classe"),
        "{words}"
    );
    assert!(letter_pages(&pdf)[0].contains("Classe : 4EME3"));
}
