//! What one plan puts in the dashboard's index (SPEC M1, M4, R4): its due
//! items (formal reviews, one-off actions, meeting action points, the plan
//! type's meeting and review clocks), whether it waits for agreement, has a
//! safety plan in force, or is reviewed weekly. Storage rebuilds these rows
//! for a plan whenever the plan or its meetings change, so the dashboard
//! reads small indexed tables and never scans plans.
//!
//! The rules, from the plan as it stands and its meetings:
//! - **formal reviews**: the first is due the formal-review clock's length
//!   after the plan's start date, each next one after the date the last
//!   was held (opened); a review held is done on that date;
//! - **actions**: a provision with no frequency and an end date is a
//!   one-off action due on that date, done when it is ended;
//! - **meeting action points**: due on their latest date (carried forward
//!   or first), done on the date of the meeting that followed them up as
//!   done, closed without being done when followed up as not done; the
//!   owner party's agency (or name) is shown;
//! - **clocks** a plan type declares from a meeting or a formal review run
//!   from the last one, done when the next one is held;
//! - **waiting for agreement**: an active plan with required parties still
//!   to agree (never, declined, or asked again), since the plan's last
//!   change;
//! - **safety plan**: a risk with what staff or the person do, or a
//!   contingency; last checked at the latest review of any kind;
//! - **weekly review**: plan types with a weekly support review, from the
//!   plan's start date (or creation), last on the latest weekly review.
//!
//! - **who is responsible** for each item (and so reminded of it): an
//!   action's or action point's owner party's account; for everything
//!   else, or an owner without an account, the plan's Lead Professional's
//!   account; failing that the plan's creator ([`IndexedDue::owner`]).
//!
//! Requests that start a clock add their items too
//! ([`super::requests::request_items`]).
//!
//! A plan that is no longer active keeps only what was done (for the
//! on-time share), nothing open.

use time::Date;
use uuid::Uuid;

use super::calendar::{BankHolidays, Region};
use super::clocks::{ClockEvent, clocks_of, formal_review_clock};
use super::dashboard::DueKind;
use super::meetings::{FollowUpOutcome, Meeting};
use crate::plan::Plan;
use crate::plan_type::PlanType;
use crate::review::ReviewKind;

/// One due item of a plan, keyed stably within the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedDue {
    pub key: String,
    pub kind: DueKind,
    pub label: String,
    pub agency: Option<String>,
    pub due: Date,
    pub done_on: Option<Date>,
    /// Closed without being done.
    pub closed: bool,
    /// The user responsible, who is reminded of it: an action's or action
    /// point's owner party's account, else the plan's ([`plan_owner`]).
    /// None means the plan's creator (storage knows who that is).
    pub owner: Option<Uuid>,
}

/// The user responsible for what the plan itself has due (its reviews and
/// clocks): its Lead Professional's account. None when the lead has no
/// account (or there is no lead): then the plan's creator, whom storage
/// knows.
pub fn plan_owner(plan: &Plan) -> Option<Uuid> {
    plan.lead_party().and_then(|p| p.user_id)
}

/// The user responsible for something a party of the plan owns: that
/// party's account, else the plan's ([`plan_owner`]).
pub fn party_owner(plan: &Plan, party_id: Option<Uuid>) -> Option<Uuid> {
    party_id
        .and_then(|id| plan.party(id))
        .and_then(|p| p.user_id)
        .or_else(|| plan_owner(plan))
}

/// Everything one plan puts in the index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanIndex {
    pub due: Vec<IndexedDue>,
    /// Since when, and who still has to agree.
    pub agreement: Option<(Date, Vec<String>)>,
    /// Some when a safety plan is in force: when it was last checked.
    pub safety_plan: Option<Option<Date>>,
    /// Some when reviewed weekly: from when, and the last weekly review.
    pub weekly: Option<(Date, Option<Date>)>,
}

fn safety_plan_in_force(plan: &Plan) -> bool {
    let some = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
    plan.content
        .risks
        .iter()
        .filter(|r| !plan.reviews.ended.contains_key(&r.id))
        .any(|r| some(&r.what_staff_do) || some(&r.what_i_do) || some(&r.contingency))
}

/// The index rows of one plan. `meetings` are its planning meetings in any
/// order; working-day clocks count in `region`, and a clock the calendar
/// does not cover is left out.
pub fn index_plan(
    plan: &Plan,
    plan_type: Option<&PlanType>,
    meetings: &[Meeting],
    calendar: &BankHolidays,
    region: Region,
) -> PlanIndex {
    index_plan_with(plan, plan_type, meetings, calendar, region, None)
}

