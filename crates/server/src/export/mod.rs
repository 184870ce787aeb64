//! Documents out (issue 13, SPEC D1): a plan printed as a PDF in its plan
//! type's layout, or on another type's form. Every door (the plan page's
//! button, the API, `goldthread export pdf`) comes through [`plan_pdf`], so
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
    let file_name = file_name(&document.person, &layout.id, plan.number, "pdf");
    // Laying out pages is CPU work: off the threads that serve requests.
    let bytes = tokio::task::spawn_blocking(move || goldthread_documents::render(&document))
        .await
        .map_err(|e| ExportError::Render(e.to_string()))?
        .map_err(|e| ExportError::Render(e.to_string()))?;
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
