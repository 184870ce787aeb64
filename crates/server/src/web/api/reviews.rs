//! `/api/v1/plans/{id}/reviews`, item endings, and versions compared (SPEC
//! R1–R3, R5): open, answer and close a review; list a plan's reviews; end
//! an item with a reason; compare two versions field by field; the plan as
//! it stood on a date. Every rule is the domain's (`review::check`), so a
//! refused review writes nothing and answers 422 naming the field.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::compare::{self, DiffKind};
use goldthread_domain::content::ItemKind;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Plan};
use goldthread_domain::review::{OutcomeRating, Review, ReviewKind};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiQuery, ApiUser, parse_id};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reviews, open_review))
        .routes(routes!(answer_review))
        .routes(routes!(close_review))
        .routes(routes!(end_item))
        .routes(routes!(compare_versions))
        .routes(routes!(plan_as_of))
}

/// `YYYY-MM-DD`, or a 422 naming the field.
pub fn parse_date(field: &str, value: &str) -> Result<Date, FieldErrors> {
    let shape = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let format = time::macros::format_description!("[year]-[month]-[day]");
    shape.then(|| Date::parse(value, format).ok()).flatten().ok_or_else(|| {
        FieldErrors::single(
            field,
            "Enter a real date in the form YYYY-MM-DD, for example 2027-03-12",
        )
    })
}

fn day(field: &str, value: Option<&str>) -> Result<Date, FieldErrors> {
    match value {
        Some(v) => parse_date(field, v),
        None => Ok(crate::local_time::today()),
    }
}

/// A plan's reviews, oldest first, and when its safety plan was last checked.
#[derive(Serialize, utoipa::ToSchema)]
struct PlanReviews {
    reviews: Vec<Review>,
    /// The open review's id, if one is open.
    open_review_id: Option<Uuid>,
    /// The last weekly support review that checked the safety plan.
    #[schema(value_type = Option<String>, format = Date)]
    safety_plan_last_checked: Option<Date>,
    /// What "Last week" of the next weekly review starts from: the
    /// previous review's "This week".
    planned_last_week: Option<String>,
}

