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

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sésame",
        description = "Administration des comptes élèves et responsables (ÉduConnect) et annuaire ENT. \
Errors are `application/problem+json` (RFC 9457). An establishment or account outside the caller's \
scope answers 404 exactly like one that does not exist; a role that may not act answers 403.",
        license(name = "EUPL-1.2")
    ),
    components(schemas(
        sesame_api::Problem,
        sesame_api::FieldError,
        sesame_api::auth::LoginRequest,
        sesame_api::auth::TokenResponse,
        sesame_api::auth::RefreshRequest,
        sesame_api::auth::ClientTokenRequest,
        sesame_api::auth::ClientTokenResponse,
        sesame_api::auth::WebhookRequest,
        sesame_api::auth::WebhookInfo,
        sesame_api::auth::WebhookDelivery,
        sesame_api::auth::WebhookEvent,
        sesame_api::auth::Me,
        sesame_api::auth::RoleGrant,
        sesame_api::establishments::Establishment,
        sesame_api::delegations::Delegation,
        sesame_api::delegations::NewDelegation,
        sesame_api::audit::AuditEvent,
        sesame_api::statistics::Statistics,
        sesame_api::statistics::StatisticsRow,
        sesame_api::statistics::StatisticsCounts,
        sesame_api::imports::ImportReport,
        sesame_api::imports::ImportCounts,
        sesame_api::imports::ImportChange,
        sesame_api::imports::ImportProblem,
        routes::imports::ImportUpload,
        sesame_api::settings::NotificationUrls,
        sesame_api::settings::NotificationUrl,
        sesame_api::settings::NotificationUrlChange,
        sesame_api::holders::HolderLoginRequest,
        sesame_api::holders::HolderLoginResponse,
        sesame_api::holders::PasswordChangeRequest,
        sesame_api::holders::PasswordChanged,
        sesame_api::holders::HolderProfile,
        sesame_api::holders::HolderLink,
        sesame_api::holders::LinkReported,
        sesame_api::holders::LinkToken,
        sesame_api::holders::EmailChangeRequest,
        sesame_api::holders::EmailChanged,
        sesame_api::holders::EmailConfirmed,
        sesame_api::holders::RecoveryRequest,
        sesame_api::holders::RegistrationRequest,
        sesame_api::holders::LinkRequested,
        sesame_api::holders::LinkPasswordRequest,
        sesame_api::holders::LinkPasswordSet,
        sesame_api::accounts::AccountItem,
        sesame_api::accounts::AccountDetail,
        sesame_api::accounts::LinkedPerson,
        sesame_api::accounts::DataSource,
        sesame_api::accounts::PendingIdentifierChange,
        sesame_api::accounts::ContactPatch,
        sesame_api::accounts::SearchFilters,
        sesame_api::accounts::NotifyRequest,
        sesame_api::accounts::NotifyResult,
        sesame_api::accounts::NotifyResponse,
        sesame_api::accounts::SelectionRequest,
        sesame_api::accounts::ListRequest,
        sesame_api::accounts::ResetResult,
        sesame_api::accounts::ResetResponse,
        sesame_api::accounts::JobAccepted,
        sesame_api::accounts::Job,
        sesame_api::accounts::Structure,
        sesame_api::accounts::ClassInfo,
        sesame_api::accounts::MefInfo,
        routes::accounts::PopulationPath,
        sesame_api::accounts::IdentifierChange,
        sesame_api::ent::EntUser,
        sesame_api::ent::EntUserPage,
        sesame_api::ent::EntUserFilters,
        sesame_api::ent::EntGroupNode,
        sesame_api::ent::EntSubjects,
        sesame_api::ent::EntRegenerateRequest,
        sesame_api::ent::EntCredentials,
        sesame_api::ent::EntRegenerateResponse,
        sesame_api::ent::NewEntUser,
        sesame_api::ent::EntUserCreated,
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
