//! Provision and action points as CSV (SPEC D3, issue 13): one plan's, or
//! every plan a user may see (their caseload). One line per provision line
//! and per action point agreed at a planning meeting; money in the one way
//! Goldthread shows it (`£1,365.50`).
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (or a tab
//! or carriage return) as a formula, so such a cell is written with a `'`
//! in front: what someone typed into a plan never runs on a reader's
//! computer (OWASP "CSV injection").

use goldthread_domain::monitoring::meetings::{ActionEvent, FollowUpOutcome, Meeting, action_history};
use goldthread_domain::plan::{Plan, format_date};
use goldthread_domain::user::Actor;
use uuid::Uuid;

use crate::store::{PlanFilter, Result, Store, StoreError};

/// The columns, in order.
pub const HEADER: [&str; 15] = [
    "Person",
    "Plan",
    "Plan number",
    "Kind",
    "What",
    "Who",
    "Agency",
    "How often",
    "From",
    "Until or due",
    "Resources",
    "Weekly cost",
    "Funding",
    "Outcomes served",
    "Status",
];

/// The media type of what [`plan_csv`] and [`caseload_csv`] write.
pub const MEDIA_TYPE: &str = "text/csv; charset=utf-8";

/// A cell as written: a leading `=`, `+`, `-`, `@`, tab or carriage
/// return is made harmless with a `'` in front.
pub fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn date(d: Option<time::Date>) -> String {
    d.map(format_date).unwrap_or_default()
}

/// The lines of one plan: its provision, then its meetings' action points.
pub fn rows(plan: &Plan, person: &str, meetings: &[Meeting]) -> Vec<[String; 15]> {
    let party = |id: Option<Uuid>| id.and_then(|id| plan.party(id));
    let plan_name = plan.details.title.clone();
    let number = plan.number.to_string();
    let mut lines = Vec::new();
    for p in &plan.content.provision {
        let who = party(p.party_id);
        let outcomes: Vec<String> = p
            .outcome_ids
            .iter()
            .filter_map(|id| plan.content.outcome_number(*id))
            .map(|n| format!("Outcome {n}"))
            .collect();
        let status = plan.reviews.ended_words(p.id).unwrap_or_else(|| "Current".to_owned());
        lines.push([
            person.to_owned(),
            plan_name.clone(),
            number.clone(),
            "Provision".to_owned(),
            p.what.clone(),
            who.map(|w| w.name.clone()).unwrap_or_default(),
            who.and_then(|w| w.agency.clone()).unwrap_or_default(),
            p.how_often(),
            date(p.from),
            date(p.until),
            p.resources.clone().unwrap_or_default(),
            p.weekly_cost_pence
                .map(goldthread_domain::money::format)
                .unwrap_or_default(),
            p.funding.map(|f| f.label().to_owned()).unwrap_or_default(),
            outcomes.join("; "),
            status,
        ]);
    }
    let mut ordered: Vec<&Meeting> = meetings.iter().collect();
    ordered.sort_by_key(|m| m.date);
    for meeting in ordered {
        for action in &meeting.actions {
            let who = party(Some(action.owner_party_id));
            let mut due = action.due;
            let mut status = "Open".to_owned();
            for event in action_history(meetings, action.id) {
                if let ActionEvent::Followed { on, outcome, .. } = event {
                    status = match outcome {
                        FollowUpOutcome::Done => format!("Done (followed up {})", format_date(on)),
                        FollowUpOutcome::NotDone => format!("Not done (followed up {})", format_date(on)),
                        FollowUpOutcome::CarriedForward { new_due } => {
                            due = new_due;
                            format!("Carried forward on {}", format_date(on))
                        }
                    };
                }
            }
            lines.push([
                person.to_owned(),
                plan_name.clone(),
                number.clone(),
                "Action point".to_owned(),
                action.text.clone(),
                who.map(|w| w.name.clone()).unwrap_or_default(),
                who.and_then(|w| w.agency.clone()).unwrap_or_default(),
                String::new(),
                format_date(meeting.date),
                format_date(due),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                status,
            ]);
        }
    }
    lines
}

/// Writes the header and the lines as CSV.
pub fn write(lines: &[[String; 15]]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = out.write_record(HEADER);
    for line in lines {
        let _ = out.write_record(line.iter().map(|c| cell(c)));
    }
    out.into_inner().unwrap_or_default()
}

impl Store {
    async fn plan_lines(&self, actor: &Actor, plan: &Plan) -> Result<Vec<[String; 15]>> {
        let person = self.person(actor, plan.person_id).await?;
        let log = self.monitoring_log(actor, plan.id).await?;
        let meetings: Vec<Meeting> = log.meetings.into_iter().map(|m| m.record).collect();
        Ok(rows(plan, &person.details.full_name(), &meetings))
    }

    /// One plan's provision and action points as CSV, if the actor may see it.
    pub async fn plan_csv(&self, actor: &Actor, id: Uuid) -> Result<Vec<u8>> {
        let plan = self.plan(actor, id).await?;
        Ok(write(&self.plan_lines(actor, &plan).await?))
    }

    /// The provision and action points of every plan the actor may see
    /// that is still active (their caseload), most recently changed first.
    pub async fn caseload_csv(&self, actor: &Actor) -> Result<Vec<u8>> {
        let mut lines = Vec::new();
        let mut offset = 0;
        loop {
            let filter = PlanFilter {
                limit: 200,
                offset,
                ..PlanFilter::default()
            };
            let (page, total) = self.list_plans(actor, &filter).await?;
            for summary in &page {
                if !summary.status.is_active() {
                    continue;
                }
                match self.plan(actor, summary.id).await {
                    Ok(plan) => lines.extend(self.plan_lines(actor, &plan).await?),
                    // Gone or no longer shared since the list was read.
                    Err(StoreError::NotFound) => {}
                    Err(e) => return Err(e),
                }
            }
            offset += 200;
            if page.is_empty() || offset >= total {
                break;
            }
        }
        Ok(write(&lines))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_made_harmless() {
        for bad in ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\r=1"] {
            assert!(cell(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(cell("Speech and language therapy"), "Speech and language therapy");
        let out = String::from_utf8(write(&[std::array::from_fn(|i| {
            if i == 4 {
                "=HYPERLINK(\"x\")".into()
            } else {
                String::new()
            }
        })]))
        .unwrap();
        assert!(out.contains("'=HYPERLINK"), "{out}");
    }
}