/// The plan's reviews, oldest first.
#[utoipa::path(get, path = "/plans/{id}/reviews", tag = "reviews", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = PlanReviews), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_reviews(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<PlanReviews>, ApiError> {
    let plan = state.store.plan(&actor, parse_id(&id)?).await?;
    let r = &plan.reviews;
    Ok(axum::Json(PlanReviews {
        reviews: r.reviews.clone(),
        open_review_id: r.open().map(|o| o.id),
        safety_plan_last_checked: r.safety_plan_last_checked(),
        planned_last_week: r.planned_last_week().map(str::to_owned),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct NewReview {
    /// The plan's `version` when you read it.
    #[schema(minimum = 0)]
    base_version: i64,
    #[schema(max_length = 2000)]
    reason: Option<String>,
    kind: ReviewKind,
    /// The day of the review meeting, `YYYY-MM-DD`; today when left out.
    #[schema(value_type = Option<String>, format = Date)]
    on: Option<String>,
    /// Who took part (at least one name).
    #[schema(min_items = 1)]
    participants: Vec<String>,
}

/// Open a review: weekly (plan types that have it) or formal. Only one
/// review of a plan is open at a time; a formal review of an agreed plan
/// puts it under review. Changes made while it is open belong to it.
#[utoipa::path(post, path = "/plans/{id}/reviews", tag = "reviews", params(("id" = Uuid, Path)), request_body = NewReview,
    responses((status = 201, description = "Created; the plan with its reviews", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "Changed by someone else since base_version; nothing saved", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn open_review(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewReview>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let change = Change::ReviewOpened {
        review_id: Uuid::new_v4(),
        kind: body.kind,
        on: day("on", body.on.as_deref())?,
        participants: body.participants,
    };
    let plan = state
        .store
        .change_plan(
            &actor,
            id,
            body.base_version,
            body.reason.as_deref(),
            change,
            &state.plan_types,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(plan)))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct AnswersToAReview {
    #[schema(minimum = 0)]
    base_version: i64,
    #[schema(max_length = 2000)]
    reason: Option<String>,
    /// Answers by question key (see the plan type's `reviews`); a later
    /// answer to a question replaces an earlier one. Formal reviews also
    /// take `person_views` and `parents_views`.
    #[serde(default)]
    answers: BTreeMap<String, String>,
    /// At a formal review: the progress of outcomes.
    #[serde(default)]
    ratings: Vec<OutcomeRating>,
}

/// Record answers to the open review's questions and, at a formal review,
/// progress ratings of outcomes (not of ended ones).
#[utoipa::path(post, path = "/plans/{id}/reviews/{review_id}/answers", tag = "reviews", params(("id" = Uuid, Path), ("review_id" = Uuid, Path)), request_body = AnswersToAReview,
    responses((status = 200, description = "OK", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "Changed by someone else since base_version; nothing saved", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn answer_review(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, review_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<AnswersToAReview>,
) -> Result<axum::Json<Plan>, ApiError> {
    let (id, review_id) = (parse_id(&id)?, parse_id(&review_id)?);
    review_of(&state, &actor, id, review_id).await?;
    let change = Change::ReviewAnswered {
        review_id,
        answers: body.answers,
        ratings: body.ratings,
    };
    let plan = state
        .store
        .change_plan(
            &actor,
            id,
            body.base_version,
            body.reason.as_deref(),
            change,
            &state.plan_types,
        )
        .await?;
    Ok(axum::Json(plan))
}

/// 404 unless the plan has this review.
async fn review_of(
    state: &AppState,
    actor: &goldthread_domain::user::Actor,
    id: Uuid,
    review_id: Uuid,
) -> Result<Plan, ApiError> {
    let plan = state.store.plan(actor, id).await?;
    if plan.reviews.review(review_id).is_none() {
        return Err(ApiError::not_found());
    }
    Ok(plan)
}

#[derive(Deserialize, utoipa::ToSchema)]
struct CloseReview {
    #[schema(minimum = 0)]
    base_version: i64,
    #[schema(max_length = 2000)]
    reason: Option<String>,
    /// The day it closed, `YYYY-MM-DD`; today when left out.
    #[schema(value_type = Option<String>, format = Date)]
    on: Option<String>,
}

/// The plan after a review closed and, when it was the plan type's last
/// review (MSP: the 3rd), the plan that follows it.
#[derive(Serialize, utoipa::ToSchema)]
struct ClosedReview {
    plan: Plan,
    next_plan: Option<Plan>,
}

/// Close the open review. A formal review must have rated every current
/// outcome; a weekly one answered every question. The plan type's last
/// formal review supersedes the plan and starts the next plan number (both
/// in one transaction).
#[utoipa::path(post, path = "/plans/{id}/reviews/{review_id}/close", tag = "reviews", params(("id" = Uuid, Path), ("review_id" = Uuid, Path)), request_body = CloseReview,
    responses((status = 200, description = "OK", body = ClosedReview), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "Changed by someone else since base_version; nothing saved", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn close_review(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, review_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<CloseReview>,
) -> Result<axum::Json<ClosedReview>, ApiError> {
    let (id, review_id) = (parse_id(&id)?, parse_id(&review_id)?);
    let plan = review_of(&state, &actor, id, review_id).await?;
    let on = day("on", body.on.as_deref())?;
    let (plan, next_plan) = close(
        &state,
        &actor,
        &plan,
        review_id,
        body.base_version,
        body.reason.as_deref(),
        on,
    )
    .await?;
    Ok(axum::Json(ClosedReview { plan, next_plan }))
}

/// Whether closing this review starts the next plan (the plan type's last
/// formal review).
pub fn closing_supersedes(state: &AppState, plan: &Plan, review_id: Uuid) -> bool {
    let last = state
        .plan_types
        .get(&plan.plan_type)
        .and_then(|t| t.reviews.new_plan_after_review);
    plan.reviews
        .review(review_id)
        .is_some_and(|r| r.kind == ReviewKind::Formal && last.is_some() && r.number == last)
}

/// Closes a review; the last one supersedes the plan. Shared with the pages.
pub async fn close(
    state: &AppState,
    actor: &goldthread_domain::user::Actor,
    plan: &Plan,
    review_id: Uuid,
    base_version: i64,
    reason: Option<&str>,
    on: Date,
) -> Result<(Plan, Option<Plan>), crate::store::StoreError> {
    if closing_supersedes(state, plan, review_id) {
        let (old, new) = state
            .store
            .close_review_superseding(actor, plan.id, base_version, reason, review_id, on, &state.plan_types)
            .await?;
        Ok((old, Some(new)))
    } else {
        let change = Change::ReviewClosed {
            review_id,
            on,
            supersedes: false,
        };
        let plan = state
            .store
            .change_plan(actor, plan.id, base_version, reason, change, &state.plan_types)
            .await?;
        Ok((plan, None))
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct EndItem {
    #[schema(minimum = 0)]
    base_version: i64,
    /// Why it ends: shown beside it, struck through.
    #[schema(min_length = 1, max_length = 2000)]
    reason: String,
    /// `YYYY-MM-DD`; today when left out.
    #[schema(value_type = Option<String>, format = Date)]
    on: Option<String>,
}

/// End an item (outcome, step, target, provision, risk, need, budget line…)
/// with a reason: it stays in the plan, struck through, never deleted.
#[utoipa::path(post, path = "/plans/{id}/items/{kind}/{item_id}/end", tag = "reviews", params(("id" = Uuid, Path), ("kind" = ItemKind, Path), ("item_id" = Uuid, Path)), request_body = EndItem,
    responses((status = 200, description = "OK", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "Changed by someone else since base_version; nothing saved", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn end_item(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, kind, item_id)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<EndItem>,
) -> Result<axum::Json<Plan>, ApiError> {
    let id = parse_id(&id)?;
    let item_kind = ItemKind::parse(&kind).ok_or_else(ApiError::not_found)?;
    let change = Change::ItemEnded {
        item_kind,
        id: parse_id(&item_id)?,
        on: day("on", body.on.as_deref())?,
        reason: body.reason,
    };
    let plan = state
        .store
        .change_plan(&actor, id, body.base_version, None, change, &state.plan_types)
        .await?;
    Ok(axum::Json(plan))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CompareQuery {
    /// One version (see `/plans/{id}/changes`).
    #[param(minimum = 1)]
    from: i64,
    /// The other version.
    #[param(minimum = 1)]
    to: i64,
}

#[derive(Serialize, utoipa::ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    Added,
    Changed,
    Removed,
    Ended,
}

/// One field that differs between the two versions, with the change that
/// made it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Difference {
    /// e.g. `content/outcomes/<id>/text`, or `ended/<id>` for an ending.
    pub path: String,
    pub kind: DifferenceKind,
    /// The earlier value (changed, removed).
    #[schema(value_type = Option<Object>)]
    pub old: Option<serde_json::Value>,
    /// The later value (added, changed).
    #[schema(value_type = Option<Object>)]
    pub new: Option<serde_json::Value>,
    /// Why it ended (ended).
    pub ended_because: Option<String>,
    /// The version whose change made it.
    pub version: i64,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub why: Option<String>,
    /// The formal review (1 for R1…) it was made at.
    pub review: Option<u32>,
}

impl From<compare::Difference> for Difference {
    fn from(d: compare::Difference) -> Self {
        let (kind, old, new, ended_because) = match d.kind {
            DiffKind::Added { new } => (DifferenceKind::Added, None, Some(new), None),
            DiffKind::Changed { old, new } => (DifferenceKind::Changed, Some(old), Some(new), None),
            DiffKind::Removed { old } => (DifferenceKind::Removed, Some(old), None, None),
            DiffKind::Ended { reason } => (DifferenceKind::Ended, None, None, Some(reason)),
        };
        Difference {
            path: d.path,
            kind,
            old,
            new,
            ended_because,
            version: d.seq,
            by: d.by,
            at: d.at,
            why: d.why,
            review: d.review,
        }
    }
}

/// Two versions compared field by field: what was added, changed (old and
/// new wording), removed or ended, by whom, when, why and at which review.
#[utoipa::path(get, path = "/plans/{id}/compare", tag = "reviews", params(("id" = Uuid, Path), CompareQuery),
    responses((status = 200, description = "OK", body = Vec<Difference>), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn compare_versions(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<CompareQuery>,
) -> Result<axum::Json<Vec<Difference>>, ApiError> {
    let id = parse_id(&id)?;
    let log = state.store.plan_history(&actor, id).await?;
    let diffs = compared(id, &log, query.from, query.to)?;
    Ok(axum::Json(diffs.into_iter().map(Difference::from).collect()))
}

/// The comparison, or a 422 naming a version the plan does not have.
pub fn compared(
    id: Uuid,
    log: &[goldthread_domain::plan::ChangeRecord],
    from: i64,
    to: i64,
) -> Result<Vec<compare::Difference>, FieldErrors> {
    let last = log.len() as i64;
    let mut errors = FieldErrors::new();
    for (field, v) in [("from", from), ("to", to)] {
        if v < 1 || v > last {
            errors.add(field, format!("This plan has versions 1 to {last}"));
        }
    }
    errors.into_result(())?;
    compare::compare(id, log, from, to).map_err(|e| FieldErrors::single("from", e.to_string()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AsOfQuery {
    /// `YYYY-MM-DD`: the plan as it stood at the end of this day.
    #[param(value_type = String, format = Date)]
    date: String,
}

/// The plan as it stood on a date (at the end of that day).
#[utoipa::path(get, path = "/plans/{id}/as-of", tag = "reviews", params(("id" = Uuid, Path), AsOfQuery),
    responses((status = 200, description = "OK", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn plan_as_of(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> Result<axum::Json<Plan>, ApiError> {
    let id = parse_id(&id)?;
    let date = parse_date("date", &query.date)?;
    let log = state.store.plan_history(&actor, id).await?;
    Ok(axum::Json(as_of(id, &log, date)?))
}

/// The plan on a day, or a 422 when it did not exist yet.
pub fn as_of(id: Uuid, log: &[goldthread_domain::plan::ChangeRecord], date: Date) -> Result<Plan, FieldErrors> {
    let first = log.first().map(|r| r.at.date());
    if first.is_none_or(|d| date < d) {
        return Err(FieldErrors::single(
            "date",
            format!(
                "The plan did not exist yet on {}",
                goldthread_domain::plan::format_date(date)
            ),
        ));
    }
    compare::as_of(id, log, date).map_err(|e| FieldErrors::single("date", e.to_string()))
}
