//! `goldthread demo --people N` (issue 14): a county's worth of fictional
//! people and plans, generated deterministically through the domain's
//! rules and written by the bulk path with the normal path's chains and
//! projections.

use std::collections::BTreeMap;

use goldthread::demo::county::{self, Generated, MIX};
use goldthread::store::Store;
use goldthread_domain::plan::Plan;
use goldthread_domain::plan_type::{Registry, SectionKind};

use crate::both;
use crate::cli::goldthread;
use crate::helpers::{Backend, fresh_database, spawn_app, spawn_on_url};

async fn rows<T>(store: &Store, sql: &str) -> Vec<T>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    match store {
        Store::Sqlite(pool) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await.unwrap(),
    }
}

/// The dashboard's index as stored, in a fixed order.
async fn dashboard_index(store: &Store) -> (Vec<(String, String, String, String)>, Vec<(String, Option<String>)>) {
    let due = rows(
        store,
        "SELECT plan_id, item_key, kind, due FROM dashboard_due ORDER BY plan_id, item_key",
    )
    .await;
    let plans = rows(
        store,
        "SELECT plan_id, still_to_agree FROM dashboard_plans ORDER BY plan_id",
    )
    .await;
    (due, plans)
}

async fn county_of_two_hundred(backend: Backend) {
    let app = spawn_app(backend).await;
    let types = Registry::builtin();
    let started = std::time::Instant::now();
    // Batches of 25, so that PostgreSQL writes several at once.
    let told = std::sync::Mutex::new(Vec::new());
    let done = county::generate_in_batches(&app.store, &types, 200, 25, None, |done, to_do| {
        told.lock().unwrap().push((done, to_do));
    })
    .await
    .unwrap();
    eprintln!("{backend:?}: 200 people generated in {:?}", started.elapsed());
    assert_eq!(
        done,
        Generated {
            added: 200,
            existing: 0
        }
    );
    let told = told.into_inner().unwrap();
    let expected: Vec<(u64, u64)> = (0..=8).map(|n| (n * 25, 200)).collect();
    assert_eq!(told, expected, "progress is told after each batch, in order");

    // The mix: every plan type, in roughly the county's shares.
    let counts: Vec<(String, i64)> = rows(
        &app.store,
        "SELECT plan_type, COUNT(*) FROM plans GROUP BY plan_type ORDER BY plan_type",
    )
    .await;
    let counts: BTreeMap<String, i64> = counts.into_iter().collect();
    eprintln!("plans per type: {counts:?}");
    for (type_id, share) in MIX {
        let n = counts.get(type_id).copied().unwrap_or(0);
        assert!(n > 0, "no {type_id} plans: {counts:?}");
        let expected = 200 * i64::from(share) / 100;
        assert!(
            (n - expected).abs() <= expected / 2 + 6,
            "{type_id}: {n} plans, about {expected} expected"
        );
    }
    assert_eq!(counts.values().sum::<i64>(), 200);

    // What each plan says: 3–7 outcomes with steps and targets, 5–20
    // provision lines, where the type's form has those sections; formal
    // reviews 0–3; a year of weekly reviews for supported housing.
    let states: Vec<(String,)> = rows(&app.store, "SELECT state FROM plans").await;
    let mut statuses = BTreeMap::new();
    let mut weekly_plans = 0;
    for (state,) in &states {
        let plan: Plan = serde_json::from_str(state).unwrap();
        let plan_type = types.get(&plan.plan_type).unwrap();
        *statuses.entry(plan.status.as_str()).or_insert(0) += 1;
        if plan_type.sections_of(SectionKind::Outcomes).next().is_some() {
            let outcomes = &plan.content.outcomes;
            assert!((3..=7).contains(&outcomes.len()), "{} outcomes", outcomes.len());
            for o in outcomes {
                assert!(!o.steps.is_empty(), "an outcome without steps");
                assert!(o.steps.iter().all(|s| !s.targets.is_empty()), "a step without targets");
            }
        }
        if plan_type.sections_of(SectionKind::Provision).next().is_some() {
            let lines = plan.content.provision.len();
            assert!((5..=20).contains(&lines), "{lines} provision lines");
        }
        let formal = plan
            .reviews
            .reviews
            .iter()
            .filter(|r| r.kind == goldthread_domain::review::ReviewKind::Formal)
            .count();
        assert!(formal <= 3, "{formal} formal reviews");
        let weekly = plan.reviews.reviews.len() - formal;
        if plan.plan_type == "SH"
            && plan
                .details
                .start_date
                .is_some_and(|d| d < time::macros::date!(2025 - 11 - 01))
        {
            assert!(weekly >= 50, "a year of weekly reviews: {weekly}");
            weekly_plans += 1;
        } else if plan.plan_type != "SH" {
            assert_eq!(weekly, 0);
        }
    }
    eprintln!("statuses: {statuses:?}; SH plans with a full year of weekly reviews: {weekly_plans}");
    assert!(statuses.get("agreed").copied().unwrap_or(0) > 100, "{statuses:?}");
    assert!(statuses.get("draft").copied().unwrap_or(0) > 0, "{statuses:?}");
    let records: Vec<(String, i64)> = rows(
        &app.store,
        "SELECT kind, COUNT(*) FROM monitoring_records GROUP BY kind ORDER BY kind",
    )
    .await;
    let records: BTreeMap<String, i64> = records.into_iter().collect();
    eprintln!("monitoring records: {records:?}");
    for kind in ["attendance", "meeting", "note", "rating"] {
        assert!(records.get(kind).copied().unwrap_or(0) > 0, "no {kind}: {records:?}");
    }
    let agreements: Vec<(i64,)> = rows(
        &app.store,
        "SELECT COUNT(*) FROM plan_changes WHERE change LIKE '{\"type\":\"agreement_recorded\"%'",
    )
    .await;
    assert!(agreements[0].0 > 200, "{agreements:?}");

    // Idempotent; a larger N adds the difference.
    let again = county::generate(&app.store, &types, 200, None, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        again,
        Generated {
            added: 0,
            existing: 200
        }
    );
    let more = county::generate(&app.store, &types, 230, None, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        more,
        Generated {
            added: 30,
            existing: 200
        }
    );
    let people: Vec<(i64,)> = rows(&app.store, "SELECT COUNT(*) FROM people").await;
    assert_eq!(people[0].0, 230);

    // The histories verify, the audit log verifies and names every
    // person and plan written; the projections and the dashboard's index
    // are what the normal path derives.
    let report = app.store.verify_histories().await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert!(report.checked > 230 * 20, "{report:?}");
    assert_eq!(report.unchained, 0);
    let audit = app.store.verify_audit(None).await.unwrap();
    assert!(audit.is_ok(), "{audit:?}");
    let entries: Vec<(String, i64)> = rows(
        &app.store,
        "SELECT action, COUNT(*) FROM audit_log GROUP BY action ORDER BY action",
    )
    .await;
    let entries: BTreeMap<String, i64> = entries.into_iter().collect();
    assert_eq!(entries.get("person.change"), Some(&230), "{entries:?}");
    assert_eq!(entries.get("plan.change"), Some(&230), "{entries:?}");
    let before = dashboard_index(&app.store).await;
    assert!(!before.0.is_empty() && !before.1.is_empty());
    let (rebuilt, drifted) = app.store.rebuild_plan_projections(|_, _| {}).await.unwrap();
    assert_eq!((rebuilt, drifted), (230, 0), "no projection differs from its history's");
    app.store.refresh_all_dashboards().await.unwrap();
    assert_eq!(
        dashboard_index(&app.store).await,
        before,
        "the dashboard's index is the normal path's"
    );

    // A generated plan opens in the plan page and the API for its
    // practitioner, and their dashboard lists their people.
    let practitioner = county::practitioner(county::type_of(0), 0, "");
    let plan_id = county::plan_id(0);
    let browser = app
        .signed_in_with(&practitioner.email, goldthread::demo::DEMO_PASSWORD)
        .await;
    let (status, html) = browser.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 200);
    let plan: Plan = serde_json::from_str(
        &rows::<(String,)>(&app.store, &format!("SELECT state FROM plans WHERE id = '{plan_id}'")).await[0].0,
    )
    .unwrap();
    assert!(
        html.contains(&plan.content.outcomes[0].text.replace('\'', "&#39;")),
        "the plan page shows the plan"
    );
    let (status, html) = browser.get("/dashboard").await;
    assert_eq!(status, 200);
    let person: Vec<(String,)> = rows(
        &app.store,
        &format!("SELECT given_name FROM people WHERE id = '{}'", county::person_id(0)),
    )
    .await;
    assert!(
        html.to_lowercase().contains(&person[0].0),
        "the dashboard lists the practitioner's people"
    );
    let token = goldthread::auth::new_api_token();
    app.store
        .create_api_token(practitioner.id, "test", &goldthread::auth::token_hash(&token))
        .await
        .unwrap();
    let api = app.api_with_token(&token);
    let (status, body) = api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], plan.version);
    let (status, _) = api.get("/dashboard").await;
    assert_eq!(status, 200);
    // Someone else's caseload is not theirs to see.
    let other = county::plan_id(1);
    let (status, _) = api.get(&format!("/plans/{other}")).await;
    assert_eq!(status, 404);
}
both!(county_of_two_hundred);

