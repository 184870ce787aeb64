//! Planning meetings (SPEC M3): who chaired and came, apologies, what was
//! discussed, and the **agreed action points**, each with an owner (one of
//! the plan's parties) and a due date. Each meeting after the first opens
//! with the action points still open from the meetings before and follows
//! each one up: done, not done, or carried forward with a new date.
//!
//! A meeting is stored once and never changed. An action point keeps the id
//! it was given at the meeting that agreed it; a follow-up names that id, so
//! a point carried through several meetings has its whole history in the
//! follow-up rows ([`action_history`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::error::{FieldErrors, optional_date, optional_text, required_text};
use crate::plan::{Plan, format_date};
use crate::plan_type::{PlanType, SectionKind};

/// The longest chair or attendee name.
const MAX_NAME: usize = 200;
/// The longest action point.
const MAX_ACTION: usize = 2_000;
/// The longest discussion.
const MAX_DISCUSSION: usize = 20_000;

/// The words of the meeting form: the plan type's where it has a meetings
/// section (CP's "Child planning meetings", "Who will do it?", "By when?"),
/// plain defaults otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingLabels {
    pub title: String,
    pub chair: String,
    pub attendees: String,
    pub action: String,
    pub owner: String,
    pub due: String,
    pub followed_up: String,
}

impl Default for MeetingLabels {
    fn default() -> Self {
        MeetingLabels {
            title: "Planning meetings".into(),
            chair: "Chair".into(),
            attendees: "Who attended".into(),
            action: "Agreed action point".into(),
            owner: "Who will do it?".into(),
            due: "By when?".into(),
            followed_up: "Followed up".into(),
        }
    }
}

impl MeetingLabels {
    pub fn for_plan_type(plan_type: Option<&PlanType>) -> MeetingLabels {
        let mut labels = MeetingLabels::default();
        let Some(section) = plan_type.and_then(|t| t.sections_of(SectionKind::Meetings).next()) else {
            return labels;
        };
        let take = |key: &str, into: &mut String| {
            if let Some(label) = section.labels.get(key) {
                *into = label.clone();
            }
        };
        take("title", &mut labels.title);
        take("chair", &mut labels.chair);
        take("attendees", &mut labels.attendees);
        take("action", &mut labels.action);
        take("owner", &mut labels.owner);
        take("due", &mut labels.due);
        take("followed_up", &mut labels.followed_up);
        labels
    }
}

/// Someone at (or sending apologies to) a meeting: one of the plan's
/// parties, or someone else named as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Attendee {
    Party { party_id: Uuid },
    Other { name: String },
}

/// An agreed action point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActionPoint {
    pub id: Uuid,
    pub text: String,
    /// The party who will do it.
    pub owner_party_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
}

/// What became of an open action point, decided at a later meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FollowUpOutcome {
    Done,
    NotDone,
    CarriedForward {
        #[schema(value_type = String, format = Date)]
        new_due: Date,
    },
}

/// One open action point followed up at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub action_id: Uuid,
    #[serde(flatten)]
    pub outcome: FollowUpOutcome,
    pub note: Option<String>,
}

/// A planning meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Meeting {
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub chair: String,
    pub attendees: Vec<Attendee>,
    pub apologies: Vec<Attendee>,
    pub discussion: Option<String>,
    /// The action points agreed at this meeting.
    pub actions: Vec<ActionPoint>,
    /// The earlier meetings' open action points, followed up.
    pub follow_ups: Vec<FollowUp>,
}

/// An action point as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionPointInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000)]
    pub text: Option<String>,
    #[schema(value_type = Uuid, required = true)]
    pub owner_party_id: Option<Uuid>,
    /// `YYYY-MM-DD`, on or after the meeting.
    #[schema(value_type = String, format = Date, required = true)]
    pub due: Option<String>,
}

/// A follow-up as typed: `outcome` is `done`, `not_done` or
/// `carried_forward` (which needs `new_due`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    #[schema(value_type = Uuid, required = true)]
    pub action_id: Option<Uuid>,
    #[schema(value_type = FollowUpName, required = true)]
    pub outcome: Option<String>,
    /// Needed when `outcome` is `carried_forward`.
    #[schema(value_type = Option<String>, format = Date)]
    pub new_due: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

