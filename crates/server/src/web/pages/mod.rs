//! Server-rendered pages, built on the GOV.UK Design System's components.
//! Every page works without JavaScript.

mod account;
pub mod agreements;
pub mod approval;
mod audit;
pub mod consent;
pub mod dashboard;
pub mod dates;
mod exports;
pub mod meetings;
pub mod mine_progress;
pub mod minutes;
pub mod progress;
pub mod requests;
mod retention;
pub(crate) use account::Moment;
mod compare;
pub mod conflict;
pub mod invitations;
mod messages;
pub mod mine;
mod parties;
pub mod people;
pub mod plans;
pub mod print;
pub mod reviews;
pub mod sections;
mod sign_in;
mod teams;
pub mod transfer;
mod two_factor;
mod users;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use goldthread_domain::error::FieldErrors;

use super::AppState;
use super::error::PageError;
use super::session::CurrentUser;
use crate::store::{PlanFilter, PlanSummary};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .merge(sign_in::router())
        .merge(audit::router())
        .merge(retention::router())
        .merge(people::router())
        .merge(plans::router())
        .merge(print::router())
        .merge(parties::router())
        .merge(agreements::router())
        .merge(approval::router())
        .merge(consent::router())
        .merge(invitations::router())
        .merge(mine::router())
        .merge(messages::router())
        .merge(sections::router())
        .merge(reviews::router())
        .merge(users::router())
        .merge(account::router())
        .merge(teams::router())
        .merge(transfer::router())
        .merge(two_factor::router())
        .merge(dashboard::router())
        .merge(meetings::router())
        .merge(minutes::router())
        .merge(progress::router())
        .merge(requests::router())
        .merge(exports::router())
        .merge(crate::web::oidc::router())
}

/// What the layout needs on every page.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    pub user_name: Option<String>,
    pub is_admin: bool,
    pub can_write: bool,
    pub csrf: String,
    /// Which navigation item is current.
    pub section: &'static str,
}

impl Ctx {
    pub fn anonymous() -> Ctx {
        Ctx::default()
    }

    pub fn for_user(user: &CurrentUser, section: &'static str) -> Ctx {
        Ctx {
            user_name: Some(user.user.name.clone()),
            is_admin: user.user.role.is_admin(),
            can_write: user.user.role.can_write(),
            csrf: user.csrf.clone(),
            section,
        }
    }
}

/// Renders a template as a 200 page.
pub fn render(template: &impl Template) -> Result<Response, PageError> {
    Ok(Html(template.render()?).into_response())
}

/// Renders a form again with its errors, with status 422 so that scripts
/// and tests can tell it was refused.
pub fn render_invalid(template: &impl Template) -> Result<Response, PageError> {
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(template.render()?)).into_response())
}

pub async fn not_found() -> PageError {
    PageError::NotFound
}

/// The errors of a form and what was typed, shown again on the form.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub FieldErrors);

impl FormErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn list(&self) -> &[goldthread_domain::error::FieldError] {
        &self.0.0
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    plans: Vec<PlanSummary>,
    total: i64,
    /// What is due, for those who carry plans out (SPEC M1).
    board: Option<dashboard::BoardView>,
}

async fn home(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    let filter = PlanFilter {
        limit: 20,
        ..Default::default()
    };
    let (plans, total) = state.store.list_plans(&user.actor(), &filter).await?;
    let board = if user.user.role.can_write() && !plans.is_empty() {
        Some(dashboard::BoardView::of(
            &dashboard::board(&state, &user.actor(), None).await?,
        ))
    } else {
        None
    };
    render(&HomePage {
        ctx: Ctx::for_user(&user, "home"),
        plans,
        total,
        board,
    })
}
