//! The application, built by one function so that `main` and the integration tests (which
//! bind port 0) run exactly the same service.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::middleware::Compress;
use actix_web::{web, App, HttpRequest, HttpServer};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::tokens::TokenKeys;
use crate::config::Config;
use crate::mail::Mailer;
use crate::problem::ApiError;
use crate::routes;
use crate::state::{AppState, Settings};
use sesame_store::{PasswordHasher, Store};

/// Largest JSON body accepted (a selection of a few thousand ids fits comfortably).
const JSON_LIMIT: usize = 2 * 1024 * 1024;

/// Connects to the database (migrating it) and resolves the configuration.
pub async fn build_state(config: &Config, hasher: PasswordHasher) -> anyhow::Result<AppState> {
    config.prepare_storage()?;
    let secrets = config.load_secret_box()?;
    let store = Store::connect(&config.database_url).await?;
    let tokens = TokenKeys::new(&secrets.derive_key("jwt-hs256"));
    let mailer = Mailer::from_config(config)?;
    Ok(AppState {
        store,
        tokens: Arc::new(tokens),
        secrets,
        hasher,
        hashing: crate::auth::hashing::HashGate::from_cores(),
        mailer,
        standings: Default::default(),
        settings: Arc::new(Settings {
            access_token_ttl: config.access_token_ttl,
            refresh_token_ttl: config.refresh_token_ttl,
            session_max: chrono::Duration::seconds(config.session_max_secs as i64),
            refresh_reuse_grace: chrono::Duration::seconds(crate::state::REFRESH_REUSE_GRACE_SECS),
            admin_networks: config.admin_networks()?,
            trusted_proxies: config.trusted_proxies()?,
            spa_dir: config.spa_dir.clone(),
            url_verify_allow_http_loopback: config.url_verify_allow_http_loopback,
            webhook_retry_base: std::time::Duration::from_millis(config.webhook_retry_base_ms),
            webhook_poll: std::time::Duration::from_millis(config.webhook_poll_ms.max(50)),
            webhook_timeout: std::time::Duration::from_millis(config.webhook_timeout_ms.max(100)),
            public_url: config.public_url()?,
        }),
    })
}

/// The API routes on a plain actix configuration: the application's, and the tests'.
pub fn api_routes(cfg: &mut web::ServiceConfig) {
    register_api(&mut utoipa_actix_web::service_config::ServiceConfig::new(
        cfg,
    ));
}

/// The route table, written once: each handler is registered with actix and its operation
/// (path and method from its actix attribute, the rest from its `#[utoipa::path]`) is collected
/// by the same call. [`crate::openapi::document`] runs it to gather the document's paths; a
/// handler without `#[utoipa::path]` cannot be registered here.
pub fn register_api(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::health::healthz)
        .service(routes::health::readyz)
        .service(routes::auth::login_handler)
        .service(routes::auth::refresh)
        .service(routes::auth::logout)
        .service(routes::oauth::token)
        .service(routes::webhooks::register)
        .service(routes::webhooks::show)
        .service(routes::webhooks::remove)
        .service(routes::webhooks::deliveries)
        .service(routes::me::me)
        .service(routes::establishments::list)
        .service(routes::establishments::get_one)
        // Before the accounts routes: `{uai}/statistics` and `{uai}/settings/…` would
        // otherwise match `{uai}/{population}[/{id}]`.
        .service(routes::statistics::get)
        .service(routes::imports::import)
        .service(routes::imports::template)
        .service(routes::settings::get_notification_urls)
        .service(routes::settings::set_notification_url)
        .service(routes::settings::verify_notification_url)
        .service(routes::settings::activate_notification_url)
        .service(routes::settings::deactivate_notification_url)
        .service(routes::holders::login)
        .service(routes::holders::me)
        .service(routes::holders::change_password)
        .service(routes::holders::report_link)
        .service(routes::holder_recovery::change_email)
        .service(routes::holder_recovery::confirm_email)
        .service(routes::holder_recovery::recovery)
        .service(routes::holder_recovery::recovery_password)
        .service(routes::holder_recovery::registration)
        .service(routes::holder_recovery::registration_password)
        .service(routes::delegations::list)
        .service(routes::delegations::grant)
        .service(routes::delegations::revoke)
        .service(routes::audit::list)
        .service(routes::accounts::structure)
        .service(routes::account_actions::notify)
        .service(routes::account_actions::reset_password)
        .service(routes::account_actions::list)
        .service(routes::accounts::search)
        .service(routes::accounts::detail)
        .service(routes::accounts::edit_contact)
        .service(routes::documents::document)
        .service(routes::documents::job)
        .service(routes::identifiers::regenerate)
        .service(routes::identifiers::cancel)
        .service(routes::ent::search)
        .service(routes::ent::group_tree)
        .service(routes::ent::subjects)
        .service(routes::ent::regenerate_password)
        .service(routes::ent::create)
        .service(routes::ent::block)
        .service(routes::ent::unblock);
}

