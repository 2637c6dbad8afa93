//! The access-control layer. Every protected handler takes a [`Caller`] (who is asking, with
//! the roles they hold now) and asks it for a [`Scoped`] establishment for an action: the one
//! place that turns (caller, establishment, action) into allow / 403 / 404.

use std::net::IpAddr;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use ipnet::IpNet;
use sesame_core::permissions::{
    is_allowed, needs_second_factor, AccountView, Action, EstablishmentFacts, Role, Scope,
};
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};
use sesame_store::repo::clients::{ClientGrant, IntegrationClient};
use sesame_store::repo::establishments::Establishment;
use sesame_store::repo::sessions::{SessionState, StaffSession};
use sesame_store::repo::staff::{Grant, StaffUser};
use sesame_store::Tenant;

use crate::problem::ApiError;
use crate::state::AppState;

/// Who is asking: a staff member, or an ENT platform with an OAuth2 client token.
#[derive(Debug, Clone)]
pub enum Principal {
    Staff(StaffUser),
    Client {
        client: IntegrationClient,
        /// The scopes of the token (a subset of what the client may ask for).
        token_scopes: Vec<Scope>,
        /// What the client holds now, per establishment.
        grants: Vec<ClientGrant>,
    },
}

/// An authenticated caller, with the rights they hold at this moment.
#[derive(Debug, Clone)]
pub struct Caller {
    pub who: Principal,
    /// Staff roles (empty for clients).
    pub grants: Vec<Grant>,
    /// The staff member's session (how it was opened); `None` for clients, which are not
    /// sessions and are bound by their scopes instead.
    pub session: Option<StaffSession>,
    pub address: Option<IpAddr>,
}

/// An establishment the caller was authorised at, for the action they asked about: the only
/// way a request reaches an establishment's data. It owns the establishment, who acts (for
/// audit events and document ownership) and the establishment's slice of the store, whose
/// every query is confined to it. Its store handle is private, so a `Scoped` can only be made
/// here, by [`Caller::authorize`].
#[derive(Debug, Clone)]
pub struct Scoped {
    pub establishment: Establishment,
    /// The roles the caller holds there (what they see can depend on it).
    pub roles: Vec<Role>,
    actor: ActorInfo,
    tenant: Tenant,
}

#[derive(Debug, Clone)]
struct ActorInfo {
    kind: ActorKind,
    name: String,
    owner: String,
    address: Option<IpAddr>,
}

impl Scoped {
    pub fn uai(&self) -> &str {
        &self.establishment.uai
    }

    /// The establishment's data; every query of it stays inside the establishment.
    pub fn store(&self) -> &Tenant {
        &self.tenant
    }

    /// An audit event of `action` by this caller at this establishment, to be written in the
    /// transaction of the change.
    pub fn audit(&self, action: &str) -> NewAuditEvent {
        NewAuditEvent::new(self.actor.kind, &self.actor.name, action)
            .address(self.actor.address.map(|a| a.to_string()))
            .uai(&self.establishment.uai)
    }

    /// Owner of the documents and jobs this caller causes.
    pub fn owner(&self) -> &str {
        &self.actor.owner
    }

    /// The name audit events record: a username or a client id.
    pub fn actor_name(&self) -> &str {
        &self.actor.name
    }

    /// The troubleshooting module shows provisional passwords in its tables.
    pub fn troubleshooting(&self) -> bool {
        self.roles.contains(&Role::Teacher)
    }

    /// How much of an account the caller's modules show (core's rule).
    pub fn account_view(&self) -> AccountView {
        AccountView::for_roles(&self.roles)
    }
}

impl Caller {
    pub fn uais(&self) -> Vec<String> {
        let mut uais: Vec<String> = match &self.who {
            Principal::Staff(_) => self.grants.iter().map(|g| g.uai.clone()).collect(),
            Principal::Client { grants, .. } => grants.iter().map(|g| g.uai.clone()).collect(),
        };
        uais.sort();
        uais.dedup();
        uais
    }

