//! The reminder scheduler (SPEC R4), run inside `goldthread serve`: every
//! few minutes it writes the reminders now due ([`Store::write_reminders`],
//! exactly once across instances) and hands the ones it wrote to e-mail
//! delivery.
//!
//! **E-mail.** The instance whose insert writes a reminder also queues its
//! e-mail in the outbox ([`crate::mail`]) to the user it is for, and sets
//! `reminders.emailed_at`, in the same transaction: with several instances
//! each reminder is e-mailed exactly once, and the outbox's senders (SMTP,
//! or the administrators' outbox page without one) take it from there.

use time::Date;

use crate::store::{Reminder, Store};

/// Days before a due date that the first reminder is written.
pub const WARN_DAYS: i64 = 3;

/// How often the scheduler looks.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// One round: writes what is due on `today` and delivers what this
/// instance wrote. Returns what it wrote.
/// Each reminder is also e-mailed (without links).
pub async fn run_once(store: &Store, today: Date) -> anyhow::Result<Vec<Reminder>> {
    run_with(store, today, Some(&ReminderEmail::default())).await
}

/// Whether reminders go by e-mail too, and where their links point.
#[derive(Debug, Clone, Default)]
pub struct ReminderEmail {
    /// The address people reach Goldthread at (`--public-url`); without
    /// it the e-mail names the item but has no link.
    pub public_url: Option<String>,
}

/// [`run_once`], e-mailing as `email` says (`None`: in-app only).
pub async fn run_with(store: &Store, today: Date, email: Option<&ReminderEmail>) -> anyhow::Result<Vec<Reminder>> {
    let started = std::time::Instant::now();
    let written = store.write_reminders(today, WARN_DAYS, email).await?;
    if !written.is_empty() {
        tracing::info!(
            written = written.len(),
            seconds = started.elapsed().as_secs_f64(),
            "reminders round"
        );
    }
    deliver(store, &written).await?;
    Ok(written)
}

/// Delivery beyond the app. The e-mail is already queued by
/// [`Store::write_reminders`] (in the claim's transaction); this logs it.
pub async fn deliver(_store: &Store, reminders: &[Reminder]) -> anyhow::Result<()> {
    for reminder in reminders {
        tracing::debug!(key = %reminder.key, kind = %reminder.kind, "reminder written and e-mailed");
    }
    Ok(())
}

/// The reminder's e-mail: subject, body and link (see
/// [`ReminderEmail::public_url`]).
pub fn message(reminder: &Reminder, public_url: Option<&str>) -> (String, String, Option<String>) {
    let format = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    let due = reminder
        .due
        .format(&format)
        .unwrap_or_else(|_| reminder.due.to_string());
    let (subject, opening) = if reminder.kind == "overdue" {
        (
            format!("Overdue: {}", reminder.label),
            format!("\"{}\" was due on {due} and is not done yet.", reminder.label),
        )
    } else {
        (
            format!("Due soon: {}", reminder.label),
            format!("\"{}\" is due on {due}.", reminder.label),
        )
    };
    let link = public_url.map(|url| format!("{}/plans/{}", url.trim_end_matches('/'), reminder.plan_id));
    let body = crate::mail::with_link(
        &format!(
            "{opening}\n\nThis is a reminder from Goldthread. Sign in to see the plan and record what has been done."
        ),
        link.as_deref(),
    );
    (subject, body, link)
}

/// The scheduler loop; `today` gives the date each round.
pub async fn in_background(store: Store, email: Option<ReminderEmail>, today: impl Fn() -> Date + Send + 'static) {
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        if let Err(e) = run_with(&store, today(), email.as_ref()).await {
            tracing::warn!(error = %e, "could not write reminders");
        }
    }
}
