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

// ---------------------------------------------------------------------------------------------
// Request ids: every request gets one, answered in `X-Request-Id`, carried by the request's
// span (so by every log line written while it is served) and by its problem documents.
//
// Why a middleware of our own and not tracing-actix-web: its request id is always generated
// (an id a proxy or client sent in `X-Request-Id` is not taken up), the problem documents
// need the id where the response body is built (`ApiError::to_problem`, which has no access to
// the request), and the span it builds carries many fields we do not want per request. What is
// needed is a header check, a span and a task-local: a few lines.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::HttpMessage;
use tracing::Instrument;

/// The header a request id comes in and goes out in.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id taken up: a UUID (36), a ULID (26), a W3C trace id (32) fit; anything
/// longer is not an id but a way to fill the logs.
const REQUEST_ID_MAX: usize = 64;

tokio::task_local! {
    /// The id of the request being served by the current task (set by [`request_id`]).
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request being served, inside [`request_id`]'s scope; `None` outside a
/// request (jobs spawned apart, the CLI, unit tests).
pub fn current_request_id() -> Option<String> {
    CURRENT_REQUEST_ID.try_with(Clone::clone).ok()
}

/// The incoming `X-Request-Id` when it is one a log can safely hold: 1 to 64 characters among
/// ASCII letters, digits, `-`, `_` and `.` (no spaces, quotes or control characters, which
/// could forge or break log lines). Otherwise `None`, and the request gets a new id.
pub fn incoming_request_id(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(REQUEST_ID)?.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= REQUEST_ID_MAX
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    sane.then(|| value.to_owned())
}

/// The route's label, computed once by [`request_id`] for its span and reused by [`record`].
#[derive(Clone)]
struct RouteLabel(String);

/// The middleware: takes up or makes the request's id, serves the request inside a span
/// `request{request_id, method, route}` and with the id in the task-local that problem
/// documents read, and answers it in `X-Request-Id`. Wrapped outside [`record`], so the
/// access-log line is in the span too.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // A fresh id is a random UUID (already a dependency), in the 32-hex-digit form the
    // store's ids use.
    let id = incoming_request_id(req.headers())
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    // An id is only ever taken up when it is a valid header value, and a made one always is.
    let header = HeaderValue::from_str(&id).ok();
    // Before routing, `match_pattern` finds the route by walking the resource map: the span
    // names the route from its first line on.
    let route = req
        .match_pattern()
        .map_or_else(|| UNMATCHED.to_owned(), |p| route_label(&p));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = %route,
    );
    req.extensions_mut().insert(RouteLabel(route));
    let on_error = header.clone();
    let served = CURRENT_REQUEST_ID.scope(id, async move {
        match next.call(req).await {
            Ok(res) => Ok(res),
            // An error no inner layer turned into a response: its response is built here,
            // inside the scope, so that its problem document (and its log line) carries the
            // id — actix would otherwise build it after this middleware returned. (It stays
            // an error: the request cannot be taken back to make a `ServiceResponse` of it.)
            Err(e) => {
                let mut res = e.error_response();
                if let Some(value) = on_error {
                    res.headers_mut().insert(REQUEST_ID, value);
                }
                Err(actix_web::Error::from(
                    actix_web::error::InternalError::from_response(e, res),
                ))
            }
        }
    });
    let mut res = served.instrument(span).await?;
    if let Some(value) = header {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
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
    let endpoint = match &result {
        Ok(res) => res.request().extensions().get::<RouteLabel>().map_or_else(
            || {
                res.request()
                    .match_pattern()
                    .map_or_else(|| UNMATCHED.to_owned(), |p| route_label(&p))
            },
            |label| label.0.clone(),
        ),
        Err(_) => UNMATCHED.to_owned(),
    };
    let status = match &result {
        Ok(res) => res.response().status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
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

#[cfg(test)]
mod request_id_tests {
    use actix_web::http::header::{HeaderMap, HeaderValue};

    use super::{incoming_request_id, REQUEST_ID};

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            REQUEST_ID,
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
        h
    }

    #[test]
    fn sane_incoming_ids_are_taken_up() {
        for id in [
            "0f2c9a4e-8b1d-4c7f-a3e5-b6d7c8e9f0a1",
            "01HZX3Q5V7K9M2N4P6R8T0W2Y4",
            "lb.7_a-b",
            &"a".repeat(64),
        ] {
            assert_eq!(incoming_request_id(&with(id)).as_deref(), Some(id));
        }
    }

    #[test]
    fn unsafe_or_overlong_incoming_ids_are_refused() {
        for id in ["", "a b", "a\"b", "id=1;x", "a/b", "é", &"a".repeat(65)] {
            // From bytes: a header may carry non-ASCII bytes (obs-text), which `from_str`
            // would refuse before the check under test saw them.
            assert_eq!(incoming_request_id(&with(id)), None, "{id:?}");
        }
        assert_eq!(incoming_request_id(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn problems_carry_the_id_of_the_request_being_served() {
        let problem = super::CURRENT_REQUEST_ID
            .scope("abc".to_owned(), async {
                crate::problem::ApiError::NotFound.to_problem()
            })
            .await;
        assert_eq!(problem.request_id.as_deref(), Some("abc"));
    }
}
