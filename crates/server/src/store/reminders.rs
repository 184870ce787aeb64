//! Reminders (SPEC R4): written a set time before a due date and again
//! when it is overdue, from the dashboard's index, for the one user
//! responsible for the item and nobody else: an action's or action
//! point's owner party's account, else the plan's Lead Professional's
//! account, else (or when that account is deactivated) the plan's creator
//! (see [`goldthread_domain::monitoring::index::IndexedDue::owner`]).
//!
//! **Exactly once.** Each reminder has a key (plan, item, due date, kind,
//! user); the scheduler inserts it with `ON CONFLICT DO NOTHING`, and only
//! the instance whose insert wrote the row hands it on for delivery. So
//! with several instances on one PostgreSQL database each reminder is
//! written and delivered once, and a restart does not repeat any.

use goldthread_domain::user::Actor;
use time::Date;
use uuid::Uuid;

use super::{Result, Store, from_millis, now, on_pool, parse_uuid, to_millis};

/// One reminder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Reminder {
    pub key: String,
    pub user_id: Uuid,
    pub plan_id: Uuid,
    /// `due_soon` or `overdue`.
    pub kind: String,
    pub label: String,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
}

/// How many reminders one transaction writes. Each transaction holds
/// SQLite's write turn, which the audit log's batches (and so every read)
/// wait for: with 500 (four statements each), a county's first round kept
/// reads waiting about 100 ms at a time for half a minute (the plan page
/// at 463 requests/s instead of 16,000); with 50 it still took the plan
/// page from 22,400 requests/s to 8,400 while it lasted
/// (docs/PERFORMANCE.md).
const REMINDERS_PER_TRANSACTION: usize = 10;

/// How much longer than a transaction of reminders took the round waits
/// before its next one, so that a long round (a county's first, or the
/// first after a restore) takes at most a tenth of the writer's time and
/// people's reads and saves keep the rest: a first round of 100,000
/// reminders takes minutes, not one, and slows the plan page by about 7 %
/// while it lasts, not 15 % (a quarter) or 63 % (no pause).
const PAUSE_PER_TRANSACTION_TIME: u32 = 9;

/// How many items a round reads at a time.
const ITEMS_PER_READ: i64 = 1000;

/// A round's progress: the reminders it wrote, and how long its last
/// transaction took (the next waits in proportion).
#[derive(Default)]
struct Round {
    written: Vec<Reminder>,
    took: Option<std::time::Duration>,
}

/// The stage an item reaches when its reminder is written, and what the
/// item was when read (a rewrite of the plan's index since then keeps it
/// from being marked).
struct Stage {
    item_key: String,
    owner: Option<String>,
    reached: i16,
}

fn iso(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).expect("a date formats")
}

fn parse_date(text: &str) -> Result<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_err(|e| super::StoreError::corrupt(format!("date {text:?}: {e}")))
}

/// An item a round may remind: plan, item, label, due date, owner, the
/// user to remind and their e-mail address (none: nobody to remind), and
/// the plan's status.
type Candidate = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The reminder `candidate` is due on `today`, with its address and the
/// stage it reaches; none when there is nobody to remind or its plan is no
/// longer in force.
fn to_remind(candidate: Candidate, today: Date) -> Result<Option<(Reminder, String, Stage)>> {
    let (plan_id, item_key, label, due, owner, user_id, address, status) = candidate;
    let (Some(user_id), Some(status)) = (user_id, status) else {
        return Ok(None);
    };
    if matches!(status.as_str(), "superseded" | "closed") {
        return Ok(None);
    }
    let due = parse_date(&due)?;
    let overdue = due < today;
    let kind = if overdue { "overdue" } else { "due_soon" };
    let stage = Stage {
        item_key,
        owner,
        reached: if overdue { 2 } else { 1 },
    };
    let reminder = Reminder {
        key: format!("{plan_id}:{}:{}:{kind}:{user_id}", stage.item_key, iso(due)),
        user_id: parse_uuid(&user_id)?,
        plan_id: parse_uuid(&plan_id)?,
        kind: kind.to_owned(),
        label,
        due,
        created_at: now(),
    };
    Ok(Some((reminder, address.unwrap_or_default(), stage)))
}

