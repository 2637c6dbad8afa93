//! The user guide (« Documentation »): one hand-written French page and its stylesheet, built
//! into the binary so that it is served, at a stable address, whether or not the SPA was
//! built, and never downloaded. No script: the page is served under a stricter policy than
//! the SPA's (see `app::GUIDE_CSP`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sesame_api::guide::PATH;

/// The page. Its section ids are those of [`sesame_api::guide::SECTIONS`] (checked by the
/// `guide` integration test).
pub const HTML: &str = include_str!("../guide/guide.html");
/// Its stylesheet, apart from the page because the policy allows no inline style.
pub const CSS: &str = include_str!("../guide/guide.css");
/// Where the page asks for its stylesheet.
pub const CSS_PATH: &str = "/guide/guide.css";

/// Registers the guide's routes. Called before the SPA's catch-all, which would otherwise
/// answer `/guide` with the console's `index.html`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // HEAD too: without it a HEAD request would fall through to the SPA's `index.html`.
    cfg.route(PATH, web::get().to(page))
        .route(PATH, web::head().to(page))
        .route(&format!("{PATH}/"), web::get().to(to_page))
        .route(CSS_PATH, web::get().to(stylesheet))
        .route(CSS_PATH, web::head().to(stylesheet));
}

async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(HTML)
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .body(CSS)
}

/// `/guide/` (a typed address, a trailing slash added by hand) reaches the guide too.
async fn to_page() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, PATH))
        .finish()
}
