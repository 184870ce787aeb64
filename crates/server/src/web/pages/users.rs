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
