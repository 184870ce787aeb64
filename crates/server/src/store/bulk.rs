//! The bulk path (issue 14): many people, each with their plans, their
//! histories and what was recorded while carrying the plans out, written
//! in a few large transactions: multi-row INSERTs on SQLite, one
//! `COPY … FROM STDIN` a table on PostgreSQL.
//!
//! It writes exactly the rows the normal path writes, derived the same
//! way: every plan's log was built change by change through
//! [`goldthread_domain::plan::Plan::check`] and `apply` by the caller (see
//! `demo/county`); here each change is hashed into its chain with
//! [`super::chain::chained_hash`] (the function behind
//! `insert_plan_change!`), the plan's projection is the state its log
//! replays to, plan access is the creator's grant and the parties'
//! grants as `append_changes` leaves them, and the dashboard's index comes
//! from [`super::monitoring::dashboard_index`], the derivation behind
//! `refresh_dashboard`. `goldthread verify` and `goldthread
//! rebuild-projections` on the result find nothing to correct.
//!
//! [`BulkRows::add`] does the CPU work (serialising, hashing, indexing)
//! and can run on another thread than [`Store::write_bulk`], which only
//! inserts.

use goldthread_domain::monitoring::meetings::Meeting;
use goldthread_domain::person::PersonDetails;
use goldthread_domain::plan::{ChangeRecord, Plan};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::{Actor, Role};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::chain::chained_hash;
use super::monitoring::{DueRow, IndexPlanRow, dashboard_index, due_table, index_rows, iso, plan_row_table};
use super::{Result, Store, StoreError, on_pool, to_millis};
use crate::audit::{Key, NewEntry, Outcome};

/// A person to write, with everything about them.
#[derive(Debug, Clone)]
pub struct BulkPerson {
    pub id: Uuid,
    pub details: PersonDetails,
    /// Who added them (they may see them).
    pub created_by: Actor,
    pub created_at: OffsetDateTime,
    pub plans: Vec<BulkPlan>,
}

/// A plan: its whole log (every change already checked and applied to
/// build `plan`), who started it and its monitoring records.
#[derive(Debug, Clone)]
pub struct BulkPlan {
    /// The plan as its log leaves it.
    pub plan: Plan,
    pub log: Vec<ChangeRecord>,
    pub creator: Actor,
    pub records: Vec<BulkRecord>,
}

/// One row of `monitoring_records`, already checked by the domain's parse
/// of its input against the plan.
#[derive(Debug, Clone)]
pub struct BulkRecord {
    pub id: Uuid,
    /// `meeting`, `note`, `attendance` or `rating`.
    pub kind: &'static str,
    pub on: Date,
    /// The record as stored (JSON).
    pub record: String,
    pub recorded_by: Actor,
    pub recorded_at: OffsetDateTime,
    /// The meeting, for the dashboard's index.
    pub meeting: Option<Meeting>,
}

/// A user to add unless one with the e-mail address exists.
#[derive(Debug, Clone)]
pub struct BulkUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: i64,
}

