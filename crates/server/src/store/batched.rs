//! Point reads on PostgreSQL gathered into one statement (issue 14).
//!
//! Every signed-in page reads its session, and a plan page its plan's
//! stamp: lookups by primary key that take PostgreSQL a few microseconds
//! to execute, but each a statement of its own, whose messages, executor
//! set-up and backend wake-ups cost several times that (about 60 of the
//! 95 µs of PostgreSQL's CPU a plan page took, docs/PERFORMANCE.md). Under
//! load many requests make the same read at the same moment, so they are
//! made together: the requests that arrive while a read of the same SQL
//! is on its way to the database are sent with the next one, as a single
//! statement that runs the read once per request (`unnest` of each
//! parameter's values, `CROSS JOIN LATERAL` the read) and tells each
//! request its row.
//!
//! Nothing is kept between requests: each request's read is made after
//! it arrived, with its own parameters, by the same SQL text (access rules
//! included) that would have run on its own, so it sees what a read of its
//! own would have seen. A quiet server sends each read alone, at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgPool, Row};
use tokio::sync::oneshot;

/// At most this many reads of the same SQL are on their way at once; the
/// requests that arrive meanwhile wait for the next. One: more let fewer
/// requests share a statement, and were slower (plan page on PostgreSQL,
/// 64 connections: 5,270 and 5,670 pages a second with one, 5,040 and
/// 5,220 with two, 4,260 and 4,540 with four).
const IN_FLIGHT: usize = 1;

/// At most this many requests' reads in one statement.
const MAX_BATCH: usize = 256;

/// How many statements have carried more than one request's read, since
/// the process started (for tests: that reads are gathered at all).
static GATHERED: AtomicU64 = AtomicU64::new(0);

/// How many statements have made more than one request's read.
#[doc(hidden)]
pub fn gathered_statements() -> u64 {
    GATHERED.load(Ordering::Relaxed)
}

/// One parameter of a read.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(String),
    Bool(bool),
    Int(i64),
}

impl Param {
    fn array_type(&self) -> &'static str {
        match self {
            Param::Text(_) => "text[]",
            Param::Bool(_) => "bool[]",
            Param::Int(_) => "int8[]",
        }
    }
}

/// A request's read, waiting for its statement.
struct Job {
    params: Vec<Param>,
    answer: oneshot::Sender<Result<Option<PgRow>, sqlx::Error>>,
}

/// The reads of one SQL text on one database.
struct Reads {
    /// The read as asked, sent as it is when it is alone.
    lone: String,
    /// The statement that makes many requests' reads at once.
    gathered: String,
    queue: Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Job>,
    in_flight: usize,
}

/// The one row `sql` finds with `params` (`$1`, `$2`… in order; the first
/// if it finds several), made together with the same read of any other
/// request at the same moment.
pub(crate) async fn fetch_optional(pool: &PgPool, sql: &str, params: Vec<Param>) -> Result<Option<PgRow>, sqlx::Error> {
    let reads = reads_of(pool, sql, &params);
    let (answer, wait) = oneshot::channel();
    let start = {
        let mut queue = reads.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.waiting.push(Job { params, answer });
        next_batch(&mut queue)
    };
    if let Some(jobs) = start {
        spawn(pool.clone(), reads, jobs);
    }
    wait.await.map_err(|_| sqlx::Error::WorkerCrashed)?
}

/// The jobs for a statement to start now, if one may start: a slot is
/// taken for it.
fn next_batch(queue: &mut Queue) -> Option<Vec<Job>> {
    if queue.waiting.is_empty() || queue.in_flight >= IN_FLIGHT {
        return None;
    }
    queue.in_flight += 1;
    let rest = queue.waiting.len().saturating_sub(MAX_BATCH);
    let later = queue.waiting.split_off(queue.waiting.len() - rest);
    Some(std::mem::replace(&mut queue.waiting, later))
}

/// Runs one statement for `jobs` on a task of its own (so that a request
/// that goes away does not take the others' reads with it); when it is
/// done, its slot starts the requests that arrived meanwhile.
fn spawn(pool: PgPool, reads: Arc<Reads>, jobs: Vec<Job>) {
    // Outside a runtime (one shutting down) there is nobody left to
    // answer: the jobs are dropped and their requests told so.
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let slot = Slot { pool, reads };
        run(&slot.pool, &slot.reads, jobs).await;
    });
}