    /// The staff member, for what only people do (delegations, `/me`); clients get 403.
    pub fn staff(&self) -> Result<&StaffUser, ApiError> {
        match &self.who {
            Principal::Staff(s) => Ok(s),
            Principal::Client { .. } => Err(ApiError::Forbidden),
        }
    }

    pub fn actor_kind(&self) -> ActorKind {
        match &self.who {
            Principal::Staff(_) => ActorKind::Staff,
            Principal::Client { .. } => ActorKind::Client,
        }
    }

    /// The name audit events record: a username or a client id.
    pub fn actor_name(&self) -> &str {
        match &self.who {
            Principal::Staff(s) => &s.username,
            Principal::Client { client, .. } => &client.client_id,
        }
    }

    /// Owner of the documents and jobs this caller causes.
    pub fn owner(&self) -> String {
        match &self.who {
            Principal::Staff(s) => format!("staff:{}", s.id),
            Principal::Client { client, .. } => format!("client:{}", client.id),
        }
    }

    /// Whether this session may use `role` now: a role whose module needs the second factor
    /// only in a session opened with it (or from an administrative network), even when the
    /// role was granted after sign-in.
    fn session_allows(&self, role: Role) -> bool {
        !needs_second_factor(role.module())
            || self
                .session
                .as_ref()
                .is_some_and(|s| s.second_factor.is_strong())
    }

    /// Every action the caller may perform at `e` (by [`Action::key`]), from the same rules
    /// [`Caller::authorize`] applies. The roles a password-only session cannot use yet still
    /// count here: the console then offers the module the person was given, and using it
    /// answers `totp-required`, upon which the console asks to sign in again with the code.
    /// Leaving them out would hide a delegation with no hint of how to reach it.
    pub fn rights_at(&self, e: &Establishment) -> Vec<String> {
        let allowed = |action: &Action| match &self.who {
            Principal::Client {
                token_scopes,
                grants,
                ..
            } => grants.iter().any(|g| {
                g.uai == e.uai && g.scope.allows(*action) && token_scopes.contains(&g.scope)
            }),
            Principal::Staff(_) => {
                let facts = facts_of(e);
                self.grants
                    .iter()
                    .any(|g| g.uai == e.uai && is_allowed(g.role, facts, *action))
            }
        };
        Action::all()
            .iter()
            .filter(|a| allowed(a))
            .map(Action::key)
            .collect()
    }

    fn scoped(&self, state: &AppState, establishment: Establishment, roles: Vec<Role>) -> Scoped {
        Scoped {
            tenant: state.store.tenant(&establishment.uai),
            establishment,
            roles,
            actor: ActorInfo {
                kind: self.actor_kind(),
                name: self.actor_name().to_owned(),
                owner: self.owner(),
                address: self.address,
            },
        }
    }

