//! "Transfer to the official form" (issue 6): a person-led blank sheet
//! (PB-BLANK) becomes a new PB plan with all its content and parties, in
//! one transaction; each plan's history names the other; the blank sheet is
//! closed and stays readable. Through the API, the pages, the command line
//! and a real browser.

use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Api, Backend, fresh_database, location, spawn_app, spawn_on_url, text_of};

/// A blank-sheet plan with texts, an aspiration and a party who has an
/// account (the lead); returns it.
async fn blank_sheet(api: &Api, party_user: &str, given: &str) -> Value {
    let plan = api.plan(given, "PB-BLANK").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let mut version = plan["version"].as_i64().unwrap();
    let changes = [
        json!({"type": "texts_set", "section": "important_to_me", "authorship": {"written_by": "me", "helped_by": null},
               "texts": {"important_to_me": "My dog Biscuit and my Saturday job"}}),
        json!({"type": "texts_set", "section": "passions_interests_skills",
               "texts": {"passions": "Football", "skills": "Fixing bikes"}}),
        json!({"type": "item_added", "item": {"kind": "aspiration", "id": uuid::Uuid::new_v4(), "term": "long",
               "text": "To live in my own flat"}}),
    ];
    for change in changes {
        let (status, body) = api
            .post(
                &format!("/plans/{id}/changes"),
                json!({"base_version": version, "change": change}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        version = body["version"].as_i64().unwrap();
    }
    let (status, body) = api
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": version, "name": "Amina Yusuf", "role": "social_worker",
                   "user_id": party_user, "lead": true}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body
}

fn types(log: &Value) -> Vec<String> {
    log.as_array()
        .unwrap()
        .iter()
        .map(|r| r["change"]["type"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_blank_sheet_is_transferred_to_the_official_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (amina, amina_api) = app.api_user("amina@example.org", "practitioner").await;
    let (_, stranger) = app.api_user("sol@example.org", "practitioner").await;
    let blank = blank_sheet(&priya, &amina.id.to_string(), "Amir").await;
    let id = blank["id"].as_str().unwrap().to_owned();

    // Without access: exactly like a plan that does not exist.
    let (status, problem) = stranger
        .post(&format!("/plans/{id}/transfer"), json!({"plan_type": "PB"}))
        .await;
    assert_eq!(status, 404, "{problem}");
    let (status, _) = priya
        .post(
            &format!("/plans/{}/transfer", uuid::Uuid::new_v4()),
            json!({"plan_type": "PB"}),
        )
        .await;
    assert_eq!(status, 404);
    // Onto an unknown type, or a form that is not its official one.
    let (status, problem) = priya
        .post(&format!("/plans/{id}/transfer"), json!({"plan_type": "NOPE"}))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "plan_type");
    let (status, problem) = priya
        .post(&format!("/plans/{id}/transfer"), json!({"plan_type": "MSP"}))
        .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "plan_type");
    // Links are made only by the transfer, never through the log.
    let (status, problem) = priya
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": 5, "change": {"type": "continued_as", "to": {
                "plan_id": uuid::Uuid::new_v4(), "plan_type": "PB", "number": 1, "kind": "transfer"}}}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let (_, log_before) = priya.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(log_before.as_array().unwrap().len(), 6, "nothing was written");

    let (status, done) = priya
        .post(
            &format!("/plans/{id}/transfer"),
            json!({"plan_type": "PB", "reason": "Amir's plan is ready for panel"}),
        )
        .await;
    assert_eq!(status, 201, "{done}");
    let plan = &done["plan"];
    let new_id = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(plan["plan_type"], "PB");
    assert_eq!(plan["number"], 1);
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["content"], blank["content"], "all the content is carried");
    assert_eq!(plan["parties"], blank["parties"], "and everyone involved");
    assert_eq!(plan["lead_party_id"], blank["lead_party_id"]);
    assert_eq!(plan["links"]["from"]["plan_id"], id.as_str());
    assert_eq!(plan["links"]["from"]["plan_type"], "PB-BLANK");
    assert_eq!(done["from"]["status"], "closed");
    assert_eq!(done["from"]["links"]["to"]["plan_id"], new_id.as_str());
    // It opens on what the official form still needs.
    let gaps = done["gaps"].as_array().unwrap();
    assert!(!gaps.is_empty(), "{done}");
    assert!(
        gaps.iter().all(|g| g["text_key"] != "important_to_me"),
        "what the blank sheet says is not a gap: {gaps:?}"
    );

    // Each plan's history records the link: who, when, why.
    let (_, log) = priya.get(&format!("/plans/{id}/changes")).await;
    let tail: Vec<String> = types(&log).into_iter().skip(6).collect();
    assert_eq!(tail, ["continued_as", "status_changed"]);
    let last = &log.as_array().unwrap()[6];
    assert_eq!(last["author_name"], "priya");
    assert_eq!(last["reason"], "Amir's plan is ready for panel");
    assert_eq!(last["change"]["to"]["plan_id"], new_id.as_str());
    let (_, new_log) = priya.get(&format!("/plans/{new_id}/changes")).await;
    assert_eq!(
        types(&new_log),
        ["created", "continued_from", "approval_required"],
        "the PB form needs funding approval"
    );
    assert_eq!(new_log[1]["change"]["from"]["plan_id"], id.as_str());
    assert_eq!(new_log[1]["author_name"], "priya");
    assert_eq!(new_log[1]["reason"], "Amir's plan is ready for panel");

    // The blank sheet stays readable, and is no longer changed.
    let (status, old) = priya.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(old["status"], "closed");
    assert_eq!(old["content"], blank["content"]);
    // A party with an account sees the new plan as they saw the old.
    assert_eq!(amina_api.get(&format!("/plans/{new_id}")).await.0, 200);
    assert_eq!(stranger.get(&format!("/plans/{new_id}")).await.0, 404);

    // Twice: refused, and nothing more is written.
    let (status, problem) = priya
        .post(&format!("/plans/{id}/transfer"), json!({"plan_type": "PB"}))
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem.to_string().contains("already been transferred"), "{problem}");
    // A plan that is not a blank sheet cannot be transferred.
    let (status, problem) = priya
        .post(&format!("/plans/{new_id}/transfer"), json!({"plan_type": "PB"}))
        .await;
    assert_eq!(status, 409, "{problem}");
    // A second blank sheet for Amir cannot become a second active PB.
    let (status, second) = priya
        .post(
            "/plans",
            json!({"person_id": plan["person_id"], "plan_type": "PB-BLANK"}),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    let (status, problem) = priya
        .post(
            &format!("/plans/{}/transfer", second["id"].as_str().unwrap()),
            json!({"plan_type": "PB"}),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem.to_string().contains("already has an active"), "{problem}");
    let (_, plans) = priya
        .get(&format!(
            "/plans?person_id={}&plan_type=PB",
            plan["person_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(plans["total"], 1);
}
both!(a_blank_sheet_is_transferred_to_the_official_form);

/// The pages: the blank sheet offers the transfer, a confirmation page asks
/// first, and the new plan opens on what the form still needs; each plan's
/// page links to the other.
async fn the_pages_transfer_and_link_both_ways(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (amina, _) = app.api_user("amina@example.org", "practitioner").await;
    let blank = blank_sheet(&priya, &amina.id.to_string(), "Amir").await;
    let id = blank["id"].as_str().unwrap().to_owned();
    let browser = app.signed_in("priya@example.org").await;

    let (_, html) = browser.get(&format!("/plans/{id}")).await;
    assert!(
        html.contains(&format!("href=\"/plans/{id}/transfer\"")),
        "the blank sheet offers the transfer"
    );
    // Shown on the official form, with its gaps, it offers the transfer too.
    let (_, html) = browser.get(&format!("/plans/{id}/as/PB")).await;
    assert!(text_of(&html, "#transfer-from-form").is_some());
    let (_, html) = browser.get(&format!("/plans/{id}/as/MSP")).await;
    assert!(text_of(&html, "#transfer-from-form").is_none());
    let page = format!("/plans/{id}/transfer");
    let (status, html) = browser.get(&page).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&html, "h1").unwrap(), "Transfer to the official form");
    assert!(html.contains("will be closed"), "{html}");
    let response = browser.submit(&page, &page, &[("reason", "Ready for panel")]).await;
    assert_eq!(response.status(), 303);
    let target = location(&response);
    assert!(target.ends_with("?transferred=1#transferred"), "{target}");
    let new_plan = target.split('?').next().unwrap().to_owned();
    let (_, html) = browser.get(&format!("{new_plan}?transferred=1")).await;
    assert!(
        text_of(&html, "#transferred")
            .unwrap()
            .contains("Transferred to the official form")
    );
    assert!(
        html.contains(&format!("href=\"/plans/{id}\"")),
        "links back to the blank sheet"
    );
    assert!(
        text_of(&html, "#form-gaps").is_some(),
        "lists what the form still needs"
    );
    let (_, html) = browser.get(&format!("/plans/{id}")).await;
    assert!(text_of(&html, "#transferred-to").is_some());
    assert!(
        html.contains(&format!("href=\"{new_plan}\"")),
        "links on to the new plan"
    );
    assert_eq!(text_of(&html, "#plan-status").unwrap(), "Closed");
    assert!(
        !html.contains(&format!("/plans/{id}/transfer")),
        "no second transfer offered"
    );
    // Twice, or from a plan that is not a blank sheet: there is no such page.
    assert_eq!(browser.get(&page).await.0, 404);
    assert_eq!(browser.get(&format!("{new_plan}/transfer")).await.0, 404);
    // Without access: not found.
    app.user("sol@example.org", "Sol", "practitioner").await;
    let stranger = app.signed_in("sol@example.org").await;
    let second = priya.plan("Jade", "PB-BLANK").await;
    let second_page = format!("/plans/{}/transfer", second["id"].as_str().unwrap());
    assert_eq!(stranger.get(&second_page).await.0, 404);
}
both!(the_pages_transfer_and_link_both_ways);

async fn the_command_line_transfers(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let app = spawn_on_url(backend, url.clone()).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (amina, _) = app.api_user("amina@example.org", "practitioner").await;
    let blank = blank_sheet(&priya, &amina.id.to_string(), "Amir").await;
    let id = blank["id"].as_str().unwrap().to_owned();

    let run = |args: &[&str]| crate::cli::goldthread(&url, args, "");
    let (ok, out, err) = run(&[
        "plan",
        "transfer",
        "--plan",
        &id,
        "--to",
        "MSP",
        "--as",
        "priya@example.org",
    ]);
    assert!(!ok, "{out}");
    assert!(err.contains("official form"), "{err}");
    let (ok, out, err) = run(&[
        "plan",
        "transfer",
        "--plan",
        &id,
        "--to",
        "PB",
        "--as",
        "amina@example.org",
    ]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Transferred to PB plan number 1"), "{out}");
    assert!(out.contains("the blank sheet is now closed"), "{out}");
    assert!(out.contains("What the form still needs"), "{out}");
    let (_, log) = priya.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(log.as_array().unwrap().last().unwrap()["author_name"], "amina");
    let (ok, _, err) = run(&[
        "plan",
        "transfer",
        "--plan",
        &id,
        "--to",
        "PB",
        "--as",
        "priya@example.org",
    ]);
    assert!(!ok);
    assert!(err.contains("already been transferred"), "{err}");
    let (ok, _, err) = run(&[
        "plan",
        "transfer",
        "--plan",
        &id,
        "--to",
        "PB",
        "--as",
        "nobody@example.org",
    ]);
    assert!(!ok);
    assert!(err.contains("no active user"), "{err}");
}
both!(the_command_line_transfers);

/// In a real browser: the blank sheet, the confirmation page and the new
/// plan, each checked with axe-core at desktop and phone widths.
async fn the_transfer_in_a_browser(backend: Backend) {
    use crate::accessibility::{Audit, heading_is, sign_in};
    use crate::browser::{browser, click, fill, start_driver};

    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (amina, _) = app.api_user("amina@example.org", "practitioner").await;
    let blank = blank_sheet(&priya, &amina.id.to_string(), "Amir").await;
    let id = blank["id"].as_str().unwrap().to_owned();
    let title = blank["title"].as_str().unwrap().to_owned();

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = Audit::new();
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;
    client.goto(&app.url(&format!("/plans/{id}"))).await.unwrap();
    heading_is(&client, &title).await;
    audit.check(&client, "Blank sheet, offering the transfer").await;
    click(&client, "#transfer-link").await;
    heading_is(&client, "Transfer to the official form").await;
    audit.check(&client, "Transfer to the official form").await;
    fill(&client, "#reason", "Ready for panel").await;
    click(&client, "#transfer").await;
    heading_is(&client, &title).await;
    let url = client.current_url().await.unwrap();
    assert_ne!(url.path(), format!("/plans/{id}"), "the new plan opens");
    let banner = crate::browser::text(&client, "#transferred").await;
    assert!(banner.contains("What the official form still needs"), "{banner}");
    audit
        .check(&client, "New plan, opening on what the form still needs")
        .await;
    click(&client, "#transferred-from").await;
    crate::browser::retry(&client, "the blank sheet's link on", || async {
        client.find(fantoccini::Locator::Css("#transferred-to")).await
    })
    .await;
    audit.check(&client, "Blank sheet, transferred").await;
    client.close().await.unwrap();
    audit.assert_clean();
}
both!(the_transfer_in_a_browser);

/// A document uploaded to the blank sheet goes with it: the new plan holds
/// its own copy of the file, and the blank sheet keeps the original.
async fn uploaded_files_go_with_the_transfer(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let plan = priya.plan("Amir", "PB-BLANK").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let client = reqwest::Client::new();
    let pdf = b"%PDF-1.4 my plan, drawn by me".to_vec();
    let response = client
        .post(app.url(&format!("/api/v1/plans/{id}/files?name=my-plan.pdf")))
        .bearer_auth(&priya.token)
        .header("content-type", "application/pdf")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let file: Value = response.json().await.unwrap();
    let (status, body) = priya
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": 1, "change": {"type": "item_added", "item": {"kind": "appendix",
                   "id": uuid::Uuid::new_v4(), "category": "other", "reference": "My plan on paper", "file": file}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, done) = priya
        .post(&format!("/plans/{id}/transfer"), json!({"plan_type": "PB"}))
        .await;
    assert_eq!(status, 201, "{done}");
    let new_id = done["plan"]["id"].as_str().unwrap();
    assert_eq!(
        done["plan"]["agreements"]["approval"]["approver_roles"],
        json!(["social_worker", "health_professional"]),
        "the PB form needs funding approval"
    );
    let copy = &done["plan"]["content"]["appendices"][0]["file"];
    assert_eq!(copy["name"], "my-plan.pdf");
    assert_ne!(copy["id"], file["id"], "the new plan has its own copy");
    let download = |plan: String, file: String| {
        client
            .get(app.url(&format!("/api/v1/plans/{plan}/files/{file}")))
            .bearer_auth(&priya.token)
            .send()
    };
    let response = download(new_id.to_owned(), copy["id"].as_str().unwrap().to_owned())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf);
    let response = download(id.clone(), file["id"].as_str().unwrap().to_owned())
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the blank sheet keeps its file");
}
both!(uploaded_files_go_with_the_transfer);
