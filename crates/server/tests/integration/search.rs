//! Person search (issue 14): any part of a name, forgiving a typo, from
//! the search index (FTS5 trigrams on SQLite, pg_trgm on PostgreSQL), and
//! never anyone the searcher may not see, through the page and the API.

use crate::both;
use crate::helpers::{Backend, spawn_app, text_of};

async fn person_search(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, priya) = app.api_user("priya@example.org", "practitioner").await;
    let (_, other) = app.api_user("omar@example.org", "practitioner").await;
    let (_, admin) = app.api_user("admin@example.org", "admin").await;
    for (given, family) in [
        ("Leo", "Ellis"),
        ("Anna", "Kowalski"),
        ("Sean", "O'Brien"),
        ("Elsie", "Martin"),
        ("Ellie", "Marsh"),
    ] {
        priya.person(given, family).await;
    }
    // Omar's own person, with a name Priya's searches would match.
    other.person("Leon", "Ellison").await;

    let names = |body: &serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p["given_name"].as_str().unwrap(),
                    p["family_name"].as_str().unwrap()
                )
            })
            .collect()
    };
    let search = |q: &str| format!("/people?q={}", urlencoding(q));

    // Any part of a name.
    let (status, body) = priya.get(&search("lis")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body), ["Leo Ellis"]);
    let (_, body) = priya.get(&search("WALS")).await;
    assert_eq!(names(&body), ["Anna Kowalski"]);
    // A typo still finds the name; the closest match comes first.
    let (_, body) = priya.get(&search("Elis")).await;
    assert_eq!(names(&body)[0], "Leo Ellis", "{body}");
    let (_, body) = priya.get(&search("kowalsky")).await;
    assert_eq!(names(&body), ["Anna Kowalski"]);
    // Short queries match as they are.
    let (_, body) = priya.get(&search("ma")).await;
    assert_eq!(names(&body), ["Ellie Marsh", "Elsie Martin"]);
    // Nothing like it.
    let (_, body) = priya.get(&search("zzyzx")).await;
    assert_eq!(body["total"], 0);
    // Quotes and FTS syntax are only text.
    for q in ["\"", "ell OR *", "NEAR(a b)", "o'brien", "%", "_"] {
        let (status, body) = priya.get(&search(q)).await;
        assert_eq!(status, 200, "{q}: {body}");
    }
    let (_, body) = priya.get(&search("o'brien")).await;
    assert_eq!(names(&body), ["Sean O'Brien"]);

    // Omar's person is no match for Priya, however close, and Priya's are
    // none for Omar; the administrator sees everyone.
    let (_, body) = priya.get(&search("ellison")).await;
    assert!(!names(&body).contains(&"Leon Ellison".to_owned()), "{body}");
    let (_, body) = other.get(&search("ellis")).await;
    assert_eq!(names(&body), ["Leon Ellison"]);
    // Both hold "ellis"; Ellie is one letter away, so she follows.
    let (_, body) = admin.get(&search("ellis")).await;
    assert_eq!(names(&body), ["Leo Ellis", "Leon Ellison", "Ellie Marsh"], "{body}");
    // Everyone, by family name, when nothing is typed; paged.
    let (_, body) = priya.get("/people?limit=2&offset=1").await;
    assert_eq!(body["total"], 5);
    assert_eq!(names(&body), ["Anna Kowalski", "Ellie Marsh"]);

    // A change of name is found at once, and the old name no more.
    let (_, body) = priya.get(&search("marsh")).await;
    let id = body["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, person) = priya.get(&format!("/people/{id}")).await;
    let (status, body) = priya
        .put(
            &format!("/people/{id}"),
            serde_json::json!({"base_version": person["version"], "given_name": "Ellie", "family_name": "Whitlock"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = priya.get(&search("whitlok")).await;
    assert_eq!(names(&body), ["Ellie Whitlock"]);
    let (_, body) = priya.get(&search("marsh")).await;
    assert_eq!(body["total"], 0, "{body}");

    // The page: the same search, typo and all.
    let browser = app.signed_in("priya@example.org").await;
    let (status, html) = browser.get("/people?q=kowalsky").await;
    assert_eq!(status, 200);
    assert!(
        text_of(&html, "#search-results").unwrap().starts_with("1 person"),
        "{html}"
    );
    assert_eq!(text_of(&html, "tbody a").unwrap(), "Anna Kowalski");
    let (_, html) = browser.get("/people?q=ellison").await;
    assert!(!html.contains("Ellison"));
}
both!(person_search);

fn urlencoding(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
