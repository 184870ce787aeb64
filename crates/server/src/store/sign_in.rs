//! Sign-in throttling state, kept in the database so that the limits hold
//! across every instance. Each attempt is reserved with a compare-and-set
//! on its key's row before the password is hashed, so parallel attempts
//! are counted one by one on both SQLite and PostgreSQL.

use time::OffsetDateTime;

use super::{Result, Store, from_millis, on_pool, to_millis};
use crate::throttle::{Decision, Policy, State, decide};

impl Store {
    /// Counts one more attempt on `key` (as a failure, until it proves
    /// right) if the policy allows one now; otherwise says how long to wait.
    pub async fn reserve_sign_in(&self, key: &str, policy: &Policy, now: OffsetDateTime) -> Result<Decision> {
        // Losing a race to another attempt on the same key means it was
        // counted first: look again.
        for _ in 0..20 {
            let stored: Option<(i64, i64, i64)> = on_pool!(self, pool => {
                sqlx::query_as("SELECT failures, last_at, next_at FROM sign_in_throttle WHERE key = $1")
                    .bind(key)
                    .fetch_optional(pool)
                    .await?
            });
            let state = stored.map(|(failures, last_at, next_at)| State {
                failures,
                last_at: from_millis(last_at),
                next_at: from_millis(next_at),
            });
            let next = match decide(policy, state, now) {
                Decision::Wait(wait) => return Ok(Decision::Wait(wait)),
                Decision::Attempt(next) => next,
            };
            let won = on_pool!(self, pool => {
                match stored {
                    None => sqlx::query(
                        "INSERT INTO sign_in_throttle (key, failures, last_at, next_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (key) DO NOTHING",
                    )
                    .bind(key)
                    .bind(next.failures)
                    .bind(to_millis(next.last_at))
                    .bind(to_millis(next.next_at))
                    .execute(pool)
                    .await?
                    .rows_affected(),
                    Some((failures, last_at, next_at)) => sqlx::query(
                        "UPDATE sign_in_throttle SET failures = $1, last_at = $2, next_at = $3 \
                         WHERE key = $4 AND failures = $5 AND last_at = $6 AND next_at = $7",
                    )
                    .bind(next.failures)
                    .bind(to_millis(next.last_at))
                    .bind(to_millis(next.next_at))
                    .bind(key)
                    .bind(failures)
                    .bind(last_at)
                    .bind(next_at)
                    .execute(pool)
                    .await?
                    .rows_affected(),
                }
            });
            if won == 1 {
                return Ok(Decision::Attempt(next));
            }
        }
        Ok(Decision::Wait(time::Duration::seconds(1)))
    }

    /// A correct password forgets the failures of its account or device.
    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
                .bind(key)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// A correct password gives back the attempt it counted against a key
    /// it does not clear (the address): people sharing an address who sign
    /// in successfully do not slow each other down.
    pub async fn release_sign_in(&self, key: &str, policy: &Policy) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE sign_in_throttle SET failures = failures - 1, \
                 next_at = CASE WHEN failures - 1 < $2 THEN last_at ELSE next_at END \
                 WHERE key = $1 AND failures > 0",
            )
            .bind(key)
            .bind(policy.free)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Forgets throttling state nobody has touched for a day. Safe to run
    /// on several instances at once.
    pub async fn purge_sign_in_failures(&self, now: OffsetDateTime) -> Result<u64> {
        let before = to_millis(now - crate::throttle::FORGET_AFTER);
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM sign_in_throttle WHERE last_at < $1 AND next_at < $1")
                .bind(before)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// A key shared by every instance, made on first use (ASVS 5.0 V13.3:
    /// secrets are generated, not configured by hand).
    pub async fn server_secret(&self, name: &str) -> Result<Vec<u8>> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
                .bind(name)
                .bind(crate::auth::random_secret())
                .bind(to_millis(super::now()))
                .execute(pool)
                .await?;
        });
        let value: String = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?
        });
        Ok(value.into_bytes())
    }
}
