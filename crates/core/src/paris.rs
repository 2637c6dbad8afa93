//! Calendar dates as French schools live them: in Europe/Paris, whatever the server's zone.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use chrono_tz::Tz;

/// The zone every user-visible date and every "next day" rule is computed in.
pub const ZONE: Tz = Paris;

/// The calendar date in Paris at this instant.
pub fn paris_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&ZONE).date_naive()
}

/// The first instant of a Paris calendar day, in UTC.
///
/// Paris changes time at 02:00/03:00, so midnight always exists exactly once; the gap branch
/// only keeps this total should the rules ever move a change to midnight.
pub fn start_of_paris_day(date: NaiveDate) -> DateTime<Utc> {
    let mut local = date.and_time(NaiveTime::MIN);
    loop {
        if let Some(instant) = ZONE.from_local_datetime(&local).earliest() {
            return instant.with_timezone(&Utc);
        }
        local += chrono::Duration::minutes(15);
    }
}

/// The next Paris midnight strictly after this instant, in UTC.
pub fn next_paris_midnight(instant: DateTime<Utc>) -> DateTime<Utc> {
    let tomorrow = paris_date(instant)
        .checked_add_days(Days::new(1))
        .expect("dates in this product are far from chrono's limits");
    start_of_paris_day(tomorrow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn paris_date_uses_the_paris_offset() {
        // 23:30 UTC in winter is already the next day in Paris.
        assert_eq!(
            paris_date(utc("2026-01-14T23:30:00Z")),
            NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
        );
        assert_eq!(
            paris_date(utc("2026-07-14T21:59:59Z")),
            NaiveDate::from_ymd_opt(2026, 7, 14).unwrap()
        );
        assert_eq!(
            paris_date(utc("2026-07-14T22:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 7, 15).unwrap()
        );
    }

    #[test]
    fn start_of_day_in_winter_and_summer() {
        let jan = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        assert_eq!(start_of_paris_day(jan), utc("2026-01-14T23:00:00Z"));
        let jul = NaiveDate::from_ymd_opt(2026, 7, 15).unwrap();
        assert_eq!(start_of_paris_day(jul), utc("2026-07-14T22:00:00Z"));
    }
}
