//! The journal's filters and page, as the URL query holds them and as the API is asked.

use crate::admin_ui::{query_get, query_string};

pub const PER_PAGE: u64 = 50;

/// The filters and page of the URL query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalQuery {
    pub action: String,
    pub actor: String,
    /// `YYYY-MM-DD`, as `<input type=date>` gives it.
    pub from: String,
    pub to: String,
    pub page: u64,
}

fn valid_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

impl JournalQuery {
    pub fn parse(query: &str) -> Self {
        let get = |k: &str| query_get(query, k).unwrap_or_default();
        let date = |k: &str| Some(get(k)).filter(|d| valid_date(d)).unwrap_or_default();
        JournalQuery {
            action: get("action"),
            actor: get("actor"),
            from: date("from"),
            to: date("to"),
            page: get("page").parse().unwrap_or(1).max(1),
        }
    }

    pub fn url_query(&self) -> String {
        query_string(&[
            ("action", self.action.clone()),
            ("actor", self.actor.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            (
                "page",
                if self.page > 1 {
                    self.page.to_string()
                } else {
                    String::new()
                },
            ),
        ])
    }

    pub fn is_filtered(&self) -> bool {
        !(self.action.is_empty()
            && self.actor.is_empty()
            && self.from.is_empty()
            && self.to.is_empty())
    }
}

fn date_parts(d: &str) -> Option<(u32, u32, u32)> {
    let mut it = d.split('-').map(|p| p.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

/// The instant starting (or ending) a local calendar day, in ISO 8601 UTC.
fn local_bound(d: &str, end: bool) -> Option<String> {
    let (y, m, day) = date_parts(d)?;
    let m = m.checked_sub(1)? as i32;
    let date = if end {
        js_sys::Date::new_with_year_month_day_hr_min_sec_milli(y, m, day as i32, 23, 59, 59, 999)
    } else {
        js_sys::Date::new_with_year_month_day_hr_min_sec(y, m, day as i32, 0, 0, 0)
    };
    if date.get_time().is_nan() {
        return None;
    }
    date.to_iso_string().as_string()
}

pub(super) fn api_query(q: &JournalQuery) -> String {
    let mut pairs = vec![("action", q.action.clone()), ("actor", q.actor.clone())];
    if let Some(from) = local_bound(&q.from, false) {
        pairs.push(("from", from));
    }
    if let Some(to) = local_bound(&q.to, true) {
        pairs.push(("to", to));
    }
    pairs.push(("page", q.page.to_string()));
    pairs.push(("per_page", PER_PAGE.to_string()));
    query_string(&pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_round_trips_through_the_url() {
        let q = JournalQuery::parse("action=delegation.grant&from=2026-11-01&to=bad&page=3");
        assert_eq!(q.action, "delegation.grant");
        assert_eq!(q.from, "2026-11-01");
        assert_eq!(q.to, "");
        assert_eq!(q.page, 3);
        assert!(q.is_filtered());
        assert_eq!(
            q.url_query(),
            "action=delegation.grant&from=2026-11-01&page=3"
        );
        let first = JournalQuery::parse("page=0");
        assert_eq!(first.page, 1);
        assert_eq!(first.url_query(), "");
        assert!(!first.is_filtered());
    }
}
