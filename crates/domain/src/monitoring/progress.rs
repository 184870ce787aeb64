//! Progress between reviews (SPEC M2): notes linked to an outcome or target
//! of the plan, attendance of a provision's sessions with the attendance
//! rate over the last 4 and 12 weeks, and ratings on a goal-attainment scale
//! (−2 … +2) given separately by the person and by the worker, drawn over
//! time by [`progress_svg`].

use std::fmt::Write;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use uuid::Uuid;

use crate::error::{FieldErrors, optional_date, required_text};
use crate::plan::{Plan, format_date};

const MAX_NOTE: usize = 10_000;

fn required_date(errors: &mut FieldErrors, field: &str, value: Option<&str>, missing: &str) -> Option<Date> {
    let date = optional_date(errors, field, value);
    if date.is_none() && errors.get(field).is_none() {
        errors.add(field, missing);
    }
    date
}

fn not_in_future(errors: &mut FieldErrors, field: &str, date: Option<Date>, today: Date) {
    if let Some(date) = date
        && date > today
    {
        errors.add(field, "The date must be today or in the past");
    }
}

// ---------------------------------------------------------------- notes

/// What a note is linked to: an outcome, or a target of one of its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum NoteLink {
    Outcome(Uuid),
    Target(Uuid),
}

/// A progress note as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProgressNote {
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub link: NoteLink,
    pub text: String,
    /// Noting a change in behaviour or skills, not just progress.
    pub behaviour_or_skill: bool,
}

/// A note as typed: link either `outcome_id` or `target_id`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProgressNoteInput {
    #[schema(value_type = String, format = Date, required = true)]
    pub date: Option<String>,
    pub outcome_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 10000)]
    pub text: Option<String>,
    #[serde(default)]
    pub behaviour_or_skill: bool,
}

/// Is this the id of a target of one of the plan's outcomes?
fn has_target(plan: &Plan, id: Uuid) -> bool {
    plan.content
        .outcomes
        .iter()
        .flat_map(|o| &o.steps)
        .flat_map(|s| &s.targets)
        .any(|t| t.id == id)
}

impl ProgressNoteInput {
    /// The note as typed, linked to an outcome or target of **this** plan
    /// (another plan's is refused as if it did not exist); not dated after
    /// `today`.
    pub fn parse(&self, plan: &Plan, today: Date) -> Result<ProgressNote, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = required_date(&mut errors, "date", self.date.as_deref(), "Enter the date of the note");
        not_in_future(&mut errors, "date", date, today);
        let link = match (self.outcome_id, self.target_id) {
            (Some(_), Some(_)) => {
                errors.add("outcome_id", "Link the note to an outcome or a target, not both");
                None
            }
            (Some(id), None) if plan.content.outcomes.iter().any(|o| o.id == id) => Some(NoteLink::Outcome(id)),
            (Some(_), None) => {
                errors.add("outcome_id", "Choose an outcome of this plan");
                None
            }
            (None, Some(id)) if has_target(plan, id) => Some(NoteLink::Target(id)),
            (None, Some(_)) => {
                errors.add("target_id", "Choose a target of this plan");
                None
            }
            (None, None) => {
                errors.add("outcome_id", "Choose the outcome or target the note is about");
                None
            }
        };
        let text = required_text(&mut errors, "text", self.text.as_deref(), MAX_NOTE, "Enter the note");
        match (date, link) {
            (Some(date), Some(link)) if errors.is_empty() => Ok(ProgressNote {
                date,
                link,
                text,
                behaviour_or_skill: self.behaviour_or_skill,
            }),
            _ => Err(errors),
        }
    }
}

// ----------------------------------------------------------- attendance

crate::plan_type::name_enum! {
    /// Who cancelled a session.
    pub enum CancelledBy ("cancelled by") {
        /// The person (or their family).
        Person = "person",
        /// Whoever provides the session.
        Provider = "provider",
        /// Someone else (weather, a strike…).
        Other = "other",
    }
}

