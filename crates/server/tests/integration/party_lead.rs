//! A party and the Lead Professional checkbox that goes with it are one
//! save: a conflict on the lead choice leaves the party change unwritten
//! too (issue 6).

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, spawn_app};

async fn a_conflict_on_the_lead_writes_neither_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let plan = priya.plan("Leo", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let (status, plan) = priya
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 1, "name": "Claire Martin", "role": "parent_carer"}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let claire = plan["parties"][0]["id"].as_str().unwrap().to_owned();
    let (status, plan) = priya
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 2, "name": "Sam Okafor", "role": "key_worker"}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let sam = plan["parties"][1]["id"].as_str().unwrap().to_owned();
    let base = plan["version"].as_i64().unwrap();

    // Someone makes Sam the lead; meanwhile Claire's record, opened at
    // `base`, is saved with a new relationship and the lead box ticked.
    let (status, body) = priya
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": base, "change": {"type": "lead_professional_set", "party_id": sam}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, history_before) = priya.get(&format!("/plans/{id}/changes")).await;
    let (status, problem) = priya
        .put(
            &format!("/plans/{id}/parties/{claire}"),
            json!({"base_version": base, "name": "Claire Martin", "role": "parent_carer",
                   "relationship": "Mum", "lead": true}),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["fields"].as_array().is_some_and(|f| !f.is_empty()), "{problem}");
    let (_, history_after) = priya.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(history_before, history_after, "nothing was written");
    let (_, plan) = priya.get(&format!("/plans/{id}")).await;
    assert_eq!(plan["parties"][0]["relationship"], serde_json::Value::Null);
    assert_eq!(plan["lead_party_id"], sam.as_str());

    // Without the conflict, both are written in one save.
    let base = plan["version"].as_i64().unwrap();
    let (status, plan) = priya
        .put(
            &format!("/plans/{id}/parties/{claire}"),
            json!({"base_version": base, "name": "Claire Martin", "role": "parent_carer",
                   "relationship": "Mum", "lead": true}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["version"].as_i64().unwrap(), base + 2);
    assert_eq!(plan["parties"][0]["relationship"], "Mum");
    assert_eq!(plan["lead_party_id"], claire.as_str());
}
both!(a_conflict_on_the_lead_writes_neither_change);
