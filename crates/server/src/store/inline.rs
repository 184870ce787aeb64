//! Point reads on SQLite made in place, on the thread that asks (issue 14).
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every
//! query to it and the answer back: two thread wake-ups per query, and a
//! third round trip when sqlx pings the connection as it goes back to the
//! pool. For the reads every signed-in page makes (the session with its
//! user; the plan page's stamp) that hand-off cost more than the query:
//! `perf` on the kept plan page showed most of the server's time in
//! context switches to and from those threads, and a few per cent in
//! SQLite itself.
//!
//! These reads are lookups by primary key in a WAL database, where a
//! reader never waits for the writer, and a practitioner's caseload for a
//! name search (a few index look-ups per person): they take microseconds,
//! so they run here, synchronously, on a connection of a small set kept
//! per database file. Everything else (writes, transactions, searches of
//! the whole county, anything that may take long) stays with sqlx. The
//! SQL is the same text as the PostgreSQL branch's, access rules
//! included.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use sqlx::SqlitePool;

use super::Result;

/// At most this many idle connections are kept per database file: one per
/// thread that reads at the same moment is all that is ever needed.
const MAX_IDLE: usize = 16;

/// How long a read waits if SQLite is busy. In WAL mode a reader waits
/// only while a connection recovers the log after a crash.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// The connections for in-place reads of one database file.
pub(crate) struct InlineReads {
    file: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

/// The in-place reads of `pool`'s database file, shared by every pool on
/// it; `None` for a database that lives only in its connection's memory.
/// Asked on every such read, so the file is looked at only the first time.
pub(crate) fn reads(pool: &SqlitePool) -> Option<Arc<InlineReads>> {
    type Files = HashMap<PathBuf, Option<Arc<InlineReads>>>;
    static FILES: LazyLock<Mutex<Files>> = LazyLock::new(Default::default);
    let options = pool.connect_options();
    let file = options.get_filename();
    let mut files = FILES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = files.get(file) {
        return known.clone();
    }
    // sqlx names an in-memory database with a name no file has.
    let found = file.is_file().then(|| {
        Arc::new(InlineReads {
            file: file.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        })
    });
    files.insert(file.to_path_buf(), found.clone());
    found
}

impl super::Store {
    /// The in-place reads of this database: on SQLite kept in a file,
    /// `None` otherwise (PostgreSQL answers over its own connection).
    pub(crate) fn inline_reads(&self) -> Option<Arc<InlineReads>> {
        match self {
            super::Store::Sqlite(pool) => reads(pool),
            super::Store::Postgres(_) => None,
        }
    }
}

impl InlineReads {
    /// The database file.
    pub(crate) fn file(&self) -> &std::path::Path {
        &self.file
    }

    /// Runs `read` on one of the file's connections (opened if none is
    /// free) and puts the connection back.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>) -> Result<T> {
        let taken = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let connection = match taken {
            Some(connection) => connection,
            None => self.open()?,
        };
        let answer = read(&connection)?;
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
        Ok(answer)
    }

    /// The one row `sql` finds with `params` (its statement prepared once
    /// per connection), read by `row`, or `None`.
    pub(crate) fn row<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        use rusqlite::OptionalExtension;
        self.read(|c| c.prepare_cached(sql)?.query_row(params, row).optional())
    }

    /// Every row `sql` finds with `params` (its statement prepared once
    /// per connection), each read by `row`.
    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        self.read(|c| c.prepare_cached(sql)?.query_map(params, row)?.collect())
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        // Opened for reading and writing (a read-only connection to a WAL
        // database needs its shared-memory file to exist already), then
        // refused any write.
        let connection = rusqlite::Connection::open_with_flags(
            &self.file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        connection.pragma_update(None, "query_only", true)?;
        connection.set_prepared_statement_cache_capacity(32);
        Ok(connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_see_what_sqlx_committed_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/inline.db", dir.path().display());
        let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        let pool = SqlitePool::connect_with(options).await.unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        let reads = reads(&pool).expect("a file");
        let count = |reads: &InlineReads| {
            reads
                .read(|c| c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get::<_, i64>(0)))
                .unwrap()
        };
        assert_eq!(count(&reads), 0);
        sqlx::query("INSERT INTO t (v) VALUES ('a'), ('b')")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(count(&reads), 2, "the next read sees the commit");
        let values = reads
            .rows(
                "SELECT v FROM t WHERE id >= $1 ORDER BY id",
                rusqlite::named_params! {"$1": 1},
                |r| r.get::<_, String>(0),
            )
            .unwrap();
        assert_eq!(values, ["a", "b"], "every row found, in order");
        let write = reads.read(|c| c.execute("INSERT INTO t (v) VALUES ('c')", []));
        assert!(write.is_err(), "in-place connections only read");
        assert_eq!(count(&reads), 2);
        // One set of connections per file, whichever pool asks.
        let again = SqlitePool::connect(&url).await.unwrap();
        assert!(Arc::ptr_eq(&self::reads(&again).unwrap(), &reads));
    }
}
