//! The plan's content through the API: every kind of section can be set
//! and read, and bad input is refused naming the field, with nothing lost.

use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Api, Backend, spawn_app};

async fn change(api: &Api, plan: &str, base: i64, change: Value) -> (u16, Value) {
    api.post(
        &format!("/plans/{plan}/changes"),
        json!({"base_version": base, "change": change}),
    )
    .await
}

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn every_section_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let person = api.person("Leo", "Martin").await;
    let (_, plan) = api
        .post(
            "/plans",
            json!({"person_id": person, "plan_type": "MSP", "start_date": "2026-09-07"}),
        )
        .await;
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    let p = plan_id.as_str();
    let (_, plan) = api
        .post(
            &format!("/plans/{p}/parties"),
            json!({"base_version": 1, "name": "Mrs Jones", "role": "teacher"}),
        )
        .await;
    let ta = plan["parties"][0]["id"].as_str().unwrap().to_owned();
    let (need, aspiration, outcome, step, target, provision) = (id(), id(), id(), id(), id(), id());
    let mut version = plan["version"].as_i64().unwrap();
    let changes = vec![
        json!({"type": "texts_set", "section": "profile", "texts": {"communication": "Short sentences and pictures", "admire": "Kind, funny, knows every train"}, "authorship": {"written_by": "me_with_help", "helped_by": "Mum"}}),
        json!({"type": "item_added", "item": {"kind": "strength", "id": id(), "text": "Knows every train on the line", "setting": "out_of_setting"}}),
        json!({"type": "item_added", "item": {"kind": "need", "id": need, "area": "communication_interaction", "text": "Finds it hard to ask for help"}}),
        json!({"type": "item_added", "item": {"kind": "aspiration", "id": aspiration, "term": "long", "text": "To work on the railways"}}),
        json!({"type": "item_added", "item": {"kind": "outcome", "id": outcome, "text": "Leo will ask an adult for help when stuck, 4 times out of 5, by the end of key stage 2", "by_when": "2029-07-20", "areas": ["communication_interaction"], "need_ids": [need], "aspiration_ids": [aspiration], "supported_by": {"education": true, "health": true}}}),
        json!({"type": "item_added", "item": {"kind": "step", "outcome_id": outcome, "step": {"id": step, "text": "By the end of Year 4, Leo will use his help card in class at least 3 times a week"}}}),
        json!({"type": "item_added", "item": {"kind": "target", "step_id": step, "target": {"id": target, "text": "Within the next 6 weeks, Leo will show his help card 3 times a week, recorded by his TA", "by_when": "2026-12-18"}}}),
        json!({"type": "item_added", "item": {"kind": "provision", "id": provision, "what": "Sensory circuit before lessons", "party_id": ta, "frequency": {"times": 3, "per": "week"}, "duration_minutes": 20, "from": "2026-09-08", "weekly_cost_pence": 1500, "funding": "education", "outcome_ids": [outcome]}}),
        json!({"type": "item_added", "item": {"kind": "appendix", "id": id(), "category": "health", "reference": "SALT report", "date": "2026-06-01"}}),
        json!({"type": "other_plans_set", "plans": [{"kind": "health_care_plan", "consent": {"given_by": "Claire Martin", "date": "2026-09-07"}}]}),
        json!({"type": "social_care_checklist_set", "checklist": {"esa_or_taf_in_place": false, "may_benefit_from_early_support": false}}),
        json!({"type": "health_checklist_set", "checklist": {"professionals": ["speech_and_language_therapist", "paediatrician"], "health_care_plan": true}}),
    ];
    for c in changes {
        let (status, body) = change(&api, p, version, c.clone()).await;
        assert_eq!(status, 201, "{c} → {body}");
        version += 1;
    }
    let (_, plan) = api.get(&format!("/plans/{p}")).await;
    let content = &plan["content"];
    assert_eq!(content["texts"]["communication"], "Short sentences and pictures");
    assert_eq!(content["authorship"]["profile"]["helped_by"], "Mum");
    assert_eq!(
        content["outcomes"][0]["steps"][0]["targets"][0]["by_when"],
        "2026-12-18"
    );
    assert_eq!(content["provision"][0]["frequency"]["per"], "week");
    assert_eq!(content["provision"][0]["weekly_cost_pence"], 1500);
    assert_eq!(content["other_plans"][0]["consent"]["given_by"], "Claire Martin");
    assert_eq!(content["health_checklist"]["professionals"][1], "paediatrician");

    // Editing an outcome keeps its steps; removing a linked outcome is refused.
    let (status, _) = change(&api, p, version, json!({"type": "item_edited", "item": {"kind": "outcome", "id": outcome, "text": "Leo will ask an adult for help 4 times out of 5 by July 2029", "by_when": "2029-07-20"}})).await;
    assert_eq!(status, 201);
    version += 1;
    let (_, plan) = api.get(&format!("/plans/{p}")).await;
    assert_eq!(plan["content"]["outcomes"][0]["steps"].as_array().unwrap().len(), 1);
    let (status, problem) = change(
        &api,
        p,
        version,
        json!({"type": "item_removed", "item_kind": "outcome", "id": outcome}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("linked to 1 provision line"),
        "{problem}"
    );
    // A party named on provision cannot be removed either.
    let response = reqwest::Client::new()
        .delete(app.url(&format!("/api/v1/plans/{p}/parties/{ta}?base_version={version}")))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
}
both!(every_section_through_the_api);

