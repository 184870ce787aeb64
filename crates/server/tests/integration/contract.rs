//! The API document is the contract: what it declares is what the server
//! enforces, a client generated from it works, and times are shown in the
//! organisation's time zone while machine fields stay UTC.

use std::process::Command;

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, spawn_app};

fn said(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A Python client generated from the served document by an independent
/// generator (`openapi-python-client` from PyPI) creates a person and a
/// plan and reads them back, with typed models (dates, UUIDs, enums).
async fn a_generated_client_creates_and_reads_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("noor.keyworker@example.org", "practitioner").await;
    let (status, document) = api.get("/openapi.json").await;
    assert_eq!(status, 200);
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.json");
    std::fs::write(&spec, serde_json::to_string_pretty(&document).unwrap()).unwrap();
    let package = dir.path().join("goldthread_client");
    let output = Command::new("openapi-python-client")
        .args(["generate", "--meta", "none", "--path"])
        .arg(&spec)
        .arg("--output-path")
        .arg(&package)
        .output()
        .unwrap_or_else(|e| panic!("openapi-python-client must be installed (see scripts/test): {e}"));
    let generated = said(&output);
    assert!(
        output.status.success(),
        "the client could not be generated:\n{generated}"
    );
    for needed in ["create_person", "get_person", "create_plan", "get_plan"] {
        assert!(
            !generated.contains(&format!("{needed} within")),
            "the generator skipped {needed}:\n{generated}"
        );
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/integration/clients/use_generated_client.py"
    );
    let output = Command::new("python3")
        .arg(script)
        .arg(dir.path())
        .arg(app.url("/api/v1"))
        .arg(&api.token)
        .output()
        .expect("python3 runs");
    let ran = said(&output);
    assert!(output.status.success(), "the generated client failed:\n{ran}");
    assert!(ran.contains("created and read back"), "{ran}");
    let (_, people) = api.get("/people?q=haddad").await;
    assert_eq!(people["total"], 1, "{people}");
}
both!(a_generated_client_creates_and_reads_back);

/// What the document declares, the server enforces both ways.
async fn the_document_says_what_the_server_enforces(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, doc) = api.get("/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    let person = &schemas["PersonInput"];
    let required: Vec<&str> = person["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        required.contains(&"given_name") && required.contains(&"family_name"),
        "{person}"
    );
    assert_eq!(person["properties"]["given_name"]["maxLength"], 100);
    assert_eq!(person["properties"]["date_of_birth"]["format"], "date");
    assert!(person["properties"]["date_of_birth"]["pattern"].is_string());
    assert_eq!(
        schemas["NewPlan"]["properties"]["review_interval_weeks"]["maximum"],
        104
    );
    assert!(
        schemas["NewPlan"]["properties"]["plan_type"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("MSP"))
    );
    assert_eq!(
        schemas["NewUserBody"]["properties"]["role"]["$ref"],
        "#/components/schemas/Role"
    );
    let limit = doc["paths"]["/plans"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(
        (&limit["schema"]["minimum"], &limit["schema"]["maximum"]),
        (&json!(1), &json!(200))
    );
    assert_eq!(
        doc["paths"]["/people/{id}"]["get"]["parameters"][0]["schema"]["format"],
        "uuid"
    );

    // A schema-invalid request is refused, naming the field…
    for (body, field) in [
        (
            json!({"given_name": "Leo", "family_name": "Martin", "date_of_birth": ""}),
            "date_of_birth",
        ),
        (
            json!({"given_name": "Leo", "family_name": "Martin", "date_of_birth": " 2018-03-14"}),
            "date_of_birth",
        ),
        (
            json!({"given_name": " Leo", "family_name": "Martin", "known_as": format!("{}x", " ".repeat(100))}),
            "known_as",
        ),
        (
            json!({"given_name": "Leo", "family_name": "Martin", "setting": "School\u{85}"}),
            "setting",
        ),
    ] {
        let (status, problem) = api.post("/people", body.clone()).await;
        assert_eq!(status, 422, "{body} → {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let (status, problem) = api.get("/plans?limit=0").await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "limit");
    let (status, _) = api.get("/people?offset=-1").await;
    assert_eq!(status, 422);

    // …and a schema-valid one is accepted: 12.0 is an integer to JSON Schema.
    let (status, created) = api
        .post(
            "/people",
            json!({"given_name": "Leo", "family_name": "Martin", "date_of_birth": "2018-03-14"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let person_id = created["id"].as_str().unwrap();
    let (status, plan) = api
        .post(
            "/plans",
            json!({"person_id": person_id, "plan_type": "YP", "review_interval_weeks": 12.0}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["review_interval_weeks"], 12);

    let id = plan["id"].as_str().unwrap();
    let (status, problem) = api
        .post(&format!("/plans/{id}/changes"), json!({"base_version": 1, "change": {"type": "created", "person_id": person_id, "plan_type": "YP", "number": 2, "details": {"title": "x"}}}))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        doc["components"]["schemas"]["ChangeRequest"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["$ref"] != "#/components/schemas/ChangeCreated"),
        "the document does not offer what the server refuses"
    );
}
both!(the_document_says_what_the_server_enforces);

/// Pages show times in the organisation's zone (Europe/London by default:
/// GMT in winter, BST in summer); the API's machine fields stay UTC.
async fn times_are_shown_in_the_organisation_s_time_zone(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "YP").await;
    let id = plan["id"].as_str().unwrap();
    let created_at = plan["created_at"].as_str().unwrap();
    assert!(
        created_at.ends_with('Z'),
        "machine fields are RFC 3339 UTC: {created_at}"
    );
    let at = time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339).unwrap();
    let london = goldthread::local_time::zone_named("Europe/London").unwrap();
    let shown = goldthread::local_time::date_time_in(at, &london);
    assert!(shown.ends_with(" GMT") || shown.ends_with(" BST"), "{shown}");

    let browser = app.signed_in("priya@example.org").await;
    let (status, page) = browser.get(&format!("/plans/{id}/history")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&shown), "the history shows {shown}:\n{page}");
    assert!(!page.contains(" UTC"), "no time is shown in UTC");
}
both!(times_are_shown_in_the_organisation_s_time_zone);

/// `goldthread serve` refuses a time zone that does not exist, naming it.
#[test]
fn an_unknown_time_zone_is_refused_at_start_up() {
    let output = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .args(["serve", "--addr", "127.0.0.1:0", "--time-zone", "Mars/Olympus_Mons"])
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let refused = said(&output);
    assert!(
        refused.contains("Mars/Olympus_Mons") && refused.contains("time-zone"),
        "{refused}"
    );
    let help = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = said(&help);
    assert!(
        help.contains("GOLDTHREAD_TIME_ZONE") && help.contains("Europe/London"),
        "{help}"
    );
}
