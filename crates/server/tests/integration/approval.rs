//! Funding approval (issue 9, PB): a PB plan every party has agreed is put
//! into action only once the approver approves the current version; a
//! refusal is kept with its reason; bad decisions (a stale version, someone
//! not allowed, an empty refusal reason) are refused naming the field, with
//! nothing written.

use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Api, Backend, spawn_app};
use crate::reviews::{agree_all, version};

fn error_of<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body["errors"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message"].as_str())
}

pub(crate) async fn add_party(api: &Api, p: &str, name: &str, role: &str) -> String {
    let (_, plan) = api.get(&format!("/plans/{p}")).await;
    let (status, body) = api
        .post(
            &format!("/plans/{p}/parties"),
            json!({"base_version": version(&plan), "name": name, "role": role}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn decide(api: &Api, p: &str, party: &str, decision: &str, reason: Option<&str>) -> (u16, Value) {
    let (_, report) = api.get(&format!("/plans/{p}/agreements")).await;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let mut body = json!({"party_id": party, "version": report["version"], "content_hash": report["content_hash"],
        "on": today, "decision": decision});
    if let Some(reason) = reason {
        body["reason"] = json!(reason);
    }
    api.post(&format!("/plans/{p}/approval"), body).await
}

async fn funding_approval_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Amir", "PB").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(
        plan["agreements"]["approval"]["approver_roles"],
        json!(["social_worker", "health_professional"]),
        "{plan}"
    );
    let amir = add_party(&api, &p, "Amir Tester", "person").await;
    let grace = add_party(&api, &p, "Grace Obi", "social_worker").await;
    let plan = agree_all(&api, &p).await;
    assert_eq!(
        plan["status"], "draft",
        "every party agreed, but the funding is not approved yet"
    );
    let before = version(&plan);

    // Bad decisions: nothing written.
    let (status, body) = decide(&api, &p, &amir, "approved", None).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        error_of(&body, "party_id").unwrap().contains("may not approve"),
        "{body}"
    );
    let (status, body) = decide(&api, &p, &grace, "refused", Some("  ")).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "reason").is_some(), "{body}");
    let (status, body) = decide(&api, &p, &grace, "refused", None).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "reason").is_some(), "{body}");
    let (_, report) = api.get(&format!("/plans/{p}/agreements")).await;
    let stale = json!({"party_id": grace, "version": report["version"].as_i64().unwrap() - 1,
        "content_hash": report["content_hash"], "on": "2026-01-05", "decision": "approved"});
    let (status, body) = api.post(&format!("/plans/{p}/approval"), stale).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "version").unwrap().contains("has changed"), "{body}");
    let (status, body) = api
        .post(
            &format!("/plans/{p}/approval"),
            json!({"party_id": grace, "version": 1, "content_hash": "x", "on": "2026-01-05", "decision": "maybe"}),
        )
        .await;
    assert_eq!(status, 400, "an unknown decision is not read: {body}");
    let (_, plan) = api.get(&format!("/plans/{p}")).await;
    assert_eq!(version(&plan), before, "nothing written");

    // Refused with a reason: kept and shown; still not in action.
    let (status, plan) = decide(
        &api,
        &p,
        &grace,
        "refused",
        Some("The weekly cost is above the indicative budget"),
    )
    .await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["status"], "draft");
    let decisions = &plan["agreements"]["approval"]["decisions"];
    assert_eq!(
        decisions[0]["refused"],
        "The weekly cost is above the indicative budget"
    );

    // Approved: the plan is put into action.
    let (status, plan) = decide(&api, &p, &grace, "approved", None).await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["status"], "agreed", "{plan}");
    assert_eq!(plan["agreements"]["approval"]["decisions"].as_array().unwrap().len(), 2);
    let (_, history) = api.get(&format!("/plans/{p}/changes")).await;
    let types: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["change"]["type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"approval_refused") && types.contains(&"approval_given"),
        "{types:?}"
    );

    // An MSP plan needs no approval: a decision is refused.
    let msp = api.plan("Leo", "MSP").await;
    let m = msp["id"].as_str().unwrap().to_owned();
    let sw = add_party(&api, &m, "Grace Obi", "social_worker").await;
    let (status, body) = decide(&api, &m, &sw, "approved", None).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "party_id").unwrap().contains("does not need"), "{body}");
}
both!(funding_approval_through_the_api);

