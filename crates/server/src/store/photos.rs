//! A person's photo. Each upload is kept; the newest is shown.

use goldthread_domain::error::FieldErrors;
use goldthread_domain::user::Actor;
use uuid::Uuid;

use super::{Result, Store, StoreError, now, on_pool, to_millis};

/// Largest photo accepted.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

/// The content type of an acceptable photo, judged by its first bytes (the
/// declared type is not trusted).
pub fn photo_type(data: &[u8]) -> std::result::Result<&'static str, FieldErrors> {
    if data.is_empty() {
        return Err(FieldErrors::single("photo", "Choose a photo"));
    }
    if data.len() > MAX_PHOTO_BYTES {
        return Err(FieldErrors::single("photo", "The photo must be smaller than 2 MB"));
    }
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else {
        Err(FieldErrors::single("photo", "The photo must be a PNG or JPG image"))
    }
}

impl Store {
    /// Sets (or with `None`, removes) the photo of a person the actor may see.
    pub async fn set_person_photo(&self, actor: &Actor, person_id: Uuid, data: Option<&[u8]>) -> Result<()> {
        self.person(actor, person_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_person_writable(actor, person_id).await?;
        let (content_type, bytes): (&str, &[u8]) = match data {
            Some(data) => (photo_type(data)?, data),
            None => ("", &[]),
        };
        // The next number in the person's photo history; the unique key
        // makes a racing second upload fail rather than interleave.
        let result = on_pool!(self, pool => {
            let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM person_photos WHERE person_id = $1")
                .bind(person_id.to_string())
                .fetch_one(pool)
                .await?;
            sqlx::query(
                "INSERT INTO person_photos (id, person_id, content_type, size, data, uploaded_by, uploaded_at, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Uuid::new_v4().to_string())
            .bind(person_id.to_string())
            .bind(content_type)
            .bind(bytes.len() as i64)
            .bind(bytes)
            .bind(actor.id.to_string())
            .bind(to_millis(now()))
            .bind(seq)
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(StoreError::from)
        });
        match result {
            Err(e) if e.is_unique_violation() => Err(StoreError::Invalid(FieldErrors::single(
                "photo",
                "Someone else changed the photo at the same moment; try again",
            ))),
            other => other,
        }
    }

    /// The current photo of a person the actor may see, if there is one.
    pub async fn person_photo(&self, actor: &Actor, person_id: Uuid) -> Result<Option<(String, Vec<u8>)>> {
        self.person(actor, person_id).await?;
        let row: Option<(String, Vec<u8>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT content_type, data FROM person_photos WHERE person_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(person_id.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.filter(|(content_type, _)| !content_type.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::photo_type;

    #[test]
    fn photos_are_judged_by_their_bytes() {
        assert_eq!(photo_type(b"\x89PNG\r\n\x1a\nrest").unwrap(), "image/png");
        assert_eq!(photo_type(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), "image/jpeg");
        assert!(photo_type(b"<svg onload=alert(1)>").is_err());
        assert!(photo_type(b"").is_err());
        assert!(photo_type(&vec![0xFF; 3 * 1024 * 1024]).is_err());
    }
}
