//! The bar above the results (seed 000): « Tout sélectionner », the « Pour la sélection… »
//! menu and its « ok », the whole search's regeneration and « Créer un utilisateur ».

use leptos::prelude::*;

/// What « Pour la sélection… » offers; the value of its `<option>`.
const REGENERATE: &str = "regenerate";

/// Selects (or unselects) every user of the page, keeping those of other pages.
pub(super) fn select_page(selected: RwSignal<Vec<String>>, ids: Vec<String>, on: bool) {
    selected.update(|s| {
        s.retain(|x| !ids.contains(x));
        if on {
            s.extend(ids);
        }
    });
}

/// `(selected on the page, users on the page)`.
pub(super) fn page_selection(selected: RwSignal<Vec<String>>, ids: &[String]) -> (usize, usize) {
    let n = selected.with(|s| ids.iter().filter(|i| s.contains(i)).count());
    (n, ids.len())
}

/// Why « ok » cannot run, if it cannot.
fn refusal(action: &str, selected: usize) -> Option<&'static str> {
    if action.is_empty() {
        Some("Choisissez d’abord une action dans « Pour la sélection… ».")
    } else if selected == 0 {
        Some("Sélectionnez au moins un utilisateur : cochez-le, ou cochez « Tout sélectionner ».")
    } else {
        None
    }
}

#[component]
pub(super) fn SelectionBar(
    selected: RwSignal<Vec<String>>,
    /// The ids of the users on the page.
    page_ids: Signal<Vec<String>>,
    /// Users matching the search, over all pages.
    total: Signal<u64>,
    /// « Créer un utilisateur » is unfolded.
    creating: RwSignal<bool>,
    create_button: NodeRef<leptos::html::Button>,
    on_regenerate_selection: Callback<()>,
    on_regenerate_all: Callback<()>,
) -> impl IntoView {
    let action = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<&'static str>);
    // A refusal is stale once the user changed what it was about.
    Effect::new(move |_| {
        selected.track();
        action.track();
        refused.set(None);
    });
    let counts = move || page_ids.with(|ids| page_selection(selected, ids));
    let run = move |_| {
        let a = action.get_untracked();
        match refusal(&a, selected.with_untracked(Vec::len)) {
            Some(why) => refused.set(Some(why)),
            None if a == REGENERATE => on_regenerate_selection.run(()),
            None => {}
        }
    };
    view! {
        <div class="actions directory__selection" role="group" aria-label="Actions sur les utilisateurs">
            <div class="directory__select-all">
                <input
                    id="directory-select-all"
                    type="checkbox"
                    aria-describedby="directory-selected-count"
                    prop:checked=move || {
                        let (n, all) = counts();
                        all > 0 && n == all
                    }
                    prop:indeterminate=move || {
                        let (n, all) = counts();
                        n > 0 && n < all
                    }
                    on:change=move |ev| {
                        select_page(selected, page_ids.get_untracked(), event_target_checked(&ev))
                    }
                />
                <label for="directory-select-all">"Tout sélectionner"</label>
            </div>
            <div class="directory__for-selection">
                <label for="directory-selection-action">"Pour la sélection…"</label>
                <select
                    id="directory-selection-action"
                    prop:value=move || action.get()
                    on:change=move |ev| action.set(event_target_value(&ev))
                >
                    <option value="">"Choisir une action"</option>
                    <option value=REGENERATE>"Régénérer le mot de passe"</option>
                </select>
                <button
                    type="button"
                    class="button"
                    aria-haspopup="dialog"
                    aria-describedby="directory-selection-refused"
                    on:click=run
                >
                    "ok"
                </button>
            </div>
            <p id="directory-selected-count" class="actions__count" aria-live="polite">
                {move || match selected.with(Vec::len) {
                    0 => "Aucun utilisateur sélectionné".to_owned(),
                    1 => "1 utilisateur sélectionné".to_owned(),
                    n => format!("{n} utilisateurs sélectionnés"),
                }}
            </p>
            <button
                type="button"
                class="button button--secondary"
                aria-haspopup="dialog"
                disabled=move || total.get() == 0
                on:click=move |_| on_regenerate_all.run(())
            >
                {move || format!(
                    "Régénérer le mot de passe de tous les résultats ({})",
                    total.get()
                )}
            </button>
            <button
                type="button"
                class="button"
                node_ref=create_button
                aria-expanded=move || creating.get().to_string()
                aria-controls="directory-create"
                on:click=move |_| creating.update(|c| *c = !*c)
            >
                "Créer un utilisateur"
            </button>
        </div>
        <p
            id="directory-selection-refused"
            class="alert"
            class:alert--shown=move || refused.with(Option::is_some)
            role="alert"
        >
            {move || refused.get()}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_needs_an_action_and_a_selection() {
        assert!(refusal("", 3).unwrap().contains("action"));
        assert!(refusal(REGENERATE, 0)
            .unwrap()
            .contains("Tout sélectionner"));
        assert_eq!(refusal(REGENERATE, 1), None);
    }
}
