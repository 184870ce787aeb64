//! "Print / download PDF" and "Download Word (DOCX)" (issue 13): the plan
//! in its plan type's layout, or on another type's form, as a PDF or a Word
//! file made in-process from one document model
//! ([`crate::export::plan_printed`]).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::people::parse_id;
use crate::export::{ExportError, Printed};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/pdf", get(own_form))
        .route("/plans/{id}/as/{plan_type}/pdf", get(other_form))
        .route("/plans/{id}/docx", get(own_form_docx))
        .route("/plans/{id}/as/{plan_type}/docx", get(other_form_docx))
}

impl From<ExportError> for PageError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Store(e) => e.into(),
            ExportError::Render(message) => PageError::internal(message),
        }
    }
}

/// The PDF, shown in the browser's viewer (to print) under a name to save.
pub fn pdf_response(printed: Printed) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", printed.file_name),
            ),
        ],
        printed.bytes,
    )
        .into_response()
}

/// The Word file, to save (a browser cannot show it).
pub fn docx_response(printed: Printed) -> Response {
    (
        [
            (header::CONTENT_TYPE, crate::export::DOCX_CONTENT_TYPE.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", printed.file_name),
            ),
        ],
        printed.bytes,
    )
        .into_response()
}

async fn own_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let printed = crate::export::plan_pdf(&state.store, &state.plan_types, &user.actor(), parse_id(&id)?, None).await?;
    Ok(pdf_response(printed))
}

async fn other_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, plan_type)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let printed = crate::export::plan_pdf(&state.store, &state.plan_types, &user.actor(), id, Some(&plan_type)).await?;
    Ok(pdf_response(printed))
}

async fn own_form_docx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let printed =
        crate::export::plan_docx(&state.store, &state.plan_types, &user.actor(), parse_id(&id)?, None).await?;
    Ok(docx_response(printed))
}

async fn other_form_docx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, plan_type)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let printed =
        crate::export::plan_docx(&state.store, &state.plan_types, &user.actor(), id, Some(&plan_type)).await?;
    Ok(docx_response(printed))
}
