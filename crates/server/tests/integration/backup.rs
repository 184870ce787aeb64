//! `goldthread backup` and `goldthread restore` (issue 12): an online
//! backup of a running SQLite database, restored elsewhere, gives every
//! table equal and verifies; a restore over a database in use is refused. PostgreSQL
//! uses pg_dump and pg_restore (the commands say so).

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::cli::goldthread;
use crate::helpers::*;

/// Every table of a SQLite database, each row as quoted text, sorted.
async fn tables(url: &str) -> Vec<(String, Vec<String>)> {
    let options = SqliteConnectOptions::from_str(url).unwrap();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut all = Vec::new();
    for name in names {
        let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{name}') ORDER BY cid"
        )))
        .fetch_all(&pool)
        .await
        .unwrap();
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let mut rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {row} FROM \"{name}\"")))
            .fetch_all(&pool)
            .await
            .unwrap();
        rows.sort();
        all.push((name, rows));
    }
    pool.close().await;
    all
}

#[tokio::test]
async fn backup_and_restore_give_every_table_equal() {
    // The server runs on SQLite with the demo loaded (plans, meetings,
    // ratings, requests, reminders…) while the backup is taken.
    let app = spawn_app(Backend::Sqlite).await;
    goldthread::demo::load_if_empty(&app.store).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("goldthread-backup.db");
    let file = file.to_str().unwrap();
    let (ok, out, err) = goldthread(&app.database_url, &["backup", file], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("Backed up"), "{out}");
    // Not over an existing file.
    let (ok, _, err) = goldthread(&app.database_url, &["backup", file], "");
    assert!(!ok && err.contains("already exists"), "{err}");

    let live = tables(&app.database_url).await;
    assert!(
        live.iter()
            .any(|(name, rows)| name == "plan_changes" && !rows.is_empty())
    );
    assert!(
        live.iter()
            .any(|(name, rows)| name == "clock_requests" && !rows.is_empty())
    );
    assert_eq!(tables(&format!("sqlite://{file}")).await, live);

    // Not over the running database.
    let (ok, _, err) = goldthread(&app.database_url, &["restore", file], "");
    assert!(!ok && err.contains("in use"), "{err}");

    // Into the configured path of another installation: every table equal.
    let restored = format!("sqlite://{}", dir.path().join("restored/goldthread.db").display());
    let (ok, out, err) = goldthread(&restored, &["restore", file], "");
    assert!(ok, "{out}{err}");
    assert_eq!(tables(&restored).await, live);
    // The restored copy verifies: every plan's and person's history, and
    // the audit log with its signed checkpoints (the key is kept outside
    // the database, so it is the live database's key).
    let (ok, out, err) = goldthread(&restored, &["verify"], "");
    assert!(ok, "the restored histories verify: {out}{err}");
    let key = goldthread::audit::Key::default_path(&app.database_url);
    let (ok, out, err) = goldthread(&restored, &["audit", "verify", "--key", key.to_str().unwrap()], "");
    assert!(ok, "the restored audit log verifies: {out}{err}");
    // And it serves.
    let again = spawn_on_url(Backend::Sqlite, restored).await;
    let (_, api) = again.api_user("check@example.org", "admin").await;
    let (status, plans) = api.get("/plans").await;
    assert_eq!(status, 200, "{plans}");

    // Not a Goldthread database, or none at all: refused.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let elsewhere = format!("sqlite://{}", dir.path().join("other.db").display());
    let (ok, _, err) = goldthread(&elsewhere, &["restore", junk.to_str().unwrap()], "");
    assert!(!ok && err.contains("not a SQLite database"), "{err}");
    let (ok, _, err) = goldthread(&elsewhere, &["restore", "/nonexistent/backup.db"], "");
    assert!(!ok && err.contains("no backup"), "{err}");

    // PostgreSQL: the commands point to pg_dump and pg_restore.
    let (ok, _, err) = goldthread("postgres://nobody@127.0.0.1:1/none", &["restore", file], "");
    assert!(!ok && err.contains("pg_restore"), "{err}");
}
