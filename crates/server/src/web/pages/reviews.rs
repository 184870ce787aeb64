//! Reviews on the web (SPEC R1–R3, R5): the weekly support review on one
//! page, the formal review (open, rate every outcome, the type's questions,
//! close), the list of a plan's reviews, the block the plan page shows
//! (safety plan last checked, the open review, the plans before and after),
//! the R1/R2 markers and ended words beside items, and two versions
//! compared field by field or the plan as it stood on a date.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, ChangeRecord, Plan, PlanStatus, format_date};
use goldthread_domain::plan_type::ReviewQuestion;
use goldthread_domain::review::{OutcomeRating, Review, ReviewKind, SAFETY_PLAN, VIEWS_QUESTIONS};
use serde::Deserialize;
use uuid::Uuid;

use super::dates::DateBoxes;
use super::plans::{PlanView, load_view, load_writable_view, refusal};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::web::AppState;
use crate::web::api::reviews::{close, closing_supersedes};
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/reviews", get(list_page))
        .route("/plans/{id}/reviews/weekly", get(weekly_page).post(save_weekly))
        .route("/plans/{id}/reviews/formal", get(open_page).post(open_formal))
        .route("/plans/{id}/reviews/{review}", get(review_page).post(save_review))
        .route("/plans/{id}/compare", get(super::compare::compare_page))
}

/// A submitted form's fields, in order.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    fn base(&self) -> i64 {
        self.get("base_version").parse().unwrap_or(0)
    }

    fn date(&self, name: &str, label: &str) -> (DateBoxes, Result<time::Date, String>) {
        let boxes = DateBoxes {
            day: self.get(&format!("{name}-day")),
            month: self.get(&format!("{name}-month")),
            year: self.get(&format!("{name}-year")),
            single: None,
        };
        let read = match boxes.read(label) {
            Ok(Some(iso)) => {
                crate::web::api::reviews::parse_date(name, &iso).map_err(|_| format!("{label} must be a real date"))
            }
            Ok(None) => Err(format!("Enter the {}", label.to_lowercase())),
            Err(e) => Err(e),
        };
        (boxes, read)
    }

    fn participants(&self) -> Vec<String> {
        self.get("participants")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// "R1, 12 March 2027" beside an item added at a formal review.
pub fn added_words(plan: &Plan, id: &Uuid) -> Option<String> {
    plan.reviews.added_words(*id)
}

/// "Ended at R2, 12 March 2027: reason" beside an item struck through.
pub fn ended_words(plan: &Plan, id: &Uuid) -> Option<String> {
    plan.reviews.ended_words(*id)
}

pub fn is_ended(plan: &Plan, id: &Uuid) -> bool {
    plan.reviews.ended.contains_key(id)
}

/// What the plan page shows of reviews, above its sections.
pub struct ReviewBlock {
    pub open: Option<(Uuid, String)>,
    pub safety_plan_last_checked: Option<String>,
    pub weekly: bool,
    pub can_review: bool,
    pub count: usize,
    pub previous: Option<(Uuid, u32)>,
    pub next: Option<(Uuid, u32)>,
}

/// The plan page's review block.
pub async fn block(state: &AppState, user: &CurrentUser, view: &PlanView) -> Result<ReviewBlock, PageError> {
    let links = state.store.plan_links(&user.actor(), &view.plan).await?;
    Ok(block_with(state, user, view, links))
}

/// [`block`] with the plans before and after already read.
pub fn block_with(
    state: &AppState,
    user: &CurrentUser,
    view: &PlanView,
    links: crate::store::PlanLinks,
) -> ReviewBlock {
    let plan = &view.plan;
    let rules = state.plan_types.get(&plan.plan_type).map(|t| &t.reviews);
    ReviewBlock {
        open: plan.reviews.open().map(|r| (r.id, review_title(r))),
        safety_plan_last_checked: plan.reviews.safety_plan_last_checked().map(format_date),
        weekly: rules.is_some_and(|r| r.weekly),
        can_review: view.writable && plan.status.is_active() && user.user.role.can_write(),
        count: plan.reviews.reviews.len(),
        previous: links.previous,
        next: links.next,
    }
}

/// "Formal review R2, 12 March 2027" or "Weekly support review, 1 February 2027".
fn review_title(r: &Review) -> String {
    match (r.kind, r.number) {
        (ReviewKind::Formal, Some(n)) => format!("Formal review R{n}, {}", format_date(r.opened_on)),
        (ReviewKind::Formal, None) => format!("Formal review, {}", format_date(r.opened_on)),
        (ReviewKind::Weekly, _) => format!("Weekly support review, {}", format_date(r.opened_on)),
    }
}

struct ReviewLine {
    id: Uuid,
    title: String,
    participants: String,
    state: String,
}

#[derive(Template)]
#[template(path = "reviews/list.html")]
struct ListPage {
    ctx: Ctx,
    view: PlanView,
    reviews: Vec<ReviewLine>,
    block: ReviewBlock,
}

async fn list_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let block = block(&state, &user, &view).await?;
    let reviews = view
        .plan
        .reviews
        .reviews
        .iter()
        .rev()
        .map(|r| ReviewLine {
            id: r.id,
            title: review_title(r),
            participants: r.participants.join(", "),
            state: match r.closed_on {
                Some(d) => format!("Closed {}", format_date(d)),
                None => "Open".into(),
            },
        })
        .collect();
    render(&ListPage {
        ctx: Ctx::for_user(&user, "plans"),
        view,
        reviews,
        block,
    })
}

