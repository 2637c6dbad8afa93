//! Guardians notified by email: the message reaches a real (local) SMTP server.

use crate::common::smtp_sink::SmtpSink;
use crate::common::*;
use serde_json::{json, Value};
use sesame_demo::PUBLIC_COLLEGE_UAI;

async fn app_with_smtp(backend: sesame_store::Backend) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url.clone();
    let app = TestApp::spawn_with(backend, |c| c.smtp_url = Some(url)).await;
    (app, sink)
}

async fn run(backend: sesame_store::Backend) {
    let (app, sink) = app_with_smtp(backend).await;
    load_demo(&app).await;
    let head = demo_login(&app, "principal").await;
    let base = format!("/api/v1/establishments/{PUBLIC_COLLEGE_UAI}/guardians");
    let with: Value = app
        .get(
            &format!("{base}?state=not_notified&has_email=true&per_page=2"),
            Some(&head),
        )
        .await
        .json()
        .await
        .unwrap();
    let without: Value = app
        .get(
            &format!("{base}?state=not_notified&has_email=false&per_page=1"),
            Some(&head),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut ids: Vec<String> = with["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let no_email_id = without["items"][0]["id"].as_str().unwrap().to_owned();
    ids.push(no_email_id.clone());
    let r = app
        .post_json(
            &format!("{base}/notify"),
            Some(&head),
            &json!({"ids": ids, "channel": "email"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let results = body["results"].as_array().unwrap();
    let skipped = results
        .iter()
        .find(|r| r["id"] == no_email_id.as_str())
        .unwrap();
    assert_eq!(skipped["skipped_reason"], "no_email");
    assert_eq!(
        skipped["state_after"], "not_notified",
        "not notified at all"
    );
    let mails = sink.wait_for(2, std::time::Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 2);
    for item in with["items"].as_array().unwrap() {
        let email = item["email"].as_str().unwrap();
        let identifier = item["identifier"].as_str().unwrap();
        let mail = mails
            .iter()
            .find(|m| m.to.iter().any(|t| t == email))
            .expect("a message for each guardian with an address");
        let text = mail.text();
        assert!(text.contains(identifier), "{text}");
        assert!(mail.subject().contains("ÉduConnect"));
        let r = results
            .iter()
            .find(|r| r["identifier"] == identifier)
            .unwrap();
        assert_eq!(r["emailed"], true);
        assert_eq!(r["state_after"], "notified_not_activated");
        // The password in the message is the one now in force.
        let acc = app
            .state
            .store
            .holder_account(item["id"].as_str().unwrap())
            .await
            .unwrap()
            .unwrap();
        let pw = app
            .state
            .secrets
            .open(acc.provisional_password_enc.as_deref().unwrap(), &acc.id)
            .unwrap();
        assert!(text.contains(&pw));
    }
}

engine_tests!(guardians_receive_their_credentials_by_email = run);
