//! User administration (administrators only; others get "not found").

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::user::{NewUser, Role};
use serde::Deserialize;

use super::people::parse_id;
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{StoreError, User};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::Admin;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(index))
        .route("/users/new", get(new_page).post(create))
        .route("/users/{id}/deactivate", post(deactivate))
        .route("/users/{id}/activate", post(activate))
        .route("/users/{id}/tokens", get(tokens))
        .route("/users/{id}/tokens/{token}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "users/tokens.html")]
struct TokensPage {
    ctx: Ctx,
    user: User,
    tokens: Vec<crate::store::ApiToken>,
}

impl TokensPage {
    fn when(&self, at: impl super::Moment) -> String {
        crate::web::format::date_time(at.moment())
    }
}

/// A user's API tokens, for an administrator to revoke (ASVS 5.0 V7.4).
async fn tokens(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let user = state.store.user(parse_id(&id)?).await?.ok_or(PageError::NotFound)?;
    let tokens = state.store.api_tokens(user.id).await?;
    render(&TokensPage {
        ctx: Ctx::for_user(&admin, "users"),
        user,
        tokens,
    })
}

async fn revoke_token(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path((id, token)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let user_id = parse_id(&id)?;
    let token = parse_id(&token)?;
    if !state.store.api_tokens(user_id).await?.iter().any(|t| t.id == token) {
        return Err(PageError::NotFound);
    }
    state.store.revoke_api_token(&admin.actor(), token).await?;
    Ok(Redirect::to(&format!("/users/{user_id}/tokens")).into_response())
}

#[derive(Template)]
#[template(path = "users/index.html")]
struct IndexPage {
    ctx: Ctx,
    users: Vec<User>,
    me: uuid::Uuid,
}

async fn index(State(state): State<AppState>, Admin(user): Admin) -> Result<Response, PageError> {
    let users = state.store.list_users().await?;
    render(&IndexPage {
        ctx: Ctx::for_user(&user, "users"),
        users,
        me: user.id(),
    })
}

#[derive(Template)]
#[template(path = "users/new.html")]
struct NewPage {
    ctx: Ctx,
    values: NewUserForm,
    errors: FormErrors,
    roles: [Role; 3],
}

#[derive(Default, Deserialize)]
struct NewUserForm {
    email: Option<String>,
    name: Option<String>,
    role: Option<String>,
    password: Option<String>,
}

async fn new_page(Admin(user): Admin) -> Result<Response, PageError> {
    render(&NewPage {
        ctx: Ctx::for_user(&user, "users"),
        values: NewUserForm::default(),
        errors: FormErrors::default(),
        roles: Role::ALL,
    })
}

async fn create(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(values): Form<NewUserForm>,
) -> Result<Response, PageError> {
    let password = values.password.clone().unwrap_or_default();
    let parsed = NewUser::parse(
        values.email.as_deref().unwrap_or(""),
        values.name.as_deref().unwrap_or(""),
        values.role.as_deref().unwrap_or(""),
        &password,
    );
    let result = match parsed {
        Ok(new_user) => {
            let hash = crate::auth::hash_password(password)
                .await
                .map_err(PageError::Internal)?;
            state.store.create_user(&new_user, &hash).await
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(StoreError::Invalid(errors)) => {
            // Never send a password back to the browser.
            let values = NewUserForm {
                password: None,
                ..values
            };
            render_invalid(&NewPage {
                ctx: Ctx::for_user(&user, "users"),
                values,
                errors: FormErrors(errors),
                roles: Role::ALL,
            })
        }
        Err(e) => Err(e.into()),
    }
}

async fn deactivate(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    if id == user.id() {
        return Err(PageError::bad_request("You cannot deactivate your own account."));
    }
    state.store.set_user_active(id, false).await?;
    Ok(Redirect::to("/users").into_response())
}

async fn activate(
    State(state): State<AppState>,
    Admin(_user): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state.store.set_user_active(parse_id(&id)?, true).await?;
    Ok(Redirect::to("/users").into_response())
}
