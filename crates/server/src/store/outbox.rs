//! The outbox (issue 9 "Copies and messages"): messages queued in a table,
//! sent by whichever instance claims them first, retried with a growing
//! wait, or kept for the in-app outbox when no SMTP server is configured.
//! Nothing is silently dropped. See `crate::mail` for the small API.

use time::OffsetDateTime;
use uuid::Uuid;

use super::{Result, Store, from_millis, now, on_pool, parse_uuid, to_millis};

/// A message as queued.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    /// queued, sending, sent, kept (no SMTP: shown in the app) or failed.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// After this many failed attempts a message is given up (status failed,
/// still listed for an administrator).
pub const MAX_ATTEMPTS: i64 = 6;

type Row = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    Option<String>,
    i64,
    Option<i64>,
);

const COLUMNS: &str = "id, to_address, subject, body, link, status, attempts, last_error, created_at, sent_at";

fn message(row: Row) -> Result<OutboxMessage> {
    let (id, to, subject, body, link, status, attempts, last_error, created_at, sent_at) = row;
    Ok(OutboxMessage {
        id: parse_uuid(&id)?,
        to,
        subject,
        body,
        link,
        status,
        attempts,
        last_error,
        created_at: from_millis(created_at),
        sent_at: sent_at.map(from_millis),
    })
}

/// Queues one message: id, to, subject, body, link, time (milliseconds).
/// Shared with the callers that must queue inside their own transaction.
pub(crate) const INSERT: &str = "INSERT INTO outbox (id, to_address, subject, body, link, status, attempts, next_attempt_at, created_at) \
     VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6)";

impl Store {
    /// Queues a message to be sent as soon as a sender claims it.
    pub async fn enqueue_message(&self, to: &str, subject: &str, body: &str, link: Option<&str>) -> Result<Uuid> {
        let id = Uuid::new_v4();
        let at = to_millis(now());
        on_pool!(self, pool => {
            sqlx::query(INSERT)
            .bind(id.to_string())
            .bind(to)
            .bind(subject)
            .bind(body)
            .bind(link)
            .bind(at)
            .execute(pool)
            .await?;
        });
        Ok(id)
    }

    /// Claims up to `limit` messages that are due (or whose sender's claim
    /// ran out after `lease`), for this sender alone: one statement, so two
    /// instances never claim the same message (PostgreSQL skips rows
    /// another claim has locked; SQLite runs one writer at a time).
    pub async fn claim_messages(&self, limit: i64, lease: time::Duration) -> Result<Vec<OutboxMessage>> {
        let at = now();
        let lock = match self {
            super::Store::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            super::Store::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_until = $1 \
             WHERE id IN (SELECT id FROM outbox WHERE (status = 'queued' AND next_attempt_at <= $2) \
             OR (status = 'sending' AND claimed_until < $2) ORDER BY next_attempt_at, id LIMIT $3{lock}) \
             RETURNING {COLUMNS}"
        );
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(to_millis(at + lease))
                .bind(to_millis(at))
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(message).collect()
    }

    /// Records how a claimed message went: `sent`, `kept` (for the in-app
    /// outbox), or an error (retried later, or given up).
    pub async fn finish_message(&self, id: Uuid, outcome: std::result::Result<&str, &str>) -> Result<()> {
        let at = now();
        on_pool!(self, pool => {
            match outcome {
                Ok(status) => {
                    sqlx::query("UPDATE outbox SET status = $1, sent_at = $2, claimed_until = NULL WHERE id = $3")
                        .bind(status)
                        .bind(to_millis(at))
                        .bind(id.to_string())
                        .execute(pool)
                        .await?;
                }
                Err(error) => {
                    // Wait 30 s, 1 min, 2 min… before the next attempt.
                    sqlx::query(
                        "UPDATE outbox SET status = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'queued' END, \
                         last_error = $2, claimed_until = NULL, next_attempt_at = $3 + 30000 * attempts * attempts WHERE id = $4",
                    )
                    .bind(MAX_ATTEMPTS)
                    .bind(error)
                    .bind(to_millis(at))
                    .bind(id.to_string())
                    .execute(pool)
                    .await?;
                }
            }
        });
        Ok(())
    }

    /// The newest messages, for the administrators' outbox page.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxMessage>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY created_at DESC, id LIMIT $1");
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(message).collect()
    }
}
