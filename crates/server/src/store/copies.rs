//! Copies of a plan sent to its parties (issue 9): who received which
//! version, when and how, kept with the plan.

use time::OffsetDateTime;
use uuid::Uuid;

use goldthread_domain::user::Actor;

use super::{Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};

#[derive(Debug, Clone)]
pub struct Copy {
    pub party_name: String,
    pub version: i64,
    pub how: String,
    pub address: String,
    pub sent_at: OffsetDateTime,
}

impl Store {
    /// Sends a copy of the current version of a plan the actor may change
    /// to one of its parties by e-mail (a link to the plan), and records it.
    pub async fn send_copy(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        party_id: Uuid,
        address: &str,
        link: &str,
    ) -> Result<Copy> {
        let plan = self.plan(actor, plan_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_plan_writable(actor, plan_id).await?;
        let party = plan.party(party_id).ok_or(StoreError::NotFound)?;
        let address = goldthread_domain::user::Email::parse(address)
            .map_err(|m| goldthread_domain::error::FieldErrors::single("email", m))?
            .as_str()
            .to_owned();
        let version = plan.agreements.content_version;
        let body = format!(
            "Dear {},\n\n{} has sent you a copy of \"{}\" (version {version}). Open it here:",
            party.name, actor.name, plan.details.title
        );
        let message = crate::mail::enqueue(
            self,
            &address,
            &format!("A copy of {} (version {version})", plan.details.title),
            &body,
            Some(link),
        )
        .await?;
        let at = now();
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO plan_copies (id, plan_id, party_id, party_name, version, how, address, sent_by, sent_at, message_id) \
                 VALUES ($1, $2, $3, $4, $5, 'email', $6, $7, $8, $9)",
            )
            .bind(Uuid::new_v4().to_string())
            .bind(plan_id.to_string())
            .bind(party_id.to_string())
            .bind(&party.name)
            .bind(version)
            .bind(&address)
            .bind(actor.id.to_string())
            .bind(to_millis(at))
            .bind(message.to_string())
            .execute(pool)
            .await?;
        });
        Ok(Copy {
            party_name: party.name.clone(),
            version,
            how: "email".into(),
            address,
            sent_at: at,
        })
    }

    /// The copies sent of a plan the actor may see, newest first.
    pub async fn copies(&self, actor: &Actor, plan_id: Uuid) -> Result<Vec<Copy>> {
        self.plan(actor, plan_id).await?;
        let rows: Vec<(String, i64, String, String, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT party_name, version, how, address, sent_at, id FROM plan_copies WHERE plan_id = $1 ORDER BY sent_at DESC, id",
            )
            .bind(plan_id.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(party_name, version, how, address, sent_at, id)| {
                parse_uuid(&id)?;
                Ok(Copy {
                    party_name,
                    version,
                    how,
                    address,
                    sent_at: from_millis(sent_at),
                })
            })
            .collect()
    }
}
