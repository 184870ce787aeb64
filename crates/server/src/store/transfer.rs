//! A new plan that carries another on, linked both ways, in one
//! transaction: "Transfer to the official form" (issue 6; the domain's
//! rules are in `goldthread_domain::transfer`). [`Store::create_linked_plan`]
//! is the one place a linked plan is made, so that the review cycle's
//! "plan number 2" can share it.

use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, ChangeRecord, Plan};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::transfer::{self, LinkKind, PlanLink};
use goldthread_domain::user::Actor;
use uuid::Uuid;

use super::chain::insert_plan_change;
use super::{Result, Store, StoreError, now, on_pool, to_millis};

/// A plan and the plan that now carries it on.
#[derive(Debug, Clone)]
pub struct Transferred {
    /// The new plan.
    pub plan: Plan,
    /// The plan it carries on, closed or superseded.
    pub from: Plan,
}

impl Store {
    /// Transfers a blank-sheet plan onto its official form: see
    /// [`Store::create_linked_plan`].
    pub async fn transfer_plan(
        &self,
        actor: &Actor,
        id: Uuid,
        onto: &str,
        reason: Option<&str>,
        plan_types: &Registry,
    ) -> Result<Transferred> {
        self.create_linked_plan(actor, id, onto, LinkKind::Transfer, reason, plan_types)
            .await
    }