/// The page: the plan's Agreement block shows the funding approval part;
/// the decision form refuses bad input naming the field, keeping what was
/// typed, with nothing written; a refusal and then an approval are kept
/// and shown, and the plan is put into action.
async fn funding_approval_on_the_page(backend: Backend) {
    use crate::helpers::text_of;
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Amir", "PB").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let amir = add_party(&api, &p, "Amir Tester", "person").await;
    let grace = add_party(&api, &p, "Grace Obi", "social_worker").await;
    agree_all(&api, &p).await;
    let priya = app.signed_in("priya@example.org").await;

    let (status, html) = priya.get(&format!("/plans/{p}")).await;
    assert_eq!(status, 200);
    let words = text_of(&html, "#approval-status").unwrap();
    assert!(words.contains("has not been approved yet"), "{words}");
    assert!(html.contains(&format!("/plans/{p}/approval")));

    let form = format!("/plans/{p}/approval");
    let (status, html) = priya.get(&form).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Grace Obi"));
    assert!(!html.contains(&amir), "only approvers are offered");
    let (_, before) = api.get(&format!("/plans/{p}")).await;
    let today = time::OffsetDateTime::now_utc().date();
    let (d, m, y) = (
        today.day().to_string(),
        (today.month() as u8).to_string(),
        today.year().to_string(),
    );
    let date = [
        ("on-day", d.as_str()),
        ("on-month", m.as_str()),
        ("on-year", y.as_str()),
    ];
    let (_, report) = api.get(&format!("/plans/{p}/agreements")).await;
    let read = report["version"].to_string();
    let hash = report["content_hash"].as_str().unwrap().to_owned();
    let bound = [("version", read.as_str()), ("content_hash", hash.as_str())];

    // Refused with no reason: the form again, with what was typed.
    let mut fields = vec![("party_id", grace.as_str()), ("decision", "refused"), ("reason", " ")];
    fields.extend(date);
    fields.extend(bound);
    let response = priya.submit(&form, &form, &fields).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("govuk-error-summary"), "{html}");
    assert!(text_of(&html, "#reason-error").unwrap().contains("Say why"), "{html}");
    assert!(html.contains(r#"value="refused" checked"#), "the choice is kept");
    // Someone not allowed (Amir is not an approver), sent by hand.
    let mut fields = vec![("party_id", amir.as_str()), ("decision", "approved")];
    fields.extend(date);
    fields.extend(bound);
    let response = priya.submit(&form, &form, &fields).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, "#party_id-error").unwrap().contains("may not approve"),
        "{html}"
    );
    // A stale version.
    let (_, page) = priya.get(&form).await;
    let token = crate::helpers::csrf_of(&page).unwrap();
    let mut fields = vec![
        ("party_id", grace.as_str()),
        ("decision", "approved"),
        ("version", "1"),
        ("content_hash", "c1:stale"),
    ];
    fields.extend(date);
    let response = priya.post_raw(&form, &token, &fields).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "#version").unwrap().contains("has changed"), "{html}");
    let (_, after) = api.get(&format!("/plans/{p}")).await;
    assert_eq!(version(&after), version(&before), "nothing written");

    // Refused, with the reason; then approved.
    let mut fields = vec![
        ("party_id", grace.as_str()),
        ("decision", "refused"),
        ("reason", "The weekly cost is above the indicative budget"),
    ];
    fields.extend(date);
    fields.extend(bound);
    let response = priya.submit(&form, &form, &fields).await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&format!("/plans/{p}/agreements?saved=refused")).await;
    assert!(text_of(&html, "#saved-banner").unwrap().contains("refusal"), "{html}");
    let mut fields = vec![("party_id", grace.as_str()), ("decision", "approved")];
    fields.extend(date);
    fields.extend(bound);
    let response = priya.submit(&form, &form, &fields).await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&format!("/plans/{p}")).await;
    let words = text_of(&html, "#approval-status").unwrap();
    assert!(words.contains("the current version, was approved"), "{words}");
    let decisions = text_of(&html, "#approval-decisions").unwrap();
    assert!(
        decisions.contains("Refused version") && decisions.contains("above the indicative budget"),
        "{decisions}"
    );
    assert!(decisions.contains("Approved version"), "{decisions}");
    let (_, plan) = api.get(&format!("/plans/{p}")).await;
    assert_eq!(plan["status"], "agreed");

    // An MSP plan has no approval page.
    let msp = api.plan("Leo", "MSP").await;
    let (status, _) = priya
        .get(&format!("/plans/{}/approval", msp["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, 404);
}
both!(funding_approval_on_the_page);
