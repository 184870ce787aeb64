//! The dashboard's lists (SPEC M1, M4) as pure functions of small input
//! rows and an injected `today`. Storage feeds the rows from indexed tables
//! kept up to date with each change (one row per due item, per plan waiting
//! for agreement, per safety plan, per weekly-reviewed plan) for the plans
//! a practitioner (or a manager's team) may see; nothing here scans a plan.
//!
//! Weeks run Monday to Sunday. On `today`:
//! - **overdue**: not done and due before today;
//! - **due this week**: not done and due from today to Sunday;
//! - **waiting for agreement**: someone still has to agree, oldest first;
//! - **safety plan not checked this week**: a safety plan in force whose
//!   last check was before this Monday (or never);
//! - **weekly review missing**: a plan reviewed weekly whose last review
//!   (or, with none, its start) was more than 7 days ago.

use serde::Serialize;
use time::{Date, Duration};
use uuid::Uuid;

/// What kind of thing is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// A formal review of the plan.
    Review,
    /// An action of the plan's provision.
    Action,
    /// An action point agreed at a planning meeting.
    MeetingAction,
    /// Another clock the plan type declares.
    Clock,
    /// A clock started by a request (an assessment, a meeting asked for).
    Request,
}

/// One thing due on one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DueItem {
    pub plan_id: Uuid,
    pub person_name: String,
    pub kind: DueKind,
    /// What is due, in words ("Formal review", the action's text).
    pub label: String,
    /// The agency doing it, when known (SPEC M4).
    pub agency: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    /// When it was done, if it has been.
    #[schema(value_type = Option<String>, format = Date)]
    pub done_on: Option<Date>,
}

/// A plan someone still has to agree to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AgreementRow {
    pub plan_id: Uuid,
    pub person_name: String,
    /// When agreement was asked for.
    #[schema(value_type = String, format = Date)]
    pub asked_on: Date,
    /// Who has not yet agreed.
    pub still_to_agree: Vec<String>,
}

/// A plan with a safety plan in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SafetyPlanRow {
    pub plan_id: Uuid,
    pub person_name: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_checked: Option<Date>,
}

/// A plan that is reviewed weekly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WeeklyReviewRow {
    pub plan_id: Uuid,
    pub person_name: String,
    #[schema(value_type = String, format = Date)]
    pub started_on: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_review: Option<Date>,
}

/// Everything the dashboard lists from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardInput {
    pub due: Vec<DueItem>,
    pub agreements: Vec<AgreementRow>,
    pub safety_plans: Vec<SafetyPlanRow>,
    pub weekly_reviews: Vec<WeeklyReviewRow>,
}

/// A due item with how far it is from today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DueLine {
    pub item: DueItem,
    /// Days until due (0 today); negative when overdue.
    pub days: i64,
}

/// A plan waiting for agreement and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WaitingLine {
    pub row: AgreementRow,
    pub days_waiting: i64,
}

/// A plan missing a check or review, and when it last had one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MissingLine {
    pub plan_id: Uuid,
    pub person_name: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub last: Option<Date>,
}

/// The dashboard's lists, each in a fixed order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// Most overdue first.
    pub overdue: Vec<DueLine>,
    /// Soonest first.
    pub due_this_week: Vec<DueLine>,
    /// Longest waiting first.
    pub waiting_for_agreement: Vec<WaitingLine>,
    /// Never checked first, then longest since.
    pub safety_plans_not_checked: Vec<MissingLine>,
    /// Longest since first.
    pub weekly_reviews_missing: Vec<MissingLine>,
}

/// The Monday of the week `date` is in.
pub fn week_start(date: Date) -> Date {
    date - Duration::days(i64::from(date.weekday().number_days_from_monday()))
}

fn due_order(a: &DueLine, b: &DueLine) -> std::cmp::Ordering {
    (
        a.item.due,
        &a.item.person_name,
        a.item.kind,
        &a.item.label,
        a.item.plan_id,
    )
        .cmp(&(
            b.item.due,
            &b.item.person_name,
            b.item.kind,
            &b.item.label,
            b.item.plan_id,
        ))
}

