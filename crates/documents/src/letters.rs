//! The individual notification letters: one A4 page an account, to print and hand out.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sesame_core::csv_cell::fr_date_time;
use sesame_core::identifier::fold_name;
use sesame_core::letter::{self as core_letter, Letter};
use sesame_core::AccountKind;

use crate::layout::{self, Align, Flow, Style};
use crate::pdf::{mm, Document, Orientation};
use crate::qr::Qr;
use crate::sorting::human_cmp;
use crate::{par, DocumentError, EstablishmentInfo, LetterInput};

/// Printed width of the QR code: comfortably scanned from a sheet held at arm's length.
const QR_SIZE_MM: f32 = 28.0;

/// Names and labels from the source systems are clipped to this many characters, so that a
/// letter always fits on its one page (the longest real ones are far shorter).
const MAX_LABEL_CHARS: usize = 120;

fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_LABEL_CHARS) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

/// The addresses a letter gives: core's rule (guardians get the national portal first) applied
/// to every address the establishment configured, without duplicates.
pub fn letter_urls_for(kind: AccountKind, configured: &[String]) -> Vec<String> {
    let mut urls = core_letter::letter_urls(kind, None);
    for url in configured {
        for u in core_letter::letter_urls(kind, Some(url)) {
            if !urls.contains(&u) {
                urls.push(u);
            }
        }
    }
    urls
}

