//! What a plan says (SPEC C1–C10): one model for every kind of plan. A plan
//! type decides which of these sections appear and what they are called;
//! the content itself is the same whatever form it is shown on, which is
//! what lets a plan be viewed on another type's form.
//!
//! List entries (strengths, needs, outcomes, provision…) are [`Item`]s with
//! their own ids, so that a change can name exactly what it adds, edits or
//! removes, and later review markers and strike-through can point at them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::plan_type::{Whose, WrittenBy};

/// Everything the plan says, by section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlanContent {
    /// Free text by text key (`important_to_me`, `reasons_for_plan`, …; see
    /// the plan type's text prompts).
    pub texts: BTreeMap<String, String>,
    /// Who wrote each text section, by section key (MSP "My profile has been
    /// written by").
    pub authorship: BTreeMap<String, Authorship>,
    pub strengths: Vec<Strength>,
    pub needs: Vec<Need>,
    pub aspirations: Vec<Aspiration>,
    pub outcomes: Vec<Outcome>,
    pub provision: Vec<Provision>,
    pub risks: Vec<Risk>,
    pub budget: Option<Budget>,
    pub budget_items: Vec<BudgetItem>,
    pub decisions: Vec<Decision>,
    pub other_plans: Vec<OtherPlan>,
    pub social_care_checklist: Option<SocialCareChecklist>,
    pub health_checklist: Option<HealthChecklist>,
    pub appendices: Vec<Appendix>,
    pub compulsory_measures: Option<CompulsoryMeasures>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Authorship {
    pub written_by: WrittenBy,
    /// "Me with help from …"
    pub helped_by: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StrengthSetting {
    #[default]
    General,
    /// In school or setting.
    InSetting,
    /// Out of school or setting.
    OutOfSetting,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Strength {
    pub id: Uuid,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    #[serde(default)]
    pub setting: StrengthSetting,
}

/// A need, tagged with an area of need from the plan type's list (C2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Need {
    pub id: Uuid,
    /// An area key of the plan type, e.g. `communication_interaction`.
    pub area: String,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    /// The next 6–12 months.
    Short,
    /// Beyond next year, "when I am an adult".
    Long,
}

/// An aspiration (C3): the person's own, or their parents' for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Aspiration {
    pub id: Uuid,
    pub term: Term,
    #[serde(default = "person")]
    pub whose: Whose,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
}

fn person() -> Whose {
    Whose::Person
}

/// Which services support an outcome (MSP "Supported by").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SupportedBy {
    pub education: bool,
    pub health: bool,
    pub social_care: bool,
}

/// An outcome (C4): what the person will be able to do, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Outcome {
    pub id: Uuid,
    /// "Leo will be able to ask an adult for help when he is stuck, 4 times out of 5"
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    /// The date it should be achieved by.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub by_when: Option<Date>,
    /// A phase or stage instead of a date: "By the end of key stage 2".
    #[serde(default)]
    pub stage: Option<String>,
    /// Area keys of the needs it addresses.
    #[serde(default)]
    pub areas: Vec<String>,
    /// The needs it addresses.
    #[serde(default)]
    pub need_ids: Vec<Uuid>,
    /// The aspirations it moves towards.
    #[serde(default)]
    pub aspiration_ids: Vec<Uuid>,
    #[serde(default)]
    pub supported_by: SupportedBy,
    /// How we will know (CP).
    #[serde(default)]
    pub measure: Option<String>,
    /// Steps towards the outcome. When an outcome is edited its steps are
    /// kept; change them with step items.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// Which service a step is expressed for, when steps are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Education,
    Health,
    SocialCare,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    pub id: Uuid,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    #[serde(default)]
    pub service: Option<Service>,
    /// Short-term targets. Kept when the step is edited; change them with
    /// target items.
    #[serde(default)]
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Target {
    pub id: Uuid,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub by_when: Option<Date>,
}

/// How often something happens: `times` per `per` (e.g. 3 per week).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Frequency {
    pub times: u32,
    pub per: Per,
}

crate::plan_type::name_enum! {
    pub enum Per ("frequency period") {
        Day = "day",
        /// Each school or working day (5 a week).
        SchoolDay = "school_day",
        Week = "week",
        Fortnight = "fortnight",
        Month = "month",
        /// A school term (about 13 weeks).
        Term = "term",
        Year = "year",
    }
}

