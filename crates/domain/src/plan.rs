//! A support plan and the log of changes it is built from (SPEC P2–P4, R5).
//!
//! A plan is never edited in place. Every edit is a [`Change`] appended to
//! the plan's log as a [`ChangeRecord`] (who, when, why); the plan as it
//! stands is what you get by applying the log in order ([`Plan::replay`]).
//! That is what makes "the plan as agreed on date X", comparisons, review
//! markers and strike-through possible without ever losing history.
//!
//! Each record carries a sequence number. A save names the version it was
//! based on; storage merges it field by field onto what others saved since
//! ([`crate::merge`]) and refuses only a field changed both ways, so two
//! people editing at once cannot overwrite each other.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::content::{
    Authorship, Budget, CompulsoryMeasures, HealthChecklist, Item, ItemKind, OtherPlan, PlanContent,
    SocialCareChecklist,
};
use crate::error::{FieldErrors, optional_date, optional_text};
use crate::plan_type::PlanType;

/// "14 March 2018", for messages.
pub fn format_date(date: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[usize::from(u8::from(date.month())) - 1],
        date.year()
    )
}

crate::plan_type::name_enum! {
    /// Where a plan is in its life (SPEC P3).
    pub enum PlanStatus ("plan status") {
        /// Being written; not yet agreed by everyone.
        Draft = "draft",
        /// Every required party has committed to it.
        Agreed = "agreed",
        /// A review is in progress.
        UnderReview = "under_review",
        /// Replaced by a newer plan (e.g. after an MSP's 3rd review).
        Superseded = "superseded",
        /// Ended.
        Closed = "closed",
    }
}

impl PlanStatus {
    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::Agreed => "Agreed",
            PlanStatus::UnderReview => "Under review",
            PlanStatus::Superseded => "Superseded",
            PlanStatus::Closed => "Closed",
        }
    }

    /// Active plans count towards "at most one active plan of a type".
    pub fn is_active(self) -> bool {
        !matches!(self, PlanStatus::Superseded | PlanStatus::Closed)
    }

    /// The moves the lifecycle allows from here.
    pub fn next(self) -> &'static [PlanStatus] {
        use PlanStatus::*;
        match self {
            // A draft becomes agreed only when every party asked to agree
            // has agreed it (crate::agreement::settle_status), never by hand.
            Draft => &[Closed],
            Agreed => &[UnderReview, Superseded, Closed],
            // Agreed again once the review is closed and every party asked
            // has agreed the reviewed plan (settle_status), never by hand.
            UnderReview => &[Superseded, Closed],
            Superseded | Closed => &[],
        }
    }
}

crate::plan_type::name_enum! {
    /// What a party does in the plan (SPEC P4).
    pub enum PartyRole ("party role") {
        /// The young person, resident or adult the plan is for.
        Person = "person",
        ParentCarer = "parent_carer",
        CircleOfSupport = "circle_of_support",
        Teacher = "teacher",
        Senco = "senco",
        KeyWorker = "key_worker",
        SocialWorker = "social_worker",
        HealthProfessional = "health_professional",
        YouthWorker = "youth_worker",
        VoluntaryOrganisation = "voluntary_organisation",
        Other = "other",
        /// Scotland's GIRFEC Named Person (CP only: see the plan type's
        /// `party_roles`).
        NamedPerson = "named_person",
        /// MSP: a teaching assistant named in the checklists.
        TeachingAssistant = "teaching_assistant",
        /// MSP: a family support worker (early help).
        FamilySupportWorker = "family_support_worker",
    }
}

impl PartyRole {
    pub fn label(self) -> &'static str {
        match self {
            PartyRole::Person => "The person the plan is for",
            PartyRole::ParentCarer => "Parent or carer",
            PartyRole::CircleOfSupport => "Circle of support",
            PartyRole::Teacher => "Teacher",
            PartyRole::Senco => "SENCO",
            PartyRole::KeyWorker => "Key worker",
            PartyRole::SocialWorker => "Social worker",
            PartyRole::HealthProfessional => "Health professional",
            PartyRole::YouthWorker => "Youth worker",
            PartyRole::VoluntaryOrganisation => "Voluntary organisation",
            PartyRole::Other => "Other",
            PartyRole::NamedPerson => "Named Person",
            PartyRole::TeachingAssistant => "Teaching assistant",
            PartyRole::FamilySupportWorker => "Family support worker",
        }
    }

    /// Roles every plan type offers; the others are offered only by the
    /// plan types that list them in `party_roles`.
    pub fn is_general(self) -> bool {
        !matches!(
            self,
            PartyRole::NamedPerson | PartyRole::TeachingAssistant | PartyRole::FamilySupportWorker
        )
    }

    /// The roles a plan type's form offers, in order: the general ones,
    /// then the type's own before "Other". Without a plan type, every role.
    pub fn offered_by(plan_type: Option<&PlanType>) -> Vec<PartyRole> {
        let Some(plan_type) = plan_type else {
            return PartyRole::ALL.to_vec();
        };
        let mut roles: Vec<PartyRole> = PartyRole::ALL
            .iter()
            .copied()
            .filter(|r| r.is_general() && *r != PartyRole::Other)
            .collect();
        roles.extend(plan_type.party_roles.iter().copied().filter(|r| !r.is_general()));
        roles.push(PartyRole::Other);
        roles
    }
}

