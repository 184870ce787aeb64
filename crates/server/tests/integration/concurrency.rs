//! No lost updates: two saves based on the same version — one wins, the
//! other is refused with what changed; nothing is overwritten.

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, spawn_app, text_of};

async fn two_saves_on_one_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (_, sam) = app.api_user("sam@example.org", "admin").await;
    let plan = priya.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();

    // Many pairs at once, racing for real.
    for (round, version) in (1..=5).enumerate() {
        let path = format!("/plans/{id}/parties");
        let a = priya.post(
            &path,
            json!({"base_version": version, "name": format!("Priya {round}"), "role": "senco"}),
        );
        let b = sam.post(
            &path,
            json!({"base_version": version, "name": format!("Sam {round}"), "role": "key_worker"}),
        );
        let ((sa, ba), (sb, bb)) = tokio::join!(a, b);
        let mut statuses = [sa, sb];
        statuses.sort();
        assert_eq!(
            statuses,
            [201, 409],
            "round {round}: one wins, one is told ({ba} / {bb})"
        );
        let conflict = if sa == 409 { &ba } else { &bb };
        assert_eq!(conflict["current_version"], version + 1);
        assert_eq!(conflict["changes"].as_array().unwrap().len(), 1, "{conflict}");
        assert!(conflict["changes"][0].as_str().unwrap().contains("Added"));
    }
    let (_, log) = priya.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(
        log.as_array().unwrap().len(),
        6,
        "exactly one change per round, none lost or doubled"
    );
    let (_, plan) = priya.get(&format!("/plans/{id}")).await;
    assert_eq!(plan["version"], 6);
    assert_eq!(plan["parties"].as_array().unwrap().len(), 5);
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
