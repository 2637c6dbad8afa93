//! Pieces shared by the administration screens (« Statistiques », « Paramétrage »,
//! « Délégations », « Journal »): the tab's own URL query, local date-times, a confirmation
//! dialog that keeps the keyboard inside it.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::actions;
use crate::route::{decode, encode};

/// The first value of `key` in a query string (without `?`), decoded; `None` when absent or
/// empty.
pub fn query_get(query: &str, key: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .find(|(k, _)| decode(k) == key)
        .map(|(_, v)| decode(v))
        .filter(|v| !v.trim().is_empty())
}

/// A query string (without `?`) from pairs, in their order, leaving out empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
}

/// `DD/MM/YYYY HH:MM`.
pub fn datetime_fr(day: u32, month: u32, year: i32, hour: u32, minute: u32) -> String {
    format!("{day:02}/{month:02}/{year:04} {hour:02}:{minute:02}")
}

/// `DD/MM/YYYY à HH:MM`, as « Dernière mise à jour le … » prints it.
pub fn datetime_fr_at(day: u32, month: u32, year: i32, hour: u32, minute: u32) -> String {
    format!("{day:02}/{month:02}/{year:04} à {hour:02}:{minute:02}")
}

fn js_date(at: chrono::DateTime<chrono::Utc>) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ))
}

/// `DD/MM/YYYY HH:MM` in the browser's time zone.
pub fn local_datetime(at: chrono::DateTime<chrono::Utc>) -> String {
    let d = js_date(at);
    datetime_fr(
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year() as i32,
        d.get_hours(),
        d.get_minutes(),
    )
}

/// `DD/MM/YYYY à HH:MM` in the browser's time zone.
pub fn local_datetime_at(at: chrono::DateTime<chrono::Utc>) -> String {
    let d = js_date(at);
    datetime_fr_at(
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year() as i32,
        d.get_hours(),
        d.get_minutes(),
    )
}

/// A French thousands-separated integer (« 1 234 », narrow no-break space).
pub fn count_fr(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// A share (0 to 1) as a French percentage with one decimal: « 42,5 % ».
pub fn percent_fr(share: f64) -> String {
    let p = (share * 1000.0).round() / 10.0;
    format!("{p:.1}\u{a0}%").replace('.', ",")
}

/// The element that has the focus now, to give it back later.
pub fn focused() -> Option<web_sys::HtmlElement> {
    document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}

/// Moves the focus to `el` if it is still in the page.
pub fn refocus(el: Option<web_sys::HtmlElement>) {
    if let Some(el) = el.filter(|e| e.is_connected()) {
        let _ = el.focus();
    }
}

/// A modal confirmation: the focus goes in as it opens, Tab stays inside, Escape or
/// « Annuler » cancels (the caller gives the focus back), « confirm_label » confirms.
#[component]
pub fn ConfirmDialog(
    /// Unique prefix for the ids of the title and the question.
    id: &'static str,
    title: String,
    message: String,
    #[prop(optional)] warning: Option<String>,
    confirm_label: &'static str,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            on_cancel.run(());
        }
        "Tab" => {
            if let Some(el) = node.get_untracked() {
                actions::trap_tab(&ev, &el);
            }
        }
        _ => {}
    };
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    view! {
        <div class="modal">
            <div
                class="modal__dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby=title_id.clone()
                aria-describedby=desc_id.clone()
                tabindex="-1"
                node_ref=node
                on:keydown=on_key
            >
                <h2 id=title_id.clone() class="modal__title">{title}</h2>
                <p id=desc_id.clone()>{message}</p>
                {warning.map(|w| view! { <p class="modal__warning">{w}</p> })}
                <div class="modal__actions">
                    <button type="button" class="button" on:click=move |_| on_confirm.run(())>
                        {confirm_label}
                    </button>
                    <button
                        type="button"
                        class="button button--secondary"
                        on:click=move |_| on_cancel.run(())
                    >
                        "Annuler"
                    </button>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded_and_empty_ones_ignored() {
        let q = "by=class&action=delegation.grant&from=&actor=jean%20dupont";
        assert_eq!(query_get(q, "by").as_deref(), Some("class"));
        assert_eq!(query_get(q, "action").as_deref(), Some("delegation.grant"));
        assert_eq!(query_get(q, "from"), None);
        assert_eq!(query_get(q, "actor").as_deref(), Some("jean dupont"));
        assert_eq!(query_get("", "by"), None);
        assert_eq!(query_get("?by=mef", "by").as_deref(), Some("mef"));
    }

    #[test]
    fn query_strings_skip_empty_values() {
        let q = query_string(&[
            ("action", "auth.login".into()),
            ("from", String::new()),
            ("actor", "a b".into()),
            ("page", "2".into()),
        ]);
        assert_eq!(q, "action=auth.login&actor=a%20b&page=2");
        assert_eq!(query_string(&[("by", String::new())]), "");
    }

    #[test]
    fn dates_and_numbers_read_the_french_way() {
        assert_eq!(datetime_fr(3, 9, 2026, 8, 5), "03/09/2026 08:05");
        assert_eq!(datetime_fr_at(28, 4, 2021, 4, 7), "28/04/2021 à 04:07");
        assert_eq!(count_fr(0), "0");
        assert_eq!(count_fr(999), "999");
        assert_eq!(count_fr(1234), "1\u{202f}234");
        assert_eq!(count_fr(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(percent_fr(0.425), "42,5\u{a0}%");
        assert_eq!(percent_fr(1.0), "100,0\u{a0}%");
    }
}
