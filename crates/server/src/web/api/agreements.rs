//! `/api/v1/plans/{id}/agreements`: who has agreed which version, each
//! agreement checked against the history; agree, decline, or record a
//! paper copy; mark whose agreement is needed; invite a party by link
//! (issue 9, SPEC A1–A4).

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
        .routes(routes!(invite, list_invitations))
        .routes(routes!(withdraw_invitation))
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
    let standings = goldthread_domain::agreement::Standings::of(plan);
    AgreementsReport {
        plan_id: plan.id,
        status: plan.status,
        version: plan.agreements.content_version,
        content_hash: standings.content_hash().to_owned(),
        statement: statement.map(str::to_owned),
        all_required_agreed: standings.all_required_agreed(),
        parties: goldthread_domain::verification::parties_of(&standings),
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
    if agreement.on > crate::local_time::today() {
        return Err(
            goldthread_domain::error::FieldErrors::single("on", "The date must be today or in the past").into(),
        );
    }
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

/// An invitation to a plan, as listed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub id: Uuid,
    pub party_id: Uuid,
    pub email: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: time::OffsetDateTime,
    /// waiting, used, withdrawn or expired.
    pub state: String,
    /// The link, only in the answer that made the invitation (it is not
    /// stored: Goldthread keeps only its hash).
    pub link: Option<String>,
}

fn invitation_view(i: crate::store::Invitation, link: Option<String>) -> InvitationView {
    use crate::store::LinkProblem;
    let state = match i.state(crate::store::now()) {
        Ok(()) => "waiting",
        Err(LinkProblem::Used) => "used",
        Err(LinkProblem::Revoked) => "withdrawn",
        Err(_) => "expired",
    };
    InvitationView {
        id: i.id,
        party_id: i.party_id,
        email: i.email,
        created_at: i.created_at,
        expires_at: i.expires_at,
        state: state.to_owned(),
        link,
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct NewInvitation {
    /// The party invited.
    party_id: Uuid,
    /// Where the link is sent; they sign in with it.
    #[schema(max_length = 254, example = "claire.martin@example.org")]
    email: String,
    /// How many days the link works (default 14).
    #[schema(minimum = 1, maximum = 60)]
    days: Option<i64>,
}

/// Invite a party by link: it works once, to set up access to this plan
/// only, until it expires or is withdrawn. The link is e-mailed and given
/// back in this answer only.
#[utoipa::path(post, path = "/plans/{id}/invitations", tag = "plans", params(("id" = Uuid, Path)), request_body = NewInvitation,
    responses((status = 201, description = "Created", body = InvitationView), (status = 403, description = "Read-only access", body = Problem), (status = 404, description = "Not found, or not yours to see", body = Problem), (status = 422, description = "Invalid input; errors names each field", body = Problem)))]
async fn invite(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<NewInvitation>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_id(&id)?;
    let days = body.days.unwrap_or(crate::store::DEFAULT_INVITATION_DAYS);
    let plan = state.store.plan(&actor, id).await?;
    if plan.party(body.party_id).is_none() {
        return Err(
            goldthread_domain::error::FieldErrors::single("party_id", "There is no such party in this plan").into(),
        );
    }
    let (invitation, token) = state.store.invite(&actor, id, body.party_id, &body.email, days).await?;
    let link = format!(
        "{}/invitations/{token}",
        crate::web::pages::invitations::base_url(&state, &headers)
    );
    if let Some(party) = plan.party(body.party_id) {
        crate::mail::invitation(&state, &actor, &plan, party, &invitation.email, &link).await?;
    }
    Ok((StatusCode::CREATED, axum::Json(invitation_view(invitation, Some(link)))))
}

/// The invitations to a plan, newest first.
#[utoipa::path(get, path = "/plans/{id}/invitations", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, description = "OK", body = Vec<InvitationView>), (status = 404, description = "Not found, or not yours to see", body = Problem)))]
async fn list_invitations(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<InvitationView>>, ApiError> {
    let list = state.store.invitations(&actor, parse_id(&id)?).await?;
    Ok(axum::Json(list.into_iter().map(|i| invitation_view(i, None)).collect()))
}

/// Withdraw an invitation that has not been used.
#[utoipa::path(delete, path = "/plans/{id}/invitations/{invitation_id}", tag = "plans", params(("id" = Uuid, Path), ("invitation_id" = Uuid, Path)),
    responses((status = 204, description = "Withdrawn"), (status = 403, description = "Read-only access", body = Problem), (status = 404, description = "Not found, already used or withdrawn, or not yours to see", body = Problem)))]
async fn withdraw_invitation(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((id, invitation)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .revoke_invitation(&actor, parse_id(&id)?, parse_id(&invitation)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