/// One question on a form: its field name, label, hint and what is typed.
struct Question {
    name: String,
    label: String,
    hint: String,
    value: String,
}

fn questions(list: &[ReviewQuestion], answers: &dyn Fn(&str) -> String) -> Vec<Question> {
    list.iter()
        .map(|q| Question {
            name: format!("answer-{}", q.key),
            label: q.label.clone(),
            hint: q.detail.clone().unwrap_or_default(),
            value: answers(&q.key),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "reviews/weekly.html")]
struct WeeklyPage {
    ctx: Ctx,
    view: PlanView,
    base_version: i64,
    on: DateBoxes,
    participants: String,
    questions: Vec<Question>,
    safety: String,
    safety_notes: String,
    safety_label: String,
    safety_hint: String,
    last_checked: Option<String>,
    errors: FormErrors,
    conflict: Vec<String>,
}

fn weekly_questions(state: &AppState, plan: &Plan) -> Result<Vec<ReviewQuestion>, PageError> {
    let rules = state.plan_types.get(&plan.plan_type).map(|t| &t.reviews);
    match rules {
        Some(r) if r.weekly => Ok(r.weekly_questions.clone()),
        _ => Err(PageError::NotFound),
    }
}

fn weekly_form(
    user: &CurrentUser,
    view: PlanView,
    list: &[ReviewQuestion],
    fields: Option<&Fields>,
    errors: FieldErrors,
    conflict: Vec<String>,
    base: i64,
) -> WeeklyPage {
    let planned = view.plan.reviews.planned_last_week().unwrap_or_default().to_owned();
    let answer = |key: &str| match fields {
        Some(f) => f.get(&format!("answer-{key}")),
        None if key == "last_week" => planned.clone(),
        None => String::new(),
    };
    let safety_q = list.iter().find(|q| q.key == SAFETY_PLAN);
    let others: Vec<ReviewQuestion> = list.iter().filter(|q| q.key != SAFETY_PLAN).cloned().collect();
    WeeklyPage {
        ctx: Ctx::for_user(user, "plans"),
        base_version: base,
        on: match fields {
            Some(f) => f.date("on", "Date of the review").0,
            None => DateBoxes::of(Some(crate::local_time::today())),
        },
        participants: match fields {
            Some(f) => f.get("participants"),
            None => user.user.name.clone(),
        },
        questions: questions(&others, &answer),
        safety: fields.map(|f| f.get("safety")).unwrap_or_default(),
        safety_notes: fields.map(|f| f.get("safety_notes")).unwrap_or_default(),
        safety_label: safety_q.map_or("Safety plan".into(), |q| q.label.clone()),
        safety_hint: safety_q.and_then(|q| q.detail.clone()).unwrap_or_default(),
        last_checked: view.plan.reviews.safety_plan_last_checked().map(format_date),
        errors: FormErrors(errors),
        conflict,
        view,
    }
}

async fn weekly_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let list = weekly_questions(&state, &view.plan)?;
    let base = view.plan.version;
    render(&weekly_form(&user, view, &list, None, FieldErrors::new(), vec![], base))
}