/// A statement's place among the [`IN_FLIGHT`]; given back when dropped,
/// even if the statement's task panicked.
struct Slot {
    pool: PgPool,
    reads: Arc<Reads>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let next = {
            let mut queue = self.reads.queue.lock().unwrap_or_else(PoisonError::into_inner);
            queue.in_flight -= 1;
            next_batch(&mut queue)
        };
        if let Some(jobs) = next {
            spawn(self.pool.clone(), self.reads.clone(), jobs);
        }
    }
}

/// Makes every job's read in one statement and gives each its row. A
/// lone read is sent as it is.
async fn run(pool: &PgPool, reads: &Reads, jobs: Vec<Job>) {
    let jobs = match <[Job; 1]>::try_from(jobs) {
        Ok([job]) => return alone(pool, reads, job).await,
        Err(jobs) => jobs,
    };
    GATHERED.fetch_add(1, Ordering::Relaxed);
    let mut query = sqlx::query(AssertSqlSafe(reads.gathered.as_str()));
    for column in 0..jobs[0].params.len() {
        query = match &jobs[0].params[column] {
            Param::Text(_) => query.bind(column_of(&jobs, column, |p| match p {
                Param::Text(s) => Some(s.clone()),
                _ => None,
            })),
            Param::Bool(_) => query.bind(column_of(&jobs, column, |p| match p {
                Param::Bool(b) => Some(*b),
                _ => None,
            })),
            Param::Int(_) => query.bind(column_of(&jobs, column, |p| match p {
                Param::Int(i) => Some(*i),
                _ => None,
            })),
        };
    }
    match query.fetch_all(pool).await {
        Ok(rows) => {
            let mut found: Vec<Option<PgRow>> = jobs.iter().map(|_| None).collect();
            for row in rows {
                let ordinal: i64 = match row.try_get(row.len() - 1) {
                    Ok(ordinal) => ordinal,
                    Err(_) => continue,
                };
                if let Some(slot) = usize::try_from(ordinal - 1).ok().and_then(|i| found.get_mut(i))
                    && slot.is_none()
                {
                    *slot = Some(row);
                }
            }
            for (job, row) in jobs.into_iter().zip(found) {
                let _ = job.answer.send(Ok(row));
            }
        }
        Err(e) => {
            // The statement failed for all of them: each read is made on
            // its own, at the same time, so that each request gets the
            // answer (or the error) a read of its own would have had.
            tracing::warn!(error = %e, reads = jobs.len(), "a gathered read failed; reading one at a time");
            futures_util::future::join_all(jobs.into_iter().map(|job| alone(pool, reads, job))).await;
        }
    }
}

/// Makes one job's read as the SQL it was given.
async fn alone(pool: &PgPool, reads: &Reads, job: Job) {
    let answer = bind_each(sqlx::query(AssertSqlSafe(reads.lone.as_str())), &job.params)
        .fetch_optional(pool)
        .await;
    let _ = job.answer.send(answer);
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

fn bind_each<'q>(mut query: Query<'q>, params: &[Param]) -> Query<'q> {
    for param in params {
        query = match param {
            Param::Text(s) => query.bind(s.clone()),
            Param::Bool(b) => query.bind(*b),
            Param::Int(i) => query.bind(*i),
        };
    }
    query
}

/// One parameter's values, one per job, in the jobs' order. Every job
/// of one SQL text gives its parameters of the same kinds (the callers'
/// code does); a job that did not would get a null.
fn column_of<T>(jobs: &[Job], column: usize, value: impl Fn(&Param) -> Option<T>) -> Vec<Option<T>> {
    jobs.iter().map(|job| job.params.get(column).and_then(&value)).collect()
}

