//! « Statistiques » as the console shows them, over the demo data set: the seed's LP table,
//! guardians with their extra column, tables by class and MEF, the shares, and who may see
//! them. Every test runs on SQLite and PostgreSQL.

mod common;

use common::TestApp;
use serde_json::Value;
use sesame_store::demo::{LP_UAI, PRIMARY_SCHOOL_UAI, PUBLIC_COLLEGE_UAI};

async fn load(app: &TestApp) {
    sesame_store::demo::load_demo(&app.state.store, &app.state.secrets, &app.state.hasher)
        .await
        .expect("demo loads");
}

/// A demo staff member's token (TOTP computed for the admin module).
async fn staff(app: &TestApp, username: &str) -> String {
    let r = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({
                "username": username,
                "password": sesame_store::demo::DEMO_PASSWORD,
                "totp_code": common::totp_now(sesame_store::demo::DEMO_TOTP_SECRET),
            }),
        )
        .await;
    assert_eq!(r.status(), 200, "login of {username}");
    r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn stats(app: &TestApp, token: &str, uai: &str, query: &str) -> Value {
    let r = app
        .get(
            &format!("/api/v1/establishments/{uai}/statistics{query}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), 200, "{uai}{query}");
    r.json().await.unwrap()
}

const COLUMNS: [&str; 5] = [
    "total",
    "not_notified",
    "notified_not_activated",
    "activation_in_progress",
    "activated",
];

fn n(v: &Value, field: &str) -> u64 {
    v[field].as_u64().unwrap_or(0)
}

fn row<'a>(s: &'a Value, label: &str) -> &'a Value {
    s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == label)
        .unwrap_or_else(|| panic!("no row {label} in {s}"))
}

fn labels(s: &Value) -> Vec<String> {
    s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap().to_owned())
        .collect()
}

fn column_sum(s: &Value, field: &str) -> u64 {
    s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| n(r, field))
        .sum()
}

http_test! {
    async fn the_lp_students_table_is_the_seeds(app: TestApp) {
        load(&app).await;
        let head = staff(&app, "principal").await;
        // Defaults: students, by origin.
        let s = stats(&app, &head, LP_UAI, "").await;
        assert_eq!(s["population"], "students");
        assert_eq!(s["by"], "origin");
        assert_eq!(labels(&s), ["ATEN", "ENT", "Établissement", "N/A"]);
        let etab = row(&s, "Établissement");
        assert_eq!(etab["key"], "establishment");
        assert_eq!((n(etab, "total"), n(etab, "not_notified"), n(etab, "notified_not_activated"), n(etab, "activated")), (494, 0, 5, 489));
        let na = row(&s, "N/A");
        assert_eq!((n(na, "total"), n(na, "not_notified"), n(na, "notified_not_activated"), n(na, "activated")), (2, 2, 0, 0));
        assert_eq!(n(row(&s, "ATEN"), "total"), 0);
        assert_eq!(n(row(&s, "ENT"), "total"), 0);
        let t = &s["totals"];
        assert_eq!((n(t, "total"), n(t, "not_notified"), n(t, "notified_not_activated"), n(t, "activated")), (496, 2, 5, 489));
        for field in COLUMNS {
            assert_eq!(column_sum(&s, field), n(t, field), "{field}");
        }
        // Students have no « en cours d'activation » column.
        assert!(t.get("activation_in_progress").is_none(), "{t}");
        assert!(etab.get("activation_in_progress").is_none(), "{etab}");
        // The share of pupils with an activated guardian, and when it was computed.
        let with = s["students_with_activated_guardian"].as_u64().unwrap();
        let share = s["students_with_activated_guardian_share"].as_f64().unwrap();
        assert!(with > 0 && with < 496, "{with}");
        assert!((share - with as f64 / 496.0).abs() < 1e-9);
        assert!(s.get("guardians_activated_share").is_none());
        let computed: chrono::DateTime<chrono::Utc> = s["computed_at"].as_str().unwrap().parse().unwrap();
        assert!((chrono::Utc::now() - computed).num_seconds().abs() < 60);

        // The same explicitly.
        let again = stats(&app, &head, LP_UAI, "?population=students&by=origin").await;
        assert_eq!(again["totals"], s["totals"]);
    }
}

