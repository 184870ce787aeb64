//! Agreements (issue 9, SPEC A1–A4): each party agrees to an exact version
//! of the plan, bound to the hash of its canonical form. A plan becomes
//! agreed when every party marked as required has agreed the current
//! version: the status follows from the agreements.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::error::FieldErrors;
use crate::plan::{Plan, PlanStatus};
use crate::plan_type::PlanType;

/// In what capacity someone agrees for another person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// A parent or carer for a young child.
    ParentForChild,
    /// A Lasting Power of Attorney for health and welfare.
    Attorney,
    /// A deputy appointed by the Court of Protection.
    Deputy,
}

/// Agreement given on behalf of another (for whom, in what capacity), with
/// the person's own view kept beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OnBehalfOf {
    #[schema(min_length = 1, max_length = 200)]
    pub person_name: String,
    pub capacity: Capacity,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub persons_view: Option<String>,
}

/// What a party said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// Agreed on screen with their typed full name and the statement of
    /// commitment shown to them.
    Agreed {
        #[schema(min_length = 1, max_length = 200)]
        typed_name: String,
        #[schema(min_length = 1, max_length = 2000)]
        statement: String,
        #[serde(default)]
        on_behalf_of: Option<OnBehalfOf>,
    },
    /// Declined, with the reason (a barrier to commitment, SPEC A4).
    Declined {
        #[schema(min_length = 1, max_length = 2000)]
        reason: String,
    },
    /// A signed paper copy of the printed version, scanned and uploaded.
    Paper {
        #[schema(min_length = 1, max_length = 200)]
        signed_by: String,
        /// The stored file's reference: the id of a file uploaded to the
        /// plan.
        #[schema(min_length = 1, max_length = 100)]
        file_ref: String,
        #[serde(default)]
        on_behalf_of: Option<OnBehalfOf>,
    },
}

/// One party's response to one version of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Agreement {
    pub party_id: Uuid,
    /// The content version agreed: the sequence number of the last change
    /// to what the plan says ([`AgreementState::content_version`]).
    pub version: i64,
    /// [`Plan::content_hash`] of that version.
    pub content_hash: String,
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// What they said. Nested, not flattened, so the OpenAPI document
    /// describes it as a plain object (client generators cannot take
    /// `allOf` of a tagged union).
    pub response: Response,
}

impl Agreement {
    pub fn is_agreed(&self) -> bool {
        !matches!(self.response, Response::Declined { .. })
    }
}

/// An agreement as kept in the plan, with the hash of the party's part of
/// the plan at the time (to know whom to ask again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Given {
    pub agreement: Agreement,
    pub seq: i64,
    pub part_hash: String,
}

/// Agreements derived from the plan's log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AgreementState {
    /// Parties whose agreement is needed, in order of their ids.
    pub required: Vec<Uuid>,
    /// The sequence number of the last change to what the plan says.
    pub content_version: i64,
    /// Every response, in order; none is ever removed.
    pub given: Vec<Given>,
    /// Funding approval, when the plan type needs it ([`crate::approval`]).
    pub approval: crate::approval::ApprovalState,
}

/// Where one party stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyStanding {
    NotYetAgreed,
    /// Agreed the current version.
    Agreed {
        version: i64,
        on: Date,
    },
    /// Agreed an earlier version; `part_changed` when their provision or
    /// their party record changed since, so they are asked again.
    AgreedEarlier {
        version: i64,
        on: Date,
        part_changed: bool,
    },
    Declined {
        version: i64,
        reason: String,
    },
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    norm(a) == norm(b)
}

/// The statement of commitment of a plan type, when it has one.
pub fn statement_of(plan_type: Option<&PlanType>) -> Option<&str> {
    plan_type?.sections.iter().find_map(|s| s.statement.as_deref())
}

/// Hash of one party's part in the plan: their party record and every
/// provision or action they give (ended or not).
pub fn part_hash(plan: &Plan, party_id: Uuid) -> String {
    let provision: Vec<_> = plan
        .content
        .provision
        .iter()
        .filter(|p| p.party_id == Some(party_id))
        .map(|p| (p, plan.reviews.ended.get(&p.id)))
        .collect();
    crate::canonical::hash_of_value(serde_json::json!({
        "party": plan.party(party_id),
        "provision": provision,
    }))
}

