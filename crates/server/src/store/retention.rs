//! Retention (issue 12, SPEC S4): closed plans are kept as their plan
//! type's `[retention]` rule says (crates/domain/src/retention.rs decides
//! *whether* and *when*), then removed; a person is anonymised once none of
//! their plans is kept. A legal hold on a plan or a person stops both.
//!
//! **Removing a plan** (one transaction per plan):
//! 1. a `retention_events` row records it: which plan, whose, its type, the
//!    rule and the day it became due, how many files and records went, who
//!    ran it, and the history it redacts (changes `1..=through_seq`, with
//!    the hash of the last one). It holds no content.
//! 2. the history's bodies and reasons are replaced by
//!    [`crate::audit::REDACTED`] (`redacted_by` = the event). On SQLite the
//!    triggers allow exactly that update when the event covers the row; on
//!    PostgreSQL the application calls `goldthread_retention_redact(event)`,
//!    a SECURITY DEFINER function (the application's role has no UPDATE on
//!    history), and the same rule is checked by a trigger. Who changed
//!    what and when stays, and the chain still verifies (store/chain.rs).
//! 3. its uploaded files, the records of doing it (meetings, notes,
//!    ratings, requests, minutes sent), its dashboard index and reminders,
//!    notifications, invitations, copies sent and their e-mails, and who
//!    could see it are deleted;
//! 4. the projection becomes a placeholder ("Removed", no content) marked
//!    `removed_at`, which every page, list and search leaves out.
//!
//! **Anonymising a person** (after their last kept plan is removed): a new
//! change is appended to their history with the details replaced by
//! "Anonymised person" (a recorded, chained change like any other), an
//! event records it, the earlier changes are redacted as above, their
//! photos and access rows are deleted, and the person is hidden.
//!
//! The audit log keeps who/when/what of earlier reads and writes; the
//! reasons people gave in entries about the removed plan or the anonymised
//! person (written since migration 0015, whose hash covers the reason's
//! digest) are removed by the same event, and verification accepts that
//! only where the event covers the entry. Each removal and anonymisation is
//! itself written to it (`retention.plan_removed`,
//! `retention.person_anonymised`, naming the event).

use goldthread_domain::person::PersonDetails;
use goldthread_domain::plan::{Change, ChangeRecord, Plan, PlanDetails, PlanStatus};
use goldthread_domain::retention::{Assessment, Facts, assess, check_hold_reason};
use goldthread_domain::user::Actor;
use time::Date;
use uuid::Uuid;

use super::chain::insert_person_change;
use super::{Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};
use crate::audit::{Key, NewEntry, REDACTED};

/// One closed plan, as retention sees it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RetentionItem {
    pub plan_id: Uuid,
    pub person_id: Uuid,
    /// The person's name, for the administrator deciding on holds.
    pub person_name: String,
    pub plan_type: String,
    pub number: i64,
    /// `closed` or `superseded`.
    pub status: String,
    /// The day it closed (its last change).
    #[schema(value_type = String, format = Date)]
    pub closed_on: Date,
    /// The plan type's rule in words, if it has one.
    pub rule: Option<String>,
    /// Whether it is due, held or kept, and until when.
    pub assessment: Assessment,
    /// The assessment in words.
    pub summary: String,
}

/// A legal hold on a plan or a person.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Hold {
    pub id: Uuid,
    pub plan_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub reason: String,
    pub set_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub set_at: time::OffsetDateTime,
    pub lifted_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub lifted_at: Option<time::OffsetDateTime>,
    pub lift_reason: Option<String>,
}

/// What a hold is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldTarget {
    Plan(Uuid),
    Person(Uuid),
}

