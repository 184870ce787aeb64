//! Settings, from command-line flags or environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

/// Where the database is. The URL may carry a password, so it is kept as a
/// secret and never printed whole.
#[derive(Clone)]
pub struct DatabaseUrl(SecretString);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        DatabaseUrl(SecretString::from(url.into()))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let url = self.expose();
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let credentials = &url[scheme_end + 3..at];
                match credentials.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                    None => url.to_owned(),
                }
            }
            _ => url.to_owned(),
        }
    }

    /// The default: a SQLite file in `./goldthread-data/`.
    pub fn default_sqlite() -> Self {
        DatabaseUrl::new("sqlite://goldthread-data/goldthread.db")
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseUrl,
    pub addr: SocketAddr,
    /// The address people use to reach Goldthread. When it is `https://…`
    /// cookies are marked Secure and HSTS is sent.
    pub public_url: Option<String>,
    /// An organisation's own plan types (`*.toml`), added to the built-in ones.
    pub plan_types_dir: Option<PathBuf>,
    /// Single sign-on through the organisation's OpenID Connect provider.
    pub oidc: Option<OidcConfig>,
}

/// An OpenID Connect provider people may sign in through, and the rule
/// that turns its users into Goldthread users.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer URL; its discovery document is at
    /// `/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Signing in with a verified e-mail that has no account makes one with
    /// this role; `None` signs in only existing users.
    pub provision_role: Option<goldthread_domain::user::Role>,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("provision_role", &self.provision_role)
            .finish()
    }
}

impl Config {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_password_is_never_shown() {
        let url = DatabaseUrl::new("postgres://goldthread:s3cret@db.internal:5432/goldthread");
        assert_eq!(url.redacted(), "postgres://goldthread:***@db.internal:5432/goldthread");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(DatabaseUrl::new("sqlite://x.db").redacted(), "sqlite://x.db");
    }
}
