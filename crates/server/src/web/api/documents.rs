//! `GET /api/v1/plans/{id}/pdf` and `GET /api/v1/plans/{id}/docx`: the plan
//! printed in its plan type's layout, as a PDF or a Word file from the same
//! document model (issue 13; see `crate::export`).

use axum::extract::{Path, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiUser, parse_id};
use crate::export::ExportError;
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(plan_pdf))
        .routes(routes!(plan_docx))
}

impl From<ExportError> for ApiError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Store(e) => e.into(),
            ExportError::Render(message) => {
                tracing::error!(error = message, "a plan could not be printed");
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal server error",
                    "Something went wrong on our side. Nothing was lost; try again later.",
                )
            }
        }
    }
}

/// The plan as a print-ready PDF in its plan type's layout: the form's
/// headings in order, tables of outcomes, steps and provision, review
/// markers, ended items struck through and labelled, reviews, signature
/// blocks and the golden thread; the person's name and plan number on
/// every page. Made in-process; a tagged PDF with selectable text.
#[utoipa::path(get, path = "/plans/{id}/pdf", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The plan as a PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn plan_pdf(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let printed = crate::export::plan_pdf(&state.store, &state.plan_types, &actor, parse_id(&id)?, None).await?;
    Ok(crate::web::pages::print::pdf_response(printed))
}

/// The plan as a Word file (DOCX) in its plan type's layout, from the same
/// document as the PDF: the form's headings in order (Word's heading
/// styles), tables of outcomes, steps and provision, review markers with
/// their dates, ended items struck through and labelled in words, reviews,
/// signature blocks with the agreements' details; the person's name and
/// plan number in every page's header, the confidentiality line and page
/// numbers in its footer. The golden thread is given in words.
#[utoipa::path(get, path = "/plans/{id}/docx", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The plan as a Word file",
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn plan_docx(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let printed = crate::export::plan_docx(&state.store, &state.plan_types, &actor, parse_id(&id)?, None).await?;
    Ok(crate::web::pages::print::docx_response(printed))
}
