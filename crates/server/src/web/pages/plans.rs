//! Plans: start one for a person, view it, its parties, its status and its
//! history (SPEC P2–P4, R5). The plan's full content is added section by
//! section on the same pattern: a form, a change, a redirect.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::person::Person;
use goldthread_domain::plan::{Change, Plan, PlanDetailsInput, PlanStatus};
use serde::Deserialize;
use uuid::Uuid;

use super::conflict::{Choice, ConflictView};
use super::dates::DateBoxes;
use super::people::parse_id;
use super::sections::{Body, SectionView, section_views};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::{PlanFilter, PlanSummary, StoreError};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans", get(index))
        .route("/people/{id}/plans/new", get(new_page).post(create))
        .route("/plans/{id}", get(show))
        .route("/plans/{id}/history", get(history))
        .route("/plans/{id}/versions/{version}", get(version))
        .route("/plans/{id}/as/{plan_type}", get(on_other_form))
        .route("/plans/{id}/as", get(choose_other_form))
        .route("/plans/{id}/golden-thread", get(golden_thread_page))
        .route("/plans/{id}/golden-thread.svg", get(golden_thread_svg))
        .route("/plans/{id}/details", get(details_page).post(save_details))
        .route("/plans/{id}/status", get(status_page).post(change_status))
}

#[derive(Template)]
#[template(path = "plans/index.html")]
struct IndexPage {
    ctx: Ctx,
    plans: Vec<PlanSummary>,
    total: i64,
    status: String,
}

#[derive(Deserialize)]
struct IndexQuery {
    status: Option<String>,
}

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<IndexQuery>,
) -> Result<Response, PageError> {
    let status = query.status.as_deref().and_then(PlanStatus::parse);
    let filter = PlanFilter {
        status,
        limit: 200,
        ..Default::default()
    };
    let (plans, total) = state.store.list_plans(&user.actor(), &filter).await?;
    render(&IndexPage {
        ctx: Ctx::for_user(&user, "plans"),
        plans,
        total,
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
    })
}

/// A plan type offered on the "start a plan" page.
struct TypeOption {
    id: String,
    name: String,
    description: String,
}

#[derive(Template)]
#[template(path = "plans/new.html")]
struct NewPage {
    ctx: Ctx,
    person: Person,
    types: Vec<TypeOption>,
    values: NewPlanForm,
    errors: FormErrors,
}

#[derive(Default, Deserialize)]
struct NewPlanForm {
    plan_type: Option<String>,
    title: Option<String>,
    /// The single ISO box, as older forms and scripts send it.
    start_date: Option<String>,
    #[serde(rename = "start_date-day")]
    start_date_day: Option<String>,
    #[serde(rename = "start_date-month")]
    start_date_month: Option<String>,
    #[serde(rename = "start_date-year")]
    start_date_year: Option<String>,
}

impl NewPlanForm {
    fn start_date_boxes(&self) -> DateBoxes {
        DateBoxes::typed(
            &self.start_date_day,
            &self.start_date_month,
            &self.start_date_year,
            &self.start_date,
        )
    }
}

fn type_options(state: &AppState) -> Vec<TypeOption> {
    state
        .plan_types
        .all()
        .map(|t| TypeOption {
            id: t.id.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
        })
        .collect()
}

pub fn v(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let person = state.store.person(&user.actor(), parse_id(&id)?).await?;
    if !user.user.role.can_write() {
        return Err(StoreError::Forbidden.into());
    }
    render(&NewPage {
        ctx: Ctx::for_user(&user, "people"),
        person,
        types: type_options(&state),
        values: NewPlanForm::default(),
        errors: FormErrors::default(),
    })
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(values): Form<NewPlanForm>,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let person = state.store.person(&actor, parse_id(&id)?).await?;
    let result = create_plan(&state, &actor, &person, &values).await;
    match result {
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}", plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => render_invalid(&NewPage {
            ctx: Ctx::for_user(&user, "people"),
            person,
            types: type_options(&state),
            values,
            errors: FormErrors(errors),
        }),
        Err(e) => Err(e.into()),
    }
}

