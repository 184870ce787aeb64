//! How dates and times are shown to people (GOV.UK style: "14 March 2018").

use time::{Date, OffsetDateTime};

pub fn date(date: Date) -> String {
    goldthread_domain::plan::format_date(date)
}

pub fn opt_date(value: Option<Date>) -> String {
    value.map(date).unwrap_or_default()
}

/// For templates, which pass references.
pub fn when(at: &OffsetDateTime) -> String {
    date_time(*at)
}

/// "22 November 2026 at 10:02 GMT", in the organisation's time zone.
pub fn date_time(at: OffsetDateTime) -> String {
    crate::local_time::date_time(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn formats_like_gov_uk() {
        assert_eq!(date(date!(2018 - 03 - 14)), "14 March 2018");
        assert_eq!(
            crate::local_time::date_time_in(
                datetime!(2026-11-22 09:05 UTC),
                &crate::local_time::zone_named("UTC").unwrap()
            ),
            "22 November 2026 at 09:05 UTC"
        );
    }
}
