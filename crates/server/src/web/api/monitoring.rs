//! Doing the plan (SPEC M1–M4): planning meetings, progress notes,
//! attendance, ratings, the progress picture and the dashboard. Records are
//! append-only: each POST adds one; nothing is changed or deleted.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::monitoring::Recorded;
use goldthread_domain::monitoring::dashboard::Dashboard;
use goldthread_domain::monitoring::meetings::{FollowUpName, Meeting, MeetingInput, MeetingLabels};
use goldthread_domain::monitoring::progress::{
    Attendance, AttendanceInput, CancelledBy, ProgressNote, ProgressNoteInput, Rater, Rating, RatingInput,
    SessionStatusName, attendance_4_and_12_weeks,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiQuery, ApiUser, parse_id, strict_dates};
use crate::store::{DashboardPlan, MonitoringLog};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_meetings, add_meeting))
        .routes(routes!(list_notes, add_note))
        .routes(routes!(list_attendance, add_attendance))
        .routes(routes!(list_ratings, add_rating))
        .routes(routes!(attendance_rates))
        .routes(routes!(progress_picture))
        .routes(routes!(get_dashboard))
}

macro_rules! entry {
    ($name:ident, $field:ident, $ty:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub id: Uuid,
            /// The user who recorded it.
            pub recorded_by: Uuid,
            pub recorded_by_name: String,
            #[serde(with = "time::serde::rfc3339")]
            #[schema(value_type = String, format = DateTime)]
            pub recorded_at: OffsetDateTime,
            pub $field: $ty,
        }

        impl $name {
            fn of(recorded: &Recorded<$ty>, log: &MonitoringLog) -> $name {
                $name {
                    id: recorded.id,
                    recorded_by: recorded.recorded_by,
                    recorded_by_name: log.name_of(recorded.recorded_by).to_owned(),
                    recorded_at: recorded.recorded_at,
                    $field: recorded.record.clone(),
                }
            }

            fn new(recorded: Recorded<$ty>, name: &str) -> $name {
                $name {
                    id: recorded.id,
                    recorded_by: recorded.recorded_by,
                    recorded_by_name: name.to_owned(),
                    recorded_at: recorded.recorded_at,
                    $field: recorded.record,
                }
            }
        }
    };
}

entry!(MeetingEntry, meeting, Meeting, "A planning meeting as recorded.");
entry!(NoteEntry, note, ProgressNote, "A progress note as recorded.");
entry!(
    AttendanceEntry,
    attendance,
    Attendance,
    "An attendance mark as recorded."
);
entry!(RatingEntry, rating, Rating, "A rating as recorded.");

/// The document's enums and patterns, held exactly: the forms are
/// forgiving (spaces, a typed minus sign), the API takes what it declares.
fn exact(errors: &mut FieldErrors, field: &str, value: Option<&str>, allowed: &[&str]) {
    if let Some(value) = value
        && !allowed.contains(&value)
    {
        errors.add(field, format!("Use one of: {}", allowed.join(", ")));
    }
}

fn checked(errors: FieldErrors) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}

async fn log_of(state: &AppState, actor: &goldthread_domain::user::Actor, id: &str) -> Result<MonitoringLog, ApiError> {
    Ok(state.store.monitoring_log(actor, parse_id(id)?).await?)
}

/// The plan's planning meetings, oldest first.
#[utoipa::path(get, path = "/plans/{id}/meetings", tag = "monitoring", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<MeetingEntry>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_meetings(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<MeetingEntry>>, ApiError> {
    let log = log_of(&state, &actor, &id).await?;
    Ok(axum::Json(
        log.meetings.iter().map(|m| MeetingEntry::of(m, &log)).collect(),
    ))
}

/// Record a planning meeting. It must follow up every action point still
/// open from earlier meetings (done, not done, or carried forward with a
/// new date); each new action point needs an owner (a party of the plan)
/// and a due date on or after the meeting.
#[utoipa::path(post, path = "/plans/{id}/meetings", tag = "monitoring", params(("id" = Uuid, Path)), request_body = MeetingInput,
    responses((status = 201, description = "Recorded", body = MeetingEntry), (status = 403, description = "You may read this plan but not change it", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn add_meeting(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let plan = state.store.plan(&actor, id).await?;
    let mut dates: Vec<(String, Option<String>)> = vec![("date".into(), input.date.clone())];
    for (i, a) in input.actions.iter().enumerate() {
        dates.push((format!("actions[{i}].due"), a.due.clone()));
    }
    for (i, f) in input.follow_ups.iter().enumerate() {
        dates.push((format!("follow_ups[{i}].new_due"), f.new_due.clone()));
    }
    let labels = MeetingLabels::for_plan_type(state.plan_types.get(&plan.plan_type));
    let mut errors = FieldErrors::new();
    for (i, f) in input.follow_ups.iter().enumerate() {
        exact(
            &mut errors,
            &format!("follow_ups[{i}].outcome"),
            f.outcome.as_deref(),
            FollowUpName::NAMES,
        );
    }
    checked(errors)?;
    let shape: Vec<(&str, Option<&str>)> = dates.iter().map(|(f, v)| (f.as_str(), v.as_deref())).collect();
    strict_dates(Ok(()), &shape)?;
    let recorded = state.store.record_meeting(&actor, id, &input, &labels).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(MeetingEntry::new(recorded, &actor.name)),
    ))
}

