//! A drop-down multi-select for search filters (« Classe(s) », « MEF », « Origine du
//! compte »…): a button naming the filter, with the number of values chosen when it is in
//! use (« Classe(s) (2) », the seed's « pour indiquer que le filtre est utilisé »), that opens
//! a panel of checkboxes headed by « Sélectionner tout ». It replaces native
//! `<select multiple>`, which needs Ctrl + click and hides what is chosen.
//!
//! WAI-ARIA disclosure pattern: the button carries `aria-expanded` and `aria-controls`;
//! Enter or Space on it opens the panel, Tab walks its checkboxes, Escape closes it and gives
//! focus back to the button, and a click or focus outside closes it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The button's text: the filter's name, and how many values are chosen when there are any.
pub fn button_text(label: &str, chosen: usize) -> String {
    if chosen == 0 {
        label.to_owned()
    } else {
        format!("{label} ({chosen})")
    }
}

/// The « Sélectionner tout » box: `(checked, indeterminate)` for `chosen` of `offered`.
pub fn all_box(chosen: usize, offered: usize) -> (bool, bool) {
    (
        offered > 0 && chosen >= offered,
        chosen > 0 && chosen < offered,
    )
}

/// `selected` after ticking (`on`) or unticking `value`, in the order of `options`: the URL
/// then names the values the same way whatever the order of the clicks.
pub fn toggled(
    options: &[(String, String)],
    selected: &[String],
    value: &str,
    on: bool,
) -> Vec<String> {
    options
        .iter()
        .map(|(v, _)| v)
        .filter(|v| {
            if v.as_str() == value {
                on
            } else {
                selected.contains(v)
            }
        })
        .cloned()
        .collect()
}

/// A drop-down list of checkboxes over `options` (`(value, label)`), writing the ticked
/// values to `selected`. `id` prefixes the ids of its elements (unique on the page).
#[component]
pub fn MultiSelect(
    id: &'static str,
    /// The filter's name, also the button's text.
    label: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Div>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    let panel_id = format!("{id}-panel");
    let button_id = format!("{id}-button");

    let close_to_button = move || {
        open.set(false);
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let inside = move |target: Option<web_sys::EventTarget>| -> bool {
        let node = target.and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        match (root.get_untracked(), node) {
            (Some(r), Some(n)) => r.contains(Some(&n)),
            _ => false,
        }
    };
    // A click anywhere else closes the panel (without taking the focus from where it went).
    let outside = window_event_listener(leptos::ev::click, move |ev| {
        if open.get_untracked() && !inside(ev.target()) {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            // Only this panel closes, not a dialog around it.
            ev.stop_propagation();
            close_to_button();
        }
    };
    // Tabbing out of the panel closes it: an open panel would cover the fields below.
    let on_focusout = move |ev: leptos::ev::FocusEvent| {
        let to = ev.related_target();
        if open.get_untracked() && to.is_some() && !inside(to) {
            open.set(false);
        }
    };

    let count = move || selected.with(Vec::len);
    let offered = move || options.with(Vec::len);
    let all_id = format!("{id}-all");
    let on_all = move |ev: leptos::ev::Event| {
        if event_target_checked(&ev) {
            selected.set(options.with(|o| o.iter().map(|(v, _)| v.clone()).collect()));
        } else {
            selected.set(Vec::new());
        }
    };

    view! {
        <div class="multiselect" node_ref=root on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                id=button_id.clone()
                class="multiselect__button"
                class:multiselect__button--used=move || { count() > 0 }
                aria-expanded=move || open.get().to_string()
                aria-controls=panel_id.clone()
                node_ref=button
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="multiselect__text">{move || button_text(label, count())}</span>
                <span class="multiselect__chevron" aria-hidden="true">"▾"</span>
            </button>
            <div
                id=panel_id
                class="multiselect__panel"
                role="group"
                aria-labelledby=button_id
                hidden=move || !open.get()
            >
                <div class="check multiselect__all">
                    <input
                        id=all_id.clone()
                        type="checkbox"
                        prop:checked=move || all_box(count(), offered()).0
                        prop:indeterminate=move || all_box(count(), offered()).1
                        on:change=on_all
                    />
                    <label for=all_id>"Sélectionner tout"</label>
                </div>
                <Show when=move || { count() > 0 }>
                    <button
                        type="button"
                        class="link-button multiselect__clear"
                        on:click=move |_| selected.set(Vec::new())
                    >
                        "Tout désélectionner"
                    </button>
                </Show>
                <ul class="multiselect__options">
                    {move || {
                        options
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, (value, text))| {
                                let box_id = format!("{id}-{i}");
                                let v = value.clone();
                                view! {
                                    <li class="check">
                                        <input
                                            id=box_id.clone()
                                            type="checkbox"
                                            value=value.clone()
                                            prop:checked=move || selected.with(|s| s.contains(&v))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let next = options
                                                    .with_untracked(|o| {
                                                        selected.with_untracked(|s| toggled(o, s, &value, on))
                                                    });
                                                selected.set(next);
                                            }
                                        />
                                        <label for=box_id>{text}</label>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(values: &[&str]) -> Vec<(String, String)> {
        values
            .iter()
            .map(|v| ((*v).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_button_marks_a_filter_in_use() {
        assert_eq!(button_text("Classe(s)", 0), "Classe(s)");
        assert_eq!(button_text("Classe(s)", 2), "Classe(s) (2)");
    }

    #[test]
    fn select_all_box_follows_the_choice() {
        assert_eq!(all_box(0, 3), (false, false));
        assert_eq!(all_box(1, 3), (false, true));
        assert_eq!(all_box(3, 3), (true, false));
        // Nothing offered (structure not loaded yet): neither ticked nor mixed.
        assert_eq!(all_box(0, 0), (false, false));
    }

    #[test]
    fn ticking_keeps_the_options_order() {
        let o = opts(&["6EME1", "6EME2", "5EME1"]);
        let s = toggled(&o, &[], "5EME1", true);
        let s = toggled(&o, &s, "6EME1", true);
        assert_eq!(s, ["6EME1", "5EME1"]);
        assert_eq!(toggled(&o, &s, "6EME1", false), ["5EME1"]);
        // A value in the URL that the list does not offer (any more) is dropped on a change.
        assert_eq!(toggled(&o, &["XXX".to_owned()], "6EME2", true), ["6EME2"]);
    }
}
