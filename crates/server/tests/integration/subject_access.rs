//! The subject-access export (issue 13, SPEC D3; issue 12: "who has seen
//! their record"): the demo's Leo Martin exported through the API, the
//! administrator's page and `goldthread export person`; the zip opened
//! with the `zip` crate and checked against what the API says of him
//! (every plan, version, review, agreement, meeting, note, rating,
//! attendance mark, request, uploaded file and the audit's reads), each
//! PDF read back with `pdftotext`; the README lists every file; anyone but
//! an administrator finds no such person; the export is itself audited.

use std::collections::BTreeSet;
use std::io::Read;

use serde_json::Value;

use crate::both;
use crate::helpers::{Api, Backend, TestApp, csrf_of, fresh_database, spawn_on_url};

const DEMO_PASSWORD: &str = "goldthread-demo";

/// The demo organisation and what keeps its database alive.
async fn demo(backend: Backend) -> (TestApp, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_database(backend).await;
    let app = spawn_on_url(backend, url).await;
    assert!(goldthread::demo::load_if_empty(&app.store).await.unwrap());
    (app, dir)
}

async fn token_for(app: &TestApp, email: &str) -> Api {
    app.api_for(email).await
}

/// Leo Martin's id.
async fn leo(api: &Api) -> String {
    let (status, found) = api.get("/people?q=Leo").await;
    assert_eq!(status, 200, "{found}");
    let items = found["items"].as_array().unwrap();
    let leo = items
        .iter()
        .find(|p| p["family_name"] == "Martin")
        .unwrap_or_else(|| panic!("the demo has Leo Martin: {found}"));
    leo["id"].as_str().unwrap().to_owned()
}

/// A GET of the API's bytes: status, content type, body.
async fn get_bytes(api: &Api, path: &str) -> (u16, String, Vec<u8>) {
    api.get_bytes(path).await
}

/// An opened archive: every file by its path.
struct Archive {
    files: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Archive {
    fn open(bytes: &[u8]) -> Archive {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
        let mut files = std::collections::BTreeMap::new();
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).unwrap();
            assert_eq!(
                file.compression(),
                zip::CompressionMethod::Deflated,
                "{} is compressed",
                file.name()
            );
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            files.insert(file.name().to_owned(), data);
        }
        Archive { files }
    }

    fn bytes(&self, path: &str) -> &[u8] {
        self.files
            .get(path)
            .unwrap_or_else(|| panic!("{path} is in the archive: {:?}", self.files.keys().collect::<Vec<_>>()))
    }

    fn json(&self, path: &str) -> Value {
        serde_json::from_slice(self.bytes(path)).unwrap_or_else(|e| panic!("{path} is JSON: {e}"))
    }

    fn text(&self, path: &str) -> String {
        String::from_utf8(self.bytes(path).to_vec()).unwrap()
    }

    fn names(&self) -> BTreeSet<String> {
        self.files.keys().cloned().collect()
    }
}

/// The archive folder of plan `id` among the summaries.
fn folder_of(summaries: &[Value], id: &str) -> String {
    let plan = summaries.iter().find(|p| p["id"] == id).unwrap();
    format!(
        "plans/{}-{}",
        plan["plan_type"].as_str().unwrap().to_lowercase(),
        plan["number"]
    )
}

