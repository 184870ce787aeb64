//! `GET /api/v1/people/{id}/subject-access`: everything held about a
//! person as a zip (issue 13, SPEC D3; see `crate::export::subject_access`).
//! Administrators only: to anyone else the person does not exist. The
//! export is recorded in the audit log with the reason given.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use goldthread_domain::error::FieldErrors;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiQuery, ApiUser, parse_id};
use crate::export::subject_access::{self, MEDIA_TYPE};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(subject_access_export))
}

/// The longest reason kept.
const MAX_REASON: usize = 1000;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportParams {
    /// Why the record is exported (for example the request's reference);
    /// kept in the audit log and the archive's README.
    #[param(max_length = 1000)]
    reason: Option<String>,
}

/// Everything held about the person, as a zip (administrators only): a
/// README saying what each file holds, `person.json` (the record and its
/// history), for every plan of every type `plans/<type>-<number>/` with
/// `plan.json`, `history.json` (each change: who, when, why),
/// `versions.json`, reviews, agreements, consents, meetings, notes,
/// ratings, attendance, requests, the uploaded files and `plan.pdf`, and
/// `audit.jsonl` (who has seen or changed their records). The export is
/// itself audited.
#[utoipa::path(get, path = "/people/{id}/subject-access", tag = "people", params(("id" = uuid::Uuid, Path), ExportParams),
    responses((status = 200, description = "The archive", content_type = "application/zip", body = Vec<u8>),
        (status = 404, description = "Not found, or not an administrator", body = Problem)))]
async fn subject_access_export(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    // Recorded as an export whatever its outcome (refused to others).
    crate::audit::note_action(subject_access::ACTION);
    let person_id = parse_id(&id)?;
    if params.reason.as_deref().is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(ApiError::invalid(FieldErrors::single(
            "reason",
            format!("Keep the reason to {MAX_REASON} characters or fewer"),
        )));
    }
    let request = subject_access::Request {
        actor: &actor,
        person_id,
        reason: params.reason.as_deref(),
    };
    let archive = subject_access::archive(&state.store, &state.plan_types, &request).await?;
    Ok(zip_response(archive))
}

/// The archive as a download.
pub fn zip_response(archive: subject_access::Archive) -> Response {
    (
        [
            (header::CONTENT_TYPE, MEDIA_TYPE.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", archive.file_name),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        archive.bytes,
    )
        .into_response()
}
