//! Checks that help the writer: SMART (SPEC Q1), golden thread (Q2) and
//! realism (Q3). All are pure functions of the plan, cheap enough to run on
//! every keystroke.

pub mod golden_thread;
pub mod picture;
pub mod realism;
pub mod smart;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::plan::Plan;
use crate::plan_type::PlanType;

use golden_thread::GoldenThread;
use realism::Realism;
use smart::SmartReport;

/// Every check of a plan at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AllChecks {
    /// The golden thread check (Q2) and the thread for drawing.
    pub golden_thread: GoldenThread,
    /// The realism check (Q3).
    pub realism: Realism,
    /// The SMART check (Q1) of every outcome, step and short-term target,
    /// by the item's id.
    pub smart: BTreeMap<Uuid, SmartReport>,
}

/// Runs every check on the plan. `plan_type` (when it is loaded) supplies
/// the form's labels and says whether it has aspirations.
pub fn all(plan: &Plan, plan_type: Option<&PlanType>) -> AllChecks {
    let mut reports = BTreeMap::new();
    for outcome in &plan.content.outcomes {
        reports.insert(outcome.id, smart::check(&outcome.text));
        for step in &outcome.steps {
            reports.insert(step.id, smart::check(&step.text));
            for target in &step.targets {
                reports.insert(target.id, smart::check(&target.text));
            }
        }
    }
    AllChecks {
        golden_thread: golden_thread::check(plan, plan_type),
        realism: realism::check(plan),
        smart: reports,
    }
}

#[cfg(test)]
mod tests {
    use super::test_plans::*;
    use super::*;
    use crate::plan_type::Registry;

    #[test]
    fn all_runs_every_check() {
        let plan = full_msp();
        let registry = Registry::builtin();
        let checks = all(&plan, registry.get("MSP"));
        // 7 outcomes, 14 steps, 28 targets.
        assert_eq!(checks.smart.len(), 7 + 14 + 28);
        let outcome = &plan.content.outcomes[0];
        assert_eq!(checks.smart[&outcome.id], smart::check(&outcome.text));
        let target = &outcome.steps[1].targets[1];
        assert_eq!(checks.smart[&target.id], smart::check(&target.text));
        assert!(checks.golden_thread.unbroken);
        assert!(checks.realism.realistic);
        let json = serde_json::to_value(&checks).unwrap();
        assert!(json["smart"][outcome.id.to_string()]["smart"].is_boolean());
    }

    #[test]
    fn all_on_an_empty_plan() {
        let checks = all(&Builder::new().plan(), None);
        assert!(checks.smart.is_empty());
        assert!(checks.golden_thread.gaps.is_empty());
        assert!(checks.realism.realistic);
    }
}

/// Plans for the checks' tests, built by replaying a change log as storage
/// does.
#[cfg(test)]
pub(crate) mod test_plans {
    use time::Date;
    use time::macros::{date, datetime};
    use uuid::Uuid;

    use crate::content::{
        Aspiration, Budget, BudgetItem, BudgetPeriod, Ended, Frequency, Funding, Item, ItemKind, Need, Outcome, Per,
        Provision, Step, SupportedBy, Target, Term,
    };
    use crate::plan::{Change, ChangeRecord, Party, PartyRole, Plan, PlanDetails};
    use crate::plan_type::Whose;

    pub fn freq(times: u32, per: Per) -> Frequency {
        Frequency { times, per }
    }

    /// Builds a plan change by change.
    pub struct Builder {
        log: Vec<ChangeRecord>,
    }

    impl Builder {
        /// A draft MSP created on Sunday 22 November 2026, with no start date.
        pub fn new() -> Builder {
            let mut builder = Builder { log: Vec::new() };
            builder.push(Change::Created {
                person_id: Uuid::nil(),
                plan_type: "MSP".into(),
                number: 1,
                details: PlanDetails {
                    title: "Leo's My Support Plan".into(),
                    start_date: None,
                    review_interval_weeks: None,
                },
            });
            builder
        }

        pub fn starting(mut self, start: Date) -> Builder {
            self.push(Change::DetailsEdited {
                details: PlanDetails {
                    title: "Leo's My Support Plan".into(),
                    start_date: Some(start),
                    review_interval_weeks: None,
                },
            });
            self
        }

        fn push(&mut self, change: Change) {
            let seq = self.log.len() as i64 + 1;
            self.log.push(ChangeRecord {
                seq,
                at: datetime!(2026-11-22 10:00 UTC) + time::Duration::seconds(seq),
                author_id: None,
                author_name: "Priya Shah".into(),
                reason: None,
                change,
            });
        }

        fn add(&mut self, item: Item) -> Uuid {
            let id = item.id();
            self.push(Change::ItemAdded { item });
            id
        }

        pub fn plan(&self) -> Plan {
            Plan::replay(Uuid::nil(), &self.log).expect("test log replays")
        }

        pub fn party(&mut self, name: &str) -> Uuid {
            let party = Party {
                id: Uuid::new_v4(),
                name: name.into(),
                role: PartyRole::Teacher,
                agency: None,
                relationship: None,
                contact: None,
                user_id: None,
            };
            let id = party.id;
            self.push(Change::PartyAdded { party });
            id
        }

        pub fn aspiration(&mut self, text: &str) -> Uuid {
            self.add(Item::Aspiration(Aspiration {
                id: Uuid::new_v4(),
                term: Term::Long,
                whose: Whose::Person,
                text: text.into(),
            }))
        }

        pub fn need(&mut self, area: &str, text: &str) -> Uuid {
            self.add(Item::Need(Need {
                id: Uuid::new_v4(),
                area: area.into(),
                text: text.into(),
            }))
        }

