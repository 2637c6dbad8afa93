//! The OpenAPI document, generated from the handlers' annotations. `openapi/openapi.json` in
//! the repository is this document; a test fails when the two differ.
//!
//! The operations are not listed here: [`document`] collects them from the route table
//! (`app::register_api`), so a route is written once. [`ApiDoc`] holds what is not a route:
//! the info, the security schemes, the tags and the schemas no operation reaches.

use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sésame",
        description = "Administration des comptes élèves et responsables (ÉduConnect) et annuaire ENT. \
Errors are `application/problem+json` (RFC 9457). An establishment or account outside the caller's \
scope answers 404 exactly like one that does not exist; a role that may not act answers 403.",
        license(name = "EUPL-1.2")
    ),
    // Only the schemas no operation's body reaches (the operations bring theirs): `Problem`,
    // which the shared response sets (`routes::responses`) name without registering;
    // `Population`, which path parameters name; `WebhookEvent`, what a webhook receives.
    components(schemas(
        sesame_api::Problem,
        sesame_core::Population,
        sesame_api::auth::WebhookEvent,
    )),
    modifiers(&Security),
    tags(
        (name = "service", description = "Health, readiness, metrics"),
        (name = "auth", description = "Staff authentication"),
        (name = "establishments", description = "The caller's establishments"),
        (name = "delegations", description = "Rights a head of establishment delegates"),
        (name = "audit", description = "Who did what, when, from where"),
        (name = "statistics", description = "Account statistics by origin, class and MEF"),
        (name = "imports", description = "SIECLE, ONDE and Sésame CSV imports: preview, then apply in one transaction"),
        (name = "settings", description = "Notification URLs printed in letters and e-mails (Paramétrage)"),
        (name = "account", description = "Account holders (students, guardians): login, password, wrong links"),
        (name = "accounts", description = "Students, external students and guardians: search, detail, notify, list, reset"),
        (name = "integrations", description = "ENT platforms: webhooks signed with HMAC-SHA256 (see WebhookEvent)"),
        (name = "documents", description = "Generated files and long-running jobs"),
        (name = "ent", description = "ENT directory: search, group tree, password regeneration, user creation, blocking"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    "/api/v1/oauth/token",
                    Scopes::from_iter([
                        ("accounts:read", "Search and read accounts"),
                        ("accounts:reset", "Reset passwords"),
                        ("identifiers:regenerate", "Regenerate identifiers"),
                        ("ent:directory", "Administer the ENT directory"),
                    ]),
                ))],
                "ENT platforms: client credentials; each scope applies only at the establishments \
granted to the client for it (others answer 404; a missing scope 403). The token is then sent \
as `Authorization: Bearer`.",
            )),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "account_bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Account-holder (student, guardian) access token from /api/v1/account/login; \
                         staff tokens are not accepted there, nor account tokens elsewhere",
                    ))
                    .build(),
            ),
        );
    }
}

/// The whole document: [`ApiDoc`] with the operations of every registered route. The app it
/// registers them on is only built to be taken apart, never served.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, document) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::app::register_api)
        .split_for_parts();
    document
}

/// The document as committed: pretty JSON with a trailing newline.
pub fn openapi_json() -> String {
    let mut s = document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    s.push('\n');
    s
}
