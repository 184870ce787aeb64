//! SQLite's writes run on a thread of their own (issue 14).
//!
//! SQLite lets one writer in at a time, so Goldthread's writers take turns
//! ([`super::Store::write_turn`]): saves of plans, the audit log's batches,
//! reminders. A transaction is several statements, and sqlx runs each on
//! the connection's own thread and wakes the waiting task when it is done.
//! Woken from outside the server's runtime, that task queues behind every
//! request the runtime's workers are busy with: under load each statement
//! of a transaction waited about as long as the others took to serve, and
//! the database sat idle, locked by a writer that was not running. Every
//! save and every audited read waited for that.
//!
//! Work in turn is therefore handed here: one thread with a runtime of its
//! own that does nothing else, so a writer woken by the database runs at
//! once, and the next writer in the queue starts as soon as the turn is
//! free. What is handed over owns its data and runs to its end even when
//! the request that asked for it goes away (a transaction is committed or
//! rolled back whole either way). PostgreSQL's connections are sockets
//! driven by the server's runtime, and it queues writers itself: its
//! writes stay where they are.
//!
//! A save's transaction and the audit log's batch go further: on a
//! database kept in a file they run in place on this thread, through a
//! connection of the thread's own ([`with_connection`]), so that none of
//! their statements is a hand-off to another thread at all.
//!
//! Saves are committed in groups ([`write_grouped`]): whatever saves queued
//! while the last group was being written go into one transaction, each in
//! a savepoint of its own, and one commit (one `fsync`) makes them all
//! durable. Under load a commit's `fsync` took more of the writer's time
//! than everything else a save does. Each save still answers only once its
//! group is committed, and a save refused or overtaken is rolled back alone.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use tokio::runtime::{Builder, Handle};
use tokio::sync::{OwnedMutexGuard, mpsc, oneshot};
use uuid::Uuid;

use super::StoreError;

static WRITER: LazyLock<Handle> = LazyLock::new(|| {
    let runtime = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the writer's runtime starts");
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name("goldthread-writer".into())
        .spawn(move || runtime.block_on(std::future::pending::<()>()))
        .expect("the writer's thread starts");
    handle
});

/// Runs `work` on the writer's thread and waits for its answer. A panic in
/// `work` is raised again here, as if it had run in place.
pub(crate) async fn run<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    match WRITER.spawn(work).await {
        Ok(answer) => answer,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the writer's thread stopped: {e}"),
        },
    }
}

/// Starts `task` on the writer's thread, to run until it ends.
pub(crate) fn spawn(task: impl Future<Output = ()> + Send + 'static) {
    WRITER.spawn(task);
}

/// How many database files the writer's thread keeps a connection to (one
/// in a server; the tests open many).
const MAX_CONNECTIONS: usize = 4;

thread_local! {
    /// The writer's thread's own connections, by database file.
    static CONNECTIONS: RefCell<HashMap<PathBuf, rusqlite::Connection>> = RefCell::new(HashMap::new());
}

/// Runs `write` with the writer's thread's own connection to the SQLite
/// database `file` (opened on first use, with the settings of the
/// server's other connections: full durability, foreign keys). Only on
/// the writer's thread, in its turn ([`super::Store::write_turn`]);
/// `write` runs synchronously, so nothing else on this thread waits for
/// it except the writers queued behind it anyway.
pub(crate) fn with_connection<T>(
    file: &Path,
    write: impl FnOnce(&mut rusqlite::Connection) -> super::Result<T>,
) -> super::Result<T> {
    assert_eq!(
        std::thread::current().name(),
        Some("goldthread-writer"),
        "the writer's connection is used on its thread only"
    );
    CONNECTIONS.with(|connections| {
        let mut connections = connections.borrow_mut();
        if !connections.contains_key(file) {
            if connections.len() >= MAX_CONNECTIONS {
                connections.clear();
            }
            connections.insert(file.to_path_buf(), open(file)?);
        }
        let connection = connections.get_mut(file).expect("just opened");
        write(connection)
    })
}

fn open(file: &Path) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let connection = rusqlite::Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    // As the pool's connections (store/mod.rs): it waits its turn behind
    // writers that do not take turns (migrations, the command line).
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", true)?;
    connection.set_prepared_statement_cache_capacity(64);
    Ok(connection)
}

/// A save's statements, run in a savepoint of its group's transaction:
/// `Ok(Some(hash))` when written, `Ok(None)` when not (someone saved the
/// plan first), either of which keeps the group going.
pub(crate) type GroupedWrite = Box<dyn FnOnce(&rusqlite::Connection) -> super::Result<Option<String>> + Send>;

struct Grouped {
    write: GroupedWrite,
    done: oneshot::Sender<super::Result<Option<String>>>,
}

/// Most saves committed together.
const MAX_GROUP: usize = 64;