/// What happened at one session of a provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SessionStatus {
    Attended,
    Missed,
    Cancelled { by: CancelledBy },
}

/// One session's attendance as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attendance {
    pub provision_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    #[serde(flatten)]
    pub status: SessionStatus,
}

/// Attendance as typed: `status` is `attended`, `missed` or `cancelled`
/// (which needs `cancelled_by`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AttendanceInput {
    #[schema(value_type = Uuid, required = true)]
    pub provision_id: Option<Uuid>,
    #[schema(value_type = String, format = Date, required = true)]
    pub date: Option<String>,
    #[schema(value_type = SessionStatusName, required = true)]
    pub status: Option<String>,
    /// Needed when `status` is `cancelled`.
    #[schema(value_type = Option<CancelledBy>)]
    pub cancelled_by: Option<String>,
}

crate::plan_type::name_enum! {
    /// What happened at a session, as the API takes it.
    pub enum SessionStatusName ("session status") {
        Attended = "attended",
        Missed = "missed",
        /// Needs `cancelled_by`.
        Cancelled = "cancelled",
    }
}

impl AttendanceInput {
    /// The mark as typed, for a session of a provision of this plan that
    /// had started and not ended on that date, and not after `today`.
    pub fn parse(&self, plan: &Plan, today: Date) -> Result<Attendance, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = required_date(
            &mut errors,
            "date",
            self.date.as_deref(),
            "Enter the date of the session",
        );
        not_in_future(&mut errors, "date", date, today);
        let provision = match self.provision_id {
            None => {
                errors.add("provision_id", "Choose the provision the session was part of");
                None
            }
            Some(id) => {
                let found = plan.content.provision.iter().find(|p| p.id == id);
                if found.is_none() {
                    errors.add("provision_id", "Choose a provision of this plan");
                }
                found
            }
        };
        if let (Some(provision), Some(date)) = (provision, date) {
            if let Some(from) = provision.from
                && date < from
            {
                errors.add(
                    "date",
                    format!(
                        "The provision started on {}; the session cannot be before that",
                        format_date(from)
                    ),
                );
            }
            let end = match (&provision.ended, provision.until) {
                (Some(ended), _) => Some(ended.on),
                (None, until) => until,
            };
            if let Some(end) = end
                && date > end
            {
                errors.add(
                    "date",
                    format!(
                        "The provision ended on {}; the session cannot be after that",
                        format_date(end)
                    ),
                );
            }
        }
        let status = match self.status.as_deref().map(str::trim).unwrap_or("") {
            "attended" => Some(SessionStatus::Attended),
            "missed" => Some(SessionStatus::Missed),
            "cancelled" => match self.cancelled_by.as_deref().map(str::trim).unwrap_or("") {
                "" => {
                    errors.add("cancelled_by", "Choose who cancelled the session");
                    None
                }
                by => match CancelledBy::parse(by) {
                    Some(by) => Some(SessionStatus::Cancelled { by }),
                    None => {
                        errors.add(
                            "cancelled_by",
                            format!("Unknown \"{by}\": choose person, provider or other"),
                        );
                        None
                    }
                },
            },
            "" => {
                errors.add("status", "Choose attended, missed or cancelled");
                None
            }
            other => {
                errors.add("status", format!("Unknown attendance \"{other}\""));
                None
            }
        };
        match (provision, date, status) {
            (Some(provision), Some(date), Some(status)) if errors.is_empty() => Ok(Attendance {
                provision_id: provision.id,
                date,
                status,
            }),
            _ => Err(errors),
        }
    }
}

/// Attendance of one provision over a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttendanceRate {
    pub attended: u32,
    pub missed: u32,
    pub cancelled_by_person: u32,
    /// Cancelled by the provider or someone else: not counted against the
    /// person.
    pub cancelled_otherwise: u32,
}

impl AttendanceRate {
    /// Sessions the person was expected at: attended, missed, or cancelled
    /// by them.
    pub fn expected(&self) -> u32 {
        self.attended + self.missed + self.cancelled_by_person
    }

