//! Measures one argon2id hash and one verification with the production parameters:
//! `cargo run --release -p sesame-store --example hash_time`. Verifications reuse one working
//! buffer, as the server's gate does (a fresh 19 MiB allocation each time adds page faults
//! the server never pays), and the median of many is reported: it is the limit
//! `scripts/login-storm.sh` compares a storm with, so one slow round must not move it.
//!
//! A storm runs one verification per core at once, and argon2id is memory-hard: every core
//! streams its own 19 MiB through caches and memory it shares with the others, so a
//! verification can take longer when all cores verify than when one does. Both are measured
//! and printed: `verify` (one core alone) and `verify-all` (every core verifying at once, in
//! its own buffer, as the gate's permits do); the storm's limit is cores ÷ the latter.

use std::time::Instant;

use sesame_store::{PasswordHasher, Scratch};

const PASSWORD: &str = "correct horse battery staple";

/// The median of `rounds` verifications in one reused buffer, in milliseconds.
fn median_verify(hasher: &PasswordHasher, phc: &str, rounds: usize) -> f64 {
    let mut scratch = Scratch::new();
    // The first run allocates and touches the buffer: not a measure of the work.
    assert!(hasher.verify_with(PASSWORD, phc, &mut scratch));
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            assert!(hasher.verify_with(PASSWORD, phc, &mut scratch));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let hasher = PasswordHasher::owasp();
    let (m, t, p) = hasher.params();
    let rounds = 20;
    let start = Instant::now();
    let mut phc = String::new();
    for _ in 0..rounds {
        phc = hasher.hash(PASSWORD).expect("hash");
    }
    let hash_ms = start.elapsed().as_secs_f64() * 1000.0 / rounds as f64;
    let verify_ms = median_verify(&hasher, &phc, 100);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Every core at once: each thread's median; the slowest thread is the honest figure.
    let all_ms = std::thread::scope(|s| {
        let threads: Vec<_> = (0..cores)
            .map(|_| s.spawn(|| median_verify(&hasher, &phc, 100)))
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("verifying thread"))
            .fold(0.0, f64::max)
    });
    println!(
        "argon2id m={m} KiB t={t} p={p}: hash {hash_ms:.1} ms (mean of {rounds}), \
         verify {verify_ms:.1} ms (median of 100, one reused buffer), \
         verify-all {all_ms:.1} ms ({cores} cores verifying at once, median of 100 each)"
    );
}
