//! The fictional example organisation loaded by `goldthread serve --demo`
//! into an empty database, so a newcomer can sign in and look around.
//! Everyone here is invented (see shared/PERSONAS.md).

use goldthread_domain::person::PersonInput;
use goldthread_domain::plan::{Change, PartyInput, PlanDetailsInput, PlanStatus};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::{Actor, NewUser};
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
    \x20 grace.miller@example.org   team manager (read-only)";

const ADMIN_EMAIL: &str = "admin@example.org";

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
    let new_user = NewUser::parse(email, name, role, DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = crate::auth::hash_password(DEMO_PASSWORD.to_owned()).await?;
    Ok(store.create_user(&new_user, &hash).await?)
}

struct DemoParty<'a> {
    name: &'a str,
    role: &'a str,
    agency: Option<&'a str>,
    relationship: Option<&'a str>,
    user: Option<Uuid>,
    lead: bool,
}

fn party<'a>(name: &'a str, role: &'a str, agency: Option<&'a str>, relationship: Option<&'a str>) -> DemoParty<'a> {
    DemoParty {
        name,
        role,
        agency,
        relationship,
        user: None,
        lead: false,
    }
}

async fn person(store: &Store, actor: &Actor, input: PersonInput) -> anyhow::Result<Uuid> {
    let details = input.parse(date!(2026 - 11 - 22)).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(store.create_person(actor, &details).await?.id)
}

