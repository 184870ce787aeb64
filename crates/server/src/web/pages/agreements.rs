//! Agreement pages (issue 9, SPEC A1–A4): who has agreed which version of
//! a plan; agreeing or declining on screen with the plan type's statement
//! of commitment; a signed paper copy; whose agreement is needed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::agreement::{Agreement, Capacity, OnBehalfOf, Response as Said, statement_of};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Party, Plan};
use goldthread_domain::verification::{ChangeSince, PartyAgreement, StandingKind, Verification};
use serde::Deserialize;
use uuid::Uuid;

use super::dates::DateBoxes;
use super::people::parse_id;
use super::plans::{PlanView, load_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

/// The statement shown when a plan type has none of its own.
pub const DEFAULT_STATEMENT: &str = "I have read this plan and I agree to it and to my part in it.";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/agreements", get(index))
        .route("/plans/{id}/agreements/required", post(set_required))
        .route("/plans/{id}/agreements/{party_id}", get(agree_page).post(agree))
        .route(
            "/plans/{id}/agreements/{party_id}/paper",
            get(paper_page)
                .post(paper)
                .layer(axum::extract::DefaultBodyLimit::max(crate::web::MAX_UPLOAD_BYTES)),
        )
}

/// The "Agreement" block of the plan page.
pub struct AgreementBlock {
    pub parties: Vec<PartyAgreement>,
    pub version: i64,
    pub content_hash: String,
    pub all_required_agreed: bool,
    /// May the user record others' responses and mark who is needed?
    pub writable: bool,
    /// The party the user is, when they are one.
    pub own_party: Option<Uuid>,
    /// Funding approval, when the plan's type needs it (`approval.rs`).
    pub approval: Option<super::approval::ApprovalPart>,
}

impl AgreementBlock {
    pub fn of(plan: &Plan, user_id: Uuid, writable: bool) -> AgreementBlock {
        let standings = goldthread_domain::agreement::Standings::of(plan);
        AgreementBlock {
            parties: goldthread_domain::verification::parties_of(&standings),
            version: plan.agreements.content_version,
            content_hash: standings.content_hash().to_owned(),
            all_required_agreed: standings.all_required_agreed(),
            writable,
            own_party: plan.parties.iter().find(|p| p.user_id == Some(user_id)).map(|p| p.id),
            approval: super::approval::ApprovalPart::of(plan),
        }
    }

    pub fn required_count(&self) -> usize {
        self.parties.iter().filter(|p| p.required).count()
    }

    pub fn agreed_count(&self) -> usize {
        self.parties
            .iter()
            .filter(|p| p.required && p.standing == StandingKind::Agreed)
            .count()
    }

    pub fn tag_class(&self, kind: &StandingKind) -> &'static str {
        tag_class(kind)
    }

    pub fn tag_text(&self, kind: &StandingKind) -> &'static str {
        tag_text(kind)
    }

    /// Is this the user's own party?
    pub fn is_own(&self, party_id: &Uuid) -> bool {
        self.own_party.as_ref() == Some(party_id)
    }

    /// May the user respond for this party?
    pub fn may_respond(&self, party_id: &Uuid) -> bool {
        self.writable || self.is_own(party_id)
    }
}

/// A tag's colour class for a standing.
pub fn tag_class(kind: &StandingKind) -> &'static str {
    match kind {
        StandingKind::Agreed => "govuk-tag--green",
        StandingKind::AgreedEarlier => "govuk-tag--yellow",
        StandingKind::Declined => "govuk-tag--red",
        StandingKind::NotYetAgreed => "govuk-tag--grey",
    }
}

pub fn tag_text(kind: &StandingKind) -> &'static str {
    match kind {
        StandingKind::Agreed => "Agreed",
        StandingKind::AgreedEarlier => "Agreed an earlier version",
        StandingKind::Declined => "Declined",
        StandingKind::NotYetAgreed => "Not yet agreed",
    }
}

// ---------------------------------------------------------------------------
// The agreements page
// ---------------------------------------------------------------------------

/// A party who agreed an earlier version, and what changed since.
struct Earlier {
    name: String,
    version: i64,
    changes: Vec<ChangeLine>,
}

struct ChangeLine {
    what: String,
    by: String,
    at: String,
    why: String,
}