type PersonRow = (String, String, String, String, String, String, i64);
type ChangeRow = (String, i64, i64, String, String, Option<String>, String, String, String);
type AccessRow = (String, String, i64);
type PlanRow = (String, String, String, i64, String, String, i64, String, i64, i64);
type PlanAccessRow = (String, String, &'static str, i64);
type RecordRow = (String, String, &'static str, String, String, String, String, i64);
/// The rows of many people, ready to insert.
#[derive(Debug, Default)]
pub struct BulkRows {
    people: Vec<PersonRow>,
    person_changes: Vec<ChangeRow>,
    person_access: Vec<AccessRow>,
    plans: Vec<PlanRow>,
    plan_changes: Vec<ChangeRow>,
    plan_access: Vec<PlanAccessRow>,
    records: Vec<RecordRow>,
    due: Vec<DueRow>,
    dashboard_plans: Vec<IndexPlanRow>,
    audit: Vec<NewEntry>,
    /// How many people.
    pub count: usize,
}

/// The author of a change as recorded (only the id and name are kept).
fn author_of(record: &ChangeRecord) -> Result<Actor> {
    Ok(Actor {
        id: record
            .author_id
            .ok_or_else(|| StoreError::corrupt("a generated change without an author"))?,
        name: record.author_name.clone(),
        email: String::new(),
        role: Role::Practitioner,
    })
}

impl BulkRows {
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds a person's rows: serialises, chains and indexes as the normal
    /// path does. `detail` goes into the audit entries.
    pub fn add(&mut self, person: &BulkPerson, plan_types: &Registry, detail: &str) -> Result<()> {
        let person_id = person.id.to_string();
        let at = to_millis(person.created_at);
        let json = serde_json::to_string(&person.details).expect("details serialize");
        let author = &person.created_by;
        let (digest, hash) = chained_hash("person", &person_id, 1, at, author, None, &json, crate::audit::GENESIS);
        self.people.push((
            person_id.clone(),
            json.clone(),
            person.details.family_name.to_lowercase(),
            person.details.given_name.to_lowercase(),
            person.details.search_text(),
            author.id.to_string(),
            at,
        ));
        self.person_changes.push((
            person_id.clone(),
            1,
            at,
            author.id.to_string(),
            author.name.clone(),
            None,
            json,
            hash,
            digest,
        ));
        self.person_access.push((person_id.clone(), author.id.to_string(), at));
        self.audit.push(NewEntry {
            user_id: Some(author.id),
            address: Some("command line".to_owned()),
            action: "person.change".to_owned(),
            person_id: Some(person.id),
            version: Some(1),
            outcome: Some(Outcome::Allowed),
            detail: detail.to_owned(),
            ..Default::default()
        });
        for p in &person.plans {
            self.add_plan(p, plan_types, detail)?;
        }
        self.count += 1;
        Ok(())
    }

    fn add_plan(&mut self, p: &BulkPlan, plan_types: &Registry, detail: &str) -> Result<()> {
        let plan = &p.plan;
        let plan_id = plan.id.to_string();
        if p.log.len() as i64 != plan.version {
            return Err(StoreError::corrupt(format!(
                "plan {plan_id}: its log is not its version"
            )));
        }
        let created_at = to_millis(p.log[0].at);
        let mut prev = crate::audit::GENESIS.to_owned();
        for record in &p.log {
            let change = serde_json::to_string(&record.change).expect("change serializes");
            let at = to_millis(record.at);
            let author = author_of(record)?;
            let (digest, hash) = chained_hash(
                "plan",
                &plan_id,
                record.seq,
                at,
                &author,
                record.reason.as_deref(),
                &change,
                &prev,
            );
            self.plan_changes.push((
                plan_id.clone(),
                record.seq,
                at,
                author.id.to_string(),
                author.name,
                record.reason.clone(),
                change,
                hash.clone(),
                digest,
            ));
            prev = hash;
        }
        let updated_at = to_millis(plan.updated_at);
        self.plans.push((
            plan_id.clone(),
            plan.person_id.to_string(),
            plan.plan_type.clone(),
            i64::from(plan.number),
            plan.details.title.clone(),
            plan.status.as_str().to_owned(),
            plan.version,
            serde_json::to_string(plan).expect("plan serializes"),
            created_at,
            updated_at,
        ));
        // The creator's grant, then the parties' as the last save left them.
        self.plan_access
            .push((plan_id.clone(), p.creator.id.to_string(), "creator", created_at));
        if p.log.len() > 1 {
            let mut users: Vec<Uuid> = plan.users_with_access().collect();
            users.sort();
            users.dedup();
            for user in users {
                self.plan_access
                    .push((plan_id.clone(), user.to_string(), "party", updated_at));
            }
        }
        let mut meetings = Vec::new();
        for r in &p.records {
            self.records.push((
                r.id.to_string(),
                plan_id.clone(),
                r.kind,
                iso(r.on),
                r.record.clone(),
                r.recorded_by.id.to_string(),
                r.recorded_by.name.clone(),
                to_millis(r.recorded_at),
            ));
            if let Some(m) = &r.meeting {
                meetings.push(m.clone());
            }
        }
        let index = dashboard_index(plan, plan_types, &meetings, &[], None);
        let (due, plan_row) = index_rows(&plan_id, &index);
        self.due.extend(due);
        self.dashboard_plans.extend(plan_row);
        self.audit.push(NewEntry {
            user_id: Some(p.creator.id),
            address: Some("command line".to_owned()),
            action: "plan.change".to_owned(),
            person_id: Some(plan.person_id),
            plan_id: Some(plan.id),
            version: Some(plan.version),
            outcome: Some(Outcome::Allowed),
            detail: detail.to_owned(),
            ..Default::default()
        });
        Ok(())
    }
}

/// How many rows one INSERT carries (SQLite allows 32,766 bound values).
const CHUNK: usize = 400;

/// The tables the bulk path writes, with their columns in the order of
/// each row's fields.
macro_rules! people_table {
    () => {
        "people (id, details, family_name, given_name, search_text, version, created_by, created_at, updated_at)"
    };
}
macro_rules! person_changes_table {
    () => {
        "person_changes (person_id, seq, at, author_id, author_name, reason, details, hash, digest)"
    };
}
macro_rules! person_access_table {
    () => {
        "person_access (person_id, user_id, granted_at)"
    };
}
macro_rules! plans_table {
    () => {
        "plans (id, person_id, plan_type, number, title, status, version, state, created_at, updated_at)"
    };
}
macro_rules! plan_changes_table {
    () => {
        "plan_changes (plan_id, seq, at, author_id, author_name, reason, change, hash, digest)"
    };
}
macro_rules! plan_access_table {
    () => {
        "plan_access (plan_id, user_id, source, granted_at)"
    };
}
macro_rules! records_table {
    () => {
        "monitoring_records (id, plan_id, kind, on_date, record, recorded_by, recorded_by_name, recorded_at)"
    };
}

/// A value as a field of PostgreSQL's `COPY … FROM STDIN` text format.
trait CopyField {
    fn write_to(&self, out: &mut Vec<u8>);
}

impl CopyField for str {
    /// Backslash, tab, newline and carriage return are escaped; every
    /// other character (UTF-8) stands for itself.
    fn write_to(&self, out: &mut Vec<u8>) {
        for &byte in self.as_bytes() {
            match byte {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(byte),
            }
        }
    }
}

impl CopyField for String {
    fn write_to(&self, out: &mut Vec<u8>) {
        self.as_str().write_to(out);
    }
}

impl CopyField for i64 {
    fn write_to(&self, out: &mut Vec<u8>) {
        use std::io::Write as _;
        write!(out, "{self}").expect("writing to memory");
    }
}

impl CopyField for bool {
    fn write_to(&self, out: &mut Vec<u8>) {
        out.push(if *self { b't' } else { b'f' });
    }
}

impl<T: CopyField> CopyField for Option<T> {
    fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write_to(out),
            None => out.extend_from_slice(b"\\N"),
        }
    }
}