crate::plan_type::name_enum! {
    /// What became of an open action point, as the API takes it.
    pub enum FollowUpName ("follow-up") {
        Done = "done",
        NotDone = "not_done",
        /// Needs `new_due`.
        CarriedForward = "carried_forward",
    }
}

/// A meeting as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MeetingInput {
    /// `YYYY-MM-DD`, after the plan's last meeting.
    #[schema(value_type = String, format = Date, required = true)]
    pub date: Option<String>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200)]
    pub chair: Option<String>,
    #[serde(default)]
    pub attendee_party_ids: Vec<Uuid>,
    /// People who came who are not parties of the plan.
    #[serde(default)]
    pub other_attendees: Vec<String>,
    #[serde(default)]
    pub apology_party_ids: Vec<Uuid>,
    #[serde(default)]
    pub other_apologies: Vec<String>,
    #[schema(max_length = 20000)]
    pub discussion: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionPointInput>,
    #[serde(default)]
    pub follow_ups: Vec<FollowUpInput>,
}

/// An action point still open (not yet followed up as done or not done),
/// with the date it is now due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAction {
    pub action: ActionPoint,
    /// The date of the meeting that agreed it.
    pub agreed_on: Date,
    /// Its due date now (the last carried-forward date, or the first).
    pub due: Date,
}

/// One step in an action point's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionEvent {
    Agreed {
        on: Date,
        due: Date,
    },
    Followed {
        on: Date,
        outcome: FollowUpOutcome,
        note: Option<String>,
    },
}

/// The meetings in date order (ties in the given order).
fn in_order(meetings: &[Meeting]) -> Vec<&Meeting> {
    let mut ordered: Vec<&Meeting> = meetings.iter().collect();
    ordered.sort_by_key(|m| m.date);
    ordered
}

/// The action points still open after all the given meetings, in the order
/// they were agreed.
pub fn open_actions(meetings: &[Meeting]) -> Vec<OpenAction> {
    let mut open: Vec<OpenAction> = Vec::new();
    for meeting in in_order(meetings) {
        for follow_up in &meeting.follow_ups {
            let Some(index) = open.iter().position(|o| o.action.id == follow_up.action_id) else {
                continue;
            };
            match follow_up.outcome {
                FollowUpOutcome::CarriedForward { new_due } => open[index].due = new_due,
                FollowUpOutcome::Done | FollowUpOutcome::NotDone => {
                    open.remove(index);
                }
            }
        }
        for action in &meeting.actions {
            open.push(OpenAction {
                action: action.clone(),
                agreed_on: meeting.date,
                due: action.due,
            });
        }
    }
    open
}

/// Everything that happened to one action point, in date order.
pub fn action_history(meetings: &[Meeting], action_id: Uuid) -> Vec<ActionEvent> {
    let mut events = Vec::new();
    for meeting in in_order(meetings) {
        if let Some(action) = meeting.actions.iter().find(|a| a.id == action_id) {
            events.push(ActionEvent::Agreed {
                on: meeting.date,
                due: action.due,
            });
        }
        for follow_up in meeting.follow_ups.iter().filter(|f| f.action_id == action_id) {
            events.push(ActionEvent::Followed {
                on: meeting.date,
                outcome: follow_up.outcome,
                note: follow_up.note.clone(),
            });
        }
    }
    events
}

fn names(errors: &mut FieldErrors, field: &str, values: &[String]) -> Vec<Attendee> {
    values
        .iter()
        .enumerate()
        .filter_map(|(i, name)| optional_text(errors, &format!("{field}[{i}]"), Some(name), MAX_NAME))
        .map(|name| Attendee::Other { name })
        .collect()
}

fn parties(errors: &mut FieldErrors, plan: &Plan, field: &str, ids: &[Uuid]) -> Vec<Attendee> {
    let mut seen = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if plan.party(*id).is_none() {
            errors.add(&format!("{field}[{i}]"), "Choose one of the plan's parties");
        } else if !seen.contains(id) {
            seen.push(*id);
        }
    }
    seen.into_iter().map(|party_id| Attendee::Party { party_id }).collect()
}

