//! The audit log's storage (issue 12): batches appended in one transaction
//! under the chain head's lock, searches for administrators, the stream out
//! and the walk that verifies the chain and its signed checkpoints.

use std::sync::LazyLock;

use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::{Result, Store, StoreError, now, on_pool, to_millis};
use crate::audit::{
    CHECKPOINT_EVERY_ENTRIES, CHECKPOINT_EVERY_MILLIS, Entry, GENESIS, Key, NewEntry, Outcome, Verification,
    entry_hash, reason_digest,
};

/// Inserts a checkpoint signed with `$key` over (`$seq`, `$hash`).
macro_rules! insert_checkpoint {
    ($tx:ident, $key:expr, $seq:expr, $hash:expr, $at:expr) => {
        sqlx::query($crate::store::audit::INSERT_CHECKPOINT)
            .bind($seq)
            .bind($hash)
            .bind($at)
            .bind(&$key.id)
            .bind($key.sign($seq, $hash))
            .execute(&mut *$tx)
            .await?;
    };
}

/// The statement behind [`insert_checkpoint!`] and the in-place batch.
pub(crate) const INSERT_CHECKPOINT: &str =
    "INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5)";

/// SQLite's lock on the chain's head: written first, which takes the
/// database's write lock, and read in the same statement.
const LOCK_HEAD_SQLITE: &str =
    "UPDATE audit_head SET id = 1 WHERE id = 1 RETURNING seq, hash, checkpoint_seq, checkpoint_at";

const UPDATE_HEAD: &str =
    "UPDATE audit_head SET seq = $1, hash = $2, checkpoint_seq = $3, checkpoint_at = $4 WHERE id = 1";

/// A batch's entries as chained after the head (`seq`, `prev`), all
/// stamped `at`: the one computation behind both ways of writing a batch.
fn chain_batch(entries: &[&NewEntry], at: i64, mut seq: i64, mut prev: String) -> Vec<Entry> {
    let mut chained = Vec::with_capacity(entries.len());
    for new in entries {
        seq += 1;
        let mut e = Entry {
            seq,
            at,
            user_id: new.user_id.map(|u| u.to_string()),
            address: new.address.clone(),
            action: new.action.clone(),
            person_id: new.person_id.map(|u| u.to_string()),
            plan_id: new.plan_id.map(|u| u.to_string()),
            version: new.version,
            outcome: new.outcome.unwrap_or(Outcome::Allowed),
            reason: new.reason.clone(),
            detail: new.detail.clone(),
            prev_hash: prev,
            hash: String::new(),
            reason_digest: Some(reason_digest(new.reason.as_deref())),
            redacted_by: None,
        };
        e.hash = entry_hash(&e);
        prev = e.hash.clone();
        chained.push(e);
    }
    chained
}

/// Whether a signed checkpoint is due at `seq` (written `at`), after the
/// last one at (`checkpoint_seq`, `checkpoint_at`).
fn checkpoint_due(seq: i64, at: i64, checkpoint_seq: i64, checkpoint_at: i64) -> bool {
    seq - checkpoint_seq >= CHECKPOINT_EVERY_ENTRIES
        || (seq > checkpoint_seq && at - checkpoint_at >= CHECKPOINT_EVERY_MILLIS)
}

/// The columns of an entry, in [`EntryRow`]'s order.
const COLUMNS: &str = "seq, at, user_id, address, action, person_id, plan_id, version, outcome, reason, detail, prev_hash, hash, reason_digest, redacted_by";

type EntryRow = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn entry(row: EntryRow) -> Result<Entry> {
    let (
        seq,
        at,
        user_id,
        address,
        action,
        person_id,
        plan_id,
        version,
        outcome,
        reason,
        detail,
        prev_hash,
        hash,
        reason_digest,
        redacted_by,
    ) = row;
    Ok(Entry {
        seq,
        at,
        user_id,
        address,
        action,
        person_id,
        plan_id,
        version,
        outcome: Outcome::parse(&outcome).ok_or_else(|| StoreError::corrupt(format!("audit outcome {outcome:?}")))?,
        reason,
        detail,
        prev_hash,
        hash,
        reason_digest,
        redacted_by,
    })
}