/// The plan's progress notes, oldest first.
#[utoipa::path(get, path = "/plans/{id}/notes", tag = "monitoring", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<NoteEntry>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_notes(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<NoteEntry>>, ApiError> {
    let log = log_of(&state, &actor, &id).await?;
    Ok(axum::Json(log.notes.iter().map(|m| NoteEntry::of(m, &log)).collect()))
}

/// Add a progress note linked to an outcome (`outcome_id`) or a target
/// (`target_id`) of this plan, dated today or earlier.
#[utoipa::path(post, path = "/plans/{id}/notes", tag = "monitoring", params(("id" = Uuid, Path)), request_body = ProgressNoteInput,
    responses((status = 201, description = "Recorded", body = NoteEntry), (status = 403, description = "You may read this plan but not change it", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn add_note(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProgressNoteInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    state.store.plan(&actor, id).await?;
    strict_dates(Ok(()), &[("date", input.date.as_deref())])?;
    let recorded = state
        .store
        .record_note(&actor, id, &input, state.config.today())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(NoteEntry::new(recorded, &actor.name))))
}

/// The plan's attendance marks, oldest first.
#[utoipa::path(get, path = "/plans/{id}/attendance", tag = "monitoring", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<AttendanceEntry>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_attendance(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<AttendanceEntry>>, ApiError> {
    let log = log_of(&state, &actor, &id).await?;
    Ok(axum::Json(
        log.attendance.iter().map(|m| AttendanceEntry::of(m, &log)).collect(),
    ))
}

/// Record attendance of one session of a provision of this plan: a date
/// while the provision ran, not in the future. A later mark for the same
/// session date replaces the earlier one in the rates.
#[utoipa::path(post, path = "/plans/{id}/attendance", tag = "monitoring", params(("id" = Uuid, Path)), request_body = AttendanceInput,
    responses((status = 201, description = "Recorded", body = AttendanceEntry), (status = 403, description = "You may read this plan but not change it", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn add_attendance(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AttendanceInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    state.store.plan(&actor, id).await?;
    strict_dates(Ok(()), &[("date", input.date.as_deref())])?;
    let mut errors = FieldErrors::new();
    exact(&mut errors, "status", input.status.as_deref(), SessionStatusName::NAMES);
    exact(
        &mut errors,
        "cancelled_by",
        input.cancelled_by.as_deref(),
        CancelledBy::NAMES,
    );
    checked(errors)?;
    let recorded = state
        .store
        .record_attendance(&actor, id, &input, state.config.today())
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(AttendanceEntry::new(recorded, &actor.name)),
    ))
}

/// The plan's ratings, oldest first.
#[utoipa::path(get, path = "/plans/{id}/ratings", tag = "monitoring", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<RatingEntry>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_ratings(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<RatingEntry>>, ApiError> {
    let log = log_of(&state, &actor, &id).await?;
    Ok(axum::Json(
        log.ratings.iter().map(|m| RatingEntry::of(m, &log)).collect(),
    ))
}

/// Rate progress towards an outcome of this plan from −2 to +2, as the
/// person (`rater` = `person`) or their worker (`worker`).
#[utoipa::path(post, path = "/plans/{id}/ratings", tag = "monitoring", params(("id" = Uuid, Path)), request_body = RatingInput,
    responses((status = 201, description = "Recorded", body = RatingEntry), (status = 403, description = "You may read this plan but not change it", body = Problem),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn add_rating(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RatingInput>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    state.store.plan(&actor, id).await?;
    strict_dates(Ok(()), &[("date", input.date.as_deref())])?;
    let mut errors = FieldErrors::new();
    exact(&mut errors, "rater", input.rater.as_deref(), Rater::NAMES);
    exact(
        &mut errors,
        "score",
        input.score.as_deref(),
        &["-2", "-1", "-0", "0", "+0", "1", "+1", "2", "+2"],
    );
    checked(errors)?;
    let recorded = state
        .store
        .record_rating(&actor, id, &input, state.config.today())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(RatingEntry::new(recorded, &actor.name))))
}