async fn create_plan(
    state: &AppState,
    actor: &goldthread_domain::user::Actor,
    person: &Person,
    values: &NewPlanForm,
) -> Result<Plan, StoreError> {
    let plan_type = match values.plan_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => return Err(FieldErrors::single("plan_type", "Choose the kind of plan").into()),
        Some(id) => state
            .plan_types
            .get(id)
            .ok_or_else(|| FieldErrors::single("plan_type", format!("There is no plan type \"{id}\"")))?,
    };
    let default_title = plan_type.default_title(person.details.preferred_name());
    let start_date = values.start_date_boxes().read("Start date");
    let input = PlanDetailsInput {
        title: values.title.clone(),
        start_date: start_date.clone().unwrap_or_default(),
        review_interval_weeks: None,
    };
    let details = match (input.parse(&default_title), start_date) {
        (Ok(details), Ok(_)) => details,
        (Ok(_), Err(message)) => return Err(FieldErrors::single("start_date", message).into()),
        (Err(mut errors), Err(message)) => {
            errors.add("start_date", message);
            return Err(errors.into());
        }
        (Err(errors), Ok(_)) => return Err(errors.into()),
    };
    state.store.create_plan(actor, person.id, plan_type, details).await
}

/// A plan as its page shows it.
pub struct PlanView {
    pub plan: Plan,
    pub person: Person,
    pub type_name: String,
    pub start_date: String,
    pub lead_name: String,
    pub updated: String,
    /// May the user change this plan? (Not when they see it only through a team.)
    pub writable: bool,
}

pub async fn load_view(state: &AppState, user: &CurrentUser, id: &str) -> Result<PlanView, PageError> {
    let actor = user.actor();
    let plan = state.store.plan(&actor, parse_id(id)?).await?;
    view_of(state, user, plan).await
}

/// The plan for a page holding a form that changes it: refused (403) to
/// those who may only read it, so they are never shown a form they cannot
/// send.
pub async fn load_writable_view(state: &AppState, user: &CurrentUser, id: &str) -> Result<PlanView, PageError> {
    let view = load_view(state, user, id).await?;
    if view.writable {
        Ok(view)
    } else {
        Err(StoreError::Forbidden.into())
    }
}

async fn view_of(state: &AppState, user: &CurrentUser, plan: Plan) -> Result<PlanView, PageError> {
    let person = state.store.person(&user.actor(), plan.person_id).await?;
    let writable = state.store.may_change_plan(&user.actor(), plan.id).await?;
    Ok(PlanView {
        writable,
        type_name: state.plan_type_name(&plan.plan_type),
        start_date: crate::web::format::opt_date(plan.details.start_date),
        lead_name: plan.lead_party().map(|p| p.name.clone()).unwrap_or_default(),
        updated: crate::web::format::date_time(plan.updated_at),
        person,
        plan,
    })
}

#[derive(Template)]
#[template(path = "plans/show.html")]
struct ShowPage {
    ctx: Ctx,
    view: PlanView,
    /// Set when showing an earlier version.
    as_of: Option<(i64, String)>,
    sections: Vec<SectionView>,
    /// May the sections be changed from this page?
    can_edit: bool,
    /// Set when the plan is shown on another type's form.
    other_form: Option<OtherForm>,
    /// The forms it can be shown on.
    forms: Vec<(String, String)>,
    checks: ChecksView,
    summary: AtAGlance,
    /// The contents list: anchor and heading of each block of sections.
    contents: Vec<(String, String)>,
    /// The success banner after a save.
    saved: Option<SavedBanner>,
    /// The plans this one was transferred from or to.
    links: super::transfer::LinksView,
    /// Just transferred here: the banner is a success message.
    transferred: bool,
    /// Reviews, the safety plan's last check, the plans before and after.
    review_block: Option<super::reviews::ReviewBlock>,
    agreement: super::agreements::AgreementBlock,
}

