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

use std::future::Future;
use std::sync::LazyLock;

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
}
