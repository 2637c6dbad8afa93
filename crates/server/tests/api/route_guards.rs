//! Completeness guards (kanidm `apidocs/tests.rs` style), so that a new route cannot skip the
//! OpenAPI document or the access matrix:
//!
//! - every route the application serves is in the OpenAPI document with the same method, and
//!   every documented operation is served;
//! - every handler declared in `crates/server/src/routes/` with an actix route attribute is
//!   served (registered in `app::register_api`), which also checks that the enumeration below
//!   misses nothing;
//! - every establishment-scoped operation (a path with `{uai}`) of the document is called by
//!   the access-matrix test (`tests/api/common/access_endpoints.rs`).
//!
//! The served routes are asked of actix itself: the application's resource map gives every
//! registered path pattern, and one request per pattern and method (through a middleware that
//! reads which pattern matched, the default service marking what no route took) tells which
//! methods each pattern answers. No handler runs with
//! a state (there is none), so nothing is changed.

use crate::common;

use std::collections::BTreeSet;

use actix_web::dev::Service;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::{test as atest, web, App, HttpRequest, HttpResponse};

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const MATCHED: &str = "x-test-matched-pattern";
/// Set by the default service: no route took the request.
const UNROUTED: &str = "x-test-unrouted";
const ROUTES_DUMP: &str = "/__test_resource_map";

/// `{uai}`, `{id:[0-9]+}`, `{population:students|guardians}` → `{}`.
fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// A concrete path matching `pattern`: a variable with a regex alternation of words takes the
/// first word, any other variable a plain token.
fn concrete(pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}').expect("closed variable");
        let var = &rest[start + 1..end];
        let value = match var.split_once(':') {
            Some((_, re)) => {
                let first = re.split('|').next().unwrap_or_default();
                if !first.is_empty()
                    && first
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    first.to_owned()
                } else {
                    panic!("cannot build a path for the variable {{{var}}} of {pattern}")
                }
            }
            None => "probe0".to_owned(),
        };
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The path patterns in actix's resource map (its `Debug` form: `patterns: Single("…")` or
/// `List(["…", …])`).
fn patterns_in(debug: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for chunk in debug.split("patterns: ").skip(1) {
        let list = if let Some(single) = chunk.strip_prefix("Single(") {
            single.split(')').next().unwrap_or_default()
        } else if let Some(list) = chunk.strip_prefix("List([") {
            list.split("])").next().unwrap_or_default()
        } else {
            panic!(
                "unexpected resource map form: {}",
                &chunk[..chunk.len().min(80)]
            )
        };
        for quoted in list.split(", ") {
            let p = quoted.trim_matches('"');
            if p.starts_with('/') {
                found.insert(p.to_owned());
            }
        }
    }
    found
}

/// Every (method, pattern) the application's API routes serve.
async fn served_routes() -> BTreeSet<(String, String)> {
    let app = atest::init_service(
        App::new()
            .wrap_fn(|req, srv| {
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
                    if let Some(p) = res.request().match_pattern() {
                        res.headers_mut().insert(
                            HeaderName::from_static(MATCHED),
                            HeaderValue::from_str(&p).unwrap(),
                        );
                    }
                    Ok(res)
                }
            })
            .configure(sesame_server::app::api_routes)
            .route(
                ROUTES_DUMP,
                web::get().to(|req: HttpRequest| async move {
                    HttpResponse::Ok().body(format!("{:?}", req.resource_map()))
                }),
            )
            .default_service(web::to(|| async {
                HttpResponse::NotFound()
                    .insert_header((UNROUTED, "1"))
                    .finish()
            })),
    )
    .await;
    let dump = atest::call_and_read_body(
        &app,
        atest::TestRequest::get().uri(ROUTES_DUMP).to_request(),
    )
    .await;
    let patterns = patterns_in(&String::from_utf8_lossy(&dump));
    assert!(
        patterns.len() > 10,
        "the resource map gave too few patterns: {patterns:?}"
    );
    let mut served = BTreeSet::new();
    for pattern in patterns.iter().filter(|p| p.as_str() != ROUTES_DUMP) {
        let uri = concrete(pattern);
        for method in METHODS {
            let req = atest::TestRequest::default()
                .method(Method::from_bytes(method.as_bytes()).unwrap())
                .uri(&uri)
                .to_request();
            let res = atest::call_service(&app, req).await;
            // A method guard that refuses lets the request fall through to the default
            // service (or, for a resource with several routes, answer 405).
            let routed = !res.headers().contains_key(UNROUTED)
                && res.status() != actix_web::http::StatusCode::METHOD_NOT_ALLOWED;
            let matched = res.headers().get(MATCHED).and_then(|v| v.to_str().ok());
            if routed && matched == Some(pattern.as_str()) {
                served.insert((method.to_owned(), pattern.clone()));
            }
        }
    }
    served
}

/// Every (method, path) of the OpenAPI document.
fn documented() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(sesame_server::openapi::document()).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            let m = method.to_uppercase();
            if METHODS.contains(&m.as_str()) {
                ops.insert((m, path.clone()));
            }
        }
    }
    ops
}

