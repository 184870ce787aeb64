//! The person's own view shows their outcomes' progress (issue 11, SPEC
//! M2): each outcome's picture, and both raters' latest ratings in words
//! (here read by Leo's mum, so Leo's ratings are "Leo said"); an outcome
//! not yet rated says so. In the real headless Chromium: axe
//! clean, no sideways scroll at 390 px, screenshot saved.

use serde_json::{Value, json};

use crate::accessibility::{Audit, heading_is, sign_in};
use crate::both;
use crate::browser::{browser, screenshot, start_driver, text};
use crate::helpers::{Backend, spawn_app};

async fn change(api: &crate::helpers::Api, id: &str, change: Value) {
    let (_, plan) = api.get(&format!("/plans/{id}")).await;
    let (status, plan) = api
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": plan["version"], "change": change}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
}

async fn the_persons_view_shows_progress(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let claire = app.user("claire@example.org", "Claire Martin", "viewer").await;
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let (asking, walking) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    for c in [
        json!({"type": "details_edited", "details": {"title": "Leo's My Support Plan", "start_date": "2026-09-07"}}),
        json!({"type": "party_added", "party": {"id": uuid::Uuid::new_v4(), "name": "Claire Martin", "role": "parent_carer", "relationship": "Mum", "user_id": claire.id}}),
        json!({"type": "item_added", "item": {"kind": "outcome", "id": asking, "text": "Leo will ask an adult for help when he is stuck, 4 times out of 5, by July 2027"}}),
        json!({"type": "item_added", "item": {"kind": "outcome", "id": walking, "text": "Leo walks to school with a friend"}}),
    ] {
        change(&api, &id, c).await;
    }
    for (rater, score, date) in [
        ("person", "-1", "2026-09-14"),
        ("worker", "-2", "2026-09-14"),
        ("person", "+1", "2026-11-30"),
        ("worker", "0", "2026-11-02"),
    ] {
        let (status, body) = api
            .post(
                &format!("/plans/{id}/ratings"),
                json!({"outcome_id": asking, "date": date, "rater": rater, "score": score}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = Audit::new();
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "claire@example.org").await;
    client.goto(&app.url(&format!("/plans/{id}/mine"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    let first = text(&client, "#mine-progress-1-block").await;
    assert!(
        first.contains("Leo said on 30 November 2026: more than expected (+1)"),
        "{first}"
    );
    assert!(
        first.contains("The worker said on 2 November 2026: as expected (0)"),
        "{first}"
    );
    let pictures = client
        .find_all(fantoccini::Locator::Css("#mine-progress-1-block figure svg"))
        .await
        .unwrap();
    assert_eq!(pictures.len(), 1);
    let second = text(&client, "#mine-progress-2-block").await;
    assert!(second.contains("Leo has not given a rating yet."), "{second}");
    assert!(second.contains("The worker has not given a rating yet."), "{second}");
    assert!(
        client
            .find_all(fantoccini::Locator::Css("#mine-progress-2-block svg"))
            .await
            .unwrap()
            .is_empty()
    );
    audit.check(&client, "The person's view with progress").await;
    client.set_window_size(390, 844).await.unwrap();
    client
        .execute("document.getElementById('mine-progress').scrollIntoView()", vec![])
        .await
        .unwrap();
    screenshot(&client, "persons-view-progress-390.png").await;
    client.close().await.unwrap();
    audit.assert_clean();
}
both!(the_persons_view_shows_progress);