impl Per {
    /// How many of these there are in a week.
    pub fn per_week(self) -> f64 {
        match self {
            Per::Day => 7.0,
            Per::SchoolDay => 5.0,
            Per::Week => 1.0,
            Per::Fortnight => 0.5,
            Per::Month => 12.0 / 52.0,
            Per::Term => 1.0 / 13.0,
            Per::Year => 1.0 / 52.0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Per::Day => "day",
            Per::SchoolDay => "school day",
            Per::Week => "week",
            Per::Fortnight => "fortnight",
            Per::Month => "month",
            Per::Term => "term",
            Per::Year => "year",
        }
    }
}

impl Frequency {
    pub fn per_week(self) -> f64 {
        f64::from(self.times) * self.per.per_week()
    }

    /// "3 × per week"
    pub fn describe(self) -> String {
        format!("{} × per {}", self.times, self.per.label())
    }
}

crate::plan_type::name_enum! {
    /// Where the money for a provision comes from (C5).
    pub enum Funding ("funding source") {
        Education = "education",
        Health = "health",
        SocialCare = "social_care",
        PersonalBudget = "personal_budget",
        Other = "other",
    }
}

impl Funding {
    pub fn label(self) -> &'static str {
        match self {
            Funding::Education => "Education",
            Funding::Health => "Health",
            Funding::SocialCare => "Social care",
            Funding::PersonalBudget => "Personal budget",
            Funding::Other => "Other",
        }
    }
}

/// When a provision ended (shown struck through, never deleted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ended {
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub reason: Option<String>,
}

/// Provision or an action (C5): what, who, how often, what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Provision {
    pub id: Uuid,
    /// What needs to happen.
    #[schema(min_length = 1, max_length = 10000)]
    pub what: String,
    /// Who will do it: one of the plan's parties.
    #[serde(default)]
    pub party_id: Option<Uuid>,
    #[serde(default)]
    pub frequency: Option<Frequency>,
    /// Minutes per session.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub from: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub until: Option<Date>,
    #[serde(default)]
    pub resources: Option<String>,
    /// Weekly cost in pence.
    #[serde(default)]
    pub weekly_cost_pence: Option<i64>,
    #[serde(default)]
    pub funding: Option<Funding>,
    /// The outcomes it serves.
    #[serde(default)]
    pub outcome_ids: Vec<Uuid>,
    /// Set when the provision has ended.
    #[serde(default)]
    pub ended: Option<Ended>,
}

impl Provision {
    /// Hours a week of sessions, when frequency and duration are known.
    pub fn weekly_hours(&self) -> Option<f64> {
        Some(self.frequency?.per_week() * f64::from(self.duration_minutes?) / 60.0)
    }

    /// "3 × per week, 20 minutes"
    pub fn how_often(&self) -> String {
        match (self.frequency, self.duration_minutes) {
            (Some(f), Some(m)) => format!("{}, {m} minutes", f.describe()),
            (Some(f), None) => f.describe(),
            (None, Some(m)) => format!("{m} minutes"),
            (None, None) => String::new(),
        }
    }
}

crate::plan_type::name_enum! {
    pub enum RiskSource ("risk source") {
        Referral = "referral",
        Assessment = "assessment",
        Review = "review",
        Other = "other",
    }
}

/// A risk and its safety plan (C6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Risk {
    pub id: Uuid,
    #[schema(min_length = 1, max_length = 10000)]
    pub risk: String,
    #[serde(default)]
    pub identified: Option<RiskSource>,
    #[serde(default)]
    pub triggers: Option<String>,
    #[serde(default)]
    pub what_staff_do: Option<String>,
    #[serde(default)]
    pub what_i_do: Option<String>,
    #[serde(default)]
    pub contingency: Option<String>,
}

crate::plan_type::name_enum! {
    pub enum BudgetPeriod ("budget period") {
        Week = "week",
        Month = "month",
        Year = "year",
    }
}

impl BudgetPeriod {
    pub fn weeks(self) -> f64 {
        match self {
            BudgetPeriod::Week => 1.0,
            BudgetPeriod::Month => 52.0 / 12.0,
            BudgetPeriod::Year => 52.0,
        }
    }
}

/// A personal budget (C7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Budget {
    pub amount_pence: i64,
    pub period: BudgetPeriod,
    /// Direct payment, managed account, …
    #[serde(default)]
    pub management: Option<String>,
    /// How the person stays in control.
    #[serde(default)]
    pub in_control: Option<String>,
}

impl Budget {
    pub fn weekly_pence(&self) -> f64 {
        self.amount_pence as f64 / self.period.weeks()
    }
}

/// A planned use of the personal budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BudgetItem {
    pub id: Uuid,
    #[schema(min_length = 1, max_length = 10000)]
    pub what: String,
    pub cost_pence: i64,
    pub period: BudgetPeriod,
}

