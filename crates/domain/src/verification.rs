//! Agreements checked against the plan's history (issue 9 "Anyone with
//! access can verify an agreement"): for every response recorded in the
//! log, the version it names is rebuilt from the log, its canonical hash
//! recomputed ([`crate::canonical`]) and compared with the hash the
//! agreement was bound to. What changed since an earlier agreement is read
//! from the same log.

use serde::Serialize;
use time::Date;
use uuid::Uuid;

use crate::agreement::{PartyStanding, Response, standing};
use crate::plan::{Change, ChangeRecord, Plan, RuleError};

/// What kind of response was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    Agreed,
    Declined,
    Paper,
    /// The approver approved the funding of the version (PB, [`crate::approval`]).
    FundingApproved,
    /// The approver refused the funding of the version, with a reason.
    FundingRefused,
}

impl ResponseKind {
    pub fn of(response: &Response) -> ResponseKind {
        match response {
            Response::Agreed { .. } => ResponseKind::Agreed,
            Response::Declined { .. } => ResponseKind::Declined,
            Response::Paper { .. } => ResponseKind::Paper,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResponseKind::Agreed => "Agreed",
            ResponseKind::Declined => "Declined",
            ResponseKind::Paper => "Agreed on paper",
            ResponseKind::FundingApproved => "Approved the funding",
            ResponseKind::FundingRefused => "Refused the funding",
        }
    }
}

/// One recorded response, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// The change in the log that recorded it.
    pub seq: i64,
    pub party_id: Uuid,
    /// The party's name as it stood when they responded.
    pub party_name: String,
    pub kind: ResponseKind,
    /// For whom, when agreed on behalf of someone else (a parent for a
    /// young child, an attorney or deputy).
    pub on_behalf_of: Option<String>,
    /// The content version responded to.
    pub version: i64,
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// The hash the response was bound to.
    pub content_hash: String,
    /// The hash of that version, recomputed from the log; null when the log
    /// has no such version or its hash is of an unknown canonical form.
    pub recomputed_hash: Option<String>,
    /// The recorded hash is the recomputed one: the response is for exactly
    /// the version it names.
    pub holds: bool,
    /// It is for the plan as it stands now (same content hash).
    pub current: bool,
}

/// Checks every response recorded in a plan's log.
pub fn verify(id: Uuid, log: &[ChangeRecord]) -> Result<Vec<Verification>, RuleError> {
    let Some(first) = log.first() else {
        return Ok(Vec::new());
    };
    let mut plan = Plan::from_creation(id, first)?;
    // The hash of each content version, as the log is replayed.
    let mut hashes: Vec<(i64, String)> = vec![(plan.agreements.content_version, plan.content_hash())];
    let mut found = Vec::new();
    for record in &log[1..] {
        // Agreements, and funding decisions bound to a version the same way.
        let bound = match &record.change {
            Change::AgreementRecorded { agreement } => Some((
                agreement.party_id,
                ResponseKind::of(&agreement.response),
                match &agreement.response {
                    Response::Agreed { on_behalf_of, .. } | Response::Paper { on_behalf_of, .. } => {
                        on_behalf_of.as_ref().map(|o| o.person_name.clone())
                    }
                    Response::Declined { .. } => None,
                },
                agreement.version,
                agreement.on,
                &agreement.content_hash,
            )),
            Change::ApprovalGiven { approval } | Change::ApprovalRefused { approval, .. } => Some((
                approval.party_id,
                if matches!(record.change, Change::ApprovalGiven { .. }) {
                    ResponseKind::FundingApproved
                } else {
                    ResponseKind::FundingRefused
                },
                None,
                approval.version,
                approval.on,
                &approval.content_hash,
            )),
            _ => None,
        };
        if let Some((party_id, kind, on_behalf_of, version, on, content_hash)) = bound {
            let recomputed = hashes
                .iter()
                .find(|(v, _)| *v == version)
                .map(|(_, h)| h.clone())
                .filter(|_| content_hash.starts_with(crate::canonical::HASH_PREFIX));
            found.push(Verification {
                seq: record.seq,
                party_id,
                party_name: plan
                    .party(party_id)
                    .map_or_else(|| "A former party".to_owned(), |p| p.name.clone()),
                kind,
                on_behalf_of,
                version,
                on,
                holds: recomputed.as_deref() == Some(content_hash.as_str()),
                content_hash: content_hash.clone(),
                recomputed_hash: recomputed,
                current: false,
            });
        }
        plan.apply(record)?;
        if record.change.changes_content() {
            hashes.push((plan.agreements.content_version, plan.content_hash()));
        }
    }
    let current = plan.content_hash();
    for v in &mut found {
        v.current = v.holds && v.content_hash == current;
    }
    Ok(found)
}

/// One change to what the plan says, for "what changed since you agreed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChangeSince {
    pub seq: i64,
    pub what: String,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
    pub why: Option<String>,
}

/// The changes to what the plan says made after content version `version`.
pub fn changes_since(id: Uuid, log: &[ChangeRecord], version: i64) -> Result<Vec<ChangeSince>, RuleError> {
    let mut out = Vec::new();
    let Some(first) = log.first() else {
        return Ok(out);
    };
    let mut plan = Plan::from_creation(id, first)?;
    for record in &log[1..] {
        if record.seq > version && record.change.changes_content() {
            out.push(ChangeSince {
                seq: record.seq,
                what: record.change.describe(&plan),
                by: record.author_name.clone(),
                at: record.at,
                why: record.reason.clone(),
            });
        }
        plan.apply(record)?;
    }
    Ok(out)
}

