//! People: search, add, view and edit (SPEC P1).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::person::{Person, PersonInput};
use serde::Deserialize;
use uuid::Uuid;

use super::dates::DateBoxes;
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{PersonSummary, PlanFilter, PlanSummary, StoreError};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(index))
        .route("/people/new", get(new_page).post(create))
        .route("/people/{id}", get(show))
        .route("/people/{id}/edit", get(edit_page).post(update))
        .route("/people/{id}/history", get(history))
        .route(
            "/people/{id}/photo",
            get(photo)
                .post(upload_photo)
                .layer(axum::extract::DefaultBodyLimit::max(crate::web::MAX_UPLOAD_BYTES)),
        )
        .route("/people/{id}/photo/remove", axum::routing::post(remove_photo))
}

/// Parses an id from the path; a malformed one is simply not found.
pub fn parse_id(value: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(value).map_err(|_| PageError::NotFound)
}

const PAGE_SIZE: i64 = 25;

#[derive(Template)]
#[template(path = "people/index.html")]
struct IndexPage {
    ctx: Ctx,
    query: String,
    people: Vec<PersonRow>,
    total: i64,
    page: i64,
    pages: i64,
}

struct PersonRow {
    person: PersonSummary,
    date_of_birth: String,
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let text = query.q.unwrap_or_default();
    let page = query
        .page
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let (people, total) = state
        .store
        .search_people(&user.actor(), &text, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await?;
    let people = people
        .into_iter()
        .map(|person| PersonRow {
            date_of_birth: crate::web::format::opt_date(person.date_of_birth),
            person,
        })
        .collect();
    render(&IndexPage {
        ctx: Ctx::for_user(&user, "people"),
        query: text,
        people,
        total,
        page,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
    })
}

#[derive(Template)]
#[template(path = "people/form.html")]
struct FormPage {
    ctx: Ctx,
    person_id: Option<Uuid>,
    input: FormValues,
    errors: FormErrors,
    conflict: Vec<String>,
    base_version: i64,
}

/// What the form shows: the typed values, never lost on an error.
#[derive(Default, Deserialize)]
struct FormValues {
    given_name: Option<String>,
    family_name: Option<String>,
    known_as: Option<String>,
    /// The single ISO box, as older forms and scripts send it.
    date_of_birth: Option<String>,
    #[serde(rename = "date_of_birth-day")]
    date_of_birth_day: Option<String>,
    #[serde(rename = "date_of_birth-month")]
    date_of_birth_month: Option<String>,
    #[serde(rename = "date_of_birth-year")]
    date_of_birth_year: Option<String>,
    setting: Option<String>,
    communication: Option<String>,
    presenting_information: Option<String>,
    reason: Option<String>,
    base_version: Option<String>,
}

impl FormValues {
    /// The date of birth's three boxes, as typed.
    pub fn date_of_birth_boxes(&self) -> DateBoxes {
        DateBoxes::typed(
            &self.date_of_birth_day,
            &self.date_of_birth_month,
            &self.date_of_birth_year,
            &self.date_of_birth,
        )
    }

    /// The person's details, checked: the date input's own checks, then
    /// the domain's.
    fn parse(&self) -> Result<goldthread_domain::person::PersonDetails, FieldErrors> {
        let date = self.date_of_birth_boxes().read("Date of birth");
        let mut input = self.input();
        input.date_of_birth = date.clone().unwrap_or_default();
        match (input.parse(crate::local_time::today()), date) {
            (Ok(details), Ok(_)) => Ok(details),
            (Ok(_), Err(message)) => Err(FieldErrors::single("date_of_birth", message)),
            (Err(mut errors), Err(message)) => {
                errors.add("date_of_birth", message);
                Err(errors)
            }
            (Err(errors), Ok(_)) => Err(errors),
        }
    }

    fn input(&self) -> PersonInput {
        PersonInput {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            known_as: self.known_as.clone(),
            date_of_birth: self.date_of_birth.clone(),
            setting: self.setting.clone(),
            communication: self.communication.clone(),
            presenting_information: self.presenting_information.clone(),
        }
    }

