//! Progress between reviews (SPEC M2): per outcome the picture of both
//! raters' ratings over time (review dates marked) and its notes; per
//! provision the attendance rate over the last 4 and 12 weeks; and the
//! forms to add a note, a rating or an attendance mark. Each form posts to
//! its own address; a refused one shows this page again with what was
//! typed and the errors, naming the field.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::monitoring::progress::{
    AttendanceInput, AttendanceRate, NoteLink, ProgressLabels, ProgressNoteInput, RatingInput, RatingSeries,
    attendance_4_and_12_weeks, progress_svg,
};
use goldthread_domain::plan::{Plan, format_date};
use goldthread_domain::review::ReviewKind;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use super::dates::DateBoxes;
use super::meetings::{Pairs, merge_errors};
use super::plans::{PlanView, load_view, load_writable_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{MonitoringLog, StoreError};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/progress", get(progress_page))
        .route("/plans/{id}/progress/notes", post(save_note))
        .route("/plans/{id}/progress/ratings", post(save_rating))
        .route("/plans/{id}/progress/attendance", post(save_attendance))
        .route("/plans/{id}/outcomes/{outcome_id}/progress.svg", get(progress_picture))
}

/// The formal reviews' dates, marked on the pictures.
pub fn review_dates(plan: &Plan) -> Vec<Date> {
    plan.reviews
        .reviews
        .iter()
        .filter(|r| r.kind == ReviewKind::Formal)
        .map(|r| r.opened_on)
        .collect()
}

/// One outcome's picture of progress, as an SVG.
pub fn outcome_svg(plan: &Plan, log: &MonitoringLog, outcome_id: Uuid, id_prefix: &str) -> Option<String> {
    let outcome = plan.content.outcomes.iter().find(|o| o.id == outcome_id)?;
    let series = RatingSeries::of(&log.rating_records(), outcome_id);
    let labels = ProgressLabels {
        title: outcome.text.clone(),
        id: id_prefix.to_owned(),
        ..ProgressLabels::default()
    };
    Some(progress_svg(&series, &review_dates(plan), &labels))
}

pub struct NoteLine {
    pub date: String,
    pub text: String,
    pub about: String,
    pub behaviour: bool,
    pub by: String,
}

pub struct RatingLine {
    pub date: String,
    pub person: String,
    pub worker: String,
    pub apart: bool,
}

pub struct OutcomeBlock {
    pub id: String,
    pub text: String,
    pub svg: String,
    pub ratings: Vec<RatingLine>,
    pub notes: Vec<NoteLine>,
}

pub struct AttendanceLine {
    pub id: String,
    pub what: String,
    pub ended: bool,
    pub four: String,
    pub twelve: String,
}

fn rate_words(rate: &AttendanceRate) -> String {
    match rate.percent() {
        None => "No sessions expected".into(),
        Some(p) => format!(
            "{p}% ({} of {} sessions attended{})",
            rate.attended,
            rate.expected(),
            if rate.cancelled_otherwise > 0 {
                format!("; {} cancelled by others not counted", rate.cancelled_otherwise)
            } else {
                String::new()
            }
        ),
    }
}

fn signed(score: i8) -> String {
    match score {
        s if s > 0 => format!("+{s}"),
        0 => "0".into(),
        s => format!("−{}", -s),
    }
}

fn outcome_blocks(plan: &Plan, log: &MonitoringLog) -> Vec<OutcomeBlock> {
    let ratings = log.rating_records();
    plan.content
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, outcome)| {
            let series = RatingSeries::of(&ratings, outcome.id);
            let apart = series.disagreements();
            let mut dates: Vec<Date> = series.person.iter().chain(&series.worker).map(|(d, _)| *d).collect();
            dates.sort();
            dates.dedup();
            let score_on = |line: &[(Date, i8)], date: Date| {
                line.iter()
                    .find(|(d, _)| *d == date)
                    .map_or_else(|| "–".to_owned(), |(_, s)| signed(*s))
            };
            let targets: Vec<(Uuid, &str)> = outcome
                .steps
                .iter()
                .flat_map(|s| &s.targets)
                .map(|t| (t.id, t.text.as_str()))
                .collect();
            let notes = log
                .notes
                .iter()
                .rev()
                .filter_map(|n| {
                    let about = match n.record.link {
                        NoteLink::Outcome(id) if id == outcome.id => "The outcome".to_owned(),
                        NoteLink::Target(id) => format!("Target: {}", targets.iter().find(|(t, _)| *t == id)?.1),
                        NoteLink::Outcome(_) => return None,
                    };
                    Some(NoteLine {
                        date: format_date(n.record.date),
                        text: n.record.text.clone(),
                        about,
                        behaviour: n.record.behaviour_or_skill,
                        by: log.name_of(n.recorded_by).to_owned(),
                    })
                })
                .collect();
            OutcomeBlock {
                id: outcome.id.to_string(),
                text: outcome.text.clone(),
                svg: outcome_svg(plan, log, outcome.id, &format!("progress-{}", i + 1)).unwrap_or_default(),
                ratings: dates
                    .iter()
                    .map(|d| RatingLine {
                        date: format_date(*d),
                        person: score_on(&series.person, *d),
                        worker: score_on(&series.worker, *d),
                        apart: apart.contains(d),
                    })
                    .collect(),
                notes,
            }
        })
        .collect()
}