/// Where a party stands, as a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StandingKind {
    NotYetAgreed,
    Agreed,
    AgreedEarlier,
    Declined,
}

/// One party and their agreement to the plan as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PartyAgreement {
    pub party_id: Uuid,
    pub name: String,
    /// Is their agreement needed for the plan to be agreed?
    pub required: bool,
    pub standing: StandingKind,
    /// The version of their latest response.
    pub version: Option<i64>,
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<Date>,
    /// Why they declined.
    pub reason: Option<String>,
    /// They are asked (again): required, and not yet agreed, declined, or
    /// their part changed since they agreed.
    pub asked: bool,
    /// "Agreed version 6 on 20 January 2027", for people.
    pub words: String,
}

/// Every party of the plan and where they stand.
pub fn parties(plan: &Plan) -> Vec<PartyAgreement> {
    parties_of(&crate::agreement::Standings::of(plan))
}

/// [`parties`] from standings already worked out.
pub fn parties_of(standings: &crate::agreement::Standings<'_>) -> Vec<PartyAgreement> {
    let plan = standings.plan();
    let ask = standings.to_ask();
    plan.parties
        .iter()
        .map(|p| {
            let standing = standings.standing(p.id);
            let words = words_of(&standing);
            let (kind, version, on, reason) = match standing {
                PartyStanding::NotYetAgreed => (StandingKind::NotYetAgreed, None, None, None),
                PartyStanding::Agreed { version, on } => (StandingKind::Agreed, Some(version), Some(on), None),
                PartyStanding::AgreedEarlier { version, on, .. } => {
                    (StandingKind::AgreedEarlier, Some(version), Some(on), None)
                }
                PartyStanding::Declined { version, reason } => {
                    let on = crate::agreement::latest(plan, p.id).map(|g| g.agreement.on);
                    (StandingKind::Declined, Some(version), on, Some(reason))
                }
            };
            PartyAgreement {
                party_id: p.id,
                name: p.name.clone(),
                required: plan.agreements.required.contains(&p.id),
                standing: kind,
                version,
                on,
                reason,
                asked: ask.contains(&p.id),
                words,
            }
        })
        .collect()
}

/// Where each party stands, in words for a page: "Agreed version 6 on 20
/// January 2027".
pub fn standing_words(plan: &Plan, party_id: Uuid) -> String {
    words_of(&standing(plan, party_id))
}

fn words_of(standing: &PartyStanding) -> String {
    use crate::plan::format_date;
    match standing {
        PartyStanding::NotYetAgreed => "Not yet agreed".into(),
        PartyStanding::Agreed { version, on } => format!("Agreed version {version} on {}", format_date(*on)),
        PartyStanding::AgreedEarlier {
            version,
            on,
            part_changed: true,
        } => format!(
            "Agreed an earlier version (version {version} on {}); their part has changed, so they are asked again",
            format_date(*on)
        ),
        PartyStanding::AgreedEarlier { version, on, .. } => format!(
            "Agreed an earlier version (version {version} on {}); their own part has not changed",
            format_date(*on)
        ),
        PartyStanding::Declined { version, reason } => format!("Declined version {version}: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::Agreement;
    use crate::content::Item;
    use crate::testkit::{provision, record, small_log};
    use time::macros::date;

    const CLAIRE: Uuid = Uuid::from_u128(1);

    fn agreement(plan: &Plan) -> Agreement {
        Agreement {
            party_id: CLAIRE,
            version: plan.agreements.content_version,
            content_hash: plan.content_hash(),
            on: date!(2027 - 01 - 20),
            response: Response::Agreed {
                typed_name: "Claire Martin".into(),
                statement: "We agree".into(),
                on_behalf_of: None,
            },
        }
    }

    #[test]
    fn agreements_verify_against_the_history_and_say_which_version() {
        let mut log = small_log("MSP");
        let plan = Plan::replay(Uuid::nil(), &log).unwrap();
        log.push(record(
            7,
            Change::AgreementRecorded {
                agreement: agreement(&plan),
            },
        ));
        let checked = verify(Uuid::nil(), &log).unwrap();
        assert_eq!(checked.len(), 1);
        assert!(checked[0].holds && checked[0].current);
        assert_eq!(checked[0].version, 6);
        assert_eq!(checked[0].party_name, "Claire Martin");

        // After an edit it still holds for version 6, no longer current.
        log.push(record(
            8,
            Change::ItemEdited {
                item: Item::Provision(provision(20, "Reading at home, ten minutes", Some(CLAIRE))),
            },
        ));
        let checked = verify(Uuid::nil(), &log).unwrap();
        assert!(checked[0].holds && !checked[0].current);
        let since = changes_since(Uuid::nil(), &log, 6).unwrap();
        assert_eq!(since.len(), 1);
        assert_eq!(since[0].seq, 8);
        assert!(since[0].what.starts_with("Changed provision"));
    }

    #[test]
    fn a_tampered_hash_does_not_hold() {
        let mut log = small_log("MSP");
        let plan = Plan::replay(Uuid::nil(), &log).unwrap();
        let mut forged = agreement(&plan);
        forged.content_hash = format!("c1:{}", "0".repeat(64));
        // Written straight into the log (storage would have refused it).
        log.push(record(7, Change::AgreementRecorded { agreement: forged }));
        let checked = verify(Uuid::nil(), &log).unwrap();
        assert!(!checked[0].holds && !checked[0].current);
        assert_eq!(
            checked[0].recomputed_hash.as_deref(),
            Some(plan.content_hash().as_str())
        );
    }
}
