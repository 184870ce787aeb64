//! `spawn_app()` and friends: start the application exactly as production
//! does, against a fresh database of either kind.

use std::sync::atomic::{AtomicUsize, Ordering};

use goldthread::config::{Config, DatabaseUrl};
use goldthread::startup::Application;
use goldthread::store::{Store, User};
use goldthread_domain::user::NewUser;
use serde_json::{Value, json};
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `NAME::sqlite` and `NAME::postgres` tests from
/// `async fn NAME(backend: Backend)`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

/// The PostgreSQL server tests create their databases on.
fn postgres_admin_url() -> String {
    std::env::var("GOLDTHREAD_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty database: a temporary SQLite file, or a new PostgreSQL
/// database. Returns its URL and what keeps it alive.
pub async fn fresh_database(backend: Backend) -> (String, Option<TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary folder");
            let url = format!("sqlite://{}/goldthread.db", dir.path().display());
            (url, Some(dir))
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = postgres_admin_url();
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL must be running for the tests ({admin}): {e}"));
            let name = format!(
                "gt_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                uuid::Uuid::new_v4().simple().to_string().get(..8).unwrap()
            );
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            (format!("{base}/{name}"), None)
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub database_url: String,
    pub backend: Backend,
    _dir: Option<TempDir>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let (database_url, dir) = fresh_database(backend).await;
    spawn_on(backend, database_url, dir).await
}

/// Starts the application on a database that already exists.
pub async fn spawn_on_url(backend: Backend, database_url: String) -> TestApp {
    spawn_on(backend, database_url, None).await
}

/// Starts another instance on the same database (several stateless
/// instances behind a load balancer).
pub async fn spawn_instance(other: &TestApp) -> TestApp {
    spawn_on(other.backend, other.database_url.clone(), None).await
}

/// Another instance on the same database with some settings changed.
pub async fn spawn_instance_with(other: &TestApp, configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_configured(other.backend, other.database_url.clone(), None, configure).await
}

async fn spawn_on(backend: Backend, database_url: String, dir: Option<TempDir>) -> TestApp {
    spawn_configured(backend, database_url, dir, |_| {}).await
}

/// Starts the application on a fresh database with some settings changed.
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
    let (database_url, dir) = fresh_database(backend).await;
    spawn_configured(backend, database_url, dir, configure).await
}

/// Starts the application with single sign-on through `oidc`.
pub async fn spawn_with_oidc(backend: Backend, oidc: goldthread::config::OidcConfig) -> TestApp {
    spawn_app_with(backend, |config| config.oidc = Some(oidc)).await
}

/// Every server the tests start logs, at debug level, into
/// `test-artifacts/server.log`; `scripts/test` then scans the whole run's
/// log for passwords, tokens and plan content (none may appear).
fn capture_log() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let dir = crate::browser::artifacts_dir();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("server.log"))
            .expect("the test log opens");
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "info,goldthread=debug,tower_http=debug,tower_sessions=debug,sqlx=info",
            ))
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .try_init();
    });
}