/// The summary at the top of the plan page.
pub struct AtAGlance {
    /// "7 December 2026", or empty until the plan has a start date.
    pub review_due: String,
    /// Everyone involved. Agreements are not recorded yet; when they are,
    /// those who have not agreed are picked out of this list.
    pub parties: Vec<String>,
    /// How many gaps the golden-thread check found.
    pub thread_gaps: usize,
}

/// The golden-thread and realism checks, as the plan page shows them.
pub struct ChecksView {
    pub thread_summary: String,
    pub thread_gaps: Vec<String>,
    pub unbroken: bool,
    pub realism: Vec<String>,
    pub weekly_hours: String,
    pub weekly_cost: String,
    pub budget: Option<String>,
}

fn checks_view(plan: &Plan, plan_type: Option<&goldthread_domain::plan_type::PlanType>) -> ChecksView {
    use goldthread_domain::checks::{golden_thread, realism};
    let thread = golden_thread::check(plan, plan_type);
    let real = realism::check(plan);
    ChecksView {
        thread_summary: thread.summary.clone(),
        unbroken: thread.unbroken,
        thread_gaps: thread.gaps.iter().map(|g| g.message.clone()).collect(),
        realism: real.warnings.iter().map(|w| w.message.clone()).collect(),
        weekly_hours: realism::hours(real.weekly_hours),
        weekly_cost: goldthread_domain::money::format(real.weekly_cost_pence),
        budget: real.budget_summary.as_ref().map(|b| b.sentence()),
    }
}

impl ShowPage {
    fn group_kind(&self, body: &Body) -> &'static str {
        super::sections::group_kind(body)
    }

    /// The position (from 1) of a section's block in the accordion: its
    /// place in the contents list.
    fn accordion_index(&self, key: &str) -> usize {
        let anchor = format!("{key}-heading");
        self.contents
            .iter()
            .position(|(a, _)| *a == anchor)
            .map_or(0, |i| i + 1)
    }
}

struct OtherForm {
    id: String,
    name: String,
    gaps: Vec<goldthread_domain::plan_type::Gap>,
}

fn show_page(
    state: &AppState,
    user: &CurrentUser,
    view: PlanView,
    as_of: Option<(i64, String)>,
    form: Option<&str>,
) -> Result<ShowPage, PageError> {
    let own = state.plan_types.get(&view.plan.plan_type);
    let (layout, other_form) = match form {
        Some(id) => {
            let other = state.plan_types.get(id).ok_or(PageError::NotFound)?;
            // The same list a plan transferred onto that form opens on.
            let gaps = goldthread_domain::transfer::gaps(&view.plan, other);
            (
                Some(other),
                Some(OtherForm {
                    id: other.id.clone(),
                    name: other.name.clone(),
                    gaps,
                }),
            )
        }
        None => (own, None),
    };
    let sections = match layout {
        Some(plan_type) => section_views(&view.plan, plan_type, &view.person),
        None => vec![],
    };
    let can_edit = view.writable && as_of.is_none() && other_form.is_none() && view.plan.status.is_active();
    let forms = state
        .plan_types
        .all()
        .filter(|t| t.id != view.plan.plan_type)
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let checks = checks_view(&view.plan, own);
    let summary = AtAGlance {
        review_due: own
            .and_then(|t| view.plan.details.first_review_due(t.reviews.formal_interval_weeks))
            .map(|d| crate::web::format::opt_date(Some(d)))
            .unwrap_or_default(),
        parties: view.plan.parties.iter().map(|p| p.name.clone()).collect(),
        thread_gaps: checks.thread_gaps.len(),
    };
    let contents = sections
        .iter()
        .filter_map(|s| s.heading.as_ref().map(|h| (format!("{}-heading", s.key), h.clone())))
        .collect();
    let mut ctx = Ctx::for_user(user, "plans");
    // Read-only users are not shown forms they cannot send.
    ctx.can_write &= view.writable;
    let links = super::transfer::links_view(state, &view.plan);
    let agreement = super::agreements::AgreementBlock::of(&view.plan, user.user.id, view.writable);
    Ok(ShowPage {
        agreement,
        ctx,
        view,
        as_of,
        sections,
        can_edit,
        other_form,
        forms,
        checks,
        summary,
        contents,
        saved: None,
        links,
        transferred: false,
        review_block: None,
    })
}