    /// Starts a plan of type `onto` that carries plan `id` on: in one
    /// transaction, the new plan is created with all the old one's content
    /// and parties (and copies of its uploaded files), each plan's log
    /// records the link to the other, and the old plan is closed (a draft)
    /// or superseded. A plan the actor may not see is not found; the rules
    /// of `goldthread_domain::transfer` and the one-active-plan rule refuse
    /// the rest, leaving nothing written.
    pub async fn create_linked_plan(
        &self,
        actor: &Actor,
        id: Uuid,
        onto: &str,
        kind: LinkKind,
        reason: Option<&str>,
        plan_types: &Registry,
    ) -> Result<Transferred> {
        let visible = self.plan(actor, id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_plan_writable(actor, id).await?;
        let Some(to_type) = plan_types.get(onto) else {
            return Err(FieldErrors::single("plan_type", format!("There is no plan type \"{onto}\"")).into());
        };
        let from_type = plan_types.get(&visible.plan_type);
        transfer::check(&visible, from_type, onto)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        if let Some(r) = &reason {
            goldthread_domain::plan::parse_reason(Some(r))?;
        }
        let number = self
            .new_plan_number(actor, visible.person_id, onto, &to_type.name)
            .await?;
        let new_id = Uuid::new_v4();
        let at = now();
        let millis = to_millis(at);
        let record = |seq: i64, reason: Option<String>, change: Change| ChangeRecord {
            seq,
            at,
            author_id: Some(actor.id),
            author_name: actor.name.clone(),
            reason,
            change,
        };
        let from_name = from_type
            .map_or(visible.plan_type.as_str(), |t| t.name.as_str())
            .to_owned();
        let to_name = to_type.name.clone();
        let result = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                // The old plan's write lock first: a second transfer (or any
                // save) waits, then sees this one.
                sqlx::query("UPDATE plans SET version = version WHERE id = $1")
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                let rows: Vec<super::plans::ChangeRow> = sqlx::query_as(
                    "SELECT seq, at, author_id, author_name, reason, change FROM plan_changes WHERE plan_id = $1 ORDER BY seq",
                )
                .bind(id.to_string())
                .fetch_all(&mut *tx)
                .await?;
                let log = rows.into_iter().map(super::plans::change_record).collect::<Result<Vec<_>>>()?;
                let mut old = Plan::replay(id, &log).map_err(StoreError::corrupt)?;
                transfer::check(&old, from_type, onto)?;

                // The new plan: created, then everything the old one says.
                let mut files = Vec::new();
                let mut carried = transfer::carried_from(
                    &old,
                    PlanLink { plan_id: id, plan_type: old.plan_type.clone(), number: old.number, kind },
                );
                if let Change::ContinuedFrom { content, .. } = &mut carried {
                    files = super::files::renew_file_ids(&mut content.appendices);
                }
                let created = record(
                    1,
                    None,
                    Change::Created {
                        person_id: old.person_id,
                        plan_type: onto.to_owned(),
                        number,
                        details: old.details.clone(),
                    },
                );
                let mut plan = Plan::from_creation(new_id, &created).map_err(StoreError::corrupt)?;
                let carried = record(
                    2,
                    Some(reason.clone().unwrap_or_else(|| format!("Transferred from {from_name}"))),
                    carried,
                );
                plan.apply(&carried).map_err(StoreError::corrupt)?;
                // The official form may need funding approval (PB).
                let needs = to_type.approval.required.then(|| {
                    record(
                        3,
                        None,
                        Change::ApprovalRequired {
                            approver_roles: to_type.approval.approver_roles.clone(),
                        },
                    )
                });
                if let Some(needs) = &needs {
                    plan.apply(needs).map_err(StoreError::corrupt)?;
                }

                // The old plan: the link, then closed or superseded.
                let why = reason.clone().unwrap_or_else(|| format!("Transferred to the {to_name} form"));
                let link = record(
                    old.version + 1,
                    Some(why.clone()),
                    Change::ContinuedAs {
                        to: PlanLink { plan_id: new_id, plan_type: onto.to_owned(), number, kind },
                    },
                );
                old.apply(&link).map_err(StoreError::corrupt)?;
                let status = Change::StatusChanged { to: transfer::status_after(&old) };
                old.check(&status, Some(&why), from_type)?;
                let closed = record(old.version + 1, Some(why), status);
                old.apply(&closed).map_err(StoreError::corrupt)?;

                let state = serde_json::to_string(&plan).expect("plan serializes");
                sqlx::query(
                    "INSERT INTO plans (id, person_id, plan_type, number, title, status, version, state, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(new_id.to_string())
                .bind(plan.person_id.to_string())
                .bind(onto)
                .bind(i64::from(number))
                .bind(&plan.details.title)
                .bind(plan.status.as_str())
                .bind(plan.version)
                .bind(&state)
                .bind(millis)
                .execute(&mut *tx)
                .await?;
                super::files::copy_files!(tx, &files, id, new_id);
                let old_state = serde_json::to_string(&old).expect("plan serializes");
                let updated = sqlx::query(
                    "UPDATE plans SET state = $1, version = $2, status = $3, updated_at = $4 WHERE id = $5 AND version = $6",
                )
                .bind(&old_state)
                .bind(old.version)
                .bind(old.status.as_str())
                .bind(millis)
                .bind(id.to_string())
                .bind(link.seq - 1)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated != 1 {
                    return Err(StoreError::corrupt(format!("plan {id}: its projection is not at its log's version")));
                }
                let new_log = [Some(&created), Some(&carried), needs.as_ref()].into_iter().flatten();
                let logs = new_log.map(|r| (new_id, r)).chain([(id, &link), (id, &closed)]);
                for (plan_id, r) in logs {
                    let change = serde_json::to_string(&r.change).expect("change serializes");
                    insert_plan_change!(tx, plan_id, r.seq, millis, actor, r.reason.as_deref(), &change);
                }
                // Whoever could see the old plan as its creator or a party
                // sees the new one the same way.
                let grants = std::iter::once((actor.id, "creator"))
                    .chain(plan.parties.iter().filter_map(|p| p.user_id).map(|u| (u, "party")));
                for (user_id, source) in grants {
                    sqlx::query(
                        "INSERT INTO plan_access (plan_id, user_id, source, granted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    )
                    .bind(new_id.to_string())
                    .bind(user_id.to_string())
                    .bind(source)
                    .bind(millis)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(Transferred { plan, from: old })
            }
            .await
        });
        match result {
            Err(e) if e.is_unique_violation() => {
                // Another plan of the type became active since the check.
                self.new_plan_number(actor, visible.person_id, onto, &to_type.name)
                    .await?;
                Err(FieldErrors::conflict(
                    "plan_type",
                    format!("This person already has an active {}", to_type.name),
                )
                .into())
            }
            Ok(transferred) => {
                // The dashboard's index follows both plans (store/monitoring.rs).
                self.refresh_dashboard_after_save(transferred.from.id).await;
                self.refresh_dashboard_after_save(transferred.plan.id).await;
                Ok(transferred)
            }
            other => other,
        }
    }
}
