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
use sesame_core::Sector;
use sesame_store::repo::access::{LiveAccess, StaffAccess};
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};
use sesame_store::repo::clients::{ClientGrant, IntegrationClient};
use sesame_store::repo::establishments::Establishment;
use sesame_store::repo::search::{CursorError, Search, SearchPage, StandingVersion};
use sesame_store::repo::sessions::StaffSession;
use sesame_store::repo::staff::{Grant, StaffUser};
use sesame_store::Tenant;

use crate::auth::tokens::TokenKind;
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
    /// The establishments of `grants`, read with them (staff; empty for clients, whose
    /// establishment is read when they reach it).
    pub establishments: Vec<Establishment>,
    /// The staff member's session (how it was opened); `None` for clients, which are not
    /// sessions and are bound by their scopes instead.
    pub session: Option<StaffSession>,
    pub address: Option<IpAddr>,
}

/// An establishment the caller was authorised at, for the action they asked about: the only
/// way a request reaches an establishment's data. It owns the establishment, who acts (for
/// audit events and document ownership) and the establishment's slice of the store, whose
/// every query is confined to it. Its store handle is private, so a `Scoped` can only be made
/// here, by [`Caller::authorize`] (which handlers reach through [`super::Allowed`]).
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
    /// Handlers reach it through [`Allowed`](super::Allowed), which names the action in
    /// their signature, or through [`Bearer::search`].
    pub(super) async fn authorize(
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
        let establishment = match self.establishments.iter().find(|e| e.uai == uai) {
            Some(e) => e.clone(),
            None => state
                .store
                .establishment(&uai)
                .await?
                .ok_or(ApiError::NotFound)?,
        };
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
        // An unknown sector counts as public, as it always has; the API refuses to show it.
        private: Sector::parse(&e.sector) == Some(Sector::Private),
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

/// A request's verified bearer token, its holder's standing not read yet: what the console's
/// search takes ([`Bearer::search`]); every other handler takes a [`Caller`].
pub struct Bearer {
    claims: crate::auth::tokens::Claims,
    address: Option<IpAddr>,
}

impl FromRequest for Bearer {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready((|| {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = bearer_token(req).ok_or_else(unauthorized)?;
            let claims = state.tokens.verify(token).ok_or_else(unauthorized)?;
            if claims.kind == TokenKind::Account {
                return Err(unauthorized());
            }
            Ok(Bearer {
                claims,
                address: client_ip(req, &state.settings.trusted_proxies),
            })
        })())
    }
}

impl Bearer {
    /// The caller, with their standing read now.
    pub async fn caller(&self, state: &AppState) -> Result<Caller, ApiError> {
        if self.claims.kind == TokenKind::Client {
            return client_caller(state, &self.claims, self.address).await;
        }
        Ok(live_caller(self.staff_standing(state).await?, self.address))
    }

    /// A staff member's standing, re-read on every request in one round trip: a disabled
    /// user, a revoked delegation, a logout or a revoked session family loses access at once,
    /// and the session's second factor is what the database recorded at sign-in.
    async fn staff_standing(&self, state: &AppState) -> Result<LiveAccess, ApiError> {
        let sid = self.claims.sid.as_deref().ok_or_else(unauthorized)?;
        match state
            .store
            .staff_access(&self.claims.sub, sid, state.settings.session_max)
            .await?
        {
            StaffAccess::Live(live) => Ok(*live),
            StaffAccess::Expired => Err(crate::routes::auth::session_expired()),
            StaffAccess::Gone => Err(unauthorized()),
        }
    }

    /// What authorising `action` at `uai` would answer, for a request refused before it
    /// reaches the establishment's data: 401, 403 or 404 first, as for any other request.
    pub async fn check(&self, state: &AppState, uai: &str, action: Action) -> Result<(), ApiError> {
        self.caller(state)
            .await?
            .authorize(state, uai, action)
            .await
            .map(drop)
    }

