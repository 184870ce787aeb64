//! The command line: the contract that scripts and administrators rely on.

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::user::NewUser;

use crate::config::{Config, DatabaseUrl};
use crate::startup::{self, Application};
use crate::store::{Store, StoreError};

#[derive(Debug, Parser)]
#[command(name = "goldthread", version, about = "Goldthread: person-centred support planning")]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB
    /// [default: sqlite://goldthread-data/goldthread.db]
    #[arg(long = "database", env = "DATABASE_URL", global = true, hide_env_values = true)]
    database: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "GOLDTHREAD_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the fictional example organisation into an empty database.
        #[arg(long)]
        demo: bool,
        /// The address people use to reach Goldthread, e.g.
        /// https://goldthread.example.org (https marks cookies Secure).
        #[arg(long, env = "GOLDTHREAD_PUBLIC_URL")]
        public_url: Option<String>,
        /// A folder of the organisation's own plan types (*.toml).
        #[arg(long, env = "GOLDTHREAD_PLAN_TYPES")]
        plan_types: Option<PathBuf>,
        /// The organisation's time zone (an IANA name): dates and times
        /// on pages and in messages are shown in it.
        #[arg(long, env = "GOLDTHREAD_TIME_ZONE", default_value = crate::local_time::DEFAULT_ZONE, value_parser = crate::local_time::zone_named)]
        time_zone: jiff::tz::TimeZone,
        #[command(flatten)]
        oidc: OidcArgs,
        /// Minutes without use after which a session ends.
        #[arg(long, env = "GOLDTHREAD_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1440))]
        session_idle_minutes: u32,
        /// Hours after sign-in after which a session ends, however used.
        #[arg(long, env = "GOLDTHREAD_SESSION_MAX_HOURS", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=168))]
        session_max_hours: u32,
        /// Addresses of reverse proxies whose X-Forwarded-For header gives
        /// the client's address, comma-separated. None by default.
        #[arg(long, env = "GOLDTHREAD_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// The SMTP server e-mail goes through, e.g. smtp://mail.example.org:25
        /// or smtps://user:password@mail.example.org. Without it, messages
        /// are kept in the outbox administrators see.
        #[arg(long, env = "GOLDTHREAD_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The address e-mail is sent from.
        #[arg(long, env = "GOLDTHREAD_MAIL_FROM", default_value = crate::mail::DEFAULT_FROM)]
        mail_from: String,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage teams and what is shared with them.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Check SMART-ness of a goal, outcome or target and print JSON.
    Smart {
        /// The text to check, e.g. "attend school four days a week until July"
        text: String,
    },
    /// Check or list plan types (the built-in ones and a folder of your own).
    PlanTypes {
        #[command(subcommand)]
        command: PlanTypesCommand,
    },
    /// Act on a plan.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Export a plan for another system (FHIR R4, CSV, PDF), or everything
    /// held about a person (subject access).
    Export {
        #[command(subcommand)]
        command: crate::export_cli::ExportCommand,
    },
    /// Import a plan from another system (a FHIR R4 Bundle) as a new draft.
    Import {
        #[command(subcommand)]
        command: crate::export_cli::ImportCommand,
    },
    /// Create or upgrade the database schema and exit.
    Migrate,
    /// Load the fictional example organisation into an empty database;
    /// with --people N, also a county's worth of fictional people and
    /// plans (idempotent: run again, only missing people are added).
    Demo {
        /// Make sure this many generated people (each with a plan) exist.
        #[arg(long)]
        people: Option<u64>,
    },
    /// Rebuild every plan's current state from its history, and the dashboard's index.
    RebuildProjections,
    /// Check every agreement recorded on a plan against its history: which
    /// hold, and for which version. Fails if any does not hold.
    VerifyAgreement {
        /// The plan's id.
        plan_id: uuid::Uuid,
    },
    /// Write a consistent copy of the running SQLite database to FILE
    /// (online; for PostgreSQL use pg_dump).
    Backup {
        /// Where to write the backup (must not exist yet).
        file: PathBuf,
    },
    /// Put the backup FILE in the configured SQLite database's place;
    /// refused while the database is in use (for PostgreSQL use pg_restore).
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
    /// Check every plan's and person's history against its hash chain;
    /// fails naming the first altered, deleted, inserted or reordered change.
    Verify,
    /// The audit log: verify its chain, export it, sign a checkpoint.
    Audit {
        #[command(subcommand)]
        command: crate::audit::cli::AuditCommand,
    },
    /// Retention: remove what is due (or list it with --dry-run), legal holds.
    Retention {
        #[command(subcommand)]
        command: crate::retention::RetentionCommand,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, practitioner or viewer
        #[arg(long)]
        role: String,
    },
    /// List users.
    List,
    /// Set a user's password, read from standard input. Ends all their
    /// sessions and revokes their API tokens (unless --keep-tokens).
    SetPassword {
        #[arg(long)]
        email: String,
        /// Leave the user's API tokens working.
        #[arg(long)]
        keep_tokens: bool,
    },
    /// Stop a user signing in (their history stays).
    Deactivate {
        #[arg(long)]
        email: String,
    },
}

