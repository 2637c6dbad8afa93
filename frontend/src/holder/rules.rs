//! The password rules, shown ticked or not as the holder types (WCAG: the rules are visible
//! before typing, and their state is text, not colour alone).

use leptos::prelude::*;
use sesame_api::password_rules::{PasswordCheck, MIN_KINDS, MIN_LENGTH};

/// One line of the list: its text and whether the password meets it.
pub fn rule_lines(password: &str) -> Vec<(String, bool)> {
    let c = PasswordCheck::of(password);
    let mut lines = vec![
        (format!("au moins {MIN_LENGTH} caractères"), c.long_enough()),
        (
            format!(
                "au moins {MIN_KINDS} types de caractères parmi les 4 suivants ({} sur 4)",
                c.kinds()
            ),
            c.mixed_enough(),
        ),
        ("une lettre minuscule".to_owned(), c.lower),
        ("une lettre majuscule".to_owned(), c.upper),
        ("un chiffre".to_owned(), c.digit),
        (
            "un caractère spécial (espace, ponctuation, symbole…)".to_owned(),
            c.other,
        ),
    ];
    if !c.not_too_long() {
        lines.push(("128 caractères au plus".to_owned(), false));
    }
    if c.control {
        lines.push(("aucun caractère de contrôle".to_owned(), false));
    }
    lines
}

/// The list of rules under a new-password field (`id` for its `aria-describedby`).
#[component]
pub fn PasswordRules(id: &'static str, password: RwSignal<String>) -> impl IntoView {
    view! {
        <div id=id class="holder-rules">
            <p class="holder-rules__title">"Votre mot de passe doit comporter :"</p>
            <ul class="holder-rules__list">
                {move || {
                    password
                        .with(|p| rule_lines(p))
                        .into_iter()
                        .enumerate()
                        .map(|(i, (text, met))| {
                            // The sub-kinds (lines 2 to 5) are indented under « 3 types ».
                            let sub = (2..=5).contains(&i);
                            view! {
                                <li
                                    class="holder-rules__rule"
                                    class:holder-rules__rule--met=met
                                    class:holder-rules__rule--sub=sub
                                >
                                    <span aria-hidden="true" class="holder-rules__mark">
                                        {if met { "✓" } else { "•" }}
                                    </span>
                                    {text}
                                    <span class="visually-hidden">
                                        {if met { " : respecté" } else { " : pas encore respecté" }}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_tick_as_the_password_grows() {
        let empty = rule_lines("");
        assert_eq!(empty.len(), 6);
        assert!(empty.iter().all(|(_, met)| !met));
        let some = rule_lines("soleil");
        assert_eq!(some[2], ("une lettre minuscule".to_owned(), true));
        assert!(!some[0].1 && !some[1].1);
        assert!(some[1].0.contains("(1 sur 4)"));
        let good = rule_lines("Soleil-2026");
        assert!(good[0].1 && good[1].1);
        assert!(good[1].0.contains("(4 sur 4)"));
    }

    #[test]
    fn limits_left_unlisted_appear_once_broken() {
        let long = rule_lines(&"Aa1-".repeat(40));
        assert_eq!(
            long.last(),
            Some(&("128 caractères au plus".to_owned(), false))
        );
        let control = rule_lines("Abc\tdef1");
        assert!(control
            .iter()
            .any(|(t, met)| t.contains("contrôle") && !met));
    }
}
