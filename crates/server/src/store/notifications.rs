//! In-app notifications (issue 9): "you have been asked to agree", "a plan
//! you agreed has changed", "X declined, with this reason", "Y asked for a
//! change". Each is for one user; they see only their own.

use time::OffsetDateTime;
use uuid::Uuid;

use super::{Result, Store, from_millis, now, on_pool, parse_uuid, to_millis};

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: Uuid,
    pub plan_id: Option<Uuid>,
    pub text: String,
    pub link: Option<String>,
    pub created_at: OffsetDateTime,
    pub read: bool,
}

impl Store {
    /// Tells a user something about a plan.
    pub async fn notify(&self, user_id: Uuid, plan_id: Option<Uuid>, text: &str, link: Option<&str>) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO notifications (id, user_id, plan_id, text, link, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::new_v4().to_string())
            .bind(user_id.to_string())
            .bind(plan_id.map(|p| p.to_string()))
            .bind(text)
            .bind(link)
            .bind(to_millis(now()))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A user's own notifications, newest first.
    pub async fn notifications(&self, user_id: Uuid, limit: i64) -> Result<Vec<Notification>> {
        type Row = (String, Option<String>, String, Option<String>, i64, Option<i64>);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, plan_id, text, link, created_at, read_at FROM notifications WHERE user_id = $1 \
                 ORDER BY created_at DESC, id LIMIT $2",
            )
            .bind(user_id.to_string())
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, plan_id, text, link, created_at, read_at)| {
                Ok(Notification {
                    id: parse_uuid(&id)?,
                    plan_id: plan_id.as_deref().map(parse_uuid).transpose()?,
                    text,
                    link,
                    created_at: from_millis(created_at),
                    read: read_at.is_some(),
                })
            })
            .collect()
    }

    /// Marks all of a user's notifications read.
    pub async fn mark_notifications_read(&self, user_id: Uuid) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                .bind(to_millis(now()))
                .bind(user_id.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

impl Store {
    /// Who hears about a plan's requests: the Lead Professional's account,
    /// or else whoever started the plan.
    pub async fn plan_leads(&self, plan: &goldthread_domain::plan::Plan) -> Result<Vec<Uuid>> {
        if let Some(user) = plan.lead_party().and_then(|p| p.user_id) {
            return Ok(vec![user]);
        }
        let rows: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT user_id FROM plan_access WHERE plan_id = $1 AND source = 'creator' AND user_id IS NOT NULL")
                .bind(plan.id.to_string())
                .fetch_all(pool)
                .await?
        });
        rows.iter().map(|r| parse_uuid(r)).collect()
    }
}
