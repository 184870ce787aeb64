//! The command line, as administrators and scripts use it.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, fresh_database, spawn_on_url};

pub fn goldthread(database: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
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

/// The demo holds one complete plan of each shipped kind: every required
/// section of its form has content, and each kind has what its users rely
/// on (MSP provision, CP compulsory measures, SH safety plan, PB budget).
async fn demo_plans_are_complete(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let app = spawn_on_url(backend, url).await;
    let started = std::time::Instant::now();
    assert!(goldthread::demo::load_if_empty(&app.store).await.unwrap());
    eprintln!("{backend:?}: demo loaded in {:?}", started.elapsed());
    let admin = app.store.user_by_email("admin@example.org").await.unwrap().unwrap();
    let token = goldthread::auth::new_api_token();
    app.store
        .create_api_token(admin.id, "test", &goldthread::auth::token_hash(&token))
        .await
        .unwrap();
    let api = app.api_with_token(&token);

    let (status, list) = api.get("/plans?limit=50").await;
    assert_eq!(status, 200, "{list}");
    let mut seen = std::collections::BTreeSet::new();
    for summary in list["items"].as_array().unwrap() {
        let plan_type = summary["plan_type"].as_str().unwrap().to_owned();
        let (status, plan) = api.get(&format!("/plans/{}", summary["id"].as_str().unwrap())).await;
        assert_eq!(status, 200, "{plan}");
        let (status, form) = api.get(&format!("/plan-types/{plan_type}")).await;
        assert_eq!(status, 200, "{form}");
        let title = plan["title"].as_str().unwrap().to_owned();
        let c = &plan["content"];
        let list = |key: &str| c[key].as_array().cloned().unwrap_or_default();
        let text = |v: &serde_json::Value| v.as_str().is_some_and(|s| !s.trim().is_empty());

        // Every required section of the form has content.
        let mut gaps = Vec::new();
        for section in form["sections"].as_array().unwrap() {
            if section["required"] != true {
                continue;
            }
            let key = section["key"].as_str().unwrap();
            let filled = match section["kind"].as_str().unwrap() {
                "text" => {
                    let prompts = section["prompts"].as_array().unwrap();
                    let authored = section["written_by"].as_array().is_none_or(|w| w.is_empty())
                        || c["authorship"][key]["written_by"].is_string();
                    authored && prompts.iter().all(|p| text(&c["texts"][p["key"].as_str().unwrap()]))
                }
                "needs" => {
                    let areas = section["areas"].as_array().cloned().unwrap_or_default();
                    list("needs")
                        .iter()
                        .any(|n| areas.is_empty() || areas.contains(&n["area"]))
                }
                "aspirations" => {
                    let whose = section["whose"].as_str().unwrap_or("person");
                    ["short", "long"].iter().all(|term| {
                        list("aspirations")
                            .iter()
                            .any(|a| a["whose"] == whose && a["term"] == *term)
                    })
                }
                "strengths" => !list("strengths").is_empty(),
                "outcomes" => !list("outcomes").is_empty(),
                "provision" => !list("provision").is_empty(),
                "risks" => !list("risks").is_empty(),
                "budget" => c["budget"].is_object(),
                "other_plans" => !list("other_plans").is_empty(),
                "social_care_checklist" => c["social_care_checklist"].is_object(),
                "health_checklist" => c["health_checklist"].is_object(),
                "appendices" => !list("appendices").is_empty(),
                "compulsory_measures" => c["compulsory_measures"].is_object(),
                "parties" => !plan["parties"].as_array().unwrap().is_empty(),
                _ => true,
            };
            if !filled {
                gaps.push(key.to_owned());
            }
        }
        assert!(gaps.is_empty(), "{title}: required sections without content: {gaps:?}");

        // Outcomes have steps with targets dated within the outcome's time;
        // provision names a party, how often, what it costs and what for.
        let start = plan["start_date"].as_str().unwrap().to_owned();
        let parties: Vec<&serde_json::Value> = plan["parties"].as_array().unwrap().iter().map(|p| &p["id"]).collect();
        let outcomes = list("outcomes");
        for outcome in &outcomes {
            let steps = outcome["steps"].as_array().unwrap();
            assert!(!steps.is_empty(), "{title}: an outcome without steps: {outcome}");
            let by = outcome["by_when"].as_str();
            assert!(by.is_some() || text(&outcome["stage"]), "{title}: {outcome}");
            assert!(!outcome["areas"].as_array().unwrap().is_empty(), "{title}: {outcome}");
            for step in steps {
                let targets = step["targets"].as_array().unwrap();
                assert!(!targets.is_empty(), "{title}: a step without targets: {step}");
                for target in targets {
                    let date = target["by_when"].as_str().unwrap();
                    assert!(date > start.as_str(), "{title}: {target}");
                    assert!(by.is_none_or(|by| date <= by), "{title}: {target} after {by:?}");
                }
            }
        }
        let provision = list("provision");
        for line in &provision {
            assert!(parties.contains(&&line["party_id"]), "{title}: {line}");
            assert!(line["frequency"]["times"].as_u64().unwrap() >= 1, "{title}: {line}");
            assert!(line["duration_minutes"].is_u64(), "{title}: {line}");
            assert!(line["weekly_cost_pence"].is_i64(), "{title}: {line}");
            assert!(line["funding"].is_string(), "{title}: {line}");
            assert!(!line["outcome_ids"].as_array().unwrap().is_empty(), "{title}: {line}");
        }

        // The demo passes the checks that help the writer.
        let (status, checks) = api
            .get(&format!("/plans/{}/checks", plan["id"].as_str().unwrap()))
            .await;
        assert_eq!(status, 200, "{checks}");
        assert_eq!(
            checks["golden_thread"]["unbroken"], true,
            "{title}: {}",
            checks["golden_thread"]["gaps"]
        );
        assert_eq!(
            checks["realism"]["realistic"], true,
            "{title}: {}",
            checks["realism"]["warnings"]
        );
        let vague: Vec<&serde_json::Value> = checks["smart"]
            .as_object()
            .unwrap()
            .values()
            .filter(|r| r["smart"] != true)
            .collect();
        assert!(vague.is_empty(), "{title}: not SMART: {vague:?}");

        match plan_type.as_str() {
            "MSP" => {
                assert!(outcomes.len() >= 3, "{title}: {} outcomes", outcomes.len());
                assert!(provision.len() >= 6, "{title}: {} provision lines", provision.len());
                assert!(list("aspirations").iter().any(|a| a["whose"] == "parent"));
                assert!(list("other_plans").iter().all(|p| text(&p["consent"]["given_by"])));
                assert!(list("appendices").iter().all(|a| a["date"].is_string()));
                let (_, history) = api
                    .get(&format!("/plans/{}/changes", plan["id"].as_str().unwrap()))
                    .await;
                assert!(
                    history
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|r| r["author_name"] == "Dr Tom Price" && r["change"]["item"]["kind"] == "provision"),
                    "the therapist adds the therapy he delivers"
                );
            }
            "CP" => {
                assert_eq!(c["compulsory_measures"]["in_place"], false, "{title}");
                assert!(
                    outcomes.iter().all(|o| text(&o["measure"])),
                    "{title}: How will we know?"
                );
                assert!(plan["lead_party_id"].is_string(), "{title}: a Lead Professional");
            }
            "SH" => {
                let risks = list("risks");
                assert!(!risks.is_empty(), "{title}: a safety plan");
                assert!(
                    risks.iter().all(|r| text(&r["what_staff_do"]) && text(&r["what_i_do"])),
                    "{title}: {risks:?}"
                );
                assert!(risks.iter().any(|r| r["risk"].as_str().unwrap().contains("Self-harm")));
            }
            "PB" => {
                assert!(c["budget"]["amount_pence"].as_i64().unwrap() > 0, "{title}");
                assert!(!list("budget_items").is_empty(), "{title}: what the budget is spent on");
                assert!(!list("decisions").is_empty(), "{title}: who decides");
            }
            "YP" => assert!(!list("strengths").is_empty(), "{title}"),
            other => panic!("unexpected demo plan type {other}"),
        }
        assert!(seen.insert(plan_type), "{title}: one plan of each type");
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["CP", "MSP", "PB", "SH", "YP"],
        "one plan of each shipped type"
    );
}
both!(demo_plans_are_complete);

