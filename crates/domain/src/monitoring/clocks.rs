//! Clocks (SPEC R4): deadlines that run from an event. A plan type declares
//! them in its file:
//!
//! ```toml
//! [[clocks]]
//! key = "review_meeting"
//! label = "Review child planning meeting"
//! from = "meeting"
//! length = 20
//! unit = "working_days"
//! ```
//!
//! Every plan type also has the formal-review clock, `weeks` from agreement,
//! from its `reviews.formal_interval_weeks` or the plan's own interval
//! ([`formal_review_clock`]). Whether a clock is due or overdue is decided
//! against an injected `today` ([`ClockState::of`]), never the wall clock.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::calendar::{BankHolidays, CalendarError, Region};
use crate::plan_type::PlanType;

crate::plan_type::name_enum! {
    /// The event a clock runs from.
    pub enum ClockEvent ("clock event") {
        /// The plan was agreed (or last formally reviewed).
        Agreement = "agreement",
        /// A request was made (an assessment, a meeting, a service).
        Request = "request",
        /// A planning meeting was held.
        Meeting = "meeting",
        /// A formal review was held.
        Review = "review",
    }
}

crate::plan_type::name_enum! {
    /// What a clock's length counts.
    pub enum ClockUnit ("clock unit") {
        /// Calendar days.
        Days = "days",
        /// Weeks of seven days.
        Weeks = "weeks",
        /// Working days: not weekends or the region's bank holidays.
        WorkingDays = "working_days",
    }
}

/// A deadline a plan type declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockRule {
    /// Stable key, lowercase with underscores.
    pub key: String,
    /// What is due, as the dashboard says it ("Formal review").
    pub label: String,
    pub from: ClockEvent,
    pub length: u32,
    pub unit: ClockUnit,
}

/// The key of the formal-review clock every plan type has.
pub const FORMAL_REVIEW: &str = "formal_review";

/// The formal review, due `weeks` after agreement: the plan's own interval
/// when it set one, else its type's.
pub fn formal_review_clock(plan_type: &PlanType, plan_interval_weeks: Option<u32>) -> ClockRule {
    ClockRule {
        key: FORMAL_REVIEW.into(),
        label: "Formal review".into(),
        from: ClockEvent::Agreement,
        length: plan_interval_weeks.unwrap_or(plan_type.reviews.formal_interval_weeks),
        unit: ClockUnit::Weeks,
    }
}

/// Every clock of a plan: the formal review, then the type's own.
pub fn clocks_of(plan_type: &PlanType, plan_interval_weeks: Option<u32>) -> Vec<ClockRule> {
    let mut clocks = vec![formal_review_clock(plan_type, plan_interval_weeks)];
    clocks.extend(plan_type.clocks.iter().filter(|c| c.key != FORMAL_REVIEW).cloned());
    clocks
}

impl ClockRule {
    /// The date it is due, for an event on `event`. Working days count in
    /// the organisation's region; a date the calendar does not cover is an
    /// error.
    pub fn due(&self, event: Date, calendar: &BankHolidays, region: Region) -> Result<Date, CalendarError> {
        match self.unit {
            ClockUnit::Days => Ok(event + Duration::days(i64::from(self.length))),
            ClockUnit::Weeks => Ok(event + Duration::weeks(i64::from(self.length))),
            ClockUnit::WorkingDays => calendar.add_working_days(region, event, self.length),
        }
    }
}

/// Checks a plan type's clocks when its file is loaded: keys well formed
/// and unique, a label, a length of at least 1.
pub fn check_rules(clocks: &[ClockRule]) -> Result<(), (String, String)> {
    for (i, clock) in clocks.iter().enumerate() {
        let path = |field: &str| format!("clocks[{i}].{field}");
        let well_formed = !clock.key.is_empty()
            && clock
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return Err((
                path("key"),
                format!("invalid key \"{}\"; use lowercase letters, digits and _", clock.key),
            ));
        }
        if clocks[..i].iter().any(|c| c.key == clock.key) {
            return Err((path("key"), format!("the key \"{}\" is used twice", clock.key)));
        }
        if clock.label.trim().is_empty() {
            return Err((path("label"), "must not be empty".into()));
        }
        if clock.length == 0 {
            return Err((path("length"), "must be at least 1".into()));
        }
    }
    Ok(())
}

/// Where a clock stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockState {
    /// Due later than the warning period.
    Running { days_left: i64 },
    /// Due within the warning period (or today).
    DueSoon { days_left: i64 },
    /// Past its date and not done.
    Overdue { days_over: i64 },
    /// Done (on or before the date, or late).
    Done { on: Date, late: bool },
}

