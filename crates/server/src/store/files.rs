//! Uploaded files, each belonging to one plan and seen only by those who
//! may see the plan.

use goldthread_domain::content::{Appendix, FileRef};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::user::Actor;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Result, Store, StoreError, now, on_pool, parse_uuid, to_millis};

/// Gives every uploaded file of the appendices carried to a new plan
/// (transfer, succession) a new id there, returning the (old id, new id)
/// pairs that [`copy_files!`] copies inside the same transaction.
pub(crate) fn renew_file_ids<'a>(appendices: impl IntoIterator<Item = &'a mut Appendix>) -> Vec<(Uuid, Uuid)> {
    let mut files = Vec::new();
    for appendix in appendices {
        if let Some(file) = &mut appendix.file {
            let copy = Uuid::new_v4();
            files.push((file.id, copy));
            file.id = copy;
        }
    }
    files
}

/// Copies the files of plan `$from` named by [`renew_file_ids`]'s pairs to
/// plan `$to` under their new ids, inside the open transaction `$tx`
/// (either database).
macro_rules! copy_files {
    ($tx:ident, $files:expr, $from:expr, $to:expr) => {
        for (old_file, new_file) in $files {
            sqlx::query(
                "INSERT INTO files (id, plan_id, name, content_type, size, sha256, data, uploaded_by, uploaded_at) \
                 SELECT $1, $2, name, content_type, size, sha256, data, uploaded_by, uploaded_at FROM files WHERE id = $3 AND plan_id = $4",
            )
            .bind(new_file.to_string())
            .bind($to.to_string())
            .bind(old_file.to_string())
            .bind($from.to_string())
            .execute(&mut *$tx)
            .await?;
        }
    };
}
pub(crate) use copy_files;

/// Largest file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file accepted, by content type, with the extension each
/// must carry.
pub const ACCEPTED: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("text/plain", &["txt"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    ("application/msword", &["doc"]),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
];

/// Checks a file's name, type and size before it is stored.
pub fn check_upload(name: &str, content_type: &str, size: usize) -> std::result::Result<(String, String), FieldErrors> {
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let name = name.trim().to_owned();
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let content_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let mut errors = FieldErrors::new();
    if name.is_empty() {
        errors.add("file", "Choose a file");
    } else if size == 0 {
        errors.add("file", "The file is empty");
    } else if size > MAX_FILE_BYTES {
        errors.add(
            "file",
            format!("The file must be smaller than {} MB", MAX_FILE_BYTES / 1024 / 1024),
        );
    } else {
        // Trust neither alone: the extension must fit the declared type, or
        // the declared type is taken from the extension when the browser
        // gives a generic one.
        let by_extension = ACCEPTED
            .iter()
            .find(|(_, exts)| exts.contains(&extension.as_str()))
            .map(|(t, _)| *t);
        match by_extension {
            None => errors.add("file", "The file must be a PDF, PNG, JPG, TXT, DOC, DOCX or ODT"),
            Some(expected)
                if content_type == expected
                    || content_type.is_empty()
                    || content_type == "application/octet-stream" =>
            {
                return Ok((name, expected.to_owned()));
            }
            Some(_) => errors.add("file", "The file's type does not match its name"),
        }
    }
    Err(errors)
}

/// Checks that a file's bytes are what its type says (ASVS 5.0 V5.2.2):
/// the magic bytes of PDF, PNG, JPEG and office files, and text that is
/// text, not a web page. HTML named `x.pdf` is refused.
pub fn check_content(content_type: &str, data: &[u8]) -> std::result::Result<(), FieldErrors> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let head = &data[..data.len().min(4096)];
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    let fits = match content_type {
        "application/pdf" => data.starts_with(b"%PDF-"),
        "image/png" => data.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => data.starts_with(&[0xFF, 0xD8, 0xFF]),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            data.starts_with(ZIP) && data.windows(19).any(|w| w == b"[Content_Types].xml")
        }
        "application/vnd.oasis.opendocument.text" => {
            data.starts_with(ZIP) && contains(b"mimetypeapplication/vnd.oasis.opendocument.text")
        }
        "application/msword" => data.starts_with(OLE),
        "text/plain" => {
            let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
            std::str::from_utf8(data).is_ok()
                && !data.contains(&0)
                && !["<!doctype", "<html", "<script", "<svg", "<iframe", "<body"]
                    .iter()
                    .any(|tag| lower.contains(tag))
        }
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(FieldErrors::single(
            "file",
            "The file's contents do not match its type: upload the document itself as a PDF, PNG, JPG, TXT, DOC, DOCX or ODT",
        ))
    }
}