/// What an administrator searches the audit for; every part optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub person: Option<Uuid>,
    pub user: Option<Uuid>,
    pub plan: Option<Uuid>,
    /// A day (UTC) as [start, end) in milliseconds.
    pub day: Option<(i64, i64)>,
    pub limit: i64,
    pub offset: i64,
}

/// One signed checkpoint.
type CheckpointRow = (i64, String, i64, String, String);

/// How many entries one insert of a batch holds, largest first: a few
/// fixed sizes, so that each connection prepares at most these statements.
const INSERT_ROWS: [usize; 3] = [32, 8, 1];

/// A batch's entries cut into inserts: as many of the largest size in
/// [`INSERT_ROWS`] as fit, then the smaller ones.
fn insert_chunks(mut rest: &[Entry]) -> impl Iterator<Item = &[Entry]> {
    std::iter::from_fn(move || {
        let rows = INSERT_ROWS.iter().copied().find(|&n| n <= rest.len())?;
        let (now, later) = rest.split_at(rows);
        rest = later;
        Some(now)
    })
}

/// Inserts a batch's entries, as each database does it best.
trait InsertEntries {
    async fn insert_entries(&mut self, entries: &[Entry]) -> sqlx::Result<()>;
}

impl InsertEntries for sqlx::SqliteConnection {
    /// Several entries to a statement: each statement is a round trip to
    /// the connection's worker thread, and a busy server audits thousands
    /// of reads a second (issue 14).
    async fn insert_entries(&mut self, entries: &[Entry]) -> sqlx::Result<()> {
        for now in insert_chunks(entries) {
            let mut insert = sqlx::query(AssertSqlSafe(insert_entries_sql(now.len())));
            for e in now {
                insert = insert
                    .bind(e.seq)
                    .bind(e.at)
                    .bind(&e.user_id)
                    .bind(&e.address)
                    .bind(&e.action)
                    .bind(&e.person_id)
                    .bind(&e.plan_id)
                    .bind(e.version)
                    .bind(e.outcome.as_str())
                    .bind(&e.reason)
                    .bind(&e.detail)
                    .bind(&e.prev_hash)
                    .bind(&e.hash)
                    .bind(&e.reason_digest);
            }
            insert.execute(&mut *self).await?;
        }
        Ok(())
    }
}

impl InsertEntries for sqlx::PgConnection {
    /// One statement for the whole batch, of the same text whatever its
    /// size: each column's values as an array.
    async fn insert_entries(&mut self, entries: &[Entry]) -> sqlx::Result<()> {
        const SQL: &str = "INSERT INTO audit_log (seq, at, user_id, address, action, person_id, plan_id, version, \
             outcome, reason, detail, prev_hash, hash, reason_digest) \
             SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], \
             $7::text[], $8::int8[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])";
        // Each column borrows the entries' text: nothing is copied.
        fn column<'e, T>(entries: &'e [Entry], value: impl Fn(&'e Entry) -> T) -> Vec<T> {
            entries.iter().map(value).collect()
        }
        sqlx::query(SQL)
            .bind(column(entries, |e| e.seq))
            .bind(column(entries, |e| e.at))
            .bind(column(entries, |e| e.user_id.as_deref()))
            .bind(column(entries, |e| e.address.as_deref()))
            .bind(column(entries, |e| e.action.as_str()))
            .bind(column(entries, |e| e.person_id.as_deref()))
            .bind(column(entries, |e| e.plan_id.as_deref()))
            .bind(column(entries, |e| e.version))
            .bind(column(entries, |e| e.outcome.as_str()))
            .bind(column(entries, |e| e.reason.as_deref()))
            .bind(column(entries, |e| e.detail.as_str()))
            .bind(column(entries, |e| e.prev_hash.as_str()))
            .bind(column(entries, |e| e.hash.as_str()))
            .bind(column(entries, |e| e.reason_digest.as_deref()))
            .execute(self)
            .await?;
        Ok(())
    }
}