/// Single sign-on through an OpenID Connect provider (all three of issuer,
/// client id and secret, or none).
#[derive(Debug, clap::Args)]
struct OidcArgs {
    /// The OpenID Connect issuer URL, e.g. https://login.example.org/realms/staff
    #[arg(long, env = "GOLDTHREAD_OIDC_ISSUER", requires_all = ["oidc_client_id", "oidc_client_secret"])]
    oidc_issuer: Option<String>,
    /// The client id Goldthread is registered with at the provider.
    #[arg(long, env = "GOLDTHREAD_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// The client secret (prefer the environment variable).
    #[arg(
        long,
        env = "GOLDTHREAD_OIDC_CLIENT_SECRET",
        hide_env_values = true,
        requires = "oidc_issuer"
    )]
    oidc_client_secret: Option<String>,
    /// Make an account with this role (practitioner or viewer) for a
    /// verified e-mail address that has none; without it only existing
    /// users (matched by verified e-mail) can sign in this way.
    #[arg(long, env = "GOLDTHREAD_OIDC_PROVISION_ROLE", requires = "oidc_issuer")]
    oidc_provision_role: Option<String>,
}

impl OidcArgs {
    fn config(self) -> anyhow::Result<Option<crate::config::OidcConfig>> {
        let (Some(issuer), Some(client_id), Some(secret)) =
            (self.oidc_issuer, self.oidc_client_id, self.oidc_client_secret)
        else {
            return Ok(None);
        };
        let provision_role = match self.oidc_provision_role.as_deref() {
            None => None,
            Some(role) => match goldthread_domain::user::Role::parse(role) {
                Some(goldthread_domain::user::Role::Admin) | None => {
                    bail!("--oidc-provision-role: choose practitioner or viewer")
                }
                some => some,
            },
        };
        Ok(Some(crate::config::OidcConfig {
            issuer,
            client_id,
            client_secret: secrecy::SecretString::from(secret),
            provision_role,
        }))
    }
}

