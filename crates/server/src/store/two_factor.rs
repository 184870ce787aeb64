//! Two-factor sign-in: each user's authenticator secret, the last step a
//! code was accepted for, their recovery codes (hashed), and the
//! organisation's policy. Accepting a code is one conditional UPDATE, so
//! two requests racing with the same code cannot both succeed.

use goldthread_domain::two_factor::TwoFactorPolicy;
use uuid::Uuid;

use super::{Result, Store, StoreError, now, on_pool, to_millis};

const POLICY_KEY: &str = "two_factor_policy";

/// A user's authenticator, as stored.
#[derive(Clone)]
pub struct TotpRecord {
    /// The raw secret. Never logged (no Debug).
    pub secret: Vec<u8>,
    pub confirmed: bool,
    pub last_step: i64,
}

impl Store {
    pub async fn totp(&self, user_id: Uuid) -> Result<Option<TotpRecord>> {
        let row: Option<(String, Option<i64>, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT secret, confirmed_at, last_step FROM user_totp WHERE user_id = $1")
                .bind(user_id.to_string())
                .fetch_optional(pool)
                .await?
        });
        row.map(|(secret, confirmed_at, last_step)| {
            Ok(TotpRecord {
                secret: crate::totp::base32_decode(&secret).ok_or_else(|| StoreError::corrupt("TOTP secret"))?,
                confirmed: confirmed_at.is_some(),
                last_step,
            })
        })
        .transpose()
    }

    /// Has the user finished setting up an authenticator?
    pub async fn has_totp(&self, user_id: Uuid) -> Result<bool> {
        Ok(self.totp(user_id).await?.is_some_and(|t| t.confirmed))
    }

    /// Starts setting up an authenticator with `secret`, unless one is
    /// already stored (being set up, or confirmed): then that one is kept,
    /// so reloading the page does not change the QR code. Returns the
    /// secret to set up.
    pub async fn begin_totp(&self, user_id: Uuid, secret: &[u8]) -> Result<Vec<u8>> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO user_totp (user_id, secret, confirmed_at, last_step) VALUES ($1, $2, NULL, 0) \
                 ON CONFLICT (user_id) DO NOTHING",
            )
            .bind(user_id.to_string())
            .bind(crate::totp::base32_encode(secret))
            .execute(pool)
            .await?;
        });
        self.totp(user_id)
            .await?
            .map(|t| t.secret)
            .ok_or_else(|| StoreError::corrupt("TOTP set-up vanished"))
    }

    /// Confirms the authenticator being set up, with the step of the code
    /// that proved it, and replaces the recovery codes (given hashed).
    pub async fn confirm_totp(&self, user_id: Uuid, step: i64, recovery_hashes: &[String]) -> Result<bool> {
        let at = to_millis(now());
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE user_totp SET confirmed_at = $2, last_step = $3 WHERE user_id = $1 AND confirmed_at IS NULL",
            )
            .bind(user_id.to_string())
            .bind(at)
            .bind(step)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done != 1 {
                return Ok(false);
            }
            sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
                .bind(user_id.to_string())
                .execute(&mut *tx)
                .await?;
            for hash in recovery_hashes {
                sqlx::query("INSERT INTO totp_recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                    .bind(user_id.to_string())
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Records that a code for `step` was used; false if a code for this
    /// step or a later one was already accepted (a replay).
    pub async fn accept_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool> {
        Ok(on_pool!(self, pool => {
            sqlx::query("UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2")
                .bind(user_id.to_string())
                .bind(step)
                .execute(pool)
                .await?
                .rows_affected()
        }) == 1)
    }

    /// Uses up a recovery code; false if there is no such unused code.
    pub async fn use_recovery_code(&self, user_id: Uuid, hash: &str) -> Result<bool> {
        Ok(on_pool!(self, pool => {
            sqlx::query("UPDATE totp_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL")
                .bind(user_id.to_string())
                .bind(hash)
                .bind(to_millis(now()))
                .execute(pool)
                .await?
                .rows_affected()
        }) == 1)
    }

    pub async fn unused_recovery_codes(&self, user_id: Uuid) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                .bind(user_id.to_string())
                .fetch_one(pool)
                .await?
        }))
    }

    /// Turns two-factor sign-in off for a user.
    pub async fn remove_totp(&self, user_id: Uuid) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1").bind(user_id.to_string()).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM user_totp WHERE user_id = $1").bind(user_id.to_string()).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn two_factor_policy(&self) -> Result<TwoFactorPolicy> {
        let value: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(POLICY_KEY).fetch_optional(pool).await?
        });
        Ok(value.as_deref().and_then(TwoFactorPolicy::parse).unwrap_or_default())
    }

    pub async fn set_two_factor_policy(&self, policy: TwoFactorPolicy) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(POLICY_KEY)
                .bind(policy.as_str())
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
