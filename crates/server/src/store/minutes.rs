//! Minutes sent to a meeting's attendees (issue 11, SPEC M3): one e-mail
//! per attendee who is a party with an e-mail address (their account's, or
//! a contact that is an address), queued in the outbox in the same
//! transaction as the append-only record of who received them and when.

use goldthread_domain::error::FieldErrors;
use goldthread_domain::monitoring::meetings::{Attendee, Meeting};
use goldthread_domain::plan::Plan;
use goldthread_domain::user::Actor;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};

/// Who received the minutes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MinutesRecipient {
    pub party_id: Uuid,
    pub name: String,
    #[schema(format = Email)]
    pub email: String,
}

/// One sending of a meeting's minutes.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MinutesSent {
    pub id: Uuid,
    /// The meeting's id (as listed by `GET /plans/{id}/meetings`).
    pub meeting_id: Uuid,
    pub recipients: Vec<MinutesRecipient>,
    pub sent_by: Uuid,
    pub sent_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub sent_at: OffsetDateTime,
}

impl Store {
    /// The attendees who are parties with an e-mail address.
    async fn minutes_recipients(&self, plan: &Plan, meeting: &Meeting) -> Result<Vec<MinutesRecipient>> {
        let mut out = Vec::new();
        for attendee in &meeting.attendees {
            let Attendee::Party { party_id } = attendee else {
                continue;
            };
            let Some(party) = plan.party(*party_id) else { continue };
            let account = match party.user_id {
                Some(user_id) => self.user(user_id).await?.map(|u| u.email),
                None => None,
            };
            if let Some(email) = account.or_else(|| party.contact_email().map(str::to_owned))
                && !out.iter().any(|r: &MinutesRecipient| r.party_id == party.id)
            {
                out.push(MinutesRecipient {
                    party_id: party.id,
                    name: party.name.clone(),
                    email,
                });
            }
        }
        Ok(out)
    }

    /// Sends the minutes of meeting `meeting_id` to its attendees who are
    /// parties with an e-mail address. `compose` gives each one's subject,
    /// body and link. Refused (naming `meeting_id`) when no attendee has an
    /// address.
    pub async fn send_minutes(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        meeting_id: Uuid,
        compose: impl Fn(&Plan, &Meeting, &MinutesRecipient) -> (String, String, Option<String>),
    ) -> Result<MinutesSent> {
        let plan = self.plan_to_record_on(actor, plan_id).await?;
        let log = self.monitoring_log(actor, plan_id).await?;
        let meeting = log
            .meetings
            .iter()
            .find(|m| m.id == meeting_id)
            .ok_or(StoreError::NotFound)?
            .record
            .clone();
        let recipients = self.minutes_recipients(&plan, &meeting).await?;
        if recipients.is_empty() {
            return Err(StoreError::Invalid(FieldErrors::single(
                "meeting_id",
                "No one who attended has an email address: add one to their party's contact",
            )));
        }
        let sent = MinutesSent {
            id: Uuid::new_v4(),
            meeting_id,
            recipients,
            sent_by: actor.id,
            sent_by_name: actor.name.clone(),
            sent_at: now(),
        };
        let messages: Vec<_> = sent
            .recipients
            .iter()
            .map(|r| (r, compose(&plan, &meeting, r)))
            .collect();
        on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let at = to_millis(sent.sent_at);
                for (recipient, (subject, body, link)) in &messages {
                    sqlx::query(super::outbox::INSERT)
                        .bind(Uuid::new_v4().to_string())
                        .bind(&recipient.email)
                        .bind(subject)
                        .bind(body)
                        .bind(link.as_deref())
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO minutes_sent (id, plan_id, meeting_id, recipients, sent_by, sent_by_name, sent_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(sent.id.to_string())
                .bind(plan_id.to_string())
                .bind(meeting_id.to_string())
                .bind(serde_json::to_string(&sent.recipients).expect("recipients serialize"))
                .bind(actor.id.to_string())
                .bind(&actor.name)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok::<_, StoreError>(())
            }
            .await
        })?;
        Ok(sent)
    }

    /// Every sending of minutes for the plan, oldest first.
    pub async fn minutes_sent(&self, actor: &Actor, plan_id: Uuid) -> Result<Vec<MinutesSent>> {
        self.plan(actor, plan_id).await?;
        type Row = (String, String, String, String, String, i64);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, meeting_id, recipients, sent_by, sent_by_name, sent_at FROM minutes_sent \
                 WHERE plan_id = $1 ORDER BY sent_at, id",
            )
            .bind(plan_id.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, meeting_id, recipients, sent_by, sent_by_name, sent_at)| {
                Ok(MinutesSent {
                    id: parse_uuid(&id)?,
                    meeting_id: parse_uuid(&meeting_id)?,
                    recipients: serde_json::from_str(&recipients)
                        .map_err(|e| StoreError::corrupt(format!("minutes recipients: {e}")))?,
                    sent_by: parse_uuid(&sent_by)?,
                    sent_by_name,
                    sent_at: from_millis(sent_at),
                })
            })
            .collect()
    }
}