/// The `(METHOD, "path")` of every actix route attribute in `crates/server/src/routes/`.
fn declared_in_source() -> BTreeSet<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes");
    let mut files = vec![std::path::PathBuf::from(dir)];
    let mut found = BTreeSet::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                files.push(entry.unwrap().path());
            }
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for method in METHODS {
            for prefix in ["#[", "#[actix_web::", "#[web::"] {
                let attr = format!("{prefix}{}(", method.to_lowercase());
                for (at, _) in text.match_indices(&attr) {
                    // The path is the first string literal, possibly on the next line.
                    let after = &text[at + attr.len()..];
                    let literal = after.split('"').nth(1).unwrap_or_default();
                    found.insert((method.to_owned(), literal.to_owned()));
                }
            }
        }
        // The path is written once, in the actix attribute, where utoipa reads it: a
        // `path = "…"` of its own would take precedence in the document, a second copy to keep
        // in step.
        for (at, _) in text.match_indices("#[utoipa::path(") {
            let attribute = text[at..].split(")]\n").next().unwrap_or_default();
            assert!(
                !attribute.contains("path = \""),
                "{}: a `#[utoipa::path]` names its path; leave it to the actix attribute",
                path.display()
            );
        }
        // Other ways of adding routes that this scan would not read.
        for other in [
            "web::resource(",
            ".route(",
            "web::scope(",
            "#[route(",
            "#[routes]",
            "::route(",
        ] {
            assert!(
                !text.contains(other),
                "{}: `{other}` registers routes the guards do not read; use a route attribute \
                 (#[get(\"…\")]) and `app::register_api`",
                path.display()
            );
        }
    }
    found
}

fn names(set: &BTreeSet<(String, String)>) -> String {
    set.iter()
        .map(|(m, p)| format!("  {m} {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn normalised(set: &BTreeSet<(String, String)>) -> BTreeSet<(String, String)> {
    set.iter().map(|(m, p)| (m.clone(), normalise(p))).collect()
}

#[actix_web::test]
async fn every_served_route_is_documented_and_every_documented_route_is_served() {
    let served = normalised(&served_routes().await);
    let documented = normalised(&documented());
    let undocumented: BTreeSet<_> = served
        .iter()
        .filter(|(_, p)| p.starts_with("/api/") || p == "/healthz" || p == "/readyz")
        .filter(|op| !documented.contains(op))
        .cloned()
        .collect();
    assert!(
        undocumented.is_empty(),
        "served but missing from the OpenAPI document (register them in `app::register_api`, not \
         with a bare actix `.route`):\n{}",
        names(&undocumented)
    );
    let unserved: BTreeSet<_> = documented.difference(&served).cloned().collect();
    assert!(
        unserved.is_empty(),
        "in the OpenAPI document but not served by `app::register_api`:\n{}",
        names(&unserved)
    );
}

#[actix_web::test]
async fn every_route_attribute_in_the_source_is_served() {
    let served = served_routes().await;
    let declared = declared_in_source();
    assert!(
        declared.len() > 10,
        "the source scan found too few routes: {declared:?}"
    );
    let unregistered: BTreeSet<_> = declared.difference(&served).cloned().collect();
    assert!(
        unregistered.is_empty(),
        "declared in crates/server/src/routes/ but not served (register them in \
         `app::register_api`):\n{}",
        names(&unregistered)
    );
    // And the enumeration saw nothing the source does not declare (nothing hidden elsewhere).
    let elsewhere: BTreeSet<_> = served.difference(&declared).cloned().collect();
    assert!(
        elsewhere.is_empty(),
        "served but declared outside crates/server/src/routes/:\n{}",
        names(&elsewhere)
    );
}

/// Whether a matrix path (concrete segments such as `students`, its own placeholders) calls
/// the documented template (`{}` matching any one segment; a placeholder of the matrix only
/// matches a `{}` of the template).
fn covers(matrix_path: &str, template: &str) -> bool {
    let path = matrix_path.split('?').next().unwrap();
    let (a, b): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), template.split('/').collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(m, t)| *t == "{}" || (!m.starts_with('{') && m == t))
}

#[test]
fn every_establishment_scoped_route_is_in_the_access_matrix() {
    let matrix = common::access_endpoints::ENDPOINTS;
    let scoped: BTreeSet<(String, String)> = documented()
        .into_iter()
        .filter(|(_, p)| p.contains("{uai}"))
        .collect();
    assert!(scoped.len() > 10, "{scoped:?}");
    let missing: BTreeSet<_> = scoped
        .iter()
        .filter(|(m, p)| {
            let template = normalise(p);
            !matrix
                .iter()
                .any(|e| e.method == m && covers(e.path, &template))
        })
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "establishment-scoped routes missing from the access matrix \
         (tests/api/common/access_endpoints.rs):\n{}",
        names(&missing)
    );
    // No stale entry: each row of the matrix calls a documented route.
    let stale: Vec<&str> = matrix
        .iter()
        .filter(|e| {
            !scoped
                .iter()
                .any(|(m, p)| e.method == m && covers(e.path, &normalise(p)))
        })
        .map(|e| e.name)
        .collect();
    assert!(
        stale.is_empty(),
        "access-matrix rows calling no documented route: {stale:?}"
    );
}

#[test]
fn the_helpers_read_paths_as_actix_and_utoipa_write_them() {
    assert_eq!(
        normalise(
            "/api/v1/establishments/{uai}/{population:students|external-students|guardians}/{id}"
        ),
        "/api/v1/establishments/{}/{}/{}"
    );
    assert_eq!(
        concrete("/a/{uai}/{population:students|guardians}/x"),
        "/a/probe0/students/x"
    );
    assert!(covers(
        "/api/v1/establishments/{uai}/students/list",
        "/api/v1/establishments/{}/{}/list"
    ));
    assert!(!covers(
        "/api/v1/establishments/{uai}/students",
        "/api/v1/establishments/{}/{}/list"
    ));
    assert!(!covers(
        "/api/v1/establishments/{uai}/{id}",
        "/api/v1/establishments/{}/audit"
    ));
}
