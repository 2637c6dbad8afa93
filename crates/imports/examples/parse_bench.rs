//! Times the SIECLE parser on a generated export (3,000 students, 6,000 guardians by
//! default): `cargo run --release -p sesame-imports --example parse_bench [students] [per]`.

use std::time::Instant;

use sesame_imports::parse_siecle;
use sesame_imports::synthetic::generate_siecle_export;

fn main() {
    let mut args = std::env::args().skip(1);
    let students: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3_000);
    let per: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2);
    let files = generate_siecle_export(students, per, "0450750W");
    for file in &files {
        println!("{:<30} {:>10} octets", file.name, file.bytes.len());
    }
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let runs = 5;
    let mut best = f64::MAX;
    let mut plan = None;
    for _ in 0..runs {
        let start = Instant::now();
        let parsed = parse_siecle(&files);
        best = best.min(start.elapsed().as_secs_f64());
        plan = Some(parsed);
    }
    let plan = plan.expect("at least one run");
    println!(
        "{} élèves, {} responsables, {} liens, {} problèmes",
        plan.students.len(),
        plan.guardians.len(),
        plan.links.len(),
        plan.problems.len()
    );
    println!(
        "{bytes} octets analysés en {:.1} ms (meilleur de {runs}), {:.0} Mo/s",
        best * 1000.0,
        bytes as f64 / best / 1e6
    );
}