fn len(value: &Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

/// Everything about Leo is in the archive, checked against the API.
async fn subject_access_archive_holds_every_record(backend: Backend) {
    let (app, _dir) = demo(backend).await;
    let admin = token_for(&app, "admin@example.org").await;
    let priya = token_for(&app, "priya.shah@example.org").await;
    let leo = leo(&admin).await;
    let (status, list) = admin.get(&format!("/plans?person_id={leo}&limit=200")).await;
    assert_eq!(status, 200, "{list}");
    let summaries = list["items"].as_array().unwrap().clone();
    assert!(!summaries.is_empty(), "Leo has plans: {list}");

    // A file uploaded to his plan, and Priya reading it (the audit's "who
    // has seen their record").
    let (_, hers) = priya.get(&format!("/plans?person_id={leo}")).await;
    let first = hers["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("Priya has Leo's plan: {hers}"))
        .to_owned();
    let letter = b"%PDF-1.4\n% a letter from the speech and language therapist\n".to_vec();
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/plans/{first}/files?name=therapy letter.pdf")))
        .bearer_auth(&admin.token)
        .header("content-type", "application/pdf")
        .body(letter.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (status, plan) = priya.get(&format!("/plans/{first}")).await;
    assert_eq!(status, 200);
    // …and a progress note she writes on it.
    let today = time::OffsetDateTime::now_utc().date();
    let (status, note) = priya
        .post(
            &format!("/plans/{first}/notes"),
            serde_json::json!({
                "outcome_id": plan["content"]["outcomes"][0]["id"],
                "date": format!("{today}"),
                "text": "Leo used his quiet corner twice this week without being asked",
            }),
        )
        .await;
    assert_eq!(status, 201, "{note}");
    let priya_id = app
        .store
        .user_by_email("priya.shah@example.org")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    let (status, content_type, bytes) =
        get_bytes(&admin, &format!("/people/{leo}/subject-access?reason=SAR-2027-014")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(content_type, "application/zip");
    let archive = Archive::open(&bytes);

    // The README names every file and says who made it and why.
    let readme = archive.text("README.md");
    assert!(readme.contains("Leo Martin"), "{readme}");
    assert!(readme.contains("admin@example.org"), "{readme}");
    assert!(readme.contains("SAR-2027-014"), "{readme}");
    for name in archive.names() {
        assert!(
            readme.contains(&format!("`{name}`")),
            "the README lists {name}:\n{readme}"
        );
    }

    // The person and their history.
    let person = archive.json("person.json");
    assert_eq!(person["person"]["id"], leo.as_str());
    assert_eq!(person["person"]["given_name"], "Leo");
    let (_, history) = admin.get(&format!("/people/{leo}/history")).await;
    assert_eq!(len(&person["history"]), len(&history), "every change of his record");

    // Every plan, each with every version, review, agreement, meeting,
    // note, rating, attendance mark, request and file.
    let folders: BTreeSet<String> = archive
        .names()
        .iter()
        .filter_map(|n| {
            n.strip_prefix("plans/")
                .and_then(|n| n.split('/').next())
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(folders.len(), summaries.len(), "one folder a plan: {folders:?}");
    let mut files_seen = 0;
    for summary in &summaries {
        let id = summary["id"].as_str().unwrap();
        let (_, plan) = admin.get(&format!("/plans/{id}")).await;
        let folder = format!(
            "plans/{}-{}",
            plan["plan_type"].as_str().unwrap().to_lowercase(),
            plan["number"]
        );
        let saved = archive.json(&format!("{folder}/plan.json"));
        assert_eq!(saved["id"], plan["id"]);
        assert_eq!(saved["version"], plan["version"]);
        assert_eq!(saved["content"], plan["content"], "{folder}: what the plan says");
        let version = plan["version"].as_u64().unwrap() as usize;
        let history = archive.json(&format!("{folder}/history.json"));
        assert_eq!(len(&history), version, "{folder}: every change");
        for change in history.as_array().unwrap() {
            assert!(
                change["author_name"].is_string() && change["at"].is_string(),
                "{change}"
            );
        }
        let versions = archive.json(&format!("{folder}/versions.json"));
        assert_eq!(len(&versions), version, "{folder}: every version");
        assert_eq!(versions[version - 1]["plan"]["content"], plan["content"]);
        assert_eq!(versions[0]["version"], 1);
        let reviews = archive.json(&format!("{folder}/reviews.json"));
        assert_eq!(reviews["reviews"], plan["reviews"]["reviews"], "{folder}: reviews");
        let agreements = archive.json(&format!("{folder}/agreements.json"));
        assert_eq!(agreements["given"], plan["agreements"]["given"], "{folder}: agreements");
        let consents = archive.json(&format!("{folder}/consents.json"));
        assert_eq!(
            consents["decisions"], plan["consents"]["decisions"],
            "{folder}: consents"
        );
        let monitoring = archive.json(&format!("{folder}/monitoring.json"));
        for (kind, route) in [
            ("meetings", "meetings"),
            ("notes", "notes"),
            ("attendance", "attendance"),
            ("ratings", "ratings"),
        ] {
            let (status, listed) = admin.get(&format!("/plans/{id}/{route}")).await;
            assert_eq!(status, 200, "{listed}");
            assert_eq!(len(&monitoring[kind]), len(&listed), "{folder}: every {kind}");
        }
        let (_, requests) = admin.get(&format!("/plans/{id}/requests")).await;
        assert_eq!(
            len(&archive.json(&format!("{folder}/requests.json"))),
            len(&requests),
            "{folder}: requests"
        );
        let files = archive.json(&format!("{folder}/files.json"));
        for file in files.as_array().unwrap() {
            let path = file["file"].as_str().unwrap();
            assert_eq!(archive.bytes(path).len() as u64, file["size"].as_u64().unwrap());
            files_seen += 1;
        }
        if id == first {
            let uploaded = files
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == "therapy letter.pdf")
                .expect("the uploaded letter is listed");
            assert_eq!(archive.bytes(uploaded["file"].as_str().unwrap()), letter.as_slice());
        }
        // The PDF names him on its pages.
        let pages = crate::documents_pdf::pdf_pages(archive.bytes(&format!("{folder}/plan.pdf")));
        assert!(!pages.is_empty());
        assert!(
            pages.iter().all(|p| p.contains("Leo Martin")),
            "{folder}/plan.pdf names Leo on every page"
        );
    }
    assert!(files_seen >= 1, "the uploaded file is there");
    // The demo's Leo has agreements, reviews and progress to carry.
    let all = |name: &str| -> usize {
        folders
            .iter()
            .map(|f| archive.json(&format!("plans/{f}/{name}")))
            .map(|v| match name {
                "reviews.json" => len(&v["reviews"]),
                "agreements.json" => len(&v["given"]),
                _ => len(&v["notes"]) + len(&v["ratings"]) + len(&v["attendance"]) + len(&v["meetings"]),
            })
            .sum()
    };
    assert!(all("reviews.json") >= 2, "Leo's R1 and R2");
    assert!(all("agreements.json") >= 1, "agreements");
    assert!(all("monitoring.json") >= 1, "progress records");
    assert!(
        archive
            .text(&format!("{}/monitoring.json", folder_of(&summaries, &first)))
            .contains("quiet corner twice this week"),
        "Priya's note is there"
    );

    // Who has seen his record: Priya's read of his plan.
    let audit: Vec<Value> = archive
        .text("audit.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        audit.iter().any(|e| e["action"] == "plan.read"
            && e["plan_id"] == first.as_str()
            && e["user_id"] == priya_id.as_str()
            && e["user_email"] == "priya.shah@example.org"),
        "Priya's read is in audit.jsonl"
    );
    assert!(
        audit.windows(2).all(|w| w[0]["seq"].as_i64() < w[1]["seq"].as_i64()),
        "oldest first"
    );
    assert!(audit.iter().all(|e| e["hash"].is_string() && e["when"].is_string()));

    // The export itself is in the audit: who exported whose record, why.
    let (status, found) = admin.get(&format!("/audit?person={leo}&limit=200")).await;
    assert_eq!(status, 200, "{found}");
    let admin_id = app
        .store
        .user_by_email("admin@example.org")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "subject_access.export"
                && e["user_id"] == admin_id.as_str()
                && e["person_id"] == leo.as_str()
                && e["reason"] == "SAR-2027-014"
                && e["outcome"] == "allowed"),
        "the export is audited: {found}"
    );
}
both!(subject_access_archive_holds_every_record);

/// Only administrators: a practitioner who works with Leo, a therapist
/// and a stranger get exactly what a missing person gets; signed out, the
/// API asks for a token and the page for a sign-in.
async fn subject_access_is_for_administrators_only(backend: Backend) {
    let (app, _dir) = demo(backend).await;
    let admin = token_for(&app, "admin@example.org").await;
    let leo = leo(&admin).await;
    let missing = uuid::Uuid::new_v4();
    for email in ["priya.shah@example.org", "tom.price@example.org"] {
        let api = token_for(&app, email).await;
        let (status, _, body) = get_bytes(&api, &format!("/people/{leo}/subject-access")).await;
        let (missing_status, _, missing_body) = get_bytes(&api, &format!("/people/{missing}/subject-access")).await;
        assert_eq!(status, 404, "{email}");
        assert_eq!(
            (status, &body),
            (missing_status, &missing_body),
            "{email}: like a missing person"
        );

        let browser = app.signed_in_with(email, DEMO_PASSWORD).await;
        let (status, page) = browser.get(&format!("/people/{leo}/subject-access")).await;
        assert_eq!(status, 404, "{email}");
        assert!(!page.contains("Leo"), "{email}: the page names no one");
        let (_, person_page) = browser.get(&format!("/people/{leo}")).await;
        assert!(!person_page.contains("/subject-access"), "{email}: no button");
        let response = browser
            .post_raw(
                &format!("/people/{leo}/subject-access"),
                &csrf_of(&person_page).unwrap_or_default(),
                &[("reason", "curious")],
            )
            .await;
        assert_eq!(response.status(), 404, "{email}: posting is not found either");
    }
    let (status, _) = app
        .api_with_token("")
        .get(&format!("/people/{leo}/subject-access"))
        .await;
    assert_eq!(status, 401);
    let signed_out = crate::helpers::Browser::new(&app.address);
    let response = signed_out
        .client
        .get(app.url(&format!("/people/{leo}/subject-access")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(crate::helpers::location(&response).starts_with("/sign-in"));
    // A reason longer than the document allows is refused, naming it.
    let (status, problem) = admin
        .get(&format!("/people/{leo}/subject-access?reason={}", "x".repeat(1001)))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "reason");
    // An administrator asking for someone who does not exist.
    let (status, _, _) = get_bytes(&admin, &format!("/people/{missing}/subject-access")).await;
    assert_eq!(status, 404);
}
both!(subject_access_is_for_administrators_only);

/// The administrator's page: a button on the person's page, a confirmation
/// that asks why (and says so when it is left out), then the zip, with the
/// reason in the audit. And the command line, as an administrator and not.
async fn subject_access_page_and_command_line(backend: Backend) {
    let (app, dir) = demo(backend).await;
    let admin = token_for(&app, "admin@example.org").await;
    let leo = leo(&admin).await;
    let browser = app.signed_in_with("admin@example.org", DEMO_PASSWORD).await;
    let (status, person_page) = browser.get(&format!("/people/{leo}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        crate::helpers::attr_of(&person_page, "#subject-access", "href").as_deref(),
        Some(format!("/people/{leo}/subject-access").as_str())
    );
    let form = format!("/people/{leo}/subject-access");
    let (status, page) = browser.get(&form).await;
    assert_eq!(status, 200);
    assert!(page.contains("Leo Martin"));
    assert!(page.contains(r#"<label class="govuk-label" for="reason">"#), "{page}");

    let refused = browser.submit(&form, &form, &[("reason", "  ")]).await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("govuk-error-summary") && html.contains("href=\"#reason\""),
        "{html}"
    );

    let response = browser
        .submit(&form, &form, &[("reason", "Letter from his parents, 3 May")])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"leo-martin-subject-access.zip\""
    );
    let from_page = Archive::open(&response.bytes().await.unwrap());
    assert!(from_page.text("README.md").contains("Letter from his parents, 3 May"));
    let (_, found) = admin.get(&format!("/audit?person={leo}&limit=200")).await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "subject_access.export" && e["reason"] == "Letter from his parents, 3 May"),
        "{found}"
    );

    // The command line writes the same files.
    let out = dir
        .as_ref()
        .map_or_else(std::env::temp_dir, |d| d.path().to_owned())
        .join(format!("leo-{}.zip", uuid::Uuid::new_v4()));
    let out_path = out.to_str().unwrap();
    let (ok, stdout, stderr) = crate::cli::goldthread(
        &app.database_url,
        &[
            "export",
            "person",
            &leo,
            "-o",
            out_path,
            "--as",
            "admin@example.org",
            "--reason",
            "SAR by post",
        ],
        "",
    );
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("Wrote"), "{stdout}");
    let from_cli = Archive::open(&std::fs::read(&out).unwrap());
    let _ = std::fs::remove_file(&out);
    assert_eq!(from_cli.names(), from_page.names(), "every door gives the same files");
    assert!(from_cli.text("README.md").contains("SAR by post"));

    // Not an administrator: refused, nothing written, and recorded.
    let refused_out = format!("{out_path}.refused");
    let (ok, _, stderr) = crate::cli::goldthread(
        &app.database_url,
        &[
            "export",
            "person",
            &leo,
            "-o",
            &refused_out,
            "--as",
            "priya.shah@example.org",
        ],
        "",
    );
    assert!(!ok);
    assert!(stderr.contains("administrators only"), "{stderr}");
    assert!(!std::path::Path::new(&refused_out).exists());
    let (_, found) = admin.get(&format!("/audit?person={leo}&limit=200")).await;
    let exports: Vec<&Value> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "subject_access.export" && e["address"] == "command line")
        .collect();
    assert!(
        exports
            .iter()
            .any(|e| e["outcome"] == "allowed" && e["reason"] == "SAR by post"),
        "{found}"
    );
    assert!(exports.iter().any(|e| e["outcome"] == "missing"), "{found}");
}
both!(subject_access_page_and_command_line);