#[derive(Debug, Subcommand)]
enum TeamCommand {
    /// Add a team.
    Add {
        #[arg(long)]
        name: String,
    },
    /// List teams, their members and what is shared with them.
    List,
    /// Add a user to a team; with --manager (or --not-manager) also set
    /// whether they manage it (a manager sees the team's dashboard).
    AddMember {
        #[arg(long)]
        team: String,
        #[arg(long)]
        email: String,
        #[arg(long, conflicts_with = "not_manager")]
        manager: bool,
        #[arg(long)]
        not_manager: bool,
    },
    /// Take a user out of a team.
    RemoveMember {
        #[arg(long)]
        team: String,
        #[arg(long)]
        email: String,
    },
    /// Share a plan (by id) with a team; its members can read it.
    SharePlan {
        #[arg(long)]
        team: String,
        #[arg(long)]
        plan: uuid::Uuid,
    },
    /// Stop sharing a plan with a team.
    UnsharePlan {
        #[arg(long)]
        team: String,
        #[arg(long)]
        plan: uuid::Uuid,
    },
    /// Share a person's record (by id, not their plans) with a team.
    SharePerson {
        #[arg(long)]
        team: String,
        #[arg(long)]
        person: uuid::Uuid,
    },
    /// Stop sharing a person's record with a team.
    UnsharePerson {
        #[arg(long)]
        team: String,
        #[arg(long)]
        person: uuid::Uuid,
    },
}

