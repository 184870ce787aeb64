//! Clocks that run from a request (SPEC R4): someone asks for something (an
//! assessment, a planning meeting) and the plan type says how long the
//! answer may take. A plan type declares such a clock with
//! `from = "request"`:
//!
//! ```toml
//! [[clocks]]
//! key = "assessment_decision"
//! label = "Decision on a request for an EHC needs assessment"
//! from = "request"
//! length = 6
//! unit = "weeks"
//! ```
//!
//! A request is recorded once (which clock it starts, the date it was made,
//! who asked and what for) and never changed; that it was met is a second
//! record naming it ([`RequestMet`]), at most one per request. Both are
//! checked here against the plan, its type and an injected `today`:
//! - the clock must be one of the plan type's request clocks;
//! - a request is not dated in the future, nor before the plan existed
//!   (its start date or the day it was entered, whichever is earlier);
//! - a request is met on or after the day it was made, not in the future.
//!
//! An open request's due date goes into the dashboard's index
//! ([`request_items`]); a met one is done on the day it was met.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::calendar::{BankHolidays, Region};
use super::clocks::{ClockEvent, ClockRule, ClockState};
use super::dashboard::DueKind;
use super::index::IndexedDue;
use crate::error::{FieldErrors, optional_date, optional_text, required_text};
use crate::plan::Plan;
use crate::plan_type::PlanType;

/// The longest clock key.
const MAX_KEY: usize = 100;
/// The longest "who asked".
const MAX_WHO: usize = 200;
/// The longest "what was asked for" or note.
const MAX_WHAT: usize = 2_000;

/// A request that starts one of the plan type's clocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockRequest {
    /// The key of the plan type's clock it starts.
    pub clock: String,
    /// The day the request was made.
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Who asked ("Mair Jones (Mum)", "Fife Council Social Work").
    pub requested_by: String,
    /// What was asked for.
    pub what: String,
}

/// That a request was met, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestMet {
    /// The request met.
    pub request_id: Uuid,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// How it was met, if said.
    pub note: Option<String>,
}

/// A request as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RequestInput {
    /// The key of one of the plan type's clocks that run from a request.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100)]
    pub clock: Option<String>,
    /// The day it was made: today or earlier, not before the plan existed.
    #[schema(value_type = String, format = Date, required = true)]
    pub date: Option<String>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200)]
    pub requested_by: Option<String>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 2000)]
    pub what: Option<String>,
}

/// "Met" as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MetInput {
    /// The day it was met: on or after the request, not in the future.
    #[schema(value_type = String, format = Date, required = true)]
    pub date: Option<String>,
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<String>,
}

/// The plan type's clocks that run from a request, in file order.
pub fn request_clocks(plan_type: Option<&PlanType>) -> Vec<&ClockRule> {
    plan_type
        .map(|t| t.clocks.iter().filter(|c| c.from == ClockEvent::Request).collect())
        .unwrap_or_default()
}

/// The first day the plan existed: its start date or the day it was
/// entered, whichever is earlier (a plan may be entered after it began).
pub fn plan_began(plan: &Plan) -> Date {
    let entered = plan.created_at.date();
    plan.details.start_date.map_or(entered, |start| start.min(entered))
}

fn required_date(errors: &mut FieldErrors, field: &str, value: Option<&str>, missing: &str) -> Option<Date> {
    let date = optional_date(errors, field, value);
    if date.is_none() && errors.get(field).is_none() {
        errors.add(field, missing);
    }
    date
}

