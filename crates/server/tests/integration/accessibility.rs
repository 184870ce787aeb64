//! Accessibility: axe-core, an independent checker, run inside the real
//! headless Chromium on every main page against the WCAG 2.0, 2.1 and 2.2
//! level A and AA rules. axe-core is a development package in
//! `crates/server/web` (installed by `npm ci` with the others); it is
//! injected through WebDriver, which the pages' Content Security Policy does
//! not apply to, so the policy stays as strict as in production. The
//! results are saved in `test-artifacts/accessibility-<backend>.json`.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::both;
use crate::browser::{artifacts_dir, browser, click, fill, fill_date, start_driver};
use crate::helpers::{Backend, PASSWORD, spawn_app};

/// The axe-core rule tags checked: WCAG 2.0, 2.1 and 2.2, levels A and AA.
pub(crate) const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// Teaches axe one rule of ours that it has no rule for: a GOV.UK error
/// message must be tied to its field (or fieldset) with `aria-describedby`,
/// or a screen reader user on the field never hears it (WCAG 1.3.1, 3.3.1).
const CONFIGURE_AXE: &str = r#"
axe.configure({
  checks: [{
    id: 'goldthread-error-message-referenced',
    evaluate: function (node) {
      const id = node.getAttribute('id');
      return !!id && Array.from(document.querySelectorAll('[aria-describedby]')).some(
        e => e.getAttribute('aria-describedby').split(/\s+/).includes(id));
    },
    metadata: {
      impact: 'serious',
      messages: {
        pass: 'A form control refers to this error message',
        fail: 'No form control refers to this error message with aria-describedby'
      }
    }
  }],
  rules: [{
    id: 'goldthread-error-message',
    selector: '.govuk-error-message',
    impact: 'serious',
    tags: ['wcag2a', 'wcag131', 'wcag331'],
    any: ['goldthread-error-message-referenced'],
    metadata: {
      description: 'Ensures every error message is announced with the field it is about',
      help: 'Error messages must be tied to their field with aria-describedby'
    }
  }]
});
"#;

/// Runs axe on `arguments[1]` (the whole document if null) and hands back
/// its version, the violations and what it could not decide, each with the
/// first few elements concerned, and how many rules passed.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
const summary = v => ({
  id: v.id,
  impact: v.impact,
  help: v.help,
  nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)
});
axe.run(arguments[1] || document, {runOnly: {type: 'tag', values: arguments[0]}})
  .then(r => done(JSON.stringify({
    version: r.testEngine.version,
    violations: r.violations.map(summary),
    incomplete: r.incomplete.map(summary),
    passes: r.passes.length
  })))
  .catch(e => done(JSON.stringify({error: String(e)})));
"#;

/// A field without a label and an error message tied to nothing, to show
/// that axe (and our rule) are really checking.
const ADD_CANARY: &str = r#"
const box = document.createElement('div');
box.id = 'axe-canary';
box.innerHTML = '<p class="govuk-error-message" id="canary-error">Enter something</p><input type="text">';
document.querySelector('main').appendChild(box);
"#;

/// Whether an inline script added to the page runs: it must not, the
/// Content Security Policy forbids it (WebDriver's own scripts are exempt).
const INLINE_SCRIPT_RUNS: &str = r#"
const script = document.createElement('script');
script.textContent = 'window.goldthreadInlineRan = true;';
document.head.appendChild(script);
script.remove();
return window.goldthreadInlineRan === true;
"#;

/// The axe-core script from the front-end packages.
pub(crate) fn axe_source() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/web/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("the accessibility test needs axe-core at {path} (run `npm ci` in crates/server/web): {e}")
    })
}

/// What axe found on each page visited.
pub(crate) struct Audit {
    pub(crate) axe: String,
    pub(crate) version: String,
    pub(crate) pages: Vec<Value>,
    /// What the checks beside axe found: sideways scrolling on a phone,
    /// snake_case words in the text.
    pub(crate) problems: Vec<String>,
}

