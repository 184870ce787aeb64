//! Print-ready PDFs of plans (issue 13): every demo plan printed through
//! the API and read back with `pdftotext -layout` and `pdfinfo`
//! (poppler-utils): the form's headings in order, the person's name and
//! plan number on every page, R1/R2 markers, ended provision labelled in
//! words, signature names, a tagged PDF. The plan page's button in a real
//! Chromium, a blank sheet printed on its official form, the command line,
//! and a plan you may not see answering like one that does not exist.

use std::process::Command;

use goldthread_domain::plan_type::Registry;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Api, Backend, Browser, TestApp, fresh_database, spawn_on_url};

/// Text with every run of white space made one space, so that words
/// wrapped across lines still read as one phrase.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The PDF's text (`pdftotext -layout`), one string per page.
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// `pdfinfo`'s fields.
fn pdf_info(pdf: &[u8]) -> std::collections::HashMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfinfo").arg(&path).output().expect("pdfinfo runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Each phrase found in `text` after the one before it.
pub fn assert_in_order(text: &str, phrases: &[String], what: &str) {
    let mut from = 0;
    for phrase in phrases {
        let at = text[from..]
            .find(phrase.as_str())
            .unwrap_or_else(|| panic!("{what}: {phrase:?} not found after position {from}"));
        from += at + phrase.len();
    }
}

/// The headings of a plan type's form, in order, as printed (a heading
/// shared by consecutive sections once).
pub fn form_headings(plan_type: &str) -> Vec<String> {
    let form = Registry::shipped().get(plan_type).expect("a shipped type");
    let mut headings: Vec<String> = Vec::new();
    for section in &form.sections {
        if headings.last() != Some(&section.heading) {
            headings.push(section.heading.clone());
        }
    }
    headings.into_iter().map(|h| squash(&h)).collect()
}

pub async fn get_pdf(api: &Api, path: &str) -> (u16, String, Vec<u8>) {
    api.get_bytes(path).await
}

/// The demo organisation, an administrator's API client, and what keeps
/// the database alive.
pub async fn demo(backend: Backend) -> (TestApp, Api, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_database(backend).await;
    let app = spawn_on_url(backend, url).await;
    assert!(goldthread::demo::load_if_empty(&app.store).await.unwrap());
    let api = token_for(&app, "admin@example.org").await;
    (app, api, dir)
}

pub async fn token_for(app: &TestApp, email: &str) -> Api {
    app.api_for(email).await
}

pub async fn demo_plans(api: &Api) -> Vec<Value> {
    let (status, list) = api.get("/plans?limit=50").await;
    assert_eq!(status, 200, "{list}");
    let mut plans = Vec::new();
    for summary in list["items"].as_array().unwrap() {
        let (_, plan) = api.get(&format!("/plans/{}", summary["id"].as_str().unwrap())).await;
        plans.push(plan);
    }
    plans
}

