//! Clocks that run from a request (issue 11, SPEC R4): a request recorded
//! through the API and the page starts the plan type's clock, its due date
//! goes onto the dashboard and into the reminders of the person
//! responsible, and a met request leaves them; bad input is refused naming
//! the field, nothing typed lost; records are append-only. And a team's
//! manager, who sees its dashboard, is set on the team's page.

use serde_json::{Value, json};
use time::macros::date;

use crate::both;
use crate::helpers::*;

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// An MSP plan started on 7 September 2026 for Leo, reviewed after 20
/// weeks (not due in these tests).
async fn msp_plan(api: &Api) -> String {
    let person = api.person("Leo", "Tester").await;
    let (status, plan) = api
        .post(
            "/plans",
            json!({"person_id": person, "plan_type": "MSP", "start_date": "2026-09-07", "review_interval_weeks": 20}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    plan["id"].as_str().unwrap().to_owned()
}

fn dashboard_lines(board: &Value, list: &str) -> Vec<String> {
    board["lists"][list]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} | {} | {} | {}",
                d["item"]["kind"].as_str().unwrap(),
                d["item"]["label"].as_str().unwrap(),
                d["item"]["due"].as_str().unwrap(),
                d["days"]
            )
        })
        .collect()
}

/// Wednesday 9 December 2026.
async fn a_request_runs_its_clock_until_it_is_met(backend: Backend) {
    let today = date!(2026 - 12 - 09);
    let app = spawn_app_with(backend, |c| c.today = Some(today)).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let p = msp_plan(&priya).await;

    // Asked for on Monday 2 November: the decision is due 6 weeks on,
    // Monday 14 December (next week: not yet on the dashboard's lists).
    let (status, first) = priya
        .post(
            &format!("/plans/{p}/requests"),
            json!({"clock": "assessment_decision", "date": "2026-11-02",
                   "requested_by": "Mair Jones (Mum)", "what": "An EHC needs assessment"}),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["status"]["due"], "2026-12-14");
    assert_eq!(first["status"]["length"], "6 weeks");
    assert_eq!(first["status"]["state"], json!({"state": "running", "days_left": 5}));
    assert!(first["met"].is_null());
    // Asked for on 26 October: due 7 December, two days overdue.
    let (status, second) = priya
        .post(
            &format!("/plans/{p}/requests"),
            json!({"clock": "assessment_decision", "date": "2026-10-26",
                   "requested_by": "Oakfield Primary School", "what": "An assessment of Leo's hearing needs"}),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    let label = "Decision on a request for an EHC needs assessment";
    let (_, board) = priya.get("/dashboard").await;
    assert_eq!(
        dashboard_lines(&board, "overdue"),
        [format!(
            "request | {label}: An assessment of Leo's hearing needs | 2026-12-07 | -2"
        )]
    );
    assert!(dashboard_lines(&board, "due_this_week").is_empty());
    // On Friday 11 December the first is due soon: a reminder each, for
    // Priya (the plan's creator; it has no Lead Professional).
    let written = goldthread::reminders::run_with(&app.store, date!(2026 - 12 - 11), None)
        .await
        .unwrap();
    let mut reminders: Vec<(String, String)> = written.iter().map(|r| (r.kind.clone(), r.label.clone())).collect();
    reminders.sort();
    assert_eq!(
        reminders,
        [
            ("due_soon".to_owned(), format!("{label}: An EHC needs assessment")),
            (
                "overdue".to_owned(),
                format!("{label}: An assessment of Leo's hearing needs")
            ),
        ]
    );

    // The overdue one is met on 8 December: it leaves the lists.
    let s = second["id"].as_str().unwrap();
    let (status, met) = priya
        .post(
            &format!("/plans/{p}/requests/{s}/met"),
            json!({"date": "2026-12-08", "note": "The panel agreed to assess"}),
        )
        .await;
    assert_eq!(status, 201, "{met}");
    assert_eq!(met["met"]["date"], "2026-12-08");
    assert_eq!(
        met["status"]["state"],
        json!({"state": "done", "on": "2026-12-08", "late": true})
    );
    let (_, board) = priya.get("/dashboard").await;
    assert!(dashboard_lines(&board, "overdue").is_empty(), "{board}");
    let (_, list) = priya.get(&format!("/plans/{p}/requests")).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["request"]["requested_by"], "Oakfield Primary School");
    assert_eq!(list[0]["met"]["note"], "The panel agreed to assess");
    assert!(list[1]["met"].is_null());

    // Bad input, each refused naming the field; nothing written.
    let post = |body: Value| {
        let priya = &priya;
        let p = p.clone();
        async move { priya.post(&format!("/plans/{p}/requests"), body).await }
    };
    let full = |clock: &str, date: &str| json!({"clock": clock, "date": date, "requested_by": "Mair Jones", "what": "An assessment"});
    let (status, problem) = post(full("birthday", "2026-12-01")).await;
    assert_eq!((status, fields(&problem)), (409, vec!["clock".to_owned()]), "{problem}");
    assert!(problem.to_string().contains("assessment_decision"), "{problem}");
    let (status, problem) = post(full("assessment_decision", "2026-12-10")).await;
    assert_eq!((status, fields(&problem)), (422, vec!["date".to_owned()]), "{problem}");
    let (status, problem) = post(full("assessment_decision", "2026-09-06")).await;
    assert_eq!((status, fields(&problem)), (409, vec!["date".to_owned()]), "{problem}");
    assert!(problem.to_string().contains("before the plan existed"), "{problem}");
    let (status, problem) = post(full("assessment_decision", "2026-02-30")).await;
    assert_eq!((status, fields(&problem)), (422, vec!["date".to_owned()]), "{problem}");
    let (status, problem) = post(json!({"clock": "assessment_decision"})).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["date", "requested_by", "what"]);
    let f = first["id"].as_str().unwrap();
    let (status, problem) = priya
        .post(&format!("/plans/{p}/requests/{f}/met"), json!({"date": "2026-11-01"}))
        .await;
    assert_eq!((status, fields(&problem)), (409, vec!["date".to_owned()]), "{problem}");
    assert!(problem.to_string().contains("before it was made"), "{problem}");
    let (status, problem) = priya
        .post(&format!("/plans/{p}/requests/{s}/met"), json!({"date": "2026-12-09"}))
        .await;
    assert_eq!((status, fields(&problem)), (409, vec!["date".to_owned()]), "{problem}");
    assert!(problem.to_string().contains("already met"), "{problem}");
    let (status, _) = priya
        .post(
            &format!("/plans/{p}/requests/{}/met", uuid::Uuid::new_v4()),
            json!({"date": "2026-12-09"}),
        )
        .await;
    assert_eq!(status, 404);
    let (_, list) = priya.get(&format!("/plans/{p}/requests")).await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    // A plan type with no request clocks: refused as a conflict.
    let person = priya.person("Kai", "Tester").await;
    let (_, yp) = priya
        .post(
            "/plans",
            json!({"person_id": person, "plan_type": "YP", "start_date": "2026-09-01"}),
        )
        .await;
    let (status, problem) = priya
        .post(
            &format!("/plans/{}/requests", yp["id"].as_str().unwrap()),
            full("assessment_decision", "2026-12-01"),
        )
        .await;
    assert_eq!((status, fields(&problem)), (409, vec!["clock".to_owned()]), "{problem}");

    // Append-only: the database refuses to change or remove a request.
    for sql in [
        "UPDATE clock_requests SET clock = 'x'",
        "DELETE FROM clock_requests_met",
    ] {
        assert!(app.store.execute_unchecked(sql).await.is_err(), "{sql}");
    }

    // Someone who may not see the plan finds nothing.
    let (_, tom) = app.api_user("tom@example.org", "practitioner").await;
    let (status, _) = tom.get(&format!("/plans/{p}/requests")).await;
    assert_eq!(status, 404);
    let (status, _) = tom
        .post(
            &format!("/plans/{p}/requests"),
            full("assessment_decision", "2026-12-01"),
        )
        .await;
    assert_eq!(status, 404);
}
both!(a_request_runs_its_clock_until_it_is_met);