    /// The page of `search` at `uai` for `action`, authorised. A staff member's standing
    /// kept by this replica ([`crate::auth::standings`]) is used only if it allows the search
    /// and the search's own statements find it unchanged in the database; otherwise it is
    /// read afresh, exactly as for any request. Either way, a revoked right, a disabled user
    /// or a closed session takes effect at the very next search.
    pub async fn search(
        &self,
        state: &AppState,
        uai: &str,
        action: Action,
        search: &Search,
    ) -> Result<(Scoped, Result<SearchPage, CursorError>), ApiError> {
        if let Some(found) = self
            .search_on_kept_standing(state, uai, action, search)
            .await?
        {
            return Ok(found);
        }
        let caller = match self.claims.kind {
            // Read afresh, and kept for the next search (only searches use it).
            TokenKind::Staff => {
                let live = self.staff_standing(state).await?;
                state.standings.keep(&live);
                live_caller(live, self.address)
            }
            _ => self.caller(state).await?,
        };
        let scoped = caller.authorize(state, uai, action).await?;
        let page = scoped.store().search_accounts(search).await?;
        Ok((scoped, page))
    }

    async fn search_on_kept_standing(
        &self,
        state: &AppState,
        uai: &str,
        action: Action,
        search: &Search,
    ) -> Result<Option<(Scoped, Result<SearchPage, CursorError>)>, ApiError> {
        let (TokenKind::Staff, Some(sid)) = (self.claims.kind, self.claims.sid.as_deref()) else {
            return Ok(None);
        };
        let Some(kept) = state.standings.get(&self.claims.sub, sid) else {
            return Ok(None);
        };
        if kept.session.opened_at + state.settings.session_max <= chrono::Utc::now() {
            return Ok(None);
        }
        let standing = StandingVersion {
            staff_id: kept.staff.id.clone(),
            version: kept.version,
        };
        // A refusal on a kept standing is not an answer: the standing may have grown since.
        let caller = live_caller((*kept).clone(), self.address);
        let Ok(scoped) = caller.authorize(state, uai, action).await else {
            return Ok(None);
        };
        match scoped
            .store()
            .search_accounts_confirmed(search, &standing)
            .await?
        {
            Ok(Some(page)) => Ok(Some((scoped, Ok(page)))),
            Ok(None) => {
                state.standings.forget(sid);
                Ok(None)
            }
            // Said only once the standing is read afresh.
            Err(_) => Ok(None),
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bearer = Bearer::from_request(&req, payload);
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("application state missing"))?
                .clone();
            bearer.await?.caller(&state).await
        })
    }
}

/// A staff member's caller from their standing.
fn live_caller(live: LiveAccess, address: Option<IpAddr>) -> Caller {
    let LiveAccess {
        staff,
        session,
        grants,
        establishments,
        version: _,
    } = live;
    Caller {
        who: Principal::Staff(staff),
        grants,
        establishments,
        session: Some(session),
        address,
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
        establishments: vec![],
        session: None,
        address,
    })
}

/// The client's address: the peer, unless the peer is a trusted proxy, in which case the
/// right-most untrusted address of `X-Forwarded-For`, every header line read in order (a proxy
/// may add its own line rather than extend the client's). Walking from the right, only trusted
/// proxies have written what is read; an entry that is not a bare IP address (`unknown`, a
/// port, an empty item, bytes that are not text) means one of them is misconfigured, and
/// anything further left could be the client's own forgery: the request then counts as coming
/// from the peer itself — never from an address read past the bad entry. IPv4-mapped IPv6
/// addresses (`::ffff:a.b.c.d`, what a dual-stack listener reports) are judged as IPv4.
pub fn client_ip(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip().to_canonical())?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let lines: Vec<_> = req.headers().get_all("x-forwarded-for").collect();
    for line in lines.iter().rev() {
        let Ok(text) = line.to_str() else {
            return Some(peer);
        };
        for entry in text.rsplit(',') {
            match entry.trim().parse::<IpAddr>() {
                Ok(ip) if is_trusted(&ip.to_canonical()) => continue,
                Ok(ip) => return Some(ip.to_canonical()),
                Err(_) => return Some(peer),
            }
        }
    }
    // Only trusted hops: the request comes from the proxies' side.
    Some(peer)
}