fn missing_order(a: &MissingLine, b: &MissingLine) -> std::cmp::Ordering {
    (a.last, &a.person_name, a.plan_id).cmp(&(b.last, &b.person_name, b.plan_id))
}

/// The dashboard on `today`.
pub fn dashboard(input: &DashboardInput, today: Date) -> Dashboard {
    let monday = week_start(today);
    let sunday = monday + Duration::days(6);
    let mut board = Dashboard::default();
    for item in input.due.iter().filter(|i| i.done_on.is_none()) {
        let line = DueLine {
            item: item.clone(),
            days: (item.due - today).whole_days(),
        };
        if item.due < today {
            board.overdue.push(line);
        } else if item.due <= sunday {
            board.due_this_week.push(line);
        }
    }
    board.overdue.sort_by(due_order);
    board.due_this_week.sort_by(due_order);

    board.waiting_for_agreement = input
        .agreements
        .iter()
        .filter(|r| !r.still_to_agree.is_empty())
        .map(|row| WaitingLine {
            row: row.clone(),
            days_waiting: (today - row.asked_on).whole_days().max(0),
        })
        .collect();
    board.waiting_for_agreement.sort_by(|a, b| {
        (a.row.asked_on, &a.row.person_name, a.row.plan_id).cmp(&(b.row.asked_on, &b.row.person_name, b.row.plan_id))
    });

    board.safety_plans_not_checked = input
        .safety_plans
        .iter()
        .filter(|r| r.last_checked.is_none_or(|d| d < monday))
        .map(|r| MissingLine {
            plan_id: r.plan_id,
            person_name: r.person_name.clone(),
            last: r.last_checked,
        })
        .collect();
    board.safety_plans_not_checked.sort_by(missing_order);

    board.weekly_reviews_missing = input
        .weekly_reviews
        .iter()
        .filter(|r| (today - r.last_review.unwrap_or(r.started_on)).whole_days() > 7)
        .map(|r| MissingLine {
            plan_id: r.plan_id,
            person_name: r.person_name.clone(),
            last: r.last_review,
        })
        .collect();
    board.weekly_reviews_missing.sort_by(missing_order);
    board
}

/// Does an item of this kind count in the on-time share? Reviews, meetings
/// (the plan type's meeting deadlines, e.g. CP's next child planning
/// meeting within 30 working days of the last) and meeting action points;
/// not one-off actions of the provision nor requests.
pub fn counts_for_on_time(kind: DueKind) -> bool {
    matches!(kind, DueKind::Review | DueKind::Clock | DueKind::MeetingAction)
}

