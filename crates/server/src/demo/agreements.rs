//! The demo plans' agreements (issue 9): who was asked to agree, who agreed
//! (one parent on behalf of a young child), and one young person who
//! declined with a reason; the PB plan's funding approved by the council.
//! Each is recorded through the store, so the
//! domain's checks hold: the typed name matches the party, the statement is
//! the plan type's, the version is the current one.

use anyhow::anyhow;
use goldthread_domain::agreement::{Agreement, Capacity, OnBehalfOf, Response, statement_of};
use goldthread_domain::approval::Approval;
use goldthread_domain::plan::Change;
use time::Date;

use super::Writer;

/// One party's response.
struct Said {
    party: &'static str,
    on_behalf: Option<(&'static str, Capacity, &'static str)>,
    declined: Option<&'static str>,
}

fn agreed(party: &'static str) -> Said {
    Said {
        party,
        on_behalf: None,
        declined: None,
    }
}

/// Who is asked to agree each demo plan, and what they said.
fn responses(plan_type: &str) -> (Vec<&'static str>, Vec<Said>) {
    match plan_type {
        "MSP" => (
            vec!["Claire Martin", "David Martin", "Priya Shah"],
            vec![
                Said {
                    party: "Claire Martin",
                    on_behalf: Some((
                        "Leo Martin",
                        Capacity::ParentForChild,
                        "Leo pointed to the picture of the quiet corner and said \"I like it there\". \
                         He wants the ear defenders in his tray.",
                    )),
                    declined: None,
                },
                agreed("David Martin"),
                agreed("Priya Shah"),
            ],
        ),
        "SH" => (
            vec!["Jade Thompson", "Sam Okafor"],
            vec![agreed("Jade Thompson"), agreed("Sam Okafor")],
        ),
        "CP" => (
            vec!["Morag Campbell", "Hannah Reid"],
            vec![
                Said {
                    party: "Morag Campbell",
                    on_behalf: Some((
                        "Ruby Campbell",
                        Capacity::ParentForChild,
                        "Ruby is three. She showed us her favourite book and the nursery's garden; \
                         she is happy at Wee Acorns.",
                    )),
                    declined: None,
                },
                agreed("Hannah Reid"),
            ],
        ),
        "YP" => (
            vec!["Kai Bennett", "Nicola Bennett"],
            vec![
                agreed("Nicola Bennett"),
                Said {
                    party: "Kai Bennett",
                    on_behalf: None,
                    declined: Some(
                        "I don't want a check-in at the school gate every morning in front of everyone. \
                         I'd agree to a text at 8 instead.",
                    ),
                },
            ],
        ),
        // The PB plan is then approved by the council (see `approve`).
        "PB" => (
            vec!["Amir Hassan", "Layla Hassan"],
            vec![agreed("Amir Hassan"), agreed("Layla Hassan")],
        ),
        _ => (vec![], vec![]),
    }
}

/// When the plan type needs funding approval (PB): the approver, the first
/// party in one of the approver roles (Amir's social worker for the
/// council), approves the agreed version, and the plan is put into action.
async fn approve(writer: &mut Writer<'_>, on: Date) -> anyhow::Result<()> {
    let roles = &writer.plan.agreements.approval.approver_roles;
    let Some(approver) = writer.plan.parties.iter().find(|p| roles.contains(&p.role)) else {
        return Ok(());
    };
    let approval = Approval {
        party_id: approver.id,
        version: writer.plan.agreements.content_version,
        content_hash: writer.plan.content_hash(),
        on,
    };
    writer.apply(Change::ApprovalGiven { approval }).await?;
    Ok(())
}

/// Records the plan's agreements on `on`: the parties asked, then each
/// response, bound to the plan's current version.
pub(super) async fn write(writer: &mut Writer<'_>, on: Date) -> anyhow::Result<()> {
    let plan_type = writer.plan_type.id.clone();
    let (required, said) = responses(&plan_type);
    let party = |writer: &Writer<'_>, name: &str| {
        writer
            .parties
            .get(name)
            .copied()
            .ok_or_else(|| anyhow!("the demo plan has no party named {name}"))
    };
    for name in required {
        let party_id = party(writer, name)?;
        writer
            .apply(Change::AgreementRequiredSet {
                party_id,
                required: true,
            })
            .await?;
    }
    let statement = statement_of(Some(writer.plan_type)).unwrap_or_default().to_owned();
    for s in said {
        let response = match s.declined {
            Some(reason) => Response::Declined { reason: reason.into() },
            None => Response::Agreed {
                typed_name: s.party.into(),
                statement: statement.clone(),
                on_behalf_of: s.on_behalf.map(|(person, capacity, view)| OnBehalfOf {
                    person_name: person.into(),
                    capacity,
                    persons_view: Some(view.into()),
                }),
            },
        };
        let agreement = Agreement {
            party_id: party(writer, s.party)?,
            version: writer.plan.agreements.content_version,
            content_hash: writer.plan.content_hash(),
            on,
            response,
        };
        writer.apply(Change::AgreementRecorded { agreement }).await?;
    }
    consent(writer, on).await?;
    approve(writer, on).await
}

/// Consent to share, as the family gave it when the plan was agreed (S3):
/// Leo's parents consent to his plan being shared with the school's and
/// the health services' practitioners involved.
async fn consent(writer: &mut Writer<'_>, on: Date) -> anyhow::Result<()> {
    if writer.plan_type.id != "MSP" {
        return Ok(());
    }
    for organisation in ["Kirklees Children's Therapy Service", "Kirklees Health Visiting"] {
        let consent = goldthread_domain::consent::ConsentDecision {
            purpose: goldthread_domain::consent::Purpose::Sharing,
            organisation: organisation.into(),
            decision: goldthread_domain::consent::Decision::Given,
            given_by: "Claire Martin".into(),
            on_behalf_of: Some("Leo Martin".into()),
            on,
            note: None,
        };
        writer.apply(Change::ConsentRecorded { consent }).await?;
    }
    Ok(())
}
