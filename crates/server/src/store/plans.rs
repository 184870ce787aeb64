//! Plans (SPEC P2–P4, R5): an append-only log of changes per plan, and a
//! projection of the current state rebuilt from it.

use goldthread_domain::content::Item;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{
    Change, ChangeRecord, Plan, PlanDetails, PlanStatus, check_one_active, next_plan_number,
};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::{Conflict, Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};

/// Is plan `p` visible to the actor? `$1` is the actor's id, `$2` true for
/// administrators.
const PLAN_VISIBLE: &str = "($2 OR p.id IN (SELECT plan_id FROM plan_access WHERE user_id = $1) \
     OR p.id IN (SELECT pa.plan_id FROM plan_access pa JOIN team_members tm ON tm.team_id = pa.team_id WHERE tm.user_id = $1))";

/// One line of a list of plans.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub plan_type: String,
    pub number: u32,
    pub title: String,
    pub status: PlanStatus,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: time::OffsetDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub person_id: Option<Uuid>,
    pub plan_type: Option<String>,
    pub status: Option<PlanStatus>,
    pub limit: i64,
    pub offset: i64,
}

fn parse_plan(json: &str) -> Result<Plan> {
    serde_json::from_str(json).map_err(|e| StoreError::corrupt(format!("plan state: {e}")))
}

fn parse_change(json: &str) -> Result<Change> {
    serde_json::from_str(json).map_err(|e| StoreError::corrupt(format!("plan change: {e}")))
}

type ChangeRow = (i64, i64, Option<String>, String, Option<String>, String);

fn change_record(row: ChangeRow) -> Result<ChangeRecord> {
    let (seq, at, author_id, author_name, reason, change) = row;
    Ok(ChangeRecord {
        seq,
        at: from_millis(at),
        author_id: author_id.as_deref().map(parse_uuid).transpose()?,
        author_name,
        reason,
        change: parse_change(&change)?,
    })
}

