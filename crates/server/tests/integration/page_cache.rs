//! The plan page is kept once built (web::page_cache, issue 14): a kept
//! page must never be sent when anything it shows has changed, nor to
//! anyone else, and access is still checked on every request.

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, csrf_of, spawn_app, text_of};

async fn a_kept_plan_page_is_never_stale(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (grace, _) = app.api_user("grace@example.org", "viewer").await;
    let (admin, _) = app.api_user("admin@example.org", "admin").await;
    let plan = priya.plan("Leo", "MSP").await;
    let plan_id: uuid::Uuid = plan["id"].as_str().unwrap().parse().unwrap();
    let path = format!("/plans/{plan_id}");

    let browser = app.signed_in("priya@example.org").await;
    let (status, first) = browser.get(&path).await;
    assert_eq!(status, 200);
    let (_, again) = browser.get(&path).await;
    assert_eq!(first, again, "the same inputs give the same page");

    // A change to the plan is shown at once.
    let (status, body) = priya
        .put(
            &path,
            json!({"base_version": plan["version"], "title": "Leo's plan for college"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, html) = browser.get(&path).await;
    assert!(html.contains("plan for college"), "the new title");

    // So is a change to the person.
    let person = plan["person_id"].as_str().unwrap();
    let (_, before) = priya.get(&format!("/people/{person}")).await;
    let (status, body) = priya
        .put(
            &format!("/people/{person}"),
            json!({"base_version": before["version"], "given_name": "Leon", "family_name": "Tester"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, html) = browser.get(&path).await;
    assert!(html.contains("Leon Tester"), "the person's new name");

    // Another session of the same user gets its own form tokens.
    let other = app.signed_in("priya@example.org").await;
    let (_, theirs) = other.get(&path).await;
    let (_, mine) = browser.get(&path).await;
    assert_ne!(csrf_of(&theirs), csrf_of(&mine));
    // Forms on the page still work from the kept page.
    let (_, html) = browser.get(&path).await;
    assert_eq!(csrf_of(&html), csrf_of(&mine));

    // Access is checked on every request: a team's view ends when the
    // grant's team loses the member.
    let team = app.store.create_team("Early help").await.unwrap();
    app.store.add_team_member(team.id, grace.id).await.unwrap();
    app.store
        .grant_plan_to_team(&admin.actor(), plan_id, team.id)
        .await
        .unwrap();
    let viewer = app.signed_in("grace@example.org").await;
    let (status, html) = viewer.get(&path).await;
    assert_eq!(status, 200);
    assert!(text_of(&html, "h1").is_some());
    let (status, _) = viewer.get(&path).await;
    assert_eq!(status, 200, "kept");
    app.store
        .remove_member(&admin.actor(), team.id, grace.id)
        .await
        .unwrap();
    let (status, _) = viewer.get(&path).await;
    assert_eq!(status, 404, "a kept page is no way round a revoked access");
}
both!(a_kept_plan_page_is_never_stale);
