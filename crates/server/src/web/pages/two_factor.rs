//! Two-factor sign-in with an authenticator app (RFC 6238 TOTP).
//!
//! After the password is right, [`after_password`] decides the second
//! step: a user with an authenticator is asked for a code; a user the
//! organisation's policy requires to have one, and who has none, sets one
//! up before they are signed in. Only then is the user id put in the
//! session (with a new session id and CSRF token). OWASP ASVS 5.0: V6.3.3
//! (multi-factor required by policy), V6.5.1 (a code is accepted once),
//! V6.5.2 (recovery codes stored hashed, used once), V6.5.5 (a code is
//! valid for a short time, one step of skew), V6.4.3 (set-up proves the
//! app works before it is needed).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::two_factor::TwoFactorPolicy;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::User;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::{Admin, CSRF_KEY, CurrentUser, USER_KEY, csrf_token, with_cookie};

/// The user who has given the right password and still owes a code.
const PENDING_USER: &str = "two_factor_user";
/// Where to go once signed in.
const PENDING_NEXT: &str = "two_factor_next";
/// Set when the pending user must set up an authenticator first.
const PENDING_SETUP: &str = "two_factor_setup";
/// The device cookie (`Set-Cookie` value) to give once signed in.
const PENDING_DEVICE: &str = "two_factor_device";
/// Wrong codes given for the pending sign-in.
const PENDING_FAILURES: &str = "two_factor_failures";
/// Wrong codes allowed before the password must be given again.
const MAX_CODE_FAILURES: u32 = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in/two-factor", get(code_page).post(check_code))
        .route("/two-factor/set-up", get(set_up_page).post(confirm_set_up))
        .route("/two-factor/qr.svg", get(qr_code))
        .route("/account/two-factor", get(status_page))
        .route("/account/two-factor/turn-off", post(turn_off))
        .route("/settings/two-factor", get(policy_page).post(save_policy))
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Called once the password is verified. `Some(response)` means the user
/// is not signed in yet: the response takes them to the second step.
pub async fn after_password(
    state: &AppState,
    session: &Session,
    user: &User,
    next: &str,
    device_cookie: &HeaderValue,
) -> Result<Option<Response>, PageError> {
    let has = state.store.has_totp(user.id).await?;
    let must = state.store.two_factor_policy().await?.requires(user.role);
    if !has && !must {
        return Ok(None);
    }
    session.cycle_id().await.map_err(PageError::internal)?;
    session.remove_value(USER_KEY).await.map_err(PageError::internal)?;
    session
        .insert(PENDING_USER, user.id)
        .await
        .map_err(PageError::internal)?;
    session.insert(PENDING_NEXT, next).await.map_err(PageError::internal)?;
    session.insert(PENDING_SETUP, !has).await.map_err(PageError::internal)?;
    if let Ok(cookie) = device_cookie.to_str() {
        session
            .insert(PENDING_DEVICE, cookie)
            .await
            .map_err(PageError::internal)?;
    }
    session
        .insert(PENDING_FAILURES, 0u32)
        .await
        .map_err(PageError::internal)?;
    session
        .insert(CSRF_KEY, crate::auth::random_secret())
        .await
        .map_err(PageError::internal)?;
    let to = if has {
        "/sign-in/two-factor"
    } else {
        "/two-factor/set-up"
    };
    Ok(Some(Redirect::to(to).into_response()))
}

/// The user owing a second step, if any, and whether they must set up.
async fn pending(state: &AppState, session: &Session) -> Result<Option<(User, bool)>, PageError> {
    let Some(id) = session.get::<Uuid>(PENDING_USER).await.map_err(PageError::internal)? else {
        return Ok(None);
    };
    let setup = session
        .get::<bool>(PENDING_SETUP)
        .await
        .map_err(PageError::internal)?
        .unwrap_or(false);
    Ok(state.store.user(id).await?.filter(|u| u.active).map(|u| (u, setup)))
}

/// Signs the pending user in as a password-only sign-in does (see
/// [`crate::web::session::establish`]): a new session id and CSRF token,
/// the session's times, then the user id. Returns where to go next and the
/// device cookie earned by the right password.
async fn finish_sign_in(
    session: &Session,
    user: &User,
    headers: &HeaderMap,
) -> Result<(String, Option<HeaderValue>), PageError> {
    let next = session
        .get::<String>(PENDING_NEXT)
        .await
        .map_err(PageError::internal)?
        .unwrap_or_else(|| "/".to_owned());
    let device = session
        .get::<String>(PENDING_DEVICE)
        .await
        .map_err(PageError::internal)?
        .and_then(|c| HeaderValue::from_str(&c).ok());
    for key in [
        PENDING_USER,
        PENDING_NEXT,
        PENDING_SETUP,
        PENDING_FAILURES,
        PENDING_DEVICE,
    ] {
        session.remove_value(key).await.map_err(PageError::internal)?;
    }
    crate::web::session::establish(session, user.id, headers).await?;
    tracing::info!(user = %user.id, "signed in with two factors");
    Ok((crate::web::session::safe_next(Some(&next)), device))
}