    /// Whole per cent attended of the sessions expected; `None` with none.
    pub fn percent(&self) -> Option<u32> {
        let expected = self.expected();
        (expected > 0).then(|| (self.attended * 100 + expected / 2) / expected)
    }
}

/// The attendance rate of one provision over the `weeks` weeks ending on
/// `today` (the `7 × weeks` days up to and including today). The last
/// mark recorded for a session date counts, so a correction replaces it.
pub fn attendance_rate(marks: &[Attendance], provision_id: Uuid, today: Date, weeks: u32) -> AttendanceRate {
    let start = today - Duration::days(7 * i64::from(weeks));
    let mut latest: std::collections::BTreeMap<Date, SessionStatus> = Default::default();
    for mark in marks
        .iter()
        .filter(|m| m.provision_id == provision_id && m.date > start && m.date <= today)
    {
        latest.insert(mark.date, mark.status);
    }
    let mut rate = AttendanceRate::default();
    for status in latest.values() {
        match status {
            SessionStatus::Attended => rate.attended += 1,
            SessionStatus::Missed => rate.missed += 1,
            SessionStatus::Cancelled {
                by: CancelledBy::Person,
            } => rate.cancelled_by_person += 1,
            SessionStatus::Cancelled { .. } => rate.cancelled_otherwise += 1,
        }
    }
    rate
}

/// The rates over the last 4 and the last 12 weeks, as the plan shows them.
pub fn attendance_4_and_12_weeks(
    marks: &[Attendance],
    provision_id: Uuid,
    today: Date,
) -> (AttendanceRate, AttendanceRate) {
    (
        attendance_rate(marks, provision_id, today, 4),
        attendance_rate(marks, provision_id, today, 12),
    )
}

// -------------------------------------------------------------- ratings

crate::plan_type::name_enum! {
    /// Who gave a rating: both are kept side by side.
    pub enum Rater ("rater") {
        /// The person the plan is for.
        Person = "person",
        /// Their worker.
        Worker = "worker",
    }
}

/// The lowest and highest points of the goal-attainment scale.
pub const SCALE: std::ops::RangeInclusive<i8> = -2..=2;

/// A rating of progress towards one outcome, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rating {
    pub outcome_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub rater: Rater,
    /// −2 (much less than expected) … 0 (as expected) … +2 (much more).
    pub score: i8,
}

/// A rating as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RatingInput {
    #[schema(value_type = Uuid, required = true)]
    pub outcome_id: Option<Uuid>,
    #[schema(value_type = String, format = Date, required = true)]
    pub date: Option<String>,
    /// `person` or `worker`.
    #[schema(value_type = Rater, required = true)]
    pub rater: Option<String>,
    /// A whole number from −2 to +2, as typed.
    #[schema(value_type = String, required = true, pattern = "^[+-]?[0-2]$")]
    pub score: Option<String>,
}

impl RatingInput {
    pub fn parse(&self, plan: &Plan, today: Date) -> Result<Rating, FieldErrors> {
        let mut errors = FieldErrors::new();
        let outcome_id = match self.outcome_id {
            Some(id) if plan.content.outcomes.iter().any(|o| o.id == id) => Some(id),
            Some(_) => {
                errors.add("outcome_id", "Choose an outcome of this plan");
                None
            }
            None => {
                errors.add("outcome_id", "Choose the outcome being rated");
                None
            }
        };
        let date = required_date(
            &mut errors,
            "date",
            self.date.as_deref(),
            "Enter the date of the rating",
        );
        not_in_future(&mut errors, "date", date, today);
        let rater = match self.rater.as_deref().map(str::trim).unwrap_or("") {
            "" => {
                errors.add("rater", "Say whether the person or the worker gave this rating");
                None
            }
            value => Rater::parse(value).or_else(|| {
                errors.add("rater", format!("Unknown rater \"{value}\": choose person or worker"));
                None
            }),
        };
        let score = match self.score.as_deref().map(str::trim).unwrap_or("") {
            "" => {
                errors.add("score", "Choose a rating from −2 to +2");
                None
            }
            value => match value.trim_start_matches('+').replace('−', "-").parse::<i8>() {
                Ok(score) if SCALE.contains(&score) => Some(score),
                _ => {
                    errors.add(
                        "score",
                        format!("\"{value}\" is not on the scale: choose a whole number from −2 to +2"),
                    );
                    None
                }
            },
        };
        match (outcome_id, date, rater, score) {
            (Some(outcome_id), Some(date), Some(rater), Some(score)) if errors.is_empty() => Ok(Rating {
                outcome_id,
                date,
                rater,
                score,
            }),
            _ => Err(errors),
        }
    }
}

