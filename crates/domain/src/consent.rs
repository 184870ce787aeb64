//! Consent to share (SPEC S3): recorded per plan, per purpose and per
//! organisation, with who gave it, when, and on whose behalf. Each decision
//! is a change in the plan's log ([`crate::plan::Change::ConsentRecorded`]),
//! so giving and withdrawing are kept for good; the latest decision for a
//! purpose and organisation is the one in force.
//!
//! Withdrawing consent to share the plan with an organisation takes effect
//! at once: the parties of that organisation (their `agency`) lose the
//! access their account had through the plan ([`Plan::users_with_access`]),
//! which storage keeps in step after every change.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::error::FieldErrors;
use crate::plan::Plan;

crate::plan_type::name_enum! {
    /// What consent is asked for.
    pub enum Purpose ("consent purpose") {
        /// Sharing this plan with an organisation's practitioners.
        Sharing = "sharing",
        /// Reusing information from other plans ("tell it once").
        Reuse = "reuse",
        /// Referring the person to an organisation's service.
        Referral = "referral",
    }
}

impl Purpose {
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Sharing => "Share this plan with the organisation",
            Purpose::Reuse => "Reuse information from the organisation's other plans",
            Purpose::Referral => "Refer to the organisation's services",
        }
    }
}

crate::plan_type::name_enum! {
    /// Given or withdrawn.
    pub enum Decision ("consent decision") {
        Given = "given",
        Withdrawn = "withdrawn",
    }
}

/// One decision about consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentDecision {
    pub purpose: Purpose,
    /// The organisation it is about, e.g. "Kirklees Health Visiting".
    #[schema(min_length = 1, max_length = 200)]
    pub organisation: String,
    pub decision: Decision,
    /// Who gave or withdrew it (the person, a parent).
    #[schema(min_length = 1, max_length = 200)]
    pub given_by: String,
    /// On whose behalf, when not their own (a child's consent given by a
    /// parent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub on_behalf_of: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// A decision as recorded, with its place in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordedConsent {
    #[serde(flatten)]
    pub decision: ConsentDecision,
    /// The change that recorded it.
    pub seq: i64,
}

impl RecordedConsent {
    pub fn is_given(&self) -> bool {
        self.decision.decision == Decision::Given
    }
}

/// Every decision of a plan, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsentState {
    pub decisions: Vec<RecordedConsent>,
}

/// The same organisation however it is typed.
fn same_organisation(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl ConsentState {
    /// The decision in force for a purpose and organisation, if any.
    pub fn current(&self, purpose: Purpose, organisation: &str) -> Option<&RecordedConsent> {
        self.decisions
            .iter()
            .rev()
            .find(|d| d.decision.purpose == purpose && same_organisation(&d.decision.organisation, organisation))
    }

    /// The decisions in force: the latest for each purpose and organisation.
    pub fn in_force(&self) -> Vec<&RecordedConsent> {
        let mut out: Vec<&RecordedConsent> = Vec::new();
        for d in self.decisions.iter().rev() {
            let seen = out.iter().any(|o| {
                o.decision.purpose == d.decision.purpose
                    && same_organisation(&o.decision.organisation, &d.decision.organisation)
            });
            if !seen {
                out.push(d);
            }
        }
        out.reverse();
        out
    }

    /// Has consent to share the plan with this organisation been withdrawn
    /// (and not given again)?
    pub fn sharing_withdrawn(&self, organisation: &str) -> bool {
        self.current(Purpose::Sharing, organisation)
            .is_some_and(|d| d.decision.decision == Decision::Withdrawn)
    }
}

/// Checks a decision before it is recorded.
pub fn check(plan: &Plan, decision: &ConsentDecision) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for (field, value) in [
        ("organisation", &decision.organisation),
        ("given_by", &decision.given_by),
    ] {
        if value.trim().is_empty() {
            errors.add(
                field,
                if field == "organisation" {
                    "Enter the organisation the consent is about"
                } else {
                    "Enter who gave or withdrew the consent"
                },
            );
        }
        crate::error::optional_text(&mut errors, field, Some(value), 200);
    }
    crate::error::optional_text(&mut errors, "on_behalf_of", decision.on_behalf_of.as_deref(), 200);
    crate::error::optional_text(&mut errors, "note", decision.note.as_deref(), 2000);
    if decision.decision == Decision::Withdrawn {
        let given = plan
            .consents
            .current(decision.purpose, &decision.organisation)
            .is_some_and(|d| d.decision.decision == Decision::Given);
        if !given {
            errors.add(
                "decision",
                format!(
                    "No consent to \"{}\" is in force for {}: there is nothing to withdraw",
                    decision.purpose.label().to_lowercase(),
                    decision.organisation.trim()
                ),
            );
        }
    }
    errors.into_result(())
}