/// Every snake_case word in the page's text, visible or visually hidden
/// (text nodes; not attributes, scripts or styles).
const SNAKE_CASE_WORDS: &str = r#"
const skip = ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
  acceptNode: n => skip.includes(n.parentNode.nodeName) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT
});
const found = [];
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  for (const m of n.nodeValue.matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)) found.push(m[0]);
}
return found;
"#;

/// The phone width the pages must fit without sideways scrolling.
const PHONE_WIDTH: u32 = 390;

impl Audit {
    /// An audit with nothing checked yet.
    pub(crate) fn new() -> Audit {
        Audit {
            axe: axe_source(),
            version: String::new(),
            pages: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Panics with every problem and violation found on the pages checked.
    pub(crate) fn assert_clean(&self) {
        assert!(self.problems.is_empty(), "{}", self.problems.join("\n"));
        let failures = self.failures();
        assert!(failures.is_empty(), "axe-core found:\n{}", failures.join("\n"));
    }

    /// Injects axe into the current page (again after every navigation).
    async fn inject(&self, client: &Client, page: &str) {
        client
            .execute(&self.axe, vec![])
            .await
            .unwrap_or_else(|e| panic!("could not inject axe-core on {page}: {e}"));
        client.execute(CONFIGURE_AXE, vec![]).await.unwrap();
    }

    /// Runs axe on `context` (a CSS selector, or the whole page).
    async fn run(&self, client: &Client, page: &str, context: Option<&str>) -> Value {
        let answer = client
            .execute_async(RUN_AXE, vec![json!(TAGS), json!(context)])
            .await
            .unwrap_or_else(|e| panic!("axe-core did not run on {page}: {e}"));
        let result: Value = serde_json::from_str(answer.as_str().expect("axe answers with JSON text")).unwrap();
        if let Some(error) = result.get("error") {
            panic!("axe-core failed on {page}: {error}");
        }
        result
    }

    /// Shows that the page's Content Security Policy is in force, and that
    /// axe still runs and finds the mistakes of [`ADD_CANARY`].
    async fn canary(&self, client: &Client) {
        loaded(client).await;
        let inline_ran = client.execute(INLINE_SCRIPT_RUNS, vec![]).await.unwrap();
        assert_eq!(
            inline_ran, false,
            "the Content Security Policy should stop inline script"
        );
        self.inject(client, "canary").await;
        client.execute(ADD_CANARY, vec![]).await.unwrap();
        let result = self.run(client, "canary", Some("#axe-canary")).await;
        client
            .execute("document.getElementById('axe-canary').remove()", vec![])
            .await
            .unwrap();
        let found: Vec<&str> = result["violations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["id"].as_str())
            .collect();
        assert!(
            found.contains(&"label") && found.contains(&"goldthread-error-message"),
            "axe-core should find the canary's unlabelled field and loose error message: {result}"
        );
    }

    /// Waits for the page to finish loading, injects axe and runs it.
    pub(crate) async fn check(&mut self, client: &Client, page: &str) {
        loaded(client).await;
        let url = client.current_url().await.unwrap();
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let page_and_path = format!("{page} ({path})");
        self.inject(client, &page_and_path).await;
        let result = self.run(client, &page_and_path, None).await;
        self.version = result["version"].as_str().unwrap_or_default().to_owned();
        self.pages.push(json!({
            "page": page,
            "path": path,
            "violations": result["violations"],
            "needs_review": result["incomplete"],
            "rules_passed": result["passes"],
        }));

        let words = client.execute(SNAKE_CASE_WORDS, vec![]).await.unwrap();
        if words.as_array().is_some_and(|w| !w.is_empty()) {
            self.problems
                .push(format!("{page_and_path}: snake_case in the text: {words}"));
        }

        // At a phone's width nothing scrolls sideways.
        client.set_window_size(PHONE_WIDTH, 844).await.unwrap();
        let widths = client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth]",
                vec![],
            )
            .await
            .unwrap();
        client.set_window_size(1280, 1000).await.unwrap();
        let (scroll, inner) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        assert!(inner <= u64::from(PHONE_WIDTH), "the window became {inner} px wide");
        if scroll > inner {
            self.problems.push(format!(
                "{page_and_path}: {scroll} px wide at {inner} px (scrolls sideways on a phone)"
            ));
        }
    }

    /// Every violation, one readable line each.
    pub(crate) fn failures(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for page in &self.pages {
            for violation in page["violations"].as_array().into_iter().flatten() {
                let nodes: Vec<&str> = violation["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                lines.push(format!(
                    "{} ({}): {} [{}] {}: {}",
                    page["page"].as_str().unwrap_or_default(),
                    page["path"].as_str().unwrap_or_default(),
                    violation["id"].as_str().unwrap_or_default(),
                    violation["impact"].as_str().unwrap_or("unknown"),
                    violation["help"].as_str().unwrap_or_default(),
                    nodes.join(", "),
                ));
            }
        }
        lines
    }
}