/// Someone involved in the plan (SPEC P4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Party {
    pub id: Uuid,
    pub name: String,
    pub role: PartyRole,
    /// School, trust, council service, charity…
    pub agency: Option<String>,
    /// Relationship to the person ("Mum", "Sister", "Friend").
    pub relationship: Option<String>,
    /// Telephone or e-mail.
    pub contact: Option<String>,
    /// The Goldthread user this party is, when they have an account; such
    /// a party is granted access to the plan.
    pub user_id: Option<Uuid>,
}

impl Party {
    /// Their contact, when it is an e-mail address (it may be a telephone
    /// number): where invitations, copies and minutes can be sent.
    pub fn contact_email(&self) -> Option<&str> {
        let contact = self.contact.as_deref()?.trim();
        crate::user::Email::parse(contact).is_ok().then_some(contact)
    }
}

/// A party as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PartyInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// One of the `PartyRole` values, e.g. `parent_carer`.
    #[schema(value_type = PartyRole, required = true)]
    pub role: Option<String>,
    #[schema(max_length = 200)]
    pub agency: Option<String>,
    #[schema(max_length = 200)]
    pub relationship: Option<String>,
    #[schema(max_length = 200)]
    pub contact: Option<String>,
    /// The id of a Goldthread user, to give this party access to the plan.
    pub user_id: Option<Uuid>,
    /// Make this party the Lead Professional / coordinator.
    #[serde(default)]
    pub lead: bool,
}

impl PartyInput {
    /// The party as typed: trimmed, the role read; the field rules are the
    /// domain's ([`crate::rules::check_party`]), the same behind every door.
    pub fn parse(&self, id: Uuid) -> Result<Party, FieldErrors> {
        let mut errors = FieldErrors::new();
        let trimmed = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let role = match self.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => {
                errors.add("role", "Choose the party's role");
                PartyRole::Other
            }
            Some(value) => PartyRole::parse(value).unwrap_or_else(|| {
                errors.add("role", format!("Unknown role \"{value}\""));
                PartyRole::Other
            }),
        };
        let party = Party {
            id,
            name: trimmed(&self.name).unwrap_or_default(),
            role,
            agency: trimmed(&self.agency),
            relationship: trimmed(&self.relationship),
            contact: trimmed(&self.contact),
            user_id: self.user_id,
        };
        if let Err(more) = crate::rules::check_party(&party) {
            // A role that could not be read is already reported.
            errors.0.extend(more.0);
        }
        errors.into_result(party)
    }
}

/// The plan's own details, as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanDetailsInput {
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// `YYYY-MM-DD`
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<String>,
    /// Weeks between formal reviews; empty for the plan type's default.
    #[schema(minimum = 1, maximum = 104)]
    pub review_interval_weeks: Option<u32>,
}

/// The plan's own details, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanDetails {
    pub title: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<Date>,
    pub review_interval_weeks: Option<u32>,
}

impl PlanDetails {
    /// When the first formal review falls due: the start date plus the
    /// plan's review interval, or else `default_weeks` (the plan type's).
    /// None until the plan has a start date.
    pub fn first_review_due(&self, default_weeks: u32) -> Option<Date> {
        let weeks = self.review_interval_weeks.unwrap_or(default_weeks);
        self.start_date?.checked_add(time::Duration::weeks(i64::from(weeks)))
    }
}

impl PlanDetailsInput {
    /// The details as typed: an empty title becomes `default_title`; the
    /// field rules are the domain's ([`crate::rules::check_details`]).
    pub fn parse(&self, default_title: &str) -> Result<PlanDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = self
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(default_title)
            .to_owned();
        let start_date = optional_date(&mut errors, "start_date", self.start_date.as_deref());
        let details = PlanDetails {
            title,
            start_date,
            review_interval_weeks: self.review_interval_weeks,
        };
        if let Err(more) = crate::rules::check_details(&details) {
            errors.0.extend(more.0);
        }
        errors.into_result(details)
    }
}