/// What a save tells the plan page it returns to: what was done, and where.
#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
    at: Option<String>,
    transferred: Option<String>,
}

/// What was done by a save, for the success banner.
#[derive(Clone, Copy)]
pub enum Done {
    Added,
    Changed,
    Removed,
    Ended,
}

impl Done {
    fn as_str(self) -> &'static str {
        match self {
            Done::Added => "added",
            Done::Changed => "changed",
            Done::Removed => "removed",
            Done::Ended => "ended",
        }
    }
}

/// Where a save returns to: the plan page at the place that changed, with
/// a success banner there saying what was done ("Provision added").
/// `what` is an item kind's name, or "texts", "record" or "party".
pub fn saved_url(plan: Uuid, what: &str, done: Done, at: &str) -> String {
    format!("/plans/{plan}?saved={what}-{}&at={at}#{at}", done.as_str())
}

/// The success banner after a save: its message, and the place it shows
/// (a section's key, "parties" or "details").
pub struct SavedBanner {
    pub message: String,
    pub at: String,
}

/// Reads the banner from the query, allowing only what the saves send, so
/// that a link cannot put words of its own on the page.
fn saved_banner(query: &SavedQuery, sections: &[SectionView]) -> Option<SavedBanner> {
    let (what, done) = query.saved.as_deref()?.rsplit_once('-')?;
    let done = match done {
        "added" => "added",
        "changed" => "changed",
        "removed" => "removed",
        "ended" => "ended",
        _ => return None,
    };
    let at = query.at.as_deref()?;
    let section = sections.iter().find(|s| s.key == at);
    let subject = match (what, section) {
        ("party", _) if at == "parties" => "Person".to_owned(),
        ("details", _) if at == "summary" => "Plan details".to_owned(),
        ("status", _) if at == "summary" => "Status".to_owned(),
        ("texts" | "record", Some(section)) => {
            return Some(SavedBanner {
                message: format!("{} saved", section.name),
                at: at.to_owned(),
            });
        }
        (kind, Some(_)) => {
            let noun = goldthread_domain::content::ItemKind::parse(kind)?.noun();
            let mut chars = noun.chars();
            chars.next()?.to_uppercase().chain(chars).collect()
        }
        _ => return None,
    };
    Some(SavedBanner {
        message: format!("{subject} {done}"),
        at: at.to_owned(),
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    // What the page is built from, without reading the plan itself: a
    // page kept for exactly these inputs is sent as it is (the read still
    // checked and audited by plan_stamp).
    let actor = user.actor();
    let stamp = state.store.plan_stamp(&actor, parse_id(&id)?).await?;
    let links = state
        .store
        .plan_links_of(&actor, stamp.person_id, &stamp.plan_type, stamp.number, stamp.status)
        .await?;
    // Every input of the page (see web::page_cache); a banner after a save
    // is shown once, so such a page is never kept.
    let keep = query.saved.is_none() && query.transferred.is_none();
    let key = |plan_version: i64, person_version: i64, writable: bool| {
        format!(
            "plan {} v{} person v{} writable {} user {} {:?} {:?} session {} today {} links {:?}",
            stamp.id,
            plan_version,
            person_version,
            writable,
            user.user.id,
            user.user.name,
            user.user.role,
            user.csrf,
            crate::local_time::today(),
            links,
        )
    };
    if keep
        && let Some(page) = state
            .pages
            .get(&key(stamp.version, stamp.person_version, stamp.writable))
    {
        return Ok(axum::response::Html(page).into_response());
    }
    let view = load_view(&state, &user, &id).await?;
    // Kept under what it was built from (a save in between gives a newer
    // page under a newer key, never an older one under a newer key).
    let key = keep.then(|| key(view.plan.version, view.person.version, view.writable));
    let mut page = show_page(&state, &user, view, None, None)?;
    page.saved = saved_banner(&query, &page.sections);
    page.transferred = query.transferred.is_some() && page.links.from.is_some();
    page.review_block = Some(super::reviews::block_with(&state, &user, &page.view, links));
    let html = axum::body::Bytes::from(page.render()?);
    if let Some(key) = key {
        state.pages.put(key, html.clone());
    }
    Ok(axum::response::Html(html).into_response())
}

#[derive(Template)]
#[template(path = "plans/golden_thread.html")]
struct GoldenThreadPage {
    ctx: Ctx,
    view: PlanView,
    svg: String,
    checks: ChecksView,
}

/// The golden thread drawn (aspirations → needs → outcomes → provision),
/// with the gaps listed beside it.
async fn golden_thread_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let plan_type = state.plan_types.get(&view.plan.plan_type);
    let svg = draw(&view.plan, plan_type);
    let checks = checks_view(&view.plan, plan_type);
    render(&GoldenThreadPage {
        ctx: Ctx::for_user(&user, "plans"),
        view,
        svg,
        checks,
    })
}

fn draw(plan: &Plan, plan_type: Option<&goldthread_domain::plan_type::PlanType>) -> String {
    use goldthread_domain::checks::{golden_thread, picture};
    let thread = golden_thread::check(plan, plan_type);
    picture::golden_thread_svg(&thread, &picture::PictureLabels::for_plan_type(plan_type))
}

/// The same picture as a file, to download or embed.
async fn golden_thread_svg(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let svg = draw(&view.plan, state.plan_types.get(&view.plan.plan_type));
    Ok((
        [(axum::http::header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

#[derive(Deserialize)]
struct FormQuery {
    form: Option<String>,
}

/// The "show on another form" chooser works without JavaScript.
/// Signed out, it asks to sign in like every other page of a plan.
async fn choose_other_form(
    _user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<FormQuery>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let form = query
        .form
        .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or_default();
    Ok(Redirect::to(&format!("/plans/{id}/as/{form}")).into_response())
}

/// The plan shown on another type's form (PB: a person-led "blank sheet"
/// plan on the official form), with what that form needs and the plan
/// lacks listed as gaps.
async fn on_other_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, plan_type)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    render(&show_page(&state, &user, view, None, Some(&plan_type))?)
}

async fn version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let version: i64 = version.parse().map_err(|_| PageError::NotFound)?;
    let plan = state.store.plan_at(&user.actor(), parse_id(&id)?, version).await?;
    let at = crate::web::format::date_time(plan.updated_at);
    let view = view_of(&state, &user, plan).await?;
    render(&show_page(&state, &user, view, Some((version, at)), None)?)
}

#[derive(Template)]
#[template(path = "plans/history.html")]
struct HistoryPage {
    ctx: Ctx,
    view: PlanView,
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
    let view = load_view(&state, &user, &id).await?;
    let log = state.store.plan_history(&user.actor(), view.plan.id).await?;
    // Describe each change against the plan as it stood just before it, so
    // that a removed party is still named.
    let mut entries = Vec::with_capacity(log.len());
    let mut before: Option<Plan> = None;
    for record in &log {
        let summary = match &before {
            Some(plan) => record.change.describe(plan),
            None => record.change.describe(&view.plan),
        };
        entries.push(HistoryEntry {
            seq: record.seq,
            at: crate::web::format::date_time(record.at),
            author: record.author_name.clone(),
            reason: record.reason.clone(),
            summary,
        });
        match before.as_mut() {
            None => before = Plan::from_creation(view.plan.id, record).ok(),
            Some(plan) => {
                let _ = plan.apply(record);
            }
        }
    }
    entries.reverse();
    render(&HistoryPage {
        ctx: Ctx::for_user(&user, "plans"),
        view,
        entries,
    })
}

/// The version a form was based on, and why the change is made.
#[derive(Default, Deserialize)]
pub(super) struct ChangeMeta {
    pub(super) base_version: Option<String>,
    pub(super) reason: Option<String>,
    /// On the conflict page: which side to keep (`theirs`, `theirs_edit`, `yours`)…
    pub(super) resolve: Option<String>,
    /// …of the conflicts shown when the plan was at this version.
    pub(super) seen_version: Option<String>,
}

impl ChangeMeta {
    pub(super) fn base(&self) -> i64 {
        self.base_version
            .as_deref()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    }

    pub(super) fn resolution(&self) -> Option<crate::store::Resolution> {
        Choice::resolution(self.resolve.as_deref(), self.seen_version.as_deref())
    }

    /// "Keep theirs and edit": after saving, open the form again.
    pub(super) fn edit_again(&self) -> bool {
        Choice::parse(self.resolve.as_deref()) == Some(Choice::KeepTheirsAndEdit)
    }
}

#[derive(Template)]
#[template(path = "plans/details.html")]
struct DetailsPage {
    ctx: Ctx,
    view: PlanView,
    title: String,
    start_date: DateBoxes,
    review_interval_weeks: String,
    reason: String,
    base_version: i64,
    errors: FormErrors,
    conflict: ConflictView,
}

#[derive(Deserialize)]
struct DetailsForm {
    title: Option<String>,
    /// The single ISO box, as older forms and scripts send it.
    start_date: Option<String>,
    #[serde(rename = "start_date-day")]
    start_date_day: Option<String>,
    #[serde(rename = "start_date-month")]
    start_date_month: Option<String>,
    #[serde(rename = "start_date-year")]
    start_date_year: Option<String>,
    review_interval_weeks: Option<String>,
    #[serde(flatten)]
    meta: ChangeMeta,
}

async fn details_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let plan = &view.plan;
    render(&DetailsPage {
        ctx: Ctx::for_user(&user, "plans"),
        title: plan.details.title.clone(),
        start_date: DateBoxes::of(plan.details.start_date),
        review_interval_weeks: plan
            .details
            .review_interval_weeks
            .map(|w| w.to_string())
            .unwrap_or_default(),
        reason: String::new(),
        base_version: plan.version,
        errors: FormErrors::default(),
        conflict: ConflictView::default(),
        view,
    })
}

async fn save_details(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<DetailsForm>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let mut errors = FieldErrors::new();
    let weeks = match form
        .review_interval_weeks
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        None => None,
        Some(w) => match w.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add(
                    "review_interval_weeks",
                    "Enter the number of weeks as a whole number, like 13",
                );
                None
            }
        },
    };
    let start_date = DateBoxes::typed(
        &form.start_date_day,
        &form.start_date_month,
        &form.start_date_year,
        &form.start_date,
    );
    let input = PlanDetailsInput {
        title: form.title.clone(),
        start_date: match start_date.read("Start date") {
            Ok(date) => date,
            Err(message) => {
                errors.add("start_date", message);
                None
            }
        },
        review_interval_weeks: weeks,
    };
    let result = match input.parse(&view.plan.details.title) {
        Ok(details) if errors.is_empty() => {
            state
                .store
                .change_plan_resolving(
                    &user.actor(),
                    view.plan.id,
                    form.meta.base(),
                    form.meta.reason.as_deref(),
                    Change::DetailsEdited { details },
                    form.meta.resolution(),
                    &state.plan_types,
                )
                .await
        }
        Ok(_) => Err(StoreError::Invalid(errors)),
        Err(mut more) => {
            more.0.extend(errors.0);
            Err(StoreError::Invalid(more))
        }
    };
    match result {
        Ok(plan) if form.meta.edit_again() => Ok(Redirect::to(&format!("/plans/{}/details", plan.id)).into_response()),
        Ok(plan) => Ok(Redirect::to(&saved_url(plan.id, "details", Done::Changed, "summary")).into_response()),
        Err(e) => {
            let (errors, conflict, base) = refusal_view(e, form.meta.base())?;
            render_invalid(&DetailsPage {
                ctx: Ctx::for_user(&user, "plans"),
                title: v(&form.title).to_owned(),
                start_date,
                review_interval_weeks: v(&form.review_interval_weeks).to_owned(),
                reason: v(&form.meta.reason).to_owned(),
                base_version: base,
                errors: FormErrors(errors),
                conflict,
                view,
            })
        }
    }
}

