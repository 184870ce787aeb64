//! The pages that add, change and remove the items of a section.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::content::*;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Plan};
use goldthread_domain::plan_type::Section;
use serde::Deserialize;
use uuid::Uuid;

use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::pages::people::parse_id;
use crate::web::pages::plans::{Done, saved_url};
use crate::web::pages::{Ctx, FormErrors, render, render_invalid};
use crate::web::session::CurrentUser;

use super::fields::{Field, Widget, item_fields, item_values};
use super::files::attachment;
use super::parse::{Data, fill, form_errors, item_from_form, kinds_of};
use super::{edit_again, load, refusal, save};
use crate::web::pages::conflict::ConflictView;

#[derive(Template)]
#[template(path = "plans/item_form.html")]
pub(super) struct ItemPage {
    pub(super) ctx: Ctx,
    pub(super) view: crate::web::pages::plans::PlanView,
    pub(super) title: String,
    pub(super) caption: String,
    pub(super) action: String,
    pub(super) fields: Vec<Field>,
    pub(super) errors: FormErrors,
    pub(super) conflict: ConflictView,
    pub(super) base_version: i64,
    pub(super) reason: String,
    pub(super) remove_action: Option<String>,
    /// For a document: where to attach a file.
    pub(super) attach_action: Option<String>,
    /// The file already attached.
    pub(super) attached: Option<String>,
    pub(super) cancel: String,
}

#[derive(Deserialize, Default)]
pub(super) struct ParentQuery {
    parent: Option<String>,
}

fn parent_of(kind: ItemKind, plan: &Plan, parent: Option<&str>) -> Result<Option<Uuid>, PageError> {
    match kind {
        ItemKind::Step => {
            let id = parent
                .and_then(|p| Uuid::parse_str(p).ok())
                .ok_or(PageError::NotFound)?;
            plan.content.outcome(id).ok_or(PageError::NotFound)?;
            Ok(Some(id))
        }
        ItemKind::Target => {
            let id = parent
                .and_then(|p| Uuid::parse_str(p).ok())
                .ok_or(PageError::NotFound)?;
            plan.content.step(id).ok_or(PageError::NotFound)?;
            Ok(Some(id))
        }
        _ => Ok(None),
    }
}

pub(super) fn item_title(kind: ItemKind, plan: &Plan, parent: Option<Uuid>, new: bool) -> String {
    let verb = if new { "Add" } else { "Change" };
    match (kind, parent) {
        (ItemKind::Step, Some(outcome)) => {
            format!(
                "{verb} a step towards outcome {}",
                plan.content.outcome_number(outcome).unwrap_or(0)
            )
        }
        (ItemKind::Target, Some(step)) => match plan.content.step(step) {
            Some((o, s)) => format!(
                "{verb} a short-term target for “{}” (outcome {})",
                goldthread_domain::content::quote(&s.text).trim_matches(['“', '”']),
                plan.content.outcome_number(o.id).unwrap_or(0)
            ),
            None => format!("{verb} a target"),
        },
        (ItemKind::Provision, _) => format!("{verb} {}provision", if new { "" } else { "this " }),
        _ => {
            let noun = kind.noun();
            let article = if !new {
                "this"
            } else if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{verb} {article} {noun}")
        }
    }
}

pub(super) fn section_kind_ok(section: &Section, kind: ItemKind) -> Result<(), PageError> {
    if kinds_of(section).contains(&kind) {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

pub(super) async fn add_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind)): Path<(String, String, String)>,
    Query(query): Query<ParentQuery>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    let kind = ItemKind::parse(&kind).ok_or(PageError::NotFound)?;
    section_kind_ok(&section, kind)?;
    let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
    let parent = parent_of(kind, &view.plan, query.parent.as_deref())?;
    let mut fields = item_fields(kind, &section, &view.plan, plan_type);
    let mut initial = Data::default();
    if let Some(first) = fields.first()
        && (first.widget == Widget::Radios || first.widget == Widget::Select)
        && let Some(preset) = query_preset(&query)
    {
        initial.0.push((first.name.to_owned(), preset));
    }
    fill(&mut fields, &initial, &FieldErrors::new(), kind.as_str());
    let title = item_title(kind, &view.plan, parent, true);
    let action = format!(
        "/plans/{}/sections/{}/add/{}{}",
        view.plan.id,
        section.key,
        kind.as_str(),
        parent.map(|p| format!("?parent={p}")).unwrap_or_default()
    );
    render(&ItemPage {
        ctx: Ctx::for_user(&user, "plans"),
        caption: section.title(),
        cancel: format!("/plans/{}#{}", view.plan.id, section.key),
        base_version: view.plan.version,
        view,
        title,
        action,
        fields,
        errors: FormErrors::default(),
        conflict: ConflictView::default(),
        reason: String::new(),
        remove_action: None,
        attach_action: None,
        attached: None,
    })
}

fn query_preset(_query: &ParentQuery) -> Option<String> {
    None
}

