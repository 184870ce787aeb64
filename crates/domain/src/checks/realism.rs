//! Realism check (SPEC Q3): is the plan something the person, and the
//! money, can actually bear? It adds up the weekly hours of sessions, the
//! weekly cost against the personal budget, and how many actions start at
//! once, and warns in plain English when a threshold is passed.
//!
//! Only *active* provision counts (a line whose `ended` is set is struck
//! through and no longer happens). The check has no clock: provision whose
//! `until` date has passed still counts until it is ended.
//!
//! # Thresholds
//!
//! These are prompts to think again, not rules; each can be right for a
//! particular person, and the warning says so.
//!
//! * [`MAX_WEEKLY_HOURS`] = 15: more than 15 hours a week of sessions for one
//!   person (sum of [`Provision::weekly_hours`], i.e. frequency per week ×
//!   minutes per session). Lines that do not give both a frequency and a
//!   duration cannot be counted; the warning says how many.
//! * Over budget: when the plan has a personal budget, its summary
//!   ([`BudgetSummary`], computed once for the page, the checks and the API)
//!   is compared with the budget a week: the provision paid from the budget
//!   (funding `personal_budget`; lines with no funding source are not
//!   charged to it), and the planned uses (budget items). They are compared
//!   separately, because the same support is often written in both places
//!   and adding them would count it twice.
//! * [`MAX_STARTING_TOGETHER`] = 5: more than 5 actions starting in the same
//!   ISO week (Monday to Sunday). A line with no `from` date starts when the
//!   plan starts (its start date, else the day it was created). "Too many
//!   actions at once could overwhelm the person" (seed 000: "small,
//!   manageable steps").
//!
//! Money is in pence throughout; weekly amounts are rounded to the nearest
//! penny.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::budget::BudgetSummary;
use crate::content::Provision;
use crate::money;
use crate::plan::{Plan, format_date};

/// More than this many hours a week of sessions is flagged.
pub const MAX_WEEKLY_HOURS: f64 = 15.0;

/// More than this many actions starting in one week is flagged.
pub const MAX_STARTING_TOGETHER: usize = 5;

/// What the realism check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Realism {
    /// Total hours a week of sessions over active provision that gives a
    /// frequency and a duration.
    pub weekly_hours: f64,
    /// Active provision lines whose hours cannot be counted (no frequency
    /// or no duration).
    pub lines_without_hours: usize,
    /// Total weekly cost of active provision, in pence, whoever pays.
    pub weekly_cost_pence: i64,
    /// Active provision lines with no weekly cost given.
    pub lines_without_cost: usize,
    /// The personal budget's summary, when the plan has one: the same
    /// figures the plan page shows.
    pub budget_summary: Option<BudgetSummary>,
    /// The most active provision lines starting in one ISO week.
    pub most_starting_together: usize,
    /// The Monday of that week, when any provision is active and a start
    /// can be worked out.
    #[schema(value_type = Option<String>, format = Date)]
    pub busiest_week: Option<Date>,
    /// The lines starting that week.
    pub busiest_week_provision_ids: Vec<Uuid>,
    /// Plain-English warnings; empty when the plan looks realistic.
    pub warnings: Vec<RealismWarning>,
    /// true when there are no warnings.
    pub realistic: bool,
}

/// A warning of the realism check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RealismWarning {
    pub kind: RealismWarningKind,
    /// The provision lines or budget items involved.
    pub item_ids: Vec<Uuid>,
    /// Plain English, with the figures, e.g. "Sessions add up to 17.5
    /// hours a week, more than 15 …".
    pub message: String,
}

/// The kinds of realism warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RealismWarningKind {
    /// More than [`MAX_WEEKLY_HOURS`] hours a week of sessions.
    TooManyHours,
    /// Provision paid from the budget costs more a week than the budget.
    CostOverBudget,
    /// The budget items cost more a week than the budget.
    CommittedOverBudget,
    /// More than [`MAX_STARTING_TOGETHER`] actions start in one week.
    TooManyAtOnce,
}