/// The page: the open and met lists with their due dates, the form that
/// keeps what was typed when refused, and marking one met.
async fn requests_on_the_page(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let p = msp_plan(&priya).await;
    let browser = app.signed_in("priya@example.org").await;
    let page = format!("/plans/{p}/requests");
    let (status, html) = browser.get(&format!("/plans/{p}/progress")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("href=\"{page}\"")));

    // A date in the future: refused, what was typed shown again.
    let response = browser
        .submit(
            &page,
            &page,
            &[
                ("request-clock", "assessment_decision"),
                ("request-date-day", "10"),
                ("request-date-month", "12"),
                ("request-date-year", "2026"),
                ("request-by", "Mair Jones (Mum)"),
                ("request-what", "An EHC needs assessment"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"request-date-error\""), "{html}");
    assert!(html.contains("value=\"Mair Jones (Mum)\"") && html.contains("An EHC needs assessment</textarea>"));

    let response = browser
        .submit(
            &page,
            &page,
            &[
                ("request-clock", "assessment_decision"),
                ("request-date-day", "2"),
                ("request-date-month", "11"),
                ("request-date-year", "2026"),
                ("request-by", "Mair Jones (Mum)"),
                ("request-what", "An EHC needs assessment"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = browser.get(&location(&response)).await;
    assert!(html.contains("The request has been recorded."));
    let open = text_of(&html, "#open-requests").unwrap();
    assert!(
        open.contains("An EHC needs assessment") && open.contains("14 December 2026") && open.contains("Due in 5 days"),
        "{open}"
    );
    let (_, list) = priya.get(&page).await;
    let r = list[0]["id"].as_str().unwrap();
    let met_page = format!("/plans/{p}/requests/{r}/met");
    assert!(html.contains(&format!("href=\"{met_page}\"")));

    // Met before it was made: refused, the note kept.
    let response = browser
        .submit(
            &met_page,
            &met_page,
            &[
                ("met-date-day", "1"),
                ("met-date-month", "11"),
                ("met-date-year", "2026"),
                ("met-note", "The panel agreed to assess"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"met-date-error\"") && html.contains("before it was made"),
        "{html}"
    );
    assert!(html.contains("The panel agreed to assess</textarea>"));
    let response = browser
        .submit(
            &met_page,
            &met_page,
            &[
                ("met-date-day", "8"),
                ("met-date-month", "12"),
                ("met-date-year", "2026"),
                ("met-note", "The panel agreed to assess"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = browser.get(&location(&response)).await;
    assert!(html.contains("The request has been marked as met."));
    let met = text_of(&html, "#met-requests").unwrap();
    assert!(met.contains("Met on 8 December 2026, on time"), "{met}");
    assert_eq!(text_of(&html, "#open-requests").unwrap().trim(), "None.");
}
both!(requests_on_the_page);

/// An administrator makes a member the team's manager on the team's page
/// (and back); only then does the team's dashboard open for them.
async fn a_manager_is_set_on_the_teams_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    let (grace, grace_api) = app.api_user("grace@example.org", "viewer").await;
    let (_, team) = admin.post("/teams", json!({"name": "Early help"})).await;
    let t = team["id"].as_str().unwrap();
    let (status, _) = admin
        .post(&format!("/teams/{t}/members"), json!({"user_id": grace.id}))
        .await;
    assert_eq!(status, 204);
    let browser = app.signed_in("admin@example.org").await;
    let page = format!("/teams/{t}");
    let (_, html) = browser.get(&page).await;
    assert!(text_of(&html, "#members").unwrap().contains("Member"));
    let grace_id = grace.id.to_string();
    let response = browser
        .submit(
            &page,
            &format!("/teams/{t}/members"),
            &[("user_id", grace_id.as_str()), ("manager", "true")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = browser.get(&page).await;
    let members = text_of(&html, "#members").unwrap();
    assert!(
        members.contains("Manager") && members.contains("Make a member only"),
        "{members}"
    );
    let (status, _) = grace_api.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 200);
    let response = browser
        .submit(
            &page,
            &format!("/teams/{t}/members"),
            &[("user_id", grace_id.as_str()), ("manager", "false")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (status, _) = grace_api.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 404);
    // Adding again without saying keeps the role.
    let (_, detail) = admin.get(&format!("/teams/{t}")).await;
    assert_eq!(detail["members"][0]["manager"], false);
}
both!(a_manager_is_set_on_the_teams_page);
