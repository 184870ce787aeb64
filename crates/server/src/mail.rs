//! E-mail (issue 9 "Copies and messages"): a small API over the outbox
//! table.
//!
//! - [`enqueue`] queues a message (to, subject, body, link); it is in the
//!   database before the request that made it returns.
//! - [`deliver_due`] claims the messages that are due and sends each once:
//!   through SMTP when a server is configured (`--smtp-url`), otherwise it
//!   keeps them for the administrators' outbox page (`/admin/outbox`), so
//!   nothing is silently dropped. A failure is retried later with a growing
//!   wait. Claims are safe with several instances.
//! - [`spawn_sender`] runs [`deliver_due`] every few seconds.

use goldthread_domain::plan::{Party, Plan};
use goldthread_domain::user::Actor;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

use crate::store::{Store, StoreError};
use crate::web::AppState;

/// Where messages go.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: String,
}

/// The sender's address unless `--mail-from` says otherwise.
pub const DEFAULT_FROM: &str = "Goldthread <goldthread@localhost>";

impl Mailer {
    /// Keeps every message in the in-app outbox.
    pub fn keep_only() -> Mailer {
        Mailer {
            transport: None,
            from: DEFAULT_FROM.to_owned(),
        }
    }

    /// Sends through the SMTP server at `url` (`smtp://host:port`,
    /// `smtps://…`, or `smtp://…?tls=required` for STARTTLS; user and
    /// password in the URL when the server needs them).
    pub fn smtp(url: &str, from: &str) -> anyhow::Result<Mailer> {
        from.parse::<lettre::message::Mailbox>()
            .map_err(|e| anyhow::anyhow!("the sender address {from:?}: {e}"))?;
        Ok(Mailer {
            transport: Some(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build()),
            from: from.to_owned(),
        })
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<&'static str, String> {
        let Some(transport) = &self.transport else {
            return Ok("kept");
        };
        let message = Message::builder()
            .from(self.from.parse().map_err(|e| format!("sender: {e}"))?)
            .to(to.parse().map_err(|e| format!("recipient: {e}"))?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| e.to_string())?;
        transport.send(message).await.map_err(|e| e.to_string())?;
        Ok("sent")
    }
}

/// Queues a message. `link` is appended to the body on its own line.
pub async fn enqueue(
    store: &Store,
    to: &str,
    subject: &str,
    body: &str,
    link: Option<&str>,
) -> Result<Uuid, StoreError> {
    store.enqueue_message(to, subject, &with_link(body, link), link).await
}

/// The body as sent: `link`, if any, on its own line at the end.
pub fn with_link(body: &str, link: Option<&str>) -> String {
    match link {
        Some(link) => format!("{body}\n\n{link}\n"),
        None => body.to_owned(),
    }
}

/// Claims and sends the messages that are due; returns how many were
/// handled.
pub async fn deliver_due(store: &Store, mailer: &Mailer) -> Result<usize, StoreError> {
    let mut handled = 0;
    loop {
        // A few at a time, so that several senders share the work.
        let claimed = store.claim_messages(5, time::Duration::minutes(5)).await?;
        if claimed.is_empty() {
            return Ok(handled);
        }
        for message in &claimed {
            let outcome = mailer.send(&message.to, &message.subject, &message.body).await;
            if let Err(e) = &outcome {
                tracing::warn!(message = %message.id, error = %e, "could not send a message; it will be tried again");
            }
            store
                .finish_message(message.id, outcome.as_ref().map(|s| *s).map_err(String::as_str))
                .await?;
        }
        handled += claimed.len();
    }
}

/// Sends due messages every `every` until the process ends.
pub fn spawn_sender(store: Store, mailer: Mailer, every: std::time::Duration) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = deliver_due(&store, &mailer).await {
                tracing::warn!(error = %e, "the outbox could not be read");
            }
            tokio::time::sleep(every).await;
        }
    });
}

/// The invitation e-mail.
pub async fn invitation(
    state: &AppState,
    actor: &Actor,
    plan: &Plan,
    party: &Party,
    to: &str,
    link: &str,
) -> Result<Uuid, StoreError> {
    let body = format!(
        "Dear {},\n\n{} has invited you to \"{}\" in Goldthread. Open the link below to set up your access: \
         you will be able to read the plan, add your views and say whether you agree.\n\n\
         The link works once, for {} days. If you were not expecting this, you can ignore it.",
        party.name,
        actor.name,
        plan.details.title,
        crate::store::DEFAULT_INVITATION_DAYS
    );
    enqueue(
        &state.store,
        to,
        &format!("You are invited to {}", plan.details.title),
        &body,
        Some(link),
    )
    .await
}
