//! Users, API tokens and teams.

use goldthread_domain::error::FieldErrors;
use goldthread_domain::user::{Actor, NewUser, Role};
use sqlx::AssertSqlSafe;
use sqlx::Row;
use uuid::Uuid;

use super::{Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};

/// A user as listed to administrators (never with the password hash).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
        }
    }
}

/// An API token as listed to its owner or an administrator (never the
/// token itself, which only its owner saw, once).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: time::OffsetDateTime,
    /// When it was last used, to the minute (`null` if never).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<time::OffsetDateTime>,
    /// Whether it still works (not expired).
    pub active: bool,
}

/// How long a new API token lasts unless told otherwise (ASVS 5.0 V7.3).
pub const DEFAULT_TOKEN_LIFETIME: time::Duration = time::Duration::days(90);

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub members: Vec<Uuid>,
}

pub(super) const USER_COLUMNS: &str = "id, email, name, role, active, created_at";

pub(super) fn user_from_row<R: Row>(row: &R) -> Result<User>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> bool: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    UserColumns::from_row(row)?.user()
}

/// A user's [`USER_COLUMNS`] as stored, whichever way they were read.
pub(super) struct UserColumns {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub created_at: i64,
}

impl UserColumns {
    /// The columns from a row read through sqlx, by name.
    pub(super) fn from_row<R: Row>(row: &R) -> Result<UserColumns>
    where
        for<'a> &'a str: sqlx::ColumnIndex<R>,
        for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
        for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
        for<'a> bool: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(UserColumns {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role: row.try_get("role")?,
            active: row.try_get("active")?,
            created_at: row.try_get("created_at")?,
        })
    }

    /// The columns from a row read in place (store::inline), by name.
    pub(super) fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserColumns> {
        Ok(UserColumns {
            id: row.get("id")?,
            email: row.get("email")?,
            name: row.get("name")?,
            role: row.get("role")?,
            active: row.get("active")?,
            created_at: row.get("created_at")?,
        })
    }

    pub(super) fn user(self) -> Result<User> {
        Ok(User {
            id: parse_uuid(&self.id)?,
            email: self.email,
            name: self.name,
            role: Role::parse(&self.role).ok_or_else(|| StoreError::corrupt(format!("unknown role {}", self.role)))?,
            active: self.active,
            created_at: from_millis(self.created_at),
        })
    }
}

impl Store {
    /// Adds a user; `password_hash` is already an Argon2id PHC string.
    pub async fn create_user(&self, user: &NewUser, password_hash: &str) -> Result<User> {
        let id = Uuid::new_v4();
        let sql = format!(
            "INSERT INTO users (id, email, name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, TRUE, $6) RETURNING {USER_COLUMNS}"
        );
        let result = on_pool!(self, pool => {
            sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(id.to_string())
                .bind(user.email.as_str())
                .bind(&user.name)
                .bind(user.role.as_str())
                .bind(password_hash)
                .bind(to_millis(now()))
                .fetch_one(pool)
                .await
                .map_err(StoreError::from)
                .and_then(|row| user_from_row(&row))
        });
        match result {
            Err(e) if e.is_unique_violation() => Err(StoreError::Invalid(FieldErrors::single(
                "email",
                "A user with this email address already exists",
            ))),
            other => other,
        }
    }

    /// The user and password hash for signing in, if the account is active.
    pub async fn user_for_sign_in(&self, email: &str) -> Result<Option<(User, String)>> {
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1 AND active = TRUE");
        on_pool!(self, pool => {
            match sqlx::query(AssertSqlSafe(sql.as_str())).bind(email).fetch_optional(pool).await? {
                Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
                None => Ok(None),
            }
        })
    }

