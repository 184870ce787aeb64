//! One set of rules behind every door: the general `/changes` route, the
//! forms and the specific routes refuse the same things, naming the same
//! field, with nothing written; a party's user must be an active user; one
//! active plan of a type per person holds under concurrent creations; a
//! hidden plan is never revealed; the budget has one set of figures.

use std::collections::BTreeSet;

use goldthread_domain::plan::Change;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both;
use crate::helpers::{Api, Backend, csrf_of, spawn_app, text_of};

/// The name of a change's variant. The match is exhaustive, so a new
/// variant does not compile until the test below covers it.
fn variant(change: &Change) -> &'static str {
    match change {
        Change::Created { .. } => "created",
        Change::DetailsEdited { .. } => "details_edited",
        Change::PartyAdded { .. } => "party_added",
        Change::PartyEdited { .. } => "party_edited",
        Change::PartyRemoved { .. } => "party_removed",
        Change::LeadProfessionalSet { .. } => "lead_professional_set",
        Change::StatusChanged { .. } => "status_changed",
        Change::TextsSet { .. } => "texts_set",
        Change::ItemAdded { .. } => "item_added",
        Change::ItemEdited { .. } => "item_edited",
        Change::ItemRemoved { .. } => "item_removed",
        Change::BudgetSet { .. } => "budget_set",
        Change::OtherPlansSet { .. } => "other_plans_set",
        Change::SocialCareChecklistSet { .. } => "social_care_checklist_set",
        Change::HealthChecklistSet { .. } => "health_checklist_set",
        Change::CompulsoryMeasuresSet { .. } => "compulsory_measures_set",
        Change::AgreementRequiredSet { .. } => "agreement_required_set",
        Change::AgreementRecorded { .. } => "agreement_recorded",
        Change::ApprovalRequired { .. } => "approval_required",
        Change::ApprovalGiven { .. } => "approval_given",
        Change::ApprovalRefused { .. } => "approval_refused",
        Change::ReviewOpened { .. } => "review_opened",
        Change::ReviewAnswered { .. } => "review_answered",
        Change::ReviewClosed { .. } => "review_closed",
        Change::ItemEnded { .. } => "item_ended",
        Change::ContinuedFrom { .. } => "continued_from",
        Change::ContinuedAs { .. } => "continued_as",
        Change::ConsentRecorded { .. } => "consent_recorded",
    }
}
const VARIANTS: usize = 28;

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn append(api: &Api, id: &str, change: Value) -> (u16, Value) {
    let (_, plan) = api.get(&format!("/plans/{id}")).await;
    api.post(
        &format!("/plans/{id}/changes"),
        json!({"base_version": plan["version"], "change": change}),
    )
    .await
}

/// Appends a change that must be accepted.
async fn accepted(api: &Api, id: &str, change: Value) -> Value {
    let (status, plan) = append(api, id, change).await;
    assert_eq!(status, 201, "{plan}");
    plan
}

