//! `POST /api/v1/plans/{id}/approval`: the approver's funding decision on
//! the current version of a plan whose type needs approval (issue 9, PB):
//! approved, or refused with the reason. Recording it needs write access
//! to the plan; the approver must be a party in one of the type's approver
//! roles ([`goldthread_domain::approval`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::approval::Approval;
use goldthread_domain::plan::{Change, Plan};
use serde::Deserialize;
use time::Date;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiUser, parse_id};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(decide))
}

/// Approved or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalDecision {
    Approved,
    Refused,
}

/// An approver's decision on one version of the plan.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBody {
    /// The approving party (a party of the plan in one of its type's
    /// approver roles).
    pub party_id: Uuid,
    /// The content version decided on: the plan's
    /// `agreements.content_version` when you read it.
    #[schema(minimum = 1)]
    pub version: i64,
    /// The plan's content hash of that version (as in the agreements report).
    #[schema(min_length = 1, max_length = 100)]
    pub content_hash: String,
    /// The day of the decision (today or in the past).
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub decision: ApprovalDecision,
    /// Why the funding is refused: needed when refused.
    #[serde(default)]
    #[schema(max_length = 2000, nullable = false)]
    pub reason: Option<String>,
}

/// Record the approver's funding decision on the current version: approved,
/// or refused with the reason. Once every required party has agreed and the
/// current version is approved, the plan is agreed (put into action). A
/// decision on a version that is no longer current is refused (422,
/// `version`); an approver not in the plan type's approver roles is refused
/// (422, `party_id`); a refusal without a reason is refused (422, `reason`).
#[utoipa::path(post, path = "/plans/{id}/approval", tag = "plans", params(("id" = Uuid, Path)), request_body = ApprovalBody,
    responses((status = 201, description = "Recorded", body = Plan), (status = 403, description = "Read-only access", body = Problem), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn decide(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApprovalBody>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let plan = state.store.plan(&actor, id).await?;
    if body.on > crate::local_time::today() {
        return Err(
            goldthread_domain::error::FieldErrors::single("on", "The date must be today or in the past").into(),
        );
    }
    let approval = Approval {
        party_id: body.party_id,
        version: body.version,
        content_hash: body.content_hash,
        on: body.on,
    };
    let change = match body.decision {
        ApprovalDecision::Approved => Change::ApprovalGiven { approval },
        ApprovalDecision::Refused => Change::ApprovalRefused {
            approval,
            reason: body.reason.unwrap_or_default(),
        },
    };
    let plan: Plan = state
        .store
        .change_plan(&actor, id, plan.version, None, change, &state.plan_types)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(plan)))
}
