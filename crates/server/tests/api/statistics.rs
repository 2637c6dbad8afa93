//! « Statistiques » as the console shows them, over the demo data set: the seed's LP table,
//! guardians with their extra column, tables by class and MEF, the shares, and who may see
//! them; the activation funnel beyond the seed (every count leads to a list of exactly that
//! many accounts, the per-class share of pupils with an activated guardian), and the letters
//! that (re)notifying such a list prints, in stacks by class. Every test runs on SQLite and
//! PostgreSQL.

use crate::common;

use crate::common::TestApp;
use serde_json::Value;
use sesame_demo::{LP_UAI, PRIMARY_SCHOOL_UAI, PUBLIC_COLLEGE_UAI};

async fn load(app: &TestApp) {
    sesame_demo::load_demo(&app.state.store, &app.state.secrets, &app.state.hasher)
        .await
        .expect("demo loads");
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
        let head = common::demo_login(&app, "principal").await;
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
        let head = common::demo_login(&app, "principal").await;
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
        let head = common::demo_login(&app, "principal").await;
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
        let agent = common::demo_login(&app, "agent").await;
        stats(&app, &agent, PUBLIC_COLLEGE_UAI, "?population=guardians&by=mef").await;
        // Not at the LP: outside their establishments it is as if it did not exist.
        let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/statistics"), Some(&agent)).await;
        assert_eq!(r.status(), 404);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        // The teacher's troubleshooting module has no statistics.
        let teacher = common::demo_login(&app, "teacher").await;
        let r = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/statistics"), Some(&teacher)).await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let head = common::demo_login(&app, "principal").await;
        let r = app.get(&format!("/api/v1/establishments/{PRIMARY_SCHOOL_UAI}/statistics"), Some(&head)).await;
        assert_eq!(r.status(), 404);
        let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/statistics"), None).await;
        assert_eq!(r.status(), 401);
    }
}

http_test! {
    async fn unknown_population_or_grouping_is_a_422_naming_the_field(app: TestApp) {
        load(&app).await;
        let head = common::demo_login(&app, "principal").await;
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

/// The account-list filters a statistics cell stands for, as the console's links set them:
/// the row's origin, class or MEF (external students' `<home UAI>/<code>` keys name their
/// home establishment too), and the column's state. `None` for a row no filter can name (the
/// accounts without a class or MEF), which the console leaves without links.
fn cell_filters(population: &str, by: &str, key: &Value, state: Option<&str>) -> Option<String> {
    let mut pairs: Vec<(String, String)> = vec![];
    if let Some(key) = key.as_str() {
        let (home, code) = match key.split_once('/') {
            Some((home, code)) if population == "external-students" => (Some(home), code),
            _ => (None, key),
        };
        if let Some(home) = home {
            pairs.push(("home_uai".into(), home.into()));
        }
        pairs.push((by.into(), code.into()));
    } else if !key.is_null() {
        panic!("{key}");
    } else if by != "totals" {
        return None;
    }
    if let Some(state) = state {
        pairs.push(("state".into(), state.into()));
    }
    Some(
        pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.replace(' ', "%20")
                        .replace('&', "%26")
                        .replace('/', "%2F")
                        .replace('+', "%2B")
                )
            })
            .collect::<Vec<_>>()
            .join("&"),
    )
}

