//! One audit entry per request, written by one layer around the whole
//! router: what the request touched comes from [`super::note`] (the
//! store's read functions note the plan or person, the sign-in extractors
//! the user), the action from the route, the outcome from the status.
//! The response waits until the entry is durable.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{NewEntry, Notes, Outcome, with_notes};
use crate::web::AppState;

/// Requests never audited: static files, the health check, the API's
/// description.
fn unaudited(path: &str) -> bool {
    path.starts_with("/assets/") || path == "/healthz" || path == "/api/v1/openapi.json" || path == "/favicon.ico"
}

pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if unaudited(&path) || matches!(method, Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let address = peer.map(|peer| {
        crate::web::session::client_address(peer, request.headers(), &state.config.security.trusted_proxies).to_string()
    });
    let search = request.uri().query().map(str::to_owned);
    let (response, notes) = with_notes(next.run(request)).await;
    let writes = !matches!(method, Method::GET);
    let status = response.status().as_u16();
    if !writes
        && notes.user_id.is_none()
        && notes.action.is_none()
        && notes.plan_id.is_none()
        && notes.person_id.is_none()
    {
        // Nobody signed in and nothing personal read (the sign-in page, a
        // page that sent the visitor to sign in).
        return response;
    }
    let route = route.unwrap_or_else(|| "(no route)".to_owned());
    let mut notes = notes;
    // A plan or person asked for but not shown (missing, or not the
    // caller's) is still the entry's subject: its id from the path.
    if notes.plan_id.is_none() && notes.person_id.is_none() {
        notes.plan_id = path_id(&route, &path, "plans");
        notes.person_id = path_id(&route, &path, "people");
    }
    let action = notes
        .action
        .clone()
        .unwrap_or_else(|| action_of(&method, &route, &notes));
    let mut detail = format!("{method} {route}");
    if let Some(q) = search.filter(|_| is_search(&action)) {
        detail.push('?');
        detail.extend(q.chars().take(500));
    }
    if let Some(extra) = &notes.detail {
        detail.push(' ');
        detail.push_str(extra);
    }
    let entry = NewEntry {
        user_id: notes.user_id,
        address,
        action: action.clone(),
        person_id: notes.person_id,
        plan_id: notes.plan_id,
        version: notes.version,
        outcome: Some(notes.outcome.unwrap_or_else(|| {
            if action.ends_with(".failed") {
                Outcome::Refused
            } else {
                Outcome::of_status(status)
            }
        })),
        reason: notes.reason.clone(),
        detail,
    };
    match state.audit.record(entry).await {
        Ok(_) => response,
        // A read that cannot be recorded is not shown; a write that is
        // already committed is answered, and the failure logged.
        Err(e) if !writes => {
            tracing::error!(error = %e, "refused a read that could not be audited");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The audit log cannot be written just now, so nothing is shown. Try again shortly.",
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "a write was done but could not be audited");
            response
        }
    }
}

/// The id in `path` where `route` says `/{collection}/{id}`.
fn path_id(route: &str, path: &str, collection: &str) -> Option<uuid::Uuid> {
    let route: Vec<&str> = route.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    if route.len() != path.len() {
        return None;
    }
    route
        .windows(2)
        .position(|w| w[0] == collection && w[1] == "{id}")
        .and_then(|i| uuid::Uuid::parse_str(path[i + 1]).ok())
}

fn is_search(action: &str) -> bool {
    matches!(action, "search" | "audit.search")
}

/// The action a request is, from its method and route: the security events
/// by name, then reads and changes of a plan or person.
pub fn action_of(method: &Method, route: &str, notes: &Notes) -> String {
    let read = *method == Method::GET;
    let route = route.strip_prefix("/api/v1").unwrap_or(route);
    let named = match (method.as_str(), route) {
        // A successful sign-in is noted where the session is established.
        ("POST", "/sign-in" | "/sign-in/two-factor") => Some("sign_in.failed"),
        ("POST", "/sign-out") => Some("sign_out"),
        ("GET", "/admin/audit" | "/audit") => Some("audit.search"),
        ("GET", "/people" | "/plans" | "/dashboard") => Some("search"),
        ("POST", "/users") => Some("user.create"),
        ("POST", "/users/{id}/deactivate") => Some("user.deactivate"),
        ("POST", "/users/{id}/activate") => Some("user.activate"),
        ("POST", "/account/tokens" | "/users/{id}/tokens") => Some("token.create"),
        ("POST", "/account/tokens/{id}/revoke" | "/users/{id}/tokens/{token}/revoke") | ("DELETE", "/tokens/{id}") => {
            Some("token.revoke")
        }
        _ => None,
    };
    if let Some(named) = named {
        return named.to_owned();
    }
    if route.contains("two-factor") {
        return if read { "two_factor.read" } else { "two_factor.change" }.to_owned();
    }
    if route.starts_with("/teams") || route.ends_with("/teams") || route.contains("/teams/") {
        return if read { "team.read" } else { "team.change" }.to_owned();
    }
    if route.starts_with("/users") {
        return if read { "user.read" } else { "user.change" }.to_owned();
    }
    if read && route.contains("/files/") {
        return "file.download".to_owned();
    }
    if read && (route.ends_with("/export") || route.ends_with(".pdf")) {
        return "export".to_owned();
    }
    if route.starts_with("/plans/") || notes.plan_id.is_some() {
        return if read { "plan.read" } else { "plan.change" }.to_owned();
    }
    if route.starts_with("/people/") || notes.person_id.is_some() {
        return if read { "person.read" } else { "person.change" }.to_owned();
    }
    if route.starts_with("/account") || route.starts_with("/me") || route.starts_with("/settings") {
        return if read { "account.read" } else { "account.change" }.to_owned();
    }
    if read { "page.read" } else { "change" }.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_is_read_from_the_path() {
        let id = "0b4c3f5e-8d1a-4f6b-9c2e-7a5d3e1f9b20";
        let path = format!("/api/v1/plans/{id}/changes");
        assert_eq!(
            path_id("/api/v1/plans/{id}/changes", &path, "plans").map(|u| u.to_string()),
            Some(id.to_owned())
        );
        assert_eq!(path_id("/api/v1/plans/{id}/changes", &path, "people"), None);
        assert_eq!(path_id("/plans/{id}", "/plans/not-an-id", "plans"), None);
    }

    #[test]
    fn actions_are_named_from_the_route() {
        let notes = Notes::default();
        let act = |m: Method, r: &str, _: u16| action_of(&m, r, &notes);
        assert_eq!(act(Method::POST, "/sign-in", 200), "sign_in.failed");
        assert_eq!(act(Method::GET, "/plans/{id}", 200), "plan.read");
        assert_eq!(act(Method::POST, "/api/v1/plans/{id}/changes", 200), "plan.change");
        assert_eq!(act(Method::GET, "/api/v1/people", 200), "search");
        assert_eq!(act(Method::GET, "/people/{id}", 200), "person.read");
        assert_eq!(act(Method::GET, "/plans/{id}/files/{file}", 200), "file.download");
        assert_eq!(act(Method::DELETE, "/api/v1/tokens/{id}", 204), "token.revoke");
        assert_eq!(act(Method::POST, "/teams/{id}/members", 303), "team.change");
        assert_eq!(act(Method::POST, "/account/two-factor", 303), "two_factor.change");
        assert_eq!(act(Method::GET, "/api/v1/audit", 200), "audit.search");
    }
}
