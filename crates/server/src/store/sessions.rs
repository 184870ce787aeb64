//! Web sessions live in the database, so that several instances behind a
//! load balancer share them. Each row records whose session it is, so that
//! a user can see and end their sessions and a password change or
//! deactivation can end them (ASVS 5.0 V7.4). Only signed-in sessions are
//! stored: before sign-in the CSRF token lives in a signed cookie.

use std::sync::LazyLock;

use async_trait::async_trait;
use sqlx::{AssertSqlSafe, Row};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use super::users::{USER_COLUMNS, UserColumns};
use super::{Result, Store, from_millis, now, on_pool, to_millis};

/// The session data's key for the signed-in user (storage reads it to
/// record whose session a row is; the web layer writes it).
pub const USER_KEY: &str = "user_id";
/// The session data's key for the browser that signed in, shown in the
/// user's list of sessions.
pub const USER_AGENT_KEY: &str = "user_agent";
/// The session data's key for the signed-in user's record as read with
/// the session ([`super::User`], never stored: it is read afresh with the session
/// on every request).
pub const LOADED_USER_KEY: &str = "loaded_user";

/// One of a user's sessions, as listed to them (never with its id).
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// A stand-in for the session id (its SHA-256), safe to show.
    pub handle: String,
    pub signed_in_at: time::OffsetDateTime,
    pub expires_at: time::OffsetDateTime,
    pub user_agent: String,
    pub current: bool,
}

/// The SHA-256 of a session id, so pages can name a session without
/// revealing the id itself.
pub fn session_handle(id: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(id.as_bytes()))
}

fn owner(record: &Record) -> Option<String> {
    record.data.get(USER_KEY).and_then(|v| v.as_str()).map(str::to_owned)
}

/// The session's data as stored: without the user loaded with it.
fn stored_data(record: &Record) -> session_store::Result<String> {
    let data: std::collections::BTreeMap<&String, &serde_json::Value> =
        record.data.iter().filter(|(key, _)| *key != LOADED_USER_KEY).collect();
    serde_json::to_string(&data).map_err(backend)
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random id collides with an existing one only by
        // astronomically bad luck; retry rather than overwrite.
        loop {
            let data = stored_data(record)?;
            let inserted = on_pool!(self, pool => {
                sqlx::query("INSERT INTO sessions (id, data, expires_at, user_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
                    .bind(record.id.to_string())
                    .bind(data)
                    .bind(to_millis(record.expiry_date))
                    .bind(owner(record))
                    .bind(to_millis(now()))
                    .execute(pool)
                    .await
                    .map_err(backend)?
                    .rows_affected()
            });
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = stored_data(record)?;
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (id, data, expires_at, user_id, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, user_id = excluded.user_id",
            )
            .bind(record.id.to_string())
            .bind(data)
            .bind(to_millis(record.expiry_date))
            .bind(owner(record))
            .bind(to_millis(now()))
            .execute(pool)
            .await
            .map_err(backend)?;
        });
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        // The session's user comes in the same query (one round trip
        // fewer on every page), as fresh as a query of its own would be.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let user = USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "SELECT s.data, s.expires_at, {user} FROM sessions s LEFT JOIN users u ON u.id = s.user_id \
                 WHERE s.id = $1 AND s.expires_at > $2"
            )
        });
        // Every signed-in request reads its session: on SQLite in place
        // (store::inline).
        let loaded: Option<(String, i64, Option<UserColumns>)> = if let Some(reads) = self.inline_reads() {
            reads
                .row(
                    &SQL,
                    rusqlite::named_params! {"$1": id.to_string(), "$2": to_millis(now())},
                    |r| {
                        let user = match r.get::<_, Option<String>>("id")? {
                            Some(_) => Some(UserColumns::from_sqlite(r)?),
                            None => None,
                        };
                        Ok((r.get("data")?, r.get("expires_at")?, user))
                    },
                )
                .map_err(backend)?
        } else {
            // On PostgreSQL gathered with other requests' (store::batched).
            macro_rules! decode {
                ($found:expr) => {
                    match $found {
                        Some(row) => {
                            let user = match row.try_get::<Option<String>, _>("id").map_err(backend)? {
                                Some(_) => Some(UserColumns::from_row(&row).map_err(backend)?),
                                None => None,
                            };
                            Some((
                                row.try_get("data").map_err(backend)?,
                                row.try_get("expires_at").map_err(backend)?,
                                user,
                            ))
                        }
                        None => None,
                    }
                };
            }
            match self {
                Store::Sqlite(pool) => decode!(
                    sqlx::query(AssertSqlSafe(SQL.as_str()))
                        .bind(id.to_string())
                        .bind(to_millis(now()))
                        .fetch_optional(pool)
                        .await
                        .map_err(backend)?
                ),
                Store::Postgres(pool) => {
                    use super::batched::{Param, fetch_optional};
                    let params = vec![Param::Text(id.to_string()), Param::Int(to_millis(now()))];
                    decode!(fetch_optional(pool, &SQL, params).await.map_err(backend)?)
                }
            }
        };
        let Some((data, expires_at, user)) = loaded else {
            return Ok(None);
        };
        let mut data: std::collections::HashMap<String, serde_json::Value> =
            serde_json::from_str(&data).map_err(backend)?;
        if let Some(user) = user {
            let user = user.user().map_err(backend)?;
            data.insert(LOADED_USER_KEY.to_owned(), serde_json::to_value(user).map_err(backend)?);
        }
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: super::from_millis(expires_at),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(id.to_string())
                .execute(pool)
                .await
                .map_err(backend)?;
        });
        Ok(())
    }
}