#[derive(Template)]
#[template(path = "two_factor/code.html")]
struct CodePage {
    ctx: Ctx,
    errors: FormErrors,
}

async fn code_page(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    match pending(&state, &session).await? {
        Some((_, false)) => render(&CodePage {
            ctx: Ctx {
                csrf: csrf_token(&session).await?,
                ..Ctx::anonymous()
            },
            errors: FormErrors::default(),
        }),
        Some((_, true)) => Ok(Redirect::to("/two-factor/set-up").into_response()),
        None => Ok(Redirect::to("/sign-in").into_response()),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    code: Option<String>,
}

/// Checks a code from the app, or a recovery code, for the pending user.
async fn code_is_good(state: &AppState, user_id: Uuid, code: &str) -> Result<bool, PageError> {
    let Some(totp) = state.store.totp(user_id).await?.filter(|t| t.confirmed) else {
        return Ok(false);
    };
    if crate::totp::looks_like_code(code) {
        match crate::totp::matching_step(&totp.secret, code, unix_now()) {
            Some(step) => Ok(state.store.accept_totp_step(user_id, step as i64).await?),
            None => Ok(false),
        }
    } else {
        Ok(state
            .store
            .use_recovery_code(user_id, &crate::totp::recovery_code_hash(code))
            .await?)
    }
}

async fn check_code(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let Some((user, false)) = pending(&state, &session).await? else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let code = form.code.unwrap_or_default();
    let code = code.trim();
    if !code.is_empty() && code_is_good(&state, user.id, code).await? {
        let (next, device) = finish_sign_in(&session, &user, &headers).await?;
        return Ok(with_cookie(Redirect::to(&next).into_response(), device));
    }
    let failures = session
        .get::<u32>(PENDING_FAILURES)
        .await
        .map_err(PageError::internal)?
        .unwrap_or(0)
        + 1;
    if failures >= MAX_CODE_FAILURES {
        tracing::warn!(user = %user.id, "two-factor sign-in abandoned after too many wrong codes");
        session.flush().await.map_err(PageError::internal)?;
        return Err(PageError::Status(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many wrong codes. Sign in again with your password.".into(),
        ));
    }
    session
        .insert(PENDING_FAILURES, failures)
        .await
        .map_err(PageError::internal)?;
    let message = if code.is_empty() {
        "Enter the 6-digit code from your authenticator app"
    } else {
        "The code is not right, or has been used already. Enter the code your app shows now"
    };
    render_invalid(&CodePage {
        ctx: Ctx {
            csrf: csrf_token(&session).await?,
            ..Ctx::anonymous()
        },
        errors: FormErrors(FieldErrors::single("code", message)),
    })
}

/// The user setting up an authenticator: signed in, or owing the set-up
/// before sign-in. The bool is true for the latter.
async fn setting_up(state: &AppState, session: &Session) -> Result<Option<(User, bool)>, PageError> {
    if let Some(id) = session.get::<Uuid>(USER_KEY).await.map_err(PageError::internal)?
        && let Some(user) = state.store.user(id).await?.filter(|u| u.active)
    {
        return Ok(Some((user, false)));
    }
    Ok(pending(state, session)
        .await?
        .filter(|(_, setup)| *setup)
        .map(|(u, _)| (u, true)))
}

#[derive(Template)]
#[template(path = "two_factor/set_up.html")]
struct SetUpPage {
    ctx: Ctx,
    /// The secret, in groups of four, for typing into the app.
    secret: String,
    /// Set up because the organisation requires it, before sign-in.
    required: bool,
    errors: FormErrors,
}

async fn ctx_for(session: &Session, user: &User, before_sign_in: bool) -> Result<Ctx, PageError> {
    let csrf = csrf_token(session).await?;
    Ok(if before_sign_in {
        Ctx {
            csrf,
            ..Ctx::anonymous()
        }
    } else {
        Ctx {
            user_name: Some(user.name.clone()),
            is_admin: user.role.is_admin(),
            can_write: user.role.can_write(),
            csrf,
            section: "account",
        }
    })
}

async fn set_up_page(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let Some((user, before_sign_in)) = setting_up(&state, &session).await? else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    if state.store.has_totp(user.id).await? {
        return Ok(Redirect::to("/account").into_response());
    }
    let secret = state.store.begin_totp(user.id, &crate::totp::new_secret()).await?;
    render(&SetUpPage {
        ctx: ctx_for(&session, &user, before_sign_in).await?,
        secret: crate::totp::secret_for_typing(&secret),
        required: before_sign_in,
        errors: FormErrors::default(),
    })
}

async fn qr_code(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let Some((user, _)) = setting_up(&state, &session).await? else {
        return Err(PageError::NotFound);
    };
    let totp = state
        .store
        .totp(user.id)
        .await?
        .filter(|t| !t.confirmed)
        .ok_or(PageError::NotFound)?;
    let svg = crate::totp::qr_svg(&totp.secret, &user.email).map_err(PageError::Internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "two_factor/recovery_codes.html")]
struct RecoveryCodesPage {
    ctx: Ctx,
    codes: Vec<String>,
    next: String,
}

async fn confirm_set_up(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let Some((user, before_sign_in)) = setting_up(&state, &session).await? else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let totp = match state.store.totp(user.id).await? {
        Some(t) if !t.confirmed => t,
        _ => return Ok(Redirect::to("/two-factor/set-up").into_response()),
    };
    let code = form.code.unwrap_or_default();
    let step = crate::totp::matching_step(&totp.secret, &code, unix_now());
    let Some(step) = step else {
        let message = if code.trim().is_empty() {
            "Enter the 6-digit code your authenticator app shows"
        } else {
            "The code is not right. Check the app has the Goldthread account, then enter the code it shows now"
        };
        return render_invalid(&SetUpPage {
            ctx: ctx_for(&session, &user, before_sign_in).await?,
            secret: crate::totp::secret_for_typing(&totp.secret),
            required: before_sign_in,
            errors: FormErrors(FieldErrors::single("code", message)),
        });
    };
    let codes = crate::totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| crate::totp::recovery_code_hash(c)).collect();
    if !state.store.confirm_totp(user.id, step as i64, &hashes).await? {
        return Ok(Redirect::to("/account").into_response());
    }
    tracing::info!(user = %user.id, "two-factor sign-in set up");
    let (next, device) = if before_sign_in {
        finish_sign_in(&session, &user, &headers).await?
    } else {
        ("/account".to_owned(), None)
    };
    let page = render(&RecoveryCodesPage {
        ctx: ctx_for(&session, &user, false).await?,
        codes,
        next,
    })?;
    Ok(with_cookie(page, device))
}

