//! Signing in and out (SPEC S5): Argon2id passwords, a new session id at
//! sign-in, and limits on failed attempts per account and per address.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use serde::Deserialize;
use tower_sessions::Session;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::{CurrentUser, USER_KEY, csrf_token, safe_next};

/// Failed attempts allowed in [`WINDOW`] before sign-in is refused.
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_ADDRESS: i64 = 20;
const WINDOW: time::Duration = time::Duration::minutes(15);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    ctx: Ctx,
    errors: FormErrors,
    email: String,
    next: String,
    /// Offer single sign-on through the organisation's provider.
    oidc: bool,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn sign_in_page(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let ctx = Ctx {
        csrf: csrf_token(&session).await?,
        ..Ctx::anonymous()
    };
    render(&SignInPage {
        ctx,
        errors: FormErrors::default(),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        oidc: state.config.oidc.is_some(),
    })
}

#[derive(Deserialize)]
struct SignInForm {
    email: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    let email = form.email.unwrap_or_default().trim().to_lowercase();
    let password = form.password.unwrap_or_default();
    let next = safe_next(form.next.as_deref());
    let address = peer.ip().to_string();
    let again = |errors: FieldErrors, csrf: String, email: String, next: String| {
        render_invalid(&SignInPage {
            ctx: Ctx {
                csrf,
                ..Ctx::anonymous()
            },
            errors: FormErrors(errors),
            email,
            next,
            oidc: state.config.oidc.is_some(),
        })
    };

    let mut errors = FieldErrors::new();
    if email.is_empty() {
        errors.add("email", "Enter your email address");
    }
    if password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return again(errors, csrf_token(&session).await?, email, next);
    }

    let (by_account, by_address) = state.store.recent_sign_in_failures(&email, &address, WINDOW).await?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        tracing::warn!(address, "sign-in refused: too many failed attempts");
        let page = SignInPage {
            ctx: Ctx {
                csrf: csrf_token(&session).await?,
                ..Ctx::anonymous()
            },
            errors: FormErrors(FieldErrors::single(
                "email",
                "Too many failed attempts to sign in. Wait 15 minutes, then try again.",
            )),
            email,
            next,
            oidc: state.config.oidc.is_some(),
        };
        return Ok((
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            axum::response::Html(page.render()?),
        )
            .into_response());
    }

    let found = state.store.user_for_sign_in(&email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let valid = crate::auth::verify_password(password, hash).await;
    let Some(user) = user.filter(|_| valid) else {
        state.store.record_sign_in_failure(&email, &address).await?;
        let errors = FieldErrors::single("email", "The email address or password is not right");
        return again(errors, csrf_token(&session).await?, email, next);
    };

    state.store.clear_sign_in_failures(&email).await?;
    // The second step, when the user has an authenticator or must set one up.
    if let Some(response) = super::two_factor::after_password(&state, &session, &user, &next).await? {
        return Ok(response);
    }
    // A new session id at sign-in defeats session fixation; a new CSRF
    // token goes with it.
    session.cycle_id().await.map_err(PageError::internal)?;
    session.insert(USER_KEY, user.id).await.map_err(PageError::internal)?;
    session
        .insert(crate::web::session::CSRF_KEY, crate::auth::random_secret())
        .await
        .map_err(PageError::internal)?;
    tracing::info!(user = %user.id, "signed in");
    Ok(Redirect::to(&next).into_response())
}

async fn sign_out(user: CurrentUser) -> Result<Response, PageError> {
    user.session.flush().await.map_err(PageError::internal)?;
    Ok(Redirect::to("/sign-in?signed_out=1").into_response())
}
