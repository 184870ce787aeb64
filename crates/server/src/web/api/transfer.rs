//! `POST /api/v1/plans/{id}/transfer`: a blank-sheet plan transferred onto
//! its official form (issue 6; see `store/transfer.rs`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::plan::Plan;
use goldthread_domain::plan_type::Gap;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiUser, parse_id};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(transfer_plan))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct TransferBody {
    /// The official form to transfer onto (for the blank sheet `PB-BLANK`:
    /// `PB`).
    #[schema(max_length = 40)]
    plan_type: String,
    /// Why, for both plans' history (else "Transferred to the … form").
    #[schema(max_length = 2000)]
    reason: Option<String>,
}

/// The new plan, the one it carries on, and what the new plan's form
/// still needs.
#[derive(Serialize, utoipa::ToSchema)]
struct TransferResult {
    /// The new plan, with all the blank sheet's content and parties.
    plan: Plan,
    /// The blank sheet, now closed (or superseded, if it had been agreed).
    from: Plan,
    /// What the official form asks for that the plan does not say yet.
    gaps: Vec<Gap>,
}

/// Transfer a person-led blank-sheet plan onto its official form: a new
/// plan of that type with all its content and parties, linked both ways
/// in each plan's history; the blank sheet is closed (or superseded) and
/// stays readable. One transaction: all of it happens, or nothing.
#[utoipa::path(post, path = "/plans/{id}/transfer", tag = "plans", params(("id" = Uuid, Path)), request_body = TransferBody,
    responses((status = 201, description = "Created", body = TransferResult),
        (status = 403, description = "You may read this plan but not change it", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem),
        (status = 409, description = "The plan cannot be transferred as it stands (not a blank sheet, already transferred, or the person already has an active plan of that type); `errors` says why", body = Problem),
        (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn transfer_plan(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransferBody>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let done = state
        .store
        .transfer_plan(
            &actor,
            id,
            body.plan_type.trim(),
            body.reason.as_deref(),
            &state.plan_types,
        )
        .await?;
    let gaps = state
        .plan_types
        .get(&done.plan.plan_type)
        .map(|t| goldthread_domain::transfer::gaps(&done.plan, t))
        .unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, format!("/api/v1/plans/{}", done.plan.id))],
        axum::Json(TransferResult {
            plan: done.plan,
            from: done.from,
            gaps,
        }),
    ))
}
