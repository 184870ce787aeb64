//! Word files (DOCX) of plans (issue 13): every demo plan downloaded
//! through the API, converted to PDF by LibreOffice (`libreoffice --headless
//! --convert-to pdf`, Debian's `libreoffice-writer-nogui`) and read back with
//! `pdftotext`: the form's headings in order, the person's name and plan
//! number in every page's header, "Page N of M", R1/R2 markers, ended
//! provision labelled in words, signature blocks. The plan page's link, a
//! blank sheet on its official form, the command line, and a plan you may
//! not see answering like one that does not exist.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::both;
use crate::documents_pdf::{
    assert_in_order, demo, demo_plans, form_headings, get_pdf as get_bytes, pdf_pages, squash, token_for,
};
use crate::helpers::{Backend, Browser};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Each DOCX converted to PDF by LibreOffice in one run, with a profile of
/// its own so that tests running at the same time do not share one; the
/// text of each PDF, one string per page, in the order given.
fn libreoffice_pages(files: &[(String, Vec<u8>)]) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let out = dir.path().join("out");
    let inputs: Vec<PathBuf> = files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.path().join(format!("{name}.docx"));
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let status = Command::new("libreoffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(&inputs)
        .output()
        .expect("libreoffice (libreoffice-writer-nogui) is installed");
    assert!(
        status.status.success(),
        "{}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    files
        .iter()
        .map(|(name, _)| {
            let pdf = read(&out.join(format!("{name}.pdf")));
            pdf_pages(&pdf)
        })
        .collect()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("LibreOffice wrote no {}: {e}", path.display()))
}

fn is_docx(bytes: &[u8]) -> bool {
    // A zip archive whose first part names Word's content types.
    bytes.starts_with(b"PK\x03\x04") && bytes.windows(19).any(|w| w == b"[Content_Types].xml")
}

/// Every demo plan's DOCX, as LibreOffice prints it: the form's headings
/// in order, the person's name and plan number at the top of every page,
/// "Page N of M" and the confidentiality line at the foot, every party's
/// signature block; Leo's My Support Plan with its R1 and R2 markers, its
/// ended provision labelled in words and its agreements' details.
async fn demo_plans_docx(backend: Backend) {
    let (_app, api, _dir) = demo(backend).await;
    let plans = demo_plans(&api).await;
    let types: Vec<&str> = plans.iter().map(|p| p["plan_type"].as_str().unwrap()).collect();
    for expected in ["YP", "SH", "PB", "MSP", "CP"] {
        assert!(types.contains(&expected), "the demo has a {expected} plan: {types:?}");
    }
    let mut files = Vec::new();
    for plan in &plans {
        let id = plan["id"].as_str().unwrap();
        let plan_type = plan["plan_type"].as_str().unwrap();
        let (status, content_type, docx) = get_bytes(&api, &format!("/plans/{id}/docx")).await;
        assert_eq!(status, 200, "{plan_type}: {}", String::from_utf8_lossy(&docx));
        assert_eq!(content_type, DOCX, "{plan_type}");
        assert!(is_docx(&docx), "{plan_type}");
        if std::env::var_os("GOLDTHREAD_KEEP_PDFS").is_some() {
            let dir = crate::browser::artifacts_dir();
            std::fs::write(dir.join(format!("plan-{plan_type}.docx")), &docx).unwrap();
        }
        files.push((plan_type.to_owned(), docx));
    }
    let printed = libreoffice_pages(&files);
    for (plan, pages) in plans.iter().zip(printed) {
        let plan_type = plan["plan_type"].as_str().unwrap();
        assert!(pages.len() >= 2, "{plan_type}: {} pages", pages.len());
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
                page.contains(&format!("Page {} of {}", n + 1, pages.len())),
                "{plan_type} page {}: no page number in {page}",
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
                "ended provision labelled in words: {text}"
            );
            assert!(text.contains("Formal review R1, 19 October 2026"));
            assert!(text.contains("Formal review R2, 30 November 2026"));
            assert!(text.contains("Agreed as"), "agreement details in the signature blocks");
            assert!(text.contains("Version hash"), "the version's hash: {text}");
        }
    }
}
both!(demo_plans_docx);