/// The insert of `rows` audit entries (one of [`INSERT_ROWS`]) on SQLite,
/// made once. Its parameters are anonymous (`?`, bound in order): sqlx
/// looks up the name of every numbered parameter, and SQLite finds each
/// name by walking the statement's list, which for hundreds of parameters
/// cost more than the insert.
fn insert_entries_sql(rows: usize) -> &'static str {
    const COLUMNS: usize = 14;
    static SQL: LazyLock<Vec<(usize, String)>> = LazyLock::new(|| {
        let row = format!("({})", vec!["?"; COLUMNS].join(", "));
        INSERT_ROWS
            .iter()
            .map(|&rows| {
                let values = vec![row.as_str(); rows].join(", ");
                (
                    rows,
                    format!(
                        "INSERT INTO audit_log (seq, at, user_id, address, action, person_id, plan_id, version, outcome, reason, detail, prev_hash, hash, reason_digest) VALUES {values}"
                    ),
                )
            })
            .collect()
    });
    SQL.iter()
        .find(|(made, _)| *made == rows)
        .map(|(_, sql)| sql.as_str())
        .expect("a size of INSERT_ROWS")
}

impl Store {
    /// Appends a batch of entries in one transaction, in order, each
    /// chained to the one before; returns their numbers. The chain's head
    /// row is locked first, so that batches of several instances queue up
    /// and form one chain. Writes a signed checkpoint when one is due.
    pub async fn append_audit(&self, entries: &[&NewEntry], key: Option<&Key>) -> Result<Vec<i64>> {
        // In turn with saves of plans (SQLite).
        let _turn = self.write_turn().await;
        let at = to_millis(now());
        let postgres = matches!(self, Store::Postgres(_));
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // The head, locked: on SQLite by writing it first, which takes
            // the database's write lock, and reading it in the same statement.
            let head_sql = if postgres {
                "SELECT seq, hash, checkpoint_seq, checkpoint_at FROM audit_head WHERE id = 1 FOR UPDATE"
            } else {
                LOCK_HEAD_SQLITE
            };
            let (seq, prev, checkpoint_seq, checkpoint_at): (i64, String, i64, i64) =
                sqlx::query_as(head_sql).fetch_one(&mut *tx).await?;
            let chained = chain_batch(entries, at, seq, prev.clone());
            let (seq, prev) = chained.last().map_or((seq, prev), |e| (e.seq, e.hash.clone()));
            // Several entries to a statement (issue 14).
            InsertEntries::insert_entries(&mut *tx, &chained).await?;
            let (checkpoint_seq, checkpoint_at) = match key {
                Some(key) if checkpoint_due(seq, at, checkpoint_seq, checkpoint_at) => {
                    insert_checkpoint!(tx, key, seq, &prev, at);
                    (seq, at)
                }
                _ => (checkpoint_seq, checkpoint_at),
            };
            sqlx::query(UPDATE_HEAD)
                .bind(seq)
                .bind(&prev)
                .bind(checkpoint_seq)
                .bind(checkpoint_at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(chained.iter().map(|e| e.seq).collect())
        })
    }

    /// [`Self::append_audit`] for the audit log's writer, which runs on the
    /// writer's thread on SQLite (store/writer.rs): there, on a database
    /// kept in a file, the batch's transaction runs in place through the
    /// thread's own connection, with no hand-off to another thread.
    pub(crate) async fn append_audit_batch(&self, entries: &[&NewEntry], key: Option<&Key>) -> Result<Vec<i64>> {
        let Some(file) = self.inline_reads() else {
            return self.append_audit(entries, key).await;
        };
        let _turn = self.write_turn().await;
        super::writer::with_connection(file.file(), |connection| append_in_place(connection, entries, key))
    }

    /// Writes a signed checkpoint at the chain's head now (if there is
    /// anything new to sign); returns its entry number.
    pub async fn audit_checkpoint(&self, key: &Key) -> Result<Option<i64>> {
        let at = to_millis(now());
        let postgres = matches!(self, Store::Postgres(_));
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            if !postgres {
                sqlx::query("UPDATE audit_head SET id = 1 WHERE id = 1").execute(&mut *tx).await?;
            }
            let head_sql = if postgres {
                "SELECT seq, hash, checkpoint_seq FROM audit_head WHERE id = 1 FOR UPDATE"
            } else {
                "SELECT seq, hash, checkpoint_seq FROM audit_head WHERE id = 1"
            };
            let (seq, hash, checkpoint_seq): (i64, String, i64) = sqlx::query_as(head_sql).fetch_one(&mut *tx).await?;
            if seq == 0 || seq == checkpoint_seq {
                tx.rollback().await?;
                return Ok(None);
            }
            insert_checkpoint!(tx, key, seq, &hash, at);
            sqlx::query("UPDATE audit_head SET checkpoint_seq = $1, checkpoint_at = $2 WHERE id = 1")
                .bind(seq)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Some(seq))
        })
    }

    /// Entries matching the filter, newest first, and how many match.
    pub async fn search_audit(&self, filter: &AuditFilter) -> Result<(Vec<Entry>, i64)> {
        // A person's entries include those about their plans.
        let conditions = "($1 IS NULL OR a.person_id = $1 OR a.plan_id IN (SELECT id FROM plans WHERE person_id = $1)) \
             AND ($2 IS NULL OR a.user_id = $2) AND ($3 IS NULL OR a.plan_id = $3) \
             AND ($4 IS NULL OR a.at >= $4) AND ($5 IS NULL OR a.at < $5)";
        let list =
            format!("SELECT {COLUMNS} FROM audit_log a WHERE {conditions} ORDER BY a.seq DESC LIMIT $6 OFFSET $7");
        let count = format!("SELECT COUNT(*) FROM audit_log a WHERE {conditions}");
        let person = filter.person.map(|u| u.to_string());
        let user = filter.user.map(|u| u.to_string());
        let plan = filter.plan.map(|u| u.to_string());
        let (from, until) = (filter.day.map(|d| d.0), filter.day.map(|d| d.1));
        let (rows, total): (Vec<EntryRow>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(list.as_str()))
                .bind(&person)
                .bind(&user)
                .bind(&plan)
                .bind(from)
                .bind(until)
                .bind(filter.limit)
                .bind(filter.offset)
                .fetch_all(pool)
                .await?;
            let total = sqlx::query_scalar(sqlx::AssertSqlSafe(count.as_str()))
                .bind(&person)
                .bind(&user)
                .bind(&plan)
                .bind(from)
                .bind(until)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        Ok((rows.into_iter().map(entry).collect::<Result<_>>()?, total))
    }

    /// Up to `limit` entries after entry `after`, oldest first (for the
    /// stream out and the verifying walk).
    pub async fn audit_after(&self, after: i64, limit: i64) -> Result<Vec<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows: Vec<EntryRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(entry).collect()
    }

    /// Walks the whole chain: every entry's hash against its content, each
    /// entry against the one before, the head against the last entry and
    /// every signed checkpoint (its signature, when `key` is given, and the
    /// entry it signed). Names the first bad entry.
    pub async fn verify_audit(&self, key: Option<&Key>) -> Result<Verification> {
        let mut report = Verification::default();
        let mut prev_seq = 0;
        let mut prev_hash = GENESIS.to_owned();
        let checkpoints: Vec<CheckpointRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq")
                .fetch_all(pool)
                .await?
        });
        let redactions: Vec<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, kind, subject_id FROM retention_events").fetch_all(pool).await?
        });
        let mut next_checkpoint = checkpoints.iter().peekable();
        loop {
            let page = self.audit_after(prev_seq, 2000).await?;
            if page.is_empty() {
                break;
            }
            for e in page {
                let expected = prev_seq + 1;
                if e.seq != expected {
                    report.problem = Some(format!(
                        "audit entry {expected} is missing (deleted): the log jumps from entry {prev_seq} to entry {}",
                        e.seq
                    ));
                    return Ok(report);
                }
                // A reason removed by retention: only where a recorded
                // retention event covers the entry's plan or person; any
                // other reason must match its digest.
                if let Some(event) = &e.redacted_by {
                    let covered = e.reason.is_none()
                        && e.reason_digest.is_some()
                        && redactions.iter().any(|(id, kind, subject)| {
                            id == event
                                && ((kind == "plan" && e.plan_id.as_ref() == Some(subject))
                                    || (kind == "person" && e.person_id.as_ref() == Some(subject)))
                        });
                    if !covered {
                        report.problem = Some(format!(
                            "audit entry {} is marked redacted, but no recorded retention event covers it",
                            e.seq
                        ));
                        return Ok(report);
                    }
                } else if let Some(digest) = &e.reason_digest
                    && reason_digest(e.reason.as_deref()) != *digest
                {
                    report.problem = Some(format!(
                        "audit entry {} does not match its hash: its reason was altered",
                        e.seq
                    ));
                    return Ok(report);
                }
                if entry_hash(&e) != e.hash {
                    report.problem = Some(format!(
                        "audit entry {} does not match its hash: it was altered (or moved here from elsewhere)",
                        e.seq
                    ));
                    return Ok(report);
                }
                if e.prev_hash != prev_hash {
                    report.problem = Some(format!(
                        "audit entry {} does not follow entry {prev_seq}: entries were inserted, deleted or reordered here",
                        e.seq
                    ));
                    return Ok(report);
                }
                while let Some((seq, hash, _, key_id, signature)) = next_checkpoint.peek() {
                    if *seq > e.seq {
                        break;
                    }
                    if *seq == e.seq && *hash != e.hash {
                        report.problem = Some(format!(
                            "audit entry {} differs from the checkpoint signed for it: the log was rewritten",
                            e.seq
                        ));
                        return Ok(report);
                    }
                    if let Some(key) = key {
                        if key.id != *key_id {
                            report.problem = Some(format!(
                                "the checkpoint at audit entry {seq} is signed with another key ({key_id}, not {})",
                                key.id
                            ));
                            return Ok(report);
                        }
                        if !key.verify(*seq, hash, signature) {
                            report.problem = Some(format!(
                                "the checkpoint at audit entry {seq} has a bad signature: it was forged or altered"
                            ));
                            return Ok(report);
                        }
                    }
                    report.checkpoints += 1;
                    next_checkpoint.next();
                }
                report.checked += 1;
                prev_seq = e.seq;
                prev_hash = e.hash;
            }
        }
        if let Some((seq, ..)) = next_checkpoint.next() {
            report.problem = Some(format!(
                "audit entry {} is missing (deleted): a checkpoint was signed at entry {seq}",
                prev_seq + 1
            ));
            return Ok(report);
        }
        let (head_seq, head_hash): (i64, String) = on_pool!(self, pool => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await?
        });
        if head_seq > prev_seq {
            report.problem = Some(format!(
                "audit entry {} is missing (deleted): the log was written up to entry {head_seq}",
                prev_seq + 1
            ));
        } else if head_seq < prev_seq || head_hash != prev_hash {
            report.problem = Some(format!(
                "audit entry {} was added outside Goldthread: the log's head is at entry {head_seq}",
                head_seq + 1
            ));
        }
        Ok(report)
    }
}

