//! Messages (issue 9): a user's own notifications, the administrators'
//! outbox (every e-mail queued, sent or kept when no SMTP server is
//! configured), and sending a party a copy of a plan.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::plan::Party;
use serde::Deserialize;

use super::parties::{PartyQuery, party_of};
use super::plans::{PlanView, load_writable_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{Notification, OutboxMessage, StoreError};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::{Admin, CurrentUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(notifications))
        .route("/admin/outbox", get(outbox))
        .route("/plans/{id}/copies/new", get(copy_page).post(send_copy))
}

#[derive(Template)]
#[template(path = "messages/notifications.html")]
struct NotificationsPage {
    ctx: Ctx,
    items: Vec<(Notification, String)>,
}

async fn notifications(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    let items = state
        .store
        .notifications(user.user.id, 100)
        .await?
        .into_iter()
        .map(|n| {
            let at = crate::web::format::date_time(n.created_at);
            (n, at)
        })
        .collect();
    state.store.mark_notifications_read(user.user.id).await?;
    render(&NotificationsPage {
        ctx: Ctx::for_user(&user, "notifications"),
        items,
    })
}

#[derive(Template)]
#[template(path = "messages/outbox.html")]
struct OutboxPage {
    ctx: Ctx,
    messages: Vec<(OutboxMessage, String)>,
}

async fn outbox(State(state): State<AppState>, Admin(user): Admin) -> Result<Response, PageError> {
    let messages = state
        .store
        .outbox(200)
        .await?
        .into_iter()
        .map(|m| {
            let at = crate::web::format::date_time(m.created_at);
            (m, at)
        })
        .collect();
    render(&OutboxPage {
        ctx: Ctx::for_user(&user, "users"),
        messages,
    })
}

#[derive(Template)]
#[template(path = "messages/copy.html")]
struct CopyPage {
    ctx: Ctx,
    view: PlanView,
    party: Party,
    email: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
struct CopyForm {
    email: String,
}

async fn copy_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<PartyQuery>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let party = party_of(&view, &query.party)?;
    let email = party.contact_email().unwrap_or_default().to_owned();
    render(&CopyPage {
        ctx: Ctx::for_user(&user, "plans"),
        view,
        party,
        email,
        errors: FormErrors::default(),
    })
}

async fn send_copy(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<PartyQuery>,
    headers: HeaderMap,
    Form(form): Form<CopyForm>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let party = party_of(&view, &query.party)?;
    let link = format!(
        "{}/plans/{}/mine",
        super::invitations::base_url(&state, &headers),
        view.plan.id
    );
    match state
        .store
        .send_copy(&user.actor(), view.plan.id, party.id, &form.email, &link)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{}/agreements?saved=copy", view.plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => render_invalid(&CopyPage {
            ctx: Ctx::for_user(&user, "plans"),
            view,
            party,
            email: form.email,
            errors: FormErrors(errors),
        }),
        Err(e) => Err(e.into()),
    }
}
