//! The demo's progress (SPEC M2, M3): a year of ratings by both raters,
//! notes and weekly attendance for Ruby (Child's Plan) and Jade (supported
//! housing), so the pictures have something to draw, and two child
//! planning meetings for Ruby's plan, the second following up the first's
//! action points (one done, one carried forward). Written through the same
//! store calls as the pages and the API, so every rule holds.

use std::collections::HashMap;

use anyhow::{Context, anyhow};
use goldthread_domain::monitoring::meetings::{ActionPointInput, FollowUpInput, MeetingInput, MeetingLabels};
use goldthread_domain::monitoring::progress::{AttendanceInput, ProgressNoteInput, RatingInput};
use goldthread_domain::plan::Plan;
use goldthread_domain::plan_type::Registry;
use time::{Date, Duration};

use super::TODAY;
use crate::store::{PlanFilter, Store, User};

fn iso(date: Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).expect("a date formats")
}

async fn plan_of(store: &Store, user: &User, plan_type: &str) -> anyhow::Result<Plan> {
    let filter = PlanFilter {
        plan_type: Some(plan_type.into()),
        limit: 1,
        ..Default::default()
    };
    let (plans, _) = store.list_plans(&user.actor(), &filter).await?;
    let summary = plans
        .first()
        .ok_or_else(|| anyhow!("the demo's {plan_type} plan is missing"))?;
    Ok(store.plan(&user.actor(), summary.id).await?)
}

/// A rating that climbs over the year, the person a little more hopeful
/// than the worker early on, with a dip in the middle.
fn score(outcome: usize, step: usize, steps: usize, person: bool) -> String {
    let progress = (step * 4) / steps.max(1); // 0..=4
    let mut s = progress as i64 - 2;
    if person && step < steps / 2 {
        s += 1;
    }
    if step == steps / 2 + outcome % 2 {
        s -= 1;
    }
    s.clamp(-2, 2).to_string()
}

const NOTES: [&str; 6] = [
    "Talked through what went well this month; agreed to keep the same routine.",
    "A harder few weeks: missed two sessions after a change at home. Back on track now.",
    "Managed the first step without prompting. Everyone noticed.",
    "New skill: asked for help when stuck instead of walking away.",
    "Steady progress. Reviewed the target and kept it as it is.",
    "Said in their own words what has changed since the spring.",
];

async fn year_of_progress(store: &Store, user: &User, plan: &Plan) -> anyhow::Result<()> {
    let actor = user.actor();
    let first = TODAY - Duration::weeks(52);
    let steps = 13; // every four weeks
    for (o, outcome) in plan.content.outcomes.iter().enumerate().take(3) {
        for step in 0..=steps {
            let date = first + Duration::weeks(4 * step as i64);
            for (rater, person) in [("person", true), ("worker", false)] {
                let input = RatingInput {
                    outcome_id: Some(outcome.id),
                    date: Some(iso(date)),
                    rater: Some(rater.into()),
                    score: Some(score(o, step, steps, person)),
                };
                store
                    .record_rating(&actor, plan.id, &input, TODAY)
                    .await
                    .with_context(|| format!("a demo rating on {date}"))?;
            }
            if step % 2 == 1 {
                let target = outcome.steps.iter().flat_map(|s| &s.targets).next();
                let input = ProgressNoteInput {
                    date: Some(iso(date - Duration::days(1))),
                    outcome_id: if target.is_some() && step % 4 == 3 {
                        None
                    } else {
                        Some(outcome.id)
                    },
                    target_id: target.filter(|_| step % 4 == 3).map(|t| t.id),
                    text: Some(NOTES[(step / 2 + o) % NOTES.len()].into()),
                    behaviour_or_skill: step % 4 == 3,
                };
                store
                    .record_note(&actor, plan.id, &input, TODAY)
                    .await
                    .with_context(|| format!("a demo note on {date}"))?;
            }
        }
    }
    // Weekly attendance of the first two provisions running, from when
    // each started: mostly attended, now and then missed or cancelled.
    for provision in plan
        .content
        .provision
        .iter()
        .filter(|p| p.ended.is_none() && p.from.is_some_and(|f| f < TODAY))
        .take(2)
    {
        let mut date = provision.from.unwrap_or(TODAY).max(first);
        let mut n = 0;
        while date <= TODAY && provision.until.is_none_or(|u| date <= u) {
            let (status, by) = match n % 9 {
                4 => ("missed", None),
                7 => ("cancelled", Some(if n % 2 == 0 { "provider" } else { "person" })),
                _ => ("attended", None),
            };
            let input = AttendanceInput {
                provision_id: Some(provision.id),
                date: Some(iso(date)),
                status: Some(status.into()),
                cancelled_by: by.map(str::to_owned),
            };
            store
                .record_attendance(&actor, plan.id, &input, TODAY)
                .await
                .with_context(|| format!("demo attendance on {date}"))?;
            date += Duration::weeks(1);
            n += 1;
        }
    }
    Ok(())
}

