//! Files carried to plan number 2: the last formal review starts the next
//! plan with the appendices, and their uploaded files come along (each
//! plan holds its own copy, in the same transaction as the succession).

use serde_json::{Value, json};
use uuid::Uuid;

use crate::both;
use crate::helpers::{Backend, spawn_app};
use crate::reviews::{agree_all, agreed_msp, close, open, rate_all, version};

async fn uploaded_files_go_to_plan_number_2(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (p, _, _, _, plan) = agreed_msp(&api).await;

    // A signed copy uploaded on plan 1, as an appendix.
    let client = reqwest::Client::new();
    let pdf = b"%PDF-1.4 the signed copy of Leo's plan".to_vec();
    let response = client
        .post(app.url(&format!("/api/v1/plans/{p}/files?name=signed-copy.pdf")))
        .bearer_auth(&api.token)
        .header("content-type", "application/pdf")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let file: Value = response.json().await.unwrap();
    let (status, body) = api
        .post(
            &format!("/plans/{p}/changes"),
            json!({"base_version": version(&plan), "reason": "The signed copy came back", "change": {"type": "item_added", "item": {"kind": "appendix",
                   "id": Uuid::new_v4(), "category": "other", "reference": "Signed copy", "file": file}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let mut plan = agree_all(&api, &p).await;
    assert_eq!(plan["status"], "agreed", "{plan}");

    // Three formal reviews: the third starts plan number 2.
    let mut next = Value::Null;
    for n in 1..=3 {
        let (status, opened) = open(&api, &p, version(&plan), "formal").await;
        assert_eq!(status, 201, "{opened}");
        let review = opened["reviews"]["reviews"][n - 1]["id"].as_str().unwrap().to_owned();
        let rated = rate_all(&api, &p, &review, &opened).await;
        let (status, closed) = close(&api, &p, &review, &rated).await;
        assert_eq!(status, 200, "{closed}");
        if n < 3 {
            plan = agree_all(&api, &p).await;
        } else {
            next = closed["next_plan"].clone();
        }
    }
    assert_eq!(next["number"], 2, "{next}");
    let next_id = next["id"].as_str().unwrap();
    let copy = &next["content"]["appendices"][0]["file"];
    assert_eq!(copy["name"], "signed-copy.pdf");
    assert_ne!(copy["id"], file["id"], "plan number 2 has its own copy");

    let download = |plan: &str, file: &str| {
        client
            .get(app.url(&format!("/api/v1/plans/{plan}/files/{file}")))
            .bearer_auth(&api.token)
            .send()
    };
    let response = download(next_id, copy["id"].as_str().unwrap()).await.unwrap();
    assert_eq!(response.status(), 200, "the file downloads from plan number 2");
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf);
    let response = download(&p, file["id"].as_str().unwrap()).await.unwrap();
    assert_eq!(response.status(), 200, "plan number 1 keeps its file");
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf);
    // The reloaded plan number 2 names the same copy.
    let (status, reloaded) = api.get(&format!("/plans/{next_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(reloaded["content"]["appendices"][0]["file"]["id"], copy["id"]);
}
both!(uploaded_files_go_to_plan_number_2);
