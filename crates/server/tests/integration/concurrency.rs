//! No lost updates: two saves based on the same version are merged when
//! they change different things; when they change the same field one wins
//! and the other is refused with what differs; nothing is overwritten.

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, spawn_app, text_of};

async fn two_saves_on_one_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (_, sam) = app.api_user("sam@example.org", "admin").await;
    let plan = priya.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();

    // Many pairs at once, racing for real. Two new parties meet nothing of
    // each other's: both are merged in, each on its own version.
    let path = format!("/plans/{id}/parties");
    for (round, version) in (1..=5).map(|v| 2 * v - 1).enumerate() {
        let a = priya.post(
            &path,
            json!({"base_version": version, "name": format!("Priya {round}"), "role": "senco"}),
        );
        let b = sam.post(
            &path,
            json!({"base_version": version, "name": format!("Sam {round}"), "role": "key_worker"}),
        );
        let ((sa, ba), (sb, bb)) = tokio::join!(a, b);
        assert_eq!((sa, sb), (201, 201), "round {round}: both kept ({ba} / {bb})");
        let mut versions = [ba["version"].as_i64().unwrap(), bb["version"].as_i64().unwrap()];
        versions.sort();
        assert_eq!(versions, [version + 1, version + 2], "never both on the same version");
    }
    let (_, log) = priya.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(
        log.as_array().unwrap().len(),
        11,
        "one change per save, none lost or doubled"
    );
    let (_, plan) = priya.get(&format!("/plans/{id}")).await;
    assert_eq!(plan["version"], 11);
    assert_eq!(plan["parties"].as_array().unwrap().len(), 10);

    // The same field typed two ways at once: one wins, the other is told
    // exactly what differs, and nothing is overwritten.
    let party = format!("{path}/{}", plan["parties"][0]["id"].as_str().unwrap());
    let name = plan["parties"][0]["name"].as_str().unwrap().to_owned();
    for (round, version) in (11..=15).enumerate() {
        let edit =
            |contact: String| json!({"base_version": version, "name": name, "role": "senco", "contact": contact});
        let a = priya.put(&party, edit(format!("0161 496 000{round}")));
        let b = sam.put(&party, edit(format!("sam{round}@example.org")));
        let ((sa, ba), (sb, bb)) = tokio::join!(a, b);
        let mut statuses = [sa, sb];
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 409],
            "round {round}: one wins, one is told ({ba} / {bb})"
        );
        let (won, conflict) = if sa == 409 { (&bb, &ba) } else { (&ba, &bb) };
        assert_eq!(conflict["current_version"], version + 1);
        assert_eq!(conflict["fields"][0]["field"], "party.contact", "{conflict}");
        assert_eq!(conflict["fields"][0]["theirs"], won["parties"][0]["contact"]);
    }
    let (_, log) = priya.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(log.as_array().unwrap().len(), 16);
}
both!(two_saves_on_one_version);