async fn list_total(app: &TestApp, token: &str, uai: &str, population: &str, query: &str) -> u64 {
    let r = app
        .get(
            &format!("/api/v1/establishments/{uai}/{population}?per_page=1&{query}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), 200, "{population}?{query}");
    r.json::<Value>().await.unwrap()["total"].as_u64().unwrap()
}

http_test! {
    async fn every_count_leads_to_a_list_of_that_many_accounts(app: TestApp) {
        load(&app).await;
        let head = common::demo_login(&app, "principal").await;
        let mut checked = 0;
        for uai in [LP_UAI, PUBLIC_COLLEGE_UAI] {
            for population in ["students", "guardians", "external-students"] {
                for by in ["origin", "class", "mef"] {
                    let s = stats(&app, &head, uai, &format!("?population={population}&by={by}")).await;
                    let mut cells: Vec<(Value, &str, Option<&str>, u64)> = vec![];
                    for r in s["rows"].as_array().unwrap() {
                        for (column, state) in COLUMNS.iter().zip([None, Some("not_notified"), Some("notified_not_activated"), Some("activation_in_progress"), Some("activated")]) {
                            cells.push((r["key"].clone(), by, state, n(r, column)));
                        }
                    }
                    for (column, state) in COLUMNS.iter().zip([None, Some("not_notified"), Some("notified_not_activated"), Some("activation_in_progress"), Some("activated")]) {
                        cells.push((Value::Null, "totals", state, n(&s["totals"], column)));
                    }
                    for (key, by, state, count) in cells {
                        // A zero is not a link.
                        if count == 0 {
                            continue;
                        }
                        let Some(query) = cell_filters(population, by, &key, state) else { continue };
                        let total = list_total(&app, &head, uai, population, &query).await;
                        assert_eq!(total, count, "{uai} {population} by {by}: {key} {state:?} → ?{query}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked} cells");
    }
}

http_test! {
    async fn students_are_listed_by_origin_but_not_by_a_guardians_origin(app: TestApp) {
        load(&app).await;
        let head = common::demo_login(&app, "principal").await;
        let s = stats(&app, &head, LP_UAI, "?population=students").await;
        for (key, query) in [("establishment", "origin=establishment"), ("unknown", "origin=unknown&state=not_notified")] {
            let row = s["rows"].as_array().unwrap().iter().find(|r| r["key"] == key).unwrap();
            let expected = if query.contains("state") { n(row, "not_notified") } else { n(row, "total") };
            assert!(expected > 0, "{key}");
            assert_eq!(list_total(&app, &head, LP_UAI, "students", query).await, expected, "{query}");
        }
        // Self-registration and FranceConnect are guardians' routes: asking them of pupils is a
        // mistake worth saying, not an empty list.
        for population in ["students", "external-students"] {
            let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/{population}?origin=franceconnect"), Some(&head)).await;
            assert_eq!(r.status(), 422, "{population}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], "origin", "{p}");
        }
        // The filter also selects for a bulk action (« Sélectionner les N comptes »).
        let r = app
            .post_json(
                &format!("/api/v1/establishments/{LP_UAI}/students/list"),
                Some(&head),
                &serde_json::json!({"all_matching": {"origin": ["unknown"]}, "format": "csv"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let csv = r.text().await.unwrap();
        assert_eq!(csv.lines().count() - 1, n(row(&s, "N/A"), "total") as usize, "{csv}");
    }
}

http_test! {
    async fn each_class_says_how_many_pupils_have_an_activated_guardian(app: TestApp) {
        load(&app).await;
        let head = common::demo_login(&app, "principal").await;
        for uai in [LP_UAI, PUBLIC_COLLEGE_UAI] {
            for (population, by) in [("students", "class"), ("students", "mef"), ("students", "origin"), ("external-students", "class")] {
                let s = stats(&app, &head, uai, &format!("?population={population}&by={by}")).await;
                let rows = s["rows"].as_array().unwrap();
                let mut sum = 0;
                for r in rows {
                    let with = r["students_with_activated_guardian"].as_u64().unwrap_or_else(|| panic!("{r}"));
                    assert!(with <= n(r, "total"), "{r}");
                    sum += with;
                }
                assert_eq!(Some(sum), s["students_with_activated_guardian"].as_u64(), "{uai} {population} {by}");
            }
            // Somewhere the funnel leaks: a class where not every pupil has an activated
            // guardian, which is what the head's table ranks first.
            let by_class = stats(&app, &head, uai, "?by=class").await;
            assert!(by_class["rows"].as_array().unwrap().iter().any(|r| {
                n(r, "total") > 0 && r["students_with_activated_guardian"].as_u64().unwrap() < n(r, "total")
            }), "{uai}");
            // Guardians' rows have no such number.
            let g = stats(&app, &head, uai, "?population=guardians&by=class").await;
            assert!(g["rows"].as_array().unwrap().iter().all(|r| r.get("students_with_activated_guardian").is_none()));
        }
        // Scoped like the rest: the agent's collège only, never the teacher.
        let agent = common::demo_login(&app, "agent").await;
        stats(&app, &agent, PUBLIC_COLLEGE_UAI, "?by=class").await;
        let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/statistics?by=class"), Some(&agent)).await;
        assert_eq!(r.status(), 404);
        let teacher = common::demo_login(&app, "teacher").await;
        let r = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/statistics?by=class"), Some(&teacher)).await;
        assert_eq!(r.status(), 403);
    }
}

/// A letters PDF as the person sorting it sees it: « Classe 6EME2 (3) » for a separator page,
/// the identifier for a letter.
fn leaves(pdf: &[u8]) -> Vec<String> {
    common::pdf_pages(pdf)
        .iter()
        .map(|page| {
            let words = page.split_whitespace().collect::<Vec<_>>().join(" ");
            if words.contains("Courriers ÉduConnect à remettre") {
                let class = if words.contains("Sans classe") {
                    "Sans classe".to_owned()
                } else {
                    let after = words.split("Classe ").nth(1).unwrap_or("?");
                    format!("Classe {}", after.split(' ').next().unwrap_or("?"))
                };
                let count = words
                    .split(" courrier")
                    .next()
                    .and_then(|h| h.rsplit(' ').next())
                    .unwrap_or("?")
                    .to_owned();
                format!("{class} ({count})")
            } else {
                words
                    .split("Identifiant : ")
                    .nth(1)
                    .and_then(|r| r.split(' ').next())
                    .unwrap_or("?")
                    .to_owned()
            }
        })
        .collect()
}

/// The leaves a pile of `(class, family name, first name, identifier)` letters must have:
/// classes in natural order (pupils without one last), names as the console sorts them.
fn expected_pile(mut letters: Vec<(Option<String>, String, String, String)>) -> Vec<String> {
    use sesame_core::identifier::fold_name;
    use sesame_store::repo::statistics::natural_cmp;
    letters.sort_by(|a, b| {
        let class = match (&a.0, &b.0) {
            (Some(x), Some(y)) => natural_cmp(x, y),
            (x, y) => x.is_none().cmp(&y.is_none()),
        };
        class
            .then_with(|| {
                (fold_name(&a.1), fold_name(&a.2)).cmp(&(fold_name(&b.1), fold_name(&b.2)))
            })
            .then_with(|| a.3.cmp(&b.3))
    });
    let mut out = vec![];
    for stack in letters.chunk_by(|a, b| a.0 == b.0) {
        let class = stack[0]
            .0
            .as_deref()
            .map_or("Sans classe".to_owned(), |c| format!("Classe {c}"));
        out.push(format!("{class} ({})", stack.len()));
        out.extend(stack.iter().map(|l| l.3.clone()));
    }
    out
}

async fn items(app: &TestApp, token: &str, uai: &str, population: &str, query: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/v1/establishments/{uai}/{population}?per_page=500&{query}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), 200, "{population}?{query}");
    r.json::<Value>().await.unwrap()["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn notify_letters(
    app: &TestApp,
    token: &str,
    uai: &str,
    population: &str,
    ids: &[String],
) -> Vec<u8> {
    let r = app
        .post_json(
            &format!("/api/v1/establishments/{uai}/{population}/notify"),
            Some(token),
            &serde_json::json!({"ids": ids, "channel": "letter"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let doc = body["document_id"].as_str().expect("a letters document");
    let r = app
        .get(&format!("/api/v1/documents/{doc}"), Some(token))
        .await;
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap().to_vec()
}

http_test! {
    async fn notified_letters_come_in_stacks_by_class(app: TestApp) {
        load(&app).await;
        let head = common::demo_login(&app, "principal").await;
        // Pupils of a few classes, picked so the list order (by name) is not the class order.
        let everyone = items(&app, &head, PUBLIC_COLLEGE_UAI, "students", "").await;
        let mut classes: Vec<String> = everyone.iter().filter_map(|i| i["class"].as_str().map(str::to_owned)).collect();
        classes.sort();
        classes.dedup();
        assert!(classes.len() >= 3, "{classes:?}");
        let chosen: Vec<&String> = classes.iter().rev().take(3).collect();
        let mut selection: Vec<&Value> = vec![];
        for class in &chosen {
            selection.extend(everyone.iter().filter(|i| i["class"].as_str() == Some(class.as_str())).take(3));
        }
        let ids: Vec<String> = selection.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
        let pdf = notify_letters(&app, &head, PUBLIC_COLLEGE_UAI, "students", &ids).await;
        let expected = expected_pile(
            selection
                .iter()
                .map(|i| (i["class"].as_str().map(str::to_owned), i["family_name"].as_str().unwrap().to_owned(), i["first_name"].as_str().unwrap().to_owned(), i["identifier"].as_str().unwrap().to_owned()))
                .collect(),
        );
        assert_eq!(leaves(&pdf), expected);
        assert_eq!(expected.iter().filter(|l| l.starts_with("Classe ")).count(), 3);
        // The separator page says when the pile was printed, in Paris time.
        let first = &common::pdf_pages(&pdf)[0];
        let today = sesame_core::csv_cell::fr_date_opt(Some(chrono::Utc::now()));
        assert!(first.contains(&format!("Édités le {today}")), "{first}");
    }
}

http_test! {
    async fn a_guardians_letter_goes_in_the_stack_of_their_first_pupil_in_name_order(app: TestApp) {
        load(&app).await;
        let head = common::demo_login(&app, "principal").await;
        let guardians = items(&app, &head, PUBLIC_COLLEGE_UAI, "guardians", "").await;
        let class_of = |g: &Value| -> Option<String> {
            use sesame_core::identifier::fold_name;
            let mut pupils: Vec<&Value> = g["students"].as_array().unwrap().iter().collect();
            pupils.sort_by_key(|p| (p["class"].as_str().is_none(), fold_name(p["family_name"].as_str().unwrap()), fold_name(p["first_name"].as_str().unwrap()), p["id"].as_str().unwrap().to_owned()));
            pupils.first().and_then(|p| p["class"].as_str().map(str::to_owned))
        };
        // Parents of pupils in two classes, and a few others.
        let mut selection: Vec<&Value> = guardians
            .iter()
            .filter(|g| {
                let mut c: Vec<&str> = g["students"].as_array().unwrap().iter().filter_map(|p| p["class"].as_str()).collect();
                c.sort();
                c.dedup();
                c.len() > 1
            })
            .take(4)
            .collect();
        assert!(!selection.is_empty(), "the demo has siblings in two classes");
        selection.extend(guardians.iter().filter(|g| g["origin"] == "unknown").take(4));
        let ids: Vec<String> = selection.iter().map(|g| g["id"].as_str().unwrap().to_owned()).collect();
        let pdf = notify_letters(&app, &head, PUBLIC_COLLEGE_UAI, "guardians", &ids).await;
        let expected = expected_pile(
            selection
                .iter()
                .map(|g| (class_of(g), g["family_name"].as_str().unwrap().to_owned(), g["first_name"].as_str().unwrap().to_owned(), g["identifier"].as_str().unwrap().to_owned()))
                .collect(),
        );
        assert_eq!(leaves(&pdf), expected);
        // Each letter says the class it was filed under.
        for page in common::pdf_pages(&pdf).iter().filter(|p| p.contains("Identifiant : ")) {
            let g = selection.iter().find(|g| page.contains(&format!("Identifiant : {}", g["identifier"].as_str().unwrap()))).unwrap();
            assert!(page.contains(&format!("Classe : {}", class_of(g).unwrap())), "{page}");
        }
        let words = common::pdf_pages(&pdf)[0].split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("pour des responsables d'élèves de cette classe"), "{words}");
    }
}