fn lines(changes: Vec<ChangeSince>) -> Vec<ChangeLine> {
    changes
        .into_iter()
        .map(|c| ChangeLine {
            what: c.what,
            by: c.by,
            at: crate::web::format::date_time(c.at),
            why: c.why.unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "agreements/index.html")]
struct IndexPage {
    ctx: Ctx,
    view: PlanView,
    block: AgreementBlock,
    checked: Vec<Verification>,
    earlier: Vec<Earlier>,
    saved: Option<String>,
    errors: FormErrors,
    /// Copies sent: who, which version, when, how.
    copies: Vec<(crate::store::Copy, String)>,
    /// Parties who have an account (not to be invited again).
    with_access: Vec<Uuid>,
}

impl IndexPage {
    fn has_access(&self, party_id: &Uuid) -> bool {
        self.with_access.contains(party_id)
    }

    fn date(&self, d: &time::Date) -> String {
        goldthread_domain::plan::format_date(*d)
    }
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn index_page(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    saved: Option<String>,
    errors: FieldErrors,
) -> Result<IndexPage, PageError> {
    let view = load_view(state, user, id).await?;
    let actor = user.actor();
    let checked = state.store.verify_agreements(&actor, view.plan.id).await?;
    let block = AgreementBlock::of(&view.plan, user.user.id, view.writable && view.plan.status.is_active());
    let mut earlier = Vec::new();
    for p in block
        .parties
        .iter()
        .filter(|p| p.standing == StandingKind::AgreedEarlier)
    {
        let version = p.version.unwrap_or(0);
        let changes = state.store.changes_since(&actor, view.plan.id, version).await?;
        earlier.push(Earlier {
            name: p.name.clone(),
            version,
            changes: lines(changes),
        });
    }
    let copies = state
        .store
        .copies(&actor, view.plan.id)
        .await?
        .into_iter()
        .map(|c| {
            let at = crate::web::format::date_time(c.sent_at);
            (c, at)
        })
        .collect();
    let with_access = view
        .plan
        .parties
        .iter()
        .filter(|p| p.user_id.is_some())
        .map(|p| p.id)
        .collect();
    let mut ctx = Ctx::for_user(user, "plans");
    ctx.can_write &= view.writable;
    Ok(IndexPage {
        copies,
        with_access,
        ctx,
        view,
        block,
        checked,
        earlier,
        saved: saved.filter(|s| !s.is_empty()),
        errors: FormErrors(errors),
    })
}

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let saved = query.saved.map(|s| match s.as_str() {
        "required" => "Whose agreement is needed has been saved".to_owned(),
        "agreed" => "The agreement has been recorded".to_owned(),
        "declined" => "The plan has been declined, with the reason".to_owned(),
        "paper" => "The signed paper copy has been recorded".to_owned(),
        "copy" => "The copy has been sent".to_owned(),
        "approved" => "The funding approval has been recorded".to_owned(),
        "refused" => "The refusal of the funding has been recorded, with the reason".to_owned(),
        _ => String::new(),
    });
    render(&index_page(&state, &user, &id, saved, FieldErrors::new()).await?)
}

#[derive(Deserialize)]
struct RequiredForm {
    base_version: i64,
    party_id: String,
    required: String,
}

async fn set_required(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<RequiredForm>,
) -> Result<Response, PageError> {
    let plan_id = parse_id(&id)?;
    let change = Change::AgreementRequiredSet {
        party_id: parse_id(&form.party_id)?,
        required: form.required == "yes",
    };
    match state
        .store
        .change_plan(
            &user.actor(),
            plan_id,
            form.base_version,
            None,
            change,
            &state.plan_types,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{plan_id}/agreements?saved=required")).into_response()),
        Err(StoreError::Invalid(errors)) => render_invalid(&index_page(&state, &user, &id, None, errors).await?),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------
// Agreeing or declining on screen, and paper copies
// ---------------------------------------------------------------------------

/// What the agreement forms send, by name.
#[derive(Default, Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_owned())
    }

    fn date(&self, name: &str) -> DateBoxes {
        DateBoxes::typed(
            &self.opt(&format!("{name}-day")),
            &self.opt(&format!("{name}-month")),
            &self.opt(&format!("{name}-year")),
            &None,
        )
    }
}

#[derive(Template)]
#[template(path = "agreements/agree.html")]
struct AgreePage {
    ctx: Ctx,
    view: PlanView,
    party: Party,
    /// The user is this party (not recording it for them).
    own: bool,
    statement: String,
    /// The version shown, to agree to.
    version: i64,
    content_hash: String,
    values: Fields,
    on: DateBoxes,
    errors: FormErrors,
    /// When the version they read is no longer current: what changed since.
    changed: Vec<ChangeLine>,
    capacities: Vec<(&'static str, &'static str)>,
    /// The paper form rather than the on-screen one.
    paper: bool,
    name_hint: String,
}

const CAPACITIES: [(&str, &str); 3] = [
    ("parent_for_child", "Parent or carer, for a young child"),
    ("attorney", "Lasting Power of Attorney for health and welfare"),
    ("deputy", "Deputy appointed by the Court of Protection"),
];

fn capacity(value: &str) -> Option<Capacity> {
    match value {
        "parent_for_child" => Some(Capacity::ParentForChild),
        "attorney" => Some(Capacity::Attorney),
        "deputy" => Some(Capacity::Deputy),
        _ => None,
    }
}

/// The plan, the party, and whether the user may respond for them.
async fn load_party(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    party_id: &str,
) -> Result<(PlanView, Party, bool), PageError> {
    let view = load_view(state, user, id).await?;
    let party_id = parse_id(party_id)?;
    let party = view.plan.party(party_id).cloned().ok_or(PageError::NotFound)?;
    let own = party.user_id == Some(user.user.id);
    if !(own || view.writable) || !view.plan.status.is_active() {
        return Err(StoreError::Forbidden.into());
    }
    Ok((view, party, own))
}

fn statement(state: &AppState, plan: &Plan) -> String {
    statement_of(state.plan_types.get(&plan.plan_type))
        .unwrap_or(DEFAULT_STATEMENT)
        .to_owned()
}

#[allow(clippy::too_many_arguments)]
fn agree_page_of(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    party: Party,
    own: bool,
    values: Fields,
    errors: FieldErrors,
    changed: Vec<ChangeLine>,
    paper: bool,
) -> AgreePage {
    let on = if values.0.is_empty() {
        DateBoxes::of(Some(crate::local_time::today()))
    } else {
        values.date("on")
    };
    let mut ctx = Ctx::for_user(user, "plans");
    ctx.can_write &= view.writable;
    let party_name = party.name.clone();
    AgreePage {
        ctx,
        statement: statement(state, &view.plan),
        version: view.plan.agreements.content_version,
        content_hash: view.plan.content_hash(),
        view,
        party,
        own,
        values,
        on,
        errors: FormErrors(errors),
        changed,
        capacities: CAPACITIES.to_vec(),
        paper,
        name_hint: format!("Type the name exactly as it is in the plan: {}", party_name),
    }
}

async fn agree_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, party_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (view, party, own) = load_party(&state, &user, &id, &party_id).await?;
    render(&agree_page_of(
        &state,
        &user,
        view,
        party,
        own,
        Fields::default(),
        FieldErrors::new(),
        vec![],
        false,
    ))
}

