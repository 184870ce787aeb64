//! "Transfer to the official form" (issue 6): the confirmation page, the
//! transfer, and the links between the two plans shown on each plan's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::plan::Plan;
use goldthread_domain::plan_type::Gap;
use serde::Deserialize;

use super::plans::{PlanView, load_writable_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/transfer", get(confirm_page).post(transfer))
}

/// The links between a plan and the plan it was transferred from or to, as
/// its page shows them.
pub struct LinksView {
    /// "Transferred from": the other plan's id and how it is named.
    pub from: Option<(String, String)>,
    /// "Transferred to".
    pub to: Option<(String, String)>,
    /// For a plan transferred onto its form: what the form still needs.
    pub gaps: Vec<Gap>,
    /// The official form this (blank-sheet) plan can be transferred to.
    pub official_form: Option<String>,
}

/// The links of `plan`, for its page.
pub fn links_view(state: &AppState, plan: &Plan) -> LinksView {
    let name = |link: &goldthread_domain::transfer::PlanLink| {
        (
            link.plan_id.to_string(),
            format!("{} number {}", state.plan_type_name(&link.plan_type), link.number),
        )
    };
    let own = state.plan_types.get(&plan.plan_type);
    LinksView {
        from: plan.links.from.as_ref().map(name),
        to: plan.links.to.as_ref().map(name),
        gaps: match (&plan.links.from, own) {
            (Some(_), Some(t)) => goldthread_domain::transfer::gaps(plan, t),
            _ => Vec::new(),
        },
        official_form: own
            .and_then(|t| t.official_form.as_deref())
            .filter(|_| plan.status.is_active() && plan.links.to.is_none())
            .map(|id| state.plan_type_name(id)),
    }
}

#[derive(Template)]
#[template(path = "transfer/confirm.html")]
struct ConfirmPage {
    ctx: Ctx,
    view: PlanView,
    /// The official form's name.
    onto: String,
    /// What becomes of this plan: "closed" or "superseded".
    ends_as: String,
    reason: String,
    errors: FormErrors,
}

/// The blank-sheet plan and its official form's id, or not found: only a
/// blank sheet that can still be transferred has this page.
async fn transferable(state: &AppState, user: &CurrentUser, id: &str) -> Result<(PlanView, String), PageError> {
    let view = load_writable_view(state, user, id).await?;
    let onto = state
        .plan_types
        .get(&view.plan.plan_type)
        .and_then(|t| t.official_form.clone())
        .filter(|_| view.plan.status.is_active() && view.plan.links.to.is_none())
        .ok_or(PageError::NotFound)?;
    Ok((view, onto))
}

fn confirm(
    user: &CurrentUser,
    state: &AppState,
    view: PlanView,
    onto: &str,
    reason: String,
    errors: FormErrors,
) -> ConfirmPage {
    let mut ctx = Ctx::for_user(user, "plans");
    ctx.can_write &= view.writable;
    ConfirmPage {
        ctx,
        ends_as: goldthread_domain::transfer::status_after(&view.plan)
            .label()
            .to_lowercase(),
        onto: state.plan_type_name(onto),
        view,
        reason,
        errors,
    }
}

async fn confirm_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (view, onto) = transferable(&state, &user, &id).await?;
    render(&confirm(
        &user,
        &state,
        view,
        &onto,
        String::new(),
        FormErrors::default(),
    ))
}

#[derive(Deserialize)]
struct TransferForm {
    reason: Option<String>,
}

async fn transfer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<TransferForm>,
) -> Result<Response, PageError> {
    let (view, onto) = transferable(&state, &user, &id).await?;
    let reason = form.reason.unwrap_or_default();
    match state
        .store
        .transfer_plan(&user.actor(), view.plan.id, &onto, Some(&reason), &state.plan_types)
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!("/plans/{}?transferred=1#transferred", done.plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => {
            render_invalid(&confirm(&user, &state, view, &onto, reason, FormErrors(errors)))
        }
        Err(e) => Err(e.into()),
    }
}
