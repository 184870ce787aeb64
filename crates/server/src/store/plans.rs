//! Plans (SPEC P2–P4, R5): an append-only log of changes per plan, and a
//! projection of the current state rebuilt from it.

use std::sync::Arc;

use goldthread_domain::agreement::Standings;
use goldthread_domain::content::Item;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::merge::{self, FieldConflict, Keep};
use goldthread_domain::plan::{
    Change, ChangeRecord, Plan, PlanDetails, PlanStatus, check_one_active, next_plan_number,
};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::rules::check_details;
use goldthread_domain::user::Actor;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::chain::insert_plan_change;
use super::people::PERSON_VISIBLE;
use super::teams::PLAN_WRITABLE;
use super::{Conflict, Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};

/// Is plan `p` visible to the actor? `$1` is the actor's id, `$2` true for
/// administrators. Asked of the plan (is there a grant of this plan to the
/// user or one of their teams?), so that it costs an index look-up or two
/// whatever the size of the user's caseload: asked as `p.id IN (the user's
/// plans)`, SQLite gathered the whole caseload on every read (about 40 µs
/// for 164 plans, against 4 µs).
pub(super) const PLAN_VISIBLE: &str = "(p.removed_at IS NULL AND ($2 \
     OR EXISTS (SELECT 1 FROM plan_access va WHERE va.plan_id = p.id AND va.user_id = $1) \
     OR EXISTS (SELECT 1 FROM plan_access vpa JOIN team_members vtm ON vtm.team_id = vpa.team_id WHERE vpa.plan_id = p.id AND vtm.user_id = $1)))";

/// The ids of the plans a non-administrator `$1` may see, gathered from
/// the user's side (their grants and their teams'). Lists use it only to
/// narrow what [`PLAN_VISIBLE`], the rule, then checks.
const VISIBLE_PLAN_IDS: &str = "SELECT plan_id FROM plan_access WHERE user_id = $1 \
     UNION SELECT pa.plan_id FROM team_members tm JOIN plan_access pa ON pa.team_id = tm.team_id WHERE tm.user_id = $1";

/// What identifies the state of a plan page's plan (see
/// [`Store::plan_stamp`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStamp {
    pub id: Uuid,
    pub version: i64,
    pub person_id: Uuid,
    pub person_version: i64,
    /// May the actor change it ([`Store::may_change_plan`])?
    pub writable: bool,
    pub plan_type: String,
    pub number: u32,
    pub status: PlanStatus,
}

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

pub(super) type ChangeRow = (i64, i64, Option<String>, String, Option<String>, String);

