//! Funding approval in the browser: the plan page's Agreement block with
//! its "Funding approval" part, the decision form (with errors first, then
//! approved), each page passing axe with no serious or critical violations,
//! not scrolling sideways at phone width.

use crate::accessibility::{errors_shown, heading_is, sign_in};
use crate::approval::add_party;
use crate::both;
use crate::browser::{browser, click, fill, start_driver, text};
use crate::helpers::{Backend, spawn_app};
use crate::reviews::{agree_all, assert_clean, new_audit, submit};

async fn funding_approval_in_the_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Amir", "PB").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    add_party(&api, &p, "Amir Tester", "person").await;
    add_party(&api, &p, "Grace Obi", "social_worker").await;
    agree_all(&api, &p).await;

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = new_audit();
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;

    client.goto(&app.url(&format!("/plans/{p}"))).await.unwrap();
    crate::accessibility::loaded(&client).await;
    let words = text(&client, "#approval-status").await;
    assert!(words.contains("not been approved yet"), "{words}");
    audit.check(&client, "Plan, funding not yet approved").await;

    click(&client, "#approval-link").await;
    heading_is(&client, "Record the funding decision").await;
    audit.check(&client, "Record the funding decision").await;
    submit(&client).await;
    errors_shown(&client).await;
    audit.check(&client, "Record the funding decision, with errors").await;

    click(&client, "#party_id").await;
    click(&client, "#decision").await;
    fill(&client, "#reason", "").await;
    submit(&client).await;
    crate::accessibility::loaded(&client).await;
    let banner = text(&client, "#saved-banner").await;
    assert!(banner.contains("funding approval has been recorded"), "{banner}");
    audit.check(&client, "Agreements, funding approved").await;

    client.goto(&app.url(&format!("/plans/{p}"))).await.unwrap();
    crate::accessibility::loaded(&client).await;
    let words = text(&client, "#approval-status").await;
    assert!(words.contains("was approved"), "{words}");
    audit.check(&client, "Plan, funding approved").await;
    client.close().await.unwrap();
    assert_clean(&audit);
}
both!(funding_approval_in_the_browser);
