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
    /// The action in words.
    what: String,
    /// What was asked, with the route's placeholders in words.
    detail: String,
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
            what: in_words(&entry.action),
            detail: placeholders_in_words(&entry.detail),
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

/// An action as people read it: "Read a plan" for `plan.read`.
fn in_words(action: &str) -> String {
    let known = match action {
        "plan.read" => "Read a plan",
        "plan.change" => "Changed a plan",
        "person.read" => "Read a person's record",
        "person.change" => "Changed a person's record",
        "file.download" => "Downloaded a file",
        "export" => "Exported",
        "subject_access.export" => "Exported everything held about a person (subject access)",
        "search" => "Searched or listed",
        "sign_in.ok" => "Signed in",
        "sign_in.password_ok" => "Password accepted, second step asked",
        "sign_in.failed" => "Failed to sign in",
        "sign_out" => "Signed out",
        "user.create" => "Added a user",
        "user.deactivate" => "Deactivated a user",
        "user.activate" => "Reactivated a user",
        "user.read" => "Read users",
        "user.change" => "Changed a user",
        "team.read" => "Read teams",
        "team.change" => "Changed a team or what it shares",
        "token.create" => "Created an API token",
        "token.revoke" => "Revoked an API token",
        "two_factor.read" => "Two-factor sign-in page",
        "two_factor.change" => "Changed two-factor sign-in",
        "audit.search" => "Searched the audit log",
        "account.read" => "Read their account",
        "account.change" => "Changed their account",
        "page.read" => "Opened a page",
        "change" => "Changed something",
        _ => "",
    };
    if known.is_empty() {
        action.replace(['_', '.'], " ")
    } else {
        known.to_owned()
    }
}

/// `{party_id}` in a route shown as `{party id}`; the rest as recorded.
fn placeholders_in_words(detail: &str) -> String {
    let mut out = String::with_capacity(detail.len());
    let mut inside = false;
    for c in detail.chars() {
        match c {
            '{' => inside = true,
            '}' => inside = false,
            '_' if inside => {
                out.push(' ');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}
