//! A practitioner builds complete plans through the pages, in a real
//! browser: a full My Support Plan (3 outcomes with steps and targets, 6
//! provision lines with owners, frequencies and costs) and a full Child's
//! Plan. Screenshots of each plan page and its golden-thread picture are
//! saved in `test-artifacts/`.

use fantoccini::{Client, Locator};

use crate::accessibility::heading_is;
use crate::both;
use crate::browser::{artifacts_dir, browser, click, click_link, fill, fill_date, retry, start_driver, text};
use crate::helpers::{Backend, PASSWORD, spawn_app};

/// Submits the page's main form and waits to be back on the plan page.
async fn save(client: &Client, plan_title: &str) {
    click(client, "main form button[type=submit]").await;
    heading_is(client, plan_title).await;
}

async fn open(client: &Client, link_text: &str) {
    click_link(client, link_text).await;
}

/// Opens the n-th (1-based) link whose text starts with `link_text`.
async fn open_nth(client: &Client, link_text: &str, n: usize) {
    let xpath = format!("(//a[starts-with(normalize-space(.), '{link_text}')])[{n}]");
    retry(client, &format!("no link {n} “{link_text}”"), || async {
        client.find(Locator::XPath(&xpath)).await?.click().await
    })
    .await;
}

/// Notes in `window.busySeen` whether the element `id` is ever marked
/// `aria-busy="true"`, once the page that has it is open.
async fn watch_busy(client: &Client, id: &str) {
    let script = format!(
        "const panel = document.getElementById('{id}'); if (!panel) return false; window.busySeen = false; \
         new MutationObserver(() => {{ if (panel.getAttribute('aria-busy') === 'true') window.busySeen = true; }}) \
         .observe(panel, {{ attributes: true, attributeFilter: ['aria-busy'] }}); return true;"
    );
    for _ in 0..150 {
        if client.execute(&script, vec![]).await.ok() == Some(serde_json::Value::Bool(true)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no #{id} to watch");
}

async fn count_links(client: &Client, link_text: &str) -> usize {
    let xpath = format!("//a[starts-with(normalize-space(.), '{link_text}')]");
    retry(client, "counting links", || async {
        client.find_all(Locator::XPath(&xpath)).await
    })
    .await
    .len()
}

async fn select_value(client: &Client, css: &str, value: &str) {
    retry(client, &format!("no option {value} in {css}"), || async {
        client.find(Locator::Css(css)).await?.select_by_value(value).await
    })
    .await;
}

async fn choose(client: &Client, name: &str, value: &str) {
    click(client, &format!("input[name={name}][value={value}]")).await;
}

async fn select(client: &Client, css: &str, label: &str) {
    retry(client, &format!("no option “{label}” in {css}"), || async {
        client.find(Locator::Css(css)).await?.select_by_label(label).await
    })
    .await;
}

async fn current_plan_url(client: &Client) -> String {
    let url = client.current_url().await.unwrap();
    format!(
        "{}://{}:{}{}",
        url.scheme(),
        url.host_str().unwrap(),
        url.port().unwrap(),
        url.path()
    )
}

async fn add_party(client: &Client, title: &str, name: &str, role: &str, agency: &str) {
    open(client, "Add someone").await;
    fill(client, "#name", name).await;
    select_value(client, "#role", role).await;
    fill(client, "#agency", agency).await;
    save(client, title).await;
}

async fn text_of_page(client: &Client) -> String {
    text(client, "main").await
}

/// A whole-page screenshot: the window is made as tall as the page first.
async fn screenshot_page(client: &Client, url: &str, name: &str) {
    client.goto(url).await.unwrap();
    let height = client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(1000)
        .clamp(800, 12_000) as u32;
    client.set_window_size(1280, height + 100).await.unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts_dir().join(name), png).unwrap();
    client.set_window_size(1280, 1000).await.unwrap();
}

async fn build_msp_and_cp(backend: Backend) {
    let app = spawn_app(backend).await;
    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let driver = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let db = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };

    client.goto(&app.url("/sign-in")).await.unwrap();
    fill(&client, "#email", "priya@example.org").await;
    fill(&client, "#password", PASSWORD).await;
    click(&client, "form[action='/sign-in'] button").await;
    heading_is(&client, "Plans you can see").await;

    // ---- My Support Plan for Leo -------------------------------------------------
    client.goto(&app.url("/people/new")).await.unwrap();
    fill(&client, "#given_name", "Leo").await;
    fill(&client, "#family_name", "Martin").await;
    fill_date(&client, "date_of_birth", "2018-03-14").await;
    click(&client, "main form button[type=submit]").await;
    heading_is(&client, "Leo Martin").await;
    open(&client, "Start a plan").await;
    choose(&client, "plan_type", "MSP").await;
    fill_date(&client, "start_date", "2026-09-07").await;
    let title = "Leo's My Support Plan";
    save(&client, title).await;
    let msp = current_plan_url(&client).await;

    add_party(&client, title, "Mrs Jones", "teacher", "Brookfield Primary").await;
    add_party(
        &client,
        title,
        "Ms Patel",
        "other",
        "Brookfield Primary – teaching assistant",
    )
    .await;
    add_party(
        &client,
        title,
        "Dr Tom Price",
        "health_professional",
        "NHS speech and language therapy",
    )
    .await;

    // About me.
    client.goto(&format!("{msp}/sections/profile/texts")).await.unwrap();
    choose(&client, "written_by", "me_with_help").await;
    fill(&client, "#helped_by", "Mum").await;
    fill(
        &client,
        "#communication",
        "Short, clear sentences and pictures. Give me time to answer.",
    )
    .await;
    fill(
        &client,
        "#admire",
        "I am kind and funny and I know every train on the line.",
    )
    .await;
    save(&client, title).await;

    // Needs and an aspiration.
    for (area, need) in [
        (
            "communication_interaction",
            "Finds it hard to ask for help in a busy classroom",
        ),
        ("social_emotional", "Becomes anxious at changes of routine"),
        ("sensory_physical", "Sensitive to noise in the hall and playground"),
    ] {
        // Each needs section offers its own areas: find the one with this area.
        client.goto(&msp).await.unwrap();
        let sections = count_links(&client, "Add a need").await;
        let mut offered = false;
        for n in 1..=sections {
            client.goto(&msp).await.unwrap();
            open_nth(&client, "Add a need", n).await;
            heading_is(&client, "Add a need").await;
            if client
                .find(Locator::Css(&format!("input[name=area][value={area}]")))
                .await
                .is_ok()
            {
                offered = true;
                break;
            }
        }
        assert!(offered, "some needs section offers {area}");
        choose(&client, "area", area).await;
        fill(&client, "#text", need).await;
        save(&client, title).await;
    }
    open_nth(&client, "Add an aspiration", 1).await;
    choose(&client, "term", "long").await;
    fill(&client, "#text", "To drive trains when I grow up").await;
    save(&client, title).await;

    // Three outcomes, each with a step and a target. The first is vague on
    // purpose: the SMART check says what is missing.
    let outcomes = [
        ("Leo will improve his communication", "communication_interaction"),
        (
            "By the end of key stage 2, Leo will ask an adult for help when he is stuck, 4 times out of 5, recorded by his TA",
            "communication_interaction",
        ),
        (
            "By July 2027, Leo will manage changes of routine with a visual timetable on at least 4 days a week, as shown by the class log",
            "social_emotional",
        ),
    ];
    for (n, (outcome_text, area)) in outcomes.into_iter().enumerate() {
        open(&client, "Add an outcome").await;
        if n == 1 {
            watch_busy(&client, "text-smart").await;
        }
        fill(&client, "#text", outcome_text).await;
        if n == 1 {
            // With JavaScript on, the SMART check follows the typing.
            let mut summary = String::new();
            for _ in 0..100 {
                // The script redraws the panel, so read it afresh each time.
                summary = text(&client, "#text-smart strong").await;
                if summary == "SMART" {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(summary, "SMART", "the SMART panel updates as you type");
            // The panel was busy while its check was on its way (so a
            // screen reader announces the settled result, and the Save
            // button below it does not move under a press), and no longer.
            let busy = client
                .execute(
                    "return [window.busySeen, document.getElementById('text-smart').getAttribute('aria-busy')];",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                busy,
                serde_json::json!([true, null]),
                "aria-busy while checking, then cleared"
            );
        }
        fill_date(&client, "by_when", "2029-07-20").await;
        choose(&client, "areas", area).await;
        click(&client, "input[name=supported_by][value=education]").await;
        save(&client, title).await;
    }
    let page = text_of_page(&client).await;
    assert!(page.contains("Not yet SMART"), "the vague outcome is flagged");
    for n in 1..=3 {
        open_nth(&client, "Add a step", n).await;
        fill(
            &client,
            "#text",
            &format!("By the end of Year 4, Leo will reach step {n} on at least 3 days a week, recorded in his log"),
        )
        .await;
        save(&client, title).await;
        open_nth(&client, "Add a short-term target", n).await;
        fill(
            &client,
            "#text",
            &format!("Within the next 6 weeks, Leo will do target {n} twice a week, noted by his TA"),
        )
        .await;
        fill_date(&client, "by_when", "2026-12-18").await;
        save(&client, title).await;
    }

    // A target before the plan starts is refused, with what was typed kept.
    open_nth(&client, "Add a short-term target", 1).await;
    fill(&client, "#text", "Too early").await;
    fill_date(&client, "by_when", "2026-08-01").await;
    click(&client, "main form button[type=submit]").await;
    let error = text(&client, "#by_when-error").await;
    assert!(error.contains("start date"), "{error}");
    assert_eq!(
        client
            .find(Locator::Css("#text"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Too early")
    );
    client.goto(&msp).await.unwrap();

    // Six provision lines with owners, frequencies and costs.
    let provision = [
        (
            "Ms Patel",
            "Teaching assistant support in class",
            "1",
            "school_day",
            "60",
            "95.00",
            "#outcome_ids",
        ),
        (
            "Dr Tom Price",
            "Speech and language therapy sessions",
            "1",
            "fortnight",
            "45",
            "30.00",
            "#outcome_ids-2",
        ),
        (
            "Ms Patel",
            "Sensory circuit before lessons",
            "3",
            "week",
            "20",
            "15.00",
            "#outcome_ids-3",
        ),
        (
            "Mrs Jones",
            "Visual timetable and now-and-next board",
            "1",
            "school_day",
            "10",
            "5.00",
            "#outcome_ids-3",
        ),
        (
            "Mrs Jones",
            "Help card practice in small group",
            "2",
            "week",
            "15",
            "12.50",
            "#outcome_ids-2",
        ),
        (
            "Ms Patel",
            "Ear defenders and quiet space at lunch",
            "1",
            "school_day",
            "30",
            "20.00",
            "#outcome_ids",
        ),
    ];
    for (who, what, times, per, minutes, cost, outcome) in provision {
        open(&client, "Add provision").await;
        click(&client, outcome).await;
        fill(&client, "#what", what).await;
        select(
            &client,
            "#party_id",
            &format!(
                "{who} ({})",
                match who {
                    "Ms Patel" => "Brookfield Primary – teaching assistant",
                    "Dr Tom Price" => "NHS speech and language therapy",
                    _ => "Brookfield Primary",
                }
            ),
        )
        .await;
        fill(&client, "#times", times).await;
        select_value(&client, "#per", per).await;
        fill(&client, "#duration_minutes", minutes).await;
        fill_date(&client, "from", "2026-09-08").await;
        fill(&client, "#weekly_cost", cost).await;
        select_value(&client, "#funding", "education").await;
        save(&client, title).await;
    }
    // A negative cost is refused.
    open(&client, "Add provision").await;
    fill(&client, "#what", "Refund").await;
    fill(&client, "#weekly_cost", "-5").await;
    click(&client, "main form button[type=submit]").await;
    let error = text(&client, "#weekly_cost-error").await;
    assert!(error.contains("negative"), "{error}");
    client.goto(&msp).await.unwrap();

    let page = text_of_page(&client).await;
    for expected in [
        "Outcome 3",
        "Speech and language therapy sessions",
        "£177.50 a week",
        "1 × per fortnight, 45 minutes",
    ] {
        assert!(page.contains(expected), "the MSP page shows {expected}");
    }
    screenshot_page(&client, &msp, &format!("msp-plan-{db}.png")).await;
    screenshot_page(
        &client,
        &format!("{msp}/golden-thread"),
        &format!("msp-golden-thread-{db}.png"),
    )
    .await;
    assert!(text_of_page(&client).await.contains("Golden thread"));

    // ---- Child's Plan for Ruby ------------------------------------------------
    client.goto(&app.url("/people/new")).await.unwrap();
    fill(&client, "#given_name", "Ruby").await;
    fill(&client, "#family_name", "Campbell").await;
    click(&client, "main form button[type=submit]").await;
    heading_is(&client, "Ruby Campbell").await;
    open(&client, "Start a plan").await;
    choose(&client, "plan_type", "CP").await;
    fill_date(&client, "start_date", "2026-08-18").await;
    let title = "Ruby's Child's Plan";
    save(&client, title).await;
    let cp = current_plan_url(&client).await;
    add_party(&client, title, "Hannah Reid", "social_worker", "Children and Families").await;
    add_party(
        &client,
        title,
        "Health visitor",
        "health_professional",
        "NHS health visiting",
    )
    .await;

    for (section, field, text) in [
        (
            "reasons",
            "reasons_for_plan",
            "Ruby's speech is delayed and the family need support with routines at home.",
        ),
        ("views", "views_child", "Ruby likes the sand tray and her big sister."),
    ] {
        client.goto(&format!("{cp}/sections/{section}/texts")).await.unwrap();
        fill(&client, &format!("#{field}"), text).await;
        save(&client, title).await;
    }
    for text in [
        "By June 2027, Ruby will use 50 words at nursery, as counted by her key person",
        "By March 2027, Ruby will sleep through the night on at least 5 nights a week, recorded in the sleep diary",
    ] {
        open(&client, "Add an outcome").await;
        fill(&client, "#text", text).await;
        fill(&client, "#measure", "Her key person's word count each month").await;
        save(&client, title).await;
    }
    for (what, who, outcome) in [
        (
            "Speech and language groups at nursery",
            "Health visitor (NHS health visiting)",
            "#outcome_ids",
        ),
        (
            "Home visits on bedtime routine",
            "Hannah Reid (Children and Families)",
            "#outcome_ids-2",
        ),
    ] {
        open(&client, "Add provision").await;
        click(&client, outcome).await;
        fill(&client, "#what", what).await;
        select(&client, "#party_id", who).await;
        fill(&client, "#times", "1").await;
        select_value(&client, "#per", "week").await;
        fill(&client, "#duration_minutes", "60").await;
        save(&client, title).await;
    }
    client.goto(&cp).await.unwrap();
    click(&client, "a[href$='/record']").await;
    choose(&client, "in_place", "no").await;
    save(&client, title).await;
    let page = text_of_page(&client).await;
    for expected in [
        "What is the desired outcome for this child?",
        "None",
        "Home visits on bedtime routine",
        "Her key person's word count",
    ] {
        assert!(page.contains(expected), "the CP page shows {expected}");
    }
    screenshot_page(&client, &cp, &format!("cp-plan-{db}.png")).await;
    screenshot_page(
        &client,
        &format!("{cp}/golden-thread"),
        &format!("cp-golden-thread-{db}.png"),
    )
    .await;
    client.close().await.unwrap();
}
both!(build_msp_and_cp);
