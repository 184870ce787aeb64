//! End-to-end in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`), driven through WebDriver. Screenshots are saved in
//! `test-artifacts/` at the top of the repository.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::both;
use crate::helpers::{Backend, PASSWORD, spawn_app};

/// A chromedriver process, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) async fn start_driver() -> Driver {
    // The port is free when asked for, but another test's server may take
    // it before chromedriver binds it: then chromedriver exits, and it is
    // started again on another port, rather than this test talking to
    // whatever holds the port.
    for _ in 0..5 {
        if let Some(driver) = try_start_driver().await {
            return driver;
        }
    }
    panic!("chromedriver did not start");
}

async fn try_start_driver() -> Option<Driver> {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned());
    let port = free_port();
    let child = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("the browser tests need chromedriver at {binary} (apt-get install chromium-driver): {e}")
        });
    let mut driver = Driver { child, port };
    for _ in 0..100 {
        if driver.child.try_wait().ok().flatten().is_some() {
            return None;
        }
        if answers_as_chromedriver(port) {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Whether what listens on `port` is a chromedriver (its `/status`
/// answers as WebDriver's does), not another test's server.
fn answers_as_chromedriver(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    // chromedriver keeps the connection open: read until its answer is in.
    let mut answer = Vec::new();
    let mut chunk = [0; 4096];
    while let Ok(n @ 1..) = stream.read(&mut chunk) {
        answer.extend_from_slice(&chunk[..n]);
        if answer.windows(7).any(|w| w == b"\"ready\"") {
            return true;
        }
    }
    false
}

pub(crate) async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,1000", format!("--user-data-dir={}", profile.display())
            ]
        }),
    );
    // chromedriver is on loopback: plain HTTP, no TLS stack needed.
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session starts")
}

