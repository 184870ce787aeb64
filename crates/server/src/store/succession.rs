//! The plan type's last formal review (MSP: the 3rd) closes the plan as
//! superseded and starts plan number N+1 for the same person, with the
//! current content and no markers or ended items (SPEC R3), in ONE
//! transaction on both databases. Each plan links to the other through the
//! person's plans of the type, numbered in order (see [`Store::plan_links`]).
//!
//! Not to be confused with turning a person-led PB-BLANK plan into a PB
//! plan: this is only the review cycle's succession.

use goldthread_domain::content::Item;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, ChangeRecord, Plan, PlanStatus};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::succession::successor_log;
use goldthread_domain::user::Actor;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::chain::insert_plan_change;
use super::files::{copy_files, renew_file_ids};
use super::plans::{ChangeRow, PLAN_VISIBLE, change_record};
use super::{Result, Store, StoreError, now, on_pool, parse_uuid, to_millis};

/// The plans before and after this one in the person's series of plans of
/// its type, as far as the actor may see them: (id, number).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanLinks {
    pub previous: Option<(Uuid, u32)>,
    pub next: Option<(Uuid, u32)>,
}

impl Store {
    /// Closes the open review `review_id` as superseding the plan and
    /// starts the next plan, both or neither. Returns the old plan (now
    /// superseded) and the new one.
    #[allow(clippy::too_many_arguments)]
    pub async fn close_review_superseding(
        &self,
        actor: &Actor,
        id: Uuid,
        base_version: i64,
        reason: Option<&str>,
        review_id: Uuid,
        on: time::Date,
        plan_types: &Registry,
    ) -> Result<(Plan, Plan)> {
        let visible = self.plan(actor, id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_plan_writable(actor, id).await?;
        if base_version < 1 || base_version > visible.version {
            return Err(StoreError::Invalid(FieldErrors::single(
                "base_version",
                format!("There is no version {base_version} of this plan to base a change on"),
            )));
        }
        let plan_type = plan_types.get(&visible.plan_type);
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        let change = Change::ReviewClosed {
            review_id,
            on,
            supersedes: true,
        };
        let (old, new) = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query("UPDATE plans SET version = version WHERE id = $1")
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                let rows: Vec<ChangeRow> = sqlx::query_as(
                    "SELECT seq, at, author_id, author_name, reason, change FROM plan_changes WHERE plan_id = $1 ORDER BY seq",
                )
                .bind(id.to_string())
                .fetch_all(&mut *tx)
                .await?;
                let log = rows.into_iter().map(change_record).collect::<Result<Vec<_>>>()?;
                let mut old = Plan::replay(id, &log).map_err(StoreError::corrupt)?;
                old.check(&change, reason.as_deref(), plan_type)?;
                let at = now();
                let record = ChangeRecord {
                    seq: old.version + 1,
                    at,
                    author_id: Some(actor.id),
                    author_name: actor.name.clone(),
                    reason,
                    change,
                };
                old.apply(&record)
                    .map_err(|e| StoreError::Invalid(FieldErrors::single("change", e.to_string())))?;
                let millis = to_millis(at);
                let updated = sqlx::query(
                    "UPDATE plans SET state = $1, version = $2, status = $3, updated_at = $4 WHERE id = $5 AND version = $6",
                )
                .bind(serde_json::to_string(&old).expect("plan serializes"))
                .bind(record.seq)
                .bind(old.status.as_str())
                .bind(millis)
                .bind(id.to_string())
                .bind(record.seq - 1)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated != 1 {
                    return Err(StoreError::corrupt(format!("plan {id}: its projection is not at its log's version")));
                }
                let change = serde_json::to_string(&record.change).expect("change serializes");
                insert_plan_change!(tx, id, record.seq, millis, actor, record.reason.as_deref(), &change);

                // The next number counts every plan of the type the person
                // has had, seen or not: numbers are never reused.
                let last: Option<i64> = sqlx::query_scalar(
                    "SELECT MAX(number) FROM plans WHERE person_id = $1 AND plan_type = $2",
                )
                .bind(old.person_id.to_string())
                .bind(&old.plan_type)
                .fetch_one(&mut *tx)
                .await?;
                let number = last.unwrap_or(0) as u32 + 1;
                let new_id = Uuid::new_v4();
                let mut new_log = successor_log(&old, number, at, Some(actor.id), &actor.name);
                // The appendices' uploaded files come along, under new ids.
                let files = renew_file_ids(new_log.iter_mut().filter_map(|r| match &mut r.change {
                    Change::ItemAdded { item: Item::Appendix(appendix) } => Some(appendix),
                    _ => None,
                }));
                let new = Plan::replay(new_id, &new_log).map_err(StoreError::corrupt)?;
                sqlx::query(
                    "INSERT INTO plans (id, person_id, plan_type, number, title, status, version, state, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(new_id.to_string())
                .bind(new.person_id.to_string())
                .bind(&new.plan_type)
                .bind(i64::from(number))
                .bind(&new.details.title)
                .bind(new.status.as_str())
                .bind(new.version)
                .bind(serde_json::to_string(&new).expect("plan serializes"))
                .bind(millis)
                .execute(&mut *tx)
                .await?;
                copy_files!(tx, &files, id, new_id);
                for r in &new_log {
                    let change = serde_json::to_string(&r.change).expect("change serializes");
                    insert_plan_change!(tx, new_id, r.seq, millis, actor, r.reason.as_deref(), &change);
                }
                // Whoever could see the old plan can see the new one.
                sqlx::query(
                    "INSERT INTO plan_access (plan_id, user_id, team_id, source, granted_at) \
                     SELECT $1, user_id, team_id, source, $2 FROM plan_access WHERE plan_id = $3",
                )
                .bind(new_id.to_string())
                .bind(millis)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO plan_access (plan_id, user_id, source, granted_at) VALUES ($1, $2, 'creator', $3) ON CONFLICT DO NOTHING",
                )
                .bind(new_id.to_string())
                .bind(actor.id.to_string())
                .bind(millis)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok::<_, StoreError>((old, new))
            }
            .await
        })?;
        // The dashboard's index follows both plans (store/monitoring.rs).
        self.refresh_dashboard_after_save(old.id).await;
        self.refresh_dashboard_after_save(new.id).await;
        Ok((old, new))
    }

    /// The plans before and after `plan` in the person's numbered series
    /// of plans of its type (the previous one superseded by this one), as
    /// far as the actor may see them.
    pub async fn plan_links(&self, actor: &Actor, plan: &Plan) -> Result<PlanLinks> {
        self.plan_links_of(actor, plan.person_id, &plan.plan_type, plan.number, plan.status)
            .await
    }

    /// [`Store::plan_links`] from what places a plan in its series.
    pub async fn plan_links_of(
        &self,
        actor: &Actor,
        person_id: Uuid,
        plan_type: &str,
        number: u32,
        status: PlanStatus,
    ) -> Result<PlanLinks> {
        // The first of its series, not superseded (most plans): there is
        // nothing to link to, and nothing to ask.
        if number <= 1 && status != PlanStatus::Superseded {
            return Ok(PlanLinks::default());
        }
        let sql = format!(
            "SELECT p.id, p.number, p.status FROM plans p WHERE p.person_id = $3 AND p.plan_type = $4 \
             AND (p.number = $5 OR p.number = $6) AND {PLAN_VISIBLE}"
        );
        let rows: Vec<(String, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(person_id.to_string())
                .bind(plan_type)
                .bind(i64::from(number) - 1)
                .bind(i64::from(number) + 1)
                .fetch_all(pool)
                .await?
        });
        let mut links = PlanLinks::default();
        for (id, other_number, other_status) in rows {
            let entry = Some((parse_uuid(&id)?, other_number as u32));
            if other_number < i64::from(number) {
                if other_status == PlanStatus::Superseded.as_str() {
                    links.previous = entry;
                }
            } else if status == PlanStatus::Superseded {
                links.next = entry;
            }
        }
        Ok(links)
    }
}
