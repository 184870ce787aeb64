//! `goldthread backup FILE` and `goldthread restore FILE` for the embedded
//! SQLite database (issue 12). PostgreSQL has its own tools, `pg_dump` and
//! `pg_restore` (see the README).
//!
//! **Backup** is online and consistent: `VACUUM INTO` through the pool
//! writes a complete, compacted copy of the database as one read
//! transaction sees it, while the server keeps serving.
//!
//! **Restore** puts a backup in the configured database's place. It
//! refuses to overwrite a database in use: every Goldthread process that
//! opens a SQLite database holds a shared lock on `PATH.lock` beside it
//! for as long as it runs ([`hold_in_use_lock`]); restore needs that lock
//! exclusively. The backup is checked first (SQLite's integrity check, a
//! Goldthread schema), copied beside the target and renamed over it (so a
//! failure never leaves half a database), and then migrated.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, bail};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::store::Store;

/// The path of a `sqlite:` URL's file, or None for another database.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (path != ":memory:" && !path.is_empty()).then(|| PathBuf::from(path))
}

fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn open_lock(database: &Path) -> anyhow::Result<File> {
    let path = lock_path(database);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("could not open {}", path.display()))
}

/// The locks this process holds: kept until it exits.
static HELD: OnceLock<Mutex<Vec<File>>> = OnceLock::new();

/// Marks the SQLite database at `url` as in use by this process (a shared
/// lock on `PATH.lock`, held until the process exits), so that `restore`
/// refuses to replace it. Does nothing for PostgreSQL.
pub fn hold_in_use_lock(url: &str) -> anyhow::Result<()> {
    let Some(database) = sqlite_path(url) else {
        return Ok(());
    };
    let file = open_lock(&database)?;
    file.lock_shared()
        .with_context(|| format!("could not lock {}", lock_path(&database).display()))?;
    HELD.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(file);
    Ok(())
}

/// Writes a consistent copy of the running database to `to` (which must
/// not exist yet).
pub async fn backup(store: &Store, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!("{} already exists; choose a new file for the backup", to.display());
    }
    match store {
        Store::Sqlite(pool) => {
            let target = to
                .to_str()
                .with_context(|| format!("{} is not a UTF-8 path", to.display()))?;
            sqlx::query("VACUUM INTO $1")
                .bind(target)
                .execute(pool)
                .await
                .with_context(|| format!("could not write the backup to {}", to.display()))?;
            Ok(())
        }
        Store::Postgres(_) => bail!(
            "goldthread backup is for the embedded SQLite database; for PostgreSQL use \
             pg_dump --format=custom --file FILE \"$DATABASE_URL\" (see the README)"
        ),
    }
}

/// Checks that `file` is a sound Goldthread SQLite database.
async fn check_backup(file: &Path) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("there is no backup at {}", file.display());
    }
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(file)
        .immutable(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    if integrity != "ok" {
        bail!("{} is damaged: {integrity}", file.display());
    }
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .map_err(|_| anyhow::anyhow!("{} is not a Goldthread database", file.display()))?;
    if migrations == 0 {
        bail!("{} is not a Goldthread database", file.display());
    }
    pool.close().await;
    Ok(())
}

/// Restores the backup `from` into the SQLite database at `url`, unless
/// that database is in use; then migrates it to this version.
pub async fn restore(url: &str, from: &Path) -> anyhow::Result<()> {
    let Some(target) = sqlite_path(url) else {
        bail!(
            "goldthread restore is for the embedded SQLite database; for PostgreSQL use \
             pg_restore --clean --dbname \"$DATABASE_URL\" FILE (see the README)"
        );
    };
    check_backup(from).await?;
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("could not create {}", parent.display()))?;
    }
    {
        let lock = open_lock(&target)?;
        if lock.try_lock().is_err() {
            bail!(
                "the database at {} is in use (stop goldthread serve and any other goldthread command using it first)",
                target.display()
            );
        }
        let mut staging = target.as_os_str().to_owned();
        staging.push(".restoring");
        let staging = PathBuf::from(staging);
        std::fs::copy(from, &staging)
            .with_context(|| format!("could not copy {} to {}", from.display(), staging.display()))?;
        File::open(&staging)?.sync_all()?;
        for suffix in ["-wal", "-shm"] {
            let mut stale = target.as_os_str().to_owned();
            stale.push(suffix);
            match std::fs::remove_file(PathBuf::from(stale)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        std::fs::rename(&staging, &target)
            .with_context(|| format!("could not move the restored database to {}", target.display()))?;
        // The exclusive lock ends here, before this process opens it.
    }
    let store = Store::connect(url)
        .await
        .with_context(|| format!("could not open the restored database at {}", target.display()))?;
    if let Store::Sqlite(pool) = store {
        pool.close().await;
    }
    Ok(())
}
