//! Reminders by e-mail (issue 11, SPEC R4): two instances on one database,
//! both running the reminder scheduler and an outbox sender to a real SMTP
//! server (aiosmtpd); each reminder's e-mail arrives exactly once, and only
//! to the person responsible for the item (an action point's owner, the
//! plan's Lead Professional, else its creator), never to a colleague who
//! merely has access.

use std::time::Duration;

use serde_json::{Value, json};
use time::macros::date;

use crate::both;
use crate::helpers::*;
use crate::mail::SmtpServer;
use crate::monitoring::plan_with_content;

/// Adds a party with an account to a plan; returns the plan.
pub(crate) async fn add_party(api: &Api, plan: &Value, body: Value) -> Value {
    let p = plan["id"].as_str().unwrap();
    let mut body = body;
    body["base_version"] = plan["version"].clone();
    let (status, plan) = api.post(&format!("/plans/{p}/parties"), body).await;
    assert_eq!(status, 201, "{plan}");
    plan
}

fn party_named<'a>(plan: &'a Value, name: &str) -> &'a str {
    plan["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
}

/// Ruby's plan (review due today, a meeting action point owned by Olu's
/// account due in two days, Sam a colleague with access who is responsible
/// for nothing) and Kai's (review overdue, Dev its Lead Professional).
async fn plans_with_people_responsible(app: &TestApp, priya: &Api) -> (Value, Api, Api) {
    let (sam, sam_api) = app.api_user("sam@example.org", "practitioner").await;
    let (olu, olu_api) = app.api_user("olu@example.org", "practitioner").await;
    let (dev, _) = app.api_user("dev@example.org", "practitioner").await;
    let ruby = plan_with_content(priya, "Ruby", "CP", "2026-09-16", 12).await;
    let ruby = add_party(
        priya,
        &ruby,
        json!({"name": "Sam Okafor", "role": "key_worker", "user_id": sam.id}),
    )
    .await;
    let ruby = add_party(
        priya,
        &ruby,
        json!({"name": "Olu Ade", "role": "teacher", "agency": "Oakfield Primary", "user_id": olu.id}),
    )
    .await;
    let kai = plan_with_content(priya, "Kai", "CP", "2026-09-02", 12).await;
    add_party(
        priya,
        &kai,
        json!({"name": "Dev Patel", "role": "social_worker", "user_id": dev.id, "lead": true}),
    )
    .await;
    let r = ruby["id"].as_str().unwrap();
    let (olu, hannah) = (party_named(&ruby, "Olu Ade"), party_named(&ruby, "Hannah Reid"));
    let (status, body) = priya
        .post(
            &format!("/plans/{r}/meetings"),
            json!({"date": "2026-12-01", "chair": "Hannah Reid", "actions": [
                {"text": "Book a hearing test", "owner_party_id": olu, "due": "2026-12-11"},
                {"text": "Plan the holidays", "owner_party_id": hannah, "due": "2026-12-20"},
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    (ruby, sam_api, olu_api)
}

async fn each_reminder_is_emailed_once_by_two_instances(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let today = date!(2026 - 12 - 09);
    let app = spawn_app_with(backend, |c| c.today = Some(today)).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    // Ruby's review is due today (due soon: Priya, who made the plan, as
    // it has no Lead Professional), Kai's is overdue (Dev, its lead), and
    // one of Ruby's meeting action points is due in two days (Olu, its
    // owner): three reminders, one e-mail each, none to Sam.
    let (ruby, _, _) = plans_with_people_responsible(&app, &priya).await;
    let r = ruby["id"].as_str().unwrap();

    // Two more instances start at once on the same database: each one's
    // scheduler runs its first round as it starts, and each sends the
    // outbox to the SMTP server.
    let configure = |c: &mut goldthread::config::Config| {
        c.today = Some(today);
        c.public_url = Some("https://goldthread.example.org".into());
    };
    let (first, second) = tokio::join!(
        spawn_instance_with(&app, configure),
        spawn_instance_with(&app, configure)
    );
    for instance in [&first, &second] {
        goldthread::mail::spawn_sender(instance.store.clone(), smtp.mailer(), Duration::from_millis(100));
    }

    // Wait until three have arrived, then a little longer for any double.
    let mut received = Vec::new();
    for _ in 0..100 {
        received = smtp.received();
        if received.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let received = {
        let later = smtp.received();
        assert!(later.len() >= received.len());
        later
    };
    let outbox: Vec<_> = app
        .store
        .outbox(20)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.subject, m.status, m.last_error))
        .collect();
    let reminders = app.store.all_reminders().await.unwrap();
    assert_eq!(received.len(), 3, "{received:#?} {outbox:?} {reminders:?}");
    let to_and_subject = |m: &String| {
        let to = m.lines().find_map(|l| l.strip_prefix("To: ")).unwrap().to_owned();
        let subject = m.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap().to_owned();
        (to, subject)
    };
    let mut sent: Vec<(String, String)> = received.iter().map(to_and_subject).collect();
    sent.sort();
    assert_eq!(
        sent.iter().map(|(to, _)| to.as_str()).collect::<Vec<_>>(),
        ["dev@example.org", "olu@example.org", "priya@example.org"],
        "{sent:?}"
    );
    assert!(sent[1].1.contains("Book a hearing test"), "{sent:?}");
    assert!(!received.iter().any(|m| m.contains("sam@example.org")));
    let mut subjects: Vec<String> = sent.into_iter().map(|(_, s)| s).collect();
    subjects.sort();
    assert_eq!(
        subjects.iter().filter(|s| s.starts_with("Overdue: ")).count(),
        1,
        "{subjects:?}"
    );
    assert_eq!(
        subjects.iter().filter(|s| s.starts_with("Due soon: ")).count(),
        2,
        "{subjects:?}"
    );
    assert!(
        received
            .iter()
            .any(|m| m.contains(&format!("https://goldthread.example.org/plans/{r}"))),
        "{received:#?}"
    );
    assert!(
        received.iter().any(|m| m.contains("Book a hearing test")),
        "{received:#?}"
    );
    assert_eq!(app.store.all_reminders().await.unwrap().len(), 3);
    assert_eq!(app.store.emailed_reminders().await.unwrap(), 3);

    // Another round on every instance: nothing new is written or sent.
    for instance in [&app, &first, &second] {
        assert!(
            goldthread::reminders::run_once(&instance.store, today)
                .await
                .unwrap()
                .is_empty()
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 3);
}
both!(each_reminder_is_emailed_once_by_two_instances);

/// Without an SMTP server (`serve` with no `--smtp-url`) reminders stay in
/// the app: written, but nothing is queued for the outbox.
async fn without_email_reminders_stay_in_the_app(backend: Backend) {
    let today = date!(2026 - 12 - 09);
    let app = spawn_app_with(backend, |c| c.today = Some(today)).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    plan_with_content(&priya, "Kai", "CP", "2026-09-02", 12).await;
    let written = goldthread::reminders::run_with(&app.store, today, None).await.unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].kind, "overdue");
    assert_eq!(app.store.emailed_reminders().await.unwrap(), 0);
    assert!(app.store.outbox(10).await.unwrap().is_empty());
}
both!(without_email_reminders_stay_in_the_app);

/// A colleague with access to the plan (a party with an account) who is
/// responsible for nothing due gets no reminder and no e-mail; the one
/// responsible gets both, in the app and by e-mail.
async fn a_colleague_not_responsible_gets_no_email(backend: Backend) {
    let today = date!(2026 - 12 - 09);
    let app = spawn_app_with(backend, |c| c.today = Some(today)).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (_, sam, olu) = plans_with_people_responsible(&app, &priya).await;
    let written = goldthread::reminders::run_once(&app.store, today).await.unwrap();
    assert_eq!(written.len(), 3);
    let mut to: Vec<String> = app.store.outbox(20).await.unwrap().into_iter().map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, ["dev@example.org", "olu@example.org", "priya@example.org"]);

    // In the app too: Sam, who can open both plans, has no reminder; Olu
    // has the action point's.
    let (_, board) = sam.get("/dashboard").await;
    assert_eq!(board["reminders"], json!([]), "{board}");
    let (_, board) = olu.get("/dashboard").await;
    let labels: Vec<&str> = board["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Book a hearing test"]);
}
both!(a_colleague_not_responsible_gets_no_email);
