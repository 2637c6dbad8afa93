//! The demo data set (api.md "Demo mode"), loaded by `sesame serve --demo` into an empty
//! database: an LP, a public and a private collège with their pupils, guardians and accounts in
//! every state and origin, a primary school's ENT directory, and the demo staff users and
//! integration client.
//!
//! It is deterministic: the same people, ids, identifiers, provisional passwords and dates on
//! every load (see `seed`), so a demo script, a screenshot or a bug report stays valid.
//! Everything goes in one transaction: a failed load leaves the database empty, and a second
//! replica starting at the same moment finds the establishments taken and stands down.

mod ent;
mod establishments;
mod names;
mod people;
pub mod scale;
mod seed;
mod staff;

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use rand_chacha::ChaCha8Rng;
use sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait};
use serde::Serialize;
use sesame_core::identifier::{identifier_base, identifier_candidate};

use sesame_store::entities::{
    account, account_source, class, delegation, ent_group, ent_user, ent_user_group, establishment,
    guardian, guardian_link, integration_client, integration_grant, mef, notification_setting,
    staff_role, staff_user, student, student_external,
};
use sesame_store::error::{is_unique_violation, Result};
use sesame_store::insert_rows as insert;
use sesame_store::repo::audit::{append, ActorKind, NewAuditEvent};
use sesame_store::{PasswordHasher, SecretBox, Store};

/// The password of the demo staff users and of every demo account holder and ENT user who
/// chose a password.
pub const DEMO_PASSWORD: &str = "educonnect-demo";
/// The TOTP secret (base32) of the demo staff users who have the admin module.
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";
pub const DEMO_CLIENT_ID: &str = "demo-ent";
pub const DEMO_CLIENT_SECRET: &str = "demo-ent-secret";

/// « LP LYC METIER Auguste Rodin », the LP of the seed's screenshots (about 500 pupils).
pub const LP_UAI: &str = "0450750W";
/// « CLG Jean Zay »: 600 pupils; where `agent` and `teacher` hold their delegations, where the
/// integration client is granted, and where the special pupils below are.
pub const PUBLIC_COLLEGE_UAI: &str = "0451442Y";
/// « CLG PRIVE Saint-Charles », declared in the private establishments' admin group.
pub const PRIVATE_COLLEGE_UAI: &str = "0450758E";
/// « E.E.PU-FOURIER I-BESANCON »: its ENT directory only.
pub const PRIMARY_SCHOOL_UAI: &str = "0251233E";

/// Céline Dupont (4EME2 at the public collège): SIECLE records « Dupont », the AAF « Dupond »,
/// so identifier regeneration is refused, naming both sources.
pub const SOURCES_DIFFER_STUDENT_ID: &str = "d3e00000000040008000000000000001";
/// Kévin Lemaire (3EME1 at the public collège): every source now says « Lemaire », but his
/// account was created as « Lemaître » and still has [`STALE_IDENTIFIER`], so regeneration
/// proposes `kevin.lemaire…`.
pub const STALE_IDENTIFIER_STUDENT_ID: &str = "d3e00000000040008000000000000002";
pub const STALE_IDENTIFIER: &str = "kevin.lemaitre114";

/// What a load inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub establishments: usize,
    pub students: usize,
    pub guardians: usize,
    pub ent_users: usize,
    pub staff_users: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoLoad {
    Loaded(DemoSummary),
    /// The database already held establishments: nothing was changed.
    AlreadyPopulated,
}

