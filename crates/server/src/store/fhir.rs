//! A plan as a FHIR R4 Bundle, and a Bundle imported as a new draft plan
//! (issue 13; the mapping is `goldthread_domain::fhir`, pure).
//!
//! Import is all or nothing: the person (when they are new), the plan, its
//! whole log and the importer's access are written in one transaction,
//! after every change has passed [`goldthread_domain::plan::Plan::check`].

use goldthread_domain::error::FieldErrors;
use goldthread_domain::fhir::{self, Imported};
use goldthread_domain::person::PersonDetails;
use goldthread_domain::plan::Plan;
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::people::PERSON_VISIBLE;
use super::{Result, Store, StoreError, now, on_pool, parse_uuid, to_millis};

/// A plan made from a Bundle.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportedPlan {
    /// The new draft plan.
    pub plan: Plan,
    /// The person it is for.
    pub person_id: Uuid,
    /// True when no person the importer may see matched the Bundle's
    /// Patient (same names and date of birth), so a new one was added.
    pub new_person: bool,
}

/// Is this stored person the Bundle's Patient? Same first and last name
/// (ignoring case and spaces round them) and the same date of birth; a
/// Patient without a date of birth matches no one.
fn same_person(stored: &PersonDetails, patient: &PersonDetails) -> bool {
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    patient.date_of_birth.is_some()
        && stored.date_of_birth == patient.date_of_birth
        && same(&stored.given_name, &patient.given_name)
        && same(&stored.family_name, &patient.family_name)
}

impl Store {
    /// The plan as a FHIR R4 Bundle, if the actor may see it.
    pub async fn plan_fhir(&self, actor: &Actor, id: Uuid, plan_types: &Registry) -> Result<serde_json::Value> {
        let plan = self.plan(actor, id).await?;
        let person = self.person(actor, plan.person_id).await?;
        let log = self.plan_history(actor, id).await?;
        Ok(fhir::export_bundle(&fhir::ExportInput {
            plan: &plan,
            person: &person.details,
            plan_type: plan_types.get(&plan.plan_type),
            log: &log,
            at: now(),
        }))
    }

