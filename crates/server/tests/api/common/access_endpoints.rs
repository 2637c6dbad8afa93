//! The access matrix's endpoints as data: method, path template and the status each role gets
//! at its own establishment. `access_matrix.rs` calls them; `route_guards.rs` checks that every
//! establishment-scoped route of the OpenAPI document is here, so a new route cannot skip the
//! matrix.
//!
//! Placeholders: `{uai}`, `{id}` (a delegation the head may revoke), `{student}` (an LP pupil
//! whose identifier can be regenerated), `{ent_user}` (an ENT user of the LP).

/// One row of the matrix. `own` is the status at the caller's own establishment for head,
/// agent, teacher, ent_admin; elsewhere every role gets 404.
pub struct Endpoint {
    pub name: &'static str,
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// Path template, possibly with a query string.
    pub path: &'static str,
    pub own: [u16; 4],
    /// JSON body (`null`: none).
    pub body: &'static str,
}

const fn e(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    own: [u16; 4],
    body: &'static str,
) -> Endpoint {
    Endpoint {
        name,
        method,
        path,
        own,
        body,
    }
}

/// Called in this order (each role in turn): the head goes last, so their successful
/// grant/revoke does not change what the others see.
#[rustfmt::skip]
pub const ENDPOINTS: &[Endpoint] = &[
    e("establishment", "GET", "/api/v1/establishments/{uai}", [200, 200, 200, 200], "null"),
    e("list delegations", "GET", "/api/v1/establishments/{uai}/delegations", [200, 403, 403, 403], "null"),
    e("grant delegation", "POST", "/api/v1/establishments/{uai}/delegations", [201, 403, 403, 403], r#"{"username": "spare2", "module": "admin"}"#),
    e("revoke delegation", "DELETE", "/api/v1/establishments/{uai}/delegations/{id}", [204, 403, 403, 403], "null"),
    e("audit", "GET", "/api/v1/establishments/{uai}/audit", [200, 200, 403, 403], "null"),
    e("structure", "GET", "/api/v1/establishments/{uai}/structure", [200, 200, 200, 200], "null"),
    e("search students", "GET", "/api/v1/establishments/{uai}/students", [200, 200, 200, 403], "null"),
    e("search external students", "GET", "/api/v1/establishments/{uai}/external-students", [200, 200, 403, 403], "null"),
    e("search guardians", "GET", "/api/v1/establishments/{uai}/guardians", [200, 200, 403, 403], "null"),
    e("student detail", "GET", "/api/v1/establishments/{uai}/students/{student}", [200, 200, 200, 403], "null"),
    e("edit contact", "PATCH", "/api/v1/establishments/{uai}/students/{student}", [200, 200, 403, 403], r#"{"email": "eleve@example.org"}"#),
    e("list", "POST", "/api/v1/establishments/{uai}/students/list", [200, 200, 200, 403], r#"{"ids": ["{student}"], "format": "csv"}"#),
    e("notify", "POST", "/api/v1/establishments/{uai}/students/notify", [200, 200, 403, 403], r#"{"ids": ["{student}"], "channel": "letter"}"#),
    e("reset password", "POST", "/api/v1/establishments/{uai}/students/reset-password", [200, 200, 200, 403], r#"{"ids": ["{student}"]}"#),
    // The agent goes first and schedules the change; the head then finds it pending.
    e("regenerate identifier", "POST", "/api/v1/establishments/{uai}/accounts/{student}/regenerate-identifier", [409, 202, 403, 403], "null"),
    // The agent cancels it; the head then finds nothing to cancel.
    e("cancel identifier change", "DELETE", "/api/v1/establishments/{uai}/accounts/{student}/regenerate-identifier", [409, 204, 403, 403], "null"),
    // Allowed callers get 422 here: the body is JSON, not the multipart upload.
    e("import", "POST", "/api/v1/establishments/{uai}/imports?source=csv&dry_run=true", [422, 422, 403, 403], "{}"),
    e("statistics", "GET", "/api/v1/establishments/{uai}/statistics", [200, 200, 403, 403], "null"),
    e("notification settings", "GET", "/api/v1/establishments/{uai}/settings/notification-urls", [200, 200, 403, 403], "null"),
    e("set notification URL", "PUT", "/api/v1/establishments/{uai}/settings/notification-urls/students", [200, 200, 403, 403], r#"{"url": "https://ent.example.org/"}"#),
    // No guardians' address was ever entered: nothing to verify (and no network call).
    e("verify notification URL", "POST", "/api/v1/establishments/{uai}/settings/notification-urls/guardians/verify", [409, 409, 403, 403], "null"),
    // Never verified (the address does not resolve), so it cannot be activated.
    e("activate notification URL", "POST", "/api/v1/establishments/{uai}/settings/notification-urls/students/activate", [409, 409, 403, 403], "null"),
    e("deactivate notification URL", "POST", "/api/v1/establishments/{uai}/settings/notification-urls/students/deactivate", [200, 200, 403, 403], "null"),
    e("ENT users", "GET", "/api/v1/ent/establishments/{uai}/users", [403, 403, 403, 200], "null"),
    e("ENT groups", "GET", "/api/v1/ent/establishments/{uai}/groups", [403, 403, 403, 200], "null"),
    e("ENT subjects", "GET", "/api/v1/ent/establishments/{uai}/subjects", [403, 403, 403, 200], "null"),
    e("ENT create user", "POST", "/api/v1/ent/establishments/{uai}/users", [403, 403, 403, 201], r#"{"family_name": "Durand", "first_name": "Léa", "profile": "Élève"}"#),
    e("ENT regenerate", "POST", "/api/v1/ent/establishments/{uai}/users/regenerate-password", [403, 403, 403, 200], r#"{"ids": ["{ent_user}"]}"#),
    e("ENT block", "POST", "/api/v1/ent/establishments/{uai}/users/{ent_user}/block", [403, 403, 403, 200], "null"),
    e("ENT unblock", "POST", "/api/v1/ent/establishments/{uai}/users/{ent_user}/unblock", [403, 403, 403, 200], "null"),
];
