use tracing_subscriber::{fmt, EnvFilter};

/// Structured logs on stderr: JSON when `SESAME_LOG_FORMAT=json` (for log shippers), readable
/// text otherwise. Level from `RUST_LOG` (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,actix_server=warn"));
    let json = std::env::var("SESAME_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

// ---------------------------------------------------------------------------------------------
// Prometheus metrics: request counts and latencies per route, served on their own listener.
//
// Why not actix-web-prom (used before): it rebuilds each route's label with `strfmt`, which
// reads `{population:students|external-students|guardians}` as a format spec, fails, and logs a
// WARN on every request to those routes (its latest release, 0.10.0, still does). The
// `prometheus` crate it was built on does the real work here; what remains is a route label
// from actix's own `match_pattern()` and one middleware function. It also lets `/metrics`
// live on a listener of its own, which actix-web-prom's in-app endpoint does not.

use std::sync::OnceLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

/// The label of requests no route matched (404s, scanners): the path itself would let anyone
/// create new series at will.
pub const UNMATCHED: &str = "unmatched";

/// Request counters and latency histograms (names as actix-web-prom published them, so
/// dashboards keep working): `sesame_http_requests_total` and
/// `sesame_http_requests_duration_seconds`, by `endpoint`, `method` and `status`.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
}

/// The process's metrics: every app in the process (the tests run several) counts into them.
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let labels = ["endpoint", "method", "status"];
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "Total number of HTTP requests").namespace("sesame"),
            &labels,
        )
        .expect("valid metric");
        let durations = HistogramVec::new(
            HistogramOpts::new(
                "http_requests_duration_seconds",
                "HTTP request duration in seconds for all requests",
            )
            .namespace("sesame"),
            &labels,
        )
        .expect("valid metric");
        let registry = Registry::new();
        registry
            .register(Box::new(requests.clone()))
            .expect("registered once");
        registry
            .register(Box::new(durations.clone()))
            .expect("registered once");
        Metrics {
            registry,
            requests,
            durations,
        }
    })
}

impl Metrics {
    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into memory only fails on metrics that could not be registered.
        if let Err(e) = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "cannot encode the metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }

    fn observe(&self, endpoint: &str, method: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [endpoint, method, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.durations.with_label_values(&labels).observe(seconds);
    }
}

/// A request that took longer than this is logged at INFO (others at DEBUG).
const SLOW: std::time::Duration = std::time::Duration::from_secs(1);

/// The middleware: counts and times every request under its route's pattern, and writes the
/// access log line. At the default level only what an operator acts on is written — server
/// errors (WARN) and slow requests (INFO); every request is at DEBUG. A line per request at
/// INFO was a formatted write to stderr on the request's own worker, 51,000 lines for a
/// minute of benchmark, while the metrics already count and time them.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let result = next.call(req).await;
    let took = started.elapsed();
    let (endpoint, status) = match &result {
        Ok(res) => (
            res.request().match_pattern(),
            res.response().status().as_u16(),
        ),
        Err(e) => (None, e.as_response_error().status_code().as_u16()),
    };
    let endpoint = endpoint.map_or_else(|| UNMATCHED.to_owned(), |p| route_label(&p));
    metrics().observe(&endpoint, method.as_str(), status, took.as_secs_f64());
    // Paths only, never query strings: searches carry pupils' names, which logs must not keep.
    let path = result.as_ref().map_or("", |r| r.request().path());
    let peer = result
        .as_ref()
        .ok()
        .and_then(|r| r.request().peer_addr())
        .map(|a| a.ip());
    let ms = took.as_secs_f64() * 1e3;
    if status >= 500 {
        tracing::warn!(%method, path, status, ms, ?peer, "request failed");
    } else if took >= SLOW {
        tracing::info!(%method, path, status, ms, ?peer, "slow request");
    } else {
        tracing::debug!(%method, path, status, ms, ?peer, "request");
    }
    result
}

/// A route's pattern as a label: `{name:regex}` segments become `{name}`
/// (`/api/v1/establishments/{uai}/{population}`), braces inside the regex included.
pub fn route_label(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut depth = 0usize;
    let mut in_regex = false;
    for c in pattern.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push(c);
                }
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    in_regex = false;
                    out.push(c);
                }
            }
            ':' if depth == 1 => in_regex = true,
            _ if depth == 0 => out.push(c),
            _ if !in_regex && depth == 1 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::route_label;

    #[test]
    fn route_labels_drop_the_regex_of_each_segment() {
        assert_eq!(
            route_label("/api/v1/establishments/{uai}/{population:students|external-students|guardians}/{id}"),
            "/api/v1/establishments/{uai}/{population}/{id}"
        );
        assert_eq!(route_label("/swagger-ui/{_:.*}"), "/swagger-ui/{_}");
        assert_eq!(route_label("/a/{id:\\d{4}}/b"), "/a/{id}/b");
        assert_eq!(route_label("/healthz"), "/healthz");
    }
}
