//! Concurrent edits never lose work: edits based on an older version are
//! merged field by field; only a field changed both ways is a 409 that
//! lists base, theirs and yours, and can be resolved or resubmitted.

use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Api, Backend, spawn_app};

fn risk(id: &str, risk: &str, triggers: &str, staff: &str) -> Value {
    json!({"kind": "risk", "id": id, "risk": risk, "identified": "assessment",
           "triggers": triggers, "what_staff_do": staff, "what_i_do": null, "contingency": null})
}

async fn change(api: &Api, plan: &str, base: i64, change: Value) -> (u16, Value) {
    api.post(
        &format!("/plans/{plan}/changes"),
        json!({"base_version": base, "change": change}),
    )
    .await
}

fn edit(item: Value) -> Value {
    json!({"type": "item_edited", "item": item})
}

fn risk_in(plan: &Value, id: &str) -> Value {
    plan["content"]["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

/// A plan with two risks; returns the API users, the plan id and its version.
async fn plan_with_two_risks(backend: Backend) -> (crate::helpers::TestApp, Api, Api, String, i64) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (_, sam) = app.api_user("sam@example.org", "admin").await;
    let plan = priya.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let mut version = plan["version"].as_i64().unwrap();
    for (rid, text) in [(A, "Goes out late at night"), (B, "Misses medication")] {
        let (status, body) = change(
            &priya,
            &id,
            version,
            json!({"type": "item_added", "item": risk(rid, text, "Friends call round", "Check in at 10pm")}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        version = body["version"].as_i64().unwrap();
    }
    (app, priya, sam, id, version)
}

const A: &str = "6a1f6a52-7a8e-4c57-9d53-5b1a0f3f0a01";
const B: &str = "6a1f6a52-7a8e-4c57-9d53-5b1a0f3f0a02";

async fn edits_of_other_items_and_other_fields_are_merged(backend: Backend) {
    let (_app, priya, sam, id, base) = plan_with_two_risks(backend).await;

    // Priya edits risk A; Sam, on the same version, edits risk B: both apply.
    let (status, body) = change(
        &priya,
        &id,
        base,
        edit(risk(A, "Goes out late at night", "Payday weekends", "Check in at 10pm")),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = change(
        &sam,
        &id,
        base,
        edit(risk(
            B,
            "Misses medication",
            "Friends call round",
            "Dosette box, weekly check",
        )),
    )
    .await;
    assert_eq!(status, 201, "another item: applied on top, no conflict: {body}");

    // Sam, still on the old version, changes another field of risk A and
    // re-sends the stale triggers he saw: Priya's triggers are kept.
    let (status, plan) = change(
        &sam,
        &id,
        base,
        edit(risk(
            A,
            "Goes out late at night",
            "Friends call round",
            "Text at 10pm, call at 11pm",
        )),
    )
    .await;
    assert_eq!(status, 201, "same item, other field: {plan}");
    assert_eq!(plan["version"], base + 3);
    let a = risk_in(&plan, A);
    assert_eq!(
        a["triggers"], "Payday weekends",
        "the stale value did not revert Priya's change"
    );
    assert_eq!(a["what_staff_do"], "Text at 10pm, call at 11pm");
    assert_eq!(risk_in(&plan, B)["what_staff_do"], "Dosette box, weekly check");
}
both!(edits_of_other_items_and_other_fields_are_merged);

/// A save's answer is the plan exactly as it was stored and is read back,
/// also when the save was merged over someone else's (the API sends the
/// stored JSON itself rather than writing the plan out again).
async fn a_saves_answer_is_the_plan_as_read_back(backend: Backend) {
    let (app, priya, sam, id, base) = plan_with_two_risks(backend).await;
    let (status, saved) = change(
        &priya,
        &id,
        base,
        edit(risk(A, "Goes out late at night", "Payday weekends", "Check in at 10pm")),
    )
    .await;
    assert_eq!(status, 201, "{saved}");
    let (_, read) = priya.get(&format!("/plans/{id}")).await;
    assert_eq!(saved, read);
    // Sam saves on the old version: merged over Priya's change.
    let (status, merged) = change(
        &sam,
        &id,
        base,
        edit(risk(B, "Misses medication", "Friends call round", "Weekly check")),
    )
    .await;
    assert_eq!(status, 201, "{merged}");
    assert_eq!(merged["version"], base + 2);
    assert_eq!(risk_in(&merged, A)["triggers"], "Payday weekends");
    let (_, read) = sam.get(&format!("/plans/{id}")).await;
    assert_eq!(merged, read);
    // Sent as JSON, as every other answer of the API.
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/plans/{id}/changes")))
        .bearer_auth(&sam.token)
        .json(&json!({"base_version": base + 2, "change": edit(risk(B, "Misses medication", "Friends call round", "Daily check"))}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["version"], base + 3);
}
both!(a_saves_answer_is_the_plan_as_read_back);

async fn the_same_field_is_a_409_with_the_differences(backend: Backend) {
    let (_app, priya, sam, id, base) = plan_with_two_risks(backend).await;
    let (status, _) = change(
        &priya,
        &id,
        base,
        edit(risk(A, "Goes out late at night", "Payday weekends", "Check in at 10pm")),
    )
    .await;
    assert_eq!(status, 201);

    let sams = edit(risk(A, "Goes out late", "After arguments at home", "Check in at 10pm"));
    let (status, problem) = change(&sam, &id, base, sams.clone()).await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["base_version"], base);
    assert_eq!(problem["current_version"], base + 1);
    assert_eq!(
        problem["fields"],
        json!([{"field": "risk.triggers", "base": "Friends call round", "theirs": "Payday weekends", "yours": "After arguments at home"}])
    );
    assert!(problem["detail"].as_str().unwrap().contains("risk.triggers"));
    assert_eq!(problem["changes"].as_array().unwrap().len(), 1);
    let (_, plan) = priya.get(&format!("/plans/{id}")).await;
    assert_eq!(plan["version"], base + 1, "nothing was written");

    // Resolved by keeping theirs: Sam's other field (the risk's wording) is
    // still saved, and the choice is in the history.
    let (status, plan) = sam
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": base, "change": sams, "resolve": {"seen_version": base + 1, "keep": "theirs"}}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let a = risk_in(&plan, A);
    assert_eq!(a["triggers"], "Payday weekends");
    assert_eq!(a["risk"], "Goes out late");
    let (_, log) = sam.get(&format!("/plans/{id}/changes")).await;
    let last = log.as_array().unwrap().last().unwrap();
    assert!(
        last["reason"]
            .as_str()
            .unwrap()
            .contains("keeping the value saved by others for risk.triggers"),
        "{last}"
    );

    // A resolution for a version that has moved on in the same field is
    // refused again; the newer value must be seen first.
    let version = plan["version"].as_i64().unwrap();
    let (status, _) = change(
        &priya,
        &id,
        version,
        edit(risk(A, "Goes out late", "Payday", "Check in at 10pm")),
    )
    .await;
    assert_eq!(status, 201);
    let mine = edit(risk(A, "Goes out late", "Late buses", "Check in at 10pm"));
    let (status, problem) = sam
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": version - 1, "change": mine.clone(), "resolve": {"seen_version": version, "keep": "yours"}}),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["fields"][0]["theirs"], "Payday");

    // A client can resubmit its edit on the newer base: it wins.
    let current = problem["current_version"].as_i64().unwrap();
    let (status, plan) = change(&sam, &id, current, mine).await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(risk_in(&plan, A)["triggers"], "Late buses");
}
both!(the_same_field_is_a_409_with_the_differences);

async fn details_and_texts_merge_through_their_own_routes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (_, sam) = app.api_user("sam@example.org", "admin").await;
    let plan = priya.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let base = plan["version"].as_i64().unwrap();
    let title = plan["title"].as_str().unwrap().to_owned();

    let (status, _) = priya
        .put(
            &format!("/plans/{id}"),
            json!({"base_version": base, "title": "Jade's move-on plan"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, plan) = sam
        .put(
            &format!("/plans/{id}"),
            json!({"base_version": base, "title": title, "review_interval_weeks": 8}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["title"], "Jade's move-on plan");
    assert_eq!(plan["review_interval_weeks"], 8);
    let (status, problem) = priya
        .put(
            &format!("/plans/{id}"),
            json!({"base_version": base, "title": "Jade's plan", "review_interval_weeks": 12}),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    let fields: Vec<&str> = problem["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["details.review_interval_weeks", "details.title"]);

    // Texts merge per key: a stale copy of one text does not revert it.
    let texts = |v: i64, a: &str, b: &str| {
        json!({"base_version": v, "change": {"type": "texts_set", "section": "my_situation",
            "texts": {"important_to_me": a, "working": b}}})
    };
    let version = plan["version"].as_i64().unwrap();
    let (status, _) = priya
        .post(&format!("/plans/{id}/changes"), texts(version, "My cat", "Be patient"))
        .await;
    assert_eq!(status, 201);
    let (status, _) = priya
        .post(
            &format!("/plans/{id}/changes"),
            texts(version + 1, "My cat and my nan", "Be patient"),
        )
        .await;
    assert_eq!(status, 201);
    let (status, plan) = sam
        .post(
            &format!("/plans/{id}/changes"),
            texts(version + 1, "My cat", "Be patient\r\nand calm"),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["content"]["texts"]["important_to_me"], "My cat and my nan");
    assert_eq!(plan["content"]["texts"]["working"], "Be patient\r\nand calm");
}
both!(details_and_texts_merge_through_their_own_routes);

async fn the_409_is_documented(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, doc) = api.get("/openapi.json").await;
    let problem = &doc["components"]["schemas"]["Problem"]["properties"];
    assert!(problem["fields"].is_object(), "{problem}");
    assert!(problem["base_version"].is_object());
    let conflict = &doc["components"]["schemas"]["FieldConflict"]["properties"];
    for field in ["field", "base", "theirs", "yours"] {
        assert!(conflict[field].is_object(), "FieldConflict lacks {field}");
    }
    for side in ["base", "theirs", "yours"] {
        assert!(
            conflict[side].get("type").is_none(),
            "any JSON value: {}",
            conflict[side]
        );
    }
    let responses = &doc["paths"]["/plans/{id}/changes"]["post"]["responses"];
    assert!(responses["409"]["description"].as_str().unwrap().contains("fields"));
    let new_change = &doc["components"]["schemas"]["NewChange"]["properties"];
    assert!(new_change["resolve"].is_object());
}
both!(the_409_is_documented);

/// The details form, opened by Priya in her browser while Sam saves
/// through the API: other fields merge; the same field is the conflict page.
async fn the_conflict_page_offers_each_choice(backend: Backend) {
    use crate::helpers::{attr_of, csrf_of, location, text_of};
    let app = spawn_app(backend).await;
    let (_, priya_api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, sam) = app.api_user("sam@example.org", "admin").await;
    let priya = app.signed_in("priya@example.org").await;
    let plan = priya_api.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let title = plan["title"].as_str().unwrap().to_owned();
    let form = format!("/plans/{id}/details");

    // Opens the form, then Sam changes the title; Priya's save of the
    // review interval (re-sending the stale title) keeps Sam's title.
    let (_, html) = priya.get(&form).await;
    let token = csrf_of(&html).unwrap();
    let base = attr_of(&html, "input[name=base_version]", "value").unwrap();
    let (status, _) = sam
        .put(
            &format!("/plans/{id}"),
            json!({"base_version": 1, "title": "Jade's move-on plan"}),
        )
        .await;
    assert_eq!(status, 200);
    let response = priya
        .post_raw(
            &form,
            &token,
            &[
                ("base_version", &base),
                ("title", &title),
                ("review_interval_weeks", "8"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let (_, now) = sam.get(&format!("/plans/{id}")).await;
    assert_eq!(
        now["title"], "Jade's move-on plan",
        "the untouched field did not revert Sam's change"
    );
    assert_eq!(now["review_interval_weeks"], 8);

    // Both change the interval: the conflict page.
    let (_, html) = priya.get(&form).await;
    let base = attr_of(&html, "input[name=base_version]", "value").unwrap();
    let opened: i64 = base.parse().unwrap();
    let (status, _) = sam
        .put(
            &format!("/plans/{id}"),
            json!({"base_version": opened, "title": "Jade's move-on plan", "review_interval_weeks": 10}),
        )
        .await;
    assert_eq!(status, 200);
    let typed = [
        ("base_version", base.as_str()),
        ("title", "Jade's move-on plan"),
        ("review_interval_weeks", "12"),
    ];
    let response = priya.post_raw(&form, &token, &typed).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, ".govuk-error-summary__title")
            .unwrap()
            .contains("Someone else changed this")
    );
    assert!(html.contains("sam at "), "says who changed it");
    let row = text_of(&html, "#conflict-fields tbody tr").unwrap();
    assert_eq!(row, "Review interval weeks 8 10 12", "field, base, theirs, yours");
    assert_eq!(
        attr_of(&html, "#review_interval_weeks", "value").unwrap(),
        "12",
        "yours kept in the form"
    );
    assert_eq!(
        attr_of(&html, "input[name=base_version]", "value").unwrap(),
        base,
        "still based on what was opened"
    );
    let seen = attr_of(&html, "input[name=seen_version]", "value").unwrap();
    assert_eq!(seen, (opened + 1).to_string());
    for choice in ["theirs", "theirs_edit", "yours"] {
        assert!(
            html.contains(&format!(r#"name="resolve" value="{choice}""#)),
            "{choice} offered"
        );
    }
    // Saving again without choosing is still the conflict; nothing written.
    assert_eq!(priya.post_raw(&form, &token, &typed).await.status(), 422);
    let (_, now) = sam.get(&format!("/plans/{id}")).await;
    assert_eq!(now["review_interval_weeks"], 10);

    let (browser, form_path, token, seen) = (&priya, &form, &token, &seen);
    let choose = |choice: &'static str| {
        let mut fields: Vec<(&str, &str)> = typed.to_vec();
        fields.push(("seen_version", seen.as_str()));
        fields.push(("resolve", choice));
        async move { browser.post_raw(form_path, token, &fields).await }
    };

    // Keep theirs: Sam's 10 stays, and the choice (with Priya's 12) is in the history.
    let response = choose("theirs").await;
    assert_eq!(response.status(), 303);
    // Back to the plan's summary, with the banner saying the details changed.
    assert_eq!(
        location(&response),
        format!("/plans/{id}?saved=details-changed&at=summary#summary")
    );
    let (_, now) = sam.get(&format!("/plans/{id}")).await;
    assert_eq!(now["review_interval_weeks"], 10);
    let (_, log) = sam.get(&format!("/plans/{id}/changes")).await;
    let last = log.as_array().unwrap().last().unwrap().clone();
    let reason = last["reason"].as_str().unwrap();
    assert!(reason.contains("keeping the value saved by others"), "{reason}");
    assert!(reason.contains("12"), "Priya's value is recorded: {reason}");
    let (_, history) = priya.get(&format!("/plans/{id}/history")).await;
    assert!(history.contains("keeping the value saved by others"));

    // Keep theirs and edit: saved the same way, then the form again.
    let response = choose("theirs_edit").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), form);

    // Keep yours: Priya's 12 replaces Sam's 10.
    let response = choose("yours").await;
    assert_eq!(response.status(), 303);
    let (_, now) = sam.get(&format!("/plans/{id}")).await;
    assert_eq!(now["review_interval_weeks"], 12);
    let (_, log) = sam.get(&format!("/plans/{id}/changes")).await;
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert!(last["reason"].as_str().unwrap().contains("keeping this edit's value"));
}
both!(the_conflict_page_offers_each_choice);

/// Two people in two real browsers edit the parties of one plan at once.
async fn two_browsers_edit_one_plan(backend: Backend) {
    use crate::browser::{browser, click, fill, retry, start_driver, text};
    use fantoccini::{Client, Locator};

    let app = spawn_app(backend).await;
    let (_, priya_api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, sam_api) = app.api_user("sam@example.org", "admin").await;
    let plan = priya_api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let mut version = plan["version"].as_i64().unwrap();
    let mut parties = vec![];
    for (name, role) in [
        ("Claire Martin", "parent_carer"),
        ("Dr Tom Price", "health_professional"),
    ] {
        let (status, plan) = priya_api
            .post(
                &format!("/plans/{id}/parties"),
                json!({"base_version": version, "name": name, "role": role, "contact": "01632 960000"}),
            )
            .await;
        assert_eq!(status, 201, "{plan}");
        version = plan["version"].as_i64().unwrap();
        parties.push(
            plan["parties"].as_array().unwrap().last().unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let (claire, tom) = (parties[0].clone(), parties[1].clone());

    let driver = start_driver().await;
    let (profile_a, profile_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let priya = browser(&driver, profile_a.path()).await;
    let sam = browser(&driver, profile_b.path()).await;
    for (client, email) in [(&priya, "priya@example.org"), (&sam, "sam@example.org")] {
        client.goto(&app.url("/sign-in")).await.unwrap();
        fill(client, "#email", email).await;
        fill(client, "#password", crate::helpers::PASSWORD).await;
        click(client, "form[action='/sign-in'] button").await;
        wait_for_url(client, |u| !u.ends_with("/sign-in")).await;
    }
    let edit = |party: &str| app.url(&format!("/plans/{id}/parties/{party}/edit"));
    let open = |client: &Client, url: String| {
        let client = client.clone();
        async move {
            client.goto(&url).await.unwrap();
            retry(&client, "the party form", || async {
                client.find(Locator::Css("#contact")).await
            })
            .await;
        }
    };
    let save = |client: &Client| {
        let client = client.clone();
        async move {
            click(&client, "main form button:not([name])").await;
        }
    };
    let saved = |client: &Client| {
        let client = client.clone();
        async move { wait_for_url(&client, |u| !u.contains("/edit")).await }
    };
    let party = |plan: &Value, pid: &str| {
        plan["parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == pid)
            .cloned()
            .unwrap()
    };

    // Another item: Priya edits Claire while Sam edits Tom; both saved.
    open(&priya, edit(&claire)).await;
    open(&sam, edit(&tom)).await;
    fill(&priya, "#contact", "claire@example.org").await;
    save(&priya).await;
    saved(&priya).await;
    fill(&sam, "#agency", "Northfield NHS Trust").await;
    save(&sam).await;
    saved(&sam).await;
    let (_, now) = sam_api.get(&format!("/plans/{id}")).await;
    assert_eq!(party(&now, &claire)["contact"], "claire@example.org");
    assert_eq!(party(&now, &tom)["agency"], "Northfield NHS Trust");

    // The same item, other fields: both kept; Sam's stale contact does not
    // revert Priya's.
    open(&priya, edit(&claire)).await;
    open(&sam, edit(&claire)).await;
    fill(&priya, "#contact", "07700 900123").await;
    save(&priya).await;
    saved(&priya).await;
    fill(&sam, "#relationship", "Mum").await;
    save(&sam).await;
    saved(&sam).await;
    let (_, now) = sam_api.get(&format!("/plans/{id}")).await;
    assert_eq!(party(&now, &claire)["contact"], "07700 900123");
    assert_eq!(party(&now, &claire)["relationship"], "Mum");

    // The same field: Sam gets the conflict page, for each choice.
    for (round, choice) in ["Keep theirs", "Keep theirs and edit", "Keep yours"]
        .into_iter()
        .enumerate()
    {
        open(&priya, edit(&claire)).await;
        open(&sam, edit(&claire)).await;
        let (hers, his) = (format!("Clinic room {round}"), format!("Family hub {round}"));
        fill(&priya, "#agency", &hers).await;
        save(&priya).await;
        saved(&priya).await;
        fill(&sam, "#agency", &his).await;
        save(&sam).await;
        let row = text(&sam, "#conflict-fields tbody tr").await;
        assert!(
            row.contains(&hers) && row.contains(&his),
            "theirs and yours shown: {row}"
        );
        let kept = retry(&sam, "the agency field", || async {
            sam.find(Locator::Css("#agency")).await?.prop("value").await
        })
        .await;
        assert_eq!(kept.as_deref(), Some(his.as_str()), "yours kept in the form");
        if round == 0 {
            let png = sam.screenshot().await.unwrap();
            std::fs::write(
                crate::browser::artifacts_dir().join(format!("conflict-page-{}.png", backend_name(backend))),
                png,
            )
            .unwrap();
        }
        retry(&sam, choice, || async {
            sam.find(Locator::XPath(&format!("//button[normalize-space()='{choice}']")))
                .await?
                .click()
                .await
        })
        .await;
        if choice == "Keep theirs and edit" {
            // Saved, then the form again, at the new version with theirs in it.
            wait_for_url(&sam, |u| u.ends_with("/edit")).await;
            retry(&sam, "the form again, with theirs", || async {
                let value = sam.find(Locator::Css("#agency")).await?.prop("value").await?;
                if value.as_deref() == Some(hers.as_str()) {
                    Ok(())
                } else {
                    Err(fantoccini::error::CmdError::NotJson(format!("agency is {value:?}")))
                }
            })
            .await;
        } else {
            saved(&sam).await;
        }
        let (_, now) = sam_api.get(&format!("/plans/{id}")).await;
        let expected = if choice == "Keep yours" { &his } else { &hers };
        assert_eq!(party(&now, &claire)["agency"], expected.as_str(), "{choice}");
        let (_, log) = sam_api.get(&format!("/plans/{id}/changes")).await;
        let reason = log.as_array().unwrap().last().unwrap()["reason"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            reason.contains("Conflicting edit resolved"),
            "{choice} is in the history: {reason}"
        );
        assert!(
            reason.contains(if choice == "Keep yours" { &hers } else { &his }),
            "the value not kept is recorded: {reason}"
        );
    }
    priya.close().await.unwrap();
    sam.close().await.unwrap();
}
both!(two_browsers_edit_one_plan);

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

async fn wait_for_url(client: &fantoccini::Client, done: impl Fn(&str) -> bool) {
    for _ in 0..150 {
        if let Ok(url) = client.current_url().await
            && done(url.as_str())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the page did not move on: {:?}",
        client.current_url().await.map(|u| u.to_string())
    );
}

/// The section forms (an item, a section's texts) send every field back;
/// the ones the user did not touch never revert someone else's change.
async fn section_forms_merge_and_show_conflicts(backend: Backend) {
    use crate::helpers::{attr_of, csrf_of, text_of};
    let (app, _, sam, id, _) = plan_with_two_risks(backend).await;
    let priya = app.signed_in("priya@example.org").await;
    let plan_path = format!("/plans/{id}");

    // An item: Sam changes the triggers while Priya's form is open.
    let form = format!("/plans/{id}/sections/safety_plan/items/risk/{A}");
    let (status, html) = priya.get(&form).await;
    assert_eq!(status, 200);
    let token = csrf_of(&html).unwrap();
    let base = attr_of(&html, "input[name=base_version]", "value").unwrap();
    let opened: i64 = base.parse().unwrap();
    let (status, _) = change(
        &sam,
        &id,
        opened,
        edit(risk(A, "Goes out late at night", "Payday weekends", "Check in at 10pm")),
    )
    .await;
    assert_eq!(status, 201);
    let response = priya
        .post_raw(
            &form,
            &token,
            &[
                ("base_version", base.as_str()),
                ("risk", "Goes out late at night"),
                ("identified", "assessment"),
                ("triggers", "Friends call round"),
                ("what_staff_do", "Text at 10pm"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let a = risk_in(&sam.get(&plan_path).await.1, A);
    assert_eq!(
        a["triggers"], "Payday weekends",
        "the untouched field kept Sam's change"
    );
    assert_eq!(a["what_staff_do"], "Text at 10pm");

    // Texts: one key each merges; the same key is the conflict page.
    let form = format!("/plans/{id}/sections/my_situation/texts");
    let (_, html) = priya.get(&form).await;
    let base = attr_of(&html, "input[name=base_version]", "value").unwrap();
    let opened: i64 = base.parse().unwrap();
    let set = |key: &str, text: &str| json!({"type": "texts_set", "section": "my_situation", "texts": {key: text}});
    let (status, _) = change(&sam, &id, opened, set("important_to_me", "My cat Pepper")).await;
    assert_eq!(status, 201);
    let response = priya
        .post_raw(
            &form,
            &token,
            &[
                ("base_version", base.as_str()),
                ("important_to_me", ""),
                ("working", "My key worker"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let texts = sam.get(&plan_path).await.1["content"]["texts"].clone();
    assert_eq!(texts["important_to_me"], "My cat Pepper");
    assert_eq!(texts["working"], "My key worker");

    let (_, html) = priya.get(&form).await;
    let base = attr_of(&html, "input[name=base_version]", "value").unwrap();
    let opened: i64 = base.parse().unwrap();
    let (status, _) = change(&sam, &id, opened, set("important_to_me", "My cat Pepper and my nan")).await;
    assert_eq!(status, 201);
    let typed = [
        ("base_version", base.as_str()),
        ("important_to_me", "Football on Saturdays"),
        ("working", "My key worker"),
    ];
    let response = priya.post_raw(&form, &token, &typed).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(
        text_of(&html, "#conflict-fields tbody tr").unwrap(),
        "What is important to me My cat Pepper My cat Pepper and my nan Football on Saturdays"
    );
    assert!(
        html.contains("Football on Saturdays</textarea>"),
        "yours kept in the form"
    );
    let seen = attr_of(&html, "input[name=seen_version]", "value").unwrap();
    let mut choice = typed.to_vec();
    choice.extend([("seen_version", seen.as_str()), ("resolve", "yours")]);
    let response = priya.post_raw(&form, &token, &choice).await;
    assert_eq!(response.status(), 303);
    let texts = sam.get(&plan_path).await.1["content"]["texts"].clone();
    assert_eq!(texts["important_to_me"], "Football on Saturdays");
    let (_, log) = sam.get(&format!("/plans/{id}/changes")).await;
    let reason = log.as_array().unwrap().last().unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reason.contains("My cat Pepper and my nan"),
        "what was replaced is recorded: {reason}"
    );
}
both!(section_forms_merge_and_show_conflicts);

/// Keeping theirs over a long text records the long text not kept in full:
/// the note is not held to the 2,000 characters of a typed reason.
async fn a_long_text_not_kept_is_recorded_in_full(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let plan = priya.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let base = plan["version"].as_i64().unwrap();
    let set = |v: i64, text: &str| json!({"base_version": v, "change": {"type": "texts_set", "section": "my_situation", "texts": {"important_to_me": text}}});
    let (status, _) = priya.post(&format!("/plans/{id}/changes"), set(base, "Short")).await;
    assert_eq!(status, 201);
    let long = "Seeing my sister every week. ".repeat(120);
    let (status, problem) = priya.post(&format!("/plans/{id}/changes"), set(base, &long)).await;
    assert_eq!(status, 409, "{problem}");
    let mut again = set(base, &long);
    again["resolve"] = json!({"seen_version": base + 1, "keep": "theirs"});
    let (status, plan) = priya.post(&format!("/plans/{id}/changes"), again).await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["content"]["texts"]["important_to_me"], "Short");
    let (_, log) = priya.get(&format!("/plans/{id}/changes")).await;
    let reason = log.as_array().unwrap().last().unwrap()["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(reason.contains(long.trim_end()), "recorded in full");
}
both!(a_long_text_not_kept_is_recorded_in_full);

/// The plan and the practitioner who holds it, of the first generated
/// My Support Plan (the county's ids follow from its seed: every database
/// generated alike has this plan under the same id).
async fn generated_plan(app: &crate::helpers::TestApp) -> (String, String) {
    use goldthread::store::Store;
    let types = goldthread_domain::plan_type::Registry::builtin();
    goldthread::demo::county::generate(&app.store, &types, 12, None, |_, _| {})
        .await
        .unwrap();
    let sql = "SELECT p.id, u.email FROM plans p JOIN plan_access a ON a.plan_id = p.id \
               JOIN users u ON u.id = a.user_id WHERE p.plan_type = 'MSP' AND u.role = 'practitioner' \
               ORDER BY p.id LIMIT 1";
    match &app.store {
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await.unwrap(),
    }
}

/// A save based on an earlier version merges against that version as this
/// database holds it. Earlier versions are kept in memory to spare reading
/// the history (store/recent.rs); two databases with a plan of the same id
/// and version but different histories (here two generated counties, each
/// then changed its own way) must not take each other's.
/// A change to an agreed plan (which takes a reason).
async fn agreed_change(api: &Api, plan: &str, base: i64, change: Value) -> (u16, Value) {
    api.post(
        &format!("/plans/{plan}/changes"),
        json!({"base_version": base, "change": change, "reason": "Talked through with the person"}),
    )
    .await
}

async fn a_stale_save_merges_against_its_own_databases_version(backend: Backend) {
    const R: &str = "6a1f6a52-7a8e-4c57-9d53-5b1a0f3f0a03";
    let ours = spawn_app(backend).await;
    let theirs = spawn_app(backend).await;
    let (id, email) = generated_plan(&ours).await;
    assert_eq!(generated_plan(&theirs).await, (id.clone(), email.clone()));
    let (ours, theirs) = (
        (ours.api_for(&email).await, ours),
        (theirs.api_for(&email).await, theirs),
    );
    let (_, plan) = ours.0.get(&format!("/plans/{id}")).await;
    let start = plan["version"].as_i64().unwrap();

    // Ours: the risk, then a colleague changes its triggers.
    let added =
        json!({"type": "item_added", "item": risk(R, "Goes out late", "Friends call round", "Check in at 10pm")});
    let (status, body) = agreed_change(&ours.0, &id, start, added).await;
    assert_eq!(status, 201, "{body}");
    let colleague = edit(risk(R, "Goes out late", "Payday weekends", "Check in at 10pm"));
    let (status, body) = agreed_change(&ours.0, &id, start + 1, colleague).await;
    assert_eq!(status, 201, "{body}");
    // Theirs: the same risk at the same version, with those triggers from
    // the start.
    let added = json!({"type": "item_added", "item": risk(R, "Goes out late", "Payday weekends", "Check in at 10pm")});
    let (status, body) = agreed_change(&theirs.0, &id, start, added).await;
    assert_eq!(status, 201, "{body}");

    // Ours, from the version before the colleague's: what staff do is
    // changed, the triggers are sent as they were then. Against our own
    // version the colleague's triggers stand; against theirs (where the
    // triggers never changed) they would silently go back.
    let edited = edit(risk(
        R,
        "Goes out late",
        "Friends call round",
        "Text at 10pm, call at 11pm",
    ));
    let (status, plan) = agreed_change(&ours.0, &id, start + 1, edited).await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["version"], start + 3);
    let risk = risk_in(&plan, R);
    assert_eq!(risk["triggers"], "Payday weekends", "the colleague's change is kept");
    assert_eq!(risk["what_staff_do"], "Text at 10pm, call at 11pm");
    let _ = theirs.1;
}
both!(a_stale_save_merges_against_its_own_databases_version);

/// Saves based on a version that hundreds of saves since have pushed out
/// of the versions kept in memory (store/recent.rs keeps the latest few
/// and some older anchors, and works an earlier version out from the
/// nearest one kept before it): merged, refused and resolved exactly as
/// from the plan's whole history.
async fn a_save_based_on_a_version_long_gone_from_memory(backend: Backend) {
    let (_app, priya, sam, id, base) = plan_with_two_risks(backend).await;
    // More saves since than versions are kept (256): B's staff text.
    let mut version = base;
    for n in 1..=300 {
        let staff = format!("Check in {n} times a week");
        let (status, body) = change(
            &priya,
            &id,
            version,
            edit(risk(B, "Misses medication", "Friends call round", &staff)),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        version = body["version"].as_i64().unwrap();
    }
    assert_eq!(version, base + 300);

    // From the base: Sam's change to A merges, B keeps its latest text.
    let sams = edit(risk(A, "Goes out late at night", "Payday weekends", "Check in at 10pm"));
    let (status, plan) = change(&sam, &id, base, sams).await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["version"], version + 1);
    assert_eq!(risk_in(&plan, A)["triggers"], "Payday weekends");
    assert_eq!(risk_in(&plan, B)["what_staff_do"], "Check in 300 times a week");

    // From a version in between, B's staff text changed both ways: the
    // conflict names that version's value and every change since it.
    let mine = edit(risk(B, "Misses medication", "Friends call round", "Call at 9pm"));
    let (status, problem) = change(&sam, &id, base + 150, mine.clone()).await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["base_version"], base + 150);
    assert_eq!(problem["current_version"], version + 1);
    assert_eq!(
        problem["fields"],
        json!([{"field": "risk.what_staff_do", "base": "Check in 150 times a week",
                "theirs": "Check in 300 times a week", "yours": "Call at 9pm"}])
    );
    assert_eq!(problem["changes"].as_array().unwrap().len(), 151);

    // Resolved by keeping Sam's: saved, with what it replaced recorded.
    let (status, plan) = sam
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": base + 150, "change": mine,
                   "resolve": {"seen_version": version + 1, "keep": "yours"}}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(risk_in(&plan, B)["what_staff_do"], "Call at 9pm");
    assert_eq!(risk_in(&plan, A)["triggers"], "Payday weekends");
    let (_, log) = sam.get(&format!("/plans/{id}/changes")).await;
    let last = log.as_array().unwrap().last().unwrap();
    let reason = last["reason"].as_str().unwrap();
    assert!(
        reason.contains("risk.what_staff_do (replacing") && reason.contains("Check in 300 times a week"),
        "{last}"
    );
}
both!(a_save_based_on_a_version_long_gone_from_memory);
