//! The fictional example organisation loaded by `goldthread serve --demo`
//! into an empty database, so a newcomer can sign in and look around.
//! Everyone here is invented (see shared/PERSONAS.md).
//!
//! It holds one complete plan of each shipped kind, written as the people
//! involved would write them: Kai's young person's support plan (YP), Jade's
//! supported housing plan (SH), Amir's Personal Budget plan (PB), Leo's My
//! Support Plan (MSP) and Ruby's Child's Plan (CP). Each plan is data (one
//! file per plan); [`Writer`] turns the data into changes and applies every
//! one through [`Store::change_plan`], so the plan rules are enforced and
//! each change is in the plan's history, as if typed in by its author.

mod agreements;
mod amir_pb;
pub mod county;
pub mod county_cli;
mod jade_sh;
mod kai_yp;
mod leo_msp;
mod progress;
mod requests;
mod reviews;
mod ruby_cp;

use std::collections::HashMap;

use anyhow::{Context, anyhow, bail};
use goldthread_domain::content::{
    Appendix, Aspiration, Authorship, Budget, BudgetItem, BudgetPeriod, CompulsoryMeasures, Decision, Frequency,
    Funding, HealthChecklist, Item, Need, OtherPlan, Outcome, Per, Provision, Risk, RiskSource, Service,
    SocialCareChecklist, Step, Strength, StrengthSetting, SupportedBy, Target, Term,
};
use goldthread_domain::person::PersonInput;
use goldthread_domain::plan::{Change, PartyInput, Plan, PlanDetailsInput, PlanStatus};
use goldthread_domain::plan_type::{PlanType, Registry, SectionKind, Whose, WrittenBy};
use goldthread_domain::user::{Actor, NewUser};
use time::Date;
use time::macros::date;
use uuid::Uuid;

use crate::store::{Store, StoreError, User};

/// The password of every demo account. Demo only: never use it for real.
pub const DEMO_PASSWORD: &str = "goldthread-demo";

pub const SIGN_IN_HELP: &str = "Example organisation loaded. Sign in as any of these (password: goldthread-demo):\n\
    \x20 admin@example.org          administrator\n\
    \x20 priya.shah@example.org     SENCO (Leo's My Support Plan)\n\
    \x20 sam.okafor@example.org     key worker (Jade's supported housing plan)\n\
    \x20 hannah.reid@example.org    social worker, Lead Professional (Ruby's Child's Plan)\n\
    \x20 tom.price@example.org      speech and language therapist (sees only Leo's plan)\n\
    \x20 nadia.malik@example.org    social worker, Lead Professional (Amir's Personal Budget plan)\n\
    \x20 grace.miller@example.org   team manager (read-only)";

const ADMIN_EMAIL: &str = "admin@example.org";

/// The day the people's records were taken as typed in (ages are checked
/// against it).
const TODAY: Date = date!(2026 - 11 - 22);

/// Is this the demo database (does the demo administrator exist)?
pub async fn is_demo(store: &Store) -> Result<bool, StoreError> {
    Ok(store.user_by_email(ADMIN_EMAIL).await?.is_some())
}

/// Loads the example organisation when the database has no users; returns
/// whether it did.
pub async fn load_if_empty(store: &Store) -> anyhow::Result<bool> {
    if store.count_users().await? > 0 {
        return Ok(false);
    }
    load(store).await?;
    Ok(true)
}

async fn user(store: &Store, email: &str, name: &str, role: &str) -> anyhow::Result<User> {
    let new_user = NewUser::parse(email, name, role, DEMO_PASSWORD).map_err(|e| anyhow!("{e}"))?;
    let hash = crate::auth::hash_password(DEMO_PASSWORD.to_owned()).await?;
    Ok(store.create_user(&new_user, &hash).await?)
}

