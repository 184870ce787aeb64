//! The audit log (issue 12, SPEC S2): every read and write is recorded with
//! who, when, from where, what and the outcome; administrators search it
//! (and their searches are recorded); it streams out as JSON lines; batches
//! from several instances form one chain.

use serde_json::{Value, json};

use crate::both;
use crate::cli::goldthread;
use crate::helpers::{Backend, PASSWORD, spawn_app, spawn_instance};

/// The audit entries matching `query`, newest first, as the administrator's
/// API gives them.
async fn entries(api: &crate::helpers::Api, query: &str) -> Vec<Value> {
    let (status, page) = api.get(&format!("/audit?limit=200&{query}")).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

fn find<'a>(entries: &'a [Value], action: &str) -> Option<&'a Value> {
    entries.iter().find(|e| e["action"] == action)
}

async fn reads_writes_and_sign_ins_are_recorded(backend: Backend) {
    let app = spawn_app(backend).await;
    let (admin, admin_api) = app.api_user("admin@example.org", "admin").await;
    let (priya, api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, stranger) = app.api_user("sam@example.org", "practitioner").await;
    let plan = api.plan("Leo", "SH").await;
    let id = plan["id"].as_str().unwrap();
    let person = plan["person_id"].as_str().unwrap();

    let (status, _) = api.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 200);
    let (status, _) = stranger.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 404);
    let (status, body) = api
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": 1, "reason": "Leo asked for this", "change": {"type": "texts_set", "section": "my_situation", "texts": {"important_to_me": "Football on Saturdays"}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    // A failed and a good sign-in in the browser.
    app.user("tom@example.org", "Tom Price", "practitioner").await;
    let browser = crate::helpers::Browser::new(&app.address);
    let failed = browser.sign_in("tom@example.org", "not the password").await;
    assert_ne!(failed.status(), 303);
    let ok = browser.sign_in("tom@example.org", PASSWORD).await;
    assert_eq!(ok.status(), 303);

    let about_plan = entries(&admin_api, &format!("plan={id}")).await;
    let read = about_plan
        .iter()
        .find(|e| e["action"] == "plan.read" && e["user_id"] == priya.id.to_string())
        .unwrap_or_else(|| panic!("no read of the plan: {about_plan:#?}"));
    assert_eq!(read["outcome"], "allowed");
    assert_eq!(read["person_id"], person);
    assert_eq!(read["version"], 1);
    assert_eq!(read["address"], "127.0.0.1");
    assert_eq!(read["detail"], "GET /api/v1/plans/{id}");

    let refused = about_plan
        .iter()
        .find(|e| e["action"] == "plan.read" && e["outcome"] == "missing")
        .unwrap_or_else(|| panic!("the stranger's attempt is not recorded: {about_plan:#?}"));
    assert_ne!(refused["user_id"], priya.id.to_string());

    let change = find(&about_plan, "plan.change").expect("the change is recorded");
    assert_eq!(change["reason"], "Leo asked for this");
    assert_eq!(change["version"], 2);
    assert_eq!(change["user_id"], priya.id.to_string());

    // The person's entries include their plans'.
    let about_person = entries(&admin_api, &format!("person={person}")).await;
    assert!(find(&about_person, "plan.change").is_some());

    let all = entries(&admin_api, "").await;
    let failed = find(&all, "sign_in.failed").expect("the failed sign-in is recorded");
    assert_eq!(failed["outcome"], "refused");
    let tom = find(&all, "sign_in.ok").expect("the sign-in is recorded");
    assert_eq!(tom["outcome"], "allowed");
    assert!(tom["user_id"].is_string());

    // Per user: only what that user did.
    let by_priya = entries(&admin_api, &format!("user={}", priya.id)).await;
    assert!(!by_priya.is_empty());
    assert!(by_priya.iter().all(|e| e["user_id"] == priya.id.to_string()));

    // Per day, in the organisation's time zone.
    let today = goldthread::local_time::today().to_string();
    let (status, page) = admin_api.get(&format!("/audit?day={today}")).await;
    assert_eq!(status, 200);
    assert!(page["total"].as_i64().unwrap() > 3, "{page}");
    let (status, page) = admin_api.get("/audit?day=2001-01-01").await;
    assert_eq!((status, page["total"].as_i64()), (200, Some(0)));

    // The administrator's own searches are recorded.
    let by_admin = entries(&admin_api, &format!("user={}", admin.id)).await;
    let search = find(&by_admin, "audit.search").expect("searches are audited");
    assert!(
        search["detail"].as_str().unwrap().starts_with("GET /api/v1/audit?"),
        "{search}"
    );
}
both!(reads_writes_and_sign_ins_are_recorded);

