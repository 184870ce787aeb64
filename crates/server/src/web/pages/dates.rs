//! The GOV.UK date input: a date typed in three boxes (day, month, year),
//! read into the ISO date the domain parses, with the pattern's own error
//! messages ("Date of birth must include a month"). A single ISO box (as
//! older forms and scripts send it) is still read.

/// A date field as a form sends it: the three boxes, and the single box.
#[derive(Default, Clone)]
pub struct DateBoxes {
    pub day: String,
    pub month: String,
    pub year: String,
    /// The single ISO box, when the three boxes were not sent.
    pub single: Option<String>,
}

fn trimmed(value: &Option<String>) -> String {
    value.as_deref().unwrap_or("").trim().to_owned()
}

impl DateBoxes {
    pub fn typed(
        day: &Option<String>,
        month: &Option<String>,
        year: &Option<String>,
        single: &Option<String>,
    ) -> DateBoxes {
        DateBoxes {
            day: trimmed(day),
            month: trimmed(month),
            year: trimmed(year),
            single: single.clone(),
        }
    }

    /// The boxes showing a stored date.
    pub fn of(date: Option<time::Date>) -> DateBoxes {
        match date {
            Some(d) => DateBoxes {
                day: d.day().to_string(),
                month: u8::from(d.month()).to_string(),
                year: d.year().to_string(),
                single: None,
            },
            None => DateBoxes::default(),
        }
    }

    /// What the domain reads: nothing, an ISO date, or (from the single
    /// box) what was typed; or the date input's message for `label`.
    pub fn read(&self, label: &str) -> Result<Option<String>, String> {
        let parts = [("day", &self.day), ("month", &self.month), ("year", &self.year)];
        if parts.iter().all(|(_, p)| p.is_empty()) {
            return Ok(self.single.clone().filter(|s| !s.trim().is_empty()));
        }
        let missing: Vec<&str> = parts.iter().filter(|(_, p)| p.is_empty()).map(|(n, _)| *n).collect();
        if !missing.is_empty() {
            return Err(format!("{label} must include a {}", missing.join(" and a ")));
        }
        let digits = |p: &str, max: usize| p.len() <= max && p.chars().all(|c| c.is_ascii_digit());
        let real = format!("{label} must be a real date, for example 27 3 2007");
        if !(digits(&self.day, 2) && digits(&self.month, 2) && self.year.len() == 4 && digits(&self.year, 4)) {
            return Err(real);
        }
        let iso = format!("{}-{:0>2}-{:0>2}", self.year, self.month, self.day);
        match time::Date::parse(&iso, &time::format_description::well_known::Iso8601::DATE) {
            Ok(_) => Ok(Some(iso)),
            Err(_) => Err(real),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes(day: &str, month: &str, year: &str) -> DateBoxes {
        DateBoxes {
            day: day.into(),
            month: month.into(),
            year: year.into(),
            single: None,
        }
    }

    #[test]
    fn reads_three_boxes_with_the_patterns_messages() {
        assert_eq!(
            boxes("14", "3", "2018").read("Date of birth"),
            Ok(Some("2018-03-14".into()))
        );
        assert_eq!(boxes("", "", "").read("Date of birth"), Ok(None));
        assert_eq!(
            boxes("14", "", "2018").read("Date of birth"),
            Err("Date of birth must include a month".into())
        );
        assert_eq!(
            boxes("14", "", "").read("Date of birth"),
            Err("Date of birth must include a month and a year".into())
        );
        assert!(
            boxes("31", "2", "2018")
                .read("Date of birth")
                .unwrap_err()
                .contains("real date")
        );
        assert!(
            boxes("1", "2", "18")
                .read("Date of birth")
                .unwrap_err()
                .contains("real date")
        );
        let single = DateBoxes {
            single: Some("2018-03-14".into()),
            ..DateBoxes::default()
        };
        assert_eq!(single.read("Date of birth"), Ok(Some("2018-03-14".into())));
    }
}
