//! `/api/v1/plans`: plans, their parties, status and history.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::merge::Keep;
use goldthread_domain::plan::{Change, ChangeRecord, PartyInput, Plan, PlanDetailsInput, PlanStatus};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiQuery, ApiUser, Page, Paging, parse_id};
use crate::store::{PlanFilter, PlanSummary, Resolution};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(get_plan, update_plan))
        .routes(routes!(list_changes, append_change))
        .routes(routes!(add_party))
        .routes(routes!(update_party, remove_party))
        .routes(routes!(change_status))
        .routes(routes!(plan_checks))
        .routes(routes!(golden_thread_picture))
        .routes(routes!(download_file))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(upload_file))
                .layer(axum::extract::DefaultBodyLimit::max(crate::web::MAX_UPLOAD_BYTES)),
        )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The file's name, e.g. `signed-plan.pdf`; its extension must fit its type.
    name: String,
}

/// Upload a file to the plan (the body is the file; `Content-Type` its
/// type). Attach it to a document with an `appendix` item whose `file` is
/// the returned reference.
#[utoipa::path(post, path = "/plans/{id}/files", tag = "plans", params(("id" = Uuid, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The file: PDF, PNG, JPG, TXT, DOC, DOCX or ODT, under 10 MB"),
    responses((status = 201, description = "Created", body = goldthread_domain::content::FileRef), (status = 404, description = "Not found, or not yours to see", body = Problem),
        (status = 413, description = "Body too large", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn upload_file(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Payload too large",
                "Files must be smaller than 10 MB.",
            )
        } else {
            ApiError::bad_request(rejection.body_text())
        }
    })?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let file = state
        .store
        .save_file(&actor, id, &query.name, content_type, &body)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(file)))
}

/// Download a file of the plan.
#[utoipa::path(get, path = "/plans/{id}/files/{file_id}", tag = "plans", params(("id" = Uuid, Path), ("file_id" = Uuid, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn download_file(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    let (file, bytes) = state.store.file(&actor, parse_id(&id)?, parse_id(&file_id)?).await?;
    Ok(crate::web::pages::sections::file_response(&file, bytes))
}

/// Every check of the plan at once: the golden thread (gaps, and the thread
/// itself for drawing), realism (hours, cost against budget, actions at
/// once) and the SMART check of each outcome, step and target by id.
#[utoipa::path(get, path = "/plans/{id}/checks", tag = "checks", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = goldthread_domain::checks::AllChecks), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn plan_checks(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<goldthread_domain::checks::AllChecks>, ApiError> {
    let plan = state.store.plan(&actor, parse_id(&id)?).await?;
    Ok(axum::Json(goldthread_domain::checks::all(
        &plan,
        state.plan_types.get(&plan.plan_type),
    )))
}

