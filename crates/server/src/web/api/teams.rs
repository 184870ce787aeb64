//! `/api/v1/teams` and sharing plans and people with teams (administrators
//! only). Team members read what is shared with their team (ASVS V8.2.1).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::error::FieldErrors;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiUser, parse_id};
use crate::store::{Shared, Team, TeamDetail};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teams, create_team))
        .routes(routes!(get_team))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
        .routes(routes!(plan_teams))
        .routes(routes!(share_plan, unshare_plan))
        .routes(routes!(person_teams))
        .routes(routes!(share_person, unshare_person))
}

fn admin_only(actor: &goldthread_domain::user::Actor) -> Result<(), ApiError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// All teams with their members' ids (administrators only).
#[utoipa::path(get, path = "/teams", tag = "teams",
    responses((status = 200, description = "OK", body = Vec<Team>), (status = 403, description = "Your role does not allow this", body = Problem)))]
async fn list_teams(State(state): State<AppState>, ApiUser(actor): ApiUser) -> Result<axum::Json<Vec<Team>>, ApiError> {
    admin_only(&actor)?;
    Ok(axum::Json(state.store.list_teams().await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct NewTeamBody {
    /// The team's name, unique, 1–100 characters on one line.
    name: String,
}

/// Add a team (administrators only).
#[utoipa::path(post, path = "/teams", tag = "teams", request_body = NewTeamBody,
    responses((status = 201, description = "Created", body = Team), (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn create_team(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(body): ApiJson<NewTeamBody>,
) -> Result<impl IntoResponse, ApiError> {
    admin_only(&actor)?;
    let team = state.store.add_team(&actor, &body.name).await?;
    Ok((StatusCode::CREATED, axum::Json(team)))
}

/// A team, its members and what is shared with it (administrators only).
#[utoipa::path(get, path = "/teams/{id}", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = TeamDetail), (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 404, description = "No such team", body = Problem)))]
async fn get_team(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<TeamDetail>, ApiError> {
    admin_only(&actor)?;
    Ok(axum::Json(state.store.team(&actor, parse_id(&id)?).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct MemberBody {
    /// The id of an active user.
    user_id: String,
    /// Make them the team's manager (true) or a member only (false); left
    /// out, a new member is not a manager and an existing one keeps their
    /// role. A team's managers see its dashboard.
    #[serde(default)]
    manager: Option<bool>,
}

/// Add a user to a team, or set whether a member is its manager
/// (administrators only).
#[utoipa::path(post, path = "/teams/{id}/members", tag = "teams", params(("id" = String, Path)), request_body = MemberBody,
    responses((status = 204, description = "Added (or already a member), with the role asked for"), (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 404, description = "No such team", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn add_member(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MemberBody>,
) -> Result<StatusCode, ApiError> {
    admin_only(&actor)?;
    let team = parse_id(&id)?;
    let user = uuid::Uuid::parse_str(body.user_id.trim()).map_err(|_| {
        ApiError::invalid(FieldErrors::single(
            "user_id",
            "Choose an active user to add to the team",
        ))
    })?;
    state.store.add_member_as(&actor, team, user, body.manager).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a user out of a team (administrators only).
#[utoipa::path(delete, path = "/teams/{id}/members/{user_id}", tag = "teams", params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204, description = "Removed (or was not a member)"), (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 404, description = "No such team", body = Problem)))]
async fn remove_member(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    admin_only(&actor)?;
    state
        .store
        .remove_member(&actor, parse_id(&id)?, parse_id(&user_id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The teams a plan is shared with.
#[utoipa::path(get, path = "/plans/{id}/teams", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = Vec<Shared>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn plan_teams(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<Shared>>, ApiError> {
    Ok(axum::Json(state.store.plan_teams(&actor, parse_id(&id)?).await?))
}

/// Share a plan with a team, read-only (administrators only).
#[utoipa::path(put, path = "/plans/{id}/teams/{team_id}", tag = "teams", params(("id" = String, Path), ("team_id" = String, Path)),
    responses((status = 204, description = "Shared"), (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 422, description = "No such team", body = Problem)))]
async fn share_plan(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, team_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let team = uuid::Uuid::parse_str(&team_id)
        .map_err(|_| ApiError::invalid(FieldErrors::single("team_id", "Choose a team")))?;
    state.store.share_plan_with_team(&actor, parse_id(&id)?, team).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop sharing a plan with a team (administrators only).
#[utoipa::path(delete, path = "/plans/{id}/teams/{team_id}", tag = "teams", params(("id" = String, Path), ("team_id" = String, Path)),
    responses((status = 204, description = "No longer shared"), (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn unshare_plan(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, team_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    state
        .store
        .unshare_plan_with_team(&actor, id, parse_id(&team_id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The teams a person's record is shared with.
#[utoipa::path(get, path = "/people/{id}/teams", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = Vec<Shared>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn person_teams(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<Shared>>, ApiError> {
    Ok(axum::Json(state.store.person_teams(&actor, parse_id(&id)?).await?))
}

/// Share a person's record (not their plans) with a team, read-only
/// (administrators only).
#[utoipa::path(put, path = "/people/{id}/teams/{team_id}", tag = "teams", params(("id" = String, Path), ("team_id" = String, Path)),
    responses((status = 204, description = "Shared"), (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 422, description = "No such team", body = Problem)))]
async fn share_person(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, team_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let team = uuid::Uuid::parse_str(&team_id)
        .map_err(|_| ApiError::invalid(FieldErrors::single("team_id", "Choose a team")))?;
    state.store.share_person_with_team(&actor, parse_id(&id)?, team).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop sharing a person's record with a team (administrators only).
#[utoipa::path(delete, path = "/people/{id}/teams/{team_id}", tag = "teams", params(("id" = String, Path), ("team_id" = String, Path)),
    responses((status = 204, description = "No longer shared"), (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn unshare_person(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, team_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    state
        .store
        .unshare_person_with_team(&actor, id, parse_id(&team_id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
