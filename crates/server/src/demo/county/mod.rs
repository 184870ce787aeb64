//! A county's worth of fictional people and plans (issue 14):
//! `goldthread demo --people N`.
//!
//! Person number `i` (from 0) is made from a random number generator
//! seeded with [`SEED`] and `i` alone, so the same N always gives the same
//! people, plans and histories (benchmarks repeat), and their ids follow
//! from `i`: a second run adds only the people not there yet. Plan types
//! are mixed as a county's caseloads are (statutory and SEN support plans,
//! supported housing, personal budgets, child's plans, young people's
//! plans); practitioners each hold a caseload of one plan type.
//!
//! Every change is checked by [`Plan::check`] and applied by
//! [`Plan::apply`] as the store does on a save, every monitoring record is
//! the domain's parse of its input against the plan, and the rows are
//! written by the bulk path ([`crate::store::bulk`]) with the same chain
//! hashes and projections as the normal path.

mod names;

use std::collections::BTreeMap;

use anyhow::{Context, anyhow};
use goldthread_domain::agreement::{Agreement, Response, statement_of};
use goldthread_domain::approval::Approval;
use goldthread_domain::content::{
    Aspiration, Authorship, Budget, BudgetItem, BudgetPeriod, Decision, Frequency, Funding, Item, Need, Outcome, Per,
    Provision, Risk, RiskSource, Step, Strength, StrengthSetting, SupportedBy, Target, Term,
};
use goldthread_domain::monitoring::meetings::{ActionPointInput, FollowUpInput, Meeting, MeetingInput, MeetingLabels};
use goldthread_domain::monitoring::progress::{AttendanceInput, ProgressNoteInput, RatingInput};
use goldthread_domain::person::{PersonDetails, PersonInput};
use goldthread_domain::plan::{Change, ChangeRecord, PartyInput, PartyRole, Plan, PlanDetailsInput, PlanStatus};
use goldthread_domain::plan_type::{PlanType, Registry, SectionKind, Whose};
use goldthread_domain::review::{OutcomeRating, ReviewKind};
use goldthread_domain::user::{Actor, Role};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, OffsetDateTime, Time};
use uuid::Uuid;

use crate::store::bulk::{BulkPerson, BulkPlan, BulkRecord, BulkRows, BulkUser};
use crate::store::{Store, to_millis};

pub use names::GIVEN;

/// The seed every generated person's generator starts from.
pub const SEED: u64 = 0x6f6c_6474_6872_6561;

/// The day the county's records are as of (the demo's day).
const TODAY: Date = super::TODAY;

/// People per block: each block has one practitioner for each plan type.
const BLOCK: u64 = 240;

/// The plan types and their share of the county's plans, in per cent.
/// The first person of each type comes first, so that any N from 6 has
/// every type.
pub const MIX: [(&str, u32); 6] = [
    ("MSP", 26),
    ("SH", 18),
    ("CP", 16),
    ("YP", 14),
    ("PB", 18),
    ("PB-BLANK", 8),
];