/// Records a checked decision.
pub fn record(plan: &mut Plan, decision: &ConsentDecision, seq: i64) {
    let mut decision = decision.clone();
    decision.organisation = decision.organisation.trim().to_owned();
    plan.consents.decisions.push(RecordedConsent { decision, seq });
}

impl Plan {
    /// The accounts that may see the plan because they are parties to it:
    /// every party with an account, except those of an organisation whose
    /// consent to share the plan has been withdrawn.
    pub fn users_with_access(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.parties.iter().filter_map(|party| {
            let withdrawn = party
                .agency
                .as_deref()
                .is_some_and(|agency| self.consents.sharing_withdrawn(agency));
            party.user_id.filter(|_| !withdrawn)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Change;
    use crate::testkit::{party, small_log, step};
    use time::macros::date;

    fn decision(decision: Decision, organisation: &str) -> ConsentDecision {
        ConsentDecision {
            purpose: Purpose::Sharing,
            organisation: organisation.into(),
            decision,
            given_by: "Claire Walsh".into(),
            on_behalf_of: Some("Leo Walsh".into()),
            on: date!(2026 - 11 - 02),
            note: None,
        }
    }

    #[test]
    fn withdrawing_sharing_takes_the_agencys_access_away() {
        let mut plan = Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap();
        let mut nurse = party(9, "Amy Nurse", crate::plan::PartyRole::HealthProfessional);
        nurse.agency = Some("Kirklees Health Visiting".into());
        nurse.user_id = Some(Uuid::from_u128(7));
        step(&mut plan, Change::PartyAdded { party: nurse }).unwrap();
        assert_eq!(plan.users_with_access().collect::<Vec<_>>(), [Uuid::from_u128(7)]);

        let errors = step(
            &mut plan,
            Change::ConsentRecorded {
                consent: decision(Decision::Withdrawn, "Kirklees Health Visiting"),
            },
        )
        .unwrap_err();
        assert!(errors.summary().contains("nothing to withdraw"), "{errors}");

        step(
            &mut plan,
            Change::ConsentRecorded {
                consent: decision(Decision::Given, "Kirklees Health Visiting"),
            },
        )
        .unwrap();
        step(
            &mut plan,
            Change::ConsentRecorded {
                consent: decision(Decision::Withdrawn, " kirklees health visiting "),
            },
        )
        .unwrap();
        assert_eq!(plan.users_with_access().count(), 0, "withdrawn, whatever the spelling");
        assert_eq!(plan.consents.decisions.len(), 2, "both decisions are kept");
        assert_eq!(plan.consents.in_force().len(), 1);

        step(
            &mut plan,
            Change::ConsentRecorded {
                consent: decision(Decision::Given, "Kirklees Health Visiting"),
            },
        )
        .unwrap();
        assert_eq!(plan.users_with_access().count(), 1, "given again");
    }

    #[test]
    fn a_decision_needs_an_organisation_and_who_gave_it() {
        let mut plan = Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap();
        let mut bad = decision(Decision::Given, "  ");
        bad.given_by = String::new();
        let errors = step(&mut plan, Change::ConsentRecorded { consent: bad }).unwrap_err();
        let text = errors.summary();
        assert!(text.contains("organisation"), "{text}");
        assert!(text.contains("who gave"), "{text}");
    }
}