/// Loads the demo data set when the database is empty (no establishment); otherwise does nothing.
pub async fn load_demo(
    store: &Store,
    secrets: &SecretBox,
    hasher: &PasswordHasher,
) -> Result<DemoLoad> {
    if establishment::Entity::find().count(&store.db).await? > 0 {
        return Ok(DemoLoad::AlreadyPopulated);
    }
    let started = Instant::now();
    // One argon2id hash for all the account holders and ENT users, and one per staff user and
    // for the client: with production parameters each hash costs tens of milliseconds, so
    // hashing thousands of identical passwords would take minutes. Sharing the salt is only
    // acceptable because these are public demo passwords.
    let holder_hash = hasher.hash(DEMO_PASSWORD)?;
    let hashes = staff::StaffHashes {
        principal: hasher.hash(DEMO_PASSWORD)?,
        agent: hasher.hash(DEMO_PASSWORD)?,
        teacher: hasher.hash(DEMO_PASSWORD)?,
        ent_admin: hasher.hash(DEMO_PASSWORD)?,
        client_secret: hasher.hash(DEMO_CLIENT_SECRET)?,
    };
    let rows = build(secrets, &holder_hash, hashes)?;
    let summary = rows.summary();

    let txn = store.db.begin().await?;
    // Establishments first: if another process loaded the demo meanwhile, their primary keys
    // collide here, before anything else was written.
    match insert::<establishment::Entity>(&txn, rows.establishments).await {
        Err(e) if is_unique_violation(&e) => {
            txn.rollback().await?;
            return Ok(DemoLoad::AlreadyPopulated);
        }
        other => other?,
    }
    insert::<mef::Entity>(&txn, rows.mefs).await?;
    insert::<class::Entity>(&txn, rows.classes).await?;
    insert::<account::Entity>(&txn, rows.accounts).await?;
    insert::<account_source::Entity>(&txn, rows.sources).await?;
    insert::<student::Entity>(&txn, rows.students).await?;
    insert::<student_external::Entity>(&txn, rows.externals).await?;
    insert::<guardian::Entity>(&txn, rows.guardians).await?;
    insert::<guardian_link::Entity>(&txn, rows.guardian_links).await?;
    insert::<staff_user::Entity>(&txn, rows.staff_users).await?;
    insert::<staff_role::Entity>(&txn, rows.staff_roles).await?;
    insert::<delegation::Entity>(&txn, rows.delegations).await?;
    insert::<notification_setting::Entity>(&txn, rows.notification_settings).await?;
    insert::<ent_group::Entity>(&txn, rows.ent_groups).await?;
    insert::<ent_user::Entity>(&txn, rows.ent_users).await?;
    insert::<ent_user_group::Entity>(&txn, rows.ent_user_groups).await?;
    insert::<integration_client::Entity>(&txn, rows.integration_clients).await?;
    insert::<integration_grant::Entity>(&txn, rows.integration_grants).await?;
    append(
        &txn,
        NewAuditEvent::new(ActorKind::System, "sesame", "demo.loaded")
            .detail(serde_json::to_value(summary).unwrap_or_default()),
    )
    .await?;
    txn.commit().await?;
    // The caller announces the load; this adds what it cost.
    tracing::debug!(
        establishments = summary.establishments,
        students = summary.students,
        guardians = summary.guardians,
        ent_users = summary.ent_users,
        staff_users = summary.staff_users,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo data set loaded"
    );
    Ok(DemoLoad::Loaded(summary))
}

/// Every row of the data set, by table.
#[derive(Default)]
struct Rows {
    establishments: Vec<establishment::Model>,
    mefs: Vec<mef::Model>,
    classes: Vec<class::Model>,
    accounts: Vec<account::Model>,
    sources: Vec<account_source::Model>,
    students: Vec<student::Model>,
    externals: Vec<student_external::Model>,
    guardians: Vec<guardian::Model>,
    guardian_links: Vec<guardian_link::Model>,
    staff_users: Vec<staff_user::Model>,
    staff_roles: Vec<staff_role::Model>,
    delegations: Vec<delegation::Model>,
    notification_settings: Vec<notification_setting::Model>,
    ent_groups: Vec<ent_group::Model>,
    ent_users: Vec<ent_user::Model>,
    ent_user_groups: Vec<ent_user_group::Model>,
    integration_clients: Vec<integration_client::Model>,
    integration_grants: Vec<integration_grant::Model>,
}

impl Rows {
    fn summary(&self) -> DemoSummary {
        DemoSummary {
            establishments: self.establishments.len(),
            students: self.students.len(),
            guardians: self.guardians.len(),
            ent_users: self.ent_users.len(),
            staff_users: self.staff_users.len(),
        }
    }
}