impl MeetingInput {
    /// The meeting as typed, checked against the plan and its earlier
    /// meetings. `new_id` gives each new action point its id.
    ///
    /// Refused, each with a message naming the field: no date or chair; a
    /// date not after the last meeting; an action point with no text, no
    /// owner, an owner who is not a party of the plan, no due date or a due
    /// date before the meeting; an open action point not followed up, or
    /// followed up twice, or carried to a date before the meeting; a
    /// follow-up of a point that is not open.
    pub fn parse(
        &self,
        plan: &Plan,
        earlier: &[Meeting],
        labels: &MeetingLabels,
        mut new_id: impl FnMut() -> Uuid,
    ) -> Result<Meeting, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = optional_date(&mut errors, "date", self.date.as_deref());
        if date.is_none() && errors.get("date").is_none() {
            errors.add("date", "Enter the date of the meeting");
        }
        let last = earlier.iter().map(|m| m.date).max();
        if let (Some(date), Some(last)) = (date, last)
            && date <= last
        {
            errors.add(
                "date",
                format!("The meeting must be after the last meeting, on {}", format_date(last)),
            );
        }
        let chair = required_text(
            &mut errors,
            "chair",
            self.chair.as_deref(),
            MAX_NAME,
            &format!("Enter who chaired the meeting ({})", labels.chair),
        );
        let mut attendees = parties(&mut errors, plan, "attendee_party_ids", &self.attendee_party_ids);
        attendees.extend(names(&mut errors, "other_attendees", &self.other_attendees));
        let mut apologies = parties(&mut errors, plan, "apology_party_ids", &self.apology_party_ids);
        apologies.extend(names(&mut errors, "other_apologies", &self.other_apologies));
        let discussion = optional_text(&mut errors, "discussion", self.discussion.as_deref(), MAX_DISCUSSION);

        let mut actions = Vec::new();
        for (i, input) in self.actions.iter().enumerate() {
            let field = |name: &str| format!("actions[{i}].{name}");
            let text = required_text(
                &mut errors,
                &field("text"),
                input.text.as_deref(),
                MAX_ACTION,
                &format!("Enter the {}", labels.action.to_lowercase()),
            );
            let owner = match input.owner_party_id {
                None => {
                    errors.add(
                        &field("owner_party_id"),
                        format!("{} Choose who will do action point {}", labels.owner, i + 1),
                    );
                    None
                }
                Some(id) if plan.party(id).is_none() => {
                    errors.add(
                        &field("owner_party_id"),
                        format!("{} Choose one of the plan's parties", labels.owner),
                    );
                    None
                }
                Some(id) => Some(id),
            };
            let due = optional_date(&mut errors, &field("due"), input.due.as_deref());
            if due.is_none() && errors.get(&field("due")).is_none() {
                errors.add(
                    &field("due"),
                    format!("{} Enter the date action point {} is due", labels.due, i + 1),
                );
            }
            if let (Some(due), Some(date)) = (due, date)
                && due < date
            {
                errors.add(
                    &field("due"),
                    format!(
                        "{} The due date must be on or after the meeting, {}",
                        labels.due,
                        format_date(date)
                    ),
                );
            }
            if let (Some(owner_party_id), Some(due)) = (owner, due) {
                actions.push(ActionPoint {
                    id: new_id(),
                    text,
                    owner_party_id,
                    due,
                });
            }
        }

        let open = open_actions(earlier);
        let mut follow_ups = Vec::new();
        let mut answered: BTreeMap<Uuid, usize> = BTreeMap::new();
        for (i, input) in self.follow_ups.iter().enumerate() {
            let field = |name: &str| format!("follow_ups[{i}].{name}");
            let Some(action_id) = input.action_id.filter(|id| open.iter().any(|o| o.action.id == *id)) else {
                errors.add(
                    &field("action_id"),
                    "Choose an open action point from an earlier meeting",
                );
                continue;
            };
            if answered.insert(action_id, i).is_some() {
                errors.add(&field("action_id"), "This action point is already followed up");
                continue;
            }
            let note = optional_text(&mut errors, &field("note"), input.note.as_deref(), MAX_ACTION);
            let outcome = match input.outcome.as_deref().map(str::trim).unwrap_or("") {
                "done" => Some(FollowUpOutcome::Done),
                "not_done" => Some(FollowUpOutcome::NotDone),
                "carried_forward" => {
                    let new_due = optional_date(&mut errors, &field("new_due"), input.new_due.as_deref());
                    match (new_due, date) {
                        (None, _) => {
                            if errors.get(&field("new_due")).is_none() {
                                errors.add(&field("new_due"), "Enter the new date the action point is carried to");
                            }
                            None
                        }
                        (Some(new_due), Some(date)) if new_due < date => {
                            errors.add(
                                &field("new_due"),
                                format!("The new date must be on or after the meeting, {}", format_date(date)),
                            );
                            None
                        }
                        (Some(new_due), _) => Some(FollowUpOutcome::CarriedForward { new_due }),
                    }
                }
                "" => {
                    errors.add(&field("outcome"), "Choose done, not done or carried forward");
                    None
                }
                other => {
                    errors.add(&field("outcome"), format!("Unknown follow-up \"{other}\""));
                    None
                }
            };
            if let Some(outcome) = outcome {
                follow_ups.push(FollowUp {
                    action_id,
                    outcome,
                    note,
                });
            }
        }
        for action in &open {
            if !answered.contains_key(&action.action.id) {
                errors.add(
                    "follow_ups",
                    format!(
                        "{}: say what became of \"{}\" (done, not done or carried forward)",
                        labels.followed_up, action.action.text
                    ),
                );
            }
        }

