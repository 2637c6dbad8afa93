//! What authorising a staff request needs, read in one round trip: the user, the session of
//! the access token, every role and live delegation, and the establishments they are at.
//!
//! Nothing is cached: each request reads the rows as they are, so a disabled user, a revoked
//! delegation or a closed session loses access at the very next request, on every replica.
//! Reading them together instead of one query each is what keeps that guarantee cheap (one
//! round trip instead of four on a search).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

use crate::error::Result;
use crate::repo::establishments::Establishment;
use crate::repo::sessions::{SecondFactor, StaffSession};
use crate::repo::staff::{grant_of, Grant, StaffUser};
use crate::Store;

/// A staff request's standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffAccess {
    Live(Box<LiveAccess>),
    /// The session has reached its absolute lifetime.
    Expired,
    /// No such user, a disabled one, or no such (or a closed) session of theirs.
    Gone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveAccess {
    pub staff: StaffUser,
    pub session: StaffSession,
    /// Sorted by UAI, no duplicates.
    pub grants: Vec<Grant>,
    /// The establishments of `grants`.
    pub establishments: Vec<Establishment>,
    /// The user's `access_version` when this was read: the database raises it whenever
    /// anything above changes (see [`crate::repo::search`]'s confirmed search).
    pub version: i64,
}

/// One row per grant (one row with no grant when the user holds none).
#[derive(FromQueryResult)]
struct Row {
    id: String,
    username: String,
    display_name: String,
    password_hash: String,
    totp_secret_enc: Option<String>,
    disabled: bool,
    created_at: DateTime<Utc>,
    access_version: i64,
    s_opened_at: DateTime<Utc>,
    s_second_factor: String,
    s_revoked_at: Option<DateTime<Utc>>,
    g_uai: Option<String>,
    g_value: Option<String>,
    g_origin: Option<String>,
    e_uai: Option<String>,
    e_name: Option<String>,
    e_kind: Option<String>,
    e_degree: Option<i32>,
    e_sector: Option<String>,
    e_academy: Option<String>,
    e_private_admin_group: Option<bool>,
    e_data_updated_at: Option<DateTime<Utc>>,
    e_created_at: Option<DateTime<Utc>>,
}

impl Row {
    fn establishment(&self) -> Option<Establishment> {
        Some(Establishment {
            uai: self.e_uai.clone()?,
            name: self.e_name.clone()?,
            kind: self.e_kind.clone()?,
            degree: self.e_degree?,
            sector: self.e_sector.clone()?,
            academy: self.e_academy.clone()?,
            private_admin_group: self.e_private_admin_group?,
            data_updated_at: self.e_data_updated_at,
            created_at: self.e_created_at?,
        })
    }
}

/// The standing of a staff user in one session, in one statement. Written out rather than
/// built: it runs before every staff request, and building it was a tenth of a search's CPU
/// in the server. `$1` is the session, `$2` the user; the text is valid for both engines
/// (SQLite numbers `$NNN` parameters by first appearance, which is their order here).
/// The grants are those of [`crate::repo::staff::grants_query`]: roles held, and delegations
/// not revoked.
const STAFF_ACCESS_SQL: &str = r#"SELECT
    u.id, u.username, u.display_name, u.password_hash, u.totp_secret_enc, u.disabled,
    u.created_at, u.access_version,
    ss.opened_at AS s_opened_at, ss.second_factor AS s_second_factor,
    ss.revoked_at AS s_revoked_at,
    g.uai AS g_uai, g.value AS g_value, g.origin AS g_origin,
    e.uai AS e_uai, e.name AS e_name, e.kind AS e_kind, e.degree AS e_degree,
    e.sector AS e_sector, e.academy AS e_academy,
    e.private_admin_group AS e_private_admin_group,
    e.data_updated_at AS e_data_updated_at, e.created_at AS e_created_at
FROM staff_users AS u
INNER JOIN staff_sessions AS ss ON ss.staff_id = u.id AND ss.id = $1
LEFT JOIN (
    SELECT uai, role AS value, 'role' AS origin FROM staff_roles WHERE staff_id = $2
    UNION ALL
    SELECT uai, module AS value, 'delegation' AS origin FROM delegations
        WHERE staff_id = $2 AND revoked_at IS NULL
) AS g ON 1 = 1
LEFT JOIN establishments AS e ON e.uai = g.uai
WHERE u.id = $2"#;

impl Store {
    /// The standing of staff user `staff_id` in session `session_id`, sessions living at most
    /// `max_age` from their opening.
    pub async fn staff_access(
        &self,
        staff_id: &str,
        session_id: &str,
        max_age: Duration,
    ) -> Result<StaffAccess> {
        let statement = Statement::from_sql_and_values(
            self.db.get_database_backend(),
            STAFF_ACCESS_SQL,
            [session_id.into(), staff_id.into()],
        );
        let rows = Row::find_by_statement(statement).all(&self.db).await?;
        let Some(first) = rows.first() else {
            return Ok(StaffAccess::Gone);
        };
        if first.disabled {
            return Ok(StaffAccess::Gone);
        }
        // Past its lifetime it says so even once closed (a refresh closes it), so that the
        // console can tell the user why.
        if first.s_opened_at + max_age <= Utc::now() {
            return Ok(StaffAccess::Expired);
        }
        if first.s_revoked_at.is_some() {
            return Ok(StaffAccess::Gone);
        }
        let staff = StaffUser {
            id: first.id.clone(),
            username: first.username.clone(),
            display_name: first.display_name.clone(),
            password_hash: first.password_hash.clone(),
            totp_secret_enc: first.totp_secret_enc.clone(),
            disabled: first.disabled,
            created_at: first.created_at,
        };
        let session = StaffSession {
            id: session_id.to_owned(),
            staff_id: staff_id.to_owned(),
            opened_at: first.s_opened_at,
            second_factor: SecondFactor::parse(&first.s_second_factor),
        };
        let mut grants: Vec<Grant> = Vec::with_capacity(rows.len());
        let mut establishments: Vec<Establishment> = Vec::new();
        for r in &rows {
            let (Some(uai), Some(value), Some(origin)) = (&r.g_uai, &r.g_value, &r.g_origin) else {
                continue;
            };
            if let Some(g) = grant_of(origin, value, uai.clone()) {
                if !grants.contains(&g) {
                    grants.push(g);
                }
            }
            if let Some(e) = r.establishment() {
                if !establishments.iter().any(|x| x.uai == e.uai) {
                    establishments.push(e);
                }
            }
        }
        grants.sort_by(|a, b| a.uai.cmp(&b.uai));
        Ok(StaffAccess::Live(Box::new(LiveAccess {
            staff,
            session,
            grants,
            establishments,
            version: first.access_version,
        })))
    }
}