/// The command: the example organisation and then the people; run again,
/// nothing is added; `goldthread verify` passes.
async fn county_command(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let (ok, out, err) = goldthread(&url, &["demo", "--people", "24"], "");
    assert!(ok, "{err}");
    assert!(out.contains("Added 24 generated people"), "{out}");
    assert!(
        out.contains("priya.shah@example.org"),
        "the example organisation too: {out}"
    );
    let (ok, out, err) = goldthread(&url, &["demo", "--people", "24"], "");
    assert!(ok, "{err}");
    assert!(out.contains("nothing added"), "{out}");
    let (ok, out, err) = goldthread(&url, &["verify"], "");
    assert!(ok, "{out}{err}");
    let (ok, out, err) = goldthread(&url, &["rebuild-projections"], "");
    assert!(ok, "{err}");
    assert!(out.contains("0 had drifted"), "{out}");
    let app = spawn_on_url(backend, url).await;
    let people: Vec<(i64,)> = rows(&app.store, "SELECT COUNT(*) FROM people").await;
    assert_eq!(
        people[0].0,
        24 + 5,
        "the generated people and the example organisation's five"
    );
}
both!(county_command);

/// SQLite keeps the statistics of a county's tables but not the samples
/// of its indexes (`sqlite_stat4`): with them, every query comparing a
/// parameter with a sampled index was compiled again on every run (see
/// `drop_sampled_statistics` in store/mod.rs). Generating a county leaves
/// none, and a database analysed elsewhere loses them when opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_statistics_without_index_samples() {
    let (url, _dir) = fresh_database(Backend::Sqlite).await;
    let app = spawn_on_url(Backend::Sqlite, url.clone()).await;
    let types = Registry::builtin();
    county::generate(&app.store, &types, 20, None, |_, _| {}).await.unwrap();
    let count = |table: &'static str| {
        let store = app.store.clone();
        async move {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let (n,): (i64,) = rows(&store, &sql).await.remove(0);
            n
        }
    };
    assert!(count("sqlite_stat1").await > 0, "the planner has its statistics");
    assert_eq!(count("sqlite_stat4").await, 0, "and no samples");

    // Analysed by someone else (as `sqlite3`'s shell would), then opened.
    app.store.execute_unchecked("ANALYZE").await.unwrap();
    assert!(count("sqlite_stat4").await > 0);
    let reopened = Store::connect(&url).await.unwrap();
    let (samples,): (i64,) = rows(&reopened, "SELECT COUNT(*) FROM sqlite_stat4").await.remove(0);
    assert_eq!(samples, 0);
}