/// An organisation's own plan types load from a folder; a file with an
/// error is refused at start-up with a message naming the file and field.
#[test]
fn plan_type_folders_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../domain/plan-types/yp.toml"))
        .unwrap()
        .replacen("id = \"YP\"", "id = \"YOUTH-CLUB\"", 1);
    std::fs::write(dir.path().join("youth-club.toml"), &good).unwrap();
    let url = format!("sqlite://{}/db.sqlite", dir.path().display());

    let (ok, out, err) = goldthread(
        &url,
        &["plan-types", "list", "--plan-types", &dir.path().display().to_string()],
        "",
    );
    assert!(ok, "{err}");
    assert!(out.contains("YOUTH-CLUB") && out.contains("MSP"), "{out}");

    let bad = good
        .replacen("kind = \"outcomes\"", "kind = \"outcome\"", 1)
        .replacen("YOUTH-CLUB", "BROKEN", 1);
    std::fs::write(dir.path().join("broken.toml"), bad).unwrap();
    let (ok, out, err) = goldthread(&url, &["plan-types", "check", &dir.path().display().to_string()], "");
    assert!(!ok);
    assert!(
        out.contains("broken.toml") && out.contains("kind") && out.contains("unknown section kind \"outcome\""),
        "{out}"
    );
    assert!(out.contains("ok     ") && out.contains("YOUTH-CLUB"), "{out}");
    assert!(err.contains("1 of 2"), "{err}");

    let (ok, _, err) = goldthread(
        &url,
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--plan-types",
            &dir.path().display().to_string(),
        ],
        "",
    );
    assert!(!ok, "the server does not start with a broken plan type");
    assert!(
        err.contains("broken.toml") && err.contains("unknown section kind"),
        "{err}"
    );
}
