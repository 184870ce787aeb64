//! The pages, used as a browser without JavaScript would.

use crate::both;
use crate::helpers::{Backend, attr_of, location, spawn_app, text_of};

async fn public_pages_headers_and_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = reqwest::get(app.url("/sign-in")).await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert_eq!(text_of(&html, "h1").unwrap(), "Sign in to Goldthread");
    assert_eq!(attr_of(&html, "a.govuk-skip-link", "href").unwrap(), "#main-content");
    assert!(html.contains(r#"<label class="govuk-label" for="email">Email address</label>"#));
    assert!(!html.contains("<script>"), "no inline script");

    let response = reqwest::get(app.url("/no/such/page")).await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        text_of(&response.text().await.unwrap(), "h1").unwrap(),
        "Page not found"
    );

    for asset in [
        "/assets/goldthread.css",
        "/assets/govuk-frontend.min.js",
        "/assets/app.mjs",
        "/assets/favicon.svg",
    ] {
        let response = reqwest::get(app.url(asset)).await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
    }
    let css = reqwest::get(app.url("/assets/goldthread.css"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!css.contains("GDS Transport"), "the GOV.UK font is not used");
    assert_eq!(reqwest::get(app.url("/assets/nope.css")).await.unwrap().status(), 404);
}
both!(public_pages_headers_and_404);

async fn people_and_plans_without_javascript(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let priya = app.signed_in("priya@example.org").await;

    // A form with mistakes: an error summary, a message at each field, what was typed kept.
    let response = priya
        .submit(
            "/people/new",
            "/people/new",
            &[
                ("given_name", "Leo"),
                ("family_name", ""),
                ("date_of_birth", "2030-01-01"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "title").unwrap().starts_with("Error: "));
    assert_eq!(
        text_of(&html, ".govuk-error-summary__title").unwrap(),
        "There is a problem"
    );
    assert_eq!(
        attr_of(&html, ".govuk-error-summary__list a", "href").unwrap(),
        "#family_name"
    );
    assert!(
        text_of(&html, "#family_name-error")
            .unwrap()
            .contains("Enter a last name")
    );
    assert!(text_of(&html, "#date_of_birth-error").unwrap().contains("past"));
    assert_eq!(attr_of(&html, "#given_name", "value").unwrap(), "Leo");

    let response = priya
        .submit(
            "/people/new",
            "/people/new",
            &[
                ("given_name", "Leo"),
                ("family_name", "Martin"),
                ("date_of_birth", "2018-03-14"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let person = location(&response);
    let (_, html) = priya.get(&person).await;
    assert_eq!(text_of(&html, "h1").unwrap(), "Leo Martin");
    assert!(html.contains("14 March 2018"));

    let (_, html) = priya.get("/people?q=mart").await;
    assert!(text_of(&html, "#search-results").unwrap().starts_with("1 person"));
    assert_eq!(text_of(&html, "tbody a").unwrap(), "Leo Martin");

    // Start a plan: choose its type.
    let new_plan = format!("{person}/plans/new");
    let response = priya.submit(&new_plan, &new_plan, &[]).await;
    assert_eq!(response.status(), 422);
    assert!(
        text_of(&response.text().await.unwrap(), "#plan_type-error")
            .unwrap()
            .contains("Choose the kind of plan")
    );
    let response = priya
        .submit(
            &new_plan,
            &new_plan,
            &[("plan_type", "MSP"), ("start_date", "2026-09-07")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let plan = location(&response);
    let (_, html) = priya.get(&plan).await;
    assert_eq!(text_of(&html, "h1").unwrap(), "Leo's My Support Plan");
    assert_eq!(text_of(&html, "#plan-status").unwrap(), "Draft");

    // Add a party who is the Lead Professional.
    let add = format!("{plan}/parties/new");
    let response = priya
        .submit(
            &add,
            &add,
            &[
                ("base_version", "1"),
                ("name", "Priya Shah"),
                ("role", "senco"),
                ("account_email", "priya@example.org"),
                ("lead", "yes"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&plan).await;
    assert!(html.contains("Lead Professional</strong>"));
    let response = priya
        .submit(
            &add,
            &add,
            &[
                ("base_version", "3"),
                ("name", "X"),
                ("role", "senco"),
                ("account_email", "nobody@example.org"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        text_of(&response.text().await.unwrap(), "#account_email-error")
            .unwrap()
            .contains("no active Goldthread user")
    );

    // Agreed follows from the agreements: a status change cannot make it.
    let status = format!("{plan}/status");
    let response = priya
        .submit(
            &status,
            &status,
            &[
                ("base_version", "3"),
                ("status", "agreed"),
                ("reason", "Agreed at the meeting"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    // Priya is asked to agree, and agrees: the plan is agreed. The
    // history shows every change with who and why.
    crate::agreements::ask(&priya, &plan, "Priya Shah").await;
    let response = crate::agreements::agree(&priya, &plan, "Priya Shah").await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&format!("{plan}/history")).await;
    assert!(html.contains("Asked for the agreement of Priya Shah"));
    assert!(html.contains("Priya Shah agreed version 3"));
    assert!(html.contains("Made Priya Shah the Lead Professional"));
    let (status_code, html) = priya.get(&format!("{plan}/versions/1")).await;
    assert_eq!(status_code, 200);
    assert!(html.contains("Earlier version"));
    assert_eq!(text_of(&html, "#plan-status").unwrap(), "Draft");

    // After agreement a change needs a reason.
    let details = format!("{plan}/details");
    let response = priya
        .submit(&details, &details, &[("base_version", "5"), ("title", "Leo's plan")])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "#reason-error").unwrap().contains("say why"));
    assert_eq!(attr_of(&html, "#title", "value").unwrap(), "Leo's plan");

    // The home page's list of plans (below what is due, which shows this
    // plan's first review once its date comes near).
    let (_, html) = priya.get("/").await;
    assert_eq!(
        text_of(&html, "table.app-plans tbody td:nth-child(2) a").unwrap(),
        "Leo's plan".replace("plan", "My Support Plan")
    );
}
both!(people_and_plans_without_javascript);

async fn administrators_manage_users(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("admin@example.org", "Alex Admin", "admin").await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let admin = app.signed_in("admin@example.org").await;
    let response = admin
        .submit(
            "/users/new",
            "/users/new",
            &[
                ("name", "Sam Okafor"),
                ("email", "sam@example.org"),
                ("role", "practitioner"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "#password-error").unwrap().contains("10 characters"));
    assert_eq!(
        attr_of(&html, "#password", "value").unwrap(),
        "",
        "a password is never sent back"
    );
    let response = admin
        .submit(
            "/users/new",
            "/users/new",
            &[
                ("name", "Sam Okafor"),
                ("email", "sam@example.org"),
                ("role", "practitioner"),
                ("password", "a long password"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let sam = app.signed_in_with("sam@example.org", "a long password").await;
    let (status, _) = sam.get("/users").await;
    assert_eq!(status, 404, "only administrators see users");

    // A token from the account page works on the API.
    let response = sam
        .submit("/account", "/account/tokens", &[("label", "my script")])
        .await;
    assert_eq!(response.status(), 200);
    let token = text_of(&response.text().await.unwrap(), "#new-token").unwrap();
    let (status, me) = app.api_with_token(&token).get("/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "sam@example.org");

    // A viewer cannot add people.
    app.user("grace@example.org", "Grace Miller", "viewer").await;
    let grace = app.signed_in("grace@example.org").await;
    let (status, _) = grace.get("/people/new").await;
    assert_eq!(status, 403);
}
both!(administrators_manage_users);
