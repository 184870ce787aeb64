//! Errors as people see them: an HTML page, or an RFC 9457 problem for the
//! API. Internal details are logged, never shown.

use std::any::Any;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::store::StoreError;

/// An error while serving a page.
#[derive(Debug)]
pub enum PageError {
    /// Does not exist, or the user may not see it: the same page either way.
    NotFound,
    /// A status with a message for the person.
    Status(StatusCode, String),
    Internal(anyhow::Error),
}

impl PageError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        PageError::Internal(anyhow::anyhow!("{e}"))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        PageError::Status(StatusCode::BAD_REQUEST, message.into())
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => PageError::NotFound,
            StoreError::Forbidden => PageError::Status(
                StatusCode::FORBIDDEN,
                "Your role does not allow this. Ask an administrator if you need it.".into(),
            ),
            StoreError::Invalid(errors) => PageError::bad_request(errors.summary()),
            ref e if e.is_unstorable_text() => PageError::bad_request(goldthread_domain::error::CONTROL_CHARACTERS),
            StoreError::Conflict(conflict) => PageError::Status(
                StatusCode::CONFLICT,
                format!(
                    "Someone else changed this while you were working on it: {}",
                    conflict.changes.join("; ")
                ),
            ),
            other => PageError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        PageError::Internal(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: super::pages::Ctx,
    pub title: String,
    pub message: String,
}

pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        ctx: super::pages::Ctx::anonymous(),
        title: title.to_owned(),
        message: message.to_owned(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_owned()).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.",
            ),
            PageError::Status(status, message) => {
                let title = match status {
                    StatusCode::FORBIDDEN => "You cannot do this",
                    StatusCode::CONFLICT => "Someone else changed this",
                    StatusCode::PAYLOAD_TOO_LARGE => "Too large",
                    StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
                    _ => "There is a problem",
                };
                error_page(status, title, &message)
            }
            PageError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "internal error");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. Nothing you saved before this has been lost.",
                )
            }
        }
    }
}

/// A panic in a handler is a bug: log it and answer 500 without details.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    tracing::error!(panic = detail, "handler panicked");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you saved before this has been lost.",
    )
}