async fn bad_content_is_refused_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let person = api.person("Leo", "Martin").await;
    let (_, plan) = api
        .post(
            "/plans",
            json!({"person_id": person, "plan_type": "MSP", "start_date": "2026-09-07"}),
        )
        .await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let outcome = id();
    let (status, _) = change(&api, &p, 1, json!({"type": "item_added", "item": {"kind": "outcome", "id": outcome, "text": "Leo will read 20 words by July 2027"}})).await;
    assert_eq!(status, 201);
    let step = id();
    let (status, _) = change(&api, &p, 2, json!({"type": "item_added", "item": {"kind": "step", "outcome_id": outcome, "step": {"id": step, "text": "Read 10 words by Christmas"}}})).await;
    assert_eq!(status, 201);

    let cases = [
        (
            json!({"type": "item_added", "item": {"kind": "target", "step_id": step, "target": {"id": id(), "text": "Read 5 words", "by_when": "2026-08-01"}}}),
            "by_when",
            "start date",
        ),
        (
            json!({"type": "item_added", "item": {"kind": "provision", "id": id(), "what": "Reading club", "weekly_cost_pence": -500}}),
            "weekly_cost_pence",
            "negative",
        ),
        (
            json!({"type": "item_added", "item": {"kind": "provision", "id": id(), "what": "Reading club", "party_id": id()}}),
            "party_id",
            "people involved",
        ),
        (
            json!({"type": "item_added", "item": {"kind": "need", "id": id(), "area": "astrology", "text": "x"}}),
            "area",
            "Unknown area",
        ),
        (
            json!({"type": "item_added", "item": {"kind": "provision", "id": id(), "what": "Club", "outcome_ids": [id()]}}),
            "outcome_ids",
            "outcomes",
        ),
        (
            json!({"type": "texts_set", "section": "profile", "texts": {"favourite_colour": "blue"}}),
            "favourite_colour",
            "Unknown text",
        ),
    ];
    for (bad, field, words) in cases {
        let (status, problem) = change(&api, &p, 3, bad.clone()).await;
        assert_eq!(status, 422, "{bad}: {problem}");
        let error = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field);
        assert!(
            error.is_some_and(|e| e["message"].as_str().unwrap().contains(words)),
            "{bad}: {problem}"
        );
    }
    // Malformed changes are 400, not 500.
    let (status, _) = change(
        &api,
        &p,
        3,
        json!({"type": "item_added", "item": {"kind": "spaceship"}}),
    )
    .await;
    assert_eq!(status, 400);

    // An 8th outcome on an MSP is refused.
    let mut version = 3;
    for n in 2..=7 {
        let (status, body) = change(&api, &p, version, json!({"type": "item_added", "item": {"kind": "outcome", "id": id(), "text": format!("Outcome {n}: read {n} books a term by July 2027")}})).await;
        assert_eq!(status, 201, "{body}");
        version += 1;
    }
    let (status, problem) = change(
        &api,
        &p,
        version,
        json!({"type": "item_added", "item": {"kind": "outcome", "id": id(), "text": "An eighth"}}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("up to 7 outcomes"),
        "{problem}"
    );

    // Nothing already saved was lost.
    let (_, plan) = api.get(&format!("/plans/{p}")).await;
    assert_eq!(plan["version"], version);
    assert_eq!(plan["content"]["outcomes"].as_array().unwrap().len(), 7);
    assert_eq!(
        plan["content"]["outcomes"][0]["steps"][0]["text"],
        "Read 10 words by Christmas"
    );
}
both!(bad_content_is_refused_naming_the_field);