/// Every `Change` variant posted to `/changes` with a value its form (or
/// its specific route) refuses: 422 naming the same field, nothing written.
async fn every_change_variant_refuses_what_its_form_refuses(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("sam@example.org", "admin").await;
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let party_id = Uuid::new_v4();
    let outcome_id = Uuid::new_v4();
    accepted(
        &api,
        &id,
        json!({"type": "party_added", "party": {"id": party_id, "name": "Claire Martin", "role": "parent_carer",
            "agency": null, "relationship": "Mum", "contact": null, "user_id": null}}),
    )
    .await;
    accepted(
        &api,
        &id,
        json!({"type": "item_added", "item": {"kind": "outcome", "id": outcome_id,
            "text": "Leo will ask an adult for help when he is stuck, 4 times out of 5, by July 2027"}}),
    )
    .await;

    let long = "x".repeat(10_001);
    let party = |name: &str, field: (&str, Value)| {
        let mut party = json!({"id": party_id, "name": name, "role": "parent_carer", "agency": null,
            "relationship": null, "contact": null, "user_id": null});
        party[field.0] = field.1;
        party
    };
    let link = json!({"plan_id": Uuid::new_v4(), "plan_type": "PB", "number": 1, "kind": "transfer"});
    let cases: Vec<(Value, &str)> = vec![
        // Plans are linked only by a transfer.
        (
            json!({"type": "continued_from", "from": link, "content": {}, "parties": [], "lead_party_id": null}),
            "change",
        ),
        (json!({"type": "continued_as", "to": link}), "change"),
        (
            json!({"type": "created", "person_id": Uuid::new_v4(), "plan_type": "MSP", "number": 2,
                "details": {"title": "Another", "start_date": null, "review_interval_weeks": null}}),
            "change",
        ),
        (
            json!({"type": "details_edited", "details": {"title": "", "start_date": null, "review_interval_weeks": null}}),
            "title",
        ),
        (
            json!({"type": "details_edited", "details": {"title": "t".repeat(100_000), "start_date": null, "review_interval_weeks": null}}),
            "title",
        ),
        (
            json!({"type": "details_edited", "details": {"title": "Leo's plan", "start_date": null, "review_interval_weeks": 0}}),
            "review_interval_weeks",
        ),
        (
            json!({"type": "party_added", "party": party("", ("id", json!(Uuid::new_v4())))}),
            "name",
        ),
        (
            json!({"type": "party_added", "party": party("Mrs Jones", ("contact", json!("c".repeat(201))))}),
            "contact",
        ),
        (
            json!({"type": "party_added", "party": party("Ruby's health visitor", ("role", json!("named_person")))}),
            "role",
        ),
        (
            json!({"type": "party_edited", "party": party("Claire", ("relationship", json!("Mum\u{0}")))}),
            "relationship",
        ),
        (
            json!({"type": "party_edited", "party": party("Claire", ("agency", json!("a".repeat(201))))}),
            "agency",
        ),
        (json!({"type": "party_removed", "party_id": Uuid::new_v4()}), "party_id"),
        (
            json!({"type": "lead_professional_set", "party_id": Uuid::new_v4()}),
            "party_id",
        ),
        (json!({"type": "status_changed", "to": "under_review"}), "status"),
        (
            json!({"type": "texts_set", "section": "profile", "texts": {"important_to_me": "Lego\u{1b}"}}),
            "important_to_me",
        ),
        (
            json!({"type": "texts_set", "section": "no_such_section", "texts": {}}),
            "section",
        ),
        (
            json!({"type": "item_added", "item": {"kind": "provision", "id": Uuid::new_v4(),
                "what": "1:1 support", "frequency": {"times": 100, "per": "day"}, "duration_minutes": 600}}),
            "frequency",
        ),
        (
            json!({"type": "item_added", "item": {"kind": "provision", "id": Uuid::new_v4(),
                "what": "Gym", "weekly_cost_pence": -1250}}),
            "weekly_cost_pence",
        ),
        (
            json!({"type": "item_added", "item": {"kind": "budget_item", "id": Uuid::new_v4(),
                "what": "Gym", "cost_pence": 100_000_001, "period": "week"}}),
            "cost_pence",
        ),
        (
            json!({"type": "item_edited", "item": {"kind": "outcome", "id": outcome_id, "text": "   "}}),
            "text",
        ),
        (
            json!({"type": "item_removed", "item_kind": "need", "id": Uuid::new_v4()}),
            "id",
        ),
        (
            json!({"type": "budget_set", "budget": {"amount_pence": -1, "period": "year"}}),
            "amount_pence",
        ),
        (
            json!({"type": "other_plans_set", "plans": [{"kind": "taf",
                "consent": {"given_by": " ", "date": "2026-09-07"}}]}),
            "consent_by",
        ),
        (
            json!({"type": "social_care_checklist_set", "checklist": {"notes": long}}),
            "notes",
        ),
        (
            json!({"type": "health_checklist_set", "checklist": {"signed": "s".repeat(201)}}),
            "signed",
        ),
        (
            json!({"type": "compulsory_measures_set", "measures": {"in_place": true}}),
            "measure",
        ),
        (
            json!({"type": "agreement_required_set", "party_id": Uuid::new_v4(), "required": true}),
            "party_id",
        ),
        (
            json!({"type": "agreement_recorded", "agreement": {"party_id": party_id, "version": 1,
                "content_hash": "c1:00", "on": "2027-01-20",
                "response": {"kind": "agreed", "typed_name": "Claire Marten", "statement": "We agree"}}}),
            "typed_name",
        ),
        (
            json!({"type": "agreement_recorded", "agreement": {"party_id": party_id, "version": 1,
                "content_hash": "c1:00", "on": "2027-01-20",
                "response": {"kind": "agreed", "typed_name": "Claire Martin", "statement": "We agree"}}}),
            "version",
        ),
        (
            json!({"type": "approval_required", "approver_roles": ["social_worker"]}),
            "approver_roles",
        ),
        (
            json!({"type": "approval_given", "approval": {"party_id": party_id, "version": 1,
                "content_hash": "c1:00", "on": "2027-01-20"}}),
            "party_id",
        ),
        (
            json!({"type": "approval_refused", "approval": {"party_id": party_id, "version": 1,
                "content_hash": "c1:00", "on": "2027-01-20"}, "reason": " "}),
            "reason",
        ),
        (
            json!({"type": "consent_recorded", "consent": {"purpose": "sharing", "organisation": "Kirklees Health Visiting",
                "decision": "withdrawn", "given_by": "Claire Martin", "on": "2027-01-20"}}),
            "decision",
        ),
        (
            json!({"type": "review_opened", "review_id": Uuid::new_v4(), "kind": "formal",
                "on": "2027-03-12", "participants": []}),
            "participants",
        ),
        (
            json!({"type": "review_answered", "review_id": Uuid::new_v4(), "answers": {}}),
            "review_id",
        ),
        (
            json!({"type": "review_closed", "review_id": Uuid::new_v4(), "on": "2027-03-12"}),
            "review_id",
        ),
        (
            json!({"type": "item_ended", "item_kind": "outcome", "id": outcome_id,
                "on": "2027-03-12", "reason": " "}),
            "reason",
        ),
    ];

    let (_, before) = api.get(&format!("/plans/{id}")).await;
    let (_, log_before) = api.get(&format!("/plans/{id}/changes")).await;
    let mut covered = BTreeSet::new();
    for (change, field) in cases {
        let parsed: Change = serde_json::from_value(change.clone()).unwrap_or_else(|e| panic!("{e}: {change}"));
        covered.insert(variant(&parsed));
        let (status, problem) = append(&api, &id, change.clone()).await;
        assert_eq!(status, 422, "{change}: {problem}");
        assert!(
            fields(&problem).iter().any(|f| f == field),
            "{} should name {field}: {problem}",
            variant(&parsed)
        );
    }
    assert_eq!(covered.len(), VARIANTS, "every variant is tried: {covered:?}");
    let (_, after) = api.get(&format!("/plans/{id}")).await;
    let (_, log_after) = api.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(after["version"], before["version"], "nothing written");
    assert_eq!(log_after, log_before, "nothing written");

    // The forms refuse the same values, naming the same fields.
    let browser = app.signed_in("sam@example.org").await;
    let version = before["version"].as_i64().unwrap().to_string();
    for (page, action, values, field) in [
        (
            format!("/plans/{id}/details"),
            format!("/plans/{id}/details"),
            vec![("title", "t".repeat(201))],
            "title",
        ),
        (
            format!("/plans/{id}/details"),
            format!("/plans/{id}/details"),
            vec![("title", "Leo's plan".into()), ("review_interval_weeks", "0".into())],
            "review_interval_weeks",
        ),
        (
            format!("/plans/{id}/parties/new"),
            format!("/plans/{id}/parties/new"),
            vec![
                ("name", "Mrs Jones".into()),
                ("role", "teacher".into()),
                ("contact", "c".repeat(201)),
            ],
            "contact",
        ),
        (
            format!("/plans/{id}/parties/new"),
            format!("/plans/{id}/parties/new"),
            vec![("name", "Health visitor".into()), ("role", "named_person".into())],
            "role",
        ),
        (
            format!("/plans/{id}/sections/provision/add/provision"),
            format!("/plans/{id}/sections/provision/add/provision"),
            vec![
                ("what", "1:1 support".into()),
                ("times", "100".into()),
                ("per", "day".into()),
                ("duration_minutes", "600".into()),
            ],
            // The form types the frequency in as "times".
            "times",
        ),
    ] {
        let (_, html) = browser.get(&page).await;
        let token = csrf_of(&html).unwrap_or_else(|| panic!("no form on {page}"));
        let mut fields: Vec<(&str, &str)> = vec![("base_version", version.as_str())];
        fields.extend(values.iter().map(|(k, v)| (*k, v.as_str())));
        let response = browser.post_raw(&action, &token, &fields).await;
        assert_eq!(response.status(), 422, "{action} {field}");
        let html = response.text().await.unwrap();
        let link = format!(".govuk-error-summary a[href='#{field}']");
        assert!(text_of(&html, &link).is_some(), "{action} names {field}");
    }
    let (_, log_after) = api.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(log_after, log_before, "nothing written by the forms either");
}
both!(every_change_variant_refuses_what_its_form_refuses);