/// Who makes which decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub id: Uuid,
    #[schema(min_length = 1, max_length = 10000)]
    pub decision: String,
    #[schema(min_length = 1, max_length = 10000)]
    pub who: String,
}

crate::plan_type::name_enum! {
    pub enum OtherPlanKind ("kind of other plan") {
        Taf = "taf",
        ChildInNeed = "child_in_need",
        ChildProtection = "child_protection",
        Pep = "pep",
        LookedAfterChild = "looked_after_child",
        HealthCarePlan = "health_care_plan",
    }
}

/// Consent to reuse information ("tell it once"; C8, S3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Consent {
    /// Who gave it, e.g. the parent's name.
    pub given_by: String,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
}

/// Another plan the person already has (C8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OtherPlan {
    pub kind: OtherPlanKind,
    #[serde(default)]
    pub consent: Option<Consent>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// MSP checklist 10: Social care / early support.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SocialCareChecklist {
    /// 1. Is there an Early Support Assessment or a TAF plan already?
    pub esa_or_taf_in_place: Option<bool>,
    /// 2. Might the child and family benefit from early support?
    pub may_benefit_from_early_support: Option<bool>,
    pub notes: Option<String>,
}

crate::plan_type::name_enum! {
    pub enum HealthProfessional ("health professional") {
        SchoolNurse = "school_nurse",
        NurseSpecialist = "nurse_specialist",
        SpeechAndLanguageTherapist = "speech_and_language_therapist",
        Physiotherapist = "physiotherapist",
        OccupationalTherapist = "occupational_therapist",
        HealthVisitorCdc = "health_visitor_cdc",
        Paediatrician = "paediatrician",
        CamhsChews = "camhs_chews",
        Gp = "gp",
        Other = "other",
    }
}

/// MSP checklist 11: Health.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct HealthChecklist {
    pub professionals: Vec<HealthProfessional>,
    /// "If other please specify"
    pub other: Option<String>,
    /// 1a. Does the child/young person have a Health Care Plan?
    pub health_care_plan: Option<bool>,
    /// 1b. Might they need one?
    pub may_need_health_care_plan: Option<bool>,
    /// 2a. Is a SALT, OT and/or physiotherapist involved?
    pub therapist_involved: Option<bool>,
    /// 2b. Might they benefit from a referral?
    pub may_benefit_from_referral: Option<bool>,
    /// 5. Actions taken to link the MSP with health involvement.
    pub actions_summary: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<Date>,
    pub signed: Option<String>,
}

/// A document that informs the plan (C9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Appendix {
    pub id: Uuid,
    /// A category key of the plan type's appendices section (family, education, …).
    pub category: String,
    pub reference: String,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub date: Option<Date>,
    /// An uploaded file, e.g. the scanned signed copy.
    #[serde(default)]
    pub file: Option<FileRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FileRef {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

/// Compulsory measures (CP, C10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CompulsoryMeasures {
    /// false records "none".
    pub in_place: bool,
    #[serde(default)]
    pub measure: Option<String>,
    #[serde(default)]
    pub made_by: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub date: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub review_date: Option<Date>,
    #[serde(default)]
    pub details: Option<String>,
}

/// One entry of a list section, with its own id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    Strength(Strength),
    Need(Need),
    Aspiration(Aspiration),
    Outcome(Outcome),
    Step { outcome_id: Uuid, step: Step },
    Target { step_id: Uuid, target: Target },
    Provision(Provision),
    Risk(Risk),
    Appendix(Appendix),
    BudgetItem(BudgetItem),
    Decision(Decision),
}

crate::plan_type::name_enum! {
    /// The kinds of [`Item`], for removing one by id.
    pub enum ItemKind ("item kind") {
        Strength = "strength",
        Need = "need",
        Aspiration = "aspiration",
        Outcome = "outcome",
        Step = "step",
        Target = "target",
        Provision = "provision",
        Risk = "risk",
        Appendix = "appendix",
        BudgetItem = "budget_item",
        Decision = "decision",
    }
}

impl ItemKind {
    /// "an outcome", for messages.
    pub fn noun(self) -> &'static str {
        match self {
            ItemKind::Strength => "strength",
            ItemKind::Need => "need",
            ItemKind::Aspiration => "aspiration",
            ItemKind::Outcome => "outcome",
            ItemKind::Step => "step",
            ItemKind::Target => "target",
            ItemKind::Provision => "provision",
            ItemKind::Risk => "risk",
            ItemKind::Appendix => "document",
            ItemKind::BudgetItem => "budget line",
            ItemKind::Decision => "decision",
        }
    }
}

