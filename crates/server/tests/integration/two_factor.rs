//! Two-factor sign-in with an authenticator app (issue 7). The codes are
//! computed by an independent RFC 6238 implementation, Python's `pyotp`
//! (installed by `scripts/test`), as a phone app would. OWASP ASVS 5.0:
//! V6.3.3 (multi-factor required by policy), V6.4.3 (set-up proven with a
//! code), V6.5.1 (a code is accepted once), V6.5.2 (recovery codes hashed
//! and used once), V6.5.5 (one step of clock skew, no more).

use std::process::Command;

use crate::both;
use crate::browser::{browser, click, fill, heading_becomes, start_driver, text};
use crate::helpers::{Backend, Browser, PASSWORD, location, spawn_app, text_of};

/// The code `pyotp` gives for the secret at now + `offset` seconds.
fn pyotp(secret: &str, offset: i64) -> String {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sys, time, pyotp; print(pyotp.TOTP(sys.argv[1]).at(time.time() + int(sys.argv[2])))",
            secret,
            &offset.to_string(),
        ])
        .output()
        .expect("python3 runs (pyotp is installed by scripts/test)");
    assert!(
        output.status.success(),
        "pyotp: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Waits until at least 5 s remain in the current 30 s step, so a code
/// computed now is still for the same step when the server checks it.
async fn safe_window() {
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let into = now % 30.0;
        if (1.0..25.0).contains(&into) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// Sets up an authenticator for a signed-in user; returns the secret (base32).
async fn set_up(browser: &Browser, offset: i64) -> (String, Vec<String>) {
    let (status, page) = browser.get("/two-factor/set-up").await;
    assert_eq!(status, 200, "{page}");
    let secret: String = text_of(&page, "#secret").unwrap().split_whitespace().collect();
    safe_window().await;
    let response = browser
        .submit(
            "/two-factor/set-up",
            "/two-factor/set-up",
            &[("code", &pyotp(&secret, offset))],
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let codes: Vec<String> = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("#recovery-codes code").unwrap())
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(codes.len(), 10, "{page}");
    (secret, codes)
}

/// Signs in with the password only; returns the browser and where it was sent.
async fn password_step(app: &crate::helpers::TestApp, email: &str) -> (Browser, String) {
    let browser = Browser::new(&app.address);
    let response = browser.sign_in(email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    let to = location(&response);
    (browser, to)
}

async fn code_step(browser: &Browser, code: &str) -> reqwest::Response {
    browser
        .submit("/sign-in/two-factor", "/sign-in/two-factor", &[("code", code)])
        .await
}

/// ASVS V6.4.3, V6.5.1, V6.5.2, V6.5.5: set up with a code from pyotp (one
/// step late is accepted), sign in with a code one step early, refuse the
/// same code again, an older one and one two steps out; recovery codes work
/// once each; the secret is never in the log of the page it is not shown on.
async fn totp_set_up_sign_in_skew_reuse_and_recovery(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let priya = app.signed_in("priya@example.org").await;
    let (_, page) = priya.get("/account/two-factor").await;
    assert!(text_of(&page, "#two-factor-status").unwrap().contains("is off"));
    let (status, page) = priya.get("/two-factor/set-up").await;
    assert_eq!(status, 200);
    let secret: String = text_of(&page, "#secret").unwrap().split_whitespace().collect();
    let qr = priya
        .client
        .get(format!("{}/two-factor/qr.svg", priya.base))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    // A wrong code does not turn it on.
    let response = priya
        .submit("/two-factor/set-up", "/two-factor/set-up", &[("code", "000000")])
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(text_of(&page, ".govuk-error-summary").unwrap().contains("not right"));
    assert_eq!(
        text_of(&page, "#secret")
            .unwrap()
            .split_whitespace()
            .collect::<String>(),
        secret,
        "the same secret while set-up is unfinished"
    );
    // One step late (the phone's clock is slow) is accepted.
    safe_window().await;
    let response = priya
        .submit(
            "/two-factor/set-up",
            "/two-factor/set-up",
            &[("code", &pyotp(&secret, -30))],
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let codes: Vec<String> = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("#recovery-codes code").unwrap())
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(codes.len(), 10);
    let (_, page) = priya.get("/account/two-factor").await;
    assert!(
        text_of(&page, "#two-factor-status")
            .unwrap()
            .contains("10 unused recovery codes")
    );
    // Recovery codes are stored hashed, never as shown.
    for code in &codes {
        let touch =
            |stored: &str| format!("UPDATE totp_recovery_codes SET used_at = used_at WHERE code_hash = '{stored}'");
        assert_eq!(app.store.execute_unchecked(&touch(code)).await, Ok(0));
        let hash = goldthread::totp::recovery_code_hash(code);
        assert_eq!(app.store.execute_unchecked(&touch(&hash)).await, Ok(1));
    }

    // The password alone no longer signs in.
    let (browser, to) = password_step(&app, "priya@example.org").await;
    assert_eq!(to, "/sign-in/two-factor");
    let (status, _) = browser.get("/").await;
    assert_eq!(status, 303, "not signed in before the code");
    // Two steps out is refused; one step early (a fast phone) is accepted.
    safe_window().await;
    let response = code_step(&browser, &pyotp(&secret, 90)).await;
    assert_eq!(response.status(), 422);
    let early = pyotp(&secret, 30);
    let response = code_step(&browser, &early).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    let (status, _) = browser.get("/").await;
    assert_eq!(status, 200, "signed in");

    // The same code again, or an older one, is refused (replay).
    let (again, _) = password_step(&app, "priya@example.org").await;
    let response = code_step(&again, &early).await;
    assert_eq!(response.status(), 422, "a code is accepted once");
    let response = code_step(&again, &pyotp(&secret, 0)).await;
    assert_eq!(response.status(), 422, "nor a code older than one accepted");
    // A recovery code works, once.
    let response = code_step(&again, &codes[0].to_uppercase()).await;
    assert_eq!(response.status(), 303);
    let (third, _) = password_step(&app, "priya@example.org").await;
    let response = code_step(&third, &codes[0]).await;
    assert_eq!(response.status(), 422, "a recovery code is used once");
    // Five wrong codes and the password must be given again.
    for _ in 0..3 {
        let response = code_step(&third, "123456").await;
        assert_eq!(response.status(), 422);
    }
    let response = code_step(&third, "123456").await;
    assert_eq!(response.status(), 429);
    let (_, page) = third.get("/sign-in/two-factor").await;
    assert!(
        page.is_empty() || !page.contains("name=\"code\""),
        "the pending sign-in is gone"
    );
}
both!(totp_set_up_sign_in_skew_reuse_and_recovery);

/// ASVS V6.3.3: an administrator requires two-factor sign-in for
/// administrators or for everyone; whoever must use it and has not set it
/// up is sent to set it up at sign-in, and is not signed in until they
/// have; nobody it is required of can turn it off.
async fn policy_requires_set_up_at_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("admin@example.org", "Alex Admin", "admin").await;
    app.user("sam@example.org", "Sam Okafor", "practitioner").await;
    let sam = app.signed_in("sam@example.org").await;
    let (status, _) = sam.get("/settings/two-factor").await;
    assert_eq!(status, 404, "only administrators see the setting");
    let admin = app.signed_in("admin@example.org").await;
    let response = admin
        .submit("/settings/two-factor", "/settings/two-factor", &[("policy", "boss")])
        .await;
    assert_eq!(response.status(), 422);
    let response = admin
        .submit("/settings/two-factor", "/settings/two-factor", &[("policy", "admins")])
        .await;
    assert_eq!(response.status(), 303);

    let (browser, to) = password_step(&app, "sam@example.org").await;
    assert_eq!(to, "/", "not required of practitioners yet");
    drop(browser);
    let (browser, to) = password_step(&app, "admin@example.org").await;
    assert_eq!(to, "/two-factor/set-up");
    let (status, _) = browser.get("/users").await;
    assert_eq!(status, 303, "not signed in until it is set up");
    let (_, page) = browser.get("/two-factor/set-up").await;
    assert!(page.contains("Your organisation asks"), "{page}");
    let (secret, _) = set_up(&browser, 0).await;
    let (status, _) = browser.get("/users").await;
    assert_eq!(status, 200, "signed in once set up");
    // Required, so it cannot be turned off.
    safe_window().await;
    let response = browser
        .submit(
            "/account/two-factor",
            "/account/two-factor/turn-off",
            &[("code", &pyotp(&secret, 30))],
        )
        .await;
    assert_eq!(response.status(), 403);

    // Everyone: Sam too.
    let response = browser
        .submit(
            "/settings/two-factor",
            "/settings/two-factor",
            &[("policy", "everyone")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, to) = password_step(&app, "sam@example.org").await;
    assert_eq!(to, "/two-factor/set-up");
}
both!(policy_requires_set_up_at_sign_in);

/// Issue 7's "must show", in a real browser: set up TOTP on the account
/// page with a code from pyotp, sign out, sign in with a new code.
async fn browser_sets_up_totp_and_signs_in_with_it(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("hannah@example.org", "Hannah Reid", "practitioner").await;
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    client.goto(&app.url("/sign-in")).await.unwrap();
    fill(&client, "#email", "hannah@example.org").await;
    fill(&client, "#password", PASSWORD).await;
    click(&client, "form[action='/sign-in'] button").await;
    assert_eq!(heading_becomes(&client, "Plans you can see").await, "Plans you can see");
    client.goto(&app.url("/account")).await.unwrap();
    click(&client, "#two-factor-link").await;
    assert_eq!(
        heading_becomes(&client, "Two-factor sign-in").await,
        "Two-factor sign-in"
    );
    crate::browser::click_link(&client, "Set up two-factor sign-in").await;
    assert_eq!(
        heading_becomes(&client, "Set up two-factor sign-in").await,
        "Set up two-factor sign-in"
    );
    let secret: String = text(&client, "#secret").await.split_whitespace().collect();
    let qr_loaded = client
        .execute(
            "const img = document.querySelector('img.app-qr'); return img.complete && img.naturalWidth > 0;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        qr_loaded,
        serde_json::json!(true),
        "the QR code image loads under the CSP"
    );
    safe_window().await;
    fill(&client, "#code", &pyotp(&secret, 0)).await;
    click(&client, "main form button").await;
    assert_eq!(
        heading_becomes(&client, "Two-factor sign-in is on").await,
        "Two-factor sign-in is on"
    );
    let codes = text(&client, "#recovery-codes").await;
    assert_eq!(codes.lines().count(), 10, "{codes}");

    click(&client, "form[action='/sign-out'] button").await;
    assert_eq!(
        heading_becomes(&client, "Sign in to Goldthread").await,
        "Sign in to Goldthread"
    );
    fill(&client, "#email", "hannah@example.org").await;
    fill(&client, "#password", PASSWORD).await;
    click(&client, "form[action='/sign-in'] button").await;
    assert_eq!(
        heading_becomes(&client, "Enter the code from your authenticator app").await,
        "Enter the code from your authenticator app"
    );
    safe_window().await;
    fill(&client, "#code", &pyotp(&secret, 30)).await;
    click(&client, "main form button").await;
    assert_eq!(heading_becomes(&client, "Plans you can see").await, "Plans you can see");
    let png = client.screenshot().await.unwrap();
    let name = format!("two-factor-{backend:?}.png").to_lowercase();
    std::fs::write(crate::browser::artifacts_dir().join(name), png).unwrap();
    client.close().await.unwrap();
}
both!(browser_sets_up_totp_and_signs_in_with_it);
