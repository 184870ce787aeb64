//! Accounts linked to an OpenID Connect provider's subjects (single
//! sign-on, see `web::oidc`).

use uuid::Uuid;

use super::{Result, Store, now, on_pool, to_millis};

impl Store {
    /// The account an identity provider's subject is linked to.
    pub async fn oidc_identity(&self, issuer: &str, subject: &str) -> Result<Option<Uuid>> {
        let id: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2")
                .bind(issuer)
                .bind(subject)
                .fetch_optional(pool)
                .await?
        });
        id.as_deref().map(super::parse_uuid).transpose()
    }

    /// Links an identity provider's subject to an account (once).
    pub async fn link_oidc_identity(&self, issuer: &str, subject: &str, user_id: Uuid) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(issuer)
            .bind(subject)
            .bind(user_id.to_string())
            .bind(to_millis(now()))
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}
