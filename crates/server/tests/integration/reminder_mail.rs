//! Reminders by e-mail (issue 11, SPEC R4): two instances on one database,
//! both running the reminder scheduler and an outbox sender to a real SMTP
//! server (aiosmtpd); each reminder's e-mail arrives exactly once.

use std::time::Duration;

use serde_json::json;
use time::macros::date;

use crate::both;
use crate::helpers::*;
use crate::mail::SmtpServer;
use crate::monitoring::plan_with_content;

async fn each_reminder_is_emailed_once_by_two_instances(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let today = date!(2026 - 12 - 09);
    let app = spawn_app_with(backend, |c| c.today = Some(today)).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    // Ruby's review is due today (due soon), Kai's is overdue, and one of
    // Ruby's meeting action points is due in two days: three reminders.
    let ruby = plan_with_content(&priya, "Ruby", "CP", "2026-09-16", 12).await;
    plan_with_content(&priya, "Kai", "CP", "2026-09-02", 12).await;
    let r = ruby["id"].as_str().unwrap();
    let hannah = ruby["parties"][0]["id"].as_str().unwrap();
    let (status, body) = priya
        .post(
            &format!("/plans/{r}/meetings"),
            json!({"date": "2026-12-01", "chair": "Hannah Reid", "actions": [
                {"text": "Book a hearing test", "owner_party_id": hannah, "due": "2026-12-11"},
                {"text": "Plan the holidays", "owner_party_id": hannah, "due": "2026-12-20"},
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

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
    let subjects: Vec<String> = received
        .iter()
        .map(|m| {
            assert!(m.contains("To: priya@example.org"), "{m}");
            m.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap().to_owned()
        })
        .collect();
    let mut subjects = subjects;
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
