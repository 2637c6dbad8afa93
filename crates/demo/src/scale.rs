//! A national-scale synthetic data set for benchmarks (PostgreSQL only): thousands of
//! establishments, a million accounts, generated inside the database with `generate_series`
//! so that it takes seconds rather than hours. Names are plain ASCII so that their search keys
//! are the names themselves; realism is the demo data set's job, volume is this one's.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use sesame_store::error::{Result, StoreError};
use sesame_store::Store;

/// UAI of the establishment the benchmarks act on (it has `BENCH_STUDENTS` students).
pub const BENCH_UAI_NUMBER: u32 = 999_999;
pub const BENCH_STUDENTS: u32 = 2_000;
pub const BENCH_USER: &str = "bench";

#[derive(Debug, Clone, Copy)]
pub struct ScaleSpec {
    pub establishments: u32,
    pub students_per_establishment: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleSummary {
    pub establishments: u64,
    pub accounts: u64,
}

const FIRST: &str = "'{camille,lea,manon,chloe,ines,jade,louise,emma,hugo,lucas,louis,nathan,gabriel,arthur,jules,adam,raphael,leo,noah,ethan}'";
const FAMILY: &str = "'{martin,bernard,dubois,thomas,robert,richard,petit,durand,leroy,moreau,simon,laurent,lefebvre,michel,garcia,david,bertrand,roux,vincent,fournier,morel,girard,andre,mercier,dupont,lambert,bonnet,francois,martinez,legrand}'";

fn sql(s: &str) -> Statement {
    Statement::from_string(DbBackend::Postgres, s.to_owned())
}

/// Generates the data set into an empty PostgreSQL database; `password_hash` is the hash of
/// the bench staff user's password (and of every activated account's).
pub async fn generate_scale_dataset(
    store: &Store,
    spec: ScaleSpec,
    password_hash: &str,
) -> Result<ScaleSummary> {
    if store.db.get_database_backend() != DbBackend::Postgres {
        return Err(StoreError::Invalid(
            "the scale data set is generated on PostgreSQL".into(),
        ));
    }
    if store.establishment_count().await? > 0 {
        return Err(StoreError::Conflict("the database is not empty".into()));
    }
    let n = spec.establishments;
    let per = spec.students_per_establishment;
    let txn = store.begin_write().await?;
    // Establishment i (1..=n) has number 100000+i; the bench one has BENCH_UAI_NUMBER.
    let uai = |num: &str| {
        format!("lpad(({num})::text, 7, '0') || substr('ABCDEFGHJKLMNPRSTUVWXYZ', (({num}) % 23)::int + 1, 1)")
    };
    let est_numbers = format!(
        "(SELECT 100000 + i AS num, i AS idx, {per} AS size FROM generate_series(1, {n}) i \
         UNION ALL SELECT {BENCH_UAI_NUMBER}, 0, {BENCH_STUDENTS})"
    );
    let statements = vec![
        format!("CREATE TEMP TABLE bench_est ON COMMIT DROP AS SELECT num, idx, size, {} AS uai FROM {est_numbers} e", uai("num")),
        "INSERT INTO establishments (uai, name, kind, degree, sector, academy, private_admin_group, data_updated_at, created_at) \
         SELECT uai, 'CLG Benchmark ' || idx, 'college', 2, 'public', 'Benchmark', false, now(), now() FROM bench_est".into(),
        "INSERT INTO classes (id, uai, code, mef_id) SELECT uai || '-c' || k, uai, (3 + k % 4) || 'EME' || (k / 4 + 1), NULL \
         FROM bench_est, generate_series(0, 19) k".into(),
        format!(
            "CREATE TEMP TABLE bench_people ON COMMIT DROP AS \
             SELECT e.uai, e.idx, k, \
                    ({FIRST}::text[])[1 + (k * 7 + e.idx) % 20] AS first, \
                    ({FAMILY}::text[])[1 + (k * 13 + e.idx * 3) % 30] AS family, \
                    'e' || e.idx || 'k' || k AS sid, 'g' || e.idx || 'k' || k AS gid, \
                    CASE WHEN k % 20 = 0 THEN 'not_notified' WHEN k % 10 = 1 THEN 'notified_not_activated' ELSE 'activated' END AS state \
             FROM bench_est e, generate_series(1, e.size) k"
        ),
        "INSERT INTO accounts (id, kind, identifier, state, origin, notified_at, distributed_at, activated_at, last_login_at, email, email_validated, phone, provisional_password_enc, password_hash, must_change_password, pending_identifier, pending_effective_at, pending_requested_at, previous_identifier, created_at, updated_at, home_uai) \
         SELECT sid, 'student', first || '.' || family || 's' || idx || 'n' || k, state, \
                CASE WHEN state = 'not_notified' THEN 'unknown' ELSE 'establishment' END, \
                CASE WHEN state = 'not_notified' THEN NULL ELSE now() - interval '30 days' END, NULL, NULL, NULL, NULL, false, NULL, NULL, \
                CASE WHEN state = 'activated' THEN $HASH$ ELSE NULL END, false, NULL, NULL, NULL, NULL, now(), now(), uai \
         FROM bench_people".into(),
        "INSERT INTO accounts (id, kind, identifier, state, origin, notified_at, distributed_at, activated_at, last_login_at, email, email_validated, phone, provisional_password_enc, password_hash, must_change_password, pending_identifier, pending_effective_at, pending_requested_at, previous_identifier, created_at, updated_at) \
         SELECT gid, 'guardian', 'p' || first || '.' || family || 'g' || idx || 'n' || k, \
                CASE WHEN k % 3 = 0 THEN 'activated' ELSE 'not_notified' END, \
                CASE WHEN k % 3 = 0 THEN 'guardian' ELSE 'unknown' END, NULL, NULL, NULL, NULL, \
                CASE WHEN k % 4 = 0 THEN NULL ELSE gid || '@example.org' END, false, NULL, NULL, \
                CASE WHEN k % 3 = 0 THEN $HASH$ ELSE NULL END, false, NULL, NULL, NULL, NULL, now(), now() \
         FROM bench_people".into(),
        "INSERT INTO students (id, uai, class_id, mef_id, family_name, first_name, family_key, first_key, birth_date, ine, source_id, left_at) \
         SELECT sid, uai, uai || '-c' || (k % 20), NULL, initcap(family), initcap(first), family, first, NULL, NULL, sid, NULL FROM bench_people".into(),
        "INSERT INTO guardians (id, family_name, first_name, family_key, first_key, civility, source_id) \
         SELECT gid, initcap(family), 'Parent ' || initcap(first), family, 'parent-' || first, NULL, gid FROM bench_people".into(),
        "INSERT INTO guardian_links (guardian_id, student_id, relationship, legal, reported_wrong, reported_at) \
         SELECT gid, sid, 'Mère', true, false, NULL FROM bench_people".into(),
        "INSERT INTO account_sources (id, account_id, source, academy, aaf_id, source_id, family_name, first_name) \
         SELECT 'src-' || sid, sid, 'SIECLE', 'Benchmark', NULL, sid, initcap(family), initcap(first) FROM bench_people".into(),
        "ANALYZE".into(),
    ];
    for s in statements {
        let s = s.replace(
            "$HASH$",
            &format!("'{}'", password_hash.replace('\'', "''")),
        );
        if s == "ANALYZE" {
            continue;
        }
        txn.execute(sql(&s)).await?;
    }
    txn.commit().await?;
    store.db.execute(sql("ANALYZE")).await?;
    let n_est = n as u64 + 1;
    Ok(ScaleSummary {
        establishments: n_est,
        accounts: 2 * (n as u64 * per as u64 + BENCH_STUDENTS as u64),
    })
}
