//! Retention (issue 12, SPEC S4), on both databases, with an injected
//! "today": a closed plan is kept until its plan type's period has passed,
//! then its content, files and records go, and its person is anonymised
//! once none of their plans is kept; a plan not yet due, an active plan and
//! a held one are untouched; a dry run changes nothing; the histories still
//! verify afterwards (`goldthread verify`, `goldthread audit verify`) and
//! tampering with a redacted row is still found. The page and the API are
//! for administrators only.

use goldthread::store::Store;
use goldthread_domain::user::{Actor, Role};
use serde_json::{Value, json};
use time::Date;

use crate::both;
use crate::cli::goldthread;
use crate::helpers::{Api, Backend, TestApp, spawn_app, spawn_app_with, spawn_instance_with};

const SECRET_TEXT: &str = "Loves his dog Biscuit-7731";

fn admin() -> Actor {
    Actor {
        id: uuid::Uuid::nil(),
        name: "test administrator".into(),
        email: String::new(),
        role: Role::Admin,
    }
}

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Today plus whole years (SH keeps closed plans 6 years).
fn years_on(years: i32) -> Date {
    let t = today();
    Date::from_calendar_date(t.year() + years, t.month(), t.day().min(28)).unwrap()
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Sqlite(pool) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await,
        Store::Postgres(pool) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn run(store: &Store, sql: &str) {
    store
        .execute_unchecked(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// An SH plan for a new person with some text and an uploaded file;
/// closed if `close`. Returns (plan id, person id).
async fn sh_plan(app: &TestApp, api: &Api, given: &str, close: bool) -> (String, String) {
    let plan = api.plan(given, "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let person = plan["person_id"].as_str().unwrap().to_owned();
    let (status, body) = api
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": 1, "reason": format!("{given} said so"), "change": {"type": "texts_set", "section": "my_situation", "texts": {"important_to_me": SECRET_TEXT}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/plans/{id}/files?name=letter.pdf")))
        .bearer_auth(&api.token)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4 a letter".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    if close {
        let (status, body) = api
            .post(
                &format!("/plans/{id}/changes"),
                json!({"base_version": 2, "reason": "Moved on", "change": {"type": "status_changed", "to": "closed"}}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    (id, person)
}

async fn verifies(app: &TestApp) {
    assert_eq!(app.store.verify_histories().await.unwrap().problem, None);
    let (ok, out, err) = goldthread(&app.database_url, &["verify"], "");
    assert!(ok, "goldthread verify: {out}{err}");
    let (ok, out, err) = goldthread(&app.database_url, &["audit", "verify"], "");
    assert!(ok, "goldthread audit verify: {out}{err}");
}

async fn due_is_removed_and_nothing_else(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (leo, leo_person) = sh_plan(&app, &api, "Leo", true).await;
    let (mia, _) = sh_plan(&app, &api, "Mia", false).await;
    let (kai, kai_person) = sh_plan(&app, &api, "Kai", true).await;
    let store = &app.store;
    let hold = store
        .set_legal_hold(
            &admin(),
            goldthread::store::HoldTarget::Person(kai_person.parse().unwrap()),
            "Complaint under investigation",
        )
        .await
        .unwrap();
    let (_, leo_before) = api.get(&format!("/plans/{leo}")).await;

    // Not yet due: five years on, nothing happens.
    let report = store.retention_run(&admin(), years_on(5), false, None).await.unwrap();
    assert!(report.plans.is_empty() && report.events.is_empty(), "{report:?}");

    // A dry run seven years on lists Leo's plan (and Leo), changes nothing.
    let dry = store.retention_run(&admin(), years_on(7), true, None).await.unwrap();
    let listed: Vec<String> = dry.plans.iter().map(|p| p.plan_id.to_string()).collect();
    assert_eq!(listed, std::slice::from_ref(&leo), "only the due plan: {dry:?}");
    assert_eq!(dry.people.len(), 1);
    assert!(dry.events.is_empty());
    let (status, leo_after_dry) = api.get(&format!("/plans/{leo}")).await;
    assert_eq!(status, 200);
    assert_eq!(leo_after_dry, leo_before, "a dry run changes nothing");
    assert_eq!(scalar(store, "SELECT COUNT(*) FROM retention_events").await, 0);

    // The audit holds the reason Leo's worker gave…
    let audit_reasons = format!("SELECT COUNT(*) FROM audit_log WHERE plan_id = '{leo}' AND reason LIKE '%Leo%'");
    assert!(scalar(store, &audit_reasons).await > 0);

    // The real run.
    let report = store.retention_run(&admin(), years_on(7), false, None).await.unwrap();
    assert_eq!(report.plans.len(), 1);
    assert_eq!(report.events.len(), 2, "the plan removed, the person anonymised");
    assert_eq!(report.events[0].files_deleted, 1);

    // Leo's plan and record are gone for everyone; the text is nowhere.
    let (status, _) = api.get(&format!("/plans/{leo}")).await;
    assert_eq!(status, 404);
    let (status, _) = api.get(&format!("/people/{leo_person}")).await;
    assert_eq!(status, 404);
    let (_, found) = api.get("/people?q=leo").await;
    assert!(!found.to_string().contains("Leo"), "{found}");
    for (table, column, key, id) in [
        ("plan_changes", "change", "plan_id", &leo),
        ("plan_changes", "reason", "plan_id", &leo),
        ("plans", "state", "id", &leo),
        ("person_changes", "details", "person_id", &leo_person),
        ("people", "details", "id", &leo_person),
    ] {
        let sql = format!(
            "SELECT COUNT(*) FROM {table} WHERE {key} = '{id}' AND ({column} LIKE '%Biscuit-7731%' OR {column} LIKE '%Leo%')"
        );
        assert_eq!(
            scalar(store, &sql).await,
            0,
            "{table}.{column} still holds Leo's content"
        );
    }
    assert_eq!(
        scalar(store, &format!("SELECT COUNT(*) FROM files WHERE plan_id = '{leo}'")).await,
        0
    );
    assert_eq!(
        scalar(
            store,
            &format!("SELECT COUNT(*) FROM plan_changes WHERE plan_id = '{leo}' AND reason IS NOT NULL")
        )
        .await,
        0,
        "reasons are redacted too"
    );
    // …and after: the audit keeps who, when and what, not the reason.
    assert_eq!(
        scalar(store, &audit_reasons).await,
        0,
        "the audit's reasons about Leo are removed"
    );
    assert!(
        scalar(
            store,
            &format!("SELECT COUNT(*) FROM audit_log WHERE plan_id = '{leo}' AND action = 'plan.change'")
        )
        .await
            > 0
    );
    // Who and when stay.
    assert_eq!(
        scalar(
            store,
            &format!("SELECT COUNT(*) FROM plan_changes WHERE plan_id = '{leo}' AND author_name = 'priya'")
        )
        .await,
        3
    );
    // The anonymisation is itself a change in the person's history.
    assert_eq!(
        scalar(store, &format!("SELECT COUNT(*) FROM person_changes WHERE person_id = '{leo_person}' AND redacted_by IS NULL AND details LIKE '%Anonymised%'")).await,
        1
    );

    // Mia (active) and Kai (held) are untouched.
    let (status, mia_plan) = api.get(&format!("/plans/{mia}")).await;
    assert_eq!(status, 200);
    assert!(mia_plan.to_string().contains(SECRET_TEXT));
    let (status, kai_plan) = api.get(&format!("/plans/{kai}")).await;
    assert_eq!(status, 200);
    assert!(kai_plan.to_string().contains(SECRET_TEXT));

    verifies(&app).await;

    // Once the hold is lifted, Kai's plan goes at the next run.
    store
        .lift_legal_hold(&admin(), hold.id, "Complaint closed")
        .await
        .unwrap();
    let report = store.retention_run(&admin(), years_on(7), false, None).await.unwrap();
    assert_eq!(report.plans.len(), 1);
    assert_eq!(report.plans[0].plan_id.to_string(), kai);
    let (status, _) = api.get(&format!("/plans/{kai}")).await;
    assert_eq!(status, 404);
    let (status, _) = api.get(&format!("/plans/{mia}")).await;
    assert_eq!(status, 200);
    verifies(&app).await;

    // Nothing more is due: a further run does nothing.
    let report = store.retention_run(&admin(), years_on(9), false, None).await.unwrap();
    assert!(report.events.is_empty(), "{report:?}");
}
both!(due_is_removed_and_nothing_else);

/// Turns the history's triggers off, as someone with the database would.
async fn drop_history_triggers(app: &TestApp) {
    let statements: &[&str] = match app.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER plan_changes_append_only_update",
            "DROP TRIGGER person_changes_append_only_update",
            "DROP TRIGGER audit_log_append_only_update",
        ],
        Backend::Postgres => &[
            "ALTER TABLE plan_changes DISABLE TRIGGER plan_changes_append_only",
            "ALTER TABLE person_changes DISABLE TRIGGER person_changes_append_only",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        ],
    };
    for sql in statements {
        run(&app.store, sql).await;
    }
}

async fn problem(app: &TestApp) -> String {
    app.store
        .verify_histories()
        .await
        .unwrap()
        .problem
        .expect("the tampering is found")
}

async fn tampering_with_a_redacted_row_is_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (leo, _) = sh_plan(&app, &api, "Leo", true).await;
    let (mia, _) = sh_plan(&app, &api, "Mia", false).await;
    let store = &app.store;

    // The only update the database allows is the recorded redaction.
    let refused = store
        .execute_unchecked(&format!(
            "UPDATE plan_changes SET change = '{{\"redacted\":\"retention\"}}', reason = NULL, redacted_by = 'made-up' WHERE plan_id = '{mia}' AND seq = 1"
        ))
        .await;
    assert!(refused.is_err(), "redaction without a recorded event is refused");

    store.retention_run(&admin(), years_on(7), false, None).await.unwrap();
    assert_eq!(store.verify_histories().await.unwrap().problem, None);
    // Even a recorded event does not let anyone change a redacted row again.
    let refused = store
        .execute_unchecked(&format!(
            "UPDATE plan_changes SET author_name = 'Someone Else' WHERE plan_id = '{leo}' AND seq = 2"
        ))
        .await;
    assert!(refused.is_err(), "a redacted row stays as it is");

    drop_history_triggers(&app).await;
    let plan = |seq: i64| format!("plan {leo}: change {seq}");

    // A reason put back into a redacted audit entry.
    let audit_seq = scalar(
        store,
        &format!("SELECT MIN(seq) FROM audit_log WHERE plan_id = '{leo}' AND redacted_by IS NOT NULL"),
    )
    .await;
    run(
        store,
        &format!("UPDATE audit_log SET reason = 'Leo said so' WHERE seq = {audit_seq}"),
    )
    .await;
    let found = store.verify_audit(None).await.unwrap().problem.expect("found");
    assert!(
        found.starts_with(&format!("audit entry {audit_seq} is marked redacted")),
        "{found}"
    );
    run(
        store,
        &format!("UPDATE audit_log SET reason = NULL WHERE seq = {audit_seq}"),
    )
    .await;
    assert_eq!(store.verify_audit(None).await.unwrap().problem, None);

    // Who made a redacted change, altered.
    run(
        store,
        &format!("UPDATE plan_changes SET author_name = 'Someone Else' WHERE plan_id = '{leo}' AND seq = 2"),
    )
    .await;
    let found = problem(&app).await;
    assert!(
        found.starts_with(&format!("{} does not match its hash", plan(2))),
        "{found}"
    );
    let (ok, _, err) = goldthread(&app.database_url, &["verify"], "");
    assert!(!ok && err.contains(&plan(2)), "{err}");
    run(
        store,
        &format!("UPDATE plan_changes SET author_name = 'priya' WHERE plan_id = '{leo}' AND seq = 2"),
    )
    .await;
    assert_eq!(store.verify_histories().await.unwrap().problem, None);

    // Content put back into a redacted row.
    run(store, &format!("UPDATE plan_changes SET change = '{{\"type\":\"status_changed\",\"to\":\"draft\"}}' WHERE plan_id = '{leo}' AND seq = 3")).await;
    let found = problem(&app).await;
    assert!(
        found.starts_with(&format!("{} was altered after it was redacted", plan(3))),
        "{found}"
    );
    run(
        store,
        &format!(
            "UPDATE plan_changes SET change = '{{\"redacted\":\"retention\"}}' WHERE plan_id = '{leo}' AND seq = 3"
        ),
    )
    .await;
    assert_eq!(store.verify_histories().await.unwrap().problem, None);

    // A row of another plan passed off as redacted by Leo's event.
    let event: String = match store {
        Store::Sqlite(pool) => {
            sqlx::query_scalar("SELECT id FROM retention_events WHERE kind = 'plan'")
                .fetch_one(pool)
                .await
        }
        Store::Postgres(pool) => {
            sqlx::query_scalar("SELECT id FROM retention_events WHERE kind = 'plan'")
                .fetch_one(pool)
                .await
        }
    }
    .unwrap();
    run(store, &format!("UPDATE plan_changes SET change = '{{\"redacted\":\"retention\"}}', reason = NULL, redacted_by = '{event}' WHERE plan_id = '{mia}' AND seq = 2")).await;
    let found = problem(&app).await;
    assert!(
        found.starts_with(&format!(
            "plan {mia}: change 2 is marked redacted, but no recorded retention event covers it"
        )),
        "{found}"
    );
}
both!(tampering_with_a_redacted_row_is_found);

