//! The personal budget's summary, computed once (SPEC C7, Q3) and shown the
//! same on the plan page, in the checks and in the API.
//!
//! # Which lines count
//!
//! * **The budget**: its amount for its period (week, month or year) and
//!   that amount a week ([`Budget::weekly_pence`]).
//! * **Planned uses**: every budget item, each cost converted to a week.
//! * **Provision paid from the budget**: active provision (not ended) whose
//!   funding is `personal_budget`, at its weekly cost. Provision with no
//!   funding source given, or paid by education, health, social care or
//!   others, is *not* charged to the person's budget: nobody has said the
//!   budget pays for it.
//! * **Committed** is the larger of the two: the planned uses (the budget's
//!   own spending plan) or the provision paid from the budget. The same
//!   support is usually written in both places (Amir's personal assistant
//!   is a provision line *and* a budget line), so adding them would count it
//!   twice; taking only one of them would miss money when a plan writes it
//!   in the other place only.
//! * **Remaining** is the budget less what is committed (negative when
//!   overspent).
//!
//! Each figure is given a week and for the budget's own period; weekly
//! figures are worked out exactly and rounded to the penny once, at the end.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::content::{Budget, BudgetPeriod, Funding, PlanContent};
use crate::money;

/// The personal budget's figures, in pence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BudgetSummary {
    /// The period the budget is given for.
    pub period: BudgetPeriod,
    /// The budget for its period.
    pub amount_pence: i64,
    /// The budget a week.
    pub weekly_pence: i64,
    /// The budget items (planned uses of the budget) a week.
    pub planned_uses_weekly_pence: i64,
    /// Active provision funded from the personal budget, a week.
    pub provision_weekly_pence: i64,
    /// What is committed a week: the larger of the planned uses and the
    /// provision paid from the budget.
    pub committed_weekly_pence: i64,
    /// What is committed over the budget's period.
    pub committed_per_period_pence: i64,
    /// What is left a week (negative when overspent).
    pub remaining_weekly_pence: i64,
    /// What is left over the budget's period.
    pub remaining_per_period_pence: i64,
    /// The budget items counted.
    pub budget_item_ids: Vec<Uuid>,
    /// The provision lines counted as paid from the budget.
    pub provision_ids: Vec<Uuid>,
}

impl BudgetSummary {
    /// The summary of the plan's budget, when it has one.
    pub fn of(content: &PlanContent) -> Option<BudgetSummary> {
        let budget: &Budget = content.budget.as_ref()?;
        let weekly = budget.weekly_pence();
        let planned: f64 = content
            .budget_items
            .iter()
            .map(|i| i.cost_pence as f64 / i.period.weeks())
            .sum();
        let paid_lines: Vec<_> = content
            .provision
            .iter()
            .filter(|p| p.ended.is_none() && p.funding == Some(Funding::PersonalBudget))
            .collect();
        let provision: f64 = paid_lines.iter().map(|p| p.weekly_cost_pence.unwrap_or(0) as f64).sum();
        let committed = planned.max(provision);
        let weeks = budget.period.weeks();
        let committed_per_period = round(committed * weeks);
        Some(BudgetSummary {
            period: budget.period,
            amount_pence: budget.amount_pence,
            weekly_pence: round(weekly),
            planned_uses_weekly_pence: round(planned),
            provision_weekly_pence: round(provision),
            committed_weekly_pence: round(committed),
            committed_per_period_pence: committed_per_period,
            remaining_weekly_pence: round(weekly - committed),
            remaining_per_period_pence: budget.amount_pence.saturating_sub(committed_per_period),
            budget_item_ids: content.budget_items.iter().map(|i| i.id).collect(),
            provision_ids: paid_lines.iter().map(|p| p.id).collect(),
        })
    }

    /// Is more committed than the budget holds?
    pub fn overspent(&self) -> bool {
        self.remaining_weekly_pence < 0
    }