pub(super) fn change_record(row: ChangeRow) -> Result<ChangeRecord> {
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

/// The person cannot have another plan of this type started by this actor,
/// in words that name no plan the actor may not see.
fn one_active_elsewhere(type_name: &str) -> FieldErrors {
    FieldErrors::conflict(
        "plan_type",
        format!(
            "A new {type_name} cannot be started for this person from your account: they may already have one. \
             Ask an administrator"
        ),
    )
}

impl Store {
    /// Starts a plan of `plan_type` for a person the actor may see.
    pub async fn create_plan(
        &self,
        actor: &Actor,
        person_id: Uuid,
        of_type: &goldthread_domain::plan_type::PlanType,
        details: PlanDetails,
    ) -> Result<Plan> {
        let (plan_type, type_name) = (of_type.id.as_str(), of_type.name.as_str());
        self.person(actor, person_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_person_writable(actor, person_id).await?;
        check_details(&details)?;
        let number = self.new_plan_number(actor, person_id, plan_type, type_name).await?;

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
        let mut plan = Plan::from_creation(id, &record).map_err(StoreError::corrupt)?;
        // A type needing funding approval says so in the plan's log from
        // the start (goldthread_domain::approval).
        let mut log = vec![record];
        if of_type.approval.required {
            let needs = ChangeRecord {
                seq: 2,
                change: Change::ApprovalRequired {
                    approver_roles: of_type.approval.approver_roles.clone(),
                },
                ..log[0].clone()
            };
            plan.apply(&needs).map_err(StoreError::corrupt)?;
            log.push(needs);
        }
        let state = serde_json::to_string(&plan).expect("plan serializes");
        let at = to_millis(log[0].at);
        let result = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "INSERT INTO plans (id, person_id, plan_type, number, title, status, version, state, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(id.to_string())
                .bind(person_id.to_string())
                .bind(plan_type)
                .bind(i64::from(number))
                .bind(&plan.details.title)
                .bind(plan.status.as_str())
                .bind(plan.version)
                .bind(&state)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                for r in &log {
                    let change = serde_json::to_string(&r.change).expect("change serializes");
                    insert_plan_change!(tx, id, r.seq, at, actor, None, &change);
                }
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
        match result {
            Ok(()) => {
                crate::audit::note_plan(id, person_id, plan.version);
                self.refresh_dashboard_after_save(id).await;
                Ok(plan)
            }
            // Another plan of this type became active since the check (the
            // database's one-active-plan index): the same clear answer.
            Err(e) => {
                let e = StoreError::from(e);
                if e.is_unique_violation() {
                    self.new_plan_number(actor, person_id, plan_type, type_name).await?;
                    return Err(StoreError::Invalid(one_active_elsewhere(type_name)));
                }
                Err(e)
            }
        }
    }

    /// Checks that the actor may start a plan of `plan_type` for the person,
    /// and gives its number (one more than the person's plans of the type).
    ///
    /// A person has at most one active plan of a type (SPEC P2; the
    /// database's partial unique index `plans_one_active` makes it hold
    /// under concurrent saves). A plan the actor may not see is never named
    /// or counted in what they are told: when the person has any plan of
    /// this type hidden from the actor, the start is refused with the same
    /// words whatever that plan is (active or closed), and an administrator
    /// decides. So the number a user is given only ever counts plans they
    /// can see.
    pub(super) async fn new_plan_number(
        &self,
        actor: &Actor,
        person_id: Uuid,
        plan_type: &str,
        type_name: &str,
    ) -> Result<u32> {
        let sql = format!(
            "SELECT p.status, p.number, {PLAN_VISIBLE} FROM plans p WHERE p.person_id = $3 AND p.plan_type = $4"
        );
        let existing: Vec<(String, i64, bool)> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(person_id.to_string())
                .bind(plan_type)
                .fetch_all(pool)
                .await?
        });
        if existing.iter().any(|(_, _, visible)| !visible) {
            return Err(StoreError::Invalid(one_active_elsewhere(type_name)));
        }
        let statuses: Vec<(String, PlanStatus)> = existing
            .iter()
            .map(|(s, _, _)| {
                Ok((
                    plan_type.to_owned(),
                    PlanStatus::parse(s).ok_or_else(|| StoreError::corrupt(s))?,
                ))
            })
            .collect::<Result<_>>()?;
        check_one_active(&statuses, plan_type, type_name)?;
        Ok(next_plan_number(existing.iter().map(|(_, n, _)| *n as u32)))
    }

    /// The one row `sql` finds, its parameters the actor (`$1` id, `$2`
    /// administrator) and `id` (`$3`), as the access rules above take
    /// them. The reads every plan page and API read makes: on SQLite in
    /// place (store::inline), on PostgreSQL gathered with the same read of
    /// other requests at the same moment (store::batched).
    async fn visible_row<T>(&self, sql: &str, actor: &Actor, id: Uuid) -> Result<Option<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>
            + Send
            + Unpin,
    {
        if let Some(reads) = self.inline_reads() {
            return reads.row(
                sql,
                rusqlite::named_params! {"$1": actor.id.to_string(), "$2": actor.is_admin(), "$3": id.to_string()},
                |r| T::try_from(r),
            );
        }
        match self {
            Store::Sqlite(pool) => Ok(sqlx::query_as(AssertSqlSafe(sql))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?),
            Store::Postgres(pool) => {
                use super::batched::{Param, fetch_optional};
                let params = vec![
                    Param::Text(actor.id.to_string()),
                    Param::Bool(actor.is_admin()),
                    Param::Text(id.to_string()),
                ];
                let row = fetch_optional(pool, sql, params).await?;
                Ok(row.map(|row| T::from_row(&row)).transpose()?)
            }
        }
    }

    /// The plan as it stands, if the actor may see it.
    pub async fn plan(&self, actor: &Actor, id: Uuid) -> Result<Plan> {
        let sql = format!("SELECT p.state FROM plans p WHERE p.id = $3 AND {PLAN_VISIBLE}");
        let (state,): (String,) = self.visible_row(&sql, actor, id).await?.ok_or(StoreError::NotFound)?;
        let plan = parse_plan(&state)?;
        crate::audit::note_plan(plan.id, plan.person_id, plan.version);
        Ok(plan)
    }

    /// [`Store::plan`] for a save: the plan taken from the versions kept in
    /// memory (store/recent.rs) when its latest version is kept there, with
    /// its content hash if known; else read from the database. Found, and
    /// audited, exactly as [`Store::plan`].
    async fn plan_to_save(&self, actor: &Actor, id: Uuid) -> Result<super::recent::Kept> {
        let sql = format!(
            "SELECT p.version, c.hash FROM plans p LEFT JOIN plan_changes c ON c.plan_id = p.id AND c.seq = p.version \
             WHERE p.id = $3 AND {PLAN_VISIBLE}"
        );
        let (version, hash): (i64, Option<String>) =
            self.visible_row(&sql, actor, id).await?.ok_or(StoreError::NotFound)?;
        match hash.and_then(|hash| super::recent::get(id, &hash)) {
            Some(kept) if kept.plan.version == version => {
                crate::audit::note_plan(id, kept.plan.person_id, version);
                Ok(kept)
            }
            _ => Ok(super::recent::Kept {
                plan: Arc::new(self.plan(actor, id).await?),
                content_hash: None,
            }),
        }
    }

    /// What a plan page is built from, without reading the plan itself:
    /// its version and its person's, whether the actor may change it, and
    /// its place in its series. Not found exactly when [`Store::plan`] or
    /// [`Store::person`] would say so; the read is audited as theirs
    /// is. For keeping built pages (web::page_cache): the plan is read in
    /// full only when the page has to be built.
    pub async fn plan_stamp(&self, actor: &Actor, id: Uuid) -> Result<PlanStamp> {
        let sql = format!(
            "SELECT p.version, p.person_id, pe.version, ({PLAN_WRITABLE}), p.plan_type, p.number, p.status \
             FROM plans p JOIN people pe ON pe.id = p.person_id WHERE p.id = $3 AND {PLAN_VISIBLE} AND {PERSON_VISIBLE}"
        );
        type Row = (i64, String, i64, bool, String, i64, String);
        let row: Option<Row> = self.visible_row(&sql, actor, id).await?;
        let (version, person_id, person_version, granted, plan_type, number, status) =
            row.ok_or(StoreError::NotFound)?;
        let person_id = parse_uuid(&person_id)?;
        crate::audit::note_plan(id, person_id, version);
        crate::audit::note_person(person_id, person_version);
        Ok(PlanStamp {
            id,
            version,
            person_id,
            person_version,
            writable: actor.can_write() && granted,
            plan_type,
            number: u32::try_from(number).map_err(StoreError::corrupt)?,
            status: PlanStatus::parse(&status).ok_or_else(|| StoreError::corrupt(&status))?,
        })
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
        // One person's plans are found by the person; anyone else's list
        // is gathered from the user's side (their caseload and teams), so
        // that it does not test every plan in a county (about 1.4 s for a
        // practitioner at 100,000 people, against 3 ms). PLAN_VISIBLE, the
        // rule, is then checked of each.
        let (with, from) = match (actor.is_admin(), filter.person_id) {
            (false, None) => (
                format!("WITH visible AS MATERIALIZED ({VISIBLE_PLAN_IDS}) "),
                "visible v JOIN plans p ON p.id = v.plan_id",
            ),
            _ => (String::new(), "plans p"),
        };
        let person_condition = match filter.person_id {
            Some(_) => "p.person_id = $3",
            None => "$3 IS NULL",
        };
        let conditions = format!(
            "{PLAN_VISIBLE} AND {person_condition} AND ($4 IS NULL OR p.plan_type = $4) AND ($5 IS NULL OR p.status = $5)"
        );
        let list_sql = format!(
            "{with}SELECT p.id, p.person_id, pe.details, p.plan_type, p.number, p.title, p.status, p.version, p.updated_at \
             FROM {from} JOIN people pe ON pe.id = p.person_id WHERE {conditions} \
             ORDER BY p.updated_at DESC, p.id LIMIT $6 OFFSET $7"
        );
        let count_sql = format!("{with}SELECT COUNT(*) FROM {from} WHERE {conditions}");
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
    /// If others saved since `base_version`, the change is merged onto the
    /// plan as it now stands, field by field (see
    /// [`goldthread_domain::merge`]); only a field changed both ways makes a
    /// [`Conflict`], and then nothing is written.
    pub async fn change_plan(
        &self,
        actor: &Actor,
        id: Uuid,
        base_version: i64,
        reason: Option<&str>,
        change: Change,
        plan_types: &Registry,
    ) -> Result<Plan> {
        self.change_plan_resolving(actor, id, base_version, reason, change, None, plan_types)
            .await
    }

    /// [`Store::change_plan`], resolving the conflicts shown to the editor
    /// when the plan was at version `resolution.seen_version` by keeping
    /// one side's values. A conflict they were not shown is refused again.
    /// How it was resolved is recorded with the change's reason.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_plan_resolving(
        &self,
        actor: &Actor,
        id: Uuid,
        base_version: i64,
        reason: Option<&str>,
        change: Change,
        resolution: Option<Resolution>,
        plan_types: &Registry,
    ) -> Result<Plan> {
        self.change_plan_saved(actor, id, base_version, reason, change, resolution, plan_types)
            .await
            .map(SavedPlan::into_plan)
    }

    /// [`Store::change_plan_resolving`], answering with the plan as the
    /// save wrote it (its JSON too, which the API sends as it is).
    #[allow(clippy::too_many_arguments)]
    pub async fn change_plan_saved(
        &self,
        actor: &Actor,
        id: Uuid,
        base_version: i64,
        reason: Option<&str>,
        change: Change,
        resolution: Option<Resolution>,
        plan_types: &Registry,
    ) -> Result<SavedPlan> {
        // The last review's closing starts the next plan, in one transaction.
        if let Change::ReviewClosed {
            review_id,
            on,
            supersedes: true,
        } = change
        {
            let (plan, _) = self
                .close_review_superseding(actor, id, base_version, reason, review_id, on, plan_types)
                .await?;
            return Ok(SavedPlan::new(plan));
        }
        self.append_changes(actor, id, base_version, reason, change, None, resolution, plan_types)
            .await
    }

    /// [`Store::change_plan_resolving`] with, optionally, a second change
    /// decided by `follow_up` from the plan at the base version and the plan
    /// after the first change: both are appended in one transaction, after
    /// one check of the version, or neither is (a conflict or a refusal of
    /// either leaves nothing written). Answers with the plan as written
    /// (see [`SavedPlan`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn append_changes(
        &self,
        actor: &Actor,
        id: Uuid,
        base_version: i64,
        reason: Option<&str>,
        change: Change,
        follow_up: Option<FollowUp>,
        resolution: Option<Resolution>,
        plan_types: &Registry,
    ) -> Result<SavedPlan> {
        // On SQLite kept in a file, saves are committed in groups
        // (store/writer.rs); saves of one plan take turns from here to
        // their commit, so that each is worked out from the one before.
        let _plan_turn = match self.inline_reads() {
            Some(_) => Some(super::writer::plan_turn(id).await),
            None => None,
        };
        let visible = self.plan_to_save(actor, id).await?;
        // Writers may append; a party may give their own response
        // (see store/agreements.rs).
        self.require_may_append(actor, &visible.plan, &change, plan_types.get(&visible.plan.plan_type))
            .await?;
        if base_version < 1 || base_version > visible.plan.version {
            return Err(StoreError::Invalid(FieldErrors::conflict(
                "base_version",
                format!("There is no version {base_version} of this plan to base a change on"),
            )));
        }
        let plan_type = plan_types.get(&visible.plan.plan_type);
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
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        let audit_reason = reason.clone();
        let index_types = super::monitoring::plan_types();
        // The save is worked out from the stored plan (its projection, kept
        // in step with its log in every save's transaction) before the
        // save's turn, and written in its turn only if no one saved the
        // plan meanwhile; else it is worked out again from the plan as it
        // then stands. An earlier version the save needs (the one the
        // editor saw) is taken from the versions kept in memory
        // (store/recent.rs) when the database's history is the one it was
        // built from, else rebuilt from the history. Each time round,
        // another save of the plan was committed, so every save gets its
        // turn.
        let super::recent::Kept {
            plan: mut current,
            content_hash: mut current_hash,
        } = visible;
        let mut attempts = 0;
        let mut held_turn = None;
        let saved = loop {
            attempts += 1;
            let needed: Vec<i64> = [Some(base_version), resolution.map(|r| r.seen_version)]
                .into_iter()
                .flatten()
                .filter(|v| (1..current.version).contains(v))
                .collect();
            let earlier = match self.kept_versions(id, &needed).await? {
                Some(kept) => Earlier::Kept(kept),
                None => self.log_since_kept(id, needed.iter().min().copied(), &current).await?,
            };
            let prepare = |earlier: &Earlier| {
                prepare_save(
                    id,
                    earlier,
                    &current,
                    base_version,
                    reason.clone(),
                    &change,
                    follow_up.as_deref(),
                    resolution,
                    actor,
                    plan_type,
                )
            };
            // A conflict names what others saved since the editor's
            // version: that takes the changes since the earliest version
            // needed.
            let prepared = match (prepare(&earlier), &earlier) {
                (Err(StoreError::Conflict(_)), Earlier::Kept(kept)) => {
                    let from = kept.iter().min_by_key(|(version, _)| *version).map(|(_, plan)| plan);
                    prepare(&self.log_after(id, from.cloned(), current.version).await?)
                }
                (prepared, _) => prepared,
            };
            let Some(next) = prepared? else {
                return Ok(SavedPlan {
                    plan: current,
                    json: None,
                });
            };
            let PreparedSave { plan, records, state } = next;
            let plan = Arc::new(plan);
            let json: Arc<str> = Arc::from(state);
            // Where the parties stand before and after, for the dashboard's
            // index (of an active plan) and for telling them (parties with
            // accounts): the plans' content hashes are the costly part,
            // worked out here rather than in the turn.
            let standings = (current.status.is_active()
                || plan.status.is_active()
                || plan.parties.iter().any(|p| p.user_id.is_some()))
            .then(|| {
                let before = match &current_hash {
                    Some(hash) => Standings::known(&current, hash.to_string()),
                    None => Standings::of(&current),
                };
                (before, Standings::of(&plan))
            });
            let record = &records[0];
            // A user named on a party gets access: they must exist and be
            // active, checked in the same transaction as the save.
            let new_party_user = match &record.change {
                Change::PartyAdded { party } => party.user_id,
                Change::PartyEdited { party } => party
                    .user_id
                    .filter(|u| current.party(party.id).and_then(|p| p.user_id) != Some(*u)),
                _ => None,
            };
            // Written in turn with other writers (SQLite: on the writer's
            // thread, store/writer.rs, committed with the saves queued with
            // it when the database is a file); a second attempt has kept
            // its turn (or, grouped, its plan's turn).
            let write = SaveWrite {
                id,
                current: Arc::clone(&current),
                plan: Arc::clone(&plan),
                state: Arc::clone(&json),
                records,
                actor: actor.clone(),
                new_party_user,
                index_types: Arc::clone(&index_types),
                hashes: standings
                    .as_ref()
                    .map(|(before, after)| (before.content_hash().to_owned(), after.content_hash().to_owned())),
            };
            let (written, turn) = match self {
                Store::Sqlite(_) => match (self.inline_reads(), self.write_turns()) {
                    (Some(file), Some(turns)) => {
                        let grouped =
                            Box::new(move |connection: &rusqlite::Connection| write.write_in_place(connection));
                        (super::writer::write_grouped(file.file(), turns, grouped).await, None)
                    }
                    _ => {
                        let store = self.clone();
                        let held = held_turn.take();
                        super::writer::run(async move { write.run(&store, held).await }).await
                    }
                },
                Store::Postgres(_) => write.run(self, None).await,
            };
            let written = written?;
            if let Some(hash) = written {
                // The next save based on this version finds it kept.
                super::recent::put(
                    id,
                    hash,
                    Arc::clone(&plan),
                    standings.as_ref().map(|(_, after)| after.content_hash()),
                );
                // Who is told about it (store/agreements.rs).
                match &standings {
                    Some((before, after)) => self.after_save(actor, before, after).await,
                    None => self.after_change(actor, &current, &plan).await,
                }
                break SavedPlan { plan, json: Some(json) };
            }
            if attempts >= MAX_SAVE_ATTEMPTS {
                return Err(StoreError::corrupt(format!(
                    "plan {id}: its projection did not settle after {attempts} attempts to save"
                )));
            }
            // Someone saved meanwhile (or the plan was removed, or its
            // access withdrawn: then it is not found). On SQLite the turn
            // (or the plan's turn) is kept while the save is worked out
            // again, so that it cannot lose twice to this server's saves
            // nor queue again behind everyone who came later.
            held_turn = turn;
            super::recent::Kept {
                plan: current,
                content_hash: current_hash,
            } = self.plan_to_save(actor, id).await?;
        };
        crate::audit::note_written(saved.plan.version, audit_reason.as_deref());
        Ok(saved)
    }

    /// The plan's changes after version `after` up to its projection's
    /// `version`.
    async fn plan_log_between(&self, id: Uuid, after: i64, version: i64) -> Result<Vec<ChangeRecord>> {
        let mut log = self.plan_changes(id, after).await?;
        log.truncate(usize::try_from(version - after).map_err(StoreError::corrupt)?);
        if log.len() as i64 != version - after {
            return Err(StoreError::corrupt(format!(
                "plan {id}: its log is shorter than its projection's version"
            )));
        }
        Ok(log)
    }

    /// What a save needs of the plan's history to work out its versions
    /// from `earliest` on (`current` is where it ends): the changes since
    /// the nearest version kept in memory no later than `earliest` whose
    /// history is the database's (see store/recent.rs), else the whole
    /// history.
    async fn log_since_kept(&self, id: Uuid, earliest: Option<i64>, current: &Plan) -> Result<Earlier> {
        let from = match earliest.and_then(|v| super::recent::at_or_before(id, v)) {
            Some((hash, kept)) if self.change_hash(id, kept.plan.version).await?.as_deref() == Some(&*hash) => {
                Some(kept.plan)
            }
            _ => None,
        };
        self.log_after(id, from, current.version).await
    }

    /// The plan's history from `from` (a version kept in memory; `None`:
    /// from its first change) up to its projection's `version`.
    async fn log_after(&self, id: Uuid, from: Option<Arc<Plan>>, version: i64) -> Result<Earlier> {
        let after = from.as_ref().map_or(0, |plan| plan.version);
        Ok(Earlier::Log {
            log: self.plan_log_between(id, after, version).await?,
            from,
        })
    }

    /// The chain hash of the change that made version `seq` of plan `id`.
    async fn change_hash(&self, id: Uuid, seq: i64) -> Result<Option<String>> {
        let hash: Option<Option<String>> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT hash FROM plan_changes WHERE plan_id = $1 AND seq = $2")
                .bind(id.to_string())
                .bind(seq)
                .fetch_optional(pool)
                .await?
        });
        Ok(hash.flatten())
    }

    /// Plan `id` at each of `versions`, if every one is kept in memory
    /// under the hash its change has in this database (store/recent.rs).
    async fn kept_versions(&self, id: Uuid, versions: &[i64]) -> Result<Option<Vec<(i64, Arc<Plan>)>>> {
        let Some((&first, rest)) = versions.split_first() else {
            return Ok(Some(Vec::new()));
        };
        let second = rest.first().copied().unwrap_or(first);
        let hashes: Vec<(i64, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT seq, hash FROM plan_changes WHERE plan_id = $1 AND (seq = $2 OR seq = $3)")
                .bind(id.to_string())
                .bind(first)
                .bind(second)
                .fetch_all(pool)
                .await?
        });
        let mut kept = Vec::new();
        for version in versions {
            let hash = hashes
                .iter()
                .find(|(seq, _)| seq == version)
                .and_then(|(_, hash)| hash.as_deref());
            match hash.and_then(|hash| super::recent::get(id, hash)) {
                Some(k) if k.plan.version == *version => kept.push((*version, k.plan)),
                _ => return Ok(None),
            }
        }
        Ok(Some(kept))
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
        crate::audit::note(|n| n.version = Some(version));
        Plan::replay(id, &log[..version as usize]).map_err(StoreError::corrupt)
    }

    /// Rebuilds every plan's projection from its log; returns how many
    /// plans were rebuilt and how many had drifted. A plan whose log fails
    /// verification (store/chain.rs) is left as it is, and the rebuild
    /// then fails naming it. Plans removed under retention keep their
    /// placeholder (their log's content is gone).
    pub async fn rebuild_plan_projections(&self, mut progress: impl FnMut(usize, usize)) -> Result<(usize, usize)> {
        let ids: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM plans WHERE removed_at IS NULL ORDER BY id").fetch_all(pool).await?
        });
        let mut drifted = 0;
        let mut refused = Vec::new();
        for (done, id) in ids.iter().enumerate() {
            let plan_id = parse_uuid(id)?;
            // A log that fails verification was rewritten outside
            // Goldthread: the projection is not "corrected" to match it.
            if let Some(problem) = self.verify_plan_history(plan_id).await? {
                refused.push(problem);
                progress(done + 1, ids.len());
                continue;
            }
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
        if !refused.is_empty() {
            return Err(StoreError::corrupt(format!(
                "{} of {} plans were not rebuilt because their history fails verification \
                 (run `goldthread verify`):\n{}",
                refused.len(),
                ids.len(),
                refused.join("\n")
            )));
        }
        Ok((ids.len(), drifted))
    }
}