/// [`index_plan`], given where the parties stand against the plan if that
/// is already known (the plan's content hash is the costly part: a save
/// works it out once, before its turn to write).
pub fn index_plan_with(
    plan: &Plan,
    plan_type: Option<&PlanType>,
    meetings: &[Meeting],
    calendar: &BankHolidays,
    region: Region,
    standings: Option<&crate::agreement::Standings<'_>>,
) -> PlanIndex {
    debug_assert!(standings.is_none_or(|s| std::ptr::eq(s.plan(), plan)));
    let mut index = PlanIndex::default();
    let owner = plan_owner(plan);
    let active = plan.status.is_active();
    let mut meetings: Vec<&Meeting> = meetings.iter().collect();
    meetings.sort_by_key(|m| m.date);
    let formal: Vec<Date> = plan
        .reviews
        .reviews
        .iter()
        .filter(|r| r.kind == ReviewKind::Formal)
        .map(|r| r.opened_on)
        .collect();

    // Formal reviews.
    if let (Some(plan_type), Some(start)) = (plan_type, plan.details.start_date) {
        let clock = formal_review_clock(plan_type, plan.details.review_interval_weeks);
        let mut from = start;
        for (i, held) in formal.iter().enumerate() {
            if let Ok(due) = clock.due(from, calendar, region) {
                index.due.push(IndexedDue {
                    key: format!("review:{}", i + 1),
                    kind: DueKind::Review,
                    label: format!("{} (R{})", clock.label, i + 1),
                    agency: None,
                    due,
                    done_on: Some(*held),
                    closed: false,
                    owner,
                });
            }
            from = *held;
        }
        if let Ok(due) = clock.due(from, calendar, region) {
            index.due.push(IndexedDue {
                key: format!("review:{}", formal.len() + 1),
                kind: DueKind::Review,
                label: format!("{} (R{})", clock.label, formal.len() + 1),
                agency: None,
                due,
                done_on: None,
                closed: false,
                owner,
            });
        }
    }

    // The plan type's own clocks from meetings and reviews.
    if let Some(plan_type) = plan_type {
        for clock in clocks_of(plan_type, plan.details.review_interval_weeks).iter().skip(1) {
            let events: Vec<Date> = match clock.from {
                ClockEvent::Meeting => meetings.iter().map(|m| m.date).collect(),
                ClockEvent::Review => formal.clone(),
                ClockEvent::Agreement | ClockEvent::Request => continue,
            };
            for (i, event) in events.iter().enumerate() {
                let Ok(due) = clock.due(*event, calendar, region) else {
                    continue;
                };
                index.due.push(IndexedDue {
                    key: format!("clock:{}:{}", clock.key, i + 1),
                    kind: DueKind::Clock,
                    label: clock.label.clone(),
                    agency: None,
                    due,
                    done_on: events.get(i + 1).copied(),
                    closed: false,
                    owner,
                });
            }
        }
    }

    let agency_of = |party_id| {
        plan.party(party_id).map(|p| {
            p.agency
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| p.name.clone())
        })
    };

    // One-off actions of the provision.
    for provision in &plan.content.provision {
        let (None, Some(until)) = (provision.frequency, provision.until) else {
            continue;
        };
        index.due.push(IndexedDue {
            key: format!("action:{}", provision.id),
            kind: DueKind::Action,
            label: provision.what.clone(),
            agency: provision.party_id.and_then(agency_of),
            due: until,
            done_on: provision.ended.as_ref().map(|e| e.on),
            closed: false,
            owner: party_owner(plan, provision.party_id),
        });
    }

    // Meeting action points.
    for meeting in &meetings {
        for action in &meeting.actions {
            let mut item = IndexedDue {
                key: format!("meeting_action:{}", action.id),
                kind: DueKind::MeetingAction,
                label: action.text.clone(),
                agency: agency_of(action.owner_party_id),
                due: action.due,
                done_on: None,
                closed: false,
                owner: party_owner(plan, Some(action.owner_party_id)),
            };
            for later in meetings.iter().filter(|m| m.date > meeting.date) {
                for follow_up in later.follow_ups.iter().filter(|f| f.action_id == action.id) {
                    match follow_up.outcome {
                        FollowUpOutcome::CarriedForward { new_due } => item.due = new_due,
                        FollowUpOutcome::Done => item.done_on = Some(later.date),
                        FollowUpOutcome::NotDone => item.closed = true,
                    }
                }
            }
            index.due.push(item);
        }
    }

    if !active {
        index.due.retain(|d| d.done_on.is_some() || d.closed);
        return index;
    }

    let to_ask = match standings {
        Some(standings) => standings.to_ask(),
        None => crate::agreement::to_ask(plan),
    };
    let to_ask: Vec<String> = to_ask
        .into_iter()
        .filter_map(|id| plan.party(id).map(|p| p.name.clone()))
        .collect();
    if !to_ask.is_empty() {
        index.agreement = Some((plan.updated_at.date(), to_ask));
    }
    if safety_plan_in_force(plan) {
        index.safety_plan = Some(plan.reviews.reviews.iter().map(|r| r.opened_on).max());
    }
    if plan_type.is_some_and(|t| t.reviews.weekly) {
        let from = plan.details.start_date.unwrap_or(plan.created_at.date());
        let last = plan
            .reviews
            .reviews
            .iter()
            .filter(|r| r.kind == ReviewKind::Weekly)
            .map(|r| r.opened_on)
            .max();
        index.weekly = Some((from, last));
    }
    index
}