    /// The summary as label and value pairs, in the words every page uses:
    /// `("Committed", "£253.54 a week (£13,184.08 a year)")`.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let both = |weekly: i64, period: i64| match self.period {
            BudgetPeriod::Week => format!("{} a week", money::format(weekly)),
            other => format!(
                "{} a week ({} a {})",
                money::format(weekly),
                money::format(period),
                other.as_str()
            ),
        };
        vec![
            ("Budget", both(self.weekly_pence, self.amount_pence)),
            (
                "Planned uses",
                format!("{} a week", money::format(self.planned_uses_weekly_pence)),
            ),
            (
                "Provision paid from the budget",
                format!("{} a week", money::format(self.provision_weekly_pence)),
            ),
            (
                "Committed",
                both(self.committed_weekly_pence, self.committed_per_period_pence),
            ),
            (
                "Remaining",
                both(self.remaining_weekly_pence, self.remaining_per_period_pence),
            ),
        ]
    }

    /// One sentence: "£253.85 a week budget; £253.54 a week committed,
    /// £0.31 a week remaining".
    pub fn sentence(&self) -> String {
        format!(
            "{} a week budget; {} a week committed, {} a week remaining",
            money::format(self.weekly_pence),
            money::format(self.committed_weekly_pence),
            money::format(self.remaining_weekly_pence)
        )
    }
}

fn round(pence: f64) -> i64 {
    pence.round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{BudgetItem, Ended, Provision};

    fn provision(cost: i64, funding: Option<Funding>) -> Provision {
        Provision {
            id: Uuid::new_v4(),
            what: "PA support".into(),
            party_id: None,
            frequency: None,
            duration_minutes: None,
            from: None,
            until: None,
            resources: None,
            weekly_cost_pence: Some(cost),
            funding,
            outcome_ids: vec![],
            ended: None,
        }
    }

    fn item(cost: i64, period: BudgetPeriod) -> BudgetItem {
        BudgetItem {
            id: Uuid::new_v4(),
            what: "Gym".into(),
            cost_pence: cost,
            period,
        }
    }

    fn with_budget(amount: i64, period: BudgetPeriod) -> PlanContent {
        PlanContent {
            budget: Some(Budget {
                amount_pence: amount,
                period,
                management: None,
                in_control: None,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn no_budget_no_summary() {
        assert_eq!(BudgetSummary::of(&PlanContent::default()), None);
    }

    #[test]
    fn the_same_support_written_twice_is_counted_once() {
        let mut content = with_budget(2_600_000, BudgetPeriod::Year); // £500 a week
        content.budget_items = vec![item(22_000, BudgetPeriod::Week), item(52_000, BudgetPeriod::Year)];
        content.provision = vec![provision(16_500, Some(Funding::PersonalBudget))];
        let s = BudgetSummary::of(&content).unwrap();
        assert_eq!(s.weekly_pence, 50_000);
        assert_eq!(s.planned_uses_weekly_pence, 23_000);
        assert_eq!(s.provision_weekly_pence, 16_500);
        assert_eq!(s.committed_weekly_pence, 23_000);
        assert_eq!(s.committed_per_period_pence, 1_196_000);
        assert_eq!(s.remaining_weekly_pence, 27_000);
        assert_eq!(s.remaining_per_period_pence, 1_404_000);
        assert!(!s.overspent());
    }

    #[test]
    fn provision_alone_is_committed_when_there_are_no_planned_uses() {
        let mut content = with_budget(30_000, BudgetPeriod::Week);
        content.provision = vec![
            provision(20_000, Some(Funding::PersonalBudget)),
            provision(15_000, Some(Funding::PersonalBudget)),
            // Not the budget's: other funding, none given, or ended.
            provision(90_000, Some(Funding::SocialCare)),
            provision(90_000, None),
            Provision {
                ended: Some(Ended {
                    on: time::macros::date!(2026 - 01 - 01),
                    reason: None,
                }),
                ..provision(90_000, Some(Funding::PersonalBudget))
            },
        ];
        let s = BudgetSummary::of(&content).unwrap();
        assert_eq!(s.provision_weekly_pence, 35_000);
        assert_eq!(s.committed_weekly_pence, 35_000);
        assert_eq!(s.remaining_weekly_pence, -5_000);
        assert_eq!(s.provision_ids.len(), 2);
        assert!(s.overspent());
        assert_eq!(
            s.lines()[4],
            ("Remaining", "-£50.00 a week".to_owned()),
            "a weekly budget is not repeated per period"
        );
    }

    #[test]
    fn monthly_figures_round_once() {
        let mut content = with_budget(200_000, BudgetPeriod::Month); // £461.54 a week
        content.budget_items = vec![item(26_000, BudgetPeriod::Month)]; // £60 a week
        let s = BudgetSummary::of(&content).unwrap();
        assert_eq!(s.weekly_pence, 46_154);
        assert_eq!(s.committed_weekly_pence, 6_000);
        assert_eq!(s.committed_per_period_pence, 26_000);
        assert_eq!(s.remaining_per_period_pence, 174_000);
        assert_eq!(
            s.sentence(),
            "£461.54 a week budget; £60.00 a week committed, £401.54 a week remaining"
        );
    }
}
