//! Doing the plan (SPEC M1–M4): planning meetings, progress notes,
//! attendance and ratings, and the dashboard's index.
//!
//! **Where they are kept.** These records are not edits of what the plan
//! says, so they are not [`goldthread_domain::plan::Change`]s in the plan's
//! log: each is one row of the append-only table `monitoring_records`
//! (migration 0009), written once with who recorded it and when, never
//! updated or deleted (database triggers refuse both). A correction is a
//! new row (the later mark or rating for the same date counts); a
//! carried-forward action point is a follow-up in a later meeting.
//!
//! **Access.** Every read joins the plan and applies the same visibility
//! rule as plans (`PLAN_VISIBLE`), so a plan the actor may not see is not
//! found (404); writing needs write access to the plan.
//!
//! **The dashboard's index.** `dashboard_due` and `dashboard_plans` hold
//! what [`goldthread_domain::monitoring::index::index_plan`] derives from a
//! plan and its meetings; they are rebuilt for that plan (under the plan's
//! row lock) after each change of the plan and each meeting recorded, so
//! the dashboard reads indexed rows and never scans plans' stored state.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use goldthread_domain::monitoring::Recorded;
use goldthread_domain::monitoring::calendar::{BankHolidays, Region};
use goldthread_domain::monitoring::dashboard::{
    AgreementRow, DashboardInput, DueItem, DueKind, SafetyPlanRow, WeeklyReviewRow,
};
use goldthread_domain::monitoring::index::{PlanIndex, index_plan_with};
use goldthread_domain::monitoring::meetings::{Meeting, MeetingInput, MeetingLabels};
use goldthread_domain::monitoring::progress::{
    Attendance, AttendanceInput, ProgressNote, ProgressNoteInput, Rating, RatingInput,
};
use goldthread_domain::monitoring::requests::request_items;
use goldthread_domain::plan::Plan;
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::AssertSqlSafe;
use time::Date;
use uuid::Uuid;

use super::plans::PLAN_VISIBLE;
use super::{Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};

static PLAN_TYPES: LazyLock<RwLock<Arc<Registry>>> = LazyLock::new(|| RwLock::new(Arc::new(Registry::builtin())));
pub(super) static CALENDAR: LazyLock<BankHolidays> = LazyLock::new(BankHolidays::builtin);

/// The plan types the dashboard's index is derived with: set once at
/// start-up (like the time zone, one setting for the process).
pub fn set_plan_types(plan_types: Arc<Registry>) {
    *PLAN_TYPES.write().unwrap_or_else(|e| e.into_inner()) = plan_types;
}

