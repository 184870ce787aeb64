//! Teams (administrators only; others get "not found"): create teams, add
//! and remove members, and share plans and people with a team. Members see
//! what is shared with their team, read-only (ASVS V8.2.1, V8.2.2).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use serde::Deserialize;
use uuid::Uuid;

use super::people::parse_id;
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{Shared, StoreError, Team, TeamDetail, User};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::{Admin, CurrentUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(index).post(create))
        .route("/teams/{id}", get(show))
        .route("/teams/{id}/members", post(add_member))
        .route("/teams/{id}/members/{user}/remove", post(remove_member))
        .route("/plans/{id}/teams", get(plan_teams).post(share_plan))
        .route("/plans/{id}/teams/{team}/remove", post(unshare_plan))
        .route("/people/{id}/teams", get(person_teams).post(share_person))
        .route("/people/{id}/teams/{team}/remove", post(unshare_person))
}

#[derive(Template)]
#[template(path = "teams/index.html")]
struct IndexPage {
    ctx: Ctx,
    teams: Vec<Team>,
    team_name: String,
    errors: FormErrors,
}

async fn index_page(
    state: &AppState,
    user: &CurrentUser,
    name: String,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let page = IndexPage {
        ctx: Ctx::for_user(user, "teams"),
        teams: state.store.list_teams().await?,
        team_name: name,
        errors: FormErrors(errors),
    };
    if page.errors.is_empty() {
        render(&page)
    } else {
        render_invalid(&page)
    }
}

async fn index(State(state): State<AppState>, Admin(user): Admin) -> Result<Response, PageError> {
    index_page(&state, &user, String::new(), FieldErrors::new()).await
}

#[derive(Deserialize)]
struct NameForm {
    name: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(form): Form<NameForm>,
) -> Result<Response, PageError> {
    let name = form.name.unwrap_or_default();
    match state.store.add_team(&user.actor(), &name).await {
        Ok(team) => Ok(Redirect::to(&format!("/teams/{}", team.id)).into_response()),
        Err(StoreError::Invalid(errors)) => index_page(&state, &user, name, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "teams/show.html")]
struct ShowPage {
    ctx: Ctx,
    team: TeamDetail,
    /// Active users who are not members yet.
    candidates: Vec<User>,
    errors: FormErrors,
}

async fn show_page(state: &AppState, user: &CurrentUser, id: Uuid, errors: FieldErrors) -> Result<Response, PageError> {
    let team = state.store.team(&user.actor(), id).await?;
    let candidates = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.active && !team.members.iter().any(|m| m.id == u.id))
        .collect();
    let page = ShowPage {
        ctx: Ctx::for_user(user, "teams"),
        team,
        candidates,
        errors: FormErrors(errors),
    };
    if page.errors.is_empty() {
        render(&page)
    } else {
        render_invalid(&page)
    }
}

async fn show(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    show_page(&state, &user, parse_id(&id)?, FieldErrors::new()).await
}

#[derive(Deserialize)]
struct MemberForm {
    user_id: Option<String>,
    /// "true" or "false" from a member's "Make manager" button; absent
    /// from the "Add a member" form.
    manager: Option<String>,
}

async fn add_member(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let member = form.user_id.as_deref().and_then(|u| Uuid::parse_str(u.trim()).ok());
    let result = match member {
        Some(member) => {
            let manager = form.manager.as_deref().map(|m| m == "true");
            state.store.add_member_as(&user.actor(), id, member, manager).await
        }
        None => Err(FieldErrors::single("user_id", "Choose a user to add to the team").into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/teams/{id}")).into_response()),
        Err(StoreError::Invalid(errors)) => show_page(&state, &user, id, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn remove_member(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path((id, member)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state.store.remove_member(&user.actor(), id, parse_id(&member)?).await?;
    Ok(Redirect::to(&format!("/teams/{id}")).into_response())
}

/// Which teams a plan or a person is shared with, and a form to share it
/// with another.
#[derive(Template)]
#[template(path = "teams/sharing.html")]
struct SharingPage {
    ctx: Ctx,
    /// `plans` or `people`.
    kind: &'static str,
    id: Uuid,
    name: String,
    shared: Vec<Shared>,
    teams: Vec<Team>,
    errors: FormErrors,
}

async fn sharing_page(
    state: &AppState,
    user: &CurrentUser,
    kind: &'static str,
    id: Uuid,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let (name, shared) = if kind == "plans" {
        let plan = state.store.plan(&actor, id).await?;
        (plan.details.title, state.store.plan_teams(&actor, id).await?)
    } else {
        let person = state.store.person(&actor, id).await?;
        (person.details.full_name(), state.store.person_teams(&actor, id).await?)
    };
    let teams = state
        .store
        .list_teams()
        .await?
        .into_iter()
        .filter(|t| !shared.iter().any(|s| s.id == t.id))
        .collect();
    let page = SharingPage {
        ctx: Ctx::for_user(user, kind),
        kind,
        id,
        name,
        shared,
        teams,
        errors: FormErrors(errors),
    };
    if page.errors.is_empty() {
        render(&page)
    } else {
        render_invalid(&page)
    }
}

#[derive(Deserialize)]
struct TeamForm {
    team_id: Option<String>,
}

async fn share(
    state: &AppState,
    user: &CurrentUser,
    kind: &'static str,
    id: Uuid,
    form: TeamForm,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let result = match form.team_id.as_deref().and_then(|t| Uuid::parse_str(t.trim()).ok()) {
        Some(team) if kind == "plans" => state.store.share_plan_with_team(&actor, id, team).await,
        Some(team) => state.store.share_person_with_team(&actor, id, team).await,
        None => Err(FieldErrors::single("team_id", "Choose a team").into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/{kind}/{id}/teams")).into_response()),
        Err(StoreError::Invalid(errors)) => sharing_page(state, user, kind, id, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn plan_teams(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    sharing_page(&state, &user, "plans", parse_id(&id)?, FieldErrors::new()).await
}

async fn person_teams(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    sharing_page(&state, &user, "people", parse_id(&id)?, FieldErrors::new()).await
}

async fn share_plan(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    share(&state, &user, "plans", parse_id(&id)?, form).await
}

async fn share_person(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    share(&state, &user, "people", parse_id(&id)?, form).await
}

async fn unshare_plan(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path((id, team)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state
        .store
        .unshare_plan_with_team(&user.actor(), id, parse_id(&team)?)
        .await?;
    Ok(Redirect::to(&format!("/plans/{id}/teams")).into_response())
}

async fn unshare_person(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path((id, team)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state
        .store
        .unshare_person_with_team(&user.actor(), id, parse_id(&team)?)
        .await?;
    Ok(Redirect::to(&format!("/people/{id}/teams")).into_response())
}
