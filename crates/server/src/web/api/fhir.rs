//! FHIR R4 and CSV out, FHIR in (issue 13): `GET /plans/{id}/fhir`,
//! `POST /fhir/import`, `GET /plans/{id}/provision.csv` and
//! `GET /provision.csv`. The mapping is `goldthread_domain::fhir`; the
//! storage `store/fhir.rs` and `csv_export.rs`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use super::{ApiError, ApiUser, parse_id};
use crate::store::ImportedPlan;
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(plan_fhir))
        .routes(routes!(import_fhir))
        .routes(routes!(plan_csv))
        .routes(routes!(caseload_csv))
}

/// A FHIR R4 Bundle (`resourceType` `Bundle`), as exported by
/// `GET /plans/{id}/fhir`. Only what is needed to tell a Bundle is
/// described here; the rules of FHIR R4 (every reference to an entry of the
/// Bundle, one CarePlan whose subject is a Patient, codes from the systems
/// the export uses) are checked on import and refused with 422 naming the
/// place in the Bundle.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = FhirBundle)]
#[allow(dead_code)]
struct FhirBundle {
    #[serde(rename = "resourceType")]
    #[schema(rename = "resourceType", value_type = String, pattern = "^Bundle$")]
    resource_type: String,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    kind: BundleType,
    entry: Vec<BundleEntry>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct BundleEntry {
    #[serde(rename = "fullUrl")]
    #[schema(rename = "fullUrl")]
    full_url: Option<String>,
    /// A FHIR resource, with its `resourceType`.
    #[schema(value_type = Object)]
    resource: serde_json::Value,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum BundleType {
    Document,
    Message,
    Transaction,
    TransactionResponse,
    Batch,
    BatchResponse,
    History,
    Searchset,
    Collection,
}

/// The plan as a FHIR R4 Bundle (type `collection`): CarePlan, Patient,
/// CareTeam with Practitioners and RelatedPersons, a Condition per need, a
/// Goal per aspiration, outcome, step and target, provision as
/// `CarePlan.activity.detail`, Consent for sharing, and Provenance for each
/// agreement (who, when, the version's hash).
#[utoipa::path(get, path = "/plans/{id}/fhir", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, description = "A FHIR R4 Bundle", content_type = "application/fhir+json", body = FhirBundle),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn plan_fhir(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let bundle = state.store.plan_fhir(&actor, parse_id(&id)?, &state.plan_types).await?;
    Ok((
        [(header::CONTENT_TYPE, goldthread_domain::fhir::MEDIA_TYPE)],
        serde_json::to_string_pretty(&bundle).unwrap_or_default(),
    ))
}

/// Import a FHIR R4 Bundle (as `GET /plans/{id}/fhir` gives) as a new
/// draft plan, for the person the Patient is (the one you can see with the
/// same names and date of birth) or a new person. All or nothing, through
/// the same rules as every other change. Send it as `application/json` or
/// `application/fhir+json`, at most 1 MB and 32 levels deep. Agreements and
/// review ratings belong to the original plan and are not imported.
#[utoipa::path(post, path = "/fhir/import", tag = "plans", request_body(content = FhirBundle, content_type = "application/json"),
    responses((status = 201, description = "Created: the new draft plan", body = ImportedPlan),
        (status = 403, description = "Your role does not allow this", body = Problem),
        (status = 409, description = "What is stored refuses it (the person already has an active plan of the type, or several people match); `errors` says why", body = Problem),
        (status = 422, description = "Not a FHIR R4 Bundle Goldthread can read, or the plan it holds breaks a rule; `errors` names each place in the Bundle", body = Problem)))]
async fn import_fhir(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v == "application/fhir+json");
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "Send the Bundle with `Content-Type: application/fhir+json` or `application/json`.",
        ));
    }
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Payload too large",
                format!("The body must be at most {} bytes.", crate::web::MAX_BODY_BYTES),
            )
        } else {
            ApiError::bad_request(rejection.body_text())
        }
    })?;
    if !actor.can_write() {
        return Err(ApiError::forbidden());
    }
    let imported = goldthread_domain::fhir::read_bundle(&body, crate::local_time::today())?;
    let done = state.store.import_plan(&actor, &imported, &state.plan_types).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/plans/{}", done.plan.id))],
        axum::Json(done),
    ))
}

/// The plan's provision and the action points agreed at its meetings, as
/// CSV (one line each; money as `£1,365.50`; a cell starting with `=`, `+`,
/// `-` or `@` is written with a `'` in front so that no spreadsheet runs it).
#[utoipa::path(get, path = "/plans/{id}/provision.csv", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, description = "CSV with a header line", content_type = "text/csv", body = String),
        (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn plan_csv(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let csv = state.store.plan_csv(&actor, parse_id(&id)?).await?;
    Ok(([(header::CONTENT_TYPE, crate::csv_export::MEDIA_TYPE)], csv))
}

/// The provision and action points of every active plan you can see (your
/// caseload), as CSV in the same columns as one plan's.
#[utoipa::path(get, path = "/provision.csv", tag = "plans",
    responses((status = 200, description = "CSV with a header line", content_type = "text/csv", body = String)))]
async fn caseload_csv(State(state): State<AppState>, ApiUser(actor): ApiUser) -> Result<impl IntoResponse, ApiError> {
    let csv = state.store.caseload_csv(&actor).await?;
    Ok(([(header::CONTENT_TYPE, crate::csv_export::MEDIA_TYPE)], csv))
}