pub(super) fn plan_types() -> Arc<Registry> {
    PLAN_TYPES.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Which bank holidays a plan's working days skip: Scotland's for the
/// Child's Plan, England and Wales' otherwise.
pub(super) fn region_of(plan: &Plan) -> Region {
    if plan.plan_type == "CP" {
        Region::Scotland
    } else {
        Region::EnglandAndWales
    }
}

/// Rewrites a plan's rows of the dashboard's index in the transaction
/// `$tx`, from `$plan` as it now stands (`&Plan`) and its meetings and
/// requests: by [`Store::refresh_dashboard`], and by a save of the plan in
/// its own transaction, so the index never lags behind a save. Given where
/// the parties stood before the save and stand after it
/// (`Some((&Standings, &Standings))`, worked out before the save's turn),
/// rows the save leaves as they were are not rewritten.
macro_rules! write_dashboard_index {
    ($tx:ident, $plan_id:expr, $plan:expr, $plan_types:expr, $standings:expr) => {{
        let plan_id: uuid::Uuid = $plan_id;
        let plan: &goldthread_domain::plan::Plan = $plan;
        let plan_types: &goldthread_domain::plan_type::Registry = $plan_types;
        let standings: Option<(
            &goldthread_domain::agreement::Standings<'_>,
            &goldthread_domain::agreement::Standings<'_>,
        )> = $standings;
        let meetings: Vec<String> = sqlx::query_scalar($crate::store::monitoring::INDEX_MEETINGS)
            .bind(plan_id.to_string())
            .fetch_all(&mut *$tx)
            .await?;
        let requests: Vec<$crate::store::requests::Row> =
            sqlx::query_as(sqlx::AssertSqlSafe($crate::store::monitoring::INDEX_REQUESTS.as_str()))
                .bind(plan_id.to_string())
                .fetch_all(&mut *$tx)
                .await?;
        let rows =
            $crate::store::monitoring::index_to_write(plan_id, plan, plan_types, &meetings, requests, standings)?;
        if let Some((due, plan_row)) = rows {
            sqlx::query($crate::store::monitoring::DELETE_DUE)
                .bind(plan_id.to_string())
                .execute(&mut *$tx)
                .await?;
            sqlx::query($crate::store::monitoring::DELETE_PLAN_ROW)
                .bind(plan_id.to_string())
                .execute(&mut *$tx)
                .await?;
            for r in &due {
                sqlx::query($crate::store::monitoring::INSERT_DUE_ROW)
                    .bind(&r.0)
                    .bind(&r.1)
                    .bind(r.2)
                    .bind(&r.3)
                    .bind(&r.4)
                    .bind(&r.5)
                    .bind(&r.6)
                    .bind(r.7)
                    .bind(&r.8)
                    .execute(&mut *$tx)
                    .await?;
            }
            if let Some(r) = &plan_row {
                sqlx::query($crate::store::monitoring::INSERT_PLAN_ROW)
                    .bind(&r.0)
                    .bind(&r.1)
                    .bind(&r.2)
                    .bind(r.3)
                    .bind(&r.4)
                    .bind(&r.5)
                    .bind(&r.6)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    }};
}
pub(crate) use write_dashboard_index;

/// The table and columns of the dashboard's due items (a row of them is a
/// [`DueRow`]).
macro_rules! due_table {
    () => {
        "dashboard_due (plan_id, item_key, kind, label, agency, due, done_on, closed, owner_id)"
    };
}
pub(crate) use due_table;

/// The table and columns of a plan's row of the dashboard's index (a row
/// of them is an [`IndexPlanRow`]).
macro_rules! plan_row_table {
    () => {
        "dashboard_plans (plan_id, agreement_asked_on, still_to_agree, safety_plan, safety_checked_on, weekly_from, last_weekly_review)"
    };
}
pub(crate) use plan_row_table;

/// A plan's meetings, as the index reads them in a save's transaction.
pub(super) const INDEX_MEETINGS: &str = "SELECT record FROM monitoring_records WHERE plan_id = $1 AND kind = 'meeting'";
/// A plan's requests (see [`super::requests::SELECT`]), likewise.
pub(super) static INDEX_REQUESTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} WHERE r.plan_id = $1 ORDER BY r.requested_on, r.id",
        super::requests::SELECT
    )
});
/// One row of each, as a save writes them.
pub(super) const INSERT_DUE_ROW: &str = concat!(
    "INSERT INTO ",
    due_table!(),
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
);
pub(super) const INSERT_PLAN_ROW: &str = concat!(
    "INSERT INTO ",
    plan_row_table!(),
    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
);
pub(super) const DELETE_DUE: &str = "DELETE FROM dashboard_due WHERE plan_id = $1";
pub(super) const DELETE_PLAN_ROW: &str = "DELETE FROM dashboard_plans WHERE plan_id = $1";

/// A row of `dashboard_due`, in the order of [`due_table!`]'s columns.
pub(super) type DueRow = (
    String,
    String,
    &'static str,
    String,
    Option<String>,
    String,
    Option<String>,
    bool,
    Option<String>,
);

