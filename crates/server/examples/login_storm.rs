//! The load generator of `scripts/login-storm.sh`: N account holders log in at once, each from
//! its own loopback address (127.0.x.y, so the per-address throttle does not cut the storm
//! short), with a wrong password and a distinct identifier; a 503 is retried after its
//! `Retry-After` (at most 20 times), as the SPA does.
//!
//! `cargo run --release -p sesame-server --example login_storm -- PORT N RATE_FILE`
//!
//! Why not Python threads, as before: the storm is measured on the server's machine, and a
//! thousand Python threads took about a tenth of its two cores (the GIL handing over between
//! them), CPU the server then lacked for hashing. One thread of async sockets costs a few
//! microseconds a request; its own CPU time is printed so that the reader can check.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;
use tokio::sync::Barrier;

struct Outcome {
    status: String,
    unavailable: u32,
    took: Duration,
}

/// One request on its own connection from `source`: the status and the `Retry-After` seconds.
async fn login(port: u16, source: Ipv4Addr, body: &str) -> std::io::Result<(u16, Option<f64>)> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((source, 0)))?;
    let mut stream = socket
        .connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await?;
    let request = format!(
        "POST /api/v1/account/login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::with_capacity(1024);
    stream.read_to_end(&mut answer).await?;
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let retry = text.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("retry-after")
            .then(|| value.trim().parse().ok())?
    });
    Ok((status, retry))
}

async fn client(
    i: usize,
    port: u16,
    barrier: Arc<Barrier>,
    start: Arc<std::sync::OnceLock<Instant>>,
) -> Outcome {
    let source = Ipv4Addr::new(127, 0, 1 + (i / 250) as u8, 1 + (i % 250) as u8);
    let body = format!(r#"{{"identifier":"eleve.tempete.{i}","password":"Mauvais-mot-2026"}}"#);
    barrier.wait().await;
    let started = *start.get_or_init(Instant::now);
    let mut unavailable = 0;
    let mut status = String::from("none");
    for _ in 0..21 {
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
        match login(port, source, &body).await {
            Ok((503, retry)) => {
                unavailable += 1;
                status = "503".into();
                tokio::time::sleep(Duration::from_secs_f64(retry.unwrap_or(1.0))).await;
            }
            Ok((code, _)) => {
                status = code.to_string();
                break;
            }
            Err(e) => {
                status = format!("error: {}", e.kind());
                break;
            }
        }
    }
    Outcome {
        status,
        unavailable,
        took: started.elapsed(),
    }
}

/// This process's CPU time (user + system), from /proc.
fn own_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&k| fields.get(k).and_then(|f| f.parse::<f64>().ok()))
        .sum();
    // USER_HZ is 100 on Linux whatever the kernel's own tick.
    ticks / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: login_storm PORT N RATE_FILE";
    let port: u16 = args.get(1).and_then(|a| a.parse().ok()).expect(usage);
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).expect(usage);
    let rate_file = args.get(3).expect(usage).clone();
    assert!((1..=1000).contains(&n), "at most 1000 clients");
    // One thread: the server, not the load generator, should have the cores.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cpu_before = own_cpu_seconds();
    let (outcomes, wall) = runtime.block_on(async {
        let barrier = Arc::new(Barrier::new(n));
        let start = Arc::new(std::sync::OnceLock::new());
        let tasks: Vec<_> = (0..n)
            .map(|i| tokio::spawn(client(i, port, barrier.clone(), start.clone())))
            .collect();
        let mut outcomes = Vec::with_capacity(n);
        for t in tasks {
            outcomes.push(t.await.expect("client task"));
        }
        let wall = start.get().map_or(Duration::ZERO, |s| s.elapsed());
        (outcomes, wall)
    });
    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &outcomes {
        *statuses.entry(o.status.as_str()).or_default() += 1;
    }
    let refused_once = outcomes.iter().filter(|o| o.unavailable > 0).count();
    let refusals: u32 = outcomes.iter().map(|o| o.unavailable).sum();
    println!(
        "{n} logins: final statuses {statuses:?}; {refused_once} got 503 at least once \
         ({refusals} 503 answers in all)"
    );
    let mut answered: Vec<f64> = outcomes
        .iter()
        .filter(|o| o.status == "401")
        .map(|o| o.took.as_secs_f64())
        .collect();
    answered.sort_by(f64::total_cmp);
    if !answered.is_empty() {
        let wall = wall.as_secs_f64();
        let rate = answered.len() as f64 / wall;
        let p = |q: f64| answered[((q * answered.len() as f64) as usize).min(answered.len() - 1)];
        std::fs::write(&rate_file, format!("{rate:.1}\n")).expect("rate file");
        println!(
            "wall {wall:.2} s, {rate:.1} verified logins/s; time to a 401: median {:.2} s, \
             p95 {:.2} s, max {:.2} s",
            p(0.5),
            p(0.95),
            answered[answered.len() - 1]
        );
    }
    println!(
        "load generator CPU during the storm: {:.2} s (one thread)",
        own_cpu_seconds() - cpu_before
    );
}
