//! CSV of a plan's provision and action points, and of a caseload (issue
//! 13): one line each, money as Goldthread shows it, formulas made harmless,
//! access checked where it is read; the API, the pages and the command line.

use serde_json::json;

use crate::both;
use crate::cli::goldthread;
use crate::helpers::{Api, Backend, TestApp, spawn_app};

async fn demo_api(app: &TestApp, email: &str) -> Api {
    app.api_for(email).await
}

async fn get_csv(api: &Api, path: &str) -> (u16, String, String) {
    let (status, content_type, body) = api.get_bytes(path).await;
    (status, content_type, String::from_utf8(body).unwrap())
}

fn read(csv_text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

async fn provision_and_actions_as_csv(backend: Backend) {
    let app = spawn_app(backend).await;
    goldthread::demo::load_if_empty(&app.store).await.unwrap();
    let priya = demo_api(&app, "priya.shah@example.org").await;
    let (_, page) = priya.get("/plans?limit=200").await;
    let leo = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person_name"].as_str().unwrap().starts_with("Leo") && p["status"] != "superseded")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, plan) = priya.get(&format!("/plans/{leo}")).await;
    // Someone types a formula into the plan.
    let (status, body) = priya
        .post(
            &format!("/plans/{leo}/changes"),
            json!({"base_version": plan["version"], "reason": "Added at the meeting",
                   "change": {"type": "item_added", "item": {"kind": "provision", "id": uuid::Uuid::new_v4(),
                   "what": "=HYPERLINK(\"http://evil.example\",\"Click\")", "weekly_cost_pence": 136550}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    let (status, content_type, text) = get_csv(&priya, &format!("/plans/{leo}/provision.csv")).await;
    assert_eq!(status, 200, "{text}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert!(text.starts_with("Person,Plan,Plan number,Kind,What,Who"), "{text}");
    let lines = read(&text);
    let provision = plan["content"]["provision"].as_array().unwrap().len();
    assert!(
        lines.iter().filter(|l| l[3] == "Provision").count() == provision + 1,
        "{text}"
    );
    let evil = lines.iter().find(|l| l[4].contains("HYPERLINK")).unwrap();
    assert!(evil[4].starts_with("'="), "formula made harmless: {evil:?}");
    assert_eq!(evil[11], "£1,365.50");
    assert!(lines.iter().all(|l| l[0].starts_with("Leo")));
    assert!(
        lines.iter().all(|l| l[11].is_empty() || l[11].starts_with('£')),
        "money as the domain writes it: {text}"
    );

    // The caseload: every active plan the user may see.
    let admin = demo_api(&app, "admin@example.org").await;
    let (status, _, all) = get_csv(&admin, "/provision.csv").await;
    assert_eq!(status, 200);
    let people: std::collections::BTreeSet<String> = read(&all).into_iter().map(|l| l[0].clone()).collect();
    assert!(people.len() >= 4, "{people:?}");
    let actions = read(&all).into_iter().filter(|l| l[3] == "Action point").count();
    assert!(actions > 0, "the demo's meetings agreed action points: {all}");
    let tom = demo_api(&app, "tom.price@example.org").await;
    let (_, _, his) = get_csv(&tom, "/provision.csv").await;
    assert!(read(&his).iter().all(|l| l[0].starts_with("Leo")), "{his}");

    // A plan you may not see is not found, exactly like one that does not exist.
    let (_, all_plans) = admin.get("/plans?limit=200").await;
    let jade = all_plans["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person_name"].as_str().unwrap().starts_with("Jade"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hidden = get_csv(&tom, &format!("/plans/{jade}/provision.csv")).await;
    let missing = get_csv(&tom, &format!("/plans/{}/provision.csv", uuid::Uuid::new_v4())).await;
    assert_eq!(hidden.0, 404);
    assert_eq!((hidden.0, hidden.2), (missing.0, missing.2));

    // The pages and the command line give the same.
    let browser = app
        .signed_in_with("priya.shah@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let response = browser
        .client
        .get(app.url(&format!("/plans/{leo}/provision.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".csv")
    );
    assert_eq!(response.text().await.unwrap(), text);
    let (status, list) = browser.get("/plans").await;
    assert_eq!(status, 200);
    assert!(
        list.contains("href=\"/provision.csv\""),
        "caseload link on the plans list"
    );
    let (ok, out, err) = goldthread(
        &app.database_url,
        &["export", "csv", &leo, "--as", "priya.shah@example.org"],
        "",
    );
    assert!(ok, "{err}");
    assert_eq!(out, text);
}
both!(provision_and_actions_as_csv);
