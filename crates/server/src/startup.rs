//! Builds the application: the same code path for `goldthread serve` and
//! for the integration tests.

use std::sync::Arc;

use anyhow::Context;
use goldthread_domain::plan_type::Registry;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::store::Store;
use crate::web::{self, AppState};

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    store: Store,
    /// The fixed "today" of the configuration, if any (for reminders).
    today: Option<time::Date>,
    /// Whether reminders are e-mailed too (yes unless
    /// [`Application::without_reminder_email`]), with links to here.
    reminder_email: Option<crate::reminders::ReminderEmail>,
    /// The audit checkpoint key, for the retention scheduler's entries.
    audit_key: Option<crate::audit::Key>,
}

impl Application {
    /// Connects to the database (migrating it), loads the plan types and
    /// binds the listening socket. Port 0 picks a free port.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let store = connect(&config).await?;
        Application::build_with_store(config, store).await
    }

    pub async fn build_with_store(config: Config, store: Store) -> anyhow::Result<Application> {
        let plan_types = load_plan_types(&config)?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("could not listen on {}", config.addr))?;
        let secret = store.server_secret("cookie-signing-key").await?;
        crate::store::set_plan_types(plan_types.clone());
        let today = config.today;
        let public_url = config.public_url.clone();
        let key_path = crate::audit::Key::default_path(config.database.expose());
        let state = AppState::new(store.clone(), plan_types, config, secret);
        let router = web::router(state);
        let audit_key = crate::audit::Key::read(&key_path).ok().flatten();
        Ok(Application {
            listener,
            router,
            store,
            today,
            reminder_email: Some(crate::reminders::ReminderEmail { public_url }),
            audit_key,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Reminders stay in the app: for a server with no SMTP server, so
    /// that they do not fill the administrators' outbox.
    pub fn without_reminder_email(mut self) -> Application {
        self.reminder_email = None;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let purge = tokio::spawn(purge_in_background(self.store.clone()));
        let today = self.today;
        let reminders = tokio::spawn(crate::reminders::in_background(
            self.store.clone(),
            self.reminder_email.clone(),
            move || today.unwrap_or_else(crate::local_time::today),
        ));
        let retention = tokio::spawn(crate::retention::in_background(
            self.store.clone(),
            self.audit_key.clone(),
            move || today.unwrap_or_else(crate::local_time::today),
        ));
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        purge.abort();
        reminders.abort();
        retention.abort();
        served
    }
}

/// Deletes expired sessions and forgotten sign-in failures every ten
/// minutes. Each is one idempotent DELETE, so several instances doing it
/// at once is harmless.
async fn purge_in_background(store: Store) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        if let Err(e) = purge_once(&store).await {
            tracing::warn!(error = %e, "could not purge expired sessions");
        }
    }
}

/// One round of [`purge_in_background`].
pub async fn purge_once(store: &Store) -> anyhow::Result<()> {
    let sessions = store.purge_expired_sessions().await?;
    let failures = store.purge_sign_in_failures(crate::store::now()).await?;
    tracing::debug!(sessions, failures, "purged");
    Ok(())
}

pub async fn connect(config: &Config) -> anyhow::Result<Store> {
    prepare_sqlite_folder(config.database.expose())?;
    // A SQLite database this process uses is not replaced by a restore.
    crate::backup::hold_in_use_lock(config.database.expose())?;
    Store::connect(config.database.expose())
        .await
        .with_context(|| format!("could not open the database at {}", config.database.redacted()))
}

/// Creates the folder of a SQLite file URL, so the default works in a
/// fresh checkout.
fn prepare_sqlite_folder(url: &str) -> anyhow::Result<()> {
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
            && path != ":memory:"
        {
            std::fs::create_dir_all(parent).with_context(|| format!("could not create {}", parent.display()))?;
        }
    }
    Ok(())
}

/// The `*.toml` files of a folder, in name order.
fn plan_type_files(dir: &std::path::Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("could not read the plan types folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Checks each plan type file on its own (against the built-in types), so
/// that every problem is reported, not only the first.
pub fn check_plan_type_files(
    dir: &std::path::Path,
) -> anyhow::Result<Vec<(std::path::PathBuf, Result<String, String>)>> {
    let mut results = Vec::new();
    for path in plan_type_files(dir)? {
        let result = match std::fs::read_to_string(&path) {
            Err(e) => Err(format!("{}: could not read: {e}", path.display())),
            Ok(text) => {
                let mut registry = Registry::builtin();
                let name = path.display().to_string();
                match registry.add(&name, &text) {
                    Ok(()) => Ok(goldthread_domain::plan_type::parse(&name, &text)
                        .map(|t| t.id)
                        .unwrap_or_default()),
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        results.push((path, result));
    }
    Ok(results)
}

/// The built-in plan types plus an organisation's own from a folder.
pub fn load_plan_types(config: &Config) -> anyhow::Result<Arc<Registry>> {
    let mut registry = Registry::builtin();
    if let Some(dir) = &config.plan_types_dir {
        for path in plan_type_files(dir)? {
            let text = std::fs::read_to_string(&path).with_context(|| format!("could not read {}", path.display()))?;
            let name = path.display().to_string();
            registry.add(&name, &text).map_err(|e| {
                anyhow::anyhow!(
                    "{e}\n(check the folder with `goldthread plan-types check {}`)",
                    dir.display()
                )
            })?;
        }
    }
    Ok(Arc::new(registry))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
