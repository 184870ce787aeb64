//! Tamper evidence (issue 12): someone with the database in hand drops the
//! append-only triggers and alters, deletes, inserts or reorders rows of
//! the audit log or of a plan's history; `goldthread audit verify` and
//! `goldthread verify` fail naming the first bad entry or change, and
//! `rebuild-projections` refuses to "correct" a plan to a rewritten log.
//! Each tampering is undone before the next, and verification passes again.

use goldthread::store::Store;
use serde_json::json;

use crate::both;
use crate::cli::goldthread;
use crate::helpers::{Backend, TestApp, fresh_database, spawn_app, spawn_on_url};

/// Turns the append-only triggers off, as an attacker with the database
/// would.
async fn drop_triggers(app: &TestApp) {
    let statements: &[&str] = match app.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_append_only_update",
            "DROP TRIGGER audit_log_append_only_delete",
            "DROP TRIGGER audit_checkpoints_append_only_update",
            "DROP TRIGGER plan_changes_append_only_update",
            "DROP TRIGGER plan_changes_append_only_delete",
            "DROP TRIGGER person_changes_append_only_update",
        ],
        Backend::Postgres => &[
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
            "ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only",
            "ALTER TABLE plan_changes DISABLE TRIGGER plan_changes_append_only",
            "ALTER TABLE person_changes DISABLE TRIGGER person_changes_append_only",
        ],
    };
    for sql in statements {
        app.store.execute_unchecked(sql).await.unwrap();
    }
}

