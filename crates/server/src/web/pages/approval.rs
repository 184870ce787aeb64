//! The funding approval page (issue 9, PB): the approver's decision on the
//! current version of a plan whose type needs approval, approved or refused
//! with the reason, recorded by someone who may change the plan. The rules
//! are the domain's ([`goldthread_domain::approval`]); bad input re-shows
//! the form with what was typed and the errors.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::approval::{Approval, Standing, standing};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Plan};
use uuid::Uuid;

use super::dates::DateBoxes;
use super::plans::{PlanView, load_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/approval", get(page).post(decide))
}

/// The "Funding approval" part of the plan's Agreement block.
pub struct ApprovalPart {
    /// What the approval stands at, in words.
    pub words: String,
    pub approved: bool,
    /// Every decision, oldest first: (who, what, when, why).
    pub decisions: Vec<(String, String, String, String)>,
}

impl ApprovalPart {
    /// None when the plan's type needs no approval.
    pub fn of(plan: &Plan) -> Option<ApprovalPart> {
        let date = goldthread_domain::plan::format_date;
        let words = match standing(plan) {
            Standing::NotNeeded => return None,
            Standing::NotYetDecided => {
                "The funding has not been approved yet. The plan is put into action once it is approved.".to_owned()
            }
            Standing::Approved { version, on } => {
                format!(
                    "The funding of version {version}, the current version, was approved on {}.",
                    date(on)
                )
            }
            Standing::ApprovedEarlier { version, on } => format!(
                "The funding of version {version} was approved on {}. The plan has changed since: approval is needed again.",
                date(on)
            ),
            Standing::Refused { version, on, reason } => {
                format!("The funding of version {version} was refused on {}: {reason}", date(on))
            }
        };
        let decisions = plan
            .agreements
            .approval
            .decisions
            .iter()
            .map(|d| {
                let who = plan
                    .party(d.approval.party_id)
                    .map_or_else(|| "A former party".to_owned(), |p| p.name.clone());
                let what = match d.refused {
                    Some(_) => format!("Refused version {}", d.approval.version),
                    None => format!("Approved version {}", d.approval.version),
                };
                (who, what, date(d.approval.on), d.refused.clone().unwrap_or_default())
            })
            .collect();
        Some(ApprovalPart {
            words,
            approved: matches!(standing(plan), Standing::Approved { .. }),
            decisions,
        })
    }
}

#[derive(Template)]
#[template(path = "approval/decide.html")]
struct DecidePage {
    ctx: Ctx,
    view: PlanView,
    /// The parties who may approve: (id, name, role).
    approvers: Vec<(Uuid, String, String)>,
    version: i64,
    content_hash: String,
    values: Vec<(String, String)>,
    on: DateBoxes,
    errors: FormErrors,
}

impl DecidePage {
    fn get(&self, name: &str) -> &str {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

fn value<'a>(values: &'a [(String, String)], name: &str) -> &'a str {
    values
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn page_of(user: &CurrentUser, view: PlanView, values: Vec<(String, String)>, errors: FieldErrors) -> DecidePage {
    let on = if values.is_empty() {
        DateBoxes::of(Some(crate::local_time::today()))
    } else {
        let part = |p: &str| Some(value(&values, &format!("on-{p}")).to_owned());
        DateBoxes::typed(&part("day"), &part("month"), &part("year"), &None)
    };
    let roles = &view.plan.agreements.approval.approver_roles;
    let approvers = view
        .plan
        .parties
        .iter()
        .filter(|p| roles.contains(&p.role))
        .map(|p| (p.id, p.name.clone(), p.role.label().to_owned()))
        .collect();
    let mut ctx = Ctx::for_user(user, "plans");
    ctx.can_write &= view.writable;
    DecidePage {
        ctx,
        approvers,
        version: view.plan.agreements.content_version,
        content_hash: view.plan.content_hash(),
        view,
        values,
        on,
        errors: FormErrors(errors),
    }
}

async fn load(state: &AppState, user: &CurrentUser, id: &str) -> Result<PlanView, PageError> {
    let view = load_view(state, user, id).await?;
    if !goldthread_domain::approval::required(&view.plan) {
        return Err(PageError::NotFound);
    }
    if !view.writable || !view.plan.status.is_active() {
        return Err(StoreError::Forbidden.into());
    }
    Ok(view)
}

async fn page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response, PageError> {
    let view = load(&state, &user, &id).await?;
    render(&page_of(&user, view, vec![], FieldErrors::new()))
}

/// Reads the form into the change it asks for, or the errors.
fn read(plan: &Plan, values: &[(String, String)]) -> Result<(Change, &'static str), FieldErrors> {
    let mut errors = FieldErrors::new();
    let party_id = match Uuid::parse_str(value(values, "party_id").trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            errors.add("party_id", "Choose who made the decision");
            None
        }
    };
    let decision = value(values, "decision");
    if decision != "approved" && decision != "refused" {
        errors.add("decision", "Choose whether the funding is approved or refused");
    }
    let part = |p: &str| Some(value(values, &format!("on-{p}")).to_owned());
    let on = match DateBoxes::typed(&part("day"), &part("month"), &part("year"), &None).read("The date") {
        Ok(Some(iso)) => time::Date::parse(&iso, &time::format_description::well_known::Iso8601::DATE).ok(),
        Ok(None) => {
            errors.add("on", "Enter the date of the decision");
            None
        }
        Err(message) => {
            errors.add("on", message);
            None
        }
    };
    if on.is_some_and(|d| d > crate::local_time::today()) {
        errors.add("on", "The date must be today or in the past");
    }
    let version = value(values, "version").trim().parse::<i64>().unwrap_or(0);
    let reason = value(values, "reason").to_owned();
    if decision == "refused" && reason.trim().is_empty() {
        errors.add("reason", "Say why the funding is refused");
    }
    let (Some(party_id), Some(on)) = (party_id, on) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let _ = plan;
    let approval = Approval {
        party_id,
        version,
        content_hash: value(values, "content_hash").to_owned(),
        on,
    };
    Ok(if decision == "approved" {
        (Change::ApprovalGiven { approval }, "approved")
    } else {
        (Change::ApprovalRefused { approval, reason }, "refused")
    })
}

async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load(&state, &user, &id).await?;
    let result = match read(&view.plan, &values) {
        Ok((change, done)) => state
            .store
            .change_plan(
                &user.actor(),
                view.plan.id,
                view.plan.version,
                None,
                change,
                &state.plan_types,
            )
            .await
            .map(|_| done),
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/plans/{}/agreements?saved={done}", view.plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => {
            // The form comes back bound to the version now shown.
            let mut values = values;
            values.retain(|(k, _)| k != "version" && k != "content_hash");
            render_invalid(&page_of(&user, view, values, errors))
        }
        Err(e) => Err(e.into()),
    }
}