/// [`Store::append_audit`]'s transaction on SQLite's own connection: the
/// same statements, the same chain.
fn append_in_place(
    connection: &mut rusqlite::Connection,
    entries: &[&NewEntry],
    key: Option<&Key>,
) -> Result<Vec<i64>> {
    let at = to_millis(now());
    // Dropped without a commit, the transaction is rolled back.
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let (seq, prev, checkpoint_seq, checkpoint_at): (i64, String, i64, i64) = tx
        .prepare_cached(LOCK_HEAD_SQLITE)?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let chained = chain_batch(entries, at, seq, prev.clone());
    // One row per insert: an insert of several rows inside a transaction
    // keeps a statement journal so that it could be undone alone, which
    // cost more than the statements (issue 14). Here each statement is
    // prepared once per connection and only executed again.
    let mut insert = tx.prepare_cached(insert_entries_sql(1))?;
    for e in &chained {
        insert.execute(rusqlite::params![
            e.seq,
            e.at,
            e.user_id,
            e.address,
            e.action,
            e.person_id,
            e.plan_id,
            e.version,
            e.outcome.as_str(),
            e.reason,
            e.detail,
            e.prev_hash,
            e.hash,
            e.reason_digest,
        ])?;
    }
    drop(insert);
    let (seq, prev) = chained.last().map_or((seq, prev), |e| (e.seq, e.hash.clone()));
    let (checkpoint_seq, checkpoint_at) = match key {
        Some(key) if checkpoint_due(seq, at, checkpoint_seq, checkpoint_at) => {
            tx.prepare_cached(INSERT_CHECKPOINT)?.execute(rusqlite::params![
                seq,
                prev,
                at,
                key.id,
                key.sign(seq, &prev)
            ])?;
            (seq, at)
        }
        _ => (checkpoint_seq, checkpoint_at),
    };
    tx.prepare_cached(UPDATE_HEAD)?
        .execute(rusqlite::params![seq, prev, checkpoint_seq, checkpoint_at])?;
    tx.commit()?;
    Ok(chained.iter().map(|e| e.seq).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize, reason: Option<&str>) -> Vec<NewEntry> {
        (0..n)
            .map(|i| NewEntry {
                user_id: Some(Uuid::new_v4()),
                address: Some("127.0.0.1".into()),
                action: "plan.read".into(),
                plan_id: Some(Uuid::new_v4()),
                version: Some(i as i64 + 1),
                reason: reason.map(str::to_owned),
                detail: format!("GET /plans/{i}"),
                ..NewEntry::default()
            })
            .collect()
    }

    /// Batches written in place on the writer's thread and through sqlx
    /// form one chain, with signed checkpoints, that verifies.
    #[tokio::test]
    async fn batches_in_place_and_through_sqlx_make_one_verified_chain() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/audit.db", dir.path().display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        assert!(store.inline_reads().is_some(), "a database in a file");
        let key = Key::from_bytes(vec![7; 32]);
        let mut numbers = Vec::new();
        // 41 entries make inserts of 32, 8 and 1 rows.
        for (n, reason) in [
            (41, None),
            (3, Some("court order")),
            (CHECKPOINT_EVERY_ENTRIES as usize, None),
        ] {
            let batch = entries(n, reason);
            let in_place = {
                let (store, key, batch) = (store.clone(), key.clone(), batch.clone());
                super::super::writer::run(async move {
                    let refs: Vec<&NewEntry> = batch.iter().collect();
                    store.append_audit_batch(&refs, Some(&key)).await
                })
                .await
                .unwrap()
            };
            numbers.extend(in_place);
            let refs: Vec<&NewEntry> = batch.iter().collect();
            numbers.extend(store.append_audit(&refs, Some(&key)).await.unwrap());
        }
        let total = 2 * (44 + CHECKPOINT_EVERY_ENTRIES);
        assert_eq!(numbers, (1..=total).collect::<Vec<_>>(), "numbered in order, none lost");
        let verified = store.verify_audit(Some(&key)).await.unwrap();
        assert!(verified.is_ok(), "{:?}", verified.problem);
        assert_eq!(verified.checked, total);
        assert!(
            verified.checkpoints >= 2,
            "checkpoints signed on both paths: {verified:?}"
        );
    }
}