http_test! {
    async fn guardians_have_the_activation_in_progress_column_and_their_share(app: TestApp) {
        load(&app).await;
        let head = staff(&app, "principal").await;
        for uai in [LP_UAI, PUBLIC_COLLEGE_UAI] {
            let g = stats(&app, &head, uai, "?population=guardians").await;
            assert_eq!(g["population"], "guardians");
            assert_eq!(labels(&g), ["ATEN", "ENT", "Établissement", "FranceConnect", "Responsable", "N/A"]);
            for r in g["rows"].as_array().unwrap() {
                assert!(r["activation_in_progress"].is_u64(), "{r}");
                let states: u64 = COLUMNS[1..].iter().map(|f| n(r, f)).sum();
                assert_eq!(states, n(r, "total"), "{r}");
            }
            let t = &g["totals"];
            for field in COLUMNS {
                assert_eq!(column_sum(&g, field), n(t, field), "{uai} {field}");
            }
            // Nobody self-registered or used FranceConnect without activating.
            assert_eq!(n(row(&g, "N/A"), "total"), n(row(&g, "N/A"), "not_notified"));
            assert!(n(row(&g, "FranceConnect"), "activated") > 0);
            let share = g["guardians_activated_share"].as_f64().unwrap();
            assert!((share - n(t, "activated") as f64 / n(t, "total") as f64).abs() < 1e-9);
            assert!(g.get("students_with_activated_guardian").is_none());
        }
        // The collège has guardians half-way through self-registration.
        let college = stats(&app, &head, PUBLIC_COLLEGE_UAI, "?population=guardians").await;
        assert!(n(&college["totals"], "activation_in_progress") > 0);
        assert!(n(row(&college, "Responsable"), "activation_in_progress") > 0);
    }
}

http_test! {
    async fn tables_by_class_and_mef_add_up(app: TestApp) {
        load(&app).await;
        let head = staff(&app, "principal").await;
        let origin = stats(&app, &head, LP_UAI, "?population=students").await;
        for by in ["class", "mef"] {
            let s = stats(&app, &head, LP_UAI, &format!("?population=students&by={by}")).await;
            assert_eq!(s["by"], by);
            assert!(s["rows"].as_array().unwrap().len() > 3, "{s}");
            for field in COLUMNS {
                assert_eq!(column_sum(&s, field), n(&s["totals"], field), "{by} {field}");
            }
            assert_eq!(s["totals"], origin["totals"], "{by}");
        }
        // Classes by code in natural order; MEFs labelled with their long label.
        let classes = stats(&app, &head, PUBLIC_COLLEGE_UAI, "?by=class").await;
        let codes = labels(&classes);
        let p2 = codes.iter().position(|c| c == "6EME2");
        let p10 = codes.iter().position(|c| c == "6EME10");
        if let (Some(a), Some(b)) = (p2, p10) {
            assert!(a < b, "{codes:?}");
        }
        let mefs = stats(&app, &head, LP_UAI, "?by=mef").await;
        assert!(labels(&mefs).iter().any(|l| l == "2NDPRO MET.GEST.ADM., TRA & LOG. COMM."), "{:?}", labels(&mefs));

        // Guardians are counted through their pupils: one with children in two classes counts
        // in both rows, once in the totals.
        let g_origin = stats(&app, &head, PUBLIC_COLLEGE_UAI, "?population=guardians").await;
        let g_class = stats(&app, &head, PUBLIC_COLLEGE_UAI, "?population=guardians&by=class").await;
        assert_eq!(g_class["totals"], g_origin["totals"]);
        assert!(column_sum(&g_class, "total") > n(&g_class["totals"], "total"));
        for r in g_class["rows"].as_array().unwrap() {
            assert!(r["activation_in_progress"].is_u64(), "{r}");
        }

        // External students of the LP, by their home class.
        let ext = stats(&app, &head, LP_UAI, "?population=external-students&by=class").await;
        assert_eq!(ext["population"], "external-students");
        assert!(n(&ext["totals"], "total") > 0);
        assert_eq!(column_sum(&ext, "total"), n(&ext["totals"], "total"));
        assert!(ext["totals"].get("activation_in_progress").is_none());
        assert!(ext["students_with_activated_guardian_share"].is_f64());
    }
}

http_test! {
    async fn who_may_see_statistics(app: TestApp) {
        load(&app).await;
        // The agent holds the admin delegation at the collège.
        let agent = staff(&app, "agent").await;
        stats(&app, &agent, PUBLIC_COLLEGE_UAI, "?population=guardians&by=mef").await;
        // Not at the LP: outside their establishments it is as if it did not exist.
        let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/statistics"), Some(&agent)).await;
        assert_eq!(r.status(), 404);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        // The teacher's troubleshooting module has no statistics.
        let teacher = staff(&app, "teacher").await;
        let r = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/statistics"), Some(&teacher)).await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let head = staff(&app, "principal").await;
        let r = app.get(&format!("/api/v1/establishments/{PRIMARY_SCHOOL_UAI}/statistics"), Some(&head)).await;
        assert_eq!(r.status(), 404);
        let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/statistics"), None).await;
        assert_eq!(r.status(), 401);
    }
}

http_test! {
    async fn unknown_population_or_grouping_is_a_422_naming_the_field(app: TestApp) {
        load(&app).await;
        let head = staff(&app, "principal").await;
        for (query, field) in [
            ("?by=year", "by"),
            ("?population=teachers", "population"),
            ("?population=students&by=Origin", "by"),
        ] {
            let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/statistics{query}"), Some(&head)).await;
            assert_eq!(r.status(), 422, "{query}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], field, "{p}");
            assert!(!p["errors"][0]["message"].as_str().unwrap().is_empty());
        }
    }
}
