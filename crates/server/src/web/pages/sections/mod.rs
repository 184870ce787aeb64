//! The sections of a plan, as its plan type lays them out: how each kind of
//! section is shown on the plan page, and the forms that change it.
//!
//! - `views.rs`: how each kind of section is shown (the plan page's view models)
//! - `fields.rs`: form field specifications for each kind of item
//! - `parse.rs`: from a submitted form to an item (the form's own checks)
//! - `items.rs`: add and change an item; `remove.rs`: remove one, asking first
//! - `texts.rs`, `records.rs`: text sections and single-record sections
//! - `files.rs`: uploading and downloading a document's file
//! - here: the routes, and what every handler shares (loading, saving)
//!
//! Forms are built from field specifications ([`fields::Field`]) with the plan
//! type's own labels, so that one template serves every kind of item and
//! every kind of plan. Without JavaScript a form is checked on save (with
//! the SMART check shown beside outcomes, steps and targets); with it,
//! `app.mjs` checks SMART-ness as the writer types.

mod fields;
mod files;
mod items;
mod parse;
mod records;
mod remove;
mod texts;
mod views;

pub use files::file_response;
use files::{attach_file, download};
use items::{add_item, add_page, edit_item, edit_page};
use parse::Data;
use records::{record_page, save_record};
use remove::{remove_item, remove_page};
use texts::{save_texts, texts_page};
pub use views::{Body, ProvisionView, SectionView, editable, group_kind, section_views, whose_label};

use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::checks::smart::{self, SmartReport};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Plan};
use goldthread_domain::plan_type::Section;
use serde::Deserialize;

use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::pages::conflict::{Choice, ConflictView};
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/sections/{section}/texts", get(texts_page).post(save_texts))
        .route(
            "/plans/{id}/sections/{section}/add/{kind}",
            get(add_page).post(add_item),
        )
        .route(
            "/plans/{id}/sections/{section}/record",
            get(record_page).post(save_record),
        )
        .route(
            "/plans/{id}/sections/{section}/items/{kind}/{item}",
            get(edit_page).post(edit_item),
        )
        .route(
            "/plans/{id}/sections/{section}/items/{kind}/{item}/remove",
            get(remove_page).post(remove_item),
        )
        .route(
            "/plans/{id}/sections/{section}/items/appendix/{item}/file",
            post(attach_file).layer(axum::extract::DefaultBodyLimit::max(crate::web::MAX_UPLOAD_BYTES)),
        )
        .route("/plans/{id}/files/{file}", get(download))
        .route("/checks/smart", post(smart_check))
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    section: &str,
) -> Result<(super::plans::PlanView, Section), PageError> {
    // Refused (403) to those who may only read the plan: a viewer, or a
    // practitioner who sees it only through a team.
    let view = super::plans::load_writable_view(state, user, id).await?;
    let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
    let section = plan_type.section(section).ok_or(PageError::NotFound)?.clone();
    Ok((view, section))
}

/// Saves one change to the plan, from the version the form was drawn from.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    plan: &Plan,
    data: &Data,
    change: Change,
) -> Result<Plan, StoreError> {
    let base = data.get("base_version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let resolution = Choice::resolution(data.get("resolve"), data.get("seen_version"));
    state
        .store
        .change_plan_resolving(
            &user.actor(),
            plan.id,
            base,
            data.get("reason"),
            change,
            resolution,
            &state.plan_types,
        )
        .await
}

/// "Keep theirs and edit" on the conflict page: saved, then the form again.
fn edit_again(data: &Data) -> bool {
    Choice::parse(data.get("resolve")) == Some(Choice::KeepTheirsAndEdit)
}

/// The form after a refused save: field errors, or the conflict page.
fn refusal(error: StoreError, data: &Data) -> Result<(FieldErrors, ConflictView, i64), PageError> {
    let base = data.get("base_version").and_then(|v| v.parse().ok()).unwrap_or(0);
    crate::web::pages::plans::refusal_view(error, base)
}

/// Removing what someone just changed: the page shows what they changed,
/// and removing again (on the version shown) removes it.
fn removal_refused(error: StoreError) -> StoreError {
    match error {
        StoreError::Conflict(mut conflict) => {
            conflict.fields.clear();
            conflict.base_version = conflict.current_version;
            StoreError::Conflict(conflict)
        }
        other => other,
    }
}

// --- SMART as you type ------------------------------------------------------

#[derive(Deserialize)]
struct SmartForm {
    text: Option<String>,
}

/// For the page script: the SMART check of what is being typed. Behind the
/// session and the CSRF guard like any form post; it reads no personal data.
async fn smart_check(_user: CurrentUser, Form(form): Form<SmartForm>) -> axum::Json<SmartReport> {
    axum::Json(smart::check(form.text.as_deref().unwrap_or("")))
}
