//! `/people/{id}/subject-access`: an administrator exports everything held
//! about a person (issue 13, SPEC D3), after confirming and giving a
//! reason, which the audit log keeps with the export. To anyone else the
//! page does not exist. The archive is `crate::export::subject_access`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::person::Person;

use super::people::parse_id;
use super::{Ctx, FormErrors, render, render_invalid};
use crate::export::subject_access;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::Admin;

pub fn router() -> Router<AppState> {
    Router::new().route("/people/{id}/subject-access", get(confirm_page).post(export))
}

#[derive(Template)]
#[template(path = "people/subject_access.html")]
struct ConfirmPage {
    ctx: Ctx,
    person: Person,
    plans: i64,
    reason: String,
    errors: FormErrors,
}

#[derive(serde::Deserialize)]
struct ExportForm {
    reason: Option<String>,
}

async fn confirm_page(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let page = confirm(&state, &user, parse_id(&id)?, String::new(), FieldErrors::new()).await?;
    render(&page)
}

async fn confirm(
    state: &AppState,
    user: &crate::web::session::CurrentUser,
    id: uuid::Uuid,
    reason: String,
    errors: FieldErrors,
) -> Result<ConfirmPage, PageError> {
    let actor = user.actor();
    let person = state.store.person(&actor, id).await?;
    let filter = crate::store::PlanFilter {
        person_id: Some(id),
        limit: 1,
        ..Default::default()
    };
    let (_, plans) = state.store.list_plans(&actor, &filter).await?;
    Ok(ConfirmPage {
        ctx: Ctx::for_user(user, "people"),
        person,
        plans,
        reason,
        errors: FormErrors(errors),
    })
}

async fn export(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(id): Path<String>,
    Form(form): Form<ExportForm>,
) -> Result<Response, PageError> {
    // Recorded as an export whatever its outcome.
    crate::audit::note_action(subject_access::ACTION);
    let id = parse_id(&id)?;
    let Some(reason) = subject_access::clean_reason(form.reason.as_deref()) else {
        let errors = FieldErrors::single(
            "reason",
            "Enter why you are exporting this record, for example the request's reference",
        );
        let page = confirm(&state, &user, id, String::new(), errors).await?;
        return render_invalid(&page);
    };
    let actor = user.actor();
    let request = subject_access::Request {
        actor: &actor,
        person_id: id,
        reason: Some(&reason),
    };
    let archive = subject_access::archive(&state.store, &state.plan_types, &request).await?;
    Ok(crate::web::api::subject_access::zip_response(archive))
}
