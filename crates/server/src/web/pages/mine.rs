//! The person's own view of a plan (issue 9): plain language, large text,
//! what each person will do and when, the next review; their views in their
//! own section; asking for a change (it reaches the Lead Professional); and
//! agreeing. For the person, a parent or carer, or anyone else the plan is
//! shared with.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::content::Authorship;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Party};
use goldthread_domain::verification::{PartyAgreement, StandingKind};
use serde::Deserialize;

use super::plans::{PlanView, load_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::store::agreements::own_views_section;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/mine", get(mine))
        .route("/plans/{id}/mine/views", get(views_page).post(save_views))
        .route("/plans/{id}/mine/ask", post(ask_for_change))
}

/// One thing someone will do.
struct Doing {
    who: String,
    what: String,
    when: String,
}

/// One of the person's own texts.
struct Said {
    label: String,
    text: String,
}

#[derive(Template)]
#[template(path = "mine/show.html")]
struct MinePage {
    ctx: Ctx,
    view: PlanView,
    first_name: String,
    presenting: String,
    me: Option<Party>,
    mine: Option<PartyAgreement>,
    outcomes: Vec<(String, String)>,
    /// Each outcome's progress (filled in by [`with_progress`]).
    progress: Vec<super::mine_progress::MineProgress>,
    /// "You" or the person's first name, in the progress pictures' key.
    person_rater: String,
    doing: Vec<Doing>,
    review_due: String,
    views_heading: Option<String>,
    views: Vec<Said>,
    banner: String,
    ask: String,
    errors: FormErrors,
}

impl MinePage {
    fn agreed(&self) -> bool {
        self.mine.as_ref().is_some_and(|m| m.standing == StandingKind::Agreed)
    }
}

#[derive(Deserialize, Default)]
struct MineQuery {
    saved: Option<String>,
    welcome: Option<String>,
}

