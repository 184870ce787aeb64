//! The access matrix (issue 12; OWASP ASVS 5.0 V8.2.1, V8.2.2, V8.3.1):
//! every route of the UI (read from the routers' source, so a new route
//! cannot be forgotten) and of the API (from the OpenAPI document), for
//! each role, against an own and a foreign plan, person and file.
//!
//! What must hold for every case:
//! - nothing answers 5xx;
//! - signed out, every route that is not public asks to sign in (the API
//!   401, a page a redirect to the sign-in page);
//! - a plan, person or file the user may not see answers exactly like one
//!   that does not exist (the same status and the same body, once the ids
//!   are taken out), and no response names it;
//! - those who may read a plan can open its pages, and those who may only
//!   read never change anything.
//!
//! The test prints how many cases it ran.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both;
use crate::helpers::{Backend, Browser, TestApp, csrf_of, spawn_app};

/// One route: its method and its path template (`/plans/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Route {
    api: bool,
    method: String,
    template: String,
}

/// Routes anyone may reach signed out.
const PUBLIC: &[&str] = &[
    "/healthz",
    "/sign-in",
    "/sign-in/oidc",
    "/sign-in/oidc/callback",
    "/sign-in/two-factor",
    "/invitations/{token}",
    "/openapi.json",
    // The QR code of a two-factor set-up in progress, which may be part of
    // signing in (an administrator's policy): without one it is not found.
    "/two-factor/qr.svg",
];

/// Routes about the signed-in user's own account (not plan data): any
/// signed-in user may use them, whatever they may see.
fn own_account(template: &str) -> bool {
    [
        "/account",
        "/settings/two-factor",
        "/two-factor",
        "/me",
        "/tokens",
        "/sign-out",
    ]
    .iter()
    .any(|prefix| template.starts_with(prefix))
        || template == "/"
        || template == "/notifications"
}

/// What a party of a plan who may only read it (a parent) may still do:
/// agree or decline for themselves, and the person's own view.
fn parent_may_write(template: &str) -> bool {
    template.starts_with("/plans/{id}/agreements") || template.starts_with("/plans/{id}/mine")
}

/// Routes only administrators may use: user and team administration,
/// the outbox.
fn admin_only(route: &Route) -> bool {
    let t = route.template.as_str();
    t.starts_with("/users") || t.starts_with("/admin") || (t.starts_with("/teams") && route.method != "GET")
}

/// Every `.route("PATH", get(..).post(..))` in the page routers.
fn page_routes() -> Vec<Route> {
    let mut routes = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("api") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let mut rest = source.as_str();
            while let Some(at) = rest.find(".route(") {
                rest = &rest[at + ".route(".len()..];
                let Some(call) = balanced(rest) else { break };
                let Some(template) = call.trim_start().strip_prefix('"').and_then(|s| s.split('"').next()) else {
                    continue;
                };
                for method in ["get", "post", "put", "delete"] {
                    let called = call.contains(&format!("{method}(")) || call.contains(&format!(".{method}("));
                    if called && template.starts_with('/') {
                        routes.insert(Route {
                            api: false,
                            method: method.to_uppercase(),
                            template: template.to_owned(),
                        });
                    }
                }
            }
        }
    }
    routes.into_iter().collect()
}

/// The text up to the parenthesis that closes the one just opened.
fn balanced(text: &str) -> Option<&str> {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Every operation of the served OpenAPI document.
async fn api_routes(app: &TestApp) -> Vec<Route> {
    let document: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut routes = Vec::new();
    for (template, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                routes.push(Route {
                    api: true,
                    method: method.to_uppercase(),
                    template: template.clone(),
                });
            }
        }
    }
    routes.push(Route {
        api: true,
        method: "GET".into(),
        template: "/openapi.json".into(),
    });
    routes
}

/// The ids one case puts into a path.
#[derive(Clone)]
struct Target {
    plan: String,
    person: String,
    file: String,
    party: String,
}

impl Target {
    fn missing() -> Target {
        Target {
            plan: Uuid::new_v4().to_string(),
            person: Uuid::new_v4().to_string(),
            file: Uuid::new_v4().to_string(),
            party: Uuid::new_v4().to_string(),
        }
    }
}

/// The ids that are neither the plan, person, file nor party: the same in
/// every case of a route so that only the target differs.
struct Fixed {
    team: String,
    user: String,
    other: String,
}