/// Every demo plan prints: headings in the form's order, the person's name
/// and plan number on every page, signature names, a tagged PDF of more
/// than one page; Leo's My Support Plan shows its R1 and R2 markers and its
/// ended provision struck through and labelled in words.
async fn demo_plans_print(backend: Backend) {
    let (_app, api, _dir) = demo(backend).await;
    let plans = demo_plans(&api).await;
    let types: Vec<&str> = plans.iter().map(|p| p["plan_type"].as_str().unwrap()).collect();
    for expected in ["YP", "SH", "PB", "MSP", "CP"] {
        assert!(types.contains(&expected), "the demo has a {expected} plan: {types:?}");
    }
    for plan in &plans {
        let id = plan["id"].as_str().unwrap();
        let plan_type = plan["plan_type"].as_str().unwrap();
        let (status, content_type, pdf) = get_pdf(&api, &format!("/plans/{id}/pdf")).await;
        assert_eq!(status, 200, "{plan_type}: {}", String::from_utf8_lossy(&pdf));
        assert_eq!(content_type, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"), "{plan_type}");
        if std::env::var_os("GOLDTHREAD_KEEP_PDFS").is_some() {
            let dir = crate::browser::artifacts_dir();
            std::fs::write(dir.join(format!("plan-{plan_type}.pdf")), &pdf).unwrap();
        }

        let info = pdf_info(&pdf);
        assert_eq!(
            info.get("Tagged").map(String::as_str),
            Some("yes"),
            "{plan_type}: {info:?}"
        );
        let page_count: usize = info["Pages"].parse().unwrap();
        assert!(page_count >= 2, "{plan_type}: {page_count} pages");

        let pages = pdf_pages(&pdf);
        assert_eq!(pages.len(), page_count, "{plan_type}");
        let (_, person) = api
            .get(&format!("/people/{}", plan["person_id"].as_str().unwrap()))
            .await;
        let name = format!(
            "{} {}",
            person["given_name"].as_str().unwrap(),
            person["family_name"].as_str().unwrap()
        );
        let number = format!("Plan number {}", plan["number"]);
        for (n, page) in pages.iter().enumerate() {
            let page = squash(page);
            assert!(page.contains(&name), "{plan_type} page {}: no {name:?}", n + 1);
            assert!(page.contains(&number), "{plan_type} page {}: no {number:?}", n + 1);
            assert!(
                page.contains(&format!("Page {} of {page_count}", n + 1)),
                "{plan_type} page {}: no page number",
                n + 1
            );
            assert!(page.contains("Confidential"), "{plan_type} page {}: no footer", n + 1);
        }
        let text = squash(&pages.join(" "));
        assert_in_order(&text, &form_headings(plan_type), plan_type);
        for party in plan["parties"].as_array().unwrap() {
            let party_name = party["name"].as_str().unwrap();
            assert!(
                text.contains(party_name),
                "{plan_type}: signature block of {party_name}"
            );
        }
        assert!(text.contains("The golden thread"), "{plan_type}");

        if plan_type == "MSP" {
            assert!(text.contains("R1, 19 October 2026"), "the target added at R1");
            assert!(text.contains("R2, 30 November 2026"), "the lunchtime club added at R2");
            assert!(
                text.contains("Ended at R1, 19 October 2026: The bedtime routine is settled"),
                "ended provision labelled in words"
            );
            assert!(
                text.contains("Formal review R1, 19 October 2026"),
                "the review's own section"
            );
            assert!(text.contains("Formal review R2, 30 November 2026"));
            assert!(text.contains("Agreed as"), "agreement details in the signature blocks");
            assert!(
                text.contains("Version hash c1:"),
                "the canonical hash agreed to: {text}"
            );
        }
    }
}
both!(demo_plans_print);

/// A person-led blank sheet printed on its official form (PB-BLANK → PB):
/// the official form's headings, and what it still needs said first.
async fn blank_sheet_prints_on_the_official_form(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let (_, api) = app.api_user("nadia@example.org", "practitioner").await;
    let plan = api.plan("Amir", "PB-BLANK").await;
    let id = plan["id"].as_str().unwrap();
    let (status, body) = api
        .post(
            &format!("/plans/{id}/changes"),
            json!({"base_version": plan["version"], "change": {"type": "texts_set", "section": "important_to_me",
                "texts": {"important_to_me": "My allotment and my brother."}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let browser = app.signed_in("nadia@example.org").await;
    let response = browser
        .client
        .get(app.url(&format!("/plans/{id}/as/PB/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains("amir-tester-pb-plan-1.pdf"), "{disposition}");
    let pdf = response.bytes().await.unwrap();
    let text = squash(&pdf_pages(&pdf).join(" "));
    assert!(
        text.contains("printed on the Personal Budget support plan form"),
        "{text}"
    );
    assert!(text.contains("My allotment and my brother."));
    assert_in_order(&text, &form_headings("PB"), "PB-BLANK on PB");

    // Its own form, from the plan page's button.
    let (status, page) = browser.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 200);
    let href = crate::helpers::attr_of(&page, "#print-pdf", "href").unwrap();
    assert_eq!(href, format!("/plans/{id}/pdf"));
    let (status, page) = browser.get(&format!("/plans/{id}/as/PB")).await;
    assert_eq!(status, 200);
    let href = crate::helpers::attr_of(&page, "#print-pdf", "href").unwrap();
    assert_eq!(href, format!("/plans/{id}/as/PB/pdf"));
    // A form that does not exist is not found.
    let (status, _) = browser.get(&format!("/plans/{id}/as/NOPE/pdf")).await;
    assert_eq!(status, 404);
}
both!(blank_sheet_prints_on_the_official_form);

/// A plan the user may not see answers exactly like one that does not
/// exist, on the page and in the API.
async fn a_plan_you_may_not_see_is_missing(backend: Backend) {
    let (app, admin, _dir) = demo(backend).await;
    let plans = demo_plans(&admin).await;
    let leo = plans.iter().find(|p| p["plan_type"] == "MSP").unwrap()["id"]
        .as_str()
        .unwrap();
    let kai = plans.iter().find(|p| p["plan_type"] == "YP").unwrap()["id"]
        .as_str()
        .unwrap();
    let missing = uuid::Uuid::new_v4().to_string();

    let tom = token_for(&app, "tom.price@example.org").await;
    let (status, content_type, _) = get_pdf(&tom, &format!("/plans/{leo}/pdf")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/pdf"),
        "his own plan"
    );
    let hidden = get_pdf(&tom, &format!("/plans/{kai}/pdf")).await;
    let absent = get_pdf(&tom, &format!("/plans/{missing}/pdf")).await;
    assert_eq!(hidden.0, 404);
    assert_eq!(hidden, absent, "the same status, type and body");

    let browser = Browser::new(&app.url(""));
    browser
        .sign_in("tom.price@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let hidden = browser.get(&format!("/plans/{kai}/pdf")).await;
    let absent = browser.get(&format!("/plans/{missing}/pdf")).await;
    assert_eq!(hidden.0, 404);
    assert_eq!(hidden, absent);
    let hidden = browser.get(&format!("/plans/{kai}/as/PB/pdf")).await;
    let absent = browser.get(&format!("/plans/{missing}/as/PB/pdf")).await;
    assert_eq!(hidden, absent);
}
both!(a_plan_you_may_not_see_is_missing);

/// `goldthread export pdf PLAN_ID -o FILE --as EMAIL` writes the same PDF
/// a user would download, read with that user's access.
async fn command_line_exports_pdf(backend: Backend) {
    let (app, admin, _dir) = demo(backend).await;
    let plans = demo_plans(&admin).await;
    let leo = plans.iter().find(|p| p["plan_type"] == "MSP").unwrap()["id"]
        .as_str()
        .unwrap();
    let kai = plans.iter().find(|p| p["plan_type"] == "YP").unwrap()["id"]
        .as_str()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leo.pdf");
    let file_arg = file.to_str().unwrap();
    let (ok, out, err) = crate::cli::goldthread(
        &app.database_url,
        &["export", "pdf", leo, "-o", file_arg, "--as", "tom.price@example.org"],
        "",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("leo-martin-msp-plan-1.pdf"), "{out}");
    let pdf = std::fs::read(&file).unwrap();
    let text = squash(&pdf_pages(&pdf).join(" "));
    assert!(text.contains("Ended at R1, 19 October 2026"));

    let (ok, _, err) = crate::cli::goldthread(
        &app.database_url,
        &["export", "pdf", kai, "-o", file_arg, "--as", "tom.price@example.org"],
        "",
    );
    assert!(!ok);
    assert!(err.contains("no plan with the id"), "{err}");
}
both!(command_line_exports_pdf);

/// The plan page's "Print / download PDF" button in a real Chromium: the
/// link is on the page, and what it points at is the plan's PDF.
async fn print_button_in_chromium(backend: Backend) {
    use crate::accessibility::{loaded, sign_in};
    use crate::browser::{browser, start_driver, text};
    let app = crate::helpers::spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = crate::monitoring::plan_with_content(&api, "Ruby", "CP", "2026-09-16", 12).await;
    let id = plan["id"].as_str().unwrap();
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;
    client.goto(&app.url(&format!("/plans/{id}"))).await.unwrap();
    loaded(&client).await;
    let label = text(&client, "#print-pdf").await;
    assert!(label.starts_with("Print / download PDF"), "{label}");
    let fetched = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            const href = document.querySelector('#print-pdf').getAttribute('href');
            fetch(href).then(async r => {
              const bytes = new Uint8Array(await r.arrayBuffer());
              done({href, status: r.status, type: r.headers.get('content-type'),
                    head: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length});
            }).catch(e => done({error: String(e)}));"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fetched["href"], format!("/plans/{id}/pdf"), "{fetched}");
    assert_eq!(fetched["status"], 200, "{fetched}");
    assert_eq!(fetched["type"], "application/pdf", "{fetched}");
    assert_eq!(fetched["head"], "%PDF-", "{fetched}");
    assert!(fetched["size"].as_u64().unwrap() > 10_000, "{fetched}");
    client.close().await.unwrap();
}
both!(print_button_in_chromium);