impl RequestInput {
    /// The request as typed, checked against the plan, its type and
    /// `today`.
    pub fn parse(&self, plan: &Plan, plan_type: Option<&PlanType>, today: Date) -> Result<ClockRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let clocks = request_clocks(plan_type);
        let clock = optional_text(&mut errors, "clock", self.clock.as_deref(), MAX_KEY).unwrap_or_default();
        // What this plan's type allows depends on the plan: a clock it
        // does not have is refused as a conflict with what is stored.
        let well_formed = errors.get("clock").is_none();
        if well_formed && clock.is_empty() {
            errors.add("clock", "Choose what the request starts");
        } else if well_formed && clocks.is_empty() {
            errors.add_conflict("clock", "This kind of plan has no deadlines that run from a request");
        } else if well_formed && !clocks.iter().any(|c| c.key == clock) {
            let known: Vec<&str> = clocks.iter().map(|c| c.key.as_str()).collect();
            errors.add_conflict(
                "clock",
                format!("Choose one of this plan's request deadlines: {}", known.join(", ")),
            );
        }
        let date = required_date(
            &mut errors,
            "date",
            self.date.as_deref(),
            "Enter the date the request was made",
        );
        if let Some(date) = date {
            let began = plan_began(plan);
            if date > today {
                errors.add("date", "The date the request was made must be today or in the past");
            } else if date < began {
                errors.add_conflict(
                    "date",
                    format!(
                        "The request cannot be made before the plan existed ({})",
                        crate::plan::format_date(began)
                    ),
                );
            }
        }
        let requested_by = required_text(
            &mut errors,
            "requested_by",
            self.requested_by.as_deref(),
            MAX_WHO,
            "Enter who made the request",
        );
        let what = required_text(
            &mut errors,
            "what",
            self.what.as_deref(),
            MAX_WHAT,
            "Enter what was asked for",
        );
        match date {
            Some(date) if errors.is_empty() => Ok(ClockRequest {
                clock,
                date,
                requested_by,
                what,
            }),
            _ => Err(errors),
        }
    }
}

impl MetInput {
    /// "Met" as typed, for `request` (recorded under `request_id`), on
    /// `today`. A request already met is refused as a conflict with what
    /// is stored.
    pub fn parse(
        &self,
        request_id: Uuid,
        request: &ClockRequest,
        already_met: Option<Date>,
        today: Date,
    ) -> Result<RequestMet, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = required_date(
            &mut errors,
            "date",
            self.date.as_deref(),
            "Enter the date the request was met",
        );
        if let Some(date) = date {
            if date > today {
                errors.add("date", "The date it was met must be today or in the past");
            } else if date < request.date {
                errors.add_conflict(
                    "date",
                    format!(
                        "A request cannot be met before it was made ({})",
                        crate::plan::format_date(request.date)
                    ),
                );
            }
        }
        let note = optional_text(&mut errors, "note", self.note.as_deref(), MAX_WHAT);
        if let Some(on) = already_met {
            errors.add_conflict(
                "date",
                format!("This request was already met on {}", crate::plan::format_date(on)),
            );
        }
        match date {
            Some(date) if errors.is_empty() => Ok(RequestMet { request_id, date, note }),
            _ => Err(errors),
        }
    }
}

/// A request with when it was met: what the index and the lists read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest {
    pub id: Uuid,
    pub request: ClockRequest,
    pub met_on: Option<Date>,
}

/// A request as listed: its clock, its due date and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RequestStatus {
    /// What is due, from the clock ("Decision on a request for …").
    pub label: String,
    /// When it is due: None when the plan type no longer has the clock or
    /// the calendar does not reach that far.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<Date>,
    /// The clock's length in words ("6 weeks", "15 working days").
    pub length: String,
    /// Where it stands on today: running, due soon, overdue or done.
    #[schema(value_type = Option<Object>)]
    pub state: Option<ClockState>,
}

fn length_words(clock: &ClockRule) -> String {
    use super::clocks::ClockUnit;
    let unit = match (clock.unit, clock.length) {
        (ClockUnit::Days, 1) => "day",
        (ClockUnit::Days, _) => "days",
        (ClockUnit::Weeks, 1) => "week",
        (ClockUnit::Weeks, _) => "weeks",
        (ClockUnit::WorkingDays, 1) => "working day",
        (ClockUnit::WorkingDays, _) => "working days",
    };
    format!("{} {unit}", clock.length)
}

/// Where one request stands on `today`, warning `warn_days` before.
pub fn request_status(
    request: &PlanRequest,
    plan_type: Option<&PlanType>,
    calendar: &BankHolidays,
    region: Region,
    today: Date,
    warn_days: i64,
) -> RequestStatus {
    let clock = request_clocks(plan_type)
        .into_iter()
        .find(|c| c.key == request.request.clock);
    let Some(clock) = clock else {
        return RequestStatus {
            label: request.request.clock.clone(),
            due: None,
            length: String::new(),
            state: None,
        };
    };
    let due = clock.due(request.request.date, calendar, region).ok();
    RequestStatus {
        label: clock.label.clone(),
        due,
        length: length_words(clock),
        state: due.map(|due| ClockState::of(due, request.met_on, today, warn_days)),
    }
}

