//! Minutes sent to a meeting's attendees (issue 11, SPEC M3): the "Send the
//! minutes" button under each meeting, and the e-mail it queues for every
//! attendee who is a party with an e-mail address. The sending is recorded
//! (who received them, when) and shown under the meeting.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use goldthread_domain::plan::Plan;
use uuid::Uuid;

use super::meetings::{MeetingLine, meeting_lines, render_meetings};
use crate::store::{MinutesSent, StoreError};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/plans/{id}/meetings/{meeting}/minutes", post(send_minutes_page))
}

/// The minutes as text, from the meeting as shown.
fn minutes_text(plan: &Plan, line: &MeetingLine) -> String {
    let mut text = format!(
        "Minutes of the meeting on {} about \"{}\".\n\nChair: {}\nAttended: {}\nApologies: {}\n",
        line.date,
        plan.details.title,
        line.chair,
        if line.attendees.is_empty() {
            "Not recorded"
        } else {
            &line.attendees
        },
        if line.apologies.is_empty() {
            "None"
        } else {
            &line.apologies
        },
    );
    if !line.discussion.is_empty() {
        text.push_str(&format!("\nDiscussion:\n{}\n", line.discussion));
    }
    if !line.follow_ups.is_empty() {
        text.push_str("\nFollowed up:\n");
        for f in &line.follow_ups {
            text.push_str(&format!("- {}: {}", f.text, f.outcome));
            if !f.note.is_empty() {
                text.push_str(&format!(" ({})", f.note));
            }
            text.push('\n');
        }
    }
    if !line.actions.is_empty() {
        text.push_str("\nAgreed actions:\n");
        for a in &line.actions {
            text.push_str(&format!("- {}: {} by {}\n", a.text, a.owner, a.due));
        }
    }
    text
}

/// Sends the minutes of `meeting_id` (the service behind the page and the
/// API): one e-mail per attendee who is a party with an address.
pub(crate) async fn send_minutes(
    state: &AppState,
    actor: &goldthread_domain::user::Actor,
    headers: &HeaderMap,
    plan_id: Uuid,
    meeting_id: Uuid,
) -> Result<MinutesSent, StoreError> {
    let plan = state.store.plan(actor, plan_id).await?;
    let log = state.store.monitoring_log(actor, plan_id).await?;
    let lines = meeting_lines(&plan, &log);
    let line = lines
        .iter()
        .find(|l| l.id == meeting_id.to_string())
        .ok_or(StoreError::NotFound)?;
    let text = minutes_text(&plan, line);
    let link = format!(
        "{}/plans/{plan_id}/meetings#{}",
        super::invitations::base_url(state, headers),
        line.anchor
    );
    let subject = format!("Minutes of the meeting on {}: {}", line.date, plan.details.title);
    state
        .store
        .send_minutes(actor, plan_id, meeting_id, |_, _, recipient| {
            let body = crate::mail::with_link(&format!("Dear {},\n\n{text}", recipient.name), Some(&link));
            (subject.clone(), body, Some(link.clone()))
        })
        .await
}

/// Adds "Minutes sent to …" lines under each meeting.
pub(crate) async fn add_sent_lines(
    state: &AppState,
    user: &CurrentUser,
    plan_id: Uuid,
    meetings: &mut [MeetingLine],
) -> Result<(), PageError> {
    for sent in state.store.minutes_sent(&user.actor(), plan_id).await? {
        if let Some(line) = meetings.iter_mut().find(|m| m.id == sent.meeting_id.to_string()) {
            let names: Vec<String> = sent
                .recipients
                .iter()
                .map(|r| format!("{} ({})", r.name, r.email))
                .collect();
            line.minutes_sent.push(format!(
                "Minutes sent to {} by {} on {}",
                names.join(", "),
                sent.sent_by_name,
                crate::local_time::date_time(sent.sent_at)
            ));
        }
    }
    Ok(())
}

async fn send_minutes_page(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, meeting)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let view = super::plans::load_writable_view(&state, &user, &id).await?;
    let meeting_id = Uuid::parse_str(&meeting).map_err(|_| PageError::NotFound)?;
    match send_minutes(&state, &user.actor(), &headers, view.plan.id, meeting_id).await {
        Ok(_) => {
            let log = state.store.monitoring_log(&user.actor(), view.plan.id).await?;
            let n = log.meetings.iter().position(|m| m.id == meeting_id).unwrap_or(0) + 1;
            Ok(Redirect::to(&format!("/plans/{}/meetings?saved=minutes#meeting-{n}", view.plan.id)).into_response())
        }
        Err(StoreError::Invalid(errors)) => {
            let log = state.store.monitoring_log(&user.actor(), view.plan.id).await?;
            let n = log.meetings.iter().position(|m| m.id == meeting_id).unwrap_or(0) + 1;
            render_meetings(
                &state,
                &user,
                &id,
                None,
                Some((
                    format!("meeting-{n}"),
                    errors
                        .get("meeting_id")
                        .unwrap_or("The minutes could not be sent")
                        .to_owned(),
                )),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
