//! The dashboard (SPEC M1, M4): what is due for the people a practitioner
//! works with, or across a team with the share held on time. The lists are
//! the domain's ([`goldthread_domain::monitoring::dashboard`]) over rows
//! read from the index, on the server's "today" (fixed in tests).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use goldthread_domain::monitoring::dashboard::{
    Dashboard, DueKind, DueLine, MissingLine, WaitingLine, dashboard, on_time_last_quarter,
};
use goldthread_domain::plan::format_date;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use super::{Ctx, render};
use crate::store::{DashboardPlan, DashboardScope};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard_page))
}

/// Where a due item is done.
pub fn due_href(line: &DueLine) -> String {
    let plan = line.item.plan_id;
    match line.item.kind {
        DueKind::MeetingAction => format!("/plans/{plan}/meetings"),
        DueKind::Clock => format!("/plans/{plan}/meetings"),
        DueKind::Review => format!("/plans/{plan}#reviews"),
        DueKind::Action => format!("/plans/{plan}#provision"),
        DueKind::Request => format!("/plans/{plan}/requests"),
    }
}

pub fn kind_words(kind: DueKind) -> &'static str {
    match kind {
        DueKind::Review => "Review",
        DueKind::Action => "Action",
        DueKind::MeetingAction => "Meeting action point",
        DueKind::Clock => "Deadline",
        DueKind::Request => "Request",
    }
}

/// Everything the dashboard shows, for the page and the API.
pub struct Board {
    pub today: Date,
    pub plans: Vec<DashboardPlan>,
    pub lists: Dashboard,
    /// For a team: reviews, meetings and meeting action points done on time over
    /// the last quarter, out of how many.
    pub on_time: Option<(usize, usize)>,
}

pub async fn board(
    state: &AppState,
    user: &goldthread_domain::user::Actor,
    team: Option<Uuid>,
) -> Result<Board, crate::store::StoreError> {
    let today = state.config.today();
    let scope = team.map_or(DashboardScope::Mine, DashboardScope::Team);
    let rows = state.store.dashboard_rows(user, scope, today).await?;
    Ok(Board {
        today,
        lists: dashboard(&rows.input, today),
        on_time: team.map(|_| on_time_last_quarter(&rows.quarter, today)),
        plans: rows.plans,
    })
}

pub struct DueView {
    pub person: String,
    pub what: String,
    pub kind: &'static str,
    pub agency: String,
    pub due: String,
    pub when: String,
    pub href: String,
}

fn due_views(lines: &[DueLine]) -> Vec<DueView> {
    lines
        .iter()
        .map(|l| DueView {
            person: l.item.person_name.clone(),
            what: l.item.label.clone(),
            kind: kind_words(l.item.kind),
            agency: l.item.agency.clone().unwrap_or_default(),
            due: format_date(l.item.due),
            when: match l.days {
                d if d < -1 => format!("{} days overdue", -d),
                -1 => "1 day overdue".into(),
                0 => "Due today".into(),
                1 => "Due tomorrow".into(),
                d => format!("Due in {d} days"),
            },
            href: due_href(l),
        })
        .collect()
}

pub struct MissingView {
    pub person: String,
    pub last: String,
    pub href: String,
}

fn missing_views(lines: &[MissingLine], anchor: &str) -> Vec<MissingView> {
    lines
        .iter()
        .map(|l| MissingView {
            person: l.person_name.clone(),
            last: l.last.map_or_else(|| "Never".to_owned(), format_date),
            href: format!("/plans/{}{anchor}", l.plan_id),
        })
        .collect()
}

pub struct WaitingView {
    pub person: String,
    pub who: String,
    pub days: i64,
    pub href: String,
}

fn waiting_views(lines: &[WaitingLine]) -> Vec<WaitingView> {
    lines
        .iter()
        .map(|l| WaitingView {
            person: l.row.person_name.clone(),
            who: l.row.still_to_agree.join(", "),
            days: l.days_waiting,
            href: format!("/plans/{}#parties", l.row.plan_id),
        })
        .collect()
}

/// The dashboard's lists as shown (also on the home page).
pub struct BoardView {
    pub today: String,
    pub plans: Vec<DashboardPlan>,
    pub overdue: Vec<DueView>,
    pub due_this_week: Vec<DueView>,
    pub waiting: Vec<WaitingView>,
    pub safety: Vec<MissingView>,
    pub weekly: Vec<MissingView>,
    pub on_time: String,
}

impl BoardView {
    pub fn of(board: &Board) -> BoardView {
        BoardView {
            today: format_date(board.today),
            plans: board.plans.clone(),
            overdue: due_views(&board.lists.overdue),
            due_this_week: due_views(&board.lists.due_this_week),
            waiting: waiting_views(&board.lists.waiting_for_agreement),
            safety: missing_views(&board.lists.safety_plans_not_checked, "#risks"),
            weekly: missing_views(&board.lists.weekly_reviews_missing, "#reviews"),
            on_time: match board.on_time {
                None => String::new(),
                Some((_, 0)) => "No reviews, meetings or meeting action points were due in the last quarter.".into(),
                Some((on_time, total)) => format!(
                    "{}% on time: {on_time} of {total} reviews, meetings and meeting action points due in the last quarter were held or done by their date.",
                    (on_time * 100 + total / 2) / total
                ),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "monitoring/dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    board: BoardView,
    teams: Vec<(String, String)>,
    team_name: String,
    /// The user's latest reminders: (what, when due, link).
    reminders: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
struct DashboardQuery {
    team: Option<String>,
}

async fn dashboard_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let team = match query.team.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(Uuid::parse_str(t).map_err(|_| PageError::NotFound)?),
    };
    let teams = state.store.dashboard_teams(&actor).await?;
    let team_name = match team {
        None => String::new(),
        Some(id) => teams
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(_, n)| n.clone())
            .ok_or(PageError::NotFound)?,
    };
    let board = board(&state, &actor, team).await?;
    let reminders = state
        .store
        .reminders_for(&actor, 10)
        .await?
        .into_iter()
        .map(|r| {
            (
                format!(
                    "{}{}",
                    if r.kind == "overdue" { "Overdue: " } else { "Due soon: " },
                    r.label
                ),
                format_date(r.due),
                format!("/plans/{}", r.plan_id),
            )
        })
        .collect();
    render(&DashboardPage {
        reminders,
        ctx: Ctx::for_user(&user, "dashboard"),
        board: BoardView::of(&board),
        teams: teams.into_iter().map(|(id, n)| (id.to_string(), n)).collect(),
        team_name,
    })
}
