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
    /// Session lifetimes and which proxies to believe.
    pub security: Security,
    /// A fixed "today" for due and overdue dates (tests and demonstrations);
    /// `None` is the organisation's real date ([`Config::today`]).
    pub today: Option<time::Date>,
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

/// Sign-in and session settings (ASVS 5.0 V7.3).
#[derive(Debug, Clone)]
pub struct Security {
    /// A session unused this long ends.
    pub idle_timeout: time::Duration,
    /// A session ends this long after sign-in, however much it is used.
    pub absolute_timeout: time::Duration,
    /// Proxies whose `X-Forwarded-For` tells the client's address (for
    /// sign-in throttling). None by default: the peer's address is used.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            idle_timeout: time::Duration::minutes(30),
            absolute_timeout: time::Duration::hours(8),
            trusted_proxies: Vec::new(),
        }
    }
}

impl Config {
    /// Today for due and overdue dates: the fixed date when one is set,
    /// else the organisation's date now.
    pub fn today(&self) -> time::Date {
        self.today.unwrap_or_else(crate::local_time::today)
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    /// A warning to print when the server can be reached from other
    /// machines but cookies cannot be marked Secure (no https public URL).
    pub fn insecure_warning(&self) -> Option<String> {
        if self.addr.ip().is_loopback() || self.secure_cookies() {
            return None;
        }
        Some(format!(
            "WARNING: Goldthread is listening on {} (reachable from other machines) without an https \
             public URL: passwords and session cookies can be read on the network, cookies are not \
             marked Secure and no HSTS is sent. Put it behind HTTPS and start it with \
             --public-url https://your.host.name, or listen on 127.0.0.1 only.",
            self.addr
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ASVS 5.0 V12.2.1: serving beyond loopback without HTTPS is flagged.
    #[test]
    fn serving_beyond_loopback_without_https_warns_asvs_12_2_1() {
        let config = |addr: &str, public_url: Option<&str>| Config {
            database: DatabaseUrl::default_sqlite(),
            addr: addr.parse().unwrap(),
            public_url: public_url.map(str::to_owned),
            plan_types_dir: None,
            oidc: None,
            security: Security::default(),
            today: None,
        };
        assert!(config("127.0.0.1:8080", None).insecure_warning().is_none());
        assert!(config("[::1]:8080", None).insecure_warning().is_none());
        let warning = config("0.0.0.0:8080", None).insecure_warning().unwrap();
        assert!(warning.contains("without an https public URL"), "{warning}");
        assert!(
            config("0.0.0.0:8080", Some("http://gt.example.org"))
                .insecure_warning()
                .is_some()
        );
        assert!(
            config("0.0.0.0:8080", Some("https://gt.example.org"))
                .insecure_warning()
                .is_none()
        );
    }

    #[test]
    fn database_password_is_never_shown() {
        let url = DatabaseUrl::new("postgres://goldthread:s3cret@db.internal:5432/goldthread");
        assert_eq!(url.redacted(), "postgres://goldthread:***@db.internal:5432/goldthread");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(DatabaseUrl::new("sqlite://x.db").redacted(), "sqlite://x.db");
    }
}