/// Runs the realism check.
pub fn check(plan: &Plan) -> Realism {
    let content = &plan.content;
    let active: Vec<&Provision> = content.provision.iter().filter(|p| p.ended.is_none()).collect();

    let mut weekly_hours = 0.0;
    let mut lines_without_hours = 0;
    let mut weekly_cost_pence = 0i64;
    let mut lines_without_cost = 0;
    let mut timed_ids = Vec::new();
    for line in &active {
        match line.weekly_hours() {
            Some(hours) => {
                weekly_hours += hours;
                timed_ids.push(line.id);
            }
            None => lines_without_hours += 1,
        }
        match line.weekly_cost_pence {
            Some(cost) => weekly_cost_pence = weekly_cost_pence.saturating_add(cost),
            None => lines_without_cost += 1,
        }
    }

    let budget_summary = BudgetSummary::of(content);

    // Starts by ISO week.
    let plan_start = plan.details.start_date.unwrap_or_else(|| plan.created_at.date());
    let mut weeks: BTreeMap<Date, Vec<Uuid>> = BTreeMap::new();
    for line in &active {
        let start = line.from.unwrap_or(plan_start);
        weeks.entry(monday_of(start)).or_default().push(line.id);
    }
    // The busiest week; the earliest of equally busy weeks.
    let busiest = weeks
        .iter()
        .fold(None::<(&Date, &Vec<Uuid>)>, |best, (week, ids)| match best {
            Some((_, best_ids)) if best_ids.len() >= ids.len() => best,
            _ => Some((week, ids)),
        });
    let most_starting_together = busiest.map_or(0, |(_, ids)| ids.len());
    let busiest_week = busiest.map(|(week, _)| *week);
    let busiest_week_provision_ids = busiest.map(|(_, ids)| ids.clone()).unwrap_or_default();

    let mut warnings = Vec::new();
    if weekly_hours > MAX_WEEKLY_HOURS {
        let mut message = format!(
            "Sessions add up to {} a week, more than {}. That is a lot for one person: check they can manage it \
             alongside school, work or rest, or spread the support out.",
            hours(weekly_hours),
            hours(MAX_WEEKLY_HOURS)
        );
        if lines_without_hours > 0 {
            message.push_str(&format!(
                " {} more provision line{} {} not say how often or for how long, so the real total may be higher.",
                lines_without_hours,
                if lines_without_hours == 1 { "" } else { "s" },
                if lines_without_hours == 1 { "does" } else { "do" }
            ));
        }
        warnings.push(RealismWarning {
            kind: RealismWarningKind::TooManyHours,
            item_ids: timed_ids,
            message,
        });
    }
    if let Some(summary) = &budget_summary {
        let budget = summary.weekly_pence;
        let paid = summary.provision_weekly_pence;
        if paid > budget {
            warnings.push(RealismWarning {
                kind: RealismWarningKind::CostOverBudget,
                item_ids: summary.provision_ids.clone(),
                message: format!(
                    "Provision paid from the personal budget costs {} a week, {} more than the budget of {} a \
                     week. Find other funding, or change the provision.",
                    money::format(paid),
                    money::format(paid - budget),
                    money::format(budget)
                ),
            });
        }
        let planned = summary.planned_uses_weekly_pence;
        if planned > budget {
            warnings.push(RealismWarning {
                kind: RealismWarningKind::CommittedOverBudget,
                item_ids: summary.budget_item_ids.clone(),
                message: format!(
                    "The planned uses of the budget come to {} a week, {} more than the budget of {} a week.",
                    money::format(planned),
                    money::format(planned - budget),
                    money::format(budget)
                ),
            });
        }
    }
    if most_starting_together > MAX_STARTING_TOGETHER
        && let Some(week) = busiest_week
    {
        warnings.push(RealismWarning {
            kind: RealismWarningKind::TooManyAtOnce,
            item_ids: busiest_week_provision_ids.clone(),
            message: format!(
                "{most_starting_together} actions start in the week of {}, more than {MAX_STARTING_TOGETHER}. \
                 Too many actions at once could overwhelm the person: stagger the start dates in small, \
                 manageable steps.",
                format_date(week)
            ),
        });
    }

    Realism {
        weekly_hours,
        lines_without_hours,
        weekly_cost_pence,
        lines_without_cost,
        budget_summary,
        most_starting_together,
        busiest_week,
        busiest_week_provision_ids,
        realistic: warnings.is_empty(),
        warnings,
    }
}

/// The Monday of `date`'s ISO week.
fn monday_of(date: Date) -> Date {
    let back = i64::from(date.weekday().number_days_from_monday());
    date.checked_sub(time::Duration::days(back)).unwrap_or(date)
}