async fn load(store: &Store) -> anyhow::Result<()> {
    let types = Registry::builtin();
    let mut users = HashMap::new();
    for (email, name, role) in [
        (ADMIN_EMAIL, "Alex Admin", "admin"),
        ("priya.shah@example.org", "Priya Shah", "practitioner"),
        ("sam.okafor@example.org", "Sam Okafor", "practitioner"),
        ("hannah.reid@example.org", "Hannah Reid", "practitioner"),
        ("tom.price@example.org", "Dr Tom Price", "practitioner"),
        ("nadia.malik@example.org", "Nadia Malik", "practitioner"),
        ("grace.miller@example.org", "Grace Miller", "viewer"),
    ] {
        users.insert(email, user(store, email, name, role).await?);
    }
    let admin = users[ADMIN_EMAIL].actor();
    let team = store.add_team(&admin, "Early help team").await?;
    let team_members = [
        "priya.shah@example.org",
        "sam.okafor@example.org",
        "hannah.reid@example.org",
        "grace.miller@example.org",
    ];
    for email in team_members {
        // Grace manages the team: she sees its dashboard.
        let manager = email == "grace.miller@example.org";
        store
            .add_member_as(&admin, team.id, users[email].id, Some(manager))
            .await?;
    }
    let mut written = HashMap::new();
    for plan in plans() {
        let title = plan.title;
        let author = plan.author;
        let plan_type = plan.plan_type;
        let id = write_plan(store, &types, &users, plan)
            .await
            .with_context(|| format!("loading the demo plan \"{title}\""))?;
        written.insert(plan_type, (id, users[author].actor()));
        // The team's manager (read-only) sees the plans its members write.
        if team_members.contains(&author) {
            store.share_plan_with_team(&admin, id, team.id).await?;
        }
    }
    progress::load(store, &types, &users).await?;
    let (leo, jade) = (&written["MSP"], &written["SH"]);
    reviews::add(store, &types, (leo.0, &leo.1), (jade.0, &jade.1)).await?;
    requests::add(store, &leo.1, leo.0).await?;
    Ok(())
}

/// The five demo plans, in the order they are loaded.
fn plans() -> Vec<DemoPlan> {
    vec![
        leo_msp::plan(),
        jade_sh::plan(),
        amir_pb::plan(),
        ruby_cp::plan(),
        kai_yp::plan(),
    ]
}

// ---------------------------------------------------------------------------
// A plan as data
// ---------------------------------------------------------------------------

/// One demo plan: the person, the plan's details and parties, and what it
/// says.
struct DemoPlan {
    /// The e-mail of the demo user who writes the plan.
    author: &'static str,
    person: PersonInput,
    /// A plan type id, e.g. `MSP`.
    plan_type: &'static str,
    title: &'static str,
    start: Date,
    review_interval_weeks: Option<u32>,
    parties: Vec<DemoParty>,
    content: Content,
    /// How the plan was agreed; `None` when it is still a draft. Its
    /// agreements are in `agreements.rs`; the status follows from them.
    agreed: Option<&'static str>,
}

struct DemoParty {
    name: &'static str,
    role: &'static str,
    agency: Option<&'static str>,
    relationship: Option<&'static str>,
    contact: Option<&'static str>,
    /// The e-mail of the demo user this party is.
    user: Option<&'static str>,
    lead: bool,
}

fn party(
    name: &'static str,
    role: &'static str,
    agency: Option<&'static str>,
    relationship: Option<&'static str>,
) -> DemoParty {
    DemoParty {
        name,
        role,
        agency,
        relationship,
        contact: None,
        user: None,
        lead: false,
    }
}

impl DemoParty {
    fn user(mut self, email: &'static str) -> Self {
        self.user = Some(email);
        self
    }

    fn lead(mut self) -> Self {
        self.lead = true;
        self
    }

    fn contact(mut self, contact: &'static str) -> Self {
        self.contact = Some(contact);
        self
    }
}