impl Item {
    pub fn kind(&self) -> ItemKind {
        match self {
            Item::Strength(_) => ItemKind::Strength,
            Item::Need(_) => ItemKind::Need,
            Item::Aspiration(_) => ItemKind::Aspiration,
            Item::Outcome(_) => ItemKind::Outcome,
            Item::Step { .. } => ItemKind::Step,
            Item::Target { .. } => ItemKind::Target,
            Item::Provision(_) => ItemKind::Provision,
            Item::Risk(_) => ItemKind::Risk,
            Item::Appendix(_) => ItemKind::Appendix,
            Item::BudgetItem(_) => ItemKind::BudgetItem,
            Item::Decision(_) => ItemKind::Decision,
        }
    }

    pub fn id(&self) -> Uuid {
        match self {
            Item::Strength(i) => i.id,
            Item::Need(i) => i.id,
            Item::Aspiration(i) => i.id,
            Item::Outcome(i) => i.id,
            Item::Step { step, .. } => step.id,
            Item::Target { target, .. } => target.id,
            Item::Provision(i) => i.id,
            Item::Risk(i) => i.id,
            Item::Appendix(i) => i.id,
            Item::BudgetItem(i) => i.id,
            Item::Decision(i) => i.id,
        }
    }

    /// A short quote of the item for the history page.
    pub fn summary(&self) -> String {
        let text = match self {
            Item::Strength(i) => &i.text,
            Item::Need(i) => &i.text,
            Item::Aspiration(i) => &i.text,
            Item::Outcome(i) => &i.text,
            Item::Step { step, .. } => &step.text,
            Item::Target { target, .. } => &target.text,
            Item::Provision(i) => &i.what,
            Item::Risk(i) => &i.risk,
            Item::Appendix(i) => &i.reference,
            Item::BudgetItem(i) => &i.what,
            Item::Decision(i) => &i.decision,
        };
        quote(text)
    }
}

/// "“Leo will be able to…”", shortened to 60 characters.
pub fn quote(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("“{}…”", short.trim_end())
    } else {
        format!("“{short}”")
    }
}

