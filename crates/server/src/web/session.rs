//! Who is signed in, and protection against cross-site request forgery.
//!
//! Sessions are stored in the database (see `store::sessions`) behind an
//! HttpOnly, SameSite cookie; signing in issues a new session id, so a
//! session id planted before sign-in is worthless (fixation). Every
//! state-changing form carries a per-session synchronizer token (`_csrf`)
//! that [`csrf_guard`] checks in constant time before any handler runs.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::user::Actor;
use subtle::ConstantTimeEq;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::error::PageError;
use crate::store::User;

pub const USER_KEY: &str = "user_id";
pub const CSRF_KEY: &str = "csrf";
pub const CSRF_FIELD: &str = "_csrf";

/// The session's CSRF token, made on first use.
pub async fn csrf_token(session: &Session) -> Result<String, PageError> {
    if let Some(token) = session.get::<String>(CSRF_KEY).await.map_err(PageError::internal)? {
        return Ok(token);
    }
    let token = crate::auth::random_secret();
    session.insert(CSRF_KEY, &token).await.map_err(PageError::internal)?;
    Ok(token)
}

/// Refuses any state-changing request whose `_csrf` form field does not
/// match the session's token.
pub async fn csrf_guard(session: Session, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let multipart_boundary = multer::parse_boundary(&content_type).ok();
    let limit = if multipart_boundary.is_some() {
        super::MAX_UPLOAD_BYTES
    } else {
        super::MAX_BODY_BYTES
    };
    let bytes = match to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return PageError::Status(StatusCode::PAYLOAD_TOO_LARGE, "The form sent was too large.".into())
                .into_response();
        }
    };
    let sent = if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v))
    } else if let Some(boundary) = multipart_boundary {
        multipart_field(&bytes, boundary, CSRF_FIELD).await
    } else {
        None
    };
    let expected = session.get::<String>(CSRF_KEY).await.ok().flatten();
    let valid = match (sent, expected) {
        (Some(sent), Some(expected)) => bool::from(sent.as_bytes().ct_eq(expected.as_bytes())),
        _ => false,
    };
    if !valid {
        return PageError::Status(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from Goldthread. Go back, reload the page and try again.".into(),
        )
        .into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The text of one field of a multipart form (file uploads), read from the
/// already-buffered body.
async fn multipart_field(bytes: &axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let body = bytes.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// The signed-in user of a page. Pages that take it redirect to the
/// sign-in page when nobody is signed in.
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
    pub session: Session,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }

    pub fn id(&self) -> Uuid {
        self.user.id
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let user_id: Option<Uuid> = session
            .get(USER_KEY)
            .await
            .map_err(|e| PageError::internal(e).into_response())?;
        let user = match user_id {
            Some(id) => state
                .store
                .user(id)
                .await
                .map_err(|e| PageError::from(e).into_response())?,
            None => None,
        };
        match user {
            Some(user) if user.active => {
                let csrf = csrf_token(&session).await.map_err(IntoResponse::into_response)?;
                Ok(CurrentUser { user, csrf, session })
            }
            _ => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = if next == "/" {
                    "/sign-in".to_owned()
                } else {
                    format!(
                        "/sign-in?next={}",
                        serde_urlencoded::to_string([("", next)])
                            .unwrap_or_default()
                            .trim_start_matches('=')
                    )
                };
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// A signed-in administrator.
pub struct Admin(pub CurrentUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.user.role.is_admin() {
            Ok(Admin(user))
        } else {
            Err(PageError::NotFound.into_response())
        }
    }
}

/// Only same-site paths may be used as a post-sign-in destination.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") => path.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn sign_in_never_redirects_off_site() {
        assert_eq!(safe_next(Some("/people?q=leo")), "/people?q=leo");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