async fn paper_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, party_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (view, party, own) = load_party(&state, &user, &id, &party_id).await?;
    if !view.writable {
        return Err(StoreError::Forbidden.into());
    }
    render(&agree_page_of(
        &state,
        &user,
        view,
        party,
        own,
        Fields::default(),
        FieldErrors::new(),
        vec![],
        true,
    ))
}

/// Reads the on-behalf-of fields, when ticked.
fn on_behalf(values: &Fields, errors: &mut FieldErrors) -> Option<OnBehalfOf> {
    if values.get("on_behalf") != "yes" {
        return None;
    }
    let person_name = values.get("person_name").trim().to_owned();
    if person_name.is_empty() {
        errors.add("person_name", "Enter the name of the person this agreement is for");
    }
    let capacity = capacity(values.get("capacity"));
    if capacity.is_none() {
        errors.add("capacity", "Choose in what capacity you agree for them");
    }
    let view = values.get("persons_view").trim();
    Some(OnBehalfOf {
        person_name,
        capacity: capacity.unwrap_or(Capacity::ParentForChild),
        persons_view: (!view.is_empty()).then(|| view.to_owned()),
    })
}

/// The agreement the form describes, or the form's own errors.
fn read_agreement(
    state: &AppState,
    plan: &Plan,
    party: &Party,
    values: &Fields,
    file_ref: Option<String>,
) -> Result<Agreement, FieldErrors> {
    let mut errors = FieldErrors::new();
    let on = match values.date("on").read("The date") {
        Ok(Some(iso)) => time::Date::parse(&iso, &time::format_description::well_known::Iso8601::DATE).ok(),
        Ok(None) => {
            errors.add("on", "Enter the date");
            None
        }
        Err(message) => {
            errors.add("on", message);
            None
        }
    };
    if on.is_some_and(|d| d > crate::local_time::today()) {
        errors.add("on", "The date must be today or in the past");
    }
    let version = values.get("version").trim().parse::<i64>().unwrap_or(0);
    let paper = file_ref.is_some();
    let content_hash = if paper {
        // The printed version's hash: known here only for the current one
        // (an earlier version is refused as not current).
        if version == plan.agreements.content_version {
            plan.content_hash()
        } else {
            String::new()
        }
    } else {
        values.get("content_hash").trim().to_owned()
    };
    let response = match (file_ref, values.get("response")) {
        (Some(file_ref), _) => Said::Paper {
            signed_by: values.get("signed_by").trim().to_owned(),
            file_ref,
            on_behalf_of: on_behalf(values, &mut errors),
        },
        (None, "agreed") => Said::Agreed {
            typed_name: values.get("typed_name").trim().to_owned(),
            statement: statement(state, plan),
            on_behalf_of: on_behalf(values, &mut errors),
        },
        (None, "declined") => Said::Declined {
            reason: values.get("decline_reason").trim().to_owned(),
        },
        _ => {
            errors.add("response", "Choose whether you agree to this plan");
            return Err(errors);
        }
    };
    let agreement = Agreement {
        party_id: party.id,
        version,
        content_hash,
        on: on.unwrap_or_else(crate::local_time::today),
        response,
    };
    // The domain's rules, reported with the form's own.
    if let Err(more) = goldthread_domain::agreement::check(plan, &agreement, state.plan_types.get(&plan.plan_type)) {
        for e in more.0 {
            if errors.get(&e.field).is_none() {
                let field = match e.field.as_str() {
                    "reason" => "decline_reason".to_owned(),
                    "file_ref" => "file".to_owned(),
                    "on_behalf_of" => "person_name".to_owned(),
                    _ => e.field,
                };
                errors.add(&field, e.message);
            }
        }
    }
    errors.into_result(agreement)
}