/// The reads of `sql` on `pool`, made the first time asked. Each pool
/// gathers its own requests' reads (two pools on one database, such as two
/// instances in one test, never share a statement). A pool is known by its
/// connection options, which it holds from its start to its end; a task
/// making reads holds its pool, so an address is known again only for a
/// new pool once the old one and its reads are gone.
fn reads_of(pool: &PgPool, sql: &str, params: &[Param]) -> Arc<Reads> {
    type Known = HashMap<usize, HashMap<String, Arc<Reads>>>;
    static KNOWN: LazyLock<Mutex<Known>> = LazyLock::new(Default::default);
    let of_pool = Arc::as_ptr(&pool.connect_options()) as usize;
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    let of_pool = known.entry(of_pool).or_default();
    if let Some(reads) = of_pool.get(sql) {
        return reads.clone();
    }
    let reads = Arc::new(Reads {
        lone: sql.to_owned(),
        gathered: gathered_sql(sql, params),
        queue: Mutex::new(Queue::default()),
    });
    of_pool.insert(sql.to_owned(), reads.clone());
    reads
}

/// The statement that makes the read `sql` once for each row of its
/// parameters' arrays: `$1`… become the columns of `unnest`, and each
/// row found ends with the number (from 1) of the request it is for.
fn gathered_sql(sql: &str, params: &[Param]) -> String {
    let mut body = sql.to_owned();
    // From the last, so that `$1` does not rewrite the start of `$10`.
    for i in (1..=params.len()).rev() {
        body = body.replace(&format!("${i}"), &format!("k.p{i}"));
    }
    let arrays: Vec<String> = params
        .iter()
        .enumerate()
        .map(|(i, p)| format!("${}::{}", i + 1, p.array_type()))
        .collect();
    let names: Vec<String> = (1..=params.len()).map(|i| format!("p{i}")).collect();
    format!(
        "SELECT q.*, k.gathered_ordinal FROM unnest({}) WITH ORDINALITY AS k({}, gathered_ordinal) \
         CROSS JOIN LATERAL ({body} LIMIT 1) q",
        arrays.join(", "),
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gathered_statement_runs_the_read_once_per_row_of_its_parameters() {
        let params = [Param::Text("u".into()), Param::Bool(false), Param::Text("p".into())];
        let sql = gathered_sql(
            "SELECT p.state FROM plans p WHERE p.id = $3 AND ($2 OR p.owner = $1)",
            &params,
        );
        assert_eq!(
            sql,
            "SELECT q.*, k.gathered_ordinal FROM unnest($1::text[], $2::bool[], $3::text[]) \
             WITH ORDINALITY AS k(p1, p2, p3, gathered_ordinal) \
             CROSS JOIN LATERAL (SELECT p.state FROM plans p WHERE p.id = k.p3 AND (k.p2 OR p.owner = k.p1) LIMIT 1) q"
        );
        // `$1` is not taken for the start of `$10`.
        let ten: Vec<Param> = (0..10).map(Param::Int).collect();
        let sql = gathered_sql("SELECT $10, $1", &ten);
        assert!(sql.contains("(SELECT k.p10, k.p1 LIMIT 1)"), "{sql}");
    }

    fn jobs(n: usize) -> Vec<Job> {
        (0..n)
            .map(|_| Job {
                params: Vec::new(),
                answer: oneshot::channel().0,
            })
            .collect()
    }

    #[test]
    fn a_statement_starts_only_in_a_free_slot_and_carries_at_most_a_batch() {
        let mut queue = Queue::default();
        assert!(next_batch(&mut queue).is_none(), "nothing waiting");
        queue.waiting = jobs(MAX_BATCH * IN_FLIGHT + 3);
        for _ in 0..IN_FLIGHT {
            assert_eq!(next_batch(&mut queue).map(|b| b.len()), Some(MAX_BATCH));
        }
        assert_eq!(queue.waiting.len(), 3, "the rest wait for the next");
        assert!(next_batch(&mut queue).is_none(), "every slot taken");
        assert_eq!(queue.in_flight, IN_FLIGHT);
        queue.in_flight -= 1;
        assert_eq!(next_batch(&mut queue).map(|b| b.len()), Some(3), "a slot given back");
        queue.waiting = jobs(1);
        assert!(next_batch(&mut queue).is_none(), "every slot taken");
        assert_eq!(queue.waiting.len(), 1);
    }
}
