//! The access rule: a plan the user may not see answers exactly like one
//! that does not exist, in the UI and the API.

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, spawn_app};

async fn no_access_looks_like_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (tom, tom_api) = app.api_user("tom@example.org", "practitioner").await;
    let plan = priya.plan("Leo", "MSP").await;
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    let person_id = plan["person_id"].as_str().unwrap().to_owned();
    let missing = uuid::Uuid::new_v4();

    // API: the same status and the same body for "yours to not see" and "not there".
    for (hidden, absent) in [
        (format!("/plans/{plan_id}"), format!("/plans/{missing}")),
        (format!("/plans/{plan_id}/changes"), format!("/plans/{missing}/changes")),
        (format!("/people/{person_id}"), format!("/people/{missing}")),
        (
            format!("/people/{person_id}/history"),
            format!("/people/{missing}/history"),
        ),
    ] {
        let (s1, b1) = tom_api.get(&hidden).await;
        let (s2, b2) = tom_api.get(&absent).await;
        assert_eq!((s1, &b1), (s2, &b2), "{hidden} must answer like {absent}");
        assert_eq!(s1, 404);
    }
    let (s1, b1) = tom_api
        .post(
            &format!("/plans/{plan_id}/parties"),
            json!({"base_version": 1, "name": "x", "role": "other"}),
        )
        .await;
    let (s2, b2) = tom_api
        .post(
            &format!("/plans/{missing}/parties"),
            json!({"base_version": 1, "name": "x", "role": "other"}),
        )
        .await;
    assert_eq!((s1, b1), (s2, b2));
    let (s1, b1) = tom_api
        .post("/plans", json!({"person_id": person_id, "plan_type": "YP"}))
        .await;
    let (s2, b2) = tom_api
        .post("/plans", json!({"person_id": missing, "plan_type": "YP"}))
        .await;
    assert_eq!((s1, b1), (s2, b2));
    let (_, search) = tom_api.get("/people?q=leo").await;
    assert_eq!(search["total"], 0, "a search finds nothing he may not see");
    let (_, plans) = tom_api.get("/plans").await;
    assert_eq!(plans["total"], 0);

    // UI: the same page for both.
    let browser = app.signed_in("tom@example.org").await;
    let (s1, page1) = browser.get(&format!("/plans/{plan_id}")).await;
    let (s2, page2) = browser.get(&format!("/plans/{missing}")).await;
    assert_eq!(s1, 404);
    assert_eq!((s1, page1), (s2, page2));
    let (s1, page1) = browser.get(&format!("/people/{person_id}")).await;
    let (s2, page2) = browser.get(&format!("/people/{missing}")).await;
    assert_eq!((s1, page1), (s2, page2));
    let (_, results) = browser.get("/people?q=Leo").await;
    assert!(results.contains("No people match"), "search must find nothing");

    // Made a party with his account, he sees this plan and its person, and nothing else.
    let (status, _) = priya
        .post(
            &format!("/plans/{plan_id}/parties"),
            json!({"base_version": 1, "name": "Dr Tom Price", "role": "health_professional", "user_id": tom.id}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = tom_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 200);
    let (status, _) = tom_api.get(&format!("/people/{person_id}")).await;
    assert_eq!(status, 200);
    let other = priya.plan("Ruby", "CP").await;
    let (status, _) = tom_api.get(&format!("/plans/{}", other["id"].as_str().unwrap())).await;
    assert_eq!(status, 404);
    let (_, search) = tom_api.get("/people").await;
    assert_eq!(search["total"], 1);

    // Removed from the plan, he loses access again.
    let plan_now = priya.get(&format!("/plans/{plan_id}")).await.1;
    let party = plan_now["parties"][0]["id"].as_str().unwrap();
    let response = reqwest::Client::new()
        .delete(app.url(&format!("/api/v1/plans/{plan_id}/parties/{party}?base_version=2")))
        .bearer_auth(&priya.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (status, _) = tom_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 404);
}
both!(no_access_looks_like_not_found);

async fn team_grants_and_administrators(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (grace, grace_api) = app.api_user("grace@example.org", "viewer").await;
    let (admin, admin_api) = app.api_user("admin@example.org", "admin").await;
    let plan = priya.plan("Leo", "MSP").await;
    let plan_id: uuid::Uuid = plan["id"].as_str().unwrap().parse().unwrap();

    let (status, _) = admin_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 200, "administrators see every plan");
    let (status, _) = grace_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 404);

    let team = app.store.create_team("Early help").await.unwrap();
    app.store.add_team_member(team.id, grace.id).await.unwrap();
    app.store
        .grant_plan_to_team(&admin.actor(), plan_id, team.id)
        .await
        .unwrap();
    let (status, _) = grace_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 200, "a team member sees the team's plans");
    let (status, _) = grace_api
        .put(&format!("/plans/{plan_id}"), json!({"base_version": 1, "title": "x"}))
        .await;
    assert_eq!(status, 403, "but a viewer cannot change them");
}
both!(team_grants_and_administrators);