/// Splits a refused save into what the form shows again: field errors, or
/// the conflict page (what others saved, the fields changed both ways, and
/// the choice of whose to keep). The form stays based on the version it
/// was opened at, so that untouched fields never revert anyone's change.
pub fn refusal_view(error: StoreError, base: i64) -> Result<(FieldErrors, ConflictView, i64), PageError> {
    match error {
        StoreError::Invalid(errors) => Ok((errors, ConflictView::default(), base)),
        StoreError::Conflict(conflict) => Ok((FieldErrors::new(), ConflictView::new(&conflict), conflict.base_version)),
        other => Err(other.into()),
    }
}

/// Splits a refused save into what the form shows again: field errors, or
/// the list of changes someone else made (and the version to base the next
/// save on). Anything else is an error page.
pub fn refusal(error: StoreError, base: i64) -> Result<(FieldErrors, Vec<String>, i64), PageError> {
    match error {
        StoreError::Invalid(errors) => Ok((errors, vec![], base)),
        StoreError::Conflict(conflict) => Ok((FieldErrors::new(), conflict.changes.clone(), conflict.current_version)),
        other => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "plans/status.html")]
struct StatusPage {
    ctx: Ctx,
    view: PlanView,
    options: Vec<(&'static str, &'static str)>,
    chosen: String,
    reason: String,
    base_version: i64,
    errors: FormErrors,
    conflict: Vec<String>,
}

