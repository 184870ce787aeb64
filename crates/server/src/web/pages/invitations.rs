//! Invitation links (issue 9): a practitioner invites a party of a plan;
//! the invitee opens the link, sets up access (a new account with a
//! password, or the account they are signed in with) and reaches that plan
//! only. Expired, used, withdrawn or altered links get a clear page and
//! grant nothing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::Party;
use goldthread_domain::user::NewUser;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::parties::{PartyQuery, party_of};
use super::people::parse_id;
use super::plans::{PlanView, load_writable_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{DEFAULT_INVITATION_DAYS, Invitation, LinkProblem, StoreError, User};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::{CurrentUser, USER_KEY, anonymous_csrf, csrf_token, with_cookie};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/invitations", get(list))
        .route("/plans/{id}/invitations/new", get(new_page).post(create))
        .route("/plans/{id}/invitations/{invitation}/revoke", post(revoke))
        .route("/invitations/{token}", get(open).post(accept))
}

/// The address people use to reach Goldthread: the configured public URL,
/// or else the host the request came to.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    match state.config.public_url.as_deref() {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    }
}

struct InvitationRow {
    id: Uuid,
    name: String,
    email: String,
    state: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "invitations/list.html")]
struct ListPage {
    ctx: Ctx,
    view: PlanView,
    rows: Vec<InvitationRow>,
    /// After an invitation is made: the link, shown this once.
    link: Option<String>,
    party_name: String,
    email: String,
    expires: String,
    sent: bool,
}

fn rows(view: &PlanView, invitations: Vec<Invitation>) -> Vec<InvitationRow> {
    let at = crate::store::now();
    invitations
        .into_iter()
        .map(|i| {
            let state = match i.state(at) {
                Ok(()) => format!("Waiting, until {}", crate::web::format::date_time(i.expires_at)),
                Err(LinkProblem::Used) => "Used: access set up".to_owned(),
                Err(LinkProblem::Revoked) => "Withdrawn".to_owned(),
                Err(_) => "Expired".to_owned(),
            };
            InvitationRow {
                id: i.id,
                name: view
                    .plan
                    .party(i.party_id)
                    .map_or_else(|| "A former party".to_owned(), |p| p.name.clone()),
                email: i.email,
                open: state.starts_with("Waiting"),
                state,
            }
        })
        .collect()
}

async fn list(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let invitations = state.store.invitations(&user.actor(), view.plan.id).await?;
    render(&ListPage {
        ctx: Ctx::for_user(&user, "plans"),
        rows: rows(&view, invitations),
        view,
        link: None,
        party_name: String::new(),
        email: String::new(),
        expires: String::new(),
        sent: false,
    })
}

#[derive(Template)]
#[template(path = "invitations/new.html")]
struct NewPage {
    ctx: Ctx,
    view: PlanView,
    party: Party,
    email: String,
    days: String,
    errors: FormErrors,
}

async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<PartyQuery>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let party = party_of(&view, &query.party)?;
    let email = party.contact_email().unwrap_or_default().to_owned();
    render(&NewPage {
        ctx: Ctx::for_user(&user, "plans"),
        view,
        party,
        email,
        days: DEFAULT_INVITATION_DAYS.to_string(),
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct NewForm {
    email: String,
    days: String,
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<PartyQuery>,
    headers: HeaderMap,
    Form(form): Form<NewForm>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let party = party_of(&view, &query.party)?;
    let days = form.days.trim().parse::<i64>().unwrap_or(0);
    let actor = user.actor();
    match state
        .store
        .invite(&actor, view.plan.id, party.id, &form.email, days)
        .await
    {
        Ok((invitation, token)) => {
            let link = format!("{}/invitations/{token}", base_url(&state, &headers));
            let sent = crate::mail::invitation(&state, &actor, &view.plan, &party, &invitation.email, &link)
                .await
                .is_ok();
            let invitations = state.store.invitations(&actor, view.plan.id).await?;
            render(&ListPage {
                ctx: Ctx::for_user(&user, "plans"),
                rows: rows(&view, invitations),
                view,
                link: Some(link),
                party_name: party.name,
                email: invitation.email,
                expires: crate::web::format::date_time(invitation.expires_at),
                sent,
            })
        }
        Err(StoreError::Invalid(errors)) => render_invalid(&NewPage {
            ctx: Ctx::for_user(&user, "plans"),
            view,
            party,
            email: form.email,
            days: form.days,
            errors: FormErrors(errors),
        }),
        Err(e) => Err(e.into()),
    }
}

async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, invitation)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let plan_id = parse_id(&id)?;
    state
        .store
        .revoke_invitation(&user.actor(), plan_id, parse_id(&invitation)?)
        .await?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/invitations")).into_response())
}