/// Attendance of one provision over a window.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Rate {
    pub attended: u32,
    pub missed: u32,
    pub cancelled_by_person: u32,
    pub cancelled_otherwise: u32,
    /// Whole per cent of the sessions expected (attended, missed or
    /// cancelled by the person); null with none expected.
    #[schema(minimum = 0, maximum = 100)]
    pub percent: Option<u32>,
}

/// One provision's attendance rates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProvisionRates {
    pub provision_id: Uuid,
    pub what: String,
    pub last_4_weeks: Rate,
    pub last_12_weeks: Rate,
}

fn rate(r: goldthread_domain::monitoring::progress::AttendanceRate) -> Rate {
    Rate {
        attended: r.attended,
        missed: r.missed,
        cancelled_by_person: r.cancelled_by_person,
        cancelled_otherwise: r.cancelled_otherwise,
        percent: r.percent(),
    }
}

/// The attendance rate of each provision over the last 4 and 12 weeks.
#[utoipa::path(get, path = "/plans/{id}/attendance-rates", tag = "monitoring", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<ProvisionRates>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn attendance_rates(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<ProvisionRates>>, ApiError> {
    let id = parse_id(&id)?;
    let plan = state.store.plan(&actor, id).await?;
    let log = state.store.monitoring_log(&actor, id).await?;
    let marks = log.attendance_records();
    let today = state.config.today();
    Ok(axum::Json(
        plan.content
            .provision
            .iter()
            .map(|p| {
                let (four, twelve) = attendance_4_and_12_weeks(&marks, p.id, today);
                ProvisionRates {
                    provision_id: p.id,
                    what: p.what.clone(),
                    last_4_weeks: rate(four),
                    last_12_weeks: rate(twelve),
                }
            })
            .collect(),
    ))
}

/// Progress towards one outcome drawn as an SVG: both raters' lines,
/// formal reviews marked.
#[utoipa::path(get, path = "/plans/{id}/outcomes/{outcome_id}/progress.svg", tag = "monitoring", params(("id" = Uuid, Path), ("outcome_id" = Uuid, Path)),
    responses((status = 200, description = "An SVG image", content_type = "image/svg+xml", body = String), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn progress_picture(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, outcome_id)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let outcome_id = parse_id(&outcome_id)?;
    let plan = state.store.plan(&actor, id).await?;
    let log = state.store.monitoring_log(&actor, id).await?;
    let svg = crate::web::pages::progress::outcome_svg(&plan, &log, outcome_id, "progress")
        .ok_or_else(ApiError::not_found)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DashboardQuery {
    /// A team's dashboard (for its managers and administrators) instead of
    /// your own.
    team: Option<Uuid>,
}

/// Reviews, meetings (the plan type's meeting deadlines) and meeting
/// action points held or done by their date over the last quarter (91
/// days), out of how many were due.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OnTime {
    pub on_time: usize,
    pub due: usize,
}

/// What is due, on the server's today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DashboardBody {
    #[schema(value_type = String, format = Date)]
    pub today: time::Date,
    /// The plans in view ("my people", or the team's).
    pub people: Vec<DashboardPlan>,
    pub lists: Dashboard,
    /// For a team only.
    pub on_time: Option<OnTime>,
    /// Your latest reminders (up to 50), newest first.
    pub reminders: Vec<crate::store::Reminder>,
}

/// Your dashboard, or a team's (`team`): overdue and due this week (each
/// action with its agency), plans waiting for agreement, safety plans not
/// checked this week, weekly reviews missing; for a team also the share
/// held on time over the last quarter.
#[utoipa::path(get, path = "/dashboard", tag = "monitoring", params(DashboardQuery),
    responses((status = 200, description = "OK", body = DashboardBody), (status = 404, description = "No such team, or not yours", body = Problem)))]
async fn get_dashboard(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<axum::Json<DashboardBody>, ApiError> {
    let board = crate::web::pages::dashboard::board(&state, &actor, query.team).await?;
    let reminders = state.store.reminders_for(&actor, 50).await?;
    Ok(axum::Json(DashboardBody {
        reminders,
        today: board.today,
        people: board.plans,
        lists: board.lists,
        on_time: board.on_time.map(|(on_time, due)| OnTime { on_time, due }),
    }))
}