#[derive(Debug, Subcommand)]
enum PlanCommand {
    /// Transfer a person-led blank-sheet plan onto its official form: a new
    /// plan with all its content and parties; the blank sheet is closed.
    Transfer {
        /// The blank-sheet plan's id.
        #[arg(long)]
        plan: uuid::Uuid,
        /// The official form's plan type, e.g. PB.
        #[arg(long)]
        to: String,
        /// The e-mail address of the user doing it (named in the history).
        #[arg(long = "as")]
        as_user: String,
        /// Why, for both plans' history.
        #[arg(long)]
        reason: Option<String>,
        #[arg(long, env = "GOLDTHREAD_PLAN_TYPES")]
        plan_types: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum PlanTypesCommand {
    /// Check every *.toml plan type in a folder; prints each problem with
    /// its file, line and field.
    Check {
        /// The folder of plan types.
        dir: PathBuf,
    },
    /// List the plan types that would be loaded (built-in, plus a folder).
    List {
        #[arg(long)]
        plan_types: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Print a new API token for a user (only its hash is stored).
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        label: String,
        /// Days until it stops working.
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
    },
    /// List a user's API tokens (id, label, created, expires, last used).
    List {
        #[arg(long)]
        email: String,
    },
    /// Revoke an API token by its id (from `token list`).
    Revoke { id: uuid::Uuid },
}

pub fn main() -> ExitCode {
    // Like other command-line tools, stop quietly when the reader of our
    // output goes away (`goldthread user list | head`), instead of
    // panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default action for SIGPIPE before any thread
    // starts; no signal handler of ours is replaced.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs a command; administration (users, teams, tokens, plans) is
/// recorded in the audit log with its outcome.
async fn run(cli: Cli) -> anyhow::Result<()> {
    let action = match &cli.command {
        Command::User {
            command: UserCommand::Add { .. },
        } => Some("user.create"),
        Command::User {
            command: UserCommand::Deactivate { .. },
        } => Some("user.deactivate"),
        Command::User {
            command: UserCommand::SetPassword { .. },
        } => Some("user.change"),
        Command::Team { command } if !matches!(command, TeamCommand::List) => Some("team.change"),
        Command::Token {
            command: TokenCommand::Create { .. },
        } => Some("token.create"),
        Command::Token {
            command: TokenCommand::Revoke { .. },
        } => Some("token.revoke"),
        Command::Plan { .. } => Some("plan.change"),
        Command::Retention { command } => command.audit_action(),
        _ => None,
    };
    let database = cli.database.clone();
    let result = run_command(cli).await;
    if let Some(action) = action {
        let url = database.unwrap_or_else(|| DatabaseUrl::default_sqlite().expose().to_owned());
        crate::audit::cli::record_command(&url, action, result.is_ok()).await;
    }
    result
}

async fn run_command(cli: Cli) -> anyhow::Result<()> {
    let database = cli
        .database
        .map(DatabaseUrl::new)
        .unwrap_or_else(DatabaseUrl::default_sqlite);
    let base_config = |addr, public_url, plan_types_dir| Config {
        database: database.clone(),
        addr,
        public_url,
        plan_types_dir,
        oidc: None,
        security: crate::config::Security::default(),
        today: None,
    };
    let local: SocketAddr = "127.0.0.1:0".parse().expect("valid address");
    match cli.command {
        Command::Serve {
            addr,
            demo,
            public_url,
            plan_types,
            time_zone,
            oidc,
            session_idle_minutes,
            session_max_hours,
            trusted_proxies,
            smtp_url,
            mail_from,
        } => {
            crate::local_time::set_zone(time_zone);
            let mut config = base_config(addr, public_url, plan_types);
            config.oidc = oidc.config()?;
            config.security = crate::config::Security {
                idle_timeout: time::Duration::minutes(session_idle_minutes.into()),
                absolute_timeout: time::Duration::hours(session_max_hours.into()),
                trusted_proxies,
            };
            if let Some(warning) = config.insecure_warning() {
                eprintln!("{warning}");
                tracing::warn!("{warning}");
            }
            let store = startup::connect(&config).await?;
            let demo_loaded = if demo {
                crate::demo::load_if_empty(&store).await?
            } else {
                false
            };
            let has_smtp = smtp_url.is_some();
            let mailer = match smtp_url {
                Some(url) => crate::mail::Mailer::smtp(&url, &mail_from)?,
                None => crate::mail::Mailer::keep_only(),
            };
            crate::mail::spawn_sender(store.clone(), mailer, std::time::Duration::from_secs(5));
            let mut app = Application::build_with_store(config.clone(), store.clone()).await?;
            if !has_smtp {
                app = app.without_reminder_email();
            }
            let url = config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", display_addr(addr, app.port())));
            println!(
                "Goldthread is running at {url}/  (database: {})",
                config.database.redacted()
            );
            if demo_loaded || (demo && crate::demo::is_demo(&store).await?) {
                println!("{}", crate::demo::SIGN_IN_HELP);
            } else if store.count_users().await? == 0 {
                println!(
                    "No users yet: add one with `goldthread user add --email you@example.org --name \"Your Name\" --role admin`"
                );
            }
            println!("Press Ctrl+C to stop.");
            app.run_until_stopped().await?;
            store.close().await;
        }
        Command::User { command } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            user_command(&store, command).await?;
        }
        Command::Team { command } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            team_command(&store, command).await?;
        }
        Command::Token {
            command: TokenCommand::Create { email, label, days },
        } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            let Some(user) = store.user_by_email(&email).await? else {
                bail!("no user with the email address {email}");
            };
            if !user.active {
                bail!("{email} is deactivated");
            }
            let token = crate::auth::new_api_token();
            store
                .create_api_token_lasting(
                    user.id,
                    &label,
                    &crate::auth::token_hash(&token),
                    time::Duration::days(days.into()),
                )
                .await?;
            println!("{token}");
        }
        Command::Token {
            command: TokenCommand::List { email },
        } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            let Some(user) = store.user_by_email(&email).await? else {
                bail!("no user with the email address {email}");
            };
            let rfc = |at: time::OffsetDateTime| {
                at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            };
            for token in store.api_tokens(user.id).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    token.id,
                    token.label,
                    rfc(token.created_at),
                    rfc(token.expires_at),
                    token.last_used_at.map(rfc).unwrap_or_else(|| "never".into()),
                    if token.active { "active" } else { "expired" }
                );
            }
        }
        Command::Token {
            command: TokenCommand::Revoke { id },
        } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            store
                .revoke_api_token(&command_line_actor(), id)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => anyhow::anyhow!("no token {id} that is not already revoked"),
                    other => other.into(),
                })?;
            println!("Revoked token {id}.");
        }
        Command::Smart { text } => {
            let report = goldthread_domain::checks::smart::check(&text);
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Command::PlanTypes {
            command: PlanTypesCommand::Check { dir },
        } => {
            let results = startup::check_plan_type_files(&dir)?;
            let mut bad = 0;
            for (path, result) in &results {
                match result {
                    Ok(id) => println!("ok     {} ({id})", path.display()),
                    Err(message) => {
                        bad += 1;
                        println!("error  {message}");
                    }
                }
            }
            if bad > 0 {
                bail!(
                    "{bad} of {} plan type file(s) in {} have problems",
                    results.len(),
                    dir.display()
                );
            }
            println!("{} plan type file(s) in {} are valid.", results.len(), dir.display());
        }
        Command::PlanTypes {
            command: PlanTypesCommand::List { plan_types },
        } => {
            let registry = startup::load_plan_types(&base_config(local, None, plan_types))?;
            for plan_type in registry.all() {
                println!(
                    "{}\t{}\t{} sections",
                    plan_type.id,
                    plan_type.name,
                    plan_type.sections.len()
                );
            }
        }
        Command::Plan {
            command:
                PlanCommand::Transfer {
                    plan,
                    to,
                    as_user,
                    reason,
                    plan_types,
                },
        } => {
            let config = base_config(local, None, plan_types);
            let registry = startup::load_plan_types(&config)?;
            let store = startup::connect(&config).await?;
            let user = match store.user_by_email(&as_user).await? {
                Some(user) if user.active => user,
                _ => bail!("no active user with the email address {as_user}"),
            };
            let done = match store
                .transfer_plan(&user.actor(), plan, &to, reason.as_deref(), &registry)
                .await
            {
                Err(StoreError::NotFound) => bail!("no plan with the id {plan} that {as_user} may see"),
                Err(StoreError::Forbidden) => bail!("{as_user} may read the plan {plan} but not change it"),
                other => other.map_err(store_error)?,
            };
            println!(
                "Transferred to {} plan number {} ({}); the blank sheet is now {}.",
                done.plan.plan_type,
                done.plan.number,
                done.plan.id,
                done.from.status.label().to_lowercase()
            );
            let gaps = registry
                .get(&done.plan.plan_type)
                .map(|t| goldthread_domain::transfer::gaps(&done.plan, t))
                .unwrap_or_default();
            if gaps.is_empty() {
                println!("The form has everything it asks for.");
            } else {
                println!("What the form still needs:");
                for gap in gaps {
                    println!(
                        "  {}: {}{}",
                        gap.heading,
                        gap.label,
                        if gap.required { " (required)" } else { "" }
                    );
                }
            }
        }
        Command::Backup { file } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            crate::backup::backup(&store, &file).await?;
            println!("Backed up the database to {}.", file.display());
        }
        Command::Restore { file } => {
            crate::backup::restore(database.expose(), &file).await?;
            println!("Restored {} into {}.", file.display(), database.redacted());
        }
        Command::Migrate => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            println!("The {} database is up to date.", store.backend());
        }
        Command::Demo { people: None } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            if crate::demo::load_if_empty(&store).await? {
                println!("Loaded the example organisation.\n{}", crate::demo::SIGN_IN_HELP);
            } else {
                bail!("the database already has users; the example organisation is only loaded into an empty database");
            }
        }
        Command::Demo { people: Some(people) } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            crate::demo::county_cli::run(&store, database.expose(), people).await?;
        }
        Command::RebuildProjections => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            let progress = std::io::stderr().is_terminal();
            let (count, drifted) = store
                .rebuild_plan_projections(|done, total| {
                    if progress {
                        eprint!("\rRebuilding plans: {done}/{total}");
                        let _ = std::io::stderr().flush();
                    }
                })
                .await?;
            if progress {
                eprintln!();
            }
            println!("Rebuilt {count} plans from their history; {drifted} had drifted and were corrected.");
            // The dashboard's index follows the plans (and fills it after
            // an upgrade to a version that has it).
            let indexed = store.refresh_all_dashboards().await?;
            println!("Rebuilt the dashboard's index of {indexed} plans.");
        }
        Command::Export { command } => {
            let config = base_config(local, None, command.plan_types());
            let registry = startup::load_plan_types(&config)?;
            let store = startup::connect(&config).await?;
            crate::export_cli::export(&store, &registry, command, database.expose()).await?;
        }
        Command::Import { command } => {
            let config = base_config(local, None, command.plan_types());
            let registry = startup::load_plan_types(&config)?;
            let store = startup::connect(&config).await?;
            crate::export_cli::import(&store, &registry, command).await?;
        }
        Command::VerifyAgreement { plan_id } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            crate::agreements_cli::verify(&store, plan_id).await?;
        }
        Command::Verify => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            crate::audit::cli::verify_histories(&store).await?;
        }
        Command::Audit { command } => {
            let store = startup::connect(&base_config(local, None, None)).await?;
            crate::audit::cli::run(&store, database.expose(), command).await?;
        }
        Command::Retention { command } => {
            let config = base_config(local, None, command.plan_types());
            crate::store::set_plan_types(startup::load_plan_types(&config)?);
            let store = startup::connect(&config).await?;
            crate::retention::run(&store, database.expose(), config.today(), command).await?;
        }
    }
    Ok(())
}

