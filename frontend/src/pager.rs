//! The pager under a result table: « Page X sur Y » between previous/next buttons (and, where a
//! screen asks for them, first/last buttons). Buttons at an end stay focusable but carry
//! `aria-disabled="true"` and do nothing.

use leptos::prelude::*;

/// `(current page, last page)`, `None` while nothing is loaded.
type Pages = Signal<Option<(u64, u64)>>;

/// A pager over `pages` = `(current page, last page)`, `None` while nothing is loaded.
/// `on_page` receives the page to show.
#[component]
pub fn Pager(
    /// `(current page, last page)`, 1-based.
    #[prop(into)]
    pages: Pages,
    on_page: Callback<u64>,
    /// The navigation landmark's accessible name.
    label: &'static str,
    /// Text of the « previous page » button.
    previous: &'static str,
    /// Text of the « next page » button.
    next: &'static str,
    /// Text of the « first page » button, if the screen has one.
    #[prop(optional)]
    first: Option<&'static str>,
    /// Text of the « last page » button, if the screen has one.
    #[prop(optional)]
    last: Option<&'static str>,
    /// Announce « Page X sur Y » politely (a live paragraph rather than a plain span).
    #[prop(optional)]
    live: bool,
) -> impl IntoView {
    let where_ = move || {
        pages
            .get()
            .map(|(page, count)| format!("Page {page} sur {count}"))
            .unwrap_or_default()
    };
    let button =
        move |text: &'static str, disabled: fn(Pages) -> bool, to: fn((u64, u64)) -> u64| {
            view! {
                <button
                    type="button"
                    class="button button--secondary"
                    aria-disabled=move || disabled(pages).to_string()
                    on:click=move |_| {
                        if let Some(p) = pages.get().filter(|_| !disabled(pages)) {
                            on_page.run(to(p));
                        }
                    }
                >
                    {text}
                </button>
            }
        };
    view! {
        <nav class="pagination" aria-label=label>
            {first.map(|text| button(text, is_first, |_| 1))}
            {button(previous, is_first, |(page, _)| page - 1)}
            {if live {
                view! { <p class="pagination__where" aria-live="polite">{where_}</p> }.into_any()
            } else {
                view! { <span class="pagination__where">{where_}</span> }.into_any()
            }}
            {button(next, is_last, |(page, _)| page + 1)}
            {last.map(|text| button(text, is_last, |(_, count)| count))}
        </nav>
    }
}

fn is_first(pages: Pages) -> bool {
    pages.get().is_none_or(|(page, _)| page <= 1)
}

fn is_last(pages: Pages) -> bool {
    pages.get().is_none_or(|(page, count)| page >= count)
}
