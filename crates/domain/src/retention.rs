//! Retention (issue 12, SPEC S4): how long a closed plan is kept, and
//! whether it is due to be removed today. Plain rules, no clock and no I/O:
//! the caller passes today's date.
//!
//! A plan type's `[retention]` table sets the rule:
//!
//! ```toml
//! [retention]
//! after_closure = "6 years"   # kept this long after the plan closed…
//! until_age = 25              # …and at least until the person's 25th birthday
//! basis = "Kept 6 years after closure, and at least until the 25th birthday."
//! ```
//!
//! Either part may be left out, not both. With both, the plan is kept until
//! the later of the two dates. A plan is *closed* once its status is closed
//! or superseded; its closure date is the day of its last change (a closed
//! plan accepts no more changes). A plan that is still active is never due.
//!
//! - `until_age` and an unknown date of birth: the plan is never removed
//!   automatically ([`Assessment::NeedsDateOfBirth`]), because the record
//!   may have to be kept for decades (looked-after children's records are
//!   kept until the 75th birthday: `until_age = 75`).
//! - A legal hold on the plan or on its person stops removal
//!   ([`Assessment::Held`]), whatever the dates say.
//! - A plan type without `[retention]` keeps its plans until a rule is set
//!   ([`Assessment::NoRule`]).
//!
//! What removal does (the content deleted, the history's bodies replaced by
//! a redaction marker, the person anonymised once none of their plans is
//! kept) is the server's (`store/retention.rs`); this module only decides
//! *whether* and *when*.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month};
use utoipa::ToSchema;

/// A plan type's retention rule (the `[retention]` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    /// How long after closure the plan is kept: `"6 years"`, `"18 months"`,
    /// `"90 days"`, `"2 weeks"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "6 years")]
    pub after_closure: Option<Period>,
    /// Kept at least until the person's birthday of this age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 130)]
    pub until_age: Option<u32>,
    /// Why this period: the guidance it follows, in a sentence (shown to
    /// administrators).
    pub basis: String,
}

