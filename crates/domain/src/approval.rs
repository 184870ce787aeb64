//! Funding approval (issue 9, PB, seed 002): a plan type can require an
//! approver (the council or NHS commissioner, a party of the plan in one of
//! the type's approver roles) whose approval of the current version, bound
//! to it like an agreement by the content hash, is needed before the plan
//! is put into action. A refusal is kept with its reason; a change after
//! approval asks for approval again.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::error::FieldErrors;
use crate::plan::{PartyRole, Plan};

/// The plan type's setting (`[approval]` in its file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRules {
    /// Whether plans of the type need approval before they are put into
    /// action.
    #[serde(default)]
    pub required: bool,
    /// The party roles that may approve (at least one when required).
    #[serde(default)]
    pub approver_roles: Vec<PartyRole>,
}

impl ApprovalRules {
    /// The setting's own rule, checked when the plan type is loaded.
    pub fn validate(&self) -> Result<(), String> {
        if self.required && self.approver_roles.is_empty() {
            return Err("approval.approver_roles: name at least one role when approval is required".into());
        }
        if !self.required && !self.approver_roles.is_empty() {
            return Err("approval.approver_roles: only when approval.required is true".into());
        }
        let mut seen = Vec::new();
        for role in &self.approver_roles {
            if seen.contains(role) {
                return Err(format!("approval.approver_roles: {} is listed twice", role.as_str()));
            }
            seen.push(*role);
        }
        Ok(())
    }
}

/// An approver's decision on one version of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Approval {
    /// The approving party (in one of the plan type's approver roles).
    pub party_id: Uuid,
    /// The content version decided on ([`crate::agreement::AgreementState::content_version`]).
    pub version: i64,
    /// [`Plan::content_hash`] of that version.
    pub content_hash: String,
    #[schema(value_type = String, format = Date)]
    pub on: Date,
}

/// A decision as kept in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub approval: Approval,
    /// The refusal's reason; none when approved.
    #[serde(default)]
    pub refused: Option<String>,
    pub seq: i64,
}

/// Approval derived from the plan's log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ApprovalState {
    /// The roles that may approve, recorded when the plan is created from
    /// its type's setting; empty when no approval is needed.
    pub approver_roles: Vec<PartyRole>,
    /// Every decision, in order; none is ever removed.
    pub decisions: Vec<Decision>,
}

/// Where the plan stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    NotNeeded,
    NotYetDecided,
    Approved {
        version: i64,
        on: Date,
    },
    /// Approved an earlier version: approval is asked again.
    ApprovedEarlier {
        version: i64,
        on: Date,
    },
    Refused {
        version: i64,
        on: Date,
        reason: String,
    },
}

/// Whether the plan needs approval.
pub fn required(plan: &Plan) -> bool {
    !plan.agreements.approval.approver_roles.is_empty()
}

/// Where the plan stands against its current version.
pub fn standing(plan: &Plan) -> Standing {
    if !required(plan) {
        return Standing::NotNeeded;
    }
    let Some(last) = plan.agreements.approval.decisions.last() else {
        return Standing::NotYetDecided;
    };
    let a = &last.approval;
    match &last.refused {
        Some(reason) => Standing::Refused {
            version: a.version,
            on: a.on,
            reason: reason.clone(),
        },
        None if a.content_hash == plan.content_hash() => Standing::Approved {
            version: a.version,
            on: a.on,
        },
        None => Standing::ApprovedEarlier {
            version: a.version,
            on: a.on,
        },
    }
}

/// The status rule's part: no approval needed, or the current version is
/// approved.
pub fn approved(plan: &Plan) -> bool {
    matches!(standing(plan), Standing::NotNeeded | Standing::Approved { .. })
}

