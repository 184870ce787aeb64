//! Retention's doors besides the web (issue 12, SPEC S4): the scheduler
//! inside `goldthread serve` (next to the reminders') and the command line,
//! `goldthread retention run [--dry-run]`, `goldthread retention status`
//! and `goldthread retention hold set|lift|list`. The rule is the domain's
//! (`goldthread_domain::retention`), the work the store's
//! (`store/retention.rs`); both doors act as an administrator.

use std::path::PathBuf;

use anyhow::bail;
use clap::Subcommand;
use goldthread_domain::user::{Actor, Role};
use time::Date;
use uuid::Uuid;

use crate::audit::Key;
use crate::store::{HoldTarget, RunReport, Store, StoreError};

/// How often the scheduler looks (retention works in days; hourly is ample).
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Who the scheduler acts as (recorded as "scheduler" on each event).
pub fn scheduler_actor() -> Actor {
    Actor {
        id: Uuid::nil(),
        name: "scheduler".into(),
        email: String::new(),
        role: Role::Admin,
    }
}

/// The scheduler loop inside `serve`: every [`EVERY`], removes what is due
/// on `today()`. Several instances may run it at once: each plan and person
/// is re-checked inside its own transaction, so each is removed once.
pub async fn in_background(store: Store, key: Option<Key>, today: impl Fn() -> Date + Send + 'static) {
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        match store
            .retention_run(&scheduler_actor(), today(), false, key.as_ref())
            .await
        {
            Ok(report) if !report.events.is_empty() => tracing::info!(
                plans = report.plans.len(),
                people = report.people.len(),
                "retention removed what was due"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention could not run"),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Remove closed plans whose retention period has passed (and anonymise
    /// people none of whose plans is kept); --dry-run lists what would go.
    Run {
        /// List what would be removed; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Act as if today were this date (YYYY-MM-DD), e.g. to see what a
        /// run next month would remove (with --dry-run).
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
        /// A folder of the organisation's own plan types (*.toml).
        #[arg(long, env = "GOLDTHREAD_PLAN_TYPES")]
        plan_types: Option<PathBuf>,
    },
    /// Every closed plan: due, held or kept, and until when.
    Status {
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
        #[arg(long, env = "GOLDTHREAD_PLAN_TYPES")]
        plan_types: Option<PathBuf>,
    },
    /// Legal holds: set, lift, list.
    Hold {
        #[command(subcommand)]
        command: HoldCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum HoldCommand {
    /// Hold a plan or a person (give one): nothing of it is removed until lifted.
    Set {
        #[arg(long, required_unless_present = "person", conflicts_with = "person")]
        plan: Option<Uuid>,
        #[arg(long)]
        person: Option<Uuid>,
        /// Why (required; recorded).
        #[arg(long)]
        reason: String,
    },
    /// Lift a hold.
    Lift {
        /// The hold's id (see `goldthread retention hold list`).
        hold_id: Uuid,
        /// Why (required; recorded).
        #[arg(long)]
        reason: String,
    },
    /// Current holds (with --all, also those lifted).
    List {
        #[arg(long)]
        all: bool,
    },
}

impl RetentionCommand {
    /// The folder of plan types the command was given, if any.
    pub fn plan_types(&self) -> Option<PathBuf> {
        match self {
            RetentionCommand::Run { plan_types, .. } | RetentionCommand::Status { plan_types, .. } => {
                plan_types.clone()
            }
            RetentionCommand::Hold { .. } => None,
        }
    }

    /// The audit action the command is recorded as, if it changes anything.
    pub fn audit_action(&self) -> Option<&'static str> {
        match self {
            RetentionCommand::Run { dry_run: false, .. } => Some("retention.run"),
            RetentionCommand::Hold {
                command: HoldCommand::Set { .. },
            } => Some("retention.hold_set"),
            RetentionCommand::Hold {
                command: HoldCommand::Lift { .. },
            } => Some("retention.hold_lifted"),
            _ => None,
        }
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| format!("\"{s}\" is not a date; write YYYY-MM-DD"))
}

fn command_line_actor() -> Actor {
    Actor {
        id: Uuid::nil(),
        name: "command line".into(),
        email: String::new(),
        role: Role::Admin,
    }
}

fn store_error(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid(errors) => anyhow::anyhow!(
            "{}",
            errors
                .0
                .iter()
                .map(|e| format!("--{}: {}", e.field.replace('_', "-"), e.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        StoreError::NotFound => anyhow::anyhow!("not found (or already removed)"),
        other => other.into(),
    }
}

/// Prints what a run did (or would do).
pub fn print_report(report: &RunReport) {
    let verb = if report.dry_run { "Would remove" } else { "Removed" };
    if report.plans.is_empty() {
        println!("Nothing is due.");
    }
    for item in &report.plans {
        println!(
            "{verb} plan {} ({} number {}, closed {}): {}; rule: {}",
            item.plan_id,
            item.plan_type,
            item.number,
            item.closed_on,
            item.summary,
            item.rule.as_deref().unwrap_or("none"),
        );
    }
    let verb = if report.dry_run {
        "Would anonymise"
    } else {
        "Anonymised"
    };
    for person in &report.people {
        println!("{verb} person {person} (none of their plans is kept any more)");
    }
    if !report.dry_run && !report.events.is_empty() {
        println!(
            "{} retention events recorded; the history still verifies (goldthread verify).",
            report.events.len()
        );
    }
}

/// Runs `goldthread retention …`.
pub async fn run(store: &Store, database_url: &str, today: Date, command: RetentionCommand) -> anyhow::Result<()> {
    let admin = command_line_actor();
    match command {
        RetentionCommand::Run {
            dry_run, today: when, ..
        } => {
            let key = Key::read(&Key::default_path(database_url)).ok().flatten();
            let report = store
                .retention_run(&admin, when.unwrap_or(today), dry_run, key.as_ref())
                .await
                .map_err(store_error)?;
            print_report(&report);
        }
        RetentionCommand::Status { today: when, .. } => {
            let items = store
                .retention_overview(&admin, when.unwrap_or(today))
                .await
                .map_err(store_error)?;
            if items.is_empty() {
                println!("No closed plans.");
            }
            for item in items {
                println!(
                    "{}\t{} {}\tclosed {}\t{}",
                    item.plan_id, item.plan_type, item.number, item.closed_on, item.summary
                );
            }
        }
        RetentionCommand::Hold { command } => match command {
            HoldCommand::Set { plan, person, reason } => {
                let target = match (plan, person) {
                    (Some(plan), None) => HoldTarget::Plan(plan),
                    (None, Some(person)) => HoldTarget::Person(person),
                    _ => bail!("give --plan or --person"),
                };
                let hold = store
                    .set_legal_hold(&admin, target, &reason)
                    .await
                    .map_err(store_error)?;
                println!("Hold {} set.", hold.id);
            }
            HoldCommand::Lift { hold_id, reason } => {
                store
                    .lift_legal_hold(&admin, hold_id, &reason)
                    .await
                    .map_err(store_error)?;
                println!("Hold {hold_id} lifted.");
            }
            HoldCommand::List { all } => {
                for hold in store.legal_holds(&admin, all).await.map_err(store_error)? {
                    let on = match (hold.plan_id, hold.person_id) {
                        (Some(plan), _) => format!("plan {plan}"),
                        (_, Some(person)) => format!("person {person}"),
                        _ => String::new(),
                    };
                    let lifted = hold
                        .lifted_at
                        .map(|at| format!(" (lifted {at} by {})", hold.lifted_by_name.as_deref().unwrap_or("")))
                        .unwrap_or_default();
                    println!(
                        "{}\t{on}\tset {} by {}: {}{lifted}",
                        hold.id, hold.set_at, hold.set_by_name, hold.reason
                    );
                }
            }
        },
    }
    Ok(())
}