pub(super) async fn add_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind)): Path<(String, String, String)>,
    Query(query): Query<ParentQuery>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    let kind = ItemKind::parse(&kind).ok_or(PageError::NotFound)?;
    section_kind_ok(&section, kind)?;
    let parent = parent_of(kind, &view.plan, query.parent.as_deref())?;
    let data = Data(pairs);
    let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
    let fields = item_fields(kind, &section, &view.plan, plan_type);
    let result = match item_from_form(kind, &data, Uuid::new_v4(), parent, &section, &fields) {
        Ok(item) => save(&state, &user, &view.plan, &data, Change::ItemAdded { item }).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    let title = item_title(kind, &view.plan, parent, true);
    let action = format!(
        "/plans/{}/sections/{}/add/{}{}",
        view.plan.id,
        section.key,
        kind.as_str(),
        parent.map(|p| format!("?parent={p}")).unwrap_or_default()
    );
    finish(
        &state,
        &user,
        view,
        &section,
        kind,
        data,
        result,
        title,
        action,
        None,
        Done::Added,
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn finish(
    state: &AppState,
    user: &CurrentUser,
    view: crate::web::pages::plans::PlanView,
    section: &Section,
    kind: ItemKind,
    data: Data,
    result: Result<Plan, StoreError>,
    title: String,
    action: String,
    remove_action: Option<String>,
    done: Done,
) -> Result<Response, PageError> {
    match result {
        Ok(_) if edit_again(&data) => Ok(Redirect::to(&action).into_response()),
        Ok(plan) => Ok(Redirect::to(&saved_url(plan.id, kind.as_str(), done, &section.key)).into_response()),
        Err(error) => {
            let (errors, conflict, base) = refusal(error, &data)?;
            let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
            let mut fields = item_fields(kind, section, &view.plan, plan_type);
            fill(&mut fields, &data, &errors, kind.as_str());
            let errors = form_errors(errors, kind.as_str(), &fields);
            let attach = attachment(&view.plan, kind, remove_action.as_deref());
            render_invalid(&ItemPage {
                ctx: Ctx::for_user(user, "plans"),
                caption: section.title(),
                cancel: format!("/plans/{}#{}", view.plan.id, section.key),
                view,
                title,
                action,
                fields,
                errors,
                conflict,
                base_version: base,
                reason: data.text("reason"),
                remove_action,
                attach_action: attach.0,
                attached: attach.1,
            })
        }
    }
}

/// An item of a plan's section, as the edit and remove forms need it.
pub(super) struct Loaded {
    pub(super) view: crate::web::pages::plans::PlanView,
    pub(super) section: Section,
    pub(super) kind: ItemKind,
    pub(super) item_id: Uuid,
    pub(super) item: Item,
    /// The outcome of a step, or the step of a target.
    pub(super) parent: Option<Uuid>,
    /// The item's own address.
    pub(super) base: String,
}

pub(super) async fn load_item(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    section: &str,
    kind: &str,
    item: &str,
) -> Result<Loaded, PageError> {
    let (view, section) = load(state, user, id, section).await?;
    let kind = ItemKind::parse(kind).ok_or(PageError::NotFound)?;
    section_kind_ok(&section, kind)?;
    let item_id = parse_id(item)?;
    let item = view.plan.content.item(kind, item_id).ok_or(PageError::NotFound)?;
    let parent = match &item {
        Item::Step { outcome_id, .. } => Some(*outcome_id),
        Item::Target { step_id, .. } => Some(*step_id),
        _ => None,
    };
    let base = format!(
        "/plans/{}/sections/{}/items/{}/{}",
        view.plan.id,
        section.key,
        kind.as_str(),
        item_id
    );
    Ok(Loaded {
        view,
        section,
        kind,
        item_id,
        item,
        parent,
        base,
    })
}

pub(super) async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind, item)): Path<(String, String, String, String)>,
) -> Result<Response, PageError> {
    let Loaded {
        view,
        section,
        kind,
        item_id: _,
        item,
        parent,
        base,
    } = load_item(&state, &user, &id, &section, &kind, &item).await?;
    let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
    let mut fields = item_fields(kind, &section, &view.plan, plan_type);
    fill(&mut fields, &item_values(&item), &FieldErrors::new(), kind.as_str());
    let remove = format!("{base}/remove");
    let attach = attachment(&view.plan, kind, Some(&remove));
    render(&ItemPage {
        ctx: Ctx::for_user(&user, "plans"),
        caption: section.title(),
        cancel: format!("/plans/{}#{}", view.plan.id, section.key),
        title: item_title(kind, &view.plan, parent, false),
        base_version: view.plan.version,
        view,
        action: base.clone(),
        fields,
        errors: FormErrors::default(),
        conflict: ConflictView::default(),
        reason: String::new(),
        remove_action: Some(remove),
        attach_action: attach.0,
        attached: attach.1,
    })
}

pub(super) async fn edit_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind, item)): Path<(String, String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Loaded {
        view,
        section,
        kind,
        item_id,
        item: existing,
        parent,
        base,
    } = load_item(&state, &user, &id, &section, &kind, &item).await?;
    let data = Data(pairs);
    let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
    let fields = item_fields(kind, &section, &view.plan, plan_type);
    let result = match item_from_form(kind, &data, item_id, parent, &section, &fields) {
        Ok(mut item) => {
            // An ended provision stays ended when its other details change.
            if let (Item::Provision(p), Item::Provision(old)) = (&mut item, &existing) {
                p.ended = old.ended.clone();
            }
            save(&state, &user, &view.plan, &data, Change::ItemEdited { item }).await
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    let title = item_title(kind, &view.plan, parent, false);
    finish(
        &state,
        &user,
        view,
        &section,
        kind,
        data,
        result,
        title,
        base.clone(),
        Some(format!("{base}/remove")),
        Done::Changed,
    )
}