/// Ids from a kind and a number: fixed leading bytes, the number in the
/// last seven, so that the ids of one kind sort (and are stored) in the
/// order they were made.
fn numbered_id(kind: u8, n: u64) -> Uuid {
    let mut bytes = [0x67, 0x74, 0x63, 0x6f, 0x75, kind, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    bytes[9..16].copy_from_slice(&n.to_be_bytes()[1..8]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// The id of generated person `i`.
pub fn person_id(i: u64) -> Uuid {
    numbered_id(1, i)
}

/// The id of generated person `i`'s plan.
pub fn plan_id(i: u64) -> Uuid {
    numbered_id(2, i)
}

fn user_id(type_index: usize, block: u64) -> Uuid {
    numbered_id(3, block * MIX.len() as u64 + type_index as u64)
}

fn rng_for(stream: u64, kind: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ kind);
    rng.set_stream(stream);
    rng
}

fn random_id(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

fn given(rng: &mut ChaCha8Rng) -> &'static str {
    GIVEN.choose(rng).copied().unwrap_or("Sam")
}

fn family(rng: &mut ChaCha8Rng) -> String {
    names::made_up(rng.random_range(0..names::made_up_count()))
}

/// The plan type of person `i`.
pub fn type_of(i: u64) -> usize {
    if (i as usize) < MIX.len() {
        return i as usize;
    }
    let mut rng = rng_for(i, 7);
    let mut pick = rng.random_range(0..100);
    for (n, (_, share)) in MIX.iter().enumerate() {
        if pick < *share {
            return n;
        }
        pick -= share;
    }
    0
}

/// The practitioner who holds plans of type `type_index` in `block`.
pub fn practitioner(type_index: usize, block: u64, password_hash: &str) -> BulkUser {
    let mut rng = rng_for(block * MIX.len() as u64 + type_index as u64, 3);
    let first = given(&mut rng);
    let last = family(&mut rng);
    let number = block * MIX.len() as u64 + type_index as u64 + 1;
    BulkUser {
        id: user_id(type_index, block),
        email: format!(
            "{}.{}.{number}@county.example.org",
            first.to_lowercase(),
            last.to_lowercase()
        ),
        name: format!("{first} {last}"),
        role: Role::Practitioner,
        password_hash: password_hash.to_owned(),
        created_at: to_millis(at(TODAY - Duration::days(800), 0)),
    }
}

fn actor_of(user: &BulkUser) -> Actor {
    Actor {
        id: user.id,
        name: user.name.clone(),
        email: user.email.clone(),
        role: user.role,
    }
}

/// 09:00 UTC on `date`, plus `minutes`.
fn at(date: Date, minutes: i64) -> OffsetDateTime {
    date.with_time(Time::from_hms(9, 0, 0).expect("a time")).assume_utc() + Duration::minutes(minutes)
}

fn iso(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).expect("a date formats")
}

fn month_year(date: Date) -> String {
    let format = time::macros::format_description!("[month repr:long] [year]");
    date.format(&format).expect("a date formats")
}

// ---------------------------------------------------------------------------
// What plans say: phrases combined per person
// ---------------------------------------------------------------------------

const TEXTS: &[&str] = &[
    "likes to know what is happening next and copes best with a short, clear plan for the day",
    "is funny and kind, and is proud of looking after the people who matter",
    "wants the people who help to listen first and to explain things without rushing",
    "gets anxious in busy, noisy places and needs a quiet place to go to",
    "has had a lot of changes this year and wants things to settle",
    "is good with their hands and enjoys making and fixing things",
    "finds mornings hard and does better with the same routine every day",
    "says that what works is being asked, not told",
    "would like more time with friends and to try something new each month",
    "keeps a diary and likes to look back at what has gone well",
];

const STRENGTHS: &[&str] = &[
    "Makes people laugh",
    "Remembers everyone's birthday",
    "Good at drawing and painting",
    "Plays football every Saturday",
    "Looks after the family's dog",
    "Knows the bus routes by heart",
    "Patient with younger children",
    "Cooks a good curry",
    "Loves music and plays the keyboard",
    "Keeps going when things are hard",
];

const NEEDS: &[&str] = &[
    "needs a calm, planned approach when routines change",
    "needs short, regular sessions with one trusted adult",
    "needs information in small steps, checked back",
    "needs help to plan the week ahead and keep appointments",
    "needs adults to check in early before problems build up",
    "needs support to speak up in meetings about their own life",
];

const ASPIRATIONS: &[(Term, &str)] = &[
    (Term::Short, "to feel settled and safe where I live"),
    (Term::Short, "to have a friend to go out with at the weekend"),
    (Term::Short, "to go to college or school every day this term"),
    (Term::Long, "to live in my own place one day"),
    (Term::Long, "to have a job working with animals"),
    (Term::Long, "to learn to drive and travel on my own"),
];

const OUTCOMES: &[&str] = &[
    "will travel to college or school on their own three days a week",
    "will manage their money so that the rent and bills are paid each month",
    "will take part in a group activity every week without an adult staying",
    "will tell an adult when they are worried, using their help card or words",
    "will cook a simple meal for themselves twice a week",
    "will attend every health appointment, booking them with a reminder",
    "will read a short book aloud to an adult three times a week",
    "will settle to sleep by 9pm on school nights",
];

const STEPS: &[&str] = &[
    "Practise the journey with their key worker until they feel ready",
    "Use a visual timetable at home and in the setting",
    "Meet each week to plan and look back at how it went",
    "Try it with a friend first, then alone",
    "Keep a simple chart together and celebrate each week it works",
];

const TARGETS: &[&str] = &[
    "will do it with one prompt on 4 out of 5 days",
    "will do it without a prompt twice in a week",
    "will say how it went at the weekly check-in",
    "will keep the chart going for four weeks",
];

const PROVISION: &[&str] = &[
    "Key work session",
    "Small-group literacy support",
    "Travel training",
    "Speech and language therapy session",
    "Mentoring with a youth worker",
    "Budgeting and benefits advice",
    "Cookery and independent living skills",
    "Emotional wellbeing check-in",
    "Occupational therapy programme delivered by staff",
    "Social skills group",
    "Family support visit",
    "Help to attend health appointments",
    "Support at the local sports club",
    "Homework club",
    "Tenancy support visit",
    "Counselling session",
];

const RISKS: &[(&str, &str, &str)] = &[
    (
        "Falling behind with the rent",
        "A letter from the landlord; not opening post",
        "Open post together each week and call the housing officer",
    ),
    (
        "Going missing overnight",
        "Arguments at home; new friends much older",
        "Agreed check-in times; the missing person procedure if not heard from by 10pm",
    ),
    (
        "Not taking prescribed medicine",
        "Changes in routine; running out",
        "Weekly pill organiser; reminder on the phone",
    ),
    (
        "Self-harm when very low",
        "Anniversaries; being alone in the evening",
        "Agreed safety plan, crisis line number, evening call",
    ),
];

const NOTES: &[&str] = &[
    "Talked through what went well this month; agreed to keep the same routine.",
    "A harder few weeks after a change at home. Back on track now.",
    "Managed the first step without prompting. Everyone noticed.",
    "Asked for help when stuck instead of walking away.",
    "Steady progress. Reviewed the target and kept it as it is.",
];

// ---------------------------------------------------------------------------
// One person and their plan
// ---------------------------------------------------------------------------

/// Who is involved in a plan of each type.
struct Cast {
    author_role: PartyRole,
    author_agency: String,
    /// A child's plan: a parent agrees and the child's details are a child's.
    child: bool,
    /// Ages from, to.
    ages: (i64, i64),
    setting: String,
    others: Vec<(PartyRole, String)>,
    funding: &'static [Funding],
}

fn cast(plan_type: &str, rng: &mut ChaCha8Rng) -> Cast {
    let place = names::made_up(rng.random_range(0..names::made_up_count()));
    match plan_type {
        "MSP" => Cast {
            author_role: PartyRole::Senco,
            author_agency: format!("{place} Primary School"),
            child: true,
            ages: (5, 15),
            setting: format!("{place} Primary School"),
            others: vec![
                (PartyRole::Teacher, format!("{place} Primary School")),
                (PartyRole::HealthProfessional, "Children's Therapy Service".to_owned()),
            ],
            funding: &[Funding::Education, Funding::Health],
        },
        "CP" => Cast {
            author_role: PartyRole::SocialWorker,
            author_agency: "Children's Services".to_owned(),
            child: true,
            ages: (1, 14),
            setting: format!("{place} Nursery and Primary"),
            others: vec![(PartyRole::NamedPerson, format!("{place} Health Visiting"))],
            funding: &[Funding::SocialCare, Funding::Health, Funding::Education],
        },
        "YP" => Cast {
            author_role: PartyRole::YouthWorker,
            author_agency: "Youth Support Service".to_owned(),
            child: false,
            ages: (12, 19),
            setting: format!("{place} Academy"),
            others: vec![(PartyRole::Teacher, format!("{place} Academy"))],
            funding: &[Funding::Education, Funding::Other],
        },
        "SH" => Cast {
            author_role: PartyRole::KeyWorker,
            author_agency: format!("{place} House"),
            child: false,
            ages: (18, 64),
            setting: format!("{place} House"),
            others: vec![(PartyRole::HealthProfessional, format!("{place} Surgery"))],
            funding: &[Funding::Other, Funding::SocialCare],
        },
        _ => Cast {
            author_role: PartyRole::SocialWorker,
            author_agency: "Adult Social Care".to_owned(),
            child: false,
            ages: (19, 85),
            setting: format!("{place} Community Centre"),
            others: vec![(PartyRole::CircleOfSupport, String::new())],
            funding: &[Funding::PersonalBudget, Funding::SocialCare],
        },
    }
}

/// Builds a plan change by change, checking each as the store does.
struct Builder<'a> {
    rng: ChaCha8Rng,
    plan_type: &'a PlanType,
    plan: Plan,
    log: Vec<ChangeRecord>,
    author: Actor,
    /// When the next change is made (each a minute after the last).
    clock: OffsetDateTime,
    given: String,
}