impl Store {
    /// Starts a plan of `plan_type` for a person the actor may see.
    pub async fn create_plan(
        &self,
        actor: &Actor,
        person_id: Uuid,
        plan_type: &str,
        type_name: &str,
        details: PlanDetails,
    ) -> Result<Plan> {
        self.person(actor, person_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_person_writable(actor, person_id).await?;
        let existing: Vec<(String, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT plan_type, status, number FROM plans WHERE person_id = $1")
                .bind(person_id.to_string())
                .fetch_all(pool)
                .await?
        });
        let statuses: Vec<(String, PlanStatus)> = existing
            .iter()
            .map(|(t, s, _)| Ok((t.clone(), PlanStatus::parse(s).ok_or_else(|| StoreError::corrupt(s))?)))
            .collect::<Result<_>>()?;
        check_one_active(&statuses, plan_type, type_name)?;
        let number = next_plan_number(
            existing
                .iter()
                .filter(|(t, _, _)| t == plan_type)
                .map(|(_, _, n)| *n as u32),
        );

        let id = Uuid::new_v4();
        let record = ChangeRecord {
            seq: 1,
            at: now(),
            author_id: Some(actor.id),
            author_name: actor.name.clone(),
            reason: None,
            change: Change::Created {
                person_id,
                plan_type: plan_type.to_owned(),
                number,
                details,
            },
        };
        let plan = Plan::from_creation(id, &record).map_err(StoreError::corrupt)?;
        let state = serde_json::to_string(&plan).expect("plan serializes");
        let change = serde_json::to_string(&record.change).expect("change serializes");
        let at = to_millis(record.at);
        let result = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "INSERT INTO plans (id, person_id, plan_type, number, title, status, version, state, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8)",
                )
                .bind(id.to_string())
                .bind(person_id.to_string())
                .bind(plan_type)
                .bind(i64::from(number))
                .bind(&plan.details.title)
                .bind(plan.status.as_str())
                .bind(&state)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO plan_changes (plan_id, seq, at, author_id, author_name, reason, change) VALUES ($1, 1, $2, $3, $4, NULL, $5)",
                )
                .bind(id.to_string())
                .bind(at)
                .bind(actor.id.to_string())
                .bind(&actor.name)
                .bind(&change)
                .execute(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO plan_access (plan_id, user_id, source, granted_at) VALUES ($1, $2, 'creator', $3)")
                    .bind(id.to_string())
                    .bind(actor.id.to_string())
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(())
            }
            .await
        });
        result?;
        Ok(plan)
    }

    /// The plan as it stands, if the actor may see it.
    pub async fn plan(&self, actor: &Actor, id: Uuid) -> Result<Plan> {
        let sql = format!("SELECT p.state FROM plans p WHERE p.id = $3 AND {PLAN_VISIBLE}");
        let state: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?
        });
        parse_plan(&state.ok_or(StoreError::NotFound)?)
    }

    /// Plans the actor may see, most recently changed first.
    pub async fn list_plans(&self, actor: &Actor, filter: &PlanFilter) -> Result<(Vec<PlanSummary>, i64)> {
        // A plan type no plan can have (PostgreSQL cannot even compare
        // text holding NUL) matches nothing.
        if filter
            .plan_type
            .as_deref()
            .is_some_and(goldthread_domain::error::has_control_characters)
        {
            return Ok((Vec::new(), 0));
        }
        let conditions = format!(
            "{PLAN_VISIBLE} AND ($3 IS NULL OR p.person_id = $3) AND ($4 IS NULL OR p.plan_type = $4) AND ($5 IS NULL OR p.status = $5)"
        );
        let list_sql = format!(
            "SELECT p.id, p.person_id, pe.details, p.plan_type, p.number, p.title, p.status, p.version, p.updated_at \
             FROM plans p JOIN people pe ON pe.id = p.person_id WHERE {conditions} \
             ORDER BY p.updated_at DESC, p.id LIMIT $6 OFFSET $7"
        );
        let count_sql = format!("SELECT COUNT(*) FROM plans p WHERE {conditions}");
        type Row = (String, String, String, String, i64, String, String, i64, i64);
        let person = filter.person_id.map(|id| id.to_string());
        let status = filter.status.map(|s| s.as_str());
        let (rows, total): (Vec<Row>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(AssertSqlSafe(list_sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(&person)
                .bind(&filter.plan_type)
                .bind(status)
                .bind(filter.limit)
                .bind(filter.offset)
                .fetch_all(pool)
                .await?;
            let total = sqlx::query_scalar(AssertSqlSafe(count_sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(&person)
                .bind(&filter.plan_type)
                .bind(status)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        let plans = rows
            .into_iter()
            .map(
                |(id, person_id, details, plan_type, number, title, status, version, updated_at)| {
                    let details: goldthread_domain::person::PersonDetails = serde_json::from_str(&details)
                        .map_err(|e| StoreError::corrupt(format!("person details: {e}")))?;
                    Ok(PlanSummary {
                        id: parse_uuid(&id)?,
                        person_id: parse_uuid(&person_id)?,
                        person_name: details.full_name(),
                        plan_type,
                        number: number as u32,
                        title,
                        status: PlanStatus::parse(&status).ok_or_else(|| StoreError::corrupt(&status))?,
                        version,
                        updated_at: from_millis(updated_at),
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        Ok((plans, total))
    }

    /// Appends one change to a plan, based on the version the editor saw.
    ///
    /// The change is checked against the plan as it stands at
    /// `base_version`; if anyone saved since, nothing is written and the
    /// caller gets a [`Conflict`] listing what they saved.
    pub async fn change_plan(
        &self,
        actor: &Actor,
        id: Uuid,
        base_version: i64,
        reason: Option<&str>,
        change: Change,
        plan_types: &Registry,
    ) -> Result<Plan> {
        let mut plan = self.plan(actor, id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_plan_writable(actor, id).await?;
        if plan.version != base_version {
            return Err(self.plan_conflict(&plan, base_version).await);
        }
        plan.check(&change, reason, plan_types.get(&plan.plan_type))?;
        // A document may only point at a file uploaded to this plan, as it was stored.
        if let Change::ItemAdded {
            item: Item::Appendix(a),
        }
        | Change::ItemEdited {
            item: Item::Appendix(a),
        } = &change
            && let Some(file) = &a.file
            && self.file_ref(id, file.id).await?.as_ref() != Some(file)
        {
            return Err(StoreError::Invalid(FieldErrors::single(
                "file",
                "There is no such file uploaded to this plan",
            )));
        }
        let record = ChangeRecord {
            seq: base_version + 1,
            at: now(),
            author_id: Some(actor.id),
            author_name: actor.name.clone(),
            reason: reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned),
            change,
        };
        plan.apply(&record)
            .map_err(|e| StoreError::Invalid(FieldErrors::single("change", e.to_string())))?;
        let state = serde_json::to_string(&plan).expect("plan serializes");
        let change_json = serde_json::to_string(&record.change).expect("change serializes");
        let at = to_millis(record.at);
        let party_users: Vec<String> = plan
            .parties
            .iter()
            .filter_map(|p| p.user_id)
            .map(|u| u.to_string())
            .collect();
        let updated = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                // Write first: this takes the lock, and the version condition
                // makes the loser of a race update nothing.
                let updated = sqlx::query(
                    "UPDATE plans SET state = $1, version = $2, title = $3, status = $4, updated_at = $5 WHERE id = $6 AND version = $7",
                )
                .bind(&state)
                .bind(record.seq)
                .bind(&plan.details.title)
                .bind(plan.status.as_str())
                .bind(at)
                .bind(id.to_string())
                .bind(base_version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated != 1 {
                    return Ok::<_, sqlx::Error>(false);
                }
                sqlx::query(
                    "INSERT INTO plan_changes (plan_id, seq, at, author_id, author_name, reason, change) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id.to_string())
                .bind(record.seq)
                .bind(at)
                .bind(actor.id.to_string())
                .bind(&actor.name)
                .bind(&record.reason)
                .bind(&change_json)
                .execute(&mut *tx)
                .await?;
                // Parties with accounts may see the plan: keep their grants
                // in step with the parties as they now stand.
                sqlx::query("DELETE FROM plan_access WHERE plan_id = $1 AND source = 'party'")
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                for user_id in &party_users {
                    sqlx::query(
                        "INSERT INTO plan_access (plan_id, user_id, source, granted_at) VALUES ($1, $2, 'party', $3) ON CONFLICT DO NOTHING",
                    )
                    .bind(id.to_string())
                    .bind(user_id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            }
            .await
        });
        if !updated? {
            let current = self.plan(actor, id).await?;
            return Err(self.plan_conflict(&current, base_version).await);
        }
        Ok(plan)
    }

    async fn plan_conflict(&self, current: &Plan, base_version: i64) -> StoreError {
        let records = match self.plan_changes(current.id, base_version).await {
            Ok(records) => records,
            Err(e) => return e,
        };
        let changes = records
            .iter()
            .map(|r| {
                format!(
                    "{} at {}: {}",
                    r.author_name,
                    crate::web::format::date_time(r.at),
                    r.change.describe(current)
                )
            })
            .collect();
        StoreError::Conflict(Box::new(Conflict {
            current_version: current.version,
            changes,
            records,
        }))
    }

    async fn plan_changes(&self, id: Uuid, after: i64) -> Result<Vec<ChangeRecord>> {
        let rows: Vec<ChangeRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT seq, at, author_id, author_name, reason, change FROM plan_changes WHERE plan_id = $1 AND seq > $2 ORDER BY seq",
            )
            .bind(id.to_string())
            .bind(after)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(change_record).collect()
    }

    /// The plan's whole log, oldest first, if the actor may see the plan.
    pub async fn plan_history(&self, actor: &Actor, id: Uuid) -> Result<Vec<ChangeRecord>> {
        self.plan(actor, id).await?;
        self.plan_changes(id, 0).await
    }

    /// The plan as it stood after change `version`, rebuilt from its log.
    pub async fn plan_at(&self, actor: &Actor, id: Uuid, version: i64) -> Result<Plan> {
        let log = self.plan_history(actor, id).await?;
        if version < 1 || version as usize > log.len() {
            return Err(StoreError::NotFound);
        }
        Plan::replay(id, &log[..version as usize]).map_err(StoreError::corrupt)
    }

    /// Rebuilds every plan's projection from its log; returns how many
    /// plans were rebuilt and how many had drifted.
    pub async fn rebuild_plan_projections(&self, mut progress: impl FnMut(usize, usize)) -> Result<(usize, usize)> {
        let ids: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM plans ORDER BY id").fetch_all(pool).await?
        });
        let mut drifted = 0;
        for (done, id) in ids.iter().enumerate() {
            let plan_id = parse_uuid(id)?;
            let log = self.plan_changes(plan_id, 0).await?;
            let plan = Plan::replay(plan_id, &log).map_err(StoreError::corrupt)?;
            let state = serde_json::to_string(&plan).expect("plan serializes");
            let changed = on_pool!(self, pool => {
                sqlx::query(
                    "UPDATE plans SET state = $1, version = $2, title = $3, status = $4, updated_at = $5 WHERE id = $6 AND state <> $1",
                )
                .bind(&state)
                .bind(plan.version)
                .bind(&plan.details.title)
                .bind(plan.status.as_str())
                .bind(to_millis(plan.updated_at))
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
            });
            drifted += changed as usize;
            progress(done + 1, ids.len());
        }
        Ok((ids.len(), drifted))
    }
}