fn attendance_lines(plan: &Plan, log: &MonitoringLog, today: Date) -> Vec<AttendanceLine> {
    let marks = log.attendance_records();
    plan.content
        .provision
        .iter()
        .map(|p| {
            let (four, twelve) = attendance_4_and_12_weeks(&marks, p.id, today);
            AttendanceLine {
                id: p.id.to_string(),
                what: p.what.clone(),
                ended: p.ended.is_some(),
                four: rate_words(&four),
                twelve: rate_words(&twelve),
            }
        })
        .collect()
}

/// A choice in a select.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// What was typed into one of the three forms.
#[derive(Default)]
pub struct Typed {
    pub link: String,
    pub text: String,
    pub behaviour: bool,
    pub outcome: String,
    pub rater: String,
    pub score: String,
    pub provision: String,
    pub status: String,
    pub cancelled_by: String,
    pub date: DateBoxes,
}

#[derive(Template)]
#[template(path = "monitoring/progress.html")]
struct ProgressPage {
    ctx: Ctx,
    view: PlanView,
    outcomes: Vec<OutcomeBlock>,
    attendance: Vec<AttendanceLine>,
    links: Vec<Choice>,
    outcome_choices: Vec<Choice>,
    provision_choices: Vec<Choice>,
    /// Which form was sent ("note", "rating", "attendance"), if any.
    form: String,
    typed: Typed,
    errors: FormErrors,
    saved: String,
    today: String,
}

impl ProgressPage {
    /// The date boxes of form `which`: what was typed there, else empty.
    fn date_of(&self, which: &str) -> DateBoxes {
        if self.form == which {
            self.typed.date.clone()
        } else {
            DateBoxes::default()
        }
    }

    fn typed_if(&self, which: &str, value: &str) -> String {
        if self.form == which {
            value.to_owned()
        } else {
            String::new()
        }
    }
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    form: &str,
    typed: Typed,
    errors: FieldErrors,
    saved: &str,
) -> Result<ProgressPage, PageError> {
    let log = state.store.monitoring_log(&user.actor(), view.plan.id).await?;
    let today = state.config.today();
    let plan = &view.plan;
    let mut links = Vec::new();
    for outcome in &plan.content.outcomes {
        links.push(Choice {
            value: format!("outcome:{}", outcome.id),
            label: format!("Outcome: {}", outcome.text),
        });
        for target in outcome.steps.iter().flat_map(|s| &s.targets) {
            links.push(Choice {
                value: format!("target:{}", target.id),
                label: format!("Target: {}", target.text),
            });
        }
    }
    Ok(ProgressPage {
        ctx: Ctx::for_user(user, "plans"),
        outcomes: outcome_blocks(plan, &log),
        attendance: attendance_lines(plan, &log, today),
        links,
        outcome_choices: plan
            .content
            .outcomes
            .iter()
            .map(|o| Choice {
                value: o.id.to_string(),
                label: o.text.clone(),
            })
            .collect(),
        provision_choices: plan
            .content
            .provision
            .iter()
            .filter(|p| p.ended.is_none())
            .map(|p| Choice {
                value: p.id.to_string(),
                label: p.what.clone(),
            })
            .collect(),
        form: form.to_owned(),
        typed,
        errors: FormErrors(errors),
        saved: saved.to_owned(),
        today: format_date(today),
        view,
    })
}

async fn progress_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let saved = match query.saved.as_deref() {
        Some("note") => "The note has been added.",
        Some("rating") => "The rating has been added.",
        Some("attendance") => "The attendance has been recorded.",
        _ => "",
    };
    render(&page(&state, &user, view, "", Typed::default(), FieldErrors::new(), saved).await?)
}

/// Renames the domain's fields to the form's (each form's fields have
/// their own names on the page).
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

#[allow(clippy::too_many_arguments)]
async fn finish(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    which: &str,
    typed: Typed,
    boxes: FieldErrors,
    result: Result<(), StoreError>,
    names: &[(&str, &str)],
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}/progress?saved={which}", view.plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let errors = merge_errors(boxes, rename(errors, names));
            render_invalid(&page(state, user, view, which, typed, errors, "").await?)
        }
        Err(other) => Err(other.into()),
    }
}

