//! Reads made at the same moment by many requests (on PostgreSQL gathered
//! into one statement, store/batched.rs): each request still gets its own
//! answer, by its own access, and a session ended a moment ago no longer
//! works.

use futures_util::future::join_all;

use crate::both;
use crate::helpers::{Backend, spawn_app};

async fn reads_at_the_same_moment_each_get_their_own_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let names = ["Priya", "Tomasz", "Ade"];
    let mut readers = Vec::new();
    for name in names {
        let email = format!("{}@example.org", name.to_lowercase());
        let (_, api) = app.api_user(&email, "practitioner").await;
        let plan = api.plan(name, "MSP").await;
        let id = plan["id"].as_str().unwrap().to_owned();
        let browser = app.signed_in(&email).await;
        readers.push((name, api, browser, id));
    }
    let gathered_before = goldthread::store::gathered_statements();

    // Everyone reads their own plan and their neighbour's, by the API and
    // by the page, many times over, all at once.
    let reads = |ended: Option<usize>| {
        let readers = &readers;
        let mut reads = Vec::new();
        for round in 0..20 {
            for (i, (name, api, browser, own)) in readers.iter().enumerate() {
                let other = &readers[(i + 1) % readers.len()].3;
                let ended = ended == Some(i);
                reads.push(Box::pin(async move {
                    let (status, plan) = api.get(&format!("/plans/{own}")).await;
                    assert_eq!(status, 200, "{name}'s own plan by the API, round {round}");
                    assert_eq!(plan["id"].as_str(), Some(own.as_str()), "{name} got their own plan");
                    let (status, _) = api.get(&format!("/plans/{other}")).await;
                    assert_eq!(status, 404, "{name} may not read another's plan, round {round}");
                    let (status, page) = browser.get(&format!("/plans/{own}")).await;
                    if ended {
                        assert_eq!(status, 303, "{name}'s ended session no longer works, round {round}");
                    } else {
                        assert_eq!(status, 200, "{name}'s plan page, round {round}");
                        assert!(
                            page.contains(&format!("{name} Tester")),
                            "{name}'s page shows their person"
                        );
                        for (other_name, ..) in readers.iter().filter(|r| r.0 != *name) {
                            assert!(
                                !page.contains(&format!("{other_name} Tester")),
                                "{name} sees nobody else's"
                            );
                        }
                    }
                    let (status, _) = browser.get(&format!("/plans/{other}")).await;
                    let expected = if ended { 303 } else { 404 };
                    assert_eq!(status, expected, "{name}'s page of another's plan, round {round}");
                })
                    as std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>);
            }
        }
        join_all(reads)
    };
    reads(None).await;

    // Tomasz signs out; at once, everyone reads again.
    let response = readers[1].2.submit("/people", "/sign-out", &[]).await;
    assert_eq!(response.status(), 303);
    reads(Some(1)).await;

    if backend == Backend::Postgres {
        assert!(
            goldthread::store::gathered_statements() > gathered_before,
            "reads at the same moment were gathered into one statement"
        );
    }
}
both!(reads_at_the_same_moment_each_get_their_own_answer);