/// A party's `user_id` must name an active user, whichever door: an unknown
/// id was a 500 (a foreign-key failure) and a deactivated user was granted
/// access.
async fn a_partys_user_must_exist_and_be_active(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("sam@example.org", "admin").await;
    let (tom, tom_api) = app.api_user("tom@example.org", "practitioner").await;
    let plan = api.plan("Leo", "MSP").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let party = |user_id: Uuid| {
        json!({"type": "party_added", "party": {"id": Uuid::new_v4(), "name": "Dr Tom Price",
            "role": "health_professional", "agency": null, "relationship": null, "contact": null, "user_id": user_id}})
    };

    let (status, problem) = append(&api, &id, party(Uuid::new_v4())).await;
    // Well formed, refused by what is stored: 409.
    assert_eq!(status, 409, "{problem}");
    assert_eq!(fields(&problem), ["user_id"]);

    app.store.set_user_active(tom.id, false).await.unwrap();
    let (status, problem) = append(&api, &id, party(tom.id)).await;
    // Well formed, refused by what is stored: 409.
    assert_eq!(status, 409, "{problem}");
    assert_eq!(fields(&problem), ["user_id"]);
    // The parties route says the same.
    let (status, problem) = api
        .post(
            &format!("/plans/{id}/parties"),
            json!({"base_version": 1, "name": "Dr Tom Price", "role": "health_professional", "user_id": tom.id}),
        )
        .await;
    // Well formed, refused by what is stored: 409.
    assert_eq!(status, 409, "{problem}");
    assert_eq!(fields(&problem), ["user_id"]);
    let (_, log) = api.get(&format!("/plans/{id}/changes")).await;
    assert_eq!(log.as_array().unwrap().len(), 1, "nothing written");

    // Reactivated later, Tom was granted nothing. Deactivation revoked his
    // old API token for good (issue 7), so he uses a new one.
    app.store.set_user_active(tom.id, true).await.unwrap();
    assert_eq!(tom_api.get("/me").await.0, 401);
    let token = goldthread::auth::new_api_token();
    app.store
        .create_api_token(tom.id, "after reactivation", &goldthread::auth::token_hash(&token))
        .await
        .unwrap();
    let tom_api = app.api_with_token(&token);
    let (status, _) = tom_api.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 404);
    // Once active, he can be added and then sees the plan.
    accepted(&api, &id, party(tom.id)).await;
    let (status, _) = tom_api.get(&format!("/plans/{id}")).await;
    assert_eq!(status, 200);
}
both!(a_partys_user_must_exist_and_be_active);

