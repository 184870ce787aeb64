//! Requests that start a clock (SPEC R4): `/plans/{id}/requests`. Each
//! POST adds one append-only record; a request is marked met once, by a
//! second record. Rules are the domain's
//! ([`goldthread_domain::monitoring::requests`]): an unknown clock, a date
//! before the plan existed or a "met" before the request is refused with
//! 409 naming the field (what is stored refuses it); a date in the future
//! or a missing field with 422.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::monitoring::requests::{ClockRequest, MetInput, RequestInput, RequestStatus};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiUser, parse_id, strict_dates};
use crate::store::RequestRecord;
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, add_request))
        .routes(routes!(mark_met))
}

/// That a request was met, as recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MetEntry {
    #[schema(value_type = String, format = Date)]
    pub date: time::Date,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
}

/// A request as recorded, with its deadline and where it stands today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestEntry {
    pub id: Uuid,
    pub recorded_by: Uuid,
    pub recorded_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
    pub request: ClockRequest,
    pub status: RequestStatus,
    /// Set once the request has been met.
    pub met: Option<MetEntry>,
}

fn entry(record: &RequestRecord, plan: &goldthread_domain::plan::Plan, today: time::Date) -> RequestEntry {
    RequestEntry {
        id: record.request.id,
        recorded_by: record.request.recorded_by,
        recorded_by_name: record.recorded_by_name.clone(),
        recorded_at: record.request.recorded_at,
        request: record.request.record.clone(),
        status: record.status(plan, today),
        met: record.met.as_ref().map(|(m, name)| MetEntry {
            date: m.record.date,
            note: m.record.note.clone(),
            recorded_by: m.recorded_by,
            recorded_by_name: name.clone(),
            recorded_at: m.recorded_at,
        }),
    }
}

async fn entry_of(
    state: &AppState,
    actor: &goldthread_domain::user::Actor,
    plan: &goldthread_domain::plan::Plan,
    request_id: Uuid,
) -> Result<RequestEntry, ApiError> {
    let records = state.store.plan_requests(actor, plan.id).await?;
    let record = records
        .iter()
        .find(|r| r.request.id == request_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(entry(record, plan, state.config.today()))
}

/// The plan's requests, oldest first, each with its due date and state on
/// the server's today (open requests are on the dashboard until met).
#[utoipa::path(get, path = "/plans/{id}/requests", tag = "monitoring", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<RequestEntry>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_requests(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<RequestEntry>>, ApiError> {
    let id = parse_id(&id)?;
    let plan = state.store.plan(&actor, id).await?;
    let records = state.store.plan_requests(&actor, id).await?;
    let today = state.config.today();
    Ok(axum::Json(records.iter().map(|r| entry(r, &plan, today)).collect()))
}

/// Record a request that starts one of the plan type's clocks with
/// `from = "request"` (`clock`, its key; see `GET /plan-types/{id}`),
/// made on `date` (today or earlier, not before the plan existed).
#[utoipa::path(post, path = "/plans/{id}/requests", tag = "monitoring", params(("id" = Uuid, Path)), request_body = RequestInput,
    responses((status = 201, description = "Recorded", body = RequestEntry), (status = 403, description = "You may read this plan but not change it", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem),
        (status = 409, description = "The plan refuses it (a clock its type does not have, a date before the plan existed)", body = Problem)))]
async fn add_request(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RequestInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let plan = state.store.plan(&actor, id).await?;
    strict_dates(Ok(()), &[("date", input.date.as_deref())])?;
    let recorded = state
        .store
        .record_request(&actor, id, &input, state.config.today())
        .await?;
    let body = entry_of(&state, &actor, &plan, recorded.id).await?;
    Ok((StatusCode::CREATED, axum::Json(body)))
}

/// Mark a request of this plan met on `date` (on or after the request,
/// not in the future), once; it then leaves the dashboard.
#[utoipa::path(post, path = "/plans/{id}/requests/{request_id}/met", tag = "monitoring",
    params(("id" = Uuid, Path), ("request_id" = Uuid, Path)), request_body = MetInput,
    responses((status = 201, description = "Recorded", body = RequestEntry), (status = 403, description = "You may read this plan but not change it", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem),
        (status = 409, description = "Already met, or met before it was made", body = Problem)))]
async fn mark_met(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, request_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<MetInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let request_id = parse_id(&request_id)?;
    let plan = state.store.plan(&actor, id).await?;
    strict_dates(Ok(()), &[("date", input.date.as_deref())])?;
    state
        .store
        .record_request_met(&actor, id, request_id, &input, state.config.today())
        .await?;
    let body = entry_of(&state, &actor, &plan, request_id).await?;
    Ok((StatusCode::CREATED, axum::Json(body)))
}