/// A save worked out and ready to write: what its transaction needs, owned,
/// so that it can be handed to the writer's thread (store/writer.rs).
struct SaveWrite {
    id: Uuid,
    /// The plan as the save was worked out from (its version is the one
    /// overwritten).
    current: Arc<Plan>,
    plan: Arc<Plan>,
    /// `plan` as stored (JSON).
    state: Arc<str>,
    records: Vec<ChangeRecord>,
    actor: Actor,
    /// A user newly named on a party, who must exist and be active.
    new_party_user: Option<Uuid>,
    index_types: Arc<Registry>,
    /// The content hashes of `current` and `plan`, where the dashboard's
    /// index needs the parties' standings.
    hashes: Option<(String, String)>,
}

impl SaveWrite {
    /// Writes the save through sqlx (PostgreSQL, and SQLite kept only in
    /// memory) in the database's turn (`held`, or taken here), over the
    /// version it was worked out from. `Ok(Some(hash))` is the chain hash
    /// of its last change; `Ok(None)` means someone saved the plan
    /// meanwhile, and then the turn is handed back, to be kept while the
    /// save is worked out again. (SQLite kept in a file: see
    /// [`Self::write_in_place`].)
    async fn run(self, store: &Store, held: Option<Turn>) -> (Result<Option<String>>, Option<Turn>) {
        let turn = match held {
            Some(turn) => Some(turn),
            None => store.write_turn().await,
        };
        match self.write(store).await {
            Ok(None) => (Ok(None), turn),
            answer => (answer, None),
        }
    }