    /// The person a Bundle's Patient is: the one its Goldthread identifier
    /// names, if the actor may see them and they are the same person; else
    /// the one person the actor may see with the same names and date of
    /// birth. Several such people are a conflict (the importer must decide);
    /// none means a new person.
    async fn match_person(&self, actor: &Actor, imported: &Imported) -> Result<Option<Uuid>> {
        if let Some(id) = imported.person_id
            && let Ok(person) = self.person(actor, id).await
            && same_person(&person.details, &imported.person)
        {
            return Ok(Some(id));
        }
        let sql = format!(
            "SELECT pe.id, pe.details FROM people pe WHERE pe.family_name = $3 AND pe.given_name = $4 AND {PERSON_VISIBLE}"
        );
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(imported.person.family_name.trim().to_lowercase())
                .bind(imported.person.given_name.trim().to_lowercase())
                .fetch_all(pool)
                .await?
        });
        let mut found = Vec::new();
        for (id, details) in rows {
            let details: PersonDetails =
                serde_json::from_str(&details).map_err(|e| StoreError::corrupt(format!("person details: {e}")))?;
            if same_person(&details, &imported.person) {
                found.push(parse_uuid(&id)?);
            }
        }
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(FieldErrors::conflict(
                &imported.person_at,
                format!(
                    "{} people you can see have this name and date of birth; \
                     import the plan from the person's page instead, or ask an administrator",
                    found.len()
                ),
            )
            .into()),
        }
    }

    /// Imports a Bundle read by [`fhir::read_bundle`] as a new draft plan,
    /// for the person it matches or a new one: all or nothing.
    pub async fn import_plan(&self, actor: &Actor, imported: &Imported, plan_types: &Registry) -> Result<ImportedPlan> {
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        let Some(plan_type) = plan_types.get(&imported.plan_type) else {
            let known: Vec<&str> = plan_types.all().map(|t| t.id.as_str()).collect();
            return Err(FieldErrors::single(
                "CarePlan.category",
                format!(
                    "There is no plan type \"{}\" here (there are: {})",
                    imported.plan_type,
                    known.join(", ")
                ),
            )
            .into());
        };
        let existing = self.match_person(actor, imported).await?;
        let (person_id, number) = match existing {
            Some(id) => {
                self.require_person_writable(actor, id).await?;
                (
                    id,
                    self.new_plan_number(actor, id, &plan_type.id, &plan_type.name).await?,
                )
            }
            None => (Uuid::new_v4(), 1),
        };
        let plan_id = Uuid::new_v4();
        let at = now();
        let (plan, log) = fhir::build_plan(
            imported,
            plan_id,
            person_id,
            number,
            plan_type,
            (actor.id, &actor.name),
            at,
        )?;
        let millis = to_millis(at);
        let state = serde_json::to_string(&plan).expect("plan serializes");
        let person_json = serde_json::to_string(&imported.person).expect("details serialize");
        let new_person = existing.is_none();
        let result = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                if new_person {
                    // As Store::create_person writes a person, in this transaction.
                    let details = &imported.person;
                    sqlx::query(
                        "INSERT INTO people (id, details, family_name, given_name, search_text, version, created_by, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7)",
                    )
                    .bind(person_id.to_string())
                    .bind(&person_json)
                    .bind(details.family_name.to_lowercase())
                    .bind(details.given_name.to_lowercase())
                    .bind(details.search_text())
                    .bind(actor.id.to_string())
                    .bind(millis)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO person_changes (person_id, seq, at, author_id, author_name, reason, details) VALUES ($1, 1, $2, $3, $4, $5, $6)",
                    )
                    .bind(person_id.to_string())
                    .bind(millis)
                    .bind(actor.id.to_string())
                    .bind(&actor.name)
                    .bind("Imported from a FHIR Bundle")
                    .bind(&person_json)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("INSERT INTO person_access (person_id, user_id, granted_at) VALUES ($1, $2, $3)")
                        .bind(person_id.to_string())
                        .bind(actor.id.to_string())
                        .bind(millis)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO plans (id, person_id, plan_type, number, title, status, version, state, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(plan_id.to_string())
                .bind(person_id.to_string())
                .bind(&plan_type.id)
                .bind(i64::from(number))
                .bind(&plan.details.title)
                .bind(plan.status.as_str())
                .bind(plan.version)
                .bind(&state)
                .bind(millis)
                .execute(&mut *tx)
                .await?;
                for r in &log {
                    let reason = (r.seq == 1).then_some("Imported from a FHIR Bundle");
                    sqlx::query(
                        "INSERT INTO plan_changes (plan_id, seq, at, author_id, author_name, reason, change) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(plan_id.to_string())
                    .bind(r.seq)
                    .bind(millis)
                    .bind(actor.id.to_string())
                    .bind(&actor.name)
                    .bind(reason)
                    .bind(serde_json::to_string(&r.change).expect("change serializes"))
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("INSERT INTO plan_access (plan_id, user_id, source, granted_at) VALUES ($1, $2, 'creator', $3)")
                    .bind(plan_id.to_string())
                    .bind(actor.id.to_string())
                    .bind(millis)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(())
            }
            .await
        });
        match result.map_err(StoreError::from) {
            Ok(()) => {
                self.refresh_dashboard_after_save(plan_id).await;
                Ok(ImportedPlan {
                    plan,
                    person_id,
                    new_person,
                })
            }
            Err(e) if e.is_unique_violation() => Err(FieldErrors::conflict(
                "CarePlan.category",
                format!("This person already has an active {}", plan_type.name),
            )
            .into()),
            Err(e) if e.is_unstorable_text() => Err(FieldErrors::single(
                "bundle",
                "The Bundle holds text that cannot be stored (a NUL character)",
            )
            .into()),
            Err(e) => Err(e),
        }
    }
}
