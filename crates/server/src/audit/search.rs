//! Searching the audit per person, per user, per plan and per day: the one
//! reading of the search's fields that the page and the API share.

use goldthread_domain::error::FieldErrors;
use time::Date;
use uuid::Uuid;

use crate::store::AuditFilter;

/// What was typed or sent; each part optional.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Terms {
    pub person: Option<String>,
    pub user: Option<String>,
    pub plan: Option<String>,
    /// `YYYY-MM-DD`, a day in the organisation's time zone.
    pub day: Option<String>,
}

impl Terms {
    /// The filter the terms mean, or each bad field named.
    pub fn filter(&self, limit: i64, offset: i64) -> Result<AuditFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut id = |field: &str, value: &Option<String>, what: &str| {
            let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            match Uuid::parse_str(value) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add(
                        field,
                        format!("Enter the {what}'s id, for example 8f1c2a9e-4b7d-4c1e-9a53-2d6f0b7e1c44"),
                    );
                    None
                }
            }
        };
        let person = id("person", &self.person, "person");
        let user = id("user", &self.user, "user");
        let plan = id("plan", &self.plan, "plan");
        let day = match self.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(text) => match parse_day(text) {
                Some(date) => Some(day_bounds(date)),
                None => {
                    errors.add(
                        "day",
                        "Enter a real date in the form YYYY-MM-DD, for example 2027-03-12",
                    );
                    None
                }
            },
        };
        errors.into_result(AuditFilter {
            person,
            user,
            plan,
            day,
            limit,
            offset,
        })
    }

    /// The terms as a query string (for the next and previous pages).
    pub fn query(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("person", &self.person),
            ("user", &self.user),
            ("plan", &self.plan),
            ("day", &self.day),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// `YYYY-MM-DD` exactly.
pub fn parse_day(text: &str) -> Option<Date> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let format = time::macros::format_description!("[year]-[month]-[day]");
    shape.then(|| Date::parse(text, format).ok()).flatten()
}

/// The day's first millisecond and the next day's, in the organisation's
/// time zone (a day may be 23 or 25 hours long).
pub fn day_bounds(date: Date) -> (i64, i64) {
    let start = |d: Date| -> i64 {
        jiff::civil::Date::new(d.year() as i16, u8::from(d.month()) as i8, d.day() as i8)
            .ok()
            .and_then(|c| c.to_zoned_datetime(crate::local_time::zone()).ok())
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(0)
    };
    let next = date.next_day().unwrap_or(date);
    (start(date), start(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_terms_are_named() {
        let terms = Terms {
            person: Some("nobody".into()),
            day: Some("2027-02-30".into()),
            ..Terms::default()
        };
        let errors = terms.filter(50, 0).unwrap_err();
        assert!(errors.get("person").is_some());
        assert!(errors.get("day").is_some());
        assert!(errors.get("plan").is_none());
    }

    #[test]
    fn a_day_is_the_organisations_day() {
        let (from, until) = day_bounds(time::macros::date!(2027 - 03 - 28));
        // The clocks go forward in London that day: 23 hours.
        assert_eq!(until - from, 23 * 3600 * 1000);
    }
}
