//! Minutes sent to a meeting's attendees (issue 11, SPEC M3): send them to
//! the attendees who are parties with an e-mail address, and list every
//! sending (who received them, when). Append-only.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiUser, parse_id};
use crate::store::MinutesSent;
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_minutes))
        .routes(routes!(list_minutes_sent))
}

/// Send the minutes of a meeting by e-mail to its attendees who are
/// parties with an e-mail address (their account's, or a contact that is
/// an address). Answers 422 naming `meeting_id` when no attendee has one.
#[utoipa::path(post, path = "/plans/{id}/meetings/{meeting_id}/minutes", tag = "monitoring",
    params(("id" = Uuid, Path), ("meeting_id" = Uuid, Path, description = "The meeting's id")),
    responses((status = 201, description = "Sent (queued in the outbox)", body = MinutesSent),
        (status = 403, description = "You may read this plan but not change it", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem),
        (status = 422, description = "No attendee has an e-mail address", body = Problem)))]
async fn send_minutes(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    headers: HeaderMap,
    Path((id, meeting_id)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let meeting_id = parse_id(&meeting_id)?;
    let sent = crate::web::pages::minutes::send_minutes(&state, &actor, &headers, id, meeting_id).await?;
    Ok((StatusCode::CREATED, axum::Json(sent)))
}

/// Every sending of the plan's meeting minutes, oldest first.
#[utoipa::path(get, path = "/plans/{id}/minutes", tag = "monitoring", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<MinutesSent>),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_minutes_sent(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<MinutesSent>>, ApiError> {
    Ok(axum::Json(state.store.minutes_sent(&actor, parse_id(&id)?).await?))
}
