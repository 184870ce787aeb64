//! Signing in and out (SPEC S5): Argon2id passwords, a new session id at
//! sign-in, and throttling of failed attempts per account, per address and
//! per known device (see [`crate::throttle`] and `web::sign_in_gate`).

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use serde::Deserialize;
use tower_sessions::Session;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::{CurrentUser, anonymous_csrf, client_address, safe_next, with_cookie};
use crate::web::sign_in_gate::{self, Gate};

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
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    // Nothing is stored for a visitor: the form's token is in a signed cookie.
    let (csrf, cookie) = anonymous_csrf(&state, &headers);
    let ctx = Ctx {
        csrf,
        ..Ctx::anonymous()
    };
    let page = render(&SignInPage {
        ctx,
        errors: FormErrors::default(),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        oidc: state.config.oidc.is_some(),
    })?;
    Ok(with_cookie(page, cookie))
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
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    let email = form.email.unwrap_or_default().trim().to_lowercase();
    let password = form.password.unwrap_or_default();
    let next = safe_next(form.next.as_deref());
    let address = client_address(peer.ip(), &headers, &state.config.security.trusted_proxies);
    let (csrf, cookie) = anonymous_csrf(&state, &headers);
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
        .map(|page| with_cookie(page, cookie.clone()))
    };

    let mut errors = FieldErrors::new();
    if email.is_empty() {
        errors.add("email", "Enter your email address");
    }
    if password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        return again(errors, csrf, email, next);
    }

    let found = state.store.user_for_sign_in(&email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    // The attempt is counted before the password is hashed, atomically, so
    // parallel guesses cannot get past the limits.
    let counted =
        match sign_in_gate::count_attempt(&state, &headers, &email, user.as_ref().map(|u| u.id), address).await? {
            Gate::Go(counted) => counted,
            Gate::Wait(wait) => {
                tracing::warn!(%address, "sign-in refused: too many failed attempts");
                let page = SignInPage {
                    ctx: Ctx {
                        csrf,
                        ..Ctx::anonymous()
                    },
                    errors: FormErrors(FieldErrors::single(
                        "email",
                        format!(
                            "Too many failed attempts to sign in. Wait {}, then try again.",
                            crate::throttle::describe_wait(wait)
                        ),
                    )),
                    email,
                    next,
                    oidc: state.config.oidc.is_some(),
                };
                let response = (
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    axum::response::Html(page.render()?),
                )
                    .into_response();
                return Ok(with_cookie(sign_in_gate::with_retry_after(response, wait), cookie));
            }
        };
    let Ok(valid) = crate::auth::verify_password(password, hash).await else {
        return Ok(sign_in_gate::busy());
    };
    if let Some(user) = &user {
        crate::audit::note_user(user.id);
    }
    crate::audit::note_action(if valid && user.is_some() {
        "sign_in.password_ok"
    } else {
        "sign_in.failed"
    });
    let Some(user) = user.filter(|_| valid) else {
        let errors = FieldErrors::single("email", "The email address or password is not right");
        return again(errors, csrf, email, next);
    };

    let device_cookie = sign_in_gate::succeeded(&state, counted, user.id).await?;
    // The second step, when the user has an authenticator or must set one up;
    // the device cookie is set once that step is done.
    if let Some(response) = super::two_factor::after_password(&state, &session, &user, &next, &device_cookie).await? {
        return Ok(response);
    }
    crate::web::session::establish(&session, user.id, &headers).await?;
    tracing::info!(user = %user.id, "signed in");
    Ok(with_cookie(Redirect::to(&next).into_response(), Some(device_cookie)))
}

async fn sign_out(user: CurrentUser) -> Result<Response, PageError> {
    user.session.flush().await.map_err(PageError::internal)?;
    Ok(Redirect::to("/sign-in?signed_out=1").into_response())
}
