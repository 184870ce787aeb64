//! Sign-in, sessions shared by several instances, CSRF, rate limits.

use crate::both;
use crate::helpers::{Backend, Browser, PASSWORD, location, spawn_app, spawn_instance, text_of};

async fn sign_in_out_and_fixation(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let browser = Browser::new(&app.address);

    // Signed out, a page sends you to sign in and back.
    let response = browser.client.get(app.url("/people?q=leo")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/sign-in?next=%2Fpeople%3Fq%3Dleo");

    let before = session_cookie(&browser, &app.address).await;
    let response = browser.sign_in("Priya@Example.org", "wrong password!").await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(
        text_of(&html, ".govuk-error-summary__list a").unwrap(),
        "The email address or password is not right"
    );
    assert!(html.contains(r#"value="priya@example.org""#), "the email typed is kept");

    let (_, page) = browser.get("/sign-in?next=/people").await;
    let token = crate::helpers::csrf_of(&page).unwrap();
    let response = browser
        .post_raw(
            "/sign-in",
            &token,
            &[
                ("email", "priya@example.org"),
                ("password", PASSWORD),
                ("next", "/people"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/people");
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let after = session_cookie(&browser, &app.address).await;
    assert_ne!(before, after, "signing in issues a new session id");

    let (status, _) = browser.get("/people").await;
    assert_eq!(status, 200);
    // Off-site destinations are ignored.
    let response = browser
        .post_raw(
            "/sign-in",
            &token,
            &[("email", "x"), ("password", "y"), ("next", "//evil.example")],
        )
        .await;
    assert_ne!(location(&response), "//evil.example");

    let response = browser.submit("/people", "/sign-out", &[]).await;
    assert_eq!(response.status(), 303);
    let response = browser.client.get(app.url("/people")).send().await.unwrap();
    assert_eq!(response.status(), 303, "signed out");
}
both!(sign_in_out_and_fixation);

async fn session_cookie(browser: &Browser, _base: &str) -> String {
    browser.cookies()
}

async fn forms_without_a_valid_token_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let browser = app.signed_in("priya@example.org").await;
    let response = browser
        .post_raw(
            "/people/new",
            "forged",
            &[("given_name", "Eve"), ("family_name", "Forger")],
        )
        .await;
    assert_eq!(response.status(), 403);
    let response = browser
        .client
        .post(app.url("/people/new"))
        .form(&[("given_name", "Eve"), ("family_name", "Forger")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = browser
        .client
        .post(app.url("/people/new"))
        .body("{}")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let (_, people) = app.api_user("admin@example.org", "admin").await.1.get("/people").await;
    assert_eq!(people["total"], 0, "nothing was created");
}
both!(forms_without_a_valid_token_are_refused);

async fn failed_sign_ins_are_limited(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let browser = Browser::new(&app.address);
    for _ in 0..5 {
        assert_eq!(
            browser.sign_in("priya@example.org", "not the password").await.status(),
            422
        );
    }
    let response = browser.sign_in("priya@example.org", PASSWORD).await;
    assert_eq!(response.status(), 429, "even the right password waits after 5 failures");
    assert!(response.text().await.unwrap().contains("Too many failed attempts"));
    // Another account from the same address is not locked yet.
    app.user("sam@example.org", "Sam Okafor", "practitioner").await;
    assert_eq!(browser.sign_in("sam@example.org", PASSWORD).await.status(), 303);
}
both!(failed_sign_ins_are_limited);

async fn instances_share_sessions(backend: Backend) {
    let first = spawn_app(backend).await;
    let second = spawn_instance(&first).await;
    first.user("priya@example.org", "Priya Shah", "practitioner").await;
    let browser = first.signed_in("priya@example.org").await;
    assert!(
        browser.cookies().split("; ").any(|c| c.starts_with("goldthread=")),
        "{}",
        browser.cookies()
    );

    // Signed in on the first instance, the next requests go to the second.
    let moved = browser.moved_to(&second.address);
    let response = moved
        .submit(
            "/people/new",
            "/people/new",
            &[("given_name", "Leo"), ("family_name", "Martin")],
        )
        .await;
    assert_eq!(response.status(), 303, "signed in on one instance, working on another");
    let (status, html) = browser.get(&location(&response)).await;
    assert_eq!(status, 200, "and the first instance sees what the second saved");
    assert!(html.contains("Leo Martin"));

    // Signing out on one signs out everywhere.
    let response = moved.submit("/people", "/sign-out", &[]).await;
    assert_eq!(response.status(), 303);
    let response = browser.client.get(first.url("/people")).send().await.unwrap();
    assert_eq!(response.status(), 303);
}
both!(instances_share_sessions);

/// The signed-in user is read with the session, in the same query, on
/// every request; it is never written into the stored session (where it
/// could go stale).
async fn the_user_read_with_the_session_is_never_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let browser = app.signed_in("priya@example.org").await;
    // As if the session was last seen long ago: the next page slides its
    // expiry, which writes the session it has just read.
    let forget_seen = "UPDATE sessions SET data = replace(data, '\"seen_at\"', '\"seen_long_ago\"')";
    let rewritten = match &app.store {
        goldthread::store::Store::Sqlite(pool) => sqlx::query(forget_seen).execute(pool).await.unwrap().rows_affected(),
        goldthread::store::Store::Postgres(pool) => {
            sqlx::query(forget_seen).execute(pool).await.unwrap().rows_affected()
        }
    };
    assert_eq!(rewritten, 1);
    let (status, html) = browser.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Priya Shah"), "the page knows who is signed in");

    let sql = "SELECT data FROM sessions";
    let stored: Vec<String> = match &app.store {
        goldthread::store::Store::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        goldthread::store::Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    };
    assert!(!stored.is_empty());
    for data in stored {
        assert!(data.contains(goldthread::store::USER_KEY), "{data}");
        assert!(!data.contains(goldthread::store::LOADED_USER_KEY), "{data}");
    }
}
both!(the_user_read_with_the_session_is_never_stored);
