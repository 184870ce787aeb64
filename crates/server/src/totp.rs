//! Time-based one-time passwords (RFC 6238) for two-factor sign-in with an
//! authenticator app, and the recovery codes that stand in for the app.
//!
//! Plain functions of the secret and the time (the clock is the caller's),
//! so the rules can be tested at any moment: 6 digits, 30-second steps,
//! SHA-1 (what every authenticator app supports), and one step of clock
//! skew either way. The caller stores the step of each accepted code and
//! refuses any code for that step or an earlier one, so a code is never
//! accepted twice (ASVS V6.5.1).

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

/// Seconds per step.
pub const STEP: u64 = 30;
/// Steps of clock skew allowed either way.
pub const SKEW: u64 = 1;
const DIGITS: usize = 6;
/// How many recovery codes a user is given.
pub const RECOVERY_CODES: usize = 10;

/// A new random secret: 160 bits, as RFC 4226 recommends (ASVS V6.5.3).
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

fn totp(secret: &[u8], account: &str) -> anyhow::Result<TOTP> {
    // The account name may not hold a colon (otpauth URI syntax).
    let account = account.replace(':', " ");
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        SKEW as u8,
        STEP,
        secret.to_vec(),
        Some("Goldthread".to_owned()),
        account,
    )
    .map_err(|e| anyhow::anyhow!("TOTP parameters: {e}"))
}

/// The secret as people type it into an app: base32, in groups of four.
pub fn secret_for_typing(secret: &[u8]) -> String {
    let encoded = base32_encode(secret);
    encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn base32_encode(secret: &[u8]) -> String {
    totp_rs::Secret::Raw(secret.to_vec()).to_encoded().to_string()
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    totp_rs::Secret::Encoded(text.to_owned()).to_bytes().ok()
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], account: &str) -> anyhow::Result<String> {
    Ok(totp(secret, account)?.get_url())
}

/// The QR code of the `otpauth://` URI, as an SVG image (no script, so it
/// passes the Content Security Policy).
pub fn qr_svg(secret: &[u8], account: &str) -> anyhow::Result<String> {
    let uri = otpauth_uri(secret, account)?;
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| anyhow::anyhow!("QR code: {e}"))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The time step `code` is valid for at `unix_time`, allowing one step of
/// skew either way, or `None`. Compared in constant time.
pub fn matching_step(secret: &[u8], code: &str, unix_time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "x").ok()?;
    let now = unix_time / STEP;
    let mut found = None;
    for step in now.saturating_sub(SKEW)..=now + SKEW {
        let expected = totp.generate(step * STEP);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            found = Some(step);
        }
    }
    found
}

/// Does this look like a one-time code (rather than a recovery code)?
pub fn looks_like_code(text: &str) -> bool {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == DIGITS && digits.chars().all(|c| c.is_ascii_digit())
}

/// New recovery codes, shown once: ten of `xxxxx-xxxxx` (50 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code = String::with_capacity(11);
            for i in 0..10 {
                if i == 5 {
                    code.push('-');
                }
                code.push(ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char);
            }
            code
        })
        .collect()
}

/// What is stored for a recovery code: its SHA-256, ignoring case, spaces
/// and dashes (the codes are random, so a fast hash is enough).
pub fn recovery_code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B test vector (SHA-1, 8 digits there; the last 6
    /// digits here): T = 59 s gives 94287082.
    #[test]
    fn rfc_6238_vector() {
        let secret = b"12345678901234567890";
        assert_eq!(matching_step(secret, "287082", 59), Some(1));
        assert_eq!(
            matching_step(secret, "287082", 59 + 30),
            Some(1),
            "one step late is allowed"
        );
        assert_eq!(matching_step(secret, "287082", 59 + 60), None, "two steps late is not");
        assert_eq!(matching_step(secret, "28708", 59), None);
        assert_eq!(matching_step(secret, "abcdef", 59), None);
    }

    #[test]
    fn recovery_codes_are_random_and_hashed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_ne!(codes[0], codes[1]);
        assert_eq!(
            recovery_code_hash(&codes[0]),
            recovery_code_hash(&codes[0].to_uppercase().replace('-', " "))
        );
    }

    #[test]
    fn secret_round_trips_and_qr_is_svg() {
        let secret = new_secret();
        assert_eq!(base32_decode(&base32_encode(&secret)).unwrap(), secret);
        let svg = qr_svg(&secret, "priya@example.org").unwrap();
        assert!(svg.contains("<svg"));
        assert!(
            otpauth_uri(&secret, "priya@example.org")
                .unwrap()
                .starts_with("otpauth://totp/Goldthread:")
        );
    }
}