impl Store {
    /// A user's unexpired sessions, newest first; `current` is the id of
    /// the session asking.
    pub async fn user_sessions(&self, user_id: uuid::Uuid, current: Option<&str>) -> Result<Vec<SessionInfo>> {
        let rows: Vec<(String, String, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, data, expires_at, created_at FROM sessions WHERE user_id = $1 AND expires_at > $2 \
                 ORDER BY created_at DESC, id",
            )
            .bind(user_id.to_string())
            .bind(to_millis(now()))
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, data, expires_at, created_at)| {
                let data: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
                SessionInfo {
                    handle: session_handle(&id),
                    signed_in_at: from_millis(created_at),
                    expires_at: from_millis(expires_at),
                    user_agent: data
                        .get(USER_AGENT_KEY)
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_owned(),
                    current: current == Some(id.as_str()),
                }
            })
            .collect())
    }

    /// Ends a user's sessions, all but `keep` (the one asking, if any).
    pub async fn end_user_sessions(&self, user_id: uuid::Uuid, keep: Option<&str>) -> Result<u64> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(user_id.to_string())
                .bind(keep.unwrap_or(""))
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// Ends one of a user's sessions, named by its handle; false when the
    /// user has no such session.
    pub async fn end_user_session(&self, user_id: uuid::Uuid, handle: &str) -> Result<bool> {
        let ids: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM sessions WHERE user_id = $1")
                .bind(user_id.to_string())
                .fetch_all(pool)
                .await?
        });
        let Some(id) = ids.into_iter().find(|id| session_handle(id) == handle) else {
            return Ok(false);
        };
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id.to_string())
                .execute(pool)
                .await?;
        });
        Ok(true)
    }

    /// Deletes expired sessions; safe on several instances at once.
    pub async fn purge_expired_sessions(&self) -> Result<u64> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(to_millis(now()))
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// How many sessions are stored (for tests of anonymous traffic).
    pub async fn count_sessions(&self) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions").fetch_one(pool).await?
        }))
    }
}

#[async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(to_millis(now()))
                .execute(pool)
                .await
                .map_err(backend)?;
        });
        Ok(())
    }
}