/// The rules an agreement must meet to be recorded.
pub fn check(plan: &Plan, agreement: &Agreement, plan_type: Option<&PlanType>) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    // Lengths and invisible characters, as the API document says.
    let mut text = |field: &str, value: &str, max: usize| {
        crate::error::optional_text(&mut errors, field, Some(value), max);
    };
    match &agreement.response {
        Response::Agreed {
            typed_name,
            statement,
            on_behalf_of,
        } => {
            text("typed_name", typed_name, 200);
            text("statement", statement, 2000);
            if let Some(o) = on_behalf_of {
                text("on_behalf_of", &o.person_name, 200);
                text("persons_view", o.persons_view.as_deref().unwrap_or(""), 2000);
            }
        }
        Response::Declined { reason } => text("reason", reason, 2000),
        Response::Paper {
            signed_by,
            file_ref,
            on_behalf_of,
        } => {
            text("signed_by", signed_by, 200);
            text("file_ref", file_ref, 100);
            if let Some(o) = on_behalf_of {
                text("on_behalf_of", &o.person_name, 200);
                text("persons_view", o.persons_view.as_deref().unwrap_or(""), 2000);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(party) = plan.party(agreement.party_id) else {
        return Err(FieldErrors::single(
            "party_id",
            "That person is not a party to this plan",
        ));
    };
    let current = plan.content_hash();
    if agreement.version != plan.agreements.content_version || agreement.content_hash != current {
        errors.add(
            "version",
            format!(
                "This plan has changed since the version you read (version {}); the current version is {}. Read the current version and agree to that",
                agreement.version, plan.agreements.content_version
            ),
        );
    }
    if let Some(latest) = latest(plan, party.id)
        && latest.agreement.content_hash == current
        && latest.agreement.response == agreement.response
    {
        errors.add(
            "party_id",
            format!("{} has already given this response to this version", party.name),
        );
    }
    let check_on_behalf = |errors: &mut FieldErrors, on: &Option<OnBehalfOf>| {
        if let Some(on) = on
            && on.person_name.trim().is_empty()
        {
            errors.add("on_behalf_of", "Enter the name of the person this agreement is for");
        }
    };
    match &agreement.response {
        Response::Agreed {
            typed_name,
            statement,
            on_behalf_of,
        } => {
            if typed_name.trim().is_empty() {
                errors.add("typed_name", "Type your full name to agree");
            } else if !same_name(typed_name, &party.name) {
                errors.add(
                    "typed_name",
                    format!("The name typed does not match the party: type {} in full", party.name),
                );
            }
            match statement_of(plan_type) {
                Some(expected) if expected.trim() != statement.trim() => errors.add(
                    "statement",
                    "The statement of commitment is not this plan type's statement",
                ),
                None if statement.trim().is_empty() => {
                    errors.add("statement", "Give the statement of commitment agreed to")
                }
                _ => {}
            }
            check_on_behalf(&mut errors, on_behalf_of);
        }
        Response::Declined { reason } => {
            if reason.trim().is_empty() {
                errors.add("reason", "Say why the plan is not agreed");
            }
        }
        Response::Paper {
            signed_by,
            file_ref,
            on_behalf_of,
        } => {
            if !same_name(signed_by, &party.name) {
                errors.add(
                    "signed_by",
                    format!("The paper copy must be signed by the party: {}", party.name),
                );
            }
            if file_ref.trim().is_empty() {
                errors.add("file_ref", "Upload the scanned signed copy");
            }
            check_on_behalf(&mut errors, on_behalf_of);
        }
    }
    errors.into_result(())
}

/// Records an agreement and lets the status follow from the agreements.
pub fn record(plan: &mut Plan, agreement: &Agreement, seq: i64) {
    let part_hash = part_hash(plan, agreement.party_id);
    plan.agreements.given.push(Given {
        agreement: agreement.clone(),
        seq,
        part_hash,
    });
    settle_status(plan);
}

/// A draft becomes agreed once every required party has agreed the current
/// version (and, when its type needs it, the version is approved,
/// [`crate::approval`]): after an agreement, and after the list of required parties
/// changes (a party who agreed earlier may be marked required later). A
/// plan under review becomes agreed again the same way once its review is
/// closed.
pub fn settle_status(plan: &mut Plan) {
    let settles = match plan.status {
        PlanStatus::Draft => true,
        PlanStatus::UnderReview => plan.reviews.open().is_none(),
        _ => false,
    };
    if settles && all_required_agreed(plan) && crate::approval::approved(plan) {
        plan.status = PlanStatus::Agreed;
    }
}

/// The latest response of a party.
pub fn latest(plan: &Plan, party_id: Uuid) -> Option<&Given> {
    plan.agreements
        .given
        .iter()
        .rev()
        .find(|g| g.agreement.party_id == party_id)
}

/// Where the parties stand against the plan as it is now. The plan's
/// content hash, which every standing compares with, is computed once for
/// all of them: it is the costly part (the canonical form of the whole
/// plan), and a page asks for every party's standing.
#[derive(Debug, Clone)]
pub struct Standings<'a> {
    plan: &'a Plan,
    current: String,
}

impl<'a> Standings<'a> {
    pub fn of(plan: &'a Plan) -> Self {
        Standings {
            plan,
            current: plan.content_hash(),
        }
    }

    /// The standings of a plan whose content hash was already worked out
    /// by [`Standings::of`] (for a copy of the plan handed elsewhere, so
    /// that the costly part is not done twice).
    pub fn known(plan: &'a Plan, content_hash: String) -> Self {
        Standings {
            plan,
            current: content_hash,
        }
    }

    /// The plan they stand against.
    pub fn plan(&self) -> &'a Plan {
        self.plan
    }

    /// The plan's content hash now.
    pub fn content_hash(&self) -> &str {
        &self.current
    }

    /// Where a party stands against the current version.
    pub fn standing(&self, party_id: Uuid) -> PartyStanding {
        let plan = self.plan;
        let Some(given) = latest(plan, party_id) else {
            return PartyStanding::NotYetAgreed;
        };
        let a = &given.agreement;
        match &a.response {
            Response::Declined { reason } => PartyStanding::Declined {
                version: a.version,
                reason: reason.clone(),
            },
            _ if a.content_hash == self.current => PartyStanding::Agreed {
                version: a.version,
                on: a.on,
            },
            _ => PartyStanding::AgreedEarlier {
                version: a.version,
                on: a.on,
                part_changed: given.part_hash != part_hash(plan, party_id),
            },
        }
    }

    /// The rule: every required party (at least one) has agreed the
    /// current version.
    pub fn all_required_agreed(&self) -> bool {
        let required = &self.plan.agreements.required;
        !required.is_empty()
            && required
                .iter()
                .all(|id| matches!(self.standing(*id), PartyStanding::Agreed { .. }))
    }

    /// Required parties to ask (again): never agreed, declined, or whose
    /// part changed since they agreed.
    pub fn to_ask(&self) -> Vec<Uuid> {
        self.plan
            .agreements
            .required
            .iter()
            .copied()
            .filter(|id| match self.standing(*id) {
                PartyStanding::Agreed { .. } => false,
                PartyStanding::AgreedEarlier { part_changed, .. } => part_changed,
                PartyStanding::NotYetAgreed | PartyStanding::Declined { .. } => true,
            })
            .collect()
    }
}

