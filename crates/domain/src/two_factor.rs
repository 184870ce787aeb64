//! Who must use two-factor sign-in: an organisation-wide setting chosen by
//! an administrator (ASVS V6.3.3: multi-factor for everyone, or at least
//! for administrators).

use serde::{Deserialize, Serialize};

use crate::user::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TwoFactorPolicy {
    /// Each user chooses.
    #[default]
    Optional,
    /// Administrators must use it.
    Admins,
    /// Every member of staff must use it.
    Everyone,
}

impl TwoFactorPolicy {
    pub const ALL: [TwoFactorPolicy; 3] = [
        TwoFactorPolicy::Optional,
        TwoFactorPolicy::Admins,
        TwoFactorPolicy::Everyone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TwoFactorPolicy::Optional => "optional",
            TwoFactorPolicy::Admins => "admins",
            TwoFactorPolicy::Everyone => "everyone",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TwoFactorPolicy::Optional => "Each person chooses",
            TwoFactorPolicy::Admins => "Required for administrators",
            TwoFactorPolicy::Everyone => "Required for everyone",
        }
    }

    pub fn parse(value: &str) -> Option<TwoFactorPolicy> {
        Self::ALL.into_iter().find(|p| p.as_str() == value.trim())
    }

    /// Must a user with this role use two-factor sign-in?
    pub fn requires(self, role: Role) -> bool {
        match self {
            TwoFactorPolicy::Optional => false,
            TwoFactorPolicy::Admins => role.is_admin(),
            TwoFactorPolicy::Everyone => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_decides_by_role() {
        assert!(!TwoFactorPolicy::Optional.requires(Role::Admin));
        assert!(TwoFactorPolicy::Admins.requires(Role::Admin));
        assert!(!TwoFactorPolicy::Admins.requires(Role::Practitioner));
        assert!(TwoFactorPolicy::Everyone.requires(Role::Viewer));
        assert_eq!(TwoFactorPolicy::parse("admins"), Some(TwoFactorPolicy::Admins));
        assert_eq!(TwoFactorPolicy::parse("boss"), None);
    }
}