/// Ten creations of the same type for one person at once: the database
/// keeps exactly one; every other request gets the clear message.
async fn one_active_plan_holds_under_concurrent_creations(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("sam@example.org", "admin").await;
    // Three people, so that the race is really run on a small machine.
    for given in ["Jade", "Amir", "Kai"] {
        let person = api.person(given, "Thompson").await;
        let requests = (0..10).map(|_| api.post("/plans", json!({"person_id": person, "plan_type": "SH"})));
        let results = futures_util::future::join_all(requests).await;
        let created = results.iter().filter(|(status, _)| *status == 201).count();
        assert_eq!(created, 1, "{results:?}");
        for (status, problem) in results.iter().filter(|(status, _)| *status != 201) {
            // A well-formed request that what is stored refuses: 409.
            assert_eq!(*status, 409, "{problem}");
            assert_eq!(fields(problem), ["plan_type"], "{problem}");
            let detail = problem["errors"][0]["message"].as_str().unwrap();
            assert!(
                detail.contains("already has an active") || detail.contains("Ask an administrator"),
                "{detail}"
            );
        }
        let (_, plans) = api.get(&format!("/plans?person_id={person}")).await;
        assert_eq!(plans["total"], 1);
    }
}
both!(one_active_plan_holds_under_concurrent_creations);