async fn the_command_line_runs_retention(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (leo, _) = sh_plan(&app, &api, "Leo", true).await;
    let later = years_on(7).to_string();

    let (ok, out, err) = goldthread(&app.database_url, &["retention", "status", "--today", &later], "");
    assert!(ok, "{err}");
    assert!(out.contains(&leo) && out.contains("Due since"), "{out}");

    let (ok, out, err) = goldthread(
        &app.database_url,
        &["retention", "hold", "set", "--plan", &leo, "--reason", "Court case"],
        "",
    );
    assert!(ok, "{err}");
    let hold_id = out.split_whitespace().nth(1).unwrap().to_owned();
    let (ok, out, _) = goldthread(&app.database_url, &["retention", "run", "--today", &later], "");
    assert!(ok && out.contains("Nothing is due"), "{out}");

    let (ok, _, err) = goldthread(
        &app.database_url,
        &["retention", "hold", "lift", &hold_id, "--reason", " "],
        "",
    );
    assert!(!ok && err.contains("--reason"), "a reason is required: {err}");
    let (ok, _, err) = goldthread(
        &app.database_url,
        &["retention", "hold", "lift", &hold_id, "--reason", "Case closed"],
        "",
    );
    assert!(ok, "{err}");

    let (ok, out, err) = goldthread(
        &app.database_url,
        &["retention", "run", "--dry-run", "--today", &later],
        "",
    );
    assert!(ok, "{err}");
    assert!(out.contains(&format!("Would remove plan {leo}")), "{out}");
    let (status, _) = api.get(&format!("/plans/{leo}")).await;
    assert_eq!(status, 200, "the dry run changed nothing");

    let (ok, out, err) = goldthread(&app.database_url, &["retention", "run", "--today", &later], "");
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("Removed plan {leo}")) && out.contains("Anonymised person"),
        "{out}"
    );
    let (status, _) = api.get(&format!("/plans/{leo}")).await;
    assert_eq!(status, 404);
    verifies(&app).await;
}
both!(the_command_line_runs_retention);

