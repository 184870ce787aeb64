//! The review cycle (issue 10, SPEC R1–R5) through every door: the API
//! (open, answer, close, list, end an item, compare, as of a date, and
//! each bad input refused with 422 naming the field and nothing written),
//! and the browser through a full MSP cycle (R1, R2, the 3rd review that
//! starts plan number 2) and an SH plan's weekly reviews, with axe on
//! every new page.

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::accessibility::{Audit, axe_source, heading_is, sign_in};
use crate::both;
use crate::browser::{browser, click, fill, fill_date, start_driver, text};
use crate::helpers::{Api, Backend, spawn_app};

fn id() -> String {
    Uuid::new_v4().to_string()
}

/// Appends a change; returns the plan.
async fn change(api: &Api, plan: &str, base: i64, reason: Option<&str>, change: Value) -> Value {
    let (status, body) = api
        .post(
            &format!("/plans/{plan}/changes"),
            json!({"base_version": base, "reason": reason, "change": change}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body
}

pub(crate) fn version(plan: &Value) -> i64 {
    plan["version"].as_i64().unwrap()
}

/// An MSP plan for Leo with two outcomes (one with a step), and two lines
/// of provision, agreed. Returns (plan id, outcome ids, step id, provision ids, plan).
pub(crate) async fn agreed_msp(api: &Api) -> (String, [String; 2], String, [String; 2], Value) {
    let plan = api.plan("Leo", "MSP").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let (o1, o2, step, v1, v2) = (id(), id(), id(), id(), id());
    let changes = [
        json!({"type": "item_added", "item": {"kind": "outcome", "id": o1, "text": "By July 2027 Leo will ask an adult for help when stuck, 4 times out of 5"}}),
        json!({"type": "item_added", "item": {"kind": "outcome", "id": o2, "text": "By July 2027 Leo will join a game at lunchtime twice a week"}}),
        json!({"type": "item_added", "item": {"kind": "step", "outcome_id": o1, "step": {"id": step, "text": "Use the help card in class"}}}),
        json!({"type": "item_added", "item": {"kind": "provision", "id": v1, "what": "Home visits for a calm bedtime routine", "outcome_ids": [o1]}}),
        json!({"type": "item_added", "item": {"kind": "provision", "id": v2, "what": "Daily check-in with a trusted adult", "outcome_ids": [o1]}}),
    ];
    let mut plan = plan;
    for c in changes {
        plan = change(api, &p, version(&plan), None, c).await;
    }
    let (status, body) = api
        .post(
            &format!("/plans/{p}/parties"),
            json!({"base_version": version(&plan), "name": "Claire Martin", "role": "parent_carer", "relationship": "Mum"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let plan = agree_all(api, &p).await;
    assert_eq!(plan["status"], "agreed", "{plan}");
    (p, [o1, o2], step, [v1, v2], plan)
}

/// Every party agrees the plan as it now stands (those not yet asked are
/// asked first): the status follows from the agreements (issue 9).
pub(crate) async fn agree_all(api: &Api, p: &str) -> Value {
    let (_, report) = api.get(&format!("/plans/{p}/agreements")).await;
    for party in report["parties"].as_array().unwrap() {
        if party["required"] != true {
            let (_, current) = api.get(&format!("/plans/{p}")).await;
            let (status, body) = api
                .put(
                    &format!("/plans/{p}/agreements/required"),
                    json!({"base_version": version(&current), "party_id": party["party_id"], "required": true}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
    }
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let (_, report) = api.get(&format!("/plans/{p}/agreements")).await;
    for party in report["parties"].as_array().unwrap() {
        if party["standing"] == "agreed" {
            continue;
        }
        let (status, body) = api
            .post(
                &format!("/plans/{p}/agreements"),
                json!({"party_id": party["party_id"], "version": report["version"], "content_hash": report["content_hash"],
                    "on": today, "response": {"kind": "agreed", "typed_name": party["name"], "statement": report["statement"]}}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    api.get(&format!("/plans/{p}")).await.1
}

pub(crate) async fn open(api: &Api, p: &str, base: i64, kind: &str) -> (u16, Value) {
    api.post(
        &format!("/plans/{p}/reviews"),
        json!({"base_version": base, "kind": kind, "on": "2027-03-12", "participants": ["Claire Martin", "Priya Shah"]}),
    )
    .await
}

fn error_of<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body["errors"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message"].as_str())
}

async fn current(api: &Api, p: &str) -> Value {
    let (status, plan) = api.get(&format!("/plans/{p}")).await;
    assert_eq!(status, 200, "{plan}");
    plan
}

pub(crate) async fn rate_all(api: &Api, p: &str, review: &str, plan: &Value) -> Value {
    let ended = plan["reviews"]["ended"].as_object().cloned().unwrap_or_default();
    let ratings: Vec<Value> = plan["content"]["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| !ended.contains_key(o["id"].as_str().unwrap()))
        .map(|o| json!({"outcome_id": o["id"], "rating": "partly_met", "note": "Getting there"}))
        .collect();
    let (status, plan) = api
        .post(
            &format!("/plans/{p}/reviews/{review}/answers"),
            json!({"base_version": version(plan), "answers": {"working_well": "The help card", "person_views": "Leo likes the timer"}, "ratings": ratings}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    plan
}

pub(crate) async fn close(api: &Api, p: &str, review: &str, plan: &Value) -> (u16, Value) {
    api.post(
        &format!("/plans/{p}/reviews/{review}/close"),
        json!({"base_version": version(plan), "on": "2027-03-12"}),
    )
    .await
}

async fn agree_again(api: &Api, p: &str, _plan: &Value) -> Value {
    let plan = agree_all(api, p).await;
    assert_eq!(plan["status"], "agreed", "{plan}");
    plan
}

async fn formal_reviews_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (p, [o1, o2], step, [home, checkin], plan) = agreed_msp(&api).await;

    // Weekly reviews are not for MSP plans.
    let (status, body) = open(&api, &p, version(&plan), "weekly").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        error_of(&body, "kind"),
        Some("This plan type has no weekly support review")
    );

    // R1 opens; the plan is under review; a second review is refused.
    let (status, plan) = open(&api, &p, version(&plan), "formal").await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["status"], "under_review");
    let r1 = plan["reviews"]["reviews"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(plan["reviews"]["reviews"][0]["number"], 1);
    let (status, body) = open(&api, &p, version(&plan), "formal").await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "review_id").unwrap().contains("already open"), "{body}");
    assert_eq!(version(&current(&api, &p).await), version(&plan), "nothing written");

    // R1 adds a target and ends the home visits; ending twice is refused.
    let target = id();
    let plan = change(
        &api,
        &p,
        version(&plan),
        Some("Agreed at R1"),
        json!({"type": "item_added", "item": {"kind": "target", "step_id": step, "target": {"id": target, "text": "By February, Leo uses his help card in 4 of 5 maths lessons"}}}),
    )
    .await;
    let end = format!("/plans/{p}/items/provision/{home}/end");
    let (status, plan) = api
        .post(
            &end,
            json!({"base_version": version(&plan), "reason": "Bedtimes are settled", "on": "2027-03-12"}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    let (status, body) = api
        .post(&end, json!({"base_version": version(&plan), "reason": "Again"}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_of(&body, "id"), Some("This provision has already ended"));
    let (status, body) = api
        .post(
            &format!("/plans/{p}/items/provision/{checkin}/end"),
            json!({"base_version": version(&plan), "reason": "  "}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_of(&body, "reason"), Some("Say why the provision is ending"));

    // Deleting from an agreed plan is refused: items are ended instead.
    let (status, body) = api
        .post(
            &format!("/plans/{p}/changes"),
            json!({"base_version": version(&plan), "reason": "Mistake", "change": {"type": "item_removed", "item_kind": "provision", "id": checkin}}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        error_of(&body, "id")
            .unwrap()
            .contains("end the provision with a reason"),
        "{body}"
    );

    // Closing without rating every outcome is refused, naming the outcome.
    let (status, body) = close(&api, &p, &r1, &plan).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        error_of(&body, "ratings")
            .unwrap()
            .starts_with("Rate the progress of outcome 1 ("),
        "{body}"
    );
    assert_eq!(version(&current(&api, &p).await), version(&plan), "nothing written");

    // An ended outcome is not rated.
    let (status, plan) = api
        .post(
            &format!("/plans/{p}/items/outcome/{o2}/end"),
            json!({"base_version": version(&plan), "reason": "Leo joins games now"}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    let (status, body) = api
        .post(
            &format!("/plans/{p}/reviews/{r1}/answers"),
            json!({"base_version": version(&plan), "ratings": [{"outcome_id": o2, "rating": "met"}]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "ratings").unwrap().contains("has ended"), "{body}");
    // A question the review does not ask, and a rating that is not one.
    let (status, body) = api
        .post(
            &format!("/plans/{p}/reviews/{r1}/answers"),
            json!({"base_version": version(&plan), "answers": {"favourite_colour": "blue"}, "ratings": [{"outcome_id": o1, "rating": "brilliant"}]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        error_of(&body, "answers").is_some() && error_of(&body, "ratings").is_some(),
        "{body}"
    );

    let plan = rate_all(&api, &p, &r1, &plan).await;
    let (status, closed) = close(&api, &p, &r1, &plan).await;
    assert_eq!(status, 200, "{closed}");
    assert!(closed["next_plan"].is_null());
    let plan = closed["plan"].clone();
    assert_eq!(plan["reviews"]["added_at"][&target]["review"], 1);
    assert_eq!(plan["reviews"]["ended_at"][&home]["review"], 1);
    assert_eq!(plan["status"], "under_review", "the reviewed plan is agreed again");

    // The list of reviews, and a review closed twice.
    let (status, list) = api.get(&format!("/plans/{p}/reviews")).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["reviews"].as_array().unwrap().len(), 1);
    assert!(list["open_review_id"].is_null());
    let (status, body) = close(&api, &p, &r1, &plan).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_of(&body, "review_id"), Some("That review is not open"));
    let (status, _) = close(&api, &p, &id(), &plan).await;
    assert_eq!(status, 404, "no such review");

    // Compared: the target added at R1, the provision ended with its reason.
    let last = version(&plan);
    let (status, diffs) = api.get(&format!("/plans/{p}/compare?from=7&to={last}")).await;
    assert_eq!(status, 200, "{diffs}");
    let diffs = diffs.as_array().unwrap();
    let added = diffs
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with(&format!("{target}/text")))
        .expect("the target is added");
    assert_eq!(added["kind"], "added");
    assert_eq!(added["review"], 1);
    assert_eq!(added["why"], "Agreed at R1");
    let ended = diffs
        .iter()
        .find(|d| d["path"] == format!("ended/{home}"))
        .expect("the home visits ended");
    assert_eq!(ended["kind"], "ended");
    assert_eq!(ended["ended_because"], "Bedtimes are settled");
    let (status, body) = api.get(&format!("/plans/{p}/compare?from=1&to={}", last + 5)).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "to").is_some(), "{body}");

    // As of a date.
    let today = time::OffsetDateTime::now_utc().date();
    let (status, then) = api.get(&format!("/plans/{p}/as-of?date={today}")).await;
    assert_eq!(status, 200, "{then}");
    assert_eq!(version(&then), last);
    let (status, body) = api.get(&format!("/plans/{p}/as-of?date=2001-01-01")).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "date").unwrap().contains("did not exist yet"));
    let (status, body) = api.get(&format!("/plans/{p}/as-of?date=31-02-2027")).await;
    assert_eq!(status, 422, "{body}");

    // R2 and R3: the 3rd review starts plan number 2.
    let mut plan = agree_again(&api, &p, &plan).await;
    for n in 2..=3 {
        let (status, opened) = open(&api, &p, version(&plan), "formal").await;
        assert_eq!(status, 201, "{opened}");
        let review = opened["reviews"]["reviews"][n - 1]["id"].as_str().unwrap().to_owned();
        let rated = rate_all(&api, &p, &review, &opened).await;
        let (status, closed) = close(&api, &p, &review, &rated).await;
        assert_eq!(status, 200, "{closed}");
        plan = closed["plan"].clone();
        if n == 2 {
            assert!(closed["next_plan"].is_null());
            plan = agree_again(&api, &p, &plan).await;
        } else {
            assert_eq!(plan["status"], "superseded");
            let next = &closed["next_plan"];
            assert_eq!(next["number"], 2);
            assert_eq!(next["status"], "draft");
            assert_eq!(next["person_id"], plan["person_id"]);
            let texts: Vec<&str> = next["content"]["provision"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["what"].as_str().unwrap())
                .collect();
            assert_eq!(
                texts,
                ["Daily check-in with a trusted adult"],
                "ended items stay behind"
            );
            assert!(next["reviews"]["added_at"].as_object().is_none_or(|m| m.is_empty()));
            let next_id = next["id"].as_str().unwrap();
            let (status, _) = api.get(&format!("/plans/{next_id}")).await;
            assert_eq!(status, 200);
            let (status, history) = api.get(&format!("/plans/{next_id}/changes")).await;
            assert_eq!(status, 200);
            assert!(
                history[0]["reason"]
                    .as_str()
                    .unwrap()
                    .contains("follows plan number 1 after its review R3")
            );
        }
    }
    // The old plan stays readable with its history; no review of it now.
    let old = current(&api, &p).await;
    assert_eq!(old["status"], "superseded");
    let (status, body) = open(&api, &p, version(&old), "formal").await;
    assert_eq!(status, 409, "{body}");
    assert!(error_of(&body, "status").unwrap().contains("superseded"), "{body}");
    let (status, history) = api.get(&format!("/plans/{p}/changes")).await;
    assert_eq!(status, 200);
    assert!(history.as_array().unwrap().len() as i64 == version(&old));
}
both!(formal_reviews_through_the_api);

async fn weekly_reviews_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("sam@example.org", "practitioner").await;
    let plan = api.plan("Jade", "SH").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let (status, list) = api.get(&format!("/plans/{p}/reviews")).await;
    assert_eq!(status, 200);
    assert!(list["safety_plan_last_checked"].is_null());
    let (status, plan) = open(&api, &p, version(&plan), "weekly").await;
    assert_eq!(status, 201, "{plan}");
    assert!(plan["reviews"]["reviews"][0]["number"].is_null());
    let review = plan["reviews"]["reviews"][0]["id"].as_str().unwrap().to_owned();
    // Closing before every question is answered is refused.
    let (status, body) = close(&api, &p, &review, &plan).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body, "answers").unwrap().contains("Last week"), "{body}");
    // Outcomes are not rated at a weekly review.
    let (status, body) = api
        .post(
            &format!("/plans/{p}/reviews/{review}/answers"),
            json!({"base_version": version(&plan), "ratings": [{"outcome_id": id(), "rating": "met"}]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, plan) = api
        .post(
            &format!("/plans/{p}/reviews/{review}/answers"),
            json!({"base_version": version(&plan), "answers": {
                "last_week": "We went to the GP", "emerging_issues": "None", "other_support_needs": "None",
                "this_week": "Tuesday 2pm: journal", "safety_plan": "Working"}}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    let (status, closed) = close(&api, &p, &review, &plan).await;
    assert_eq!(status, 200, "{closed}");
    let (_, list) = api.get(&format!("/plans/{p}/reviews")).await;
    assert_eq!(list["safety_plan_last_checked"], "2027-03-12");
    assert_eq!(list["planned_last_week"], "Tuesday 2pm: journal");
}
both!(weekly_reviews_through_the_api);

// ---------------------------------------------------------------------------
// In the browser
// ---------------------------------------------------------------------------

pub(crate) fn new_audit() -> Audit {
    Audit {
        axe: axe_source(),
        version: String::new(),
        pages: Vec::new(),
        problems: Vec::new(),
    }
}

pub(crate) fn assert_clean(audit: &Audit) {
    assert!(audit.problems.is_empty(), "{}", audit.problems.join("\n"));
    let serious: Vec<String> = audit
        .failures()
        .into_iter()
        .filter(|f| f.contains("[serious]") || f.contains("[critical]"))
        .collect();
    assert!(serious.is_empty(), "{}", serious.join("\n"));
}

async fn page_text(client: &Client) -> String {
    text(client, "main").await
}

pub(crate) async fn submit(client: &Client) {
    click(client, "main form[method=post] button[type=submit]").await;
}

/// Waits (up to 30 s: the whole suite loads both cores) until the page's
/// main text contains `what`.
async fn shows(client: &Client, what: &str) -> String {
    let mut seen = String::new();
    for _ in 0..300 {
        if let Ok(main) = client.find(Locator::Css("main")).await {
            seen = main.text().await.unwrap_or_default();
            if seen.contains(what) {
                return seen;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page never showed {what:?}: {seen}");
}

/// Starts formal review n of the plan from the plan page, closes it after
/// `during` changed the plan; returns the review page's text.
async fn formal_review(client: &Client, app_url: &str, p: &str, n: u32, audit: &mut Audit) {
    client.goto(&format!("{app_url}/plans/{p}")).await.unwrap();
    click(client, &format!("a[href='/plans/{p}/reviews/formal']")).await;
    shows(client, &format!("Start formal review R{n}")).await;
    if n == 1 {
        audit.check(client, "Start a formal review").await;
    }
    fill_date(client, "on", &format!("2027-0{}-12", n + 2)).await;
    submit(client).await;
    shows(client, &format!("Formal review R{n}")).await;
}

async fn rate_and_close(client: &Client, audit: &mut Audit, check: bool) {
    // Every current outcome's first rating ("Met").
    let radios = client
        .find_all(Locator::Css(
            "input.govuk-radios__input[id^='rating-']:not([id*='-met']):not([id*='_'])",
        ))
        .await
        .unwrap();
    let mut names = vec![];
    for r in radios {
        if let Some(name) = r.attr("name").await.unwrap()
            && !names.contains(&name)
        {
            names.push(name);
            r.click().await.unwrap();
        }
    }
    fill(client, "#answer-working_well", "The help card").await;
    fill(client, "#answer-person_views", "Leo likes the timer").await;
    if check {
        audit.check(client, "Formal review, open").await;
    }
    click(client, "button[value=close]").await;
}

async fn msp_cycle_in_the_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (p, _, step, [home, checkin], _) = agreed_msp(&api).await;
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = new_audit();
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "priya@example.org").await;
    let base = app.url("");
    let base = base.trim_end_matches('/');

    // R1: a target added, the home visits ended.
    formal_review(&client, base, &p, 1, &mut audit).await;
    client
        .goto(&app.url(&format!("/plans/{p}/sections/outcomes/add/target?parent={step}")))
        .await
        .unwrap();
    fill(
        &client,
        "#text",
        "By February half term, Leo will use his help card in 4 of 5 maths lessons",
    )
    .await;
    fill(&client, "#reason", "Agreed at R1").await;
    submit(&client).await;
    shows(&client, "Target added").await;
    client
        .goto(&app.url(&format!("/plans/{p}/sections/provision/items/provision/{home}/remove")))
        .await
        .unwrap();
    heading_is(&client, "End this provision?").await;
    audit.check(&client, "End a provision").await;
    fill(&client, "#reason", "Bedtimes are settled").await;
    submit(&client).await;
    shows(&client, "Provision ended").await;
    click(&client, "#open-review a").await;
    // Closing with no ratings names the outcome.
    fill(&client, "#answer-working_well", "The help card").await;
    click(&client, "button[value=close]").await;
    let summary = text(&client, ".govuk-error-summary").await;
    assert!(summary.contains("Rate the progress of outcome 1"), "{summary}");
    audit.check(&client, "Formal review, with errors").await;
    assert_eq!(
        client
            .find(Locator::Css("#answer-working_well"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("The help card"),
        "what was typed is kept"
    );
    rate_and_close(&client, &mut audit, true).await;
    let closed = shows(&client, "Review closed").await;
    assert!(closed.contains("asked to agree the reviewed plan"), "{closed}");
    audit.check(&client, "Formal review, closed").await;
    // The parties agree the reviewed plan (agreeing in the browser is
    // tested in agreements_browser.rs).
    let agreed = agree_all(&api, &p).await;
    assert_eq!(agreed["status"], "agreed", "{agreed}");

    // R2: provision added.
    formal_review(&client, base, &p, 2, &mut audit).await;
    client
        .goto(&app.url(&format!("/plans/{p}/sections/provision/add/provision")))
        .await
        .unwrap();
    fill(&client, "#what", "Lunchtime club twice a week with a trusted adult").await;
    fill(&client, "#reason", "Agreed at R2").await;
    submit(&client).await;
    shows(&client, "Provision added").await;
    click(&client, "#open-review a").await;
    rate_and_close(&client, &mut audit, false).await;
    shows(&client, "Review closed").await;
    let agreed = agree_all(&api, &p).await;
    assert_eq!(agreed["status"], "agreed", "{agreed}");
    client.goto(&app.url(&format!("/plans/{p}"))).await.unwrap();
    let page = shows(&client, "R2, 12 April 2027").await;

    // The plan page: R1 and R2 markers with dates, the ended provision struck
    // through with its words.
    assert!(page.contains("R1, 12 March 2027"), "{page}");
    assert!(page.contains("R2, 12 April 2027"), "{page}");
    let del = text(&client, "#provision del").await;
    assert_eq!(del, "Home visits for a calm bedtime routine");
    assert!(
        page.contains("Ended at R1, 12 March 2027: Bedtimes are settled"),
        "{page}"
    );
    audit.check(&client, "Plan page with markers").await;
    client.goto(&app.url(&format!("/plans/{p}/reviews"))).await.unwrap();
    shows(&client, "Formal review R2").await;
    audit.check(&client, "Reviews of a plan").await;
    client
        .goto(&app.url(&format!("/plans/{p}/compare?from=1&to=12")))
        .await
        .unwrap();
    let compared = shows(&client, "What differs").await;
    assert!(compared.contains("Added at R1"), "{compared}");
    audit.check(&client, "Compare versions").await;
    // The plan as it stood on a date (today: as it is now).
    let today = time::OffsetDateTime::now_utc().date().to_string();
    fill_date(&client, "on", &today).await;
    click(&client, "form[action$='#as-of'] button").await;
    let then = text(&client, "#as-of-plan").await;
    assert!(then.contains("Provision: Lunchtime club twice a week"), "{then}");
    assert!(
        then.contains("Home visits for a calm bedtime routine (Ended at R1, 12 March 2027: Bedtimes are settled)"),
        "{then}"
    );
    audit.check(&client, "The plan on a date").await;
    // The home visits offer no "Change" once ended.
    client.goto(&app.url(&format!("/plans/{p}"))).await.unwrap();
    shows(&client, "Lunchtime club").await;
    let source = client.source().await.unwrap();
    assert!(
        !source.contains(&format!("/items/provision/{home}\"")),
        "no change of an ended item"
    );
    assert!(source.contains(&format!("/items/provision/{checkin}\"")));

    // R3 starts plan number 2; plan 1 is still readable and linked.
    formal_review(&client, base, &p, 3, &mut audit).await;
    let warning = page_text(&client).await;
    assert!(warning.contains("closing it supersedes this plan"), "{warning}");
    rate_and_close(&client, &mut audit, false).await;
    shows(&client, "Review closed").await;
    click(&client, "#next-plan a").await;
    let next = shows(&client, "Follows plan number 1").await;
    assert!(next.contains("number 2"), "{next}");
    assert!(!next.contains("R1, 12 March 2027"), "no markers on the new plan");
    assert!(
        !next.contains("Home visits for a calm bedtime routine"),
        "no ended items"
    );
    audit.check(&client, "Plan number 2").await;
    click(&client, "#previous-plan a").await;
    let old = shows(&client, "Superseded by plan number 2").await;
    assert!(old.contains("R2, 12 April 2027"), "{old}");
    client.close().await.unwrap();
    assert_clean(&audit);
}
both!(msp_cycle_in_the_browser);

async fn sh_weekly_reviews_in_the_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("sam@example.org", "practitioner").await;
    let plan = api.plan("Jade", "SH").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let (o, risk) = (id(), id());
    let mut plan = plan;
    for c in [
        json!({"type": "item_added", "item": {"kind": "outcome", "id": o, "text": "By March 2027 Jade will pay her service charge on time every week"}}),
        json!({"type": "item_added", "item": {"kind": "risk", "id": risk, "risk": "Self-harm when overwhelmed at night"}}),
    ] {
        plan = change(&api, &p, version(&plan), None, c).await;
    }
    let (status, body) = api
        .post(
            &format!("/plans/{p}/parties"),
            json!({"base_version": version(&plan), "name": "Jade Thompson", "role": "person"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let plan = agree_all(&api, &p).await;
    assert_eq!(plan["status"], "agreed", "{plan}");
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut audit = new_audit();
    client.goto(&app.url("/sign-in")).await.unwrap();
    sign_in(&client, "sam@example.org").await;

    let weeks = [
        (
            "2027-02-01",
            "We registered Jade with the GP",
            "Tuesday 2pm: set up the journal",
            "working",
        ),
        (
            "2027-02-08",
            "",
            "Wednesday 10am: counselling referral",
            "needs_updating",
        ),
        ("2027-02-15", "", "Thursday 3pm: budget together", "working"),
    ];
    for (n, (on, last, this, safety)) in weeks.into_iter().enumerate() {
        client.goto(&app.url(&format!("/plans/{p}"))).await.unwrap();
        click(&client, &format!("a[href='/plans/{p}/reviews/weekly']")).await;
        heading_is(&client, "Jade's support plan").await;
        shows(&client, "Weekly support review").await;
        if n > 0 {
            // "Last week" starts from the previous review's "This week".
            let prefilled = client
                .find(Locator::Css("#answer-last_week"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default();
            assert_eq!(prefilled, weeks[n - 1].2, "week {}", n + 1);
        } else {
            // Saving with nothing answered shows what is missing.
            submit(&client).await;
            let summary = text(&client, ".govuk-error-summary").await;
            assert!(summary.contains("Say whether the safety plan is working"), "{summary}");
            audit.check(&client, "Weekly review, with errors").await;
            fill(&client, "#answer-last_week", last).await;
        }
        fill_date(&client, "on", on).await;
        fill(&client, "#answer-emerging_issues", "Nothing new").await;
        fill(&client, "#answer-other_support_needs", "None this week").await;
        fill(&client, "#answer-this_week", this).await;
        click(
            &client,
            if safety == "working" {
                "#safety"
            } else {
                "#safety-needs-updating"
            },
        )
        .await;
        if n == 0 {
            audit.check(&client, "Weekly review").await;
        }
        submit(&client).await;
        if safety == "needs_updating" {
            // The safety plan opens for editing in the same step.
            shows(&client, "Update the safety plan now").await;
            audit.check(&client, "Weekly review, safety plan to update").await;
            click(&client, "#safety-risks a").await;
            fill(&client, "#triggers", "Phone calls from her mum late at night").await;
            fill(&client, "#reason", "Safety plan updated at the weekly review").await;
            submit(&client).await;
            shows(&client, "Risk changed").await;
            click(&client, "#open-review a").await;
            click(&client, "button[value=close]").await;
        }
        shows(&client, "Review closed").await;
    }
    client.goto(&app.url(&format!("/plans/{p}"))).await.unwrap();
    let page = shows(&client, "Safety plan last checked: 15 February 2027").await;
    assert!(page.contains("Phone calls from her mum late at night"), "{page}");
    audit.check(&client, "SH plan page after weekly reviews").await;

    // And one formal review with the type's own questions.
    click(&client, &format!("a[href='/plans/{p}/reviews/formal']")).await;
    fill_date(&client, "on", "2027-03-01").await;
    submit(&client).await;
    shows(&client, "Do you still need supported accommodation?").await;
    click(&client, "input[name^='rating-']").await;
    fill(
        &client,
        "#answer-still_need_accommodation",
        "Yes, for another six months",
    )
    .await;
    fill(&client, "#answer-review_again", "Yes").await;
    click(&client, "button[value=close]").await;
    shows(&client, "Review closed").await;
    client.goto(&app.url(&format!("/plans/{p}/reviews"))).await.unwrap();
    let list = shows(&client, "Formal review R1, 1 March 2027").await;
    assert_eq!(list.matches("Weekly support review,").count(), 3, "{list}");
    client.close().await.unwrap();
    assert_clean(&audit);
}
both!(sh_weekly_reviews_in_the_browser);

/// The demo: Leo's MSP has two completed formal reviews with markers and an
/// ended provision; Jade's SH plan has weekly reviews, one of which updated
/// her safety plan. Both shown on their plan pages.
async fn demo_has_reviews(backend: Backend) {
    let (url, _dir) = crate::helpers::fresh_database(backend).await;
    let app = crate::helpers::spawn_on_url(backend, url).await;
    assert!(goldthread::demo::load_if_empty(&app.store).await.unwrap());
    let priya = crate::helpers::Browser::new(&app.url(""));
    priya
        .sign_in("priya.shah@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let sam = crate::helpers::Browser::new(&app.url(""));
    sam.sign_in("sam.okafor@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let admin = app.store.user_by_email("admin@example.org").await.unwrap().unwrap();
    let token = goldthread::auth::new_api_token();
    app.store
        .create_api_token(admin.id, "test", &goldthread::auth::token_hash(&token))
        .await
        .unwrap();
    let api = app.api_with_token(&token);
    let (_, list) = api.get("/plans?limit=50").await;
    let id_of = |t: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["plan_type"] == t)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (leo, jade) = (id_of("MSP"), id_of("SH"));

    let (_, reviews) = api.get(&format!("/plans/{leo}/reviews")).await;
    let formal: Vec<&Value> = reviews["reviews"].as_array().unwrap().iter().collect();
    assert_eq!(formal.len(), 2);
    assert!(
        formal
            .iter()
            .all(|r| r["kind"] == "formal" && !r["closed_on"].is_null())
    );
    let (status, page) = priya.get(&format!("/plans/{leo}")).await;
    assert_eq!(status, 200);
    let main = crate::helpers::text_of(&page, "main").unwrap();
    assert!(main.contains("R1, 19 October 2026"), "the target added at R1");
    assert!(main.contains("R2, 30 November 2026"), "the lunchtime club added at R2");
    assert!(main.contains("Ended at R1, 19 October 2026: The bedtime routine is settled"));
    assert!(page.contains("<del>Home visits"), "struck through");
    let (_, plan) = api.get(&format!("/plans/{leo}")).await;
    assert_eq!(plan["status"], "agreed", "agreed again after each review");

    let (_, reviews) = api.get(&format!("/plans/{jade}/reviews")).await;
    let weekly = reviews["reviews"].as_array().unwrap();
    assert!(weekly.len() >= 3 && weekly.iter().all(|r| r["kind"] == "weekly"));
    assert_eq!(reviews["safety_plan_last_checked"], "2026-11-02");
    let (_, page) = sam.get(&format!("/plans/{jade}")).await;
    assert!(
        crate::helpers::text_of(&page, "#safety-last-checked")
            .unwrap()
            .contains("Safety plan last checked: 2 November 2026")
    );
    assert!(page.contains("Phone calls from her mum"));
}
both!(demo_has_reviews);