/// What the generators share while they fill the tables.
struct Builder<'a> {
    secrets: &'a SecretBox,
    holder_hash: &'a str,
    /// National identifiers handed out so far: the database's unique index would reject a
    /// duplicate and abort the whole load, so candidates are checked here first.
    identifiers: HashSet<String>,
    /// ENT login base → how many users have it so far.
    ent_logins: HashMap<String, u32>,
    rows: Rows,
}

impl Builder<'_> {
    fn identifier(&mut self, rng: &mut ChaCha8Rng, first: &str, family: &str) -> String {
        let base = identifier_base(first, family).expect("demo names have letters");
        (0..)
            .map(|attempt| identifier_candidate(&base, attempt, rng))
            .find(|candidate| self.identifiers.insert(candidate.clone()))
            .expect("some candidate is free")
    }
}

fn build(secrets: &SecretBox, holder_hash: &str, hashes: staff::StaffHashes) -> Result<Rows> {
    let mut b = Builder {
        secrets,
        holder_hash,
        identifiers: HashSet::from([STALE_IDENTIFIER.to_owned()]),
        ent_logins: HashMap::new(),
        rows: Rows::default(),
    };
    establishments::establishments(&mut b.rows);
    let structures: Vec<_> = [
        &establishments::LP,
        &establishments::PUBLIC_COLLEGE,
        &establishments::PRIVATE_COLLEGE,
    ]
    .into_iter()
    .map(|spec| {
        let mut rng = seed::stream(&format!("structure/{}", spec.uai));
        (
            spec.uai,
            establishments::structure(&mut b.rows, &mut rng, spec),
        )
    })
    .collect();
    people::populations(&mut b, &structures)?;
    ent::directory(&mut b);
    staff::staff(&mut b, hashes)?;
    staff::notification_settings(&mut b);
    Ok(b.rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes() -> staff::StaffHashes {
        staff::StaffHashes {
            principal: "p".into(),
            agent: "a".into(),
            teacher: "t".into(),
            ent_admin: "e".into(),
            client_secret: "c".into(),
        }
    }

    /// Everything but the sealed values, whose nonces are random by design.
    fn fingerprint(rows: &Rows) -> String {
        let accounts: Vec<_> = rows
            .accounts
            .iter()
            .map(|a| {
                let mut a = a.clone();
                a.provisional_password_enc = a.provisional_password_enc.map(|_| "sealed".into());
                a
            })
            .collect();
        format!(
            "{accounts:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}",
            rows.students,
            rows.guardians,
            rows.sources,
            rows.guardian_links,
            rows.externals,
            rows.classes,
            rows.mefs,
            rows.ent_users,
            rows.ent_user_groups,
        )
    }

    #[test]
    fn two_builds_are_identical() {
        let secrets = SecretBox::new(&[7; 32]);
        let one = build(&secrets, "h", hashes()).unwrap();
        let two = build(&secrets, "h", hashes()).unwrap();
        assert_eq!(fingerprint(&one), fingerprint(&two));
    }

    #[test]
    fn identifiers_and_logins_are_unique() {
        let rows = build(&SecretBox::new(&[7; 32]), "h", hashes()).unwrap();
        let ids: HashSet<_> = rows.accounts.iter().map(|a| &a.identifier).collect();
        assert_eq!(ids.len(), rows.accounts.len());
        let logins: HashSet<_> = rows.ent_users.iter().map(|u| &u.login).collect();
        assert_eq!(logins.len(), rows.ent_users.len());
        let account_ids: HashSet<_> = rows.accounts.iter().map(|a| &a.id).collect();
        assert_eq!(account_ids.len(), rows.accounts.len());
    }

    #[test]
    fn dates_follow_each_other() {
        let rows = build(&SecretBox::new(&[7; 32]), "h", hashes()).unwrap();
        let now = seed::reference();
        for a in &rows.accounts {
            let dates = [a.notified_at, a.activated_at, a.last_login_at];
            for d in dates.into_iter().flatten() {
                assert!(a.created_at <= d && d <= now, "{} {a:?}", a.identifier);
            }
            if let (Some(n), Some(act)) = (a.notified_at, a.activated_at) {
                assert!(n < act, "{a:?}");
            }
            if let (Some(act), Some(l)) = (a.activated_at, a.last_login_at) {
                assert!(act <= l, "{a:?}");
            }
        }
    }
}
