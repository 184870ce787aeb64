//! The plan and person histories chained by hash (issue 12): every change
//! is appended through [`insert_plan_change!`] or [`insert_person_change!`],
//! the one place that computes its hash, and [`Store::verify_histories`]
//! walks every chain and names the first bad change.
//!
//! **Two kinds of row.** Changes written before retention (migration 0015)
//! carry a hash over the change as stored and the previous change's hash
//! ([`crate::audit::change_hash`]). Changes written since also carry a
//! `digest` of their reason and body ([`crate::audit::change_digest`]) and
//! their hash is computed over that digest ([`crate::audit::change_hash_v2`]).
//!
//! **Redaction** (store/retention.rs). Retention replaces a removed plan's
//! (or an anonymised person's) bodies and reasons by
//! [`crate::audit::REDACTED`], setting `redacted_by` to a recorded
//! `retention_events` row that covers changes `1..=through_seq` of that
//! subject and records the hash of change `through_seq` at that moment.
//! [`verify_chain`] accepts a redacted row only when such an event covers
//! it: for a digest row the stored digest stands in for the body, so its
//! metadata (when, who) and its place in the chain are still checked; for
//! an older row without a digest its stored hash is taken as it is (its
//! body, the only input that could recompute it, is gone) and the event's
//! recorded head hash vouches for the chain up to it. Any other edit (a
//! redacted row's marker, time or author changed, a row marked redacted
//! with no covering event, a row altered after redaction) is still found.

use uuid::Uuid;

use super::{Result, Store, on_pool};
use crate::audit::{ChangeFields, GENESIS, REDACTED, Verification, change_digest, change_hash, change_hash_v2};

/// The hash a new change is chained to: the previous change's (within the
/// same transaction), or [`GENESIS`] for the first and after changes
/// written before chaining began.
macro_rules! previous_hash {
    ($tx:ident, $table:literal, $key:literal, $subject:expr, $seq:expr) => {{
        let sql = concat!("SELECT hash FROM ", $table, " WHERE ", $key, " = $1 AND seq = $2");
        let prev: Option<Option<String>> = sqlx::query_scalar(sql)
            .bind($subject)
            .bind($seq - 1)
            .fetch_optional(&mut *$tx)
            .await?;
        prev.flatten().unwrap_or_else(|| $crate::audit::GENESIS.to_owned())
    }};
}
pub(crate) use previous_hash;

/// The digest (of the reason and body) and the hash of change `seq` of a
/// plan's (`kind` "plan") or person's ("person") history, written by
/// `actor` at `at` (milliseconds), chained to `prev` over the digest (so a
/// recorded retention event can later redact the body): the one
/// computation behind [`insert_plan_change!`], [`insert_person_change!`]
/// and the bulk path (store/bulk.rs).
#[allow(clippy::too_many_arguments)]
pub(crate) fn chained_hash(
    kind: &str,
    subject: &str,
    seq: i64,
    at: i64,
    actor: &goldthread_domain::user::Actor,
    reason: Option<&str>,
    body: &str,
    prev: &str,
) -> (String, String) {
    let author_id = actor.id.to_string();
    let digest = change_digest(reason, body);
    let hash = change_hash_v2(
        &ChangeFields {
            kind,
            subject,
            seq,
            at,
            author_id: Some(&author_id),
            author_name: &actor.name,
            reason,
            body,
        },
        &digest,
        prev,
    );
    (digest, hash)
}

/// Appends one change to a plan's history in the transaction `$tx`,
/// chained to the one before. `$reason` is `Option<&str>`, `$change` the
/// change's JSON text. It evaluates to the new change's hash.
macro_rules! insert_plan_change {
    ($tx:ident, $plan_id:expr, $seq:expr, $at:expr, $actor:expr, $reason:expr, $change:expr) => {{
        let plan_id: String = $plan_id.to_string();
        let seq: i64 = $seq;
        let at: i64 = $at;
        let actor: &goldthread_domain::user::Actor = $actor;
        let author_id = actor.id.to_string();
        let reason: Option<&str> = $reason;
        let change: &str = $change;
        let prev = $crate::store::chain::previous_hash!($tx, "plan_changes", "plan_id", &plan_id, seq);
        let (digest, hash) =
            $crate::store::chain::chained_hash("plan", &plan_id, seq, at, actor, reason, change, &prev);
        sqlx::query($crate::store::chain::INSERT_PLAN_CHANGE)
            .bind(&plan_id)
            .bind(seq)
            .bind(at)
            .bind(&author_id)
            .bind(&actor.name)
            .bind(reason)
            .bind(change)
            .bind(&hash)
            .bind(&digest)
            .execute(&mut *$tx)
            .await?;
        hash
    }};
}
pub(crate) use insert_plan_change;

