//! The user guide as a reader reaches it (« Documentation », « Aide sur cette rubrique »):
//! served by Sésame as HTML under a policy that allows no script, with every section the
//! consoles link to; and « Élèves extérieurs », offered only where an establishment has some,
//! from the count the establishment carries. Every test runs on SQLite and PostgreSQL.

use crate::common;

use crate::common::TestApp;
use serde_json::Value;
use sesame_demo::{LP_UAI, PRIVATE_COLLEGE_UAI, PUBLIC_COLLEGE_UAI};

/// The values of every `id="…"` attribute of the page.
fn ids(html: &str) -> Vec<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(id, _)| id.to_owned()))
        .collect()
}

/// The targets of every in-page link (`href="#…"`).
fn anchors(html: &str) -> Vec<String> {
    html.split("href=\"#")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(id, _)| id.to_owned()))
        .collect()
}

http_test! {
    async fn the_guide_is_a_page_of_its_own_with_every_linked_section(app: TestApp) {
        // No sign-in: the sign-in page links to it too.
        let r = app.get(sesame_api::guide::PATH, None).await;
        assert_eq!(r.status(), 200);
        let headers = r.headers().clone();
        assert_eq!(
            headers["content-type"].to_str().unwrap(),
            "text/html; charset=utf-8"
        );
        // Read in the browser, never offered as a download.
        assert!(headers.get("content-disposition").is_none());
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(!csp.contains("script-src"), "the guide needs no script: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(!html.contains("<script"), "no script in the guide");
        assert!(!html.contains("style=\""), "the policy refuses inline styles");

        let ids = ids(&html);
        for section in sesame_api::guide::SECTIONS {
            assert!(
                ids.iter().any(|id| id == section),
                "the consoles link to /guide#{section}, which the guide lacks"
            );
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "an id is repeated: {ids:?}");
        // The table of contents (and every cross-reference) leads somewhere.
        for target in anchors(&html) {
            assert!(ids.contains(&target), "a link points to #{target}, which does not exist");
        }
        // The four states a reader meets in the console, named as it names them.
        for state in ["Non notifié", "Notifié et non activé", "En cours d’activation", "Activé"] {
            assert!(html.contains(state), "the guide does not explain « {state} »");
        }

        // Its stylesheet, the one source of style the policy lets in.
        let css = app.get("/guide/guide.css", None).await;
        assert_eq!(css.status(), 200);
        assert_eq!(
            css.headers()["content-type"].to_str().unwrap(),
            "text/css; charset=utf-8"
        );
        assert!(css.text().await.unwrap().contains("@media print"));

        // A trailing slash typed by hand still finds it.
        let no_redirect = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = no_redirect.get(app.url("/guide/")).send().await.unwrap();
        assert_eq!(r.status(), 308);
        assert_eq!(r.headers()["location"], "/guide");
    }
}

async fn establishments(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app.get("/api/v1/establishments", Some(token)).await;
    assert_eq!(r.status(), 200);
    r.json::<Vec<Value>>().await.unwrap()
}

fn externals_of(list: &[Value], uai: &str) -> u64 {
    list.iter()
        .find(|e| e["uai"] == uai)
        .unwrap_or_else(|| panic!("{uai} not listed"))["external_students"]
        .as_u64()
        .expect("external_students is a count")
}

/// The external students the « Élèves extérieurs » search lists, all pages together.
async fn listed_externals(app: &TestApp, token: &str, uai: &str) -> u64 {
    let r = app
        .get(
            &format!("/api/v1/establishments/{uai}/external-students?per_page=1"),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["total"].as_u64().unwrap()
}

http_test! {
    async fn an_establishment_says_how_many_external_students_it_has(app: TestApp) {
        common::load_demo(&app).await;
        let head = common::demo_login(&app, "principal").await;
        let list = establishments(&app, &head).await;
        // The demo's 3e pupils of the public collège follow shared teaching at the LP.
        let at_lp = externals_of(&list, LP_UAI);
        assert_eq!(at_lp, 30);
        assert_eq!(at_lp, listed_externals(&app, &head, LP_UAI).await);
        assert_eq!(externals_of(&list, PUBLIC_COLLEGE_UAI), 0);
        assert_eq!(externals_of(&list, PRIVATE_COLLEGE_UAI), 0);

        // The single establishment says the same.
        let one = app
            .get(&format!("/api/v1/establishments/{LP_UAI}"), Some(&head))
            .await;
        assert_eq!(one.status(), 200);
        assert_eq!(one.json::<Value>().await.unwrap()["external_students"], 30);
        let none = app
            .get(&format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}"), Some(&head))
            .await;
        assert_eq!(none.json::<Value>().await.unwrap()["external_students"], 0);

        // A pupil who left the collège no longer follows anything at the LP.
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
        use sesame_store::entities::{student, student_external};
        let leaver: String = student_external::Entity::find()
            .filter(student_external::Column::Uai.eq(LP_UAI))
            .select_only()
            .column(student_external::Column::StudentId)
            .into_tuple()
            .one(&app.state.store.db)
            .await
            .unwrap()
            .expect("an external pupil");
        student::Entity::update_many()
            .col_expr(
                student::Column::LeftAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now()),
            )
            .filter(student::Column::Id.eq(leaver))
            .exec(&app.state.store.db)
            .await
            .unwrap();
        let list = establishments(&app, &head).await;
        assert_eq!(externals_of(&list, LP_UAI), 29);
        assert_eq!(listed_externals(&app, &head, LP_UAI).await, 29);

        // Scoped as before: the agent, delegated at the collège only, sees neither the LP nor
        // its count.
        let agent = common::demo_login(&app, "agent").await;
        let list = establishments(&app, &agent).await;
        assert!(list.iter().all(|e| e["uai"] != LP_UAI), "{list:?}");
        let foreign = app
            .get(&format!("/api/v1/establishments/{LP_UAI}"), Some(&agent))
            .await;
        assert_eq!(foreign.status(), 404);
    }
}

/// With the SPA built, its catch-all answers every unknown path with `index.html`: the guide
/// (GET and HEAD) must still win, and the console's own routes still get the SPA.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guide_is_not_swallowed_by_the_spa() {
    let spa = std::env::temp_dir().join(format!("sesame-spa-{}", sesame_store::ids::new_id()));
    std::fs::create_dir_all(&spa).unwrap();
    std::fs::write(spa.join("index.html"), "<!doctype html><p>console</p>").unwrap();
    let dir = spa.clone();
    let app = TestApp::spawn_with(sesame_store::Backend::Sqlite, move |c| c.spa_dir = dir).await;

    let guide = app.get("/guide", None).await;
    assert_eq!(guide.status(), 200);
    let html = guide.text().await.unwrap();
    assert!(html.contains("Guide d’utilisation de Sésame"), "{html}");
    let head = app.http.head(app.url("/guide")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert!(head.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let css = app
        .http
        .head(app.url("/guide/guide.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        css.headers()["content-type"].to_str().unwrap(),
        "text/css; charset=utf-8"
    );

    let console = app.get("/etablissements/0450750W/eleves", None).await;
    assert_eq!(console.status(), 200);
    assert!(console.text().await.unwrap().contains("console"));
    std::fs::remove_dir_all(spa).unwrap();
}
