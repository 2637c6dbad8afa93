//! Times a SIECLE import of a generated export (3,000 students and 6,000 guardians by default)
//! into an empty establishment, then the re-import of the same files, and reports the peak
//! memory of the process.
//!
//!   cargo run --release -p sesame-server --example import_bench [students] [guardians per student]
//!
//! `DATABASE_URL` picks the engine (default: a fresh SQLite file under the temp directory).

use std::time::Instant;

use sesame_imports::synthetic::generate_siecle_export;
use sesame_imports::Source;
use sesame_server::imports;
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};
use sesame_store::repo::establishments::NewEstablishment;
use sesame_store::Store;

const UAI: &str = "0450750W";

/// Peak resident memory so far (Linux), in MiB.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let students: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3_000);
    let per: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2);
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) => url,
        Err(_) => {
            let path = std::env::temp_dir()
                .join(format!("sesame-import-bench-{}.sqlite", std::process::id()));
            let _ = std::fs::remove_file(&path);
            format!("sqlite://{}?mode=rwc", path.display())
        }
    };
    let store = Store::connect(&url).await?;
    if store.establishment(UAI).await?.is_none() {
        store
            .insert_establishment(NewEstablishment {
                uai: UAI.into(),
                name: "LP LYC METIER Auguste Rodin".into(),
                kind: "lp".into(),
                degree: 2,
                sector: "public".into(),
                academy: "Orléans-Tours".into(),
                private_admin_group: false,
            })
            .await?;
    }
    let files = generate_siecle_export(students, per, UAI);
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "{} ({}): {students} students × {per} guardians, {:.1} MB of ISO-8859-15 XML, peak memory before import {:.0} MiB",
        store.backend().name(),
        url.split('@').next_back().unwrap_or(&url),
        bytes as f64 / 1e6,
        peak_mib().unwrap_or(f64::NAN)
    );
    for (label, dry_run) in [
        ("preview", true),
        ("first import", false),
        ("re-import", false),
    ] {
        let audit = NewAuditEvent::new(ActorKind::System, "bench", "import.apply");
        let started = Instant::now();
        let report = imports::run(
            &store.tenant(UAI),
            Source::Siecle,
            files.clone(),
            dry_run,
            false,
            audit,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        println!(
            "{label:>13}: {:.2} s — students +{} ~{} ={} ; guardians +{} ~{} ={} ; links +{} ; peak memory {:.0} MiB",
            started.elapsed().as_secs_f64(),
            report.students.created,
            report.students.updated,
            report.students.unchanged,
            report.guardians.created,
            report.guardians.updated,
            report.guardians.unchanged,
            report.links_created,
            peak_mib().unwrap_or(f64::NAN)
        );
    }
    Ok(())
}
