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

/// The account lists' pager (seed 001 §3 to §5): « 1 à 50 sur 600 élève(s) », then
/// « Précédent 1 2 3 … 12 Suivant ». `state` is `(page, per page, total)`, `None` while nothing
/// is loaded; `on_page` receives the page to show (the screen decides how to fetch it: by
/// cursor for the next page, by number for the others).
#[component]
pub fn RangePager(
    #[prop(into)] state: Signal<Option<(u64, u64, u64)>>,
    on_page: Callback<u64>,
    /// The navigation landmark's accessible name.
    label: &'static str,
    /// « élève(s) », « responsable(s) »…
    noun: &'static str,
) -> impl IntoView {
    let range = move || {
        state
            .get()
            .map(|(page, per, total)| range_text(page, per, total, noun))
            .unwrap_or_default()
    };
    let pages = move || {
        state
            .get()
            .map(|(page, per, total)| (page.max(1), crate::text::page_count(total, per)))
    };
    let arrow = move |text: &'static str, step: i64| {
        let target = move || {
            pages().and_then(|(page, count)| {
                let to = page.checked_add_signed(step)?;
                (1..=count).contains(&to).then_some(to)
            })
        };
        view! {
            <li>
                <button
                    type="button"
                    class="button button--secondary"
                    aria-disabled=move || target().is_none().to_string()
                    on:click=move |_| {
                        if let Some(to) = target() {
                            on_page.run(to);
                        }
                    }
                >
                    {text}
                </button>
            </li>
        }
    };
    view! {
        <nav class="pagination pagination--numbered" aria-label=label>
            <p class="pagination__range" aria-live="polite">{range}</p>
            <Show when=move || pages().is_some_and(|(_, count)| count > 1)>
                <ul class="pagination__pages">
                    {arrow("Précédent", -1)}
                    {move || {
                        let Some((page, count)) = pages() else {
                            return Vec::new();
                        };
                        page_window(page, count)
                            .into_iter()
                            .map(|item| match item {
                                Some(n) => view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="pagination__page"
                                            aria-label=format!("Page {n}")
                                            aria-current=(n == page).then_some("page")
                                            on:click=move |_| {
                                                if n != page {
                                                    on_page.run(n);
                                                }
                                            }
                                        >
                                            {n.to_string()}
                                        </button>
                                    </li>
                                }
                                .into_any(),
                                None => view! {
                                    <li class="pagination__gap" aria-hidden="true">"…"</li>
                                }
                                .into_any(),
                            })
                            .collect::<Vec<_>>()
                    }}
                    {arrow("Suivant", 1)}
                </ul>
            </Show>
        </nav>
    }
}

/// « 51 à 100 sur 600 élève(s) »: the rows a page shows, out of the whole search.
pub fn range_text(page: u64, per_page: u64, total: u64, noun: &str) -> String {
    if total == 0 {
        return format!("0 {noun}");
    }
    let per = per_page.max(1);
    let first = page
        .max(1)
        .saturating_sub(1)
        .saturating_mul(per)
        .saturating_add(1);
    let first = first.min(total);
    let last = page.max(1).saturating_mul(per).min(total);
    format!("{first} à {last} sur {total} {noun}")
}

/// The page numbers a pager offers around `current` of `count` pages: the first and last
/// pages, the current one and its neighbours; `None` stands for the pages left out (« … »).
pub fn page_window(current: u64, count: u64) -> Vec<Option<u64>> {
    const ALL_UP_TO: u64 = 7;
    if count <= ALL_UP_TO {
        return (1..=count).map(Some).collect();
    }
    let current = current.clamp(1, count);
    let mut kept: Vec<u64> = vec![1, count];
    // Near an end, five pages there, so the pager keeps the same width while paging.
    let (from, to) = if current <= 4 {
        (2, 5)
    } else if current >= count - 3 {
        (count - 4, count - 1)
    } else {
        (current - 1, current + 1)
    };
    kept.extend(from..=to);
    kept.sort_unstable();
    kept.dedup();
    let mut out = Vec::with_capacity(kept.len() + 2);
    for (i, &n) in kept.iter().enumerate() {
        if let Some(&prev) = i.checked_sub(1).and_then(|j| kept.get(j)) {
            if n - prev > 1 {
                out.push(None);
            }
        }
        out.push(Some(n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_reads_like_the_seed() {
        assert_eq!(
            range_text(1, 50, 600, "élève(s)"),
            "1 à 50 sur 600 élève(s)"
        );
        assert_eq!(
            range_text(2, 50, 600, "élève(s)"),
            "51 à 100 sur 600 élève(s)"
        );
        assert_eq!(
            range_text(3, 50, 120, "responsable(s)"),
            "101 à 120 sur 120 responsable(s)"
        );
        assert_eq!(range_text(1, 50, 7, "élève(s)"), "1 à 7 sur 7 élève(s)");
        assert_eq!(range_text(1, 50, 0, "élève(s)"), "0 élève(s)");
    }

    fn shown(current: u64, count: u64) -> String {
        page_window(current, count)
            .into_iter()
            .map(|p| p.map_or("…".to_owned(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn few_pages_are_all_shown() {
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(3, 7), "1 2 3 4 5 6 7");
    }

    #[test]
    fn many_pages_show_the_ends_and_the_neighbours() {
        assert_eq!(shown(1, 12), "1 2 3 4 5 … 12");
        assert_eq!(shown(4, 12), "1 2 3 4 5 … 12");
        assert_eq!(shown(5, 12), "1 … 4 5 6 … 12");
        assert_eq!(shown(6, 12), "1 … 5 6 7 … 12");
        assert_eq!(shown(9, 12), "1 … 8 9 10 11 12");
        assert_eq!(shown(12, 12), "1 … 8 9 10 11 12");
        assert_eq!(shown(5, 8), "1 … 4 5 6 7 8");
    }
}
