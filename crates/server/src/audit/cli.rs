//! `goldthread audit verify|export|checkpoint` and `goldthread verify`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Subcommand;

use super::Key;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit log's hash chain and its signed checkpoints; fails
    /// naming the first altered, deleted, inserted or reordered entry.
    Verify {
        /// The checkpoint key file [default: GOLDTHREAD_AUDIT_KEY_FILE, or
        /// audit.key beside a SQLite database, or goldthread-data/audit.key].
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Write the audit log as JSON lines (one entry a line, oldest first),
    /// for an organisation's log store.
    Export {
        /// Only entries after this number.
        #[arg(long, default_value_t = 0)]
        since: i64,
        /// The file to write [default: standard output].
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Sign a checkpoint at the log's last entry now.
    Checkpoint {
        #[arg(long)]
        key: Option<PathBuf>,
    },
}

fn key_path(key: Option<PathBuf>, database_url: &str) -> PathBuf {
    key.unwrap_or_else(|| Key::default_path(database_url))
}

pub async fn run(store: &Store, database_url: &str, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { key } => {
            let path = key_path(key, database_url);
            let key = Key::read(&path).with_context(|| format!("could not read the audit key {}", path.display()))?;
            let report = store.verify_audit(key.as_ref()).await?;
            if let Some(problem) = report.problem {
                bail!("the audit log fails verification: {problem}");
            }
            let signatures = if key.is_some() {
                "signatures checked"
            } else {
                "signatures NOT checked: no key"
            };
            println!(
                "The audit log verifies: {} entries, {} signed checkpoints ({signatures}).",
                report.checked, report.checkpoints
            );
        }
        AuditCommand::Export { since, output } => {
            let mut out: Box<dyn Write> = match &output {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path).with_context(|| format!("could not create {}", path.display()))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let mut after = since.max(0);
            let mut written = 0;
            loop {
                let page = store.audit_after(after, 2000).await?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                for entry in &page {
                    serde_json::to_writer(&mut out, entry)?;
                    out.write_all(b"\n")?;
                    written += 1;
                }
            }
            out.flush()?;
            if let Some(path) = output {
                eprintln!("Wrote {written} entries to {}.", path.display());
            }
        }
        AuditCommand::Checkpoint { key } => {
            let path = key_path(key, database_url);
            let key = Key::read_or_create(&path)
                .with_context(|| format!("could not read the audit key {}", path.display()))?;
            match store.audit_checkpoint(&key).await? {
                Some(seq) => println!("Signed a checkpoint at audit entry {seq}."),
                None => println!("Nothing new to sign."),
            }
        }
    }
    Ok(())
}

/// `goldthread verify`: every plan's and person's history against its chain.
pub async fn verify_histories(store: &Store) -> anyhow::Result<()> {
    let report = store.verify_histories().await?;
    if let Some(problem) = report.problem {
        bail!("the history fails verification: {problem}");
    }
    let unchained = if report.unchained > 0 {
        format!(
            " ({} changes from before chaining began cannot be checked)",
            report.unchained
        )
    } else {
        String::new()
    };
    println!(
        "Every plan's and person's history verifies: {} changes checked{unchained}.",
        report.checked
    );
    Ok(())
}

/// Records an administration command in the audit log (address "command
/// line"; never the command's values, which may hold a database password). A failure to record
/// is reported, not hidden.
pub async fn record_command(database_url: &str, action: &str, succeeded: bool) {
    let entry = super::NewEntry {
        address: Some("command line".to_owned()),
        action: action.to_owned(),
        outcome: Some(if succeeded {
            super::Outcome::Allowed
        } else {
            super::Outcome::Refused
        }),
        detail: "a goldthread command".to_owned(),
        ..super::NewEntry::default()
    };
    let recorded = async {
        let store = Store::connect(database_url).await?;
        let key = Key::read(&Key::default_path(database_url)).ok().flatten();
        store.append_audit(&[&entry], key.as_ref()).await
    }
    .await;
    if let Err(e) = recorded {
        eprintln!("warning: could not record this in the audit log: {e}");
    }
}
