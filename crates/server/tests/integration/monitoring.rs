//! Doing the plan (SPEC M1–M4): meetings, notes, attendance and ratings
//! through the API and the pages, bad input refused naming the field, the
//! access rule, and the dashboard on a fixed day for a practitioner and a
//! team.

use reqwest::Method;
use serde_json::{Value, json};
use time::macros::date;

use crate::both;
use crate::helpers::*;

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

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

/// A plan with two parties (one from an agency), an outcome with a step and
/// a target, a running provision and an ended one. Returns the plan as the
/// API gives it.
pub(crate) async fn plan_with_content(api: &Api, given: &str, plan_type: &str, start: &str, interval: u32) -> Value {
    let person = api.person(given, "Tester").await;
    let (status, plan) = api
        .post(
            "/plans",
            json!({"person_id": person, "plan_type": plan_type, "start_date": start, "review_interval_weeks": interval}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let p = plan["id"].as_str().unwrap().to_owned();
    let (status, plan) = api
        .post(
            &format!("/plans/{p}/parties"),
            json!({"base_version": 1, "name": "Hannah Reid", "role": "social_worker", "agency": "Fife Council Social Work"}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let (status, plan) = api
        .post(
            &format!("/plans/{p}/parties"),
            json!({"base_version": 2, "name": "Mair Jones", "role": "parent_carer", "relationship": "Mum"}),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    let (outcome, step, target) = (id(), id(), id());
    let version = plan["version"].as_i64().unwrap();
    for (n, change) in [
        json!({"type": "item_added", "item": {"kind": "outcome", "id": outcome, "text": format!("{given} gets to school on time four days a week")}}),
        json!({"type": "item_added", "item": {"kind": "step", "outcome_id": outcome, "step": {"id": step, "text": "Breakfast club"}}}),
        json!({"type": "item_added", "item": {"kind": "target", "step_id": step, "target": {"id": target, "text": "On time three days a week"}}}),
        json!({"type": "item_added", "item": {"kind": "provision", "id": id(), "what": "Breakfast club", "frequency": {"times": 4, "per": "week"}, "from": "2026-09-01", "outcome_ids": [outcome]}}),
        json!({"type": "item_added", "item": {"kind": "provision", "id": id(), "what": "Summer scheme", "frequency": {"times": 1, "per": "week"}, "from": "2026-07-01", "until": "2026-08-28", "outcome_ids": [outcome]}}),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, body) = api
            .post(
                &format!("/plans/{p}/changes"),
                json!({"base_version": version + n as i64, "change": change}),
            )
            .await;
        assert_eq!(status, 201, "{change} → {body}");
    }
    api.get(&format!("/plans/{p}")).await.1
}

async fn monitoring_through_the_api(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let (_, other) = app.api_user("tom@example.org", "practitioner").await;
    let plan = plan_with_content(&api, "Ruby", "CP", "2026-09-01", 13).await;
    let elsewhere = plan_with_content(&api, "Kai", "CP", "2026-09-01", 13).await;
    let p = plan["id"].as_str().unwrap();
    let hannah = plan["parties"][0]["id"].as_str().unwrap();
    let mair = plan["parties"][1]["id"].as_str().unwrap();
    let outcome = plan["content"]["outcomes"][0]["id"].as_str().unwrap();
    let target = plan["content"]["outcomes"][0]["steps"][0]["targets"][0]["id"]
        .as_str()
        .unwrap();
    let club = plan["content"]["provision"][0]["id"].as_str().unwrap();
    let summer = plan["content"]["provision"][1]["id"].as_str().unwrap();

    // A meeting with bad action points is refused, each naming its field.
    let (status, problem) = api
        .post(
            &format!("/plans/{p}/meetings"),
            json!({"date": "2026-11-02", "chair": "Hannah Reid", "actions": [
                {"text": "No owner", "due": "2026-11-20"},
                {"text": "No date", "owner_party_id": hannah},
                {"text": "Before the meeting", "owner_party_id": hannah, "due": "2026-11-01"},
            ]}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        fields(&problem),
        ["actions[0].owner_party_id", "actions[1].due", "actions[2].due"]
    );
    let (_, meetings) = api.get(&format!("/plans/{p}/meetings")).await;
    assert_eq!(meetings, json!([]), "nothing is kept from a refused meeting");

    let (status, first) = api
        .post(
            &format!("/plans/{p}/meetings"),
            json!({"date": "2026-11-02", "chair": "Hannah Reid", "attendee_party_ids": [hannah, mair], "other_apologies": ["School nurse"],
                   "actions": [
                       {"text": "Arrange a breakfast club place", "owner_party_id": hannah, "due": "2026-11-16"},
                       {"text": "Book a hearing test", "owner_party_id": mair, "due": "2026-11-30"},
                   ]}),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["recorded_by_name"], "priya");
    let a1 = first["meeting"]["actions"][0]["id"].as_str().unwrap();
    let a2 = first["meeting"]["actions"][1]["id"].as_str().unwrap();

    // The next meeting must follow up both open points.
    let (status, problem) = api
        .post(
            &format!("/plans/{p}/meetings"),
            json!({"date": "2026-12-07", "chair": "Hannah Reid"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let missing = fields(&problem);
    assert!(
        !missing.is_empty() && missing.iter().all(|f| f == "follow_ups"),
        "{problem}"
    );
    let (status, second) = api
        .post(
            &format!("/plans/{p}/meetings"),
            json!({"date": "2026-12-07", "chair": "Hannah Reid", "follow_ups": [
                {"action_id": a1, "outcome": "done"},
                {"action_id": a2, "outcome": "carried_forward", "new_due": "2026-12-11", "note": "Waiting list"},
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["meeting"]["follow_ups"][1]["outcome"], "carried_forward");
    assert_eq!(second["meeting"]["follow_ups"][1]["new_due"], "2026-12-11");

    // Ratings: −2…+2 only, by person or worker.
    let (status, problem) = api
        .post(
            &format!("/plans/{p}/ratings"),
            json!({"outcome_id": outcome, "date": "2026-12-01", "rater": "person", "score": "3"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["score"]);
    for (rater, score, date) in [
        ("person", "-1", "2026-10-01"),
        ("worker", "-2", "2026-10-01"),
        ("person", "+1", "2026-12-01"),
        ("worker", "1", "2026-12-01"),
    ] {
        let (status, body) = api
            .post(
                &format!("/plans/{p}/ratings"),
                json!({"outcome_id": outcome, "date": date, "rater": rater, "score": score}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (_, ratings) = api.get(&format!("/plans/{p}/ratings")).await;
    assert_eq!(ratings.as_array().unwrap().len(), 4);
    assert_eq!(ratings[2]["rating"]["score"], 1);

    // Notes: linked to this plan's outcome or target, not another plan's.
    let other_outcome = elsewhere["content"]["outcomes"][0]["id"].as_str().unwrap();
    let (status, problem) = api
        .post(
            &format!("/plans/{p}/notes"),
            json!({"outcome_id": other_outcome, "date": "2026-12-01", "text": "On time all week"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["outcome_id"]);
    let (status, note) = api
        .post(
            &format!("/plans/{p}/notes"),
            json!({"target_id": target, "date": "2026-12-01", "text": "On time all week", "behaviour_or_skill": true}),
        )
        .await;
    assert_eq!(status, 201, "{note}");
    assert_eq!(note["note"]["link"], json!({"kind": "target", "id": target}));

    // Attendance: not after a provision ended.
    let (status, problem) = api
        .post(
            &format!("/plans/{p}/attendance"),
            json!({"provision_id": summer, "date": "2026-09-04", "status": "attended"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["date"]);
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("ended"));
    for (date, status_) in [
        ("2026-11-18", "attended"),
        ("2026-11-25", "missed"),
        ("2026-12-02", "attended"),
        ("2026-12-03", "attended"),
    ] {
        let (status, body) = api
            .post(
                &format!("/plans/{p}/attendance"),
                json!({"provision_id": club, "date": date, "status": status_}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = api
        .post(
            &format!("/plans/{p}/attendance"),
            json!({"provision_id": club, "date": "2026-12-10", "status": "attended"}),
        )
        .await;
    assert_eq!(status, 422, "a session after the fixed today: {body}");
    let (status, rates) = api.get(&format!("/plans/{p}/attendance-rates")).await;
    assert_eq!(status, 200, "{rates}");
    assert_eq!(rates[0]["last_4_weeks"]["percent"], 75);
    assert_eq!(rates[0]["last_4_weeks"]["attended"], 3);

    // The picture: both lines, reviews marked, text for screen readers.
    let response = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/plans/{p}/outcomes/{outcome}/progress.svg")))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let svg = response.text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("polyline") && svg.contains("stroke-dasharray"));
    assert!(svg.contains("+1 on 1 December 2026"), "{svg}");

    // Someone who may not see the plan finds nothing there.
    for path in ["meetings", "notes", "attendance", "ratings", "attendance-rates"] {
        let (status, _) = other.get(&format!("/plans/{p}/{path}")).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = other
        .send(
            Method::POST,
            &format!("/plans/{p}/ratings"),
            json!({"outcome_id": outcome, "date": "2026-12-01", "rater": "person", "score": "1"}),
        )
        .await;
    assert_eq!(status, 404);

    // The records are append-only in the database itself.
    let refused = app
        .store
        .execute_unchecked("UPDATE monitoring_records SET record = '{}'")
        .await;
    assert!(refused.is_err(), "an update of a monitoring record must be refused");
    let refused = app.store.execute_unchecked("DELETE FROM monitoring_records").await;
    assert!(refused.is_err(), "a delete of a monitoring record must be refused");
}
both!(monitoring_through_the_api);

/// The fixed day: Wednesday 9 December 2026 (the week is 7–13 December).
async fn dashboard_on_a_fixed_day(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    let (priya_user, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (sam_user, sam) = app.api_user("sam@example.org", "practitioner").await;
    let (grace_user, grace) = app.api_user("grace@example.org", "viewer").await;

    // Priya: Ruby's review is due today (16 Sep + 12 weeks), Kai's was due
    // on 25 Nov (2 Sep + 12 weeks) and is overdue.
    let ruby = plan_with_content(&priya, "Ruby", "CP", "2026-09-16", 12).await;
    let kai = plan_with_content(&priya, "Kai", "CP", "2026-09-02", 12).await;
    let r = ruby["id"].as_str().unwrap();
    let hannah = ruby["parties"][0]["id"].as_str().unwrap();
    let mair = ruby["parties"][1]["id"].as_str().unwrap();
    // A meeting on 1 December with three action points, one already
    // overdue, one due this week and one later.
    let (status, body) = priya
        .post(
            &format!("/plans/{r}/meetings"),
            json!({"date": "2026-12-01", "chair": "Hannah Reid", "actions": [
                {"text": "Send the school the new timetable", "owner_party_id": hannah, "due": "2026-12-04"},
                {"text": "Book a hearing test", "owner_party_id": mair, "due": "2026-12-11"},
                {"text": "Plan the Christmas holidays", "owner_party_id": mair, "due": "2026-12-20"},
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // Kai's first meeting on Thursday 1 October agreed an action point
    // due on 15 October, done by the second meeting on 14 October (on
    // time, as was that meeting: CP's next meeting is due within 30
    // working days, by 12 November). The next one after 14 October was
    // due by 25 November (30 working days in Scotland) and has not been
    // held: overdue.
    let k = kai["id"].as_str().unwrap();
    let kai_hannah = kai["parties"][0]["id"].as_str().unwrap();
    let (status, first) = priya
        .post(
            &format!("/plans/{k}/meetings"),
            json!({"date": "2026-10-01", "chair": "Hannah Reid", "actions": [
                {"text": "Ask the school nurse to visit", "owner_party_id": kai_hannah, "due": "2026-10-15"},
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    let action = first["meeting"]["actions"][0]["id"].as_str().unwrap();
    let (status, body) = priya
        .post(
            &format!("/plans/{k}/meetings"),
            json!({"date": "2026-10-14", "chair": "Hannah Reid",
                   "follow_ups": [{"action_id": action, "outcome": "done"}]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // Sam: Jade's review was due on 26 November (1 Oct + 8 weeks).
    let jade = plan_with_content(&sam, "Jade", "CP", "2026-10-01", 8).await;

    let line = |d: &Value| {
        format!(
            "{} | {} | {} | {} | {}",
            d["item"]["person_name"].as_str().unwrap(),
            d["item"]["kind"].as_str().unwrap(),
            d["item"]["label"].as_str().unwrap(),
            d["item"]["agency"].as_str().unwrap_or("-"),
            d["item"]["due"].as_str().unwrap(),
        )
    };
    let list = |board: &Value, name: &str| -> Vec<String> {
        board["lists"][name].as_array().unwrap().iter().map(line).collect()
    };

    let (status, board) = priya.get("/dashboard").await;
    assert_eq!(status, 200, "{board}");
    assert_eq!(board["today"], "2026-12-09");
    assert_eq!(
        list(&board, "overdue"),
        [
            "Kai Tester | review | Formal review (R1) | - | 2026-11-25",
            "Kai Tester | clock | Next child planning meeting | - | 2026-11-25",
            "Ruby Tester | meeting_action | Send the school the new timetable | Fife Council Social Work | 2026-12-04",
        ]
    );
    assert_eq!(
        list(&board, "due_this_week"),
        [
            "Ruby Tester | review | Formal review (R1) | - | 2026-12-09",
            "Ruby Tester | meeting_action | Book a hearing test | Mair Jones | 2026-12-11",
        ]
    );
    assert_eq!(board["lists"]["overdue"][0]["days"], -14);
    assert_eq!(board["people"].as_array().unwrap().len(), 2);
    assert!(board["on_time"].is_null());

    let (_, board) = sam.get("/dashboard").await;
    assert_eq!(
        list(&board, "overdue"),
        ["Jade Tester | review | Formal review (R1) | - | 2026-11-26"]
    );
    assert!(list(&board, "due_this_week").is_empty());

    // A team of the two, with a manager who reads the plans shared with it
    // and is the only member who sees the team's dashboard.
    let (status, team) = admin.post("/teams", json!({"name": "Early help"})).await;
    assert_eq!(status, 201, "{team}");
    let t = team["id"].as_str().unwrap();
    for user in [&priya_user, &sam_user, &grace_user] {
        let (status, body) = admin
            .post(&format!("/teams/{t}/members"), json!({"user_id": user.id}))
            .await;
        assert!(status < 300, "{body}");
    }
    // Not yet the manager: no such dashboard.
    let (status, _) = grace.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 404);
    let (status, body) = admin
        .post(
            &format!("/teams/{t}/members"),
            json!({"user_id": grace_user.id, "manager": true}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (_, detail) = admin.get(&format!("/teams/{t}")).await;
    let managers: Vec<&str> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["manager"] == true)
        .map(|m| m["email"].as_str().unwrap())
        .collect();
    assert_eq!(managers, ["grace@example.org"]);
    for plan in [&ruby, &kai, &jade] {
        let (status, body) = admin
            .send(
                Method::PUT,
                &format!("/plans/{}/teams/{t}", plan["id"].as_str().unwrap()),
                json!({}),
            )
            .await;
        assert_eq!(status, 204, "{body}");
    }
    let (status, board) = grace.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 200, "{board}");
    assert_eq!(
        list(&board, "overdue"),
        [
            "Kai Tester | review | Formal review (R1) | - | 2026-11-25",
            "Kai Tester | clock | Next child planning meeting | - | 2026-11-25",
            "Jade Tester | review | Formal review (R1) | - | 2026-11-26",
            "Ruby Tester | meeting_action | Send the school the new timetable | Fife Council Social Work | 2026-12-04",
        ]
    );
    assert_eq!(
        list(&board, "due_this_week"),
        [
            "Ruby Tester | review | Formal review (R1) | - | 2026-12-09",
            "Ruby Tester | meeting_action | Book a hearing test | Mair Jones | 2026-12-11",
        ]
    );
    // Over the last quarter (from 10 September) six fell due before
    // today: Kai's action point (done on time) and his two meetings (the
    // one of 14 October held in time, the next one not held), Kai's and
    // Jade's reviews and Ruby's first action point (neither done): 2 of 6
    // on time. Ruby's review, due today, is not late yet; her later action
    // points are not yet due.
    assert_eq!(board["on_time"], json!({"on_time": 2, "due": 6}));
    assert_eq!(board["people"].as_array().unwrap().len(), 3);

    // The index is derived: dropped, `goldthread rebuild-projections`
    // builds it again and the lists are the same.
    app.store.execute_unchecked("DELETE FROM dashboard_due").await.unwrap();
    app.store
        .execute_unchecked("DELETE FROM dashboard_plans")
        .await
        .unwrap();
    let (_, empty) = grace.get(&format!("/dashboard?team={t}")).await;
    assert!(list(&empty, "overdue").is_empty());
    let (ok, out, err) = crate::cli::goldthread(&app.database_url, &["rebuild-projections"], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("dashboard's index of 3 plans"), "{out}");
    let (_, again) = grace.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(again["lists"], board["lists"]);

    // A member who does not manage the team, or no such team: not found.
    let (status, _) = sam.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 404);
    let (status, _) = sam.get(&format!("/dashboard?team={}", uuid::Uuid::new_v4())).await;
    assert_eq!(status, 404);
    let (status, again) = admin.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 200);
    assert_eq!(again["on_time"], board["on_time"]);
    let (_, outsider) = app.api_user("out@example.org", "practitioner").await;
    let (status, _) = outsider.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 404);

    // The pages show the same lists, each line linking to where it is done.
    let browser = app.signed_in("priya@example.org").await;
    let (status, html) = browser.get("/dashboard").await;
    assert_eq!(status, 200);
    let overdue = text_of(&html, "#overdue-list").unwrap();
    assert!(
        overdue.contains("Kai Tester") && overdue.contains("14 days overdue"),
        "{overdue}"
    );
    assert!(html.contains(&format!("href=\"/plans/{r}/meetings\"")));
    let (status, home) = browser.get("/").await;
    assert_eq!(status, 200);
    assert!(text_of(&home, "#due-list").unwrap().contains("Book a hearing test"));
    let manager = app.signed_in("grace@example.org").await;
    let (status, html) = manager.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 200);
    assert!(
        text_of(&html, "#on-time").unwrap().contains("33% on time: 2 of 6"),
        "{html}"
    );
    let member = app.signed_in("sam@example.org").await;
    let (status, _) = member.get(&format!("/dashboard?team={t}")).await;
    assert_eq!(status, 404);
}
both!(dashboard_on_a_fixed_day);

async fn forms_keep_what_was_typed(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = plan_with_content(&api, "Ruby", "CP", "2026-09-01", 13).await;
    let p = plan["id"].as_str().unwrap();
    let hannah = plan["parties"][0]["id"].as_str().unwrap();
    let outcome = plan["content"]["outcomes"][0]["id"].as_str().unwrap();
    let browser = app.signed_in("priya@example.org").await;

    // A meeting whose second action point has no owner and a date before
    // the meeting: refused, everything typed shown again.
    let form = format!("/plans/{p}/meetings/new");
    let response = browser
        .submit(
            &form,
            &form,
            &[
                ("rows", "3"),
                ("date-day", "2"),
                ("date-month", "11"),
                ("date-year", "2026"),
                ("chair", "Hannah Reid"),
                ("attendee_party_ids", hannah),
                ("discussion", "Mornings are hard"),
                ("actions[0].text", "Arrange a breakfast club place"),
                ("actions[0].owner_party_id", hannah),
                ("actions[0].due-day", "16"),
                ("actions[0].due-month", "11"),
                ("actions[0].due-year", "2026"),
                ("actions[1].text", "Book a hearing test"),
                ("actions[1].owner_party_id", ""),
                ("actions[1].due-day", "1"),
                ("actions[1].due-month", "11"),
                ("actions[1].due-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, ".govuk-error-summary")
            .unwrap()
            .contains("Who will do it?")
    );
    assert!(html.contains("id=\"actions[1].owner_party_id-error\""), "{html}");
    assert!(html.contains("id=\"actions[1].due-error\""));
    assert!(html.contains("Mornings are hard") && html.contains("value=\"Book a hearing test\""));
    let (_, meetings) = api.get(&format!("/plans/{p}/meetings")).await;
    assert_eq!(meetings, json!([]));

    // A rating off the scale, sent by hand: refused naming the field.
    let page = format!("/plans/{p}/progress");
    let response = browser
        .submit(
            &page,
            &format!("/plans/{p}/progress/ratings"),
            &[
                ("rating-outcome", outcome),
                ("rating-date-day", "1"),
                ("rating-date-month", "12"),
                ("rating-date-year", "2026"),
                ("rating-rater", "worker"),
                ("rating-score", "5"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"rating-score-error\""), "{html}");
    assert!(html.contains("value=\"worker\" checked"));

    let response = browser
        .submit(
            &page,
            &format!("/plans/{p}/progress/ratings"),
            &[
                ("rating-outcome", outcome),
                ("rating-date-day", "1"),
                ("rating-date-month", "12"),
                ("rating-date-year", "2026"),
                ("rating-rater", "worker"),
                ("rating-score", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = browser.get(&location(&response)).await;
    assert!(html.contains("The rating has been added."));
    assert!(html.contains("<svg") && html.contains("polyline"), "{html}");
}
both!(forms_keep_what_was_typed);

/// Ruby's Child's Plan (first review due 9 December 2026) with a
/// meeting's two action points for Hannah Reid, due on 11 and 20
/// December.
async fn ruby_with_two_actions(priya: &Api) -> Value {
    let ruby = plan_with_content(priya, "Ruby", "CP", "2026-09-16", 12).await;
    let r = ruby["id"].as_str().unwrap();
    let hannah = ruby["parties"][0]["id"].as_str().unwrap();
    let (status, body) = priya
        .post(
            &format!("/plans/{r}/meetings"),
            json!({"date": "2026-12-01", "chair": "Hannah Reid", "actions": [
                {"text": "Book a hearing test", "owner_party_id": hannah, "due": "2026-12-11"},
                {"text": "Plan the holidays", "owner_party_id": hannah, "due": "2026-12-20"},
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    ruby
}

/// Reminders are written exactly once however many instances run the
/// scheduler at once, and a later round (or a restart) repeats none.
async fn reminders_once_across_two_instances(backend: Backend) {
    let today = date!(2026 - 12 - 09);
    let app = spawn_app_with(backend, |c| c.today = Some(today)).await;
    let second = spawn_instance(&app).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    // Ruby's review is due today (reminded as due soon), Kai's is overdue.
    ruby_with_two_actions(&priya).await;
    plan_with_content(&priya, "Kai", "CP", "2026-09-02", 12).await;

    let (a, b) = tokio::join!(
        goldthread::reminders::run_once(&app.store, today),
        goldthread::reminders::run_once(&second.store, today)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut written: Vec<String> = a.iter().chain(&b).map(|r| r.key.clone()).collect();
    written.sort();
    written.dedup();
    assert_eq!(
        written.len(),
        a.len() + b.len(),
        "no reminder written by both instances"
    );
    let stored = app.store.all_reminders().await.unwrap();
    assert_eq!(stored.len(), 3, "{stored:?}");
    let mut kinds: Vec<&str> = stored.iter().map(|(_, kind)| kind.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["due_soon", "due_soon", "overdue"]);
    assert_eq!(written.len(), 3);

    // Another round, and a restarted instance: nothing new.
    let third = spawn_instance(&app).await;
    assert!(
        goldthread::reminders::run_once(&third.store, today)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        goldthread::reminders::run_once(&app.store, today)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.store.all_reminders().await.unwrap().len(), 3);

    // They show on the dashboard.
    let (_, board) = priya.get("/dashboard").await;
    assert_eq!(board["reminders"].as_array().unwrap().len(), 3, "{board}");
}
both!(reminders_once_across_two_instances);

/// What a round wrote, as "kind due-date", sorted.
fn kinds_and_dates(written: Vec<goldthread::store::Reminder>) -> Vec<String> {
    let mut written: Vec<String> = written.into_iter().map(|r| format!("{} {}", r.kind, r.due)).collect();
    written.sort();
    written
}

/// Each item is reminded "due soon" and then "overdue", once each, round
/// after round; when its date moves (the plan's index rewritten), the new
/// date is reminded again. A round reads only items whose next reminder
/// may be due, so this also proves that bookmark loses none.
async fn each_item_is_reminded_due_soon_then_overdue_and_again_when_its_date_moves(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    // The review is due on 9 December; the actions on 11 and 20 December;
    // reminders go three days before and once overdue.
    let ruby = ruby_with_two_actions(&priya).await;
    let r = ruby["id"].as_str().unwrap();
    let round = |today| {
        let store = app.store.clone();
        async move { kinds_and_dates(goldthread::reminders::run_once(&store, today).await.unwrap()) }
    };
    assert_eq!(
        round(date!(2026 - 12 - 09)).await,
        ["due_soon 2026-12-09", "due_soon 2026-12-11"]
    );
    assert!(round(date!(2026 - 12 - 09)).await.is_empty());
    assert_eq!(round(date!(2026 - 12 - 10)).await, ["overdue 2026-12-09"]);
    assert!(
        round(date!(2026 - 12 - 11)).await.is_empty(),
        "the action is due today, not overdue"
    );
    assert_eq!(round(date!(2026 - 12 - 12)).await, ["overdue 2026-12-11"]);
    assert!(round(date!(2026 - 12 - 12)).await.is_empty());
    assert_eq!(round(date!(2026 - 12 - 17)).await, ["due_soon 2026-12-20"]);
    assert!(round(date!(2026 - 12 - 18)).await.is_empty());

    // The review moves to 23 December: reminded again for its new date.
    let (_, plan) = priya.get(&format!("/plans/{r}")).await;
    let details = json!({"title": "Ruby's Child's Plan", "start_date": "2026-09-16", "review_interval_weeks": 14});
    let (status, body) = priya
        .post(
            &format!("/plans/{r}/changes"),
            json!({"base_version": plan["version"], "change": {"type": "details_edited", "details": details}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(round(date!(2026 - 12 - 20)).await, ["due_soon 2026-12-23"]);
    assert!(round(date!(2026 - 12 - 20)).await.is_empty());
    assert_eq!(round(date!(2026 - 12 - 21)).await, ["overdue 2026-12-20"]);
    assert_eq!(app.store.all_reminders().await.unwrap().len(), 7);
}
both!(each_item_is_reminded_due_soon_then_overdue_and_again_when_its_date_moves);

/// A round reads the items to remind a page at a time, each page after the
/// last item of the one before (a county's first round is a hundred
/// thousand items): read one item at a time, it writes every reminder, in
/// both of its ranges (not yet reminded; reminded "due soon" and now
/// overdue), and no reminder twice.
async fn a_round_read_one_item_at_a_time_misses_none(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    ruby_with_two_actions(&priya).await;
    plan_with_content(&priya, "Kai", "CP", "2026-09-02", 12).await;
    let round = |today| {
        let store = app.store.clone();
        async move {
            kinds_and_dates(
                store
                    .write_reminders_reading(today, goldthread::reminders::WARN_DAYS, None, 1)
                    .await
                    .unwrap(),
            )
        }
    };
    let first = round(date!(2026 - 12 - 09)).await;
    assert_eq!(first.len(), 3, "{first:?}");
    assert_eq!(first[..2], ["due_soon 2026-12-09", "due_soon 2026-12-11"]);
    assert!(first[2].starts_with("overdue "), "Kai's review: {first:?}");
    assert!(round(date!(2026 - 12 - 09)).await.is_empty());
    assert_eq!(
        round(date!(2026 - 12 - 12)).await,
        ["overdue 2026-12-09", "overdue 2026-12-11"]
    );
    assert!(round(date!(2026 - 12 - 12)).await.is_empty());
    assert_eq!(app.store.all_reminders().await.unwrap().len(), 5);
}
both!(a_round_read_one_item_at_a_time_misses_none);

/// The pages follow the plan's access: someone who may not see it finds
/// nothing; a team reader sees the meetings and progress but no form, and
/// a form sent anyway is refused.
async fn pages_follow_the_plans_access(backend: Backend) {
    let app = spawn_app_with(backend, |c| c.today = Some(date!(2026 - 12 - 09))).await;
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (grace, _) = app.api_user("grace@example.org", "viewer").await;
    app.api_user("tom@example.org", "practitioner").await;
    let plan = plan_with_content(&priya, "Ruby", "CP", "2026-09-01", 13).await;
    let p = plan["id"].as_str().unwrap();
    let outcome = plan["content"]["outcomes"][0]["id"].as_str().unwrap();

    let tom = app.signed_in("tom@example.org").await;
    for path in [
        format!("/plans/{p}/meetings"),
        format!("/plans/{p}/meetings/new"),
        format!("/plans/{p}/progress"),
        format!("/plans/{p}/outcomes/{outcome}/progress.svg"),
    ] {
        let (status, _) = tom.get(&path).await;
        assert_eq!(status, 404, "{path}");
    }

    let (_, team) = admin.post("/teams", json!({"name": "Early help"})).await;
    let t = team["id"].as_str().unwrap();
    admin
        .post(&format!("/teams/{t}/members"), json!({"user_id": grace.id}))
        .await;
    let (status, _) = admin
        .send(Method::PUT, &format!("/plans/{p}/teams/{t}"), json!({}))
        .await;
    assert_eq!(status, 204);
    let reader = app.signed_in("grace@example.org").await;
    let (status, html) = reader.get(&format!("/plans/{p}/meetings")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("id=\"record-meeting\""));
    let (status, html) = reader.get(&format!("/plans/{p}/progress")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("id=\"save-rating\""));
    let token = csrf_of(&html).unwrap();
    let response = reader
        .post_raw(
            &format!("/plans/{p}/progress/ratings"),
            &token,
            &[
                ("rating-outcome", outcome),
                ("rating-rater", "worker"),
                ("rating-score", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 403);
    let (_, ratings) = priya.get(&format!("/plans/{p}/ratings")).await;
    assert_eq!(ratings, json!([]));
}
both!(pages_follow_the_plans_access);