/// Checks a sequence of review changes against the plan in memory, as the
/// store will, so that a refused step writes nothing at all.
fn rehearse(plan: &Plan, changes: &[Change], state: &AppState) -> Result<(), FieldErrors> {
    let plan_type = state.plan_types.get(&plan.plan_type);
    let mut plan = plan.clone();
    for change in changes {
        plan.check(change, Some("review"), plan_type)?;
        let record = ChangeRecord {
            seq: plan.version + 1,
            at: crate::store::now(),
            author_id: None,
            author_name: String::new(),
            reason: None,
            change: change.clone(),
        };
        plan.apply(&record)
            .map_err(|e| FieldErrors::single("review", e.to_string()))?;
    }
    Ok(())
}

/// The domain's words for a review field, put on the form's own fields.
fn on_form(errors: FieldErrors, fields: &[(&str, &str)]) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                if let Some((_, to)) = fields.iter().find(|(from, _)| *from == e.field) {
                    e.field = (*to).to_owned();
                }
                e
            })
            .collect(),
    )
}

async fn save_weekly(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let list = weekly_questions(&state, &view.plan)?;
    let f = Fields(pairs);
    let mut errors = FieldErrors::new();
    let (_, on) = f.date("on", "Date of the review");
    let on = on.map_err(|e| errors.add("on", e)).ok();
    let participants = f.participants();
    if participants.is_empty() {
        errors.add("participants", "Say who took part in the review");
    }
    let mut answers = std::collections::BTreeMap::new();
    for q in list.iter().filter(|q| q.key != SAFETY_PLAN) {
        let a = f.get(&format!("answer-{}", q.key));
        if a.is_empty() {
            errors.add(&format!("answer-{}", q.key), format!("Answer \"{}\"", q.label));
        } else {
            answers.insert(q.key.clone(), a);
        }
    }
    let safety = f.get("safety");
    let needs_updating = safety == "needs_updating";
    let notes = f.get("safety_notes");
    match safety.as_str() {
        "working" | "needs_updating" => {
            let said = if needs_updating { "Needs updating" } else { "Working" };
            let answer = if notes.is_empty() {
                said.to_owned()
            } else {
                format!("{said}: {notes}")
            };
            answers.insert(SAFETY_PLAN.to_owned(), answer);
        }
        _ => errors.add("safety", "Say whether the safety plan is working or needs updating"),
    }
    let review_id = Uuid::new_v4();
    let result = match on {
        Some(on) if errors.is_empty() => {
            let mut changes = vec![
                Change::ReviewOpened {
                    review_id,
                    kind: ReviewKind::Weekly,
                    on,
                    participants,
                },
                Change::ReviewAnswered {
                    review_id,
                    answers,
                    ratings: vec![],
                },
            ];
            // "Needs updating" keeps the review open while the safety plan
            // is changed, so those changes belong to it.
            if !needs_updating {
                changes.push(Change::ReviewClosed {
                    review_id,
                    on,
                    supersedes: false,
                });
            }
            match rehearse(&view.plan, &changes, &state) {
                Ok(()) => write_all(&state, &user, &view.plan, f.base(), changes).await,
                Err(e) => Err(StoreError::Invalid(on_form(e, &[("review_id", "on"), ("kind", "on")]))),
            }
        }
        _ => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(plan) if needs_updating => {
            Ok(Redirect::to(&format!("/plans/{}/reviews/{review_id}?safety=1", plan.id)).into_response())
        }
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}/reviews/{review_id}?closed=1", plan.id)).into_response()),
        Err(e) => {
            let (errors, conflict, base) = refusal(e, f.base())?;
            render_invalid(&weekly_form(&user, view, &list, Some(&f), errors, conflict, base))
        }
    }
}

