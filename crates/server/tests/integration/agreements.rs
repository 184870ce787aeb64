//! Agreements (issue 9) through every door: the pages, the API, the CLI and
//! the demo. The status follows from the agreements.

use serde_json::{Value, json};

use crate::both;
use crate::cli::goldthread;
use crate::helpers::{Backend, Browser, attr_of, fresh_database, location, spawn_app, spawn_on_url, text_of};

/// The party id of `name` on the plan's agreements page.
pub async fn party_id(browser: &Browser, plan: &str, name: &str) -> String {
    let (_, html) = browser.get(&format!("{plan}/agreements")).await;
    let document = scraper::Html::parse_document(&html);
    let rows = scraper::Selector::parse("#agreement-table tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    document
        .select(&rows)
        .find(|r| {
            r.select(&cell)
                .next()
                .is_some_and(|c| c.text().collect::<String>().trim() == name)
        })
        .and_then(|r| r.value().attr("id"))
        .and_then(|id| id.strip_prefix("party-"))
        .unwrap_or_else(|| panic!("no party {name} on {plan}/agreements"))
        .to_owned()
}

/// Marks `name` as asked to agree, through the page.
pub async fn ask(browser: &Browser, plan: &str, name: &str) {
    let party = party_id(browser, plan, name).await;
    let page = format!("{plan}/agreements");
    let (_, html) = browser.get(&page).await;
    let version = attr_of(&html, "input[name=base_version]", "value").unwrap();
    let response = browser
        .submit(
            &page,
            &format!("{plan}/agreements/required"),
            &[("base_version", &version), ("party_id", &party), ("required", "yes")],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
}

/// `name` agrees (or it is recorded for them) on the agree page.
pub async fn agree(browser: &Browser, plan: &str, name: &str) -> reqwest::Response {
    let party = party_id(browser, plan, name).await;
    let page = format!("{plan}/agreements/{party}");
    let (status, html) = browser.get(&page).await;
    assert_eq!(status, 200, "{html}");
    let version = attr_of(&html, "input[name=version]", "value").unwrap();
    let hash = attr_of(&html, "input[name=content_hash]", "value").unwrap();
    browser
        .submit(
            &page,
            &page,
            &[
                ("version", &version),
                ("content_hash", &hash),
                ("response", "agreed"),
                ("typed_name", name),
                ("on-day", "20"),
                ("on-month", "11"),
                ("on-year", "2026"),
            ],
        )
        .await
}

async fn agreeing_on_the_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    app.user("claire@example.org", "Claire Martin", "viewer").await;
    app.user("grace@example.org", "Grace Miller", "viewer").await;
    let priya = app.signed_in("priya@example.org").await;
    let claire = app.signed_in("claire@example.org").await;

    // A plan with two parties: Claire (with her own account) and Priya.
    let response = priya
        .submit(
            "/people/new",
            "/people/new",
            &[("given_name", "Leo"), ("family_name", "Martin")],
        )
        .await;
    let person = location(&response);
    let new_plan = format!("{person}/plans/new");
    let response = priya
        .submit(
            &new_plan,
            &new_plan,
            &[("plan_type", "MSP"), ("start_date", "2026-09-07")],
        )
        .await;
    let plan = location(&response);
    let add = format!("{plan}/parties/new");
    for (version, name, role, email) in [
        ("1", "Claire Martin", "parent_carer", "claire@example.org"),
        ("2", "Priya Shah", "senco", "priya@example.org"),
    ] {
        let response = priya
            .submit(
                &add,
                &add,
                &[
                    ("base_version", version),
                    ("name", name),
                    ("role", role),
                    ("account_email", email),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    }

    // The status can no longer be set to agreed by hand.
    let (_, html) = priya.get(&format!("{plan}/status")).await;
    assert!(!html.contains("value=\"agreed\""), "agreed is not offered");
    let status = format!("{plan}/status");
    let response = priya
        .submit(
            &status,
            &status,
            &[
                ("base_version", "3"),
                ("status", "agreed"),
                ("reason", "Everyone signed"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        text_of(&response.text().await.unwrap(), "#status-error")
            .unwrap()
            .contains("A plan becomes agreed when everyone asked to agree has agreed")
    );

    // The plan page's Agreement block: nobody asked yet; the hash shown.
    let (_, html) = priya.get(&plan).await;
    assert_eq!(
        text_of(&html, "#agreement-status").unwrap(),
        "Nobody has been asked to agree yet."
    );
    assert!(text_of(&html, "#content-hash").unwrap().starts_with("c1:"));

    ask(&priya, &plan, "Claire Martin").await;
    ask(&priya, &plan, "Priya Shah").await;
    let (_, html) = priya.get(&format!("{plan}/agreements?saved=required")).await;
    assert_eq!(
        text_of(&html, "#saved-banner").unwrap(),
        "Success Whose agreement is needed has been saved"
    );

    // Claire agrees herself: a name that is not hers is refused, with
    // what she typed kept.
    let claire_party = party_id(&claire, &plan, "Claire Martin").await;
    let priya_party = party_id(&claire, &plan, "Priya Shah").await;
    let page = format!("{plan}/agreements/{claire_party}");
    let (status, html) = claire.get(&page).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&html, "h1").unwrap(), "Agree to this plan");
    assert!(
        text_of(&html, "#statement")
            .unwrap()
            .starts_with("We have been involved in writing")
    );
    let version = attr_of(&html, "input[name=version]", "value").unwrap();
    let hash = attr_of(&html, "input[name=content_hash]", "value").unwrap();
    let response = claire
        .submit(
            &page,
            &page,
            &[
                ("version", &version),
                ("content_hash", &hash),
                ("response", "agreed"),
                ("typed_name", "Clare Martin"),
                ("on-day", "20"),
                ("on-month", "11"),
                ("on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(
        text_of(&html, "#typed_name-error").unwrap(),
        "Error: The name typed does not match the party: type Claire Martin in full"
    );
    assert_eq!(attr_of(&html, "#typed_name", "value").unwrap(), "Clare Martin");
    // She may not answer for Priya; a read-only user who is no party may
    // not answer at all.
    let (status, _) = claire.get(&format!("{plan}/agreements/{priya_party}")).await;
    assert_eq!(status, 403);
    let grace = app.signed_in("grace@example.org").await;
    let (status, _) = grace.get(&page).await;
    assert_eq!(status, 404, "grace cannot see the plan at all");

    let response = agree(&claire, &plan, "Claire Martin").await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&plan).await;
    assert_eq!(text_of(&html, "#plan-status").unwrap(), "Draft", "one of two agreed");
    assert_eq!(
        text_of(&html, "#agreement-status").unwrap(),
        format!("1 of 2 people asked to agree have agreed version {version}, the current version.")
    );

    // Priya records her own; now the plan is agreed.
    let response = agree(&priya, &plan, "Priya Shah").await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&plan).await;
    assert_eq!(text_of(&html, "#plan-status").unwrap(), "Agreed");
    assert!(
        text_of(&html, "#agreement-parties")
            .unwrap()
            .contains(&format!("Agreed version {version} on 20 November 2026"))
    );

    // Claire's part changes: her agreement is for an earlier version and
    // she is asked again, with what changed shown.
    let edit = format!("{plan}/parties/{claire_party}/edit");
    let (_, html) = priya.get(&plan).await;
    let current = text_of(&html, "#plan-summary").unwrap();
    let current = current
        .split("(version ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap()
        .to_owned();
    let response = priya
        .submit(
            &edit,
            &edit,
            &[
                ("base_version", &current),
                ("name", "Claire Martin"),
                ("role", "parent_carer"),
                ("relationship", "Mum"),
                ("contact", "07700 900412"),
                ("account_email", "claire@example.org"),
                ("reason", "Claire's new phone number"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let (_, html) = claire.get(&format!("{plan}/agreements")).await;
    let row = text_of(&html, &format!("#party-{claire_party}")).unwrap();
    assert!(row.contains("Agreed an earlier version"), "{row}");
    assert!(row.contains("their part has changed, so they are asked again"), "{row}");
    assert!(html.contains("What changed since Claire Martin agreed version"));
    assert!(text_of(&html, ".app-changes").unwrap().contains("Edited Claire Martin"));
    assert_eq!(
        text_of(&html, "#plan-status").unwrap(),
        "Agreed",
        "an agreed plan stays in action"
    );

    // Agreeing to the version she read before is refused, showing the
    // latest version and what changed; sent again, it is recorded.
    let response = claire
        .submit(
            &page,
            &page,
            &[
                ("version", &version),
                ("content_hash", &hash),
                ("response", "agreed"),
                ("typed_name", "Claire Martin"),
                ("on-day", "21"),
                ("on-month", "11"),
                ("on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, "#changed-since")
            .unwrap()
            .contains("The plan has changed since the version you read")
    );
    assert!(text_of(&html, ".app-changes").unwrap().contains("Edited Claire Martin"));
    let latest = attr_of(&html, "input[name=version]", "value").unwrap();
    assert_ne!(latest, version);
    let hash = attr_of(&html, "input[name=content_hash]", "value").unwrap();
    let response = claire
        .submit(
            &page,
            &page,
            &[
                ("version", &latest),
                ("content_hash", &hash),
                ("response", "agreed"),
                ("typed_name", "Claire Martin"),
                ("on-day", "21"),
                ("on-month", "11"),
                ("on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&format!("{plan}/agreements")).await;
    let checks = text_of(&html, "#verification").unwrap();
    assert_eq!(checks.matches("Holds, for an earlier version").count(), 2, "{checks}");
    assert_eq!(checks.matches("Holds, for the current version").count(), 1, "{checks}");

    // Declining needs a reason; the reason is shown.
    let response = claire
        .submit(
            &page,
            &page,
            &[
                ("version", &latest),
                ("content_hash", &hash),
                ("response", "declined"),
                ("on-day", "21"),
                ("on-month", "11"),
                ("on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        text_of(&response.text().await.unwrap(), "#decline_reason-error").unwrap(),
        "Error: Say why the plan is not agreed"
    );
    let response = claire
        .submit(
            &page,
            &page,
            &[
                ("version", &latest),
                ("content_hash", &hash),
                ("response", "declined"),
                ("decline_reason", "The reading at home is too much with the new baby"),
                ("on-day", "21"),
                ("on-month", "11"),
                ("on-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&plan).await;
    assert!(
        text_of(&html, "#agreement-parties")
            .unwrap()
            .contains("The reading at home is too much with the new baby")
    );
    // The plan's starter hears of it, with the reason.
    let (_, html) = priya.get("/notifications").await;
    assert!(text_of(&html, "#notifications").unwrap().contains(
        "Claire Martin declined \"Leo's My Support Plan\": The reading at home is too much with the new baby"
    ));
}
both!(agreeing_on_the_pages);

async fn agreements_through_the_api_and_on_paper(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Jade", "SH").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let (status, plan) = api
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 1, "name": "Jade Tester", "role": "person"}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let jade = plan["parties"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .put(
            &format!("/plans/{id}/agreements/required"),
            json!({"base_version": 2, "party_id": jade, "required": true}),
        )
        .await;
    assert_eq!(status, 200);

    let (status, report) = api.get(&format!("/plans/{id}/agreements")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["version"], 2);
    assert_eq!(report["parties"][0]["standing"], "not_yet_agreed");
    assert_eq!(report["parties"][0]["asked"], true);
    assert_eq!(report["all_required_agreed"], false);

    // A stale or forged version is refused, naming the field.
    let body = |version: &Value, hash: &Value, response: Value| json!({"party_id": jade, "version": version, "content_hash": hash, "on": "2026-11-20", "response": response});
    let (status, problem) = api
        .post(
            &format!("/plans/{id}/agreements"),
            body(
                &json!(1),
                &report["content_hash"],
                json!({"kind": "declined", "reason": "Not yet"}),
            ),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "version");

    // A date still to come is refused.
    let mut future = body(
        &report["version"],
        &report["content_hash"],
        json!({"kind": "declined", "reason": "Not yet"}),
    );
    future["on"] = json!("2999-01-01");
    let (status, problem) = api.post(&format!("/plans/{id}/agreements"), future).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "on");

    // A paper copy: the scan uploaded first, then the agreement naming it.
    let (status, problem) = api
        .post(
            &format!("/plans/{id}/agreements"),
            body(
                &report["version"],
                &report["content_hash"],
                json!({"kind": "paper", "signed_by": "Jade Tester", "file_ref": uuid::Uuid::new_v4()}),
            ),
        )
        .await;
    assert_eq!(status, 422, "a file of no plan");
    assert_eq!(problem["errors"][0]["field"], "file_ref");
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/plans/{id}/files?name=signed.pdf")))
        .bearer_auth(&api.token)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4\n% signed plan\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let file: Value = response.json().await.unwrap();
    let (status, plan) = api
        .post(
            &format!("/plans/{id}/agreements"),
            body(
                &report["version"],
                &report["content_hash"],
                json!({"kind": "paper", "signed_by": "Jade Tester", "file_ref": file["id"]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["status"], "agreed");

    let (_, report) = api.get(&format!("/plans/{id}/agreements")).await;
    assert_eq!(report["all_hold"], true);
    assert_eq!(report["agreements"][0]["kind"], "paper");
    assert_eq!(report["agreements"][0]["holds"], true);
    assert_eq!(report["agreements"][0]["current"], true);
    assert_eq!(report["parties"][0]["standing"], "agreed");

    // Invitations through the API: the link only in the answer.
    let (status, problem) = api
        .post(
            &format!("/plans/{id}/invitations"),
            json!({"party_id": jade, "email": "jade@example.org", "days": 0}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "days");
    let (status, problem) = api
        .post(
            &format!("/plans/{id}/invitations"),
            json!({"party_id": uuid::Uuid::new_v4(), "email": "jade@example.org"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "party_id");
    let (status, made) = api
        .post(
            &format!("/plans/{id}/invitations"),
            json!({"party_id": jade, "email": "jade@example.org"}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert!(made["link"].as_str().unwrap().contains("/invitations/inv_"));
    assert_eq!(made["state"], "waiting");
    let (_, list) = api.get(&format!("/plans/{id}/invitations")).await;
    assert_eq!(list[0]["id"], made["id"]);
    assert!(list[0]["link"].is_null(), "the link is never shown again");
    let invitation = made["id"].as_str().unwrap();
    let withdraw = || {
        reqwest::Client::new()
            .delete(app.url(&format!("/api/v1/plans/{id}/invitations/{invitation}")))
            .bearer_auth(&api.token)
            .send()
    };
    assert_eq!(withdraw().await.unwrap().status(), 204);
    assert_eq!(withdraw().await.unwrap().status(), 404, "already withdrawn");
    let (_, list) = api.get(&format!("/plans/{id}/invitations")).await;
    assert_eq!(list[0]["state"], "withdrawn");

    // Another user who cannot see the plan gets 404, as if it did not exist.
    let (_, other) = app.api_user("sam@example.org", "practitioner").await;
    let (status, _) = other.get(&format!("/plans/{id}/agreements")).await;
    assert_eq!(status, 404);
    let (status, _) = other.get(&format!("/plans/{id}/invitations")).await;
    assert_eq!(status, 404);
    let (status, _) = other
        .post(
            &format!("/plans/{id}/agreements"),
            body(
                &report["version"],
                &report["content_hash"],
                json!({"kind": "declined", "reason": "No"}),
            ),
        )
        .await;
    assert_eq!(status, 404);
}
both!(agreements_through_the_api_and_on_paper);

async fn demo_agreements_verify(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let app = spawn_on_url(backend, url.clone()).await;
    assert!(goldthread::demo::load_if_empty(&app.store).await.unwrap());
    let admin = app.store.user_by_email("admin@example.org").await.unwrap().unwrap();
    let token = goldthread::auth::new_api_token();
    app.store
        .create_api_token(admin.id, "test", &goldthread::auth::token_hash(&token))
        .await
        .unwrap();
    let api = app.api_with_token(&token);
    let (_, list) = api.get("/plans?limit=50").await;
    let mut declined = 0;
    let mut on_behalf = 0;
    for summary in list["items"].as_array().unwrap() {
        let id = summary["id"].as_str().unwrap();
        let (_, report) = api.get(&format!("/plans/{id}/agreements")).await;
        assert_eq!(report["all_hold"], true, "{report}");
        let plan_type = summary["plan_type"].as_str().unwrap();
        let agreed = ["MSP", "SH", "CP", "PB"].contains(&plan_type);
        assert_eq!(summary["status"] == "agreed", agreed, "{plan_type}: {report}");
        declined += report["parties"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["standing"] == "declined")
            .count();
        let (_, log) = api.get(&format!("/plans/{id}/changes")).await;
        on_behalf += log
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["change"]["agreement"]["response"]["on_behalf_of"]["capacity"] == "parent_for_child")
            .count();
        // The command line agrees.
        let (ok, out, err) = goldthread(&url, &["verify-agreement", id], "");
        assert!(ok, "{out}{err}");
        if plan_type == "CP" {
            assert!(
                out.contains("Morag Campbell agreed on behalf of Ruby Campbell: version"),
                "{out}"
            );
        }
        if plan_type == "PB" {
            // Funding approval (PB): the council's approval holds too.
            assert!(out.contains("Nadia Malik approved the funding: version"), "{out}");
            assert!(out.contains("Funding approval: approved version"), "{out}");
        }
        if report["agreements"].as_array().unwrap().is_empty() {
            assert!(out.contains("No agreements have been recorded."), "{out}");
        } else {
            assert!(out.contains("agreements hold."), "{out}");
        }
    }
    assert_eq!(declined, 1, "Kai declined, with a reason");
    assert!(on_behalf >= 1, "a parent agreed on behalf of a child");
    let (ok, _, err) = goldthread(&url, &["verify-agreement", &uuid::Uuid::new_v4().to_string()], "");
    assert!(!ok);
    assert!(err.contains("there is no plan"), "{err}");
}
both!(demo_agreements_verify);

async fn invitation_links_grant_one_plan_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    app.user("tom@example.org", "Dr Tom Price", "practitioner").await;
    let priya = app.signed_in("priya@example.org").await;
    let api = {
        let user = app.store.user_by_email("priya@example.org").await.unwrap().unwrap();
        let token = goldthread::auth::new_api_token();
        app.store
            .create_api_token(user.id, "test", &goldthread::auth::token_hash(&token))
            .await
            .unwrap();
        app.api_with_token(&token)
    };
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    for (version, name, role) in [
        (1, "Claire Martin", "parent_carer"),
        (2, "David Martin", "parent_carer"),
        (3, "Dr Tom Price", "health_professional"),
    ] {
        let (status, body) = api
            .post(
                &format!("/plans/{id}/parties"),
                json!({"base_version": version, "name": name, "role": role}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let plan_url = format!("/plans/{id}");
    let invite = |name: &'static str, email: &'static str, days: &'static str| {
        let priya = &priya;
        let plan_url = plan_url.clone();
        async move {
            let party = party_id(priya, &plan_url, name).await;
            let page = format!("{plan_url}/invitations/new?party={party}");
            let response = priya.submit(&page, &page, &[("email", email), ("days", days)]).await;
            let status = response.status();
            let html = response.text().await.unwrap();
            (status, html)
        }
    };
    // Bad input is refused, naming the field.
    let (status, html) = invite("Claire Martin", "not an email", "99").await;
    assert_eq!(status, 422);
    assert!(text_of(&html, "#email-error").is_some());
    assert!(text_of(&html, "#days-error").unwrap().contains("between 1 and 60 days"));

    let (status, html) = invite("Claire Martin", "claire@example.org", "14").await;
    assert_eq!(status, 200);
    let claire_link = text_of(&html, "#invitation-link").unwrap();
    let claire_path = claire_link.split_once("://").unwrap().1;
    let claire_path = &claire_path[claire_path.find('/').unwrap()..];
    let (_, html) = invite("David Martin", "david@example.org", "14").await;
    let david_link = text_of(&html, "#invitation-link").unwrap();
    let david_path = &david_link[david_link.find("/invitations/").unwrap()..];
    // Only a fingerprint is stored, never the token.
    let token = claire_path.rsplit('/').next().unwrap();
    assert!(app.store.invitation_for_token(token).await.unwrap().is_some());
    assert!(
        app.store
            .outbox(10)
            .await
            .unwrap()
            .iter()
            .any(|m| m.body.contains(token))
    );

    // A stranger opens a tampered link: a clear page, nothing granted.
    let stranger = Browser::new(&app.address);
    let (status, html) = stranger.get(&format!("{claire_path}x")).await;
    assert_eq!(status, 404);
    assert!(text_of(&html, "#link-problem").unwrap().contains("not right"));

    // Withdrawn: David's link no longer works.
    let (_, html) = priya.get(&format!("{plan_url}/invitations")).await;
    let revoke = attr_of(&html, "form[action$='/revoke']", "action").unwrap();
    let response = priya.submit(&format!("{plan_url}/invitations"), &revoke, &[]).await;
    assert_eq!(response.status(), 303);
    let (status, html) = stranger.get(david_path).await;
    assert_eq!(status, 410);
    assert!(text_of(&html, "#link-problem").unwrap().contains("withdrawn"));

    // Expired: a link past its date grants nothing.
    let (_, html) = invite("Dr Tom Price", "tom@example.org", "1").await;
    let tom_link = text_of(&html, "#invitation-link").unwrap();
    let tom_path = tom_link[tom_link.find("/invitations/").unwrap()..].to_owned();
    // (Its date moved into the past, as time would.)
    let past = "UPDATE invitations SET expires_at = 0 WHERE email = 'tom@example.org'";
    match &app.store {
        goldthread::store::Store::Sqlite(pool) => sqlx::query(past).execute(pool).await.map(|_| ()),
        goldthread::store::Store::Postgres(pool) => sqlx::query(past).execute(pool).await.map(|_| ()),
    }
    .unwrap();
    let (status, html) = stranger.get(&tom_path).await;
    assert_eq!(status, 410);
    assert!(text_of(&html, "#link-problem").unwrap().contains("expired"));

    // Claire sets up her access with a too-short password first.
    let response = stranger
        .submit(
            claire_path,
            claire_path,
            &[("name", "Claire Martin"), ("password", "short")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(text_of(&response.text().await.unwrap(), "#password-error").is_some());
    let response = stranger
        .submit(
            claire_path,
            claire_path,
            &[("name", "Claire Martin"), ("password", "plum kettle harbour lantern")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{plan_url}/mine?welcome=1"));
    let (status, html) = stranger.get(&format!("{plan_url}/mine")).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&html, "h1").unwrap(), "Leo's My Support Plan");
    // She asks for a change: it reaches the Lead Professional (here, with
    // none chosen, whoever started the plan).
    let mine = format!("{plan_url}/mine");
    let response = stranger.submit(&mine, &format!("{mine}/ask"), &[("ask", " ")]).await;
    assert_eq!(response.status(), 422);
    let response = stranger
        .submit(
            &mine,
            &format!("{mine}/ask"),
            &[("ask", "Could reading be at weekends only?")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get("/notifications").await;
    assert!(
        text_of(&html, "#notifications").unwrap().contains(
            "Claire Martin asked for a change to \"Leo's My Support Plan\": Could reading be at weekends only?"
        )
    );
    // Used: the link works once.
    let other = Browser::new(&app.address);
    let (status, html) = other.get(claire_path).await;
    assert_eq!(status, 410);
    assert!(text_of(&html, "#link-problem").unwrap().contains("already been used"));
    // The history says who accepted.
    let (_, history) = priya.get(&format!("{plan_url}/history")).await;
    assert!(history.contains("Claire Martin accepted the invitation and set up access"));

    // An existing account attaches to the plan when signed in: Tom is
    // invited again and accepts with his own account.
    let (_, html) = invite("Dr Tom Price", "tom@example.org", "14").await;
    let tom_link = text_of(&html, "#invitation-link").unwrap();
    let tom_path = tom_link[tom_link.find("/invitations/").unwrap()..].to_owned();
    let tom = app.signed_in("tom@example.org").await;
    let (status, _) = tom.get(&plan_url).await;
    assert_eq!(status, 404, "not his plan yet");
    let (_, html) = tom.get(&tom_path).await;
    assert!(html.contains("You are signed in as Dr Tom Price"));
    let response = tom.submit(&tom_path, &tom_path, &[]).await;
    assert_eq!(response.status(), 303);
    let (status, _) = tom.get(&plan_url).await;
    assert_eq!(status, 200);
}
both!(invitation_links_grant_one_plan_once);

async fn a_signed_paper_copy_on_the_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("sam@example.org", "Sam Okafor", "practitioner").await;
    let sam = app.signed_in("sam@example.org").await;
    let response = sam
        .submit(
            "/people/new",
            "/people/new",
            &[("given_name", "Jade"), ("family_name", "Thompson")],
        )
        .await;
    let person = location(&response);
    let new_plan = format!("{person}/plans/new");
    let response = sam.submit(&new_plan, &new_plan, &[("plan_type", "SH")]).await;
    let plan = location(&response);
    let add = format!("{plan}/parties/new");
    let response = sam
        .submit(
            &add,
            &add,
            &[("base_version", "1"), ("name", "Jade Thompson"), ("role", "person")],
        )
        .await;
    assert_eq!(response.status(), 303);
    ask(&sam, &plan, "Jade Thompson").await;
    let party = party_id(&sam, &plan, "Jade Thompson").await;
    let page = format!("{plan}/agreements/{party}/paper");
    let send = |signed_by: &'static str, version: String| {
        let sam = &sam;
        let page = page.clone();
        async move {
            let (status, html) = sam.get(&page).await;
            assert_eq!(status, 200, "{html}");
            let csrf = crate::helpers::csrf_of(&html).unwrap();
            let form = reqwest::multipart::Form::new()
                .text("_csrf", csrf)
                .text("version", version)
                .text("signed_by", signed_by)
                .text("on-day", "20")
                .text("on-month", "11")
                .text("on-year", "2026")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(b"%PDF-1.4\n% signed plan\n".to_vec())
                        .file_name("signed.pdf")
                        .mime_str("application/pdf")
                        .unwrap(),
                );
            sam.client
                .post(format!("{}{page}", sam.base))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let (_, html) = sam.get(&page).await;
    let version = attr_of(&html, "#version", "value").unwrap();
    // Signed by someone else, or for a version that is not current: refused.
    let response = send("Someone Else", version.clone()).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "#signed_by-error").unwrap().contains("Jade Thompson"));
    assert_eq!(attr_of(&html, "#signed_by", "value").unwrap(), "Someone Else");
    let response = send("Jade Thompson", "1".into()).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, ".govuk-error-summary")
            .unwrap()
            .contains("has changed since the version you read")
    );
    assert!(text_of(&html, "#changed-since").is_some(), "what changed is shown");
    // Signed by Jade, for the current version: recorded; the plan is agreed.
    let response = send("Jade Thompson", version).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let (_, html) = sam.get(&plan).await;
    assert_eq!(text_of(&html, "#plan-status").unwrap(), "Agreed");
    let (_, html) = sam.get(&format!("{plan}/agreements")).await;
    assert!(text_of(&html, "#verification").unwrap().contains("Agreed on paper"));
}
both!(a_signed_paper_copy_on_the_page);