/// Saves the agreement the form describes; on a refusal, the form again
/// with what was typed, and what changed when the version was not current.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    party: Party,
    own: bool,
    values: Fields,
    file_ref: Option<String>,
) -> Result<Response, PageError> {
    let paper = file_ref.is_some();
    let result = match read_agreement(state, &view.plan, &party, &values, file_ref) {
        Ok(agreement) => {
            let done = match agreement.response {
                Said::Agreed { .. } => "agreed",
                Said::Declined { .. } => "declined",
                Said::Paper { .. } => "paper",
            };
            state
                .store
                .change_plan(
                    &user.actor(),
                    view.plan.id,
                    view.plan.version,
                    None,
                    Change::AgreementRecorded { agreement },
                    &state.plan_types,
                )
                .await
                .map(|_| done)
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(done) => {
            let _ = own;
            Ok(Redirect::to(&format!("/plans/{}/agreements?saved={done}", view.plan.id)).into_response())
        }
        Err(StoreError::Invalid(errors)) => {
            let read = values.get("version").trim().parse::<i64>().unwrap_or(0);
            let changed = if errors.get("version").is_some() {
                lines(state.store.changes_since(&user.actor(), view.plan.id, read).await?)
            } else {
                vec![]
            };
            // The form comes back bound to the version now shown.
            let mut values = values;
            values.0.retain(|(k, _)| k != "version" && k != "content_hash");
            render_invalid(&agree_page_of(
                state, user, view, party, own, values, errors, changed, paper,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn agree(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, party_id)): Path<(String, String)>,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (view, party, own) = load_party(&state, &user, &id, &party_id).await?;
    save(&state, &user, view, party, own, Fields(values), None).await
}

async fn paper(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, party_id)): Path<(String, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (view, party, own) = load_party(&state, &user, &id, &party_id).await?;
    if !view.writable {
        return Err(StoreError::Forbidden.into());
    }
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        PageError::Status(e.status(), "The upload could not be read; try again.".into())
    };
    let mut values = Vec::new();
    let mut upload: Option<(String, String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let content_type = field.content_type().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(unreadable)?;
            upload = Some((file_name, content_type, bytes.to_vec()));
        } else {
            values.push((name, field.text().await.map_err(unreadable)?));
        }
    }
    let values = Fields(values);
    let file_ref = match upload {
        Some((name, content_type, bytes)) if !name.is_empty() => {
            // A refused answer must not leave an unused file behind: check
            // the rest first.
            if let Err(errors) = read_agreement(&state, &view.plan, &party, &values, Some("pending".into())) {
                return save_refused(&state, &user, view, party, own, values, errors).await;
            }
            match state
                .store
                .save_file(&user.actor(), view.plan.id, &name, &content_type, &bytes)
                .await
            {
                Ok(file) => file.id.to_string(),
                Err(StoreError::Invalid(errors)) => {
                    return save_refused(&state, &user, view, party, own, values, errors).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        _ => String::new(),
    };
    save(&state, &user, view, party, own, values, Some(file_ref)).await
}

async fn save_refused(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    party: Party,
    own: bool,
    mut values: Fields,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let read = values.get("version").trim().parse::<i64>().unwrap_or(0);
    let changed = if errors.get("version").is_some() {
        lines(state.store.changes_since(&user.actor(), view.plan.id, read).await?)
    } else {
        vec![]
    };
    values.0.retain(|(k, _)| k != "version" && k != "content_hash");
    render_invalid(&agree_page_of(
        state, user, view, party, own, values, errors, changed, true,
    ))
}