/// The plan page's "Download Word (DOCX)" link beside the PDF button, on
/// the plan's own form and on another type's; what it points at is the
/// plan's Word file, to save, and a blank sheet on its official form says
/// what that form still needs.
async fn docx_link_and_other_form(backend: Backend) {
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

    let (status, page) = browser.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 200);
    let href = crate::helpers::attr_of(&page, "#download-docx", "href").unwrap();
    assert_eq!(href, format!("/plans/{id}/docx"));
    assert!(page.contains("Download Word (DOCX)"));
    let (status, page) = browser.get(&format!("/plans/{id}/as/PB")).await;
    assert_eq!(status, 200);
    let href = crate::helpers::attr_of(&page, "#download-docx", "href").unwrap();
    assert_eq!(href, format!("/plans/{id}/as/PB/docx"));

    let mut files = Vec::new();
    for (path, name) in [
        (format!("/plans/{id}/docx"), "amir-tester-pb-blank-plan-1.docx"),
        (format!("/plans/{id}/as/PB/docx"), "amir-tester-pb-plan-1.docx"),
    ] {
        let response = browser.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], DOCX);
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(disposition, format!("attachment; filename=\"{name}\""));
        let bytes = response.bytes().await.unwrap().to_vec();
        assert!(is_docx(&bytes), "{path}");
        files.push((name.trim_end_matches(".docx").to_owned(), bytes));
    }
    let printed = libreoffice_pages(&files);
    let own = squash(&printed[0].join(" "));
    assert!(own.contains("My allotment and my brother."));
    assert_in_order(&own, &form_headings("PB-BLANK"), "PB-BLANK");
    let other = squash(&printed[1].join(" "));
    assert!(
        other.contains("printed on the Personal Budget support plan form"),
        "{other}"
    );
    assert!(other.contains("My allotment and my brother."));
    assert_in_order(&other, &form_headings("PB"), "PB-BLANK on PB");

    // A form that does not exist is not found.
    let (status, _) = browser.get(&format!("/plans/{id}/as/NOPE/docx")).await;
    assert_eq!(status, 404);
}
both!(docx_link_and_other_form);

/// A plan the user may not see answers exactly like one that does not
/// exist, on the page and in the API.
async fn a_docx_you_may_not_see_is_missing(backend: Backend) {
    let (app, admin, _dir) = demo(backend).await;
    let plans = demo_plans(&admin).await;
    let find = |t: &str| -> String {
        plans.iter().find(|p: &&Value| p["plan_type"] == t).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (leo, kai) = (find("MSP"), find("YP"));
    let missing = uuid::Uuid::new_v4().to_string();

    let tom = token_for(&app, "tom.price@example.org").await;
    let (status, content_type, _) = get_bytes(&tom, &format!("/plans/{leo}/docx")).await;
    assert_eq!((status, content_type.as_str()), (200, DOCX), "his own plan");
    let hidden = get_bytes(&tom, &format!("/plans/{kai}/docx")).await;
    let absent = get_bytes(&tom, &format!("/plans/{missing}/docx")).await;
    assert_eq!(hidden.0, 404);
    assert_eq!(hidden, absent, "the same status, type and body");
    let (status, _, _) = get_bytes(&tom, "/plans/not-an-id/docx").await;
    assert_eq!(status, 404);

    let browser = Browser::new(&app.url(""));
    browser
        .sign_in("tom.price@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let hidden = browser.get(&format!("/plans/{kai}/docx")).await;
    let absent = browser.get(&format!("/plans/{missing}/docx")).await;
    assert_eq!(hidden.0, 404);
    assert_eq!(hidden, absent);
    let hidden = browser.get(&format!("/plans/{kai}/as/PB/docx")).await;
    let absent = browser.get(&format!("/plans/{missing}/as/PB/docx")).await;
    assert_eq!(hidden.0, 404);
    assert_eq!(hidden, absent);
}
both!(a_docx_you_may_not_see_is_missing);

/// `goldthread export docx PLAN_ID -o FILE --as EMAIL [--form TYPE]`
/// writes the same Word file a user would download, read with that user's
/// access.
async fn command_line_exports_docx(backend: Backend) {
    let (app, admin, _dir) = demo(backend).await;
    let plans = demo_plans(&admin).await;
    let id_of = |t: &str| {
        plans.iter().find(|p| p["plan_type"] == t).unwrap()["id"]
            .as_str()
            .unwrap()
    };
    let (leo, kai) = (id_of("MSP"), id_of("YP"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leo.docx");
    let file_arg = file.to_str().unwrap();
    let (ok, out, err) = crate::cli::goldthread(
        &app.database_url,
        &["export", "docx", leo, "-o", file_arg, "--as", "tom.price@example.org"],
        "",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("leo-martin-msp-plan-1.docx"), "{out}");
    let docx = std::fs::read(&file).unwrap();
    assert!(is_docx(&docx));
    let printed = libreoffice_pages(&[("leo".to_owned(), docx)]);
    let text = squash(&printed[0].join(" "));
    assert!(text.contains("Ended at R1, 19 October 2026"), "{text}");

    let (ok, _, err) = crate::cli::goldthread(
        &app.database_url,
        &["export", "docx", kai, "-o", file_arg, "--as", "tom.price@example.org"],
        "",
    );
    assert!(!ok);
    assert!(err.contains("no plan with the id"), "{err}");
    let (ok, _, err) = crate::cli::goldthread(
        &app.database_url,
        &[
            "export",
            "docx",
            leo,
            "-o",
            file_arg,
            "--as",
            "tom.price@example.org",
            "--form",
            "NOPE",
        ],
        "",
    );
    assert!(!ok);
    assert!(err.contains("or no form NOPE"), "{err}");
}
both!(command_line_exports_docx);