fn display_addr(addr: SocketAddr, port: u16) -> String {
    let host = if addr.ip().is_unspecified() {
        "localhost".to_owned()
    } else {
        addr.ip().to_string()
    };
    format!("{host}:{port}")
}

async fn user_command(store: &Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { email, name, role } => {
            let password = read_password()?;
            let new_user = NewUser::parse(&email, &name, &role, &password).map_err(field_errors)?;
            let hash = crate::auth::hash_password(password).await?;
            let user = store.create_user(&new_user, &hash).await.map_err(store_error)?;
            println!(
                "Added {} <{}> as {}.",
                user.name,
                user.email,
                user.role.label().to_lowercase()
            );
        }
        UserCommand::List => {
            for user in store.list_users().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    user.email,
                    user.name,
                    user.role.as_str(),
                    if user.active { "active" } else { "deactivated" }
                );
            }
        }
        UserCommand::SetPassword { email, keep_tokens } => {
            let Some(user) = store.user_by_email(&email).await? else {
                bail!("no user with the email address {email}")
            };
            let password = read_password()?;
            let mut errors = FieldErrors::new();
            goldthread_domain::user::check_password_for(
                &mut errors,
                "password",
                &password,
                &[user.email.as_str(), user.name.as_str()],
            );
            if !errors.is_empty() {
                return Err(field_errors(errors));
            }
            store
                .change_password(
                    user.id,
                    &crate::auth::hash_password(password).await?,
                    None,
                    !keep_tokens,
                )
                .await?;
            println!(
                "Password changed for {email}; their sessions have ended{}.",
                if keep_tokens {
                    ""
                } else {
                    " and their API tokens are revoked"
                }
            );
        }
        UserCommand::Deactivate { email } => {
            let Some(user) = store.user_by_email(&email).await? else {
                bail!("no user with the email address {email}")
            };
            store.set_user_active(user.id, false).await?;
            println!("{email} can no longer sign in.");
        }
    }
    Ok(())
}

