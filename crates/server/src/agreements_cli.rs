//! `goldthread verify-agreement PLAN_ID`: every agreement on a plan checked
//! against its history, printed one a line.

use anyhow::bail;
use uuid::Uuid;

use crate::store::{Store, StoreError};

/// Prints each response recorded on the plan and whether it holds; an
/// error when any does not (or there is no such plan).
pub async fn verify(store: &Store, plan_id: Uuid) -> anyhow::Result<()> {
    let actor = goldthread_domain::user::Actor {
        id: Uuid::nil(),
        name: "command line".into(),
        email: String::new(),
        role: goldthread_domain::user::Role::Admin,
    };
    let plan = match store.plan(&actor, plan_id).await {
        Err(StoreError::NotFound) => bail!("there is no plan {plan_id}"),
        other => other?,
    };
    let checked = store.verify_agreements(&actor, plan_id).await?;
    println!(
        "Plan {} \"{}\": current version {}, content hash {}",
        plan.id,
        plan.details.title,
        plan.agreements.content_version,
        plan.content_hash()
    );
    if checked.is_empty() {
        println!("No agreements have been recorded.");
    }
    let mut broken = 0;
    for v in &checked {
        let verdict = match (v.holds, v.current) {
            (true, true) => "holds, for the current version",
            (true, false) => "holds, for an earlier version",
            (false, _) => {
                broken += 1;
                "DOES NOT HOLD: the hash is not that version's"
            }
        };
        let behalf = v
            .on_behalf_of
            .as_ref()
            .map(|who| format!(" on behalf of {who}"))
            .unwrap_or_default();
        println!(
            "{} {}{behalf}: version {} on {} ({}): {verdict}",
            v.party_name,
            v.kind.label().to_lowercase(),
            v.version,
            goldthread_domain::plan::format_date(v.on),
            v.content_hash
        );
    }
    for p in goldthread_domain::verification::parties(&plan)
        .iter()
        .filter(|p| p.required)
    {
        println!("Required: {}: {}", p.name, p.words);
    }
    {
        use goldthread_domain::approval::{Standing, standing};
        let date = goldthread_domain::plan::format_date;
        match standing(&plan) {
            Standing::NotNeeded => {}
            Standing::NotYetDecided => println!("Funding approval: needed, not yet given"),
            Standing::Approved { version, on } => {
                println!(
                    "Funding approval: approved version {version} on {}, the current version",
                    date(on)
                )
            }
            Standing::ApprovedEarlier { version, on } => println!(
                "Funding approval: approved version {version} on {}, an earlier version; asked again",
                date(on)
            ),
            Standing::Refused { version, on, reason } => {
                println!("Funding approval: refused version {version} on {}: {reason}", date(on))
            }
        }
    }
    println!("Status: {}", plan.status.label());
    if broken > 0 {
        bail!("{broken} of {} agreements do not hold", checked.len());
    }
    println!("All {} agreements hold.", checked.len());
    Ok(())
}
