//! Teams and team access for managers (issue 7). OWASP ASVS 5.0 V8.2.1
//! (function-level access), V8.2.2 (data-specific access: a team member
//! reads only what is shared with the team) and V8.3.1 (the rule is
//! enforced on the server, behind every door: pages, API, CLI).

use serde_json::json;

use crate::both;
use crate::browser::{browser, click, fill, heading_becomes, start_driver, text};
use crate::helpers::{Backend, attr_of, location, spawn_app, text_of};

/// ASVS V8.2.2: sharing a plan with a team lets its members read it, never
/// change it; removing a member or unsharing ends it at once.
async fn team_members_read_shared_plans_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (grace, grace_api) = app.api_user("grace@example.org", "viewer").await;
    let (pat, pat_api) = app.api_user("pat@example.org", "practitioner").await;
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    let plan = priya.plan("Leo", "MSP").await;
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    let person_id = plan["person_id"].as_str().unwrap().to_owned();

    // Only administrators manage teams.
    let (status, _) = priya.post("/teams", json!({"name": "Early help"})).await;
    assert_eq!(status, 403);
    let (status, body) = admin.post("/teams", json!({"name": "  "})).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
    let (status, team) = admin.post("/teams", json!({"name": "Early help"})).await;
    assert_eq!(status, 201, "{team}");
    let team_id = team["id"].as_str().unwrap().to_owned();
    let (status, body) = admin.post("/teams", json!({"name": "Early help"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("name")));
    for user in [grace.id, pat.id] {
        let (status, body) = admin
            .post(
                &format!("/teams/{team_id}/members"),
                json!({"user_id": user.to_string()}),
            )
            .await;
        assert_eq!(status, 204, "{body}");
    }
    let (status, body) = admin
        .post(&format!("/teams/{team_id}/members"), json!({"user_id": "nobody"}))
        .await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("user_id")));

    // Not shared yet: the plan does not exist for them.
    let (status, _) = grace_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 404);
    let (status, _) = priya
        .send(
            reqwest::Method::PUT,
            &format!("/plans/{plan_id}/teams/{team_id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 403, "only administrators share");
    let (status, _) = admin
        .send(
            reqwest::Method::PUT,
            &format!("/plans/{plan_id}/teams/{team_id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (_, teams) = admin.get(&format!("/plans/{plan_id}/teams")).await;
    assert_eq!(teams[0]["name"], "Early help");

    // Both members read it; neither may change it, not even a practitioner.
    for api in [&grace_api, &pat_api] {
        let (status, body) = api.get(&format!("/plans/{plan_id}")).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = api
            .put(
                &format!("/plans/{plan_id}"),
                json!({"base_version": 1, "title": "Renamed"}),
            )
            .await;
        assert_eq!(status, 403, "team access is read-only");
        let (_, list) = api.get("/plans").await;
        assert_eq!(list["total"], 1);
    }
    let (status, _) = pat_api
        .post("/plans", json!({"person_id": person_id, "plan_type": "YP"}))
        .await;
    assert_eq!(status, 403, "nor start a plan for the person");
    // The writer still may.
    let (status, _) = priya
        .put(
            &format!("/plans/{plan_id}"),
            json!({"base_version": 1, "title": "Leo's plan"}),
        )
        .await;
    assert_eq!(status, 200);

    // Taking Pat out of the team ends his access at once.
    let (status, _) = admin
        .send(
            reqwest::Method::DELETE,
            &format!("/teams/{team_id}/members/{}", pat.id),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = pat_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 404);
    let (_, detail) = admin.get(&format!("/teams/{team_id}")).await;
    assert_eq!(detail["members"].as_array().unwrap().len(), 1, "{detail}");
    assert_eq!(detail["plans"][0]["name"], "Leo's plan");

    // Unsharing ends Grace's.
    let (status, _) = admin
        .send(
            reqwest::Method::DELETE,
            &format!("/plans/{plan_id}/teams/{team_id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = grace_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 404);

    // A person's record can be shared on its own: the record, not the plans.
    let (status, _) = admin
        .send(
            reqwest::Method::PUT,
            &format!("/people/{person_id}/teams/{team_id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = grace_api.get(&format!("/people/{person_id}")).await;
    assert_eq!(status, 200);
    let (status, _) = grace_api.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 404);
    let (_, teams) = admin.get(&format!("/people/{person_id}/teams")).await;
    assert_eq!(teams.as_array().unwrap().len(), 1);
    let (status, _) = admin
        .send(
            reqwest::Method::DELETE,
            &format!("/people/{person_id}/teams/{team_id}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = grace_api.get(&format!("/people/{person_id}")).await;
    assert_eq!(status, 404);
    // A team that does not exist cannot be shared with.
    let missing = uuid::Uuid::new_v4();
    let (status, body) = admin
        .send(
            reqwest::Method::PUT,
            &format!("/plans/{plan_id}/teams/{missing}"),
            json!({}),
        )
        .await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("team_id")));
}
both!(team_members_read_shared_plans_only);

/// ASVS V8.2.1 and V8.3.1 in the pages: an administrator manages teams with
/// forms (errors named, typed text kept); a member sees the shared plan
/// without forms they could not send, and the server refuses such posts.
async fn team_pages_and_read_only_plan_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    app.user("pat@example.org", "Pat Jones", "practitioner").await;
    app.user("admin@example.org", "Alex Admin", "admin").await;
    let plan = priya.plan("Leo", "MSP").await;
    let plan_id = plan["id"].as_str().unwrap().to_owned();

    // Pat's home, with nothing yet, says what he can do.
    let pat = app.signed_in("pat@example.org").await;
    let (_, home) = pat.get("/").await;
    assert!(
        text_of(&home, "#nothing-yet").unwrap().contains("add a person"),
        "{home}"
    );
    let (status, _) = pat.get("/teams").await;
    assert_eq!(status, 404, "team pages are for administrators");

    let admin = app.signed_in("admin@example.org").await;
    let response = admin
        .submit("/teams", "/teams", &[("name", "x".repeat(101).as_str())])
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        text_of(&page, ".govuk-error-summary")
            .unwrap()
            .contains("100 characters or fewer")
    );
    assert_eq!(
        attr_of(&page, "#name", "value").unwrap(),
        "x".repeat(101),
        "what was typed is kept"
    );
    let response = admin.submit("/teams", "/teams", &[("name", "Early help")]).await;
    assert_eq!(response.status(), 303);
    let team_page = location(&response);
    let team_id = team_page.trim_start_matches("/teams/").to_owned();
    let (_, page) = admin.get(&team_page).await;
    let pat_id = page
        .split("<option value=\"")
        .skip(2)
        .find(|o| o.contains("pat@example.org"))
        .and_then(|o| o.split('"').next())
        .unwrap()
        .to_owned();
    let response = admin
        .submit(&team_page, &format!("{team_page}/members"), &[("user_id", "")])
        .await;
    assert_eq!(response.status(), 422);
    let response = admin
        .submit(&team_page, &format!("{team_page}/members"), &[("user_id", &pat_id)])
        .await;
    assert_eq!(response.status(), 303);
    let (_, page) = admin.get(&format!("/plans/{plan_id}")).await;
    assert!(
        attr_of(&page, "#plan-teams", "href").is_some(),
        "administrators see the plan's teams link"
    );
    let response = admin
        .submit(
            &format!("/plans/{plan_id}/teams"),
            &format!("/plans/{plan_id}/teams"),
            &[("team_id", &team_id)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, page) = admin.get(&team_page).await;
    assert!(text_of(&page, "#members").unwrap().contains("Pat Jones"));
    assert!(text_of(&page, "#shared-plans").unwrap().contains("Leo"));

    // Pat reads the plan; no form or change link but signing out.
    let (status, page) = pat.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 200);
    let document = scraper::Html::parse_document(&page);
    let forms: Vec<String> = document
        .select(&scraper::Selector::parse("main form[method=post]").unwrap())
        .map(|f| f.value().attr("action").unwrap_or("").to_owned())
        .collect();
    assert!(
        forms.is_empty(),
        "forms that change the plan shown to a reader: {forms:?}"
    );
    let change_links = document
        .select(&scraper::Selector::parse("main a").unwrap())
        .filter(|a| a.text().collect::<String>().starts_with("Change"))
        .count();
    assert_eq!(change_links, 0);
    let (_, person_page) = pat
        .get(&format!("/people/{}", plan["person_id"].as_str().unwrap()))
        .await;
    assert!(!person_page.contains("Start a plan") && !person_page.contains("/photo\""));
    let (status, _) = pat.get(&format!("/plans/{plan_id}/details")).await;
    assert_eq!(status, 403, "no form page for a reader");
    // And the server refuses what he might send anyway.
    let response = pat
        .submit(
            "/",
            &format!("/plans/{plan_id}/details"),
            &[("base_version", "1"), ("title", "Renamed"), ("start_date", "")],
        )
        .await;
    assert_eq!(response.status(), 403);

    // Taking him out of the team from its page ends it.
    let response = admin
        .submit(&team_page, &format!("{team_page}/members/{pat_id}/remove"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let (status, _) = pat.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 404);
}
both!(team_pages_and_read_only_plan_page);

/// A practitioner who sees a plan only through a team gets no section form
/// page (add, change, upload): 403, as for the details form, not a form
/// whose sending would be refused.
async fn team_readers_get_no_section_form_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let pat = app.user("pat@example.org", "Pat Jones", "practitioner").await;
    let plan = priya.plan("Leo", "MSP").await;
    let plan_id: uuid::Uuid = plan["id"].as_str().unwrap().parse().unwrap();
    let admin_user = app.user("admin@example.org", "Alex Admin", "admin").await;
    let admin = admin_user.actor();
    let team = app.store.add_team(&admin, "Early help").await.unwrap();
    app.store.add_member(&admin, team.id, pat.id).await.unwrap();
    app.store.share_plan_with_team(&admin, plan_id, team.id).await.unwrap();

    // The section form pages, as someone who may change the plan finds them.
    let writer = app.signed_in("admin@example.org").await;
    let (_, page) = writer.get(&format!("/plans/{plan_id}")).await;
    let document = scraper::Html::parse_document(&page);
    let mut form_pages: Vec<String> = document
        .select(&scraper::Selector::parse("main a[href]").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .filter(|href| href.contains("/sections/"))
        .map(str::to_owned)
        .collect();
    form_pages.sort();
    form_pages.dedup();
    assert!(
        !form_pages.is_empty(),
        "the plan page links to its section forms: {page}"
    );
    for href in &form_pages {
        let (status, _) = writer.get(href).await;
        assert_eq!(status, 200, "{href} opens for a writer");
    }

    let reader = app.signed_in("pat@example.org").await;
    let (status, _) = reader.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 200, "the team member reads the plan");
    for href in &form_pages {
        let (status, _) = reader.get(href).await;
        assert_eq!(status, 403, "no section form page for a team reader: {href}");
    }
}
both!(team_readers_get_no_section_form_pages);

/// ASVS V8.2.2 (and issue 7's "must show"): the demo's team manager signs in
/// in a real browser, sees the team's plans and reads one, with nothing to
/// change; a read-only user with nothing shared is told what they can do.
async fn demo_team_manager_reads_the_team_plans(backend: Backend) {
    let app = spawn_app(backend).await;
    assert!(goldthread::demo::load_if_empty(&app.store).await.unwrap());
    app.user("vic@example.org", "Vic Viewer", "viewer").await;
    let vic = app.signed_in("vic@example.org").await;
    let (_, home) = vic.get("/").await;
    let nothing = text_of(&home, "#nothing-yet").unwrap();
    assert!(nothing.contains("read plans but not change them"), "{nothing}");
    assert!(!home.contains("href=\"/people/new\""), "no “add a person” for a reader");

    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    client.goto(&app.url("/")).await.unwrap();
    assert_eq!(
        heading_becomes(&client, "Sign in to Goldthread").await,
        "Sign in to Goldthread"
    );
    fill(&client, "#email", "grace.miller@example.org").await;
    fill(&client, "#password", goldthread::demo::DEMO_PASSWORD).await;
    click(&client, "form[action='/sign-in'] button").await;
    assert_eq!(heading_becomes(&client, "Plans you can see").await, "Plans you can see");
    let plans = text(&client, "main table").await;
    for title in ["My Support Plan", "Child's Plan"] {
        assert!(plans.contains(title), "{title} missing from {plans}");
    }
    crate::browser::click_link(&client, "Leo's My Support Plan").await;
    assert_eq!(
        heading_becomes(&client, "Leo's My Support Plan").await,
        "Leo's My Support Plan"
    );
    let forms = client
        .find_all(fantoccini::Locator::Css("main form[method=post]"))
        .await
        .unwrap();
    assert!(
        forms.is_empty(),
        "a read-only manager is shown no form that changes the plan"
    );
    let links = client
        .find_all(fantoccini::Locator::LinkText("Add someone"))
        .await
        .unwrap();
    assert!(links.is_empty());
    let png = client.screenshot().await.unwrap();
    let name = format!("team-manager-{backend:?}.png").to_lowercase();
    std::fs::write(crate::browser::artifacts_dir().join(name), png).unwrap();
    client.close().await.unwrap();
}
both!(demo_team_manager_reads_the_team_plans);

/// ASVS V8.3.1, the command-line door: teams are added, members added and
/// removed, plans shared, with the same checks as the pages and the API.
async fn team_commands(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = app.database_url.clone();
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (_, grace) = app.api_user("grace@example.org", "viewer").await;
    let plan = priya.plan("Leo", "MSP").await;
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    let run = |args: &[&str]| crate::cli::goldthread(&url, args, "");

    let (ok, _, err) = run(&["team", "add", "--name", " "]);
    assert!(!ok && err.contains("--name: Enter the team's name"), "{err}");
    let (ok, out, err) = run(&["team", "add", "--name", "Early help"]);
    assert!(ok && out.contains("Added the team Early help"), "{out}{err}");
    let (ok, _, err) = run(&[
        "team",
        "add-member",
        "--team",
        "early help",
        "--email",
        "nobody@example.org",
    ]);
    assert!(!ok && err.contains("no user"), "{err}");
    let (ok, _, err) = run(&[
        "team",
        "add-member",
        "--team",
        "Early help",
        "--email",
        "grace@example.org",
    ]);
    assert!(ok, "{err}");
    let missing = uuid::Uuid::new_v4().to_string();
    let (ok, _, err) = run(&["team", "share-plan", "--team", "Early help", "--plan", &missing]);
    assert!(!ok && err.contains("no plan"), "{err}");
    let (ok, _, err) = run(&["team", "share-plan", "--team", "Early help", "--plan", &plan_id]);
    assert!(ok, "{err}");
    let (ok, out, _) = run(&["team", "list"]);
    assert!(
        ok && out.contains("Early help\tmembers: grace@example.org\tplans: 1"),
        "{out}"
    );
    let (status, _) = grace.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 200);
    let (ok, _, err) = run(&[
        "team",
        "remove-member",
        "--team",
        "Early help",
        "--email",
        "grace@example.org",
    ]);
    assert!(ok, "{err}");
    let (status, _) = grace.get(&format!("/plans/{plan_id}")).await;
    assert_eq!(status, 404);
}
both!(team_commands);
