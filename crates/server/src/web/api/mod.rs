//! The JSON API under `/api/v1` (SPEC O3). Clients authenticate with a
//! personal access token (`Authorization: Bearer …`). The OpenAPI document
//! at `/api/v1/openapi.json` is generated from these handlers.

pub mod agreements;
pub mod approval;
mod audit;
mod contract;
mod documents;
mod fhir;
mod minutes;
mod monitoring;
mod people;
mod plan_types;
mod plans;
mod problem;
mod requests;
pub mod reviews;
mod teams;
mod transfer;
mod users;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::get;
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use serde::de::DeserializeOwned;
use time::Date;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use problem::ApiError;

use super::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Goldthread API",
        description = "Person-centred support planning. Everything the web pages can do. Authenticate with `Authorization: Bearer <token>`; create a token on your account page or with `goldthread token create`. Errors are RFC 9457 problem details.",
        license(name = "AGPL-3.0-or-later")
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "people", description = "People plans are for (SPEC P1)"),
        (name = "plans", description = "Plans, their parties, status and history (SPEC P2–P4, R5)"),
        (name = "plan-types", description = "The kinds of plan, defined as data"),
        (name = "users", description = "Users and the caller's own account"),
        (name = "teams", description = "Teams, and plans and people shared with them (read-only for members)"),
        (name = "checks", description = "Checks that help the writer"),
        (name = "monitoring", description = "Doing the plan: planning meetings, progress notes, attendance, ratings, requests that start a clock and the dashboard (SPEC M1–M4, R4)"),
        (name = "reviews", description = "Weekly and formal reviews, items ended, versions compared (SPEC R1–R5)"),
        (name = "audit", description = "Who read or wrote what, when and from where (SPEC S2; administrators only)")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("gt_…")
                    .build(),
            ),
        );
    }
}

/// The API's routes and its OpenAPI document, built together so that they
/// cannot drift apart.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(people::router())
        .merge(agreements::router())
        .merge(approval::router())
        .merge(plans::router())
        .merge(transfer::router())
        .merge(documents::router())
        .merge(plan_types::router())
        .merge(users::router())
        .merge(teams::router())
        .merge(monitoring::router())
        .merge(requests::router())
        .merge(minutes::router())
        .merge(reviews::router())
        .merge(audit::router())
        .merge(fhir::router())
        .split_for_parts();
    document_problems(&mut openapi);
    (router, openapi)
}

/// Says what every operation can answer besides its own responses, and
/// that problems come as `application/problem+json` (RFC 9457), so the
/// document matches what the server sends.
fn document_problems(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    const PROBLEM: &str = "application/problem+json";
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    PROBLEM,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    let is_problem = |content: &RefOr<utoipa::openapi::Content>| match content {
        RefOr::T(content) => {
            matches!(&content.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))
        }
        RefOr::Ref(_) => false,
    };
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response
                    && response.content.get("application/json").is_some_and(is_problem)
                    && let Some(content) = response.content.shift_remove("application/json")
                {
                    response.content.insert(PROBLEM.to_owned(), content);
                }
            }
            let json_body = matches!(&operation.request_body, Some(RefOr::T(body)) if body.content.contains_key("application/json"));
            let mut common = vec![
                ("400", "Malformed request"),
                ("401", "No valid API token"),
                ("422", "Invalid input; errors names each field"),
            ];
            if operation.request_body.is_some() {
                common.push(("413", "Body too large"));
            }
            if json_body {
                common.push(("415", "The body is not JSON"));
            }
            for (status, description) in common {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem(description));
            }
        }
    }
}

/// The OpenAPI document as generated from the handlers, before the rules
/// that depend on data (see [`document`]).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().1
}

/// The OpenAPI document as served: the generated one with every rule the
/// server enforces written in, so that the schema is the contract.
pub fn document(plan_types: &Registry, today: Date) -> serde_json::Value {
    let mut document = serde_json::to_value(openapi()).expect("the OpenAPI document serializes");
    contract::complete(&mut document, plan_types, today);
    document
}