/// Starts serving on `listener`. The periodic work runs apart: [`crate::scheduler::start`].
/// `/metrics` is not served here but by [`run_metrics`], on a listener of its own.
pub fn run(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        let spa_dir = data.settings.spa_dir.clone();
        let app = App::new()
            .app_data(data.clone())
            .app_data(json_config())
            .app_data(form_config())
            .app_data(web::PayloadConfig::new(
                crate::routes::extract::JSON_LIMIT + 1,
            ))
            .app_data(query_config())
            .app_data(path_config())
            .wrap(actix_web::middleware::from_fn(security_headers))
            .wrap(actix_web::middleware::from_fn(crate::telemetry::record))
            // Outside `record`: its access-log line is inside the request's span.
            .wrap(actix_web::middleware::from_fn(crate::telemetry::request_id))
            .wrap(Compress::default())
            .configure(api_routes)
            .configure(crate::guide::configure)
            // Metrics moved to their own listener: a scraper still pointed here gets a plain
            // 404, not the SPA's page with a 200.
            .route(
                "/metrics",
                web::get()
                    .to(|| async { actix_web::ResponseError::error_response(&ApiError::NotFound) }),
            )
            .service(
                SwaggerUi::new("/swagger-ui/{_:.*}")
                    .url("/api-docs/openapi.json", crate::openapi::document()),
            );
        if spa_dir.join("index.html").is_file() {
            app.service(crate::spa::service(spa_dir))
        } else {
            app.default_service(web::to(|req: HttpRequest| async move {
                if req.path().starts_with("/api/") {
                    actix_web::ResponseError::error_response(&ApiError::NotFound)
                } else {
                    crate::spa::not_built()
                }
            }))
        }
    })
    .listen(listener)?
    .shutdown_timeout(10)
    .run();
    Ok(server)
}

/// Serves the Prometheus metrics at `/metrics` on `listener` (`SESAME_METRICS_BIND`), apart
/// from the API: request counts per route are for the operator's scraper, not for whoever
/// can reach the public port, and the API's routes are not reachable here. One worker: a
/// scrape every few seconds is all it serves.
pub fn run_metrics(listener: TcpListener) -> std::io::Result<Server> {
    let server = HttpServer::new(|| {
        App::new()
            .route(
                "/metrics",
                web::get().to(|| async {
                    actix_web::HttpResponse::Ok()
                        .content_type("text/plain; version=0.0.4; charset=utf-8")
                        .body(crate::telemetry::metrics().render())
                }),
            )
            .default_service(web::to(|| async {
                actix_web::ResponseError::error_response(&ApiError::NotFound)
            }))
    })
    .workers(1)
    .listen(listener)?
    .shutdown_timeout(5)
    .run();
    Ok(server)
}

/// The SPA's strict policy: its own scripts and wasm only, no inline code, no framing.
const SPA_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The user guide's policy: a document with its stylesheet and nothing else (no script at
/// all), not to be framed.
pub const GUIDE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

async fn security_headers(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::http::header::{HeaderName, HeaderValue};
    let path = req.path().to_owned();
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    let mut set = |name: &'static str, value: &'static str| {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    };
    set("x-content-type-options", "nosniff");
    set("referrer-policy", "no-referrer");
    if path.starts_with("/api/") {
        // Responses carry tokens and provisional passwords: never cache them anywhere.
        set("cache-control", "no-store");
    } else if path == sesame_api::guide::PATH || path.starts_with("/guide/") {
        set("content-security-policy", GUIDE_CSP);
        set("cache-control", "no-cache");
    } else if !path.starts_with("/swagger-ui") {
        set("content-security-policy", SPA_CSP);
        // File names carry no hash: revalidate so the JS glue always matches the wasm.
        set("cache-control", "no-cache");
    }
    Ok(res)
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req| {
            let api = match &err {
                JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
                    "Le corps de la requête doit être en JSON (Content-Type: application/json)."
                        .into(),
                ),
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => ApiError::PayloadTooLarge,
                JsonPayloadError::Deserialize(e) => serde_problem(&e.to_string(), "body"),
                other => ApiError::BadRequest(format!("Corps de requête illisible : {other}")),
            };
            actix_web::error::InternalError::from_response(
                err,
                actix_web::ResponseError::error_response(&api),
            )
            .into()
        })
}

fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(16 * 1024)
        .error_handler(|err, _req| {
            let api = match &err {
                actix_web::error::UrlencodedError::Parse(e) => {
                    serde_problem(&e.to_string(), "body")
                }
                actix_web::error::UrlencodedError::ContentType => ApiError::UnsupportedMediaType(
                    "Le corps doit être application/x-www-form-urlencoded.".into(),
                ),
                other => ApiError::BadRequest(other.to_string()),
            };
            actix_web::error::InternalError::from_response(
                err,
                actix_web::ResponseError::error_response(&api),
            )
            .into()
        })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let api = match &err {
            QueryPayloadError::Deserialize(e) => serde_problem(&e.to_string(), "query"),
            other => ApiError::BadRequest(other.to_string()),
        };
        actix_web::error::InternalError::from_response(
            err,
            actix_web::ResponseError::error_response(&api),
        )
        .into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        let api = match &err {
            PathError::Deserialize(e) => serde_problem(&e.to_string(), "path"),
            other => ApiError::BadRequest(other.to_string()),
        };
        actix_web::error::InternalError::from_response(
            err,
            actix_web::ResponseError::error_response(&api),
        )
        .into()
    })
}

/// Turns a serde message ("missing field `password` at line 1 column 20") into a field error
/// naming the field, so the client knows what to fix.
pub fn serde_problem(message: &str, fallback_field: &str) -> ApiError {
    let field = message
        .split('`')
        .nth(1)
        .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .filter(|_| message.contains("field"))
        .unwrap_or(fallback_field);
    let text = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned();
    ApiError::field(field, format!("Valeur invalide : {text}"))
}