impl<T: CopyField + ?Sized> CopyField for &T {
    fn write_to(&self, out: &mut Vec<u8>) {
        (**self).write_to(out);
    }
}

/// A field of a bulk row: written into COPY's text on PostgreSQL, bound
/// as a parameter on SQLite.
trait BulkField: CopyField + for<'t> sqlx::Encode<'t, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> {}
impl<T: CopyField + for<'t> sqlx::Encode<'t, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>> BulkField for T {}

/// A row of a table the bulk path writes, its fields in the order of the
/// table's columns.
trait BulkRow {
    /// As a line of COPY's text format: fields tab-separated.
    fn write_to(&self, out: &mut Vec<u8>);
    /// As the parameters of one row of a multi-row INSERT.
    fn bind(&self, values: &mut sqlx::query_builder::Separated<'_, sqlx::Sqlite, &'static str>);
}

macro_rules! bulk_row_for_tuples {
    ($(($($name:ident . $index:tt),+))+) => {$(
        impl<$($name: BulkField),+> BulkRow for ($($name,)+) {
            fn write_to(&self, out: &mut Vec<u8>) {
                let mut first = true;
                $(
                    if !std::mem::take(&mut first) {
                        out.push(b'\t');
                    }
                    self.$index.write_to(out);
                )+
                out.push(b'\n');
            }

            fn bind(&self, values: &mut sqlx::query_builder::Separated<'_, sqlx::Sqlite, &'static str>) {
                $(values.push_bind(&self.$index);)+
            }
        }
    )+};
}
bulk_row_for_tuples! {
    (A.0, B.1, C.2)
    (A.0, B.1, C.2, D.3)
    (A.0, B.1, C.2, D.3, E.4)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9)
}

