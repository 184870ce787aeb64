//! The people involved in a plan (its parties): add, change, remove, and
//! the Lead Professional chosen with them in the same save (issue 6).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Party, PartyInput, PartyRole, Plan};
use serde::Deserialize;
use uuid::Uuid;

use super::conflict::ConflictView;
use super::people::parse_id;
use super::plans::{ChangeMeta, Done, PlanView, load_writable_view, refusal_view, saved_url};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/parties/new", get(new_party_page).post(add_party))
        .route(
            "/plans/{id}/parties/{party_id}/edit",
            get(edit_party_page).post(edit_party),
        )
        .route("/plans/{id}/parties/{party_id}/remove", post(remove_party))
}

/// Roles offered for a party.
struct RoleOption {
    value: &'static str,
    label: &'static str,
}

/// The roles the plan type's form offers, and the role already chosen
/// (a party keeps a role their plan type no longer offers).
fn role_options(state: &AppState, plan: &Plan, chosen: Option<&str>) -> Vec<RoleOption> {
    let mut roles = PartyRole::offered_by(state.plan_types.get(&plan.plan_type));
    if let Some(role) = chosen.and_then(PartyRole::parse)
        && !roles.contains(&role)
    {
        roles.push(role);
    }
    roles
        .into_iter()
        .map(|r| RoleOption {
            value: r.as_str(),
            label: r.label(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "plans/party.html")]
struct PartyPage {
    ctx: Ctx,
    view: PlanView,
    party_id: Option<Uuid>,
    values: PartyForm,
    roles: Vec<RoleOption>,
    base_version: i64,
    errors: FormErrors,
    conflict: ConflictView,
}

#[derive(Default, Deserialize)]
struct PartyForm {
    name: Option<String>,
    role: Option<String>,
    agency: Option<String>,
    relationship: Option<String>,
    contact: Option<String>,
    /// E-mail of a Goldthread user, to give them access to the plan.
    account_email: Option<String>,
    lead: Option<String>,
    #[serde(flatten)]
    meta: ChangeMeta,
}

impl PartyForm {
    fn from_party(party: &Party, account_email: Option<String>, lead: bool) -> PartyForm {
        PartyForm {
            name: Some(party.name.clone()),
            role: Some(party.role.as_str().to_owned()),
            agency: party.agency.clone(),
            relationship: party.relationship.clone(),
            contact: party.contact.clone(),
            account_email,
            lead: lead.then(|| "yes".to_owned()),
            meta: ChangeMeta::default(),
        }
    }

    fn is_lead(&self) -> bool {
        self.lead.as_deref() == Some("yes")
    }
}

async fn new_party_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    render(&PartyPage {
        ctx: Ctx::for_user(&user, "plans"),
        base_version: view.plan.version,
        roles: role_options(&state, &view.plan, None),
        view,
        party_id: None,
        values: PartyForm::default(),
        errors: FormErrors::default(),
        conflict: ConflictView::default(),
    })
}

/// Turns the party form into the party, looking up the account by e-mail.
async fn party_from_form(state: &AppState, form: &PartyForm, id: Uuid) -> Result<Party, FieldErrors> {
    let mut errors = FieldErrors::new();
    let user_id = match form.account_email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(email) => match state.store.user_by_email(email).await {
            Ok(Some(user)) if user.active => Some(user.id),
            Ok(_) => {
                errors.add(
                    "account_email",
                    "There is no active Goldthread user with this email address",
                );
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "looking up a party's account");
                errors.add("account_email", "Could not check this email address; try again");
                None
            }
        },
    };
    let input = PartyInput {
        name: form.name.clone(),
        role: form.role.clone(),
        agency: form.agency.clone(),
        relationship: form.relationship.clone(),
        contact: form.contact.clone(),
        user_id,
        lead: form.is_lead(),
    };
    match input.parse(id) {
        Ok(party) if errors.is_empty() => Ok(party),
        Ok(_) => Err(errors),
        Err(mut more) => {
            more.0.extend(errors.0);
            Err(more)
        }
    }
}