impl Builder<'_> {
    /// The domain's check, then the change applied and kept: what
    /// `Store::change_plan` does for a save based on the latest version.
    fn apply(&mut self, reason: Option<&str>, change: Change) -> anyhow::Result<()> {
        let what = change.describe(&self.plan);
        self.plan
            .check(&change, reason, Some(self.plan_type))
            .map_err(|e| anyhow!("{what}: {e}"))?;
        let record = ChangeRecord {
            seq: self.plan.version + 1,
            at: self.clock,
            author_id: Some(self.author.id),
            author_name: self.author.name.clone(),
            reason: reason.map(str::to_owned),
            change,
        };
        self.plan.apply(&record).map_err(|e| anyhow!("{what}: {e}"))?;
        self.log.push(record);
        self.clock += Duration::minutes(1);
        Ok(())
    }

    /// Moves the clock on to `date` (never back).
    fn on(&mut self, date: Date) {
        self.clock = self.clock.max(at(date, 0));
    }

    fn add(&mut self, item: Item) -> anyhow::Result<()> {
        self.apply(None, Change::ItemAdded { item })
    }

    fn pick<'b, T>(&mut self, list: &'b [T]) -> &'b T {
        &list[self.rng.random_range(0..list.len())]
    }

    fn sentence(&mut self) -> String {
        let a = *self.pick(TEXTS);
        let b = *self.pick(TEXTS);
        format!("{} {a}. They {b}.", self.given)
    }
}