/// A plan the user may not see is never revealed by trying to start
/// another of its type: not named, not linked, not counted in the number.
async fn a_hidden_plan_is_not_revealed_by_starting_another(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.api_user("sam@example.org", "admin").await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    // Priya adds Leo; the administrator starts an MSP for him she cannot see.
    let person = priya.person("Leo", "Martin").await;
    let (status, hidden) = admin
        .post("/plans", json!({"person_id": person, "plan_type": "MSP"}))
        .await;
    assert_eq!(status, 201, "{hidden}");
    let hidden_id = hidden["id"].as_str().unwrap().to_owned();
    assert_eq!(priya.get(&format!("/plans/{hidden_id}")).await.0, 404);

    let (status, problem) = priya
        .post("/plans", json!({"person_id": person, "plan_type": "MSP"}))
        .await;
    assert_eq!(status, 409, "{problem}");
    let text = problem.to_string();
    assert!(text.contains("Ask an administrator"), "{text}");
    assert!(!text.contains(&hidden_id), "the hidden plan is not named: {text}");
    assert!(!text.contains("active"), "nor whether it is active: {text}");

    // Closed, it is still not counted into a number she would be given:
    // the same answer, word for word.
    let (status, closed) = admin
        .post(
            &format!("/plans/{hidden_id}/status"),
            json!({"base_version": 1, "status": "closed", "reason": "Moved away"}),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    let (status, again) = priya
        .post("/plans", json!({"person_id": person, "plan_type": "MSP"}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(again["errors"], problem["errors"]);

    // The page says the same, with no link to the hidden plan.
    let browser = app.signed_in("priya@example.org").await;
    let page = format!("/people/{person}/plans/new");
    let response = browser.submit(&page, &page, &[("plan_type", "MSP")]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Ask an administrator"));
    assert!(!html.contains(&hidden_id));

    // A type she can see is numbered from the plans she can see.
    let (status, sh) = priya
        .post("/plans", json!({"person_id": person, "plan_type": "SH"}))
        .await;
    assert_eq!(status, 201, "{sh}");
    assert_eq!(sh["number"], 1);
    // The administrator, who sees everything, is told plainly.
    let (status, problem) = admin
        .post("/plans", json!({"person_id": person, "plan_type": "SH"}))
        .await;
    assert_eq!(status, 409);
    assert!(problem.to_string().contains("already has an active"), "{problem}");
}
both!(a_hidden_plan_is_not_revealed_by_starting_another);

/// The demo's PB plan: the checks panel on the plan page, the API's checks
/// and the domain's summary give the same budget figures (one computation).
async fn the_budget_has_one_set_of_figures(backend: Backend) {
    let app = spawn_app(backend).await;
    goldthread::demo::load_if_empty(&app.store).await.unwrap();
    let admin = app.store.user_by_email("admin@example.org").await.unwrap().unwrap();
    let token = goldthread::auth::new_api_token();
    app.store
        .create_api_token(admin.id, "test", &goldthread::auth::token_hash(&token))
        .await
        .unwrap();
    let api = app.api_with_token(&token);
    let (_, plans) = api.get("/plans?plan_type=PB").await;
    let id = plans["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, plan) = api.get(&format!("/plans/{id}")).await;
    let plan: goldthread_domain::plan::Plan = serde_json::from_value(plan).unwrap();
    let summary = goldthread_domain::budget::BudgetSummary::of(&plan.content).expect("the PB plan has a budget");

    // Amir's budget is £13,200 a year; his PA is written both as provision
    // and as a budget line, and is counted once.
    assert_eq!(summary.amount_pence, 1_320_000);
    assert_eq!(summary.weekly_pence, 25_385);
    assert_eq!(summary.provision_weekly_pence, 22_000);
    assert_eq!(summary.planned_uses_weekly_pence, 25_354);
    assert_eq!(summary.committed_weekly_pence, 25_354);
    assert_eq!(summary.remaining_weekly_pence, 31);
    assert!(!summary.overspent());

    let (status, checks) = api.get(&format!("/plans/{id}/checks")).await;
    assert_eq!(status, 200);
    assert_eq!(
        checks["realism"]["budget_summary"],
        serde_json::to_value(&summary).unwrap(),
        "the API gives the same figures"
    );
    assert!(
        checks["realism"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["kind"] != "cost_over_budget" && w["kind"] != "committed_over_budget"),
        "{}",
        checks["realism"]
    );

    let browser = app
        .signed_in_with("admin@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let (_, html) = browser.get(&format!("/plans/{id}")).await;
    assert!(
        html.contains(&summary.sentence()),
        "the checks panel shows the same figures: {}",
        summary.sentence()
    );
    // The budget section shows the same committed and remaining figures.
    let lines = summary.lines();
    assert_eq!(lines[3].1, "£253.54 a week (£13,184.00 a year)");
    assert_eq!(lines[4].1, "£0.31 a week (£16.00 a year)");
    for (label, value) in lines.iter().skip(1) {
        assert!(
            html.contains(value.as_str()),
            "the budget section shows {label}: {value}"
        );
    }
}

/// Money typed into a form is read as people mean it, by the domain's one
/// parser: "12,50" is refused (not stored as £1,250.00) with what was typed
/// kept; "£1,250.00" and "1,250" are read right and shown as `£1,250.00`.
async fn money_is_read_as_people_mean_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("sam@example.org", "admin").await;
    let plan = api.plan("Amir", "PB").await;
    let id = plan["id"].as_str().unwrap().to_owned();
    // A PB plan starts at version 2: its log records that it needs funding
    // approval.
    assert_eq!(plan["version"], 2);
    let browser = app.signed_in("sam@example.org").await;
    let record = format!("/plans/{id}/sections/budget/record");

    let response = browser
        .submit(
            &record,
            &record,
            &[("base_version", "2"), ("amount", "12,50"), ("period", "week")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let message = text_of(&html, ".govuk-error-summary a[href='#amount']").unwrap();
    assert!(message.contains("Use a full stop for pence"), "{message}");
    assert_eq!(
        crate::helpers::attr_of(&html, "#amount", "value").as_deref(),
        Some("12,50"),
        "what was typed is kept"
    );
    assert_eq!(
        api.get(&format!("/plans/{id}")).await.1["version"],
        2,
        "nothing written"
    );

    let response = browser
        .submit(
            &record,
            &record,
            &[("base_version", "2"), ("amount", " £ 1,250.00 "), ("period", "year")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let add = format!("/plans/{id}/sections/budget/add/budget_item");
    let response = browser
        .submit(
            &add,
            &add,
            &[
                ("base_version", "3"),
                ("what", "Gym"),
                ("cost", "1,250"),
                ("period", "year"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, plan) = api.get(&format!("/plans/{id}")).await;
    assert_eq!(plan["content"]["budget"]["amount_pence"], 125_000);
    assert_eq!(plan["content"]["budget_items"][0]["cost_pence"], 125_000);
    let (_, html) = browser.get(&format!("/plans/{id}")).await;
    assert!(html.contains("£1,250.00 a year"));
    let (_, history) = browser.get(&format!("/plans/{id}/history")).await;
    assert!(
        history.contains("Set the personal budget to £1,250.00 a year"),
        "history describes money the same way"
    );
}
both!(money_is_read_as_people_mean_it);
both!(the_budget_has_one_set_of_figures);