/// One change to a plan. Serialized with a `type` tag; new kinds of change
/// are added as new variants, never by changing the meaning of old ones,
/// because old records are replayed for ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    Created {
        person_id: Uuid,
        plan_type: String,
        /// The plan's number for this person and type (MSP "Number ……").
        number: u32,
        details: PlanDetails,
    },
    DetailsEdited {
        details: PlanDetails,
    },
    PartyAdded {
        party: Party,
    },
    PartyEdited {
        party: Party,
    },
    PartyRemoved {
        party_id: Uuid,
    },
    LeadProfessionalSet {
        party_id: Option<Uuid>,
    },
    StatusChanged {
        to: PlanStatus,
    },
    /// Sets the free texts of one section (keys not named are unchanged; an
    /// empty text clears one) and who wrote them.
    TextsSet {
        /// The plan type's section key.
        section: String,
        texts: std::collections::BTreeMap<String, String>,
        #[serde(default)]
        authorship: Option<Authorship>,
    },
    ItemAdded {
        item: Item,
    },
    ItemEdited {
        item: Item,
    },
    ItemRemoved {
        item_kind: ItemKind,
        id: Uuid,
    },
    BudgetSet {
        budget: Option<Budget>,
    },
    OtherPlansSet {
        plans: Vec<OtherPlan>,
    },
    SocialCareChecklistSet {
        checklist: Option<SocialCareChecklist>,
    },
    HealthChecklistSet {
        checklist: Option<HealthChecklist>,
    },
    CompulsoryMeasuresSet {
        measures: Option<CompulsoryMeasures>,
    },
    /// Marks whether a party's agreement is needed for the plan to be agreed.
    AgreementRequiredSet {
        party_id: Uuid,
        required: bool,
    },
    /// A party agreed (on screen or on paper) or declined a version.
    AgreementRecorded {
        agreement: crate::agreement::Agreement,
    },
    /// The plan needs funding approval by a party in one of these roles
    /// (from its type's setting, recorded when the plan is created).
    ApprovalRequired {
        approver_roles: Vec<PartyRole>,
    },
    /// The approver approved a version (funding approval).
    ApprovalGiven {
        approval: crate::approval::Approval,
    },
    /// The approver refused a version, with the reason.
    ApprovalRefused {
        approval: crate::approval::Approval,
        #[schema(min_length = 1, max_length = 2000)]
        reason: String,
    },
    ReviewOpened {
        review_id: Uuid,
        kind: crate::review::ReviewKind,
        /// The day of the review meeting.
        #[schema(value_type = String, format = Date)]
        on: time::Date,
        participants: Vec<String>,
    },
    /// Answers to the review's questions and, at a formal review, progress
    /// ratings of outcomes (later answers to a question replace earlier ones).
    ReviewAnswered {
        review_id: Uuid,
        #[serde(default)]
        answers: std::collections::BTreeMap<String, String>,
        #[serde(default)]
        ratings: Vec<crate::review::OutcomeRating>,
    },
    ReviewClosed {
        review_id: Uuid,
        #[schema(value_type = String, format = Date)]
        on: time::Date,
        /// The plan type's last review: this plan is superseded by the next.
        #[serde(default)]
        supersedes: bool,
    },
    /// Ends an item with a reason (struck through, never deleted).
    ItemEnded {
        item_kind: ItemKind,
        id: Uuid,
        #[schema(value_type = String, format = Date)]
        on: time::Date,
        reason: String,
    },
    /// This plan carries another on (a blank sheet transferred onto its
    /// official form): everything the other plan said and everyone
    /// involved, as they stood. Written only by the transfer, as the new
    /// plan's second change.
    ContinuedFrom {
        from: crate::transfer::PlanLink,
        content: Box<crate::content::PlanContent>,
        parties: Vec<Party>,
        lead_party_id: Option<Uuid>,
    },
    /// Another plan carries this one on; written only by the transfer, with
    /// the status change that closes or supersedes this plan.
    ContinuedAs {
        to: crate::transfer::PlanLink,
    },
    /// Consent to share given or withdrawn (S3); withdrawing consent to
    /// share with an organisation takes its parties' access away.
    ConsentRecorded {
        consent: crate::consent::ConsentDecision,
    },
}

impl Change {
    /// A short description for the history page.
    pub fn describe(&self, plan: &Plan) -> String {
        match self {
            Change::Created { plan_type, number, .. } => format!("Created {plan_type} plan number {number}"),
            Change::DetailsEdited { details } => format!("Edited plan details (title \"{}\")", details.title),
            Change::PartyAdded { party } => format!("Added {} ({})", party.name, party.role.label()),
            Change::PartyEdited { party } => format!("Edited {}", party.name),
            Change::PartyRemoved { party_id } => {
                format!(
                    "Removed {}",
                    plan.party(*party_id).map_or("a party", |p| p.name.as_str())
                )
            }
            Change::LeadProfessionalSet { party_id: Some(id) } => format!(
                "Made {} the Lead Professional",
                plan.party(*id).map_or("a party", |p| p.name.as_str())
            ),
            Change::LeadProfessionalSet { party_id: None } => "Removed the Lead Professional".into(),
            Change::StatusChanged { to } => format!("Status changed to {}", to.label()),
            Change::TextsSet { texts, .. } => {
                let names: Vec<&str> = texts
                    .keys()
                    .map(|k| crate::plan_type::text_key(k).map_or(k.as_str(), |t| t.label))
                    .collect();
                format!("Wrote {}", names.join("; "))
            }
            Change::ItemAdded { item } => {
                format!("Added {} {}{}", item.kind().noun(), item.summary(), cost_of(item))
            }
            Change::ItemEdited { item } => {
                format!("Changed {} {}{}", item.kind().noun(), item.summary(), cost_of(item))
            }
            Change::ItemRemoved { item_kind, id } => match plan.content.item(*item_kind, *id) {
                Some(item) => format!("Removed {} {}", item_kind.noun(), item.summary()),
                None => format!("Removed a {}", item_kind.noun()),
            },
            Change::BudgetSet { budget: Some(b) } => {
                format!(
                    "Set the personal budget to {} a {}",
                    crate::money::format(b.amount_pence),
                    b.period.as_str()
                )
            }
            Change::BudgetSet { budget: None } => "Removed the personal budget".into(),
            Change::OtherPlansSet { plans } => format!("Recorded {} other plan(s) in place", plans.len()),
            Change::SocialCareChecklistSet { .. } => "Updated the social care checklist".into(),
            Change::HealthChecklistSet { .. } => "Updated the health checklist".into(),
            Change::CompulsoryMeasuresSet { measures: Some(m) } if !m.in_place => {
                "Recorded that there are no compulsory measures".into()
            }
            Change::CompulsoryMeasuresSet { .. } => "Updated the compulsory measures".into(),
            Change::AgreementRequiredSet { party_id, required } => format!(
                "{} {}",
                if *required {
                    "Asked for the agreement of"
                } else {
                    "No longer asking for the agreement of"
                },
                plan.party(*party_id).map_or("a party", |p| p.name.as_str())
            ),
            Change::AgreementRecorded { agreement } => {
                let who = plan.party(agreement.party_id).map_or("A party", |p| p.name.as_str());
                match &agreement.response {
                    crate::agreement::Response::Declined { .. } => {
                        format!("{who} declined version {}", agreement.version)
                    }
                    crate::agreement::Response::Paper { .. } => {
                        format!("{who} agreed version {} on paper", agreement.version)
                    }
                    crate::agreement::Response::Agreed { .. } => format!("{who} agreed version {}", agreement.version),
                }
            }
            Change::ApprovalRequired { .. } => "Needs funding approval before it is put into action".into(),
            Change::ApprovalGiven { approval } => format!(
                "{} approved the funding of version {}",
                plan.party(approval.party_id)
                    .map_or("The approver", |p| p.name.as_str()),
                approval.version
            ),
            Change::ApprovalRefused { approval, reason } => format!(
                "{} refused the funding of version {}: {reason}",
                plan.party(approval.party_id)
                    .map_or("The approver", |p| p.name.as_str()),
                approval.version
            ),
            Change::ConsentRecorded { consent } => format!(
                "{} {} consent to \"{}\" for {}",
                consent.given_by,
                match consent.decision {
                    crate::consent::Decision::Given => "gave",
                    crate::consent::Decision::Withdrawn => "withdrew",
                },
                consent.purpose.label().to_lowercase(),
                consent.organisation
            ),
            Change::ReviewOpened { kind, on, .. } => format!(
                "Opened a {} review on {}",
                match kind {
                    crate::review::ReviewKind::Weekly => "weekly support",
                    crate::review::ReviewKind::Formal => "formal",
                },
                format_date(*on)
            ),
            Change::ReviewAnswered { .. } => "Recorded review answers".into(),
            Change::ReviewClosed { supersedes: true, .. } => {
                "Closed the review; the next plan replaces this one".into()
            }
            Change::ReviewClosed { .. } => "Closed the review".into(),
            Change::ItemEnded { item_kind, id, .. } => match plan.content.item(*item_kind, *id) {
                Some(item) => format!("Ended {} {}", item_kind.noun(), item.summary()),
                None => format!("Ended a {}", item_kind.noun()),
            },
            Change::ContinuedFrom { from, parties, .. } => format!(
                "Transferred from {}, with everything it said and {} {} involved",
                from.label(),
                parties.len(),
                if parties.len() == 1 { "person" } else { "people" }
            ),
            Change::ContinuedAs { to } => format!("Transferred to {}", to.label()),
        }
    }

