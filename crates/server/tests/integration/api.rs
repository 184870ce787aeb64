//! The JSON API: tokens, people, plans, parties, status, problems.

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, spawn_app};

async fn health_and_openapi(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);

    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (status, doc) = api.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"].as_str().unwrap().chars().next(), Some('3'));
    for path in [
        "/people",
        "/people/{id}",
        "/plans",
        "/plans/{id}",
        "/plans/{id}/changes",
        "/plans/{id}/parties",
        "/plan-types",
        "/plan-types/{id}",
        "/checks/smart",
    ] {
        assert!(doc["paths"][path].is_object(), "OpenAPI document lacks {path}");
    }
    assert!(doc["components"]["schemas"]["Plan"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
both!(health_and_openapi);

async fn people_crud_and_search(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;

    let (status, leo) = api
        .post(
            "/people",
            json!({"given_name": "Leo", "family_name": "Martin", "known_as": "Leo", "date_of_birth": "2018-03-14", "setting": "Brookfield Primary"}),
        )
        .await;
    assert_eq!(status, 201, "{leo}");
    let id = leo["id"].as_str().unwrap();
    assert_eq!(leo["version"], 1);
    assert_eq!(leo["date_of_birth"], "2018-03-14");

    let (status, read) = api.get(&format!("/people/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(read["given_name"], "Leo");

    api.person("Jade", "Thompson").await;
    let (_, found) = api.get("/people?q=mart").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["family_name"], "Martin");
    let (_, all) = api.get("/people").await;
    assert_eq!(all["total"], 2);
    // LIKE wildcards in a search are taken literally.
    let (_, none) = api.get("/people?q=%25").await;
    assert_eq!(none["total"], 0);

    let (status, edited) = api
        .put(&format!("/people/{id}"), json!({"base_version": 1, "reason": "Setting changed", "given_name": "Leo", "family_name": "Martin", "setting": "Hill Top School"}))
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["version"], 2);
    let (_, history) = api.get(&format!("/people/{id}/history")).await;
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[0]["details"]["setting"], "Brookfield Primary");
    assert_eq!(history[1]["reason"], "Setting changed");
}
both!(people_crud_and_search);

async fn bad_input_gets_problem_details(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;

    let (status, problem) = api
        .post("/people", json!({"given_name": " ", "date_of_birth": "14/03/2018"}))
        .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["given_name", "family_name", "date_of_birth"]);
    assert!(problem["detail"].as_str().unwrap().contains("date_of_birth"));
    assert_eq!(problem["status"], 422);

    // Malformed JSON, wrong types, wrong content type, too large: 400/415/413.
    let client = reqwest::Client::new();
    let raw = |body: &'static str, content_type: &'static str| {
        client
            .post(app.url("/api/v1/people"))
            .bearer_auth(&api.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let response = raw("{not json", "application/json").await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert_eq!(
        raw(r#"{"given_name": 5}"#, "application/json").await.unwrap().status(),
        400
    );
    assert_eq!(raw("{}", "text/plain").await.unwrap().status(), 415);
    let huge = "x".repeat(3 * 1024 * 1024);
    // The server answers 413 before reading the whole body and closes the
    // connection; a one-off client keeps that from poisoning the pool.
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/people"))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body(format!(r#"{{"given_name": "{huge}"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // No token, a bad token, a malformed id, an unknown route.
    let response = client.get(app.url("/api/v1/people")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let (status, _) = app.api_with_token("gt_nope").get("/people").await;
    assert_eq!(status, 401);
    let (status, _) = api.get("/people/not-a-uuid").await;
    assert_eq!(status, 404);
    let (status, problem) = api.get("/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(problem["status"], 404);
}
both!(bad_input_gets_problem_details);

async fn plans_parties_status_and_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let (priya, api) = app.api_user("priya@example.org", "practitioner").await;
    let person = api.person("Leo", "Martin").await;

    let (status, types) = api.get("/plan-types").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = types
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for id in ["YP", "SH", "PB", "MSP", "CP"] {
        assert!(ids.contains(&id), "plan type {id} missing from {ids:?}");
    }
    let (status, msp) = api.get("/plan-types/MSP").await;
    assert_eq!(status, 200);
    assert!(msp["sections"].as_array().unwrap().len() > 5);

    let (status, plan) = api
        .post(
            "/plans",
            json!({"person_id": person, "plan_type": "MSP", "start_date": "2026-09-07"}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let id = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(plan["title"], "Leo's My Support Plan");
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["number"], 1);

    // At most one active plan of a type: what is stored refuses it (409).
    let (status, problem) = api
        .post("/plans", json!({"person_id": person, "plan_type": "MSP"}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(problem["errors"][0]["field"], "plan_type");
    let (status, problem) = api
        .post("/plans", json!({"person_id": person, "plan_type": "NOPE"}))
        .await;
    assert_eq!(status, 422, "{problem}");

    let (status, plan) = api
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 1, "name": "Claire Martin", "role": "parent_carer", "relationship": "Mum"}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let (status, plan) = api
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 2, "name": "Priya Shah", "role": "senco", "user_id": priya.id, "lead": true}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["version"], 4, "adding a lead is two changes");
    let priya_party = plan["parties"][1]["id"].as_str().unwrap().to_owned();
    assert_eq!(plan["lead_party_id"], priya_party.as_str());

    let (status, problem) = api
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 4, "name": "", "role": "wizard"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);

    // Agreed follows from the agreements, not from a status change.
    let (status, problem) = api
        .post(
            &format!("/plans/{id}/status"),
            json!({"base_version": 4, "status": "agreed", "reason": "Signed by everyone"}),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(problem["errors"][0]["field"], "status");
    // Priya is asked to agree, and agrees: the plan is agreed. After that
    // every change needs a reason.
    let (status, plan) = api
        .put(
            &format!("/plans/{id}/agreements/required"),
            json!({"base_version": 4, "party_id": priya_party, "required": true}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    let (_, report) = api.get(&format!("/plans/{id}/agreements")).await;
    let (status, plan) = api
        .post(
            &format!("/plans/{id}/agreements"),
            json!({"party_id": priya_party, "version": report["version"], "content_hash": report["content_hash"],
                "on": "2026-11-20", "response": {"kind": "agreed", "typed_name": "Priya Shah",
                "statement": report["statement"]}}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["status"], "agreed");
    let (status, problem) = api
        .put(
            &format!("/plans/{id}"),
            json!({"base_version": 6, "title": "Leo's plan"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "reason");
    let (status, plan) = api
        .put(
            &format!("/plans/{id}"),
            json!({"base_version": 6, "title": "Leo's plan", "reason": "Shorter title"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(plan["title"], "Leo's plan");

    let (status, log) = api.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "party_added",
            "party_added",
            "lead_professional_set",
            "agreement_required_set",
            "agreement_recorded",
            "details_edited"
        ]
    );
    assert_eq!(log[6]["reason"], "Shorter title");
    assert_eq!(log[0]["author_name"], "priya");

    // The plan as it stood earlier.
    let (status, old) = api.get(&format!("/plans/{id}?version=2")).await;
    assert_eq!(status, 200);
    assert_eq!(old["parties"].as_array().unwrap().len(), 1);
    assert_eq!(old["status"], "draft");
    let (status, _) = api.get(&format!("/plans/{id}?version=99")).await;
    assert_eq!(status, 404);

    // Removing a party keeps them in the history.
    let (status, plan) = reqwest::Client::new()
        .delete(app.url(&format!(
            "/api/v1/plans/{id}/parties/{priya_party}?base_version=7&reason=Left%20the%20school"
        )))
        .bearer_auth(&api.token)
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(status, 200);
    let plan: serde_json::Value = plan.json().await.unwrap();
    assert_eq!(plan["parties"].as_array().unwrap().len(), 1);
    assert!(plan["lead_party_id"].is_null());

    // A list of plans with filters.
    let (_, list) = api.get(&format!("/plans?person_id={person}")).await;
    assert_eq!(list["total"], 1);
    let (_, list) = api.get("/plans?status=draft").await;
    assert_eq!(list["total"], 0);
    let (status, _) = api.get("/plans?status=bogus").await;
    assert_eq!(status, 400);
}
both!(plans_parties_status_and_history);

async fn viewers_read_but_do_not_write(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    let (_, viewer) = app.api_user("grace@example.org", "viewer").await;
    let (status, _) = viewer
        .post("/people", json!({"given_name": "Kai", "family_name": "Bennett"}))
        .await;
    assert_eq!(status, 403);
    let plan = admin.plan("Kai", "YP").await;
    let id = plan["id"].as_str().unwrap();
    let (status, _) = viewer.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 404, "a viewer sees only what they are granted");

    // Admin-only user management.
    let (status, _) = viewer.get("/users").await;
    assert_eq!(status, 403);
    let (status, created) = admin.post("/users", json!({"email": "new@example.org", "name": "New Person", "role": "practitioner", "password": "long enough password"})).await;
    assert_eq!(status, 201, "{created}");
    // Well formed, but the address is taken: 409 naming the field.
    let (status, problem) = admin.post("/users", json!({"email": "new@example.org", "name": "Again", "role": "practitioner", "password": "long enough password"})).await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "email");
    let (status, me) = viewer.get("/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "viewer");
}
both!(viewers_read_but_do_not_write);

/// The OpenAPI document is checked by an independent validator
/// (`openapi-spec-validator` from PyPI), not by our own code.
#[test]
fn openapi_document_passes_an_independent_validator() {
    let served = goldthread::web::api::document(
        &goldthread_domain::plan_type::Registry::builtin(),
        goldthread::local_time::today(),
    );
    let document = serde_json::to_string_pretty(&served).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, &document).unwrap();
    std::fs::write(crate::browser::artifacts_dir().join("openapi.json"), &document).unwrap();
    let output = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&path)
        .output()
        .expect("python3 runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !said.contains("No module named"),
        "install the validator: pip install openapi-spec-validator ({said})"
    );
    assert!(output.status.success(), "the OpenAPI document is invalid:\n{said}");
}

async fn a_person_s_photo(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, tom) = app.api_user("tom@example.org", "practitioner").await;
    let id = api.person("Leo", "Martin").await;
    let client = reqwest::Client::new();
    let put = |token: &str, body: Vec<u8>| {
        client
            .put(app.url(&format!("/api/v1/people/{id}/photo")))
            .bearer_auth(token.to_owned())
            .body(body)
            .send()
    };
    let png = {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(2, 2, image::Rgb([10, 20, 30]))
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    assert_eq!(put(&api.token, png.clone()).await.unwrap().status(), 204);
    let response = client
        .get(app.url(&format!("/api/v1/people/{id}/photo")))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    // Re-encoded: the same picture, not necessarily the same bytes.
    let served = image::load_from_memory(&response.bytes().await.unwrap()).unwrap();
    assert_eq!((served.width(), served.height()), (2, 2));
    // Not an image, or not his to change: refused.
    assert_eq!(
        put(&api.token, b"<svg onload=alert(1)>".to_vec())
            .await
            .unwrap()
            .status(),
        422
    );
    assert_eq!(put(&tom.token, png.clone()).await.unwrap().status(), 404);

    // On the person's page, and removable there.
    let browser = app.signed_in_with("priya@example.org", crate::helpers::PASSWORD).await;
    let (_, html) = browser.get(&format!("/people/{id}")).await;
    assert!(html.contains(r#"alt="Photo of Leo Martin""#));
    let form = reqwest::multipart::Form::new()
        .text("_csrf", crate::helpers::csrf_of(&html).unwrap())
        .part(
            "photo",
            reqwest::multipart::Part::bytes(b"GIF89a".to_vec()).file_name("x.gif"),
        );
    let response = browser
        .client
        .post(app.url(&format!("/people/{id}/photo")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("PNG or JPG"));
    let response = browser
        .submit(&format!("/people/{id}"), &format!("/people/{id}/photo/remove"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let response = client
        .get(app.url(&format!("/api/v1/people/{id}/photo")))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "removed");
}
both!(a_person_s_photo);

/// PostgreSQL cannot store NUL: control characters are refused as bad
/// input everywhere (found by fuzzing), never a server error.
async fn control_characters_are_bad_input_not_a_crash(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (status, problem) = api
        .post("/people", json!({"given_name": "Le\u{0}o", "family_name": "Martin"}))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "given_name");
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap();
    let (status, _) = api
        .post(&format!("/plans/{id}/changes"), json!({"base_version": 1, "reason": "why\u{0}", "change": {"type": "details_edited", "details": {"title": "x"}}}))
        .await;
    assert_eq!(status, 422);
    let (status, _) = api.post(&format!("/plans/{id}/changes"), json!({"base_version": 1, "change": {"type": "texts_set", "section": "profile", "texts": {"admire": "kind\u{0}"}}})).await;
    assert_eq!(status, 422);
    let (status, _) = api.get("/people?q=le%00o").await;
    assert_eq!(status, 200);
    let (status, _) = api.get("/plans?plan_type=MSP%00").await;
    assert!(status < 500, "{status}");
    let browser = crate::helpers::Browser::new(&app.address);
    let response = browser.sign_in("priya\u{0}@example.org", "whatever password").await;
    assert!(response.status().as_u16() < 500, "{}", response.status());
}
both!(control_characters_are_bad_input_not_a_crash);
