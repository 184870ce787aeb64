//! `/api/v1/users` (administrators), `/api/v1/me` and `/api/v1/checks`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::checks::smart::SmartReport;
use goldthread_domain::user::NewUser;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiUser};
use crate::store::{ApiToken, User};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(me))
        .routes(routes!(my_tokens))
        .routes(routes!(user_tokens))
        .routes(routes!(revoke_token))
        .routes(routes!(smart_check))
}

/// The caller's own account.
#[utoipa::path(get, path = "/me", tag = "users", responses((status = 200, description = "OK", body = User), (status = 401, description = "No valid API token", body = Problem)))]
async fn me(State(state): State<AppState>, ApiUser(actor): ApiUser) -> Result<axum::Json<User>, ApiError> {
    state
        .store
        .user(actor.id)
        .await?
        .map(axum::Json)
        .ok_or_else(ApiError::unauthorized)
}

/// The caller's own API tokens that are not revoked (ASVS 5.0 V7.4).
#[utoipa::path(get, path = "/me/tokens", tag = "users", responses((status = 200, description = "OK", body = Vec<ApiToken>), (status = 401, description = "No valid API token", body = Problem)))]
async fn my_tokens(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<axum::Json<Vec<ApiToken>>, ApiError> {
    Ok(axum::Json(state.store.api_tokens(actor.id).await?))
}

/// A user's API tokens (administrators, or the user themselves).
#[utoipa::path(get, path = "/users/{id}/tokens", tag = "users", params(("id" = String, Path, description = "The user's id")),
    responses((status = 200, description = "OK", body = Vec<ApiToken>), (status = 404, description = "No such user", body = Problem)))]
async fn user_tokens(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<axum::Json<Vec<ApiToken>>, ApiError> {
    let id = super::parse_id(&id)?;
    if !actor.is_admin() && actor.id != id {
        return Err(ApiError::not_found());
    }
    if state.store.user(id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    Ok(axum::Json(state.store.api_tokens(id).await?))
}

/// Revoke an API token: its owner or an administrator may; it stops
/// working at once.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "users", params(("id" = String, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such token", body = Problem)))]
async fn revoke_token(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<StatusCode, ApiError> {
    state.store.revoke_api_token(&actor, super::parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// All users (administrators only).
#[utoipa::path(get, path = "/users", tag = "users", responses((status = 200, description = "OK", body = Vec<User>), (status = 403, description = "Your role does not allow this", body = Problem)))]
async fn list_users(State(state): State<AppState>, ApiUser(actor): ApiUser) -> Result<axum::Json<Vec<User>>, ApiError> {
    if !actor.is_admin() {
        return Err(ApiError::forbidden());
    }
    Ok(axum::Json(state.store.list_users().await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct NewUserBody {
    email: String,
    name: String,
    /// `admin`, `practitioner` or `viewer`
    role: String,
    /// At least 10 characters.
    password: String,
}

/// Add a user (administrators only).
#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUserBody,
    responses((status = 201, description = "Created", body = User), (status = 403, description = "Your role does not allow this", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn create_user(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(body): ApiJson<NewUserBody>,
) -> Result<impl IntoResponse, ApiError> {
    if !actor.is_admin() {
        return Err(ApiError::forbidden());
    }
    let new_user = NewUser::parse(&body.email, &body.name, &body.role, &body.password)?;
    let hash = crate::auth::hash_password(body.password).await.map_err(|e| {
        tracing::error!(error = %e, "hashing a password");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal server error",
            "Could not store the password.",
        )
    })?;
    let user = state.store.create_user(&new_user, &hash).await?;
    Ok((StatusCode::CREATED, axum::Json(user)))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct SmartRequest {
    /// An outcome, step or target as written.
    text: String,
}

/// SMART check of an outcome, step or target (SPEC Q1): what is missing
/// and what is fine, in plain words.
#[utoipa::path(post, path = "/checks/smart", tag = "checks", request_body = SmartRequest,
    responses((status = 200, description = "OK", body = SmartReport), (status = 400, description = "Malformed request", body = Problem)))]
async fn smart_check(_caller: ApiUser, ApiJson(body): ApiJson<SmartRequest>) -> axum::Json<SmartReport> {
    axum::Json(goldthread_domain::checks::smart::check(&body.text))
}