/// Who acts from the command line: whoever can run it holds the database,
/// so an administrator.
fn command_line_actor() -> goldthread_domain::user::Actor {
    goldthread_domain::user::Actor {
        id: uuid::Uuid::nil(),
        name: "command line".into(),
        email: String::new(),
        role: goldthread_domain::user::Role::Admin,
    }
}

async fn team_command(store: &Store, command: TeamCommand) -> anyhow::Result<()> {
    let admin = command_line_actor();
    let team_named = |name: String| async move {
        let teams = store.list_teams().await?;
        match teams.into_iter().find(|t| t.name.eq_ignore_ascii_case(name.trim())) {
            Some(team) => Ok(team),
            None => bail!("no team named {name:?} (see `goldthread team list`)"),
        }
    };
    let user_with = |email: String| async move {
        match store.user_by_email(&email).await? {
            Some(user) => Ok(user),
            None => bail!("no user with the email address {email}"),
        }
    };
    let not_found = |what: &str, id: uuid::Uuid| anyhow::anyhow!("no {what} with the id {id}");
    match command {
        TeamCommand::Add { name } => {
            let team = store.add_team(&admin, &name).await.map_err(store_error)?;
            println!("Added the team {} ({}).", team.name, team.id);
        }
        TeamCommand::List => {
            for team in store.list_teams().await? {
                let detail = store.team(&admin, team.id).await?;
                let members: Vec<String> = detail
                    .members
                    .iter()
                    .map(|m| {
                        if m.manager {
                            format!("{} (manager)", m.email)
                        } else {
                            m.email.clone()
                        }
                    })
                    .collect();
                println!(
                    "{}\t{}\tmembers: {}\tplans: {}\tpeople: {}",
                    team.id,
                    team.name,
                    members.join(", "),
                    detail.plans.len(),
                    detail.people.len()
                );
            }
        }
        TeamCommand::AddMember {
            team,
            email,
            manager,
            not_manager,
        } => {
            let (team, user) = (team_named(team).await?, user_with(email).await?);
            let role = (manager || not_manager).then_some(manager);
            store
                .add_member_as(&admin, team.id, user.id, role)
                .await
                .map_err(store_error)?;
            match role {
                Some(true) => println!("{} is in the team {} as its manager.", user.email, team.name),
                Some(false) => println!("{} is in the team {}, not as its manager.", user.email, team.name),
                None => println!("{} is in the team {}.", user.email, team.name),
            }
        }
        TeamCommand::RemoveMember { team, email } => {
            let (team, user) = (team_named(team).await?, user_with(email).await?);
            store.remove_member(&admin, team.id, user.id).await?;
            println!("{} is no longer in the team {}.", user.email, team.name);
        }
        TeamCommand::SharePlan { team, plan } => {
            let team = team_named(team).await?;
            match store.share_plan_with_team(&admin, plan, team.id).await {
                Err(StoreError::NotFound) => return Err(not_found("plan", plan)),
                other => other.map_err(store_error)?,
            }
            println!("The team {} can read the plan {plan}.", team.name);
        }
        TeamCommand::UnsharePlan { team, plan } => {
            let team = team_named(team).await?;
            match store.unshare_plan_with_team(&admin, plan, team.id).await {
                Err(StoreError::NotFound) => return Err(not_found("plan", plan)),
                other => other?,
            }
            println!("The plan {plan} is no longer shared with the team {}.", team.name);
        }
        TeamCommand::SharePerson { team, person } => {
            let team = team_named(team).await?;
            match store.share_person_with_team(&admin, person, team.id).await {
                Err(StoreError::NotFound) => return Err(not_found("person", person)),
                other => other.map_err(store_error)?,
            }
            println!("The team {} can read the record of {person}.", team.name);
        }
        TeamCommand::UnsharePerson { team, person } => {
            let team = team_named(team).await?;
            match store.unshare_person_with_team(&admin, person, team.id).await {
                Err(StoreError::NotFound) => return Err(not_found("person", person)),
                other => other?,
            }
            println!(
                "The record of {person} is no longer shared with the team {}.",
                team.name
            );
        }
    }
    Ok(())
}

/// Reads one line from standard input (a pipe or a prompt), without the
/// line ending.
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        bail!("no password given on standard input");
    }
    Ok(password)
}

fn field_errors(errors: FieldErrors) -> anyhow::Error {
    anyhow::anyhow!(
        "{}",
        errors
            .0
            .iter()
            .map(|e| format!("--{}: {}", e.field.replace('_', "-"), e.message))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

fn store_error(error: StoreError) -> anyhow::Error {
    match error {
        StoreError::Invalid(errors) => field_errors(errors),
        other => other.into(),
    }
}
