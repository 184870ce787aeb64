//! API errors as RFC 9457 problem details (`application/problem+json`).

use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use goldthread_domain::error::{FieldError, FieldErrors};
use serde::Serialize;

use crate::store::StoreError;

/// A problem, as sent to API clients.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, in words a developer can act on.
    pub detail: String,
    /// For invalid input: each field and its problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a conflict: the version the record is now at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// For a conflict: what others changed since your base version.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// For a conflict: the version your save was based on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_version: Option<i64>,
    /// For a conflict: each field that others and you both changed since
    /// `base_version`, with its value then (`base`), now (`theirs`) and in
    /// your save (`yours`). Fields only one side changed were merged and
    /// are not listed. Resolve by sending your save again with `resolve`
    /// (`seen_version`: `current_version`; `keep`: `theirs` or `yours`), or
    /// by re-reading the plan and sending your edit based on `current_version`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<goldthread_domain::merge::FieldConflict>,
}

#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl ApiError {
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Self {
        ApiError(Box::new(Problem {
            kind: format!("https://goldthread.example.org/problems/{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: vec![],
            current_version: None,
            changes: vec![],
            base_version: None,
            fields: vec![],
        }))
    }

    pub fn not_found() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "There is nothing here, or you do not have access to it.",
        )
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "Send a valid API token as `Authorization: Bearer <token>`.",
        )
    }

    pub fn forbidden() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            "Your role does not allow this.",
        )
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad-request", "Bad request", detail)
    }

    pub fn invalid(errors: FieldErrors) -> Self {
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Invalid input",
            errors.summary(),
        );
        error.0.errors = errors.0;
        error
    }

    /// A well-formed request that what is already stored refuses (an
    /// e-mail address in use): 409, with each field and its problem.
    pub fn state_conflict(errors: FieldErrors) -> Self {
        let mut error = ApiError::new(StatusCode::CONFLICT, "state-conflict", "Conflict", errors.summary());
        error.0.errors = errors.0;
        error
    }

    pub fn from_json_rejection(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "Send the body as JSON with `Content-Type: application/json`.",
            ),
            JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Payload too large",
                format!("The body must be at most {} bytes.", crate::web::MAX_BODY_BYTES),
            ),
            JsonRejection::JsonDataError(e) => {
                ApiError::bad_request(format!("The JSON does not match what is expected: {}", e.body_text()))
            }
            JsonRejection::JsonSyntaxError(e) => {
                ApiError::bad_request(format!("The body is not valid JSON: {}", e.body_text()))
            }
            other => ApiError::bad_request(other.body_text()),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        if errors.is_conflict() {
            ApiError::state_conflict(errors)
        } else {
            ApiError::invalid(errors)
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Forbidden => ApiError::forbidden(),
            // Well-formed input that what is stored refuses: 409 Conflict
            // (RFC 9110, "a conflict with the current state of the target
            // resource"); anything wrong with the input itself: 422.
            StoreError::Invalid(errors) if errors.is_conflict() => ApiError::state_conflict(errors),
            StoreError::Invalid(errors) => ApiError::invalid(errors),
            ref e if e.is_unstorable_text() => ApiError::invalid(FieldErrors::single(
                "text",
                goldthread_domain::error::CONTROL_CHARACTERS,
            )),
            StoreError::Conflict(conflict) => {
                let mut error = ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "Conflict",
                    format!(
                        "The record was changed since version {} you based this on; it is now at version {}. Nothing was saved. {}",
                        conflict.base_version,
                        conflict.current_version,
                        if conflict.fields.is_empty() {
                            format!(
                                "Review the changes and send again with base_version {}.",
                                conflict.current_version
                            )
                        } else {
                            let names: Vec<&str> = conflict.fields.iter().map(|f| f.field.as_str()).collect();
                            format!(
                                "Both you and they changed {}; choose whose value to keep and send again with resolve {{\"seen_version\": {}, \"keep\": \"theirs\" or \"yours\"}}.",
                                names.join(", "),
                                conflict.current_version
                            )
                        }
                    ),
                );
                error.0.current_version = Some(conflict.current_version);
                error.0.base_version = Some(conflict.base_version);
                error.0.changes = conflict.changes;
                error.0.fields = conflict.fields;
                error
            }
            other => {
                tracing::error!(error = format!("{other:#}"), "API internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal server error",
                    "Something went wrong on our side. Nothing was lost; try again later.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".to_owned());
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}