async fn page_and_api_for_administrators_only(backend: Backend) {
    let later = years_on(7);
    let app = spawn_app_with(backend, |config| config.today = Some(later)).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, admin_api) = app.api_user("admin@example.org", "admin").await;
    let (leo, _) = sh_plan(&app, &api, "Leo", true).await;
    let (kai, _) = sh_plan(&app, &api, "Kai", true).await;

    // A practitioner: the page and the routes do not exist.
    let browser = app.signed_in("priya@example.org").await;
    let (status, _) = browser.get("/admin/retention").await;
    assert_eq!(status, 404);
    let (status, _) = api.get("/retention").await;
    assert_eq!(status, 404);
    let (status, _) = api.post("/retention/run", json!({"dry_run": true})).await;
    assert_eq!(status, 404);
    let (status, _) = api
        .post("/retention/holds", json!({"plan_id": leo, "reason": "Mine"}))
        .await;
    assert_eq!(status, 404);

    // The administrator: what is due, holds, a dry run, a run.
    let (status, overview) = admin_api.get("/retention").await;
    assert_eq!(status, 200, "{overview}");
    let plans = overview["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 2, "{overview}");
    assert!(plans.iter().all(|p| p["assessment"]["state"] == "due"), "{overview}");

    let (status, body) = admin_api.post("/retention/holds", json!({"reason": "Court"})).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = admin_api
        .post("/retention/holds", json!({"plan_id": kai, "reason": " "}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("reason"), "{body}");
    let (status, hold) = admin_api
        .post("/retention/holds", json!({"plan_id": kai, "reason": "Court case"}))
        .await;
    assert_eq!(status, 201, "{hold}");

    let (status, dry) = admin_api.post("/retention/run", json!({"dry_run": true})).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["plans"].as_array().unwrap().len(), 1, "{dry}");
    assert_eq!(dry["plans"][0]["plan_id"], Value::String(leo.clone()));
    let (status, _) = api.get(&format!("/plans/{leo}")).await;
    assert_eq!(status, 200, "a dry run changes nothing");

    // The page, with the form's error and the run.
    let admin_browser = app.signed_in("admin@example.org").await;
    let (status, html) = admin_browser.get("/admin/retention").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Closed plans") && html.contains("Court case") && html.contains("Due since"),
        "{html}"
    );
    let response = admin_browser
        .submit(
            "/admin/retention",
            "/admin/retention/holds",
            &[("subject", "not an id"), ("reason", "")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("govuk-error-summary") && html.contains("href=\"#subject\"") && html.contains("href=\"#reason\""),
        "{html}"
    );
    let response = admin_browser
        .submit("/admin/retention", "/admin/retention/run", &[])
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = admin_browser.get("/admin/retention?done=run").await;
    assert!(
        html.contains("What was removed") && html.contains("A SH plan"),
        "{html}"
    );
    let (status, _) = api.get(&format!("/plans/{leo}")).await;
    assert_eq!(status, 404);
    let (status, _) = api.get(&format!("/plans/{kai}")).await;
    assert_eq!(status, 200, "held");

    let hold_id = hold["id"].as_str().unwrap();
    let (status, lifted) = admin_api
        .post(
            &format!("/retention/holds/{hold_id}/lift"),
            json!({"reason": "Case closed"}),
        )
        .await;
    assert_eq!(status, 200, "{lifted}");
    let (status, _) = admin_api
        .post(&format!("/retention/holds/{hold_id}/lift"), json!({"reason": "Again"}))
        .await;
    assert_eq!(status, 404, "a hold is lifted once");
    let (_, overview) = admin_api.get("/retention").await;
    assert_eq!(overview["removed"].as_array().unwrap().len(), 2, "{overview}");
    verifies(&app).await;
}
both!(page_and_api_for_administrators_only);

/// The scheduler inside `serve` runs at start and then every hour: an
/// instance whose "today" is seven years on removes the closed plan.
async fn the_scheduler_removes_what_is_due(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (leo, _) = sh_plan(&app, &api, "Leo", true).await;
    let (mia, _) = sh_plan(&app, &api, "Mia", false).await;
    let _later = spawn_instance_with(&app, |config| config.today = Some(years_on(7))).await;
    let mut status = 200;
    for _ in 0..100 {
        status = api.get(&format!("/plans/{leo}")).await.0;
        if status == 404 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 404, "the scheduler removed the due plan");
    assert_eq!(api.get(&format!("/plans/{mia}")).await.0, 200);
    // The person is anonymised right after, in the same round.
    let events = "SELECT COUNT(*) FROM retention_events WHERE run_by_name = 'scheduler'";
    let mut n = 0;
    for _ in 0..100 {
        n = scalar(&app.store, events).await;
        if n == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(n, 2, "the plan removed and the person anonymised");
    verifies(&app).await;
}
both!(the_scheduler_removes_what_is_due);