    /// Changes that only record who agreed or what a review found, and do not
    /// change what the plan says (nor need a reason once it is agreed).
    pub fn is_record_only(&self) -> bool {
        matches!(
            self,
            Change::AgreementRequiredSet { .. }
                | Change::AgreementRecorded { .. }
                | Change::ApprovalRequired { .. }
                | Change::ApprovalGiven { .. }
                | Change::ApprovalRefused { .. }
                | Change::ReviewOpened { .. }
                | Change::ReviewAnswered { .. }
                | Change::ReviewClosed { .. }
                | Change::ContinuedAs { .. }
                | Change::ConsentRecorded { .. }
        )
    }

    /// Changes to what the plan says (its canonical content): they make a
    /// new content version that parties agree to.
    pub fn changes_content(&self) -> bool {
        !self.is_record_only() && !matches!(self, Change::StatusChanged { .. })
    }
}

/// ", £1,250.00 a year": what a budget line or provision costs, for the
/// history, in the one way money is shown.
fn cost_of(item: &Item) -> String {
    match item {
        Item::BudgetItem(b) => format!(", {} a {}", crate::money::format(b.cost_pence), b.period.as_str()),
        Item::Provision(p) => p
            .weekly_cost_pence
            .map(|c| format!(", {} a week", crate::money::format(c)))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A change as kept in the plan's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangeRecord {
    /// 1 for the change that created the plan, then 2, 3… with no gaps.
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    pub author_id: Option<Uuid>,
    pub author_name: String,
    pub reason: Option<String>,
    pub change: Change,
}

/// Why a change cannot be made to the plan as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("the change log is out of order: expected change {expected}, got {got}")]
    OutOfOrder { expected: i64, got: i64 },
    #[error("a plan's log must start with its creation")]
    NotCreated,
}

impl From<FieldErrors> for RuleError {
    fn from(errors: FieldErrors) -> Self {
        RuleError::Invalid(errors)
    }
}