async fn a_stale_form_keeps_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let priya = app.signed_in("priya@example.org").await;
    let response = priya
        .submit(
            "/people/new",
            "/people/new",
            &[("given_name", "Jade"), ("family_name", "Thompson")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let person = crate::helpers::location(&response);

    // Two people open the edit form at version 1.
    let (_, form_a) = priya.get(&format!("{person}/edit")).await;
    let token = crate::helpers::csrf_of(&form_a).unwrap();
    let (_, api) = app.api_user("sam@example.org", "admin").await;
    let id = person.trim_start_matches("/people/");
    let (status, _) = api
        .put(
            &format!("/people/{id}"),
            json!({"base_version": 1, "given_name": "Jade", "family_name": "Thompson", "setting": "Harbour House"}),
        )
        .await;
    assert_eq!(status, 200);

    // The first form, saved later, is refused and keeps her typing.
    let response = priya
        .post_raw(
            &format!("{person}/edit"),
            &token,
            &[
                ("base_version", "1"),
                ("given_name", "Jade"),
                ("family_name", "Thompson"),
                ("known_as", "Jay"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, ".govuk-error-summary__title")
            .unwrap()
            .contains("Someone else changed this")
    );
    assert!(html.contains("sam changed the record"), "says who changed it");
    assert!(html.contains(r#"value="Jay""#), "what she typed is still there");
    assert!(
        html.contains(r#"name="base_version" value="2""#),
        "the next save is based on the latest version"
    );
    let (status, person_now) = api.get(&format!("/people/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(person_now["setting"], "Harbour House", "nothing was overwritten");
    assert!(person_now["known_as"].is_null());
}
both!(a_stale_form_keeps_what_was_typed);

/// Sixteen saves of one plan at once, all based on the version the editors
/// saw (on SQLite they queue in turn, `Store::write_turn`): every one
/// is kept, each on its own version, and the dashboard's index, written in
/// the save's own transaction, holds every one of them.
async fn many_saves_at_once_are_all_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let plan = priya.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let base = plan["version"].as_i64().unwrap();
    let path = format!("/plans/{id}/changes");
    let saves = (0..16).map(|n| {
        priya.post(
            &path,
            json!({"base_version": base, "change": {"type": "item_added", "item": {
                "kind": "provision", "id": uuid::Uuid::new_v4(),
                "what": format!("Phone the housing office about the deposit ({n})"), "until": "2027-01-15"}}}),
        )
    });
    let answers = futures_util::future::join_all(saves).await;
    for (status, body) in &answers {
        assert_eq!(*status, 201, "{body}");
    }
    let mut versions: Vec<i64> = answers.iter().map(|(_, b)| b["version"].as_i64().unwrap()).collect();
    versions.sort();
    assert_eq!(
        versions,
        (base + 1..=base + 16).collect::<Vec<_>>(),
        "each on its own version"
    );
    let (_, plan) = priya.get(&format!("/plans/{id}")).await;
    assert_eq!(plan["content"]["provision"].as_array().unwrap().len(), 16, "none lost");
    // Counted by touching them: the same on both databases.
    let indexed = app
        .store
        .execute_unchecked(&format!(
            "UPDATE dashboard_due SET closed = closed WHERE plan_id = '{id}' AND kind = 'action'"
        ))
        .await
        .unwrap();
    assert_eq!(indexed, 16, "the dashboard's index holds every action saved");
}
both!(many_saves_at_once_are_all_kept);

/// Saves of many plans at once (on SQLite they are committed together, in
/// one transaction with a savepoint each, store/writer.rs), among them
/// saves that the transaction itself refuses (a party naming a user who
/// does not exist): every other save is kept, each refused one leaves
/// nothing, and every answer comes only once its save is durable.
async fn saves_of_many_plans_at_once_are_kept_and_a_refused_one_spoils_none(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let mut plans = Vec::new();
    for n in 0..12 {
        let plan = priya.plan(&format!("Person {n}"), "SH").await;
        plans.push((
            plan["id"].as_str().unwrap().to_owned(),
            plan["version"].as_i64().unwrap(),
        ));
    }
    let changes: Vec<String> = plans.iter().map(|(id, _)| format!("/plans/{id}/changes")).collect();
    let parties: Vec<String> = plans.iter().map(|(id, _)| format!("/plans/{id}/parties")).collect();
    let kept = plans.iter().zip(&changes).map(|((_, base), path)| {
        priya.post(
            path,
            json!({"base_version": base, "change": {"type": "item_added", "item": {
                "kind": "provision", "id": uuid::Uuid::new_v4(),
                "what": "Phone the housing office about the deposit", "until": "2027-01-15"}}}),
        )
    });
    let refused = plans.iter().zip(&parties).step_by(3).map(|((_, base), path)| {
        priya.post(
            path,
            json!({"base_version": base, "name": "Nobody Known", "role": "senco", "user_id": uuid::Uuid::new_v4()}),
        )
    });
    let (kept, refused) = tokio::join!(
        futures_util::future::join_all(kept),
        futures_util::future::join_all(refused)
    );
    for (status, body) in &kept {
        assert_eq!(*status, 201, "{body}");
    }
    for (status, body) in &refused {
        assert_eq!(*status, 409, "{body}");
        assert!(
            body.to_string().contains("There is no active user with this id"),
            "{body}"
        );
    }
    for ((id, base), (_, answer)) in plans.iter().zip(&kept) {
        let (_, plan) = priya.get(&format!("/plans/{id}")).await;
        assert_eq!(plan["version"], base + 1, "one change kept: {plan}");
        assert_eq!(plan["version"], answer["version"]);
        assert_eq!(plan["content"]["provision"].as_array().unwrap().len(), 1);
        assert!(
            plan["parties"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["name"] != "Nobody Known")
        );
        let (_, log) = priya.get(&format!("/plans/{id}/changes")).await;
        assert_eq!(
            log.as_array().unwrap().len() as i64,
            base + 1,
            "nothing of the refused save in the log"
        );
    }
}
both!(saves_of_many_plans_at_once_are_kept_and_a_refused_one_spoils_none);