impl Store {
    /// Stores a file for a plan the actor may see and change.
    pub async fn save_file(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        name: &str,
        content_type: &str,
        data: &[u8],
    ) -> Result<FileRef> {
        self.plan(actor, plan_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_plan_writable(actor, plan_id).await?;
        let (name, content_type) = check_upload(name, content_type, data.len())?;
        check_content(&content_type, data)?;
        let id = Uuid::new_v4();
        let sha = hex::encode(Sha256::digest(data));
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO files (id, plan_id, name, content_type, size, sha256, data, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id.to_string())
            .bind(plan_id.to_string())
            .bind(&name)
            .bind(&content_type)
            .bind(data.len() as i64)
            .bind(&sha)
            .bind(data)
            .bind(actor.id.to_string())
            .bind(to_millis(now()))
            .execute(pool)
            .await?;
        });
        Ok(FileRef {
            id,
            name,
            content_type,
            size: data.len() as u64,
        })
    }

    /// The file's description, if it belongs to the plan (no access check:
    /// for storage's own use when a change names a file).
    pub(crate) async fn file_ref(&self, plan_id: Uuid, file_id: Uuid) -> Result<Option<FileRef>> {
        let row: Option<(String, String, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, content_type, size FROM files WHERE id = $1 AND plan_id = $2")
                .bind(file_id.to_string())
                .bind(plan_id.to_string())
                .fetch_optional(pool)
                .await?
        });
        row.map(|(id, name, content_type, size)| {
            Ok(FileRef {
                id: parse_uuid(&id)?,
                name,
                content_type,
                size: size as u64,
            })
        })
        .transpose()
    }

    /// A file of a plan the actor may see, with its bytes.
    pub async fn file(&self, actor: &Actor, plan_id: Uuid, file_id: Uuid) -> Result<(FileRef, Vec<u8>)> {
        self.plan(actor, plan_id).await?;
        let file = self.file_ref(plan_id, file_id).await?.ok_or(StoreError::NotFound)?;
        let data: Vec<u8> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT data FROM files WHERE id = $1")
                .bind(file_id.to_string())
                .fetch_one(pool)
                .await?
        });
        Ok((file, data))
    }
}

#[cfg(test)]
mod tests {
    use super::{check_content, check_upload};

    /// ASVS 5.0 V5.2.2: a file's content must match its declared type.
    #[test]
    fn contents_must_match_the_type_asvs_5_2_2() {
        assert!(check_content("application/pdf", b"%PDF-1.7 ...").is_ok());
        assert!(check_content("application/pdf", b"<html><script>alert(1)</script>").is_err());
        assert!(check_content("image/png", b"\x89PNG\r\n\x1a\nrest").is_ok());
        assert!(check_content("image/png", b"GIF89a").is_err());
        assert!(check_content("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]).is_ok());
        assert!(check_content("image/jpeg", b"%PDF-").is_err());
        assert!(check_content("text/plain", b"Notes from the review meeting.").is_ok());
        assert!(check_content("text/plain", b"<!DOCTYPE html><p>hi").is_err());
        assert!(check_content("text/plain", b"\xff\xfe binary").is_err());
        let docx = b"PK\x03\x04....[Content_Types].xml....";
        assert!(
            check_content(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                docx
            )
            .is_ok()
        );
        assert!(
            check_content(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                b"PK\x03\x04 other zip"
            )
            .is_err()
        );
        let odt = b"PK\x03\x04..........................mimetypeapplication/vnd.oasis.opendocument.text";
        assert!(check_content("application/vnd.oasis.opendocument.text", odt).is_ok());
        assert!(
            check_content(
                "application/msword",
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]
            )
            .is_ok()
        );
        assert!(check_content("application/msword", b"{\\rtf1").is_err());
    }

    #[test]
    fn uploads_are_checked_by_name_type_and_size() {
        assert_eq!(
            check_upload("C:\\scans\\signed plan.pdf", "application/pdf", 10).unwrap(),
            ("signed plan.pdf".to_owned(), "application/pdf".to_owned())
        );
        assert_eq!(
            check_upload("photo.JPG", "application/octet-stream", 10).unwrap().1,
            "image/jpeg"
        );
        assert!(check_upload("virus.exe", "application/pdf", 10).is_err());
        assert!(check_upload("plan.pdf", "text/html", 10).is_err());
        assert!(check_upload("plan.pdf", "application/pdf", 0).is_err());
        assert!(check_upload("plan.pdf", "application/pdf", 11 * 1024 * 1024).is_err());
        assert!(check_upload("", "application/pdf", 10).is_err());
    }
}