/// Generates person `i` with their plan; `users` gives the practitioner
/// of a type in a block.
pub fn generate_person(i: u64, types: &Registry, password_hash: &str) -> anyhow::Result<BulkPerson> {
    let type_index = type_of(i);
    let type_id = MIX[type_index].0;
    let plan_type = types
        .get(type_id)
        .ok_or_else(|| anyhow!("the plan type {type_id} is not loaded"))?;
    let block = i / BLOCK;
    let author = actor_of(&practitioner(type_index, block, password_hash));
    let mut rng = rng_for(i, 1);
    let cast = cast(type_id, &mut rng);

    // The person.
    let given_name = given(&mut rng).to_owned();
    let family_name = family(&mut rng);
    let age = rng.random_range(cast.ages.0..=cast.ages.1);
    let born = TODAY - Duration::days(age * 365 + rng.random_range(0..365));
    let input = PersonInput {
        given_name: Some(given_name.clone()),
        family_name: Some(family_name.clone()),
        known_as: rng.random_bool(0.1).then(|| given_name.chars().take(3).collect()),
        date_of_birth: Some(iso(born)),
        setting: Some(cast.setting.clone()),
        communication: rng
            .random_bool(0.3)
            .then(|| "Short sentences; check back what was understood.".to_owned()),
        presenting_information: None,
    };
    let details: PersonDetails = input.parse(TODAY).map_err(|e| anyhow!("person {i}: {e}"))?;
    let start = TODAY - Duration::days(rng.random_range(14..540));
    let person_created = at(
        start - Duration::days(rng.random_range(1..30)),
        rng.random_range(0..400),
    );

    // The plan's creation, as `Store::create_plan` makes it.
    let full_name = details.full_name();
    let plan_details = PlanDetailsInput {
        title: Some(plan_type.default_title(&full_name)),
        start_date: Some(iso(start)),
        review_interval_weeks: None,
    }
    .parse(&plan_type.default_title(&full_name))
    .map_err(|e| anyhow!("person {i}'s plan details: {e}"))?;
    goldthread_domain::rules::check_details(&plan_details).map_err(|e| anyhow!("{e}"))?;
    let created = at(start, rng.random_range(0..120));
    let id = plan_id(i);
    let first = ChangeRecord {
        seq: 1,
        at: created,
        author_id: Some(author.id),
        author_name: author.name.clone(),
        reason: None,
        change: Change::Created {
            person_id: person_id(i),
            plan_type: type_id.to_owned(),
            number: 1,
            details: plan_details,
        },
    };
    let mut plan = Plan::from_creation(id, &first).map_err(|e| anyhow!("{e}"))?;
    let mut log = vec![first];
    if plan_type.approval.required {
        let needs = ChangeRecord {
            seq: 2,
            change: Change::ApprovalRequired {
                approver_roles: plan_type.approval.approver_roles.clone(),
            },
            ..log[0].clone()
        };
        plan.apply(&needs).map_err(|e| anyhow!("{e}"))?;
        log.push(needs);
    }
    let mut b = Builder {
        rng,
        plan_type,
        plan,
        log,
        author: author.clone(),
        clock: created + Duration::minutes(1),
        given: given_name.clone(),
    };

    // Who is involved.
    let person_party = party(&mut b.rng, &full_name, PartyRole::Person, None, None)?;
    let person_party_id = person_party.id;
    b.apply(None, Change::PartyAdded { party: person_party })?;
    let mut parent_name = None;
    if cast.child || type_id == "YP" {
        let name = format!("{} {family_name}", given(&mut b.rng));
        let relationship = *b.pick(&["Mum", "Dad", "Grandparent", "Foster carer"]);
        let p = party(&mut b.rng, &name, PartyRole::ParentCarer, None, Some(relationship))?;
        parent_name = Some((p.id, name));
        b.apply(None, Change::PartyAdded { party: p })?;
    }
    let mut author_party = party(
        &mut b.rng,
        &author.name,
        cast.author_role,
        Some(&cast.author_agency),
        None,
    )?;
    author_party.user_id = Some(author.id);
    let author_party_id = author_party.id;
    b.apply(None, Change::PartyAdded { party: author_party })?;
    b.apply(
        None,
        Change::LeadProfessionalSet {
            party_id: Some(author_party_id),
        },
    )?;
    let mut helpers = vec![author_party_id];
    for (role, agency) in &cast.others {
        let name = format!("{} {}", given(&mut b.rng), family(&mut b.rng));
        let agency = (!agency.is_empty()).then_some(agency.as_str());
        let relationship = (*role == PartyRole::CircleOfSupport).then_some("Friend");
        let p = party(&mut b.rng, &name, *role, agency, relationship)?;
        helpers.push(p.id);
        b.apply(None, Change::PartyAdded { party: p })?;
    }

    // What the plan says, section by section as its form has them.
    let mut need_ids: Vec<(String, Uuid)> = Vec::new();
    let mut aspiration_ids = Vec::new();
    for section in &plan_type.sections {
        match section.kind {
            SectionKind::Text => {
                let mut texts = BTreeMap::new();
                for prompt in &section.prompts {
                    texts.insert(prompt.key.clone(), b.sentence());
                }
                if texts.is_empty() {
                    continue;
                }
                let authorship = section.written_by.first().map(|by| Authorship {
                    written_by: *by,
                    helped_by: None,
                });
                b.apply(
                    None,
                    Change::TextsSet {
                        section: section.key.clone(),
                        texts,
                        authorship,
                    },
                )?;
            }
            SectionKind::Strengths => {
                let setting = if section.groups_strengths_by_setting() {
                    StrengthSetting::InSetting
                } else {
                    StrengthSetting::General
                };
                for _ in 0..b.rng.random_range(2..=4) {
                    let text = (*b.pick(STRENGTHS)).to_owned();
                    let id = random_id(&mut b.rng);
                    b.add(Item::Strength(Strength { id, text, setting }))?;
                }
            }
            SectionKind::Needs => {
                let areas: Vec<String> = plan_type.areas_for(section).map(|a| a.key.clone()).collect();
                let count = if areas.len() > 1 { b.rng.random_range(1..=2) } else { 1 };
                for area in areas.iter().take(count.max(1)) {
                    let need = *b.pick(NEEDS);
                    let text = format!("{} {need}.", b.given);
                    let id = random_id(&mut b.rng);
                    need_ids.push((area.clone(), id));
                    b.add(Item::Need(Need {
                        id,
                        area: area.clone(),
                        text,
                    }))?;
                }
            }
            SectionKind::Aspirations => {
                let whose = section.whose();
                for _ in 0..b.rng.random_range(1..=3) {
                    let (term, text) = *b.pick(ASPIRATIONS);
                    let text = match whose {
                        Whose::Person => format!("I would like {text}"),
                        Whose::Parent => format!("We would like {} {text}", b.given),
                    };
                    let id = random_id(&mut b.rng);
                    aspiration_ids.push(id);
                    b.add(Item::Aspiration(Aspiration { id, term, whose, text }))?;
                }
            }
            SectionKind::Risks => {
                for _ in 0..b.rng.random_range(1..=2) {
                    let (risk, triggers, what) = *b.pick(RISKS);
                    let id = random_id(&mut b.rng);
                    b.add(Item::Risk(Risk {
                        id,
                        risk: risk.into(),
                        identified: Some(RiskSource::Referral),
                        triggers: Some(triggers.into()),
                        what_staff_do: Some(what.into()),
                        what_i_do: Some("Tell staff how I am feeling and use my plan".into()),
                        contingency: Some("Call the on-call manager; in an emergency call 999".into()),
                    }))?;
                }
            }
            SectionKind::Outcomes => outcomes(&mut b, start, &need_ids, &aspiration_ids)?,
            SectionKind::Provision => provision(&mut b, start, &helpers, cast.funding)?,
            SectionKind::Budget => budget(&mut b)?,
            _ => {}
        }
    }

    // Agreement: most plans agreed about two weeks after they were written,
    // some still waiting for someone, a few declined.
    let agree_on = start + Duration::days(b.rng.random_range(7..21));
    let roll = b.rng.random_range(0..100);
    // A type without a statement of commitment (the blank sheet) is not
    // agreed: it is transferred onto its official form first.
    let statement = statement_of(Some(plan_type)).map(str::to_owned);
    let agreed = agree_on <= TODAY && roll < 82 && statement.is_some();
    if let Some(statement) = statement.filter(|_| agree_on <= TODAY) {
        b.on(agree_on);
        let asker = match &parent_name {
            Some((id, name)) if cast.child => (*id, name.clone()),
            _ => (person_party_id, full_name.clone()),
        };
        for party_id in [asker.0, author_party_id] {
            b.apply(
                None,
                Change::AgreementRequiredSet {
                    party_id,
                    required: true,
                },
            )?;
        }
        let mut said = vec![(author_party_id, author.name.clone())];
        if agreed || roll >= 94 {
            said.push(asker.clone());
        }
        for (party_id, name) in said {
            let response = if roll >= 94 && party_id == asker.0 {
                Response::Declined {
                    reason: "I want the plan to say more about what I want to do at weekends.".into(),
                }
            } else {
                Response::Agreed {
                    typed_name: name,
                    statement: statement.clone(),
                    on_behalf_of: None,
                }
            };
            let agreement = Agreement {
                party_id,
                version: b.plan.agreements.content_version,
                content_hash: b.plan.content_hash(),
                on: agree_on,
                response,
            };
            b.apply(None, Change::AgreementRecorded { agreement })?;
        }
        let everyone_agreed = agreed || b.plan.status == PlanStatus::Agreed;
        if goldthread_domain::approval::required(&b.plan)
            && everyone_agreed
            && plan_type.approval.approver_roles.contains(&cast.author_role)
        {
            let approval = Approval {
                party_id: author_party_id,
                version: b.plan.agreements.content_version,
                content_hash: b.plan.content_hash(),
                on: agree_on,
            };
            b.apply(Some("Funding approved"), Change::ApprovalGiven { approval })?;
        }
    }

    // Reviews: a year of weekly support reviews where the type has them,
    // and the formal reviews that have fallen due (at most three, and not
    // the one that starts the next plan).
    reviews(&mut b, start, agreed)?;

    let plan = b.plan.clone();
    let records = monitoring(&mut b, &plan, start, &author, parent_name.map(|p| p.0), &helpers)?;
    Ok(BulkPerson {
        id: person_id(i),
        details,
        created_by: author.clone(),
        created_at: person_created,
        plans: vec![BulkPlan {
            plan,
            log: b.log,
            creator: author,
            records,
        }],
    })
}

