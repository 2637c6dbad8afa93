//! Measures one argon2id hash and one verification with the production parameters:
//! `cargo run --release -p sesame-store --example hash_time`. Verifications reuse one working
//! buffer, as the server's gate does (a fresh 19 MiB allocation each time adds page faults
//! the server never pays), and the median of many is reported: it is the limit
//! `scripts/login-storm.sh` compares a storm with, so one slow round must not move it.

use std::time::Instant;

use sesame_store::{PasswordHasher, Scratch};

fn main() {
    let hasher = PasswordHasher::owasp();
    let (m, t, p) = hasher.params();
    let rounds = 20;
    let start = Instant::now();
    let mut phc = String::new();
    for _ in 0..rounds {
        phc = hasher.hash("correct horse battery staple").expect("hash");
    }
    let hash_ms = start.elapsed().as_secs_f64() * 1000.0 / rounds as f64;
    let mut scratch = Scratch::new();
    let mut times: Vec<f64> = (0..100)
        .map(|_| {
            let start = Instant::now();
            assert!(hasher.verify_with("correct horse battery staple", &phc, &mut scratch));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let verify_ms = times[times.len() / 2];
    println!(
        "argon2id m={m} KiB t={t} p={p}: hash {hash_ms:.1} ms (mean of {rounds}), \
         verify {verify_ms:.1} ms (median of {}, one reused buffer)",
        times.len()
    );
}