/// One outcome's ratings over time, one line per rater, in date order; on
/// a date rated twice by one rater the later record counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RatingSeries {
    pub person: Vec<(Date, i8)>,
    pub worker: Vec<(Date, i8)>,
}

impl RatingSeries {
    pub fn of(ratings: &[Rating], outcome_id: Uuid) -> RatingSeries {
        let mut person = std::collections::BTreeMap::new();
        let mut worker = std::collections::BTreeMap::new();
        for rating in ratings.iter().filter(|r| r.outcome_id == outcome_id) {
            match rating.rater {
                Rater::Person => person.insert(rating.date, rating.score),
                Rater::Worker => worker.insert(rating.date, rating.score),
            };
        }
        RatingSeries {
            person: person.into_iter().collect(),
            worker: worker.into_iter().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.person.is_empty() && self.worker.is_empty()
    }

    /// Dates on which both rated and their ratings differ by 2 or more.
    pub fn disagreements(&self) -> Vec<Date> {
        self.person
            .iter()
            .filter(|(date, p)| {
                self.worker
                    .iter()
                    .any(|(d, w)| d == date && (i16::from(*p) - i16::from(*w)).abs() >= 2)
            })
            .map(|(date, _)| *date)
            .collect()
    }
}

// -------------------------------------------------------------- picture

/// The words of a progress picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressLabels {
    /// The picture's title, e.g. the outcome's text.
    pub title: String,
    pub person: String,
    pub worker: String,
    pub review: String,
    /// Prefix of the ids of the `<title>` and `<desc>`; unique on a page.
    pub id: String,
}

