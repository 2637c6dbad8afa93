//! The problem answers that most operations share, declared once. A handler's
//! `#[utoipa::path(responses(...))]` names a set (`ScopedProblems`, `Unauthenticated`, …) instead of
//! repeating `(status = 4xx, body = Problem, content_type = "application/problem+json")`
//! lines; an answer whose meaning is particular to the operation keeps its own line with its
//! own description (a set and such a line must not name the same status: the later wins).

use std::collections::BTreeMap;

use sesame_api::Problem;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

use crate::problem::PROBLEM_JSON;

const BAD_REQUEST: (u16, &str) = (400, "The request could not be read");
const UNAUTHENTICATED: (u16, &str) = (
    401,
    "No valid access token: missing, expired, revoked, or of another kind",
);
const FORBIDDEN: (u16, &str) = (403, "The caller's role or scope may not do this");
const NOT_FOUND: (u16, &str) = (
    404,
    "Unknown, or out of the caller's reach (answered alike)",
);
const INVALID: (u16, &str) = (
    422,
    "A parameter or field is invalid (the problem names it)",
);
const MISSING_FIELD: (u16, &str) = (422, "Missing field");
const THROTTLED: (u16, &str) = (429, "Too many failures; see Retry-After");
const CHECKS_BUSY: (u16, &str) = (503, "At capacity for password checks; see Retry-After");
const HASHING_BUSY: (u16, &str) = (503, "At capacity for password hashing; see Retry-After");
const LINK_REFUSED: (u16, &str) = (
    422,
    "`token` used, expired, replaced or unknown; or `new_password` refused by the policy",
);

/// `application/problem+json` answers with the given statuses and descriptions.
fn problems(answers: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    answers
        .iter()
        .map(|&(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(Problem::name())))
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content(PROBLEM_JSON, content)
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

macro_rules! problem_set {
    ($(#[$doc:meta])* $name:ident = [$($answer:ident),+ $(,)?]) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                problems(&[$($answer),+])
            }
        }
    };
}

problem_set!(
    /// 401: operations that need a token but reach no establishment.
    Unauthenticated = [UNAUTHENTICATED]
);
problem_set!(
    /// 401, 403, 404: an operation on something the caller may or may not reach (an
    /// establishment, an account, a webhook).
    ScopedProblems = [UNAUTHENTICATED, FORBIDDEN, NOT_FOUND]
);
problem_set!(
    /// 401, 403, 404, 422: [`ScopedProblems`] with parameters or a body that can be refused.
    ScopedInputProblems = [UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, INVALID]
);
problem_set!(
    /// 400 alone, to add to a set.
    BadRequest = [BAD_REQUEST]
);
problem_set!(
    /// 403 alone, to add to a set.
    Forbidden = [FORBIDDEN]
);
problem_set!(
    /// 404 alone, to add to a set.
    NotFound = [NOT_FOUND]
);
problem_set!(
    /// 422 alone, to add to a set.
    Invalid = [INVALID]
);
problem_set!(
    /// 422, 429, 503: a sign-in with a password (staff or account holder); its 401 says what
    /// the operation's refusals are.
    SignInProblems = [MISSING_FIELD, THROTTLED, CHECKS_BUSY]
);
problem_set!(
    /// 503 of an operation that checks a password.
    ChecksBusy = [CHECKS_BUSY]
);
problem_set!(
    /// 422, 503: a password chosen with an e-mailed link.
    LinkPasswordProblems = [LINK_REFUSED, HASHING_BUSY]
);
