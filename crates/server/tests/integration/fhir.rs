//! FHIR R4 out and in (issue 13): every demo plan's Bundle passes an
//! independent validator (fhir.resources from PyPI, R4B models); a Bundle
//! imported into another organisation's Goldthread and exported again says
//! the same; bad input is refused naming what is wrong, with nothing
//! written; the API, the pages and the command line give the same.

use std::process::Command;

use goldthread_domain::fhir::comparable;
use serde_json::{Value, json};

use crate::both;
use crate::cli::goldthread;
use crate::helpers::{Api, Backend, TestApp, spawn_app};

/// A token for a demo account.
async fn demo_api(app: &TestApp, email: &str) -> Api {
    app.api_for(email).await
}

/// `GET /plans/{id}/fhir`: status, content type and the Bundle.
async fn export(api: &Api, id: &str) -> (u16, String, Value) {
    let (status, content_type, body) = api.get_bytes(&format!("/plans/{id}/fhir")).await;
    let text = String::from_utf8(body).unwrap();
    (
        status,
        content_type,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// `POST /fhir/import` with raw bytes and a content type.
async fn import(api: &Api, body: Vec<u8>, content_type: &str) -> (u16, Value) {
    let response = api
        .client
        .post(format!("{}/api/v1/fhir/import", api.base))
        .bearer_auth(&api.token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Runs the independent validator over Bundles written to files.
fn validate(name: &str, bundles: &[(String, Value)]) {
    let dir = crate::browser::artifacts_dir().join(format!("fhir-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (title, bundle) in bundles {
        let file: String = title
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let path = dir.join(format!("{file}.fhir.json"));
        std::fs::write(&path, serde_json::to_vec_pretty(bundle).unwrap()).unwrap();
        files.push(path);
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/fhir_validate.py");
    let output = Command::new("python3")
        .arg(script)
        .args(&files)
        .output()
        .expect("python3 runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the FHIR validator (pip install fhir.resources) refused a Bundle:\n{said}"
    );
    assert_eq!(said.matches("valid FHIR R4 Bundle").count(), bundles.len(), "{said}");
}

async fn plan_ids(api: &Api) -> Vec<(String, String)> {
    let (status, page) = api.get("/plans?limit=200").await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                format!(
                    "{} {}",
                    p["person_name"].as_str().unwrap(),
                    p["plan_type"].as_str().unwrap()
                ),
            )
        })
        .collect()
}

/// How many plans and people an administrator sees.
async fn counts(admin: &Api) -> (i64, i64) {
    let (_, plans) = admin.get("/plans?limit=1").await;
    let (_, people) = admin.get("/people?limit=1").await;
    (plans["total"].as_i64().unwrap(), people["total"].as_i64().unwrap())
}

async fn every_demo_plan_is_valid_fhir_and_comes_back_the_same(backend: Backend) {
    let app = spawn_app(backend).await;
    goldthread::demo::load_if_empty(&app.store).await.unwrap();
    let admin = demo_api(&app, "admin@example.org").await;
    let plans = plan_ids(&admin).await;
    assert!(plans.len() >= 5, "{plans:?}");
    let mut exported = Vec::new();
    for (id, title) in &plans {
        let (status, content_type, bundle) = export(&admin, id).await;
        assert_eq!(status, 200, "{bundle}");
        assert!(content_type.starts_with("application/fhir+json"), "{content_type}");
        assert_eq!(bundle["resourceType"], "Bundle");
        exported.push((title.clone(), bundle));
    }
    // Leo's plan has been agreed: its agreements are Provenance with the hash.
    let leo = &exported.iter().find(|(t, _)| t.starts_with("Leo")).unwrap().1;
    let provenance: Vec<&Value> = leo["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == "Provenance")
        .collect();
    assert!(!provenance.is_empty(), "agreements as Provenance");
    let hash = provenance[0]["entity"][0]["what"]["identifier"]["value"]
        .as_str()
        .unwrap();
    assert!(
        hash.len() >= 64 && hash.ends_with(|c: char| c.is_ascii_hexdigit()),
        "{hash}"
    );
    validate(&format!("{backend:?}-demo").to_lowercase(), &exported);

    // Into another organisation's Goldthread, and out again: the same.
    let other = spawn_app(backend).await;
    let (_, importer) = other.api_user("importer@example.org", "practitioner").await;
    let mut again = Vec::new();
    for (title, bundle) in &exported {
        let (status, done) = import(&importer, serde_json::to_vec(bundle).unwrap(), "application/fhir+json").await;
        assert_eq!(status, 201, "{title}: {done}");
        assert_eq!(done["plan"]["status"], "draft");
        assert_eq!(done["new_person"], true);
        let (status, _, copy) = export(&importer, done["plan"]["id"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(
            comparable(bundle),
            comparable(&copy),
            "{title}: the round trip changed the plan"
        );
        again.push((format!("{title} again"), copy));
    }
    validate(&format!("{backend:?}-round-trip").to_lowercase(), &again);

    // Back into the same Goldthread: the person is matched, and the rule of
    // one active plan of a type refuses it; nothing is written.
    let before = counts(&admin).await;
    let (status, problem) = import(&admin, serde_json::to_vec(leo).unwrap(), "application/json").await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("already"), "{problem}");
    assert_eq!(counts(&admin).await, before);
}
both!(every_demo_plan_is_valid_fhir_and_comes_back_the_same);

async fn bad_bundles_are_refused_saying_why_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    goldthread::demo::load_if_empty(&app.store).await.unwrap();
    let admin = demo_api(&app, "admin@example.org").await;
    let (id, _) = plan_ids(&admin).await.remove(0);
    let (_, _, good) = export(&admin, &id).await;
    let before = counts(&admin).await;

    let mut other_version = good.clone();
    other_version["meta"]["tag"][0]["code"] = json!("5.0.0");
    let mut r5_element = good.clone();
    r5_element["entry"][0]["resource"]["custodian"] = json!({"display": "Kirklees"});
    let mut dangling = good.clone();
    dangling["entry"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["resource"]["resourceType"] != "CareTeam");
    let mut huge = good.clone();
    huge["entry"][0]["resource"]["description"] = json!("x".repeat(1_500_000));
    let deep = format!(
        "{{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":{}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let mut not_utf8 = serde_json::to_vec(&good).unwrap();
    let at = not_utf8.windows(6).position(|w| w == b"\"title").unwrap() + 10;
    not_utf8.insert(at, 0xff);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "malformed JSON",
            b"{\"resourceType\": \"Bundle\", ".to_vec(),
            "not valid JSON",
        ),
        (
            "another version",
            serde_json::to_vec(&other_version).unwrap(),
            "not FHIR R4",
        ),
        ("an R5 element", serde_json::to_vec(&r5_element).unwrap(), "custodian"),
        (
            "a missing reference",
            serde_json::to_vec(&dangling).unwrap(),
            "points at nothing",
        ),
        ("too big", serde_json::to_vec(&huge).unwrap(), "at most"),
        ("too deep", deep.into_bytes(), "nested more than"),
        ("not UTF-8", not_utf8, "not UTF-8"),
        (
            "not a Bundle",
            br#"{"resourceType": "Patient"}"#.to_vec(),
            "not a Bundle",
        ),
    ];
    for (what, body, says) in cases {
        let (status, problem) = import(&admin, body, "application/fhir+json").await;
        assert_eq!(status, 422, "{what}: {problem}");
        assert_eq!(problem["title"], "Invalid input", "{what}");
        assert!(problem["detail"].as_str().unwrap().contains(says), "{what}: {problem}");
        assert!(!problem["errors"].as_array().unwrap().is_empty(), "{what}");
    }
    // A rule of the plan itself, named where it is in the Bundle (for
    // someone new, so that the one-active-plan rule does not answer first).
    let mut bad_area = good.clone();
    for entry in bad_area["entry"].as_array_mut().unwrap() {
        if entry["resource"]["resourceType"] == "Patient" {
            entry["resource"]["name"][0]["family"] = json!("Newcomer");
        }
        if entry["resource"]["resourceType"] == "Condition" {
            entry["resource"]["category"][0]["coding"][0]["code"] = json!("astrology");
        }
    }
    let (status, problem) = import(&admin, serde_json::to_vec(&bad_area).unwrap(), "application/json").await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["errors"][0]["field"].as_str().unwrap().contains("(Condition)"),
        "{problem}"
    );
    // Not JSON at all, and a reader who may not write.
    let (status, _) = import(&admin, b"<Bundle/>".to_vec(), "application/xml").await;
    assert_eq!(status, 415);
    let viewer = demo_api(&app, "grace.miller@example.org").await;
    let (status, _) = import(&viewer, serde_json::to_vec(&good).unwrap(), "application/json").await;
    assert_eq!(status, 403);
    assert_eq!(counts(&admin).await, before, "nothing was written");
}
both!(bad_bundles_are_refused_saying_why_and_nothing_is_written);

async fn a_plan_you_may_not_see_is_not_found_and_the_pages_and_cli_give_the_same(backend: Backend) {
    let app = spawn_app(backend).await;
    goldthread::demo::load_if_empty(&app.store).await.unwrap();
    let admin = demo_api(&app, "admin@example.org").await;
    let plans = plan_ids(&admin).await;
    let (leo, _) = plans.iter().find(|(_, t)| t.starts_with("Leo")).unwrap();
    let (jade, _) = plans.iter().find(|(_, t)| t.starts_with("Jade")).unwrap();
    let tom = demo_api(&app, "tom.price@example.org").await;
    let (status, _, _) = export(&tom, leo).await;
    assert_eq!(status, 200);
    let (hidden, _, hidden_body) = export(&tom, jade).await;
    let (missing, _, missing_body) = export(&tom, &uuid::Uuid::new_v4().to_string()).await;
    assert_eq!((hidden, &hidden_body), (missing, &missing_body));
    assert_eq!(hidden, 404);

    // The plan page links to the download; the download is the API's Bundle.
    let browser = app
        .signed_in_with("priya.shah@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let (status, page) = browser.get(&format!("/plans/{leo}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("href=\"/plans/{leo}/fhir.json\"")),
        "Download FHIR link"
    );
    assert!(
        page.contains(&format!("href=\"/plans/{leo}/provision.csv\"")),
        "Download CSV link"
    );
    let response = browser
        .client
        .get(app.url(&format!("/plans/{leo}/fhir.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let from_page: Value = response.json().await.unwrap();
    let (_, _, from_api) = export(&admin, leo).await;
    assert_eq!(comparable(&from_page), comparable(&from_api));
    let toms = app
        .signed_in_with("tom.price@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let (status, _) = toms.get(&format!("/plans/{jade}/fhir.json")).await;
    assert_eq!(status, 404);

    // The command line: export to a file, import it as a new person's plan
    // elsewhere is the API's; here it is refused for the existing one, and a
    // Bundle for someone new is imported.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leo.json");
    let (ok, _, err) = goldthread(
        &app.database_url,
        &[
            "export",
            "fhir",
            leo,
            "--as",
            "priya.shah@example.org",
            "-o",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(comparable(&bundle), comparable(&from_api));
    let (ok, _, err) = goldthread(
        &app.database_url,
        &[
            "import",
            "fhir",
            file.to_str().unwrap(),
            "--as",
            "priya.shah@example.org",
        ],
        "",
    );
    assert!(!ok && err.contains("already has an active"), "{err}");
    for entry in bundle["entry"].as_array_mut().unwrap() {
        if entry["resource"]["resourceType"] == "Patient" {
            entry["resource"]["name"][0]["given"] = json!(["Leona"]);
        }
    }
    std::fs::write(&file, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let (ok, out, err) = goldthread(
        &app.database_url,
        &[
            "import",
            "fhir",
            file.to_str().unwrap(),
            "--as",
            "priya.shah@example.org",
        ],
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Imported as a new draft MSP plan number 1") && out.contains("a new person"),
        "{out}"
    );
    let (ok, _, err) = goldthread(
        &app.database_url,
        &["export", "fhir", jade, "--as", "tom.price@example.org"],
        "",
    );
    assert!(!ok && err.contains("no plan"), "{err}");
    std::fs::write(&file, b"{\"resourceType\": \"Bundle\"").unwrap();
    let (ok, _, err) = goldthread(
        &app.database_url,
        &[
            "import",
            "fhir",
            file.to_str().unwrap(),
            "--as",
            "priya.shah@example.org",
        ],
        "",
    );
    assert!(
        !ok && err.contains("not valid JSON") && err.contains("nothing was written"),
        "{err}"
    );
}
both!(a_plan_you_may_not_see_is_not_found_and_the_pages_and_cli_give_the_same);