        pub fn outcome(&mut self, text: &str, need_ids: &[Uuid], areas: &[&str], aspiration_ids: &[Uuid]) -> Uuid {
            self.add(Item::Outcome(Outcome {
                id: Uuid::new_v4(),
                text: text.into(),
                by_when: None,
                stage: None,
                areas: areas.iter().map(|a| (*a).to_owned()).collect(),
                need_ids: need_ids.to_vec(),
                aspiration_ids: aspiration_ids.to_vec(),
                supported_by: SupportedBy::default(),
                measure: None,
                steps: Vec::new(),
            }))
        }

        pub fn step(&mut self, outcome_id: Uuid, text: &str) -> Uuid {
            self.add(Item::Step {
                outcome_id,
                step: Step {
                    id: Uuid::new_v4(),
                    text: text.into(),
                    service: None,
                    targets: Vec::new(),
                },
            })
        }

        pub fn target(&mut self, step_id: Uuid, text: &str) -> Uuid {
            self.add(Item::Target {
                step_id,
                target: Target {
                    id: Uuid::new_v4(),
                    text: text.into(),
                    by_when: None,
                },
            })
        }

        pub fn provision(
            &mut self,
            what: &str,
            party_id: Option<Uuid>,
            frequency: Option<Frequency>,
            outcome_ids: &[Uuid],
        ) -> Uuid {
            self.add(Item::Provision(Provision {
                id: Uuid::new_v4(),
                what: what.into(),
                party_id,
                frequency,
                duration_minutes: None,
                from: None,
                until: None,
                resources: None,
                weekly_cost_pence: None,
                funding: None,
                outcome_ids: outcome_ids.to_vec(),
                ended: None,
            }))
        }

        /// Edits a provision line.
        pub fn set(&mut self, id: Uuid, edit: impl FnOnce(&mut Provision)) {
            let Some(Item::Provision(mut line)) = self.plan().content.item(ItemKind::Provision, id) else {
                panic!("no provision {id}");
            };
            edit(&mut line);
            self.push(Change::ItemEdited {
                item: Item::Provision(line),
            });
        }

        /// Ends a provision line (struck through).
        pub fn end(&mut self, id: Uuid) {
            self.set(id, |p| {
                p.ended = Some(Ended {
                    on: date!(2027 - 01 - 10),
                    reason: Some("Finished".into()),
                })
            });
        }

        pub fn budget(&mut self, amount_pence: i64, period: BudgetPeriod) {
            self.push(Change::BudgetSet {
                budget: Some(Budget {
                    amount_pence,
                    period,
                    management: None,
                    in_control: None,
                }),
            });
        }

        pub fn budget_item(&mut self, what: &str, cost_pence: i64, period: BudgetPeriod) -> Uuid {
            self.add(Item::BudgetItem(BudgetItem {
                id: Uuid::new_v4(),
                what: what.into(),
                cost_pence,
                period,
            }))
        }
    }

    const AREAS: [&str; 7] = [
        "cognition_learning",
        "communication_interaction",
        "social_emotional",
        "sensory_physical",
        "preparing_for_adulthood",
        "health",
        "social_care",
    ];

    /// A full MSP: 6 aspirations, 12 needs across the seven areas, 7
    /// outcomes each with 2 steps of 2 targets, 5 parties, 20 provision
    /// lines and a personal budget; joined up and realistic.
    pub fn full_msp() -> Plan {
        let mut b = Builder::new().starting(date!(2026 - 09 - 07));
        let parties: Vec<Uuid> = ["Priya Shah", "Claire Martin", "Dr Tom Price", "Sam Okafor", "Jo Reed"]
            .iter()
            .map(|n| b.party(n))
            .collect();
        let aspirations: Vec<Uuid> = (0..6)
            .map(|i| {
                b.aspiration(&format!(
                    "Aspiration {i}: I want to work with animals when I leave school"
                ))
            })
            .collect();
        let needs: Vec<Uuid> = (0..12)
            .map(|i| {
                b.need(
                    AREAS[i % 7],
                    &format!("Need {i}: finds it hard to ask for help in class"),
                )
            })
            .collect();
        let outcomes: Vec<Uuid> = (0..7)
            .map(|i| {
                let outcome = b.outcome(
                    &format!(
                        "By the end of key stage 2, Leo will ask an adult for help when he is stuck on {} out of 5 \
                         occasions, as observed by his teaching assistant",
                        i % 5 + 1
                    ),
                    &[needs[i]],
                    &[AREAS[i]],
                    &[aspirations[i % 6]],
                );
                for s in 0..2 {
                    let step = b.step(
                        outcome,
                        &format!("Step {s}: Leo will read 50 words by the end of year 4"),
                    );
                    for t in 0..2 {
                        b.target(step, &format!("Target {t}: read 10 new words within the next 6 weeks"));
                    }
                }
                outcome
            })
            .collect();
        for i in 0..20 {
            let line = b.provision(
                &format!("Provision {i}: small-group phonics in the classroom"),
                Some(parties[i % 5]),
                Some(freq(if i % 2 == 0 { 3 } else { 1 }, Per::Week)),
                &[outcomes[i % 7]],
            );
            b.set(line, |p| {
                p.duration_minutes = Some(if i % 2 == 0 { 10 } else { 30 });
                p.from = Some(date!(2026 - 09 - 07) + time::Duration::weeks(i as i64 / 4));
                p.weekly_cost_pence = Some(1000 + i as i64 * 100);
                p.funding = Some(if i % 3 == 0 {
                    Funding::PersonalBudget
                } else {
                    Funding::Education
                });
            });
        }
        b.budget(20_000, BudgetPeriod::Week);
        b.budget_item("Respite", 8000, BudgetPeriod::Week);
        b.plan()
    }
}