/// One entry of the record of what retention removed (no content).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RetentionEvent {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
    /// `plan` (the plan's content removed) or `person` (anonymised).
    pub kind: String,
    pub subject_id: Uuid,
    pub person_id: Uuid,
    pub plan_type: Option<String>,
    /// The history's changes 1 to this were redacted.
    pub through_seq: i64,
    pub rule: String,
    /// The first day the rule allowed removal.
    pub due_on: String,
    pub files_deleted: i64,
    pub records_deleted: i64,
    /// Who ran it ("scheduler" for the scheduler inside `serve`).
    pub run_by_name: String,
}

/// What one run did (or, dry, would do).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct RunReport {
    /// True when nothing was changed.
    pub dry_run: bool,
    /// Plans removed (dry: due).
    pub plans: Vec<RetentionItem>,
    /// People anonymised (dry: who would be).
    pub people: Vec<Uuid>,
    /// The events recorded (empty when dry).
    pub events: Vec<RetentionEvent>,
}

type EventRow = (
    String,
    i64,
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    String,
    i64,
    i64,
    String,
);

const EVENT_COLUMNS: &str = "id, at, kind, subject_id, person_id, plan_type, through_seq, rule, due_on, files_deleted, records_deleted, run_by_name";

fn event(row: EventRow) -> Result<RetentionEvent> {
    let (id, at, kind, subject, person, plan_type, through_seq, rule, due_on, files, records, by) = row;
    Ok(RetentionEvent {
        id: parse_uuid(&id)?,
        at: from_millis(at),
        kind,
        subject_id: parse_uuid(&subject)?,
        person_id: parse_uuid(&person)?,
        plan_type,
        through_seq,
        rule,
        due_on,
        files_deleted: files,
        records_deleted: records,
        run_by_name: by,
    })
}

type HoldRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
);

const HOLD_COLUMNS: &str =
    "id, plan_id, person_id, reason, set_by_name, set_at, lifted_by_name, lifted_at, lift_reason";

fn hold(row: HoldRow) -> Result<Hold> {
    let (id, plan, person, reason, set_by, set_at, lifted_by, lifted_at, lift_reason) = row;
    Ok(Hold {
        id: parse_uuid(&id)?,
        plan_id: plan.as_deref().map(parse_uuid).transpose()?,
        person_id: person.as_deref().map(parse_uuid).transpose()?,
        reason,
        set_by_name: set_by,
        set_at: from_millis(set_at),
        lifted_by_name: lifted_by,
        lifted_at: lifted_at.map(from_millis),
        lift_reason,
    })
}

/// The details an anonymised person's record keeps.
pub fn anonymised_details() -> PersonDetails {
    PersonDetails {
        given_name: "Anonymised".into(),
        family_name: "person".into(),
        known_as: None,
        date_of_birth: None,
        setting: None,
        communication: None,
        presenting_information: None,
    }
}

