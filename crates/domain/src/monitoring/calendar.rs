//! Working days (SPEC R4): Monday to Friday except the bank holidays of the
//! organisation's part of the UK. The holidays are **data**, a TOML file
//! (`crates/domain/calendars/uk-bank-holidays.toml`, shipped as
//! [`BankHolidays::builtin`]); an installation can read an updated copy from
//! disk and hand its text to [`BankHolidays::parse`] without a release. A
//! date in a year the file does not cover is an error, never a guess.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use time::{Date, Duration, Weekday};

/// The shipped calendar file.
pub const BUILTIN_FILE: &str = include_str!("../../calendars/uk-bank-holidays.toml");

crate::plan_type::name_enum! {
    /// A part of the UK with its own bank holidays.
    pub enum Region ("region") {
        EnglandAndWales = "england_and_wales",
        Scotland = "scotland",
        NorthernIreland = "northern_ireland",
    }
}

/// Why a calendar file or a working-day count was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{source_name}: {message}")]
    Invalid { source_name: String, message: String },
    #[error("the bank holiday calendar covers {first}–{last}; {year} is not in it: load an updated calendar")]
    NotCovered { year: i32, first: i32, last: i32 },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    first_year: i32,
    last_year: i32,
    regions: Vec<RegionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    key: String,
    name: String,
    holidays: Vec<HolidayFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    date: String,
    title: String,
}