#[cfg(test)]
mod tests {
    use time::macros::date;
    use uuid::Uuid;

    use super::*;
    use crate::monitoring::meetings::tests::plan_with_parties;
    use crate::monitoring::meetings::{ActionPoint, FollowUp};

    fn cp() -> PlanType {
        crate::plan_type::parse("cp.toml", include_str!("../../plan-types/cp.toml")).unwrap()
    }

    #[test]
    fn meeting_actions_reviews_and_closed_points() {
        let mut plan = plan_with_parties();
        plan.details.start_date = Some(date!(2026 - 01 - 05));
        plan.details.review_interval_weeks = Some(12);
        plan.parties[1].agency = Some("Fife Council Social Work".into());
        let a = |n: u128, owner: u128, due| ActionPoint {
            id: Uuid::from_u128(n),
            text: format!("Action {n}"),
            owner_party_id: Uuid::from_u128(owner),
            due,
        };
        let first = Meeting {
            date: date!(2026 - 03 - 02),
            chair: "Mair Jones".into(),
            attendees: vec![],
            apologies: vec![],
            discussion: None,
            actions: vec![
                a(1, 2, date!(2026 - 03 - 16)),
                a(2, 1, date!(2026 - 03 - 30)),
                a(3, 1, date!(2026 - 03 - 30)),
            ],
            follow_ups: vec![],
        };
        let follow = |n: u128, outcome| FollowUp {
            action_id: Uuid::from_u128(n),
            outcome,
            note: None,
        };
        let second = Meeting {
            date: date!(2026 - 04 - 06),
            follow_ups: vec![
                follow(1, FollowUpOutcome::Done),
                follow(
                    2,
                    FollowUpOutcome::CarriedForward {
                        new_due: date!(2026 - 04 - 20),
                    },
                ),
                follow(3, FollowUpOutcome::NotDone),
            ],
            actions: vec![],
            ..first.clone()
        };
        let index = index_plan(
            &plan,
            Some(&cp()),
            &[second, first],
            &BankHolidays::builtin(),
            Region::Scotland,
        );
        let find = |key: &str| index.due.iter().find(|d| d.key == key).unwrap();
        let review = find("review:1");
        assert_eq!((review.due, review.done_on), (date!(2026 - 03 - 30), None));
        let one = find(&format!("meeting_action:{}", Uuid::from_u128(1)));
        assert_eq!(one.done_on, Some(date!(2026 - 04 - 06)));
        assert_eq!(one.agency.as_deref(), Some("Fife Council Social Work"));
        let two = find(&format!("meeting_action:{}", Uuid::from_u128(2)));
        assert_eq!((two.due, two.done_on, two.closed), (date!(2026 - 04 - 20), None, false));
        assert_eq!(two.agency.as_deref(), Some("Mair Jones"));
        assert!(find(&format!("meeting_action:{}", Uuid::from_u128(3))).closed);
        // CP's clock: the next meeting within 30 working days of the last.
        let next = find("clock:next_meeting:1");
        assert_eq!(next.done_on, Some(date!(2026 - 04 - 06)));
        assert!(next.due > date!(2026 - 04 - 06));
        let next = find("clock:next_meeting:2");
        assert_eq!((next.kind, next.done_on), (DueKind::Clock, None));
    }

    #[test]
    fn each_item_is_owned_by_the_person_responsible() {
        let mut plan = plan_with_parties();
        plan.details.start_date = Some(date!(2026 - 01 - 05));
        let (lead_user, other_user) = (Uuid::from_u128(901), Uuid::from_u128(902));
        plan.parties[0].user_id = Some(lead_user); // Mair Jones, the lead
        plan.parties[1].user_id = Some(other_user);
        let meeting = Meeting {
            date: date!(2026 - 03 - 02),
            chair: "Mair Jones".into(),
            attendees: vec![],
            apologies: vec![],
            discussion: None,
            actions: vec![ActionPoint {
                id: Uuid::from_u128(1),
                text: "Book a hearing test".into(),
                owner_party_id: Uuid::from_u128(2),
                due: date!(2026 - 03 - 16),
            }],
            follow_ups: vec![],
        };
        let owners = |plan: &Plan| {
            let index = index_plan(
                plan,
                Some(&cp()),
                std::slice::from_ref(&meeting),
                &BankHolidays::builtin(),
                Region::Scotland,
            );
            let owner = |key: &str| index.due.iter().find(|d| d.key.starts_with(key)).unwrap().owner;
            (owner("review:"), owner("clock:"), owner("meeting_action:"))
        };
        // The action point's owner party's account; the review and the
        // meeting clock the lead's.
        assert_eq!(owners(&plan), (Some(lead_user), Some(lead_user), Some(other_user)));
        // An owner party without an account: the lead's.
        plan.parties[1].user_id = None;
        assert_eq!(owners(&plan), (Some(lead_user), Some(lead_user), Some(lead_user)));
        // A lead without an account: None, that is the plan's creator.
        plan.parties[0].user_id = None;
        assert_eq!(owners(&plan), (None, None, None));
    }
}