/// Fills a path template with a target's ids.
fn fill(template: &str, target: &Target, fixed: &Fixed) -> String {
    let mut out = String::new();
    let mut previous = "";
    for segment in template.split('/').skip(1) {
        out.push('/');
        let value = if segment.starts_with('{') && segment.ends_with('}') {
            match (&segment[1..segment.len() - 1], previous) {
                ("id", "plans") => target.plan.clone(),
                ("id", "people") => target.person.clone(),
                ("id", "teams") => fixed.team.clone(),
                ("id", "users") => fixed.user.clone(),
                ("file" | "file_id", _) => target.file.clone(),
                ("party_id", _) => target.party.clone(),
                ("team" | "team_id", _) => fixed.team.clone(),
                ("user" | "user_id", _) => fixed.user.clone(),
                ("plan_type", _) => "PB".into(),
                ("kind", _) => "provision".into(),
                ("section", _) => "profile".into(),
                ("version", _) => "1".into(),
                _ => fixed.other.clone(),
            }
        } else {
            segment.to_owned()
        };
        out.push_str(&value);
        previous = segment;
    }
    out
}

/// Whether a route names a plan, person or file, so that "foreign" and
/// "missing" can be told apart by it.
fn names_a_record(template: &str) -> bool {
    template.starts_with("/plans/{id}") || template.starts_with("/people/{id}")
}

/// Who asks, and how.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Administrator,
    /// A practitioner with access (the plan's author).
    Practitioner,
    /// A practitioner without access to the plan.
    Stranger,
    /// A read-only user of the team the plan is shared with.
    ReadOnly,
    /// A practitioner who manages that team (team access is read-only).
    TeamManager,
    /// A parent, a party of the plan with their own account.
    Parent,
    SignedOut,
}

struct Caller {
    role: Role,
    token: Option<String>,
    browser: Browser,
    csrf: String,
    /// What this caller may see, and a plan they may not (if any).
    own: Target,
    foreign: Option<Target>,
}

struct Outcome {
    status: u16,
    location: String,
    body: String,
}

async fn call(app: &TestApp, caller: &Caller, route: &Route, path: &str) -> Outcome {
    let method = Method::from_bytes(route.method.as_bytes()).unwrap();
    let response = if route.api {
        let mut request = caller
            .browser
            .client
            .request(method.clone(), app.url(&format!("/api/v1{path}")));
        if let Some(token) = &caller.token {
            request = request.bearer_auth(token);
        }
        if method != Method::GET && method != Method::DELETE {
            request = request.json(&json!({}));
        }
        request.send().await.unwrap()
    } else if method == Method::GET {
        caller.browser.client.get(app.url(path)).send().await.unwrap()
    } else {
        caller.browser.post_raw(path, &caller.csrf, &[]).await
    };
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap_or_default();
    Outcome { status, location, body }
}

/// A body with the ids of the case and per-request tokens taken out.
fn normalised(body: &str, target: &Target) -> String {
    let mut body = body.to_owned();
    for id in [&target.plan, &target.person, &target.file, &target.party] {
        body = body.replace(id.as_str(), "ID");
    }
    if let Some(token) = csrf_of(&body) {
        body = body.replace(&token, "CSRF");
    }
    body
}

async fn upload(app: &TestApp, token: &str, plan: &str) -> String {
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/plans/{plan}/files?name=letter.pdf")))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4 a letter about the plan".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let file: Value = response.json().await.unwrap();
    file["id"].as_str().unwrap().to_owned()
}

