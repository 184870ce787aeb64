//! Consent to share (issue 12, SPEC S3): what is in force for each purpose
//! and organisation, every decision ever recorded, and a form to record a
//! new one. The rules are the domain's ([`goldthread_domain::consent`]);
//! the API records the same decision as a `consent_recorded` change.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::consent::{ConsentDecision, Decision, Purpose, RecordedConsent};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::Change;
use serde::Deserialize;

use super::dates::DateBoxes;
use super::plans::{PlanView, load_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/consent", get(page).post(record))
}

/// One decision as the page shows it.
struct Row {
    organisation: String,
    purpose: String,
    given: bool,
    by: String,
    on: String,
    note: String,
}

impl Row {
    fn of(recorded: &RecordedConsent) -> Row {
        let d = &recorded.decision;
        Row {
            organisation: d.organisation.clone(),
            purpose: d.purpose.label().to_owned(),
            given: recorded.is_given(),
            by: match &d.on_behalf_of {
                Some(whom) => format!("{} on behalf of {whom}", d.given_by),
                None => d.given_by.clone(),
            },
            on: goldthread_domain::plan::format_date(d.on),
            note: d.note.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "consent/page.html")]
struct ConsentPage {
    ctx: Ctx,
    view: PlanView,
    in_force: Vec<Row>,
    history: Vec<Row>,
    purposes: Vec<(String, &'static str)>,
    values: Vec<(String, String)>,
    on: DateBoxes,
    saved: Option<String>,
    errors: FormErrors,
}

impl ConsentPage {
    fn get(&self, name: &str) -> &str {
        value(&self.values, name)
    }
}

fn value<'a>(values: &'a [(String, String)], name: &str) -> &'a str {
    values
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn page_of(
    user: &CurrentUser,
    view: PlanView,
    values: Vec<(String, String)>,
    errors: FieldErrors,
    saved: Option<String>,
) -> ConsentPage {
    let on = if values.is_empty() {
        DateBoxes::of(Some(crate::local_time::today()))
    } else {
        let part = |p: &str| Some(value(&values, &format!("on-{p}")).to_owned());
        DateBoxes::typed(&part("day"), &part("month"), &part("year"), &None)
    };
    let mut ctx = Ctx::for_user(user, "plans");
    ctx.can_write &= view.writable && view.plan.status.is_active();
    let consents = &view.plan.consents;
    ConsentPage {
        ctx,
        in_force: consents.in_force().into_iter().map(Row::of).collect(),
        history: consents.decisions.iter().map(Row::of).collect(),
        purposes: Purpose::ALL
            .iter()
            .map(|p| (p.as_str().to_owned(), p.label()))
            .collect(),
        view,
        values,
        on,
        saved,
        errors: FormErrors(errors),
    }
}

#[derive(Deserialize)]
struct Saved {
    saved: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<Saved>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let saved = query.saved.map(|what| match what.as_str() {
        "withdrawn" => "Consent withdrawn. It is kept in the plan's history.".to_owned(),
        _ => "Consent recorded.".to_owned(),
    });
    render(&page_of(&user, view, vec![], FieldErrors::new(), saved))
}

/// Reads the form into a decision, or the errors (the domain checks the
/// rest when the change is made).
fn read(values: &[(String, String)]) -> Result<ConsentDecision, FieldErrors> {
    let mut errors = FieldErrors::new();
    let purpose = Purpose::parse(value(values, "purpose"));
    if purpose.is_none() {
        errors.add("purpose", "Choose what the consent is for");
    }
    let decision = Decision::parse(value(values, "decision"));
    if decision.is_none() {
        errors.add("decision", "Choose whether consent is given or withdrawn");
    }
    let part = |p: &str| Some(value(values, &format!("on-{p}")).to_owned());
    let on = match DateBoxes::typed(&part("day"), &part("month"), &part("year"), &None).read("The date") {
        Ok(Some(iso)) => time::Date::parse(&iso, &time::format_description::well_known::Iso8601::DATE).ok(),
        Ok(None) => {
            errors.add("on", "Enter the date consent was given or withdrawn");
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
    let text = |name: &str| Some(value(values, name).trim().to_owned()).filter(|v| !v.is_empty());
    match (purpose, decision, on) {
        (Some(purpose), Some(decision), Some(on)) if errors.is_empty() => Ok(ConsentDecision {
            purpose,
            organisation: value(values, "organisation").to_owned(),
            decision,
            given_by: value(values, "given_by").to_owned(),
            on_behalf_of: text("on_behalf_of"),
            on,
            note: text("note"),
        }),
        _ => Err(errors),
    }
}

async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    if !view.writable {
        return Err(StoreError::Forbidden.into());
    }
    let base = value(&values, "version")
        .trim()
        .parse::<i64>()
        .unwrap_or(view.plan.version);
    let result = match read(&values) {
        Ok(consent) => {
            let done = if consent.decision == Decision::Withdrawn {
                "withdrawn"
            } else {
                "given"
            };
            state
                .store
                .change_plan(
                    &user.actor(),
                    view.plan.id,
                    base,
                    None,
                    Change::ConsentRecorded { consent },
                    &state.plan_types,
                )
                .await
                .map(|_| done)
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/plans/{}/consent?saved={done}", view.plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => render_invalid(&page_of(&user, view, values, errors, None)),
        Err(e) => Err(e.into()),
    }
}
