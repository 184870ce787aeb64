//! The plan and person histories chained by hash (issue 12): every change
//! is appended through [`insert_plan_change!`] or [`insert_person_change!`],
//! the one place that computes its hash (SHA-256 over the change as stored
//! and the previous change's hash, [`crate::audit::change_hash`]), and
//! [`Store::verify_histories`] walks every chain and names the first bad
//! change.

use uuid::Uuid;

use super::{Result, Store, on_pool};
use crate::audit::{ChangeFields, GENESIS, Verification, change_hash};

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

/// The hash of change `seq` of a plan's (`kind` "plan") or person's
/// ("person") history, written by `actor` at `at` (milliseconds), chained
/// to `prev`: the one computation behind [`insert_plan_change!`],
/// [`insert_person_change!`] and the bulk path (store/bulk.rs).
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
) -> String {
    let author_id = actor.id.to_string();
    change_hash(
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
        prev,
    )
}

/// Appends one change to a plan's history in the transaction `$tx`,
/// chained to the one before. `$reason` is `Option<&str>`, `$change` the
/// change's JSON text.
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
        let hash = $crate::store::chain::chained_hash("plan", &plan_id, seq, at, actor, reason, change, &prev);
        sqlx::query(
            "INSERT INTO plan_changes (plan_id, seq, at, author_id, author_name, reason, change, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&plan_id)
        .bind(seq)
        .bind(at)
        .bind(&author_id)
        .bind(&actor.name)
        .bind(reason)
        .bind(change)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_plan_change;

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
        let hash = $crate::store::chain::chained_hash("person", &person_id, seq, at, actor, reason, details, &prev);
        sqlx::query(
            "INSERT INTO person_changes (person_id, seq, at, author_id, author_name, reason, details, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&person_id)
        .bind(seq)
        .bind(at)
        .bind(&author_id)
        .bind(&actor.name)
        .bind(reason)
        .bind(details)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_person_change;

/// A stored change as read back for verification.
type Row = (i64, i64, Option<String>, String, Option<String>, String, Option<String>);

/// Checks one history (rows in `seq` order) against its chain; `version`
/// is the projection's version, which must equal the last change's number.
/// Returns the first problem, naming the change.
pub fn verify_chain(
    kind: &str,
    subject: &str,
    rows: &[Row],
    version: i64,
    report: &mut Verification,
) -> Option<String> {
    let name = |seq: i64| format!("{kind} {subject}: change {seq}");
    let mut prev = GENESIS.to_owned();
    let mut chained = false;
    for (i, (seq, at, author_id, author_name, reason, body, hash)) in rows.iter().enumerate() {
        let expected = i as i64 + 1;
        if *seq != expected {
            return Some(if *seq > expected {
                format!(
                    "{} is missing (deleted): the history jumps to change {seq}",
                    name(expected)
                )
            } else {
                format!("{} is out of order", name(*seq))
            });
        }
        report.checked += 1;
        let Some(hash) = hash else {
            if chained {
                return Some(format!(
                    "{} has no hash although earlier changes are chained (inserted, or its hash removed)",
                    name(*seq)
                ));
            }
            report.unchained += 1;
            continue;
        };
        if !chained {
            chained = true;
            if *seq > 1 {
                // The first chained change after older, unchained ones.
                prev = GENESIS.to_owned();
            }
        }
        let computed = change_hash(
            &ChangeFields {
                kind,
                subject,
                seq: *seq,
                at: *at,
                author_id: author_id.as_deref(),
                author_name,
                reason: reason.as_deref(),
                body,
            },
            &prev,
        );
        if computed != *hash {
            return Some(format!(
                "{} does not match its hash: it, or a change before it, was altered, inserted or reordered",
                name(*seq)
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

impl Store {
    /// One plan's history checked against its chain: the first problem, if any.
    pub async fn verify_plan_history(&self, plan_id: Uuid) -> Result<Option<String>> {
        let id = plan_id.to_string();
        let (rows, version): (Vec<Row>, Option<i64>) = on_pool!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT seq, at, author_id, author_name, reason, change, hash FROM plan_changes WHERE plan_id = $1 ORDER BY seq",
            )
            .bind(&id)
            .fetch_all(pool)
            .await?;
            let version = sqlx::query_scalar("SELECT version FROM plans WHERE id = $1")
                .bind(&id)
                .fetch_optional(pool)
                .await?;
            (rows, version)
        });
        let mut report = Verification::default();
        Ok(verify_chain("plan", &id, &rows, version.unwrap_or(0), &mut report))
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
                "SELECT seq, at, author_id, author_name, reason, {body}, hash FROM {table} WHERE {key} = $1 ORDER BY seq"
            );
            for (id, version) in subjects {
                let rows: Vec<Row> = on_pool!(self, pool => {
                    sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(&id).fetch_all(pool).await?
                });
                if let Some(problem) = verify_chain(kind, &id, &rows, version, &mut report) {
                    report.problem = Some(problem);
                    return Ok(report);
                }
            }
        }
        Ok(report)
    }
}
