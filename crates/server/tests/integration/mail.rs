//! E-mail (issue 9 "Copies and messages") through a real SMTP server,
//! aiosmtpd from PyPI, started by the test: a copy sent to a party arrives
//! with the right link and the plan records it; without SMTP messages are
//! kept in the administrators' outbox; several senders send each message
//! once.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use goldthread::mail::{DEFAULT_FROM, Mailer, deliver_due};
use serde_json::json;

use crate::both;
use crate::helpers::{Backend, location, spawn_app, text_of};

/// An aiosmtpd process writing what it receives into a maildir; stopped
/// when dropped.
pub(crate) struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    pub(crate) async fn start() -> SmtpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the e-mail tests need aiosmtpd (pip install aiosmtpd; scripts/test installs it)");
        // Stopped when dropped, whatever happens next.
        let server = SmtpServer { child, port, maildir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not start on port {port}");
    }

    pub(crate) fn mailer(&self) -> Mailer {
        Mailer::smtp(&format!("smtp://127.0.0.1:{}", self.port), DEFAULT_FROM).unwrap()
    }

    /// Every message received, as text.
    pub(crate) fn received(&self) -> Vec<String> {
        let dir = self.maildir.path().join("mail").join("new");
        let mut out: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }
}

async fn a_copy_arrives_with_its_link_and_is_recorded(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let priya = app.signed_in("priya@example.org").await;
    let user = app.store.user_by_email("priya@example.org").await.unwrap().unwrap();
    let token = goldthread::auth::new_api_token();
    app.store
        .create_api_token(user.id, "test", &goldthread::auth::token_hash(&token))
        .await
        .unwrap();
    let api = app.api_with_token(&token);
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let (status, plan) = api
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 1, "name": "Claire Martin", "role": "parent_carer", "contact": "claire@example.org"}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let claire = plan["parties"][0]["id"].as_str().unwrap().to_owned();

    // A copy through the page: the address is offered from the contact.
    let page = format!("/plans/{id}/copies/new?party={claire}");
    let (status, html) = priya.get(&page).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("value=\"claire@example.org\""));
    let response = priya.submit(&page, &page, &[("email", "not an address")]).await;
    assert_eq!(response.status(), 422);
    let response = priya.submit(&page, &page, &[("email", "claire@example.org")]).await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&location(&response)).await;
    assert_eq!(
        text_of(&html, "#copies").unwrap(),
        format!(
            "Claire Martin was sent version 2 by email (claire@example.org) on {}",
            text_of(&html, "#copies").unwrap().split(" on ").nth(1).unwrap()
        )
    );

    // The sender delivers it through the SMTP server, once.
    assert_eq!(deliver_due(&app.store, &smtp.mailer()).await.unwrap(), 1);
    assert_eq!(deliver_due(&app.store, &smtp.mailer()).await.unwrap(), 0);
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert!(mail.contains("To: claire@example.org"), "{mail}");
    assert!(mail.contains("Subject: A copy of"), "{mail}");
    assert!(mail.contains(&format!("/plans/{id}/mine")), "{mail}");
    let outbox = app.store.outbox(10).await.unwrap();
    assert_eq!(outbox[0].status, "sent");
}
both!(a_copy_arrives_with_its_link_and_is_recorded);

async fn without_smtp_messages_are_kept_and_each_is_sent_once(backend: Backend) {
    let app = spawn_app(backend).await;
    // No SMTP server: kept for the administrators' outbox page.
    goldthread::mail::enqueue(
        &app.store,
        "nicola@example.org",
        "Hello",
        "A message",
        Some("http://x/plans"),
    )
    .await
    .unwrap();
    assert_eq!(deliver_due(&app.store, &Mailer::keep_only()).await.unwrap(), 1);
    app.user("admin@example.org", "Ada Admin", "admin").await;
    let admin = app.signed_in("admin@example.org").await;
    let (status, html) = admin.get("/admin/outbox").await;
    assert_eq!(status, 200);
    assert!(
        text_of(&html, "#outbox")
            .unwrap()
            .contains("Kept here (no SMTP server)")
    );
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let priya = app.signed_in("priya@example.org").await;
    let (status, _) = priya.get("/admin/outbox").await;
    assert_eq!(status, 404, "only administrators see the outbox");

    // Several senders at once (as several instances would): each message
    // is claimed by one and sent once.
    let smtp = SmtpServer::start().await;
    for n in 0..12 {
        goldthread::mail::enqueue(&app.store, &format!("p{n}@example.org"), "Hi", "Body", None)
            .await
            .unwrap();
    }
    let mailer = smtp.mailer();
    let (a, b, c) = tokio::join!(
        deliver_due(&app.store, &mailer),
        deliver_due(&app.store, &mailer),
        deliver_due(&app.store, &mailer),
    );
    let mut handled = a.unwrap() + b.unwrap() + c.unwrap();
    handled += deliver_due(&app.store, &smtp.mailer()).await.unwrap();
    assert_eq!(handled, 12);
    assert_eq!(smtp.received().len(), 12, "each message sent once");

    // A server that refuses: retried later, not lost.
    goldthread::mail::enqueue(&app.store, "late@example.org", "Hi", "Body", None)
        .await
        .unwrap();
    let nowhere = Mailer::smtp("smtp://127.0.0.1:9", DEFAULT_FROM).unwrap();
    assert_eq!(deliver_due(&app.store, &nowhere).await.unwrap(), 1);
    let outbox = app.store.outbox(1).await.unwrap();
    assert_eq!(outbox[0].status, "queued");
    assert!(outbox[0].last_error.is_some());
}
both!(without_smtp_messages_are_kept_and_each_is_sent_once);