impl Default for ProgressLabels {
    fn default() -> Self {
        ProgressLabels {
            title: "Progress over time".into(),
            person: "The person's rating".into(),
            worker: "The worker's rating".into(),
            review: "Review".into(),
            id: "progress".into(),
        }
    }
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 690.0;
const TOP: f64 = 60.0;
const BOTTOM: f64 = 260.0;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

fn signed(score: i8) -> String {
    match score {
        s if s > 0 => format!("+{s}"),
        0 => "0".into(),
        s => format!("−{}", -s),
    }
}

/// One rater's line: points, name, colour, dash attribute, round markers.
type Line<'a> = (&'a [(Date, i8)], &'a str, &'static str, &'static str, bool);

/// Progress towards one outcome over time as an SVG: the −2…+2 scale up
/// the side, time along the bottom, the person's ratings as a solid line
/// with round markers and the worker's as a dashed line with square
/// markers (so the lines read without colour), each line labelled at its
/// end, review dates as dotted verticals labelled "Review". Like the golden
/// thread picture it has a `viewBox` and no size, presentation attributes
/// only (no inline styles), and `role="img"` with a `<title>` and a
/// `<desc>` listing every rating in words for screen readers.
pub fn progress_svg(series: &RatingSeries, review_dates: &[Date], labels: &ProgressLabels) -> String {
    let dates: Vec<Date> = series
        .person
        .iter()
        .chain(&series.worker)
        .map(|(d, _)| *d)
        .chain(review_dates.iter().copied())
        .collect();
    let first = dates.iter().min().copied();
    let last = dates.iter().max().copied();
    let span = match (first, last) {
        (Some(a), Some(b)) => (b - a).whole_days().max(1) as f64,
        _ => 1.0,
    };
    let x = |date: Date| match first {
        Some(first) if first != last.unwrap_or(first) => {
            LEFT + (date - first).whole_days() as f64 / span * (RIGHT - LEFT)
        }
        _ => (LEFT + RIGHT) / 2.0,
    };
    let y = |score: i8| TOP + (2.0 - f64::from(score)) / 4.0 * (BOTTOM - TOP);
    let id = escape(&labels.id);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" font-family=\"Arial, sans-serif\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(&labels.title),
        escape(&describe(series, review_dates, labels)),
    );
    let _ = write!(
        svg,
        "<text x=\"{LEFT}\" y=\"28\" font-size=\"18\" font-weight=\"bold\" fill=\"#0b0c0c\">{}</text>",
        escape(&labels.title)
    );
    for score in SCALE {
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{RIGHT}\" y2=\"{0}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/>\
             <text x=\"{1}\" y=\"{2}\" font-size=\"14\" text-anchor=\"end\" fill=\"#0b0c0c\">{3}</text>",
            y(score),
            LEFT - 10.0,
            y(score) + 5.0,
            signed(score)
        );
    }
    for date in review_dates {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{BOTTOM}\" stroke=\"#505a5f\" stroke-width=\"2\" \
             stroke-dasharray=\"2 4\"/><text x=\"{0:.1}\" y=\"{1}\" font-size=\"12\" text-anchor=\"middle\" \
             fill=\"#0b0c0c\">{2}</text>",
            x(*date),
            TOP - 8.0,
            escape(&labels.review)
        );
    }
    if let (Some(first), Some(last)) = (first, last) {
        for (date, anchor) in [(first, "start"), (last, "end")] {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" text-anchor=\"{anchor}\" fill=\"#0b0c0c\">{}</text>",
                x(date),
                BOTTOM + 22.0,
                format_date(date)
            );
        }
    }
    let lines: [Line<'_>; 2] = [
        (&series.person, &labels.person, "#1d70b8", "", true),
        (
            &series.worker,
            &labels.worker,
            "#0b0c0c",
            " stroke-dasharray=\"8 5\"",
            false,
        ),
    ];
    for (points, name, colour, dash, round) in lines {
        if points.is_empty() {
            continue;
        }
        let path: Vec<String> = points
            .iter()
            .map(|(d, s)| format!("{:.1},{:.1}", x(*d), y(*s)))
            .collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"3\"{dash}/>",
            path.join(" ")
        );
        for (date, score) in points.iter() {
            let (cx, cy) = (x(*date), y(*score));
            let tip = format!("{}: {} on {}", name, signed(*score), format_date(*date));
            if round {
                let _ = write!(
                    svg,
                    "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"6\" fill=\"{colour}\"><title>{}</title></circle>",
                    escape(&tip)
                );
            } else {
                let _ = write!(
                    svg,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#ffffff\" stroke=\"{colour}\" \
                     stroke-width=\"3\"><title>{}</title></rect>",
                    cx - 6.0,
                    cy - 6.0,
                    escape(&tip)
                );
            }
        }
    }
    // The legend: a short stretch of each line with its marker and name.
    for (i, (name, colour, dash, round)) in [
        (&labels.person, "#1d70b8", "", true),
        (&labels.worker, "#0b0c0c", " stroke-dasharray=\"8 5\"", false),
    ]
    .into_iter()
    .enumerate()
    {
        let lx = LEFT + 330.0 * i as f64;
        let ly = HEIGHT - 14.0;
        let _ = write!(
            svg,
            "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"3\"{dash}/>",
            lx + 40.0
        );
        if round {
            let _ = write!(
                svg,
                "<circle cx=\"{}\" cy=\"{ly}\" r=\"6\" fill=\"{colour}\"/>",
                lx + 20.0
            );
        } else {
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"3\"/>",
                lx + 14.0,
                ly - 6.0
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" fill=\"#0b0c0c\">{}</text>",
            lx + 50.0,
            ly + 5.0,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The picture in words, for its `<desc>`.
fn describe(series: &RatingSeries, review_dates: &[Date], labels: &ProgressLabels) -> String {
    if series.is_empty() {
        return "No ratings yet.".into();
    }
    let line = |name: &str, points: &[(Date, i8)]| {
        if points.is_empty() {
            format!("{name}: none yet.")
        } else {
            let list: Vec<String> = points
                .iter()
                .map(|(d, s)| format!("{} on {}", signed(*s), format_date(*d)))
                .collect();
            format!("{name}: {}.", list.join(", "))
        }
    };
    let mut text = format!(
        "Ratings from −2 to +2. {} {}",
        line(&labels.person, &series.person),
        line(&labels.worker, &series.worker)
    );
    if !review_dates.is_empty() {
        let list: Vec<String> = review_dates.iter().map(|d| format_date(*d)).collect();
        let _ = write!(text, " Reviews on {}.", list.join(", "));
    }
    let apart = series.disagreements();
    if !apart.is_empty() {
        let list: Vec<String> = apart.iter().map(|d| format_date(*d)).collect();
        let _ = write!(text, " The ratings differ by 2 or more on {}.", list.join(", "));
    }
    text
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::content::{Ended, Outcome, Provision, Step, Target};
    use crate::monitoring::meetings::tests::plan_with_parties;

    const OUTCOME: Uuid = Uuid::from_u128(10);
    const TARGET: Uuid = Uuid::from_u128(11);
    const CLUB: Uuid = Uuid::from_u128(20);
    const ENDED: Uuid = Uuid::from_u128(21);

    fn plan() -> Plan {
        let mut plan = plan_with_parties();
        let mut outcome: Outcome = serde_json::from_value(serde_json::json!({
            "id": OUTCOME, "text": "Leo gets to school on time four days a week"
        }))
        .unwrap();
        let mut step: Step =
            serde_json::from_value(serde_json::json!({"id": Uuid::from_u128(12), "text": "Breakfast club"})).unwrap();
        let target: Target =
            serde_json::from_value(serde_json::json!({"id": TARGET, "text": "On time 3 days"})).unwrap();
        step.targets.push(target);
        outcome.steps.push(step);
        plan.content.outcomes.push(outcome);
        let provision = |id: Uuid| -> Provision {
            serde_json::from_value(serde_json::json!({"id": id, "what": "Breakfast club", "from": "2026-01-05"}))
                .unwrap()
        };
        plan.content.provision.push(provision(CLUB));
        let mut ended = provision(ENDED);
        ended.ended = Some(Ended {
            on: date!(2026 - 02 - 27),
            reason: None,
        });
        plan.content.provision.push(ended);
        plan
    }

    const TODAY: Date = date!(2026 - 04 - 01);

    #[test]
    fn notes_link_to_this_plans_outcomes_and_targets_only() {
        let plan = plan();
        let note = |outcome_id, target_id| ProgressNoteInput {
            date: Some("2026-03-20".into()),
            outcome_id,
            target_id,
            text: Some("On time all week".into()),
            behaviour_or_skill: true,
        };
        assert_eq!(
            note(Some(OUTCOME), None).parse(&plan, TODAY).unwrap().link,
            NoteLink::Outcome(OUTCOME)
        );
        assert_eq!(
            note(None, Some(TARGET)).parse(&plan, TODAY).unwrap().link,
            NoteLink::Target(TARGET)
        );
        let other_plan = Uuid::from_u128(999);
        let errors = note(Some(other_plan), None).parse(&plan, TODAY).unwrap_err();
        assert_eq!(errors.get("outcome_id"), Some("Choose an outcome of this plan"));
        let errors = note(None, Some(other_plan)).parse(&plan, TODAY).unwrap_err();
        assert_eq!(errors.get("target_id"), Some("Choose a target of this plan"));
        assert!(
            note(None, None)
                .parse(&plan, TODAY)
                .unwrap_err()
                .get("outcome_id")
                .is_some()
        );
        let mut future = note(Some(OUTCOME), None);
        future.date = Some("2026-04-02".into());
        assert!(future.parse(&plan, TODAY).unwrap_err().get("date").is_some());
    }

    fn mark(provision: Uuid, date: &str, status: &str, by: Option<&str>) -> AttendanceInput {
        AttendanceInput {
            provision_id: Some(provision),
            date: Some(date.into()),
            status: Some(status.into()),
            cancelled_by: by.map(Into::into),
        }
    }

    #[test]
    fn attendance_of_ended_or_not_started_provision_is_refused() {
        let plan = plan();
        assert!(mark(CLUB, "2026-03-02", "attended", None).parse(&plan, TODAY).is_ok());
        let errors = mark(ENDED, "2026-03-02", "attended", None)
            .parse(&plan, TODAY)
            .unwrap_err();
        assert!(errors.get("date").unwrap().contains("ended on 27 February 2026"));
        assert!(mark(ENDED, "2026-02-27", "missed", None).parse(&plan, TODAY).is_ok());
        let errors = mark(CLUB, "2026-01-02", "attended", None)
            .parse(&plan, TODAY)
            .unwrap_err();
        assert!(errors.get("date").unwrap().contains("started on 5 January 2026"));
        let errors = mark(CLUB, "2026-03-02", "cancelled", None)
            .parse(&plan, TODAY)
            .unwrap_err();
        assert!(errors.get("cancelled_by").is_some());
        let errors = mark(Uuid::from_u128(5), "2026-03-02", "attended", None)
            .parse(&plan, TODAY)
            .unwrap_err();
        assert_eq!(errors.get("provision_id"), Some("Choose a provision of this plan"));
        assert_eq!(
            mark(CLUB, "2026-03-02", "cancelled", Some("provider"))
                .parse(&plan, TODAY)
                .unwrap()
                .status,
            SessionStatus::Cancelled {
                by: CancelledBy::Provider
            }
        );
    }

    #[test]
    fn attendance_rate_over_4_and_12_weeks() {
        let plan = plan();
        let marks: Vec<Attendance> = [
            ("2026-01-07", "attended", None), // more than 12 weeks ago: not counted
            ("2026-01-14", "missed", None),   // 11 weeks ago
            ("2026-02-25", "missed", None),   // 5 weeks ago
            ("2026-03-04", "attended", None), // exactly 4 weeks ago: outside 4 weeks
            ("2026-03-05", "attended", None), // inside 4 weeks
            ("2026-03-11", "cancelled", Some("person")),
            ("2026-03-18", "cancelled", Some("provider")),
            ("2026-03-25", "missed", None),
            ("2026-03-25", "attended", None), // corrected: the later mark counts
            ("2026-04-01", "attended", None),
        ]
        .iter()
        .map(|(d, s, by)| mark(CLUB, d, s, *by).parse(&plan, TODAY).unwrap())
        .collect();
        let (four, twelve) = attendance_4_and_12_weeks(&marks, CLUB, TODAY);
        assert_eq!(
            four,
            AttendanceRate {
                attended: 3,
                missed: 0,
                cancelled_by_person: 1,
                cancelled_otherwise: 1
            }
        );
        assert_eq!(four.percent(), Some(75));
        assert_eq!(twelve.attended, 4);
        assert_eq!(twelve.missed, 2);
        assert_eq!(twelve.percent(), Some(57));
        assert_eq!(attendance_rate(&marks, ENDED, TODAY, 4).percent(), None);
    }

    fn rating(rater: &str, score: &str) -> RatingInput {
        RatingInput {
            outcome_id: Some(OUTCOME),
            date: Some("2026-03-01".into()),
            rater: Some(rater.into()),
            score: Some(score.into()),
        }
    }

    #[test]
    fn ratings_outside_the_scale_are_refused() {
        let plan = plan();
        assert_eq!(rating("person", "+2").parse(&plan, TODAY).unwrap().score, 2);
        assert_eq!(rating("worker", "−1").parse(&plan, TODAY).unwrap().score, -1);
        for bad in ["3", "-3", "1.5", "lots"] {
            let errors = rating("person", bad).parse(&plan, TODAY).unwrap_err();
            assert!(errors.get("score").unwrap().contains("−2 to +2"), "{bad}");
        }
        assert!(
            rating("teacher", "1")
                .parse(&plan, TODAY)
                .unwrap_err()
                .get("rater")
                .is_some()
        );
        let mut other = rating("person", "1");
        other.outcome_id = Some(Uuid::from_u128(999));
        assert!(other.parse(&plan, TODAY).unwrap_err().get("outcome_id").is_some());
    }

    proptest! {
        #[test]
        fn only_whole_numbers_from_minus_2_to_2_are_accepted(score in -200i32..200) {
            let plan = plan();
            let result = rating("worker", &score.to_string()).parse(&plan, TODAY);
            prop_assert_eq!(result.is_ok(), (-2..=2).contains(&score));
        }

        #[test]
        fn attendance_rate_is_never_above_100_and_4_weeks_within_12(
            days in proptest::collection::vec((0i64..120, 0usize..4), 0..40)
        ) {
            let statuses = [
                SessionStatus::Attended,
                SessionStatus::Missed,
                SessionStatus::Cancelled { by: CancelledBy::Person },
                SessionStatus::Cancelled { by: CancelledBy::Provider },
            ];
            let marks: Vec<Attendance> = days
                .iter()
                .map(|(d, s)| Attendance { provision_id: CLUB, date: TODAY - Duration::days(*d), status: statuses[*s] })
                .collect();
            let (four, twelve) = attendance_4_and_12_weeks(&marks, CLUB, TODAY);
            prop_assert!(four.percent().unwrap_or(0) <= 100);
            prop_assert!(four.attended <= twelve.attended && four.expected() <= twelve.expected());
        }
    }

    #[test]
    fn series_keeps_raters_apart_and_the_picture_reads_without_colour() {
        let plan = plan();
        let mut ratings = Vec::new();
        for (date, rater, score) in [
            ("2026-01-10", "person", "-2"),
            ("2026-01-10", "worker", "0"),
            ("2026-02-10", "person", "0"),
            ("2026-03-10", "person", "1"),
            ("2026-03-10", "worker", "1"),
        ] {
            let mut input = rating(rater, score);
            input.date = Some(date.into());
            ratings.push(input.parse(&plan, TODAY).unwrap());
        }
        let series = RatingSeries::of(&ratings, OUTCOME);
        assert_eq!(series.person.len(), 3);
        assert_eq!(
            series.worker,
            vec![(date!(2026 - 01 - 10), 0), (date!(2026 - 03 - 10), 1)]
        );
        assert_eq!(series.disagreements(), vec![date!(2026 - 01 - 10)]);
        let labels = ProgressLabels {
            title: "Leo gets to school on time <four days>".into(),
            ..Default::default()
        };
        let svg = progress_svg(&series, &[date!(2026 - 02 - 20)], &labels);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let elements = crate::checks::picture::tests::well_formed(&svg).unwrap();
        assert_eq!(&elements[..3], ["svg", "title", "desc"]);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"progress-title\">Leo gets to school on time &lt;four days&gt;</title>"));
        assert!(
            svg.contains("The person&#39;s rating: −2 on 10 January 2026, 0 on 10 February 2026, +1 on 10 March 2026.")
        );
        assert!(svg.contains("Reviews on 20 February 2026."));
        assert!(svg.contains("differ by 2 or more on 10 January 2026"));
        // Told apart by dash and marker shape, not only colour.
        assert!(svg.contains("stroke-dasharray=\"8 5\""));
        assert_eq!(svg.matches("<circle").count(), 4); // 3 points and the legend
        assert_eq!(svg.matches("<rect").count(), 3); // 2 points and the legend
        assert!(svg.contains(">Review</text>"));
        assert!(!svg.contains("style"));
        assert_eq!(
            svg.matches('<').count() * 2,
            svg.matches('<').count() + svg.matches('>').count()
        );
        assert!(progress_svg(&RatingSeries::default(), &[], &ProgressLabels::default()).contains("No ratings yet."));
    }
}
