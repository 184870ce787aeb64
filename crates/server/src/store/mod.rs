//! Storage: translates between the domain and SQL.
//!
//! One code path serves SQLite (the embedded default) and PostgreSQL (the
//! scale-out store): the same SQL text, with `$1` placeholders and
//! `RETURNING`, runs on both. [`on_pool!`] expands a block once per backend
//! so that each gets its own concrete sqlx types without the `Any` driver.
//!
//! Every method that returns personal data takes the [`Actor`] it acts for
//! and applies the access rules in its query: a plan the actor may not see
//! is simply not found.

pub mod agreements;
mod audit;
pub(crate) mod batched;
pub mod bulk;
pub(crate) mod chain;
mod copies;
mod fhir;
mod files;
pub(crate) mod inline;
mod invitations;
mod minutes;
mod monitoring;
mod notifications;
mod oidc;
mod outbox;
mod parties;
mod people;
mod photos;
mod plans;
pub(crate) mod recent;
mod reminders;
mod requests;
mod retention;
mod sessions;
mod sign_in;
mod subject_access;
mod succession;
mod teams;
mod transfer;
mod two_factor;
mod users;
pub(crate) mod writer;

use std::str::FromStr;
use std::time::Duration;

use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::ChangeRecord;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use time::OffsetDateTime;

pub use audit::AuditFilter;
#[doc(hidden)]
pub use batched::gathered_statements;
pub use copies::Copy;
pub use fhir::ImportedPlan;
pub use files::{MAX_FILE_BYTES, check_content, check_upload};
pub use invitations::{DEFAULT_INVITATION_DAYS, Invitation, LinkProblem};
pub use minutes::{MinutesRecipient, MinutesSent};
pub use monitoring::{DashboardPlan, DashboardRows, DashboardScope, MonitoringLog, set_plan_types};
pub use notifications::Notification;
pub use outbox::{MAX_ATTEMPTS, OutboxMessage};
pub use people::{PersonChange, PersonSummary};
pub use photos::{MAX_PHOTO_BYTES, photo_type, reencode_photo};
pub use plans::{FollowUp, PlanFilter, PlanStamp, PlanSummary, Resolution, SavedPlan};
pub use reminders::Reminder;
pub use requests::RequestRecord;
pub use retention::{Hold, HoldTarget, RetentionEvent, RetentionItem, RunReport, anonymised_details};
pub use sessions::{LOADED_USER_KEY, USER_AGENT_KEY, USER_KEY};
pub use sessions::{SessionInfo, session_handle};
pub use subject_access::{PlanRecord, StoredFile, StoredPhoto, SubjectAccess};
pub use succession::PlanLinks;
pub use teams::{Shared, TeamDetail, TeamMember};
pub use transfer::Transferred;
pub use two_factor::TotpRecord;
pub use users::{ApiToken, Team, User};

/// Expands `$body` once for each backend with `$pool` bound to that
/// backend's pool, so the same SQL and decoding code serves both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($pool) => $body,
            $crate::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The database, whichever it is.
#[derive(Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Store::Sqlite(_) => "Store::Sqlite",
            Store::Postgres(_) => "Store::Postgres",
        })
    }
}

/// What went wrong in storage, classified by kind so callers can answer
/// the user properly.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// It does not exist, or the actor may not see it (the two are
    /// deliberately indistinguishable).
    #[error("not found")]
    NotFound,
    /// The actor may see it but not do this.
    #[error("not allowed")]
    Forbidden,
    /// The save was based on an old version; nothing was written.
    #[error("the record was changed by someone else (now at version {})", .0.current_version)]
    Conflict(Box<Conflict>),
    /// The input breaks a rule; nothing was written.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// Stored data that cannot be read back (a bug or tampering).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A read on SQLite made in place (see [`mod@inline`]).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// What someone else saved since the version a save was based on.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Conflict {
    /// The version the save was based on.
    pub base_version: i64,
    pub current_version: i64,
    /// One line per change made since, e.g. "Sam Okafor at 10:02: Added …".
    pub changes: Vec<String>,
    /// The fields changed both ways: base, theirs and yours.
    pub fields: Vec<goldthread_domain::merge::FieldConflict>,
    #[serde(skip)]
    #[schema(ignore)]
    pub records: Vec<ChangeRecord>,
}