// ---------------------------------------------------------------------------
// The link itself
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "invitations/open.html")]
struct OpenPage {
    ctx: Ctx,
    token: String,
    party_name: String,
    plan_title: String,
    email: String,
    /// Signed in: accept with this account.
    signed_in_as: Option<String>,
    full_name: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "invitations/problem.html")]
struct ProblemPage {
    ctx: Ctx,
    message: &'static str,
}

fn problem(problem: LinkProblem) -> Result<Response, PageError> {
    let status = match problem {
        LinkProblem::Unknown => StatusCode::NOT_FOUND,
        _ => StatusCode::GONE,
    };
    let page = ProblemPage {
        ctx: Ctx::anonymous(),
        message: problem.message(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The signed-in user, if any (the link works signed in or not).
async fn signed_in(state: &AppState, session: &Session) -> Result<Option<User>, PageError> {
    let id: Option<Uuid> = session.get(USER_KEY).await.map_err(PageError::internal)?;
    match id {
        Some(id) => Ok(state.store.user(id).await?.filter(|u| u.active)),
        None => Ok(None),
    }
}

async fn csrf_for(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    user: &Option<User>,
) -> Result<(String, Option<axum::http::HeaderValue>), PageError> {
    if user.is_some() {
        Ok((csrf_token(session).await?, None))
    } else {
        Ok(anonymous_csrf(state, headers))
    }
}

async fn open(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let Some((invitation, party, plan_title)) = state.store.invitation_for_token(&token).await? else {
        return problem(LinkProblem::Unknown);
    };
    if let Err(p) = invitation.state(crate::store::now()) {
        return problem(p);
    }
    let user = signed_in(&state, &session).await?;
    let (csrf, cookie) = csrf_for(&state, &session, &headers, &user).await?;
    let page = OpenPage {
        ctx: Ctx {
            csrf,
            ..Ctx::anonymous()
        },
        token,
        full_name: party.name.clone(),
        party_name: party.name,
        plan_title,
        email: invitation.email,
        signed_in_as: user.map(|u| format!("{} ({})", u.name, u.email)),
        errors: FormErrors::default(),
    };
    Ok(with_cookie(render(&page)?, cookie))
}

#[derive(Deserialize)]
struct AcceptForm {
    name: Option<String>,
    password: Option<String>,
}

async fn accept(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, PageError> {
    let Some((invitation, party, plan_title)) = state.store.invitation_for_token(&token).await? else {
        return problem(LinkProblem::Unknown);
    };
    if let Err(p) = invitation.state(crate::store::now()) {
        return problem(p);
    }
    let current = signed_in(&state, &session).await?;
    let user = match current.clone() {
        Some(user) => user,
        None => {
            let name = form.name.clone().unwrap_or_default();
            let password = form.password.clone().unwrap_or_default();
            let mut errors = FieldErrors::new();
            if state.store.user_by_email(&invitation.email).await?.is_some() {
                errors.add(
                    "email",
                    "There is already an account with this email address: sign in first, then open the link again",
                );
            }
            let created = match NewUser::parse(&invitation.email, &name, "viewer", &password) {
                Ok(new_user) if errors.is_empty() => {
                    let mut strength = FieldErrors::new();
                    goldthread_domain::user::check_password_for(
                        &mut strength,
                        "password",
                        &password,
                        &[&invitation.email, &name],
                    );
                    if strength.is_empty() {
                        let hash = crate::auth::hash_password(password)
                            .await
                            .map_err(PageError::internal)?;
                        Some(state.store.create_user(&new_user, &hash).await?)
                    } else {
                        errors.0.extend(strength.0);
                        None
                    }
                }
                Ok(_) => None,
                Err(more) => {
                    errors.0.extend(more.0);
                    None
                }
            };
            match created {
                Some(user) => user,
                None => {
                    let (csrf, cookie) = csrf_for(&state, &session, &headers, &None).await?;
                    let page = OpenPage {
                        ctx: Ctx {
                            csrf,
                            ..Ctx::anonymous()
                        },
                        token,
                        party_name: party.name,
                        plan_title,
                        email: invitation.email,
                        signed_in_as: None,
                        full_name: name,
                        errors: FormErrors(errors),
                    };
                    return Ok(with_cookie(render_invalid(&page)?, cookie));
                }
            }
        }
    };
    match state.store.accept_invitation(&token, &user, &state.plan_types).await? {
        Ok(plan_id) => {
            if current.is_none() {
                crate::web::session::establish(&session, user.id, &headers).await?;
            }
            Ok(Redirect::to(&format!("/plans/{plan_id}/mine?welcome=1")).into_response())
        }
        Err(p) => problem(p),
    }
}
