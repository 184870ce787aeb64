//! Documents out (issue 13, SPEC D1): a plan printed as a PDF or a Word
//! file (DOCX) in its plan type's layout, or on another type's form, both
//! from one document model. Every door (the plan page's button and link,
//! the API, `goldthread export pdf|docx`) comes through [`plan_printed`], so
//! access is checked where the plan is read and a plan the caller may not
//! see answers exactly like one that does not exist.

pub mod document;
pub mod subject_access;

use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use uuid::Uuid;

use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Not found (or not the caller's to see), or the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The document could not be laid out: a bug, never the caller's input.
    #[error("the plan could not be printed: {0}")]
    Render(String),
}

/// A printed plan and the name to save it under.
pub struct Printed {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The plan `plan_id` as the actor may see it, printed as a PDF on its own
/// type's form or on `form` (another type's id, e.g. `PB` for a blank
/// sheet). An unknown form is "not found", like the plan.
pub async fn plan_pdf(
    store: &Store,
    registry: &Registry,
    actor: &Actor,
    plan_id: Uuid,
    form: Option<&str>,
) -> Result<Printed, ExportError> {
    plan_printed(store, registry, actor, plan_id, form, Format::Pdf).await
}

/// The same plan as a Word file (DOCX), from the same document model as
/// [`plan_pdf`], so the two say the same.
pub async fn plan_docx(
    store: &Store,
    registry: &Registry,
    actor: &Actor,
    plan_id: Uuid,
    form: Option<&str>,
) -> Result<Printed, ExportError> {
    plan_printed(store, registry, actor, plan_id, form, Format::Docx).await
}

/// What a plan is printed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => DOCX_CONTENT_TYPE,
        }
    }
}

/// The media type of a Word (Office Open XML) document.
pub const DOCX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The plan read with the actor's access, its document built once, and
/// that document written in `format`.
pub async fn plan_printed(
    store: &Store,
    registry: &Registry,
    actor: &Actor,
    plan_id: Uuid,
    form: Option<&str>,
    format: Format,
) -> Result<Printed, ExportError> {
    let plan = store.plan(actor, plan_id).await?;
    let person = store.person(actor, plan.person_id).await?;
    let own = registry.get(&plan.plan_type);
    let layout = match form {
        Some(id) => registry.get(id),
        None => own,
    }
    .ok_or(StoreError::NotFound)?;
    let document = document::build(&document::Sources {
        plan: &plan,
        person: &person,
        own,
        form: layout,
        today: crate::local_time::today(),
    });
    let file_name = file_name(&document.person, &layout.id, plan.number, format.extension());
    // Laying out pages is CPU work: off the threads that serve requests.
    let bytes = tokio::task::spawn_blocking(move || match format {
        Format::Pdf => goldthread_documents::render(&document).map_err(|e| e.to_string()),
        Format::Docx => goldthread_documents::docx::render(&document).map_err(|e| e.to_string()),
    })
    .await
    .map_err(|e| ExportError::Render(e.to_string()))?
    .map_err(ExportError::Render)?;
    Ok(Printed { file_name, bytes })
}

/// "leo-martin-msp-plan-1.pdf": plain letters, digits and hyphens only, so
/// it is safe in a header and on any file system.
pub fn file_name(person: &str, plan_type: &str, number: u32, extension: &str) -> String {
    let mut name = String::new();
    for word in format!("{person} {plan_type} plan {number}").split(|c: char| !c.is_ascii_alphanumeric()) {
        if !word.is_empty() {
            if !name.is_empty() {
                name.push('-');
            }
            name.push_str(&word.to_ascii_lowercase());
        }
    }
    format!("{name}.{extension}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_plain() {
        assert_eq!(
            super::file_name("Zoë O'Neil", "PB-BLANK", 2, "pdf"),
            "zo-o-neil-pb-blank-plan-2.pdf"
        );
    }
}