pub(crate) fn artifacts_dir() -> PathBuf {
    let dir = std::env::var("GOLDTHREAD_TEST_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(artifacts_dir().join(name), png).unwrap();
}

/// How long a step waits for the page to be ready: generous, because a
/// loaded 2-core CI machine can be slow to navigate.
const PATIENCE: Duration = Duration::from_secs(15);

/// Runs a WebDriver step until it works or [`PATIENCE`] runs out. A page
/// that is still navigating answers "no such element" or "stale element";
/// those are retried, so tests do not depend on timing. When it gives up,
/// it also says where `client`'s browser was (address, heading, any error
/// summary), so that a failure on a CI machine can be understood from its
/// message alone.
pub(crate) async fn retry<T, F, Fut>(client: &Client, what: &str, step: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
{
    match patiently(step).await {
        Ok(value) => value,
        Err(e) => panic!("{what}: {e}; {}", whereabouts(client).await),
    }
}

async fn patiently<T, F, Fut>(mut step: F) -> Result<T, fantoccini::error::CmdError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
{
    let started = std::time::Instant::now();
    loop {
        match step().await {
            Ok(value) => return Ok(value),
            Err(_) if started.elapsed() < PATIENCE => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => return Err(e),
        }
    }
}

/// Where the browser is: its address, the page's heading and any error
/// summary's text.
pub(crate) async fn whereabouts(client: &Client) -> String {
    let url = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
    let mut said = format!("the browser was at {url}");
    if let Ok(h1) = client.find(Locator::Css("h1")).await {
        said.push_str(&format!(", heading “{}”", h1.text().await.unwrap_or_default()));
    }
    if let Ok(summary) = client.find(Locator::Css(".govuk-error-summary")).await {
        said.push_str(&format!(", errors “{}”", summary.text().await.unwrap_or_default()));
    }
    said
}

pub(crate) async fn fill(client: &Client, css: &str, text: &str) {
    retry(client, &format!("no field {css}"), || async {
        let field = client.find(Locator::Css(css)).await?;
        field.clear().await?;
        field.send_keys(text).await
    })
    .await;
}

/// Types an ISO date ("2027-07-16") into the three boxes of the GOV.UK
/// date input for the field `name`.
pub(crate) async fn fill_date(client: &Client, name: &str, iso: &str) {
    let mut parts = iso.split('-');
    let (year, month, day) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    fill(client, &format!("#{name}"), day).await;
    fill(client, &format!("#{name}-month"), month).await;
    fill(client, &format!("#{name}-year"), year).await;
}

/// Waits (up to [`PATIENCE`]) until no part of the page is `aria-busy`,
/// as the SMART panel is from a keystroke until its check is drawn. A
/// panel redrawn between WebDriver finding a button and pressing it moves
/// the button away from the press, and the click is lost.
pub(crate) async fn settled(client: &Client) {
    let started = std::time::Instant::now();
    while started.elapsed() < PATIENCE {
        match client.find_all(Locator::Css("[aria-busy=true]")).await {
            Ok(busy) if busy.is_empty() => return,
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    panic!("the page stayed busy; {}", whereabouts(client).await);
}

pub(crate) async fn click(client: &Client, css: &str) {
    settled(client).await;
    retry(client, &format!("nothing to click at {css}"), || async {
        client.find(Locator::Css(css)).await?.click().await
    })
    .await;
}

/// Clicks the link with exactly this text, once there is one.
pub(crate) async fn click_link(client: &Client, link_text: &str) {
    retry(client, &format!("no link “{link_text}”"), || async {
        client.find(Locator::LinkText(link_text)).await?.click().await
    })
    .await;
}

/// The text of the first element matching `css`, once there is one.
pub(crate) async fn text(client: &Client, css: &str) -> String {
    retry(client, &format!("no element {css}"), || async {
        client.find(Locator::Css(css)).await?.text().await
    })
    .await
}

/// Waits (up to 10 s) for the page's heading to become `expected`, and
/// returns the heading seen last, so a navigation that has not finished
/// yet is not mistaken for the wrong page.
pub(crate) async fn heading_becomes(client: &Client, expected: &str) -> String {
    let mut seen = String::new();
    for _ in 0..100 {
        if let Ok(h1) = client.find(Locator::Css("h1")).await {
            seen = h1.text().await.unwrap_or_default();
            if seen == expected {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    seen
}

async fn sign_in_create_find_plan_sign_out(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };

    client.goto(&app.url("/")).await.unwrap();
    assert_eq!(
        heading_becomes(&client, "Sign in to Goldthread").await,
        "Sign in to Goldthread"
    );
    fill(&client, "#email", "priya@example.org").await;
    fill(&client, "#password", PASSWORD).await;
    click(&client, "form[action='/sign-in'] button").await;
    assert_eq!(heading_becomes(&client, "Plans you can see").await, "Plans you can see");

    // Add a person, making a mistake first.
    client.goto(&app.url("/people/new")).await.unwrap();
    fill(&client, "#given_name", "Leo").await;
    click(&client, "main form button[type=submit]").await;
    let summary = text(&client, ".govuk-error-summary").await;
    assert!(summary.contains("Enter a last name"), "{summary}");
    assert_eq!(
        client
            .find(Locator::Css("#given_name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Leo")
    );
    fill(&client, "#family_name", "Martin").await;
    fill(&client, "#known_as", "Leo").await;
    click(&client, "main form button[type=submit]").await;
    assert_eq!(
        heading_becomes(&client, "Leo Martin known as Leo").await,
        "Leo Martin known as Leo"
    );

    // Find him by searching.
    click_link(&client, "People").await;
    fill(&client, "#q", "mart").await;
    click(&client, "form[role=search] button").await;
    let results = text(&client, "#search-results").await;
    assert!(results.starts_with("1 person"), "{results}");
    click_link(&client, "Leo Martin").await;
    assert_eq!(
        heading_becomes(&client, "Leo Martin known as Leo").await,
        "Leo Martin known as Leo"
    );

    // Start a My Support Plan for him and add his mum.
    click_link(&client, "Start a plan").await;
    click(&client, "input[value=MSP]").await;
    click(&client, "main form button[type=submit]").await;
    assert_eq!(
        heading_becomes(&client, "Leo's My Support Plan").await,
        "Leo's My Support Plan"
    );
    click_link(&client, "Add someone").await;
    fill(&client, "#name", "Claire Martin").await;
    retry(&client, "select", || async {
        client
            .find(Locator::Css("#role"))
            .await?
            .select_by_value("parent_carer")
            .await
    })
    .await;
    fill(&client, "#relationship", "Mum").await;
    click(&client, "main form button[type=submit]").await;
    let parties = text(&client, "#parties + table").await;
    assert!(
        parties.contains("Claire Martin") && parties.contains("Parent or carer"),
        "{parties}"
    );
    screenshot(&client, &format!("plan-page-{name}.png")).await;

    // Sign out.
    click(&client, "form[action='/sign-out'] button").await;
    assert_eq!(
        heading_becomes(&client, "Sign in to Goldthread").await,
        "Sign in to Goldthread"
    );
    client.goto(&app.url("/people")).await.unwrap();
    assert_eq!(
        heading_becomes(&client, "Sign in to Goldthread").await,
        "Sign in to Goldthread",
        "signed out for real"
    );
    client.close().await.unwrap();
}
both!(sign_in_create_find_plan_sign_out);