/// Writes checked changes one after another, each on the version the last
/// one made.
async fn write_all(
    state: &AppState,
    user: &CurrentUser,
    plan: &Plan,
    base: i64,
    changes: Vec<Change>,
) -> Result<Plan, StoreError> {
    let mut plan = plan.clone();
    let mut base = base;
    for change in changes {
        plan = state
            .store
            .change_plan(
                &user.actor(),
                plan.id,
                base,
                Some("At the review"),
                change,
                &state.plan_types,
            )
            .await?;
        base = plan.version;
    }
    Ok(plan)
}

#[derive(Template)]
#[template(path = "reviews/open.html")]
struct OpenPage {
    ctx: Ctx,
    view: PlanView,
    base_version: i64,
    on: DateBoxes,
    participants: String,
    number: u32,
    errors: FormErrors,
    conflict: Vec<String>,
}

async fn open_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    if let Some(open) = view.plan.reviews.open() {
        return Ok(Redirect::to(&format!("/plans/{}/reviews/{}", view.plan.id, open.id)).into_response());
    }
    let mut names: Vec<String> = view.plan.parties.iter().map(|p| p.name.clone()).collect();
    if names.is_empty() {
        names.push(user.user.name.clone());
    }
    render(&OpenPage {
        ctx: Ctx::for_user(&user, "plans"),
        base_version: view.plan.version,
        on: DateBoxes::of(Some(crate::local_time::today())),
        participants: names.join("\n"),
        number: view.plan.reviews.formal_count() + 1,
        errors: FormErrors::default(),
        conflict: vec![],
        view,
    })
}

async fn open_formal(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let f = Fields(pairs);
    let (boxes, on) = f.date("on", "Date of the review");
    let review_id = Uuid::new_v4();
    let result = match on {
        Ok(on) => {
            let change = Change::ReviewOpened {
                review_id,
                kind: ReviewKind::Formal,
                on,
                participants: f.participants(),
            };
            state
                .store
                .change_plan(
                    &user.actor(),
                    view.plan.id,
                    f.base(),
                    Some("Formal review"),
                    change,
                    &state.plan_types,
                )
                .await
                .map_err(|e| match e {
                    StoreError::Invalid(errors) => StoreError::Invalid(on_form(errors, &[("review_id", "on")])),
                    other => other,
                })
        }
        Err(message) => Err(StoreError::Invalid(FieldErrors::single("on", message))),
    };
    match result {
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}/reviews/{review_id}", plan.id)).into_response()),
        Err(e) => {
            let (errors, conflict, base) = refusal(e, f.base())?;
            render_invalid(&OpenPage {
                ctx: Ctx::for_user(&user, "plans"),
                base_version: base,
                on: boxes,
                participants: f.get("participants"),
                number: view.plan.reviews.formal_count() + 1,
                errors: FormErrors(errors),
                conflict,
                view,
            })
        }
    }
}

/// One outcome to rate at a formal review.
struct RatingRow {
    id: Uuid,
    number: usize,
    text: String,
    rating: String,
    note: String,
}

/// A change made while the review was open.
struct MadeAt {
    what: String,
    by: String,
    why: String,
}

