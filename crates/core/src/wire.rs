//! The wire names of Sésame's closed vocabularies (states, origins, roles…).
//!
//! Every such enum travels as a fixed lower-case string in JSON, URLs, the database and audit
//! records, so one macro writes the string mapping once and serde, `Display`, `FromStr`, `as_str`
//! and `parse` all agree on it by construction.

use thiserror::Error;

/// A string that is not one of the wire names of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("Valeur inconnue pour {what} : « {value} »")]
pub struct UnknownValue {
    /// Which vocabulary was being parsed (in French, for the message).
    pub what: &'static str,
    /// The rejected input.
    pub value: String,
}

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant ),+
        }

        impl $name {
            /// Every value, in the order the product lists them.
            pub const ALL: [$name; $crate::wire::wire_enum!(@count $($variant)+)] =
                [$($name::$variant),+];

            /// The wire name (JSON, URLs, database, audit).
            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// Parses a wire name exactly; anything else is `None`.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($wire => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::wire::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s).ok_or_else(|| $crate::wire::UnknownValue {
                    what: $what,
                    value: s.to_owned(),
                })
            }
        }
    };
    (@count) => { 0usize };
    (@count $head:ident $($tail:ident)*) => { 1usize + $crate::wire::wire_enum!(@count $($tail)*) };
}

pub(crate) use wire_enum;