/// Runs `write` on the writer's thread, in a savepoint of a transaction it
/// shares with the other writes queued with it, and answers once that
/// transaction is committed (durable), or with an error when it is not
/// (then none of the group is written). `turns` is the database's write
/// turn ([`super::Store::write_turn`]), held while the group is written.
///
/// Two writes of one group must not depend on each other's reads: saves of
/// one plan take turns before they read it ([`plan_turn`]).
pub(crate) async fn write_grouped(
    file: &Path,
    turns: Arc<tokio::sync::Mutex<()>>,
    write: GroupedWrite,
) -> super::Result<Option<String>> {
    type Groups = HashMap<PathBuf, mpsc::Sender<Grouped>>;
    static GROUPS: LazyLock<Mutex<Groups>> = LazyLock::new(Default::default);
    let sender = GROUPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(file.to_path_buf())
        .or_insert_with(|| {
            let (sender, receiver) = mpsc::channel(1024);
            spawn(write_groups(file.to_path_buf(), turns, receiver));
            sender
        })
        .clone();
    let stopped = || StoreError::Corrupt("the writer's thread has stopped".into());
    let (done, answer) = oneshot::channel();
    sender.send(Grouped { write, done }).await.map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())?
}

/// The writer of one database file's groups: takes every write queued (up
/// to [`MAX_GROUP`]), writes them in one transaction in the database's
/// turn and answers each. While a group is written, the next gathers.
async fn write_groups(file: PathBuf, turns: Arc<tokio::sync::Mutex<()>>, mut receiver: mpsc::Receiver<Grouped>) {
    let mut queued = Vec::with_capacity(MAX_GROUP);
    while receiver.recv_many(&mut queued, MAX_GROUP).await > 0 {
        let (writes, done): (Vec<GroupedWrite>, Vec<_>) = queued.drain(..).map(|g| (g.write, g.done)).unzip();
        let count = writes.len();
        let answers = {
            let _turn = turns.lock().await;
            with_connection(&file, |connection| Ok(write_group(connection, writes)))
        };
        let answers = answers.unwrap_or_else(|e| failed(count, &e));
        for (done, answer) in done.into_iter().zip(answers) {
            let _ = done.send(answer);
        }
    }
}

/// Writes `writes` in one transaction, each in a savepoint of its own, and
/// commits it. A write that fails or is overtaken is rolled back alone;
/// when the transaction cannot go on (SQLite rolled it back after a full
/// disk or an I/O error) or cannot be committed, every write of the group
/// is answered with the error, for none of it was written.
fn write_group(connection: &mut rusqlite::Connection, writes: Vec<GroupedWrite>) -> Vec<super::Result<Option<String>>> {
    let count = writes.len();
    let mut tx = match connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return failed(count, &e),
    };
    let mut answers = Vec::with_capacity(count);
    for write in writes {
        let savepoint = match tx.savepoint() {
            Ok(savepoint) => savepoint,
            Err(e) => return failed(count, &e),
        };
        let answer = write(&savepoint);
        // A savepoint dropped unfinished is rolled back.
        let ended = if matches!(answer, Ok(Some(_))) {
            savepoint.commit()
        } else {
            savepoint.finish()
        };
        if let Err(e) = ended {
            return failed(count, &e);
        }
        if tx.is_autocommit() {
            return failed(count, &"SQLite rolled back the group's transaction");
        }
        answers.push(answer);
    }
    match tx.commit() {
        Ok(()) => answers,
        Err(e) => answers
            .into_iter()
            .map(|answer| match answer {
                Ok(Some(_)) => Err(failure(&e)),
                other => other,
            })
            .collect(),
    }
}

/// `count` answers of the same failure.
fn failed(count: usize, e: &dyn std::fmt::Display) -> Vec<super::Result<Option<String>>> {
    (0..count).map(|_| Err(failure(e))).collect()
}

/// A failure shared by a group, one copy per write.
fn failure(e: &dyn std::fmt::Display) -> StoreError {
    StoreError::Sqlite(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(format!("the save was not written: {e}")),
    ))
}

