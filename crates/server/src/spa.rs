//! Serves the built SPA. Client-side routes (any non-API path that is not a file) get
//! `index.html`, so a reloaded or shared URL opens the right screen.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::HttpResponse;

use crate::problem::ApiError;

pub fn service(dir: PathBuf) -> Files {
    let index = dir.join("index.html");
    Files::new("/", dir)
        .index_file("index.html")
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                if req.path().starts_with("/api/") {
                    let resp = actix_web::ResponseError::error_response(&ApiError::NotFound);
                    return Ok(ServiceResponse::new(req, resp));
                }
                match NamedFile::open_async(&index).await {
                    Ok(file) => {
                        let resp = file.into_response(&req);
                        Ok(ServiceResponse::new(req, resp))
                    }
                    Err(_) => Ok(ServiceResponse::new(req, not_built())),
                }
            }
        }))
}

/// What `/` shows when the SPA has not been built: how to build it, not a bare 404.
pub fn not_built() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Sésame</title></head>\
<body><main><h1>Sésame</h1><p>L'interface web n'est pas construite : lancez <code>scripts/build-spa.sh</code>. \
L'API est documentée sur <a href=\"/swagger-ui/\">/swagger-ui/</a>.</p></main></body></html>",
    )
}