fn page(state: &AppState, user: &CurrentUser, view: PlanView, banner: String) -> MinePage {
    let plan = &view.plan;
    let plan_type = state.plan_types.get(&plan.plan_type);
    let me = plan.parties.iter().find(|p| p.user_id == Some(user.user.id)).cloned();
    let mine = me.as_ref().and_then(|me| {
        goldthread_domain::verification::parties(plan)
            .into_iter()
            .find(|p| p.party_id == me.id)
    });
    let name = |id: Option<uuid::Uuid>| {
        id.and_then(|id| plan.party(id)).map_or_else(
            || "Someone".to_owned(),
            |p| {
                if me.as_ref().is_some_and(|m| m.id == p.id) {
                    "You".to_owned()
                } else {
                    p.name.clone()
                }
            },
        )
    };
    let date = |d: Option<time::Date>| d.map(goldthread_domain::plan::format_date);
    let doing = plan
        .content
        .provision
        .iter()
        .filter(|p| !plan.reviews.ended.contains_key(&p.id))
        .map(|p| {
            let mut when = Vec::new();
            if let Some(f) = p.frequency {
                when.push(f.describe().replace(" × per ", " times a "));
            }
            match (date(p.from), date(p.until)) {
                (Some(from), Some(until)) => when.push(format!("from {from} until {until}")),
                (Some(from), None) => when.push(format!("from {from}")),
                (None, Some(until)) => when.push(format!("until {until}")),
                (None, None) => {}
            }
            Doing {
                who: name(p.party_id),
                what: p.what.clone(),
                when: when.join(", "),
            }
        })
        .collect();
    let outcomes = plan
        .content
        .outcomes
        .iter()
        .filter(|o| !plan.reviews.ended.contains_key(&o.id))
        .map(|o| (o.text.clone(), date(o.by_when).unwrap_or_default()))
        .collect();
    let own = me.as_ref().and_then(|me| own_views_section(plan_type, me.role));
    let views = own
        .map(|(section, _)| {
            section
                .prompts
                .iter()
                .filter_map(|p| {
                    plan.content.texts.get(&p.key).map(|t| Said {
                        label: p.label.clone(),
                        text: t.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let review_due = plan_type
        .and_then(|t| plan.details.first_review_due(t.reviews.formal_interval_weeks))
        .map(goldthread_domain::plan::format_date)
        .unwrap_or_default();
    let mut ctx = Ctx::for_user(user, "plans");
    ctx.can_write &= view.writable;
    MinePage {
        ctx,
        first_name: view.person.details.preferred_name().to_owned(),
        presenting: view.person.details.presenting_information.clone().unwrap_or_default(),
        me,
        mine,
        outcomes,
        progress: Vec::new(),
        person_rater: String::new(),
        doing,
        review_due,
        views_heading: own.map(|(s, _)| s.heading.clone()),
        views,
        banner,
        ask: String::new(),
        errors: FormErrors::default(),
        view,
    }
}

async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<MineQuery>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let banner = match (query.welcome.as_deref(), query.saved.as_deref()) {
        (Some(_), _) => "Your access is set up. This is your plan.",
        (_, Some("views")) => "Your views have been added to the plan",
        (_, Some("asked")) => "Your request has been sent to the Lead Professional",
        _ => "",
    };
    let page = with_progress(&state, &user, page(&state, &user, view, banner.to_owned())).await?;
    render(&page)
}

/// Adds each outcome's progress picture and latest ratings.
async fn with_progress(state: &AppState, user: &CurrentUser, mut page: MinePage) -> Result<MinePage, PageError> {
    let log = state.store.monitoring_log(&user.actor(), page.view.plan.id).await?;
    let person = if page
        .me
        .as_ref()
        .is_some_and(|me| me.role == goldthread_domain::plan::PartyRole::Person)
    {
        "You".to_owned()
    } else {
        page.first_name.clone()
    };
    page.progress = super::mine_progress::progress(&page.view.plan, &log, &person);
    page.person_rater = person;
    Ok(page)
}

#[derive(Template)]
#[template(path = "mine/views.html")]
struct ViewsPage {
    ctx: Ctx,
    view: PlanView,
    heading: String,
    prompts: Vec<(String, String, String)>,
    errors: FormErrors,
}

/// The plan and the user's own section, or 403.
async fn own_section(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(PlanView, String, String, Vec<(String, String)>, Authorship), PageError> {
    let view = load_view(state, user, id).await?;
    let me = view
        .plan
        .parties
        .iter()
        .find(|p| p.user_id == Some(user.user.id))
        .ok_or(StoreError::Forbidden)?;
    let (section, written_by) =
        own_views_section(state.plan_types.get(&view.plan.plan_type), me.role).ok_or(StoreError::Forbidden)?;
    let prompts = section
        .prompts
        .iter()
        .map(|p| (p.key.clone(), p.label.clone()))
        .collect();
    Ok((
        view,
        section.key.clone(),
        section.heading.clone(),
        prompts,
        Authorship {
            written_by,
            helped_by: None,
        },
    ))
}

async fn views_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (view, _, heading, prompts, _) = own_section(&state, &user, &id).await?;
    let prompts = prompts
        .into_iter()
        .map(|(key, label)| {
            let text = view.plan.content.texts.get(&key).cloned().unwrap_or_default();
            (key, label, text)
        })
        .collect();
    render(&ViewsPage {
        ctx: Ctx::for_user(&user, "plans"),
        view,
        heading,
        prompts,
        errors: FormErrors::default(),
    })
}

async fn save_views(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (view, section, heading, prompts, authorship) = own_section(&state, &user, &id).await?;
    let get = |k: &str| {
        values
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let texts = prompts.iter().map(|(key, _)| (key.clone(), get(key))).collect();
    let change = Change::TextsSet {
        section,
        texts,
        authorship: Some(authorship),
    };
    let reason = format!("{} added their views", user.user.name);
    match state
        .store
        .change_plan(
            &user.actor(),
            view.plan.id,
            view.plan.version,
            Some(&reason),
            change,
            &state.plan_types,
        )
        .await
    {
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}/mine?saved=views", plan.id)).into_response()),
        Err(StoreError::Invalid(errors)) => render_invalid(&ViewsPage {
            ctx: Ctx::for_user(&user, "plans"),
            view,
            heading,
            prompts: prompts
                .into_iter()
                .map(|(key, label)| {
                    let text = get(&key);
                    (key, label, text)
                })
                .collect(),
            errors: FormErrors(errors),
        }),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct AskForm {
    ask: String,
}

async fn ask_for_change(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<AskForm>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let ask = form.ask.trim();
    let mut errors = FieldErrors::new();
    if ask.is_empty() {
        errors.add("ask", "Say what you would like to change");
    } else if ask.chars().count() > 2000 {
        errors.add("ask", "Must be 2000 characters or fewer");
    }
    if !errors.is_empty() {
        let mut page = with_progress(&state, &user, page(&state, &user, view, String::new())).await?;
        page.ask = form.ask;
        page.errors = FormErrors(errors);
        return render_invalid(&page);
    }
    let plan = &view.plan;
    let text = format!(
        "{} asked for a change to \"{}\": {ask}",
        user.user.name, plan.details.title
    );
    let link = format!("/plans/{}", plan.id);
    for to in state.store.plan_leads(plan).await? {
        state.store.notify(to, Some(plan.id), &text, Some(&link)).await?;
    }
    Ok(Redirect::to(&format!("/plans/{}/mine?saved=asked", plan.id)).into_response())
}
