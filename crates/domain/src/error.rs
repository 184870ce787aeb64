//! Validation errors that name the field, so forms can show a message beside
//! it and the API can return them in a problem-details body.

use serde::Serialize;

/// One problem with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name as the form and the API call it, e.g. `given_name`.
    pub field: String,
    /// A sentence a person can act on, e.g. "Enter a first name".
    pub message: String,
    /// The input is well formed, but what is stored refuses it (a second
    /// active plan of a type, a status the lifecycle does not allow from
    /// here, a party no longer in the plan): the API answers 409 Conflict
    /// rather than 422 when every problem is of this kind.
    #[serde(skip)]
    #[schema(ignore)]
    pub conflict: bool,
}

/// All the problems found with one input, in the order of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", self.summary())]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
            conflict: false,
        });
    }

    /// Adds a problem that depends on what is stored, not on the input by
    /// itself (see [`FieldError::conflict`]).
    pub fn add_conflict(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
            conflict: true,
        });
    }

    /// One problem that depends on what is stored.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add_conflict(field, message);
        errors
    }

    /// Marks every problem as depending on what is stored.
    pub fn as_conflict(mut self) -> Self {
        for error in &mut self.0 {
            error.conflict = true;
        }
        self
    }

    /// Is every problem one of what is stored (so the input by itself was
    /// fine)?
    pub fn is_conflict(&self) -> bool {
        !self.is_empty() && self.0.iter().all(|e| e.conflict)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for one field, if it has one (the first).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// `Ok(value)` when no problem was found.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

/// Does the text hold invisible control characters (other than line
/// breaks and tabs)? They are never meant, and PostgreSQL cannot store NUL.
pub fn has_control_characters(value: &str) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The message for text with control characters.
pub const CONTROL_CHARACTERS: &str = "Remove the invisible control characters from this text";

/// Trims a text field and checks it; empty becomes `None`. The length and
/// the control characters are checked on the text as sent, before trimming,
/// so the rule is exactly what the API document says (`maxLength`,
/// `pattern`).
pub fn optional_text(errors: &mut FieldErrors, field: &str, value: Option<&str>, max_chars: usize) -> Option<String> {
    let value = value.unwrap_or("");
    if has_control_characters(value) {
        errors.add(field, CONTROL_CHARACTERS);
    } else if value.chars().count() > max_chars {
        errors.add(field, format!("Must be {max_chars} characters or fewer"));
    }
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(trimmed.to_owned())
}

/// Trims a text field that must be given.
pub fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    max_chars: usize,
    missing: &str,
) -> String {
    match optional_text(errors, field, value, max_chars) {
        Some(text) => text,
        None => {
            errors.add(field, missing);
            String::new()
        }
    }
}

/// Parses an ISO date (`2026-11-22`) typed into a form or sent to the API.
pub fn optional_date(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<time::Date> {
    let trimmed = value.map(str::trim).unwrap_or("");
    if trimmed.is_empty() {
        return None;
    }
    match time::Date::parse(trimmed, &time::format_description::well_known::Iso8601::DATE) {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(
                field,
                "Enter a real date in the form YYYY-MM-DD, for example 2026-09-01",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_but_line_breaks_are_fine() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            optional_text(&mut errors, "note", Some("Line one\nLine\ttwo"), 100).as_deref(),
            Some("Line one\nLine\ttwo")
        );
        assert!(errors.is_empty());
        optional_text(&mut errors, "name", Some("Le\u{0}o"), 100);
        assert_eq!(errors.get("name"), Some(CONTROL_CHARACTERS));
    }

    #[test]
    fn length_and_control_characters_count_before_trimming() {
        // As the API document says: maxLength and the pattern apply to
        // the text as sent.
        let mut errors = FieldErrors::new();
        optional_text(&mut errors, "name", Some(" abcde "), 5);
        assert!(errors.get("name").unwrap().contains("5 characters"));
        let mut errors = FieldErrors::new();
        optional_text(&mut errors, "name", Some("abc\u{85}"), 100);
        assert_eq!(errors.get("name"), Some(CONTROL_CHARACTERS));
        let mut errors = FieldErrors::new();
        assert_eq!(
            optional_text(&mut errors, "name", Some(" abcde"), 6).as_deref(),
            Some("abcde")
        );
        assert!(errors.is_empty());
    }
}