/// A support plan as it stands after its log has been applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: Uuid,
    pub person_id: Uuid,
    /// The id of its plan type, e.g. `MSP`.
    pub plan_type: String,
    pub number: u32,
    #[serde(flatten)]
    pub details: PlanDetails,
    pub status: PlanStatus,
    pub parties: Vec<Party>,
    pub lead_party_id: Option<Uuid>,
    /// What the plan says.
    #[serde(default)]
    pub content: PlanContent,
    /// Agreements derived from the log.
    #[serde(default)]
    pub agreements: crate::agreement::AgreementState,
    /// Reviews, ended items and R1/R2 markers derived from the log.
    #[serde(default)]
    pub reviews: crate::review::ReviewState,
    /// The plans this one was transferred from or to.
    #[serde(default)]
    pub links: crate::transfer::PlanLinks,
    /// Consent to share, per purpose and organisation, from the log.
    #[serde(default)]
    pub consents: crate::consent::ConsentState,
    /// The sequence number of the last change applied; send it back as
    /// `base_version` when saving.
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl Plan {
    /// Builds the plan from its whole log, checking it as it goes.
    pub fn replay<'a>(id: Uuid, log: impl IntoIterator<Item = &'a ChangeRecord>) -> Result<Plan, RuleError> {
        let mut records = log.into_iter();
        let first = records.next().ok_or(RuleError::NotCreated)?;
        let mut plan = Plan::from_creation(id, first)?;
        for record in records {
            plan.apply(record)?;
        }
        Ok(plan)
    }

    /// The plan made by its first change.
    pub fn from_creation(id: Uuid, record: &ChangeRecord) -> Result<Plan, RuleError> {
        let Change::Created {
            person_id,
            plan_type,
            number,
            details,
        } = &record.change
        else {
            return Err(RuleError::NotCreated);
        };
        if record.seq != 1 {
            return Err(RuleError::OutOfOrder {
                expected: 1,
                got: record.seq,
            });
        }
        Ok(Plan {
            id,
            person_id: *person_id,
            plan_type: plan_type.clone(),
            number: *number,
            details: details.clone(),
            status: PlanStatus::Draft,
            parties: Vec::new(),
            lead_party_id: None,
            content: PlanContent::default(),
            agreements: crate::agreement::AgreementState {
                content_version: 1,
                ..Default::default()
            },
            reviews: Default::default(),
            links: Default::default(),
            consents: Default::default(),
            version: 1,
            created_at: record.at,
            updated_at: record.at,
        })
    }

    pub fn party(&self, id: Uuid) -> Option<&Party> {
        self.parties.iter().find(|p| p.id == id)
    }

    pub fn is_lead(&self, party_id: &Uuid) -> bool {
        self.lead_party_id.as_ref() == Some(party_id)
    }

    pub fn lead_party(&self) -> Option<&Party> {
        self.lead_party_id.and_then(|id| self.party(id))
    }

    /// Once a plan has been agreed, every change must say why (SPEC R5).
    pub fn reason_required(&self) -> bool {
        self.status != PlanStatus::Draft
    }

    /// Checks a proposed change against the plan as it stands and the rules
    /// of its plan type (when it is loaded). Storage calls this before
    /// appending, so a refused change leaves no trace.
    pub fn check(
        &self,
        change: &Change,
        reason: Option<&str>,
        plan_type: Option<&PlanType>,
    ) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
        if let Some(reason) = reason {
            if crate::error::has_control_characters(reason) {
                errors.add("reason", crate::error::CONTROL_CHARACTERS);
            } else if reason.chars().count() > 2000 {
                errors.add("reason", "Must be 2000 characters or fewer");
            }
        }
        let terminal = !self.status.is_active();
        if terminal {
            errors.add_conflict(
                "status",
                format!(
                    "This plan is {}; it can no longer be changed",
                    self.status.label().to_lowercase()
                ),
            );
            return Err(errors);
        }
        match change {
            Change::Created { .. } => errors.add("type", "The plan already exists"),
            Change::ContinuedFrom { .. } | Change::ContinuedAs { .. } => errors.add(
                "type",
                "Plans are linked only by a transfer (POST /plans/{id}/transfer)",
            ),
            Change::DetailsEdited { details } => merge(&mut errors, crate::rules::check_details(details)),
            Change::PartyAdded { party } => {
                merge(&mut errors, crate::rules::check_party(party));
                merge(&mut errors, crate::rules::check_party_role(party.role, plan_type));
                if self.party(party.id).is_some() {
                    errors.add_conflict("id", "A party with this id is already in the plan");
                }
                if let Some(user_id) = party.user_id
                    && self.parties.iter().any(|p| p.user_id == Some(user_id))
                {
                    errors.add_conflict("user_id", "That user is already a party to this plan");
                }
            }
            Change::PartyEdited { party } => {
                merge(&mut errors, crate::rules::check_party(party));
                // A role the form no longer offers may stay as it was.
                if self.party(party.id).is_none_or(|p| p.role != party.role) {
                    merge(&mut errors, crate::rules::check_party_role(party.role, plan_type));
                }
                if self.party(party.id).is_none() {
                    errors.add("party_id", "There is no such party in this plan");
                }
                if let Some(user_id) = party.user_id
                    && self
                        .parties
                        .iter()
                        .any(|p| p.user_id == Some(user_id) && p.id != party.id)
                {
                    errors.add_conflict("user_id", "That user is already a party to this plan");
                }
            }
            Change::PartyRemoved { party_id } => {
                if self.party(*party_id).is_none() {
                    errors.add("party_id", "There is no such party in this plan");
                } else if let Err(more) = crate::rules::check_party_removal(self, *party_id) {
                    errors.0.extend(more.0);
                }
            }
            Change::TextsSet {
                section,
                texts,
                authorship,
            } => {
                merge(&mut errors, crate::rules::check_texts(texts));
                merge(
                    &mut errors,
                    crate::rules::check_text_section(section, authorship.as_ref(), plan_type),
                );
            }
            Change::ItemAdded { item } => merge(&mut errors, crate::rules::check_item(self, plan_type, item, true)),
            Change::ItemEdited { item } => {
                merge(&mut errors, crate::rules::check_item(self, plan_type, item, false));
                merge(&mut errors, crate::review::check(self, change, plan_type));
            }
            Change::AgreementRequiredSet { party_id, .. } => {
                if self.party(*party_id).is_none() {
                    errors.add("party_id", "There is no such party in this plan");
                }
            }
            Change::AgreementRecorded { agreement } => {
                merge(&mut errors, crate::agreement::check(self, agreement, plan_type))
            }
            Change::ApprovalRequired { approver_roles } => {
                // Only as the plan type says, once, when the plan is created.
                let rules = plan_type.map(|t| &t.approval);
                if !rules.is_some_and(|r| r.required && r.approver_roles == *approver_roles)
                    || crate::approval::required(self)
                {
                    errors.add(
                        "approver_roles",
                        "Funding approval follows from the plan type's setting; it cannot be changed on a plan",
                    );
                }
            }
            Change::ApprovalGiven { approval } => merge(&mut errors, crate::approval::check(self, approval, None)),
            Change::ConsentRecorded { consent } => merge(&mut errors, crate::consent::check(self, consent)),
            Change::ApprovalRefused { approval, reason } => {
                merge(&mut errors, crate::approval::check(self, approval, Some(reason)))
            }
            Change::ReviewOpened { .. }
            | Change::ReviewAnswered { .. }
            | Change::ReviewClosed { .. }
            | Change::ItemEnded { .. } => merge(&mut errors, crate::review::check(self, change, plan_type)),
            Change::ItemRemoved { item_kind, id } => {
                merge(&mut errors, crate::rules::check_removal(self, *item_kind, *id));
                merge(&mut errors, crate::review::check(self, change, plan_type));
            }
            Change::BudgetSet { budget } => {
                if let Some(budget) = budget {
                    merge(&mut errors, crate::rules::check_budget(budget));
                }
            }
            Change::OtherPlansSet { plans } => merge(&mut errors, crate::rules::check_other_plans(plans)),
            Change::SocialCareChecklistSet { checklist } => {
                if let Some(checklist) = checklist {
                    merge(&mut errors, crate::rules::check_social_care_checklist(checklist));
                }
            }
            Change::HealthChecklistSet { checklist } => {
                if let Some(checklist) = checklist {
                    merge(&mut errors, crate::rules::check_health_checklist(checklist));
                }
            }
            Change::CompulsoryMeasuresSet { measures } => {
                if let Some(measures) = measures {
                    merge(&mut errors, crate::rules::check_compulsory_measures(measures));
                }
            }
            Change::LeadProfessionalSet { party_id } => {
                if let Some(id) = party_id
                    && self.party(*id).is_none()
                {
                    errors.add("party_id", "The Lead Professional must be one of the plan's parties");
                }
            }
            Change::StatusChanged { to } => {
                if *to == PlanStatus::Agreed && self.status != PlanStatus::Agreed {
                    errors.add_conflict(
                        "status",
                        "A plan becomes agreed when everyone asked to agree has agreed the current version: \
                         record their agreement on the plan's Agreement section",
                    );
                } else if !self.status.next().contains(to) {
                    errors.add_conflict(
                        "status",
                        format!(
                            "A plan that is {} cannot become {}",
                            self.status.label().to_lowercase(),
                            to.label().to_lowercase()
                        ),
                    );
                }
                if !has_reason {
                    errors.add("reason", "Say why the plan's status is changing");
                }
            }
        }
        // An ending carries its own reason.
        let own_reason = change.is_record_only() || matches!(change, Change::ItemEnded { .. });
        if self.reason_required() && !own_reason && !has_reason && errors.get("reason").is_none() {
            errors.add("reason", "This plan has been agreed: say why you are changing it");
        }
        errors.into_result(())
    }

    /// Applies one recorded change. Records come from storage in order; a
    /// gap or a change the rules refuse means the log is corrupt.
    pub fn apply(&mut self, record: &ChangeRecord) -> Result<(), RuleError> {
        let expected = self.version + 1;
        if record.seq != expected {
            return Err(RuleError::OutOfOrder {
                expected,
                got: record.seq,
            });
        }
        match &record.change {
            Change::Created { .. } => {
                return Err(RuleError::Invalid(FieldErrors::single(
                    "type",
                    "The plan already exists",
                )));
            }
            Change::DetailsEdited { details } => self.details = details.clone(),
            Change::PartyAdded { party } => self.parties.push(party.clone()),
            Change::PartyEdited { party } => {
                if let Some(existing) = self.parties.iter_mut().find(|p| p.id == party.id) {
                    *existing = party.clone();
                }
            }
            Change::PartyRemoved { party_id } => {
                self.parties.retain(|p| p.id != *party_id);
                if self.lead_party_id == Some(*party_id) {
                    self.lead_party_id = None;
                }
            }
            Change::LeadProfessionalSet { party_id } => self.lead_party_id = *party_id,
            Change::StatusChanged { to } => self.status = *to,
            Change::TextsSet {
                section,
                texts,
                authorship,
            } => {
                for (key, text) in texts {
                    if text.trim().is_empty() {
                        self.content.texts.remove(key);
                    } else {
                        self.content.texts.insert(key.clone(), text.clone());
                    }
                }
                if let Some(authorship) = authorship {
                    self.content.authorship.insert(section.clone(), authorship.clone());
                }
            }
            Change::ItemAdded { item } | Change::ItemEdited { item } => self.content.put(item.clone()),
            Change::ItemRemoved { item_kind, id } => self.content.remove(*item_kind, *id),
            Change::BudgetSet { budget } => self.content.budget = budget.clone(),
            Change::OtherPlansSet { plans } => self.content.other_plans = plans.clone(),
            Change::SocialCareChecklistSet { checklist } => self.content.social_care_checklist = checklist.clone(),
            Change::HealthChecklistSet { checklist } => self.content.health_checklist = checklist.clone(),
            Change::CompulsoryMeasuresSet { measures } => self.content.compulsory_measures = measures.clone(),
            Change::AgreementRequiredSet { party_id, required } => {
                let list = &mut self.agreements.required;
                list.retain(|id| id != party_id);
                if *required {
                    list.push(*party_id);
                    list.sort();
                }
            }
            Change::AgreementRecorded { agreement } => crate::agreement::record(self, agreement, record.seq),
            Change::ApprovalRequired { approver_roles } => {
                self.agreements.approval.approver_roles = approver_roles.clone();
            }
            Change::ApprovalGiven { approval } => crate::approval::record(self, approval, None, record.seq),
            Change::ConsentRecorded { consent } => crate::consent::record(self, consent, record.seq),
            Change::ApprovalRefused { approval, reason } => {
                crate::approval::record(self, approval, Some(reason), record.seq)
            }
            Change::ReviewOpened { .. }
            | Change::ReviewAnswered { .. }
            | Change::ReviewClosed { .. }
            | Change::ItemEnded { .. } => {}
            Change::ContinuedFrom {
                from,
                content,
                parties,
                lead_party_id,
            } => {
                self.content = (**content).clone();
                self.parties = parties.clone();
                self.lead_party_id = *lead_party_id;
                self.links.from = Some(from.clone());
            }
            Change::ContinuedAs { to } => self.links.to = Some(to.clone()),
        }
        if let Change::PartyRemoved { party_id } = &record.change {
            self.agreements.required.retain(|id| id != party_id);
        }
        if matches!(
            record.change,
            Change::PartyRemoved { .. } | Change::AgreementRequiredSet { .. }
        ) {
            crate::agreement::settle_status(self);
        }
        if record.change.changes_content() {
            self.agreements.content_version = record.seq;
        }
        crate::review::apply(self, record);
        self.version = record.seq;
        self.updated_at = record.at;
        Ok(())
    }

    /// A hash of what the plan says (not of when it was saved), so that an
    /// agreement can name exactly the version that was agreed (SPEC A1): the
    /// SHA-256 of its versioned canonical form, see [`crate::canonical`].
    pub fn content_hash(&self) -> String {
        crate::canonical::content_hash(self)
    }
}