async fn cp_meetings(store: &Store, types: &Registry, user: &User, plan: &Plan) -> anyhow::Result<()> {
    let actor = user.actor();
    let labels = MeetingLabels::for_plan_type(types.get(&plan.plan_type));
    let parties: Vec<_> = plan.parties.iter().map(|p| p.id).collect();
    let owner = |i: usize| parties.get(i % parties.len().max(1)).copied();
    let chair = plan
        .lead_party_id
        .and_then(|id| plan.party(id))
        .map_or_else(|| user.name.clone(), |p| p.name.clone());
    let first_date = TODAY - Duration::weeks(10);
    let first = MeetingInput {
        date: Some(iso(first_date)),
        chair: Some(chair.clone()),
        attendee_party_ids: parties.iter().take(4).copied().collect(),
        other_apologies: vec!["School nurse".into()],
        discussion: Some(
            "Mornings are still the hardest part of the day. Everyone agreed Ruby's own plan for the \
             walk to school is working and should carry on."
                .into(),
        ),
        actions: vec![
            ActionPointInput {
                text: Some("Arrange a breakfast club place from the start of next month".into()),
                owner_party_id: owner(1),
                due: Some(iso(first_date + Duration::weeks(3))),
            },
            ActionPointInput {
                text: Some("Book a hearing test with the audiology clinic".into()),
                owner_party_id: owner(2),
                due: Some(iso(first_date + Duration::weeks(5))),
            },
        ],
        ..Default::default()
    };
    let recorded = store
        .record_meeting(&actor, plan.id, &first, &labels)
        .await
        .context("the first demo child planning meeting")?;
    let actions = &recorded.record.actions;
    let second_date = TODAY - Duration::weeks(4);
    let second = MeetingInput {
        date: Some(iso(second_date)),
        chair: Some(chair),
        attendee_party_ids: parties.iter().take(3).copied().collect(),
        discussion: Some("Breakfast club has made a real difference to Ruby's mornings.".into()),
        follow_ups: vec![
            FollowUpInput {
                action_id: Some(actions[0].id),
                outcome: Some("done".into()),
                new_due: None,
                note: Some("Started on the 1st; Ruby goes four days a week".into()),
            },
            FollowUpInput {
                action_id: Some(actions[1].id),
                outcome: Some("carried_forward".into()),
                new_due: Some(iso(TODAY + Duration::days(3))),
                note: Some("On the clinic's waiting list".into()),
            },
        ],
        actions: vec![ActionPointInput {
            text: Some("Share the new bedtime routine with Ruby's gran".into()),
            owner_party_id: owner(0),
            due: Some(iso(TODAY - Duration::days(2))),
        }],
        ..Default::default()
    };
    store
        .record_meeting(&actor, plan.id, &second, &labels)
        .await
        .context("the second demo child planning meeting")?;
    Ok(())
}

/// Writes the demo's progress and meetings (after its plans).
pub(super) async fn load(store: &Store, types: &Registry, users: &HashMap<&'static str, User>) -> anyhow::Result<()> {
    let hannah = &users["hannah.reid@example.org"];
    let sam = &users["sam.okafor@example.org"];
    let ruby = plan_of(store, hannah, "CP").await?;
    let jade = plan_of(store, sam, "SH").await?;
    year_of_progress(store, hannah, &ruby).await?;
    year_of_progress(store, sam, &jade).await?;
    cp_meetings(store, types, hannah, &ruby).await?;
    Ok(())
}