#[derive(Template)]
#[template(path = "reviews/review.html")]
struct ReviewPage {
    ctx: Ctx,
    view: PlanView,
    title: String,
    review_id: Uuid,
    formal: bool,
    open: bool,
    participants: String,
    base_version: i64,
    ratings: Vec<RatingRow>,
    options: Vec<(String, String)>,
    questions: Vec<Question>,
    /// Closed reviews: question and answer.
    answered: Vec<(String, String)>,
    made: Vec<MadeAt>,
    /// Closing this review starts plan number N+1.
    supersedes: bool,
    safety_prompt: bool,
    closed_banner: bool,
    safety_key: String,
    risks: Vec<(Uuid, String)>,
    next: Option<(Uuid, u32)>,
    errors: FormErrors,
    conflict: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ReviewQuery {
    closed: Option<String>,
    safety: Option<String>,
}

fn all_questions(state: &AppState, plan: &Plan, kind: ReviewKind) -> Vec<ReviewQuestion> {
    let rules = state
        .plan_types
        .get(&plan.plan_type)
        .map(|t| t.reviews.clone())
        .unwrap_or_default();
    match kind {
        ReviewKind::Weekly => rules.weekly_questions,
        ReviewKind::Formal => {
            let mut list = rules.formal_questions;
            list.extend(VIEWS_QUESTIONS.iter().map(|(key, label)| ReviewQuestion {
                key: (*key).to_owned(),
                label: (*label).to_owned(),
                detail: None,
            }));
            list
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn review_view(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    review_id: Uuid,
    fields: Option<&Fields>,
    errors: FieldErrors,
    conflict: Vec<String>,
    base: i64,
    query: &ReviewQuery,
) -> Result<ReviewPage, PageError> {
    let plan = &view.plan;
    let review = plan.reviews.review(review_id).ok_or(PageError::NotFound)?.clone();
    let open = review.closed_on.is_none() && plan.status.is_active();
    let formal = review.kind == ReviewKind::Formal;
    let rules = state
        .plan_types
        .get(&plan.plan_type)
        .map(|t| t.reviews.clone())
        .unwrap_or_default();
    let ratings = plan
        .content
        .outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| formal && !plan.reviews.ended.contains_key(&o.id))
        .map(|(n, o)| {
            let stored = review.ratings.get(&o.id);
            RatingRow {
                id: o.id,
                number: n + 1,
                text: o.text.clone(),
                rating: match fields {
                    Some(f) => f.get(&format!("rating-{}", o.id)),
                    None => stored.map(|r| r.rating.clone()).unwrap_or_default(),
                },
                note: match fields {
                    Some(f) => f.get(&format!("note-{}", o.id)),
                    None => stored.map(|r| r.note.clone()).unwrap_or_default(),
                },
            }
        })
        .collect();
    let list = all_questions(state, plan, review.kind);
    let answer = |key: &str| match fields {
        Some(f) => f.get(&format!("answer-{key}")),
        None => review.answers.get(key).cloned().unwrap_or_default(),
    };
    let answered = list
        .iter()
        .filter_map(|q| review.answers.get(&q.key).map(|a| (q.label.clone(), a.clone())))
        .collect();
    let log = state.store.plan_history(&user.actor(), plan.id).await?;
    let made = log
        .iter()
        .filter(|r| review.changes.contains(&r.seq))
        .filter(|r| !matches!(r.change, Change::ReviewAnswered { .. }))
        .map(|r| {
            let before = Plan::replay(plan.id, log.iter().take_while(|x| x.seq < r.seq)).ok();
            MadeAt {
                what: r.change.describe(before.as_ref().unwrap_or(plan)),
                by: r.author_name.clone(),
                why: r.reason.clone().unwrap_or_default(),
            }
        })
        .collect();
    let safety_key = state
        .plan_types
        .get(&plan.plan_type)
        .and_then(|t| t.sections.iter().find(|s| s.key == SAFETY_PLAN))
        .map(|s| s.key.clone())
        .unwrap_or_default();
    let links = state.store.plan_links(&user.actor(), plan).await?;
    let supersedes = open && closing_supersedes(state, plan, review_id);
    Ok(ReviewPage {
        ctx: Ctx::for_user(user, "plans"),
        title: review_title(&review),
        review_id,
        formal,
        open,
        participants: review.participants.join(", "),
        base_version: base,
        ratings,
        options: rules
            .progress_ratings
            .iter()
            .map(|r| (r.key.clone(), r.label.clone()))
            .collect(),
        questions: if open { questions(&list, &answer) } else { vec![] },
        answered,
        made,
        supersedes,
        safety_prompt: query.safety.is_some() && open && !formal,
        closed_banner: query.closed.is_some() && review.closed_on.is_some(),
        risks: plan.content.risks.iter().map(|r| (r.id, r.risk.clone())).collect(),
        safety_key,
        next: links.next,
        errors: FormErrors(errors),
        conflict,
        view,
    })
}

async fn review_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, review)): Path<(String, String)>,
    Query(query): Query<ReviewQuery>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let review_id = Uuid::parse_str(&review).map_err(|_| PageError::NotFound)?;
    let base = view.plan.version;
    let page = review_view(
        &state,
        &user,
        view,
        review_id,
        None,
        FieldErrors::new(),
        vec![],
        base,
        &query,
    )
    .await?;
    render(&page)
}