fn merge(errors: &mut FieldErrors, result: Result<(), FieldErrors>) {
    if let Err(more) = result {
        errors.0.extend(more.0);
    }
}

/// Checks that a person may have a new plan of this type: at most one plan
/// of a type is active at a time (SPEC P2).
pub fn check_one_active(
    existing: &[(String, PlanStatus)],
    plan_type: &str,
    type_name: &str,
) -> Result<(), FieldErrors> {
    if existing.iter().any(|(t, s)| t == plan_type && s.is_active()) {
        return Err(FieldErrors::conflict(
            "plan_type",
            format!("This person already has an active {type_name}; close or supersede it before starting another"),
        ));
    }
    Ok(())
}

/// The number the next plan of a type gets for a person.
pub fn next_plan_number(existing_numbers: impl IntoIterator<Item = u32>) -> u32 {
    existing_numbers.into_iter().max().unwrap_or(0) + 1
}

/// Parses an optional reason typed into a form.
pub fn parse_reason(value: Option<&str>) -> Result<Option<String>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = optional_text(&mut errors, "reason", value, 2000);
    errors.into_result(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn record(seq: i64, change: Change) -> ChangeRecord {
        ChangeRecord {
            seq,
            at: datetime!(2026-11-22 10:00 UTC) + time::Duration::minutes(seq),
            author_id: None,
            author_name: "Priya Shah".into(),
            reason: None,
            change,
        }
    }

    fn created() -> ChangeRecord {
        record(
            1,
            Change::Created {
                person_id: Uuid::nil(),
                plan_type: "MSP".into(),
                number: 1,
                details: PlanDetails {
                    title: "Leo's My Support Plan".into(),
                    start_date: None,
                    review_interval_weeks: None,
                },
            },
        )
    }

    fn party(name: &str, role: PartyRole) -> Party {
        Party {
            id: Uuid::new_v4(),
            name: name.into(),
            role,
            agency: None,
            relationship: None,
            contact: None,
            user_id: None,
        }
    }

    #[test]
    fn replay_builds_the_plan_from_its_log() {
        let claire = party("Claire Martin", PartyRole::ParentCarer);
        let priya = party("Priya Shah", PartyRole::Senco);
        let log = vec![
            created(),
            record(2, Change::PartyAdded { party: claire.clone() }),
            record(3, Change::PartyAdded { party: priya.clone() }),
            record(
                4,
                Change::LeadProfessionalSet {
                    party_id: Some(priya.id),
                },
            ),
            record(5, Change::PartyRemoved { party_id: priya.id }),
        ];
        let plan = Plan::replay(Uuid::nil(), &log).unwrap();
        assert_eq!(plan.version, 5);
        assert_eq!(plan.parties, vec![claire]);
        assert_eq!(plan.lead_party_id, None, "removing the lead clears the lead");
        assert_eq!(plan.status, PlanStatus::Draft);
    }

    #[test]
    fn a_gap_in_the_log_is_refused() {
        let log = vec![created(), record(3, Change::StatusChanged { to: PlanStatus::Agreed })];
        assert_eq!(
            Plan::replay(Uuid::nil(), &log),
            Err(RuleError::OutOfOrder { expected: 2, got: 3 })
        );
    }

    #[test]
    fn lifecycle_moves_are_checked_and_need_a_reason() {
        let plan = Plan::replay(Uuid::nil(), &[created()]).unwrap();
        let errors = plan
            .check(
                &Change::StatusChanged {
                    to: PlanStatus::UnderReview,
                },
                Some("why"),
                None,
            )
            .unwrap_err();
        assert!(errors.get("status").unwrap().contains("cannot become under review"));
        let errors = plan
            .check(&Change::StatusChanged { to: PlanStatus::Closed }, None, None)
            .unwrap_err();
        assert!(errors.get("reason").is_some());
        assert!(
            plan.check(
                &Change::StatusChanged { to: PlanStatus::Closed },
                Some("The family moved away"),
                None
            )
            .is_ok()
        );
        // Agreed follows from the agreements, not from a status change.
        let errors = plan
            .check(
                &Change::StatusChanged { to: PlanStatus::Agreed },
                Some("Everyone signed"),
                None,
            )
            .unwrap_err();
        assert!(
            errors
                .get("status")
                .unwrap()
                .starts_with("A plan becomes agreed when everyone")
        );
    }

    #[test]
    fn an_agreed_plan_needs_a_reason_for_every_change() {
        let mut plan = Plan::replay(Uuid::nil(), &[created()]).unwrap();
        plan.apply(&record(2, Change::StatusChanged { to: PlanStatus::Agreed }))
            .unwrap();
        let add = Change::PartyAdded {
            party: party("Dr Tom Price", PartyRole::HealthProfessional),
        };
        assert!(plan.check(&add, None, None).unwrap_err().get("reason").is_some());
        assert!(plan.check(&add, Some("SALT joined at review"), None).is_ok());
    }

    #[test]
    fn a_closed_plan_cannot_change() {
        let mut plan = Plan::replay(Uuid::nil(), &[created()]).unwrap();
        plan.apply(&record(2, Change::StatusChanged { to: PlanStatus::Closed }))
            .unwrap();
        let add = Change::PartyAdded {
            party: party("Kai Bennett", PartyRole::Person),
        };
        assert!(plan.check(&add, Some("x"), None).unwrap_err().get("status").is_some());
    }

    #[test]
    fn lead_must_be_a_party() {
        let plan = Plan::replay(Uuid::nil(), &[created()]).unwrap();
        let errors = plan
            .check(
                &Change::LeadProfessionalSet {
                    party_id: Some(Uuid::new_v4()),
                },
                None,
                None,
            )
            .unwrap_err();
        assert!(errors.get("party_id").is_some());
    }

    #[test]
    fn content_hash_ignores_timestamps_but_not_content() {
        let a = Plan::replay(Uuid::nil(), &[created()]).unwrap();
        let mut b = a.clone();
        b.updated_at = datetime!(2030-01-01 0:00 UTC);
        assert_eq!(a.content_hash(), b.content_hash());
        b.details.title = "Other".into();
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn one_active_plan_per_type() {
        let existing = vec![
            ("MSP".to_owned(), PlanStatus::Agreed),
            ("SH".to_owned(), PlanStatus::Closed),
        ];
        assert!(check_one_active(&existing, "MSP", "My Support Plan").is_err());
        assert!(check_one_active(&existing, "SH", "Supported housing plan").is_ok());
        assert_eq!(next_plan_number([1, 2]), 3);
        assert_eq!(next_plan_number([]), 1);
    }

    #[test]
    fn history_shows_money_one_way() {
        let plan = Plan::replay(Uuid::nil(), &[created()]).unwrap();
        let item = Item::BudgetItem(crate::content::BudgetItem {
            id: Uuid::nil(),
            what: "Gym".into(),
            cost_pence: 136_550,
            period: crate::content::BudgetPeriod::Year,
        });
        assert_eq!(
            Change::ItemAdded { item }.describe(&plan),
            "Added budget line “Gym”, £1,365.50 a year"
        );
        let budget = Change::BudgetSet {
            budget: Some(Budget {
                amount_pence: 1_320_000,
                period: crate::content::BudgetPeriod::Year,
                management: None,
                in_control: None,
            }),
        };
        assert_eq!(budget.describe(&plan), "Set the personal budget to £13,200.00 a year");
    }

    #[test]
    fn changes_round_trip_through_json_with_a_type_tag() {
        let change = Change::StatusChanged {
            to: PlanStatus::UnderReview,
        };
        let json = serde_json::to_string(&change).unwrap();
        assert_eq!(json, r#"{"type":"status_changed","to":"under_review"}"#);
        assert_eq!(serde_json::from_str::<Change>(&json).unwrap(), change);
    }

    #[test]
    fn first_review_falls_due_an_interval_after_the_start() {
        let mut details = PlanDetails {
            title: "Leo's plan".into(),
            start_date: None,
            review_interval_weeks: None,
        };
        assert_eq!(details.first_review_due(13), None);
        details.start_date = Some(time::macros::date!(2026 - 09 - 07));
        assert_eq!(details.first_review_due(13), Some(time::macros::date!(2026 - 12 - 07)));
        details.review_interval_weeks = Some(6);
        assert_eq!(details.first_review_due(13), Some(time::macros::date!(2026 - 10 - 19)));
    }
}