fn party(
    rng: &mut ChaCha8Rng,
    name: &str,
    role: PartyRole,
    agency: Option<&str>,
    relationship: Option<&str>,
) -> anyhow::Result<goldthread_domain::plan::Party> {
    PartyInput {
        name: Some(name.to_owned()),
        role: Some(role.as_str().to_owned()),
        agency: agency.map(str::to_owned),
        relationship: relationship.map(str::to_owned),
        contact: None,
        user_id: None,
        lead: false,
    }
    .parse(random_id(rng))
    .map_err(|e| anyhow!("a party: {e}"))
}

fn outcomes(b: &mut Builder<'_>, start: Date, needs: &[(String, Uuid)], aspirations: &[Uuid]) -> anyhow::Result<()> {
    let most = b.plan_type.max_outcomes().map_or(7, |m| m.min(7) as usize);
    let count = b.rng.random_range(3..=7).min(most);
    let areas: Vec<String> = b.plan_type.areas_of_need.iter().map(|a| a.key.clone()).collect();
    for n in 0..count {
        let by_when = start + Duration::weeks(b.rng.random_range(26..=52));
        let area = (!areas.is_empty()).then(|| areas[(n + b.rng.random_range(0..areas.len())) % areas.len()].clone());
        let need_ids = needs
            .iter()
            .filter(|(a, _)| Some(a) == area.as_ref())
            .map(|(_, id)| *id)
            .chain(needs.get(n % needs.len().max(1)).map(|(_, id)| *id))
            .take(1)
            .collect();
        let aspiration_ids = aspirations
            .get(n % aspirations.len().max(1))
            .copied()
            .into_iter()
            .collect();
        let mut steps = Vec::new();
        for _ in 0..b.rng.random_range(1..=2) {
            let mut targets = Vec::new();
            for _ in 0..b.rng.random_range(1..=2) {
                let weeks = (by_when - start).whole_weeks().max(5);
                let date = start + Duration::weeks(b.rng.random_range(4..=weeks));
                let what = *b.pick(TARGETS);
                targets.push(Target {
                    id: random_id(&mut b.rng),
                    text: format!("By {}, {} {what}", month_year(date.min(by_when)), b.given),
                    by_when: Some(date.min(by_when)),
                });
            }
            steps.push(Step {
                id: random_id(&mut b.rng),
                text: (*b.pick(STEPS)).to_owned(),
                service: None,
                targets,
            });
        }
        let what = *b.pick(OUTCOMES);
        let text = format!("By {}, {} {what}.", month_year(by_when), b.given);
        let outcome = Outcome {
            id: random_id(&mut b.rng),
            text,
            by_when: Some(by_when),
            stage: None,
            areas: area.into_iter().collect(),
            need_ids,
            aspiration_ids,
            supported_by: SupportedBy {
                education: b.rng.random_bool(0.5),
                health: b.rng.random_bool(0.3),
                social_care: b.rng.random_bool(0.3),
            },
            measure: Some("Recorded at the weekly check-in and looked at together each month".into()),
            steps,
        };
        b.add(Item::Outcome(outcome))?;
    }
    Ok(())
}

