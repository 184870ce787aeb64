//! Text sections: a profile's paragraphs, each with who wrote it.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::content::*;
use goldthread_domain::plan::Change;
use goldthread_domain::plan_type::{Section, SectionKind, WrittenBy};

use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::pages::{Ctx, FormErrors, render, render_invalid};
use crate::web::session::CurrentUser;

use super::fields::{Field, Widget};
use super::parse::Data;
use super::{edit_again, load, refusal, save};
use crate::web::pages::conflict::ConflictView;

#[derive(Template)]
#[template(path = "plans/texts_form.html")]
struct TextsPage {
    ctx: Ctx,
    view: crate::web::pages::plans::PlanView,
    caption: String,
    action: String,
    fields: Vec<Field>,
    written_by: Option<Field>,
    helped_by: String,
    errors: FormErrors,
    conflict: ConflictView,
    base_version: i64,
    reason: String,
    cancel: String,
}

fn texts_fields(section: &Section) -> (Vec<Field>, Option<Field>) {
    let fields = section
        .prompts
        .iter()
        .map(|p| {
            let mut f = Field::new("", p.label.clone(), Widget::TextArea);
            f.hint = p.hint.clone().unwrap_or_default();
            f.value = String::new();
            f.options = vec![(p.key.clone(), p.key.clone())];
            f
        })
        .collect();
    let written_by = (!section.written_by.is_empty()).then(|| {
        Field::new("written_by", "Written by", Widget::Radios).options(
            section
                .written_by
                .iter()
                .map(|w| (w.as_str().to_owned(), w.label().to_owned()))
                .collect(),
        )
    });
    (fields, written_by)
}

pub(super) async fn texts_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    if section.kind != SectionKind::Text {
        return Err(PageError::NotFound);
    }
    let (mut fields, mut written_by) = texts_fields(&section);
    for field in &mut fields {
        field.value = view
            .plan
            .content
            .texts
            .get(&field.options[0].0)
            .cloned()
            .unwrap_or_default();
    }
    let authorship = view.plan.content.authorship.get(&section.key);
    if let (Some(field), Some(a)) = (written_by.as_mut(), authorship) {
        field.value = a.written_by.as_str().to_owned();
    }
    render(&TextsPage {
        ctx: Ctx::for_user(&user, "plans"),
        caption: section.title(),
        action: format!("/plans/{}/sections/{}/texts", view.plan.id, section.key),
        cancel: format!("/plans/{}#{}", view.plan.id, section.key),
        helped_by: authorship.and_then(|a| a.helped_by.clone()).unwrap_or_default(),
        base_version: view.plan.version,
        view,
        fields,
        written_by,
        errors: FormErrors::default(),
        conflict: ConflictView::default(),
        reason: String::new(),
    })
}

pub(super) async fn save_texts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    if section.kind != SectionKind::Text {
        return Err(PageError::NotFound);
    }
    let data = Data(pairs);
    let mut texts = BTreeMap::new();
    for prompt in &section.prompts {
        texts.insert(prompt.key.clone(), data.text(&prompt.key));
    }
    let authorship = data
        .get("written_by")
        .and_then(|w| w.parse::<WrittenBy>().ok())
        .map(|written_by| Authorship {
            written_by,
            helped_by: data.opt("helped_by"),
        });
    let result = save(
        &state,
        &user,
        &view.plan,
        &data,
        Change::TextsSet {
            section: section.key.clone(),
            texts,
            authorship,
        },
    )
    .await;
    match result {
        Ok(plan) if edit_again(&data) => {
            Ok(Redirect::to(&format!("/plans/{}/sections/{}/texts", plan.id, section.key)).into_response())
        }
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}#{}", plan.id, section.key)).into_response()),
        Err(error) => {
            let (errors, conflict, base) = refusal(error, &data)?;
            let (mut fields, mut written_by) = texts_fields(&section);
            for field in &mut fields {
                field.value = data.text(&field.options[0].0);
                field.error = errors.get(&field.options[0].0).map(str::to_owned);
            }
            if let Some(field) = written_by.as_mut() {
                field.value = data.text("written_by");
            }
            render_invalid(&TextsPage {
                ctx: Ctx::for_user(&user, "plans"),
                caption: section.title(),
                action: format!("/plans/{}/sections/{}/texts", view.plan.id, section.key),
                cancel: format!("/plans/{}#{}", view.plan.id, section.key),
                helped_by: data.text("helped_by"),
                view,
                fields,
                written_by,
                errors: FormErrors(errors),
                conflict,
                base_version: base,
                reason: data.text("reason"),
            })
        }
    }
}
