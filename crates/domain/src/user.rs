//! Users of Goldthread and what their role lets them do (SPEC S1).

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;

/// What a user may do across the whole organisation. Access to individual
/// plans is granted separately; see `crate::access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and sees every plan.
    Admin,
    /// Creates people and plans; sees the plans they have been granted.
    Practitioner,
    /// Reads the plans they have been granted; changes nothing.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Practitioner, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Practitioner => "practitioner",
            Role::Viewer => "viewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Practitioner => "Practitioner",
            Role::Viewer => "Read-only",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value.trim().to_ascii_lowercase().as_str() {
            "admin" | "administrator" => Some(Role::Admin),
            "practitioner" => Some(Role::Practitioner),
            "viewer" | "read-only" | "readonly" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// May this role change people and plans (where it has access)?
    pub fn can_write(self) -> bool {
        matches!(self, Role::Admin | Role::Practitioner)
    }
}

/// An e-mail address, trimmed and lower-cased so that sign-in is not
/// case-sensitive. The check is deliberately loose: one `@` with text on
/// both sides and a dot in the domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Email, String> {
        // At most 254 characters as typed (what the API document's
        // `maxLength` says), before trimming and lower-casing.
        let too_long = value.chars().count() > 254;
        let value = value.trim().to_lowercase();
        if value.is_empty() {
            return Err("Enter an email address".into());
        }
        if too_long || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("Enter an email address in the correct format, like name@example.org".into());
        }
        match value.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@') =>
            {
                Ok(Email(value))
            }
            _ => Err("Enter an email address in the correct format, like name@example.org".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The fewest characters we accept in a password. Length beats complexity
/// rules (NCSC guidance); we do not force symbols.
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn check_password(errors: &mut FieldErrors, field: &str, password: &str) {
    let count = password.chars().count();
    if count < MIN_PASSWORD_CHARS {
        errors.add(
            field,
            format!("Password must be {MIN_PASSWORD_CHARS} characters or more"),
        );
    } else if count > 1000 {
        errors.add(field, "Password must be 1000 characters or fewer");
    }
}

/// A new user as typed into the form or sent to the API, checked.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
}

impl NewUser {
    pub fn parse(email: &str, name: &str, role: &str, password: &str) -> Result<NewUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = match Email::parse(email) {
            Ok(email) => Some(email),
            Err(message) => {
                errors.add("email", message);
                None
            }
        };
        let name = crate::error::required_text(&mut errors, "name", Some(name), 200, "Enter the user's full name");
        let role = Role::parse(role);
        if role.is_none() {
            errors.add("role", "Choose a role: administrator, practitioner or read-only");
        }
        check_password(&mut errors, "password", password);
        match (email, role) {
            (Some(email), Some(role)) if errors.is_empty() => Ok(NewUser { email, name, role }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Priya.Shah@Example.ORG ").unwrap().as_str(),
            "priya.shah@example.org"
        );
        for bad in [
            "",
            "priya",
            "priya@",
            "@example.org",
            "priya@example",
            "pri ya@example.org",
            "a@b@c.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn roles_parse_from_cli_words() {
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("Practitioner"), Some(Role::Practitioner));
        assert_eq!(Role::parse("viewer"), Some(Role::Viewer));
        assert_eq!(Role::parse("boss"), None);
        assert!(!Role::Viewer.can_write());
    }

    #[test]
    fn new_user_reports_every_problem() {
        let errors = NewUser::parse("nope", "", "boss", "short").unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "name", "role", "password"]);
    }
}

/// Who is acting: the signed-in user or the owner of an API token. Every
/// read and write of personal data is made on behalf of an actor, and
/// storage applies the access rules for that actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: uuid::Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }

    pub fn can_write(&self) -> bool {
        self.role.can_write()
    }
}
