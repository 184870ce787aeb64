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
        let value = value.trim().to_lowercase();
        if value.is_empty() {
            return Err("Enter an email address".into());
        }
        if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
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

/// The most common passwords long enough to pass the length rule, bundled
/// with Goldthread (ASVS 5.0 V6.2.4).
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// The least zxcvbn strength score accepted (0–4): 3 means "safely
/// unguessable" against an online attack and slows an offline one.
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// Checks a new password: long enough, not one of the most common ones,
/// and not easy to guess by a strength estimator (zxcvbn) that knows
/// dictionaries, keyboard patterns, dates and repeats (ASVS 5.0 V6.2.1,
/// V6.2.4, V6.2.11). No composition rules: length beats complexity.
pub fn check_password(errors: &mut FieldErrors, field: &str, password: &str) {
    check_password_for(errors, field, password, &[]);
}

/// As [`check_password`], also refusing passwords built from what the
/// user is known by (`user_inputs`: email, name).
pub fn check_password_for(errors: &mut FieldErrors, field: &str, password: &str, user_inputs: &[&str]) {
    let count = password.chars().count();
    if count < MIN_PASSWORD_CHARS {
        errors.add(
            field,
            format!("Password must be {MIN_PASSWORD_CHARS} characters or more"),
        );
        return;
    } else if count > 1000 {
        errors.add(field, "Password must be 1000 characters or fewer");
        return;
    }
    let lower = password.to_lowercase();
    let common = COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lower);
    if common {
        errors.add(
            field,
            "This is one of the most common passwords, so it is easy to guess. Choose another: \
             three or four random words together make a strong password you can remember",
        );
        return;
    }
    let mut inputs: Vec<&str> = user_inputs.to_vec();
    inputs.extend(
        user_inputs
            .iter()
            .flat_map(|i| i.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| w.len() >= 3),
    );
    if let Some((local, _)) = user_inputs.iter().find_map(|i| i.split_once('@')) {
        inputs.push(local);
    }
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) < MIN_PASSWORD_SCORE {
        let mut message = String::from("This password is too easy to guess");
        if let Some(warning) = estimate.feedback().and_then(|f| f.warning()) {
            message.push_str(&format!(
                " ({})",
                warning.to_string().trim_end_matches('.').to_lowercase()
            ));
        }
        message.push_str(
            ". Choose a longer one: three or four random words together make a strong password you can remember",
        );
        errors.add(field, message);
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
        let inputs: Vec<&str> = [name.as_str(), email.as_ref().map_or("", |e: &Email| e.as_str())].to_vec();
        check_password_for(&mut errors, "password", password, &inputs);
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

    /// ASVS 5.0 V6.2.4 and V6.2.11: common and easily guessed passwords
    /// are refused with a helpful message; strong ones pass.
    #[test]
    fn weak_passwords_are_refused_asvs_6_2_4() {
        for weak in [
            "1234567890",
            "password12",
            "Password123",
            "qwertyuiop",
            "aaaaaaaaaaaa",
            "abcdefghijkl",
            "1q2w3e4r5t",
            "iloveyou12",
            "priya.shah2024",
        ] {
            let mut errors = FieldErrors::new();
            check_password_for(&mut errors, "password", weak, &["priya.shah@example.org", "Priya Shah"]);
            assert!(!errors.is_empty(), "{weak:?} should be refused");
            assert!(errors.0[0].message.contains("guess"), "{}", errors.0[0].message);
        }
        for strong in [
            "correct horse battery staple",
            "goldthread-demo",
            "plum kettle orbit lantern",
            "a long password",
            "long enough password",
        ] {
            let mut errors = FieldErrors::new();
            check_password(&mut errors, "password", strong);
            assert!(errors.is_empty(), "{strong:?}: {errors:?}");
        }
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