/// What a plan's requests put in the dashboard's index: one item per
/// request whose clock the plan type still declares, due when the clock
/// says, done the day it was met, for `owner` (the plan's responsible
/// user, see [`super::index::plan_owner`]). A plan no longer active keeps
/// only what was met.
pub fn request_items(
    plan: &Plan,
    plan_type: Option<&PlanType>,
    requests: &[PlanRequest],
    calendar: &BankHolidays,
    region: Region,
) -> Vec<IndexedDue> {
    let clocks = request_clocks(plan_type);
    let owner = super::index::plan_owner(plan);
    let mut items: Vec<IndexedDue> = requests
        .iter()
        .filter_map(|r| {
            let clock = clocks.iter().find(|c| c.key == r.request.clock)?;
            let due = clock.due(r.request.date, calendar, region).ok()?;
            Some(IndexedDue {
                key: format!("request:{}", r.id),
                kind: DueKind::Request,
                label: format!("{}: {}", clock.label, r.request.what),
                agency: None,
                due,
                done_on: r.met_on,
                closed: false,
                owner,
            })
        })
        .collect();
    if !plan.status.is_active() {
        items.retain(|i| i.done_on.is_some());
    }
    items
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::monitoring::meetings::tests::plan_with_parties;

    fn msp() -> PlanType {
        crate::plan_type::parse("msp.toml", include_str!("../../plan-types/msp.toml")).unwrap()
    }

    fn cp() -> PlanType {
        crate::plan_type::parse("cp.toml", include_str!("../../plan-types/cp.toml")).unwrap()
    }

    fn input(clock: &str, date: &str) -> RequestInput {
        RequestInput {
            clock: Some(clock.into()),
            date: Some(date.into()),
            requested_by: Some("Mair Jones (Mum)".into()),
            what: Some("An EHC needs assessment for Leo".into()),
        }
    }

    fn plan() -> Plan {
        let mut plan = plan_with_parties();
        plan.created_at = datetime!(2026-10-20 09:00 UTC);
        plan.details.start_date = Some(date!(2026 - 09 - 07));
        plan
    }

    const TODAY: Date = date!(2026 - 12 - 09);

    #[test]
    fn shipped_types_declare_realistic_request_clocks() {
        let msp = msp();
        let clocks = request_clocks(Some(&msp));
        assert_eq!(clocks.len(), 1);
        assert_eq!(clocks[0].key, "assessment_decision");
        let cp = cp();
        let clocks = request_clocks(Some(&cp));
        assert_eq!(clocks[0].key, "planning_meeting_request");
    }

    #[test]
    fn a_request_starts_its_clock_and_is_met_once() {
        let msp = msp();
        let plan = plan();
        // Asked on Monday 2 November 2026: the decision is due 6 weeks on.
        let request = input("assessment_decision", "2026-11-02")
            .parse(&plan, Some(&msp), TODAY)
            .unwrap();
        assert_eq!(request.date, date!(2026 - 11 - 02));
        let id = Uuid::from_u128(7);
        let open = PlanRequest {
            id,
            request: request.clone(),
            met_on: None,
        };
        let calendar = BankHolidays::builtin();
        let status = request_status(&open, Some(&msp), &calendar, Region::EnglandAndWales, TODAY, 3);
        assert_eq!(status.due, Some(date!(2026 - 12 - 14)));
        assert_eq!(status.length, "6 weeks");
        assert_eq!(status.state, Some(ClockState::Running { days_left: 5 }));
        let items = request_items(&plan, Some(&msp), &[open], &calendar, Region::EnglandAndWales);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].key, format!("request:{id}"));
        assert_eq!(items[0].kind, DueKind::Request);
        assert_eq!(
            items[0].label,
            "Decision on a request for an EHC needs assessment: An EHC needs assessment for Leo"
        );
        assert_eq!((items[0].due, items[0].done_on), (date!(2026 - 12 - 14), None));

        let met = MetInput {
            date: Some("2026-12-08".into()),
            note: Some("The panel agreed to assess".into()),
        }
        .parse(id, &request, None, TODAY)
        .unwrap();
        assert_eq!(met.date, date!(2026 - 12 - 08));
        let done = PlanRequest {
            id,
            request: request.clone(),
            met_on: Some(met.date),
        };
        let items = request_items(&plan, Some(&msp), &[done], &calendar, Region::EnglandAndWales);
        assert_eq!(items[0].done_on, Some(date!(2026 - 12 - 08)));

        // Met twice: a conflict with what is stored.
        let again = MetInput {
            date: Some("2026-12-09".into()),
            note: None,
        }
        .parse(id, &request, Some(met.date), TODAY)
        .unwrap_err();
        assert!(again.is_conflict(), "{again:?}");
    }

    #[test]
    fn working_day_request_clocks_skip_bank_holidays() {
        let cp = cp();
        let mut plan = plan();
        plan.plan_type = "CP".into();
        // Asked on Thursday 17 December 2026 in Scotland: 15 working days
        // skip Christmas, the Boxing Day substitute and 1 and 4 January.
        let request = input("planning_meeting_request", "2026-12-09")
            .parse(&plan, Some(&cp), TODAY)
            .unwrap();
        let open = PlanRequest {
            id: Uuid::from_u128(1),
            request: ClockRequest {
                date: date!(2026 - 12 - 17),
                ..request
            },
            met_on: None,
        };
        let status = request_status(
            &open,
            Some(&cp),
            &BankHolidays::builtin(),
            Region::Scotland,
            date!(2026 - 12 - 17),
            3,
        );
        assert_eq!(status.due, Some(date!(2027 - 01 - 13)));
        assert_eq!(status.length, "15 working days");
    }

    #[test]
    fn bad_requests_are_refused_naming_the_field() {
        let msp = msp();
        let plan = plan();
        let refused =
            |input: RequestInput, plan_type: Option<&PlanType>| input.parse(&plan, plan_type, TODAY).unwrap_err();
        let errors = refused(input("birthday", "2026-11-02"), Some(&msp));
        assert!(
            errors.get("clock").unwrap().contains("assessment_decision"),
            "{errors:?}"
        );
        // The clock is the plan type's: a conflict with what is stored.
        assert!(errors.is_conflict());
        // A type with no request clocks at all.
        let mut bare = msp.clone();
        bare.clocks.clear();
        let errors = refused(input("assessment_decision", "2026-11-02"), Some(&bare));
        assert!(errors.get("clock").unwrap().contains("no deadlines"));
        // In the future.
        let errors = refused(input("assessment_decision", "2026-12-10"), Some(&msp));
        assert!(errors.get("date").unwrap().contains("today or in the past"));
        // Before the plan existed (its start, 7 September).
        let errors = refused(input("assessment_decision", "2026-09-06"), Some(&msp));
        assert!(
            errors
                .get("date")
                .unwrap()
                .contains("before the plan existed (7 September 2026)"),
            "{errors:?}"
        );
        assert!(
            input("assessment_decision", "2026-09-07")
                .parse(&plan, Some(&msp), TODAY)
                .is_ok()
        );
        // Nothing said: wrong by itself.
        let errors = refused(RequestInput::default(), Some(&msp));
        assert!(!errors.is_conflict());
        for field in ["clock", "date", "requested_by", "what"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        // Met before it was made.
        let request = input("assessment_decision", "2026-11-02")
            .parse(&plan, Some(&msp), TODAY)
            .unwrap();
        let errors = MetInput {
            date: Some("2026-11-01".into()),
            note: None,
        }
        .parse(Uuid::nil(), &request, None, TODAY)
        .unwrap_err();
        assert!(
            errors
                .get("date")
                .unwrap()
                .contains("before it was made (2 November 2026)")
        );
        let errors = MetInput {
            date: Some("2026-12-10".into()),
            note: None,
        }
        .parse(Uuid::nil(), &request, None, TODAY)
        .unwrap_err();
        assert!(errors.get("date").unwrap().contains("today or in the past"));
    }
}
