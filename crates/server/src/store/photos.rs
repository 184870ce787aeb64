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

/// Decodes a photo and encodes it afresh in the same format (ASVS 5.0
/// V5.2.2): only the picture survives, not metadata, trailing bytes or a
/// second file hidden in it (a PNG+HTML polyglot). Huge dimensions are
/// refused before decoding (a decompression bomb).
pub fn reencode_photo(data: &[u8]) -> std::result::Result<(&'static str, Vec<u8>), FieldErrors> {
    use image::ImageFormat;
    let content_type = photo_type(data)?;
    let format = if content_type == "image/png" {
        ImageFormat::Png
    } else {
        ImageFormat::Jpeg
    };
    let unreadable = || FieldErrors::single("photo", "The photo could not be read: choose a PNG or JPG image");
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(data), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(8000);
    limits.max_image_height = Some(8000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode().map_err(|_| unreadable())?;
    let mut out = Vec::new();
    let written = match format {
        ImageFormat::Png => picture.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png),
        _ => picture
            .to_rgb8()
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)),
    };
    written.map_err(|_| unreadable())?;
    Ok((content_type, out))
}

impl Store {
    /// Sets (or with `None`, removes) the photo of a person the actor may see.
    pub async fn set_person_photo(&self, actor: &Actor, person_id: Uuid, data: Option<&[u8]>) -> Result<()> {
        self.person(actor, person_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_person_writable(actor, person_id).await?;
        let reencoded = match data {
            Some(data) => {
                let data = data.to_vec();
                Some(
                    tokio::task::spawn_blocking(move || reencode_photo(&data))
                        .await
                        .map_err(|e| StoreError::corrupt(format!("could not re-encode a photo: {e}")))??,
                )
            }
            None => None,
        };
        let (content_type, bytes): (&str, &[u8]) = match &reencoded {
            Some((content_type, bytes)) => (content_type, bytes),
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
    use super::{photo_type, reencode_photo};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_pixel(width, height, image::Rgb([200, 120, 40]));
        let mut out = Vec::new();
        picture
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    /// ASVS 5.0 V5.2.2: a PNG with a web page appended (a polyglot) comes
    /// out as the picture alone; what is not a picture is refused.
    #[test]
    fn photos_are_reencoded_so_polyglots_do_not_survive_asvs_5_2_2() {
        let mut polyglot = png(3, 2);
        polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
        let (content_type, clean) = reencode_photo(&polyglot).unwrap();
        assert_eq!(content_type, "image/png");
        assert!(!clean.windows(7).any(|w| w == b"<script"));
        let decoded = image::load_from_memory(&clean).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (3, 2));

        let mut jpeg = Vec::new();
        image::RgbImage::from_pixel(4, 4, image::Rgb([1, 2, 3]))
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut jpeg))
            .unwrap();
        jpeg.extend_from_slice(b"<script>");
        let (content_type, clean) = reencode_photo(&jpeg).unwrap();
        assert_eq!(content_type, "image/jpeg");
        assert!(!clean.windows(8).any(|w| w == b"<script>"));

        assert!(reencode_photo(b"\x89PNG\r\n\x1a\nnot really a picture").is_err());
    }

    #[test]
    fn photos_are_judged_by_their_bytes() {
        assert_eq!(photo_type(b"\x89PNG\r\n\x1a\nrest").unwrap(), "image/png");
        assert_eq!(photo_type(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), "image/jpeg");
        assert!(photo_type(b"<svg onload=alert(1)>").is_err());
        assert!(photo_type(b"").is_err());
        assert!(photo_type(&vec![0xFF; 3 * 1024 * 1024]).is_err());
    }
}
