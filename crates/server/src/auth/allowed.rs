//! The establishment a handler works on, already authorised for the action its signature names.
//!
//! A handler takes `Allowed<can::Notify>` (say) instead of a caller and the `{uai}` of its path:
//! the extractor reads the establishment (and the `{population}` segment, for actions on a
//! population) from the path, reads the caller's standing and asks
//! [`Caller::authorize`](super::Caller) for that action. The handler receives the [`Scoped`]
//! establishment or never runs, so it cannot reach an establishment's data without the check,
//! nor check an action other than the one in its signature.

use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::Deserialize;
use sesame_core::permissions::Action;
use sesame_core::Population;

use crate::auth::{Caller, Scoped};
use crate::problem::ApiError;
use crate::state::AppState;

/// An action a handler is written for, named by a type (see [`can`]).
pub trait Permission: 'static {
    /// What the path adds to the action: nothing, or the population.
    type Part: Copy + 'static;
    /// The part, from the path's segments.
    fn part(segments: &Segments) -> Result<Self::Part, ApiError>;
    fn action(part: Self::Part) -> Action;
}

/// The path segments an establishment-scoped route names, decoded as `web::Path` decodes them.
#[derive(Debug, Deserialize)]
pub struct Segments {
    uai: String,
    population: Option<String>,
}

/// The caller, authorised for `P` at the establishment of the path.
pub struct Allowed<P: Permission> {
    scoped: Scoped,
    part: P::Part,
    caller: Caller,
    permission: PhantomData<P>,
}

impl<P: Permission> Allowed<P> {
    /// Who was authorised (for what only people do, or the rights they hold elsewhere).
    pub fn caller(&self) -> &Caller {
        &self.caller
    }
}

impl<P: Permission<Part = Population>> Allowed<P> {
    /// The population of the path, the one the action was allowed for.
    pub fn population(&self) -> Population {
        self.part
    }
}

impl<P: Permission> Deref for Allowed<P> {
    type Target = Scoped;
    fn deref(&self) -> &Scoped {
        &self.scoped
    }
}

impl<P: Permission> FromRequest for Allowed<P> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The route's own pattern guarantees the segments; one that does not parse names no
        // resource.
        let segments = web::Path::<Segments>::extract(req)
            .into_inner()
            .map(web::Path::into_inner)
            .map_err(|_| ApiError::NotFound)
            .and_then(|s| Ok((P::part(&s)?, s.uai)));
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            // The token is judged first (401), as for every protected route.
            let caller = caller.await?;
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let (part, uai) = segments?;
            let scoped = caller.authorize(&state, &uai, P::action(part)).await?;
            Ok(Allowed {
                scoped,
                part,
                caller,
                permission: PhantomData,
            })
        })
    }
}

/// The actions as types, one per [`Action`] variant: `can::Notify` is `Action::Notify` of the
/// path's population, `can::ViewAudit` is `Action::ViewAudit`.
pub mod can {
    use super::*;

    macro_rules! at_establishment {
        ($($name:ident),+ $(,)?) => {$(
            #[doc = concat!("[`Action::", stringify!($name), "`].")]
            pub struct $name;

            impl Permission for $name {
                type Part = ();
                fn part(_: &Segments) -> Result<(), ApiError> {
                    Ok(())
                }
                fn action((): ()) -> Action {
                    Action::$name
                }
            }
        )+};
    }

    macro_rules! per_population {
        ($($name:ident),+ $(,)?) => {$(
            #[doc = concat!("[`Action::", stringify!($name), "`] of the path's `{population}`.")]
            pub struct $name;

            impl Permission for $name {
                type Part = Population;
                fn part(segments: &Segments) -> Result<Population, ApiError> {
                    segments
                        .population
                        .as_deref()
                        .and_then(Population::parse)
                        .ok_or(ApiError::NotFound)
                }
                fn action(population: Population) -> Action {
                    Action::$name(population)
                }
            }
        )+};
    }

    macro_rules! actions {
        (at_establishment: [$($e:ident),+ $(,)?]; per_population: [$($p:ident),+ $(,)?];) => {
            at_establishment!($($e),+);
            per_population!($($p),+);

            /// Every action a type above names (for the test that none is missing).
            #[cfg(test)]
            pub(super) fn named() -> Vec<Action> {
                let mut all = vec![$(Action::$e),+];
                for population in Population::ALL {
                    all.extend([$(Action::$p(population)),+]);
                }
                all
            }
        };
    }

    actions! {
        at_establishment: [
            RegenerateIdentifier,
            ViewStatistics,
            ManageNotificationSettings,
            ManageDelegations,
            ViewAudit,
            Import,
            ViewEstablishment,
            EntDirectoryRead,
            EntDirectoryWrite,
        ];
        per_population: [
            SearchAccounts,
            ViewAccount,
            EditContact,
            Notify,
            ListAccounts,
            ResetPassword,
        ];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new `Action` needs its type here before a handler can be written for it.
    #[test]
    fn every_action_has_a_type() {
        let keys = |actions: Vec<Action>| {
            let mut keys: Vec<String> = actions.iter().map(Action::key).collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(can::named()), keys(Action::all()));
    }

    #[test]
    fn a_type_asks_for_its_action_of_the_paths_population() {
        let segments = |population: Option<&str>| Segments {
            uai: "0450750W".into(),
            population: population.map(str::to_owned),
        };
        let part = can::Notify::part(&segments(Some("external-students"))).unwrap();
        assert_eq!(
            can::Notify::action(part),
            Action::Notify(Population::ExternalStudents)
        );
        assert!(can::Notify::part(&segments(None)).is_err());
        can::ViewAudit::part(&segments(None)).unwrap();
        assert_eq!(can::ViewAudit::action(()), Action::ViewAudit);
    }
}
