//! `goldthread export fhir|csv|pdf|docx|person` and `goldthread import fhir` (issue 13):
//! the same as the API's `GET /plans/{id}/fhir`, `GET /plans/{id}/provision.csv`,
//! `GET /provision.csv` and `POST /fhir/import`, acting as a named user
//! (whose access decides what they may export).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use uuid::Uuid;

use crate::export::Format;
use crate::store::{Store, StoreError};

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A plan as a FHIR R4 Bundle (JSON), on standard output or to a file.
    Fhir {
        /// The plan's id.
        plan_id: Uuid,
        /// The e-mail address of the user exporting it (they must be able to see it).
        #[arg(long = "as")]
        as_user: String,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        #[arg(long, env = "GOLDTHREAD_PLAN_TYPES")]
        plan_types: Option<PathBuf>,
    },
    /// Provision and action points as CSV: one plan's, or without PLAN_ID
    /// every active plan the user may see (their caseload).
    Csv {
        /// The plan's id; leave out for the caseload.
        plan_id: Option<Uuid>,
        /// The e-mail address of the user exporting it.
        #[arg(long = "as")]
        as_user: String,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
    /// Print a plan as a PDF in its plan type's layout (or on another
    /// type's form with --form).
    Pdf(PrintArgs),
    /// Write a plan as a Word file (DOCX) in its plan type's layout (or on
    /// another type's form with --form), from the same document as the PDF.
    Docx(PrintArgs),
    /// Everything held about a person (a subject access request) as a zip:
    /// JSON of their record and every plan, version, review, note,
    /// agreement and request, each plan's PDF, the uploaded files, the
    /// audit entries about them, and a README. Administrators only; the
    /// export is recorded in the audit log.
    Person {
        /// The person's id.
        person_id: Uuid,
        /// Where to write the archive (FILE.zip).
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// The e-mail address of the administrator exporting it.
        #[arg(long = "as")]
        as_user: String,
        /// Why (for example the request's reference); kept in the audit log
        /// and the archive's README.
        #[arg(long)]
        reason: Option<String>,
        /// A folder of the organisation's own plan types (*.toml).
        #[arg(long, env = "GOLDTHREAD_PLAN_TYPES")]
        plan_types: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A FHIR R4 Bundle (as `export fhir` writes) as a new draft plan, for
    /// the person it names (matched by names and date of birth among those
    /// the user may see) or a new person. All or nothing.
    Fhir {
        /// The Bundle (JSON), or - for standard input.
        file: PathBuf,
        /// The e-mail address of the user importing it (named in the history).
        #[arg(long = "as")]
        as_user: String,
        #[arg(long, env = "GOLDTHREAD_PLAN_TYPES")]
        plan_types: Option<PathBuf>,
    },
}

/// What printing a plan needs, as a PDF or a DOCX.
#[derive(Debug, Args)]
pub struct PrintArgs {
    /// The plan's id.
    plan_id: Uuid,
    /// Where to write the file.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// The e-mail address of the user printing it: the plan is read with
    /// their access.
    #[arg(long = "as")]
    as_user: String,
    /// Print on another plan type's form, e.g. PB for a blank sheet.
    #[arg(long)]
    form: Option<String>,
    /// A folder of the organisation's own plan types (*.toml).
    #[arg(long, env = "GOLDTHREAD_PLAN_TYPES")]
    plan_types: Option<PathBuf>,
}

impl ExportCommand {
    pub fn plan_types(&self) -> Option<PathBuf> {
        match self {
            ExportCommand::Fhir { plan_types, .. } | ExportCommand::Person { plan_types, .. } => plan_types.clone(),
            ExportCommand::Pdf(print) | ExportCommand::Docx(print) => print.plan_types.clone(),
            ExportCommand::Csv { .. } => None,
        }
    }
}

impl ImportCommand {
    pub fn plan_types(&self) -> Option<PathBuf> {
        match self {
            ImportCommand::Fhir { plan_types, .. } => plan_types.clone(),
        }
    }
}

async fn actor(store: &Store, email: &str) -> anyhow::Result<Actor> {
    match store.user_by_email(email).await? {
        Some(user) if user.active => Ok(user.actor()),
        _ => bail!("no active user with the email address {email}"),
    }
}

fn write_out(output: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("could not write {}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// One problem a line, each naming its place in the Bundle.
fn problems(errors: &FieldErrors) -> anyhow::Error {
    anyhow::anyhow!(
        "the Bundle was not imported; nothing was written:\n{}",
        errors
            .0
            .iter()
            .map(|e| format!("  {}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

fn not_seen(error: StoreError, what: &str, email: &str) -> anyhow::Error {
    match error {
        StoreError::NotFound => anyhow::anyhow!("no {what} that {email} may see"),
        StoreError::Forbidden => anyhow::anyhow!("{email} may not do this"),
        StoreError::Invalid(errors) => problems(&errors),
        other => other.into(),
    }
}

/// `database_url` says where the audit's checkpoint key is (for the entry
/// a subject-access export writes).
pub async fn export(
    store: &Store,
    registry: &Registry,
    command: ExportCommand,
    database_url: &str,
) -> anyhow::Result<()> {
    match command {
        ExportCommand::Fhir {
            plan_id,
            as_user,
            output,
            ..
        } => {
            let actor = actor(store, &as_user).await?;
            let bundle = store
                .plan_fhir(&actor, plan_id, registry)
                .await
                .map_err(|e| not_seen(e, &format!("plan {plan_id}"), &as_user))?;
            let mut json = serde_json::to_vec_pretty(&bundle)?;
            json.push(b'\n');
            write_out(output.as_deref(), &json)
        }
        ExportCommand::Csv {
            plan_id,
            as_user,
            output,
        } => {
            let actor = actor(store, &as_user).await?;
            let csv = match plan_id {
                Some(id) => store
                    .plan_csv(&actor, id)
                    .await
                    .map_err(|e| not_seen(e, &format!("plan {id}"), &as_user))?,
                None => store.caseload_csv(&actor).await?,
            };
            write_out(output.as_deref(), &csv)
        }
        ExportCommand::Pdf(print) => print_to_file(store, registry, print, Format::Pdf).await,
        ExportCommand::Docx(print) => print_to_file(store, registry, print, Format::Docx).await,
        ExportCommand::Person {
            person_id,
            output,
            as_user,
            reason,
            ..
        } => {
            export_person(
                store,
                registry,
                database_url,
                person_id,
                &output,
                &as_user,
                reason.as_deref(),
            )
            .await
        }
    }
}

/// `export pdf` and `export docx`: the plan read with the user's access,
/// written to `output`.
async fn print_to_file(store: &Store, registry: &Registry, print: PrintArgs, format: Format) -> anyhow::Result<()> {
    let PrintArgs {
        plan_id,
        output,
        as_user,
        form,
        ..
    } = print;
    let actor = actor(store, &as_user).await?;
    let printed = match crate::export::plan_printed(store, registry, &actor, plan_id, form.as_deref(), format).await {
        Err(crate::export::ExportError::Store(StoreError::NotFound)) => match form {
            Some(form) => bail!("no plan with the id {plan_id} that {as_user} may see, or no form {form}"),
            None => bail!("no plan with the id {plan_id} that {as_user} may see"),
        },
        other => other?,
    };
    std::fs::write(&output, &printed.bytes).with_context(|| format!("could not write {}", output.display()))?;
    println!(
        "Wrote {} ({} KB) to {}.",
        printed.file_name,
        printed.bytes.len().div_ceil(1024),
        output.display()
    );
    Ok(())
}

/// `goldthread export person`: the archive written to `output`, and the
/// export recorded in the audit log (who, whose record, why), refused or not.
async fn export_person(
    store: &Store,
    registry: &Registry,
    database_url: &str,
    person_id: Uuid,
    output: &Path,
    as_user: &str,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    use crate::export::subject_access;
    let actor = actor(store, as_user).await?;
    let request = subject_access::Request {
        actor: &actor,
        person_id,
        reason,
    };
    let made = subject_access::archive(store, registry, &request).await;
    let outcome = match &made {
        Ok(_) => crate::audit::Outcome::Allowed,
        Err(crate::export::ExportError::Store(StoreError::NotFound)) => crate::audit::Outcome::Missing,
        Err(_) => crate::audit::Outcome::Failed,
    };
    let entry = crate::audit::NewEntry {
        user_id: Some(actor.id),
        address: Some("command line".to_owned()),
        action: subject_access::ACTION.to_owned(),
        person_id: Some(person_id),
        outcome: Some(outcome),
        reason: subject_access::clean_reason(reason),
        detail: "goldthread export person".to_owned(),
        ..crate::audit::NewEntry::default()
    };
    let key = crate::audit::Key::read(&crate::audit::Key::default_path(database_url))
        .ok()
        .flatten();
    // Nothing is handed out that the audit log does not record.
    store
        .append_audit(&[&entry], key.as_ref())
        .await
        .context("the export could not be recorded in the audit log, so it was not written")?;
    let archive = match made {
        Err(crate::export::ExportError::Store(StoreError::NotFound)) => {
            bail!("no person with the id {person_id} whose record {as_user} may export (administrators only)")
        }
        other => other?,
    };
    std::fs::write(output, &archive.bytes).with_context(|| format!("could not write {}", output.display()))?;
    println!(
        "Wrote everything held about person {person_id} ({} files, {} KB) to {}.",
        archive.entries,
        archive.bytes.len().div_ceil(1024),
        output.display()
    );
    Ok(())
}

pub async fn import(store: &Store, registry: &Registry, command: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Fhir { file, as_user, .. } = command;
    let actor = actor(store, &as_user).await?;
    let bytes = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)?;
        bytes
    } else {
        // Read no more than one byte past the limit: a huge file is refused
        // by its size without being read whole.
        let handle = std::fs::File::open(&file).with_context(|| format!("could not read {}", file.display()))?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(handle, goldthread_domain::fhir::MAX_BYTES as u64 + 1),
            &mut bytes,
        )?;
        bytes
    };
    let imported =
        goldthread_domain::fhir::read_bundle(&bytes, crate::local_time::today()).map_err(|e| problems(&e))?;
    let done = store
        .import_plan(&actor, &imported, registry)
        .await
        .map_err(|e| not_seen(e, "person", &as_user))?;
    println!(
        "Imported as a new draft {} plan number {} ({}) for {} person {}.",
        done.plan.plan_type,
        done.plan.number,
        done.plan.id,
        if done.new_person { "a new" } else { "the existing" },
        done.person_id
    );
    Ok(())
}