/// What a letter's QR code holds: the login page, carrying the identifier as a `login` query
/// parameter, so that scanning opens the page in one tap on any phone (a plain-text payload
/// only shows text on many of them). Never the password: a code is read by any camera that sees
/// the sheet, and the letter already prints the password for the person it is meant for.
pub fn qr_payload(url: &str, identifier: &str) -> String {
    // Sésame's own page for this very person (see [`holder_page_url`]) already names them.
    if has_login_parameter(url) {
        return url.to_owned();
    }
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let mut out = base.to_owned();
    // "https://host" has an empty path; the query needs the "/" before it to read naturally.
    if let Some((_, rest)) = out.split_once("://") {
        if !rest.contains('/') && !rest.contains('?') {
            out.push('/');
        }
    }
    if !out.contains('?') {
        out.push('?');
    } else if !out.ends_with('?') && !out.ends_with('&') {
        out.push('&');
    }
    out.push_str("login=");
    out.push_str(&percent_encode(identifier));
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// The QR payload of a letter: Sésame's holder page when the letter carries it (it is where
/// the account is activated), else the first address (for guardians, the national portal);
/// `None` when the letter has no address to open.
pub fn letter_qr_payload(letter: &LetterInput) -> Option<String> {
    let urls = letter_urls_for(letter.kind, &letter.urls);
    urls.iter()
        .find(|u| has_login_parameter(u))
        .or_else(|| urls.first())
        .map(|url| qr_payload(url, &letter.identifier))
}

/// The account holders' page of a Sésame reached at `public_url` (`SESAME_PUBLIC_URL`), with
/// the person's identifier pre-filled: `https://sesame.example.fr/compte?login=celine.dupont114`.
/// Letters print it as the « adresse de connexion » and their QR code opens it, when the
/// establishment has no active notification URL.
pub fn holder_page_url(public_url: &str, identifier: &str) -> String {
    format!(
        "{}/compte?login={}",
        public_url.trim().trim_end_matches('/'),
        percent_encode(identifier)
    )
}

fn has_login_parameter(url: &str) -> bool {
    let query = url
        .split('#')
        .next()
        .and_then(|u| u.split_once('?'))
        .map_or("", |(_, q)| q);
    query.split('&').any(|pair| pair.starts_with("login="))
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The letters of a (re)notification, generated now: see [`letters_pdf_at`].
pub fn letters_pdf(
    est: &EstablishmentInfo,
    letters: &[LetterInput],
) -> Result<Vec<u8>, DocumentError> {
    letters_pdf_at(est, letters, Utc::now())
}

/// One page per letter, in stacks to hand out: by class (natural order, letters without a
/// class last), then by family and first name, each class's stack opened by a separator page
/// naming the class, how many letters follow and when they were printed. Whoever hands them
/// out cuts the pile at the separators and gives each head teacher their class.
pub fn letters_pdf_at(
    est: &EstablishmentInfo,
    letters: &[LetterInput],
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, DocumentError> {
    if letters.is_empty() {
        return Err(DocumentError::NoLetters);
    }
    let ordered = handing_out_order(letters);
    // Choosing a QR mask is the costliest step of a letter: done on every core up front.
    let codes = par::map(&ordered, |l| letter_qr_payload(l).map(|p| Qr::encode(&p)));
    let mut doc = Document::new(
        &format!("Courriers ÉduConnect — {}", est.name),
        generated_at,
        Orientation::Portrait,
    )?;
    let est = EstablishmentInfo {
        uai: est.uai.clone(),
        name: clip(&est.name),
    };
    let stacks: Vec<&[&LetterInput]> = ordered
        .chunk_by(|a, b| class_of(a) == class_of(b))
        .collect();
    let mut blocks = Blocks::default();
    let mut codes = codes.into_iter();
    for (i, stack) in stacks.iter().enumerate() {
        let position = (i + 1, stacks.len());
        separator(&mut doc, &est, stack, position, generated_at);
        for (input, code) in stack.iter().zip(codes.by_ref()) {
            page(&mut doc, &mut blocks, &est, input, code.transpose()?)?;
        }
    }
    doc.finish()
}

/// The class a letter is handed out in; `None` (« Sans classe ») for a blank label.
fn class_of(letter: &LetterInput) -> Option<&str> {
    letter
        .class_label
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
}

/// Class (naturally: `6EME2` before `6EME10`), letters without a class last; then family
/// name and first name folded as the console's searches sort them (accents, case and
/// apostrophes aside), so a stack reads in the order of the class's list on screen; the
/// identifier breaks ties.
fn handing_out_order(letters: &[LetterInput]) -> Vec<&LetterInput> {
    let mut keyed: Vec<((String, String), &LetterInput)> = letters
        .iter()
        .map(|l| ((fold_name(&l.family_name), fold_name(&l.first_name)), l))
        .collect();
    keyed.sort_by(|(ka, a), (kb, b)| {
        let class = match (class_of(a), class_of(b)) {
            (Some(x), Some(y)) => human_cmp(x, y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        class
            .then_with(|| ka.cmp(kb))
            .then_with(|| a.identifier.cmp(&b.identifier))
    });
    keyed.into_iter().map(|(_, l)| l).collect()
}

/// The page before a class's letters: no credentials on it, only what the person sorting
/// the pile needs (which class, how many letters, which print run).
fn separator(
    doc: &mut Document,
    est: &EstablishmentInfo,
    stack: &[&LetterInput],
    (position, stacks): (usize, usize),
    generated_at: DateTime<Utc>,
) {
    let (left, top, width, bottom) = layout::body(doc.size());
    let class = class_of(stack[0]).map(clip);
    let count = stack.len();
    let guardians = stack.iter().all(|l| l.kind == AccountKind::Guardian);
    let mut page = doc.page();
    let mut flow = Flow::new(&mut page, left, width, top);
    flow.paragraph(Style::bold(11.0), &est.name, Align::Left);
    flow.paragraph(
        Style::regular(9.0),
        &format!("UAI {}", est.uai),
        Align::Left,
    );
    flow.y = top + (bottom - top) * 0.3;
    flow.paragraph(
        Style::regular(12.0).grey(),
        "Courriers ÉduConnect à remettre",
        Align::Center,
    );
    flow.gap(10.0);
    let title = match &class {
        Some(c) => format!("Classe {c}"),
        None => "Sans classe".to_owned(),
    };
    flow.paragraph(Style::bold(30.0), &title, Align::Center);
    flow.gap(10.0);
    let letters = if count == 1 {
        "1 courrier".to_owned()
    } else {
        format!("{count} courriers")
    };
    let whom = match (guardians, &class) {
        (true, Some(_)) => " pour des responsables d'élèves de cette classe",
        (true, None) => " pour des responsables d'élèves sans classe",
        (false, _) => "",
    };
    flow.paragraph(
        Style::bold(16.0),
        &format!("{letters}{whom}"),
        Align::Center,
    );
    flow.gap(6.0);
    flow.paragraph(
        Style::regular(11.0),
        &format!("Édités le {}", fr_date_time(generated_at)),
        Align::Center,
    );
    flow.gap(30.0);
    let advice = if count == 1 {
        "Le courrier qui suit porte un mot de passe personnel : remettez-le à la personne dont \
         il porte le nom."
    } else {
        "Les courriers qui suivent sont rangés par ordre alphabétique. Chacun porte un mot de \
         passe personnel : remettez-le à la personne dont il porte le nom."
    };
    flow.paragraph(Style::regular(10.0), advice, Align::Left);
    flow.y = bottom - Style::regular(9.0).leading();
    flow.paragraph(
        Style::regular(9.0).grey(),
        &format!("Paquet {position} sur {stacks}"),
        Align::Right,
    );
    page.finish();
}

/// What letters share, drawn once as forms and placed on each page: most of a letter's text is
/// the same for every account of a kind and variant, and repeating it 2,000 times was most of
/// the document's bytes and compression time. Keyed by the text itself, so a letter whose text
/// differs simply gets its own form.
#[derive(Default)]
struct Blocks {
    forms: HashMap<String, (usize, f32)>,
}

impl Blocks {
    /// The form holding `key`'s block, drawn by `draw` from the top of a page the first time;
    /// returns the form and its height.
    fn get(
        &mut self,
        doc: &mut Document,
        key: String,
        draw: impl FnOnce(&mut Flow<'_, '_>),
    ) -> (usize, f32) {
        *self.forms.entry(key).or_insert_with(|| {
            let (left, _, width, _) = layout::body(doc.size());
            let mut form = doc.form();
            let mut flow = Flow::new(&mut form, left, width, 0.0);
            draw(&mut flow);
            let height = flow.y;
            (form.finish(), height)
        })
    }
}

fn page(
    doc: &mut Document,
    blocks: &mut Blocks,
    est: &EstablishmentInfo,
    input: &LetterInput,
    code: Option<Qr>,
) -> Result<(), DocumentError> {
    let person = clip(&input.person_display_name);
    let letter = Letter::build(core_letter::LetterInput {
        kind: input.kind,
        variant: input.variant,
        establishment_name: &est.name,
        person_display_name: &person,
        identifier: &input.identifier,
        provisional_password: input.provisional_password.as_deref(),
        configured_url: None,
    });
    let urls = letter_urls_for(input.kind, &input.urls);
    let (left, top, width, _) = layout::body(doc.size());

    let sender = blocks.get(doc, "sender".into(), |flow| {
        flow.width *= 0.58;
        flow.paragraph(Style::bold(11.0), &est.name, Align::Left);
        flow.paragraph(
            Style::regular(9.0),
            &format!("UAI {}", est.uai),
            Align::Left,
        );
        flow.paragraph(
            Style::regular(9.0).grey(),
            "Administration des comptes ÉduConnect",
            Align::Left,
        );
    });
    // Core's first paragraph is the greeting, the only one naming the person.
    let (greeting, shared) = letter
        .paragraphs
        .split_first()
        .map_or(("", &[][..]), |(g, rest)| (g.as_str(), rest));
    let body = blocks.get(doc, format!("body\n{}", shared.join("\n")), |flow| {
        for paragraph in shared {
            flow.paragraph(Style::regular(10.0), paragraph, Align::Left);
            flow.gap(5.0);
        }
    });
    let closing = blocks.get(doc, "closing".into(), |flow| {
        flow.paragraph(Style::regular(10.0), letter.signature, Align::Right);
        flow.gap(18.0);
        flow.paragraph(Style::regular(9.0).grey(), letter.help, Align::Left);
    });

    let mut page = doc.page();
    // Establishment on the left, addressee on the right, as on a posted letter.
    page.place_form(sender.0, top);
    let mut addressee = Flow::new(&mut page, left + width * 0.6, width * 0.4, top);
    addressee.paragraph(Style::bold(11.0), &person, Align::Right);
    if let Some(class) = input
        .class_label
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        let class = format!("Classe : {}", clip(class));
        addressee.paragraph(Style::regular(9.0), &class, Align::Right);
    }
    let heading_bottom = (top + sender.1).max(addressee.y);

    let mut flow = Flow::new(&mut page, left, width, heading_bottom + 26.0);
    flow.paragraph(Style::bold(14.0), &letter.title, Align::Left);
    flow.gap(10.0);
    flow.paragraph(Style::regular(10.0), greeting, Align::Left);
    flow.gap(5.0);
    let body_top = flow.y;
    page.place_form(body.0, body_top);
    let box_top = body_top + body.1 + 6.0;

    // The credentials, boxed, identifier and password large enough to copy without a mistake.
    let pad = 9.0;
    let mut credentials = Flow::new(&mut page, left + pad, width - 2.0 * pad, box_top + pad);
    for (i, line) in letter.credentials.iter().enumerate() {
        let style = if i == 0 {
            Style::bold(11.0)
        } else {
            Style::regular(13.0)
        };
        credentials.paragraph(style, line, Align::Left);
    }
    let box_bottom = credentials.y + pad - 3.0;
    page.frame(left, box_top, width, box_bottom - box_top, 0.8);

    let mut y = box_bottom + 18.0;
    if !urls.is_empty() {
        let mut text = Flow::new(&mut page, left, width * 0.62, y);
        let heading = if urls.len() == 1 {
            "Adresse de connexion :"
        } else {
            "Adresses de connexion :"
        };
        text.paragraph(Style::bold(10.0), heading, Align::Left);
        for url in &urls {
            text.paragraph(Style::regular(10.0), url, Align::Left);
        }
        let mut bottom = text.y;
        if let Some(code) = code {
            let size = mm(QR_SIZE_MM);
            code.draw(&mut page, left + width - size, y, size);
            let mut caption = Flow::new(&mut page, left + width * 0.5, width * 0.5, y + size);
            caption.paragraph(
                Style::regular(7.0).grey(),
                "Scannez pour ouvrir la page de connexion",
                Align::Right,
            );
            bottom = bottom.max(caption.y);
        }
        y = bottom + 14.0;
    }
    page.place_form(closing.0, y);
    page.finish();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_core::{LetterVariant, NATIONAL_PORTAL_URL};

    fn input(kind: AccountKind, urls: &[&str]) -> LetterInput {
        LetterInput {
            kind,
            person_display_name: "Céline DUPONT".into(),
            family_name: "DUPONT".into(),
            first_name: "Céline".into(),
            identifier: "celine.dupont114".into(),
            provisional_password: Some("PT4HUMM2".into()),
            variant: LetterVariant::Provisional,
            urls: urls.iter().map(|u| u.to_string()).collect(),
            class_label: Some("3EME4".into()),
        }
    }

    #[test]
    fn payload_opens_the_login_page_with_the_identifier() {
        assert_eq!(
            qr_payload("https://teleservices.education.gouv.fr", "celine.dupont114"),
            "https://teleservices.education.gouv.fr/?login=celine.dupont114"
        );
        assert_eq!(
            qr_payload("https://ent.example.fr/connexion?src=courrier#top", "a.b2"),
            "https://ent.example.fr/connexion?src=courrier&login=a.b2#top"
        );
        assert_eq!(
            qr_payload("https://ent.example.fr/", "jean marc&x"),
            "https://ent.example.fr/?login=jean%20marc%26x"
        );
    }

    #[test]
    fn payload_never_holds_the_password() {
        for kind in [AccountKind::Student, AccountKind::Guardian] {
            let letter = input(kind, &["https://ent.example.fr"]);
            let payload = letter_qr_payload(&letter).unwrap();
            assert!(!payload.contains("PT4HUMM2"), "{payload}");
            assert!(payload.contains("login=celine.dupont114"), "{payload}");
        }
    }

    #[test]
    fn guardians_code_opens_the_national_portal() {
        let guardian = input(AccountKind::Guardian, &["https://ent.example.fr"]);
        assert!(letter_qr_payload(&guardian)
            .unwrap()
            .starts_with(NATIONAL_PORTAL_URL));
        let student = input(AccountKind::Student, &["https://ent.example.fr"]);
        assert!(letter_qr_payload(&student)
            .unwrap()
            .starts_with("https://ent.example.fr/"));
        assert_eq!(letter_qr_payload(&input(AccountKind::Student, &[])), None);
    }

    #[test]
    fn sesame_page_is_opened_with_the_identifier_once() {
        let page = holder_page_url("https://sesame.example.fr/", "celine.dupont114");
        assert_eq!(
            page,
            "https://sesame.example.fr/compte?login=celine.dupont114"
        );
        assert_eq!(qr_payload(&page, "celine.dupont114"), page);
        let student = input(AccountKind::Student, &[&page]);
        assert_eq!(letter_qr_payload(&student).unwrap(), page);
        // Guardians' letters still print the national portal first, but the code opens the
        // page where the account can be activated.
        let guardian = input(AccountKind::Guardian, &[&page]);
        assert_eq!(
            letter_urls_for(AccountKind::Guardian, &guardian.urls),
            [NATIONAL_PORTAL_URL.to_owned(), page.clone()]
        );
        assert_eq!(letter_qr_payload(&guardian).unwrap(), page);
    }

    #[test]
    fn overlong_labels_are_clipped() {
        assert_eq!(clip("Céline"), "Céline");
        let long = "é".repeat(300);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), MAX_LABEL_CHARS + 1);
        assert!(clipped.ends_with('…'));
    }

    #[test]
    fn addresses_follow_core_and_are_not_repeated() {
        let urls = letter_urls_for(
            AccountKind::Guardian,
            &[
                "https://lycees.netocentre.fr".into(),
                NATIONAL_PORTAL_URL.into(),
                " https://lycees.netocentre.fr ".into(),
                "".into(),
            ],
        );
        assert_eq!(urls, [NATIONAL_PORTAL_URL, "https://lycees.netocentre.fr"]);
        assert!(letter_urls_for(AccountKind::Student, &[]).is_empty());
    }
}
