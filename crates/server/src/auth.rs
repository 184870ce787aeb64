//! Passwords and API tokens (SPEC S5).
//!
//! Passwords are hashed with Argon2id (a memory-hard function) using the
//! `argon2` crate's defaults, which follow OWASP's recommendation. Hashing
//! takes tens of milliseconds of CPU, so it runs on the blocking pool.
//! API tokens are random and only their SHA-256 is stored.
//!
//! Each hash holds 19 MiB for its duration, so at most one hash per core
//! runs at once and only a short queue may wait for one (ASVS 5.0 V2.4.1,
//! anti-automation; V6.2 password storage): past it, callers are told the
//! server is busy ([`Busy`]) rather than letting anonymous traffic drive
//! memory up.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Too many password hashes are running or waiting: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the server is busy checking passwords; try again in a moment")]
pub struct Busy;

/// Bounds the password hashes running at once, and how many may wait.
struct HashGate {
    permits: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    queue_limit: usize,
}

/// How many hashes may run at once: one per core.
pub fn hash_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// How many hashes may wait for a free core before callers get [`Busy`].
pub fn hash_queue_limit() -> usize {
    4 * hash_concurrency()
}

static HASH_GATE: std::sync::LazyLock<HashGate> = std::sync::LazyLock::new(|| HashGate {
    permits: tokio::sync::Semaphore::new(hash_concurrency()),
    waiting: std::sync::atomic::AtomicUsize::new(0),
    queue_limit: hash_queue_limit(),
});

type Job = Box<dyn FnOnce() + Send>;

/// The threads that hash passwords: one per core, for the life of the
/// process. Always the same few threads, so the memory each hash frees is
/// reused by the next instead of being kept by ever more allocator arenas
/// (which is what bounds peak memory, not only the number running).
static HASH_THREADS: std::sync::LazyLock<std::sync::mpsc::Sender<Job>> = std::sync::LazyLock::new(|| {
    let (sender, receiver) = std::sync::mpsc::channel::<Job>();
    let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
    for i in 0..hash_concurrency() {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("password-hash-{i}"))
            .spawn(move || {
                loop {
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })
            .expect("a password hashing thread starts");
    }
    sender
});

/// Runs `work` (one Argon2 hash) on a hashing thread once one is free.
async fn gated<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
    use std::sync::atomic::Ordering;
    let gate = &*HASH_GATE;
    let permit = match gate.permits.try_acquire() {
        Ok(permit) => permit,
        Err(_) => {
            if gate.waiting.fetch_add(1, Ordering::SeqCst) >= gate.queue_limit {
                gate.waiting.fetch_sub(1, Ordering::SeqCst);
                return Err(Busy);
            }
            let permit = gate.permits.acquire().await;
            gate.waiting.fetch_sub(1, Ordering::SeqCst);
            permit.map_err(|_| Busy)?
        }
    };
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    let result = match HASH_THREADS.send(job) {
        Ok(()) => result.await.map_err(|_| Busy),
        Err(_) => Err(Busy),
    };
    drop(permit);
    result
}

pub async fn hash_password(password: String) -> anyhow::Result<String> {
    gated(move || {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let salt = SaltString::encode_b64(&bytes).map_err(|e| anyhow::anyhow!("could not make a salt: {e}"))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("could not hash the password: {e}"))
    })
    .await?
}

/// Checks a password against a stored hash. With no hash (no such user) it
/// still does the work of one check, so that timing does not reveal which
/// e-mail addresses have accounts. [`Busy`] when too many are waiting.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, Busy> {
    gated(move || {
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        match PasswordHash::new(&hash) {
            Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && hash != DUMMY_HASH,
            Err(_) => false,
        }
    })
    .await
}

/// A valid Argon2id hash of a random password nobody knows.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3e8Vb0yXk4HQo2v9bW3B1Qm4gQ9gq2rj2Jd0r1k4m1Y";

/// A new API token, shown once to its owner.
pub fn new_api_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("gt_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored for a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// HMAC-SHA-256 of `message` under `key`, hex: signs cookies.
pub fn sign(key: &[u8], message: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `value.signature`, checked in constant time; the value when it is ours.
pub fn verify_signed<'a>(key: &[u8], purpose: &str, signed: &'a str) -> Option<&'a str> {
    use subtle::ConstantTimeEq;
    let (value, signature) = signed.rsplit_once('.')?;
    let expected = sign(key, &format!("{purpose}:{value}"));
    bool::from(expected.as_bytes().ct_eq(signature.as_bytes())).then_some(value)
}

/// `value.signature` for a cookie.
pub fn signed(key: &[u8], purpose: &str, value: &str) -> String {
    format!("{value}.{}", sign(key, &format!("{purpose}:{value}")))
}

/// A random secret for a CSRF token.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_round_trip_and_unknown_users_never_match() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong horse battery".into(), Some(hash)).await.unwrap());
        assert!(!verify_password("anything".into(), None).await.unwrap());
    }

    #[test]
    fn signed_values_are_checked() {
        let key = b"0123456789abcdef0123456789abcdef";
        let cookie = signed(key, "csrf", "abc");
        assert_eq!(verify_signed(key, "csrf", &cookie), Some("abc"));
        assert_eq!(
            verify_signed(key, "device", &cookie),
            None,
            "a purpose cannot stand for another"
        );
        assert_eq!(verify_signed(b"another key", "csrf", &cookie), None);
        assert_eq!(verify_signed(key, "csrf", "abc.0000"), None);
        assert_eq!(verify_signed(key, "csrf", "abc"), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_api_token();
        assert!(a.starts_with("gt_") && a.len() > 40);
        assert_ne!(a, new_api_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(token_hash(&a), token_hash(&format!(" {a} ")));
    }
}