/// The bank holidays of each region over a range of whole years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHolidays {
    first_year: i32,
    last_year: i32,
    holidays: BTreeMap<Region, BTreeMap<Date, String>>,
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl BankHolidays {
    /// The shipped calendar.
    pub fn builtin() -> BankHolidays {
        BankHolidays::parse("uk-bank-holidays.toml", BUILTIN_FILE).expect("the shipped calendar is valid")
    }

    /// Reads and checks a calendar file: every region listed once, each
    /// holiday a real weekday date inside the years covered, no date twice.
    pub fn parse(source_name: &str, text: &str) -> Result<BankHolidays, CalendarError> {
        let invalid = |message: String| CalendarError::Invalid {
            source_name: source_name.to_owned(),
            message,
        };
        let file: File = toml::from_str(text).map_err(|e| invalid(format!("not a calendar file: {}", e.message())))?;
        if file.first_year > file.last_year {
            return Err(invalid("first_year is after last_year".into()));
        }
        let mut holidays = BTreeMap::new();
        for region in &file.regions {
            let key = Region::parse(&region.key)
                .ok_or_else(|| invalid(format!("unknown region \"{}\" ({})", region.key, region.name)))?;
            let mut dates = BTreeMap::new();
            for holiday in &region.holidays {
                let date = Date::parse(&holiday.date, &time::format_description::well_known::Iso8601::DATE)
                    .map_err(|_| invalid(format!("{}: \"{}\" is not a date", region.key, holiday.date)))?;
                if !(file.first_year..=file.last_year).contains(&date.year()) {
                    return Err(invalid(format!(
                        "{}: {} is outside {}–{}",
                        region.key, holiday.date, file.first_year, file.last_year
                    )));
                }
                if is_weekend(date) {
                    return Err(invalid(format!(
                        "{}: {} ({}) falls at a weekend; list the substitute day",
                        region.key, holiday.date, holiday.title
                    )));
                }
                if dates.insert(date, holiday.title.clone()).is_some() {
                    return Err(invalid(format!("{}: {} is listed twice", region.key, holiday.date)));
                }
            }
            if holidays.insert(key, dates).is_some() {
                return Err(invalid(format!("region \"{}\" is listed twice", region.key)));
            }
        }
        for region in Region::ALL {
            if !holidays.contains_key(region) {
                return Err(invalid(format!("region \"{region}\" is missing")));
            }
        }
        Ok(BankHolidays {
            first_year: file.first_year,
            last_year: file.last_year,
            holidays,
        })
    }

    /// The years covered, first and last.
    pub fn years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    fn covers(&self, date: Date) -> Result<(), CalendarError> {
        if (self.first_year..=self.last_year).contains(&date.year()) {
            Ok(())
        } else {
            Err(CalendarError::NotCovered {
                year: date.year(),
                first: self.first_year,
                last: self.last_year,
            })
        }
    }

    /// The bank holiday on this date in this region, if it is one.
    pub fn holiday(&self, region: Region, date: Date) -> Option<&str> {
        self.holidays.get(&region)?.get(&date).map(String::as_str)
    }

    /// Is this date a working day in this region?
    pub fn is_working_day(&self, region: Region, date: Date) -> Result<bool, CalendarError> {
        self.covers(date)?;
        Ok(!is_weekend(date) && self.holiday(region, date).is_none())
    }

    /// The date `n` working days after `from` (`from` itself not counted;
    /// with `n = 0`, `from` itself).
    pub fn add_working_days(&self, region: Region, from: Date, n: u32) -> Result<Date, CalendarError> {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date += Duration::days(1);
            if self.is_working_day(region, date)? {
                left -= 1;
            }
        }
        self.covers(date)?;
        Ok(date)
    }

    /// Working days after `from` up to and including `to` (0 when `to` is
    /// not after `from`).
    pub fn working_days_between(&self, region: Region, from: Date, to: Date) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut date = from;
        while date < to {
            date += Duration::days(1);
            if self.is_working_day(region, date)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The holidays of one region, in date order.
    pub fn list(&self, region: Region) -> BTreeSet<Date> {
        self.holidays
            .get(&region)
            .map(|d| d.keys().copied().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    #[test]
    fn the_shipped_calendar_covers_2025_to_2028_for_every_region() {
        let calendar = BankHolidays::builtin();
        assert_eq!(calendar.years(), (2025, 2028));
        for region in Region::ALL {
            for year in 2025..=2028 {
                let count = calendar.list(*region).iter().filter(|d| d.year() == year).count();
                let expected = match region {
                    Region::EnglandAndWales => 8,
                    Region::Scotland => 9,
                    Region::NorthernIreland => 10,
                };
                assert_eq!(count, expected, "{region} {year}");
            }
        }
        assert_eq!(
            calendar.holiday(Region::Scotland, date!(2026 - 11 - 30)),
            Some("St Andrew’s Day")
        );
        assert_eq!(calendar.holiday(Region::EnglandAndWales, date!(2026 - 11 - 30)), None);
        assert!(
            calendar
                .holiday(Region::NorthernIreland, date!(2027 - 07 - 12))
                .is_some()
        );
        assert!(
            calendar
                .holiday(Region::EnglandAndWales, date!(2026 - 04 - 06))
                .is_some()
        );
        assert!(calendar.holiday(Region::Scotland, date!(2026 - 04 - 06)).is_none());
    }

    #[test]
    fn working_days_skip_weekends_and_the_regions_holidays() {
        let calendar = BankHolidays::builtin();
        // Thursday 2 April 2026; Good Friday 3rd, Easter Monday 6th (not in Scotland).
        let from = date!(2026 - 04 - 02);
        assert_eq!(
            calendar.add_working_days(Region::EnglandAndWales, from, 1).unwrap(),
            date!(2026 - 04 - 07)
        );
        assert_eq!(
            calendar.add_working_days(Region::Scotland, from, 1).unwrap(),
            date!(2026 - 04 - 06)
        );
        assert_eq!(calendar.add_working_days(Region::Scotland, from, 0).unwrap(), from);
        // Christmas 2026: Friday 25th, Boxing Day substitute Monday 28th.
        assert_eq!(
            calendar
                .add_working_days(Region::NorthernIreland, date!(2026 - 12 - 24), 1)
                .unwrap(),
            date!(2026 - 12 - 29)
        );
        assert_eq!(
            calendar
                .working_days_between(Region::EnglandAndWales, date!(2026 - 12 - 24), date!(2027 - 01 - 04))
                .unwrap(),
            4 // 29, 30, 31 December and 4 January
        );
    }

    #[test]
    fn a_year_outside_the_calendar_is_an_error_not_a_guess() {
        let calendar = BankHolidays::builtin();
        assert_eq!(
            calendar.add_working_days(Region::Scotland, date!(2028 - 12 - 28), 5),
            Err(CalendarError::NotCovered {
                year: 2029,
                first: 2025,
                last: 2028
            })
        );
        assert!(
            calendar
                .is_working_day(Region::Scotland, date!(2024 - 06 - 03))
                .is_err()
        );
    }

    #[test]
    fn an_updated_file_is_loaded_and_bad_files_are_refused() {
        let regions = |extra: &str| {
            format!(
                "first_year = 2029\nlast_year = 2029\n\
                 [[regions]]\nkey = \"england_and_wales\"\nname = \"E\"\nholidays = [{{ date = \"2029-01-01\", title = \"New Year’s Day\" }}{extra}]\n\
                 [[regions]]\nkey = \"scotland\"\nname = \"S\"\nholidays = []\n\
                 [[regions]]\nkey = \"northern_ireland\"\nname = \"N\"\nholidays = []\n"
            )
        };
        let updated = BankHolidays::parse("2029.toml", &regions("")).unwrap();
        assert!(
            !updated
                .is_working_day(Region::EnglandAndWales, date!(2029 - 01 - 01))
                .unwrap()
        );
        assert!(updated.is_working_day(Region::Scotland, date!(2029 - 01 - 01)).unwrap());
        for (extra, message) in [
            (", { date = \"2029-01-01\", title = \"Again\" }", "twice"),
            (", { date = \"2029-01-06\", title = \"Saturday\" }", "weekend"),
            (", { date = \"2030-01-01\", title = \"Next year\" }", "outside"),
            (", { date = \"2029-02-30\", title = \"Nonsense\" }", "not a date"),
        ] {
            let error = BankHolidays::parse("bad.toml", &regions(extra))
                .unwrap_err()
                .to_string();
            assert!(error.contains(message), "{error}");
        }
        let missing = "first_year = 2029\nlast_year = 2029\nregions = []\n";
        assert!(
            BankHolidays::parse("bad.toml", missing)
                .unwrap_err()
                .to_string()
                .contains("missing")
        );
    }

    proptest! {
        #[test]
        fn adding_n_working_days_lands_on_a_working_day_n_working_days_on(
            offset in 0i64..1200, n in 0u32..60, region in 0usize..3
        ) {
            let calendar = BankHolidays::builtin();
            let region = Region::ALL[region];
            let from = date!(2025 - 01 - 01) + Duration::days(offset);
            let due = calendar.add_working_days(region, from, n).unwrap();
            prop_assert_eq!(calendar.working_days_between(region, from, due).unwrap(), n);
            if n > 0 {
                prop_assert!(calendar.is_working_day(region, due).unwrap());
            }
        }
    }
}