impl RetentionRule {
    /// The rule's own checks (serde checks the shape): a `(field, message)`.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if self.after_closure.is_none() && self.until_age.is_none() {
            return Err((
                "retention".into(),
                "give after_closure (e.g. \"6 years\"), until_age (e.g. 25) or both".into(),
            ));
        }
        if let Some(age) = self.until_age
            && !(1..=130).contains(&age)
        {
            return Err((
                "retention.until_age".into(),
                format!("must be from 1 to 130 (years of age), not {age}"),
            ));
        }
        if self.basis.trim().is_empty() {
            return Err((
                "retention.basis".into(),
                "say in a sentence why records are kept this long".into(),
            ));
        }
        Ok(())
    }

    /// The rule in words: "6 years after closure, and at least until the
    /// 25th birthday".
    pub fn describe(&self) -> String {
        match (&self.after_closure, self.until_age) {
            (Some(p), Some(age)) => format!("{p} after closure, and at least until the {} birthday", ordinal(age)),
            (Some(p), None) => format!("{p} after closure"),
            (None, Some(age)) => format!("until the {} birthday", ordinal(age)),
            (None, None) => "no rule".into(),
        }
    }

    /// The first day the plan may be removed, given when it closed and the
    /// person's date of birth; `None` when that cannot be known (an age
    /// rule and no date of birth).
    pub fn removable_from(&self, closed_on: Date, date_of_birth: Option<Date>) -> Option<Date> {
        let mut from = closed_on;
        if let Some(period) = self.after_closure {
            from = from.max(period.after(closed_on));
        }
        if let Some(age) = self.until_age {
            let birthday = add_years(date_of_birth?, age as i32);
            from = from.max(birthday);
        }
        Some(from)
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A length of time in whole days, weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub count: u32,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Period {
    /// `date` plus this period. A month or year landing on a day the month
    /// lacks (29 February, 31 April) falls on the month's last day.
    pub fn after(self, date: Date) -> Date {
        let n = self.count as i64;
        match self.unit {
            Unit::Days => date.saturating_add(time::Duration::days(n)),
            Unit::Weeks => date.saturating_add(time::Duration::weeks(n)),
            Unit::Months => add_months(date, n),
            Unit::Years => add_months(date, n * 12),
        }
    }
}

fn add_months(date: Date, months: i64) -> Date {
    let index = date.year() as i64 * 12 + (date.month() as i64 - 1) + months;
    let year = index.div_euclid(12).clamp(-9999, 9999) as i32;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1..=12");
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

fn add_years(date: Date, years: i32) -> Date {
    add_months(date, i64::from(years) * 12)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Days => "day",
            Unit::Weeks => "week",
            Unit::Months => "month",
            Unit::Years => "year",
        };
        let plural = if self.count == 1 { "" } else { "s" };
        write!(f, "{} {unit}{plural}", self.count)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Period, String> {
        let bad = || {
            format!("\"{s}\" is not a period; write a number and a unit, e.g. \"6 years\", \"18 months\", \"90 days\"")
        };
        let mut words = s.split_whitespace();
        let (Some(count), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(bad());
        };
        let count: u32 = count.parse().map_err(|_| bad())?;
        let unit = match unit.to_ascii_lowercase().as_str() {
            "day" | "days" => Unit::Days,
            "week" | "weeks" => Unit::Weeks,
            "month" | "months" => Unit::Months,
            "year" | "years" => Unit::Years,
            _ => return Err(bad()),
        };
        let limit = match unit {
            Unit::Days => 366 * 150,
            Unit::Weeks => 53 * 150,
            Unit::Months => 12 * 150,
            Unit::Years => 150,
        };
        if count > limit {
            return Err(format!("\"{s}\" is longer than 150 years"));
        }
        Ok(Period { count, unit })
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What is known about one plan on the day retention looks at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The day the plan closed (closed or superseded); `None` while active.
    pub closed_on: Option<Date>,
    /// The person's date of birth, if recorded.
    pub date_of_birth: Option<Date>,
    /// A legal hold on the plan or its person.
    pub held: bool,
    pub today: Date,
}

/// Whether a plan is due for removal, and why (not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Assessment {
    /// Still active: kept.
    Active,
    /// Its plan type has no retention rule: kept.
    NoRule,
    /// An age rule and no date of birth: kept until someone records it.
    NeedsDateOfBirth,
    /// Closed, kept until `on` (the first day it may be removed).
    Kept {
        #[schema(value_type = String, format = Date)]
        on: Date,
    },
    /// A legal hold stops removal; `on` is when it would otherwise be due.
    Held {
        #[schema(value_type = Option<String>, format = Date)]
        on: Option<Date>,
    },
    /// Due since `on`: the next run removes it.
    Due {
        #[schema(value_type = String, format = Date)]
        on: Date,
    },
}

impl Assessment {
    pub fn is_due(&self) -> bool {
        matches!(self, Assessment::Due { .. })
    }

    /// In words, for the administrators' page and the CLI.
    pub fn describe(&self) -> String {
        let day = |d: &Date| {
            let format = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
            d.format(&format).unwrap_or_else(|_| d.to_string())
        };
        match self {
            Assessment::Active => "Active: kept".into(),
            Assessment::NoRule => "Kept: its plan type sets no retention period".into(),
            Assessment::NeedsDateOfBirth => "Kept: the rule needs the person's date of birth".into(),
            Assessment::Kept { on } => format!("Kept until {}", day(on)),
            Assessment::Held { on: Some(on) } => format!("On legal hold (would be due {})", day(on)),
            Assessment::Held { on: None } => "On legal hold".into(),
            Assessment::Due { on } => format!("Due since {}", day(on)),
        }
    }
}

/// Decides whether the plan is due for removal today.
pub fn assess(rule: Option<&RetentionRule>, facts: Facts) -> Assessment {
    let Some(closed_on) = facts.closed_on else {
        return Assessment::Active;
    };
    let Some(rule) = rule else {
        return Assessment::NoRule;
    };
    let from = rule.removable_from(closed_on, facts.date_of_birth);
    if facts.held {
        return Assessment::Held { on: from };
    }
    match from {
        None => Assessment::NeedsDateOfBirth,
        Some(on) if on <= facts.today => Assessment::Due { on },
        Some(on) => Assessment::Kept { on },
    }
}

/// A legal hold's (or its lifting's) reason, checked: required (it is
/// recorded with who and when), up to 1,000 characters, no control
/// characters. Returns it trimmed.
pub fn check_hold_reason(reason: &str) -> Result<String, crate::error::FieldErrors> {
    let mut errors = crate::error::FieldErrors::new();
    let reason = crate::error::required_text(&mut errors, "reason", Some(reason), 1000, "Enter the reason");
    errors.into_result(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rule(after: Option<&str>, age: Option<u32>) -> RetentionRule {
        RetentionRule {
            after_closure: after.map(|p| p.parse().unwrap()),
            until_age: age,
            basis: "test".into(),
        }
    }

    fn facts(closed: Option<Date>, dob: Option<Date>, held: bool, today: Date) -> Facts {
        Facts {
            closed_on: closed,
            date_of_birth: dob,
            held,
            today,
        }
    }

    #[test]
    fn periods_parse_and_print() {
        assert_eq!("6 years".parse::<Period>().unwrap().to_string(), "6 years");
        assert_eq!("1 Month".parse::<Period>().unwrap().to_string(), "1 month");
        assert_eq!(" 90  days ".parse::<Period>().unwrap().unit, Unit::Days);
        for bad in [
            "",
            "6",
            "six years",
            "6 fortnights",
            "6 years ago",
            "-1 days",
            "151 years",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn months_and_years_land_on_the_last_day_when_the_month_is_short() {
        let p: Period = "1 year".parse().unwrap();
        assert_eq!(p.after(date!(2024 - 02 - 29)), date!(2025 - 02 - 28));
        let m: Period = "1 month".parse().unwrap();
        assert_eq!(m.after(date!(2026 - 01 - 31)), date!(2026 - 02 - 28));
        assert_eq!(m.after(date!(2026 - 12 - 15)), date!(2027 - 01 - 15));
    }

    #[test]
    fn after_closure_counts_from_the_closure_date() {
        let r = rule(Some("6 years"), None);
        let closed = Some(date!(2020 - 03 - 10));
        assert_eq!(
            assess(Some(&r), facts(closed, None, false, date!(2026 - 03 - 09))),
            Assessment::Kept {
                on: date!(2026 - 03 - 10)
            }
        );
        assert_eq!(
            assess(Some(&r), facts(closed, None, false, date!(2026 - 03 - 10))),
            Assessment::Due {
                on: date!(2026 - 03 - 10)
            }
        );
    }

    #[test]
    fn an_active_plan_is_never_due() {
        let r = rule(Some("1 day"), None);
        assert_eq!(
            assess(Some(&r), facts(None, None, false, date!(2099 - 01 - 01))),
            Assessment::Active
        );
    }

    #[test]
    fn the_later_of_the_two_dates_wins() {
        // Looked-after child's record: until the 75th birthday.
        let r = rule(Some("6 years"), Some(75));
        let dob = Some(date!(2010 - 05 - 01));
        let closed = Some(date!(2028 - 05 - 01));
        assert_eq!(
            assess(Some(&r), facts(closed, dob, false, date!(2040 - 01 - 01))),
            Assessment::Kept {
                on: date!(2085 - 05 - 01)
            }
        );
        // Closed late in life: the period after closure is later.
        let r = rule(Some("6 years"), Some(25));
        let closed = Some(date!(2034 - 01 - 01));
        assert_eq!(
            assess(Some(&r), facts(closed, dob, false, date!(2040 - 01 - 01))),
            Assessment::Due {
                on: date!(2040 - 01 - 01)
            }
        );
    }

    #[test]
    fn an_age_rule_without_a_date_of_birth_keeps_the_plan() {
        let r = rule(None, Some(25));
        assert_eq!(
            assess(
                Some(&r),
                facts(Some(date!(2000 - 01 - 01)), None, false, date!(2090 - 01 - 01))
            ),
            Assessment::NeedsDateOfBirth
        );
    }

    #[test]
    fn a_hold_stops_removal_and_says_when_it_would_be_due() {
        let r = rule(Some("1 year"), None);
        let closed = Some(date!(2020 - 01 - 01));
        assert_eq!(
            assess(Some(&r), facts(closed, None, true, date!(2030 - 01 - 01))),
            Assessment::Held {
                on: Some(date!(2021 - 01 - 01))
            }
        );
    }

    #[test]
    fn no_rule_keeps_the_plan() {
        assert_eq!(
            assess(
                None,
                facts(Some(date!(2000 - 01 - 01)), None, false, date!(2090 - 01 - 01))
            ),
            Assessment::NoRule
        );
    }

    #[test]
    fn rules_are_checked() {
        assert!(rule(None, None).validate().is_err());
        assert!(rule(None, Some(0)).validate().is_err());
        let mut r = rule(Some("6 years"), None);
        r.basis = " ".into();
        assert_eq!(r.validate().unwrap_err().0, "retention.basis");
        assert_eq!(
            rule(Some("6 years"), Some(25)).describe(),
            "6 years after closure, and at least until the 25th birthday"
        );
        assert_eq!(rule(None, Some(21)).describe(), "until the 21st birthday");
        assert!(check_hold_reason("  ").is_err());
        assert!(check_hold_reason("a\u{0}b").is_err());
        assert!(check_hold_reason(&"x".repeat(1001)).is_err());
        assert_eq!(check_hold_reason(" Court case ").unwrap(), "Court case");
    }
}