/// The statement behind [`insert_plan_change!`] and [`insert_plan_change_in_place`].
pub(crate) const INSERT_PLAN_CHANGE: &str = "INSERT INTO plan_changes (plan_id, seq, at, author_id, author_name, reason, change, hash, digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// [`insert_plan_change!`] on SQLite's own connection, in a transaction
/// of the writer's thread (store/writer.rs): the same statements, the
/// same hash. It returns the new change's hash.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_plan_change_in_place(
    tx: &rusqlite::Connection,
    plan_id: &str,
    seq: i64,
    at: i64,
    actor: &goldthread_domain::user::Actor,
    reason: Option<&str>,
    change: &str,
) -> Result<String> {
    use rusqlite::OptionalExtension;
    let prev: Option<Option<String>> = tx
        .prepare_cached("SELECT hash FROM plan_changes WHERE plan_id = $1 AND seq = $2")?
        .query_row(rusqlite::params![plan_id, seq - 1], |r| r.get(0))
        .optional()?;
    let prev = prev.flatten().unwrap_or_else(|| GENESIS.to_owned());
    let (digest, hash) = chained_hash("plan", plan_id, seq, at, actor, reason, change, &prev);
    tx.prepare_cached(INSERT_PLAN_CHANGE)?.execute(rusqlite::params![
        plan_id,
        seq,
        at,
        actor.id.to_string(),
        actor.name,
        reason,
        change,
        hash,
        digest
    ])?;
    Ok(hash)
}