    pub async fn user(&self, id: Uuid) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        on_pool!(self, pool => {
            match sqlx::query(AssertSqlSafe(sql.as_str())).bind(id.to_string()).fetch_optional(pool).await? {
                Some(row) => Ok(Some(user_from_row(&row)?)),
                None => Ok(None),
            }
        })
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        on_pool!(self, pool => {
            match sqlx::query(AssertSqlSafe(sql.as_str())).bind(email.trim().to_lowercase()).fetch_optional(pool).await? {
                Some(row) => Ok(Some(user_from_row(&row)?)),
                None => Ok(None),
            }
        })
    }

    pub async fn list_users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name, email");
        on_pool!(self, pool => {
            sqlx::query(AssertSqlSafe(sql.as_str())).fetch_all(pool).await?.iter().map(user_from_row).collect()
        })
    }

    pub async fn count_users(&self) -> Result<i64> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(pool).await?)
        })
    }

    /// Deactivating a user ends every session and revokes every API token
    /// they have, for good: reactivating them revives neither (ASVS 5.0
    /// V7.4.2).
    pub async fn set_user_active(&self, id: Uuid, active: bool) -> Result<()> {
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
                .bind(active)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if !active {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(to_millis(now()))
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            done
        });
        if done == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// Sets a new password and ends every session of the user but `keep`
    /// (the one that changed it, if any); with `revoke_tokens` their API
    /// tokens stop working too (ASVS 5.0 V7.4.3).
    pub async fn change_password(
        &self,
        id: Uuid,
        password_hash: &str,
        keep: Option<&str>,
        revoke_tokens: bool,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(id.to_string())
                .bind(keep.unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            if revoke_tokens {
                sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(to_millis(now()))
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The password hash of an active user, to check their current password.
    pub async fn password_hash(&self, id: Uuid) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND active = TRUE")
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Stores the hash of a new API token for a user, lasting the default
    /// 90 days.
    pub async fn create_api_token(&self, user_id: Uuid, label: &str, token_hash: &str) -> Result<Uuid> {
        self.create_api_token_lasting(user_id, label, token_hash, DEFAULT_TOKEN_LIFETIME)
            .await
    }

    /// Stores the hash of a new API token that stops working `lifetime`
    /// after it is made. Both times come from one reading of the clock, so
    /// a token made to last 90 days is shown as lasting exactly 90 days.
    pub async fn create_api_token_lasting(
        &self,
        user_id: Uuid,
        label: &str,
        token_hash: &str,
        lifetime: time::Duration,
    ) -> Result<Uuid> {
        let id = Uuid::new_v4();
        let created_at = now();
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.to_string())
            .bind(user_id.to_string())
            .bind(token_hash)
            .bind(label)
            .bind(to_millis(created_at))
            .bind(to_millis(created_at + lifetime))
            .execute(pool)
            .await?;
        });
        Ok(id)
    }

    /// The active user a token hash belongs to, if the token is neither
    /// expired nor revoked. Reading writes nothing (see [`Self::touch_api_token`]).
    pub async fn user_for_token(&self, token_hash: &str) -> Result<Option<User>> {
        let sql = "SELECT u.id, u.email, u.name, u.role, u.active, u.created_at FROM api_tokens t \
                   JOIN users u ON u.id = t.user_id \
                   WHERE t.token_hash = $1 AND u.active = TRUE AND t.revoked_at IS NULL AND t.expires_at > $2";
        // Every API request asks: on SQLite in place (store::inline), on
        // PostgreSQL gathered with other requests' (store::batched).
        if let Some(reads) = self.inline_reads() {
            let columns = reads.row(
                sql,
                rusqlite::named_params! {"$1": token_hash, "$2": to_millis(now())},
                UserColumns::from_sqlite,
            )?;
            return columns.map(UserColumns::user).transpose();
        }
        Ok(match self {
            Store::Sqlite(pool) => match sqlx::query(sql)
                .bind(token_hash)
                .bind(to_millis(now()))
                .fetch_optional(pool)
                .await?
            {
                Some(row) => Some(user_from_row(&row)?),
                None => None,
            },
            // Gathered with other requests' (store::batched).
            Store::Postgres(pool) => {
                use super::batched::{Param, fetch_optional};
                let params = vec![Param::Text(token_hash.to_owned()), Param::Int(to_millis(now()))];
                match fetch_optional(pool, sql, params).await? {
                    Some(row) => Some(user_from_row(&row)?),
                    None => None,
                }
            }
        })
    }

    /// Records when a token was last used. Callers do this at most once a
    /// minute per token, so the API does not make a durable write per call.
    pub async fn touch_api_token(&self, token_hash: &str, at: time::OffsetDateTime) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                .bind(to_millis(at))
                .bind(token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// A user's API tokens that are not revoked, newest first.
    pub async fn api_tokens(&self, user_id: Uuid) -> Result<Vec<ApiToken>> {
        let rows: Vec<(String, String, String, i64, i64, Option<i64>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, user_id, label, created_at, expires_at, last_used_at FROM api_tokens \
                 WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id",
            )
            .bind(user_id.to_string())
            .fetch_all(pool)
            .await?
        });
        let now = now();
        rows.into_iter()
            .map(|(id, user_id, label, created_at, expires_at, last_used_at)| {
                Ok(ApiToken {
                    id: parse_uuid(&id)?,
                    user_id: parse_uuid(&user_id)?,
                    label,
                    created_at: from_millis(created_at),
                    expires_at: from_millis(expires_at),
                    last_used_at: last_used_at.map(from_millis),
                    active: from_millis(expires_at) > now,
                })
            })
            .collect()
    }

    /// Revokes a token: its owner or an administrator may; anyone else is
    /// told it does not exist.
    pub async fn revoke_api_token(&self, actor: &Actor, token_id: Uuid) -> Result<()> {
        let done = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND (user_id = $3 OR $4)",
            )
            .bind(to_millis(now()))
            .bind(token_id.to_string())
            .bind(actor.id.to_string())
            .bind(actor.is_admin())
            .execute(pool)
            .await?
            .rows_affected()
        });
        if done == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    pub async fn create_team(&self, name: &str) -> Result<Team> {
        let id = Uuid::new_v4();
        let result = on_pool!(self, pool => {
            sqlx::query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)")
                .bind(id.to_string())
                .bind(name.trim())
                .bind(to_millis(now()))
                .execute(pool)
                .await
                .map(|_| ())
                .map_err(StoreError::from)
        });
        match result {
            Err(e) if e.is_unique_violation() => Err(StoreError::Invalid(FieldErrors::single(
                "name",
                "A team with this name already exists",
            ))),
            Err(e) => Err(e),
            Ok(_) => Ok(Team {
                id,
                name: name.trim().to_owned(),
                members: vec![],
            }),
        }
    }

    pub async fn add_team_member(&self, team_id: Uuid, user_id: Uuid) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(team_id.to_string())
                .bind(user_id.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn list_teams(&self) -> Result<Vec<Team>> {
        let rows: Vec<(String, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.id, t.name, m.user_id FROM teams t LEFT JOIN team_members m ON m.team_id = t.id ORDER BY t.name",
            )
            .fetch_all(pool)
            .await?
        });
        let mut teams: Vec<Team> = Vec::new();
        for (id, name, member) in rows {
            let id = parse_uuid(&id)?;
            if teams.last().is_none_or(|t| t.id != id) {
                teams.push(Team {
                    id,
                    name,
                    members: vec![],
                });
            }
            if let Some(member) = member {
                teams
                    .last_mut()
                    .expect("pushed above")
                    .members
                    .push(parse_uuid(&member)?);
            }
        }
        Ok(teams)
    }

    /// Gives a team access to a plan. Only administrators may grant.
    pub async fn grant_plan_to_team(&self, actor: &Actor, plan_id: Uuid, team_id: Uuid) -> Result<()> {
        if !actor.is_admin() {
            return Err(StoreError::Forbidden);
        }
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO plan_access (plan_id, team_id, source, granted_at) VALUES ($1, $2, 'grant', $3) ON CONFLICT DO NOTHING",
            )
            .bind(plan_id.to_string())
            .bind(team_id.to_string())
            .bind(to_millis(now()))
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}
