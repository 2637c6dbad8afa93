//! Search, detail, contact edit, notify, list and reset through HTTP on the demo data set.

use crate::common::*;
use serde_json::{json, Value};
use sesame_demo::{LP_UAI, PUBLIC_COLLEGE_UAI};

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let r = app.get(path, Some(token)).await;
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

async fn ids_in_state(
    app: &TestApp,
    token: &str,
    uai: &str,
    population: &str,
    state: &str,
    n: usize,
) -> Vec<String> {
    let page = get_json(
        app,
        &format!("/api/v1/establishments/{uai}/{population}?state={state}&per_page={n}"),
        token,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(n)
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

http_test! {
    async fn students_are_found_by_name_class_and_state(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let all = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/students?per_page=10"), &head).await;
        assert_eq!(all["total"], 496);
        assert_eq!(all["items"].as_array().unwrap().len(), 10);
        // Page 2 continues where page 1 stopped.
        let p2 = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/students?per_page=10&page=2"), &head).await;
        assert_ne!(all["items"][9]["id"], p2["items"][0]["id"]);
        // Seed §6: the LP has 5 notified-not-activated and 2 not-notified students.
        let s = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/students?state=notified_not_activated&state=not_notified"), &head).await;
        assert_eq!(s["total"], 7);
        // Accent- and case-insensitive prefix: the first item's name typed without accents.
        let first = &all["items"][0];
        let family = first["family_name"].as_str().unwrap();
        let folded: String = sesame_core::fold_name(family).chars().take(3).collect();
        let found = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/students?q={}", folded.to_uppercase()), &head).await;
        assert!(found["items"].as_array().unwrap().iter().any(|i| i["id"] == first["id"]), "{folded} finds {family}");
        let class = first["class"].as_str().unwrap();
        let by_class = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/students?class={}&per_page=500", urlencode(class)), &head).await;
        assert!(by_class["items"].as_array().unwrap().iter().all(|i| i["class"] == class));
        assert!(by_class["total"].as_u64().unwrap() > 0);
        // Sorted by name by default; the reverse order reverses it.
        let desc = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/students?sort=-family_name&per_page=1"), &head).await;
        assert_ne!(desc["items"][0]["id"], first["id"]);
        // No provisional password in the admin module's tables.
        assert!(s["items"].as_array().unwrap().iter().all(|i| i.get("provisional_password").is_none()));
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

http_test! {
    async fn bad_filters_are_problems_naming_the_field(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        for (query, field) in [
            ("state=bogus", "state"),
            ("origin=guardian", "origin"),
            ("per_page=501", "per_page"),
            ("page=0", "page"),
            ("sort=shoe_size", "sort"),
            ("has_email=maybe", "has_email"),
        ] {
            let r = app.get(&format!("/api/v1/establishments/{LP_UAI}/students?{query}"), Some(&head)).await;
            assert_eq!(r.status(), 422, "{query}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], field, "{query}: {p}");
        }
    }
}

http_test! {
    async fn the_troubleshooting_module_sees_students_and_their_provisional_passwords(app: TestApp) {
        load_demo(&app).await;
        let teacher = demo_login(&app, "teacher").await;
        let page = get_json(&app, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students?per_page=500"), &teacher).await;
        for item in page["items"].as_array().unwrap() {
            let shown = item.get("provisional_password").and_then(Value::as_str);
            if item["state"] == "notified_not_activated" {
                let pw = shown.expect("a notified, not activated account shows its password");
                assert!(sesame_core::password::is_provisional_shaped(pw), "{pw}");
            } else {
                assert!(shown.is_none(), "{} must not show a password", item["state"]);
            }
        }
        // Students only: no guardians, no notification.
        assert_eq!(app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians"), Some(&teacher)).await.status(), 403);
        let ids = ids_in_state(&app, &teacher, PUBLIC_COLLEGE_UAI, "students", "activated", 1).await;
        let r = app.post_json(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/notify"), Some(&teacher), &json!({"ids": ids, "channel": "letter"})).await;
        assert_eq!(r.status(), 403);
        // …but may reset passwords and list.
        let r = app.post_json(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/reset-password"), Some(&teacher), &json!({"ids": ids})).await;
        assert_eq!(r.status(), 200);
    }
}

http_test! {
    async fn guardians_are_filtered_by_email_origin_report_and_student(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let base = format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians");
        let no_email = get_json(&app, &format!("{base}?has_email=false&per_page=500"), &head).await;
        assert!(no_email["total"].as_u64().unwrap() > 0);
        assert!(no_email["items"].as_array().unwrap().iter().all(|g| g["email"].is_null() || g["email"] == ""));
        let fc = get_json(&app, &format!("{base}?origin=franceconnect&per_page=500"), &head).await;
        assert!(fc["items"].as_array().unwrap().iter().all(|g| g["origin"] == "franceconnect"));
        let reported = get_json(&app, &format!("{base}?link_reported=true"), &head).await;
        assert!(reported["total"].as_u64().unwrap() > 0);
        for g in reported["items"].as_array().unwrap() {
            assert!(g["students"].as_array().unwrap().iter().any(|s| s["reported_wrong"] == true));
        }
        // By a student's name: every guardian found is linked to a student of that name.
        let any = get_json(&app, &format!("{base}?per_page=1"), &head).await;
        let student = any["items"][0]["students"][0]["family_name"].as_str().unwrap().to_owned();
        let by_student = get_json(&app, &format!("{base}?student={}&per_page=500", urlencode(&student)), &head).await;
        assert!(by_student["items"].as_array().unwrap().iter().all(|g| g["students"].as_array().unwrap().iter().any(|s| {
            sesame_core::fold_name(s["family_name"].as_str().unwrap()).starts_with(&sesame_core::fold_name(&student))
        })));
    }
}

http_test! {
    /// « Responsables » lists pupil–guardian pairs (seed 001 §5.1): each guardian carries the
    /// pupils here with their class, MEF and level, and a class filter keeps that class's pupils
    /// only, so that the list shows that class's pairs.
    async fn guardians_carry_their_pupils_as_pairs_and_a_class_filter_keeps_that_class(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let base = format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians");
        let all = get_json(&app, &format!("{base}?per_page=500"), &head).await;
        let classes_of = |g: &Value| -> Vec<String> {
            g["students"].as_array().unwrap().iter().map(|s| s["class"].as_str().unwrap_or_default().to_owned()).collect()
        };
        // A guardian of two pupils in different classes (the demo has siblings in other levels).
        let two = all["items"].as_array().unwrap().iter().find(|g| {
            let c = classes_of(g);
            c.len() >= 2 && c.iter().any(|x| *x != c[0])
        }).expect("a guardian of pupils in two classes");
        let pupils = two["students"].as_array().unwrap();
        for p in pupils {
            assert!(p["class"].is_string() && p["mef"].is_string() && p["level"].is_string(), "pair without class, MEF or level: {p}");
        }
        let class = pupils[0]["class"].as_str().unwrap().to_owned();
        let id = two["id"].as_str().unwrap();
        let by_class = get_json(&app, &format!("{base}?class={}&per_page=500", urlencode(&class)), &head).await;
        let same = by_class["items"].as_array().unwrap().iter().find(|g| g["id"] == id).expect("the guardian is found by one pupil's class");
        assert_eq!(classes_of(same), vec![class.clone()], "only the pupil of {class} is listed");
        assert!(by_class["items"].as_array().unwrap().iter().all(|g| classes_of(g).iter().all(|c| *c == class)));
        // Without the filter the guardian still has both pairs.
        assert!(classes_of(two).len() > classes_of(same).len());
    }
}

http_test! {
    async fn external_students_are_those_following_shared_teaching(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let ext = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/external-students?per_page=500"), &head).await;
        assert_eq!(ext["total"], 30);
        assert!(ext["items"].as_array().unwrap().iter().all(|s| s["home_uai"] == PUBLIC_COLLEGE_UAI));
        let filtered = get_json(&app, &format!("/api/v1/establishments/{LP_UAI}/external-students?home_uai={LP_UAI}"), &head).await;
        assert_eq!(filtered["total"], 0);
    }
}

http_test! {
    async fn account_detail_shows_sources_and_links_and_stays_in_scope(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let id = sesame_demo::SOURCES_DIFFER_STUDENT_ID;
        let d = get_json(&app, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students/{id}"), &head).await;
        assert_eq!(d["kind"], "student");
        let sources: Vec<&str> = d["sources"].as_array().unwrap().iter().map(|s| s["source"].as_str().unwrap()).collect();
        assert!(sources.contains(&"SIECLE") && sources.contains(&"AAF"), "{sources:?}");
        assert!(!d["guardians"].as_array().unwrap().is_empty());
        assert!(d["pending_identifier_change"].is_null());
        // The same student under another establishment of the head's is unknown there.
        assert_eq!(app.get(&format!("/api/v1/establishments/{LP_UAI}/students/{id}"), Some(&head)).await.status(), 404);
        // And a teacher of that collège who holds no role at the LP gets 404 there.
        let teacher = demo_login(&app, "teacher").await;
        assert_eq!(app.get(&format!("/api/v1/establishments/{LP_UAI}/students/{id}"), Some(&teacher)).await.status(), 404);
    }
}

http_test! {
    async fn contact_data_is_edited_and_validated(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let id = ids_in_state(&app, &head, PUBLIC_COLLEGE_UAI, "guardians", "activated", 1).await.remove(0);
        let path = format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians/{id}");
        let bad = app.http.patch(app.url(&path)).bearer_auth(&head).json(&json!({"email": "not-an-email"})).send().await.unwrap();
        assert_eq!(bad.status(), 422);
        let p: Value = bad.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "email");
        let ok = app.http.patch(app.url(&path)).bearer_auth(&head).json(&json!({"email": "nouveau@example.org", "phone": "06 01 02 03 04"})).send().await.unwrap();
        assert_eq!(ok.status(), 200);
        let d: Value = ok.json().await.unwrap();
        assert_eq!(d["email"], "nouveau@example.org");
        assert_eq!(d["email_validated"], false);
        assert_eq!(d["phone"], "06 01 02 03 04");
        let cleared = app.http.patch(app.url(&path)).bearer_auth(&head).json(&json!({"phone": null})).send().await.unwrap();
        let d: Value = cleared.json().await.unwrap();
        assert!(d["phone"].is_null());
        assert_eq!(d["email"], "nouveau@example.org", "an absent field is left alone");
        let audit = get_json(&app, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/audit?action=account.contact_update"), &head).await;
        assert_eq!(audit["total"], 2);
    }
}

/// Every id of a search, page after page: by page number, or by following `next`.
async fn walk(app: &TestApp, token: &str, base: &str, by_cursor: bool) -> Vec<(u64, String)> {
    let mut seen = Vec::new();
    let mut url = base.to_owned();
    for number in 1.. {
        let page = get_json(app, &url, token).await;
        assert_eq!(page["page"], number, "{url}: {page}");
        for item in page["items"].as_array().unwrap() {
            seen.push((number, item["id"].as_str().unwrap().to_owned()));
        }
        let next = page.get("next").and_then(Value::as_str).map(str::to_owned);
        let last = seen.len() as u64 >= page["total"].as_u64().unwrap();
        assert_eq!(
            next.is_none(),
            last,
            "`next` is there exactly when more rows follow: {url}"
        );
        match next {
            None => break,
            Some(_) if !by_cursor => url = format!("{base}&page={}", number + 1),
            Some(c) => url = format!("{base}&after={c}"),
        }
    }
    seen
}

http_test! {
    async fn cursor_pages_are_the_numbered_pages_for_every_sort(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        for (population, sorts) in [
            ("students", &[
                "family_name", "-family_name", "first_name", "-first_name", "class", "-class",
                "state", "-state", "identifier", "-identifier", "notified_at", "-notified_at",
                "last_login_at", "-last_login_at",
            ][..]),
            ("guardians", &["family_name", "-state", "-notified_at"][..]),
        ] {
            for sort in sorts {
                let base = format!("/api/v1/establishments/{LP_UAI}/{population}?per_page=100&sort={sort}");
                let numbered = walk(&app, &head, &base, false).await;
                let by_cursor = walk(&app, &head, &base, true).await;
                assert_eq!(by_cursor, numbered, "{population} sorted by {sort}");
                let unique: std::collections::HashSet<_> = by_cursor.iter().map(|(_, id)| id).collect();
                assert_eq!(unique.len(), by_cursor.len(), "{population} {sort}: a row twice");
            }
        }
        // With a filter: the cursor keeps to it.
        let base = format!("/api/v1/establishments/{LP_UAI}/students?per_page=2&state=notified_not_activated&state=not_notified");
        assert_eq!(walk(&app, &head, &base, true).await.len(), 7);
    }
}

http_test! {
    async fn the_next_page_by_cursor_repeats_nobody_when_a_notification_moves_a_row(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        // Seed §6: the LP has 5 notified-not-activated pupils and 2 not notified. By state,
        // descending, the first page of 6 holds the 5, then the first not-notified one.
        let base = format!("/api/v1/establishments/{LP_UAI}/students?per_page=6&sort=-state");
        let first = get_json(&app, &base, &head).await;
        let first_ids: Vec<&str> = first["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(first["items"][5]["state"], "not_notified");
        // The other not-notified pupil, on no page yet, is notified: it joins the first
        // group, before the cursor, and every row after it moves one place down.
        let waiting = ids_in_state(&app, &head, LP_UAI, "students", "not_notified", 2).await;
        let newcomer: Vec<String> = waiting.into_iter().filter(|id| !first_ids.contains(&id.as_str())).collect();
        assert_eq!(newcomer.len(), 1);
        let r = app.post_json(&format!("/api/v1/establishments/{LP_UAI}/students/notify"), Some(&head), &json!({"ids": newcomer, "channel": "letter"})).await;
        assert_eq!(r.status(), 200);
        // By number, page 2 now starts with page 1's last row again; by cursor it does not.
        let by_number = get_json(&app, &format!("{base}&page=2"), &head).await;
        assert_eq!(by_number["items"][0]["id"], first["items"][5]["id"], "the shift the cursor avoids");
        let next = first["next"].as_str().unwrap();
        let by_cursor = get_json(&app, &format!("{base}&after={next}"), &head).await;
        let second: Vec<&str> = by_cursor["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(second.len(), 6);
        assert!(second.iter().all(|id| !first_ids.contains(id)), "a row of page 1 came again");
        assert!(!second.contains(&newcomer[0].as_str()), "the newly notified pupil sorts before the cursor");
    }
}

http_test! {
    async fn a_cursor_that_cannot_continue_the_search_is_a_problem_naming_after(app: TestApp) {
        load_demo(&app).await;
        let head = demo_login(&app, "principal").await;
        let base = format!("/api/v1/establishments/{LP_UAI}/students?per_page=10");
        let next = get_json(&app, &base, &head).await["next"].as_str().unwrap().to_owned();
        // Another sort; not base64; base64 of something else; a cursor whose date is not one.
        let forged_date = {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(br#"["-notified_at",["yesterday","a","b","c"]]"#)
        };
        for query in [
            format!("sort=first_name&after={next}"),
            "after=%25%25%25".to_owned(),
            "after=bm90IGEgY3Vyc29y".to_owned(),
            format!("sort=-notified_at&after={forged_date}"),
        ] {
            let r = app.get(&format!("{base}&{query}"), Some(&head)).await;
            assert_eq!(r.status(), 422, "{query}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["errors"][0]["field"], "after", "{query}: {p}");
        }
        // A cursor carries no right: at another establishment it pages that one's own rows.
        let r = app.get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students?per_page=10&after={next}"), Some(&head)).await;
        assert_eq!(r.status(), 200);
        let other: Value = r.json().await.unwrap();
        let college = get_json(&app, &format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/students?per_page=500"), &head).await;
        let college_ids: Vec<&Value> = college["items"].as_array().unwrap().iter().map(|i| &i["id"]).collect();
        assert!(!other["items"].as_array().unwrap().is_empty());
        assert!(other["items"].as_array().unwrap().iter().all(|i| college_ids.contains(&&i["id"])));
    }
}