/// The rules a decision must meet to be recorded (`refused` is the
/// refusal's reason, `None` for an approval).
pub fn check(plan: &Plan, approval: &Approval, refused: Option<&str>) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if let Some(reason) = refused {
        crate::error::optional_text(&mut errors, "reason", Some(reason), 2000);
        if reason.trim().is_empty() {
            errors.add("reason", "Say why the funding is refused");
        }
    }
    if !required(plan) {
        errors.add("party_id", "This plan's type does not need funding approval");
        return Err(errors);
    }
    let roles = &plan.agreements.approval.approver_roles;
    match plan.party(approval.party_id) {
        None => errors.add("party_id", "That person is not a party to this plan"),
        Some(party) if !roles.contains(&party.role) => errors.add(
            "party_id",
            format!(
                "{} may not approve this plan: approval is given by {}",
                party.name,
                roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(" or ")
            ),
        ),
        Some(_) => {}
    }
    if approval.version != plan.agreements.content_version || approval.content_hash != plan.content_hash() {
        errors.add(
            "version",
            format!(
                "This plan has changed since the version you read (version {}); the current version is {}. Read the current version and decide on that",
                approval.version, plan.agreements.content_version
            ),
        );
    }
    if refused.is_none() && matches!(standing(plan), Standing::Approved { .. }) {
        errors.add("version", "This version is already approved");
    }
    errors.into_result(())
}