async fn add_party(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<PartyForm>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let result = match party_from_form(&state, &form, Uuid::new_v4()).await {
        Ok(party) => save_party(&state, &user, &view.plan, &form.meta, party, form.is_lead(), true).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    party_result(&state, &user, view, None, form, result)
}

/// Saves a party and, when asked, makes them the Lead Professional: one
/// save, merged against the version the form was opened at (so a lead
/// checkbox the user never touched does not undo someone else's choice).
async fn save_party(
    state: &AppState,
    user: &CurrentUser,
    plan: &Plan,
    meta: &ChangeMeta,
    party: Party,
    lead: bool,
    new: bool,
) -> Result<Plan, StoreError> {
    state
        .store
        .save_party(
            &user.actor(),
            plan.id,
            meta.base(),
            meta.reason.as_deref(),
            party,
            lead,
            new,
            meta.resolution(),
            &state.plan_types,
        )
        .await
}

fn party_result(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    party_id: Option<Uuid>,
    form: PartyForm,
    result: Result<Plan, StoreError>,
) -> Result<Response, PageError> {
    match result {
        Ok(plan)
            if form.meta.edit_again()
                && let Some(party_id) = party_id =>
        {
            Ok(Redirect::to(&format!("/plans/{}/parties/{party_id}/edit", plan.id)).into_response())
        }
        Ok(plan) => {
            let done = if party_id.is_some() { Done::Changed } else { Done::Added };
            Ok(Redirect::to(&saved_url(plan.id, "party", done, "parties")).into_response())
        }
        Err(e) => {
            let (mut errors, conflict, base) = refusal_view(e, form.meta.base())?;
            // The form names the account by its e-mail address.
            for error in &mut errors.0 {
                if error.field == "user_id" {
                    error.field = "account_email".into();
                    error.message = "There is no active Goldthread user with this email address".into();
                }
            }
            render_invalid(&PartyPage {
                ctx: Ctx::for_user(user, "plans"),
                roles: role_options(state, &view.plan, form.role.as_deref()),
                view,
                party_id,
                values: form,
                base_version: base,
                errors: FormErrors(errors),
                conflict,
            })
        }
    }
}

async fn edit_party_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, party_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let party_id = parse_id(&party_id)?;
    let party = view.plan.party(party_id).ok_or(PageError::NotFound)?.clone();
    let email = match party.user_id {
        Some(uid) => state.store.user(uid).await?.map(|u| u.email),
        None => None,
    };
    let lead = view.plan.lead_party_id == Some(party_id);
    render(&PartyPage {
        ctx: Ctx::for_user(&user, "plans"),
        base_version: view.plan.version,
        values: PartyForm::from_party(&party, email, lead),
        roles: role_options(&state, &view.plan, Some(party.role.as_str())),
        view,
        party_id: Some(party_id),
        errors: FormErrors::default(),
        conflict: ConflictView::default(),
    })
}

async fn edit_party(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, party_id)): Path<(String, String)>,
    Form(form): Form<PartyForm>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let party_id = parse_id(&party_id)?;
    let result = match party_from_form(&state, &form, party_id).await {
        Ok(party) => save_party(&state, &user, &view.plan, &form.meta, party, form.is_lead(), false).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    party_result(&state, &user, view, Some(party_id), form, result)
}

async fn remove_party(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, party_id)): Path<(String, String)>,
    Form(meta): Form<ChangeMeta>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let party_id = parse_id(&party_id)?;
    let party = view.plan.party(party_id).ok_or(PageError::NotFound)?.clone();
    let result = state
        .store
        .change_plan(
            &user.actor(),
            view.plan.id,
            meta.base(),
            meta.reason.as_deref(),
            Change::PartyRemoved { party_id },
            &state.plan_types,
        )
        .await
        .map_err(|e| match e {
            // Removing what someone just changed: show what they changed;
            // removing again (on the version shown) removes it.
            StoreError::Conflict(mut conflict) => {
                conflict.fields.clear();
                conflict.base_version = conflict.current_version;
                StoreError::Conflict(conflict)
            }
            other => other,
        });
    let form = PartyForm {
        meta,
        ..PartyForm::from_party(&party, None, false)
    };
    party_result(&state, &user, view, Some(party_id), form, result)
}

/// `?party=ID`: the party a page is about (invitations, copies).
#[derive(Deserialize)]
pub(super) struct PartyQuery {
    pub(super) party: String,
}

/// The plan's party `party` (an id as typed); any other is not found.
pub(super) fn party_of(view: &super::plans::PlanView, party: &str) -> Result<Party, crate::web::error::PageError> {
    let id = super::people::parse_id(party)?;
    view.plan
        .party(id)
        .cloned()
        .ok_or(crate::web::error::PageError::NotFound)
}
