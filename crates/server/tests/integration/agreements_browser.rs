//! Issue 9's must-show, in the real headless Chromium: a practitioner
//! invites a parent by link; the parent opens it, sets up access, reads the
//! plan in the person's view, adds their views and agrees (keyboard only);
//! once every party asked has agreed the plan shows "agreed"; the
//! practitioner changes the parent's part; the parent's agreement shows as
//! for an earlier version and the parent is asked again. axe-core runs on
//! the person's view, the agreement page and the plan page (results saved
//! as test artefacts); the person's view is screenshot at 390 px and at
//! desktop width. The invitation grants that plan only.

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::accessibility::{Audit, TAGS, heading_is, loaded, sign_in};
use crate::both;
use crate::browser::{artifacts_dir, browser, click, fill, screenshot, start_driver, text};
use crate::helpers::{Backend, spawn_app};

/// The password Claire chooses when she sets up her access.
const CLAIRE_PASSWORD: &str = "plum kettle harbour lantern";

async fn token_for(app: &crate::helpers::TestApp, email: &str) -> crate::helpers::Api {
    app.api_for(email).await
}

async fn change(api: &crate::helpers::Api, id: &str, change: Value, reason: Option<&str>) -> Value {
    let (_, plan) = api.get(&format!("/plans/{id}")).await;
    let (status, plan) = api
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": plan["version"], "reason": reason, "change": change}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    plan
}

