//! Measures one argon2id hash and one verification with the production parameters:
//! `cargo run --release -p sesame-store --example hash_time`.

use std::time::Instant;

use sesame_store::PasswordHasher;

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
    let start = Instant::now();
    for _ in 0..rounds {
        assert!(hasher.verify("correct horse battery staple", &phc));
    }
    let verify_ms = start.elapsed().as_secs_f64() * 1000.0 / rounds as f64;
    println!("argon2id m={m} KiB t={t} p={p}: hash {hash_ms:.1} ms, verify {verify_ms:.1} ms (mean of {rounds})");
}
