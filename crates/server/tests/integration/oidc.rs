//! Single sign-on through a real OpenID Connect provider run locally: the
//! npm package `oidc-provider` (crates/server/tests/oidc, installed by
//! `scripts/test` with `npm ci`), not a mock of our own. OWASP ASVS 5.0
//! V10.1.2 and V10.2.1 (state, nonce and PKCE), V10.5.1 (ID token
//! signature, issuer and audience checked), V10.5.3 (users matched by
//! verified e-mail, then by the provider's subject).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use goldthread::config::OidcConfig;

use crate::both;
use crate::browser::{browser, click, fill, heading_becomes, start_driver, text};
use crate::helpers::{Backend, Browser, spawn_with_oidc};

/// The provider process, stopped when dropped.
struct Provider(Child);

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

const CLIENT_ID: &str = "goldthread";
const CLIENT_SECRET: &str = "test-client-secret-not-real";

fn start_provider(port: u16, redirect_uri: &str) -> Provider {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    assert!(
        dir.join("node_modules/oidc-provider").exists(),
        "the OpenID Connect tests need oidc-provider: run `npm ci` in {} (scripts/test does)",
        dir.display()
    );
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .args([&port.to_string(), CLIENT_ID, CLIENT_SECRET, redirect_uri])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs");
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "the provider did not start");
    // Keep reading, so the provider never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    Provider(child)
}

/// Signs in through the provider in a real browser as `login` (the
/// provider's development form takes any login and password, and its
/// e-mail claim is the login).
async fn sign_in_through_provider(client: &fantoccini::Client, base: &str, login: &str) {
    client.goto(&format!("{base}/sign-in")).await.unwrap();
    click(client, "#sign-in-oidc").await;
    fill(client, "input[name=login]", login).await;
    fill(client, "input[name=password]", "anything").await;
    click(client, "button[type=submit]").await;
    // The consent page, then back to Goldthread.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    if !client.current_url().await.unwrap().as_str().starts_with(base) {
        click(client, "button[type=submit]").await;
    }
}

/// A user with an account signs in through the provider (matched by
/// verified e-mail, then linked by subject); someone without an account,
/// or without a verified e-mail, is refused; a callback this browser did
/// not start (wrong or missing state) is refused.
async fn sign_in_through_a_real_openid_provider(backend: Backend) {
    let port = free_port();
    let app = spawn_with_oidc(
        backend,
        OidcConfig {
            issuer: format!("http://127.0.0.1:{port}"),
            client_id: CLIENT_ID.into(),
            client_secret: secrecy::SecretString::from(CLIENT_SECRET),
            provision_role: None,
        },
    )
    .await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let _provider = start_provider(port, &app.url("/sign-in/oidc/callback"));

    // A callback nobody started is refused.
    let stranger = Browser::new(&app.address);
    let (status, _) = stranger.get("/sign-in/oidc/callback?code=stolen&state=guess").await;
    assert_eq!(status, 403);
    // Starting sends the browser to the provider with PKCE, state and nonce.
    let response = stranger.client.get(app.url("/sign-in/oidc")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let to = crate::helpers::location(&response);
    assert!(to.starts_with(&format!("http://127.0.0.1:{port}/auth?")), "{to}");
    for part in [
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
        "scope=openid+email",
    ] {
        assert!(to.contains(part), "{part} missing from {to}");
    }
    // The right session but the wrong state is refused too.
    let (status, _) = stranger.get("/sign-in/oidc/callback?code=stolen&state=guess").await;
    assert_eq!(status, 403);

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    sign_in_through_provider(&client, &app.address, "priya@example.org").await;
    assert_eq!(heading_becomes(&client, "Plans you can see").await, "Plans you can see");
    let png = client.screenshot().await.unwrap();
    let name = format!("oidc-{backend:?}.png").to_lowercase();
    std::fs::write(crate::browser::artifacts_dir().join(name), png).unwrap();
    client.close().await.unwrap();

    // Nobody else gets in: no account, or an unverified e-mail.
    for login in ["stranger@example.org", "unverified-priya@example.org"] {
        let profile = tempfile::tempdir().unwrap();
        let client = browser(&driver, profile.path()).await;
        sign_in_through_provider(&client, &app.address, login).await;
        let page = text(&client, "main").await;
        assert!(page.contains("no Goldthread account"), "{login}: {page}");
        client.goto(&app.url("/")).await.unwrap();
        assert_eq!(
            heading_becomes(&client, "Sign in to Goldthread").await,
            "Sign in to Goldthread"
        );
        client.close().await.unwrap();
    }
}
both!(sign_in_through_a_real_openid_provider);