impl<R: BulkRow> BulkRow for &R {
    fn write_to(&self, out: &mut Vec<u8>) {
        (**self).write_to(out);
    }

    fn bind(&self, values: &mut sqlx::query_builder::Separated<'_, sqlx::Sqlite, &'static str>) {
        (**self).bind(values);
    }
}

/// Inserts `rows` into `table` (`t (a, b)`) with INSERTs of `chunk` rows
/// (the same text each time, so it is prepared once): SQLite's bulk path.
async fn insert_rows<R: BulkRow>(
    conn: &mut sqlx::SqliteConnection,
    table: &str,
    rows: impl IntoIterator<Item = R>,
    chunk: usize,
) -> Result<()> {
    let rows: Vec<R> = rows.into_iter().collect();
    for chunk in rows.chunks(chunk) {
        let mut qb = sqlx::QueryBuilder::new(format!("INSERT INTO {table} "));
        qb.push_values(chunk, |mut values, row| row.bind(&mut values));
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// How much COPY data is sent at a time.
const COPY_SEND: usize = 1 << 20;

/// Copies `rows` into `table` (`t (a, b)`) with one `COPY … FROM STDIN`:
/// PostgreSQL's bulk path, which parses no statement per row.
async fn copy_rows<R: BulkRow>(
    conn: &mut sqlx::PgConnection,
    table: &str,
    rows: impl IntoIterator<Item = R>,
) -> Result<()> {
    let mut copy = conn.copy_in_raw(&format!("COPY {table} FROM STDIN")).await?;
    let mut buffer = Vec::with_capacity(COPY_SEND);
    for row in rows {
        row.write_to(&mut buffer);
        if buffer.len() >= COPY_SEND {
            copy.send(std::mem::replace(&mut buffer, Vec::with_capacity(COPY_SEND)))
                .await?;
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer).await?;
    }
    copy.finish().await?;
    Ok(())
}

impl Store {
    /// Adds the users whose e-mail address is not taken yet, in one
    /// transaction; returns how many were added.
    pub async fn add_users_bulk(&self, users: &[BulkUser]) -> Result<u64> {
        let mut added = 0;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for chunk in users.chunks(CHUNK) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO users (id, email, name, role, password_hash, active, created_at) ",
                );
                qb.push_values(chunk, |mut b, u| {
                    b.push_bind(u.id.to_string())
                        .push_bind(&u.email)
                        .push_bind(&u.name)
                        .push_bind(u.role.as_str())
                        .push_bind(&u.password_hash)
                        .push_bind(true)
                        .push_bind(u.created_at);
                });
                qb.push(" ON CONFLICT (email) DO NOTHING");
                added += qb.build().execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
        });
        Ok(added)
    }

    /// Which of these people exist already.
    pub async fn existing_people(&self, ids: &[Uuid]) -> Result<std::collections::HashSet<Uuid>> {
        let mut found = std::collections::HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<String> = on_pool!(self, pool => {
                let mut qb = sqlx::QueryBuilder::new("SELECT id FROM people WHERE id IN (");
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(id.to_string());
                }
                qb.push(")");
                qb.build_query_scalar().fetch_all(pool).await?
            });
            for id in rows {
                found.insert(super::parse_uuid(&id)?);
            }
        }
        Ok(found)
    }

    /// Refreshes the database's statistics after a bulk load, so that its
    /// query planner knows a county's tables are large and a caseload
    /// small (without them PostgreSQL chose to scan every person for a
    /// practitioner's search).
    pub async fn analyze(&self) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("ANALYZE").execute(pool).await?;
        });
        if let Store::Sqlite(pool) = self {
            super::drop_sampled_statistics(pool).await?;
        }
        Ok(())
    }

    /// Writes the rows of many people in one transaction, then their audit
    /// entries (chained and, with `key`, checkpointed as every entry is).
    pub async fn write_bulk(&self, rows: &BulkRows, key: Option<&Key>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Store::Sqlite(pool) => write_bulk_sqlite(pool, rows).await?,
            Store::Postgres(pool) => write_bulk_postgres(pool, rows).await?,
        }
        let entries: Vec<&NewEntry> = rows.audit.iter().collect();
        for chunk in entries.chunks(4096) {
            self.append_audit(chunk, key).await?;
        }
        Ok(())
    }
}