/// A row of `dashboard_plans`, in the order of [`plan_row_table!`]'s
/// columns.
pub(super) type IndexPlanRow = (
    String,
    Option<String>,
    Option<String>,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The rows that hold `index` for the plan `plan_id`: the one mapping
/// behind every writer of the index (a save, on either driver, and the
/// bulk path, store/bulk.rs).
pub(super) fn index_rows(plan_id: &str, index: &PlanIndex) -> (Vec<DueRow>, Option<IndexPlanRow>) {
    let due = index
        .due
        .iter()
        .map(|item| {
            (
                plan_id.to_owned(),
                item.key.clone(),
                kind_str(item.kind),
                item.label.clone(),
                item.agency.clone(),
                iso(item.due),
                item.done_on.map(iso),
                item.closed,
                item.owner.map(|u| u.to_string()),
            )
        })
        .collect();
    let plan_row = (index.agreement.is_some() || index.safety_plan.is_some() || index.weekly.is_some()).then(|| {
        (
            plan_id.to_owned(),
            index.agreement.as_ref().map(|(on, _)| iso(*on)),
            index
                .agreement
                .as_ref()
                .map(|(_, who)| serde_json::to_string(who).expect("names serialize")),
            index.safety_plan.is_some(),
            index.safety_plan.flatten().map(iso),
            index.weekly.map(|(from, _)| iso(from)),
            index.weekly.and_then(|(_, last)| last).map(iso),
        )
    });
    (due, plan_row)
}

/// What a save writes to the dashboard's index of its plan, given the
/// plan's meetings and requests as read in its transaction: the rows
/// that replace the plan's, or `None` when they would be the same as
/// before the save (`standings` before and after, where known).
pub(super) fn index_to_write(
    plan_id: Uuid,
    plan: &Plan,
    plan_types: &Registry,
    meetings: &[String],
    requests: Vec<super::requests::Row>,
    standings: Option<(
        &goldthread_domain::agreement::Standings<'_>,
        &goldthread_domain::agreement::Standings<'_>,
    )>,
) -> Result<Option<(Vec<DueRow>, Option<IndexPlanRow>)>> {
    let meetings = meetings
        .iter()
        .map(|r| serde_json::from_str::<Meeting>(r).map_err(|e| StoreError::corrupt(format!("meeting: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    let requests = requests
        .into_iter()
        .map(|row| Ok(super::requests::decode(plan_id, row)?.plan_request()))
        .collect::<Result<Vec<_>>>()?;
    let index = dashboard_index(plan, plan_types, &meetings, &requests, standings.map(|s| s.1));
    let unchanged = standings.is_some_and(|(before, _)| {
        dashboard_index(before.plan(), plan_types, &meetings, &requests, Some(before)) == index
    });
    Ok((!unchanged).then(|| index_rows(&plan_id.to_string(), &index)))
}

/// What the dashboard's index holds for one plan, from the plan, its
/// meetings and its requests: the one derivation behind every writer of
/// the index (here and the bulk path, store/bulk.rs).
pub(super) fn dashboard_index(
    plan: &Plan,
    plan_types: &Registry,
    meetings: &[Meeting],
    requests: &[goldthread_domain::monitoring::requests::PlanRequest],
    standings: Option<&goldthread_domain::agreement::Standings<'_>>,
) -> PlanIndex {
    let plan_type = plan_types.get(&plan.plan_type);
    let mut index = index_plan_with(plan, plan_type, meetings, &CALENDAR, region_of(plan), standings);
    index
        .due
        .extend(request_items(plan, plan_type, requests, &CALENDAR, region_of(plan)));
    index
}

/// Everything recorded while carrying out one plan, each list in date
/// order (then in the order recorded).
#[derive(Debug, Clone, Default)]
pub struct MonitoringLog {
    pub meetings: Vec<Recorded<Meeting>>,
    pub notes: Vec<Recorded<ProgressNote>>,
    pub attendance: Vec<Recorded<Attendance>>,
    pub ratings: Vec<Recorded<Rating>>,
    /// Who recorded each, by user id.
    pub names: HashMap<Uuid, String>,
}

impl MonitoringLog {
    pub fn meeting_records(&self) -> Vec<Meeting> {
        self.meetings.iter().map(|m| m.record.clone()).collect()
    }

    pub fn attendance_records(&self) -> Vec<Attendance> {
        self.attendance.iter().map(|m| m.record.clone()).collect()
    }

    pub fn rating_records(&self) -> Vec<Rating> {
        self.ratings.iter().map(|m| m.record.clone()).collect()
    }

    pub fn name_of(&self, user_id: Uuid) -> &str {
        self.names.get(&user_id).map_or("", String::as_str)
    }
}

/// Whose dashboard: the actor's own plans, or a team's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardScope {
    /// Plans the actor has been given themselves (created, party, grant).
    Mine,
    /// Plans of the team's members and plans shared with the team.
    Team(Uuid),
}

/// A plan on someone's dashboard: "my people".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardPlan {
    pub plan_id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub plan_type: String,
    pub title: String,
}

/// What the dashboard lists from, read from the index.
#[derive(Debug, Clone, Default)]
pub struct DashboardRows {
    pub plans: Vec<DashboardPlan>,
    /// Open items due on or before `until`.
    pub input: DashboardInput,
    /// Reviews, meetings and meeting action points due in the quarter before today.
    pub quarter: Vec<DueItem>,
}

pub(super) fn kind_str(kind: DueKind) -> &'static str {
    match kind {
        DueKind::Review => "review",
        DueKind::Action => "action",
        DueKind::MeetingAction => "meeting_action",
        DueKind::Clock => "clock",
        DueKind::Request => "request",
    }
}

fn parse_kind(kind: &str) -> Result<DueKind> {
    Ok(match kind {
        "review" => DueKind::Review,
        "action" => DueKind::Action,
        "meeting_action" => DueKind::MeetingAction,
        "clock" => DueKind::Clock,
        "request" => DueKind::Request,
        other => return Err(StoreError::corrupt(format!("due kind {other:?}"))),
    })
}

pub(super) fn iso(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).expect("a date formats")
}

fn parse_date(text: &str) -> Result<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_err(|e| StoreError::corrupt(format!("date {text:?}: {e}")))
}

