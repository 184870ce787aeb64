//! Fictional plans and log records for the domain's own tests.

use time::macros::datetime;
use uuid::Uuid;

use crate::content::{Item, Outcome, Provision};
use crate::plan::{Change, ChangeRecord, Party, PartyRole, PlanDetails};

pub fn record(seq: i64, change: Change) -> ChangeRecord {
    ChangeRecord {
        seq,
        at: datetime!(2027-01-04 10:00 UTC) + time::Duration::days(seq),
        author_id: None,
        author_name: "Priya Shah".into(),
        reason: Some("Agreed at the meeting".into()),
        change,
    }
}

pub fn created(plan_type: &str) -> ChangeRecord {
    let mut r = record(
        1,
        Change::Created {
            person_id: Uuid::nil(),
            plan_type: plan_type.into(),
            number: 1,
            details: PlanDetails {
                title: "Leo's My Support Plan".into(),
                start_date: None,
                review_interval_weeks: None,
            },
        },
    );
    r.reason = None;
    r
}

pub fn party(n: u128, name: &str, role: PartyRole) -> Party {
    Party {
        id: Uuid::from_u128(n),
        name: name.into(),
        role,
        agency: None,
        relationship: None,
        contact: None,
        user_id: None,
    }
}

pub fn outcome(n: u128, text: &str) -> Outcome {
    Outcome {
        id: Uuid::from_u128(n),
        text: text.into(),
        by_when: None,
        stage: None,
        areas: vec![],
        need_ids: vec![],
        aspiration_ids: vec![],
        supported_by: Default::default(),
        measure: None,
        steps: vec![],
    }
}

pub fn provision(n: u128, what: &str, party_id: Option<Uuid>) -> Provision {
    Provision {
        id: Uuid::from_u128(n),
        what: what.into(),
        party_id,
        frequency: None,
        duration_minutes: None,
        from: None,
        until: None,
        resources: None,
        weekly_cost_pence: None,
        funding: None,
        outcome_ids: vec![],
        ended: None,
    }
}

/// A plan log: created, two parties, an outcome and a provision for each.
pub fn small_log(plan_type: &str) -> Vec<ChangeRecord> {
    let claire = party(1, "Claire Martin", PartyRole::ParentCarer);
    let priya = party(2, "Priya Shah", PartyRole::Senco);
    vec![
        created(plan_type),
        record(2, Change::PartyAdded { party: claire.clone() }),
        record(3, Change::PartyAdded { party: priya.clone() }),
        record(
            4,
            Change::ItemAdded {
                item: Item::Outcome(outcome(10, "Leo will ask an adult for help when he is stuck")),
            },
        ),
        record(
            5,
            Change::ItemAdded {
                item: Item::Provision(provision(20, "Reading at home", Some(claire.id))),
            },
        ),
        record(
            6,
            Change::ItemAdded {
                item: Item::Provision(provision(21, "Daily check-in with a trusted adult", Some(priya.id))),
            },
        ),
    ]
}

/// Checks a change as storage does and, when it is accepted, applies it as
/// the next record.
pub fn step(plan: &mut crate::plan::Plan, change: Change) -> Result<(), crate::error::FieldErrors> {
    step_on(plan, change, None)
}

pub fn step_on(
    plan: &mut crate::plan::Plan,
    change: Change,
    plan_type: Option<&crate::plan_type::PlanType>,
) -> Result<(), crate::error::FieldErrors> {
    let reason = Some("Agreed at the meeting");
    plan.check(&change, reason, plan_type)?;
    let record = record(plan.version + 1, change);
    plan.apply(&record).expect("a checked change applies");
    Ok(())
}

/// One of the shipped plan types, by file name ("msp.toml").
pub fn builtin(file: &str) -> crate::plan_type::PlanType {
    let (name, text) = crate::plan_type::BUILTIN_FILES
        .iter()
        .find(|(name, _)| *name == file)
        .expect("a shipped plan type");
    crate::plan_type::parse(name, text).expect("shipped plan types parse")
}
