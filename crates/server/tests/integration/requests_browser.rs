//! Requests and the manager's dashboard in a real browser: a request for a
//! child planning meeting recorded on a Child's Plan (refused first, then
//! saved), marked met, the team's dashboard its manager sees, and the
//! team's page where an administrator makes a member its manager. Every
//! page passes axe with no violations, fits a phone and has no snake_case
//! words.

use fantoccini::Locator;
use serde_json::json;
use time::macros::date;

use crate::accessibility::{Audit, errors_shown, heading_is, loaded, sign_in};
use crate::both;
use crate::browser::{browser, click, retry, screenshot, start_driver, text};
use crate::helpers::*;
use crate::monitoring::plan_with_content;
use crate::monitoring_browser::{fill_date_named, fill_name};

async fn a_request_and_the_managers_dashboard(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    let (priya_user, api) = app.api_user("priya@example.org", "practitioner").await;
    let (grace_user, _) = app.api_user("grace@example.org", "viewer").await;
    let plan = plan_with_content(&api, "Ruby", "CP", "2026-09-16", 12).await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let (_, team) = admin.post("/teams", json!({"name": "Early help"})).await;
    let t = team["id"].as_str().unwrap().to_owned();
    for (user, manager) in [(&priya_user, false), (&grace_user, true)] {
        let (status, body) = admin
            .post(
                &format!("/teams/{t}/members"),
                json!({"user_id": user.id, "manager": manager}),
            )
            .await;
        assert_eq!(status, 204, "{body}");
    }
    let (status, _) = admin
        .send(reqwest::Method::PUT, &format!("/plans/{p}/teams/{t}"), json!({}))
        .await;
    assert_eq!(status, 204);

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = Audit::new();
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };

    // From the plan's progress to its requests.
    client.goto(&app.url(&format!("/plans/{p}/progress"))).await.unwrap();
    loaded(&client).await;
    click(&client, "#requests-link").await;
    loaded(&client).await;
    assert_eq!(text(&client, "#open-requests").await.trim(), "None.");
    audit.check(&client, "Requests, none yet").await;

    // Saved with nothing said: refused.
    click(&client, "#save-request").await;
    errors_shown(&client).await;
    audit.check(&client, "Record a request, with errors").await;
    fill_date_named(&client, "request-date", "2026-12-09").await;
    fill_name(&client, "request-by", "Mair Jones (Mum)").await;
    fill_name(
        &client,
        "request-what",
        "A meeting about Ruby's move to secondary school",
    )
    .await;
    click(&client, "#save-request").await;
    retry(&client, "the request is saved", || async {
        client.find(Locator::Css("#saved-banner")).await
    })
    .await;
    // Asked for today, Wednesday 9 December: 15 working days in Scotland
    // skip Christmas, the Boxing Day substitute (28 December), New Year's
    // Day and 4 January (the substitute for 2 January): due 5 January.
    let open = text(&client, "#open-requests").await;
    assert!(
        open.contains("Child planning meeting asked for (15 working days)") && open.contains("5 January 2027"),
        "{open}"
    );
    audit.check(&client, "Requests, one open").await;
    screenshot(&client, &format!("requests-{name}.png")).await;

    // The team's manager sees it on the team's dashboard.
    click(&client, "form[action='/sign-out'] button").await;
    // Wait for the sign-out to land (it replaces the session cookie) before
    // opening the sign-in form, whose token belongs to the new session.
    heading_is(&client, "Sign in to Goldthread").await;
    sign_in(&client, "grace@example.org").await;
    client.goto(&app.url(&format!("/dashboard?team={t}"))).await.unwrap();
    heading_is(&client, "Early help: team dashboard").await;
    // Nothing fell due before today over the last quarter.
    assert!(
        text(&client, "#on-time")
            .await
            .contains("No reviews, meetings or meeting action points were due")
    );
    audit.check(&client, "Team dashboard").await;
    screenshot(&client, &format!("team-dashboard-{name}.png")).await;

    // The administrator's team page shows who manages the team.
    click(&client, "form[action='/sign-out'] button").await;
    // Wait for the sign-out to land (it replaces the session cookie) before
    // opening the sign-in form, whose token belongs to the new session.
    heading_is(&client, "Sign in to Goldthread").await;
    sign_in(&client, "admin@example.org").await;
    client.goto(&app.url(&format!("/teams/{t}"))).await.unwrap();
    heading_is(&client, "Early help").await;
    assert!(text(&client, "#members").await.contains("Manager"));
    audit.check(&client, "A team, with its manager").await;

    // Priya marks it met.
    click(&client, "form[action='/sign-out'] button").await;
    // Wait for the sign-out to land (it replaces the session cookie) before
    // opening the sign-in form, whose token belongs to the new session.
    heading_is(&client, "Sign in to Goldthread").await;
    sign_in(&client, "priya@example.org").await;
    client.goto(&app.url(&format!("/plans/{p}/requests"))).await.unwrap();
    loaded(&client).await;
    click(&client, "#open-requests a").await;
    heading_is(&client, "Mark a request as met").await;
    audit.check(&client, "Mark a request as met").await;
    fill_date_named(&client, "met-date", "2026-12-09").await;
    click(&client, "#save-met").await;
    retry(&client, "the request is met", || async {
        client.find(Locator::Css("#saved-banner")).await
    })
    .await;
    assert!(
        text(&client, "#met-requests")
            .await
            .contains("Met on 9 December 2026, on time")
    );
    audit.check(&client, "Requests, one met").await;
    client.close().await.unwrap();

    audit.assert_clean();
}
both!(a_request_and_the_managers_dashboard);
