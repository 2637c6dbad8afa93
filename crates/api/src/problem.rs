use serde::{Deserialize, Serialize};

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// URI naming the kind of problem, e.g. `https://sesame.example/problems/validation`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short French summary for people.
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field-level problems: each names the field (JSON pointer-ish dotted path) and what is wrong.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request's id (an extension member, RFC 9457 §3.2), as in its `X-Request-Id`
    /// response header: quoted to support, it finds the request's lines in the logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "0f2c9a4e8b1d4c7fa3e5b6d7c8e9f0a1")
    )]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Base of every problem `type` URI this service emits.
pub const PROBLEM_BASE: &str = "https://sesame.education/problems/";