async fn save_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, review)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let review_id = Uuid::parse_str(&review).map_err(|_| PageError::NotFound)?;
    let review = view.plan.reviews.review(review_id).ok_or(PageError::NotFound)?.clone();
    let f = Fields(pairs);
    let closing = f.get("action") == "close";
    let plan = &view.plan;
    let formal = review.kind == ReviewKind::Formal;

    let mut answers = std::collections::BTreeMap::new();
    for q in all_questions(&state, plan, review.kind) {
        let a = f.get(&format!("answer-{}", q.key));
        if !a.is_empty() || review.answers.contains_key(&q.key) {
            answers.insert(q.key.clone(), a);
        }
    }
    let mut ratings = Vec::new();
    let mut errors = FieldErrors::new();
    if closing && !formal {
        for q in all_questions(&state, plan, review.kind) {
            if f.get(&format!("answer-{}", q.key)).is_empty() {
                errors.add(
                    &format!("answer-{}", q.key),
                    format!("Answer \"{}\" before closing the review", q.label),
                );
            }
        }
    }
    if formal {
        for (n, o) in plan.content.outcomes.iter().enumerate() {
            if plan.reviews.ended.contains_key(&o.id) {
                continue;
            }
            let rating = f.get(&format!("rating-{}", o.id));
            let note = f.get(&format!("note-{}", o.id));
            if rating.is_empty() {
                if closing {
                    errors.add(
                        &format!("rating-{}", o.id),
                        format!(
                            "Rate the progress of outcome {} ({}) before closing the review",
                            n + 1,
                            goldthread_domain::content::quote(&o.text)
                        ),
                    );
                }
            } else {
                ratings.push(OutcomeRating {
                    outcome_id: o.id,
                    rating,
                    note,
                });
            }
        }
    }
    let today = crate::local_time::today();
    let mut changes = vec![Change::ReviewAnswered {
        review_id,
        answers,
        ratings,
    }];
    if closing {
        changes.push(Change::ReviewClosed {
            review_id,
            on: today.max(review.opened_on),
            supersedes: closing_supersedes(&state, plan, review_id),
        });
    }
    let result = if !errors.is_empty() {
        // What was typed is saved, so nothing is lost; the review stays open.
        let _ = write_all(&state, &user, plan, f.base(), changes[..1].to_vec()).await;
        Err(StoreError::Invalid(errors))
    } else {
        match rehearse(plan, &changes, &state) {
            Err(e) => Err(StoreError::Invalid(e)),
            Ok(()) => {
                let saved = write_all(&state, &user, plan, f.base(), changes[..1].to_vec()).await;
                match saved {
                    Ok(saved) if closing => close(
                        &state,
                        &user.actor(),
                        &saved,
                        review_id,
                        saved.version,
                        Some("Review closed"),
                        today.max(review.opened_on),
                    )
                    .await
                    .map(|(p, _)| p),
                    other => other,
                }
            }
        }
    };
    match result {
        Ok(saved) if closing => {
            Ok(Redirect::to(&format!("/plans/{}/reviews/{review_id}?closed=1", saved.id)).into_response())
        }
        Ok(saved) => Ok(Redirect::to(&format!("/plans/{}/reviews/{review_id}", saved.id)).into_response()),
        Err(e) => {
            let (errors, conflict, _) = refusal(e, f.base())?;
            // The answers may have been saved: the next save builds on them.
            let view = load_view(&state, &user, &id).await?;
            let base = view.plan.version;
            let page = review_view(
                &state,
                &user,
                view,
                review_id,
                Some(&f),
                errors,
                conflict,
                base,
                &ReviewQuery::default(),
            )
            .await?;
            render_invalid(&page)
        }
    }
}

/// Whether a formal review may be opened from the plan page.
pub fn may_open_formal(plan: &Plan) -> bool {
    plan.status.is_active() && plan.reviews.open().is_none() && plan.status != PlanStatus::Draft
}
