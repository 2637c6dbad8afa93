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