fn provision(b: &mut Builder<'_>, start: Date, helpers: &[Uuid], funding: &[Funding]) -> anyhow::Result<()> {
    let outcome_ids: Vec<Uuid> = b.plan.content.outcomes.iter().map(|o| o.id).collect();
    for _ in 0..b.rng.random_range(5..=20) {
        let from = start + Duration::days(b.rng.random_range(0..28));
        let what = (*b.pick(PROVISION)).to_owned();
        let party_id = *b.pick(helpers);
        let funding = *b.pick(funding);
        let outcome = (!outcome_ids.is_empty()).then(|| *b.pick(&outcome_ids));
        let item = Provision {
            id: random_id(&mut b.rng),
            what,
            party_id: Some(party_id),
            frequency: Some(Frequency {
                times: b.rng.random_range(1..=3),
                per: *b.pick(&[Per::Week, Per::Week, Per::Fortnight, Per::Month]),
            }),
            duration_minutes: Some(*b.pick(&[30, 45, 60, 90])),
            from: Some(from),
            until: Some(from + Duration::weeks(52)),
            resources: Some("A quiet room; materials from the setting".into()),
            weekly_cost_pence: Some(b.rng.random_range(0..150) * 100),
            funding: Some(funding),
            outcome_ids: outcome.into_iter().collect(),
            ended: None,
        };
        b.add(Item::Provision(item))?;
    }
    Ok(())
}

fn budget(b: &mut Builder<'_>) -> anyhow::Result<()> {
    let weekly = b.rng.random_range(80..600) * 100;
    b.apply(
        None,
        Change::BudgetSet {
            budget: Some(Budget {
                amount_pence: weekly * 52,
                period: BudgetPeriod::Year,
                management: Some("Direct payment".into()),
                in_control: Some("I choose my personal assistants and my sister helps with the paperwork".into()),
            }),
        },
    )?;
    for (what, share) in [("Personal assistant hours", 60), ("Day activities", 30), ("Travel", 10)] {
        let id = random_id(&mut b.rng);
        b.add(Item::BudgetItem(BudgetItem {
            id,
            what: what.into(),
            cost_pence: weekly * share / 100,
            period: BudgetPeriod::Week,
        }))?;
    }
    let id = random_id(&mut b.rng);
    b.add(Item::Decision(Decision {
        id,
        decision: "Who my personal assistants are".into(),
        who: "Me, with my sister".into(),
    }))
}

fn reviews(b: &mut Builder<'_>, start: Date, agreed: bool) -> anyhow::Result<()> {
    let rules = b.plan_type.reviews.clone();
    let mut dates: Vec<(Date, ReviewKind)> = Vec::new();
    if rules.weekly {
        let mut date = (start + Duration::weeks(1)).max(TODAY - Duration::weeks(52));
        while date <= TODAY {
            dates.push((date, ReviewKind::Weekly));
            date += Duration::weeks(1);
        }
    }
    if agreed && !b.plan.content.outcomes.is_empty() {
        let most = b.rng.random_range(0..=3u32);
        let most = rules
            .new_plan_after_review
            .map_or(most, |n| most.min(n.saturating_sub(1)));
        let interval = i64::from(rules.formal_interval_weeks.max(4));
        for n in 1..=i64::from(most) {
            let date = start + Duration::weeks(interval * n) + Duration::days(1);
            if date <= TODAY {
                dates.push((date, ReviewKind::Formal));
            }
        }
    }
    dates.sort_by_key(|(d, k)| (*d, *k == ReviewKind::Formal));
    let participants = vec![b.plan.parties[0].name.clone(), b.author.name.clone()];
    for (date, kind) in dates {
        b.on(date);
        let review_id = random_id(&mut b.rng);
        let reason = Some(match kind {
            ReviewKind::Weekly => "Weekly support review",
            ReviewKind::Formal => "Review meeting",
        });
        b.apply(
            reason,
            Change::ReviewOpened {
                review_id,
                kind,
                on: date,
                participants: participants.clone(),
            },
        )?;
        let (questions, ratings) = match kind {
            ReviewKind::Weekly => (&rules.weekly_questions, Vec::new()),
            ReviewKind::Formal => {
                let keys: Vec<String> = if rules.progress_ratings.is_empty() {
                    vec!["partly_met".into()]
                } else {
                    rules.progress_ratings.iter().map(|r| r.key.clone()).collect()
                };
                let current: Vec<Uuid> = b
                    .plan
                    .content
                    .outcomes
                    .iter()
                    .filter(|o| !b.plan.reviews.ended.contains_key(&o.id))
                    .map(|o| o.id)
                    .collect();
                let mut ratings = Vec::new();
                for outcome_id in current {
                    let rating = keys[b.rng.random_range(0..keys.len().min(3))].clone();
                    ratings.push(OutcomeRating {
                        outcome_id,
                        rating,
                        note: (*b.pick(NOTES)).to_owned(),
                    });
                }
                (&rules.formal_questions, ratings)
            }
        };
        let mut answers = BTreeMap::new();
        for q in questions {
            answers.insert(q.key.clone(), (*b.pick(NOTES)).to_owned());
        }
        b.apply(
            Some("Recorded at the review"),
            Change::ReviewAnswered {
                review_id,
                answers,
                ratings,
            },
        )?;
        b.apply(
            Some("Review closed"),
            Change::ReviewClosed {
                review_id,
                on: date,
                supersedes: false,
            },
        )?;
    }
    Ok(())
}