async fn only_administrators_can_search_the_audit(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    let (_, practitioner) = app.api_user("priya@example.org", "practitioner").await;

    let (status, missing) = practitioner.get("/no-such-thing").await;
    assert_eq!(status, 404);
    let (status, body) = practitioner.get("/audit").await;
    assert_eq!((status, &body), (404, &missing), "forbidden looks like missing");

    // Bad terms are named.
    let (status, body) = admin.get("/audit?day=2027-02-30").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "day");
    let (status, _) = admin.get("/audit?day=").await;
    assert_eq!(status, 422);

    // The page: administrators only, bad terms named with what was typed kept.
    app.user("viewer@example.org", "Vic Viewer", "viewer").await;
    let viewer = app.signed_in("viewer@example.org").await;
    let (status, page) = viewer.get("/admin/audit").await;
    let (_, no_page) = viewer.get("/no-such-page").await;
    assert_eq!((status, page.as_str()), (404, no_page.as_str()));

    app.user("ada@example.org", "Ada Admin", "admin").await;
    let browser = app.signed_in("ada@example.org").await;
    let (status, html) = browser.get("/admin/audit").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("data-action=\"sign_in.ok\">Signed in"), "{html}");
    let (status, html) = browser.get("/admin/audit?person=leo&day=2027-03-12").await;
    assert_eq!(status, 422);
    assert!(html.contains("s id, for example"), "{html}");
    assert!(html.contains("value=\"leo\""), "{html}");
    assert!(html.contains("value=\"2027-03-12\""), "{html}");
}
both!(only_administrators_can_search_the_audit);

/// Requests at once, on two instances sharing the database: every entry
/// is written, numbered once, and the chain verifies.
async fn concurrent_requests_on_two_instances_form_one_chain(backend: Backend) {
    let app = spawn_app(backend).await;
    let other = spawn_instance(&app).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let other_api = other.api_with_token(&api.token);
    let mut tasks = Vec::new();
    for i in 0..60 {
        let client = if i % 2 == 0 {
            crate::helpers::Api {
                base: app.address.clone(),
                token: api.token.clone(),
                client: reqwest::Client::new(),
            }
        } else {
            crate::helpers::Api {
                base: other_api.base.clone(),
                token: api.token.clone(),
                client: reqwest::Client::new(),
            }
        };
        let id = id.clone();
        tasks.push(tokio::spawn(async move { client.get(&format!("/plans/{id}")).await.0 }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    let (_, page) = admin.get(&format!("/audit?plan={id}&limit=200")).await;
    let reads = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "plan.read")
        .count();
    assert_eq!(reads, 60, "every read is recorded once");
    let report = app.store.verify_audit(None).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert!(report.checked >= 62, "{report:?}");
}
both!(concurrent_requests_on_two_instances_form_one_chain);

/// `goldthread audit export` writes JSON lines, from a number on; `audit
/// verify` passes on an honest log.
async fn the_audit_streams_out_as_json_lines(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "SH").await;
    for _ in 0..3 {
        api.get(&format!("/plans/{}", plan["id"].as_str().unwrap())).await;
    }
    let (ok, out, err) = goldthread(&app.database_url, &["audit", "export"], "");
    assert!(ok, "{err}");
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() >= 5, "{out}");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["seq"], i as i64 + 1);
        assert_eq!(line["hash"].as_str().unwrap().len(), 64);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.jsonl");
    let (ok, _, err) = goldthread(
        &app.database_url,
        &["audit", "export", "--since", "2", "-o", file.to_str().unwrap()],
        "",
    );
    assert!(ok, "{err}");
    let written = std::fs::read_to_string(&file).unwrap();
    let first: Value = serde_json::from_str(written.lines().next().unwrap()).unwrap();
    assert_eq!(first["seq"], 3);
    assert_eq!(written.lines().count(), lines.len() - 2);

    let (ok, out, err) = goldthread(&app.database_url, &["audit", "checkpoint"], "");
    assert!(ok, "{err}");
    assert!(out.contains("Signed a checkpoint"), "{out}");
    let (ok, out, err) = goldthread(&app.database_url, &["audit", "verify"], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("The audit log verifies"), "{out}");
    assert!(out.contains("signed checkpoints (signatures checked)"), "{out}");

    // Administration from the command line is recorded too.
    let (ok, _, err) = goldthread(
        &app.database_url,
        &["user", "deactivate", "--email", "priya@example.org"],
        "",
    );
    assert!(ok, "{err}");
    let (_, out, _) = goldthread(&app.database_url, &["audit", "export"], "");
    let last: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["action"], "user.deactivate");
    assert_eq!(last["address"], "command line");
    assert_eq!(last["outcome"], "allowed");
}
both!(the_audit_streams_out_as_json_lines);

/// A batch is written several entries to a statement: batches of every
/// size keep each entry, in order, numbered once, and the chain verifies.
async fn batches_of_any_size_are_kept_whole_and_in_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut written = Vec::new();
    for size in [1, 2, 9, 32, 33, 45, 77] {
        let entries: Vec<goldthread::audit::NewEntry> = (0..size)
            .map(|n| goldthread::audit::NewEntry {
                user_id: None,
                address: Some("192.0.2.7".to_owned()),
                action: "page.read".to_owned(),
                person_id: None,
                plan_id: None,
                version: Some(n),
                outcome: None,
                reason: (n % 3 == 0).then(|| format!("reason {size}/{n}")),
                detail: format!("batch of {size}, entry {n}"),
            })
            .collect();
        let refs: Vec<&goldthread::audit::NewEntry> = entries.iter().collect();
        let numbers = app.store.append_audit(&refs, None).await.unwrap();
        assert_eq!(numbers.len(), size as usize);
        assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");
        written.extend(entries.into_iter().map(|e| e.detail));
    }
    let kept: Vec<String> = app
        .store
        .audit_after(0, 1_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.detail)
        .filter(|d| d.starts_with("batch of "))
        .collect();
    assert_eq!(kept, written);
    let report = app.store.verify_audit(None).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
}
both!(batches_of_any_size_are_kept_whole_and_in_order);
