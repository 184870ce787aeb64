//! Downloads of a plan for other systems (issue 13): the FHIR R4 Bundle
//! and the CSV of its provision and action points, and the CSV of the
//! user's caseload. The same as the API's (`web/api/fhir.rs`), for a
//! signed-in browser; the links are on the plan page and the plans list.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::people::parse_id;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/fhir.json", get(plan_fhir))
        .route("/plans/{id}/provision.csv", get(plan_csv))
        .route("/provision.csv", get(caseload_csv))
}

fn download(content_type: &'static str, file_name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn plan_fhir(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let bundle = state.store.plan_fhir(&user.actor(), id, &state.plan_types).await?;
    let body = serde_json::to_vec_pretty(&bundle).unwrap_or_default();
    Ok(download(
        goldthread_domain::fhir::MEDIA_TYPE,
        format!("plan-{id}.fhir.json"),
        body,
    ))
}

async fn plan_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let csv = state.store.plan_csv(&user.actor(), id).await?;
    Ok(download(
        crate::csv_export::MEDIA_TYPE,
        format!("plan-{id}-provision.csv"),
        csv,
    ))
}

async fn caseload_csv(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    let csv = state.store.caseload_csv(&user.actor()).await?;
    Ok(download(
        crate::csv_export::MEDIA_TYPE,
        "caseload-provision.csv".to_owned(),
        csv,
    ))
}
