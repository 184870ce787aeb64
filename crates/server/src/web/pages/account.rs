//! The signed-in user's own account: API tokens.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{Ctx, render};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/tokens", post(create_token))
}

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    ctx: Ctx,
    email: String,
    role: &'static str,
    new_token: Option<String>,
}

async fn account(user: CurrentUser) -> Result<Response, PageError> {
    render(&AccountPage {
        ctx: Ctx::for_user(&user, "account"),
        email: user.user.email.clone(),
        role: user.user.role.label(),
        new_token: None,
    })
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
    render(&AccountPage {
        ctx: Ctx::for_user(&user, "account"),
        email: user.user.email.clone(),
        role: user.user.role.label(),
        new_token: Some(token),
    })
}
