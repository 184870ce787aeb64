//! `/admin/audit`: administrators search the audit log per person, user,
//! plan and day, a page at a time. To anyone else the page does not exist.
//! The search is itself audited (`audit.search`, by the audit layer).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

use super::{Ctx, FormErrors, render, render_invalid};
use crate::audit::Entry;
use crate::audit::search::Terms;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::Admin;

/// Entries on one page.
const PER_PAGE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/audit", get(audit_page))
}

/// One entry as shown.
struct Row {
    entry: Entry,
    when: String,
    who: String,
    outcome: &'static str,
}

#[derive(Template)]
#[template(path = "audit/index.html")]
struct AuditPage {
    ctx: Ctx,
    terms: Terms,
    errors: FormErrors,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    /// The terms as a query string, for the page links.
    query: String,
}

#[derive(serde::Deserialize)]
struct PageQuery {
    #[serde(flatten)]
    terms: Terms,
    page: Option<String>,
}

async fn audit_page(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let terms = query.terms;
    let mut view = AuditPage {
        ctx: Ctx::for_user(&user, "audit"),
        query: terms.query(),
        terms: terms.clone(),
        errors: FormErrors::default(),
        rows: Vec::new(),
        total: 0,
        page,
        pages: 1,
    };
    let filter = match terms.filter(PER_PAGE, (page - 1) * PER_PAGE) {
        Ok(filter) => filter,
        Err(errors) => {
            view.errors = FormErrors(errors);
            return render_invalid(&view);
        }
    };
    let (entries, total) = state.store.search_audit(&filter).await?;
    let names: HashMap<String, String> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id.to_string(), u.name))
        .collect();
    view.rows = entries
        .into_iter()
        .map(|entry| Row {
            when: crate::web::format::date_time(crate::store::from_millis(entry.at)),
            who: match &entry.user_id {
                Some(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
                None => "Nobody signed in".to_owned(),
            },
            outcome: match entry.outcome {
                crate::audit::Outcome::Allowed => "Allowed",
                crate::audit::Outcome::Refused => "Refused",
                crate::audit::Outcome::Missing => "Not found",
                crate::audit::Outcome::Failed => "Failed",
            },
            entry,
        })
        .collect();
    view.total = total;
    view.pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    render(&view)
}
