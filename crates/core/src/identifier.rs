//! National identifiers (`celine.dupont114`) and ENT logins (`jean.dupont2`), built from names
//! folded to lower-case ASCII (domain.md "Identifiers").

use rand::Rng;
use thiserror::Error;

/// Each folded name part is bounded, so identifiers stay typeable and fit any downstream
/// directory (ENT, AAF) column.
pub const MAX_NAME_PART_LENGTH: usize = 30;

/// Characters read as apostrophes: they join the parts of a name (d'Artagnan → dartagnan)
/// instead of separating them. Checked before anything else because some (ʼ, ʻ) are letters
/// for Unicode.
const APOSTROPHES: [char; 8] = ['\'', '’', '‘', 'ʼ', 'ʻ', '`', '´', '′'];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum IdentifierError {
    #[error("Le prénom ne contient aucune lettre utilisable pour un identifiant")]
    EmptyFirstName,
    #[error("Le nom de famille ne contient aucune lettre utilisable pour un identifiant")]
    EmptyFamilyName,
}

/// Accumulates folded letters, turning runs of separators into one hyphen between letters.
struct Folder {
    out: String,
    pending_hyphen: bool,
}

impl Folder {
    fn letter(&mut self, c: char) {
        if self.pending_hyphen && !self.out.is_empty() {
            self.out.push('-');
        }
        self.pending_hyphen = false;
        self.out.push(c.to_ascii_lowercase());
    }

    fn separator(&mut self) {
        self.pending_hyphen = true;
    }

    /// Transliterations are ASCII but not only letters (CJK syllables end with a space, some
    /// Cyrillic signs become an apostrophe), so they go through the same classification.
    fn ascii(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_ascii_alphabetic() {
                self.letter(c);
            } else if c == ' ' || (c.is_ascii_punctuation() && !APOSTROPHES.contains(&c)) {
                self.separator();
            }
        }
    }
}

/// Folds a name part to what an identifier may hold: lower-case ASCII letters and single inner
/// hyphens, at most [`MAX_NAME_PART_LENGTH`] characters.
///
/// Accents go (é → e, ç → c), ligatures and ß expand (œ → oe, æ → ae, ß → ss), apostrophes
/// vanish (D'Artagnan → dartagnan), spaces and punctuation between words become one hyphen
/// (Le Gall → le-gall), digits and symbols are dropped. The result is idempotent.
pub fn fold_name(s: &str) -> String {
    let mut folder = Folder {
        out: String::with_capacity(s.len()),
        pending_hyphen: false,
    };
    for c in s.chars() {
        if APOSTROPHES.contains(&c) || c.is_numeric() {
            continue;
        }
        if c.is_alphabetic() {
            // Letters without a transliteration are dropped rather than guessed.
            if let Some(ascii) = deunicode::deunicode_char(c) {
                folder.ascii(ascii);
            }
        } else if c.is_whitespace() {
            folder.separator();
        } else if let Some(ascii) = deunicode::deunicode_char(c) {
            // Dashes, underscores, dots, slashes… of any script separate words; combining
            // accents (decomposed input) and symbols transliterate to nothing or to words
            // (emoji names), and are dropped.
            if !ascii.is_empty() && ascii.chars().all(|a| a.is_ascii_punctuation()) {
                folder.separator();
            }
        }
    }
    let mut out = folder.out;
    if out.len() > MAX_NAME_PART_LENGTH {
        out.truncate(MAX_NAME_PART_LENGTH);
        let kept = out.trim_end_matches('-').len();
        out.truncate(kept);
    }
    out
}

/// The identifier without its number: `celine.dupont`.
pub fn identifier_base(first_name: &str, family_name: &str) -> Result<String, IdentifierError> {
    let first = fold_name(first_name);
    if first.is_empty() {
        return Err(IdentifierError::EmptyFirstName);
    }
    let family = fold_name(family_name);
    if family.is_empty() {
        return Err(IdentifierError::EmptyFamilyName);
    }
    Ok(format!("{first}.{family}"))
}

