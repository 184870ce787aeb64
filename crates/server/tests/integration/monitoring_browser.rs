//! A Child's Plan through two child planning meetings in a real browser:
//! the second follows up the first's action points (one done, one carried
//! forward). Every new page (meetings, the meeting form with and without
//! errors, progress, the dashboard) passes axe with no violations, fits a
//! phone and has no snake_case words.

use fantoccini::{Client, Locator};
use serde_json::json;
use time::macros::date;

use crate::accessibility::{Audit, axe_source, errors_shown, heading_is, loaded, sign_in};
use crate::both;
use crate::browser::{browser, click, retry, screenshot, start_driver, text};
use crate::helpers::*;
use crate::monitoring::plan_with_content;

pub(crate) async fn fill_name(client: &Client, name: &str, value: &str) {
    retry(client, &format!("no field named {name}"), || async {
        let field = client.find(Locator::Css(&format!("[name='{name}']"))).await?;
        field.clear().await?;
        field.send_keys(value).await
    })
    .await;
}

pub(crate) async fn fill_date_named(client: &Client, name: &str, iso: &str) {
    let mut parts = iso.split('-');
    let (year, month, day) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    fill_name(client, &format!("{name}-day"), day).await;
    fill_name(client, &format!("{name}-month"), month).await;
    fill_name(client, &format!("{name}-year"), year).await;
}

pub(crate) async fn choose(client: &Client, name: &str, value: &str) {
    retry(client, &format!("no select named {name}"), || async {
        client
            .find(Locator::Css(&format!("select[name='{name}']")))
            .await?
            .select_by_value(value)
            .await
    })
    .await;
}

async fn tick(client: &Client, name: &str, value: &str) {
    click(client, &format!("input[name='{name}'][value='{value}']")).await;
}

async fn cp_plan_through_two_meetings(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = plan_with_content(&api, "Ruby", "CP", "2026-09-16", 12).await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let hannah = plan["parties"][0]["id"].as_str().unwrap().to_owned();
    let mair = plan["parties"][1]["id"].as_str().unwrap().to_owned();
    let outcome = plan["content"]["outcomes"][0]["id"].as_str().unwrap().to_owned();
    for (rater, score, date) in [("person", "-1", "2026-10-01"), ("worker", "-2", "2026-10-01")] {
        let (status, body) = api
            .post(
                &format!("/plans/{p}/ratings"),
                json!({"outcome_id": outcome, "date": date, "rater": rater, "score": score}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = Audit {
        axe: axe_source(),
        version: String::new(),
        pages: Vec::new(),
        problems: Vec::new(),
    };
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;

    client.goto(&app.url(&format!("/plans/{p}/meetings"))).await.unwrap();
    loaded(&client).await;
    assert!(
        text(&client, "#meetings-title")
            .await
            .contains("Child planning meetings")
    );
    audit.check(&client, "Meetings, none yet").await;
    click(&client, "#record-meeting").await;
    loaded(&client).await;
    audit.check(&client, "Record a meeting").await;

    // Saved with an action point that has no owner: refused, kept.
    fill_date_named(&client, "date", "2026-11-02").await;
    fill_name(&client, "chair", "Hannah Reid").await;
    fill_name(&client, "actions[0].text", "Arrange a breakfast club place").await;
    fill_date_named(&client, "actions[0].due", "2026-11-16").await;
    click(&client, "#save-meeting").await;
    errors_shown(&client).await;
    assert!(text(&client, ".govuk-error-summary").await.contains("Who will do it?"));
    audit.check(&client, "Record a meeting, with errors").await;

    choose(&client, "actions[0].owner_party_id", &hannah).await;
    tick(&client, "attendee_party_ids", &hannah).await;
    tick(&client, "attendee_party_ids", &mair).await;
    fill_name(&client, "actions[1].text", "Book a hearing test").await;
    choose(&client, "actions[1].owner_party_id", &mair).await;
    fill_date_named(&client, "actions[1].due", "2026-11-30").await;
    click(&client, "#save-meeting").await;
    retry(&client, "the meeting is saved", || async {
        client.find(Locator::Css("#saved-banner")).await
    })
    .await;
    assert!(text(&client, "#open-actions").await.contains("Book a hearing test"));
    audit.check(&client, "Meetings, one recorded").await;

    // The second meeting opens with both points to follow up.
    click(&client, "#record-meeting").await;
    loaded(&client).await;
    let follow = text(&client, "#follow_ups").await;
    assert!(!follow.is_empty());
    fill_date_named(&client, "date", "2026-12-07").await;
    fill_name(&client, "chair", "Hannah Reid").await;
    tick(&client, "follow_ups[0].outcome", "done").await;
    tick(&client, "follow_ups[1].outcome", "carried_forward").await;
    fill_date_named(&client, "follow_ups[1].new_due", "2026-12-11").await;
    fill_name(&client, "follow_ups[1].note", "On the clinic's waiting list").await;
    audit.check(&client, "Record the second meeting, following up").await;
    click(&client, "#save-meeting").await;
    retry(&client, "the second meeting is saved", || async {
        client.find(Locator::Css("#saved-banner")).await
    })
    .await;
    let second = text(&client, "#meeting-2").await;
    assert!(second.contains("Arrange a breakfast club place: Done"), "{second}");
    assert!(
        second.contains("Book a hearing test: Carried forward to 11 December 2026 – On the clinic's waiting list"),
        "{second}"
    );
    let first = text(&client, "#meeting-1").await;
    assert!(
        first.contains("Carried forward to 11 December 2026 at the meeting on 7 December 2026"),
        "{first}"
    );
    let open = text(&client, "#open-actions").await;
    assert!(
        open.contains("Book a hearing test") && !open.contains("breakfast"),
        "{open}"
    );
    audit.check(&client, "Meetings, two recorded").await;
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    screenshot(&client, &format!("meetings-{name}.png")).await;

    // The carried point is on the dashboard, due this week, with its owner.
    client.goto(&app.url("/dashboard")).await.unwrap();
    heading_is(&client, "Your dashboard").await;
    let due = text(&client, "#due-list").await;
    assert!(
        due.contains("Book a hearing test") && due.contains("Mair Jones"),
        "{due}"
    );
    audit.check(&client, "Dashboard").await;
    screenshot(&client, &format!("dashboard-{name}.png")).await;

    // Progress: the picture, and a rating added through the form.
    client.goto(&app.url(&format!("/plans/{p}/progress"))).await.unwrap();
    loaded(&client).await;
    audit.check(&client, "Progress").await;
    click(&client, "#save-rating").await;
    errors_shown(&client).await;
    audit.check(&client, "Progress, with errors").await;
    choose(&client, "rating-outcome", &outcome).await;
    fill_date_named(&client, "rating-date", "2026-12-08").await;
    tick(&client, "rating-rater", "person").await;
    tick(&client, "rating-score", "1").await;
    click(&client, "#save-rating").await;
    retry(&client, "the rating is saved", || async {
        client.find(Locator::Css("#saved-banner")).await
    })
    .await;
    assert!(text(&client, ".app-ratings").await.contains("+1"));
    audit.check(&client, "Progress, rated").await;
    client
        .execute("document.querySelector('.app-figure').scrollIntoView()", vec![])
        .await
        .unwrap();
    screenshot(&client, &format!("progress-{name}.png")).await;
    client.close().await.unwrap();

    assert!(audit.problems.is_empty(), "{}", audit.problems.join("\n"));
    let failures = audit.failures();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
both!(cp_plan_through_two_meetings);