pub fn router() -> Router<AppState> {
    let (router, _) = routes();
    router
        .route(
            "/openapi.json",
            // Built per request: the plan types are data, and "a date of
            // birth today or in the past" moves with the date.
            get(
                |axum::extract::State(state): axum::extract::State<AppState>| async move {
                    let document = document(&state.plan_types, crate::local_time::today());
                    let json = serde_json::to_string_pretty(&document).unwrap_or_default();
                    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
                },
            ),
        )
        .fallback(|| async { ApiError::not_found() })
}

/// The caller, identified by their bearer token.
pub struct ApiUser(pub Actor);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let hash = crate::auth::token_hash(token);
        match state.store.user_for_token(&hash).await? {
            Some(user) => {
                crate::audit::note_user(user.id);
                record_token_use(state, &hash).await;
                Ok(ApiUser(user.actor()))
            }
            None => Err(ApiError::unauthorized()),
        }
    }
}

/// Keeps a token's last-used time to the minute: this instance writes it
/// at most once a minute per token, not on every call.
async fn record_token_use(state: &AppState, hash: &str) {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(60);
    let due = {
        let mut seen = state.token_seen.lock().unwrap_or_else(|e| e.into_inner());
        let now = std::time::Instant::now();
        if seen.len() > 10_000 {
            seen.retain(|_, at| now.duration_since(*at) < EVERY);
        }
        match seen.get(hash) {
            Some(at) if now.duration_since(*at) < EVERY => false,
            _ => {
                seen.insert(hash.to_owned(), now);
                true
            }
        }
    };
    if due && let Err(e) = state.store.touch_api_token(hash, crate::store::now()).await {
        tracing::warn!(error = %e, "could not record an API token's use");
    }
}

/// A JSON body; a malformed one gets a 400 problem naming what is wrong,
/// an oversized one 413.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(mut value)) => {
                // JSON Schema counts 3.0 as an integer; so do we.
                contract::integral_numbers(&mut value);
                serde_json::from_value(value)
                    .map(ApiJson)
                    .map_err(|e| ApiError::bad_request(format!("The JSON does not match what is expected: {e}")))
            }
            Err(rejection) => Err(ApiError::from_json_rejection(rejection)),
        }
    }
}

/// Query strings that do not parse get a 400 problem.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// Ids in paths: a malformed one is simply not found.
pub fn parse_id(value: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(value).map_err(|_| ApiError::not_found())
}

/// A page of a collection.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// `limit` (1–200, default 50) and `offset` of a list.
pub struct Paging {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The most items a page holds.
pub const MAX_LIMIT: i64 = 200;

impl Paging {
    /// Refuses a limit or offset outside what the document says.
    pub fn checked(limit: Option<i64>, offset: Option<i64>) -> Result<Paging, ApiError> {
        let mut errors = goldthread_domain::error::FieldErrors::new();
        if limit.is_some_and(|l| !(1..=MAX_LIMIT).contains(&l)) {
            errors.add("limit", format!("limit must be between 1 and {MAX_LIMIT}"));
        }
        if offset.is_some_and(|o| o < 0) {
            errors.add("offset", "offset must be 0 or more");
        }
        errors.into_result(Paging { limit, offset }).map_err(ApiError::from)
    }

    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, MAX_LIMIT)
    }

    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}

/// A date in the API: `YYYY-MM-DD` exactly, or null. (A form's empty date
/// field means "none"; in the API that is null, and anything else that is
/// not a date is refused, as the document's `format: date` says.) Adds the
/// problem to what the domain found, once per field, in the form's order.
pub fn strict_dates<T>(
    parsed: Result<T, goldthread_domain::error::FieldErrors>,
    dates: &[(&str, Option<&str>)],
) -> Result<T, ApiError> {
    let mut errors = match &parsed {
        Ok(_) => goldthread_domain::error::FieldErrors::new(),
        Err(errors) => errors.clone(),
    };
    for (field, value) in dates {
        let Some(value) = value else { continue };
        let shape = value.len() == 10
            && value.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let real = shape && time::Date::parse(value, time::macros::format_description!("[year]-[month]-[day]")).is_ok();
        if !real && errors.get(field).is_none() {
            errors.add(
                field,
                "Enter a real date in the form YYYY-MM-DD, for example 2026-09-01, or null",
            );
        }
    }
    match parsed {
        Ok(value) if errors.is_empty() => Ok(value),
        _ => Err(errors.into()),
    }
}
