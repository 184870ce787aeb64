//! Consent to share (issue 12, SPEC S3): recorded per plan, purpose and
//! organisation on a page and through the API; withdrawing it takes the
//! organisation's parties' access away at once, and both decisions stay in
//! the plan's history.

use serde_json::json;
use uuid::Uuid;

use crate::both;
use crate::helpers::{Backend, csrf_of, spawn_app, text_of};

async fn withdrawing_consent_takes_an_agencys_access_away(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, olive) = app.api_user("olive@example.org", "practitioner").await;
    let (amy, amy_api) = app.api_user("amy@example.org", "practitioner").await;
    let plan = olive.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let (status, plan) = olive
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": plan["version"], "name": "Amy Nurse", "role": "health_professional",
                   "agency": "Kirklees Health Visiting", "user_id": amy.id}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let (status, _) = amy_api.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 200, "a party with an account sees the plan");

    // Withdrawing what was never given is refused, and what was typed stays.
    let browser = app.signed_in("olive@example.org").await;
    let page = format!("/plans/{id}/consent");
    let (status, html) = browser.get(&page).await;
    assert_eq!(status, 200);
    assert_eq!(
        text_of(&html, "#no-consent").as_deref(),
        Some("No consent has been recorded.")
    );
    let csrf = csrf_of(&html).unwrap();
    let form = |decision: &'static str| {
        vec![
            ("purpose", "sharing"),
            ("organisation", "Kirklees Health Visiting"),
            ("decision", decision),
            ("given_by", "Claire Martin"),
            ("on_behalf_of", "Leo Martin"),
            ("on-day", "2"),
            ("on-month", "11"),
            ("on-year", "2026"),
        ]
    };
    let response = browser.post_raw(&page, &csrf, &form("withdrawn")).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("there is nothing to withdraw"), "{html}");
    assert!(
        html.contains("value=\"Kirklees Health Visiting\""),
        "the typed organisation is kept"
    );

    // Given, then withdrawn: Amy's access goes with it.
    for decision in ["given", "withdrawn"] {
        let response = browser.post_raw(&page, &csrf, &form(decision)).await;
        assert_eq!(response.status(), 303, "{decision}");
    }
    let (_, html) = browser.get(&format!("{page}?saved=withdrawn")).await;
    assert!(
        text_of(&html, "#consent-in-force").unwrap().contains("Withdrawn"),
        "{html}"
    );
    let listed = html
        .split("id=\"consent-history\"")
        .nth(1)
        .unwrap()
        .split("</ol>")
        .next()
        .unwrap();
    assert_eq!(listed.matches("<li>").count(), 2, "both decisions are listed: {listed}");
    let (hidden, hidden_body) = amy_api.get(&format!("/plans/{id}")).await;
    let (missing, missing_body) = amy_api.get(&format!("/plans/{}", Uuid::new_v4())).await;
    assert_eq!(
        (hidden, &hidden_body),
        (missing, &missing_body),
        "now like a plan that does not exist"
    );
    let (_, list) = amy_api.get("/plans").await;
    assert_eq!(list["total"], 0);
    let (_, history) = olive.get(&format!("/plans/{id}/changes")).await;
    let consents = history
        .as_array()
        .or_else(|| history["changes"].as_array())
        .unwrap()
        .iter()
        .filter(|c| c.to_string().contains("consent_recorded"))
        .count();
    assert_eq!(consents, 2, "both decisions are in the history: {history}");

    // Given again through the API: her access comes back.
    let (_, plan) = olive.get(&format!("/plans/{id}")).await;
    let (status, body) = olive
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": plan["version"], "change": {"type": "consent_recorded", "consent": {
                "purpose": "sharing", "organisation": "kirklees health visiting", "decision": "given",
                "given_by": "Claire Martin", "on": "2026-11-20"}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["consents"]["decisions"].as_array().unwrap().len(), 3);
    let (status, _) = amy_api.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 200);

    // Those who may only read cannot record consent.
    let (reader, _) = app.api_user("rita@example.org", "viewer").await;
    let (_, plan) = olive.get(&format!("/plans/{id}")).await;
    let (status, _) = olive
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": plan["version"], "name": "Rita Reader", "role": "other", "user_id": reader.id}),
        )
        .await;
    assert_eq!(status, 201);
    let rita = app.signed_in("rita@example.org").await;
    let (status, html) = rita.get(&page).await;
    assert_eq!(status, 200);
    assert!(!html.contains("Record a decision"), "no form for a reader");
    let response = rita.post_raw(&page, &csrf_of(&html).unwrap(), &form("given")).await;
    assert_eq!(response.status(), 403);
}
both!(withdrawing_consent_takes_an_agencys_access_away);