/// Where a party stands against the current version.
pub fn standing(plan: &Plan, party_id: Uuid) -> PartyStanding {
    Standings::of(plan).standing(party_id)
}

/// The rule: every required party (at least one) has agreed the current
/// version.
pub fn all_required_agreed(plan: &Plan) -> bool {
    // Asked after every change (settle_status): first what needs no hash.
    // Someone required has not agreed anything, or declined, or two of
    // them agreed different contents: not all agreed this one.
    let required = &plan.agreements.required;
    let mut agreed = required.iter().map(|id| match latest(plan, *id) {
        Some(g) if !matches!(g.agreement.response, Response::Declined { .. }) => Some(&g.agreement.content_hash),
        _ => None,
    });
    let Some(Some(first)) = agreed.next() else {
        return false;
    };
    if !agreed.all(|hash| hash == Some(first)) {
        return false;
    }
    Standings::of(plan).all_required_agreed()
}

/// Required parties to ask (again): never agreed, declined, or whose part
/// changed since they agreed.
pub fn to_ask(plan: &Plan) -> Vec<Uuid> {
    Standings::of(plan).to_ask()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Item;
    use crate::plan::Change;
    use crate::testkit::{provision, small_log, step};
    use proptest::prelude::*;
    use time::macros::date;

    const CLAIRE: Uuid = Uuid::from_u128(1);
    const PRIYA: Uuid = Uuid::from_u128(2);

    fn plan() -> Plan {
        let mut plan = Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap();
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

    fn agreement(plan: &Plan, party_id: Uuid, name: &str) -> Agreement {
        Agreement {
            party_id,
            version: plan.agreements.content_version,
            content_hash: plan.content_hash(),
            on: date!(2027 - 01 - 20),
            response: Response::Agreed {
                typed_name: name.into(),
                statement: "We agree to this plan and our part in it".into(),
                on_behalf_of: None,
            },
        }
    }

    fn agree(plan: &mut Plan, party_id: Uuid, name: &str) -> Result<(), FieldErrors> {
        let agreement = agreement(plan, party_id, name);
        step(plan, Change::AgreementRecorded { agreement })
    }

    #[test]
    fn the_plan_becomes_agreed_when_every_required_party_has_agreed() {
        let mut plan = plan();
        agree(&mut plan, CLAIRE, "Claire Martin").unwrap();
        assert_eq!(plan.status, PlanStatus::Draft, "one of two has agreed");
        assert_eq!(to_ask(&plan), vec![PRIYA]);
        // Names are compared without regard to case or spacing.
        agree(&mut plan, PRIYA, "  priya   SHAH ").unwrap();
        assert_eq!(plan.status, PlanStatus::Agreed);
        assert!(all_required_agreed(&plan));
        assert!(to_ask(&plan).is_empty());
        // Recording agreements did not make a new content version.
        assert_eq!(plan.agreements.content_version, 6);
        // The state survives a replay and the stored JSON.
        let again: Plan = serde_json::from_value(serde_json::to_value(&plan).unwrap()).unwrap();
        assert_eq!(again, plan);
    }

    #[test]
    fn a_reviewed_plan_is_agreed_again_by_agreements_never_by_hand() {
        use crate::review::{OutcomeRating, ReviewKind};
        use crate::testkit::{builtin, step_on};
        let msp = builtin("msp.toml");
        let mut plan = plan();
        agree(&mut plan, CLAIRE, "Claire Martin").unwrap();
        agree(&mut plan, PRIYA, "Priya Shah").unwrap();
        let review_id = Uuid::from_u128(900);
        let on = date!(2027 - 03 - 12);
        let opened = Change::ReviewOpened {
            review_id,
            kind: ReviewKind::Formal,
            on,
            participants: vec!["Claire Martin".into()],
        };
        step_on(&mut plan, opened, Some(&msp)).unwrap();
        assert_eq!(plan.status, PlanStatus::UnderReview);
        let by_hand = Change::StatusChanged { to: PlanStatus::Agreed };
        let refused = step_on(&mut plan, by_hand, Some(&msp)).unwrap_err();
        assert!(refused.get("status").is_some(), "{refused:?}");
        // The review changes Priya's part and rates every outcome.
        let edited = Change::ItemEdited {
            item: Item::Provision(provision(21, "Check-in twice a day", Some(PRIYA))),
        };
        step_on(&mut plan, edited, Some(&msp)).unwrap();
        let ratings = plan
            .content
            .outcomes
            .iter()
            .map(|o| OutcomeRating {
                outcome_id: o.id,
                rating: "met".into(),
                note: String::new(),
            })
            .collect();
        let answered = Change::ReviewAnswered {
            review_id,
            answers: Default::default(),
            ratings,
        };
        step_on(&mut plan, answered, Some(&msp)).unwrap();
        let closed = Change::ReviewClosed {
            review_id,
            on,
            supersedes: false,
        };
        step_on(&mut plan, closed, Some(&msp)).unwrap();
        assert_eq!(
            plan.status,
            PlanStatus::UnderReview,
            "the reviewed plan is not agreed yet"
        );
        agree(&mut plan, CLAIRE, "Claire Martin").unwrap();
        assert_eq!(plan.status, PlanStatus::UnderReview, "one of two has agreed it");
        agree(&mut plan, PRIYA, "Priya Shah").unwrap();
        assert_eq!(plan.status, PlanStatus::Agreed);
    }

    #[test]
    fn no_required_party_means_no_automatic_agreement() {
        let mut plan = Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap();
        agree(&mut plan, CLAIRE, "Claire Martin").unwrap();
        agree(&mut plan, PRIYA, "Priya Shah").unwrap();
        assert_eq!(plan.status, PlanStatus::Draft);
    }

    #[test]
    fn a_typed_name_that_does_not_match_the_party_is_refused() {
        let mut plan = plan();
        let errors = agree(&mut plan, CLAIRE, "Claire Marten").unwrap_err();
        assert_eq!(
            errors.get("typed_name"),
            Some("The name typed does not match the party: type Claire Martin in full")
        );
        assert!(agree(&mut plan, CLAIRE, " ").unwrap_err().get("typed_name").is_some());
        assert!(plan.agreements.given.is_empty(), "nothing recorded");
    }

    #[test]
    fn agreeing_to_a_stale_version_is_refused() {
        let mut plan = plan();
        let stale = agreement(&plan, CLAIRE, "Claire Martin");
        step(
            &mut plan,
            Change::ItemEdited {
                item: Item::Provision(provision(20, "Reading at home, 10 minutes a night", Some(CLAIRE))),
            },
        )
        .unwrap();
        let errors = step(&mut plan, Change::AgreementRecorded { agreement: stale }).unwrap_err();
        assert_eq!(
            errors.get("version"),
            Some(
                "This plan has changed since the version you read (version 6); the current version is 9. Read the current version and agree to that"
            )
        );
        // A forged hash for the current version number is refused as well.
        let mut forged = agreement(&plan, CLAIRE, "Claire Martin");
        forged.content_hash = "c1:00".into();
        assert!(step(&mut plan, Change::AgreementRecorded { agreement: forged }).is_err());
    }

    #[test]
    fn an_agreement_for_a_party_of_another_plan_is_refused() {
        let mut plan = plan();
        let errors = agree(&mut plan, Uuid::from_u128(99), "Claire Martin").unwrap_err();
        assert_eq!(errors.get("party_id"), Some("That person is not a party to this plan"));
    }

    #[test]
    fn when_an_agreed_plan_changes_only_the_parties_whose_part_changed_are_asked_again() {
        let mut plan = plan();
        agree(&mut plan, CLAIRE, "Claire Martin").unwrap();
        agree(&mut plan, PRIYA, "Priya Shah").unwrap();
        step(
            &mut plan,
            Change::ItemEdited {
                item: Item::Provision(provision(21, "Check-in twice a day", Some(PRIYA))),
            },
        )
        .unwrap();
        assert_eq!(plan.status, PlanStatus::Agreed, "an agreed plan stays in action");
        assert_eq!(to_ask(&plan), vec![PRIYA]);
        assert_eq!(
            standing(&plan, CLAIRE),
            PartyStanding::AgreedEarlier {
                version: 6,
                on: date!(2027 - 01 - 20),
                part_changed: false
            }
        );
        assert!(matches!(
            standing(&plan, PRIYA),
            PartyStanding::AgreedEarlier { part_changed: true, .. }
        ));
        agree(&mut plan, PRIYA, "Priya Shah").unwrap();
        assert!(to_ask(&plan).is_empty());
        assert_eq!(plan.agreements.given.len(), 3, "earlier agreements stay");
    }

    #[test]
    fn declining_paper_and_on_behalf_agreements() {
        let mut plan = plan();
        let mut declined = agreement(&plan, CLAIRE, "");
        declined.response = Response::Declined { reason: " ".into() };
        let errors = step(
            &mut plan,
            Change::AgreementRecorded {
                agreement: declined.clone(),
            },
        )
        .unwrap_err();
        assert_eq!(errors.get("reason"), Some("Say why the plan is not agreed"));
        declined.response = Response::Declined {
            reason: "The reading at home is too much with the new baby".into(),
        };
        step(&mut plan, Change::AgreementRecorded { agreement: declined }).unwrap();
        assert!(matches!(standing(&plan, CLAIRE), PartyStanding::Declined { .. }));
        assert!(to_ask(&plan).contains(&CLAIRE));

        let mut paper = agreement(&plan, CLAIRE, "");
        paper.response = Response::Paper {
            signed_by: "Someone Else".into(),
            file_ref: "".into(),
            on_behalf_of: None,
        };
        let errors = step(
            &mut plan,
            Change::AgreementRecorded {
                agreement: paper.clone(),
            },
        )
        .unwrap_err();
        assert!(errors.get("signed_by").is_some());
        assert_eq!(errors.get("file_ref"), Some("Upload the scanned signed copy"));
        paper.response = Response::Paper {
            signed_by: "Claire Martin".into(),
            file_ref: "uploads/2027/signed-msp.pdf".into(),
            on_behalf_of: Some(OnBehalfOf {
                person_name: "Leo Martin".into(),
                capacity: Capacity::ParentForChild,
                persons_view: Some("I like my reading book".into()),
            }),
        };
        step(&mut plan, Change::AgreementRecorded { agreement: paper }).unwrap();
        agree(&mut plan, PRIYA, "Priya Shah").unwrap();
        assert_eq!(plan.status, PlanStatus::Agreed, "a paper agreement counts");
    }

    /// Checks and applies a change, keeping the log to replay.
    fn go(plan: &mut Plan, log: &mut Vec<crate::plan::ChangeRecord>, change: Change) -> Result<(), FieldErrors> {
        plan.check(&change, Some("Agreed at the meeting"), None)?;
        let record = crate::testkit::record(plan.version + 1, change);
        plan.apply(&record).expect("a checked change applies");
        log.push(record);
        Ok(())
    }

    #[derive(Debug, Clone)]
    enum Op {
        Require(usize, bool),
        Agree(usize),
        AgreeStale(usize),
        Decline(usize),
        Edit(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..2usize, any::<bool>()).prop_map(|(i, r)| Op::Require(i, r)),
            (0..2usize).prop_map(Op::Agree),
            (0..2usize).prop_map(Op::AgreeStale),
            (0..2usize).prop_map(Op::Decline),
            (0..2usize).prop_map(Op::Edit),
        ]
    }

    proptest! {
        /// The plan becomes agreed exactly when, for the first time, every
        /// required party's latest response is an agreement to the current
        /// content; stale agreements are always refused; replaying the log
        /// gives the same plan.
        #[test]
        fn status_follows_from_agreements(ops in proptest::collection::vec(op(), 0..30)) {
            let parties = [(CLAIRE, "Claire Martin", 20u128), (PRIYA, "Priya Shah", 21)];
            let mut plan = Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap();
            let mut log = small_log("MSP");
            // The model.
            let mut required = [false, false];
            let mut agreed_version: [Option<i64>; 2] = [None, None];
            let mut content_version = 6;
            let mut model_agreed = false;
            let mut edits = 0;
            for op in ops {
                let before = plan.version;
                let result = match op {
                    Op::Require(i, r) => {
                        required[i] = r;
                        go(&mut plan, &mut log, Change::AgreementRequiredSet { party_id: parties[i].0, required: r })
                    }
                    Op::Agree(i) => {
                        let already = agreed_version[i] == Some(content_version);
                        let a = agreement(&plan, parties[i].0, parties[i].1);
                        let result = go(&mut plan, &mut log, Change::AgreementRecorded { agreement: a });
                        prop_assert_eq!(result.is_err(), already);
                        agreed_version[i] = Some(content_version);
                        result
                    }
                    Op::AgreeStale(i) => {
                        let mut a = agreement(&plan, parties[i].0, parties[i].1);
                        a.version -= 1;
                        let result = go(&mut plan, &mut log, Change::AgreementRecorded { agreement: a });
                        prop_assert!(result.is_err());
                        result
                    }
                    Op::Decline(i) => {
                        let mut a = agreement(&plan, parties[i].0, "");
                        a.response = Response::Declined { reason: "Not yet".into() };
                        let already = matches!(standing(&plan, parties[i].0), PartyStanding::Declined { .. })
                            && latest(&plan, parties[i].0).unwrap().agreement.content_hash == plan.content_hash();
                        let result = go(&mut plan, &mut log, Change::AgreementRecorded { agreement: a });
                        prop_assert_eq!(result.is_err(), already);
                        agreed_version[i] = None;
                        result
                    }
                    Op::Edit(i) => {
                        edits += 1;
                        let p = provision(parties[i].2, &format!("Edited {edits}"), Some(parties[i].0));
                        let result = go(&mut plan, &mut log, Change::ItemEdited { item: Item::Provision(p) });
                        content_version = plan.version;
                        result
                    }
                };
                if result.is_err() {
                    prop_assert_eq!(plan.version, before, "a refused change writes nothing");
                }
                let all = required.iter().any(|r| *r)
                    && (0..2).all(|i| !required[i] || agreed_version[i] == Some(content_version));
                model_agreed |= all;
                prop_assert_eq!(plan.status == PlanStatus::Agreed, model_agreed);
                prop_assert_eq!(plan.agreements.content_version, content_version);
            }
            let replayed = Plan::replay(Uuid::nil(), &log).unwrap();
            prop_assert_eq!(replayed.agreements, plan.agreements.clone());
            prop_assert_eq!(replayed.status, plan.status);
        }
    }
}