impl From<FieldErrors> for StoreError {
    fn from(errors: FieldErrors) -> Self {
        StoreError::Invalid(errors)
    }
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }

    /// Text the database cannot store (PostgreSQL refuses NUL characters):
    /// bad input, never a server fault.
    pub fn is_unstorable_text(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e))
            if matches!(e.code().as_deref(), Some("22021" | "22P05")))
    }

    /// Is this a unique-key violation (a race lost, a duplicate e-mail)?
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.kind() == sqlx::error::ErrorKind::UniqueViolation)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How long a PostgreSQL connection may sit unused before it is checked
/// with a ping when next taken from the pool.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), creating a SQLite
    /// file if it is missing, and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Every statement is prepared once per connection and run many
            // times with other values. PostgreSQL's default plans each run
            // afresh while a generic plan looks costlier on paper, which
            // for the dashboard's queries (`$2 OR …` access checks) meant
            // always: about 1 ms of planning for 0.1 ms of work. Generic
            // plans are made once per connection (docs/PERFORMANCE.md).
            let options = PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_generic_plan")]);
            // sqlx pings a connection every time it is taken from the pool
            // unless told not to: a round trip to the backend before every
            // query, doubling the cost of small ones (issue 14). A
            // connection is pinged only after a second unused: a quiet
            // server still finds a restarted database or a dropped link
            // before a query does; a busy one, whose connections are never
            // idle that long, sees such a failure once per connection (and
            // sqlx drops the connection when it is returned).
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for >= IDLE_BEFORE_PING {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .connect_with(options)
                .await?;
            Store::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            // WAL lets readers run beside the one writer; synchronous=FULL
            // makes every acknowledged commit survive a power cut, not only
            // a crash of the process.
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            // A SQLite connection lives in this process and cannot hang
            // up, so it is not pinged before each use: sqlx's ping is a
            // round trip to the connection's worker thread, as long as the
            // query itself (issue 14).
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            Store::Sqlite(pool)
        } else {
            return Err(StoreError::Invalid(FieldErrors::single(
                "database",
                "The database URL must start with sqlite: or postgres://",
            )));
        };
        store.migrate().await?;
        if let Store::Sqlite(pool) = &store {
            drop_sampled_statistics(pool).await?;
        }
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<()> {
        match self {
            Store::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Store::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Waits for this database's turn to write, in the order asked: saves
    /// of plans and the audit log's batches.
    ///
    /// SQLite lets one writer in at a time; the others wait in its busy
    /// handler, which sleeps and retries (up to 100 ms a try) with no
    /// order, so under many concurrent saves some waited seconds while
    /// later ones went first, and the audit log's batch (which every read
    /// waits for) could wait behind a stream of saves. They therefore queue
    /// here, first come first served, and find the database free.
    /// PostgreSQL locks rows and queues writers itself: there is nothing to
    /// wait for.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        Some(self.write_turns()?.lock_owned().await)
    }

    /// The lock behind [`Self::write_turn`] (SQLite only).
    pub(crate) fn write_turns(&self) -> Option<std::sync::Arc<tokio::sync::Mutex<()>>> {
        match self {
            Store::Sqlite(pool) => Some(sqlite_write_turns(pool)),
            Store::Postgres(_) => None,
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Answers when the database can be read.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Runs one SQL statement as it is, returning the rows it changed or
    /// the database's message. For tests and repair scripts only: it
    /// bypasses every rule of the domain (but not the database's own).
    #[doc(hidden)]
    pub async fn execute_unchecked(&self, sql: &str) -> std::result::Result<u64, String> {
        on_pool!(self, pool => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
                .map_err(|e| e.to_string())
        })
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Drops the samples SQLite's `ANALYZE` keeps beside its statistics
/// (`sqlite_stat4`), keeping the statistics (`sqlite_stat1`).
///
/// The SQLite built here has STAT4 on: with samples of an index, every
/// statement whose parameter is compared with that index's column is
/// marked to be compiled again each time a value is bound to it, that is
/// on every run. Goldthread's queries look rows up by id, where samples do
/// not change the plan, so they paid a parse and a plan on every query:
/// the kept plan page served about 60 % more requests without them
/// (docs/PERFORMANCE.md). A database analysed elsewhere (an operator's
/// `sqlite3` shell) loses them when Goldthread opens it.
async fn drop_sampled_statistics(pool: &SqlitePool) -> Result<()> {
    let mut conn = pool.acquire().await?;
    let analysed: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4')")
        .fetch_one(&mut *conn)
        .await?;
    let sampled = analysed
        && sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM sqlite_stat4)")
            .fetch_one(&mut *conn)
            .await?;
    if sampled {
        sqlx::query("DELETE FROM sqlite_stat4").execute(&mut *conn).await?;
        // Loads the statistics again (this connection; the others load
        // them when they open).
        sqlx::query("ANALYZE sqlite_schema").execute(&mut *conn).await?;
    }
    Ok(())
}

/// One queue of writers per SQLite database file (see
/// [`Store::write_turn`]), shared by every pool opened on it.
fn sqlite_write_turns(pool: &SqlitePool) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    type Turns = std::collections::HashMap<std::path::PathBuf, std::sync::Arc<tokio::sync::Mutex<()>>>;
    static TURNS: std::sync::LazyLock<std::sync::Mutex<Turns>> = std::sync::LazyLock::new(Default::default);
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut turns = TURNS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    turns.entry(file).or_default().clone()
}

/// Milliseconds since the Unix epoch, as stored.
pub fn to_millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Now, truncated to the millisecond so that what is stored reads back equal.
pub fn now() -> OffsetDateTime {
    from_millis(to_millis(OffsetDateTime::now_utc()))
}

pub(crate) fn parse_uuid(value: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(value).map_err(|e| StoreError::corrupt(format!("bad id {value:?}: {e}")))
}

/// `%term%` for LIKE, with the wildcard characters of the term escaped
/// (queries say `ESCAPE '\'`).
pub(crate) fn like_pattern(term: &str) -> String {
    let mut pattern = String::from("%");
    for c in term.trim().to_lowercase().chars().filter(|c| !c.is_control()) {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    /// Storage sits under the web layer, never the other way round: no
    /// storage file refers to the web module (dates and times for messages
    /// come from `crate::local_time`). Every file of the folder is read, so
    /// a new one cannot slip past.
    #[test]
    fn storage_does_not_depend_on_the_web_layer() {
        let web = concat!("crate::", "web");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
        let mut read = 0;
        for entry in std::fs::read_dir(&dir).expect("the store folder") {
            let path = entry.expect("a store file").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).expect("a readable store file");
                assert!(!source.contains(web), "{} depends on the web layer", path.display());
                read += 1;
            }
        }
        assert!(read > 10, "only {read} storage files found in {}", dir.display());
    }
}
