//! The person's own view shows their outcomes' progress (issue 11, SPEC
//! M2): each outcome's picture (the same SVG as the progress page) and
//! both raters' latest ratings, in words.

use goldthread_domain::monitoring::progress::RatingSeries;
use goldthread_domain::plan::{Plan, format_date};
use time::Date;

use super::progress::outcome_svg;
use crate::store::MonitoringLog;

/// One outcome's progress, for the person's own view.
pub struct MineProgress {
    pub text: String,
    /// Empty when there are no ratings yet.
    pub svg: String,
    /// "You said on 1 December 2026: more than expected (+1)" (or "Leo
    /// said…" when the reader is not the person).
    pub person: String,
    pub worker: String,
}

/// The goal-attainment scale in plain words.
pub fn score_words(score: i8) -> String {
    let words = match score {
        ..=-2 => "much less than expected",
        -1 => "less than expected",
        0 => "as expected",
        1 => "more than expected",
        _ => "much more than expected",
    };
    let number = match score {
        s if s > 0 => format!("+{s}"),
        0 => "0".to_owned(),
        s => format!("−{}", -s),
    };
    format!("{words} ({number})")
}

fn latest(who: &str, line: &[(Date, i8)], nobody: &str) -> String {
    match line.iter().max_by_key(|(d, _)| *d) {
        Some((date, score)) => format!("{who} on {}: {}", format_date(*date), score_words(*score)),
        None => nobody.to_owned(),
    }
}

/// The progress of each outcome still in the plan. `person` names the
/// person the plan is for as the reader knows them: "You" when it is the
/// reader, otherwise their first name.
pub fn progress(plan: &Plan, log: &MonitoringLog, person: &str) -> Vec<MineProgress> {
    let (said, not_yet) = if person == "You" {
        ("You said".to_owned(), "You have not given a rating yet.".to_owned())
    } else {
        (
            format!("{person} said"),
            format!("{person} has not given a rating yet."),
        )
    };
    let ratings = log.rating_records();
    plan.content
        .outcomes
        .iter()
        .filter(|o| !plan.reviews.ended.contains_key(&o.id))
        .enumerate()
        .map(|(i, outcome)| {
            let series = RatingSeries::of(&ratings, outcome.id);
            let rated = !series.person.is_empty() || !series.worker.is_empty();
            MineProgress {
                text: outcome.text.clone(),
                svg: if rated {
                    outcome_svg(plan, log, outcome.id, &format!("mine-progress-{}", i + 1)).unwrap_or_default()
                } else {
                    String::new()
                },
                person: latest(&said, &series.person, &not_yet),
                worker: latest(
                    "The worker said",
                    &series.worker,
                    "The worker has not given a rating yet.",
                ),
            }
        })
        .collect()
}
