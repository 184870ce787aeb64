//! History is append-only, and the current state is what the log says.

use goldthread::store::Store;
use serde_json::json;

use crate::both;
use crate::helpers::{Backend, spawn_app};

async fn the_database_refuses_to_rewrite_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap();
    let person = plan["person_id"].as_str().unwrap();

    for sql in [
        format!("UPDATE plan_changes SET author_name = 'someone else' WHERE plan_id = '{id}'"),
        format!("DELETE FROM plan_changes WHERE plan_id = '{id}'"),
        format!("UPDATE person_changes SET details = '{{}}' WHERE person_id = '{person}'"),
        format!("DELETE FROM person_changes WHERE person_id = '{person}'"),
    ] {
        let result = app.store.execute_unchecked(&sql).await;
        let error = result.expect_err("history must not be rewritten");
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    let (_, log) = api.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(log[0]["author_name"], "priya");
}
both!(the_database_refuses_to_rewrite_history);

async fn projections_rebuild_from_the_log(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap();
    let (status, _) = api
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 1, "name": "Claire Martin", "role": "parent_carer"}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, before) = api.get(&format!("/plans/{id}")).await;

    // Damage the projection (not the history): a rebuild puts it right.
    app.store
        .execute_unchecked(&format!(
            "UPDATE plans SET state = REPLACE(state, 'Claire', 'Clara') WHERE id = '{id}'"
        ))
        .await
        .unwrap();
    let (_, damaged) = api.get(&format!("/plans/{id}")).await;
    assert_eq!(damaged["parties"][0]["name"], "Clara Martin");
    let (count, drifted) = rebuild(&app.store).await;
    assert_eq!((count, drifted), (1, 1));
    let (_, after) = api.get(&format!("/plans/{id}")).await;
    assert_eq!(after, before);
    assert_eq!(
        rebuild(&app.store).await,
        (1, 0),
        "a second rebuild finds nothing to fix"
    );
}
both!(projections_rebuild_from_the_log);

async fn rebuild(store: &Store) -> (usize, usize) {
    store.rebuild_plan_projections(|_, _| {}).await.unwrap()
}

/// A save applies its change to the stored plan rather than replaying the
/// plan's history: every demo plan, built change by change through the
/// normal save (agreements, reviews, parties, provision ended), is still
/// exactly what its history replays to.
async fn saves_keep_the_projection_what_the_history_replays_to(backend: Backend) {
    let app = spawn_app(backend).await;
    assert!(goldthread::demo::load_if_empty(&app.store).await.unwrap());
    let (count, drifted) = rebuild(&app.store).await;
    assert!(count >= 5, "{count}");
    assert_eq!(drifted, 0, "no projection differs from what its history replays to");
}
both!(saves_keep_the_projection_what_the_history_replays_to);
