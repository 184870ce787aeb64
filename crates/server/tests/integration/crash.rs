//! Crash safety (issue 12): the real `goldthread serve` process is killed
//! with SIGKILL in the middle of a burst of concurrent plan edits, then
//! started again. Every edit whose response arrived must be there, and the
//! stored history and the audit log must still verify (`goldthread verify`,
//! `goldthread audit verify`). Five times per database.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::both;
use crate::cli::goldthread;
use crate::helpers::{Backend, fresh_database, spawn_on_url};

/// How many edits are in flight at once, and how many rounds.
const WRITERS: usize = 24;
const ROUNDS: usize = 5;

struct Server {
    child: Child,
    base: String,
}

fn serve(database: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_goldthread"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("goldthread serve starts");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn ready(server: &Server) {
    for _ in 0..200 {
        if let Ok(response) = reqwest::get(format!("{}/healthz", server.base)).await
            && response.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

async fn plan_of(client: &reqwest::Client, base: &str, token: &str, plan: &str) -> Value {
    client
        .get(format!("{base}/api/v1/plans/{plan}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn killed_mid_burst_loses_no_acknowledged_edit(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let (token, plans) = {
        let app = spawn_on_url(backend, url.clone()).await;
        let (_, api) = app.api_user("priya@example.org", "practitioner").await;
        let mut plans = Vec::new();
        for name in ["Amara", "Bilal", "Cerys"] {
            plans.push(api.plan(name, "YP").await["id"].as_str().unwrap().to_owned());
        }
        (api.token.clone(), plans)
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut acknowledged: Vec<(String, Uuid)> = Vec::new();
    for round in 0..ROUNDS {
        let mut server = serve(&url);
        ready(&server).await;
        let mut bases = Vec::new();
        for plan in &plans {
            bases.push(plan_of(&client, &server.base, &token, plan).await["version"].clone());
        }
        let mut writers = tokio::task::JoinSet::new();
        for n in 0..WRITERS {
            let plan = plans[n % plans.len()].clone();
            let base_version = bases[n % plans.len()].clone();
            let (client, base, token) = (client.clone(), server.base.clone(), token.clone());
            writers.spawn(async move {
                let mut mine = Vec::new();
                // Each writer keeps editing until the server dies.
                for k in 0.. {
                    let id = Uuid::new_v4();
                    let sent = client
                        .post(format!("{base}/api/v1/plans/{plan}/changes"))
                        .bearer_auth(&token)
                        .json(&json!({"base_version": base_version, "reason": "crash test",
                            "change": {"type": "item_added", "item": {"kind": "strength", "id": id,
                            "text": format!("Strength {round}-{n}-{k}"), "setting": "out_of_setting"}}}))
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status() == 201 => {
                            // Acknowledged only once the whole answer arrived.
                            if response.bytes().await.is_ok() {
                                mine.push((plan.clone(), id));
                            } else {
                                break;
                            }
                        }
                        Ok(response) => panic!("an edit was refused: {}", response.status()),
                        Err(_) => break,
                    }
                }
                mine
            });
        }
        // Let the burst run, then kill the server without warning.
        tokio::time::sleep(Duration::from_millis(400 + 150 * round as u64)).await;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        let before = acknowledged.len();
        while let Some(done) = writers.join_next().await {
            acknowledged.extend(done.unwrap());
        }
        assert!(
            acknowledged.len() > before,
            "round {round}: some edits were acknowledged"
        );

        // Started again: every acknowledged edit is there.
        let mut server = serve(&url);
        ready(&server).await;
        for plan in &plans {
            let stored = plan_of(&client, &server.base, &token, plan).await;
            let ids: Vec<&str> = stored["content"]["strengths"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|s| s["id"].as_str())
                .collect();
            for (_, id) in acknowledged.iter().filter(|(p, _)| p == plan) {
                assert!(
                    ids.contains(&id.to_string().as_str()),
                    "round {round}: an acknowledged edit of plan {plan} was lost"
                );
            }
        }
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
    println!(
        "crash ({backend:?}): {ROUNDS} rounds, {} acknowledged edits, none lost",
        acknowledged.len()
    );
    let (ok, out, err) = goldthread(&url, &["verify"], "");
    assert!(ok, "the histories verify after the crashes: {out}{err}");
    let (ok, out, err) = goldthread(&url, &["audit", "verify"], "");
    assert!(ok, "the audit log verifies after the crashes: {out}{err}");
    let (ok, out, err) = goldthread(&url, &["rebuild-projections"], "");
    assert!(ok, "the history rebuilds after the crashes: {out}{err}");
}
both!(killed_mid_burst_loses_no_acknowledged_edit);
