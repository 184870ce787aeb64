//! `/api/v1/plan-types`

use axum::extract::{Path, State};
use goldthread_domain::plan_type::PlanType;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiUser};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plan_types))
        .routes(routes!(get_plan_type))
}

/// Every kind of plan: the built-in five and any the organisation added.
#[utoipa::path(get, path = "/plan-types", tag = "plan-types", responses((status = 200, description = "OK", body = Vec<PlanType>), (status = 401, description = "No valid API token", body = Problem)))]
async fn list_plan_types(State(state): State<AppState>, _caller: ApiUser) -> axum::Json<Vec<PlanType>> {
    axum::Json(state.plan_types.all().cloned().collect())
}

/// One plan type: its sections, headings, labels, limits and review rules.
#[utoipa::path(get, path = "/plan-types/{id}", tag = "plan-types", params(("id" = String, Path, example = "MSP")),
    responses((status = 200, description = "OK", body = PlanType), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn get_plan_type(
    State(state): State<AppState>,
    _caller: ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<PlanType>, ApiError> {
    state
        .plan_types
        .get(&id)
        .cloned()
        .map(axum::Json)
        .ok_or_else(ApiError::not_found)
}
