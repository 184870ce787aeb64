//! A plan carried on by a new plan of another type: "Transfer to the
//! official form" (issue 6). The person-led blank sheet (PB-BLANK) is
//! "later transferred onto the official form" (seed 002): a new plan of the
//! official type starts with all the blank sheet's content and parties; each
//! plan's log records the link to the other; the blank sheet is closed (a
//! draft) or superseded (once agreed) and stays readable.
//!
//! The same link serves any plan carried on by another (the review cycle's
//! "plan number 2" may add a [`LinkKind`] of its own).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::content::PlanContent;
use crate::error::FieldErrors;
use crate::plan::{Change, Plan, PlanStatus};
use crate::plan_type::PlanType;

/// Why one plan carries another on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// A blank sheet transferred onto its official form.
    Transfer,
}

/// The other plan of a link, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanLink {
    pub plan_id: Uuid,
    /// The other plan's type, e.g. `PB`.
    pub plan_type: String,
    /// The other plan's number for the person and its type.
    pub number: u32,
    pub kind: LinkKind,
}

impl PlanLink {
    /// "PB plan number 1"
    pub fn label(&self) -> String {
        format!("{} plan number {}", self.plan_type, self.number)
    }
}

/// The plans this one is linked to, derived from its log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanLinks {
    /// The plan this one carries on (the blank sheet it was transferred from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<PlanLink>,
    /// The plan that carries this one on (the official form it was
    /// transferred to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PlanLink>,
}

impl PlanLinks {
    pub fn is_empty(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// Checks that `plan` (of type `plan_type`) may be transferred onto the
/// type `onto`: only a blank-sheet type, only onto its official form, only
/// once, and only while the plan is active.
pub fn check(plan: &Plan, plan_type: Option<&PlanType>, onto: &str) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if let Some(to) = &plan.links.to {
        errors.add(
            "plan_type",
            format!("This plan has already been transferred, to {}", to.label()),
        );
    } else if !plan.status.is_active() {
        errors.add(
            "plan_type",
            format!(
                "This plan is {}; it can no longer be transferred",
                plan.status.label().to_lowercase()
            ),
        );
    } else {
        match plan_type.and_then(|t| t.official_form.as_deref()) {
            None => errors.add(
                "plan_type",
                "Only a blank-sheet plan can be transferred to an official form",
            ),
            Some(official) if official != onto => errors.add(
                "plan_type",
                format!("This plan can only be transferred to its official form, {official}"),
            ),
            Some(_) => {}
        }
    }
    // All of these depend on the plan as stored.
    errors.as_conflict().into_result(())
}

/// The status the plan carried on ends in: a draft is closed, an agreed
/// plan superseded (the lifecycle's moves, [`PlanStatus::next`]).
pub fn status_after(plan: &Plan) -> PlanStatus {
    if plan.status == PlanStatus::Draft {
        PlanStatus::Closed
    } else {
        PlanStatus::Superseded
    }
}

/// What the new plan's log says after its creation: everything `from` says
/// (without items ended at a review) and everyone involved, with its lead.
pub fn carried_from(from: &Plan, link: PlanLink) -> Change {
    let content: PlanContent = crate::review::successor_content(from);
    Change::ContinuedFrom {
        from: link,
        content: Box::new(content),
        parties: from.parties.clone(),
        lead_party_id: from.lead_party_id,
    }
}

/// What `onto`'s form asks for that the plan does not say yet (the list a
/// transferred plan opens on; the same as showing the plan on that form).
pub fn gaps(plan: &Plan, onto: &PlanType) -> Vec<crate::plan_type::Gap> {
    crate::plan_type::gaps(onto, |kind, key| plan.content.has_content(kind, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{ChangeRecord, PlanDetails};
    use time::OffsetDateTime;

    fn blank_sheet() -> Plan {
        let record = ChangeRecord {
            seq: 1,
            at: OffsetDateTime::UNIX_EPOCH,
            author_id: None,
            author_name: "Sam".into(),
            reason: None,
            change: Change::Created {
                person_id: Uuid::nil(),
                plan_type: "PB-BLANK".into(),
                number: 1,
                details: PlanDetails {
                    title: "My plan".into(),
                    start_date: None,
                    review_interval_weeks: None,
                },
            },
        };
        Plan::from_creation(Uuid::from_u128(1), &record).unwrap()
    }

    fn builtin(id: &str) -> PlanType {
        crate::plan_type::Registry::builtin().get(id).unwrap().clone()
    }

    #[test]
    fn the_new_plan_carries_everything_and_each_log_names_the_other() {
        let mut blank = blank_sheet();
        blank.content.texts.insert("passions".into(), "Football".into());
        let link = |id: u128, plan_type: &str| PlanLink {
            plan_id: Uuid::from_u128(id),
            plan_type: plan_type.into(),
            number: 1,
            kind: LinkKind::Transfer,
        };
        let carried = carried_from(&blank, link(1, "PB-BLANK"));
        // Only a transfer links plans: never a change sent on its own.
        assert!(blank.check(&carried, None, None).unwrap_err().get("type").is_some());
        let to = Change::ContinuedAs { to: link(2, "PB") };
        assert!(blank.check(&to, None, None).is_err());

        let mut official = blank_sheet();
        official.plan_type = "PB".into();
        let record = |seq, change| ChangeRecord {
            seq,
            at: OffsetDateTime::UNIX_EPOCH,
            author_id: None,
            author_name: "Sam".into(),
            reason: None,
            change,
        };
        official.apply(&record(2, carried)).unwrap();
        assert_eq!(official.content, blank.content);
        assert_eq!(official.links.from, Some(link(1, "PB-BLANK")));
        blank.apply(&record(2, to)).unwrap();
        assert_eq!(blank.links.to, Some(link(2, "PB")));
        assert_eq!(blank.content_hash(), blank_sheet_with_passions().content_hash());
        let official_type = builtin("PB");
        assert!(
            gaps(&official, &official_type)
                .iter()
                .all(|g| g.text_key.as_deref() != Some("passions"))
        );
    }

    fn blank_sheet_with_passions() -> Plan {
        let mut plan = blank_sheet();
        plan.content.texts.insert("passions".into(), "Football".into());
        plan
    }

    #[test]
    fn only_a_blank_sheet_goes_onto_its_official_form_once() {
        let plan = blank_sheet();
        let blank = builtin("PB-BLANK");
        assert_eq!(check(&plan, Some(&blank), "PB"), Ok(()));
        assert!(check(&plan, Some(&blank), "MSP").is_err());
        assert!(check(&plan, Some(&builtin("PB")), "PB").is_err());
        assert!(check(&plan, None, "PB").is_err());
        let mut done = plan.clone();
        done.links.to = Some(PlanLink {
            plan_id: Uuid::from_u128(2),
            plan_type: "PB".into(),
            number: 1,
            kind: LinkKind::Transfer,
        });
        assert_eq!(
            check(&done, Some(&blank), "PB").unwrap_err().get("plan_type"),
            Some("This plan has already been transferred, to PB plan number 1")
        );
        assert_eq!(status_after(&plan), PlanStatus::Closed);
        assert!(plan.status.next().contains(&status_after(&plan)));
        for status in [PlanStatus::Agreed, PlanStatus::UnderReview] {
            let mut agreed = plan.clone();
            agreed.status = status;
            assert_eq!(status_after(&agreed), PlanStatus::Superseded);
            assert!(status.next().contains(&status_after(&agreed)));
        }
    }
}
