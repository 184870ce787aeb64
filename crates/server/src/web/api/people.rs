//! `/api/v1/people`

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::person::{Person, PersonInput};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiQuery, ApiUser, Page, Paging, parse_id};
use crate::store::PersonChange;
use crate::store::PersonSummary;
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person, update_person))
        .routes(routes!(person_history))
        .routes(routes!(get_photo, delete_photo))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(put_photo))
                .layer(axum::extract::DefaultBodyLimit::max(crate::web::MAX_UPLOAD_BYTES)),
        )
}

/// The person's current photo.
#[utoipa::path(get, path = "/people/{id}/photo", tag = "people", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, description = "The photo", content_type = "image/png", body = Vec<u8>), (status = 404, description = "No photo, no such person, or not yours to see", body = Problem)))]
async fn get_photo(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let (content_type, data) = state
        .store
        .person_photo(&actor, parse_id(&id)?)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], data).into_response())
}

/// Set the person's photo (the body is a PNG or JPG under 2 MB). Earlier
/// photos are kept.
#[utoipa::path(put, path = "/people/{id}/photo", tag = "people", params(("id" = uuid::Uuid, Path)),
    request_body(content = Vec<u8>, content_type = "image/png", description = "A PNG or JPG image"),
    responses((status = 204, description = "Saved"), (status = 404, description = "Not found, or not yours to see", body = Problem),
        (status = 413, description = "Body too large", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn put_photo(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Payload too large",
                "Photos must be smaller than 2 MB.",
            )
        } else {
            ApiError::bad_request(rejection.body_text())
        }
    })?;
    state
        .store
        .set_person_photo(&actor, parse_id(&id)?, Some(&body))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the person's photo (earlier photos stay in the history).
#[utoipa::path(delete, path = "/people/{id}/photo", tag = "people", params(("id" = uuid::Uuid, Path)),
    responses((status = 204, description = "Removed"), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn delete_photo(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.store.set_person_photo(&actor, parse_id(&id)?, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchParams {
    /// Any part of a name (first, last or known as), forgiving a typo
    /// ("Elis" finds Ellis); empty for everyone.
    q: Option<String>,
    /// How many to return (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// How many to skip (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// People you may see: all by family name, or those whose name matches
/// `q`, best match first.
#[utoipa::path(get, path = "/people", tag = "people", params(SearchParams),
    responses((status = 200, description = "OK", body = Page<PersonSummary>), (status = 401, description = "No valid API token", body = Problem)))]
async fn list_people(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<axum::Json<Page<PersonSummary>>, ApiError> {
    let paging = Paging::checked(params.limit, params.offset)?;
    let (items, total) = state
        .store
        .search_people(
            &actor,
            params.q.as_deref().unwrap_or(""),
            paging.limit(),
            paging.offset(),
        )
        .await?;
    Ok(axum::Json(Page {
        items,
        total,
        limit: paging.limit(),
        offset: paging.offset(),
    }))
}

/// Add a person. You may then see them and start plans for them.
#[utoipa::path(post, path = "/people", tag = "people", request_body = PersonInput,
    responses((status = 201, description = "Created", body = Person), (status = 422, description = "Invalid input; errors names each field", body = Problem), (status = 400, description = "Malformed request", body = Problem)))]
async fn create_person(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<impl IntoResponse, ApiError> {
    let details = super::strict_dates(
        input.parse(crate::local_time::today()),
        &[("date_of_birth", input.date_of_birth.as_deref())],
    )?;
    let person = state.store.create_person(&actor, &details).await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, format!("/api/v1/people/{}", person.id))],
        axum::Json(person),
    ))
}

#[utoipa::path(get, path = "/people/{id}", tag = "people", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, description = "OK", body = Person), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn get_person(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Person>, ApiError> {
    Ok(axum::Json(state.store.person(&actor, parse_id(&id)?).await?))
}

/// New details for a person, based on the version you read.
#[derive(Deserialize, utoipa::ToSchema)]
struct PersonUpdate {
    /// The `version` of the person you read; a newer one gets 409.
    #[schema(minimum = 0)]
    base_version: i64,
    /// Why the details change.
    #[schema(max_length = 2000)]
    reason: Option<String>,
    #[serde(flatten)]
    details: PersonInput,
}

/// Replace a person's details. Send every field (missing ones are cleared).
#[utoipa::path(put, path = "/people/{id}", tag = "people", params(("id" = uuid::Uuid, Path)), request_body = PersonUpdate,
    responses((status = 200, description = "OK", body = Person), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "Changed by someone else since base_version; nothing saved", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn update_person(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<PersonUpdate>,
) -> Result<axum::Json<Person>, ApiError> {
    let id = parse_id(&id)?;
    state.store.person(&actor, id).await?;
    let details = super::strict_dates(
        update.details.parse(crate::local_time::today()),
        &[("date_of_birth", update.details.date_of_birth.as_deref())],
    )?;
    let person = state
        .store
        .update_person(&actor, id, update.base_version, &details, update.reason.as_deref())
        .await?;
    Ok(axum::Json(person))
}

/// Every saved version of the person's details, oldest first.
#[utoipa::path(get, path = "/people/{id}/history", tag = "people", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<PersonChange>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn person_history(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<PersonChange>>, ApiError> {
    Ok(axum::Json(state.store.person_history(&actor, parse_id(&id)?).await?))
}
