//! Requests that start a clock (SPEC R4), under the plan's progress: the
//! list of open and met requests with their due dates, the form to record
//! a request, and the page to mark one met. Refused input shows the form
//! again with what was typed and the errors, naming the field.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::monitoring::clocks::ClockState;
use goldthread_domain::monitoring::requests::{MetInput, RequestInput, request_clocks};
use goldthread_domain::plan::format_date;
use serde::Deserialize;
use uuid::Uuid;

use super::dates::DateBoxes;
use super::meetings::{Pairs, merge_errors};
use super::plans::{PlanView, load_view, load_writable_view};
use super::progress::{Choice, date_or_stand_in, save_unless_boxes_failed};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{RequestRecord, StoreError};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/requests", get(requests_page).post(save_request))
        .route("/plans/{id}/requests/{request_id}/met", get(met_page).post(save_met))
}

/// Where a clock stands, in words.
pub fn state_words(state: Option<ClockState>) -> String {
    match state {
        None => "No deadline (the plan type no longer has this clock)".into(),
        Some(ClockState::Running { days_left }) | Some(ClockState::DueSoon { days_left }) => match days_left {
            0 => "Due today".into(),
            1 => "Due tomorrow".into(),
            d => format!("Due in {d} days"),
        },
        Some(ClockState::Overdue { days_over: 1 }) => "1 day overdue".into(),
        Some(ClockState::Overdue { days_over }) => format!("{days_over} days overdue"),
        Some(ClockState::Done { on, late }) => {
            format!(
                "Met on {}{}",
                format_date(on),
                if late { ", late" } else { ", on time" }
            )
        }
    }
}

/// One request as listed.
pub struct RequestLine {
    pub id: String,
    pub requested_on: String,
    pub requested_by: String,
    pub what: String,
    pub clock: String,
    pub length: String,
    pub due: String,
    pub state: String,
    pub overdue: bool,
    pub met: bool,
    pub met_note: String,
    pub recorded_by: String,
}

fn lines(view: &PlanView, records: &[RequestRecord], today: time::Date) -> Vec<RequestLine> {
    records
        .iter()
        .map(|r| {
            let status = r.status(&view.plan, today);
            let request = &r.request.record;
            RequestLine {
                id: r.request.id.to_string(),
                requested_on: format_date(request.date),
                requested_by: request.requested_by.clone(),
                what: request.what.clone(),
                clock: status.label.clone(),
                length: status.length.clone(),
                due: status.due.map(format_date).unwrap_or_default(),
                overdue: matches!(status.state, Some(ClockState::Overdue { .. })),
                state: state_words(status.state),
                met: r.met.is_some(),
                met_note: r
                    .met
                    .as_ref()
                    .and_then(|(m, _)| m.record.note.clone())
                    .unwrap_or_default(),
                recorded_by: r.recorded_by_name.clone(),
            }
        })
        .collect()
}

/// What was typed into the request form.
#[derive(Default)]
pub struct Typed {
    pub clock: String,
    pub requested_by: String,
    pub what: String,
    pub date: DateBoxes,
}

#[derive(Template)]
#[template(path = "monitoring/requests.html")]
struct RequestsPage {
    ctx: Ctx,
    view: PlanView,
    open: Vec<RequestLine>,
    met: Vec<RequestLine>,
    clocks: Vec<Choice>,
    typed: Typed,
    errors: FormErrors,
    saved: String,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    typed: Typed,
    errors: FieldErrors,
    saved: &str,
) -> Result<RequestsPage, PageError> {
    let records = state.store.plan_requests(&user.actor(), view.plan.id).await?;
    let all = lines(&view, &records, state.config.today());
    let (met, open): (Vec<RequestLine>, Vec<RequestLine>) = all.into_iter().partition(|l| l.met);
    let clocks = request_clocks(state.plan_types.get(&view.plan.plan_type))
        .into_iter()
        .map(|c| Choice {
            value: c.key.clone(),
            label: format!("{} ({})", c.label, clock_length(c)),
        })
        .collect();
    Ok(RequestsPage {
        ctx: Ctx::for_user(user, "plans"),
        view,
        open,
        met,
        clocks,
        typed,
        errors: FormErrors(errors),
        saved: saved.to_owned(),
    })
}

