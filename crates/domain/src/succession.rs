//! Plan number N+1 after the plan type's last formal review (SPEC R3, MSP:
//! the 3rd review): the log that starts the next plan, carrying the current
//! content without markers or ended items, the parties and who must agree.
//! Storage writes it in the same transaction that closes the review.

use std::collections::BTreeMap;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::content::Item;
use crate::plan::{Change, ChangeRecord, Plan};
use crate::review::successor_content;

/// The section name under which the carried-over texts are set.
pub const CARRIED_TEXTS: &str = "carried_over";

/// Why plan number `number` was started: written as the reason of its
/// first change.
pub fn successor_reason(old: &Plan, number: u32) -> String {
    let review = old.reviews.formal_count();
    format!(
        "Plan number {number} follows plan number {} after its review R{review}",
        old.number
    )
}

/// The log of plan number `number`, which follows `old` (superseded at its
/// last review): created, then its parties, Lead Professional, required
/// agreements and content, each as an ordinary change.
pub fn successor_log(
    old: &Plan,
    number: u32,
    at: OffsetDateTime,
    author_id: Option<Uuid>,
    author_name: &str,
) -> Vec<ChangeRecord> {
    let content = successor_content(old);
    let mut changes = vec![Change::Created {
        person_id: old.person_id,
        plan_type: old.plan_type.clone(),
        number,
        details: old.details.clone(),
    }];
    if crate::approval::required(old) {
        changes.push(Change::ApprovalRequired {
            approver_roles: old.agreements.approval.approver_roles.clone(),
        });
    }
    changes.extend(old.parties.iter().map(|p| Change::PartyAdded { party: p.clone() }));
    if old.lead_party_id.is_some() {
        changes.push(Change::LeadProfessionalSet {
            party_id: old.lead_party_id,
        });
    }
    changes.extend(old.agreements.required.iter().map(|id| Change::AgreementRequiredSet {
        party_id: *id,
        required: true,
    }));
    for (section, authorship) in &content.authorship {
        changes.push(Change::TextsSet {
            section: section.clone(),
            texts: BTreeMap::new(),
            authorship: Some(authorship.clone()),
        });
    }
    if !content.texts.is_empty() {
        changes.push(Change::TextsSet {
            section: CARRIED_TEXTS.to_owned(),
            texts: content.texts.clone(),
            authorship: None,
        });
    }
    let items = content
        .strengths
        .iter()
        .cloned()
        .map(Item::Strength)
        .chain(content.needs.iter().cloned().map(Item::Need))
        .chain(content.aspirations.iter().cloned().map(Item::Aspiration))
        .chain(content.outcomes.iter().cloned().map(Item::Outcome))
        .chain(content.provision.iter().cloned().map(Item::Provision))
        .chain(content.risks.iter().cloned().map(Item::Risk))
        .chain(content.budget_items.iter().cloned().map(Item::BudgetItem))
        .chain(content.decisions.iter().cloned().map(Item::Decision))
        .chain(content.appendices.iter().cloned().map(Item::Appendix));
    changes.extend(items.map(|item| Change::ItemAdded { item }));
    if content.budget.is_some() {
        changes.push(Change::BudgetSet {
            budget: content.budget.clone(),
        });
    }
    if !content.other_plans.is_empty() {
        changes.push(Change::OtherPlansSet {
            plans: content.other_plans.clone(),
        });
    }
    if content.social_care_checklist.is_some() {
        changes.push(Change::SocialCareChecklistSet {
            checklist: content.social_care_checklist.clone(),
        });
    }
    if content.health_checklist.is_some() {
        changes.push(Change::HealthChecklistSet {
            checklist: content.health_checklist.clone(),
        });
    }
    if content.compulsory_measures.is_some() {
        changes.push(Change::CompulsoryMeasuresSet {
            measures: content.compulsory_measures.clone(),
        });
    }
    let reason = successor_reason(old, number);
    changes
        .into_iter()
        .enumerate()
        .map(|(i, change)| ChangeRecord {
            seq: i as i64 + 1,
            at,
            author_id,
            author_name: author_name.to_owned(),
            reason: Some(reason.clone()),
            change,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::ItemKind;
    use crate::plan::{PlanStatus, format_date};
    use crate::review::{OutcomeRating, ReviewKind};
    use crate::testkit::{builtin, small_log, step_on};
    use time::macros::{date, datetime};

    #[test]
    fn the_next_plan_carries_the_content_without_markers_or_ended_items() {
        let t = builtin("msp.toml");
        let mut plan = Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap();
        for n in 1..=3u128 {
            let review_id = Uuid::from_u128(900 + n);
            let on = date!(2027 - 03 - 12);
            let opened = Change::ReviewOpened {
                review_id,
                kind: ReviewKind::Formal,
                on,
                participants: vec!["Claire Martin".into()],
            };
            step_on(&mut plan, opened, Some(&t)).unwrap();
            if n == 2 {
                let ended = Change::ItemEnded {
                    item_kind: ItemKind::Provision,
                    id: Uuid::from_u128(20),
                    on,
                    reason: "Leo reads on his own now".into(),
                };
                step_on(&mut plan, ended, Some(&t)).unwrap();
            }
            let ratings = vec![OutcomeRating {
                outcome_id: Uuid::from_u128(10),
                rating: "met".into(),
                note: String::new(),
            }];
            let answered = Change::ReviewAnswered {
                review_id,
                answers: Default::default(),
                ratings,
            };
            step_on(&mut plan, answered, Some(&t)).unwrap();
            let closed = Change::ReviewClosed {
                review_id,
                on,
                supersedes: n == 3,
            };
            step_on(&mut plan, closed, Some(&t)).unwrap();
        }
        assert_eq!(plan.status, PlanStatus::Superseded);
        let log = successor_log(&plan, 2, datetime!(2027-03-12 12:00 UTC), None, "Priya Shah");
        let next = Plan::replay(Uuid::from_u128(2), &log).unwrap();
        assert_eq!(next.number, 2);
        assert_eq!(next.status, PlanStatus::Draft);
        assert_eq!(next.content, successor_content(&plan));
        assert_eq!(next.content.provision.len(), 1, "the ended provision stays behind");
        assert_eq!(next.parties, plan.parties);
        assert!(next.reviews.reviews.is_empty() && next.reviews.added_at.is_empty());
        assert_eq!(
            log[0].reason.as_deref(),
            Some("Plan number 2 follows plan number 1 after its review R3")
        );
        assert_eq!(format_date(date!(2027 - 03 - 12)), "12 March 2027");
    }
}
