//! Minutes sent to a meeting's attendees (issue 11, SPEC M3): through the
//! page and the API, to the attendees who are parties with an e-mail
//! address, recorded (who received them, when) and shown under the meeting;
//! refused, naming the meeting, when no attendee has an address.

use serde_json::json;

use crate::both;
use crate::helpers::*;
use crate::monitoring::plan_with_content;

/// Ruby's plan with two meetings: the first attended only by Hannah (no
/// address); the second by Hannah, Claire (a contact that is an address)
/// and a visitor, with Mair's apologies. Returns the app, the plan's id and
/// the two meetings' ids.
async fn two_meetings(backend: Backend) -> (TestApp, String, String, String) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let plan = plan_with_content(&priya, "Ruby", "CP", "2026-09-16", 12).await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let hannah = plan["parties"][0]["id"].as_str().unwrap().to_owned();
    let mair = plan["parties"][1]["id"].as_str().unwrap().to_owned();
    let version = plan["version"].as_i64().unwrap();
    let (status, plan) = priya
        .post(
            &format!("/plans/{p}/parties"),
            json!({"base_version": version, "name": "Claire Martin", "role": "teacher", "contact": " claire@example.org "}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let claire = plan["parties"][2]["id"].as_str().unwrap().to_owned();

    // The first meeting: only Hannah (no address) came.
    let (status, first) = priya
        .post(
            &format!("/plans/{p}/meetings"),
            json!({"date": "2026-10-01", "chair": "Hannah Reid", "attendee_party_ids": [hannah]}),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    let first = first["id"].as_str().unwrap().to_owned();
    let (status, second) = priya
        .post(
            &format!("/plans/{p}/meetings"),
            json!({"date": "2026-11-01", "chair": "Hannah Reid", "attendee_party_ids": [hannah, claire],
                   "other_attendees": ["Dr Okafor"], "apology_party_ids": [mair], "discussion": "Ruby is settling in."}),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    let second = second["id"].as_str().unwrap().to_owned();
    (app, p, first, second)
}

async fn minutes_go_to_attendees_with_an_address(backend: Backend) {
    let (app, p, first, second) = two_meetings(backend).await;
    let priya = {
        let user = app.store.user_by_email("priya@example.org").await.unwrap().unwrap();
        let token = goldthread::auth::new_api_token();
        app.store
            .create_api_token(user.id, "second", &goldthread::auth::token_hash(&token))
            .await
            .unwrap();
        app.api_with_token(&token)
    };
    let claire = {
        let (_, plan) = priya.get(&format!("/plans/{p}")).await;
        plan["parties"][2]["id"].as_str().unwrap().to_owned()
    };
    let (status, problem) = priya
        .post(&format!("/plans/{p}/meetings/{first}/minutes"), json!({}))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert!(problem.to_string().contains("meeting_id"), "{problem}");

    // The second: only Claire has an address.
    let (status, sent) = priya
        .post(&format!("/plans/{p}/meetings/{second}/minutes"), json!({}))
        .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["meeting_id"], json!(second));
    assert_eq!(
        sent["recipients"],
        json!([{"party_id": claire, "name": "Claire Martin", "email": "claire@example.org"}])
    );
    assert_eq!(sent["sent_by_name"], json!("priya"), "{sent}");
    let outbox = app.store.outbox(10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].to, "claire@example.org");
    assert!(
        outbox[0]
            .subject
            .starts_with("Minutes of the meeting on 1 November 2026"),
        "{}",
        outbox[0].subject
    );
    assert!(outbox[0].body.contains("Dear Claire Martin"), "{}", outbox[0].body);
    assert!(outbox[0].body.contains("Ruby is settling in."), "{}", outbox[0].body);
    assert!(outbox[0].body.contains("Apologies: Mair Jones"), "{}", outbox[0].body);
    assert!(
        outbox[0].body.contains(&format!("/plans/{p}/meetings#meeting-2")),
        "{}",
        outbox[0].body
    );

    let (status, list) = priya.get(&format!("/plans/{p}/minutes")).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    // Through the page: the button under the meeting, then the banner and
    // the line saying who received them.
    let browser = app.signed_in("priya@example.org").await;
    let page = format!("/plans/{p}/meetings");
    let (status, html) = browser.get(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"meeting-2-send\""), "{html}");
    assert!(
        html.contains("Minutes sent to Claire Martin (claire@example.org) by"),
        "{html}"
    );
    let response = browser
        .submit(&page, &format!("/plans/{p}/meetings/{second}/minutes"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = browser.get(&location(&response)).await;
    assert!(html.contains("The minutes have been sent."), "{html}");
    assert_eq!(html.matches("Minutes sent to Claire Martin").count(), 2);
    assert_eq!(app.store.outbox(10).await.unwrap().len(), 2);

    // Refused through the page: the error summary names the meeting's button.
    let response = browser
        .submit(&page, &format!("/plans/{p}/meetings/{first}/minutes"), &[])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("href=\"#meeting-1-send\""), "{html}");
    assert!(html.contains("No one who attended has an email address"), "{html}");

    // Someone who may not see the plan finds nothing.
    let (_, sam) = app.api_user("sam2@example.org", "practitioner").await;
    let (status, _) = sam
        .post(&format!("/plans/{p}/meetings/{second}/minutes"), json!({}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = sam.get(&format!("/plans/{p}/minutes")).await;
    assert_eq!(status, 404);
    assert_eq!(app.store.outbox(10).await.unwrap().len(), 2);
}
both!(minutes_go_to_attendees_with_an_address);

/// The same through the real headless Chromium: the banner, the line under
/// the meeting, and the error summary, each axe clean at 390 px too.
async fn minutes_in_the_browser(backend: Backend) {
    use crate::accessibility::{Audit, loaded, sign_in};
    use crate::browser::{browser, click, start_driver, text};

    let (app, p, _, _) = two_meetings(backend).await;
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = Audit::new();
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;
    client.goto(&app.url(&format!("/plans/{p}/meetings"))).await.unwrap();
    loaded(&client).await;
    click(&client, "#meeting-2-send").await;
    loaded(&client).await;
    assert!(
        text(&client, "#minutes-banner")
            .await
            .contains("The minutes have been sent.")
    );
    let line = text(&client, "#meeting-2-minutes").await;
    assert!(
        line.contains("Minutes sent to Claire Martin (claire@example.org) by priya on"),
        "{line}"
    );
    audit.check(&client, "Meetings, minutes sent").await;
    click(&client, "#meeting-1-send").await;
    loaded(&client).await;
    assert!(
        text(&client, "#minutes-error-summary")
            .await
            .contains("No one who attended has an email address")
    );
    audit.check(&client, "Meetings, minutes refused").await;
    client.close().await.unwrap();
    audit.assert_clean();
    assert_eq!(app.store.outbox(10).await.unwrap().len(), 1);
}
both!(minutes_in_the_browser);
