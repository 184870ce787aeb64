//! Everything held about one person, for a subject access request (issue
//! 13, SPEC D3; issue 12: "who has seen their record"). Administrators
//! only: to anyone else the person does not exist here, exactly as a
//! missing one. The archive made of it is `crate::export::subject_access`.

use goldthread_domain::content::FileRef;
use goldthread_domain::person::Person;
use goldthread_domain::plan::{ChangeRecord, Plan};
use goldthread_domain::user::Actor;
use time::OffsetDateTime;
use uuid::Uuid;

use super::people::PersonChange;
use super::{
    AuditFilter, MinutesSent, MonitoringLog, PlanFilter, RequestRecord, Result, Store, StoreError, from_millis,
    on_pool, parse_uuid,
};
use crate::audit::Entry;

/// The person's record, their plans and what was done with them.
#[derive(Debug, Clone)]
pub struct SubjectAccess {
    pub person: Person,
    /// Every change of the person's record, oldest first.
    pub person_history: Vec<PersonChange>,
    /// Every photo uploaded (a removal is an empty one), oldest first.
    pub photos: Vec<StoredPhoto>,
    /// Every plan of every type, open or closed, oldest first.
    pub plans: Vec<PlanRecord>,
    /// Every audit entry about the person or any of their plans, oldest
    /// first: who saw or changed what, when, from where.
    pub audit: Vec<Entry>,
    /// The names and e-mail addresses of the users the records name, by id.
    pub users: Vec<(Uuid, String, String)>,
}

/// One plan and everything recorded on it.
#[derive(Debug, Clone)]
pub struct PlanRecord {
    pub plan: Plan,
    /// The plan's whole log: each change with who, when and why.
    pub history: Vec<ChangeRecord>,
    /// The plan as it stood after each change (version 1, 2, …).
    pub versions: Vec<Plan>,
    /// Meetings, progress notes, attendance and ratings.
    pub monitoring: MonitoringLog,
    pub requests: Vec<RequestRecord>,
    pub minutes_sent: Vec<MinutesSent>,
    /// Copies of the plan sent to its parties.
    pub copies: Vec<super::Copy>,
    /// Every file uploaded to the plan, with its bytes.
    pub files: Vec<StoredFile>,
}

/// An uploaded file.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub file: FileRef,
    pub sha256: String,
    pub uploaded_by: Option<Uuid>,
    pub uploaded_at: OffsetDateTime,
    pub data: Vec<u8>,
}

/// One photo of the person's photo history.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    pub seq: i64,
    /// Empty when this entry removed the photo.
    pub content_type: String,
    pub uploaded_by: Option<Uuid>,
    pub uploaded_at: OffsetDateTime,
    pub data: Vec<u8>,
}

/// How many audit entries are read at a time.
const AUDIT_PAGE: i64 = 1000;

impl Store {
    /// Everything held about the person, for an administrator; to anyone
    /// else the person is not found.
    pub async fn subject_access(&self, actor: &Actor, person_id: Uuid) -> Result<SubjectAccess> {
        if !actor.is_admin() {
            return Err(StoreError::NotFound);
        }
        let person = self.person(actor, person_id).await?;
        let person_history = self.person_history(actor, person_id).await?;
        let photos = self.photo_history(person_id).await?;
        let mut summaries = Vec::new();
        loop {
            let filter = PlanFilter {
                person_id: Some(person_id),
                limit: 200,
                offset: summaries.len() as i64,
                ..PlanFilter::default()
            };
            let (page, total) = self.list_plans(actor, &filter).await?;
            let done = page.is_empty() || summaries.len() + page.len() >= total as usize;
            summaries.extend(page);
            if done {
                break;
            }
        }
        let mut plans = Vec::with_capacity(summaries.len());
        for summary in &summaries {
            plans.push(self.plan_record(actor, summary.id).await?);
        }
        plans.sort_by(|a, b| {
            (a.plan.created_at, &a.plan.plan_type, a.plan.number).cmp(&(
                b.plan.created_at,
                &b.plan.plan_type,
                b.plan.number,
            ))
        });
        let mut audit = Vec::new();
        loop {
            let filter = AuditFilter {
                person: Some(person_id),
                limit: AUDIT_PAGE,
                offset: audit.len() as i64,
                ..AuditFilter::default()
            };
            let (page, total) = self.search_audit(&filter).await?;
            let done = page.is_empty() || audit.len() + page.len() >= total as usize;
            audit.extend(page);
            if done {
                break;
            }
        }
        audit.sort_by_key(|e: &Entry| e.seq);
        audit.dedup_by_key(|e| e.seq);
        let users = self
            .list_users()
            .await?
            .into_iter()
            .map(|u| (u.id, u.name, u.email))
            .collect();
        // The export is the request's subject: the person, not the first
        // plan read on the way.
        crate::audit::note(|n| {
            n.person_id = Some(person_id);
            n.plan_id = None;
            n.version = Some(person.version);
        });
        Ok(SubjectAccess {
            person,
            person_history,
            photos,
            plans,
            audit,
            users,
        })
    }

    async fn plan_record(&self, actor: &Actor, plan_id: Uuid) -> Result<PlanRecord> {
        let plan = self.plan(actor, plan_id).await?;
        let history = self.plan_history(actor, plan_id).await?;
        let mut versions: Vec<Plan> = Vec::with_capacity(history.len());
        for record in &history {
            let next = match versions.last() {
                None => Plan::from_creation(plan_id, record),
                Some(before) => {
                    let mut next = before.clone();
                    next.apply(record).map(|()| next)
                }
            }
            .map_err(StoreError::corrupt)?;
            versions.push(next);
        }
        Ok(PlanRecord {
            monitoring: self.monitoring_log(actor, plan_id).await?,
            requests: self.plan_requests(actor, plan_id).await?,
            minutes_sent: self.minutes_sent(actor, plan_id).await?,
            copies: self.copies(actor, plan_id).await?,
            files: self.plan_files(plan_id).await?,
            plan,
            history,
            versions,
        })
    }

    /// Every file of a plan (the caller has checked the plan's access).
    async fn plan_files(&self, plan_id: Uuid) -> Result<Vec<StoredFile>> {
        type Row = (String, String, String, i64, String, Option<String>, i64, Vec<u8>);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, name, content_type, size, sha256, uploaded_by, uploaded_at, data FROM files \
                 WHERE plan_id = $1 ORDER BY uploaded_at, id",
            )
            .bind(plan_id.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, name, content_type, size, sha256, by, at, data)| {
                Ok(StoredFile {
                    file: FileRef {
                        id: parse_uuid(&id)?,
                        name,
                        content_type,
                        size: size as u64,
                    },
                    sha256,
                    uploaded_by: by.as_deref().map(parse_uuid).transpose()?,
                    uploaded_at: from_millis(at),
                    data,
                })
            })
            .collect()
    }

    /// Every photo of a person (the caller has checked the person's access).
    async fn photo_history(&self, person_id: Uuid) -> Result<Vec<StoredPhoto>> {
        type Row = (i64, String, Option<String>, i64, Vec<u8>);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT seq, content_type, uploaded_by, uploaded_at, data FROM person_photos WHERE person_id = $1 ORDER BY seq",
            )
            .bind(person_id.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(seq, content_type, by, at, data)| {
                Ok(StoredPhoto {
                    seq,
                    content_type,
                    uploaded_by: by.as_deref().map(parse_uuid).transpose()?,
                    uploaded_at: from_millis(at),
                    data,
                })
            })
            .collect()
    }
}
