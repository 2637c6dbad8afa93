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

/// Reads a wire name (borrowed or not) through `FromStr`, for the vocabularies' `Deserialize`.
pub(crate) struct WireVisitor<T>(std::marker::PhantomData<T>);

impl<T> WireVisitor<T> {
    pub(crate) fn new() -> Self {
        WireVisitor(std::marker::PhantomData)
    }
}

impl<T> serde::de::Visitor<'_> for WireVisitor<T>
where
    T: std::str::FromStr<Err = UnknownValue>,
{
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("une valeur du vocabulaire")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        // By hand rather than derived, so a wrong value is refused in French and naming the
        // vocabulary, like `FromStr` (the API shows the message to the client).
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str($crate::wire::WireVisitor::<$name>::new())
            }
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

        // The OpenAPI document lists the wire names, so clients (and the fuzzer) know the
        // allowed values. Written by hand: utoipa's derive does not see a `serde(rename)` whose
        // value comes from a macro fragment, and would list the Rust names.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
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

#[cfg(test)]
mod tests {
    use crate::{
        AccountKind, AccountState, ActorKind, Channel, DocumentFormat, JobState, Module, Origin,
        Population, Role, Scope, Sector, SkipReason,
    };

    /// Every vocabulary's JSON is its bare wire name, and reads back.
    fn json_round_trip<T>(all: &[T])
    where
        T: serde::Serialize
            + serde::de::DeserializeOwned
            + std::fmt::Display
            + PartialEq
            + std::fmt::Debug,
    {
        for v in all {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{v}\""));
            assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), v);
        }
    }

    #[test]
    fn the_json_of_a_vocabulary_is_its_wire_name() {
        json_round_trip(&AccountKind::ALL);
        json_round_trip(&AccountState::ALL);
        json_round_trip(&Origin::ALL);
        json_round_trip(&Population::ALL);
        json_round_trip(&Role::ALL);
        json_round_trip(&Module::ALL);
        json_round_trip(&Scope::ALL);
        json_round_trip(&Channel::ALL);
        json_round_trip(&SkipReason::ALL);
        json_round_trip(&ActorKind::ALL);
        json_round_trip(&Sector::ALL);
        json_round_trip(&DocumentFormat::ALL);
        json_round_trip(&JobState::ALL);
        assert_eq!(
            serde_json::to_string(&Scope::IdentifiersRegenerate).unwrap(),
            "\"identifiers:regenerate\""
        );
    }

    #[test]
    fn a_wrong_value_is_refused_naming_the_vocabulary() {
        let err = serde_json::from_str::<AccountState>("\"Activated\"").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Valeur inconnue pour l'état du compte : « Activated »"),
            "{err}"
        );
        assert!(serde_json::from_str::<Origin>("3").is_err());
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_openapi_schema_lists_the_wire_names() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(AccountState::schema()).unwrap();
        assert_eq!(schema["type"], "string", "{schema}");
        assert_eq!(
            schema["enum"],
            serde_json::json!([
                "not_notified",
                "notified_not_activated",
                "activation_in_progress",
                "activated"
            ])
        );
        let schema = serde_json::to_value(Population::schema()).unwrap();
        assert_eq!(
            schema["enum"],
            serde_json::json!(["students", "external-students", "guardians"])
        );
    }
}