/// The people's rows, in the order of [`people_table!`]'s columns (a new
/// person is at version 1, updated when created).
fn people_rows(rows: &BulkRows) -> impl Iterator<Item = impl BulkRow + '_> {
    rows.people
        .iter()
        .map(|r| (&r.0, &r.1, &r.2, &r.3, &r.4, 1_i64, &r.5, r.6, r.6))
}

/// SQLite's bulk path: multi-row INSERTs.
async fn write_bulk_sqlite(pool: &sqlx::SqlitePool, rows: &BulkRows) -> Result<()> {
    let mut conn = pool.acquire().await?;
    // A large page cache for this writer: the indexes of the histories
    // grow to hundreds of megabytes.
    sqlx::query("PRAGMA cache_size = -262144").execute(&mut *conn).await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    insert_rows(&mut tx, people_table!(), people_rows(rows), CHUNK).await?;
    insert_rows(&mut tx, person_changes_table!(), &rows.person_changes, CHUNK).await?;
    insert_rows(&mut tx, person_access_table!(), &rows.person_access, CHUNK).await?;
    // A plan's row carries its whole state: fewer to a statement.
    insert_rows(&mut tx, plans_table!(), &rows.plans, 64).await?;
    insert_rows(&mut tx, plan_changes_table!(), &rows.plan_changes, CHUNK).await?;
    insert_rows(&mut tx, plan_access_table!(), &rows.plan_access, CHUNK).await?;
    insert_rows(&mut tx, records_table!(), &rows.records, CHUNK).await?;
    insert_rows(&mut tx, due_table!(), &rows.due, CHUNK).await?;
    insert_rows(&mut tx, plan_row_table!(), &rows.dashboard_plans, CHUNK).await?;
    tx.commit().await?;
    Ok(())
}

/// PostgreSQL's bulk path: one COPY a table.
async fn write_bulk_postgres(pool: &sqlx::PgPool, rows: &BulkRows) -> Result<()> {
    let mut tx = pool.begin().await?;
    copy_rows(&mut tx, people_table!(), people_rows(rows)).await?;
    copy_rows(&mut tx, person_changes_table!(), &rows.person_changes).await?;
    copy_rows(&mut tx, person_access_table!(), &rows.person_access).await?;
    copy_rows(&mut tx, plans_table!(), &rows.plans).await?;
    copy_rows(&mut tx, plan_changes_table!(), &rows.plan_changes).await?;
    copy_rows(&mut tx, plan_access_table!(), &rows.plan_access).await?;
    copy_rows(&mut tx, records_table!(), &rows.records).await?;
    copy_rows(&mut tx, due_table!(), &rows.due).await?;
    copy_rows(&mut tx, plan_row_table!(), &rows.dashboard_plans).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::BulkRow;

    #[test]
    fn copy_text_escapes_what_would_end_a_field_or_row() {
        let mut out = Vec::new();
        let row = ("a\tb\nc\rd\\e \"f\" £12,50", Some(42_i64), None::<String>, true, "\\N");
        row.write_to(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\tb\\nc\\rd\\\\e \"f\" £12,50\t42\t\\N\tt\t\\\\N\n"
        );
    }
}
