//! Removing an item asks first: a page that says what will go (with what
//! hangs from it). Once the plan has been agreed, removing is ending: the
//! item stays, struck through, with the reason asked for here.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::content::{Item, ItemKind};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::Change;

use super::items::{Loaded, load_item};
use super::parse::Data;
use super::{removal_refused, save};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::pages::plans::{Done, PlanView, refusal, saved_url};
use crate::web::pages::{Ctx, FormErrors, render, render_invalid};
use crate::web::session::CurrentUser;

#[derive(Template)]
#[template(path = "plans/remove.html")]
struct RemovePage {
    ctx: Ctx,
    view: PlanView,
    /// "Remove this need?"
    title: String,
    /// The item, quoted.
    quote: String,
    /// What goes with it ("its 2 steps and their targets").
    with_it: Option<String>,
    action: String,
    cancel: String,
    base_version: i64,
    reason: String,
    /// The plan has been agreed: the item is ended, not deleted.
    ending: bool,
    errors: FormErrors,
    conflict: Vec<String>,
}

/// What is removed along with `item`.
fn with_it(item: &Item) -> Option<String> {
    match item {
        Item::Outcome(o) if !o.steps.is_empty() => {
            let steps = o.steps.len();
            let targets: usize = o.steps.iter().map(|s| s.targets.len()).sum();
            Some(format!(
                "its {steps} step{}{}",
                if steps == 1 { "" } else { "s" },
                if targets > 0 { " and their targets" } else { "" }
            ))
        }
        Item::Step { step, .. } if !step.targets.is_empty() => {
            let n = step.targets.len();
            Some(format!("its {n} target{}", if n == 1 { "" } else { "s" }))
        }
        _ => None,
    }
}

fn page(
    user: &CurrentUser,
    loaded: Loaded,
    reason: String,
    errors: FieldErrors,
    conflict: Vec<String>,
    base: i64,
) -> RemovePage {
    let noun = loaded.kind.noun();
    let ending = loaded.view.plan.reason_required();
    RemovePage {
        ctx: Ctx::for_user(user, "plans"),
        title: if ending {
            format!("End this {noun}?")
        } else {
            format!("Remove this {noun}?")
        },
        ending,
        quote: loaded.item.summary(),
        with_it: with_it(&loaded.item),
        action: format!("{}/remove", loaded.base),
        cancel: loaded.base.clone(),
        base_version: base,
        reason,
        errors: FormErrors(FieldErrors(
            errors
                .0
                .into_iter()
                .map(|mut e| {
                    // What the domain says of the item itself (something
                    // still points at it) is shown at the button.
                    if e.field != "reason" {
                        e.field = "remove".into();
                    }
                    e
                })
                .collect(),
        )),
        conflict,
        view: loaded.view,
    }
}

pub(super) async fn remove_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind, item)): Path<(String, String, String, String)>,
) -> Result<Response, PageError> {
    let loaded = load_item(&state, &user, &id, &section, &kind, &item).await?;
    let base = loaded.view.plan.version;
    render(&page(&user, loaded, String::new(), FieldErrors::new(), vec![], base))
}

pub(super) async fn remove_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind, item)): Path<(String, String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let loaded = load_item(&state, &user, &id, &section, &kind, &item).await?;
    let data = Data(pairs);
    let ending = loaded.view.plan.reason_required();
    let change = if ending {
        Change::ItemEnded {
            item_kind: loaded.kind,
            id: loaded.item_id,
            on: crate::local_time::today(),
            reason: data.text("reason"),
        }
    } else {
        Change::ItemRemoved {
            item_kind: loaded.kind,
            id: loaded.item_id,
        }
    };
    match save(&state, &user, &loaded.view.plan, &data, change)
        .await
        .map_err(removal_refused)
    {
        Ok(plan) => {
            let kind: ItemKind = loaded.kind;
            let done = if ending { Done::Ended } else { Done::Removed };
            Ok(Redirect::to(&saved_url(plan.id, kind.as_str(), done, &loaded.section.key)).into_response())
        }
        Err(error) => {
            let base = data.get("base_version").and_then(|v| v.parse().ok()).unwrap_or(0);
            let (errors, conflict, base) = refusal(error, base)?;
            let reason = data.text("reason");
            render_invalid(&page(&user, loaded, reason, errors, conflict, base))
        }
    }
}
