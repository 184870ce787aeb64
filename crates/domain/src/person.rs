//! The person a plan is for (SPEC P1).

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::error::{FieldErrors, optional_date, optional_text, required_text};

/// The details of a person, as shown on every plan's first page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonDetails {
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// The name they like to be called ("I am known as").
    pub known_as: Option<String>,
    /// Date of birth (ISO 8601, `YYYY-MM-DD`).
    #[schema(value_type = Option<String>, format = Date, example = "2018-03-14")]
    pub date_of_birth: Option<Date>,
    /// School, nursery, college or housing scheme.
    pub setting: Option<String>,
    /// When and how they communicate best, and what help they need.
    pub communication: Option<String>,
    /// How information and choices should be presented to them.
    pub presenting_information: Option<String>,
}

impl PersonDetails {
    /// "Leo Martin (known as Leo)" style display name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    /// What to call them: the name they are known as, else their first name.
    pub fn preferred_name(&self) -> &str {
        self.known_as.as_deref().unwrap_or(&self.given_name)
    }

    /// Lower-cased text that a search matches against.
    pub fn search_text(&self) -> String {
        let mut text = format!("{} {}", self.given_name, self.family_name);
        if let Some(known_as) = &self.known_as {
            text.push(' ');
            text.push_str(known_as);
        }
        text.to_lowercase()
    }
}

/// Person details as typed into the form or sent to the API, before checks.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    /// First name.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100, example = "Leo")]
    pub given_name: Option<String>,
    /// Last name.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100, example = "Martin")]
    pub family_name: Option<String>,
    /// The name they like to be called.
    #[schema(max_length = 100)]
    pub known_as: Option<String>,
    /// `YYYY-MM-DD`, today or in the last 130 years.
    #[schema(value_type = Option<String>, format = Date, example = "2018-03-14")]
    pub date_of_birth: Option<String>,
    /// School, nursery, college or housing scheme.
    #[schema(max_length = 200)]
    pub setting: Option<String>,
    #[schema(max_length = 5000)]
    pub communication: Option<String>,
    #[schema(max_length = 5000)]
    pub presenting_information: Option<String>,
}

impl PersonInput {
    /// Checks every field against the rules, given today's date (the domain
    /// has no clock of its own).
    pub fn parse(&self, today: Date) -> Result<PersonDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let given_name = required_text(
            &mut errors,
            "given_name",
            self.given_name.as_deref(),
            100,
            "Enter a first name",
        );
        let family_name = required_text(
            &mut errors,
            "family_name",
            self.family_name.as_deref(),
            100,
            "Enter a last name",
        );
        let known_as = optional_text(&mut errors, "known_as", self.known_as.as_deref(), 100);
        let date_of_birth = optional_date(&mut errors, "date_of_birth", self.date_of_birth.as_deref());
        if let Some(dob) = date_of_birth {
            if dob > today {
                errors.add("date_of_birth", "Date of birth must be today or in the past");
            } else if today.year() - dob.year() > 130 {
                errors.add("date_of_birth", "Date of birth must be within the last 130 years");
            }
        }
        let setting = optional_text(&mut errors, "setting", self.setting.as_deref(), 200);
        let communication = optional_text(&mut errors, "communication", self.communication.as_deref(), 5000);
        let presenting_information = optional_text(
            &mut errors,
            "presenting_information",
            self.presenting_information.as_deref(),
            5000,
        );
        errors.into_result(PersonDetails {
            given_name,
            family_name,
            known_as,
            date_of_birth,
            setting,
            communication,
            presenting_information,
        })
    }

    pub fn from_details(details: &PersonDetails) -> PersonInput {
        PersonInput {
            given_name: Some(details.given_name.clone()),
            family_name: Some(details.family_name.clone()),
            known_as: details.known_as.clone(),
            date_of_birth: details.date_of_birth.map(|d| d.to_string()),
            setting: details.setting.clone(),
            communication: details.communication.clone(),
            presenting_information: details.presenting_information.clone(),
        }
    }
}

/// A person as stored: details plus identity and the version their record
/// has reached (every edit is kept in the person's history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    pub id: Uuid,
    #[serde(flatten)]
    pub details: PersonDetails,
    /// Number of changes made to this record; send it back as
    /// `base_version` when editing.
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn leo() -> PersonInput {
        PersonInput {
            given_name: Some(" Leo ".into()),
            family_name: Some("Martin".into()),
            known_as: Some("".into()),
            date_of_birth: Some("2018-03-14".into()),
            ..Default::default()
        }
    }

    #[test]
    fn trims_and_accepts_a_valid_person() {
        let details = leo().parse(date!(2026 - 11 - 22)).unwrap();
        assert_eq!(details.given_name, "Leo");
        assert_eq!(details.known_as, None);
        assert_eq!(details.date_of_birth, Some(date!(2018 - 03 - 14)));
        assert_eq!(details.preferred_name(), "Leo");
    }

    #[test]
    fn names_each_bad_field() {
        let input = PersonInput {
            given_name: Some("   ".into()),
            date_of_birth: Some("14/03/2018".into()),
            ..Default::default()
        };
        let errors = input.parse(date!(2026 - 11 - 22)).unwrap_err();
        assert!(errors.get("given_name").is_some());
        assert!(errors.get("family_name").is_some());
        assert!(errors.get("date_of_birth").unwrap().contains("YYYY-MM-DD"));
    }

    #[test]
    fn refuses_a_birth_date_in_the_future() {
        let mut input = leo();
        input.date_of_birth = Some("2030-01-01".into());
        let errors = input.parse(date!(2026 - 11 - 22)).unwrap_err();
        assert!(errors.get("date_of_birth").unwrap().contains("past"));
    }
}
