//! Files attached to a plan's documents: uploading and downloading.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use goldthread_domain::content::*;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Plan};
use uuid::Uuid;

use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::pages::people::parse_id;
use crate::web::session::CurrentUser;

use super::fields::item_values;
use super::items::{finish, item_title, section_kind_ok};
use super::parse::Data;
use super::views::size;
use super::{load, save};

/// For a document being edited: where to attach a file, and the file it has.
pub(super) fn attachment(plan: &Plan, kind: ItemKind, remove_action: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(remove) = remove_action.filter(|_| kind == ItemKind::Appendix) else {
        return (None, None);
    };
    let item_id = remove
        .trim_end_matches("/remove")
        .rsplit('/')
        .next()
        .and_then(|i| Uuid::parse_str(i).ok());
    let attached = item_id
        .and_then(|id| plan.content.appendices.iter().find(|a| a.id == id))
        .and_then(|a| a.file.as_ref())
        .map(|f| format!("{} ({})", f.name, size(f.size)));
    (Some(remove.replace("/remove", "/file")), attached)
}

/// Attaches an uploaded file (the scanned signed copy, a report) to a
/// document of the plan: the file is stored, then the document changed to
/// point at it, so the change is in the plan's history.
pub(super) async fn attach_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, item)): Path<(String, String, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    section_kind_ok(&section, ItemKind::Appendix)?;
    let item_id = parse_id(&item)?;
    let Some(Item::Appendix(existing)) = view.plan.content.item(ItemKind::Appendix, item_id) else {
        return Err(PageError::NotFound);
    };
    let mut data = Data::default();
    let mut upload: Option<(String, String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return Err(PageError::Status(
                    e.status(),
                    "The upload could not be read; try again.".into(),
                ));
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let content_type = field.content_type().unwrap_or("").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| PageError::Status(e.status(), "The upload could not be read; try again.".into()))?;
            upload = Some((file_name, content_type, bytes.to_vec()));
        } else if let Ok(text) = field.text().await {
            data.0.push((name, text));
        }
    }
    let result = match upload {
        Some((name, content_type, bytes)) if !name.is_empty() => {
            match state
                .store
                .save_file(&user.actor(), view.plan.id, &name, &content_type, &bytes)
                .await
            {
                Ok(file) => {
                    let item = Item::Appendix(Appendix {
                        file: Some(file),
                        ..existing.clone()
                    });
                    save(&state, &user, &view.plan, &data, Change::ItemEdited { item }).await
                }
                Err(e) => Err(e),
            }
        }
        _ => Err(StoreError::Invalid(FieldErrors::single("file", "Choose a file"))),
    };
    let base = format!(
        "/plans/{}/sections/{}/items/appendix/{}",
        view.plan.id, section.key, item_id
    );
    let title = item_title(ItemKind::Appendix, &view.plan, None, false);
    let mut values = item_values(&Item::Appendix(existing));
    values.0.extend(data.0);
    finish(
        &state,
        &user,
        view,
        &section,
        ItemKind::Appendix,
        values,
        result,
        title,
        base.clone(),
        Some(format!("{base}/remove")),
    )
}

/// Downloads a file of a plan the user may see.
pub(super) async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (file, bytes) = state
        .store
        .file(&user.actor(), parse_id(&id)?, parse_id(&file)?)
        .await?;
    Ok(file_response(&file, bytes))
}

/// A file as a download: never shown inline, never sniffed.
pub fn file_response(file: &FileRef, bytes: Vec<u8>) -> Response {
    let safe_name: String = file
        .name
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let ascii: String = safe_name.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, file.content_type.clone()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
