//! The plan page people find their way round (issue 8): its summary and
//! contents, the banner after a save, labels in words people use.

use serde_json::json;

use crate::both;
use crate::helpers::{Backend, Browser, attr_of, location, spawn_app, text_of};

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Every snake_case word in the text of `html` (visible or visually
/// hidden; not attributes, scripts or styles).
pub fn snake_case_words(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let body = scraper::Selector::parse("body").unwrap();
    let mut words = Vec::new();
    for body in document.select(&body) {
        for text in body.text() {
            for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                let parts: Vec<&str> = word.split('_').collect();
                if parts.len() > 1
                    && parts
                        .iter()
                        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
                {
                    words.push(word.to_owned());
                }
            }
        }
    }
    words
}

async fn start_plan(browser: &Browser, given: &str, plan_type: &str) -> String {
    let response = browser
        .submit(
            "/people/new",
            "/people/new",
            &[
                ("given_name", given),
                ("family_name", "Okafor"),
                ("date_of_birth", "2001-05-02"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let new_plan = format!("{}/plans/new", location(&response));
    let response = browser
        .submit(
            &new_plan,
            &new_plan,
            &[("plan_type", plan_type), ("start_date", "2026-09-07")],
        )
        .await;
    assert_eq!(response.status(), 303);
    location(&response)
}

async fn summary_contents_and_saved_banner(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("sam@example.org", "Sam Reed", "practitioner").await;
    let sam = app.signed_in("sam@example.org").await;

    // A new plan's title reads as a sentence.
    let plan = start_plan(&sam, "Daniel", "SH").await;
    let (_, html) = sam.get(&plan).await;
    assert_eq!(text_of(&html, "h1").unwrap(), "Daniel's support plan");

    // The summary at the top: status, when the first review is due, who is
    // involved, the golden thread's gaps.
    assert_eq!(text_of(&html, "#plan-status").unwrap(), "Draft");
    assert_eq!(text_of(&html, "#review-due").unwrap(), "7 December 2026");
    assert!(
        text_of(&html, "#agreement-summary")
            .unwrap()
            .starts_with("Nobody has been added yet")
    );
    assert!(text_of(&html, "#thread-summary").unwrap().contains("gap"));

    // The contents list links to every section heading on the page.
    let document = scraper::Html::parse_document(&html);
    let links = scraper::Selector::parse("#contents a").unwrap();
    let hrefs: Vec<String> = document
        .select(&links)
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    let headings = scraper::Selector::parse("h2.app-section-heading").unwrap();
    let section_headings = document.select(&headings).count();
    assert!(section_headings > 3, "{section_headings}");
    assert_eq!(hrefs.len(), section_headings + 4, "{hrefs:?}");
    for href in &hrefs {
        let anchor = href.strip_prefix('#').unwrap();
        assert!(html.contains(&format!("id=\"{anchor}\"")), "no target for {href}");
    }
    assert!(html.contains("href=\"#main-content\">Back to top</a>"));

    // An adult resident's strengths are not grouped by school or setting.
    let add = format!("{plan}/sections/strengths/add/strength");
    let (_, form) = sam.get(&add).await;
    assert!(!form.contains("school/setting"), "{form}");
    let response = sam
        .submit(
            &add,
            &add,
            &[("base_version", "1"), ("text", "Cooks for the whole house on Sundays")],
        )
        .await;
    assert_eq!(response.status(), 303);
    // Back to the place that changed, with a banner saying what was done.
    let back = location(&response);
    assert!(back.ends_with("?saved=strength-added&at=strengths#strengths"), "{back}");
    let (_, html) = sam.get(&back).await;
    assert_eq!(
        text_of(&html, "#strengths .govuk-notification-banner--success").unwrap(),
        "Success Strength added"
    );
    assert_eq!(attr_of(&html, "#saved-banner", "role").unwrap(), "alert");
    assert!(!html.contains("school/setting"));
    assert!(html.contains("Cooks for the whole house on Sundays"));

    // A text section's save names the section.
    let texts = format!("{plan}/sections/my_situation/texts");
    let (_, form) = sam.get(&texts).await;
    let first = attr_of(&form, "main form textarea", "name").unwrap();
    let response = sam
        .submit(
            &texts,
            &texts,
            &[("base_version", "2"), (&first, "Moved in last month.")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let back = location(&response);
    assert!(back.contains("saved=texts-changed&at=my_situation"), "{back}");
    let (_, html) = sam.get(&back).await;
    let banner = text_of(&html, "#my_situation #saved-banner").unwrap();
    assert!(banner.starts_with("Success ") && banner.ends_with(" saved"), "{banner}");

    // A link cannot put words of its own in the banner.
    for query in [
        "?saved=hacked-added&at=strengths",
        "?saved=strength-deleted&at=strengths",
        "?saved=strength-added&at=nowhere",
    ] {
        let (status, html) = sam.get(&format!("{plan}{query}")).await;
        assert_eq!(status, 200);
        assert!(!html.contains("govuk-notification-banner--success"), "{query}");
    }

    // Adding someone returns to the people involved.
    let party = format!("{plan}/parties/new");
    let response = sam
        .submit(
            &party,
            &party,
            &[("base_version", "3"), ("name", "Ruth Adeyemi"), ("role", "key_worker")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let back = location(&response);
    assert!(back.ends_with("?saved=party-added&at=parties#parties"), "{back}");
    let (_, html) = sam.get(&back).await;
    assert_eq!(text_of(&html, "#saved-banner").unwrap(), "Success Person added");
    assert!(
        text_of(&html, "#agreement-summary")
            .unwrap()
            .starts_with("1 person involved: Ruth Adeyemi.")
    );
}
both!(summary_contents_and_saved_banner);

async fn outcomes_list_needs_and_no_snake_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "MSP").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let (first, second) = (id(), id());
    let changes = [
        json!({"type": "item_added", "item": {"kind": "need", "id": first, "area": "communication_interaction", "text": "Finds it hard to ask for help."}}),
        json!({"type": "item_added", "item": {"kind": "need", "id": second, "area": "communication_interaction", "text": "Needs time to answer."}}),
        json!({"type": "item_added", "item": {"kind": "outcome", "id": id(), "text": "Leo will ask an adult for help when stuck, 4 times out of 5, by July 2027", "need_ids": [first, second]}}),
    ];
    for (i, change) in changes.into_iter().enumerate() {
        let (status, body) = api
            .post(
                &format!("/plans/{p}/changes"),
                json!({"base_version": i + 1, "change": change}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let priya = app.signed_in("priya@example.org").await;
    let (_, html) = priya.get(&format!("/plans/{p}")).await;
    // Each need addressed on its own line, not run together with ".;".
    assert!(!html.contains(".;"));
    assert!(html.contains("<li>Finds it hard to ask for help.</li><li>Needs time to answer.</li>"));
    // Visible and visually hidden text is in words, never snake_case keys.
    assert_eq!(
        snake_case_words(
            r#"<body><a>Fill in<span class="govuk-visually-hidden"> social_care_checklist</span></a></body>"#
        ),
        ["social_care_checklist"]
    );
    assert!(html.contains("Fill in<span class=\"govuk-visually-hidden\"> Social Care/Early Support – checklist for schools and settings</span>"));
    assert_eq!(snake_case_words(&html), Vec::<String>::new());
}
both!(outcomes_list_needs_and_no_snake_case);

async fn remove_asks_first_and_wants_a_reason_once_agreed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "MSP").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let (outcome, need) = (id(), id());
    let changes = [
        json!({"type": "item_added", "item": {"kind": "need", "id": need, "area": "communication_interaction", "text": "Finds it hard to ask for help."}}),
        json!({"type": "item_added", "item": {"kind": "outcome", "id": outcome, "text": "Leo will ask an adult for help when stuck, 4 times out of 5, by July 2027"}}),
        json!({"type": "item_added", "item": {"kind": "step", "outcome_id": outcome, "step": {"id": id(), "text": "Use the help card in class"}}}),
    ];
    for (i, change) in changes.into_iter().enumerate() {
        let (status, body) = api
            .post(
                &format!("/plans/{p}/changes"),
                json!({"base_version": i + 1, "change": change}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let priya = app.signed_in("priya@example.org").await;
    let item = format!("/plans/{p}/sections/outcomes/items/outcome/{outcome}");
    let (status, html) = priya.get(&item).await;
    assert_eq!(status, 200, "{html}");
    // "Remove" is a link to a page that asks first; nothing is removed yet.
    assert_eq!(
        attr_of(&html, "a.govuk-button--warning", "href").unwrap(),
        format!("{item}/remove")
    );
    let (_, html) = priya.get(&format!("{item}/remove")).await;
    assert_eq!(text_of(&html, "h1").unwrap(), "Remove this outcome?");
    assert!(text_of(&html, "main").unwrap().contains("with its 1 step"));
    assert!(!html.contains("id=\"reason\""), "a draft needs no reason");
    let (_, plan_page) = priya.get(&format!("/plans/{p}")).await;
    assert!(plan_page.contains("Use the help card in class"));

    // Once the plan is agreed, removing is ending: it asks why; without a
    // reason nothing changes.
    let party = format!("/plans/{p}/parties/new");
    let response = priya
        .submit(
            &party,
            &party,
            &[
                ("base_version", "4"),
                ("name", "Priya Shah"),
                ("role", "senco"),
                ("account_email", "priya@example.org"),
                ("lead", "yes"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, html) = priya.get(&format!("/plans/{p}")).await;
    let version = text_of(&html, "#plan-summary").unwrap();
    let version = version
        .split("(version ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap()
        .to_owned();
    // Agreed at the meeting: the plan is agreed once the party asked agrees.
    let plan_url = format!("/plans/{p}");
    crate::agreements::ask(&priya, &plan_url, "Priya Shah").await;
    let response = crate::agreements::agree(&priya, &plan_url, "Priya Shah").await;
    assert_eq!(response.status(), 303);
    let version = (version.parse::<i64>().unwrap() + 2).to_string();
    let remove = format!("{item}/remove");
    let (_, html) = priya.get(&remove).await;
    assert!(html.contains("id=\"reason\""));
    assert_eq!(text_of(&html, "h1").unwrap(), "End this outcome?");
    let response = priya.submit(&remove, &remove, &[("base_version", &version)]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "#reason-error").unwrap().contains("Say why"));
    let (_, plan_page) = priya.get(&format!("/plans/{p}")).await;
    assert!(plan_page.contains("Use the help card in class"));

    let response = priya
        .submit(&remove, &remove, &[("base_version", &version), ("reason", "Met early")])
        .await;
    assert_eq!(response.status(), 303);
    let back = location(&response);
    assert!(back.ends_with("?saved=outcome-ended&at=outcomes#outcomes"), "{back}");
    let (_, html) = priya.get(&back).await;
    assert_eq!(text_of(&html, "#saved-banner").unwrap(), "Success Outcome ended");
    // Ended, not deleted: struck through, with the words.
    assert!(html.contains("Use the help card in class"));
    assert!(
        html.contains("<del>Leo will ask an adult for help when stuck"),
        "struck through"
    );
    assert!(text_of(&html, "#outcomes").unwrap().contains(": Met early"));
}
both!(remove_asks_first_and_wants_a_reason_once_agreed);

/// The demo's Personal Budget plan belongs to an adult's social worker, who
/// leads it with her own account; the school SENCO does not see it.
async fn demo_personal_budget_plan_is_the_social_workers(backend: Backend) {
    let app = spawn_app(backend).await;
    goldthread::demo::load_if_empty(&app.store).await.unwrap();
    let nadia = app
        .signed_in_with("nadia.malik@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let (_, html) = nadia.get("/plans?plan_type=PB").await;
    let document = scraper::Html::parse_document(&html);
    let link = scraper::Selector::parse("main tbody a[href^='/plans/']").unwrap();
    let plan = document
        .select(&link)
        .next()
        .expect("the social worker sees Amir's plan")
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let (_, html) = nadia.get(&plan).await;
    assert_eq!(text_of(&html, "h1").unwrap(), "Amir's support plan");
    let parties = text_of(&html, "#parties + table").unwrap();
    assert!(
        parties.contains("Nadia Malik Lead Professional (has access)"),
        "{parties}"
    );
    let priya = app
        .signed_in_with("priya.shah@example.org", goldthread::demo::DEMO_PASSWORD)
        .await;
    let (status, _) = priya.get(&plan).await;
    assert_eq!(status, 404, "the SENCO does not see an adult's plan");
}
both!(demo_personal_budget_plan_is_the_social_workers);

/// Dates are typed in the GOV.UK date input (day, month, year), with its
/// error messages; what was typed is kept; the API keeps ISO dates.
async fn dates_in_day_month_year_boxes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, api) = app.api_user("priya@example.org", "practitioner").await;
    let plan = api.plan("Leo", "MSP").await;
    let p = plan["id"].as_str().unwrap().to_owned();
    let priya = app.signed_in("priya@example.org").await;
    let add = format!("/plans/{p}/sections/outcomes/add/outcome");
    let (_, form) = priya.get(&add).await;
    assert!(form.contains("class=\"govuk-date-input\""));
    assert_eq!(attr_of(&form, "#by_when", "name").unwrap(), "by_when-day");
    assert_eq!(attr_of(&form, "#by_when-year", "name").unwrap(), "by_when-year");

    let text = "By July 2027, Leo will ask an adult for help 4 times out of 5, recorded by his TA";
    let cases: [(&[(&str, &str)], &str); 3] = [
        (
            &[("by_when-day", "16"), ("by_when-year", "2027")],
            "By the end of key stage must include a month",
        ),
        (
            &[("by_when-day", "16")],
            "By the end of key stage must include a month and a year",
        ),
        (
            &[("by_when-day", "31"), ("by_when-month", "2"), ("by_when-year", "2027")],
            "Enter a real date",
        ),
    ];
    for (typed, message) in cases {
        let mut fields = vec![("base_version", "1"), ("text", text)];
        fields.extend_from_slice(typed);
        let response = priya.submit(&add, &add, &fields).await;
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(text_of(&html, "#by_when-error").unwrap().contains(message), "{message}");
        assert_eq!(
            attr_of(&html, ".govuk-error-summary__list a", "href").unwrap(),
            "#by_when"
        );
        // What was typed is kept.
        assert_eq!(attr_of(&html, "#by_when", "value").unwrap(), typed[0].1);
    }

    let response = priya
        .submit(
            &add,
            &add,
            &[
                ("base_version", "1"),
                ("text", text),
                ("by_when-day", "16"),
                ("by_when-month", "7"),
                ("by_when-year", "2027"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (_, plan) = api.get(&format!("/plans/{p}")).await;
    assert_eq!(plan["content"]["outcomes"][0]["by_when"], "2027-07-16");
    // Changing it shows the date in the three boxes.
    let outcome = plan["content"]["outcomes"][0]["id"].as_str().unwrap();
    let (_, form) = priya
        .get(&format!("/plans/{p}/sections/outcomes/items/outcome/{outcome}"))
        .await;
    assert_eq!(attr_of(&form, "#by_when", "value").unwrap(), "16");
    assert_eq!(attr_of(&form, "#by_when-month", "value").unwrap(), "07");
    assert_eq!(attr_of(&form, "#by_when-year", "value").unwrap(), "2027");
}
both!(dates_in_day_month_year_boxes);

/// The person's date of birth and the plan's start date are typed in the
/// GOV.UK date input too, with its messages naming the field.
async fn date_of_birth_and_start_date_in_boxes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("sam@example.org", "Sam Reed", "practitioner").await;
    let sam = app.signed_in("sam@example.org").await;
    let (_, form) = sam.get("/people/new").await;
    assert_eq!(attr_of(&form, "#date_of_birth", "name").unwrap(), "date_of_birth-day");
    let response = sam
        .submit(
            "/people/new",
            "/people/new",
            &[
                ("given_name", "Daniel"),
                ("family_name", "Okafor"),
                ("date_of_birth-day", "2"),
                ("date_of_birth-year", "2001"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, "#date_of_birth-error")
            .unwrap()
            .contains("Date of birth must include a month")
    );
    assert_eq!(
        attr_of(&html, ".govuk-error-summary__list a", "href").unwrap(),
        "#date_of_birth"
    );
    assert_eq!(attr_of(&html, "#date_of_birth", "value").unwrap(), "2");
    assert_eq!(attr_of(&html, "#date_of_birth-year", "value").unwrap(), "2001");
    let response = sam
        .submit(
            "/people/new",
            "/people/new",
            &[
                ("given_name", "Daniel"),
                ("family_name", "Okafor"),
                ("date_of_birth-day", "2"),
                ("date_of_birth-month", "5"),
                ("date_of_birth-year", "2001"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let person = location(&response);
    let (_, html) = sam.get(&person).await;
    assert!(html.contains("2 May 2001"));
    let (_, form) = sam.get(&format!("{person}/edit")).await;
    assert_eq!(attr_of(&form, "#date_of_birth-month", "value").unwrap(), "5");

    let new_plan = format!("{person}/plans/new");
    let response = sam
        .submit(
            &new_plan,
            &new_plan,
            &[
                ("plan_type", "SH"),
                ("start_date-day", "30"),
                ("start_date-month", "2"),
                ("start_date-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, "#start_date-error")
            .unwrap()
            .contains("Start date must be a real date")
    );
    let response = sam
        .submit(
            &new_plan,
            &new_plan,
            &[
                ("plan_type", "SH"),
                ("start_date-day", "7"),
                ("start_date-month", "9"),
                ("start_date-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let plan = location(&response);
    let (_, html) = sam.get(&plan).await;
    assert!(html.contains("7 September 2026"));
    let details = format!("{plan}/details");
    let (_, form) = sam.get(&details).await;
    assert_eq!(attr_of(&form, "#start_date", "value").unwrap(), "7");
    let response = sam
        .submit(
            &details,
            &details,
            &[
                ("base_version", "1"),
                ("start_date-day", "8"),
                ("start_date-year", "2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        text_of(&html, "#start_date-error")
            .unwrap()
            .contains("Start date must include a month")
    );
}
both!(date_of_birth_and_start_date_in_boxes);