#[derive(Template)]
#[template(path = "two_factor/status.html")]
struct StatusPage {
    ctx: Ctx,
    on: bool,
    required: bool,
    recovery_codes_left: i64,
}

async fn status_page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    render(&StatusPage {
        ctx: Ctx::for_user(&user, "account"),
        on: state.store.has_totp(user.id()).await?,
        required: state.store.two_factor_policy().await?.requires(user.user.role),
        recovery_codes_left: state.store.unused_recovery_codes(user.id()).await?,
    })
}

async fn turn_off(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    if state.store.two_factor_policy().await?.requires(user.user.role) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Your organisation requires two-factor sign-in, so it cannot be turned off.".into(),
        ));
    }
    let code = form.code.unwrap_or_default();
    if !code_is_good(&state, user.id(), code.trim()).await? {
        return Err(PageError::Status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The code is not right. Go back and enter the code your app shows now.".into(),
        ));
    }
    state.store.remove_totp(user.id()).await?;
    tracing::info!(user = %user.id(), "two-factor sign-in turned off");
    Ok(Redirect::to("/account").into_response())
}

#[derive(Template)]
#[template(path = "two_factor/policy.html")]
struct PolicyPage {
    ctx: Ctx,
    policy: TwoFactorPolicy,
    options: [TwoFactorPolicy; 3],
    errors: FormErrors,
}

async fn policy_page(State(state): State<AppState>, Admin(user): Admin) -> Result<Response, PageError> {
    render(&PolicyPage {
        ctx: Ctx::for_user(&user, "users"),
        policy: state.store.two_factor_policy().await?,
        options: TwoFactorPolicy::ALL,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct PolicyForm {
    policy: Option<String>,
}

async fn save_policy(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(form): Form<PolicyForm>,
) -> Result<Response, PageError> {
    match form.policy.as_deref().and_then(TwoFactorPolicy::parse) {
        Some(policy) => {
            state.store.set_two_factor_policy(policy).await?;
            tracing::info!(admin = %user.id(), policy = policy.as_str(), "two-factor policy changed");
            Ok(Redirect::to("/settings/two-factor").into_response())
        }
        None => render_invalid(&PolicyPage {
            ctx: Ctx::for_user(&user, "users"),
            policy: state.store.two_factor_policy().await?,
            options: TwoFactorPolicy::ALL,
            errors: FormErrors(FieldErrors::single("policy", "Choose who must use two-factor sign-in")),
        }),
    }
}
