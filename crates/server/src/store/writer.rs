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

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use tokio::runtime::{Builder, Handle};

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
}
