//! `/api/v1/plans/{id}/agreements`: who has agreed which version, each
//! agreement checked against the history; agree, decline, or record a
//! paper copy; mark whose agreement is needed (issue 9, SPEC A1–A4).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use goldthread_domain::agreement::Agreement;
use goldthread_domain::plan::{Change, Plan, PlanStatus};
use goldthread_domain::verification::{PartyAgreement, Verification};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::problem::Problem;
use super::{ApiError, ApiJson, ApiUser, parse_id};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_agreements, record_agreement))
        .routes(routes!(set_required))
}

/// Where every party stands, and every response ever recorded, verified.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AgreementsReport {
    pub plan_id: Uuid,
    pub status: PlanStatus,
    /// The current content version: agree to this one.
    pub version: i64,
    /// The hash of the current version's canonical form: send it with an
    /// agreement.
    pub content_hash: String,
    /// The plan type's statement of commitment, when it has one: an
    /// on-screen agreement must carry it exactly.
    pub statement: Option<String>,
    /// Every required party has agreed the current version.
    pub all_required_agreed: bool,
    pub parties: Vec<PartyAgreement>,
    /// Every response in the history, oldest first, each recomputed from
    /// the history: `holds` when it is bound to exactly the version it
    /// names, `current` when that is the plan as it stands.
    pub agreements: Vec<Verification>,
    /// Every response holds.
    pub all_hold: bool,
}

/// The report for a plan, shared by the API, the pages and the CLI.
pub fn report(plan: &Plan, statement: Option<&str>, agreements: Vec<Verification>) -> AgreementsReport {
    AgreementsReport {
        plan_id: plan.id,
        status: plan.status,
        version: plan.agreements.content_version,
        content_hash: plan.content_hash(),
        statement: statement.map(str::to_owned),
        all_required_agreed: goldthread_domain::agreement::all_required_agreed(plan),
        parties: goldthread_domain::verification::parties(plan),
        all_hold: agreements.iter().all(|a| a.holds),
        agreements,
    }
}

/// Who has agreed which version of the plan. Each agreement in the history
/// is verified by recomputing the canonical hash of the version it names.
#[utoipa::path(get, path = "/plans/{id}/agreements", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = AgreementsReport), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_agreements(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<AgreementsReport>, ApiError> {
    let id = parse_id(&id)?;
    let plan = state.store.plan(&actor, id).await?;
    let checked = state.store.verify_agreements(&actor, id).await?;
    let plan_type = state.plan_types.get(&plan.plan_type);
    let statement = goldthread_domain::agreement::statement_of(plan_type);
    Ok(axum::Json(report(&plan, statement, checked)))
}

/// Record a party's response to the current version: agreed on screen
/// (typed full name and the statement of commitment), declined with a
/// reason, or a signed paper copy (upload the scan first with
/// `POST /plans/{id}/files`; `file_ref` is its id). A party with an account
/// may give their own response on screen; recording anyone else's needs
/// write access to the plan. An agreement to a version that is no longer
/// current is refused (422, `version`).
#[utoipa::path(post, path = "/plans/{id}/agreements", tag = "plans", params(("id" = Uuid, Path)), request_body = Agreement,
    responses((status = 201, description = "Recorded", body = Plan), (status = 403, description = "You may not record this party's response", body = Problem), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn record_agreement(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(agreement): ApiJson<Agreement>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let plan = state.store.plan(&actor, id).await?;
    let plan = state
        .store
        .change_plan(
            &actor,
            id,
            plan.version,
            None,
            Change::AgreementRecorded { agreement },
            &state.plan_types,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(plan)))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct RequiredBody {
    /// The plan's `version` when you read it.
    #[schema(minimum = 0)]
    base_version: i64,
    party_id: Uuid,
    /// Is this party's agreement needed for the plan to be agreed?
    required: bool,
}

/// Mark whether a party's agreement is needed. The plan becomes agreed
/// once every party marked has agreed its current version.
#[utoipa::path(put, path = "/plans/{id}/agreements/required", tag = "plans", params(("id" = Uuid, Path)), request_body = RequiredBody,
    responses((status = 200, description = "OK", body = Plan), (status = 403, description = "Read-only access", body = Problem), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 409, description = "A field you changed was also changed by someone else since base_version; nothing saved", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn set_required(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RequiredBody>,
) -> Result<axum::Json<Plan>, ApiError> {
    let id = parse_id(&id)?;
    let plan = state
        .store
        .change_plan(
            &actor,
            id,
            body.base_version,
            None,
            Change::AgreementRequiredSet {
                party_id: body.party_id,
                required: body.required,
            },
            &state.plan_types,
        )
        .await?;
    Ok(axum::Json(plan))
}
