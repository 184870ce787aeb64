//! `/admin/retention` (issue 12, SPEC S4): administrators see every closed
//! plan and when it is due for removal, the legal holds (set and lifted
//! here with a reason) and the record of what was removed; and can run the
//! removal now (it also runs by itself, `src/retention.rs`). To anyone else
//! the page does not exist, like the audit's.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use serde::Deserialize;

use super::people::parse_id;
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{Hold, HoldTarget, RetentionEvent, RetentionItem, StoreError};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::{Admin, CurrentUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/retention", get(index))
        .route("/admin/retention/run", post(run))
        .route("/admin/retention/holds", post(set_hold))
        .route("/admin/retention/holds/{id}/lift", post(lift_hold))
}

struct PlanRow {
    item: RetentionItem,
    closed: String,
}

struct HoldRow {
    hold: Hold,
    set: String,
    /// The id of its "why lifted" box, which errors name.
    field: String,
}

struct RemovedRow {
    event: RetentionEvent,
    when: String,
    what: String,
}

#[derive(Template)]
#[template(path = "retention/index.html")]
struct RetentionPage {
    ctx: Ctx,
    plans: Vec<PlanRow>,
    holds: Vec<HoldRow>,
    removed: Vec<RemovedRow>,
    subject: String,
    reason: String,
    errors: FormErrors,
    banner: Option<String>,
}

fn long_date(date: time::Date) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    date.format(&format).unwrap_or_else(|_| date.to_string())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    subject: String,
    reason: String,
    errors: FieldErrors,
    banner: Option<String>,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let plans = state
        .store
        .retention_overview(&actor, state.config.today())
        .await?
        .into_iter()
        .map(|item| PlanRow {
            closed: long_date(item.closed_on),
            item,
        })
        .collect();
    let holds = state
        .store
        .legal_holds(&actor, false)
        .await?
        .into_iter()
        .map(|hold| HoldRow {
            set: crate::local_time::date_time(hold.set_at),
            field: format!("lift-{}", hold.id),
            hold,
        })
        .collect();
    let removed = state
        .store
        .retention_events(&actor, 200)
        .await?
        .into_iter()
        .map(|event| RemovedRow {
            when: crate::local_time::date_time(event.at),
            what: if event.kind == "plan" {
                format!(
                    "A {} plan's content, {} file{} and {} record{} of doing it",
                    event.plan_type.as_deref().unwrap_or(""),
                    event.files_deleted,
                    if event.files_deleted == 1 { "" } else { "s" },
                    event.records_deleted,
                    if event.records_deleted == 1 { "" } else { "s" },
                )
            } else {
                "A person's details (anonymised)".to_owned()
            },
            event,
        })
        .collect();
    let view = RetentionPage {
        ctx: Ctx::for_user(user, "retention"),
        plans,
        holds,
        removed,
        subject,
        reason,
        errors: FormErrors(errors),
        banner,
    };
    if view.errors.is_empty() {
        render(&view)
    } else {
        render_invalid(&view)
    }
}

#[derive(Deserialize)]
struct Banner {
    done: Option<String>,
}

async fn index(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(query): Query<Banner>,
) -> Result<Response, PageError> {
    let banner = match query.done.as_deref() {
        Some("run") => Some("Removed what was due".to_owned()),
        Some("held") => Some("Put on hold".to_owned()),
        Some("lifted") => Some("Hold lifted".to_owned()),
        _ => None,
    };
    page(&state, &user, String::new(), String::new(), FieldErrors::new(), banner).await
}

async fn run(State(state): State<AppState>, Admin(user): Admin) -> Result<Response, PageError> {
    state
        .store
        .retention_run(&user.actor(), state.config.today(), false, None)
        .await?;
    Ok(Redirect::to("/admin/retention?done=run#removed").into_response())
}

#[derive(Deserialize)]
struct HoldForm {
    subject: Option<String>,
    reason: Option<String>,
}

async fn set_hold(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(form): Form<HoldForm>,
) -> Result<Response, PageError> {
    let subject = form.subject.unwrap_or_default().trim().to_owned();
    let reason = form.reason.unwrap_or_default();
    let mut errors = FieldErrors::new();
    let id = uuid::Uuid::parse_str(&subject).ok();
    if id.is_none() {
        errors.add(
            "subject",
            "Enter the id of a plan or a person, as in its page's address",
        );
    }
    if let Err(e) = goldthread_domain::retention::check_hold_reason(&reason) {
        for error in e.0 {
            errors.add(&error.field, error.message);
        }
    }
    let Some(id) = id.filter(|_| errors.is_empty()) else {
        return page(&state, &user, subject, reason, errors, None).await;
    };
    let actor = user.actor();
    let held = match state.store.set_legal_hold(&actor, HoldTarget::Plan(id), &reason).await {
        Err(StoreError::NotFound) => {
            state
                .store
                .set_legal_hold(&actor, HoldTarget::Person(id), &reason)
                .await
        }
        other => other,
    };
    match held {
        Ok(_) => Ok(Redirect::to("/admin/retention?done=held#holds").into_response()),
        Err(StoreError::NotFound) => {
            errors.add("subject", "There is no plan or person with this id that is still kept");
            page(&state, &user, subject, reason, errors, None).await
        }
        Err(StoreError::Invalid(errors)) => page(&state, &user, subject, reason, errors, None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct LiftForm {
    reason: Option<String>,
}

async fn lift_hold(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
    Form(form): Form<LiftForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let reason = form.reason.unwrap_or_default();
    match state.store.lift_legal_hold(&user.actor(), id, &reason).await {
        Ok(_) => Ok(Redirect::to("/admin/retention?done=lifted#holds").into_response()),
        Err(StoreError::Invalid(_)) => {
            let errors = FieldErrors::single(&format!("lift-{id}"), "Enter why the hold is lifted");
            page(&state, &user, String::new(), String::new(), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}