/// A plan for a person with a party who is a parent with an account.
async fn plan_with_parent(
    api: &crate::helpers::Api,
    given: &str,
    family: &str,
    parent: Option<Uuid>,
) -> (Value, String) {
    let person = api.person(given, family).await;
    let (status, plan) = api
        .post("/plans", json!({"person_id": person, "plan_type": "MSP"}))
        .await;
    assert_eq!(status, 201, "{plan}");
    let id = plan["id"].as_str().unwrap().to_owned();
    let mut party =
        json!({"base_version": plan["version"], "name": format!("{given}'s mother"), "role": "parent_carer"});
    if let Some(user) = parent {
        party["user_id"] = json!(user);
    }
    let (status, plan) = api.post(&format!("/plans/{id}/parties"), party).await;
    assert_eq!(status, 201, "{plan}");
    let party_id = plan["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == "parent_carer")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (plan, party_id)
}

async fn caller(app: &TestApp, role: Role, email: &'static str, own: Target, foreign: Option<Target>) -> Caller {
    let (token, browser) = if role == Role::SignedOut {
        (None, Browser::new(&app.address))
    } else {
        let user = app.store.user_by_email(email).await.unwrap().unwrap();
        let token = goldthread::auth::new_api_token();
        app.store
            .create_api_token(user.id, "matrix", &goldthread::auth::token_hash(&token))
            .await
            .unwrap();
        (Some(token), app.signed_in(email).await)
    };
    let page = if role == Role::SignedOut {
        "/sign-in"
    } else {
        "/account"
    };
    let (_, html) = browser.get(page).await;
    let csrf = csrf_of(&html).unwrap_or_default();
    Caller {
        role,
        token,
        browser,
        csrf,
        own,
        foreign,
    }
}

async fn access_matrix(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, _) = app.api_user("admin@example.org", "admin").await;
    let (_, olive_api) = app.api_user("olive@example.org", "practitioner").await;
    let (_, sam_api) = app.api_user("sam@example.org", "practitioner").await;
    let (reader, _) = app.api_user("rita@example.org", "viewer").await;
    let (manager, _) = app.api_user("grace@example.org", "practitioner").await;
    let (parent, _) = app.api_user("maya@example.org", "viewer").await;
    // The user that user-administration routes act on (an administrator
    // deactivating the others would end the test).
    let spare = app.user("spare@example.org", "Spare", "practitioner").await;

    // Olive's plan for Zanzibar Quill is shared with a team and has Maya,
    // a parent with an account, as a party; her plan for Xerxes Umber is
    // shared with nobody. Sam has a plan of his own for Yannick Vole.
    let (shared, shared_party) = plan_with_parent(&olive_api, "Zanzibar", "Quill", Some(parent.id)).await;
    let (private, private_party) = plan_with_parent(&olive_api, "Xerxes", "Umber", None).await;
    let (sams, sams_party) = plan_with_parent(&sam_api, "Yannick", "Vole", None).await;
    let team = app.store.create_team("Early help").await.unwrap();
    for member in [reader.id, manager.id] {
        app.store.add_team_member(team.id, member).await.unwrap();
    }
    let shared_id: Uuid = shared["id"].as_str().unwrap().parse().unwrap();
    app.store
        .grant_plan_to_team(&admin.actor(), shared_id, team.id)
        .await
        .unwrap();
    let target = |plan: &Value, party: &str, file: String| Target {
        plan: plan["id"].as_str().unwrap().to_owned(),
        person: plan["person_id"].as_str().unwrap().to_owned(),
        file,
        party: party.to_owned(),
    };
    let shared_t = target(
        &shared,
        &shared_party,
        upload(&app, &olive_api.token, shared["id"].as_str().unwrap()).await,
    );
    let private_t = target(
        &private,
        &private_party,
        upload(&app, &olive_api.token, private["id"].as_str().unwrap()).await,
    );
    let sams_t = target(
        &sams,
        &sams_party,
        upload(&app, &sam_api.token, sams["id"].as_str().unwrap()).await,
    );
    // Names no response to someone who may not see them may contain.
    let secret_names = |t: &Target| -> &'static [&'static str] {
        if t.plan == private_t.plan {
            &["Xerxes", "Umber"]
        } else if t.plan == sams_t.plan {
            &["Yannick", "Vole"]
        } else {
            &["Zanzibar", "Quill"]
        }
    };
    let fixed = Fixed {
        team: team.id.to_string(),
        user: spare.id.to_string(),
        other: Uuid::new_v4().to_string(),
    };

    let callers = vec![
        caller(&app, Role::Administrator, "admin@example.org", shared_t.clone(), None).await,
        caller(
            &app,
            Role::Practitioner,
            "olive@example.org",
            shared_t.clone(),
            Some(sams_t.clone()),
        )
        .await,
        caller(
            &app,
            Role::Stranger,
            "sam@example.org",
            sams_t.clone(),
            Some(shared_t.clone()),
        )
        .await,
        caller(
            &app,
            Role::ReadOnly,
            "rita@example.org",
            shared_t.clone(),
            Some(private_t.clone()),
        )
        .await,
        caller(
            &app,
            Role::TeamManager,
            "grace@example.org",
            shared_t.clone(),
            Some(private_t.clone()),
        )
        .await,
        caller(
            &app,
            Role::Parent,
            "maya@example.org",
            shared_t.clone(),
            Some(private_t.clone()),
        )
        .await,
        caller(&app, Role::SignedOut, "", shared_t.clone(), None).await,
    ];

    let mut routes = page_routes();
    assert!(
        routes.len() > 60,
        "the page routes were read from the source: {}",
        routes.len()
    );
    routes.extend(api_routes(&app).await);
    // Signing out ends the session the other cases use; it is tested in sessions.rs.
    routes.retain(|r| !(r.template == "/sign-out" || r.template == "/account/sessions/end-others"));

    let mut cases = 0usize;
    let mut failures = Vec::new();
    for route in &routes {
        let public = PUBLIC.contains(&route.template.as_str());
        for caller in &callers {
            // Own: what this caller may see.
            let path = fill(&route.template, &caller.own, &fixed);
            let own = call(&app, caller, route, &path).await;
            cases += 1;
            let label = format!(
                "{:?} {} {}{}",
                caller.role,
                route.method,
                if route.api { "/api/v1" } else { "" },
                path
            );
            if own.status >= 500 {
                failures.push(format!("{label}: {} (server error)", own.status));
            }
            if caller.role == Role::SignedOut && !public {
                let asks_to_sign_in = if route.api {
                    own.status == 401
                } else if route.method == "GET" {
                    own.status == 303 && own.location.starts_with("/sign-in")
                } else {
                    // No session: the form's CSRF check refuses it first.
                    own.status == 403 || (own.status == 303 && own.location.starts_with("/sign-in"))
                };
                if !asks_to_sign_in {
                    failures.push(format!(
                        "{label}: {} {} (should ask to sign in)",
                        own.status, own.location
                    ));
                }
                if secret_names(&caller.own).iter().any(|n| own.body.contains(n)) {
                    failures.push(format!("{label}: names the plan's person signed out"));
                }
                continue;
            }
            let read_only = matches!(caller.role, Role::ReadOnly | Role::TeamManager | Role::Parent);
            let writes = route.method != "GET";
            let succeeded = (200..300).contains(&own.status)
                || (own.status == 303 && !route.api && !own.location.starts_with("/sign-in"));
            if read_only
                && writes
                && succeeded
                && names_a_record(&route.template)
                && !(caller.role == Role::Parent && parent_may_write(&route.template))
            {
                failures.push(format!("{label}: {} (a reader changed something)", own.status));
            }

            if caller.role != Role::Administrator && admin_only(route) && succeeded {
                failures.push(format!(
                    "{label}: {} (administration by a non-administrator)",
                    own.status
                ));
            }

            // Foreign against missing: the same answer, naming nothing.
            if !names_a_record(&route.template) || own_account(&route.template) {
                continue;
            }
            let Some(foreign) = &caller.foreign else { continue };
            let missing = Target::missing();
            let foreign_out = call(&app, caller, route, &fill(&route.template, foreign, &fixed)).await;
            let missing_out = call(&app, caller, route, &fill(&route.template, &missing, &fixed)).await;
            cases += 2;
            let foreign_label = format!(
                "{:?} {} {}{}",
                caller.role,
                route.method,
                if route.api { "/api/v1" } else { "" },
                route.template
            );
            if (foreign_out.status, normalised(&foreign_out.body, foreign))
                != (missing_out.status, normalised(&missing_out.body, &missing))
            {
                failures.push(format!(
                    "{foreign_label}: foreign {} and missing {} differ",
                    foreign_out.status, missing_out.status
                ));
            }
            if (200..300).contains(&foreign_out.status) {
                failures.push(format!("{foreign_label}: {} on a foreign record", foreign_out.status));
            }
            if secret_names(foreign).iter().any(|n| foreign_out.body.contains(n)) {
                failures.push(format!("{foreign_label}: names the foreign plan's person"));
            }
        }
    }
    // Those who may read the plan open its main pages.
    for caller in callers
        .iter()
        .filter(|c| c.role != Role::SignedOut && c.role != Role::Stranger)
    {
        for page in [
            "/plans/{id}",
            "/plans/{id}/history",
            "/people/{id}",
            "/plans/{id}/files/{file}",
        ] {
            let path = fill(page, &caller.own, &fixed);
            let (status, _) = caller.browser.get(&path).await;
            cases += 1;
            let person_page = page.starts_with("/people");
            let expected = if caller.role == Role::Parent && person_page {
                status
            } else {
                200
            };
            if status != expected {
                failures.push(format!("{:?} GET {path}: {status} (should see it)", caller.role));
            }
        }
    }
    println!(
        "access matrix ({backend:?}): {} routes ({} pages, {} API), {} roles, {cases} cases, {} failures",
        routes.len(),
        routes.iter().filter(|r| !r.api).count(),
        routes.iter().filter(|r| r.api).count(),
        callers.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
both!(access_matrix);
