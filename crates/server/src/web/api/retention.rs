//! Retention's API (issue 12, SPEC S4; administrators only: to anyone else
//! these routes do not exist, as the audit's): what is due and when, legal
//! holds, the record of what was removed, and a run (or a dry run).
//! The rule is the domain's (`goldthread_domain::retention`), the work the
//! store's (`store/retention.rs`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::user::Actor;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiUser, parse_id};
use crate::store::{Hold, HoldTarget, RetentionEvent, RetentionItem, RunReport};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(run))
        .routes(routes!(set_hold))
        .routes(routes!(lift_hold))
}

/// How many entries of the removal record the overview returns.
const RECORD_LIMIT: i64 = 200;

/// Closed plans and when each is due, holds, and what was removed.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RetentionOverview {
    /// Every closed plan not yet removed: due, held or kept, and until when.
    pub plans: Vec<RetentionItem>,
    /// Current legal holds.
    pub holds: Vec<Hold>,
    /// What retention removed, newest first (the latest 200; no content).
    pub removed: Vec<RetentionEvent>,
}

fn admin_only(actor: &Actor) -> Result<(), ApiError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// What is due and when, holds, and the record of what was removed
/// (administrators only).
#[utoipa::path(get, path = "/retention", tag = "retention",
    responses((status = 200, description = "OK", body = RetentionOverview), (status = 401, description = "No valid API token", body = Problem),
        (status = 404, description = "Not found (retention is for administrators only)", body = Problem)))]
async fn overview(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<axum::Json<RetentionOverview>, ApiError> {
    admin_only(&actor)?;
    let plans = state.store.retention_overview(&actor, state.config.today()).await?;
    let holds = state.store.legal_holds(&actor, false).await?;
    let removed = state.store.retention_events(&actor, RECORD_LIMIT).await?;
    Ok(axum::Json(RetentionOverview { plans, holds, removed }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RunBody {
    /// List what would be removed; change nothing.
    #[serde(default)]
    dry_run: bool,
}

/// Remove what is due today (or, with `dry_run`, list it) (administrators
/// only). Never touches a plan not yet due or on hold.
#[utoipa::path(post, path = "/retention/run", tag = "retention", request_body = RunBody,
    responses((status = 200, description = "What was removed (or would be)", body = RunReport), (status = 401, description = "No valid API token", body = Problem),
        (status = 404, description = "Not found (retention is for administrators only)", body = Problem),
        (status = 422, description = "Invalid input", body = Problem)))]
async fn run(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(body): ApiJson<RunBody>,
) -> Result<axum::Json<RunReport>, ApiError> {
    admin_only(&actor)?;
    let report = state
        .store
        .retention_run(&actor, state.config.today(), body.dry_run, None)
        .await?;
    Ok(axum::Json(report))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct HoldBody {
    /// The plan to hold (give this or `person_id`).
    plan_id: Option<Uuid>,
    /// The person to hold: all their plans and their record.
    person_id: Option<Uuid>,
    /// Why (required, up to 1,000 characters; recorded).
    #[schema(min_length = 1, max_length = 1000)]
    reason: String,
}

/// Put a plan or a person on legal hold (administrators only): nothing of
/// it is removed until the hold is lifted.
#[utoipa::path(post, path = "/retention/holds", tag = "retention", request_body = HoldBody,
    responses((status = 201, description = "Held", body = Hold), (status = 401, description = "No valid API token", body = Problem),
        (status = 404, description = "No such plan or person (or not an administrator)", body = Problem),
        (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn set_hold(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(body): ApiJson<HoldBody>,
) -> Result<impl IntoResponse, ApiError> {
    admin_only(&actor)?;
    let target = match (body.plan_id, body.person_id) {
        (Some(plan), None) => HoldTarget::Plan(plan),
        (None, Some(person)) => HoldTarget::Person(person),
        _ => {
            return Err(ApiError::invalid(FieldErrors::single(
                "plan_id",
                "Give either plan_id or person_id",
            )));
        }
    };
    let hold = state.store.set_legal_hold(&actor, target, &body.reason).await?;
    Ok((StatusCode::CREATED, axum::Json(hold)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LiftBody {
    /// Why the hold ends (required, up to 1,000 characters; recorded).
    #[schema(min_length = 1, max_length = 1000)]
    reason: String,
}

/// Lift a legal hold (administrators only).
#[utoipa::path(post, path = "/retention/holds/{hold_id}/lift", tag = "retention", request_body = LiftBody,
    params(("hold_id" = String, Path, description = "The hold's id")),
    responses((status = 200, description = "Lifted", body = Hold), (status = 401, description = "No valid API token", body = Problem),
        (status = 404, description = "No such hold, or already lifted (or not an administrator)", body = Problem),
        (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn lift_hold(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(hold_id): Path<String>,
    ApiJson(body): ApiJson<LiftBody>,
) -> Result<axum::Json<Hold>, ApiError> {
    admin_only(&actor)?;
    let id = parse_id(&hold_id)?;
    Ok(axum::Json(state.store.lift_legal_hold(&actor, id, &body.reason).await?))
}