/// Appends one change to a person's history in `$tx`, chained likewise.
macro_rules! insert_person_change {
    ($tx:ident, $person_id:expr, $seq:expr, $at:expr, $actor:expr, $reason:expr, $details:expr) => {{
        let person_id: String = $person_id.to_string();
        let seq: i64 = $seq;
        let at: i64 = $at;
        let actor: &goldthread_domain::user::Actor = $actor;
        let author_id = actor.id.to_string();
        let reason: Option<&str> = $reason;
        let details: &str = $details;
        let prev = $crate::store::chain::previous_hash!($tx, "person_changes", "person_id", &person_id, seq);
        let (digest, hash) = $crate::store::chain::chained_hash("person", &person_id, seq, at, actor, reason, details, &prev);
        sqlx::query(
            "INSERT INTO person_changes (person_id, seq, at, author_id, author_name, reason, details, hash, digest) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&person_id)
        .bind(seq)
        .bind(at)
        .bind(&author_id)
        .bind(&actor.name)
        .bind(reason)
        .bind(details)
        .bind(&hash)
        .bind(&digest)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_person_change;

/// A stored change as read back for verification: seq, at, author id,
/// author name, reason, body, hash, digest, redacted_by.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub seq: i64,
    pub at: i64,
    pub author_id: Option<String>,
    pub author_name: String,
    pub reason: Option<String>,
    pub body: String,
    pub hash: Option<String>,
    pub digest: Option<String>,
    pub redacted_by: Option<String>,
}

/// A recorded retention event, as verification needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Redaction {
    pub id: String,
    pub through_seq: i64,
    pub head_hash: Option<String>,
}

/// Checks one history (rows in `seq` order) against its chain; `version`
/// is the projection's version, which must equal the last change's number;
/// `events` are the retention events recorded for this subject. Returns
/// the first problem, naming the change.
pub fn verify_chain(
    kind: &str,
    subject: &str,
    rows: &[Row],
    events: &[Redaction],
    version: i64,
    report: &mut Verification,
) -> Option<String> {
    let name = |seq: i64| format!("{kind} {subject}: change {seq}");
    let mut prev = GENESIS.to_owned();
    let mut chained = false;
    for (i, row) in rows.iter().enumerate() {
        let seq = row.seq;
        let expected = i as i64 + 1;
        if seq != expected {
            return Some(if seq > expected {
                format!(
                    "{} is missing (deleted): the history jumps to change {seq}",
                    name(expected)
                )
            } else {
                format!("{} is out of order", name(seq))
            });
        }
        report.checked += 1;
        let redaction = match &row.redacted_by {
            None => None,
            Some(id) => {
                let Some(event) = events.iter().find(|e| &e.id == id && e.through_seq >= seq) else {
                    return Some(format!(
                        "{} is marked redacted, but no recorded retention event covers it",
                        name(seq)
                    ));
                };
                if row.body != REDACTED || row.reason.is_some() {
                    return Some(format!("{} was altered after it was redacted", name(seq)));
                }
                Some(event)
            }
        };
        let Some(hash) = &row.hash else {
            if chained {
                return Some(format!(
                    "{} has no hash although earlier changes are chained (inserted, or its hash removed)",
                    name(seq)
                ));
            }
            report.unchained += 1;
            continue;
        };
        if !chained {
            chained = true;
            if seq > 1 {
                // The first chained change after older, unchained ones.
                prev = GENESIS.to_owned();
            }
        }
        let fields = ChangeFields {
            kind,
            subject,
            seq,
            at: row.at,
            author_id: row.author_id.as_deref(),
            author_name: &row.author_name,
            reason: row.reason.as_deref(),
            body: &row.body,
        };
        let computed = match (&row.digest, redaction) {
            // Written since retention: the chain runs over the digest.
            (Some(digest), None) => {
                if change_digest(row.reason.as_deref(), &row.body) != *digest {
                    return Some(format!(
                        "{} does not match its digest: its content was altered",
                        name(seq)
                    ));
                }
                change_hash_v2(&fields, digest, &prev)
            }
            (Some(digest), Some(_)) => change_hash_v2(&fields, digest, &prev),
            // Written before: the chain runs over the body…
            (None, None) => change_hash(&fields, &prev),
            // …which is gone: the stored hash stands, vouched for by the
            // event's recorded head (checked below).
            (None, Some(_)) => hash.clone(),
        };
        if computed != *hash {
            return Some(format!(
                "{} does not match its hash: it, or a change before it, was altered, inserted or reordered",
                name(seq)
            ));
        }
        if let Some(event) = events.iter().find(|e| e.through_seq == seq)
            && event.head_hash.as_deref().is_some_and(|h| h != hash)
        {
            return Some(format!(
                "{} differs from the hash recorded when it was redacted (retention event {})",
                name(seq),
                event.id
            ));
        }
        prev = hash.clone();
    }
    let last = rows.len() as i64;
    if version != last {
        return Some(if version > last {
            format!(
                "{} is missing (deleted): the {kind} is at version {version}",
                name(last + 1)
            )
        } else {
            format!(
                "{} was added outside Goldthread: the {kind} is at version {version}",
                name(version + 1)
            )
        });
    }
    None
}

/// The columns [`Row`] reads, for a table whose body column is `body`.
fn row_columns(body: &str) -> String {
    format!("seq, at, author_id, author_name, reason, {body} AS body, hash, digest, redacted_by")
}

impl Store {
    /// The retention events recorded for one subject (`plan` or `person`).
    async fn redactions(&self, kind: &str, subject: &str) -> Result<Vec<Redaction>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, through_seq, head_hash FROM retention_events WHERE kind = $1 AND subject_id = $2 ORDER BY at, id",
            )
            .bind(kind)
            .bind(subject)
            .fetch_all(pool)
            .await?
        }))
    }

    /// One plan's history checked against its chain: the first problem, if any.
    pub async fn verify_plan_history(&self, plan_id: Uuid) -> Result<Option<String>> {
        let id = plan_id.to_string();
        let sql = format!(
            "SELECT {} FROM plan_changes WHERE plan_id = $1 ORDER BY seq",
            row_columns("change")
        );
        let (rows, version): (Vec<Row>, Option<i64>) = on_pool!(self, pool => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&id)
            .fetch_all(pool)
            .await?;
            let version = sqlx::query_scalar("SELECT version FROM plans WHERE id = $1")
                .bind(&id)
                .fetch_optional(pool)
                .await?;
            (rows, version)
        });
        let events = self.redactions("plan", &id).await?;
        let mut report = Verification::default();
        Ok(verify_chain(
            "plan",
            &id,
            &rows,
            &events,
            version.unwrap_or(0),
            &mut report,
        ))
    }

    /// Every plan's and every person's history checked against its chain.
    /// Stops at the first bad change and names it.
    pub async fn verify_histories(&self) -> Result<Verification> {
        let mut report = Verification::default();
        for (kind, list, table, key, body) in [
            (
                "plan",
                "SELECT id, version FROM plans ORDER BY id",
                "plan_changes",
                "plan_id",
                "change",
            ),
            (
                "person",
                "SELECT id, version FROM people ORDER BY id",
                "person_changes",
                "person_id",
                "details",
            ),
        ] {
            let subjects: Vec<(String, i64)> = on_pool!(self, pool => {
                sqlx::query_as(list).fetch_all(pool).await?
            });
            let sql = format!(
                "SELECT {} FROM {table} WHERE {key} = $1 ORDER BY seq",
                row_columns(body)
            );
            // Retention events are few: read them once per kind.
            let all_events: Vec<(String, String, i64, Option<String>)> = on_pool!(self, pool => {
                sqlx::query_as("SELECT subject_id, id, through_seq, head_hash FROM retention_events WHERE kind = $1")
                    .bind(kind)
                    .fetch_all(pool)
                    .await?
            });
            for (id, version) in subjects {
                let rows: Vec<Row> = on_pool!(self, pool => {
                    sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(&id).fetch_all(pool).await?
                });
                let events: Vec<Redaction> = all_events
                    .iter()
                    .filter(|(subject, ..)| *subject == id)
                    .map(|(_, event, through_seq, head_hash)| Redaction {
                        id: event.clone(),
                        through_seq: *through_seq,
                        head_hash: head_hash.clone(),
                    })
                    .collect();
                if let Some(problem) = verify_chain(kind, &id, &rows, &events, version, &mut report) {
                    report.problem = Some(problem);
                    return Ok(report);
                }
            }
        }
        Ok(report)
    }
}