impl Store {
    /// Writes the reminders due on `today` (`warn_days` before a due date,
    /// and once overdue) that no instance has written yet, queues each
    /// one's e-mail to its user when `email` is given, and returns the
    /// ones this call wrote.
    pub async fn write_reminders(
        &self,
        today: Date,
        warn_days: i64,
        email: Option<&crate::reminders::ReminderEmail>,
    ) -> Result<Vec<Reminder>> {
        self.write_reminders_reading(today, warn_days, email, ITEMS_PER_READ)
            .await
    }

    /// [`Self::write_reminders`], reading `per_read` items at a time (for
    /// tests of the reading's pages).
    #[doc(hidden)]
    pub async fn write_reminders_reading(
        &self,
        today: Date,
        warn_days: i64,
        email: Option<&crate::reminders::ReminderEmail>,
        per_read: i64,
    ) -> Result<Vec<Reminder>> {
        let until = today + time::Duration::days(warn_days);
        let mut round = Round::default();
        // Only items whose next reminder may be due: none written yet and
        // inside the warning window, then the "due soon" one written and
        // now overdue (the `reminded` stage, reset when a plan's index is
        // rewritten). The reminder's key (`to_remind`), not the stage,
        // makes each reminder exactly once. Each is a range of one index
        // (dashboard_due_to_remind), read a page at a time from where the
        // last page ended, so that a county's first round (a hundred
        // thousand items) holds a page in memory, not the county. Writing
        // an item moves it out of its range (stage 0 to 1 or 2, 1 to 2),
        // and an item written "due soon" is not yet overdue, so no item is
        // met twice. Each query repeats the index's own condition
        // (`reminded < 2`), which SQLite needs to see before it uses a
        // partial index.
        for (stage, before) in [(0_i16, iso(until + time::Duration::days(1))), (1, iso(today))] {
            let mut after = (String::new(), String::new(), String::new());
            loop {
                let rows = self.reminder_candidates(stage, &before, &after, per_read).await?;
                let last_page = i64::try_from(rows.len()).unwrap_or(i64::MAX) < per_read;
                if let Some((plan_id, item_key, _, due, ..)) = rows.last() {
                    after = (due.clone(), plan_id.clone(), item_key.clone());
                }
                let mut pending = Vec::new();
                for row in rows {
                    pending.extend(to_remind(row, today)?);
                }
                self.write_reminder_batches(&pending, email, &mut round).await?;
                if last_page {
                    break;
                }
            }
        }
        Ok(round.written)
    }