async fn run(store: &Store, sql: &str) {
    store
        .execute_unchecked(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn audit_problem(store: &Store) -> Option<String> {
    store.verify_audit(None).await.unwrap().problem
}

async fn history_problem(store: &Store) -> Option<String> {
    store.verify_histories().await.unwrap().problem
}

/// A plan with five changes, read a few times: an audit log of some length.
async fn a_plan_with_history(app: &TestApp) -> (String, String) {
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let person = plan["person_id"].as_str().unwrap().to_owned();
    for (v, text) in ["Football", "Drawing", "Swimming", "His dog Biscuit"]
        .iter()
        .enumerate()
    {
        let (status, body) = api
            .post(
                &format!("/plans/{id}/changes"),
                json!({"base_version": v + 1, "reason": "Leo said", "change": {"type": "texts_set", "section": "my_situation", "texts": {"important_to_me": text}}}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        api.get(&format!("/plans/{id}")).await;
    }
    (id, person)
}

async fn every_kind_of_audit_tampering_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    a_plan_with_history(&app).await;
    let store = &app.store;
    assert_eq!(audit_problem(store).await, None);
    let (ok, out, err) = goldthread(&app.database_url, &["audit", "verify"], "");
    assert!(ok, "{out}{err}");
    drop_triggers(&app).await;

    // A copy to undo each tampering from.
    run(store, "CREATE TABLE audit_log_copy AS SELECT * FROM audit_log").await;
    let restore = |seq: i64| async move {
        run(store, &format!("DELETE FROM audit_log WHERE seq = {seq}")).await;
        run(
            store,
            &format!("INSERT INTO audit_log SELECT * FROM audit_log_copy WHERE seq = {seq}"),
        )
        .await;
    };

    // Altered: who read it.
    run(store, "UPDATE audit_log SET user_id = NULL WHERE seq = 4").await;
    let problem = audit_problem(store).await.expect("an altered entry is found");
    assert!(
        problem.starts_with("audit entry 4 does not match its hash"),
        "{problem}"
    );
    let (ok, out, err) = goldthread(&app.database_url, &["audit", "verify"], "");
    assert!(!ok, "{out}");
    assert!(err.contains("audit entry 4"), "{err}");
    restore(4).await;
    assert_eq!(audit_problem(store).await, None, "restored, it verifies again");

    // Deleted (in the middle, and at the end).
    run(store, "DELETE FROM audit_log WHERE seq = 3").await;
    let problem = audit_problem(store).await.unwrap();
    assert!(problem.starts_with("audit entry 3 is missing"), "{problem}");
    restore(3).await;
    assert_eq!(audit_problem(store).await, None);
    let last = store.audit_after(0, 1000).await.unwrap().last().unwrap().seq;
    run(store, &format!("DELETE FROM audit_log WHERE seq = {last}")).await;
    let problem = audit_problem(store).await.unwrap();
    assert!(
        problem.starts_with(&format!("audit entry {last} is missing")),
        "{problem}"
    );
    restore(last).await;
    assert_eq!(audit_problem(store).await, None);

    // Inserted: an entry that never happened, in the middle (renumbering
    // the rest) or at the end.
    let head: (i64, String) = (last, store.audit_after(last - 1, 1).await.unwrap()[0].hash.clone());
    run(
        store,
        &format!(
            "INSERT INTO audit_log (seq, at, user_id, address, action, person_id, plan_id, version, outcome, reason, detail, prev_hash, hash) \
             VALUES ({}, 0, NULL, '10.0.0.1', 'plan.read', NULL, NULL, NULL, 'allowed', NULL, 'GET /plans/{{id}}', '{}', '{}')",
            head.0 + 1,
            head.1,
            "a".repeat(64)
        ),
    )
    .await;
    let problem = audit_problem(store).await.unwrap();
    assert!(problem.starts_with(&format!("audit entry {} ", last + 1)), "{problem}");
    run(store, &format!("DELETE FROM audit_log WHERE seq = {}", last + 1)).await;
    assert_eq!(audit_problem(store).await, None);

    // Reordered: two entries swap places.
    run(store, "UPDATE audit_log SET seq = -5 WHERE seq = 5").await;
    run(store, "UPDATE audit_log SET seq = 5 WHERE seq = 6").await;
    run(store, "UPDATE audit_log SET seq = 6 WHERE seq = -5").await;
    let problem = audit_problem(store).await.unwrap();
    assert!(problem.starts_with("audit entry 5 "), "{problem}");
    run(store, "UPDATE audit_log SET seq = -5 WHERE seq = 5").await;
    run(store, "UPDATE audit_log SET seq = 5 WHERE seq = 6").await;
    run(store, "UPDATE audit_log SET seq = 6 WHERE seq = -5").await;
    assert_eq!(audit_problem(store).await, None);

    // A signed checkpoint: its signature forged, or the entry it signed
    // rewritten with a hash computed anew.
    let (ok, out, err) = goldthread(&app.database_url, &["audit", "checkpoint"], "");
    assert!(ok, "{out}{err}");
    run(store, "UPDATE audit_checkpoints SET signature = 'forged'").await;
    let (ok, _, err) = goldthread(&app.database_url, &["audit", "verify"], "");
    assert!(!ok);
    assert!(err.contains("bad signature"), "{err}");
}
both!(every_kind_of_audit_tampering_is_named);

async fn every_kind_of_history_tampering_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let (id, person) = a_plan_with_history(&app).await;
    let store = &app.store;
    assert_eq!(history_problem(store).await, None);
    let (ok, out, err) = goldthread(&app.database_url, &["verify"], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("verifies"), "{out}");
    drop_triggers(&app).await;
    let plan = |seq: i64| format!("plan {id}: change {seq}");

    // Altered: the author of change 3 rewritten.
    run(
        store,
        &format!("UPDATE plan_changes SET author_name = 'Someone Else' WHERE plan_id = '{id}' AND seq = 3"),
    )
    .await;
    let problem = history_problem(store).await.unwrap();
    assert!(
        problem.starts_with(&format!("{} does not match its hash", plan(3))),
        "{problem}"
    );
    let (ok, _, err) = goldthread(&app.database_url, &["verify"], "");
    assert!(!ok);
    assert!(err.contains(&plan(3)), "{err}");
    // …and the projection is not "corrected" to match it.
    let refused = store.rebuild_plan_projections(|_, _| {}).await.unwrap_err().to_string();
    assert!(refused.contains(&plan(3)), "{refused}");
    let (ok, _, err) = goldthread(&app.database_url, &["rebuild-projections"], "");
    assert!(!ok);
    assert!(err.contains("fails verification"), "{err}");
    run(
        store,
        &format!("UPDATE plan_changes SET author_name = 'priya' WHERE plan_id = '{id}' AND seq = 3"),
    )
    .await;
    assert_eq!(history_problem(store).await, None);

    // Deleted: a change in the middle, then the last one.
    let copy = |seq: i64| format!("INSERT INTO plan_changes SELECT * FROM plan_changes_copy WHERE seq = {seq}");
    run(
        store,
        &format!("CREATE TABLE plan_changes_copy AS SELECT * FROM plan_changes WHERE plan_id = '{id}'"),
    )
    .await;
    run(
        store,
        &format!("DELETE FROM plan_changes WHERE plan_id = '{id}' AND seq = 2"),
    )
    .await;
    let problem = history_problem(store).await.unwrap();
    assert!(problem.starts_with(&format!("{} is missing", plan(2))), "{problem}");
    run(store, &copy(2)).await;
    assert_eq!(history_problem(store).await, None);
    run(
        store,
        &format!("DELETE FROM plan_changes WHERE plan_id = '{id}' AND seq = 5"),
    )
    .await;
    let problem = history_problem(store).await.unwrap();
    assert!(problem.starts_with(&format!("{} is missing", plan(5))), "{problem}");
    let refused = store.rebuild_plan_projections(|_, _| {}).await.unwrap_err().to_string();
    assert!(refused.contains(&plan(5)), "{refused}");
    run(store, &copy(5)).await;
    assert_eq!(history_problem(store).await, None);

    // Inserted: a change that was never made, at the end.
    run(
        store,
        &format!(
            "INSERT INTO plan_changes (plan_id, seq, at, author_id, author_name, reason, change, hash) \
             SELECT plan_id, 6, at, author_id, author_name, reason, change, '{}' FROM plan_changes WHERE plan_id = '{id}' AND seq = 5",
            "b".repeat(64)
        ),
    )
    .await;
    let problem = history_problem(store).await.unwrap();
    assert!(problem.starts_with(&plan(6)), "{problem}");
    run(
        store,
        &format!("DELETE FROM plan_changes WHERE plan_id = '{id}' AND seq = 6"),
    )
    .await;
    assert_eq!(history_problem(store).await, None);

    // Reordered: changes 3 and 4 swap places.
    for (from, to) in [(3, -3), (4, 3), (-3, 4)] {
        run(
            store,
            &format!("UPDATE plan_changes SET seq = {to} WHERE plan_id = '{id}' AND seq = {from}"),
        )
        .await;
    }
    let problem = history_problem(store).await.unwrap();
    assert!(
        problem.starts_with(&format!("{} does not match its hash", plan(3))),
        "{problem}"
    );
    for (from, to) in [(3, -3), (4, 3), (-3, 4)] {
        run(
            store,
            &format!("UPDATE plan_changes SET seq = {to} WHERE plan_id = '{id}' AND seq = {from}"),
        )
        .await;
    }
    assert_eq!(history_problem(store).await, None);

    // A person's history: altered.
    run(
        store,
        &format!("UPDATE person_changes SET details = REPLACE(details, 'Leo', 'Lee') WHERE person_id = '{person}'"),
    )
    .await;
    let problem = history_problem(store).await.unwrap();
    assert!(
        problem.starts_with(&format!("person {person}: change 1 does not match")),
        "{problem}"
    );
}
both!(every_kind_of_history_tampering_is_named);

/// A fresh demo database verifies, before and after it is used.
async fn a_fresh_demo_database_verifies(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let (ok, out, err) = goldthread(&url, &["demo"], "");
    assert!(ok, "{out}{err}");
    let (ok, out, err) = goldthread(&url, &["verify"], "");
    assert!(ok, "{out}{err}");
    let checked: i64 = out
        .split("verifies: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(checked > 20, "the demo's history is chained: {out}");
    assert!(!out.contains("cannot be checked"), "{out}");

    let app = spawn_on_url(backend, url.clone()).await;
    let browser = app.signed_in_with("admin@example.org", "goldthread-demo").await;
    let (status, _) = browser.get("/plans").await;
    assert_eq!(status, 200);
    let (ok, out, err) = goldthread(&url, &["audit", "verify"], "");
    assert!(ok, "{out}{err}");
    assert!(!out.contains(" 0 entries"), "{out}");
}
both!(a_fresh_demo_database_verifies);