#[cfg(test)]
mod client_ip_tests {
    use super::client_ip;
    use actix_web::test::TestRequest;
    use ipnet::IpNet;
    use std::net::{IpAddr, SocketAddr};

    const PROXY: &str = "10.0.0.5";

    fn trusted() -> Vec<IpNet> {
        vec![
            "10.0.0.0/24".parse().unwrap(),
            "192.168.1.1/32".parse().unwrap(),
        ]
    }

    /// `client_ip` of a request from `peer` carrying these `X-Forwarded-For` lines.
    fn ip(peer: &str, lines: &[&str]) -> IpAddr {
        let mut req =
            TestRequest::default().peer_addr(SocketAddr::new(peer.parse().unwrap(), 40000));
        for line in lines {
            req = req.append_header(("X-Forwarded-For", *line));
        }
        client_ip(&req.to_http_request(), &trusted()).unwrap()
    }

    fn a(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        assert_eq!(ip("203.0.113.9", &["198.51.100.1"]), a("203.0.113.9"));
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        assert_eq!(ip(PROXY, &["198.51.100.1, 203.0.113.7"]), a("203.0.113.7"));
        // Trusted hops on the right are skipped.
        assert_eq!(
            ip(PROXY, &["198.51.100.1, 203.0.113.7, 192.168.1.1, 10.0.0.9"]),
            a("203.0.113.7")
        );
        // No header, or only trusted hops: the proxy itself.
        assert_eq!(ip(PROXY, &[]), a(PROXY));
        assert_eq!(ip(PROXY, &["10.0.0.7"]), a(PROXY));
    }

    #[test]
    fn every_header_line_is_read_in_order() {
        // A client's forged line first, the proxy's appended line last: the last one counts.
        assert_eq!(
            ip(PROXY, &["198.51.100.1", "203.0.113.7"]),
            a("203.0.113.7")
        );
        // The nearest untrusted address can sit on an earlier line when later ones are ours.
        assert_eq!(
            ip(
                PROXY,
                &["198.51.100.1, 203.0.113.7", "10.0.0.8, 192.168.1.1"]
            ),
            a("203.0.113.7")
        );
    }

    #[test]
    fn an_unparsable_entry_makes_the_request_come_from_the_proxy() {
        for lines in [
            &["198.51.100.1, garbage"][..],
            &["198.51.100.1, unknown, 10.0.0.8"],
            &["198.51.100.1", "not-an-ip"],
            &["198.51.100.1, "],
            &["198.51.100.1,,10.0.0.8"],
            &["198.51.100.1:4711"],
            &["198.51.100.1", "10.0.0.8, 203.0.113.7 x"],
        ] {
            assert_eq!(ip(PROXY, lines), a(PROXY), "{lines:?}");
        }
        // Left of the chosen address, nothing is read: what the client wrote there is noise.
        assert_eq!(ip(PROXY, &["garbage, 203.0.113.7"]), a("203.0.113.7"));
    }

    #[test]
    fn a_header_value_that_is_not_text_makes_the_request_come_from_the_proxy() {
        let req = TestRequest::default()
            .peer_addr(SocketAddr::new(a(PROXY), 40000))
            .append_header(("X-Forwarded-For", "203.0.113.7"))
            .append_header((
                "X-Forwarded-For",
                actix_web::http::header::HeaderValue::from_bytes(b"198.51.100.\xff").unwrap(),
            ))
            .to_http_request();
        assert_eq!(client_ip(&req, &trusted()), Some(a(PROXY)));
    }

    #[test]
    fn ipv4_mapped_addresses_are_judged_as_ipv4() {
        assert_eq!(ip("::ffff:10.0.0.5", &["203.0.113.7"]), a("203.0.113.7"));
        assert_eq!(
            ip(PROXY, &["203.0.113.7, ::ffff:10.0.0.8"]),
            a("203.0.113.7")
        );
    }
}
