//! Sends a SIECLE Nomenclature with many distinct MEF codes (300,000 by default: a 64 MB
//! file, the upload limit) to a running service as a preview, and measures what the rest of
//! the service sees meanwhile: `/healthz` is asked every 20 ms from another client, and its
//! latencies during the import are reported. Then times the engine alone on the same plan
//! (the parse-time cap bypassed) to show that it is linear in the codes.
//!
//!   cargo run --release -p sesame-server --example import_bench_codes [codes] [engine codes]
//!
//! `DATABASE_URL` picks the engine (default: a fresh SQLite file under the temp directory).
//! `engine codes` = 0 skips the engine-alone run.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sesame_core::permissions::Role;
use sesame_imports::synthetic::generate_nomenclature;
use sesame_server::config::Config;
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};
use sesame_store::repo::establishments::NewEstablishment;
use sesame_store::repo::staff::NewStaff;
use sesame_store::{PasswordHasher, SecretBox};

const UAI: &str = "0450750W";
const PASSWORD: &str = "bench-password-123";
const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";

fn config(database_url: String) -> Config {
    Config {
        database_url,
        secret_key: Some(SecretBox::generate_key_base64()),
        secret_key_file: None,
        spa_dir: "/nonexistent-spa-dir".into(),
        access_token_ttl: 900,
        refresh_token_ttl: 3600,
        admin_networks: vec![],
        trusted_proxies: vec![],
        url_verify_allow_http_loopback: false,
        webhook_retry_base_ms: 200,
        webhook_poll_ms: 100,
        smtp_url: None,
        smtp_username: None,
        smtp_password: None,
        mail_from: sesame_server::mail::DEFAULT_FROM.into(),
        smtp_timeout_secs: 10,
        metrics_bind: None,
        webhook_timeout_ms: 5000,
        public_url: None,
        session_max_secs: 36_000,
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let codes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(300_000);
    let engine_codes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(codes);
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) => url,
        Err(_) => {
            let path = std::env::temp_dir()
                .join(format!("sesame-import-codes-{}.sqlite", std::process::id()));
            let _ = std::fs::remove_file(&path);
            format!("sqlite://{}?mode=rwc", path.display())
        }
    };
    let state =
        sesame_server::app::build_state(&config(url), PasswordHasher::insecure_fast()).await?;
    let store = state.store.clone();
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
    let head = store
        .create_staff(NewStaff {
            username: "bench-head",
            display_name: "Bench",
            password_hash: state.hasher.hash(PASSWORD)?,
            totp_secret_enc: None,
        })
        .await?;
    store
        .set_staff_totp(&head.id, Some(state.secrets.seal(TOTP_SECRET, &head.id)?))
        .await?;
    store.add_staff_role(&head.id, UAI, Role::Head).await?;

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = sesame_server::app::run(listener, state.clone())?;
    tokio::spawn(server);

    let http = reqwest::Client::new();
    let totp = sesame_server::auth::totp::totp_for(TOTP_SECRET, "Sésame", "bench").unwrap();
    let login: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({
            "username": "bench-head",
            "password": PASSWORD,
            "totp_code": totp.generate(chrono::Utc::now().timestamp() as u64),
        }))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let file = generate_nomenclature(codes, UAI);
    println!(
        "{}: Nomenclature.xml with {codes} distinct MEF codes, {:.1} MB",
        store.backend().name(),
        file.bytes.len() as f64 / 1e6
    );

    // The prober: its own client (own connections), one request every 20 ms.
    let running = Arc::new(AtomicBool::new(true));
    let prober = {
        let running = running.clone();
        let base = base.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap();
            let mut latencies = Vec::new();
            while running.load(Ordering::Relaxed) {
                let started = Instant::now();
                let ok = client
                    .get(format!("{base}/healthz"))
                    .timeout(Duration::from_secs(600))
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                if ok {
                    latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            latencies
        })
    };

    let boundary = "bench-boundary-3c1e";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"Nomenclature.xml\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let started = Instant::now();
    let response = http
        .post(format!(
            "{base}/api/v1/establishments/{UAI}/imports?source=siecle&dry_run=true"
        ))
        .bearer_auth(&token)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .timeout(Duration::from_secs(1800))
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    let elapsed = started.elapsed().as_secs_f64();
    running.store(false, Ordering::Relaxed);
    let mut latencies = prober.await?;
    latencies.sort_by(f64::total_cmp);
    let answer: String = text.chars().take(300).collect();
    println!("preview over HTTP: {status} in {elapsed:.2} s: {answer}");
    println!(
        "/healthz during the import: {} answers, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );

    if engine_codes > 0 {
        // The engine alone, past the cap, each size in an establishment of its own: a first
        // preview, the import, then the preview of the same file again (every MEF known:
        // the path that compared each code with every other one).
        for (n, uai) in [(engine_codes / 10, "0450751X"), (engine_codes, "0450752Y")] {
            store
                .insert_establishment(NewEstablishment {
                    uai: uai.into(),
                    name: format!("Banc d'essai {n}"),
                    kind: "lp".into(),
                    degree: 2,
                    sector: "public".into(),
                    academy: "Orléans-Tours".into(),
                    private_admin_group: false,
                })
                .await?;
            let file = generate_nomenclature(n, uai);
            let started = Instant::now();
            let plan = tokio::task::spawn_blocking(move || {
                sesame_imports::parse_siecle(std::slice::from_ref(&file))
            })
            .await?;
            let parsed = started.elapsed().as_secs_f64();
            let mut times = Vec::new();
            for dry_run in [true, false, true] {
                let audit = NewAuditEvent::new(ActorKind::System, "bench", "import.apply");
                let started = Instant::now();
                store
                    .tenant(uai)
                    .import_plan(&plan, dry_run, false, chrono::Utc::now(), audit)
                    .await?;
                times.push(started.elapsed().as_secs_f64());
            }
            println!(
                "engine alone, {n} MEF codes: parse {parsed:.2} s, preview {:.2} s, import {:.2} s, \
                 preview again {:.2} s",
                times[0], times[1], times[2]
            );
        }
    }
    Ok(())
}
