//! Properties of everything Sésame generates: provisional passwords, folded names, identifiers.

use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use sesame_core::identifier::{is_identifier_shaped, MAX_NAME_PART_LENGTH};
use sesame_core::{
    base_of, fold_name, generate_provisional, identifier_base, identifier_candidate,
    is_provisional_shaped, PROVISIONAL_ALPHABET,
};

/// Names as they come from the sources: accents, ligatures, apostrophes, separators, digits,
/// other scripts, combining marks and the odd emoji.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-zÀ-ÿŒœÆæß' -]{0,45}",
        "[a-zA-Z]{1,12}([ '’-][a-zA-Z]{1,12}){0,3}",
        ".{0,40}",
        "[\\PC]{0,50}",
        "[a-z\u{300}-\u{36f}]{0,20}",
    ]
}

fn is_folded(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.len() <= MAX_NAME_PART_LENGTH
}

proptest! {
    #[test]
    fn provisional_passwords_are_eight_unambiguous_characters(seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        let pw = generate_provisional(&mut rng);
        prop_assert_eq!(pw.len(), 8);
        prop_assert!(pw.chars().all(|c| PROVISIONAL_ALPHABET.contains(c)), "{}", pw);
        prop_assert!(!pw.contains(['0', 'O', '1', 'I', 'L']), "{}", pw);
        prop_assert!(is_provisional_shaped(&pw));
    }

    #[test]
    fn folded_names_are_lower_case_ascii_letters_and_single_hyphens(s in name()) {
        let folded = fold_name(&s);
        prop_assert!(is_folded(&folded), "{:?} -> {:?}", s, folded);
        prop_assert_eq!(fold_name(&folded), folded.clone(), "not idempotent on {:?}", s);
    }

    #[test]
    fn plain_ascii_words_survive_folding(words in prop::collection::vec("[a-z]{1,6}", 1..4)) {
        let joined = words.join(" ");
        let folded = fold_name(&joined.to_uppercase());
        prop_assert_eq!(folded, words.join("-"));
    }

    #[test]
    fn identifier_bases_have_the_national_shape(first in name(), family in name()) {
        prop_assume!(!fold_name(&first).is_empty() && !fold_name(&family).is_empty());
        let base = identifier_base(&first, &family).unwrap();
        let (f, l) = base.split_once('.').unwrap();
        prop_assert!(!f.is_empty() && is_folded(f), "{}", base);
        prop_assert!(!l.is_empty() && is_folded(l), "{}", base);
        prop_assert!(!l.contains('.'));
    }

    #[test]
    fn identifier_base_fails_exactly_when_a_part_folds_to_nothing(first in name(), family in name()) {
        let ok = !fold_name(&first).is_empty() && !fold_name(&family).is_empty();
        prop_assert_eq!(identifier_base(&first, &family).is_ok(), ok);
    }

    #[test]
    fn candidates_are_the_base_and_a_number(
        first in "[a-zA-Zé -]{1,40}",
        family in "[a-zA-Zé' -]{1,40}",
        attempt in 0u32..30,
        seed in any::<u64>(),
    ) {
        prop_assume!(identifier_base(&first, &family).is_ok());
        let base = identifier_base(&first, &family).unwrap();
        let mut rng = StdRng::seed_from_u64(seed);
        let candidate = identifier_candidate(&base, attempt, &mut rng);
        prop_assert!(candidate.starts_with(&base));
        let number = &candidate[base.len()..];
        prop_assert!(!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()), "{}", candidate);
        prop_assert!(!number.starts_with('0'), "{}", candidate);
        prop_assert_eq!(base_of(&candidate), base.as_str());
        prop_assert!(is_identifier_shaped(&candidate), "{}", candidate);
    }
}
