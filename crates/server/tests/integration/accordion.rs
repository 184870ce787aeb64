//! Long plan sections collapse (the GOV.UK accordion, issue 8): a section
//! can be hidden and shown again, a contents link into a collapsed section
//! opens it, and printing shows everything.

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, spawn_app};

const GOAL: &str = "By June 2027 Jade will pay her rent on time every month, checked with her key worker";

/// Is the accordion section headed `#{key}-heading` open?
async fn expanded(client: &fantoccini::Client, key: &str) -> bool {
    let button = crate::browser::retry(client, "the section's button", || async {
        client
            .find(fantoccini::Locator::Css(&format!("#{key}-heading button")))
            .await?
            .attr("aria-expanded")
            .await
    })
    .await;
    button.as_deref() == Some("true")
}

async fn wait_until(client: &fantoccini::Client, key: &str, open: bool) {
    for _ in 0..100 {
        if expanded(client, key).await == open {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the section {key} should be {}", if open { "open" } else { "closed" });
}

async fn sections_collapse_and_open_from_the_contents(backend: Backend) {
    use crate::accessibility::{Audit, heading_is, sign_in};
    use crate::browser::{browser, click, start_driver};

    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let plan = priya.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let (status, body) = priya
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": 1, "change": {"type": "item_added", "item": {"kind": "outcome",
                   "id": uuid::Uuid::new_v4(), "text": GOAL}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let title = plan["title"].as_str().unwrap().to_owned();

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = Audit::new();
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;
    client.goto(&app.url(&format!("/plans/{id}"))).await.unwrap();
    heading_is(&client, &title).await;
    // Every section starts open.
    assert!(expanded(&client, "goals").await);
    assert!(expanded(&client, "about_me").await);

    // Collapse "My goals": its content is hidden, the rest stays open.
    click(&client, "#goals-heading button").await;
    wait_until(&client, "goals", false).await;
    let goal_shown = client
        .execute("return document.getElementById('goals').checkVisibility()", vec![])
        .await
        .unwrap();
    assert_eq!(goal_shown, false, "a collapsed section's content is hidden");
    assert!(expanded(&client, "support").await);
    audit.check(&client, "Plan, one section collapsed").await;

    // Printing shows the collapsed section all the same.
    let pdf = client
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("Chromium prints the page");
    let path = crate::browser::artifacts_dir().join(format!("plan-collapsed-{backend:?}.pdf").to_lowercase());
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("pay her rent on time every month"), "{text}");
    assert!(
        !text.contains("Show all sections") && !text.contains("Hide all sections"),
        "{text}"
    );

    // Shown again with its own button.
    click(&client, "#goals-heading button").await;
    wait_until(&client, "goals", true).await;

    // A contents link into a collapsed section opens it.
    click(&client, "#goals-heading button").await;
    wait_until(&client, "goals", false).await;
    click(&client, ".app-contents a[href='#goals-heading']").await;
    wait_until(&client, "goals", true).await;
    let visible = client
        .execute("return document.getElementById('goals').checkVisibility()", vec![])
        .await
        .unwrap();
    assert_eq!(visible, true);
    audit.check(&client, "Plan, reached from the contents").await;

    // "Hide all sections" and "Show all sections".
    click(&client, ".govuk-accordion__show-all").await;
    wait_until(&client, "about_me", false).await;
    audit.check(&client, "Plan, every section collapsed").await;
    click(&client, ".govuk-accordion__show-all").await;
    wait_until(&client, "about_me", true).await;

    // After a save, the page returns to the place changed, open.
    client
        .goto(&app.url(&format!("/plans/{id}?saved=outcome-added&at=goals#goals")))
        .await
        .unwrap();
    heading_is(&client, &title).await;
    assert!(expanded(&client, "goals").await);
    audit.check(&client, "Plan, after a save").await;
    client.close().await.unwrap();
    audit.assert_clean();
}
both!(sections_collapse_and_open_from_the_contents);