fn clock_length(clock: &goldthread_domain::monitoring::clocks::ClockRule) -> String {
    use goldthread_domain::monitoring::clocks::ClockUnit;
    let unit = match clock.unit {
        ClockUnit::Days => "days",
        ClockUnit::Weeks => "weeks",
        ClockUnit::WorkingDays => "working days",
    };
    format!("within {} {unit}", clock.length)
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn requests_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let saved = match query.saved.as_deref() {
        Some("request") => "The request has been recorded.",
        Some("met") => "The request has been marked as met.",
        _ => "",
    };
    render(&page(&state, &user, view, Typed::default(), FieldErrors::new(), saved).await?)
}

/// The domain's field names as the form's.
fn rename(errors: FieldErrors, names: &[(&str, &str)]) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                if let Some((_, to)) = names.iter().find(|(from, _)| *from == e.field) {
                    e.field = (*to).to_owned();
                }
                e
            })
            .collect(),
    )
}

async fn save_request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let form = Pairs(pairs);
    let mut boxes = FieldErrors::new();
    let date = form.read_date("request-date", "The date the request was made", &mut boxes);
    let input = RequestInput {
        clock: form.get("request-clock"),
        date: date_or_stand_in(date, &boxes),
        requested_by: form.get("request-by"),
        what: form.get("request-what"),
    };
    let today = state.config.today();
    let actor = user.actor();
    let save = state.store.record_request(&actor, view.plan.id, &input, today);
    let result = save_unless_boxes_failed(&boxes, save, || {
        let plan_type = state.plan_types.get(&view.plan.plan_type);
        input.parse(&view.plan, plan_type, today).err().unwrap_or_default()
    })
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}/requests?saved=request", view.plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let names = [
                ("clock", "request-clock"),
                ("date", "request-date"),
                ("requested_by", "request-by"),
                ("what", "request-what"),
            ];
            let errors = merge_errors(boxes, rename(errors, &names));
            let typed = Typed {
                clock: form.text("request-clock"),
                requested_by: form.text("request-by"),
                what: form.text("request-what"),
                date: form.date("request-date"),
            };
            render_invalid(&page(&state, &user, view, typed, errors, "").await?)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "monitoring/request_met.html")]
struct MetPage {
    ctx: Ctx,
    view: PlanView,
    request: RequestLine,
    date: DateBoxes,
    note: String,
    errors: FormErrors,
}

async fn met_form(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    request_id: &str,
) -> Result<(PlanView, RequestLine), PageError> {
    let request_id = Uuid::parse_str(request_id).map_err(|_| PageError::NotFound)?;
    let records = state.store.plan_requests(&user.actor(), view.plan.id).await?;
    let record = records
        .into_iter()
        .find(|r| r.request.id == request_id)
        .ok_or(PageError::NotFound)?;
    let line = lines(&view, &[record], state.config.today())
        .pop()
        .expect("one line per record");
    Ok((view, line))
}

async fn met_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, request_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let (view, request) = met_form(&state, &user, view, &request_id).await?;
    if request.met {
        return Ok(Redirect::to(&format!("/plans/{}/requests", view.plan.id)).into_response());
    }
    render(&MetPage {
        ctx: Ctx::for_user(&user, "plans"),
        view,
        request,
        date: DateBoxes::default(),
        note: String::new(),
        errors: FormErrors::default(),
    })
}

async fn save_met(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, request_id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let (view, request) = met_form(&state, &user, view, &request_id).await?;
    let form = Pairs(pairs);
    let mut boxes = FieldErrors::new();
    let date = form.read_date("met-date", "The date the request was met", &mut boxes);
    let input = MetInput {
        date,
        note: form.get("met-note"),
    };
    let result = if boxes.is_empty() {
        let request_id = Uuid::parse_str(&request.id).map_err(|_| PageError::NotFound)?;
        state
            .store
            .record_request_met(&user.actor(), view.plan.id, request_id, &input, state.config.today())
            .await
            .map(|_| ())
    } else {
        Err(StoreError::Invalid(FieldErrors::new()))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}/requests?saved=met", view.plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let errors = merge_errors(boxes, rename(errors, &[("date", "met-date"), ("note", "met-note")]));
            render_invalid(&MetPage {
                ctx: Ctx::for_user(&user, "plans"),
                view,
                request,
                date: form.date("met-date"),
                note: form.text("met-note"),
                errors: FormErrors(errors),
            })
        }
        Err(other) => Err(other.into()),
    }
}
