//! Failed sign-ins, kept in the database so that the limit holds across
//! every instance.

use time::Duration;

use super::{Result, Store, now, on_pool, to_millis};

impl Store {
    pub async fn record_sign_in_failure(&self, account: &str, address: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO sign_in_failures (account, address, at) VALUES ($1, $2, $3)")
                .bind(account)
                .bind(address)
                .bind(to_millis(now()))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Failures within `window` for the account and for the address.
    pub async fn recent_sign_in_failures(&self, account: &str, address: &str, window: Duration) -> Result<(i64, i64)> {
        let since = to_millis(now() - window);
        on_pool!(self, pool => {
            let by_account: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE account = $1 AND at > $2")
                .bind(account)
                .bind(since)
                .fetch_one(pool)
                .await?;
            let by_address: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE address = $1 AND at > $2")
                .bind(address)
                .bind(since)
                .fetch_one(pool)
                .await?;
            Ok((by_account, by_address))
        })
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub async fn clear_sign_in_failures(&self, account: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sign_in_failures WHERE account = $1")
                .bind(account)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