    fn from_person(person: &Person) -> FormValues {
        let input = PersonInput::from_details(&person.details);
        FormValues {
            given_name: input.given_name,
            family_name: input.family_name,
            known_as: input.known_as,
            date_of_birth: None,
            date_of_birth_day: person.details.date_of_birth.map(|d| d.day().to_string()),
            date_of_birth_month: person.details.date_of_birth.map(|d| u8::from(d.month()).to_string()),
            date_of_birth_year: person.details.date_of_birth.map(|d| d.year().to_string()),
            setting: input.setting,
            communication: input.communication,
            presenting_information: input.presenting_information,
            reason: None,
            base_version: Some(person.version.to_string()),
        }
    }
}

/// What a template shows for an optional form value.
pub fn v(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

fn require_writer(user: &CurrentUser) -> Result<(), PageError> {
    if user.user.role.can_write() {
        Ok(())
    } else {
        Err(StoreError::Forbidden.into())
    }
}

async fn new_page(user: CurrentUser) -> Result<Response, PageError> {
    require_writer(&user)?;
    render(&FormPage {
        ctx: Ctx::for_user(&user, "people"),
        person_id: None,
        input: FormValues::default(),
        errors: FormErrors::default(),
        conflict: vec![],
        base_version: 0,
    })
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(values): Form<FormValues>,
) -> Result<Response, PageError> {
    require_writer(&user)?;
    match values.parse() {
        Ok(details) => {
            let person = state.store.create_person(&user.actor(), &details).await?;
            Ok(Redirect::to(&format!("/people/{}", person.id)).into_response())
        }
        Err(errors) => render_invalid(&FormPage {
            ctx: Ctx::for_user(&user, "people"),
            person_id: None,
            input: values,
            errors: FormErrors(errors),
            conflict: vec![],
            base_version: 0,
        }),
    }
}

#[derive(Template)]
#[template(path = "people/show.html")]
struct ShowPage {
    ctx: Ctx,
    has_photo: bool,
    photo_error: Option<String>,
    person: Person,
    date_of_birth: String,
    plans: Vec<PlanSummary>,
}

async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response, PageError> {
    show_person(&state, &user, parse_id(&id)?, None).await
}

async fn show_person(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    photo_error: Option<String>,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let person = state.store.person(&actor, id).await?;
    let filter = PlanFilter {
        person_id: Some(id),
        limit: 100,
        ..Default::default()
    };
    let (plans, _) = state.store.list_plans(&actor, &filter).await?;
    let has_photo = state.store.person_photo(&actor, id).await?.is_some();
    let mut ctx = Ctx::for_user(user, "people");
    // Read-only users (and those who see the person only through a team)
    // are not shown forms they cannot send.
    ctx.can_write &= state.store.may_change_person(&actor, id).await?;
    let page = ShowPage {
        ctx,
        date_of_birth: crate::web::format::opt_date(person.details.date_of_birth),
        has_photo,
        person,
        plans,
        photo_error: photo_error.clone(),
    };
    if photo_error.is_some() {
        render_invalid(&page)
    } else {
        render(&page)
    }
}

/// The person's current photo.
async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (content_type, data) = state
        .store
        .person_photo(&user.actor(), parse_id(&id)?)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}

async fn upload_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let mut data = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("photo") => {
                data = field
                    .bytes()
                    .await
                    .map_err(|e| PageError::Status(e.status(), "The photo could not be read; try again.".into()))?
                    .to_vec();
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                return Err(PageError::Status(
                    e.status(),
                    "The photo could not be read; try again.".into(),
                ));
            }
        }
    }
    match state.store.set_person_photo(&user.actor(), id, Some(&data)).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            show_person(&state, &user, id, errors.get("photo").map(str::to_owned)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state.store.set_person_photo(&user.actor(), id, None).await?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let person = state.store.person(&user.actor(), id).await?;
    require_writer(&user)?;
    render(&FormPage {
        ctx: Ctx::for_user(&user, "people"),
        person_id: Some(id),
        base_version: person.version,
        input: FormValues::from_person(&person),
        errors: FormErrors::default(),
        conflict: vec![],
    })
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(values): Form<FormValues>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let actor = user.actor();
    let base_version = values.base_version.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0);
    let again = |values: FormValues, errors, conflict, base_version| {
        render_invalid(&FormPage {
            ctx: Ctx::for_user(&user, "people"),
            person_id: Some(id),
            input: values,
            errors: FormErrors(errors),
            conflict,
            base_version,
        })
    };
    let details = match values.parse() {
        Ok(details) => details,
        Err(errors) => return again(values, errors, vec![], base_version),
    };
    let reason = values.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    match state
        .store
        .update_person(&actor, id, base_version, &details, reason)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}")).into_response()),
        Err(StoreError::Conflict(conflict)) => {
            // Keep what they typed; the next save is based on the latest
            // version, now that they have been told what changed.
            again(
                values,
                Default::default(),
                conflict.changes.clone(),
                conflict.current_version,
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "people/history.html")]
struct HistoryPage {
    ctx: Ctx,
    person: Person,
    entries: Vec<HistoryEntry>,
}

struct HistoryEntry {
    seq: i64,
    at: String,
    author: String,
    reason: Option<String>,
    summary: String,
}

async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let actor = user.actor();
    let person = state.store.person(&actor, id).await?;
    let changes = state.store.person_history(&actor, id).await?;
    let mut entries = Vec::new();
    let mut previous: Option<&goldthread_domain::person::PersonDetails> = None;
    for change in &changes {
        let summary = match previous {
            None => "Record created".to_owned(),
            Some(before) => describe_person_edit(before, &change.details),
        };
        entries.push(HistoryEntry {
            seq: change.seq,
            at: crate::web::format::date_time(change.at),
            author: change.author_name.clone(),
            reason: change.reason.clone(),
            summary,
        });
        previous = Some(&change.details);
    }
    entries.reverse();
    render(&HistoryPage {
        ctx: Ctx::for_user(&user, "people"),
        person,
        entries,
    })
}

/// "Changed known as, setting" — which fields an edit touched.
fn describe_person_edit(
    before: &goldthread_domain::person::PersonDetails,
    after: &goldthread_domain::person::PersonDetails,
) -> String {
    let mut fields = Vec::new();
    if before.given_name != after.given_name {
        fields.push("first name");
    }
    if before.family_name != after.family_name {
        fields.push("last name");
    }
    if before.known_as != after.known_as {
        fields.push("known as");
    }
    if before.date_of_birth != after.date_of_birth {
        fields.push("date of birth");
    }
    if before.setting != after.setting {
        fields.push("setting");
    }
    if before.communication != after.communication {
        fields.push("how they communicate best");
    }
    if before.presenting_information != after.presenting_information {
        fields.push("how information and choices are presented");
    }
    if fields.is_empty() {
        "Saved with no changes".to_owned()
    } else {
        format!("Changed {}", fields.join(", "))
    }
}
