//! Requests that start a clock (issue 11, SPEC R4): recorded on a plan,
//! later marked met, each an append-only row (`clock_requests`,
//! `clock_requests_met`, migration 0013) with who recorded it and when.
//! The rules are the domain's ([`goldthread_domain::monitoring::requests`]);
//! an open request's due date goes into the dashboard's index (rebuilt
//! after each request and each "met", see [`Store::refresh_dashboard`]).
//!
//! **Access.** Reading needs the plan to be visible (as plans; a plan the
//! actor may not see is not found); recording needs write access.

use goldthread_domain::monitoring::Recorded;
use goldthread_domain::monitoring::requests::{
    ClockRequest, MetInput, PlanRequest, RequestInput, RequestMet, RequestStatus, request_status,
};
use goldthread_domain::plan::Plan;
use goldthread_domain::user::Actor;
use time::Date;
use uuid::Uuid;

use super::monitoring::{CALENDAR, plan_types, region_of};
use super::plans::PLAN_VISIBLE;
use super::{Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};

/// A request with who recorded it, and its "met" if it has been.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub request: Recorded<ClockRequest>,
    pub recorded_by_name: String,
    pub met: Option<(Recorded<RequestMet>, String)>,
}

impl RequestRecord {
    /// Where the request stands on `today`: its clock's label, due date
    /// and state (warned [`crate::reminders::WARN_DAYS`] before), with the
    /// plan types and calendar the dashboard's index uses.
    pub fn status(&self, plan: &Plan, today: Date) -> RequestStatus {
        let plan_types = plan_types();
        request_status(
            &self.plan_request(),
            plan_types.get(&plan.plan_type),
            &CALENDAR,
            region_of(plan),
            today,
            crate::reminders::WARN_DAYS,
        )
    }

    /// What the domain's lists and index read.
    pub fn plan_request(&self) -> PlanRequest {
        PlanRequest {
            id: self.request.id,
            request: self.request.record.clone(),
            met_on: self.met.as_ref().map(|(m, _)| m.record.date),
        }
    }
}

fn iso(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).expect("a date formats")
}

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::corrupt(format!("request record: {e}"))
}

/// (id, record, recorded_by, recorded_by_name, recorded_at, met record,
/// met by, met by name, met at)
pub(super) type Row = (
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

pub(super) const SELECT: &str = "SELECT r.id, r.record, r.recorded_by, r.recorded_by_name, r.recorded_at, \
     m.record, m.recorded_by, m.recorded_by_name, m.recorded_at \
     FROM clock_requests r LEFT JOIN clock_requests_met m ON m.request_id = r.id";

pub(super) fn decode(plan_id: Uuid, row: Row) -> Result<RequestRecord> {
    let (id, record, by, by_name, at, met, met_by, met_by_name, met_at) = row;
    let id = parse_uuid(&id)?;
    let met = match (met, met_by, met_at) {
        (Some(record), Some(by), Some(at)) => Some((
            Recorded {
                id,
                plan_id,
                recorded_by: parse_uuid(&by)?,
                recorded_at: from_millis(at),
                record: serde_json::from_str(&record).map_err(corrupt)?,
            },
            met_by_name.unwrap_or_default(),
        )),
        _ => None,
    };
    Ok(RequestRecord {
        request: Recorded {
            id,
            plan_id,
            recorded_by: parse_uuid(&by)?,
            recorded_at: from_millis(at),
            record: serde_json::from_str(&record).map_err(corrupt)?,
        },
        recorded_by_name: by_name,
        met,
    })
}

impl Store {
    /// The plan's requests, oldest first, if the actor may see the plan.
    pub async fn plan_requests(&self, actor: &Actor, plan_id: Uuid) -> Result<Vec<RequestRecord>> {
        self.plan(actor, plan_id).await?;
        let sql = format!(
            "{SELECT} JOIN plans p ON p.id = r.plan_id WHERE r.plan_id = $3 AND {PLAN_VISIBLE} \
             ORDER BY r.requested_on, r.recorded_at, r.id"
        );
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(plan_id.to_string())
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(|row| decode(plan_id, row)).collect()
    }

    /// Records a request that starts one of the plan type's clocks, then
    /// refreshes the dashboard's index.
    pub async fn record_request(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        input: &RequestInput,
        today: Date,
    ) -> Result<Recorded<ClockRequest>> {
        let plan: Plan = self.plan_to_record_on(actor, plan_id).await?;
        let plan_types = plan_types();
        let request = input.parse(&plan, plan_types.get(&plan.plan_type), today)?;
        let recorded = Recorded {
            id: Uuid::new_v4(),
            plan_id,
            recorded_by: actor.id,
            recorded_at: now(),
            record: request,
        };
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO clock_requests (id, plan_id, clock, requested_on, record, recorded_by, recorded_by_name, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(recorded.id.to_string())
            .bind(plan_id.to_string())
            .bind(&recorded.record.clock)
            .bind(iso(recorded.record.date))
            .bind(serde_json::to_string(&recorded.record).expect("a request serializes"))
            .bind(actor.id.to_string())
            .bind(&actor.name)
            .bind(to_millis(recorded.recorded_at))
            .execute(pool)
            .await?;
        });
        self.refresh_dashboard_after_save(plan_id).await;
        Ok(recorded)
    }

    /// Marks a request of this plan met, once (a second time is refused as
    /// a conflict, checked under the plan's row lock), then refreshes the
    /// dashboard's index, from which the request leaves the lists.
    pub async fn record_request_met(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        request_id: Uuid,
        input: &MetInput,
        today: Date,
    ) -> Result<Recorded<RequestMet>> {
        self.plan_to_record_on(actor, plan_id).await?;
        let recorded = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query("UPDATE plans SET version = version WHERE id = $1")
                    .bind(plan_id.to_string())
                    .execute(&mut *tx)
                    .await?;
                let row: Option<(String, Option<String>)> = sqlx::query_as(
                    "SELECT r.record, m.met_on FROM clock_requests r LEFT JOIN clock_requests_met m ON m.request_id = r.id \
                     WHERE r.id = $1 AND r.plan_id = $2",
                )
                .bind(request_id.to_string())
                .bind(plan_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                let (record, met_on) = row.ok_or(StoreError::NotFound)?;
                let request: ClockRequest = serde_json::from_str(&record).map_err(corrupt)?;
                let already = match met_on {
                    Some(text) => Some(
                        Date::parse(&text, &time::format_description::well_known::Iso8601::DATE)
                            .map_err(|e| StoreError::corrupt(format!("met_on {text:?}: {e}")))?,
                    ),
                    None => None,
                };
                let met = input.parse(request_id, &request, already, today)?;
                let recorded = Recorded {
                    id: request_id,
                    plan_id,
                    recorded_by: actor.id,
                    recorded_at: now(),
                    record: met,
                };
                sqlx::query(
                    "INSERT INTO clock_requests_met (request_id, plan_id, met_on, record, recorded_by, recorded_by_name, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(request_id.to_string())
                .bind(plan_id.to_string())
                .bind(iso(recorded.record.date))
                .bind(serde_json::to_string(&recorded.record).expect("a record serializes"))
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
}