async fn blank_sheet_on_the_official_form(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let (_, api) = app.api_user("layla@example.org", "admin").await;
    let person = api.person("Amir", "Hassan").await;
    let (_, plan) = api
        .post("/plans", json!({"person_id": person, "plan_type": "PB-BLANK"}))
        .await;
    let p = plan["id"].as_str().unwrap();
    let (status, _) = change(&api, p, 1, json!({"type": "texts_set", "section": "important_to_me", "texts": {"important_to_me": "My sister Layla, my music, going to the mosque on Fridays"}})).await;
    assert_eq!(status, 201);

    let browser = app.signed_in_with("layla@example.org", crate::helpers::PASSWORD).await;
    let (status, html) = browser.get(&format!("/plans/{p}/as/PB")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Shown on another form"));
    assert!(
        html.contains("My sister Layla, my music"),
        "the blank sheet's words appear on the official form"
    );
    let gaps = crate::helpers::text_of(&html, "#form-gaps").unwrap();
    assert!(gaps.contains("(required)"), "{gaps}");
    let (status, _) = browser.get(&format!("/plans/{p}/as/NOPE")).await;
    assert_eq!(status, 404);
}
both!(blank_sheet_on_the_official_form);

async fn documents_with_uploaded_files(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, tom) = app.api_user("tom@example.org", "practitioner").await;
    let person = api.person("Leo", "Martin").await;
    let (_, plan) = api
        .post("/plans", json!({"person_id": person, "plan_type": "MSP"}))
        .await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let client = reqwest::Client::new();
    let upload = |name: &str, content_type: &str, body: Vec<u8>| {
        client
            .post(app.url(&format!("/api/v1/plans/{p}/files?name={name}")))
            .bearer_auth(&api.token)
            .header("content-type", content_type.to_owned())
            .body(body)
            .send()
    };
    let pdf = b"%PDF-1.4 signed copy".to_vec();
    let response = upload("signed-plan.pdf", "application/pdf", pdf.clone()).await.unwrap();
    assert_eq!(response.status(), 201);
    let file: Value = response.json().await.unwrap();
    assert_eq!(file["name"], "signed-plan.pdf");
    assert_eq!(file["size"], pdf.len());

    // Refused: the wrong kind, a mismatched type, too large.
    assert_eq!(
        upload("tool.exe", "application/octet-stream", vec![1, 2, 3])
            .await
            .unwrap()
            .status(),
        422
    );
    assert_eq!(
        upload("plan.pdf", "text/html", vec![1, 2, 3]).await.unwrap().status(),
        422
    );
    // A one-off client: the server answers 413 early and closes the connection.
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/plans/{p}/files?name=big.pdf")))
        .bearer_auth(&api.token)
        .header("content-type", "application/pdf")
        .body(vec![0; 11 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // Attach it to a document; an unknown file is refused.
    let document = id();
    let (status, body) = change(&api, &p, 1, json!({"type": "item_added", "item": {"kind": "appendix", "id": document, "category": "family", "reference": "Signed copy", "date": "2026-09-07", "file": file}})).await;
    assert_eq!(status, 201, "{body}");
    let mut forged = file.clone();
    forged["id"] = json!(id());
    let (status, problem) = change(&api, &p, 2, json!({"type": "item_added", "item": {"kind": "appendix", "id": id(), "category": "health", "reference": "Forged", "file": forged}})).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "file");

    // Download: the same bytes, as an attachment; nobody else can.
    let file_id = file["id"].as_str().unwrap();
    let response = client
        .get(app.url(&format!("/api/v1/plans/{p}/files/{file_id}")))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf);
    let response = client
        .get(app.url(&format!("/api/v1/plans/{p}/files/{file_id}")))
        .bearer_auth(&tom.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);

    // Through the page: attach a scan to a document with a multipart form.
    let browser = app.signed_in_with("priya@example.org", crate::helpers::PASSWORD).await;
    let edit = format!("/plans/{p}/sections/appendices/items/appendix/{document}");
    let (status, html) = browser.get(&edit).await;
    assert_eq!(status, 200, "{html}");
    let token = crate::helpers::csrf_of(&html).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("_csrf", token.clone())
        .text("base_version", "2")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n scan".to_vec())
                .file_name("scan.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let response = browser
        .client
        .post(app.url(&format!("{edit}/file")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, page) = browser.get(&format!("/plans/{p}")).await;
    assert!(page.contains("scan.png"), "the plan links the scan");
    // Without the form's token, the upload is refused.
    let form = reqwest::multipart::Form::new().text("base_version", "3").part(
        "file",
        reqwest::multipart::Part::bytes(b"x".to_vec())
            .file_name("x.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let response = browser
        .client
        .post(app.url(&format!("{edit}/file")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let (_, log) = api.get(&format!("/plans/{p}/changes")).await;
    assert_eq!(
        log.as_array().unwrap().len(),
        3,
        "upload and attach is one change in the history"
    );
}
both!(documents_with_uploaded_files);