/// Ratings, notes, attendance and meetings over the plan's life so far,
/// each parsed by the domain against the plan.
fn monitoring(
    b: &mut Builder<'_>,
    plan: &Plan,
    start: Date,
    author: &Actor,
    parent: Option<Uuid>,
    helpers: &[Uuid],
) -> anyhow::Result<Vec<BulkRecord>> {
    let mut records = Vec::new();
    let mut push = |rng: &mut ChaCha8Rng, kind: &'static str, on: Date, json: String, meeting: Option<Meeting>| {
        records.push(BulkRecord {
            id: random_id(rng),
            kind,
            on,
            record: json,
            recorded_by: author.clone(),
            recorded_at: at(on, 8 * 60),
            meeting,
        });
    };
    let first = start.max(TODAY - Duration::weeks(52));
    // Ratings every eight weeks for the first two outcomes, by both raters,
    // climbing slowly; a note between.
    for (o, outcome) in plan.content.outcomes.iter().take(2).enumerate() {
        let mut date = first + Duration::weeks(2);
        let mut n: i64 = 0;
        while date <= TODAY {
            for rater in ["person", "worker"] {
                let score = (n / 2 - 1 + i64::from(rater == "person" && n < 3)).clamp(-2, 2);
                let input = RatingInput {
                    outcome_id: Some(outcome.id),
                    date: Some(iso(date)),
                    rater: Some(rater.into()),
                    score: Some(score.to_string()),
                };
                let rating = input.parse(plan, TODAY).map_err(|e| anyhow!("a rating: {e}"))?;
                push(&mut b.rng, "rating", rating.date, serde_json::to_string(&rating)?, None);
            }
            let note_on = date + Duration::weeks(4);
            if note_on <= TODAY {
                let input = ProgressNoteInput {
                    date: Some(iso(note_on)),
                    outcome_id: Some(outcome.id),
                    target_id: None,
                    text: Some(NOTES[(n as usize + o) % NOTES.len()].into()),
                    behaviour_or_skill: false,
                };
                let note = input.parse(plan, TODAY).map_err(|e| anyhow!("a note: {e}"))?;
                push(&mut b.rng, "note", note.date, serde_json::to_string(&note)?, None);
            }
            date += Duration::weeks(8);
            n += 1;
        }
    }
    // Weekly attendance of the first provision, for up to half a year.
    if let Some(p) = plan.content.provision.first() {
        let from = p.from.unwrap_or(start).max(TODAY - Duration::weeks(26));
        let mut date = from;
        let mut n = 0;
        while date <= TODAY && p.until.is_none_or(|u| date <= u) {
            let (status, by) = match n % 9 {
                4 => ("missed", None),
                7 => ("cancelled", Some("provider")),
                _ => ("attended", None),
            };
            let input = AttendanceInput {
                provision_id: Some(p.id),
                date: Some(iso(date)),
                status: Some(status.into()),
                cancelled_by: by.map(str::to_owned),
            };
            let mark = input.parse(plan, TODAY).map_err(|e| anyhow!("attendance: {e}"))?;
            push(&mut b.rng, "attendance", mark.date, serde_json::to_string(&mark)?, None);
            date += Duration::weeks(1);
            n += 1;
        }
    }
    // Planning meetings where the type has them: the second follows up
    // the first's action points.
    let has_meetings = b.plan_type.sections_of(SectionKind::Meetings).next().is_some();
    if has_meetings {
        let labels = MeetingLabels::for_plan_type(Some(b.plan_type));
        let mut earlier: Vec<Meeting> = Vec::new();
        let chair = author.name.clone();
        let owners: Vec<Uuid> = parent.into_iter().chain(helpers.iter().copied()).collect();
        for n in 1..=2 {
            let date = start + Duration::weeks(6 * n);
            if date > TODAY {
                break;
            }
            let follow_ups = earlier
                .last()
                .map(|m: &Meeting| {
                    m.actions
                        .iter()
                        .map(|a| FollowUpInput {
                            action_id: Some(a.id),
                            outcome: Some("done".into()),
                            new_due: None,
                            note: Some("Done as agreed".into()),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let input = MeetingInput {
                date: Some(iso(date)),
                chair: Some(chair.clone()),
                attendee_party_ids: plan.parties.iter().take(3).map(|p| p.id).collect(),
                discussion: Some("Went through the plan together; everyone agreed what happens next.".into()),
                actions: vec![ActionPointInput {
                    text: Some("Share the updated timetable with everyone involved".into()),
                    owner_party_id: owners.get(n as usize % owners.len().max(1)).copied(),
                    due: Some(iso(date + Duration::weeks(3))),
                }],
                follow_ups,
                ..Default::default()
            };
            let rng = &mut b.rng;
            let mut ids = Vec::new();
            for _ in 0..8 {
                ids.push(random_id(rng));
            }
            let mut next = ids.into_iter();
            let meeting = input
                .parse(plan, &earlier, &labels, || next.next().unwrap_or_else(Uuid::nil))
                .map_err(|e| anyhow!("a meeting: {e}"))?;
            push(
                &mut b.rng,
                "meeting",
                meeting.date,
                serde_json::to_string(&meeting)?,
                Some(meeting.clone()),
            );
            earlier.push(meeting);
        }
    }
    Ok(records)
}

// ---------------------------------------------------------------------------
// Generating a county
// ---------------------------------------------------------------------------

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// People added by this run.
    pub added: u64,
    /// Generated people that were there already.
    pub existing: u64,
}

/// How many people are written per transaction.
const BATCH: u64 = 500;

/// How many threads make batches.
const MAKERS: usize = 2;

/// How many batches are written at once on PostgreSQL.
const WRITERS: usize = 2;

/// Makes sure generated people `0..people` exist, adding those missing
/// (and their practitioners); `progress(done, to_do)` is told after each
/// batch. Batches are made on [`MAKERS`] blocking threads beside the
/// writers.
pub async fn generate(
    store: &Store,
    types: &Registry,
    people: u64,
    audit_key: Option<crate::audit::Key>,
    progress: impl Fn(u64, u64),
) -> anyhow::Result<Generated> {
    generate_in_batches(store, types, people, BATCH, audit_key, progress).await
}

/// [`generate`] with `batch` people to a transaction (tests use small
/// batches to have several written at once).
pub async fn generate_in_batches(
    store: &Store,
    types: &Registry,
    people: u64,
    batch: u64,
    audit_key: Option<crate::audit::Key>,
    progress: impl Fn(u64, u64),
) -> anyhow::Result<Generated> {
    let password_hash = crate::auth::hash_password(super::DEMO_PASSWORD.to_owned()).await?;
    // Which of them exist already.
    let mut missing = Vec::new();
    let all: Vec<u64> = (0..people).collect();
    for chunk in all.chunks(20_000) {
        let ids: Vec<Uuid> = chunk.iter().map(|i| person_id(*i)).collect();
        let found = store.existing_people(&ids).await?;
        missing.extend(chunk.iter().copied().filter(|i| !found.contains(&person_id(*i))));
    }
    let existing = people - missing.len() as u64;
    if missing.is_empty() {
        return Ok(Generated { added: 0, existing });
    }
    // Their practitioners.
    let mut blocks: Vec<u64> = missing.iter().map(|i| i / BLOCK).collect();
    blocks.dedup();
    let users: Vec<BulkUser> = blocks
        .iter()
        .flat_map(|block| (0..MIX.len()).map(|t| practitioner(t, *block, &password_hash)))
        .collect();
    store.add_users_bulk(&users).await?;

    let to_do = missing.len() as u64;
    progress(0, to_do);
    let (sender, receiver) = tokio::sync::mpsc::channel::<anyhow::Result<BulkRows>>(2);
    let detail = format!("goldthread demo --people {people}");
    // Batches are made on two threads (the machine's cores), each taking
    // every other batch, and written as they come.
    let batches: Vec<Vec<u64>> = missing.chunks(batch as usize).map(<[u64]>::to_vec).collect();
    let mut makers = Vec::new();
    for worker in 0..MAKERS {
        let sender = sender.clone();
        let types = types.clone();
        let detail = detail.clone();
        let password_hash = password_hash.clone();
        let mine: Vec<Vec<u64>> = batches.iter().skip(worker).step_by(MAKERS).cloned().collect();
        makers.push(tokio::task::spawn_blocking(move || {
            for chunk in mine {
                let mut rows = BulkRows::default();
                let made = chunk.iter().try_for_each(|i| {
                    let person = generate_person(*i, &types, &password_hash)
                        .with_context(|| format!("generating person {i}"))?;
                    rows.add(&person, &types, &detail)?;
                    Ok::<_, anyhow::Error>(())
                });
                let failed = made.is_err();
                if sender.blocking_send(made.map(|()| rows)).is_err() || failed {
                    return;
                }
            }
        }));
    }
    drop(sender);
    // PostgreSQL writes two batches at once, each through a backend of its
    // own: one backend inserting was the limit, with the cores a third
    // idle. SQLite has one writer.
    let writers = if matches!(store, Store::Postgres(_)) {
        WRITERS
    } else {
        1
    };
    let receiver = tokio::sync::Mutex::new(receiver);
    let done = std::sync::atomic::AtomicU64::new(0);
    let writer = || async {
        loop {
            let Some(rows) = receiver.lock().await.recv().await else {
                return Ok::<_, anyhow::Error>(());
            };
            let rows = rows?;
            store.write_bulk(&rows, audit_key.as_ref()).await?;
            let count = rows.count as u64;
            progress(
                done.fetch_add(count, std::sync::atomic::Ordering::Relaxed) + count,
                to_do,
            );
        }
    };
    futures_util::future::try_join_all((0..writers).map(|_| writer())).await?;
    for maker in makers {
        maker.await?;
    }
    store.analyze().await?;
    Ok(Generated {
        added: done.into_inner(),
        existing,
    })
}