    /// Allows the action at `uai` or says why not. Outside the caller's establishments the
    /// answer is 404, exactly as for an establishment that does not exist: nothing leaks.
    pub async fn authorize(
        &self,
        state: &AppState,
        uai: &str,
        action: Action,
    ) -> Result<Scoped, ApiError> {
        let uai = uai.trim().to_uppercase();
        if let Principal::Client {
            token_scopes,
            grants,
            ..
        } = &self.who
        {
            let here: Vec<Scope> = grants
                .iter()
                .filter(|g| g.uai == uai)
                .map(|g| g.scope)
                .collect();
            if here.is_empty() {
                return Err(ApiError::NotFound);
            }
            let establishment = state
                .store
                .establishment(&uai)
                .await?
                .ok_or(ApiError::NotFound)?;
            // Granted here for this action, and asked for in the token.
            return if here
                .iter()
                .any(|s| s.allows(action) && token_scopes.contains(s))
            {
                Ok(self.scoped(state, establishment, vec![]))
            } else {
                Err(ApiError::Forbidden)
            };
        }
        let roles: Vec<_> = self.grants.iter().filter(|g| g.uai == uai).collect();
        if roles.is_empty() {
            return Err(ApiError::NotFound);
        }
        let establishment = state
            .store
            .establishment(&uai)
            .await?
            .ok_or(ApiError::NotFound)?;
        let facts = facts_of(&establishment);
        // Only the roles this session may use decide, and shape what is shown.
        let usable: Vec<Role> = roles
            .iter()
            .map(|g| g.role)
            .filter(|r| self.session_allows(*r))
            .collect();
        if usable.iter().any(|r| is_allowed(*r, facts, action)) {
            Ok(self.scoped(state, establishment, usable))
        } else if roles.iter().any(|g| is_allowed(g.role, facts, action)) {
            // Held, but through a module this session did not open with the second factor.
            Err(ApiError::Unauthorized {
                kind: "totp-required",
                detail: "Le module d'administration demande une connexion avec le code de \
                         votre clé OTP : reconnectez-vous avec votre code."
                    .into(),
            })
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

pub fn facts_of(e: &Establishment) -> EstablishmentFacts {
    EstablishmentFacts {
        private: e.sector == "private",
        in_private_admin_group: e.private_admin_group,
    }
}

pub fn bearer_token(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn unauthorized() -> ApiError {
    ApiError::Unauthorized {
        kind: "unauthorized",
        detail: "Jeton d'accès absent, invalide ou expiré.".into(),
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("application state missing"))?
                .clone();
            let token = bearer_token(&req).ok_or_else(unauthorized)?;
            let claims = state.tokens.verify(token).ok_or_else(unauthorized)?;
            let address = client_ip(&req, &state.settings.trusted_proxies);
            if claims.kind == "client" {
                return client_caller(&state, &claims, address).await;
            }
            if claims.kind != "staff" {
                return Err(unauthorized());
            }
            // Re-read on every request: a disabled user or a revoked delegation loses access now.
            let staff = state
                .store
                .staff_by_id(&claims.sub)
                .await?
                .filter(|s| !s.disabled)
                .ok_or_else(unauthorized)?;
            // The session too: a logout or a revoked family ends its access tokens at once,
            // and its second factor is what the database recorded at sign-in.
            let sid = claims.sid.as_deref().ok_or_else(unauthorized)?;
            let session = match state
                .store
                .session_state(sid, &staff.id, state.settings.session_max)
                .await?
            {
                SessionState::Live(s) => s,
                SessionState::Expired => return Err(crate::routes::auth::session_expired()),
                SessionState::Gone => return Err(unauthorized()),
            };
            let grants = state.store.staff_grants(&staff.id).await?;
            Ok(Caller {
                who: Principal::Staff(staff),
                grants,
                session: Some(session),
                address,
            })
        })
    }
}

/// An integration client's token: still enabled, grants re-read, and within its rate.
async fn client_caller(
    state: &AppState,
    claims: &crate::auth::tokens::Claims,
    address: Option<IpAddr>,
) -> Result<Caller, ApiError> {
    let client = state
        .store
        .client(&claims.sub)
        .await?
        .filter(|c| !c.disabled)
        .ok_or_else(unauthorized)?;
    if let Some(wait) = state
        .store
        .hit_rate_limit(
            &format!("client:{}", client.id),
            chrono::Utc::now(),
            client.rate_limit_per_minute,
        )
        .await?
    {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: wait,
        });
    }
    let token_scopes = claims
        .scope
        .as_deref()
        .map(Scope::parse_list)
        .transpose()
        .map_err(|_| unauthorized())?
        .unwrap_or_default();
    let grants = state.store.client_grants(&client.id).await?;
    Ok(Caller {
        who: Principal::Client {
            client,
            token_scopes,
            grants,
        },
        grants: vec![],
        session: None,
        address,
    })
}

/// The client's address: the peer, unless the peer is a trusted proxy, in which case the
/// nearest untrusted address of `X-Forwarded-For`.
pub fn client_ip(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip())?;
    if !trusted.iter().any(|n| n.contains(&peer)) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut chain: Vec<IpAddr> = forwarded
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    while let Some(ip) = chain.pop() {
        if !trusted.iter().any(|n| n.contains(&ip)) {
            return Some(ip);
        }
    }
    Some(peer)
}