impl ClockState {
    /// The state of a clock due on `due`, done on `done` if it has been,
    /// warning `warn_days` before it is due.
    pub fn of(due: Date, done: Option<Date>, today: Date, warn_days: i64) -> ClockState {
        if let Some(on) = done {
            return ClockState::Done { on, late: on > due };
        }
        let days_left = (due - today).whole_days();
        if days_left < 0 {
            ClockState::Overdue { days_over: -days_left }
        } else if days_left <= warn_days {
            ClockState::DueSoon { days_left }
        } else {
            ClockState::Running { days_left }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn plan_type(clocks: &str) -> Result<PlanType, crate::plan_type::PlanTypeError> {
        let text = format!(
            "id = \"TEST\"\nname = \"Test plan\"\nshort_name = \"Test\"\ndescription = \"A test.\"\nschema_version = 1\n\
             [reviews]\nformal_interval_weeks = 12\n{clocks}\n\
             [[sections]]\nkind = \"meetings\"\nkey = \"meetings\"\nheading = \"Meetings\"\n"
        );
        crate::plan_type::parse("test.toml", &text)
    }

    const CLOCKS: &str = "[[clocks]]\nkey = \"review_meeting\"\nlabel = \"Review meeting\"\nfrom = \"meeting\"\nlength = 10\nunit = \"working_days\"\n\
        [[clocks]]\nkey = \"assessment\"\nlabel = \"Assessment\"\nfrom = \"request\"\nlength = 6\nunit = \"weeks\"\n";

    #[test]
    fn a_plan_type_declares_clocks_that_run_from_events() {
        let t = plan_type(CLOCKS).unwrap();
        let calendar = BankHolidays::builtin();
        let clocks = clocks_of(&t, None);
        assert_eq!(
            clocks.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
            [FORMAL_REVIEW, "review_meeting", "assessment"]
        );
        // Agreed Monday 2 March 2026: formal review 12 weeks on.
        let due = |clock: &ClockRule, event| clock.due(event, &calendar, Region::Scotland).unwrap();
        assert_eq!(due(&clocks[0], date!(2026 - 03 - 02)), date!(2026 - 05 - 25));
        assert_eq!(
            due(&clocks_of(&t, Some(8))[0], date!(2026 - 03 - 02)),
            date!(2026 - 04 - 27)
        );
        // A meeting on Thursday 17 December 2026: 10 working days in Scotland
        // skip Christmas, the Boxing Day substitute and 1 and 4 January.
        assert_eq!(due(&clocks[1], date!(2026 - 12 - 17)), date!(2027 - 01 - 06));
        assert_eq!(
            clocks[1]
                .due(date!(2026 - 12 - 17), &calendar, Region::EnglandAndWales)
                .unwrap(),
            date!(2027 - 01 - 05)
        );
        assert_eq!(due(&clocks[2], date!(2026 - 01 - 15)), date!(2026 - 02 - 26));
        // The shipped types load, each with the formal review and its own clocks.
        for (name, text) in crate::plan_type::BUILTIN_FILES {
            let t = crate::plan_type::parse(name, text).unwrap();
            assert_eq!(clocks_of(&t, None).len(), 1 + t.clocks.len());
        }
    }

    #[test]
    fn bad_clocks_are_refused_when_the_file_is_loaded() {
        for (clocks, field) in [
            (
                "[[clocks]]\nkey = \"A\"\nlabel = \"x\"\nfrom = \"meeting\"\nlength = 1\nunit = \"days\"\n",
                "clocks[0].key",
            ),
            (
                "[[clocks]]\nkey = \"a\"\nlabel = \" \"\nfrom = \"meeting\"\nlength = 1\nunit = \"days\"\n",
                "clocks[0].label",
            ),
            (
                "[[clocks]]\nkey = \"a\"\nlabel = \"x\"\nfrom = \"meeting\"\nlength = 0\nunit = \"days\"\n",
                "clocks[0].length",
            ),
            (
                "[[clocks]]\nkey = \"a\"\nlabel = \"x\"\nfrom = \"meeting\"\nlength = 1\nunit = \"days\"\n\
                 [[clocks]]\nkey = \"a\"\nlabel = \"y\"\nfrom = \"request\"\nlength = 1\nunit = \"days\"\n",
                "clocks[1].key",
            ),
        ] {
            let error = plan_type(clocks).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(field), "{error:?}");
        }
        let error =
            plan_type("[[clocks]]\nkey = \"a\"\nlabel = \"x\"\nfrom = \"birthday\"\nlength = 1\nunit = \"days\"\n")
                .unwrap_err();
        assert!(error.message.contains("birthday"), "{error:?}");
    }

    #[test]
    fn clock_states_follow_the_injected_today() {
        let due = date!(2026 - 05 - 25);
        assert_eq!(
            ClockState::of(due, None, date!(2026 - 05 - 10), 7),
            ClockState::Running { days_left: 15 }
        );
        assert_eq!(
            ClockState::of(due, None, date!(2026 - 05 - 18), 7),
            ClockState::DueSoon { days_left: 7 }
        );
        assert_eq!(ClockState::of(due, None, due, 7), ClockState::DueSoon { days_left: 0 });
        assert_eq!(
            ClockState::of(due, None, date!(2026 - 05 - 26), 7),
            ClockState::Overdue { days_over: 1 }
        );
        assert_eq!(
            ClockState::of(due, Some(date!(2026 - 05 - 27)), date!(2026 - 06 - 30), 7),
            ClockState::Done {
                on: date!(2026 - 05 - 27),
                late: true
            }
        );
    }
}