        errors.into_result(Meeting {
            date: date.unwrap_or(Date::MIN),
            chair,
            attendees,
            apologies,
            discussion,
            actions,
            follow_ups,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use time::macros::date;

    use super::*;
    use crate::plan::{Party, PartyRole, PlanStatus};

    pub(crate) fn plan_with_parties() -> Plan {
        let party = |n: u128, name: &str| Party {
            id: Uuid::from_u128(n),
            name: name.into(),
            role: PartyRole::Other,
            agency: None,
            relationship: None,
            contact: None,
            user_id: None,
        };
        Plan {
            id: Uuid::from_u128(100),
            person_id: Uuid::from_u128(101),
            plan_type: "CP".into(),
            number: 1,
            details: crate::plan::PlanDetails {
                title: "Child's Plan".into(),
                start_date: None,
                review_interval_weeks: None,
            },
            status: PlanStatus::Agreed,
            parties: vec![party(1, "Mair Jones"), party(2, "Callum Reid")],
            lead_party_id: Some(Uuid::from_u128(1)),
            content: Default::default(),
            agreements: Default::default(),
            reviews: Default::default(),
            links: Default::default(),
            consents: Default::default(),
            version: 1,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 1000;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    fn first_meeting() -> MeetingInput {
        MeetingInput {
            date: Some("2026-03-02".into()),
            chair: Some("Mair Jones".into()),
            attendee_party_ids: vec![Uuid::from_u128(1), Uuid::from_u128(2)],
            other_attendees: vec!["Dr Anwen Price".into()],
            other_apologies: vec!["Headteacher".into()],
            discussion: Some("School mornings are hard.".into()),
            actions: vec![
                ActionPointInput {
                    text: Some("Arrange a breakfast club place".into()),
                    owner_party_id: Some(Uuid::from_u128(2)),
                    due: Some("2026-03-16".into()),
                },
                ActionPointInput {
                    text: Some("Book a hearing test".into()),
                    owner_party_id: Some(Uuid::from_u128(1)),
                    due: Some("2026-03-30".into()),
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn cp_labels_come_from_the_plan_type() {
        let cp = crate::plan_type::parse("cp.toml", include_str!("../../plan-types/cp.toml")).unwrap();
        let labels = MeetingLabels::for_plan_type(Some(&cp));
        assert_eq!(labels.title, "Child planning meetings");
        assert_eq!(labels.owner, "Who will do it?");
        assert_eq!(labels.due, "By when?");
        assert_eq!(MeetingLabels::for_plan_type(None).title, "Planning meetings");
    }

    #[test]
    fn two_meetings_follow_up_one_done_one_carried_with_history() {
        let plan = plan_with_parties();
        let labels = MeetingLabels::default();
        let mut next = ids();
        let first = first_meeting().parse(&plan, &[], &labels, &mut next).unwrap();
        assert_eq!(first.attendees.len(), 3);
        assert_eq!(
            first.apologies,
            vec![Attendee::Other {
                name: "Headteacher".into()
            }]
        );
        let open = open_actions(std::slice::from_ref(&first));
        assert_eq!(open.len(), 2);

        // The second meeting must follow up both open points.
        let mut second = MeetingInput {
            date: Some("2026-04-06".into()),
            chair: Some("Mair Jones".into()),
            ..Default::default()
        };
        let errors = second
            .parse(&plan, std::slice::from_ref(&first), &labels, &mut next)
            .unwrap_err();
        assert_eq!(errors.0.iter().filter(|e| e.field == "follow_ups").count(), 2);

        second.follow_ups = vec![
            FollowUpInput {
                action_id: Some(first.actions[0].id),
                outcome: Some("done".into()),
                ..Default::default()
            },
            FollowUpInput {
                action_id: Some(first.actions[1].id),
                outcome: Some("carried_forward".into()),
                new_due: Some("2026-04-20".into()),
                note: Some("Waiting list".into()),
            },
        ];
        let second = second
            .parse(&plan, std::slice::from_ref(&first), &labels, &mut next)
            .unwrap();
        let meetings = [first.clone(), second];
        let open = open_actions(&meetings);
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].action.id, first.actions[1].id);
        assert_eq!(open[0].due, date!(2026 - 04 - 20));
        assert_eq!(open[0].agreed_on, date!(2026 - 03 - 02));
        assert_eq!(
            action_history(&meetings, first.actions[1].id),
            vec![
                ActionEvent::Agreed {
                    on: date!(2026 - 03 - 02),
                    due: date!(2026 - 03 - 30)
                },
                ActionEvent::Followed {
                    on: date!(2026 - 04 - 06),
                    outcome: FollowUpOutcome::CarriedForward {
                        new_due: date!(2026 - 04 - 20)
                    },
                    note: Some("Waiting list".into())
                },
            ]
        );
    }

    #[test]
    fn bad_action_points_are_refused_naming_the_field() {
        let plan = plan_with_parties();
        let mut input = first_meeting();
        input.actions = vec![
            ActionPointInput {
                text: Some("No owner".into()),
                owner_party_id: None,
                due: Some("2026-03-10".into()),
            },
            ActionPointInput {
                text: Some("No date".into()),
                owner_party_id: Some(Uuid::from_u128(1)),
                due: None,
            },
            ActionPointInput {
                text: Some("Before the meeting".into()),
                owner_party_id: Some(Uuid::from_u128(1)),
                due: Some("2026-03-01".into()),
            },
            ActionPointInput {
                text: Some("Stranger".into()),
                owner_party_id: Some(Uuid::from_u128(99)),
                due: Some("2026-03-10".into()),
            },
        ];
        input.attendee_party_ids.push(Uuid::from_u128(98));
        let errors = input.parse(&plan, &[], &MeetingLabels::default(), ids()).unwrap_err();
        assert!(
            errors
                .get("actions[0].owner_party_id")
                .unwrap()
                .contains("Choose who will do")
        );
        assert!(errors.get("actions[1].due").unwrap().contains("Enter the date"));
        assert!(
            errors
                .get("actions[2].due")
                .unwrap()
                .contains("on or after the meeting")
        );
        assert!(
            errors
                .get("actions[3].owner_party_id")
                .unwrap()
                .contains("plan's parties")
        );
        assert!(errors.get("attendee_party_ids[2]").is_some());
        assert_eq!(errors.0.len(), 5);
    }

    #[test]
    fn follow_ups_are_checked() {
        let plan = plan_with_parties();
        let labels = MeetingLabels::default();
        let mut next = ids();
        let first = first_meeting().parse(&plan, &[], &labels, &mut next).unwrap();
        let earlier = std::slice::from_ref(&first);
        let input = MeetingInput {
            date: Some("2026-03-02".into()),
            chair: None,
            follow_ups: vec![
                FollowUpInput {
                    action_id: Some(first.actions[0].id),
                    outcome: Some("carried_forward".into()),
                    new_due: Some("2026-02-01".into()),
                    note: None,
                },
                FollowUpInput {
                    action_id: Some(first.actions[0].id),
                    outcome: Some("done".into()),
                    ..Default::default()
                },
                FollowUpInput {
                    action_id: Some(Uuid::from_u128(5)),
                    outcome: Some("done".into()),
                    ..Default::default()
                },
                FollowUpInput {
                    action_id: Some(first.actions[1].id),
                    outcome: Some("maybe".into()),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let errors = input.parse(&plan, earlier, &labels, &mut next).unwrap_err();
        assert!(errors.get("date").unwrap().contains("after the last meeting"));
        assert!(errors.get("chair").is_some());
        assert!(errors.get("follow_ups[0].new_due").is_some());
        assert!(errors.get("follow_ups[1].action_id").unwrap().contains("already"));
        assert!(errors.get("follow_ups[2].action_id").is_some());
        assert!(errors.get("follow_ups[3].outcome").unwrap().contains("maybe"));
    }
}
