//! Teams: groups of users a plan or a person can be shared with. Sharing
//! through a team lets its members read; only access of their own (the
//! plan's creator, a party with an account, an administrator) lets them
//! change anything.

use crate::error::{FieldErrors, required_text};

/// The most characters in a team's name.
pub const MAX_TEAM_NAME_CHARS: usize = 100;

/// A team's name as typed, trimmed and checked.
pub fn parse_team_name(value: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = required_text(
        &mut errors,
        "name",
        Some(value),
        MAX_TEAM_NAME_CHARS,
        "Enter the team's name",
    );
    if name.contains(['\n', '\r', '\t']) {
        errors.add("name", "A team's name must be on one line");
    }
    if errors.is_empty() { Ok(name) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_names_are_trimmed_and_checked() {
        assert_eq!(parse_team_name("  Early help team ").unwrap(), "Early help team");
        for bad in ["", "   ", "a\nb", "x\u{0}y"] {
            let errors = parse_team_name(bad).unwrap_err();
            assert_eq!(errors.0[0].field, "name", "{bad:?}");
        }
        assert!(parse_team_name(&"x".repeat(MAX_TEAM_NAME_CHARS + 1)).is_err());
    }
}
