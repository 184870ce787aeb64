//! `GET /api/v1/audit`: the audit log searched per person, user, plan and
//! day (administrators only; to anyone else it does not exist). The search
//! is itself audited (`audit.search`, by the audit layer).

use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::problem::Problem;
use super::{ApiError, ApiQuery, ApiUser, Page, Paging};
use crate::audit::Entry;
use crate::audit::search::Terms;
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_audit))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditParams {
    /// Entries about this person or any of their plans.
    person: Option<Uuid>,
    /// Entries of what this user did.
    user: Option<Uuid>,
    /// Entries about this plan.
    plan: Option<Uuid>,
    /// Entries of this day (`YYYY-MM-DD`, in the organisation's time zone).
    #[param(value_type = Option<String>, format = Date)]
    day: Option<String>,
    /// How many to return (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// How many to skip (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// The audit log, newest first (administrators only).
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditParams),
    responses((status = 200, description = "OK", body = Page<Entry>), (status = 401, description = "No valid API token", body = Problem),
        (status = 404, description = "Not found (the audit is for administrators only)", body = Problem)))]
async fn search_audit(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<axum::Json<Page<Entry>>, ApiError> {
    if !actor.is_admin() {
        return Err(ApiError::not_found());
    }
    let paging = Paging::checked(params.limit, params.offset)?;
    // The API reads the day exactly as documented (the page forgives an
    // empty box or spaces around it).
    if params
        .day
        .as_deref()
        .is_some_and(|d| crate::audit::search::parse_day(d).is_none())
    {
        return Err(ApiError::invalid(goldthread_domain::error::FieldErrors::single(
            "day",
            "Enter a real date in the form YYYY-MM-DD, for example 2027-03-12",
        )));
    }
    let terms = Terms {
        person: params.person.map(|u| u.to_string()),
        user: params.user.map(|u| u.to_string()),
        plan: params.plan.map(|u| u.to_string()),
        day: params.day,
    };
    let filter = terms
        .filter(paging.limit(), paging.offset())
        .map_err(ApiError::invalid)?;
    let (items, total) = state.store.search_audit(&filter).await?;
    Ok(axum::Json(Page {
        items,
        total,
        limit: filter.limit,
        offset: filter.offset,
    }))
}
