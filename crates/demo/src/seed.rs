//! Where the demo's randomness and time come from. Everything is drawn from fixed-seed ChaCha8
//! streams and every date is placed relative to one fixed reference instant, so two loads give
//! the same people, ids, identifiers, provisional passwords and dates on any machine, today or
//! in a year. (Only what must be random by design differs: the nonces of sealed values and the
//! salts of password hashes.)

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The seed of every stream.
const DEMO_SEED: u64 = 0x5E5A_3E00_2026_1120;

/// A generator dedicated to one part of the data set (one establishment, the staff…): adding
/// people to one part does not reshuffle the others.
pub(super) fn stream(label: &str) -> ChaCha8Rng {
    // FNV-1a: stable, unlike `std`'s hasher whose output may change between Rust releases.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(DEMO_SEED ^ h)
}

/// An id shaped like [`sesame_store::ids::new_id`] (a UUID v4 as 32 hex digits) but drawn from the
/// demo stream, so the same person has the same id in every load of the demo.
pub(super) fn id<R: Rng>(rng: &mut R) -> String {
    let bytes: [u8; 16] = rng.gen();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .simple()
        .to_string()
}

/// "Now" for the demo: a Friday afternoon in the autumn term of the 2026–2027 school year.
pub(super) fn reference() -> DateTime<Utc> {
    at(2026, 11, 20, 15, 45)
}

/// When the source systems last refreshed the establishments (the nightly import, « à 04:07 »
/// Paris time in seed 001 §6).
pub(super) fn data_updated_at() -> DateTime<Utc> {
    at(2026, 11, 20, 3, 7)
}

/// The calendar year in which the current school year started.
pub(super) const SCHOOL_YEAR: i32 = 2026;

pub(super) fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("demo dates are valid")
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("demo dates are valid")
}

/// A moment between `from` and `to`, on the minute. Collapses to `from` when the range is empty.
pub(super) fn between<R: Rng>(
    rng: &mut R,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DateTime<Utc> {
    let span = (to - from).num_minutes();
    if span <= 0 {
        return from;
    }
    from + Duration::minutes(rng.gen_range(0..=span))
}

/// A moment during French school or evening hours (07:00–21:59 UTC) of a day between `from`
/// and `to`: people log in and staff notify in the daytime.
pub(super) fn daytime_between<R: Rng>(
    rng: &mut R,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DateTime<Utc> {
    let day = between(rng, from, to).date_naive();
    let t = day
        .and_hms_opt(rng.gen_range(7..22), rng.gen_range(0..60), 0)
        .expect("valid time")
        .and_utc();
    t.clamp(from, to.max(from))
}

/// A birth date in `year`.
pub(super) fn birth_date<R: Rng>(rng: &mut R, year: i32) -> NaiveDate {
    date(year, 1, 1) + Duration::days(rng.gen_range(0..365))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_fixed_by_their_label() {
        assert_eq!(id(&mut stream("a")), id(&mut stream("a")));
        assert_ne!(id(&mut stream("a")), id(&mut stream("b")));
        assert_eq!(id(&mut stream("a")).len(), 32);
    }

    #[test]
    fn daytime_moments_stay_in_range() {
        let mut rng = stream("t");
        let from = at(2026, 9, 1, 12, 0);
        let to = at(2026, 9, 3, 8, 0);
        for _ in 0..200 {
            let t = daytime_between(&mut rng, from, to);
            assert!(from <= t && t <= to, "{t}");
        }
    }
}