/// The range of numbers tried at a given attempt. Short numbers first, since people type these
/// identifiers; wider ranges once short ones keep colliding (a common name like `lea.martin`).
pub fn candidate_number_range(attempt: u32) -> std::ops::RangeInclusive<u32> {
    match attempt {
        0..=4 => 1..=999,
        5..=9 => 1_000..=99_999,
        _ => 100_000..=99_999_999,
    }
}

/// A candidate identifier: the base and a random number. Uniqueness is not checked here: the
/// database's unique constraint is the guard (it also holds under concurrent creation), and
/// the caller retries with `attempt + 1` on a conflict.
pub fn identifier_candidate<R: Rng + ?Sized>(base: &str, attempt: u32, rng: &mut R) -> String {
    let n = rng.gen_range(candidate_number_range(attempt));
    format!("{base}{n}")
}

/// The identifier without its trailing number.
pub fn base_of(identifier: &str) -> &str {
    identifier.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Whether a string has the shape of a national identifier (base and number).
pub fn is_identifier_shaped(s: &str) -> bool {
    let base = base_of(s);
    if base.len() == s.len() {
        return false;
    }
    match base.split_once('.') {
        Some((first, family)) => [first, family].iter().all(|part| {
            !part.is_empty()
                && part.len() <= MAX_NAME_PART_LENGTH
                && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        }),
        None => false,
    }
}

/// The ENT directory login: `firstname.lastname`, folded like identifiers.
pub fn ent_login(first_name: &str, family_name: &str) -> Result<String, IdentifierError> {
    identifier_base(first_name, family_name)
}

/// The n-th homonym's ENT login: the first keeps the plain login, the next ones are numbered
/// from 2, as ENT directories do.
pub fn ent_login_with_suffix(base: &str, n: u32) -> String {
    if n <= 1 {
        base.to_owned()
    } else {
        format!("{base}{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn folding_examples() {
        let cases = [
            ("Céline", "celine"),
            ("DUPONT", "dupont"),
            ("Jean-Éudes", "jean-eudes"),
            ("D'Artagnan", "dartagnan"),
            ("D’Artagnan", "dartagnan"),
            ("Le Gall", "le-gall"),
            ("Jean Pierre", "jean-pierre"),
            ("Müller", "muller"),
            ("Œdipe", "oedipe"),
            ("Lætitia", "laetitia"),
            ("Weiß", "weiss"),
            ("François", "francois"),
            ("Anaïs", "anais"),
            ("Hélène-Åsa", "helene-asa"),
            ("Łukasz", "lukasz"),
            ("Søren", "soren"),
            ("  Jean  --  Pierre  ", "jean-pierre"),
            ("-Jean-", "jean"),
            ("Jean_Pierre", "jean-pierre"),
            ("Jean–Pierre", "jean-pierre"), // en dash
            ("Saint-Jean\u{a0}de Luz", "saint-jean-de-luz"),
            ("Louis 14", "louis"),
            ("Jean2Pierre", "jeanpierre"),
            ("Ren\u{e9}e", "renee"),
            ("Rene\u{301}e", "renee"), // decomposed accent
            ("Zoé 🦄", "zoe"),
            ("Мария", "mariia"),
            ("", ""),
            ("'", ""),
            ("1234", ""),
            ("- -", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(fold_name(input), expected, "{input:?}");
        }
    }

    #[test]
    fn folding_bounds_parts_to_thirty_characters() {
        let long = "Abcdefghijklmnopqrstuvwxyzabcdefghijklmn"; // 40 letters
        assert_eq!(long.len(), 40);
        let folded = fold_name(long);
        assert_eq!(folded, "abcdefghijklmnopqrstuvwxyzabcd");
        assert_eq!(folded.len(), 30);
        // The cut falls just after a hyphen, which must not be left dangling.
        let compound = "Abcdefghijklmnopqrstuvwxyzabc Defghij"; // hyphen at position 29
        let folded = fold_name(compound);
        assert_eq!(folded, "abcdefghijklmnopqrstuvwxyzabc");
        // Ligature expansion counts towards the bound.
        assert_eq!(fold_name(&"œ".repeat(20)).len(), 30);
    }

    #[test]
    fn folding_is_idempotent_on_examples() {
        for s in ["Le Gall", "D'Artagnan", "Jean-Éudes", "Œdipe", "  a--b  "] {
            let once = fold_name(s);
            assert_eq!(fold_name(&once), once);
        }
    }

    #[test]
    fn identifier_base_joins_first_and_family_names() {
        assert_eq!(
            identifier_base("Céline", "Dupont").unwrap(),
            "celine.dupont"
        );
        assert_eq!(
            identifier_base("Jean-Éudes", "Le Gall").unwrap(),
            "jean-eudes.le-gall"
        );
        assert_eq!(
            identifier_base("Œdipe", "D'Artagnan").unwrap(),
            "oedipe.dartagnan"
        );
        assert_eq!(
            identifier_base("", "Dupont"),
            Err(IdentifierError::EmptyFirstName)
        );
        assert_eq!(
            identifier_base("Céline", "--"),
            Err(IdentifierError::EmptyFamilyName)
        );
    }

    #[test]
    fn candidates_grow_their_number_range() {
        let mut rng = StdRng::seed_from_u64(1);
        for attempt in 0..20 {
            let range = candidate_number_range(attempt);
            for _ in 0..50 {
                let id = identifier_candidate("celine.dupont", attempt, &mut rng);
                let n: u32 = id["celine.dupont".len()..].parse().unwrap();
                assert!(range.contains(&n), "attempt {attempt}: {id}");
                assert!(!id["celine.dupont".len()..].starts_with('0'));
            }
        }
        assert_eq!(candidate_number_range(0), 1..=999);
        assert_eq!(candidate_number_range(4), 1..=999);
        assert_eq!(candidate_number_range(5), 1_000..=99_999);
        assert_eq!(candidate_number_range(9), 1_000..=99_999);
        assert_eq!(*candidate_number_range(10).start(), 100_000);
    }

    #[test]
    fn base_of_strips_the_number() {
        assert_eq!(base_of("celine.dupont114"), "celine.dupont");
        assert_eq!(base_of("celine.dupont"), "celine.dupont");
        assert_eq!(base_of("jean-eudes.le-gall7"), "jean-eudes.le-gall");
        assert_eq!(base_of(""), "");
    }

    #[test]
    fn identifier_shape() {
        assert!(is_identifier_shaped("celine.dupont114"));
        assert!(is_identifier_shaped("jean-eudes.le-gall7"));
        assert!(!is_identifier_shaped("celine.dupont"));
        assert!(!is_identifier_shaped("Celine.dupont1"));
        assert!(!is_identifier_shaped("celinedupont1"));
        assert!(!is_identifier_shaped(".dupont1"));
        assert!(!is_identifier_shaped("celine.-dupont1"));
    }

    #[test]
    fn ent_logins() {
        assert_eq!(ent_login("Jean", "Dupont").unwrap(), "jean.dupont");
        assert_eq!(
            ent_login("Jean", "").unwrap_err(),
            IdentifierError::EmptyFamilyName
        );
        assert_eq!(ent_login_with_suffix("jean.dupont", 0), "jean.dupont");
        assert_eq!(ent_login_with_suffix("jean.dupont", 1), "jean.dupont");
        assert_eq!(ent_login_with_suffix("jean.dupont", 2), "jean.dupont2");
        assert_eq!(ent_login_with_suffix("jean.dupont", 13), "jean.dupont13");
    }
}