/// "12.5 hours", "1 hour", "15 hours".
pub fn hours(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    format!("{text} hour{}", if text == "1" { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_plans::*;
    use crate::content::{BudgetPeriod, Funding, Per};
    use time::macros::date;

    fn kinds(realism: &Realism) -> Vec<RealismWarningKind> {
        realism.warnings.iter().map(|w| w.kind).collect()
    }

    #[test]
    fn an_empty_plan_is_realistic() {
        let realism = check(&Builder::new().plan());
        assert!(realism.realistic);
        assert_eq!(realism.weekly_hours, 0.0);
        assert_eq!(realism.most_starting_together, 0);
        assert_eq!(realism.busiest_week, None);
        assert_eq!(realism.budget_summary, None);
    }

    #[test]
    fn weekly_hours_add_up_active_sessions() {
        let mut b = Builder::new();
        // 3 × 20 minutes a week = 1 hour; 1 hour each school day = 5 hours.
        let a = b.provision("Social stories", None, Some(freq(3, Per::Week)), &[]);
        b.set(a, |p| p.duration_minutes = Some(20));
        let c = b.provision("1:1 reading", None, Some(freq(1, Per::SchoolDay)), &[]);
        b.set(c, |p| p.duration_minutes = Some(60));
        // No duration: cannot be counted.
        b.provision("Check-in", None, Some(freq(1, Per::Day)), &[]);
        // Ended: does not count.
        let e = b.provision("Old group", None, Some(freq(5, Per::Day)), &[]);
        b.set(e, |p| p.duration_minutes = Some(60));
        b.end(e);
        let realism = check(&b.plan());
        assert!((realism.weekly_hours - 6.0).abs() < 1e-9, "{}", realism.weekly_hours);
        assert_eq!(realism.lines_without_hours, 1);
        assert!(realism.realistic);
    }

    #[test]
    fn more_than_fifteen_hours_a_week_is_flagged() {
        let mut b = Builder::new();
        let a = b.provision("1:1 teaching assistant", None, Some(freq(1, Per::SchoolDay)), &[]);
        b.set(a, |p| p.duration_minutes = Some(180)); // 15 hours: not more than 15
        let realism = check(&b.plan());
        assert!(realism.realistic, "exactly the threshold is fine");
        let c = b.provision("Swimming", None, Some(freq(1, Per::Week)), &[]);
        b.set(c, |p| p.duration_minutes = Some(90));
        b.provision("Check-in", None, None, &[]);
        let realism = check(&b.plan());
        assert_eq!(kinds(&realism), vec![RealismWarningKind::TooManyHours]);
        let warning = &realism.warnings[0];
        assert!(
            warning
                .message
                .starts_with("Sessions add up to 16.5 hours a week, more than 15 hours."),
            "{}",
            warning.message
        );
        assert!(
            warning.message.contains("1 more provision line does not say"),
            "{}",
            warning.message
        );
        assert_eq!(warning.item_ids, vec![a, c]);
        assert!(!realism.realistic);
    }

    #[test]
    fn cost_paid_from_the_budget_is_compared_with_it() {
        let mut b = Builder::new();
        b.budget(2_600_000, BudgetPeriod::Year); // £500 a week
        let pa = b.provision("Personal assistant", None, None, &[]);
        b.set(pa, |p| {
            p.weekly_cost_pence = Some(45_000);
            p.funding = Some(Funding::PersonalBudget);
        });
        let school = b.provision("Teaching assistant", None, None, &[]);
        b.set(school, |p| {
            p.weekly_cost_pence = Some(30_000);
            p.funding = Some(Funding::Education);
        });
        b.provision("No cost given", None, None, &[]);
        let realism = check(&b.plan());
        assert_eq!(realism.weekly_cost_pence, 75_000);
        let summary = realism.budget_summary.as_ref().unwrap();
        assert_eq!(summary.provision_weekly_pence, 45_000);
        assert_eq!(summary.weekly_pence, 50_000);
        assert_eq!(realism.lines_without_cost, 1);
        assert!(
            realism.realistic,
            "school-funded provision is not charged to the budget"
        );

        // Provision with no funding source given is not charged to it:
        // nobody has said the budget pays.
        let unfunded = b.provision("Unfunded", None, None, &[]);
        b.set(unfunded, |p| p.weekly_cost_pence = Some(90_000));
        assert!(check(&b.plan()).realistic);

        let gym = b.provision("Gym membership", None, None, &[]);
        b.set(gym, |p| {
            p.weekly_cost_pence = Some(7500);
            p.funding = Some(Funding::PersonalBudget);
        });
        let realism = check(&b.plan());
        assert_eq!(kinds(&realism), vec![RealismWarningKind::CostOverBudget]);
        assert_eq!(
            realism.warnings[0].message,
            "Provision paid from the personal budget costs £525.00 a week, £25.00 more than the budget of \
             £500.00 a week. Find other funding, or change the provision."
        );
        assert_eq!(realism.warnings[0].item_ids, vec![pa, gym]);
    }

    #[test]
    fn no_budget_no_budget_warning() {
        let mut b = Builder::new();
        let pa = b.provision("Personal assistant", None, None, &[]);
        b.set(pa, |p| p.weekly_cost_pence = Some(100_000_000));
        let realism = check(&b.plan());
        assert!(realism.realistic);
        assert_eq!(realism.budget_summary, None);
    }

    #[test]
    fn budget_items_are_compared_with_the_budget() {
        let mut b = Builder::new();
        b.budget(200_000, BudgetPeriod::Month); // £461.54 a week
        let pa = b.budget_item("Personal assistant", 40_000, BudgetPeriod::Week);
        let gym = b.budget_item("Gym", 52_000, BudgetPeriod::Year); // £10 a week
        let realism = check(&b.plan());
        let summary = realism.budget_summary.as_ref().unwrap();
        assert_eq!(summary.weekly_pence, 46_154);
        assert_eq!(summary.committed_weekly_pence, 41_000);
        assert_eq!(summary.remaining_weekly_pence, 5154);
        assert!(realism.realistic);

        let respite = b.budget_item("Respite", 26_000, BudgetPeriod::Month); // £60 a week
        let realism = check(&b.plan());
        let summary = realism.budget_summary.as_ref().unwrap();
        assert_eq!(summary.committed_weekly_pence, 47_000);
        assert_eq!(summary.remaining_weekly_pence, -846);
        assert_eq!(kinds(&realism), vec![RealismWarningKind::CommittedOverBudget]);
        assert_eq!(
            realism.warnings[0].message,
            "The planned uses of the budget come to £470.00 a week, £8.46 more than the budget of £461.54 a week."
        );
        assert_eq!(realism.warnings[0].item_ids, vec![pa, gym, respite]);
    }

    #[test]
    fn too_many_actions_starting_in_one_week_is_flagged() {
        let mut b = Builder::new().starting(date!(2026 - 09 - 07)); // a Monday
        // Five with no start date start with the plan, one more on the
        // Sunday of the same week makes six.
        let mut ids: Vec<Uuid> = (0..5)
            .map(|i| b.provision(&format!("Action {i}"), None, None, &[]))
            .collect();
        let sunday = b.provision("Sunday", None, None, &[]);
        b.set(sunday, |p| p.from = Some(date!(2026 - 09 - 13)));
        ids.push(sunday);
        // The next Monday is another week.
        let later = b.provision("Later", None, None, &[]);
        b.set(later, |p| p.from = Some(date!(2026 - 09 - 14)));
        let realism = check(&b.plan());
        assert_eq!(realism.most_starting_together, 6);
        assert_eq!(realism.busiest_week, Some(date!(2026 - 09 - 07)));
        assert_eq!(kinds(&realism), vec![RealismWarningKind::TooManyAtOnce]);
        assert_eq!(realism.warnings[0].item_ids, ids);
        assert!(
            realism.warnings[0]
                .message
                .starts_with("6 actions start in the week of 7 September 2026, more than 5. Too many actions at once"),
            "{}",
            realism.warnings[0].message
        );

        // Staggered: fine.
        b.set(sunday, |p| p.from = Some(date!(2026 - 09 - 21)));
        let realism = check(&b.plan());
        assert_eq!(realism.most_starting_together, 5);
        assert!(realism.realistic);
    }

    #[test]
    fn without_a_start_date_the_plan_starts_when_it_was_created() {
        let mut b = Builder::new(); // created 2026-11-22, a Sunday
        b.provision("A", None, None, &[]);
        let realism = check(&b.plan());
        assert_eq!(realism.busiest_week, Some(date!(2026 - 11 - 16)));
    }

    #[test]
    fn monday_of_works_across_years() {
        assert_eq!(monday_of(date!(2027 - 01 - 01)), date!(2026 - 12 - 28));
        assert_eq!(monday_of(date!(2026 - 12 - 28)), date!(2026 - 12 - 28));
    }

    #[test]
    fn hours_read_well() {
        assert_eq!(hours(1.0), "1 hour");
        assert_eq!(hours(16.5), "16.5 hours");
        assert_eq!(hours(15.0), "15 hours");
        assert_eq!(hours(0.3333), "0.3 hours");
    }

    #[test]
    fn the_full_msp_is_realistic_and_serializes() {
        let realism = check(&full_msp());
        assert!(realism.realistic, "{:#?}", realism.warnings);
        let json = serde_json::to_value(&realism).unwrap();
        assert!(json["weekly_hours"].as_f64().unwrap() > 0.0);
    }
}
