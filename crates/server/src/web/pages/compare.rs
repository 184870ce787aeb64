//! Two versions of a plan compared field by field (what was added,
//! changed with its old and new wording, removed or ended; by whom, when,
//! why and at which review), and the plan as it stood on a date (SPEC R5).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{PartyRole, Plan, format_date};
use serde::Deserialize;
use uuid::Uuid;

use super::dates::DateBoxes;
use super::plans::{PlanView, load_view};
use super::{Ctx, FormErrors, render, render_invalid};
use crate::web::AppState;
use crate::web::api::reviews::compared;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

/// One line of a comparison.
struct DiffLine {
    what: String,
    kind: &'static str,
    old: String,
    new: String,
    by: String,
    when: String,
    why: String,
    review: String,
}

#[derive(Template)]
#[template(path = "reviews/compare.html")]
struct ComparePage {
    ctx: Ctx,
    view: PlanView,
    versions: Vec<(i64, String)>,
    from: i64,
    to: i64,
    lines: Vec<DiffLine>,
    on: DateBoxes,
    errors: FormErrors,
    /// The plan as it stood on a date: its title, status and sections.
    as_of: Option<(String, String, Vec<String>)>,
}

#[derive(Deserialize, Default)]
pub(super) struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
    #[serde(rename = "on-day")]
    day: Option<String>,
    #[serde(rename = "on-month")]
    month: Option<String>,
    #[serde(rename = "on-year")]
    year: Option<String>,
}

/// A stored value in words: a party's role by its label, any other name
/// from a fixed list (`parent_carer`, `per_week`) with spaces.
fn text_of(path: &str, value: &serde_json::Value) -> String {
    let is_name = |s: &str| s.contains('_') && s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    match value {
        serde_json::Value::String(s) if path.ends_with("/role") => {
            PartyRole::parse(s).map_or_else(|| s.clone(), |r| r.label().to_owned())
        }
        serde_json::Value::String(s) if is_name(s) => s.replace('_', " "),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// "Outcome “Leo will…”: text" for a path like `content/outcomes/<id>/text`.
fn name_path(plan: &Plan, path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let item = parts.iter().filter_map(|p| Uuid::parse_str(p).ok()).find_map(|id| {
        goldthread_domain::content::ItemKind::ALL
            .iter()
            .find_map(|k| plan.content.item(*k, id))
            .map(|item| format!("{} {}", capital(item.kind().noun()), item.summary()))
    });
    let field = parts.last().copied().unwrap_or_default().replace('_', " ");
    match item {
        Some(item) if path.starts_with("ended/") => item,
        Some(item) => format!("{item}: {field}"),
        None => {
            let words: Vec<String> = parts
                .iter()
                .filter(|p| Uuid::parse_str(p).is_err())
                .map(|p| p.replace('_', " "))
                .collect();
            capital(&words.join(" – "))
        }
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub(super) async fn compare_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<CompareQuery>,
) -> Result<Response, PageError> {
    let view = load_view(&state, &user, &id).await?;
    let log = state.store.plan_history(&user.actor(), view.plan.id).await?;
    let last = log.len() as i64;
    let read = |v: &Option<String>, default: i64| v.as_deref().and_then(|s| s.trim().parse().ok()).unwrap_or(default);
    let (from, to) = (read(&query.from, (last - 1).max(1)), read(&query.to, last));
    let mut errors = FieldErrors::new();
    let diffs = compared(view.plan.id, &log, from, to).unwrap_or_else(|e| {
        errors = e;
        vec![]
    });
    // Names come from the later version (or the earlier, for removals).
    let later = Plan::replay(view.plan.id, log.iter().take_while(|r| r.seq <= from.max(to))).ok();
    let earlier = Plan::replay(view.plan.id, log.iter().take_while(|r| r.seq <= from.min(to))).ok();
    let lines = diffs
        .into_iter()
        .map(|d| {
            use goldthread_domain::compare::DiffKind;
            let named = later.as_ref().map(|p| name_path(p, &d.path)).unwrap_or_default();
            let what = if named.contains('“') {
                named
            } else {
                earlier.as_ref().map(|p| name_path(p, &d.path)).unwrap_or(named)
            };
            let (kind, old, new) = match &d.kind {
                DiffKind::Added { new } => ("Added", String::new(), text_of(&d.path, new)),
                DiffKind::Changed { old, new } => ("Changed", text_of(&d.path, old), text_of(&d.path, new)),
                DiffKind::Removed { old } => ("Removed", text_of(&d.path, old), String::new()),
                DiffKind::Ended { reason } => ("Ended", String::new(), reason.clone()),
            };
            DiffLine {
                what,
                kind,
                old,
                new,
                by: d.by,
                when: crate::local_time::date_time(d.at),
                why: d.why.unwrap_or_default(),
                review: d.review.map(|n| format!("R{n}")).unwrap_or_default(),
            }
        })
        .collect();
    let boxes = DateBoxes::typed(&query.day, &query.month, &query.year, &None);
    let mut as_of = None;
    match boxes.read("The date") {
        Ok(Some(iso)) => match crate::web::api::reviews::parse_date("on", &iso)
            .and_then(|d| crate::web::api::reviews::as_of(view.plan.id, &log, d).map(|p| (d, p)))
        {
            Ok((d, p)) => {
                let mut lines = vec![];
                for o in &p.content.outcomes {
                    lines.push(format!("Outcome: {}", o.text));
                }
                for pr in &p.content.provision {
                    let ended = p
                        .reviews
                        .ended_words(pr.id)
                        .map(|w| format!(" ({w})"))
                        .unwrap_or_default();
                    lines.push(format!("Provision: {}{ended}", pr.what));
                }
                for r in &p.content.risks {
                    lines.push(format!("Risk: {}", r.risk));
                }
                as_of = Some((
                    format!("{} on {}", p.details.title, format_date(d)),
                    format!("{} (version {})", p.status.label(), p.version),
                    lines,
                ));
            }
            Err(e) => errors.0.extend(e.0.into_iter().map(|mut e| {
                e.field = "on".into();
                e
            })),
        },
        Ok(None) => {}
        Err(message) => errors.add("on", message),
    }
    let versions = log
        .iter()
        .map(|r| {
            (
                r.seq,
                format!(
                    "Version {} – {} – {}",
                    r.seq,
                    crate::local_time::date_time(r.at),
                    r.author_name
                ),
            )
        })
        .collect();
    let page = ComparePage {
        ctx: Ctx::for_user(&user, "plans"),
        view,
        versions,
        from,
        to,
        lines,
        on: boxes,
        errors: FormErrors(errors),
        as_of,
    };
    if page.errors.is_empty() {
        render(&page)
    } else {
        render_invalid(&page)
    }
}