fn opt_date(text: Option<String>) -> Result<Option<Date>> {
    text.as_deref().map(parse_date).transpose()
}

fn person_name(details: &str) -> Result<String> {
    let details: goldthread_domain::person::PersonDetails =
        serde_json::from_str(details).map_err(|e| StoreError::corrupt(format!("person details: {e}")))?;
    Ok(details.full_name())
}

type RecordRow = (String, String, String, String, String, i64);

fn decode<T: DeserializeOwned>(plan_id: Uuid, row: &RecordRow) -> Result<Recorded<T>> {
    let (id, _, record, by, _, at) = row;
    Ok(Recorded {
        id: parse_uuid(id)?,
        plan_id,
        recorded_by: parse_uuid(by)?,
        recorded_at: from_millis(*at),
        record: serde_json::from_str(record).map_err(|e| StoreError::corrupt(format!("monitoring record: {e}")))?,
    })
}

impl Store {
    /// Everything recorded while carrying out the plan, if the actor may
    /// see it.
    pub async fn monitoring_log(&self, actor: &Actor, plan_id: Uuid) -> Result<MonitoringLog> {
        // The plan itself first: a plan the actor may not see is not found
        // even when nothing has been recorded yet.
        self.plan(actor, plan_id).await?;
        let sql = format!(
            "SELECT r.id, r.kind, r.record, r.recorded_by, r.recorded_by_name, r.recorded_at \
             FROM monitoring_records r JOIN plans p ON p.id = r.plan_id \
             WHERE r.plan_id = $3 AND {PLAN_VISIBLE} ORDER BY r.on_date, r.recorded_at, r.id"
        );
        let rows: Vec<RecordRow> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(plan_id.to_string())
                .fetch_all(pool)
                .await?
        });
        Self::log_of(plan_id, &rows)
    }

    fn log_of(plan_id: Uuid, rows: &[RecordRow]) -> Result<MonitoringLog> {
        let mut log = MonitoringLog::default();
        for row in rows {
            log.names.insert(parse_uuid(&row.3)?, row.4.clone());
            match row.1.as_str() {
                "meeting" => log.meetings.push(decode(plan_id, row)?),
                "note" => log.notes.push(decode(plan_id, row)?),
                "attendance" => log.attendance.push(decode(plan_id, row)?),
                "rating" => log.ratings.push(decode(plan_id, row)?),
                other => return Err(StoreError::corrupt(format!("monitoring kind {other:?}"))),
            }
        }
        Ok(log)
    }

    /// The plan, if the actor may see and change it.
    pub(super) async fn plan_to_record_on(&self, actor: &Actor, plan_id: Uuid) -> Result<Plan> {
        let plan = self.plan(actor, plan_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_plan_writable(actor, plan_id).await?;
        Ok(plan)
    }

    async fn insert_record<T: Serialize>(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        kind: &str,
        on: Date,
        record: T,
    ) -> Result<Recorded<T>> {
        let recorded = Recorded {
            id: Uuid::new_v4(),
            plan_id,
            recorded_by: actor.id,
            recorded_at: now(),
            record,
        };
        let json = serde_json::to_string(&recorded.record).expect("a record serializes");
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO monitoring_records (id, plan_id, kind, on_date, record, recorded_by, recorded_by_name, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(recorded.id.to_string())
            .bind(plan_id.to_string())
            .bind(kind)
            .bind(iso(on))
            .bind(&json)
            .bind(actor.id.to_string())
            .bind(&actor.name)
            .bind(to_millis(recorded.recorded_at))
            .execute(pool)
            .await?;
        });
        Ok(recorded)
    }

    /// Records a planning meeting, checked against the plan and its earlier
    /// meetings under the plan's row lock (so two meetings saved at once
    /// cannot both follow up the same points), then refreshes the index.
    pub async fn record_meeting(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        input: &MeetingInput,
        labels: &MeetingLabels,
    ) -> Result<Recorded<Meeting>> {
        self.plan_to_record_on(actor, plan_id).await?;
        let recorded = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query("UPDATE plans SET version = version WHERE id = $1")
                    .bind(plan_id.to_string())
                    .execute(&mut *tx)
                    .await?;
                let state: String = sqlx::query_scalar("SELECT state FROM plans WHERE id = $1")
                    .bind(plan_id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                let plan: Plan = serde_json::from_str(&state).map_err(|e| StoreError::corrupt(format!("plan state: {e}")))?;
                let records: Vec<String> = sqlx::query_scalar(
                    "SELECT record FROM monitoring_records WHERE plan_id = $1 AND kind = 'meeting' ORDER BY on_date",
                )
                .bind(plan_id.to_string())
                .fetch_all(&mut *tx)
                .await?;
                let earlier = records
                    .iter()
                    .map(|r| serde_json::from_str::<Meeting>(r).map_err(|e| StoreError::corrupt(format!("meeting: {e}"))))
                    .collect::<Result<Vec<_>>>()?;
                let meeting = input.parse(&plan, &earlier, labels, Uuid::new_v4)?;
                let recorded = Recorded {
                    id: Uuid::new_v4(),
                    plan_id,
                    recorded_by: actor.id,
                    recorded_at: now(),
                    record: meeting,
                };
                sqlx::query(
                    "INSERT INTO monitoring_records (id, plan_id, kind, on_date, record, recorded_by, recorded_by_name, recorded_at) \
                     VALUES ($1, $2, 'meeting', $3, $4, $5, $6, $7)",
                )
                .bind(recorded.id.to_string())
                .bind(plan_id.to_string())
                .bind(iso(recorded.record.date))
                .bind(serde_json::to_string(&recorded.record).expect("a meeting serializes"))
                .bind(actor.id.to_string())
                .bind(&actor.name)
                .bind(to_millis(recorded.recorded_at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok::<_, StoreError>(recorded)
            }
            .await
        })?;
        self.refresh_dashboard_after_save(plan_id).await;
        Ok(recorded)
    }

    /// Records a progress note linked to an outcome or target of this plan.
    pub async fn record_note(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        input: &ProgressNoteInput,
        today: Date,
    ) -> Result<Recorded<ProgressNote>> {
        let plan = self.plan_to_record_on(actor, plan_id).await?;
        let note = input.parse(&plan, today)?;
        self.insert_record(actor, plan_id, "note", note.date, note).await
    }

    /// Records attendance of a session of one of the plan's provision.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        input: &AttendanceInput,
        today: Date,
    ) -> Result<Recorded<Attendance>> {
        let plan = self.plan_to_record_on(actor, plan_id).await?;
        let mark = input.parse(&plan, today)?;
        self.insert_record(actor, plan_id, "attendance", mark.date, mark).await
    }

    /// Records a rating of progress towards one of the plan's outcomes.
    pub async fn record_rating(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        input: &RatingInput,
        today: Date,
    ) -> Result<Recorded<Rating>> {
        let plan = self.plan_to_record_on(actor, plan_id).await?;
        let rating = input.parse(&plan, today)?;
        self.insert_record(actor, plan_id, "rating", rating.date, rating).await
    }

    /// Rebuilds the dashboard's rows for one plan from the plan as it
    /// stands and its meetings, under the plan's row lock.
    pub async fn refresh_dashboard(&self, plan_id: Uuid) -> Result<()> {
        let plan_types = plan_types();
        on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query("UPDATE plans SET version = version WHERE id = $1")
                    .bind(plan_id.to_string())
                    .execute(&mut *tx)
                    .await?;
                let state: Option<String> = sqlx::query_scalar("SELECT state FROM plans WHERE id = $1")
                    .bind(plan_id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(state) = state else {
                    return Ok(());
                };
                let plan: Plan = serde_json::from_str(&state).map_err(|e| StoreError::corrupt(format!("plan state: {e}")))?;
                write_dashboard_index!(tx, plan_id, &plan, &plan_types, None);
                tx.commit().await?;
                Ok::<_, StoreError>(())
            }
            .await
        })
    }

    /// [`Store::refresh_dashboard`] after a save that is already committed:
    /// a failure is logged, not returned, so the save still answers as
    /// saved (`goldthread rebuild-projections` repairs the index).
    pub(super) async fn refresh_dashboard_after_save(&self, plan_id: Uuid) {
        if let Err(e) = self.refresh_dashboard(plan_id).await {
            tracing::error!(plan = %plan_id, error = %e, "could not update the dashboard's index");
        }
    }

    /// Rebuilds the index of every plan (after an upgrade, or to repair);
    /// returns how many plans.
    pub async fn refresh_all_dashboards(&self) -> Result<usize> {
        let ids: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM plans ORDER BY id").fetch_all(pool).await?
        });
        for id in &ids {
            self.refresh_dashboard(parse_uuid(id)?).await?;
        }
        Ok(ids.len())
    }

    /// The rows of a dashboard on `today`: open items due up to the Sunday
    /// of this week, the plans waiting or missing a check, and the quarter's
    /// reviews, meetings and meeting action points for the on-time share, from plans
    /// the actor may see in the scope. A team's dashboard is for its
    /// managers and administrators; anyone else (other members too) is
    /// told it does not exist.
    pub async fn dashboard_rows(&self, actor: &Actor, scope: DashboardScope, today: Date) -> Result<DashboardRows> {
        let team = match scope {
            DashboardScope::Mine => None,
            DashboardScope::Team(team_id) => {
                let member: bool = on_pool!(self, pool => {
                    sqlx::query_scalar(
                        "SELECT $2 OR EXISTS (SELECT 1 FROM team_members WHERE team_id = $1 AND user_id = $3 AND manager) \
                         FROM teams WHERE id = $1",
                    )
                    .bind(team_id.to_string())
                    .bind(actor.is_admin())
                    .bind(actor.id.to_string())
                    .fetch_optional(pool)
                    .await?
                    .unwrap_or(false)
                });
                if !member {
                    return Err(StoreError::NotFound);
                }
                Some(team_id.to_string())
            }
        };
        // The plans in scope (the user's or the team's caseload), made
        // first and joined from, so that neither database considers testing
        // every plan in a county; PLAN_VISIBLE is then checked on each.
        let scope = match team {
            None => {
                "WITH scope AS MATERIALIZED (SELECT DISTINCT plan_id FROM plan_access WHERE user_id = $1 AND $3 IS NULL) "
            }
            Some(_) => {
                "WITH scope AS MATERIALIZED (SELECT pa.plan_id FROM plan_access pa JOIN team_members tm ON tm.user_id = pa.user_id WHERE tm.team_id = $3 \
                 UNION SELECT plan_id FROM plan_access WHERE team_id = $3) "
            }
        };
        let monday = goldthread_domain::monitoring::dashboard::week_start(today);
        let sunday = monday + time::Duration::days(6);
        let quarter_start = today - time::Duration::days(91);
        // One query for the three parts of the dashboard: each plan in
        // scope with its flags (`dashboard_plans`, at most one row) and its
        // due items in the window (`dashboard_due`, none or many), so a
        // plan's row repeats once per item. One round trip instead of
        // three matters on PostgreSQL, where each costs a backend's turn
        // on the same cores (issue 14).
        let sql = format!(
            "{scope}SELECT p.id, p.person_id, pe.details, p.plan_type, p.title, p.status, \
             f.agreement_asked_on, f.still_to_agree, f.safety_plan, f.safety_checked_on, f.weekly_from, f.last_weekly_review, \
             d.item_key, d.kind, d.label, d.agency, d.due, d.done_on, d.closed \
             FROM scope s JOIN plans p ON p.id = s.plan_id JOIN people pe ON pe.id = p.person_id \
             LEFT JOIN dashboard_plans f ON f.plan_id = p.id \
             LEFT JOIN dashboard_due d ON d.plan_id = p.id AND ((d.done_on IS NULL AND NOT d.closed AND d.due <= $4) \
             OR (d.kind IN ('review', 'meeting_action', 'clock') AND d.due > $5 AND d.due <= $6)) \
             WHERE {PLAN_VISIBLE} ORDER BY pe.family_name, pe.given_name, p.id"
        );
        let found: Vec<DashboardRow> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(&team)
                .bind(iso(sunday))
                .bind(iso(quarter_start))
                .bind(iso(today))
                .fetch_all(pool)
                .await?
        });
        let mut rows = DashboardRows::default();
        let mut due = Vec::new();
        // The plan of the previous row, with its person's name: rows of
        // one plan come together.
        let mut current: Option<(String, Uuid, String)> = None;
        for row in found {
            let (plan_id, person_name) = match &current {
                Some((id, plan_id, name)) if *id == row.id => (*plan_id, name.clone()),
                _ => {
                    let plan_id = parse_uuid(&row.id)?;
                    let person_name = person_name(&row.details)?;
                    current = Some((row.id.clone(), plan_id, person_name.clone()));
                    if !matches!(row.status.as_str(), "superseded" | "closed") {
                        rows.plans.push(DashboardPlan {
                            plan_id,
                            person_id: parse_uuid(&row.person_id)?,
                            person_name: person_name.clone(),
                            plan_type: row.plan_type.clone(),
                            title: row.title.clone(),
                        });
                    }
                    if let (Some(asked_on), Some(still)) = (&row.agreement_asked_on, &row.still_to_agree) {
                        rows.input.agreements.push(AgreementRow {
                            plan_id,
                            person_name: person_name.clone(),
                            asked_on: parse_date(asked_on)?,
                            still_to_agree: serde_json::from_str(still)
                                .map_err(|e| StoreError::corrupt(format!("still to agree: {e}")))?,
                        });
                    }
                    if row.safety_plan == Some(true) {
                        rows.input.safety_plans.push(SafetyPlanRow {
                            plan_id,
                            person_name: person_name.clone(),
                            last_checked: opt_date(row.safety_checked_on.clone())?,
                        });
                    }
                    if let Some(from) = &row.weekly_from {
                        rows.input.weekly_reviews.push(WeeklyReviewRow {
                            plan_id,
                            person_name: person_name.clone(),
                            started_on: parse_date(from)?,
                            last_review: opt_date(row.last_weekly_review.clone())?,
                        });
                    }
                    (plan_id, person_name)
                }
            };
            let (Some(key), Some(kind), Some(label), Some(on)) = (row.item_key, row.kind, row.label, row.due) else {
                continue;
            };
            let item = DueItem {
                plan_id,
                person_name,
                kind: parse_kind(&kind)?,
                label,
                agency: row.agency,
                due: parse_date(&on)?,
                done_on: opt_date(row.done_on)?,
            };
            due.push((key, item, row.closed == Some(true)));
        }
        // Items in date order, as the index keys them.
        due.sort_by(|(a_key, a, _), (b_key, b, _)| (a.due, a.plan_id, a_key).cmp(&(b.due, b.plan_id, b_key)));
        for (_, item, closed) in due {
            let in_quarter = goldthread_domain::monitoring::dashboard::counts_for_on_time(item.kind)
                && item.due > quarter_start
                && item.due <= today;
            if in_quarter {
                rows.quarter.push(item.clone());
            }
            if item.done_on.is_none() && !closed && item.due <= sunday {
                rows.input.due.push(item);
            }
        }
        Ok(rows)
    }
}

/// One row of the dashboard's query: a plan in scope, its flags if it has
/// any, and one of its due items if it has any in the window.
#[derive(sqlx::FromRow)]
struct DashboardRow {
    id: String,
    person_id: String,
    details: String,
    plan_type: String,
    title: String,
    status: String,
    agreement_asked_on: Option<String>,
    still_to_agree: Option<String>,
    safety_plan: Option<bool>,
    safety_checked_on: Option<String>,
    weekly_from: Option<String>,
    last_weekly_review: Option<String>,
    item_key: Option<String>,
    kind: Option<String>,
    label: Option<String>,
    agency: Option<String>,
    due: Option<String>,
    done_on: Option<String>,
    closed: Option<bool>,
}

impl Store {
    /// The teams the actor manages (all teams for administrators), by
    /// name: the team dashboards they may open.
    pub async fn dashboard_teams(&self, actor: &Actor) -> Result<Vec<(Uuid, String)>> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.id, t.name FROM teams t WHERE $2 OR t.id IN (SELECT team_id FROM team_members WHERE user_id = $1 AND manager) ORDER BY t.name",
            )
            .bind(actor.id.to_string())
            .bind(actor.is_admin())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, name)| Ok((parse_uuid(&id)?, name)))
            .collect()
    }
}