/// What a plan says. Needs, aspirations and outcomes have a short key of
/// their own, by which outcomes and provision refer to them.
#[derive(Default)]
struct Content {
    texts: Vec<Texts>,
    risks: Vec<RiskData>,
    strengths: Vec<(StrengthSetting, &'static str)>,
    needs: Vec<NeedData>,
    aspirations: Vec<AspirationData>,
    outcomes: Vec<OutcomeData>,
    provision: Vec<ProvisionData>,
    budget: Option<Budget>,
    /// What the money is for, its cost in pence, and per what.
    budget_items: Vec<(&'static str, i64, BudgetPeriod)>,
    /// The decision, and who makes it.
    decisions: Vec<(&'static str, &'static str)>,
    other_plans: Vec<OtherPlan>,
    social_care_checklist: Option<SocialCareChecklist>,
    health_checklist: Option<HealthChecklist>,
    /// Category key, reference, date.
    appendices: Vec<(&'static str, &'static str, Date)>,
    compulsory_measures: Option<CompulsoryMeasures>,
}

/// The texts of one text section of the plan type, and who wrote them.
struct Texts {
    section: &'static str,
    written_by: Option<WrittenBy>,
    helped_by: Option<&'static str>,
    texts: Vec<(&'static str, &'static str)>,
}

fn texts(
    section: &'static str,
    written_by: Option<WrittenBy>,
    helped_by: Option<&'static str>,
    texts: &[(&'static str, &'static str)],
) -> Texts {
    Texts {
        section,
        written_by,
        helped_by,
        texts: texts.to_vec(),
    }
}

struct NeedData {
    key: &'static str,
    area: &'static str,
    text: &'static str,
}

fn need(key: &'static str, area: &'static str, text: &'static str) -> NeedData {
    NeedData { key, area, text }
}

struct AspirationData {
    key: &'static str,
    term: Term,
    whose: Whose,
    text: &'static str,
}

/// The person's own aspiration.
fn mine(key: &'static str, term: Term, text: &'static str) -> AspirationData {
    AspirationData {
        key,
        term,
        whose: Whose::Person,
        text,
    }
}

/// The parents' aspiration for their child.
fn parents(key: &'static str, term: Term, text: &'static str) -> AspirationData {
    AspirationData {
        key,
        term,
        whose: Whose::Parent,
        text,
    }
}

struct OutcomeData {
    key: &'static str,
    text: &'static str,
    by_when: Option<Date>,
    stage: Option<&'static str>,
    areas: &'static [&'static str],
    /// Keys of the needs it addresses.
    needs: &'static [&'static str],
    /// Keys of the aspirations it moves towards.
    aspirations: &'static [&'static str],
    supported_by: SupportedBy,
    /// How will we know?
    measure: Option<&'static str>,
    steps: Vec<StepData>,
}

struct StepData {
    text: &'static str,
    service: Option<Service>,
    /// Short-term targets: the text and the date.
    targets: Vec<(&'static str, Date)>,
}

fn step(text: &'static str, service: Option<Service>, targets: &[(&'static str, Date)]) -> StepData {
    StepData {
        text,
        service,
        targets: targets.to_vec(),
    }
}

/// Which services support an outcome.
fn supported_by(education: bool, health: bool, social_care: bool) -> SupportedBy {
    SupportedBy {
        education,
        health,
        social_care,
    }
}

struct ProvisionData {
    what: &'static str,
    /// The name of the party who will do it.
    who: &'static str,
    /// `times` per `per`.
    times: u32,
    per: Per,
    minutes: u32,
    from: Date,
    until: Date,
    resources: &'static str,
    weekly_cost_pence: i64,
    funding: Funding,
    /// Keys of the outcomes it serves.
    outcomes: &'static [&'static str],
    /// The e-mail of the demo user who adds the line, when it is not the
    /// plan's author (a therapist adds the therapy they deliver).
    added_by: Option<&'static str>,
}

struct RiskData {
    risk: &'static str,
    identified: RiskSource,
    triggers: &'static str,
    what_staff_do: &'static str,
    what_i_do: &'static str,
    contingency: &'static str,
}

// ---------------------------------------------------------------------------
// Writing a plan
// ---------------------------------------------------------------------------