/// For a manager (SPEC M1): of the reviews, meetings and meeting action
/// points due in the quarter (91 days) up to and including `today`, how
/// many were done on or before their date, out of how many. Items still
/// open count as not on time once their date has passed.
pub fn on_time_last_quarter(items: &[DueItem], today: Date) -> (usize, usize) {
    let start = today - Duration::days(91);
    let counted: Vec<&DueItem> = items
        .iter()
        .filter(|i| counts_for_on_time(i.kind))
        .filter(|i| i.due > start && i.due <= today)
        .filter(|i| i.done_on.is_some() || i.due < today)
        .collect();
    let on_time = counted.iter().filter(|i| i.done_on.is_some_and(|d| d <= i.due)).count();
    (on_time, counted.len())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    /// Wednesday.
    const TODAY: Date = date!(2026 - 12 - 09);

    fn plan(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn due(n: u128, person: &str, kind: DueKind, label: &str, due: Date, done_on: Option<Date>) -> DueItem {
        DueItem {
            plan_id: plan(n),
            person_name: person.into(),
            kind,
            label: label.into(),
            agency: Some("Fife Council Social Work".into()),
            due,
            done_on,
        }
    }

    fn input() -> DashboardInput {
        DashboardInput {
            due: vec![
                due(
                    1,
                    "Leo Marsh",
                    DueKind::Review,
                    "Formal review",
                    date!(2026 - 12 - 11),
                    None,
                ),
                due(
                    1,
                    "Leo Marsh",
                    DueKind::MeetingAction,
                    "Book a hearing test",
                    date!(2026 - 12 - 02),
                    None,
                ),
                due(
                    2,
                    "Amira Shah",
                    DueKind::Action,
                    "Breakfast club place",
                    date!(2026 - 12 - 09),
                    None,
                ),
                due(
                    2,
                    "Amira Shah",
                    DueKind::Review,
                    "Formal review",
                    date!(2026 - 11 - 20),
                    None,
                ),
                // Done: on no list.
                due(
                    2,
                    "Amira Shah",
                    DueKind::Action,
                    "Transport form",
                    date!(2026 - 12 - 01),
                    Some(date!(2026 - 12 - 01)),
                ),
                // Next week: on no list.
                due(
                    3,
                    "Tom Price",
                    DueKind::Clock,
                    "Review meeting",
                    date!(2026 - 12 - 14),
                    None,
                ),
                // Sunday: still this week.
                due(
                    3,
                    "Tom Price",
                    DueKind::MeetingAction,
                    "Call the GP",
                    date!(2026 - 12 - 13),
                    None,
                ),
                // Monday of this week, before today: overdue.
                due(
                    3,
                    "Tom Price",
                    DueKind::Action,
                    "Housing letter",
                    date!(2026 - 12 - 07),
                    None,
                ),
            ],
            agreements: vec![
                AgreementRow {
                    plan_id: plan(3),
                    person_name: "Tom Price".into(),
                    asked_on: date!(2026 - 12 - 04),
                    still_to_agree: vec!["Tom Price".into()],
                },
                AgreementRow {
                    plan_id: plan(1),
                    person_name: "Leo Marsh".into(),
                    asked_on: date!(2026 - 11 - 25),
                    still_to_agree: vec!["Dr Anwen Price".into(), "Mair Jones".into()],
                },
                AgreementRow {
                    plan_id: plan(2),
                    person_name: "Amira Shah".into(),
                    asked_on: date!(2026 - 11 - 01),
                    still_to_agree: vec![],
                },
            ],
            safety_plans: vec![
                SafetyPlanRow {
                    plan_id: plan(4),
                    person_name: "Jade Cole".into(),
                    last_checked: Some(date!(2026 - 12 - 06)), // last Sunday
                },
                SafetyPlanRow {
                    plan_id: plan(5),
                    person_name: "Owen Lloyd".into(),
                    last_checked: Some(date!(2026 - 12 - 07)), // this Monday
                },
                SafetyPlanRow {
                    plan_id: plan(6),
                    person_name: "Sam Reid".into(),
                    last_checked: None,
                },
            ],
            weekly_reviews: vec![
                WeeklyReviewRow {
                    plan_id: plan(4),
                    person_name: "Jade Cole".into(),
                    started_on: date!(2026 - 10 - 01),
                    last_review: Some(date!(2026 - 12 - 01)), // 8 days ago
                },
                WeeklyReviewRow {
                    plan_id: plan(5),
                    person_name: "Owen Lloyd".into(),
                    started_on: date!(2026 - 10 - 01),
                    last_review: Some(date!(2026 - 12 - 02)), // 7 days ago
                },
                WeeklyReviewRow {
                    plan_id: plan(6),
                    person_name: "Sam Reid".into(),
                    started_on: date!(2026 - 12 - 03), // new, none yet
                    last_review: None,
                },
                WeeklyReviewRow {
                    plan_id: plan(7),
                    person_name: "Ffion Bell".into(),
                    started_on: date!(2026 - 11 - 20),
                    last_review: None,
                },
            ],
        }
    }

    fn labels(lines: &[DueLine]) -> Vec<(&str, &str, i64)> {
        lines
            .iter()
            .map(|l| (l.item.person_name.as_str(), l.item.label.as_str(), l.days))
            .collect()
    }

    #[test]
    fn fixed_dates_and_data_give_exactly_the_expected_lists() {
        let board = dashboard(&input(), TODAY);
        assert_eq!(
            labels(&board.overdue),
            [
                ("Amira Shah", "Formal review", -19),
                ("Leo Marsh", "Book a hearing test", -7),
                ("Tom Price", "Housing letter", -2),
            ]
        );
        assert_eq!(
            labels(&board.due_this_week),
            [
                ("Amira Shah", "Breakfast club place", 0),
                ("Leo Marsh", "Formal review", 2),
                ("Tom Price", "Call the GP", 4),
            ]
        );
        assert_eq!(
            board
                .waiting_for_agreement
                .iter()
                .map(|w| (w.row.person_name.as_str(), w.days_waiting))
                .collect::<Vec<_>>(),
            [("Leo Marsh", 14), ("Tom Price", 5)]
        );
        assert_eq!(
            board
                .safety_plans_not_checked
                .iter()
                .map(|m| (m.person_name.as_str(), m.last))
                .collect::<Vec<_>>(),
            [("Sam Reid", None), ("Jade Cole", Some(date!(2026 - 12 - 06)))]
        );
        assert_eq!(
            board
                .weekly_reviews_missing
                .iter()
                .map(|m| (m.person_name.as_str(), m.last))
                .collect::<Vec<_>>(),
            [("Ffion Bell", None), ("Jade Cole", Some(date!(2026 - 12 - 01)))]
        );
        // Each overdue line keeps its agency (SPEC M4).
        assert!(board.overdue.iter().all(|l| l.item.agency.is_some()));
    }

    #[test]
    fn the_lists_move_with_the_injected_today() {
        // Next Monday: the week has turned.
        let board = dashboard(&input(), date!(2026 - 12 - 14));
        assert_eq!(board.due_this_week.len(), 1);
        assert_eq!(board.due_this_week[0].item.label, "Review meeting");
        assert_eq!(board.overdue.len(), 6);
        assert_eq!(board.safety_plans_not_checked.len(), 3);
    }

    #[test]
    fn share_on_time_over_the_last_quarter() {
        let items = vec![
            due(
                1,
                "A",
                DueKind::Review,
                "R",
                date!(2026 - 10 - 01),
                Some(date!(2026 - 09 - 30)),
            ),
            due(
                1,
                "A",
                DueKind::MeetingAction,
                "M",
                date!(2026 - 11 - 01),
                Some(date!(2026 - 11 - 03)),
            ),
            due(1, "A", DueKind::Review, "R", date!(2026 - 12 - 01), None),
            due(1, "A", DueKind::Review, "R", date!(2026 - 12 - 09), None), // due today: not yet late
            due(1, "A", DueKind::Action, "A", date!(2026 - 11 - 01), None), // not a review or meeting
            due(1, "A", DueKind::Request, "Q", date!(2026 - 11 - 01), None), // nor a request
            due(
                1,
                "A",
                DueKind::Clock,
                "Next meeting",
                date!(2026 - 11 - 20),
                Some(date!(2026 - 11 - 19)),
            ), // a meeting held in time
            due(
                1,
                "A",
                DueKind::Review,
                "R",
                date!(2026 - 08 - 01),
                Some(date!(2026 - 08 - 01)),
            ), // too old
        ];
        assert_eq!(on_time_last_quarter(&items, TODAY), (2, 4));
    }

    proptest! {
        #[test]
        fn every_open_item_due_by_sunday_is_on_exactly_one_list(
            offsets in proptest::collection::vec((-60i64..60, any::<bool>()), 0..30),
            today_offset in 0i64..14,
        ) {
            let today = TODAY + Duration::days(today_offset);
            let items: Vec<DueItem> = offsets
                .iter()
                .enumerate()
                .map(|(i, (d, done))| due(i as u128, "P", DueKind::Action, &i.to_string(), TODAY + Duration::days(*d), done.then_some(TODAY)))
                .collect();
            let board = dashboard(&DashboardInput { due: items.clone(), ..Default::default() }, today);
            let sunday = week_start(today) + Duration::days(6);
            for item in &items {
                let listed = board.overdue.iter().chain(&board.due_this_week).filter(|l| l.item == *item).count();
                let expected = usize::from(item.done_on.is_none() && item.due <= sunday);
                prop_assert_eq!(listed, expected);
            }
            prop_assert!(board.overdue.iter().all(|l| l.days < 0));
            prop_assert!(board.due_this_week.iter().all(|l| (0..7).contains(&l.days)));
        }
    }
}