#[allow(clippy::too_many_arguments)]
async fn plan(
    types: &Registry,
    store: &Store,
    actor: &Actor,
    person_id: Uuid,
    plan_type: &str,
    type_name: &str,
    title: &str,
    start: &str,
    parties: Vec<DemoParty<'_>>,
    agreed: bool,
) -> anyhow::Result<()> {
    let details = PlanDetailsInput {
        title: Some(title.into()),
        start_date: Some(start.into()),
        review_interval_weeks: None,
    }
    .parse(title)
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut plan = store
        .create_plan(actor, person_id, plan_type, type_name, details)
        .await?;
    for p in parties {
        let input = PartyInput {
            name: Some(p.name.into()),
            role: Some(p.role.into()),
            agency: p.agency.map(Into::into),
            relationship: p.relationship.map(Into::into),
            contact: None,
            user_id: p.user,
            lead: p.lead,
        };
        let party = input.parse(Uuid::new_v4()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let id = party.id;
        plan = store
            .change_plan(actor, plan.id, plan.version, None, Change::PartyAdded { party }, types)
            .await?;
        if p.lead {
            plan = store
                .change_plan(
                    actor,
                    plan.id,
                    plan.version,
                    None,
                    Change::LeadProfessionalSet { party_id: Some(id) }, types,
                )
                .await?;
        }
    }
    if agreed {
        store
            .change_plan(
                actor,
                plan.id,
                plan.version,
                Some("Everyone involved agreed the plan at the planning meeting"),
                Change::StatusChanged { to: PlanStatus::Agreed }, types,
            )
            .await?;
    }
    Ok(())
}

async fn load(store: &Store) -> anyhow::Result<()> {
    let types = Registry::builtin();
    user(store, ADMIN_EMAIL, "Alex Admin", "admin").await?;
    let priya = user(store, "priya.shah@example.org", "Priya Shah", "practitioner").await?;
    let sam = user(store, "sam.okafor@example.org", "Sam Okafor", "practitioner").await?;
    let hannah = user(store, "hannah.reid@example.org", "Hannah Reid", "practitioner").await?;
    let tom = user(store, "tom.price@example.org", "Dr Tom Price", "practitioner").await?;
    let grace = user(store, "grace.miller@example.org", "Grace Miller", "viewer").await?;
    let team = store.create_team("Early help team").await?;
    for member in [&priya, &sam, &hannah, &grace] {
        store.add_team_member(team.id, member.id).await?;
    }

    let leo = person(
        store,
        &priya.actor(),
        PersonInput {
            given_name: Some("Leo".into()),
            family_name: Some("Martin".into()),
            date_of_birth: Some("2018-03-14".into()),
            setting: Some("Brookfield Primary School".into()),
            communication: Some(
                "Short, clear sentences and pictures; give him time to answer. Ear defenders help in busy rooms."
                    .into(),
            ),
            presenting_information: Some("A visual timetable and two choices at a time.".into()),
            ..Default::default()
        },
    )
    .await?;
    let mut tom_party = party(
        "Dr Tom Price",
        "health_professional",
        Some("Northfield NHS Trust – speech and language therapy"),
        None,
    );
    tom_party.user = Some(tom.id);
    let mut priya_party = party("Priya Shah", "senco", Some("Brookfield Primary School"), None);
    priya_party.user = Some(priya.id);
    priya_party.lead = true;
    plan(
        &types,
        store,
        &priya.actor(),
        leo,
        "MSP",
        "My Support Plan",
        "Leo's My Support Plan",
        "2026-09-07",
        vec![
            party("Leo Martin", "person", None, None),
            party("Claire Martin", "parent_carer", None, Some("Mum")),
            party("David Martin", "parent_carer", None, Some("Dad")),
            priya_party,
            party(
                "Mrs Jones",
                "teacher",
                Some("Brookfield Primary School"),
                Some("Class teacher"),
            ),
            tom_party,
        ],
        true,
    )
    .await?;

    let jade = person(
        store,
        &sam.actor(),
        PersonInput {
            given_name: Some("Jade".into()),
            family_name: Some("Thompson".into()),
            date_of_birth: Some("2007-05-02".into()),
            setting: Some("Harbour House (supported housing, 12 beds)".into()),
            communication: Some(
                "Prefers to talk over a cup of tea rather than in the office; text reminders the day before.".into(),
            ),
            ..Default::default()
        },
    )
    .await?;
    let mut sam_party = party("Sam Okafor", "key_worker", Some("Harbour House"), None);
    sam_party.user = Some(sam.id);
    sam_party.lead = true;
    plan(
        &types,
        store,
        &sam.actor(),
        jade,
        "SH",
        "Supported housing support plan",
        "Jade's support plan",
        "2026-10-05",
        vec![
            party("Jade Thompson", "person", None, None),
            sam_party,
            party(
                "Leaving care personal adviser",
                "social_worker",
                Some("Leaving Care Team"),
                None,
            ),
        ],
        true,
    )
    .await?;

    let amir = person(
        store,
        &priya.actor(),
        PersonInput {
            given_name: Some("Amir".into()),
            family_name: Some("Hassan".into()),
            date_of_birth: Some("1992-07-19".into()),
            communication: Some(
                "Easy-read with pictures; likes his sister Layla with him when decisions are made.".into(),
            ),
            ..Default::default()
        },
    )
    .await?;
    plan(
        &types,
        store,
        &priya.actor(),
        amir,
        "PB",
        "Personal budget support plan",
        "Amir's support plan",
        "2026-11-01",
        vec![
            party("Amir Hassan", "person", None, None),
            party("Layla Hassan", "circle_of_support", None, Some("Sister")),
            party("Ben Carter", "circle_of_support", None, Some("Friend")),
            party("Support worker", "other", Some("Community support service"), None),
        ],
        false,
    )
    .await?;

    let ruby = person(
        store,
        &hannah.actor(),
        PersonInput {
            given_name: Some("Ruby".into()),
            family_name: Some("Campbell".into()),
            date_of_birth: Some("2022-06-30".into()),
            setting: Some("Wee Acorns Nursery".into()),
            ..Default::default()
        },
    )
    .await?;
    let mut hannah_party = party(
        "Hannah Reid",
        "social_worker",
        Some("Children and Families Social Work"),
        None,
    );
    hannah_party.user = Some(hannah.id);
    hannah_party.lead = true;
    plan(
        &types,
        store,
        &hannah.actor(),
        ruby,
        "CP",
        "Child's Plan",
        "Ruby's Child's Plan",
        "2026-08-18",
        vec![
            party("Ruby Campbell", "person", None, None),
            party("Morag Campbell", "parent_carer", None, Some("Mum")),
            hannah_party,
            party(
                "Health visitor",
                "health_professional",
                Some("NHS health visiting"),
                Some("Named Person"),
            ),
            party("Nursery key person", "teacher", Some("Wee Acorns Nursery"), None),
            party(
                "Family support worker",
                "voluntary_organisation",
                Some("Family Support Scotland"),
                None,
            ),
        ],
        true,
    )
    .await?;

    let kai = person(
        store,
        &hannah.actor(),
        PersonInput {
            given_name: Some("Kai".into()),
            family_name: Some("Bennett".into()),
            date_of_birth: Some("2011-01-23".into()),
            setting: Some("Riverside Academy".into()),
            ..Default::default()
        },
    )
    .await?;
    plan(
        &types,
        store,
        &hannah.actor(),
        kai,
        "YP",
        "Young person's support plan",
        "Kai's support plan",
        "2026-10-12",
        vec![
            party("Kai Bennett", "person", None, None),
            party("Nicola Bennett", "parent_carer", None, Some("Mum")),
            party("Youth worker", "youth_worker", Some("Riverside Youth Project"), None),
            party("Head of Year 10", "teacher", Some("Riverside Academy"), None),
        ],
        false,
    )
    .await?;
    Ok(())
}