/// Applies a plan's changes one at a time, as its author would, keeping
/// the plan as it stands after each.
struct Writer<'a> {
    store: &'a Store,
    types: &'a Registry,
    plan_type: &'a PlanType,
    actor: Actor,
    plan: Plan,
    /// Party ids by name.
    parties: HashMap<&'static str, Uuid>,
    /// Need, aspiration and outcome ids by their keys in the data.
    keys: HashMap<&'static str, Uuid>,
}

async fn write_plan(
    store: &Store,
    types: &Registry,
    users: &HashMap<&'static str, User>,
    data: DemoPlan,
) -> anyhow::Result<Uuid> {
    let user_of = |email: &str| users.get(email).ok_or_else(|| anyhow!("no demo user {email}"));
    let plan_type = types
        .get(data.plan_type)
        .ok_or_else(|| anyhow!("no plan type {}", data.plan_type))?;
    let actor = user_of(data.author)?.actor();
    let details = data.person.parse(TODAY).map_err(|e| anyhow!("{e}"))?;
    let person_id = store.create_person(&actor, &details).await?.id;
    let details = PlanDetailsInput {
        title: Some(data.title.into()),
        start_date: Some(data.start.to_string()),
        review_interval_weeks: data.review_interval_weeks,
    }
    .parse(data.title)
    .map_err(|e| anyhow!("{e}"))?;
    let plan = store.create_plan(&actor, person_id, plan_type, details).await?;
    let mut writer = Writer {
        store,
        types,
        plan_type,
        actor,
        plan,
        parties: HashMap::new(),
        keys: HashMap::new(),
    };
    for p in &data.parties {
        let input = PartyInput {
            name: Some(p.name.into()),
            role: Some(p.role.into()),
            agency: p.agency.map(Into::into),
            relationship: p.relationship.map(Into::into),
            contact: p.contact.map(Into::into),
            user_id: p.user.map(user_of).transpose()?.map(|u| u.id),
            lead: p.lead,
        };
        let party = input.parse(Uuid::new_v4()).map_err(|e| anyhow!("{e}"))?;
        writer.parties.insert(p.name, party.id);
        let id = party.id;
        writer.apply(Change::PartyAdded { party }).await?;
        if p.lead {
            writer.apply(Change::LeadProfessionalSet { party_id: Some(id) }).await?;
        }
    }
    writer.content(data.content, users).await?;
    // Agreed by everyone asked, or not: the status follows (issue 9).
    agreements::write(&mut writer, data.start).await?;
    if data.agreed.is_some() != (writer.plan.status == PlanStatus::Agreed) {
        bail!(
            "the demo plan's agreements do not leave it {}",
            if data.agreed.is_some() { "agreed" } else { "a draft" }
        );
    }
    Ok(writer.plan.id)
}

