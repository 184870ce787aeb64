//! The reminder scheduler (SPEC R4), run inside `goldthread serve`: every
//! few minutes it writes the reminders now due ([`Store::write_reminders`],
//! exactly once across instances) and hands the ones it wrote to e-mail
//! delivery.
//!
//! **E-mail hook.** [`deliver`] is where reminders leave by e-mail: when
//! the outbox (being built on branch `agree`) lands, queue one message per
//! reminder there, inside the same claim, and set `reminders.emailed_at`.
//! Until then reminders are in-app only (the dashboard lists them).

use time::Date;

use crate::store::{Reminder, Store};

/// Days before a due date that the first reminder is written.
pub const WARN_DAYS: i64 = 3;

/// How often the scheduler looks.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// One round: writes what is due on `today` and delivers what this
/// instance wrote. Returns what it wrote.
pub async fn run_once(store: &Store, today: Date) -> anyhow::Result<Vec<Reminder>> {
    let written = store.write_reminders(today, WARN_DAYS).await?;
    deliver(store, &written).await?;
    Ok(written)
}

/// Delivery beyond the app: the hook for the e-mail outbox. Reminders
/// written here are already shown in the app.
pub async fn deliver(_store: &Store, reminders: &[Reminder]) -> anyhow::Result<()> {
    for reminder in reminders {
        tracing::info!(key = %reminder.key, kind = %reminder.kind, "reminder written");
    }
    Ok(())
}

/// The scheduler loop; `today` gives the date each round.
pub async fn in_background(store: Store, today: impl Fn() -> Date + Send + 'static) {
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        if let Err(e) = run_once(&store, today()).await {
            tracing::warn!(error = %e, "could not write reminders");
        }
    }
}
