//! The demo's requests that start a clock (SPEC R4): Leo's mum asked for
//! an EHC needs assessment, so the authority's six-week decision clock
//! runs on his My Support Plan; an earlier request for the hearing
//! service's report was met.

use anyhow::Context;
use goldthread_domain::monitoring::requests::{MetInput, RequestInput};
use goldthread_domain::user::Actor;
use time::Duration;
use uuid::Uuid;

use super::TODAY;
use crate::store::Store;

fn iso(date: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).expect("a date formats")
}

/// Records Leo's requests (`plan` is his MSP, written by `actor`).
pub(super) async fn add(store: &Store, actor: &Actor, plan: Uuid) -> anyhow::Result<()> {
    let request = |date, by: &str, what: &str| RequestInput {
        clock: Some("assessment_decision".into()),
        date: Some(iso(date)),
        requested_by: Some(by.into()),
        what: Some(what.into()),
    };
    // Asked for five weeks ago: the decision is due next week.
    store
        .record_request(
            actor,
            plan,
            &request(
                TODAY - Duration::weeks(5),
                "Claire Martin (Mum)",
                "An EHC needs assessment: Leo's needs are more than the school's support can meet",
            ),
            TODAY,
        )
        .await
        .context("the demo's open request")?;
    let met = store
        .record_request(
            actor,
            plan,
            &request(
                TODAY - Duration::weeks(10),
                "Brookfield Primary School (SENCO)",
                "A decision on assessing Leo's speech and language needs",
            ),
            TODAY,
        )
        .await
        .context("the demo's met request")?;
    store
        .record_request_met(
            actor,
            plan,
            met.id,
            &MetInput {
                date: Some(iso(TODAY - Duration::weeks(6))),
                note: Some("Agreed: the speech and language therapy service assessed Leo instead".into()),
            },
            TODAY,
        )
        .await
        .context("the demo's request met")?;
    Ok(())
}
