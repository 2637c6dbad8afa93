//! The order of printed lists: by class, then by name, as a teacher looks people up on paper.

use std::cmp::Ordering;

/// Compares labels the way people read them: accents and case do not matter ("Émilie" sorts
/// with "emilie"), and digit runs compare as numbers ("6EME2" before "6EME10").
pub(crate) fn human_cmp(a: &str, b: &str) -> Ordering {
    let (ka, kb) = (sort_key(a), sort_key(b));
    natural_cmp(&ka, &kb).then_with(|| a.cmp(b))
}

fn sort_key(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (na, ra) = split_digits(a);
                let (nb, rb) = split_digits(b);
                let ord = cmp_digit_runs(na, nb);
                if ord != Ordering::Equal {
                    return ord;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Digit runs of any length, without overflow: fewer significant digits is smaller.
fn cmp_digit_runs(a: &[u8], b: &[u8]) -> Ordering {
    let (ta, tb) = (trim_zeros(a), trim_zeros(b));
    ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| c != b'0').unwrap_or(s.len());
    &s[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_sort_naturally() {
        let mut classes = vec!["6EME10", "6EME2", "3EME4", "2 nde AGORA", "6EME1"];
        classes.sort_by(|a, b| human_cmp(a, b));
        assert_eq!(
            classes,
            ["2 nde AGORA", "3EME4", "6EME1", "6EME2", "6EME10"]
        );
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        let mut names = vec!["Zoé", "émilie", "Eric", "DUPONT", "dupond"];
        names.sort_by(|a, b| human_cmp(a, b));
        assert_eq!(names, ["dupond", "DUPONT", "émilie", "Eric", "Zoé"]);
    }
}