impl PlanContent {
    pub fn outcome(&self, id: Uuid) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.id == id)
    }

    /// The step and the outcome it belongs to.
    pub fn step(&self, id: Uuid) -> Option<(&Outcome, &Step)> {
        self.outcomes
            .iter()
            .find_map(|o| o.steps.iter().find(|s| s.id == id).map(|s| (o, s)))
    }

    /// The target, its step and its outcome.
    pub fn target(&self, id: Uuid) -> Option<(&Outcome, &Step, &Target)> {
        self.outcomes.iter().find_map(|o| {
            o.steps
                .iter()
                .find_map(|s| s.targets.iter().find(|t| t.id == id).map(|t| (o, s, t)))
        })
    }

    /// Outcome numbers as the forms show them: 1, 2, 3… in order.
    pub fn outcome_number(&self, id: Uuid) -> Option<usize> {
        self.outcomes.iter().position(|o| o.id == id).map(|i| i + 1)
    }

    /// The item with this kind and id, if there is one.
    pub fn item(&self, kind: ItemKind, id: Uuid) -> Option<Item> {
        match kind {
            ItemKind::Strength => self.strengths.iter().find(|i| i.id == id).cloned().map(Item::Strength),
            ItemKind::Need => self.needs.iter().find(|i| i.id == id).cloned().map(Item::Need),
            ItemKind::Aspiration => self
                .aspirations
                .iter()
                .find(|i| i.id == id)
                .cloned()
                .map(Item::Aspiration),
            ItemKind::Outcome => self.outcome(id).cloned().map(Item::Outcome),
            ItemKind::Step => self.step(id).map(|(o, s)| Item::Step {
                outcome_id: o.id,
                step: s.clone(),
            }),
            ItemKind::Target => self.target(id).map(|(_, s, t)| Item::Target {
                step_id: s.id,
                target: t.clone(),
            }),
            ItemKind::Provision => self.provision.iter().find(|i| i.id == id).cloned().map(Item::Provision),
            ItemKind::Risk => self.risks.iter().find(|i| i.id == id).cloned().map(Item::Risk),
            ItemKind::Appendix => self.appendices.iter().find(|i| i.id == id).cloned().map(Item::Appendix),
            ItemKind::BudgetItem => self
                .budget_items
                .iter()
                .find(|i| i.id == id)
                .cloned()
                .map(Item::BudgetItem),
            ItemKind::Decision => self.decisions.iter().find(|i| i.id == id).cloned().map(Item::Decision),
        }
    }

    /// Adds an item, or replaces the one with its id (keeping the nested
    /// steps of an outcome and targets of a step, which have their own
    /// items). Checked beforehand by `rules::check_item`.
    pub fn put(&mut self, item: Item) {
        fn upsert<T: Clone>(list: &mut Vec<T>, item: T, same: impl Fn(&T) -> bool) {
            match list.iter_mut().find(|x| same(x)) {
                Some(existing) => *existing = item,
                None => list.push(item),
            }
        }
        match item {
            Item::Strength(i) => upsert(&mut self.strengths, i.clone(), |x| x.id == i.id),
            Item::Need(i) => upsert(&mut self.needs, i.clone(), |x| x.id == i.id),
            Item::Aspiration(i) => upsert(&mut self.aspirations, i.clone(), |x| x.id == i.id),
            Item::Outcome(mut i) => match self.outcomes.iter_mut().find(|x| x.id == i.id) {
                Some(existing) => {
                    i.steps = std::mem::take(&mut existing.steps);
                    *existing = i;
                }
                None => self.outcomes.push(i),
            },
            Item::Step { outcome_id, mut step } => {
                if let Some(outcome) = self.outcomes.iter_mut().find(|o| o.id == outcome_id) {
                    match outcome.steps.iter_mut().find(|s| s.id == step.id) {
                        Some(existing) => {
                            step.targets = std::mem::take(&mut existing.targets);
                            *existing = step;
                        }
                        None => outcome.steps.push(step),
                    }
                }
            }
            Item::Target { step_id, target } => {
                if let Some(step) = self
                    .outcomes
                    .iter_mut()
                    .flat_map(|o| o.steps.iter_mut())
                    .find(|s| s.id == step_id)
                {
                    upsert(&mut step.targets, target.clone(), |x| x.id == target.id);
                }
            }
            Item::Provision(i) => upsert(&mut self.provision, i.clone(), |x| x.id == i.id),
            Item::Risk(i) => upsert(&mut self.risks, i.clone(), |x| x.id == i.id),
            Item::Appendix(i) => upsert(&mut self.appendices, i.clone(), |x| x.id == i.id),
            Item::BudgetItem(i) => upsert(&mut self.budget_items, i.clone(), |x| x.id == i.id),
            Item::Decision(i) => upsert(&mut self.decisions, i.clone(), |x| x.id == i.id),
        }
    }

    pub fn remove(&mut self, kind: ItemKind, id: Uuid) {
        match kind {
            ItemKind::Strength => self.strengths.retain(|i| i.id != id),
            ItemKind::Need => self.needs.retain(|i| i.id != id),
            ItemKind::Aspiration => self.aspirations.retain(|i| i.id != id),
            ItemKind::Outcome => self.outcomes.retain(|i| i.id != id),
            ItemKind::Step => self.outcomes.iter_mut().for_each(|o| o.steps.retain(|s| s.id != id)),
            ItemKind::Target => self
                .outcomes
                .iter_mut()
                .flat_map(|o| o.steps.iter_mut())
                .for_each(|s| s.targets.retain(|t| t.id != id)),
            ItemKind::Provision => self.provision.retain(|i| i.id != id),
            ItemKind::Risk => self.risks.retain(|i| i.id != id),
            ItemKind::Appendix => self.appendices.retain(|i| i.id != id),
            ItemKind::BudgetItem => self.budget_items.retain(|i| i.id != id),
            ItemKind::Decision => self.decisions.retain(|i| i.id != id),
        }
    }

    /// Does the plan say anything for this part of a form? Used to list
    /// the gaps when a plan is shown on another type's form.
    pub fn has_content(&self, kind: crate::plan_type::SectionKind, text_key: Option<&str>) -> bool {
        use crate::plan_type::SectionKind as K;
        match kind {
            K::Text => text_key.is_some_and(|k| self.texts.get(k).is_some_and(|t| !t.trim().is_empty())),
            K::Strengths => !self.strengths.is_empty(),
            K::Needs => !self.needs.is_empty(),
            K::Aspirations => !self.aspirations.is_empty(),
            K::Outcomes => !self.outcomes.is_empty(),
            K::Provision => !self.provision.is_empty(),
            K::Risks => !self.risks.is_empty(),
            K::Budget => self.budget.is_some(),
            K::OtherPlans => !self.other_plans.is_empty(),
            K::SocialCareChecklist => self.social_care_checklist.is_some(),
            K::HealthChecklist => self.health_checklist.is_some(),
            K::Appendices => !self.appendices.is_empty(),
            K::CompulsoryMeasures => self.compulsory_measures.is_some(),
            // Filled from the person record, the parties, or later stages.
            K::PersonDetails | K::Parties | K::Meetings | K::Reviews | K::Agreement => true,
        }
    }
}
