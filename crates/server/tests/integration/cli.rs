//! The command line, as administrators and scripts use it.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, fresh_database, spawn_on_url};

fn goldthread(database: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .args(args)
        .env("DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the goldthread binary runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn user_add_and_token_create(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let (ok, out, err) = goldthread(
        &url,
        &[
            "user",
            "add",
            "--email",
            "Priya@example.org",
            "--name",
            "Priya Shah",
            "--role",
            "admin",
        ],
        "a long password\n",
    );
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Added Priya Shah <priya@example.org> as administrator"),
        "{out}"
    );

    let (ok, _, err) = goldthread(
        &url,
        &[
            "user",
            "add",
            "--email",
            "priya@example.org",
            "--name",
            "Again",
            "--role",
            "admin",
        ],
        "a long password\n",
    );
    assert!(!ok);
    assert!(
        err.contains("--email: A user with this email address already exists"),
        "{err}"
    );
    let (ok, _, err) = goldthread(
        &url,
        &[
            "user",
            "add",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--role",
            "boss",
        ],
        "short\n",
    );
    assert!(!ok);
    assert!(err.contains("--role") && err.contains("--password"), "{err}");

    let (ok, token, err) = goldthread(&url, &["token", "create", "--email", "priya@example.org"], "");
    assert!(ok, "{err}");
    let token = token.trim();
    assert!(token.starts_with("gt_"));

    let app = spawn_on_url(backend, url.clone()).await;
    let api = app.api_with_token(token);
    let (status, doc) = api.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["paths"]["/people"].is_object());
    let (status, person) = api
        .post("/people", json!({"given_name": "Kai", "family_name": "Bennett"}))
        .await;
    assert_eq!(status, 201);
    let (status, read) = api.get(&format!("/people/{}", person["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    assert_eq!(read["family_name"], "Bennett");

    let (ok, out, _) = goldthread(&url, &["user", "list"], "");
    assert!(
        ok && out.contains("priya@example.org\tPriya Shah\tadmin\tactive"),
        "{out}"
    );
    let (ok, _, err) = goldthread(&url, &["token", "create", "--email", "nobody@example.org"], "");
    assert!(!ok && err.contains("no user"), "{err}");
}
both!(user_add_and_token_create);

async fn demo_data_and_smart(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let (ok, out, err) = goldthread(&url, &["demo"], "");
    assert!(ok, "{err}");
    assert!(out.contains("priya.shah@example.org"));
    let (ok, _, err) = goldthread(&url, &["demo"], "");
    assert!(!ok && err.contains("already has users"), "{err}");

    let app = spawn_on_url(backend, url).await;
    let priya = app
        .signed_in_with("priya.shah@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let (_, html) = priya.get("/").await;
    assert!(
        html.contains("Leo&#39;s My Support Plan"),
        "the demo SENCO sees Leo's plan"
    );
    let tom = app
        .signed_in_with("tom.price@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let (_, html) = tom.get("/people").await;
    assert!(
        html.contains("Leo Martin") && !html.contains("Jade Thompson"),
        "the therapist sees only Leo"
    );

    let (ok, out, _) = goldthread(
        "sqlite::memory:",
        &[
            "smart",
            "attend school for at least four days a week for the next three months",
        ],
        "",
    );
    assert!(ok);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["smart"], true, "{report}");
    let (_, out, _) = goldthread("sqlite::memory:", &["smart", "improve school attendance"], "");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["smart"], false);
    assert!(!report["missing"].as_array().unwrap().is_empty());
}
both!(demo_data_and_smart);

#[test]
fn help_lists_the_commands() {
    let output = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["serve", "user", "token", "smart", "migrate", "demo"] {
        assert!(help.contains(command), "--help lacks {command}: {help}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains("--demo") && help.contains("--addr") && help.contains("--database"),
        "{help}"
    );
}