/// Records a decision and lets the status follow.
pub fn record(plan: &mut Plan, approval: &Approval, refused: Option<&str>, seq: i64) {
    plan.agreements.approval.decisions.push(Decision {
        approval: approval.clone(),
        refused: refused.map(str::to_owned),
        seq,
    });
    crate::agreement::settle_status(plan);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{Agreement, Response};
    use crate::content::Item;
    use crate::plan::{Change, PlanStatus};
    use crate::testkit::{builtin, party, provision, small_log, step};
    use time::macros::date;

    const CLAIRE: Uuid = Uuid::from_u128(1);
    const PRIYA: Uuid = Uuid::from_u128(2);
    const DAVID: Uuid = Uuid::from_u128(3);

    /// A PB plan needing approval by a social worker (David), with Claire
    /// and Priya's agreement required.
    fn plan() -> Plan {
        let mut plan = Plan::replay(Uuid::nil(), &small_log("PB")).unwrap();
        let pb = builtin("pb.toml");
        let roles = pb.approval.approver_roles.clone();
        crate::testkit::step_on(
            &mut plan,
            Change::ApprovalRequired {
                approver_roles: roles.clone(),
            },
            Some(&pb),
        )
        .unwrap();
        let again = crate::testkit::step_on(&mut plan, Change::ApprovalRequired { approver_roles: roles }, Some(&pb));
        assert!(again.unwrap_err().get("approver_roles").is_some(), "once only");
        step(
            &mut plan,
            Change::PartyAdded {
                party: party(3, "David Okafor", PartyRole::SocialWorker),
            },
        )
        .unwrap();
        for id in [CLAIRE, PRIYA] {
            step(
                &mut plan,
                Change::AgreementRequiredSet {
                    party_id: id,
                    required: true,
                },
            )
            .unwrap();
        }
        plan
    }

    fn agree_all(plan: &mut Plan) {
        for (id, name) in [(CLAIRE, "Claire Martin"), (PRIYA, "Priya Shah")] {
            let agreement = Agreement {
                party_id: id,
                version: plan.agreements.content_version,
                content_hash: plan.content_hash(),
                on: date!(2027 - 01 - 20),
                response: Response::Agreed {
                    typed_name: name.into(),
                    statement: crate::agreement::statement_of(Some(&builtin("pb.toml")))
                        .unwrap_or("We agree")
                        .into(),
                    on_behalf_of: None,
                },
            };
            step(plan, Change::AgreementRecorded { agreement }).unwrap();
        }
    }

    fn approval(plan: &Plan, party_id: Uuid) -> Approval {
        Approval {
            party_id,
            version: plan.agreements.content_version,
            content_hash: plan.content_hash(),
            on: date!(2027 - 01 - 22),
        }
    }

    #[test]
    fn the_pb_type_needs_approval_and_its_setting_is_checked() {
        let pb = builtin("pb.toml");
        assert!(pb.approval.required);
        assert!(!pb.approval.approver_roles.is_empty());
        assert!(!builtin("msp.toml").approval.required);
        let bad = ApprovalRules {
            required: true,
            approver_roles: vec![],
        };
        assert!(bad.validate().is_err());
        let twice = ApprovalRules {
            required: true,
            approver_roles: vec![PartyRole::SocialWorker, PartyRole::SocialWorker],
        };
        assert!(twice.validate().unwrap_err().contains("twice"));
    }

    #[test]
    fn an_agreed_plan_is_not_put_into_action_until_approved() {
        let mut plan = plan();
        agree_all(&mut plan);
        assert_eq!(plan.status, PlanStatus::Draft, "every party agreed, not yet approved");
        assert_eq!(standing(&plan), Standing::NotYetDecided);
        let a = approval(&plan, DAVID);
        step(&mut plan, Change::ApprovalGiven { approval: a }).unwrap();
        assert_eq!(plan.status, PlanStatus::Agreed);
        assert!(matches!(standing(&plan), Standing::Approved { .. }));
    }

    #[test]
    fn approval_before_agreement_lets_the_last_agreement_settle_it() {
        let mut plan = plan();
        let a = approval(&plan, DAVID);
        step(&mut plan, Change::ApprovalGiven { approval: a }).unwrap();
        assert_eq!(plan.status, PlanStatus::Draft);
        agree_all(&mut plan);
        assert_eq!(plan.status, PlanStatus::Agreed);
    }

    #[test]
    fn a_refusal_is_kept_and_blocks_until_approved() {
        let mut plan = plan();
        agree_all(&mut plan);
        let a = approval(&plan, DAVID);
        step(
            &mut plan,
            Change::ApprovalRefused {
                approval: a.clone(),
                reason: "The weekly cost is above the agreed budget".into(),
            },
        )
        .unwrap();
        assert_eq!(plan.status, PlanStatus::Draft);
        assert!(matches!(standing(&plan), Standing::Refused { ref reason, .. } if reason.contains("budget")));
        step(&mut plan, Change::ApprovalGiven { approval: a }).unwrap();
        assert_eq!(plan.status, PlanStatus::Agreed);
        assert_eq!(plan.agreements.approval.decisions.len(), 2, "the refusal is kept");
    }

    #[test]
    fn a_change_after_approval_asks_for_approval_again() {
        let mut plan = plan();
        let a = approval(&plan, DAVID);
        step(&mut plan, Change::ApprovalGiven { approval: a }).unwrap();
        step(
            &mut plan,
            Change::ItemAdded {
                item: Item::Provision(provision(22, "A personal assistant two mornings a week", None)),
            },
        )
        .unwrap();
        assert!(matches!(standing(&plan), Standing::ApprovedEarlier { .. }));
        agree_all(&mut plan);
        assert_eq!(plan.status, PlanStatus::Draft, "the new version is not approved");
    }

    #[test]
    fn bad_decisions_are_refused_naming_the_field() {
        let mut plan = plan();
        // Someone not allowed: Claire is a parent, not an approver.
        let by_claire = approval(&plan, CLAIRE);
        let errors = step(&mut plan, Change::ApprovalGiven { approval: by_claire }).unwrap_err();
        assert!(errors.get("party_id").unwrap().contains("may not approve"));
        // A stale version.
        let stale = approval(&plan, DAVID);
        step(
            &mut plan,
            Change::ItemAdded {
                item: Item::Provision(provision(22, "A personal assistant", None)),
            },
        )
        .unwrap();
        let errors = step(&mut plan, Change::ApprovalGiven { approval: stale }).unwrap_err();
        assert!(errors.get("version").unwrap().contains("has changed"));
        // An empty refusal reason.
        let current = approval(&plan, DAVID);
        let errors = step(
            &mut plan,
            Change::ApprovalRefused {
                approval: current,
                reason: "  ".into(),
            },
        )
        .unwrap_err();
        assert!(errors.get("reason").is_some());
        assert!(plan.agreements.approval.decisions.is_empty(), "nothing written");
        // A type without approval.
        let mut msp = Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap();
        let msp_type = builtin("msp.toml");
        let needs = Change::ApprovalRequired {
            approver_roles: vec![PartyRole::SocialWorker],
        };
        let errors = crate::testkit::step_on(&mut msp, needs, Some(&msp_type)).unwrap_err();
        assert!(errors.get("approver_roles").is_some());
        let by_priya = approval(&msp, PRIYA);
        let errors = step(&mut msp, Change::ApprovalGiven { approval: by_priya }).unwrap_err();
        assert!(errors.get("party_id").is_some());
    }
}
