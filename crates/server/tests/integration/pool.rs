//! The database pool: connections are not pinged before every query (a
//! round trip as long as a small query, issue 14), and a PostgreSQL
//! connection lost while idle is still found and replaced before use.

use std::time::Duration;

use goldthread::store::Store;
use sqlx::Connection;

use crate::both;
use crate::helpers::{Backend, spawn_app};

async fn connections_are_not_pinged_before_each_query(backend: Backend) {
    let app = spawn_app(backend).await;
    let pinged = match &app.store {
        Store::Sqlite(pool) => pool.options().get_test_before_acquire(),
        Store::Postgres(pool) => pool.options().get_test_before_acquire(),
    };
    assert!(!pinged, "a ping before every query doubles the cost of small reads");

    app.user("priya@example.org", "Priya Shah", "practitioner").await;
    let browser = app.signed_in("priya@example.org").await;
    let (status, _) = browser.get("/dashboard").await;
    assert_eq!(status, 200);

    if backend == Backend::Postgres {
        // The database server drops every connection of the pool (a
        // restart, a dropped link): once they have been idle a while, each
        // is checked when taken and replaced, so nobody sees an error.
        let mut admin = sqlx::PgConnection::connect(&app.database_url).await.unwrap();
        let dropped: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_all(&mut admin)
        .await
        .unwrap();
        assert!(!dropped.is_empty(), "the pool had connections to drop");
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        for path in ["/dashboard", "/people", "/plans", "/dashboard"] {
            let (status, _) = browser.get(path).await;
            assert_eq!(status, 200, "{path} after the connections were dropped");
        }
    }
}
both!(connections_are_not_pinged_before_each_query);