async fn save_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let form = Pairs(pairs);
    let mut boxes = FieldErrors::new();
    let date = form.read_date("note-date", "The date of the note", &mut boxes);
    let link = form.text("note-link");
    let (outcome_id, target_id) = match link.split_once(':') {
        Some(("outcome", id)) => (Uuid::parse_str(id).ok(), None),
        Some(("target", id)) => (None, Uuid::parse_str(id).ok()),
        _ => (None, None),
    };
    let input = ProgressNoteInput {
        date: date_or_stand_in(date, &boxes),
        outcome_id,
        target_id,
        text: form.get("note-text"),
        behaviour_or_skill: form.get("note-behaviour").is_some(),
    };
    let today = state.config.today();
    let actor = user.actor();
    let save = state.store.record_note(&actor, view.plan.id, &input, today);
    let result = save_unless_boxes_failed(&boxes, save, || {
        input.parse(&view.plan, today).err().unwrap_or_default()
    })
    .await;
    let typed = Typed {
        link,
        text: form.text("note-text"),
        behaviour: form.get("note-behaviour").is_some(),
        date: form.date("note-date"),
        ..Typed::default()
    };
    let names = [
        ("date", "note-date"),
        ("outcome_id", "note-link"),
        ("target_id", "note-link"),
        ("text", "note-text"),
    ];
    finish(&state, &user, view, "note", typed, boxes, result, &names).await
}

async fn save_rating(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let form = Pairs(pairs);
    let mut boxes = FieldErrors::new();
    let date = form.read_date("rating-date", "The date of the rating", &mut boxes);
    let input = RatingInput {
        outcome_id: form.uuid("rating-outcome"),
        date: date_or_stand_in(date, &boxes),
        rater: form.get("rating-rater"),
        score: form.get("rating-score"),
    };
    let today = state.config.today();
    let actor = user.actor();
    let save = state.store.record_rating(&actor, view.plan.id, &input, today);
    let result = save_unless_boxes_failed(&boxes, save, || {
        input.parse(&view.plan, today).err().unwrap_or_default()
    })
    .await;
    let typed = Typed {
        outcome: form.text("rating-outcome"),
        rater: form.text("rating-rater"),
        score: form.text("rating-score"),
        date: form.date("rating-date"),
        ..Typed::default()
    };
    let names = [
        ("date", "rating-date"),
        ("outcome_id", "rating-outcome"),
        ("rater", "rating-rater"),
        ("score", "rating-score"),
    ];
    finish(&state, &user, view, "rating", typed, boxes, result, &names).await
}

async fn save_attendance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let form = Pairs(pairs);
    let mut boxes = FieldErrors::new();
    let date = form.read_date("attendance-date", "The date of the session", &mut boxes);
    let input = AttendanceInput {
        provision_id: form.uuid("attendance-provision"),
        date: date_or_stand_in(date, &boxes),
        status: form.get("attendance-status"),
        cancelled_by: form.get("attendance-cancelled_by").filter(|v| !v.is_empty()),
    };
    let today = state.config.today();
    let actor = user.actor();
    let save = state.store.record_attendance(&actor, view.plan.id, &input, today);
    let result = save_unless_boxes_failed(&boxes, save, || {
        input.parse(&view.plan, today).err().unwrap_or_default()
    })
    .await;
    let typed = Typed {
        provision: form.text("attendance-provision"),
        status: form.text("attendance-status"),
        cancelled_by: form.text("attendance-cancelled_by"),
        date: form.date("attendance-date"),
        ..Typed::default()
    };
    let names = [
        ("date", "attendance-date"),
        ("provision_id", "attendance-provision"),
        ("status", "attendance-status"),
        ("cancelled_by", "attendance-cancelled_by"),
    ];
    finish(&state, &user, view, "attendance", typed, boxes, result, &names).await
}

async fn progress_picture(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, outcome_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let outcome_id = Uuid::parse_str(&outcome_id).map_err(|_| PageError::NotFound)?;
    let log = state.store.monitoring_log(&user.actor(), view.plan.id).await?;
    let svg = outcome_svg(&view.plan, &log, outcome_id, "progress").ok_or(PageError::NotFound)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

/// The date handed to the domain's input: what the boxes read, or, when
/// they did not, a stand-in so that the domain still names every other
/// field's problem (the boxes' own message is the one shown for the date).
pub(super) fn date_or_stand_in(date: Option<String>, boxes: &FieldErrors) -> Option<String> {
    date.or_else(|| (!boxes.is_empty()).then(|| "0001-01-01".to_owned()))
}

/// Saves when the date boxes read; otherwise answers with the domain's
/// errors for the rest of the form, saving nothing.
pub(super) async fn save_unless_boxes_failed<T>(
    boxes: &FieldErrors,
    save: impl std::future::Future<Output = Result<T, StoreError>>,
    rest: impl FnOnce() -> FieldErrors,
) -> Result<(), StoreError> {
    if boxes.is_empty() {
        save.await.map(|_| ())
    } else {
        Err(StoreError::Invalid(rest()))
    }
}
