//! The API, fuzzed by an independent tool (schemathesis, from PyPI) from
//! its own OpenAPI document: thousands of generated requests, none may get
//! a server error, an undocumented status or content type, a response
//! that breaks its documented schema, a schema-valid request refused as
//! invalid, or a schema-invalid one accepted.

use std::process::Command;

use crate::both;
use crate::helpers::{Backend, spawn_app};

async fn schemathesis_finds_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    goldthread::demo::load_if_empty(&app.store).await.unwrap();
    let admin = app.store.user_by_email("admin@example.org").await.unwrap().unwrap();
    let token = goldthread::auth::new_api_token();
    app.store
        .create_api_token(admin.id, "fuzz", &goldthread::auth::token_hash(&token))
        .await
        .unwrap();
    let report = crate::browser::artifacts_dir().join(format!("schemathesis-{backend:?}.xml").to_lowercase());
    let output = Command::new("st")
        .args(["run", &app.url("/api/v1/openapi.json"), "--url", &app.url("/api/v1")])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        // Every check, none excluded: the document is the contract, so a
        // schema-valid request must be accepted (or refused by the state of
        // what it names: 404, 409) and a schema-invalid one refused.
        .args(["--checks", "all"])
        // Uploads take raw file bytes, which it cannot generate; they have
        // their own tests (content.rs, api.rs).
        .args(["--exclude-path-regex", "/(files|photo)$"])
        .args([
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--workers",
            "2",
        ])
        .args(["--report", "junit", "--report-junit-path"])
        .arg(&report)
        .output()
        .unwrap_or_else(|e| panic!("schemathesis must be installed (pip install schemathesis): {e}"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "schemathesis found problems:\n{said}");
    assert!(said.contains("generated"), "schemathesis ran no tests:\n{said}");
}
both!(schemathesis_finds_nothing);