#[derive(Deserialize)]
struct StatusForm {
    status: Option<String>,
    #[serde(flatten)]
    meta: ChangeMeta,
}

fn status_options(plan: &Plan) -> Vec<(&'static str, &'static str)> {
    plan.status.next().iter().map(|s| (s.as_str(), s.label())).collect()
}

async fn status_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    render(&StatusPage {
        ctx: Ctx::for_user(&user, "plans"),
        options: status_options(&view.plan),
        base_version: view.plan.version,
        view,
        chosen: String::new(),
        reason: String::new(),
        errors: FormErrors::default(),
        conflict: vec![],
    })
}

async fn change_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, PageError> {
    let view = load_writable_view(&state, &user, &id).await?;
    let result = match form.status.as_deref().and_then(PlanStatus::parse) {
        None => Err(StoreError::Invalid(FieldErrors::single(
            "status",
            "Choose the plan's new status",
        ))),
        Some(to) => {
            state
                .store
                .change_plan(
                    &user.actor(),
                    view.plan.id,
                    form.meta.base(),
                    form.meta.reason.as_deref(),
                    Change::StatusChanged { to },
                    &state.plan_types,
                )
                .await
        }
    };
    match result {
        Ok(plan) => Ok(Redirect::to(&saved_url(plan.id, "status", Done::Changed, "summary")).into_response()),
        Err(e) => {
            let (errors, conflict, base) = refusal(e, form.meta.base())?;
            render_invalid(&StatusPage {
                ctx: Ctx::for_user(&user, "plans"),
                options: status_options(&view.plan),
                view,
                chosen: v(&form.status).to_owned(),
                reason: v(&form.meta.reason).to_owned(),
                base_version: base,
                errors: FormErrors(errors),
                conflict,
            })
        }
    }
}