/// Saves of plan `id` by this server take turns from reading the plan to
/// their commit, so that no two of them are ever in one group. A few
/// hundred stripes, shared by plans whose ids fall on the same one.
pub(crate) async fn plan_turn(id: Uuid) -> OwnedMutexGuard<()> {
    const STRIPES: usize = 256;
    static TURNS: LazyLock<Vec<Arc<tokio::sync::Mutex<()>>>> =
        LazyLock::new(|| (0..STRIPES).map(|_| Arc::default()).collect());
    let (high, low) = id.as_u64_pair();
    let stripe = ((high ^ low) % STRIPES as u64) as usize;
    Arc::clone(&TURNS[stripe]).lock_owned().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_writers_thread_and_panics_come_back() {
        let name = run(async { std::thread::current().name().map(str::to_owned) }).await;
        assert_eq!(name.as_deref(), Some("goldthread-writer"));
        let caught = tokio::spawn(run(async { panic!("boom") })).await;
        assert!(caught.unwrap_err().is_panic());
    }

    #[tokio::test]
    async fn the_writers_connection_is_durable_and_checks_foreign_keys_on_its_thread_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("writer.db");
        rusqlite::Connection::open(&file)
            .unwrap()
            .execute_batch(
                "PRAGMA journal_mode = WAL; CREATE TABLE a (id INTEGER PRIMARY KEY); \
                 CREATE TABLE b (a_id INTEGER NOT NULL REFERENCES a (id));",
            )
            .unwrap();
        let (synchronous, foreign_keys, refused) = run({
            let file = file.clone();
            async move {
                with_connection(&file, |c| {
                    let pragma = |name: &str| c.pragma_query_value(None, name, |r| r.get::<_, i64>(0));
                    let refused = c.execute("INSERT INTO b (a_id) VALUES (1)", []).is_err();
                    Ok((pragma("synchronous")?, pragma("foreign_keys")?, refused))
                })
                .unwrap()
            }
        })
        .await;
        assert_eq!(synchronous, 2, "FULL: every commit is synced");
        assert_eq!(foreign_keys, 1);
        assert!(refused, "a row pointing nowhere is refused");
        let elsewhere = std::panic::catch_unwind(|| with_connection(&file, |_| Ok(())));
        assert!(elsewhere.is_err(), "not on another thread");
    }

    fn numbers_table() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("group.db");
        rusqlite::Connection::open(&file)
            .unwrap()
            .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE n (v INTEGER NOT NULL UNIQUE);")
            .unwrap();
        (dir, file)
    }

    fn insert(v: i64) -> GroupedWrite {
        Box::new(move |c| {
            c.execute("INSERT INTO n (v) VALUES (?1)", [v])?;
            Ok(Some(format!("wrote {v}")))
        })
    }

    fn stored(file: &Path) -> Vec<i64> {
        let c = rusqlite::Connection::open(file).unwrap();
        let mut read = c.prepare("SELECT v FROM n ORDER BY v").unwrap();
        read.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn a_group_commits_its_writes_and_rolls_back_only_the_one_refused_or_overtaken() {
        let (_dir, file) = numbers_table();
        let mut connection = rusqlite::Connection::open(&file).unwrap();
        let overtaken: GroupedWrite = Box::new(|c| {
            c.execute("INSERT INTO n (v) VALUES (20)", [])?;
            Ok(None)
        });
        let refused: GroupedWrite = Box::new(|c| {
            c.execute("INSERT INTO n (v) VALUES (30)", [])?;
            // The second row breaks the table's rule: the whole write goes.
            c.execute("INSERT INTO n (v) VALUES (1)", [])?;
            Ok(Some("never".into()))
        });
        let answers = write_group(&mut connection, vec![insert(1), overtaken, refused, insert(2)]);
        assert!(matches!(&answers[0], Ok(Some(h)) if h == "wrote 1"));
        assert!(matches!(&answers[1], Ok(None)));
        assert!(matches!(&answers[2], Err(StoreError::Sqlite(_))), "{:?}", answers[2]);
        assert!(matches!(&answers[3], Ok(Some(h)) if h == "wrote 2"));
        assert!(connection.is_autocommit(), "committed");
        assert_eq!(
            stored(&file),
            vec![1, 2],
            "the refused and overtaken writes left nothing"
        );
    }

    #[test]
    fn a_group_that_cannot_be_written_answers_every_write_with_the_error() {
        let (_dir, file) = numbers_table();
        // Another connection holds the database's write lock.
        let other = rusqlite::Connection::open(&file).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut connection = rusqlite::Connection::open(&file).unwrap();
        let answers = write_group(&mut connection, vec![insert(1), insert(2)]);
        assert!(answers.iter().all(|a| a.is_err()), "{answers:?}");
        other.execute_batch("ROLLBACK").unwrap();
        assert_eq!(stored(&file), Vec::<i64>::new());
    }

    #[tokio::test]
    async fn saves_queued_together_are_all_answered_once_committed() {
        let (_dir, file) = numbers_table();
        let turns = Arc::new(tokio::sync::Mutex::new(()));
        // Held, so the writes queue up and go as one group.
        let turn = Arc::clone(&turns).lock_owned().await;
        let writes: Vec<_> = (1..=40)
            .map(|v| {
                let (file, turns) = (file.clone(), Arc::clone(&turns));
                tokio::spawn(async move { write_grouped(&file, turns, insert(v)).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(stored(&file), Vec::<i64>::new(), "nothing before the turn");
        drop(turn);
        for (v, write) in (1..=40).zip(writes) {
            assert_eq!(write.await.unwrap().unwrap(), Some(format!("wrote {v}")));
        }
        assert_eq!(stored(&file), (1..=40).collect::<Vec<_>>());
    }
}