    /// Up to `per_read` items of one range (`stage`, due before `before`),
    /// after the item `after` (due date, plan, item), in that order, each
    /// with whom to remind and its plan's status.
    async fn reminder_candidates(
        &self,
        stage: i16,
        before: &str,
        after: &(String, String, String),
        per_read: i64,
    ) -> Result<Vec<Candidate>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.plan_id, d.item_key, d.label, d.due, d.owner_id, u.id, u.email, p.status FROM ( \
                     SELECT plan_id, item_key, label, due, owner_id FROM dashboard_due \
                     WHERE done_on IS NULL AND NOT closed AND reminded < 2 AND reminded = $1 AND due < $2 \
                         AND (due, plan_id, item_key) > ($3, $4, $5) \
                     ORDER BY due, plan_id, item_key LIMIT $6) d \
                 LEFT JOIN plans p ON p.id = d.plan_id \
                 LEFT JOIN users u ON u.active AND u.id = COALESCE( \
                     (SELECT o.id FROM users o WHERE o.id = d.owner_id AND o.active), \
                     (SELECT a.user_id FROM plan_access a WHERE a.plan_id = d.plan_id AND a.user_id IS NOT NULL \
                         AND a.source = 'creator' ORDER BY a.granted_at LIMIT 1)) \
                 ORDER BY d.due, d.plan_id, d.item_key",
            )
            .bind(stage)
            .bind(before)
            .bind(&after.0)
            .bind(&after.1)
            .bind(&after.2)
            .bind(per_read)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Writes one page of a round's reminders, in transactions of
    /// [`REMINDERS_PER_TRANSACTION`], pausing between them (see
    /// [`PAUSE_PER_TRANSACTION_TIME`]).
    async fn write_reminder_batches(
        &self,
        pending: &[(Reminder, String, Stage)],
        email: Option<&crate::reminders::ReminderEmail>,
        round: &mut Round,
    ) -> Result<()> {
        let wants_email = email.is_some();
        // Written in batches, in turn with other writers: a county's
        // first round can be a hundred thousand reminders.
        for batch in pending.chunks(REMINDERS_PER_TRANSACTION) {
            if let Some(took) = round.took {
                tokio::time::sleep(took * PAUSE_PER_TRANSACTION_TIME).await;
            }
            let _turn = self.write_turn().await;
            let started = std::time::Instant::now();
            let inserted: Vec<bool> = on_pool!(self, pool => {
                async {
                    let mut tx = pool.begin().await?;
                    let mut inserted = Vec::with_capacity(batch.len());
                    for (reminder, address, stage) in batch {
                        // The insert that wins the key queues the e-mail and
                        // marks the reminder e-mailed, in one transaction: a
                        // reminder is never e-mailed twice, nor written without
                        // its e-mail.
                        let won = sqlx::query(
                            "INSERT INTO reminders (reminder_key, user_id, plan_id, kind, label, due, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (reminder_key) DO NOTHING",
                        )
                        .bind(&reminder.key)
                        .bind(reminder.user_id.to_string())
                        .bind(reminder.plan_id.to_string())
                        .bind(&reminder.kind)
                        .bind(&reminder.label)
                        .bind(iso(reminder.due))
                        .bind(to_millis(reminder.created_at))
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                            == 1;
                        if won && wants_email && !address.is_empty() {
                            let (subject, body, link) =
                                crate::reminders::message(reminder, email.and_then(|e| e.public_url.as_deref()));
                            let at = to_millis(now());
                            sqlx::query(super::outbox::INSERT)
                                .bind(uuid::Uuid::new_v4().to_string())
                                .bind(address)
                                .bind(&subject)
                                .bind(&body)
                                .bind(link.as_deref())
                                .bind(at)
                                .execute(&mut *tx)
                                .await?;
                            sqlx::query("UPDATE reminders SET emailed_at = $1 WHERE reminder_key = $2")
                                .bind(at)
                                .bind(&reminder.key)
                                .execute(&mut *tx)
                                .await?;
                        }
                        // Written now or by another instance before: either way
                        // this item's stage is reached, unless the plan's index
                        // was rewritten since it was read (another due date or
                        // owner), which started it again.
                        sqlx::query(
                            "UPDATE dashboard_due SET reminded = $1 WHERE plan_id = $2 AND item_key = $3 \
                             AND due = $4 AND COALESCE(owner_id, '') = $5 AND reminded < $1",
                        )
                        .bind(stage.reached)
                        .bind(reminder.plan_id.to_string())
                        .bind(&stage.item_key)
                        .bind(iso(reminder.due))
                        .bind(stage.owner.as_deref().unwrap_or(""))
                        .execute(&mut *tx)
                        .await?;
                        inserted.push(won);
                    }
                    tx.commit().await?;
                    Ok::<_, super::StoreError>(inserted)
                }
                .await
            })?;
            round.took = Some(started.elapsed());
            round.written.extend(
                batch
                    .iter()
                    .zip(inserted)
                    .filter(|(_, won)| *won)
                    .map(|((r, _, _), _)| r.clone()),
            );
        }
        Ok(())
    }

    /// The actor's latest reminders, newest first, for plans they may
    /// still see.
    pub async fn reminders_for(&self, actor: &Actor, limit: i64) -> Result<Vec<Reminder>> {
        let sql = format!(
            "SELECT r.reminder_key, r.user_id, r.plan_id, r.kind, r.label, r.due, r.created_at FROM reminders r \
             JOIN plans p ON p.id = r.plan_id WHERE r.user_id = $1 AND {} \
             ORDER BY r.created_at DESC, r.reminder_key LIMIT $3",
            super::plans::PLAN_VISIBLE
        );
        type Row = (String, String, String, String, String, String, i64);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(key, user_id, plan_id, kind, label, due, at)| {
                Ok(Reminder {
                    key,
                    user_id: parse_uuid(&user_id)?,
                    plan_id: parse_uuid(&plan_id)?,
                    kind,
                    label,
                    due: parse_date(&due)?,
                    created_at: from_millis(at),
                })
            })
            .collect()
    }

    /// How many reminders have been e-mailed (queued in the outbox).
    pub async fn emailed_reminders(&self) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM reminders WHERE emailed_at IS NOT NULL")
                .fetch_one(pool)
                .await?
        }))
    }

    /// Every reminder written, oldest first (for tests and the CLI).
    pub async fn all_reminders(&self) -> Result<Vec<(String, String)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT reminder_key, kind FROM reminders ORDER BY created_at, reminder_key")
                .fetch_all(pool)
                .await?
        }))
    }
}