/// Waits (up to 10 s) for the page to finish loading, its scripts included.
pub(crate) async fn loaded(client: &Client) {
    for _ in 0..100 {
        let state = client.execute("return document.readyState", vec![]).await.unwrap();
        if state == "complete" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page did not finish loading");
}

/// Waits (up to 10 s) for the page's heading to be `expected`; if it is
/// not, says where the browser is.
pub(crate) async fn heading_is(client: &Client, expected: &str) {
    let seen = crate::browser::heading_becomes(client, expected).await;
    if seen != expected {
        let whereabouts = crate::browser::whereabouts(client).await;
        assert_eq!(seen, expected, "expected the page headed {expected:?}; {whereabouts}");
    }
}

/// Waits for a form to come back with its error summary.
pub(crate) async fn errors_shown(client: &Client) {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".govuk-error-summary"))
        .await
        .expect("the form comes back with an error summary");
}

pub(crate) async fn sign_in(client: &Client, email: &str) {
    fill(client, "#email", email).await;
    fill(client, "#password", PASSWORD).await;
    click(client, "form[action='/sign-in'] button").await;
    heading_is(client, "Plans you can see").await;
}

async fn main_pages_pass_axe(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    app.user("admin@example.org", "Ada Admin", "admin").await;
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = Audit {
        axe: axe_source(),
        version: String::new(),
        pages: Vec::new(),
        problems: Vec::new(),
    };

    // Signing in, wrongly first.
    client.goto(&app.url("/sign-in")).await.unwrap();
    heading_is(&client, "Sign in to Goldthread").await;
    audit.canary(&client).await;
    audit.check(&client, "Sign in").await;
    click(&client, "form[action='/sign-in'] button").await;
    errors_shown(&client).await;
    audit.check(&client, "Sign in, with errors").await;
    sign_in(&client, "priya@example.org").await;
    audit.check(&client, "Home, no plans yet").await;

    // Adding a person, wrongly first, and finding them.
    client.goto(&app.url("/people/new")).await.unwrap();
    heading_is(&client, "Add a person").await;
    click(&client, "main form button[type=submit]").await;
    errors_shown(&client).await;
    audit.check(&client, "Add a person, with errors").await;
    fill(&client, "#given_name", "Leo").await;
    fill(&client, "#family_name", "Martin").await;
    fill(&client, "#known_as", "Leo").await;
    fill(&client, "#setting", "Hillside Primary School").await;
    fill(&client, "#communication", "Short sentences and time to answer").await;
    click(&client, "main form button[type=submit]").await;
    heading_is(&client, "Leo Martin known as Leo").await;
    audit.check(&client, "Person").await;
    let person = app.url(client.current_url().await.unwrap().path());
    client.goto(&app.url("/people")).await.unwrap();
    heading_is(&client, "People").await;
    audit.check(&client, "People").await;
    client.goto(&app.url("/people?q=nobody-by-this-name")).await.unwrap();
    heading_is(&client, "People").await;
    audit.check(&client, "People, search with no results").await;

    // Starting a plan and adding someone to it, wrongly first.
    client.goto(&format!("{person}/plans/new")).await.unwrap();
    heading_is(&client, "Start a plan").await;
    audit.check(&client, "Start a plan").await;
    click(&client, "input[value=MSP]").await;
    click(&client, "main form button[type=submit]").await;
    heading_is(&client, "Leo's My Support Plan").await;
    let plan = app.url(client.current_url().await.unwrap().path());
    client.goto(&format!("{plan}/parties/new")).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    click(&client, "main form button[type=submit]").await;
    errors_shown(&client).await;
    audit.check(&client, "Add someone to a plan, with errors").await;
    fill(&client, "#name", "Claire Martin").await;
    crate::browser::retry(&client, "select", || async {
        client
            .find(Locator::Css("#role"))
            .await?
            .select_by_value("parent_carer")
            .await
    })
    .await;
    fill(&client, "#relationship", "Mum").await;
    fill(&client, "#contact", "07700 900123").await;
    click(&client, "#lead").await;
    click(&client, "main form button[type=submit]").await;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#parties + table"))
        .await
        .expect("the plan page lists the party");
    audit.check(&client, "Plan, with a party").await;
    client.goto(&format!("{plan}/history")).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    audit.check(&client, "Plan history").await;

    // The plan's sections: a text section, an outcome with its SMART panel
    // (wrongly first), provision with a bad cost, a checklist, the golden
    // thread and the plan on another form.
    client.goto(&format!("{plan}/sections/profile/texts")).await.unwrap();
    heading_is(&client, "Section 1: About me – a) my profile").await;
    audit.check(&client, "About me: my profile").await;
    client
        .goto(&format!("{plan}/sections/outcomes/add/outcome"))
        .await
        .unwrap();
    heading_is(&client, "Add an outcome").await;
    fill(&client, "#text", "Leo will improve").await;
    fill_date(&client, "by_when", "2027-02-31").await;
    click(&client, "main form button[type=submit]").await;
    errors_shown(&client).await;
    audit
        .check(&client, "Add an outcome, with errors and the SMART check")
        .await;
    fill(
        &client,
        "#text",
        "By July 2027, Leo will ask an adult for help 4 times out of 5, recorded by his TA",
    )
    .await;
    fill_date(&client, "by_when", "2027-07-16").await;
    click(&client, "main form button[type=submit]").await;
    heading_is(&client, "Leo's My Support Plan").await;
    audit.check(&client, "Plan, with the banner after a save").await;
    client
        .goto(&format!("{plan}/sections/provision/add/provision"))
        .await
        .unwrap();
    heading_is(&client, "Add provision").await;
    fill(&client, "#what", "Sensory circuit").await;
    fill(&client, "#weekly_cost", "-5").await;
    click(&client, "main form button[type=submit]").await;
    errors_shown(&client).await;
    audit.check(&client, "Add provision, with errors").await;
    client
        .goto(&format!("{plan}/sections/health_checklist/record"))
        .await
        .unwrap();
    heading_is(&client, "Health – checklist for schools and settings").await;
    audit.check(&client, "Health checklist").await;
    client.goto(&plan).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    audit.check(&client, "Plan, with an outcome and checks").await;
    plan_screenshots_and_print(&client, backend).await;
    let outcome = client
        .find(Locator::Css("a[href*='/items/outcome/']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    client.goto(&app.url(&format!("{outcome}/remove"))).await.unwrap();
    heading_is(&client, "Remove this outcome?").await;
    audit.check(&client, "Remove an outcome: asks first").await;
    client.goto(&format!("{plan}/golden-thread")).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    audit.check(&client, "Golden thread picture").await;
    client.goto(&format!("{plan}/as/PB")).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    audit.check(&client, "Plan on another form, with gaps").await;
    client.goto(&format!("{plan}/consent")).await.unwrap();
    heading_is(&client, "Consent to share").await;
    audit.check(&client, "Consent to share").await;
    click(&client, "main form button[type=submit]").await;
    errors_shown(&client).await;
    audit.check(&client, "Consent to share, with errors").await;
    client.goto(&format!("{plan}/status")).await.unwrap();
    heading_is(&client, "Leo's My Support Plan").await;
    audit.check(&client, "Change the plan's status").await;
    click(&client, "main form button[type=submit]").await;
    errors_shown(&client).await;
    audit.check(&client, "Change the plan's status, with errors").await;
    client.goto(&app.url("/")).await.unwrap();
    heading_is(&client, "Plans you can see").await;
    audit.check(&client, "Home, with a plan").await;
    client.goto(&app.url("/plans")).await.unwrap();
    heading_is(&client, "Plans").await;
    audit.check(&client, "Plans").await;
    client.goto(&app.url("/account")).await.unwrap();
    heading_is(&client, "Your account").await;
    audit.check(&client, "Your account").await;

    // An administrator's pages.
    click(&client, "form[action='/sign-out'] button").await;
    heading_is(&client, "Sign in to Goldthread").await;
    sign_in(&client, "admin@example.org").await;
    client.goto(&app.url("/users")).await.unwrap();
    heading_is(&client, "Users").await;
    audit.check(&client, "Users").await;
    client.goto(&app.url("/users/new")).await.unwrap();
    heading_is(&client, "Add a user").await;
    audit.check(&client, "Add a user").await;
    click(&client, "main form button[type=submit]").await;
    errors_shown(&client).await;
    audit.check(&client, "Add a user, with errors").await;
    client.goto(&format!("{person}/subject-access")).await.unwrap();
    heading_is(&client, "Export everything held about this person").await;
    audit.check(&client, "Subject access export").await;
    click(&client, "main form button[type=submit]").await;
    errors_shown(&client).await;
    audit.check(&client, "Subject access export, with errors").await;
    client.close().await.unwrap();

    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let report_path = artifacts_dir().join(format!("accessibility-{name}.json"));
    let report = json!({
        "axe_core": audit.version,
        "tags": TAGS,
        "pages": audit.pages,
    });
    std::fs::write(&report_path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    assert!(
        audit.problems.is_empty(),
        "{} problems on {} pages:\n{}",
        audit.problems.len(),
        audit.pages.len(),
        audit.problems.join("\n")
    );
    let failures = audit.failures();
    assert!(
        failures.is_empty(),
        "axe-core found {} accessibility violations on {} pages (report: {}):\n{}",
        failures.len(),
        audit.pages.len(),
        report_path.display(),
        failures.join("\n")
    );
}
both!(main_pages_pass_axe);

/// The plan page at desktop and phone widths (screenshots kept as test
/// artefacts), and printed to PDF through WebDriver with the print
/// stylesheet: no "Change" links, navigation or link addresses, and the
/// person's name and plan number on every page.
async fn plan_screenshots_and_print(client: &Client, backend: Backend) {
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = artifacts_dir();
    let png = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("plan-desktop-{name}.png")), png).unwrap();
    client.set_window_size(PHONE_WIDTH, 844).await.unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("plan-phone-{name}.png")), png).unwrap();
    client.set_window_size(1280, 1000).await.unwrap();

    let pdf = client
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("Chromium prints the page");
    let path = dir.join(format!("plan-{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Leo's My Support Plan"), "{text}");
    for unwanted in [
        "Change",
        "Sign out",
        "Skip to main content",
        "http://",
        "Back to top",
        "Add an outcome",
    ] {
        assert!(!text.contains(unwanted), "the printed plan shows {unwanted:?}:\n{text}");
    }
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert!(pages.len() > 1, "{text}");
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Leo Martin") && page.contains("number 1"),
            "page {} of the printed plan lacks the name and plan number:\n{page}",
            i + 1
        );
    }
}