/// The golden thread drawn as an SVG picture, gaps marked.
#[utoipa::path(get, path = "/plans/{id}/golden-thread.svg", tag = "checks", params(("id" = Uuid, Path)),
    responses((status = 200, description = "An SVG image", content_type = "image/svg+xml", body = String), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn golden_thread_picture(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    use goldthread_domain::checks::{golden_thread, picture};
    let plan = state.store.plan(&actor, parse_id(&id)?).await?;
    let plan_type = state.plan_types.get(&plan.plan_type);
    let svg = picture::golden_thread_svg(
        &golden_thread::check(&plan, plan_type),
        &picture::PictureLabels::for_plan_type(plan_type),
    );
    Ok((
        [(axum::http::header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PlanQuery {
    person_id: Option<Uuid>,
    /// A plan type id, e.g. `MSP`.
    plan_type: Option<String>,
    status: Option<PlanStatus>,
    /// How many to return (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// How many to skip (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// Plans you may see, most recently changed first.
#[utoipa::path(get, path = "/plans", tag = "plans", params(PlanQuery),
    responses((status = 200, description = "OK", body = Page<PlanSummary>), (status = 401, description = "No valid API token", body = Problem)))]
async fn list_plans(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(query): ApiQuery<PlanQuery>,
) -> Result<axum::Json<Page<PlanSummary>>, ApiError> {
    let paging = Paging::checked(query.limit, query.offset)?;
    let filter = PlanFilter {
        person_id: query.person_id,
        plan_type: query.plan_type,
        status: query.status,
        limit: paging.limit(),
        offset: paging.offset(),
    };
    let (items, total) = state.store.list_plans(&actor, &filter).await?;
    Ok(axum::Json(Page {
        items,
        total,
        limit: filter.limit,
        offset: filter.offset,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct NewPlan {
    person_id: Uuid,
    /// A plan type id, e.g. `MSP`; see `/plan-types`.
    plan_type: String,
    /// Defaults to "<name>'s <plan type>".
    #[schema(max_length = 200)]
    title: Option<String>,
    /// `YYYY-MM-DD`
    #[schema(value_type = Option<String>, format = Date)]
    start_date: Option<String>,
    /// Weeks between formal reviews; null for the plan type's default.
    #[schema(minimum = 1, maximum = 104)]
    review_interval_weeks: Option<u32>,
}

/// Start a plan for a person. At most one plan of a type is active per person.
#[utoipa::path(post, path = "/plans", tag = "plans", request_body = NewPlan,
    responses((status = 201, description = "Created", body = Plan), (status = 404, body = Problem, description = "No such person, or not yours to see"), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn create_plan(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(body): ApiJson<NewPlan>,
) -> Result<impl IntoResponse, ApiError> {
    let person = state.store.person(&actor, body.person_id).await?;
    let plan_type = state
        .plan_types
        .get(body.plan_type.trim())
        .ok_or_else(|| FieldErrors::single("plan_type", format!("There is no plan type \"{}\"", body.plan_type)))?;
    let default_title = plan_type.default_title(person.details.preferred_name());
    let start_date = body.start_date.clone();
    let details = super::strict_dates(
        PlanDetailsInput {
            title: body.title,
            start_date: body.start_date,
            review_interval_weeks: body.review_interval_weeks,
        }
        .parse(&default_title),
        &[("start_date", start_date.as_deref())],
    )?;
    let plan = state.store.create_plan(&actor, person.id, plan_type, details).await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, format!("/api/v1/plans/{}", plan.id))],
        axum::Json(plan),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// Show the plan as it stood after this change (see `/plans/{id}/changes`).
    #[param(minimum = 1)]
    version: Option<i64>,
}

/// The plan as it stands, or as it stood at an earlier version.
#[utoipa::path(get, path = "/plans/{id}", tag = "plans", params(("id" = Uuid, Path), VersionQuery),
    responses((status = 200, description = "OK", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn get_plan(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<axum::Json<Plan>, ApiError> {
    let id = parse_id(&id)?;
    let plan = match query.version {
        Some(version) => state.store.plan_at(&actor, id, version).await?,
        None => state.store.plan(&actor, id).await?,
    };
    Ok(axum::Json(plan))
}

/// Resolves the conflicts a `409` listed: which side's value each of those
/// fields keeps. A field changed again since `seen_version` is a new
/// conflict (409 again).
#[derive(Deserialize, utoipa::ToSchema)]
struct Resolve {
    /// The `current_version` of the 409 that listed the conflicts.
    seen_version: i64,
    keep: Keep,
}

fn resolution(resolve: Option<&Resolve>) -> Option<Resolution> {
    resolve.map(|r| Resolution {
        seen_version: r.seen_version,
        keep: r.keep,
    })
}

/// Every change names the version it is based on and, once the plan has
/// been agreed, why it is made.
#[derive(Deserialize, utoipa::ToSchema)]
struct DetailsUpdate {
    /// The plan's `version` when you read it. What others saved since is
    /// merged field by field; a field both changed is a 409.
    #[schema(minimum = 0)]
    base_version: i64,
    #[schema(max_length = 2000)]
    reason: Option<String>,
    resolve: Option<Resolve>,
    #[schema(max_length = 200)]
    title: Option<String>,
    /// `YYYY-MM-DD`
    #[schema(value_type = Option<String>, format = Date)]
    start_date: Option<String>,
    /// Weeks between formal reviews; null for the plan type's default.
    #[schema(minimum = 1, maximum = 104)]
    review_interval_weeks: Option<u32>,
}

/// Change the plan's title, start date or review interval.
#[utoipa::path(put, path = "/plans/{id}", tag = "plans", params(("id" = Uuid, Path)), request_body = DetailsUpdate,
    responses((status = 200, description = "OK", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "A field you changed was also changed by someone else since base_version; nothing saved. `fields` lists each with its base, their and your value", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn update_plan(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DetailsUpdate>,
) -> Result<axum::Json<Plan>, ApiError> {
    let id = parse_id(&id)?;
    let plan = state.store.plan(&actor, id).await?;
    let start_date = body.start_date.clone();
    let details = super::strict_dates(
        PlanDetailsInput {
            title: body.title,
            start_date: body.start_date,
            review_interval_weeks: body.review_interval_weeks,
        }
        .parse(&plan.details.title),
        &[("start_date", start_date.as_deref())],
    )?;
    let change = Change::DetailsEdited { details };
    let plan = state
        .store
        .change_plan_resolving(
            &actor,
            id,
            body.base_version,
            body.reason.as_deref(),
            change,
            resolution(body.resolve.as_ref()),
            &state.plan_types,
        )
        .await?;
    Ok(axum::Json(plan))
}

/// The plan's whole history: every change, oldest first, with who, when and why.
#[utoipa::path(get, path = "/plans/{id}/changes", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<ChangeRecord>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_changes(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<ChangeRecord>>, ApiError> {
    Ok(axum::Json(state.store.plan_history(&actor, parse_id(&id)?).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct NewChange {
    /// The plan's `version` when you read it. What others saved since is
    /// merged field by field; a field both changed is a 409.
    #[schema(minimum = 0)]
    base_version: i64,
    #[schema(max_length = 2000)]
    reason: Option<String>,
    change: Change,
    resolve: Option<Resolve>,
}

/// Append any change to the plan's log (the general form of every edit).
#[utoipa::path(post, path = "/plans/{id}/changes", tag = "plans", params(("id" = Uuid, Path)), request_body = NewChange,
    responses((status = 201, description = "Created", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "A field you changed was also changed by someone else since base_version; nothing saved. `fields` lists each with its base, their and your value", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn append_change(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewChange>,
) -> Result<impl IntoResponse, ApiError> {
    if matches!(body.change, Change::Created { .. }) {
        return Err(FieldErrors::single("change", "Start a plan with POST /plans").into());
    }
    if matches!(body.change, Change::ContinuedFrom { .. } | Change::ContinuedAs { .. }) {
        return Err(FieldErrors::single("change", "Plans are linked only by POST /plans/{id}/transfer").into());
    }
    let id = parse_id(&id)?;
    let saved = state
        .store
        .change_plan_saved(
            &actor,
            id,
            body.base_version,
            body.reason.as_deref(),
            body.change,
            resolution(body.resolve.as_ref()),
            &state.plan_types,
        )
        .await?;
    // The plan as the save stored it: the same JSON `axum::Json` would
    // write, without writing the plan out a second time (issue 14).
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        saved.into_json(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PartyBody {
    #[schema(minimum = 0)]
    base_version: i64,
    #[schema(max_length = 2000)]
    reason: Option<String>,
    resolve: Option<Resolve>,
    #[serde(flatten)]
    party: PartyInput,
}

/// Add someone involved. With `user_id`, that user may then see the plan;
/// with `lead: true` they become the Lead Professional.
#[utoipa::path(post, path = "/plans/{id}/parties", tag = "plans", params(("id" = Uuid, Path)), request_body = PartyBody,
    responses((status = 201, description = "Created", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "A field you changed was also changed by someone else since base_version; nothing saved. `fields` lists each with its base, their and your value", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn add_party(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PartyBody>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let plan = save_party(&state, &actor, id, Uuid::new_v4(), body, true).await?;
    Ok((StatusCode::CREATED, axum::Json(plan)))
}

/// Change someone's details (and whether they are the Lead Professional).
#[utoipa::path(put, path = "/plans/{id}/parties/{party_id}", tag = "plans", params(("id" = Uuid, Path), ("party_id" = Uuid, Path)), request_body = PartyBody,
    responses((status = 200, description = "OK", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "A field you changed was also changed by someone else since base_version; nothing saved. `fields` lists each with its base, their and your value", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn update_party(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, party_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<PartyBody>,
) -> Result<axum::Json<Plan>, ApiError> {
    let id = parse_id(&id)?;
    let party_id = parse_id(&party_id)?;
    if state.store.plan(&actor, id).await?.party(party_id).is_none() {
        return Err(ApiError::not_found());
    }
    Ok(axum::Json(save_party(&state, &actor, id, party_id, body, false).await?))
}

async fn save_party(
    state: &AppState,
    actor: &goldthread_domain::user::Actor,
    plan_id: Uuid,
    party_id: Uuid,
    body: PartyBody,
    new: bool,
) -> Result<Plan, ApiError> {
    state.store.plan(actor, plan_id).await?;
    // The store checks that a `user_id` names an active user.
    let party = body.party.parse(party_id)?;
    Ok(state
        .store
        .save_party(
            actor,
            plan_id,
            body.base_version,
            body.reason.as_deref(),
            party,
            body.party.lead,
            new,
            resolution(body.resolve.as_ref()),
            &state.plan_types,
        )
        .await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RemoveQuery {
    #[param(minimum = 0)]
    base_version: i64,
    #[param(max_length = 2000)]
    reason: Option<String>,
}

/// Remove someone from the plan (their earlier involvement stays in the history).
#[utoipa::path(delete, path = "/plans/{id}/parties/{party_id}", tag = "plans", params(("id" = Uuid, Path), ("party_id" = Uuid, Path), RemoveQuery),
    responses((status = 200, description = "OK", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "A field you changed was also changed by someone else since base_version; nothing saved. `fields` lists each with its base, their and your value", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn remove_party(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, party_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<RemoveQuery>,
) -> Result<axum::Json<Plan>, ApiError> {
    let id = parse_id(&id)?;
    let party_id = parse_id(&party_id)?;
    let current = state.store.plan(&actor, id).await?;
    if current.party(party_id).is_none() {
        return Err(ApiError::not_found());
    }
    let change = Change::PartyRemoved { party_id };
    let plan = state
        .store
        .change_plan(
            &actor,
            id,
            query.base_version,
            query.reason.as_deref(),
            change,
            &state.plan_types,
        )
        .await?;
    Ok(axum::Json(plan))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct StatusBody {
    #[schema(minimum = 0)]
    base_version: i64,
    /// Why the status changes.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000)]
    reason: Option<String>,
    status: PlanStatus,
}

/// Move the plan through its lifecycle: agreed → under review → agreed …,
/// or superseded / closed. A draft becomes agreed only when every party
/// asked has agreed its current version (`POST /plans/{id}/agreements`);
/// asking for `agreed` here is refused (422, `status`).
#[utoipa::path(post, path = "/plans/{id}/status", tag = "plans", params(("id" = Uuid, Path)), request_body = StatusBody,
    responses((status = 200, description = "OK", body = Plan), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "A field you changed was also changed by someone else since base_version; nothing saved. `fields` lists each with its base, their and your value", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn change_status(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<axum::Json<Plan>, ApiError> {
    let id = parse_id(&id)?;
    let change = Change::StatusChanged { to: body.status };
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
