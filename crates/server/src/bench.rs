//! `sesame bench`: measures a running Sésame over HTTP on the scale data set
//! (`sesame scale-demo`), the way a browser or an ENT would use it.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::{json, Value};
use sesame_core::{Channel, DocumentFormat, JobState};

#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Base URL of the running service.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    #[arg(long, default_value = sesame_demo::scale::BENCH_USER)]
    pub username: String,
    #[arg(
        long,
        env = "SESAME_BENCH_PASSWORD",
        default_value = "bench-password-123"
    )]
    pub password: String,
    /// Sequential searches for the latency percentiles.
    #[arg(long, default_value_t = 1000)]
    pub searches: usize,
    /// Concurrent clients for the throughput run.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Length of the throughput run, in seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

fn bench_uai() -> String {
    let n = sesame_demo::scale::BENCH_UAI_NUMBER;
    format!("{n:07}{}", sesame_core::uai::check_letter(n))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let login: Value = http
        .post(format!("{}/api/v1/auth/login", args.url))
        .json(&json!({"username": args.username, "password": args.password}))
        .send()
        .await?
        .error_for_status()
        .context(
            "login (run the server with SESAME_ADMIN_NETWORKS=127.0.0.0/8 so no TOTP is asked)",
        )?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .context("access token")?
        .to_owned();
    let uai = bench_uai();
    let base = format!("{}/api/v1/establishments/{uai}/students", args.url);

    // (a) notify 2,000 accounts with the letters PDF.
    let start = Instant::now();
    let r: Value = http
        .post(format!("{base}/notify"))
        .bearer_auth(&token)
        .json(&json!({"all_matching": {}, "channel": Channel::Letter, "reset_password": false}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let (count, document) = if let Some(job) = r["job_id"].as_str() {
        loop {
            let j: Value = http
                .get(format!("{}/api/v1/jobs/{job}", args.url))
                .bearer_auth(&token)
                .send()
                .await?
                .json()
                .await?;
            match j["state"].as_str().and_then(JobState::parse) {
                Some(JobState::Done) => {
                    break (
                        j["result"]["results"].as_array().map(Vec::len).unwrap_or(0),
                        j["result"]["document_id"].as_str().map(str::to_owned),
                    )
                }
                Some(JobState::Failed) => bail!("notify job failed: {}", j["error"]),
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    } else {
        (
            r["results"].as_array().map(Vec::len).unwrap_or(0),
            r["document_id"].as_str().map(str::to_owned),
        )
    };
    let notify_time = start.elapsed();
    let pdf_size = match &document {
        Some(id) => http
            .get(format!("{}/api/v1/documents/{id}", args.url))
            .bearer_auth(&token)
            .send()
            .await?
            .bytes()
            .await?
            .len(),
        None => 0,
    };
    println!(
        "(a) notify {count} accounts + letters PDF: {:.0} ms (PDF {:.1} MB)",
        ms(notify_time),
        pdf_size as f64 / 1e6
    );

    // (b) lists of the same 2,000 accounts.
    for format in [DocumentFormat::Csv, DocumentFormat::Pdf] {
        let start = Instant::now();
        let bytes = http
            .post(format!("{base}/list"))
            .bearer_auth(&token)
            .json(&json!({"all_matching": {}, "format": format}))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        println!(
            "(b) list {format} of {count} accounts: {:.0} ms ({:.2} MB)",
            ms(start.elapsed()),
            bytes.len() as f64 / 1e6
        );
    }

    // (c) search latency at establishment scope: name prefixes, states, classes, pages.
    let queries = [
        "q=mar",
        "q=dupont",
        "q=le",
        "state=not_notified",
        "state=activated&per_page=50",
        "class=3EME1",
        "q=camille%20martin",
        "sort=-notified_at",
        "page=3",
        "q=b&state=notified_not_activated",
    ];
    let mut times = Vec::with_capacity(args.searches);
    for i in 0..args.searches {
        let q = queries[i % queries.len()];
        let start = Instant::now();
        http.get(format!("{base}?{q}"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "(c) search latency over {} requests: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
        times.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.95)),
        ms(percentile(&times, 0.99))
    );

    // (c') the unfiltered first page, and the deepest page reached by cursor (`after=`, the
    // console's « Suivant »): a page's cost must not grow with its depth.
    let mut cursor: Option<String> = None;
    let mut deepest: Option<(u32, String)> = None;
    for depth in 1.. {
        let mut request = http.get(&base).bearer_auth(&token);
        if let Some(c) = &cursor {
            request = request.query(&[("after", c)]);
        }
        let page: Value = request.send().await?.error_for_status()?.json().await?;
        if let Some(c) = &cursor {
            deepest = Some((depth, c.clone()));
        }
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let rounds = (args.searches / 2).max(1);
    let first = timed(&http, &token, &base, &[], rounds).await?;
    println!(
        "(c') first page over {rounds} requests: {}",
        summary(&first)
    );
    match deepest {
        Some((depth, after)) => {
            let deep = timed(&http, &token, &base, &[("after", after.as_str())], rounds).await?;
            println!(
                "(c') page {depth} by cursor over {rounds} requests: {}",
                summary(&deep)
            );
        }
        None => println!("(c') one page only: no cursor to follow"),
    }

    // (d) throughput of authenticated searches.
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut workers = Vec::new();
    for w in 0..args.concurrency {
        let http = http.clone();
        let token = token.clone();
        let base = base.clone();
        workers.push(tokio::spawn(async move {
            let (mut ok, mut errors) = (0u64, 0u64);
            let mut i = w;
            while Instant::now() < deadline {
                let q = queries[i % queries.len()];
                i += 1;
                match http
                    .get(format!("{base}?{q}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        ok += 1
                    }
                    _ => errors += 1,
                }
            }
            (ok, errors)
        }));
    }
    let (mut ok, mut errors) = (0, 0);
    for w in workers {
        let (o, e) = w.await?;
        ok += o;
        errors += e;
    }
    println!(
        "(d) authenticated search throughput: {:.0} req/s over {} s with {} clients, {ok} ok, {errors} errors",
        ok as f64 / args.seconds as f64,
        args.seconds,
        args.concurrency
    );
    Ok(())
}

/// `rounds` requests of `url` with `query`, one after another: their sorted durations.
async fn timed(
    http: &reqwest::Client,
    token: &str,
    url: &str,
    query: &[(&str, &str)],
    rounds: usize,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        http.get(url)
            .bearer_auth(token)
            .query(query)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times)
}

fn summary(sorted: &[Duration]) -> String {
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.95)),
        ms(percentile(sorted, 0.99))
    )
}
