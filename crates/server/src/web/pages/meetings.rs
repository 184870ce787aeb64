//! Planning meetings (SPEC M3): the plan's meetings with their agreed
//! action points, and the form for the next one, which opens with the
//! earlier meetings' open action points to follow up. The words come from
//! the plan type (CP: "Child planning meetings", "Who will do it?", "By
//! when?").

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::monitoring::meetings::{
    ActionEvent, ActionPointInput, Attendee, FollowUpInput, FollowUpOutcome, MeetingInput, MeetingLabels, OpenAction,
    action_history, open_actions,
};
use goldthread_domain::plan::{Plan, format_date};
use serde::Deserialize;
use uuid::Uuid;

use super::dates::DateBoxes;
use super::plans::{PlanView, load_view, load_writable_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/meetings", get(meetings_page))
        .route("/plans/{id}/meetings/new", get(new_meeting_page).post(save_meeting))
}

/// The fewest empty action point rows the form shows.
const ACTION_ROWS: usize = 3;
/// The most rows "Add another action point" makes.
const MAX_ACTION_ROWS: usize = 30;

/// What one form field's value looks like, by name, from the posted pairs.
pub(super) struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn get(&self, key: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    pub fn text(&self, key: &str) -> String {
        self.get(key).unwrap_or_default()
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn date(&self, key: &str) -> DateBoxes {
        DateBoxes::typed(
            &self.get(&format!("{key}-day")),
            &self.get(&format!("{key}-month")),
            &self.get(&format!("{key}-year")),
            &self.get(key),
        )
    }

    /// The date as the domain reads it; a box error goes in `errors`.
    pub fn read_date(&self, key: &str, label: &str, errors: &mut FieldErrors) -> Option<String> {
        match self.date(key).read(label) {
            Ok(value) => value,
            Err(message) => {
                errors.add(key, message);
                None
            }
        }
    }

    pub fn uuid(&self, key: &str) -> Option<Uuid> {
        self.get(key).and_then(|v| Uuid::parse_str(v.trim()).ok())
    }
}

/// The errors of the date boxes first, then the domain's for other fields.
pub(super) fn merge_errors(boxes: FieldErrors, domain: FieldErrors) -> FieldErrors {
    let mut errors = boxes.clone();
    for error in domain.0 {
        if boxes.get(&error.field).is_none() {
            errors.add(&error.field, error.message);
        }
    }
    errors
}

/// A party to choose (owner, attendee).
pub struct PartyOption {
    pub id: String,
    pub name: String,
}

fn party_options(plan: &Plan) -> Vec<PartyOption> {
    plan.parties
        .iter()
        .map(|p| PartyOption {
            id: p.id.to_string(),
            name: match &p.agency {
                Some(agency) if !agency.trim().is_empty() => format!("{} ({agency})", p.name),
                _ => p.name.clone(),
            },
        })
        .collect()
}

fn party_name(plan: &Plan, id: Uuid) -> String {
    plan.party(id)
        .map_or_else(|| "A former party".to_owned(), |p| p.name.clone())
}

fn attendee_name(plan: &Plan, attendee: &Attendee) -> String {
    match attendee {
        Attendee::Party { party_id } => party_name(plan, *party_id),
        Attendee::Other { name } => name.clone(),
    }
}

/// An action point as shown in the minutes.
pub struct ActionLine {
    pub text: String,
    pub owner: String,
    pub due: String,
    /// What became of it since, in words, with its history.
    pub history: Vec<String>,
}

/// A follow-up as shown in the minutes.
pub struct FollowUpLine {
    pub text: String,
    pub outcome: String,
    pub note: String,
}

/// One meeting as shown.
pub struct MeetingLine {
    /// The meeting's record id.
    pub id: String,
    pub anchor: String,
    pub date: String,
    pub chair: String,
    pub attendees: String,
    pub apologies: String,
    pub discussion: String,
    pub actions: Vec<ActionLine>,
    pub follow_ups: Vec<FollowUpLine>,
    pub recorded: String,
    /// "Minutes sent to … by … on …", one line per sending.
    pub minutes_sent: Vec<String>,
}

fn outcome_words(outcome: &FollowUpOutcome) -> String {
    match outcome {
        FollowUpOutcome::Done => "Done".into(),
        FollowUpOutcome::NotDone => "Not done".into(),
        FollowUpOutcome::CarriedForward { new_due } => format!("Carried forward to {}", format_date(*new_due)),
    }
}

pub(crate) fn meeting_lines(plan: &Plan, log: &crate::store::MonitoringLog) -> Vec<MeetingLine> {
    let meetings = log.meeting_records();
    let text_of = |id: Uuid| {
        meetings
            .iter()
            .flat_map(|m| &m.actions)
            .find(|a| a.id == id)
            .map_or_else(String::new, |a| a.text.clone())
    };
    log.meetings
        .iter()
        .enumerate()
        .map(|(i, recorded)| {
            let m = &recorded.record;
            let join = |list: &[Attendee]| {
                list.iter()
                    .map(|a| attendee_name(plan, a))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            MeetingLine {
                id: recorded.id.to_string(),
                anchor: format!("meeting-{}", i + 1),
                date: format_date(m.date),
                chair: m.chair.clone(),
                attendees: join(&m.attendees),
                apologies: join(&m.apologies),
                discussion: m.discussion.clone().unwrap_or_default(),
                actions: m
                    .actions
                    .iter()
                    .map(|a| ActionLine {
                        text: a.text.clone(),
                        owner: party_name(plan, a.owner_party_id),
                        due: format_date(a.due),
                        history: action_history(&meetings, a.id)
                            .into_iter()
                            .filter_map(|e| match e {
                                ActionEvent::Agreed { .. } => None,
                                ActionEvent::Followed { on, outcome, note } => Some(format!(
                                    "{} at the meeting on {}{}",
                                    outcome_words(&outcome),
                                    format_date(on),
                                    note.map(|n| format!(": {n}")).unwrap_or_default()
                                )),
                            })
                            .collect(),
                    })
                    .collect(),
                follow_ups: m
                    .follow_ups
                    .iter()
                    .map(|f| FollowUpLine {
                        text: text_of(f.action_id),
                        outcome: outcome_words(&f.outcome),
                        note: f.note.clone().unwrap_or_default(),
                    })
                    .collect(),
                recorded: format!(
                    "Recorded by {} on {}",
                    log.name_of(recorded.recorded_by),
                    crate::local_time::date_time(recorded.recorded_at)
                ),
                minutes_sent: Vec::new(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "monitoring/meetings.html")]
struct MeetingsPage {
    ctx: Ctx,
    view: PlanView,
    labels: MeetingLabels,
    meetings: Vec<MeetingLine>,
    open: Vec<OpenLine>,
    saved: bool,
    /// Minutes have just been sent.
    minutes_saved: bool,
    /// Why the minutes could not be sent, and which meeting's.
    minutes_error: Option<(String, String)>,
}

/// An open action point, to follow up.
pub struct OpenLine {
    pub id: String,
    pub text: String,
    pub owner: String,
    pub agreed_on: String,
    pub due: String,
}

fn open_lines(plan: &Plan, open: &[OpenAction]) -> Vec<OpenLine> {
    open.iter()
        .map(|o| OpenLine {
            id: o.action.id.to_string(),
            text: o.action.text.clone(),
            owner: party_name(plan, o.action.owner_party_id),
            agreed_on: format_date(o.agreed_on),
            due: format_date(o.due),
        })
        .collect()
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn meetings_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    render_meetings(&state, &user, &id, query.saved.as_deref(), None).await
}

/// The meetings page; `minutes_error` (meeting anchor, message) shows why
/// minutes could not be sent, with status 422.
pub(crate) async fn render_meetings(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    saved: Option<&str>,
    minutes_error: Option<(String, String)>,
) -> Result<Response, PageError> {
    let view = load_view(state, user, id).await?;
    let log = state.store.monitoring_log(&user.actor(), view.plan.id).await?;
    let labels = MeetingLabels::for_plan_type(state.plan_types.get(&view.plan.plan_type));
    let mut meetings = meeting_lines(&view.plan, &log);
    super::minutes::add_sent_lines(state, user, view.plan.id, &mut meetings).await?;
    let refused = minutes_error.is_some();
    let page = MeetingsPage {
        ctx: Ctx::for_user(user, "plans"),
        meetings,
        open: open_lines(&view.plan, &open_actions(&log.meeting_records())),
        labels,
        view,
        saved: saved == Some("meeting"),
        minutes_saved: saved == Some("minutes"),
        minutes_error,
    };
    if refused {
        Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
    } else {
        render(&page)
    }
}

/// One action point row of the form, as typed.
pub struct ActionRow {
    pub index: usize,
    pub text: String,
    pub owner: String,
    pub due: DateBoxes,
}

/// One open action point's follow-up, as typed.
pub struct FollowUpRow {
    pub index: usize,
    pub open: OpenLine,
    pub outcome: String,
    pub new_due: DateBoxes,
    pub note: String,
}

#[derive(Template)]
#[template(path = "monitoring/meeting_form.html")]
struct MeetingForm {
    ctx: Ctx,
    view: PlanView,
    labels: MeetingLabels,
    parties: Vec<PartyOption>,
    date: DateBoxes,
    chair: String,
    attendees: Vec<String>,
    other_attendees: String,
    apologies: Vec<String>,
    other_apologies: String,
    discussion: String,
    actions: Vec<ActionRow>,
    follow_ups: Vec<FollowUpRow>,
    errors: FormErrors,
}

impl MeetingForm {
    fn attended(&self, id: &str) -> bool {
        self.attendees.iter().any(|a| a == id)
    }

    fn sent_apologies(&self, id: &str) -> bool {
        self.apologies.iter().any(|a| a == id)
    }
}

async fn new_meeting_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let log = state.store.monitoring_log(&user.actor(), view.plan.id).await?;
    let labels = MeetingLabels::for_plan_type(state.plan_types.get(&view.plan.plan_type));
    let open = open_lines(&view.plan, &open_actions(&log.meeting_records()));
    render(&MeetingForm {
        ctx: Ctx::for_user(&user, "plans"),
        labels,
        parties: party_options(&view.plan),
        date: DateBoxes::default(),
        chair: String::new(),
        attendees: vec![],
        other_attendees: String::new(),
        apologies: vec![],
        other_apologies: String::new(),
        discussion: String::new(),
        actions: (0..ACTION_ROWS)
            .map(|index| ActionRow {
                index,
                text: String::new(),
                owner: String::new(),
                due: DateBoxes::default(),
            })
            .collect(),
        follow_ups: open
            .into_iter()
            .enumerate()
            .map(|(index, open)| FollowUpRow {
                index,
                open,
                outcome: String::new(),
                new_due: DateBoxes::default(),
                note: String::new(),
            })
            .collect(),
        view,
        errors: FormErrors::default(),
    })
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn save_meeting(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let log = state.store.monitoring_log(&user.actor(), view.plan.id).await?;
    let labels = MeetingLabels::for_plan_type(state.plan_types.get(&view.plan.plan_type));
    let form = Pairs(pairs);
    let open = open_lines(&view.plan, &open_actions(&log.meeting_records()));

    let rows: usize = form
        .get("rows")
        .and_then(|r| r.trim().parse().ok())
        .unwrap_or(ACTION_ROWS)
        .clamp(ACTION_ROWS, MAX_ACTION_ROWS);
    let adding = form.get("add_row").is_some();
    let rows = if adding { (rows + 1).min(MAX_ACTION_ROWS) } else { rows };

    let mut boxes = FieldErrors::new();
    let date = form.read_date("date", "The date of the meeting", &mut boxes);
    let action_rows: Vec<ActionRow> = (0..rows)
        .map(|index| ActionRow {
            index,
            text: form.text(&format!("actions[{index}].text")),
            owner: form.text(&format!("actions[{index}].owner_party_id")),
            due: form.date(&format!("actions[{index}].due")),
        })
        .collect();
    let follow_rows: Vec<FollowUpRow> = open
        .into_iter()
        .enumerate()
        .map(|(index, open)| FollowUpRow {
            index,
            outcome: form.text(&format!("follow_ups[{index}].outcome")),
            new_due: form.date(&format!("follow_ups[{index}].new_due")),
            note: form.text(&format!("follow_ups[{index}].note")),
            open,
        })
        .collect();

    let mut input = MeetingInput {
        date,
        chair: form.get("chair"),
        attendee_party_ids: form
            .all("attendee_party_ids")
            .iter()
            .filter_map(|v| Uuid::parse_str(v).ok())
            .collect(),
        other_attendees: lines(&form.text("other_attendees")),
        apology_party_ids: form
            .all("apology_party_ids")
            .iter()
            .filter_map(|v| Uuid::parse_str(v).ok())
            .collect(),
        other_apologies: lines(&form.text("other_apologies")),
        discussion: form.get("discussion"),
        ..Default::default()
    };
    // Rows left wholly empty are not action points. The domain names
    // fields by their place in the list it is given, so keep each row's
    // place in the form.
    let mut places = Vec::new();
    for row in &action_rows {
        let field = format!("actions[{}].due", row.index);
        let empty = row.text.trim().is_empty()
            && row.owner.trim().is_empty()
            && row.due.day.is_empty()
            && row.due.month.is_empty()
            && row.due.year.is_empty();
        if empty {
            continue;
        }
        let due = form.read_date(
            &field,
            &format!("{} for action point {}", labels.due, row.index + 1),
            &mut boxes,
        );
        places.push(row.index);
        input.actions.push(ActionPointInput {
            text: Some(row.text.clone()),
            owner_party_id: Uuid::parse_str(row.owner.trim()).ok(),
            due,
        });
    }
    for row in &follow_rows {
        let new_due = if row.outcome == "carried_forward" {
            form.read_date(
                &format!("follow_ups[{}].new_due", row.index),
                "The new date",
                &mut boxes,
            )
        } else {
            None
        };
        input.follow_ups.push(FollowUpInput {
            action_id: Uuid::parse_str(&row.open.id).ok(),
            outcome: Some(row.outcome.clone()),
            new_due,
            note: Some(row.note.clone()),
        });
    }

    let result = if adding {
        Err(StoreError::Invalid(FieldErrors::new()))
    } else if !boxes.is_empty() {
        // Check the rest too, so every problem is listed at once.
        let mut probe = input.clone();
        probe.date = probe.date.or(Some("0001-01-01".into()));
        Err(StoreError::Invalid(
            probe
                .parse(&view.plan, &log.meeting_records(), &labels, Uuid::new_v4)
                .err()
                .unwrap_or_default(),
        ))
    } else {
        state
            .store
            .record_meeting(&user.actor(), view.plan.id, &input, &labels)
            .await
            .map(|_| ())
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}/meetings?saved=meeting", view.plan.id)).into_response()),
        Err(StoreError::Invalid(domain)) => {
            // Move the domain's action indexes back to the rows' places.
            let domain = FieldErrors(
                domain
                    .0
                    .into_iter()
                    .map(|mut e| {
                        if let Some(rest) = e.field.strip_prefix("actions[")
                            && let Some((n, tail)) = rest.split_once(']')
                            && let Ok(n) = n.parse::<usize>()
                            && let Some(place) = places.get(n)
                        {
                            e.field = format!("actions[{place}]{tail}");
                        }
                        e
                    })
                    .filter(|e| !(adding && e.field.is_empty()))
                    .collect(),
            );
            let errors = if adding {
                FieldErrors::new()
            } else {
                merge_errors(boxes, domain)
            };
            let page = MeetingForm {
                ctx: Ctx::for_user(&user, "plans"),
                labels,
                parties: party_options(&view.plan),
                date: form.date("date"),
                chair: form.text("chair"),
                attendees: form.all("attendee_party_ids"),
                other_attendees: form.text("other_attendees"),
                apologies: form.all("apology_party_ids"),
                other_apologies: form.text("other_apologies"),
                discussion: form.text("discussion"),
                actions: action_rows,
                follow_ups: follow_rows,
                view,
                errors: FormErrors(errors),
            };
            if adding { render(&page) } else { render_invalid(&page) }
        }
        Err(other) => Err(other.into()),
    }
}