    /// Where the parties stand before and after the save, when the
    /// dashboard's index needs it (from the content hashes worked out
    /// before the turn).
    fn standings(&self) -> Option<(Standings<'_>, Standings<'_>)> {
        self.hashes.as_ref().map(|(before, after)| {
            (
                Standings::known(&self.current, before.clone()),
                Standings::known(&self.plan, after.clone()),
            )
        })
    }

    /// [`Self::write`]'s statements on the writer's own connection to
    /// SQLite, synchronously and in the same order, none of them a hand-off
    /// to another thread; run inside a savepoint of the group's
    /// transaction (store/writer.rs), which rolls back what a save that
    /// is refused or overtaken wrote.
    fn write_in_place(self, tx: &rusqlite::Connection) -> Result<Option<String>> {
        let (plan, current) = (&*self.plan, &*self.current);
        let standings = self.standings();
        let plan_id = self.id.to_string();
        let at = to_millis(plan.updated_at);
        let updated = tx.prepare_cached(UPDATE_PLAN)?.execute(rusqlite::params![
            &*self.state,
            plan.version,
            plan.details.title,
            plan.status.as_str(),
            at,
            plan_id,
            current.version
        ])?;
        if updated != 1 {
            return Ok(None);
        }
        if let Some(user_id) = self.new_party_user {
            use rusqlite::OptionalExtension;
            let active: Option<bool> = tx
                .prepare_cached(ACTIVE_USER)?
                .query_row([user_id.to_string()], |r| r.get(0))
                .optional()?;
            if active != Some(true) {
                return Err(no_active_user());
            }
        }
        let mut hash = None;
        for record in &self.records {
            let change = serde_json::to_string(&record.change).expect("change serializes");
            hash = Some(super::chain::insert_plan_change_in_place(
                tx,
                &plan_id,
                record.seq,
                to_millis(record.at),
                &self.actor,
                record.reason.as_deref(),
                &change,
            )?);
        }
        if let Some(users) = access_to_write(current, plan) {
            tx.prepare_cached(DELETE_PARTY_ACCESS)?.execute([&plan_id])?;
            for user_id in users {
                tx.prepare_cached(INSERT_PARTY_ACCESS)?
                    .execute(rusqlite::params![plan_id, user_id.to_string(), at])?;
            }
        }
        let meetings = tx
            .prepare_cached(super::monitoring::INDEX_MEETINGS)?
            .query_map([&plan_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        let requests = tx
            .prepare_cached(&super::monitoring::INDEX_REQUESTS)?
            .query_map([&plan_id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<super::requests::Row>>>()?;
        let index = super::monitoring::index_to_write(
            self.id,
            plan,
            &self.index_types,
            &meetings,
            requests,
            standings.as_ref().map(|(before, after)| (before, after)),
        )?;
        if let Some((due, plan_row)) = index {
            tx.prepare_cached(super::monitoring::DELETE_DUE)?.execute([&plan_id])?;
            tx.prepare_cached(super::monitoring::DELETE_PLAN_ROW)?
                .execute([&plan_id])?;
            for r in &due {
                tx.prepare_cached(super::monitoring::INSERT_DUE_ROW)?
                    .execute(rusqlite::params![r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8])?;
            }
            if let Some(r) = &plan_row {
                tx.prepare_cached(super::monitoring::INSERT_PLAN_ROW)?
                    .execute(rusqlite::params![r.0, r.1, r.2, r.3, r.4, r.5, r.6])?;
            }
        }
        Ok(hash)
    }

    /// The save's transaction through sqlx: on PostgreSQL, and on a SQLite
    /// database that lives only in memory (which the writer's thread's own
    /// connection cannot open).
    async fn write(self, store: &Store) -> Result<Option<String>> {
        let standings = self.standings();
        let SaveWrite {
            id,
            state,
            records,
            actor,
            new_party_user,
            index_types,
            ..
        } = &self;
        let (id, plan, current) = (*id, &*self.plan, &*self.current);
        let user_sql = match store {
            // Holds off a deactivation until this save is committed.
            Store::Postgres(_) => "SELECT active FROM users WHERE id = $1 FOR SHARE",
            Store::Sqlite(_) => ACTIVE_USER,
        };
        on_pool!(store, pool => {
            let mut tx = pool.begin().await?;
            // Written only over the version it was worked out from
            // (PostgreSQL: a concurrent save holds the row until it
            // commits, and then this matches nothing).
            let at = to_millis(plan.updated_at);
            let updated = sqlx::query(UPDATE_PLAN)
            .bind(&**state)
            .bind(plan.version)
            .bind(&plan.details.title)
            .bind(plan.status.as_str())
            .bind(at)
            .bind(id.to_string())
            .bind(current.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated != 1 {
                tx.rollback().await?;
                return Ok(None);
            }
            if let Some(user_id) = new_party_user {
                let active: Option<bool> = sqlx::query_scalar(user_sql)
                    .bind(user_id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
                if active != Some(true) {
                    return Err(no_active_user());
                }
            }
            let mut hash = None;
            for record in records {
                let change = serde_json::to_string(&record.change).expect("change serializes");
                hash = Some(insert_plan_change!(tx, id, record.seq, to_millis(record.at), actor, record.reason.as_deref(), &change));
            }
            if let Some(users) = access_to_write(current, plan) {
                sqlx::query(DELETE_PARTY_ACCESS)
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                for user_id in users {
                    sqlx::query(INSERT_PARTY_ACCESS)
                    .bind(id.to_string())
                    .bind(user_id.to_string())
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            // The dashboard's index follows every change, in the
            // same transaction (store/monitoring.rs).
            super::monitoring::write_dashboard_index!(
                tx,
                id,
                &plan,
                &index_types,
                standings.as_ref().map(|(before, after)| (before, after))
            );
            tx.commit().await?;
            Ok(hash)
        })
    }
}

/// A save's write of the plan's projection, over the version it was
/// worked out from only.
const UPDATE_PLAN: &str = "UPDATE plans SET state = $1, version = $2, title = $3, status = $4, updated_at = $5 \
     WHERE id = $6 AND version = $7 AND removed_at IS NULL";
/// Whether a user newly named on a party is active (on PostgreSQL the
/// sqlx path also locks the row, see [`SaveWrite::write`]).
const ACTIVE_USER: &str = "SELECT active FROM users WHERE id = $1";
const DELETE_PARTY_ACCESS: &str = "DELETE FROM plan_access WHERE plan_id = $1 AND source = 'party'";
const INSERT_PARTY_ACCESS: &str = "INSERT INTO plan_access (plan_id, user_id, source, granted_at) VALUES ($1, $2, 'party', $3) ON CONFLICT DO NOTHING";

/// Parties with accounts may see the plan: their grants are kept in step
/// with the parties as they stand after a save, rewritten (to these
/// users) only when those change.
fn access_to_write(current: &Plan, plan: &Plan) -> Option<std::collections::BTreeSet<Uuid>> {
    let users: std::collections::BTreeSet<Uuid> = plan.users_with_access().collect();
    (users != current.users_with_access().collect()).then_some(users)
}

fn no_active_user() -> StoreError {
    StoreError::Invalid(FieldErrors::conflict("user_id", "There is no active user with this id"))
}

/// A turn to write (see [`Store::write_turn`]).
type Turn = tokio::sync::OwnedMutexGuard<()>;

/// Decides a second change to append with the first, in the same
/// transaction: given the plan at the base version and the plan after the
/// first change, the change and whether to merge it against the plan's
/// latest version (`true`) or against the base version (`false`).
pub type FollowUp = Box<FollowUpFn>;

/// See [`FollowUp`].
pub type FollowUpFn = dyn Fn(&Plan, &Plan) -> Option<(Change, bool)> + Send + Sync;

/// How many times a save is worked out again because others saved the
/// plan meanwhile, before it gives up (each time, one of them got in).
const MAX_SAVE_ATTEMPTS: u32 = 100;

/// The earlier versions of a plan a save may need (the one the editor
/// saw, the one a conflict was shown at).
enum Earlier {
    /// Its history up to the version the save starts from: all of it
    /// (`from` is `None`), or the changes after `from`, a version kept in
    /// memory no later than any version needed (store/recent.rs).
    Log {
        from: Option<Arc<Plan>>,
        log: Vec<ChangeRecord>,
    },
    /// The versions needed, kept in memory (store/recent.rs).
    Kept(Vec<(i64, Arc<Plan>)>),
}

impl Earlier {
    /// The plan at `version`; `current` (its latest) from there on. Lent
    /// where it is at hand (the latest, or kept), not copied.
    fn at<'a>(&'a self, id: Uuid, version: i64, current: &'a Plan) -> Result<std::borrow::Cow<'a, Plan>> {
        use std::borrow::Cow;
        if version >= current.version {
            return Ok(Cow::Borrowed(current));
        }
        match self {
            Earlier::Log { from: None, log } => {
                let version = usize::try_from(version).unwrap_or(0).clamp(1, log.len());
                Plan::replay(id, &log[..version])
                    .map(Cow::Owned)
                    .map_err(StoreError::corrupt)
            }
            Earlier::Log { from: Some(from), log } => {
                if version == from.version {
                    return Ok(Cow::Borrowed(&**from));
                }
                if version < from.version {
                    return Err(StoreError::corrupt(format!(
                        "plan {id}: version {version} is before the version {} its save started from",
                        from.version
                    )));
                }
                let mut plan = (**from).clone();
                for record in log.iter().take_while(|r| r.seq <= version) {
                    plan.apply(record).map_err(StoreError::corrupt)?;
                }
                Ok(Cow::Owned(plan))
            }
            Earlier::Kept(kept) => kept
                .iter()
                .find(|(v, _)| *v == version)
                .map(|(_, plan)| Cow::Borrowed(&**plan))
                .ok_or_else(|| StoreError::corrupt(format!("plan {id}: version {version} was not kept"))),
        }
    }
}

/// The plan as a save left it: shared with the versions kept for the next
/// save (store/recent.rs), and with its JSON as stored when the save wrote
/// it, so that an answer need not clone the plan nor write it out again.
pub struct SavedPlan {
    pub plan: Arc<Plan>,
    /// `plan` as JSON (`serde_json::to_string`), when the save wrote it.
    pub json: Option<Arc<str>>,
}

impl SavedPlan {
    fn new(plan: Plan) -> SavedPlan {
        SavedPlan {
            plan: Arc::new(plan),
            json: None,
        }
    }

    /// The plan itself (cloned only when it is also kept).
    pub fn into_plan(self) -> Plan {
        Arc::unwrap_or_clone(self.plan)
    }

    /// The plan as JSON: the text the save stored, else written now.
    pub fn into_json(self) -> String {
        match self.json {
            Some(json) => json.to_string(),
            None => serde_json::to_string(&*self.plan).expect("plan serializes"),
        }
    }
}

/// What a save writes: the plan after it, its records, and the plan as
/// stored (see [`prepare_save`]).
struct PreparedSave {
    plan: Plan,
    records: Vec<ChangeRecord>,
    state: String,
}

/// Works out a save from the plan as it stands (`current`, with `log` its
/// history up to it when an earlier version is needed, else empty):
/// `change` merged and checked, and the follow-up's change after it;
/// `None` when there is nothing to do.
#[allow(clippy::too_many_arguments)]
fn prepare_save(
    id: Uuid,
    earlier: &Earlier,
    current: &Plan,
    base_version: i64,
    reason: Option<String>,
    change: &Change,
    follow_up: Option<&FollowUpFn>,
    resolution: Option<Resolution>,
    actor: &Actor,
    plan_type: Option<&goldthread_domain::plan_type::PlanType>,
) -> Result<Option<PreparedSave>> {
    let invalid =
        |e: goldthread_domain::plan::RuleError| StoreError::Invalid(FieldErrors::single("change", e.to_string()));
    let mut plan = current.clone();
    let mut records = Vec::new();
    if let Some(record) = merge_change(
        id,
        earlier,
        current,
        base_version,
        reason.clone(),
        change.clone(),
        resolution,
        actor,
        plan_type,
    )? {
        plan.apply(&record).map_err(invalid)?;
        records.push(record);
    }
    if let Some(follow_up) = follow_up {
        let at_base = earlier.at(id, base_version, current)?;
        if let Some((second, on_latest)) = follow_up(&at_base, &plan) {
            // The second change's earlier versions include the plan
            // before the first.
            let earlier = match earlier {
                Earlier::Log { from, log } => Earlier::Log {
                    from: from.clone(),
                    log: log.iter().chain(&records).cloned().collect(),
                },
                Earlier::Kept(kept) => Earlier::Kept(
                    kept.iter()
                        .cloned()
                        .chain([(current.version, Arc::new(current.clone()))])
                        .collect(),
                ),
            };
            let base = if on_latest { plan.version } else { base_version };
            if let Some(record) = merge_change(id, &earlier, &plan, base, reason, second, resolution, actor, plan_type)?
            {
                plan.apply(&record).map_err(invalid)?;
                records.push(record);
            }
        }
    }
    if records.is_empty() {
        return Ok(None);
    }
    let state = serde_json::to_string(&plan).expect("plan serializes");
    Ok(Some(PreparedSave { plan, records, state }))
}

/// How an editor resolved the conflicts they were shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    /// The plan's version when the conflicts were shown.
    pub seen_version: i64,
    pub keep: Keep,
}

/// Merges `change`, based on `base_version`, onto the plan its log builds,
/// and checks it: the record to append, `None` when there is nothing left
/// to do, or why not.
#[allow(clippy::too_many_arguments)]
fn merge_change(
    id: Uuid,
    earlier: &Earlier,
    current: &Plan,
    base_version: i64,
    reason: Option<String>,
    change: Change,
    resolution: Option<Resolution>,
    actor: &Actor,
    plan_type: Option<&goldthread_domain::plan_type::PlanType>,
) -> Result<Option<ChangeRecord>> {
    let at_version = |version: i64| earlier.at(id, version, current);
    let base = at_version(base_version)?;
    let seen = match resolution {
        Some(r) if r.seen_version >= base_version && r.seen_version <= current.version => {
            Some((at_version(r.seen_version)?, r.keep))
        }
        _ => None,
    };
    let merged = match merge::rebase(&base, current, &change, seen.as_ref().map(|(p, k)| (&**p, *k))) {
        Ok(merged) => merged,
        Err(merge::Unresolved(fields)) => return Err(conflict(current, earlier, base_version, fields)),
    };
    let Some(merged) = merged else {
        return Ok(None);
    };
    current.check(&merged, reason.as_deref(), plan_type)?;
    // The resolution, with the values not kept, goes with the editor's own
    // reason (after it is checked: a long text quoted must not be refused).
    let mut reason = reason;
    if let Some((_, keep)) = seen {
        let resolved = merge::merge(&base, current, &change, keep).conflicts;
        if !resolved.is_empty() {
            let note = merge::resolution_note(&resolved, keep);
            reason = Some(match reason {
                Some(r) => format!("{r} ({note})"),
                None => note,
            });
        }
    }
    let change = merged;
    Ok(Some(ChangeRecord {
        seq: current.version + 1,
        at: now(),
        author_id: Some(actor.id),
        author_name: actor.name.clone(),
        reason,
        change,
    }))
}

/// The conflict to report: what others saved since the base version, and
/// the fields changed both ways.
fn conflict(current: &Plan, earlier: &Earlier, base_version: i64, fields: Vec<FieldConflict>) -> StoreError {
    // Kept versions carry no records: the save is worked out again from
    // the changes since the earliest of them, which do (see
    // `append_changes`).
    let log = match earlier {
        Earlier::Log { log, .. } => log.as_slice(),
        Earlier::Kept(_) => &[],
    };
    let records: Vec<ChangeRecord> = log.iter().filter(|r| r.seq > base_version).cloned().collect();
    let changes = records
        .iter()
        .map(|r| {
            format!(
                "{} at {}: {}",
                r.author_name,
                crate::local_time::date_time(r.at),
                r.change.describe(current)
            )
        })
        .collect();
    StoreError::Conflict(Box::new(Conflict {
        base_version,
        current_version: current.version,
        changes,
        fields,
        records,
    }))
}