async fn invite_agree_and_asked_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let priya_user = app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let api = token_for(&app, "priya@example.org").await;

    // Leo's plan: Claire (Mum, no account yet) and Priya (SENCO, lead),
    // an outcome and a provision for each; both asked to agree. And
    // another plan, for someone else, that Claire must never see.
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let other = api.plan("Ruby", "CP").await;
    let other_id = other["id"].as_str().unwrap().to_owned();
    let claire = uuid::Uuid::new_v4();
    let priya = uuid::Uuid::new_v4();
    let outcome = uuid::Uuid::new_v4();
    let reading = uuid::Uuid::new_v4();
    for c in [
        json!({"type": "details_edited", "details": {"title": "Leo's My Support Plan", "start_date": "2026-09-07"}}),
        json!({"type": "party_added", "party": {"id": claire, "name": "Claire Martin", "role": "parent_carer", "relationship": "Mum", "contact": "claire@example.org"}}),
        json!({"type": "party_added", "party": {"id": priya, "name": "Priya Shah", "role": "senco", "user_id": priya_user.id}}),
        json!({"type": "lead_professional_set", "party_id": priya}),
        json!({"type": "item_added", "item": {"kind": "outcome", "id": outcome, "text": "Leo will ask an adult for help when he is stuck, 4 times out of 5, by July 2027"}}),
        json!({"type": "item_added", "item": {"kind": "provision", "id": reading, "what": "Read with Leo at home for 10 minutes", "party_id": claire, "frequency": {"times": 5, "per": "week"}, "outcome_ids": [outcome]}}),
        json!({"type": "item_added", "item": {"kind": "provision", "id": uuid::Uuid::new_v4(), "what": "A daily check-in with a trusted adult", "party_id": priya, "outcome_ids": [outcome]}}),
        json!({"type": "agreement_required_set", "party_id": claire, "required": true}),
        json!({"type": "agreement_required_set", "party_id": priya, "required": true}),
    ] {
        change(&api, &id, c, None).await;
    }

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = Audit::new();

    // Priya invites Claire by link from the plan's agreements page.
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;
    client.goto(&app.url(&format!("/plans/{id}/agreements"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    audit.check(&client, "Agreements").await;
    click(&client, &format!("#invite-{claire}")).await;
    heading_is(&client, "Invite Claire Martin").await;
    audit.check(&client, "Invite by link").await;
    click(&client, "#send-invitation").await;
    heading_is(&client, "Invitation made").await;
    let link = text(&client, "#invitation-link").await;
    assert!(link.contains("/invitations/inv_"), "{link}");
    let queued = app.store.outbox(5).await.unwrap();
    assert_eq!(queued[0].to, "claire@example.org");
    assert!(queued[0].body.contains(&link), "the e-mail carries the link");
    click(&client, "form[action='/sign-out'] button").await;
    heading_is(&client, "Sign in to Goldthread").await;

    // A tampered link grants nothing.
    client.goto(&format!("{link}x")).await.unwrap();
    heading_is(&client, "This invitation link cannot be used").await;
    assert!(text(&client, "#link-problem").await.contains("not right"));

    // Claire opens the link and sets up her access.
    client.goto(&link).await.unwrap();
    heading_is(&client, "Set up your access").await;
    audit.check(&client, "Set up your access").await;
    assert_eq!(text(&client, "#invited-email").await, "claire@example.org");
    fill(&client, "#password", CLAIRE_PASSWORD).await;
    click(&client, "#accept").await;
    heading_is(&client, "Leo's My Support Plan").await;
    loaded(&client).await;
    assert!(text(&client, "#saved-banner").await.contains("Your access is set up"));
    assert_eq!(
        text(&client, "#mine-standing").await,
        "You are asked to agree to this plan."
    );
    let doing = text(&client, "#mine-doing").await;
    assert!(
        doing.contains("You") && doing.contains("Read with Leo at home for 10 minutes"),
        "{doing}"
    );
    assert!(doing.contains("5 times a week"), "{doing}");
    assert!(text(&client, "#mine-review").await.contains("7 December 2026"));
    audit.check(&client, "The person's view").await;
    client.set_window_size(390, 844).await.unwrap();
    screenshot(&client, "persons-view-390.png").await;
    client.set_window_size(1280, 1000).await.unwrap();
    screenshot(&client, "persons-view-desktop.png").await;

    // The link works once.
    client.goto(&link).await.unwrap();
    heading_is(&client, "This invitation link cannot be used").await;
    assert!(text(&client, "#link-problem").await.contains("already been used"));

    // Her views, in her own section.
    client.goto(&app.url(&format!("/plans/{id}/mine"))).await.unwrap();
    click(&client, "#add-views").await;
    loaded(&client).await;
    audit.check(&client, "Your views").await;
    fill(
        &client,
        "main textarea",
        "Leo loves reading about dinosaurs. Bedtime is when he talks most.",
    )
    .await;
    click(&client, "#save-views").await;
    heading_is(&client, "Leo's My Support Plan").await;
    assert!(text(&client, "#your-views").await.starts_with("Your views"));
    assert!(
        client
            .source()
            .await
            .unwrap()
            .contains("Leo loves reading about dinosaurs")
    );

    // She agrees with the keyboard alone.
    client
        .goto(&app.url(&format!("/plans/{id}/agreements/{claire}")))
        .await
        .unwrap();
    heading_is(&client, "Agree to this plan").await;
    audit.check(&client, "Agree to this plan").await;
    let radio = client.find(Locator::Css("#response")).await.unwrap();
    radio.send_keys(" ").await.unwrap();
    let name = client.find(Locator::Css("#typed_name")).await.unwrap();
    name.send_keys("Claire Martin").await.unwrap();
    name.send_keys(&String::from(char::from(Key::Enter))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    loaded(&client).await;
    assert!(
        text(&client, "#saved-banner")
            .await
            .contains("The agreement has been recorded")
    );
    client.goto(&app.url(&format!("/plans/{id}/mine"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    assert!(
        text(&client, "#mine-standing")
            .await
            .starts_with("You agreed to this plan.")
    );

    // She can see this plan and nothing else: not another plan's pages,
    // nor through the API, nor in the search for people.
    let (status, _) = {
        client.goto(&app.url(&format!("/plans/{other_id}/mine"))).await.unwrap();
        (text(&client, "h1").await, ())
    };
    assert_eq!(status, "Page not found");
    client.goto(&app.url("/people?q=ruby")).await.unwrap();
    loaded(&client).await;
    assert!(!client.source().await.unwrap().contains("Ruby Tester"));
    let claire_api = token_for(&app, "claire@example.org").await;
    let (status, _) = claire_api.get(&format!("/plans/{other_id}")).await;
    assert_eq!(status, 404);
    let (status, _) = claire_api.get(&format!("/plans/{other_id}/agreements")).await;
    assert_eq!(status, 404);
    let (_, list) = claire_api.get("/plans").await;
    assert_eq!(list["total"], 1, "{list}");
    let (_, people) = claire_api.get("/people?q=tester").await;
    let names: Vec<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["given_name"].as_str())
        .collect();
    assert_eq!(names, ["Leo"], "{people}");
    // Nor may she change the plan beyond her own part.
    let (status, _) = claire_api
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": 1, "change": {"type": "details_edited", "details": {"title": "Mine"}}}),
        )
        .await;
    assert_eq!(status, 403);
    click(&client, "form[action='/sign-out'] button").await;
    heading_is(&client, "Sign in to Goldthread").await;

    // Priya agrees too: the plan is agreed.
    sign_in(&client, "priya@example.org").await;
    client.goto(&app.url(&format!("/plans/{id}"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    assert_eq!(text(&client, "#plan-status").await, "Draft");
    client
        .goto(&app.url(&format!("/plans/{id}/agreements/{priya}")))
        .await
        .unwrap();
    heading_is(&client, "Agree to this plan").await;
    click(&client, "#response").await;
    fill(&client, "#typed_name", "Priya Shah").await;
    click(&client, "#submit-agreement").await;
    heading_is(&client, "Leo's My Support Plan").await;
    client.goto(&app.url(&format!("/plans/{id}"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    assert_eq!(text(&client, "#plan-status").await, "Agreed");
    assert!(text(&client, "#content-hash").await.starts_with("c1:"));
    audit.check(&client, "The plan, agreed").await;

    // The paper form, for a signed copy (checked, not sent).
    client
        .goto(&app.url(&format!("/plans/{id}/agreements/{priya}/paper")))
        .await
        .unwrap();
    heading_is(&client, "Record a paper copy signed by Priya Shah").await;
    audit.check(&client, "Record a signed paper copy").await;

    // Priya changes Claire's part: Claire's agreement is for an earlier
    // version, and she is asked again.
    change(
        &api,
        &id,
        json!({"type": "item_edited", "item": {"kind": "provision", "id": reading, "what": "Read with Leo at home for 15 minutes", "party_id": claire, "frequency": {"times": 5, "per": "week"}, "outcome_ids": [outcome]}}),
        Some("Agreed at the review to read a little longer"),
    )
    .await;
    client.goto(&app.url(&format!("/plans/{id}"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    client.goto(&app.url(&format!("/plans/{id}/agreements"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    screenshot(&client, "agreements-asked-again.png").await;
    client.goto(&app.url(&format!("/plans/{id}"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    let parties = text(&client, "#agreement-parties").await;
    assert!(parties.contains("Agreed an earlier version"), "{parties}");
    assert!(parties.contains("so they are asked again"), "{parties}");
    click(&client, "form[action='/sign-out'] button").await;
    heading_is(&client, "Sign in to Goldthread").await;

    fill(&client, "#email", "claire@example.org").await;
    fill(&client, "#password", CLAIRE_PASSWORD).await;
    click(&client, "form[action='/sign-in'] button").await;
    heading_is(&client, "Plans you can see").await;
    client.goto(&app.url(&format!("/plans/{id}/mine"))).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    assert_eq!(
        text(&client, "#mine-standing").await,
        "You agreed an earlier version of this plan. It has changed since, so we are asking you again."
    );
    client.goto(&app.url("/notifications")).await.unwrap();
    heading_is(&client, "Notifications").await;
    let told = text(&client, "#notifications").await;
    assert!(told.contains("which you agreed, has changed"), "{told}");
    assert!(told.contains("You have been asked to agree"), "{told}");
    client
        .goto(&app.url(&format!("/plans/{id}/agreements/{claire}")))
        .await
        .unwrap();
    heading_is(&client, "Agree to this plan").await;
    screenshot(&client, "agree-to-this-plan.png").await;
    client.close().await.unwrap();

    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let report_path = artifacts_dir().join(format!("accessibility-agreements-{name}.json"));
    let report = json!({"axe_core": audit.version, "tags": TAGS, "pages": audit.pages});
    std::fs::write(&report_path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    assert!(audit.problems.is_empty(), "{}", audit.problems.join("\n"));
    let failures = audit.failures();
    assert!(
        failures.is_empty(),
        "axe-core found {} violations (report: {}):\n{}",
        failures.len(),
        report_path.display(),
        failures.join("\n")
    );
}
both!(invite_agree_and_asked_again);
