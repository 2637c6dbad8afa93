//! French wording and small pure helpers, kept apart from the DOM so they test natively.

use sesame_api::establishments::Establishment;

/// `Retry-After` in its delay-seconds form; the HTTP-date form is left to the caller.
pub fn retry_after_seconds(value: &str) -> Option<u64> {
    value.trim().parse().ok()
}

pub fn too_many_attempts(retry_after_secs: Option<u64>) -> String {
    match retry_after_secs {
        // French keeps the singular for 0 and 1; "dans 0 seconde" would read as a bug.
        Some(n) => {
            let n = n.max(1);
            let s = if n > 1 { "s" } else { "" };
            format!("Trop de tentatives, réessayez dans {n} seconde{s}.")
        }
        None => "Trop de tentatives, réessayez dans quelques instants.".into(),
    }
}

/// A problem title as a sentence, so it can be followed by its detail.
pub fn sentence(title: &str) -> String {
    let t = title.trim();
    if t.ends_with(['.', '!', '?', '…']) {
        t.to_owned()
    } else {
        format!("{t}.")
    }
}

/// `DD/MM/YYYY`, the way French administrations write dates.
pub fn date_fr(day: u32, month: u32, year: i32) -> String {
    format!("{day:02}/{month:02}/{year:04}")
}

/// Lower case without diacritics: staff type "metier" for "MÉTIER", "lycee" for "Lycée".
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            '’' => '\'',
            c => c,
        })
        .collect()
}

/// Whether an establishment answers a search typed in the chooser: every word must appear in
/// its UAI or its name, in any order.
pub fn establishment_matches(e: &Establishment, query: &str) -> bool {
    let haystack = fold(&format!("{} {}", e.uai, e.name));
    fold(query)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

pub fn kind_label(kind: &str) -> &str {
    match kind {
        "ecole" => "École",
        "college" => "Collège",
        "lycee" => "Lycée",
        "lp" => "Lycée professionnel",
        other => other,
    }
}

fn establishments(n: usize) -> String {
    match n {
        0 => "aucun établissement".into(),
        1 => "1 établissement".into(),
        n => format!("{n} établissements"),
    }
}

/// What the live region says about the list after loading or after each keystroke.
pub fn list_status(shown: usize, total: usize, query: &str) -> String {
    let query = query.trim();
    if total == 0 {
        "Aucun établissement n’est rattaché à votre compte.".into()
    } else if query.is_empty() {
        if total == 1 {
            "1 établissement disponible.".into()
        } else {
            format!("{total} établissements disponibles.")
        }
    } else if shown == 0 {
        format!("Aucun établissement ne correspond à « {query} ».")
    } else {
        let verb = if shown == 1 {
            "correspond"
        } else {
            "correspondent"
        };
        format!(
            "{} sur {total} {verb} à « {query} ».",
            establishments(shown)
        )
    }
}

/// Number of result pages, at least one so "Page 1 sur 1" reads right for an empty result.
pub fn page_count(total: u64, per_page: u64) -> u64 {
    total.div_ceil(per_page.max(1)).max(1)
}

/// The file name of a `Content-Disposition: attachment; filename="…"` header (the plain
/// `filename` parameter; quotes and any path are dropped).
pub fn disposition_filename(value: &str) -> Option<String> {
    value
        .split(';')
        .filter_map(|part| part.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("filename"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .map(|v| v.rsplit(['/', '\\']).next().unwrap_or_default().to_owned())
        .filter(|v| !v.is_empty())
}

/// « N élève(s) sélectionné(s) ».
pub fn selection_count(n: usize) -> String {
    format!("{n} élève(s) sélectionné(s)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rodin() -> Establishment {
        Establishment {
            uai: "0450750W".into(),
            name: "LP LYC METIER Auguste Rodin".into(),
            kind: "lp".into(),
            sector: sesame_core::Sector::Public,
            degree: 2,
            academy: "Orléans-Tours".into(),
            data_updated_at: None,
            external_students: 0,
            rights: vec![],
        }
    }

    #[test]
    fn retry_after_accepts_seconds_only() {
        assert_eq!(retry_after_seconds(" 42 "), Some(42));
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn too_many_attempts_is_plural_aware() {
        assert_eq!(
            too_many_attempts(Some(30)),
            "Trop de tentatives, réessayez dans 30 secondes."
        );
        assert_eq!(
            too_many_attempts(Some(1)),
            "Trop de tentatives, réessayez dans 1 seconde."
        );
        assert_eq!(
            too_many_attempts(Some(0)),
            "Trop de tentatives, réessayez dans 1 seconde."
        );
        assert!(too_many_attempts(None).contains("quelques instants"));
    }

    #[test]
    fn search_ignores_case_accents_and_word_order() {
        let e = rodin();
        assert!(establishment_matches(&e, ""));
        assert!(establishment_matches(&e, "0450750w"));
        assert!(establishment_matches(&e, "rodin métier"));
        assert!(establishment_matches(&e, "  AUGUSTE "));
        assert!(!establishment_matches(&e, "rodin collège"));
    }

    #[test]
    fn dates_are_day_first_and_padded() {
        assert_eq!(date_fr(3, 9, 2025), "03/09/2025");
    }

    #[test]
    fn list_status_wording() {
        assert_eq!(
            list_status(0, 0, ""),
            "Aucun établissement n’est rattaché à votre compte."
        );
        assert_eq!(list_status(1, 1, ""), "1 établissement disponible.");
        assert_eq!(list_status(4, 4, " "), "4 établissements disponibles.");
        assert_eq!(
            list_status(1, 4, "rodin"),
            "1 établissement sur 4 correspond à « rodin »."
        );
        assert_eq!(
            list_status(2, 4, "lp"),
            "2 établissements sur 4 correspondent à « lp »."
        );
        assert_eq!(
            list_status(0, 4, "zzz"),
            "Aucun établissement ne correspond à « zzz »."
        );
    }

    #[test]
    fn account_wording() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(51, 50), 2);
    }

    #[test]
    fn titles_become_sentences() {
        assert_eq!(sentence("Requête invalide"), "Requête invalide.");
        assert_eq!(sentence("Déjà fait."), "Déjà fait.");
    }

    #[test]
    fn disposition_filenames() {
        assert_eq!(
            disposition_filename("attachment; filename=\"courriers.pdf\"").as_deref(),
            Some("courriers.pdf")
        );
        assert_eq!(
            disposition_filename("attachment; filename=ids.csv").as_deref(),
            Some("ids.csv")
        );
        assert_eq!(
            disposition_filename("attachment; filename=\"../x/a.pdf\"").as_deref(),
            Some("a.pdf")
        );
        assert_eq!(disposition_filename("attachment"), None);
        assert_eq!(selection_count(2), "2 élève(s) sélectionné(s)");
    }
}