async fn spawn_configured(
    backend: Backend,
    database_url: String,
    dir: Option<TempDir>,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    let mut config = Config {
        database: DatabaseUrl::new(database_url.clone()),
        addr: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        plan_types_dir: None,
        oidc: None,
        security: Default::default(),
        today: None,
    };
    configure(&mut config);
    capture_log();
    let app = Application::build(config).await.expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let store = app.store().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        store,
        database_url,
        backend,
        _dir: dir,
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A user with the test password, made directly in the store.
    pub async fn user(&self, email: &str, name: &str, role: &str) -> User {
        let new_user = NewUser::parse(email, name, role, PASSWORD).unwrap();
        let hash = goldthread::auth::hash_password(PASSWORD.to_owned()).await.unwrap();
        self.store.create_user(&new_user, &hash).await.unwrap()
    }

    pub async fn signed_in_with(&self, email: &str, password: &str) -> Browser {
        let browser = Browser::new(&self.address);
        let response = browser.sign_in(email, password).await;
        assert_eq!(response.status(), 303, "sign-in should redirect");
        browser
    }

    /// A user and an API client holding a token for them.
    pub async fn api_user(&self, email: &str, role: &str) -> (User, Api) {
        let user = self.user(email, email.split('@').next().unwrap(), role).await;
        let token = goldthread::auth::new_api_token();
        self.store
            .create_api_token(user.id, "test", &goldthread::auth::token_hash(&token))
            .await
            .unwrap();
        (
            user,
            Api {
                base: self.address.clone(),
                token,
                client: reqwest::Client::new(),
            },
        )
    }

    pub fn api_with_token(&self, token: &str) -> Api {
        Api {
            base: self.address.clone(),
            token: token.to_owned(),
            client: reqwest::Client::new(),
        }
    }

    /// An API client with a new token of the existing user `email`.
    pub async fn api_for(&self, email: &str) -> Api {
        let user = self.store.user_by_email(email).await.unwrap().unwrap();
        let token = goldthread::auth::new_api_token();
        self.store
            .create_api_token(user.id, "test", &goldthread::auth::token_hash(&token))
            .await
            .unwrap();
        self.api_with_token(&token)
    }

    /// A browser-like client (cookies, no redirects followed) signed in.
    pub async fn signed_in(&self, email: &str) -> Browser {
        let browser = Browser::new(&self.address);
        let response = browser.sign_in(email, PASSWORD).await;
        assert_eq!(
            response.status(),
            303,
            "sign-in should redirect: {}",
            response.text().await.unwrap()
        );
        browser
    }
}

/// A JSON API client with a bearer token.
pub struct Api {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
}

impl Api {
    /// A GET of the API as bytes: status, content type, body (for files:
    /// PDF, DOCX, CSV, zip, FHIR).
    pub async fn get_bytes(&self, path: &str) -> (u16, String, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, content_type, response.bytes().await.unwrap().to_vec())
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        decode(response).await
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        decode(response).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, body).await
    }

    /// Creates a person and returns their id.
    pub async fn person(&self, given: &str, family: &str) -> String {
        let (status, body) = self
            .post("/people", json!({"given_name": given, "family_name": family}))
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Creates a person and a plan for them; returns the plan.
    pub async fn plan(&self, given: &str, plan_type: &str) -> Value {
        let person = self.person(given, "Tester").await;
        let (status, plan) = self
            .post("/plans", json!({"person_id": person, "plan_type": plan_type}))
            .await;
        assert_eq!(status, 201, "{plan}");
        plan
    }
}

async fn decode(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}

/// A client that behaves like a browser without JavaScript: it keeps
/// cookies, does not follow redirects, and sends forms with the page's
/// CSRF token.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: base.to_owned(),
            client,
            jar,
        }
    }

    /// The cookies this browser sends to its server, as a header value.
    pub fn cookies(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.base.parse().unwrap();
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// The same browser session, pointed at another server (as a load
    /// balancer would send the next request to another instance).
    pub fn moved_to(&self, base: &str) -> Browser {
        let browser = Browser::new(base);
        let url: reqwest::Url = base.parse().unwrap();
        for cookie in self.cookies().split("; ").filter(|c| !c.is_empty()) {
            browser.jar.add_cookie_str(cookie, &url);
        }
        browser
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Opens `form_page`, then posts `fields` (plus its CSRF token) to `action`.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let (_, html) = self.get(form_page).await;
        let token = csrf_of(&html).unwrap_or_else(|| panic!("no CSRF token on {form_page}"));
        self.post_raw(action, &token, fields).await
    }

    pub async fn post_raw(&self, action: &str, token: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", token)];
        form.extend_from_slice(fields);
        self.client
            .post(format!("{}{action}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit("/sign-in", "/sign-in", &[("email", email), ("password", password)])
            .await
    }
}

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(r#"input[name="_csrf"]"#).unwrap();
    document
        .select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

/// The text of the first element matching `css`.
pub fn text_of(html: &str, css: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(css).unwrap();
    document.select(&selector).next().map(|e| {
        e.text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The value of `attr` on the first element matching `css`.
pub fn attr_of(html: &str, css: &str, attr: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(css).unwrap();
    document
        .select(&selector)
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_owned)
}

/// Where a redirect goes.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}