impl Writer<'_> {
    async fn apply(&mut self, change: Change) -> anyhow::Result<()> {
        let actor = self.actor.clone();
        self.apply_as(&actor, None, change).await
    }

    async fn apply_as(&mut self, actor: &Actor, reason: Option<&str>, change: Change) -> anyhow::Result<()> {
        let what = change.describe(&self.plan);
        self.plan = self
            .store
            .change_plan(actor, self.plan.id, self.plan.version, reason, change, self.types)
            .await
            .with_context(|| format!("{what} (as {})", actor.name))?;
        Ok(())
    }

    async fn add(&mut self, item: Item) -> anyhow::Result<()> {
        self.apply(Change::ItemAdded { item }).await
    }

    /// Refuses content that the plan's form has no section for: the demo
    /// shows what each form shows, no more.
    fn section_of(&self, kind: SectionKind) -> anyhow::Result<()> {
        if self.plan_type.sections_of(kind).next().is_none() {
            bail!("the {} form has no {kind} section", self.plan_type.id);
        }
        Ok(())
    }

    fn key(&self, key: &str) -> anyhow::Result<Uuid> {
        self.keys
            .get(key)
            .copied()
            .ok_or_else(|| anyhow!("nothing in the plan has the key \"{key}\""))
    }

    fn keys(&self, keys: &[&str]) -> anyhow::Result<Vec<Uuid>> {
        keys.iter().map(|k| self.key(k)).collect()
    }

    fn remember(&mut self, key: &'static str, id: Uuid) -> anyhow::Result<()> {
        if self.keys.insert(key, id).is_some() {
            bail!("the key \"{key}\" is used twice");
        }
        Ok(())
    }

    async fn content(&mut self, content: Content, users: &HashMap<&'static str, User>) -> anyhow::Result<()> {
        for t in content.texts {
            self.texts(t).await?;
        }
        for r in content.risks {
            self.section_of(SectionKind::Risks)?;
            self.add(Item::Risk(Risk {
                id: Uuid::new_v4(),
                risk: r.risk.into(),
                identified: Some(r.identified),
                triggers: Some(r.triggers.into()),
                what_staff_do: Some(r.what_staff_do.into()),
                what_i_do: Some(r.what_i_do.into()),
                contingency: Some(r.contingency.into()),
            }))
            .await?;
        }
        for (setting, text) in content.strengths {
            self.section_of(SectionKind::Strengths)?;
            self.add(Item::Strength(Strength {
                id: Uuid::new_v4(),
                text: text.into(),
                setting,
            }))
            .await?;
        }
        for n in content.needs {
            if self.plan_type.needs_section_for(n.area).is_none() {
                bail!("the {} form has no needs section for \"{}\"", self.plan_type.id, n.area);
            }
            let id = Uuid::new_v4();
            self.remember(n.key, id)?;
            self.add(Item::Need(Need {
                id,
                area: n.area.into(),
                text: n.text.into(),
            }))
            .await?;
        }
        for a in content.aspirations {
            if self.plan_type.aspirations_section(a.whose).is_none() {
                bail!(
                    "the {} form has no section for {} aspirations",
                    self.plan_type.id,
                    a.whose
                );
            }
            let id = Uuid::new_v4();
            self.remember(a.key, id)?;
            self.add(Item::Aspiration(Aspiration {
                id,
                term: a.term,
                whose: a.whose,
                text: a.text.into(),
            }))
            .await?;
        }
        for o in content.outcomes {
            self.outcome(o).await?;
        }
        for p in content.provision {
            self.provision(p, users).await?;
        }
        if let Some(budget) = content.budget {
            self.section_of(SectionKind::Budget)?;
            self.apply(Change::BudgetSet { budget: Some(budget) }).await?;
        }
        for (what, cost_pence, period) in content.budget_items {
            self.section_of(SectionKind::Budget)?;
            self.add(Item::BudgetItem(BudgetItem {
                id: Uuid::new_v4(),
                what: what.into(),
                cost_pence,
                period,
            }))
            .await?;
        }
        for (decision, who) in content.decisions {
            self.section_of(SectionKind::Budget)?;
            self.add(Item::Decision(Decision {
                id: Uuid::new_v4(),
                decision: decision.into(),
                who: who.into(),
            }))
            .await?;
        }
        if !content.other_plans.is_empty() {
            self.section_of(SectionKind::OtherPlans)?;
            let plans = content.other_plans;
            self.apply(Change::OtherPlansSet { plans }).await?;
        }
        if let Some(checklist) = content.social_care_checklist {
            self.section_of(SectionKind::SocialCareChecklist)?;
            let checklist = Some(checklist);
            self.apply(Change::SocialCareChecklistSet { checklist }).await?;
        }
        if let Some(checklist) = content.health_checklist {
            self.section_of(SectionKind::HealthChecklist)?;
            let checklist = Some(checklist);
            self.apply(Change::HealthChecklistSet { checklist }).await?;
        }
        for (category, reference, date) in content.appendices {
            self.section_of(SectionKind::Appendices)?;
            self.add(Item::Appendix(Appendix {
                id: Uuid::new_v4(),
                category: category.into(),
                reference: reference.into(),
                date: Some(date),
                file: None,
            }))
            .await?;
        }
        if let Some(measures) = content.compulsory_measures {
            self.section_of(SectionKind::CompulsoryMeasures)?;
            let measures = Some(measures);
            self.apply(Change::CompulsoryMeasuresSet { measures }).await?;
        }
        Ok(())
    }

    async fn texts(&mut self, t: Texts) -> anyhow::Result<()> {
        let section = self
            .plan_type
            .section(t.section)
            .filter(|s| s.kind == SectionKind::Text)
            .ok_or_else(|| anyhow!("the {} form has no text section \"{}\"", self.plan_type.id, t.section))?;
        for (key, _) in &t.texts {
            if section.prompt(key).is_none() {
                bail!("the text section \"{}\" has no prompt \"{key}\"", t.section);
            }
        }
        let authorship = match t.written_by {
            Some(by) if section.written_by.contains(&by) => Some(Authorship {
                written_by: by,
                helped_by: t.helped_by.map(Into::into),
            }),
            Some(by) => bail!("the text section \"{}\" does not offer \"written by {by}\"", t.section),
            None if !section.written_by.is_empty() => {
                bail!("say who wrote the text section \"{}\"", t.section)
            }
            None => None,
        };
        let texts = t
            .texts
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.apply(Change::TextsSet {
            section: t.section.into(),
            texts,
            authorship,
        })
        .await
    }

    /// Adds an outcome, then each of its steps, then each step's targets, as
    /// a writer would, so that every target's date is checked against its
    /// outcome's.
    async fn outcome(&mut self, o: OutcomeData) -> anyhow::Result<()> {
        self.section_of(SectionKind::Outcomes)?;
        let id = Uuid::new_v4();
        let outcome = Outcome {
            id,
            text: o.text.into(),
            by_when: o.by_when,
            stage: o.stage.map(Into::into),
            areas: o.areas.iter().map(|a| (*a).to_owned()).collect(),
            need_ids: self.keys(o.needs)?,
            aspiration_ids: self.keys(o.aspirations)?,
            supported_by: o.supported_by,
            measure: o.measure.map(Into::into),
            steps: Vec::new(),
        };
        self.remember(o.key, id)?;
        self.add(Item::Outcome(outcome)).await?;
        for s in o.steps {
            let step_id = Uuid::new_v4();
            let step = Step {
                id: step_id,
                text: s.text.into(),
                service: s.service,
                targets: Vec::new(),
            };
            self.add(Item::Step { outcome_id: id, step }).await?;
            for (text, by_when) in s.targets {
                let target = Target {
                    id: Uuid::new_v4(),
                    text: text.into(),
                    by_when: Some(by_when),
                };
                self.add(Item::Target { step_id, target }).await?;
            }
        }
        Ok(())
    }

    async fn provision(&mut self, p: ProvisionData, users: &HashMap<&'static str, User>) -> anyhow::Result<()> {
        self.section_of(SectionKind::Provision)?;
        let party_id = *self
            .parties
            .get(p.who)
            .ok_or_else(|| anyhow!("\"{}\" is not a party to the plan", p.who))?;
        let item = Item::Provision(Provision {
            id: Uuid::new_v4(),
            what: p.what.into(),
            party_id: Some(party_id),
            frequency: Some(Frequency {
                times: p.times,
                per: p.per,
            }),
            duration_minutes: Some(p.minutes),
            from: Some(p.from),
            until: Some(p.until),
            resources: Some(p.resources.into()),
            weekly_cost_pence: Some(p.weekly_cost_pence),
            funding: Some(p.funding),
            outcome_ids: self.keys(p.outcomes)?,
            ended: None,
        });
        let actor = match p.added_by {
            Some(email) => users.get(email).ok_or_else(|| anyhow!("no demo user {email}"))?.actor(),
            None => self.actor.clone(),
        };
        self.apply_as(&actor, None, Change::ItemAdded { item }).await
    }
}

#[cfg(test)]
mod tests;
