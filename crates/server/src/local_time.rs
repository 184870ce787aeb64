//! The organisation's time zone: dates and times are shown to people in it
//! (default Europe/London, so "00:30 BST" in summer and "23:30 GMT" in
//! winter), while the API's machine fields stay RFC 3339 in UTC.
//!
//! The zone is one setting for the whole organisation, chosen once at
//! start-up (`--time-zone` / `GOLDTHREAD_TIME_ZONE`), so it is held for the
//! process rather than threaded through every call. Storage and the web
//! both use it; neither depends on the other for it.

use std::sync::{LazyLock, RwLock};

use jiff::tz::TimeZone;
use time::{Date, Month, OffsetDateTime};

/// The zone used when none is configured.
pub const DEFAULT_ZONE: &str = "Europe/London";

static ZONE: LazyLock<RwLock<TimeZone>> =
    LazyLock::new(|| RwLock::new(zone_named(DEFAULT_ZONE).expect("the bundled time zone database has Europe/London")));

/// The zone of an IANA name such as `Europe/London`, from the time zone
/// database built into Goldthread (no system files needed).
pub fn zone_named(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name.trim())
        .map_err(|_| format!("There is no time zone called \"{name}\"; use an IANA name such as Europe/London"))
}

/// Makes `zone` the organisation's time zone.
pub fn set_zone(zone: TimeZone) {
    *ZONE.write().unwrap_or_else(|e| e.into_inner()) = zone;
}

/// The organisation's time zone.
pub fn zone() -> TimeZone {
    ZONE.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn civil(at: OffsetDateTime, zone: &TimeZone) -> jiff::ZonedDateTime {
    jiff::Timestamp::from_nanosecond(at.unix_timestamp_nanos())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(zone.clone())
}

fn date_of(zoned: &jiff::ZonedDateTime) -> Date {
    Month::try_from(zoned.month() as u8)
        .ok()
        .and_then(|month| Date::from_calendar_date(i32::from(zoned.year()), month, zoned.day() as u8).ok())
        .unwrap_or(Date::MIN)
}

/// The calendar date at `at` in `zone`.
pub fn date_in(at: OffsetDateTime, zone: &TimeZone) -> Date {
    date_of(&civil(at, zone))
}

/// "22 November 2026 at 10:02 GMT": `at` as people in `zone` read it.
pub fn date_time_in(at: OffsetDateTime, zone: &TimeZone) -> String {
    let zoned = civil(at, zone);
    format!(
        "{} at {}",
        goldthread_domain::plan::format_date(date_of(&zoned)),
        zoned.strftime("%H:%M %Z")
    )
}

/// `at` in the organisation's time zone.
pub fn date_time(at: OffsetDateTime) -> String {
    date_time_in(at, &zone())
}

/// Today's date in the organisation's time zone.
pub fn today() -> Date {
    date_in(crate::store::now(), &zone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn london_time_across_the_daylight_saving_change() {
        let london = zone_named("Europe/London").unwrap();
        // Summer (BST, UTC+1): 23:30 UTC is already the next day.
        assert_eq!(
            date_time_in(datetime!(2026-07-14 23:30 UTC), &london),
            "15 July 2026 at 00:30 BST"
        );
        assert_eq!(date_in(datetime!(2026-07-14 23:30 UTC), &london), date!(2026 - 07 - 15));
        // Winter (GMT): the same clock time stays on the same day.
        assert_eq!(
            date_time_in(datetime!(2026-11-22 23:30 UTC), &london),
            "22 November 2026 at 23:30 GMT"
        );
        // Either side of the clocks going back (01:00 UTC, 25 October 2026).
        assert_eq!(
            date_time_in(datetime!(2026-10-25 00:59 UTC), &london),
            "25 October 2026 at 01:59 BST"
        );
        assert_eq!(
            date_time_in(datetime!(2026-10-25 01:00 UTC), &london),
            "25 October 2026 at 01:00 GMT"
        );
    }

    #[test]
    fn other_zones_and_bad_names() {
        let new_york = zone_named("America/New_York").unwrap();
        assert_eq!(
            date_time_in(datetime!(2026-07-15 02:30 UTC), &new_york),
            "14 July 2026 at 22:30 EDT"
        );
        let error = zone_named("Mars/Olympus_Mons").unwrap_err();
        assert!(error.contains("Mars/Olympus_Mons"), "{error}");
    }
}