/// The projection a removed plan keeps: its identity and status, no content.
fn placeholder(
    plan_id: Uuid,
    person_id: Uuid,
    plan_type: &str,
    number: i64,
    status: &str,
    version: i64,
) -> Result<Plan> {
    let created = ChangeRecord {
        seq: 1,
        at: now(),
        author_id: None,
        author_name: "retention".into(),
        reason: None,
        change: Change::Created {
            person_id,
            plan_type: plan_type.to_owned(),
            number: u32::try_from(number).unwrap_or(1),
            details: PlanDetails {
                title: "Removed under retention".into(),
                start_date: None,
                review_interval_weeks: None,
            },
        },
    };
    let mut plan = Plan::from_creation(plan_id, &created).map_err(StoreError::corrupt)?;
    plan.status = PlanStatus::parse(status).unwrap_or(PlanStatus::Closed);
    plan.version = version;
    Ok(plan)
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

impl Store {
    /// Every closed plan not yet removed, with whether it is due on `today`
    /// (administrators only).
    pub async fn retention_overview(&self, actor: &Actor, today: Date) -> Result<Vec<RetentionItem>> {
        require_admin(actor)?;
        type Row = (String, String, String, i64, String, String, Option<i64>, bool);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT p.id, p.person_id, p.plan_type, p.number, p.status, pe.details, \
                   (SELECT c.at FROM plan_changes c WHERE c.plan_id = p.id ORDER BY c.seq DESC LIMIT 1), \
                   EXISTS (SELECT 1 FROM legal_holds h WHERE h.lifted_at IS NULL AND (h.plan_id = p.id OR h.person_id = p.person_id)) \
                 FROM plans p JOIN people pe ON pe.id = p.person_id \
                 WHERE p.removed_at IS NULL AND p.status IN ('closed', 'superseded') ORDER BY p.id",
            )
            .fetch_all(pool)
            .await?
        });
        let registry = super::monitoring::plan_types();
        let zone = crate::local_time::zone();
        let mut items = Vec::with_capacity(rows.len());
        for (id, person, plan_type, number, status, details, last_at, held) in rows {
            let details: PersonDetails =
                serde_json::from_str(&details).map_err(|e| StoreError::corrupt(format!("person details: {e}")))?;
            let closed_on = crate::local_time::date_in(from_millis(last_at.unwrap_or(0)), &zone);
            let rule = registry.get(&plan_type).and_then(|t| t.retention.as_ref());
            let assessment = assess(
                rule,
                Facts {
                    closed_on: Some(closed_on),
                    date_of_birth: details.date_of_birth,
                    held,
                    today,
                },
            );
            items.push(RetentionItem {
                plan_id: parse_uuid(&id)?,
                person_id: parse_uuid(&person)?,
                person_name: details.full_name(),
                plan_type,
                number,
                status,
                closed_on,
                rule: rule.map(|r| r.describe()),
                summary: assessment.describe(),
                assessment,
            });
        }
        Ok(items)
    }

    /// Removes every plan due on `today` and anonymises every person none
    /// of whose plans is kept any more; with `dry_run`, only says what
    /// would go. Each plan and person in its own transaction, each
    /// re-checked inside it (a hold set meanwhile wins). `key` signs audit
    /// checkpoints (as the audit writer does).
    pub async fn retention_run(
        &self,
        actor: &Actor,
        today: Date,
        dry_run: bool,
        key: Option<&Key>,
    ) -> Result<RunReport> {
        require_admin(actor)?;
        let due: Vec<RetentionItem> = self
            .retention_overview(actor, today)
            .await?
            .into_iter()
            .filter(|i| i.assessment.is_due())
            .collect();
        let mut report = RunReport {
            dry_run,
            ..RunReport::default()
        };
        let mut people: Vec<Uuid> = Vec::new();
        for item in due {
            if !people.contains(&item.person_id) {
                people.push(item.person_id);
            }
            if !dry_run {
                let Some(event) = self.remove_plan(actor, &item).await? else {
                    continue;
                };
                self.record_retention(actor, &event, key).await;
                report.events.push(event);
            }
            report.plans.push(item);
        }
        for person in people {
            if dry_run {
                // Would every plan of theirs be gone after this run?
                let kept: i64 = on_pool!(self, pool => {
                    sqlx::query_scalar(
                        "SELECT COUNT(*) FROM plans p WHERE p.person_id = $1 AND p.removed_at IS NULL",
                    )
                    .bind(person.to_string())
                    .fetch_one(pool)
                    .await?
                });
                let going = report.plans.iter().filter(|p| p.person_id == person).count() as i64;
                if kept == going && !self.person_held(person).await? {
                    report.people.push(person);
                }
            } else if let Some(event) = self.anonymise_person(actor, person).await? {
                self.record_retention(actor, &event, key).await;
                report.events.push(event);
                report.people.push(person);
            }
        }
        Ok(report)
    }

    async fn person_held(&self, person: Uuid) -> Result<bool> {
        let held: bool = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM legal_holds WHERE lifted_at IS NULL AND person_id = $1)",
            )
            .bind(person.to_string())
            .fetch_one(pool)
            .await?
        });
        Ok(held)
    }

    /// Writes the event to the audit log (its chain and checkpoints make
    /// the record tamper-evident beyond the event table's triggers).
    async fn record_retention(&self, actor: &Actor, event: &RetentionEvent, key: Option<&Key>) {
        let plan = event.kind == "plan";
        let entry = NewEntry {
            user_id: (!actor.id.is_nil()).then_some(actor.id),
            address: None,
            action: if plan {
                "retention.plan_removed"
            } else {
                "retention.person_anonymised"
            }
            .into(),
            person_id: Some(event.person_id),
            plan_id: plan.then_some(event.subject_id),
            version: Some(event.through_seq),
            outcome: None,
            reason: None,
            detail: format!("retention event {} ({})", event.id, event.rule),
        };
        if let Err(e) = self.append_audit(&[&entry], key).await {
            tracing::warn!(error = %e, event = %event.id, "could not write the retention event to the audit log");
        }
    }

    /// Removes one plan (see the module's documentation); `None` when it
    /// is no longer due (removed, or held, meanwhile).
    async fn remove_plan(&self, actor: &Actor, item: &RetentionItem) -> Result<Option<RetentionEvent>> {
        let plan_id = item.plan_id.to_string();
        let event_id = Uuid::new_v4();
        let at = now();
        let postgres = matches!(self, Store::Postgres(_));
        let run_by = run_by(actor);
        let due_on = match item.assessment {
            Assessment::Due { on } => on.to_string(),
            _ => return Ok(None),
        };
        let rule = item.rule.clone().unwrap_or_default();
        let event = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Lock the plan (PostgreSQL: the row; SQLite: the database) and
            // re-check it inside the transaction.
            let lock = if postgres {
                "SELECT version, status FROM plans WHERE id = $1 AND removed_at IS NULL FOR UPDATE"
            } else {
                "SELECT version, status FROM plans WHERE id = $1 AND removed_at IS NULL"
            };
            if !postgres {
                sqlx::query("UPDATE plans SET removed_at = NULL WHERE id = $1 AND removed_at IS NULL")
                    .bind(&plan_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let row: Option<(i64, String)> = sqlx::query_as(lock).bind(&plan_id).fetch_optional(&mut *tx).await?;
            let Some((version, status)) = row else {
                return Ok(None);
            };
            let held: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM legal_holds WHERE lifted_at IS NULL AND (plan_id = $1 OR person_id = $2))",
            )
            .bind(&plan_id)
            .bind(item.person_id.to_string())
            .fetch_one(&mut *tx)
            .await?;
            if held || PlanStatus::parse(&status).is_none_or(|s| s.is_active()) {
                return Ok(None);
            }
            let head_hash: Option<Option<String>> =
                sqlx::query_scalar("SELECT hash FROM plan_changes WHERE plan_id = $1 AND seq = $2")
                    .bind(&plan_id)
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            let files: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM files WHERE plan_id = $1")
                .bind(&plan_id)
                .fetch_one(&mut *tx)
                .await?;
            let mut records: i64 = 0;
            for table in ["monitoring_records", "minutes_sent", "clock_requests", "clock_requests_met"] {
                let sql = format!("SELECT COUNT(*) FROM {table} WHERE plan_id = $1");
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(&plan_id)
                    .fetch_one(&mut *tx)
                    .await?;
                records += n;
            }
            sqlx::query(
                "INSERT INTO retention_events (id, at, kind, subject_id, person_id, plan_type, through_seq, head_hash, rule, due_on, files_deleted, records_deleted, run_by, run_by_name) \
                 VALUES ($1, $2, 'plan', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(event_id.to_string())
            .bind(to_millis(at))
            .bind(&plan_id)
            .bind(item.person_id.to_string())
            .bind(&item.plan_type)
            .bind(version)
            .bind(head_hash.flatten())
            .bind(&rule)
            .bind(&due_on)
            .bind(files)
            .bind(records)
            .bind(run_by.0.clone())
            .bind(&run_by.1)
            .execute(&mut *tx)
            .await?;
            if postgres {
                sqlx::query("SELECT goldthread_retention_redact($1)")
                    .bind(event_id.to_string())
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query(
                    "UPDATE plan_changes SET change = $1, reason = NULL, redacted_by = $2 \
                     WHERE plan_id = $3 AND seq <= $4 AND redacted_by IS NULL",
                )
                .bind(REDACTED)
                .bind(event_id.to_string())
                .bind(&plan_id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                for table in ["clock_requests_met", "clock_requests", "minutes_sent", "monitoring_records"] {
                    let sql = format!("DELETE FROM {table} WHERE plan_id = $1");
                    sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&plan_id).execute(&mut *tx).await?;
                }
                sqlx::query(
                    "UPDATE audit_log SET reason = NULL, redacted_by = $1 \
                     WHERE plan_id = $2 AND reason IS NOT NULL AND reason_digest IS NOT NULL AND redacted_by IS NULL",
                )
                .bind(event_id.to_string())
                .bind(&plan_id)
                .execute(&mut *tx)
                .await?;
            }
            // Copies sent and their e-mails (which may hold the plan's text).
            let messages: Vec<Option<String>> =
                sqlx::query_scalar("SELECT message_id FROM plan_copies WHERE plan_id = $1")
                    .bind(&plan_id)
                    .fetch_all(&mut *tx)
                    .await?;
            for table in [
                "files",
                "plan_copies",
                "dashboard_due",
                "dashboard_plans",
                "reminders",
                "notifications",
                "invitations",
                "plan_access",
            ] {
                let sql = format!("DELETE FROM {table} WHERE plan_id = $1");
                sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&plan_id).execute(&mut *tx).await?;
            }
            for message in messages.into_iter().flatten() {
                sqlx::query("DELETE FROM outbox WHERE id = $1").bind(message).execute(&mut *tx).await?;
            }
            let plan = placeholder(item.plan_id, item.person_id, &item.plan_type, item.number, &status, version)?;
            let state = serde_json::to_string(&plan).expect("plan serializes");
            sqlx::query("UPDATE plans SET state = $1, title = $2, removed_at = $3 WHERE id = $4")
                .bind(&state)
                .bind(&plan.details.title)
                .bind(to_millis(at))
                .bind(&plan_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            // Nor is any of its versions kept in memory (store/recent.rs).
            super::recent::forget(item.plan_id);
            RetentionEvent {
                id: event_id,
                at,
                kind: "plan".into(),
                subject_id: item.plan_id,
                person_id: item.person_id,
                plan_type: Some(item.plan_type.clone()),
                through_seq: version,
                rule,
                due_on,
                files_deleted: files,
                records_deleted: records,
                run_by_name: run_by.1,
            }
        });
        Ok(Some(event))
    }

    /// Anonymises a person none of whose plans is kept any more (and who
    /// is not held); `None` otherwise.
    async fn anonymise_person(&self, actor: &Actor, person: Uuid) -> Result<Option<RetentionEvent>> {
        let person_id = person.to_string();
        let event_id = Uuid::new_v4();
        let at = now();
        let at_ms = to_millis(at);
        let postgres = matches!(self, Store::Postgres(_));
        let run_by = run_by(actor);
        let details = anonymised_details();
        let json = serde_json::to_string(&details).expect("details serialize");
        let reason = format!("Anonymised under retention (retention event {event_id})");
        let author = Actor {
            id: actor.id,
            name: run_by.1.clone(),
            email: String::new(),
            role: actor.role,
        };
        let event = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            if !postgres {
                sqlx::query("UPDATE people SET removed_at = NULL WHERE id = $1 AND removed_at IS NULL")
                    .bind(&person_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let lock = if postgres {
                "SELECT version FROM people WHERE id = $1 AND removed_at IS NULL FOR UPDATE"
            } else {
                "SELECT version FROM people WHERE id = $1 AND removed_at IS NULL"
            };
            let Some(version): Option<i64> = sqlx::query_scalar(lock).bind(&person_id).fetch_optional(&mut *tx).await? else {
                return Ok(None);
            };
            let (plans, kept): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE removed_at IS NULL) FROM plans WHERE person_id = $1",
            )
            .bind(&person_id)
            .fetch_one(&mut *tx)
            .await?;
            let held: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM legal_holds WHERE lifted_at IS NULL AND person_id = $1)",
            )
            .bind(&person_id)
            .fetch_one(&mut *tx)
            .await?;
            if plans == 0 || kept > 0 || held {
                return Ok(None);
            }
            let head_hash: Option<Option<String>> =
                sqlx::query_scalar("SELECT hash FROM person_changes WHERE person_id = $1 AND seq = $2")
                    .bind(&person_id)
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            let photos: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_photos WHERE person_id = $1")
                .bind(&person_id)
                .fetch_one(&mut *tx)
                .await?;
            // The anonymisation itself: a recorded, chained change.
            let next = version + 1;
            let actor_ref = &author;
            insert_person_change!(tx, person, next, at_ms, actor_ref, Some(reason.as_str()), &json);
            sqlx::query(
                "INSERT INTO retention_events (id, at, kind, subject_id, person_id, plan_type, through_seq, head_hash, rule, due_on, files_deleted, records_deleted, run_by, run_by_name) \
                 VALUES ($1, $2, 'person', $3, $3, NULL, $4, $5, $6, $7, $8, 0, $9, $10)",
            )
            .bind(event_id.to_string())
            .bind(at_ms)
            .bind(&person_id)
            .bind(version)
            .bind(head_hash.flatten())
            .bind("none of their plans is kept any more")
            .bind(crate::local_time::date_in(at, &crate::local_time::zone()).to_string())
            .bind(photos)
            .bind(run_by.0.clone())
            .bind(&run_by.1)
            .execute(&mut *tx)
            .await?;
            if postgres {
                sqlx::query("SELECT goldthread_retention_redact($1)")
                    .bind(event_id.to_string())
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query(
                    "UPDATE person_changes SET details = $1, reason = NULL, redacted_by = $2 \
                     WHERE person_id = $3 AND seq <= $4 AND redacted_by IS NULL",
                )
                .bind(REDACTED)
                .bind(event_id.to_string())
                .bind(&person_id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE audit_log SET reason = NULL, redacted_by = $1 \
                     WHERE person_id = $2 AND reason IS NOT NULL AND reason_digest IS NOT NULL AND redacted_by IS NULL",
                )
                .bind(event_id.to_string())
                .bind(&person_id)
                .execute(&mut *tx)
                .await?;
            }
            for table in ["person_photos", "person_access", "person_team_access"] {
                let sql = format!("DELETE FROM {table} WHERE person_id = $1");
                sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&person_id).execute(&mut *tx).await?;
            }
            sqlx::query(
                "UPDATE people SET details = $1, family_name = '', given_name = '', search_text = '', version = $2, updated_at = $3, removed_at = $3 WHERE id = $4",
            )
            .bind(&json)
            .bind(next)
            .bind(at_ms)
            .bind(&person_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            RetentionEvent {
                id: event_id,
                at,
                kind: "person".into(),
                subject_id: person,
                person_id: person,
                plan_type: None,
                through_seq: version,
                rule: "none of their plans is kept any more".into(),
                due_on: crate::local_time::date_in(at, &crate::local_time::zone()).to_string(),
                files_deleted: photos,
                records_deleted: 0,
                run_by_name: run_by.1,
            }
        });
        Ok(Some(event))
    }

    /// The record of what retention removed, newest first.
    pub async fn retention_events(&self, actor: &Actor, limit: i64) -> Result<Vec<RetentionEvent>> {
        require_admin(actor)?;
        let sql = format!("SELECT {EVENT_COLUMNS} FROM retention_events ORDER BY at DESC, id LIMIT $1");
        let rows: Vec<EventRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(event).collect()
    }

    /// Legal holds, current first (with `lifted`, also those lifted).
    pub async fn legal_holds(&self, actor: &Actor, lifted: bool) -> Result<Vec<Hold>> {
        require_admin(actor)?;
        let sql = format!(
            "SELECT {HOLD_COLUMNS} FROM legal_holds WHERE $1 OR lifted_at IS NULL ORDER BY lifted_at IS NOT NULL, set_at DESC, id"
        );
        let rows: Vec<HoldRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(lifted).fetch_all(pool).await?
        });
        rows.into_iter().map(hold).collect()
    }

    /// Sets a legal hold on a plan or a person (administrators only; the
    /// reason is required). A plan or person already removed, or unknown,
    /// is not found.
    pub async fn set_legal_hold(&self, actor: &Actor, target: HoldTarget, reason: &str) -> Result<Hold> {
        require_admin(actor)?;
        let reason = check_hold_reason(reason).map_err(StoreError::Invalid)?;
        let (table, id) = match target {
            HoldTarget::Plan(id) => ("plans", id),
            HoldTarget::Person(id) => ("people", id),
        };
        let exists_sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1 AND removed_at IS NULL");
        let hold_id = Uuid::new_v4();
        let at = to_millis(now());
        let actor_id = (!actor.id.is_nil()).then(|| actor.id.to_string());
        on_pool!(self, pool => {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(exists_sql.as_str()))
                .bind(id.to_string())
                .fetch_one(pool)
                .await?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            let (plan, person) = match target {
                HoldTarget::Plan(id) => (Some(id.to_string()), None),
                HoldTarget::Person(id) => (None, Some(id.to_string())),
            };
            sqlx::query(
                "INSERT INTO legal_holds (id, plan_id, person_id, reason, set_by, set_by_name, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(hold_id.to_string())
            .bind(plan)
            .bind(person)
            .bind(&reason)
            .bind(actor_id)
            .bind(&actor.name)
            .bind(at)
            .execute(pool)
            .await?;
        });
        self.legal_hold(hold_id).await
    }

    async fn legal_hold(&self, id: Uuid) -> Result<Hold> {
        let sql = format!("SELECT {HOLD_COLUMNS} FROM legal_holds WHERE id = $1");
        let row: Option<HoldRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id.to_string()).fetch_optional(pool).await?
        });
        hold(row.ok_or(StoreError::NotFound)?)
    }

    /// Lifts a hold (administrators only; the reason is required). A hold
    /// already lifted, or unknown, is not found.
    pub async fn lift_legal_hold(&self, actor: &Actor, id: Uuid, reason: &str) -> Result<Hold> {
        require_admin(actor)?;
        let reason = check_hold_reason(reason).map_err(StoreError::Invalid)?;
        let at = to_millis(now());
        let actor_id = (!actor.id.is_nil()).then(|| actor.id.to_string());
        let updated = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE legal_holds SET lifted_by = $1, lifted_by_name = $2, lifted_at = $3, lift_reason = $4 WHERE id = $5 AND lifted_at IS NULL",
            )
            .bind(actor_id)
            .bind(&actor.name)
            .bind(at)
            .bind(&reason)
            .bind(id.to_string())
            .execute(pool)
            .await?
            .rows_affected()
        });
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        self.legal_hold(id).await
    }
}

/// Who ran it, as recorded: the user's id (none for the command line and
/// the scheduler, which act as the nil user) and name.
fn run_by(actor: &Actor) -> (Option<String>, String) {
    ((!actor.id.is_nil()).then(|| actor.id.to_string()), actor.name.clone())
}
