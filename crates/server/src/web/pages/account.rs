//! The signed-in user's own account: password, sessions and API tokens
//! (ASVS 5.0 V6.2.2, V7.4.3, V7.5.2).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use serde::Deserialize;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{ApiToken, SessionInfo};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/account/password", post(change_password))
        .route("/account/sessions/end-others", post(end_other_sessions))
        .route("/account/sessions/{handle}/end", post(end_session))
}

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    ctx: Ctx,
    email: String,
    role: &'static str,
    new_token: Option<String>,
    tokens: Vec<ApiToken>,
    sessions: Vec<SessionInfo>,
    errors: FormErrors,
    message: Option<&'static str>,
}

impl AccountPage {
    fn when(&self, at: impl Moment) -> String {
        crate::web::format::date_time(at.moment())
    }
}

/// A time, however many references deep a template holds it.
pub(crate) trait Moment {
    fn moment(&self) -> time::OffsetDateTime;
}

impl Moment for time::OffsetDateTime {
    fn moment(&self) -> time::OffsetDateTime {
        *self
    }
}

impl<T: Moment + ?Sized> Moment for &T {
    fn moment(&self) -> time::OffsetDateTime {
        (**self).moment()
    }
}

fn session_id(user: &CurrentUser) -> Option<String> {
    user.session.id().map(|id| id.to_string())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<String>,
    errors: FormErrors,
    message: Option<&'static str>,
) -> Result<AccountPage, PageError> {
    Ok(AccountPage {
        ctx: Ctx::for_user(user, "account"),
        email: user.user.email.clone(),
        role: user.user.role.label(),
        new_token,
        tokens: state.store.api_tokens(user.id()).await?,
        sessions: state
            .store
            .user_sessions(user.id(), session_id(user).as_deref())
            .await?,
        errors,
        message,
    })
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, PageError> {
    let message = match done.done.as_deref() {
        Some("password") => Some("Your password has been changed. You have been signed out everywhere else."),
        Some("sessions") => Some("Your other sessions have been ended."),
        Some("session") => Some("The session has been ended."),
        Some("token") => Some("The token has been revoked. It no longer works."),
        _ => None,
    };
    render(&page(&state, &user, None, FormErrors::default(), message).await?)
}

#[derive(Deserialize)]
struct TokenForm {
    label: Option<String>,
}

async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let label = form
        .label
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("API token");
    let label: String = label.chars().take(100).collect();
    let token = crate::auth::new_api_token();
    state
        .store
        .create_api_token(user.id(), &label, &crate::auth::token_hash(&token))
        .await?;
    render(&page(&state, &user, Some(token), FormErrors::default(), None).await?)
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    // Only the caller's own tokens here (administrators use the user's page).
    if !state.store.api_tokens(user.id()).await?.iter().any(|t| t.id == id) {
        return Err(PageError::NotFound);
    }
    state.store.revoke_api_token(&user.actor(), id).await?;
    Ok(Redirect::to("/account?done=token").into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: Option<String>,
    new_password: Option<String>,
    revoke_tokens: Option<String>,
}

async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let current = form.current_password.unwrap_or_default();
    let new = form.new_password.unwrap_or_default();
    let mut errors = FieldErrors::new();
    if current.is_empty() {
        errors.add("current_password", "Enter your current password");
    }
    goldthread_domain::user::check_password_for(
        &mut errors,
        "new_password",
        &new,
        &[user.user.email.as_str(), user.user.name.as_str()],
    );
    if errors.is_empty() {
        let hash = state.store.password_hash(user.id()).await?;
        match crate::auth::verify_password(current, hash).await {
            Err(_) => return Ok(crate::web::sign_in_gate::busy()),
            Ok(false) => errors.add("current_password", "Your current password is not right"),
            Ok(true) => {}
        }
    }
    if !errors.is_empty() {
        return render_invalid(&page(&state, &user, None, FormErrors(errors), None).await?);
    }
    let hash = match crate::auth::hash_password(new).await {
        Ok(hash) => hash,
        Err(e) if e.is::<crate::auth::Busy>() => return Ok(crate::web::sign_in_gate::busy()),
        Err(e) => return Err(PageError::Internal(e)),
    };
    // Every other session ends; this one goes on under a new id.
    user.session.cycle_id().await.map_err(PageError::internal)?;
    state
        .store
        .change_password(
            user.id(),
            &hash,
            session_id(&user).as_deref(),
            form.revoke_tokens.as_deref() == Some("yes"),
        )
        .await?;
    tracing::info!(user = %user.id(), "password changed");
    Ok(Redirect::to("/account?done=password").into_response())
}

async fn end_other_sessions(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    state
        .store
        .end_user_sessions(user.id(), session_id(&user).as_deref())
        .await?;
    Ok(Redirect::to("/account?done=sessions").into_response())
}

async fn end_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    if !state.store.end_user_session(user.id(), &handle).await? {
        return Err(PageError::NotFound);
    }
    Ok(Redirect::to("/account?done=session").into_response())
}
