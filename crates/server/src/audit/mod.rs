//! The audit log (issue 12, SPEC S2): who read or wrote what, when, from
//! where, with what outcome; chained by hash and signed at checkpoints so
//! that it cannot be altered unnoticed.
//!
//! - [`Auditor`]: the group-commit writer. Requests hand it their entry and
//!   wait for the batch holding it to be committed (durable) before they
//!   answer; one background task writes whatever has queued up meanwhile in
//!   one transaction, computing the chain in order.
//! - [`note`]: what a request touched, noted where it is read (the store's
//!   read functions, the sign-in extractors) and picked up by the
//!   middleware in [`middleware`], which writes one entry per request.
//! - [`entry_hash`], [`change_hash`]: the canonical encodings hashed; the
//!   plan and person histories are chained with the second (and, since
//!   retention, with [`change_hash_v2`] over a [`change_digest`]).
//! - [`Key`]: the checkpoint signing key (HMAC-SHA-256), kept outside the
//!   database.

pub mod cli;
pub mod middleware;
pub mod search;

use std::path::{Path, PathBuf};

use hmac::Mac;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::store::Store;

/// The hash before the first entry (and before a plan's first change).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Write a signed checkpoint after this many entries…
pub const CHECKPOINT_EVERY_ENTRIES: i64 = 100;
/// …or after this many milliseconds, whichever comes first.
pub const CHECKPOINT_EVERY_MILLIS: i64 = 10 * 60 * 1000;

/// Largest batch written in one transaction.
const MAX_BATCH: usize = 512;

/// How a request ended, for the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AuditOutcome)]
pub enum Outcome {
    /// Done or shown.
    Allowed,
    /// Refused: not allowed, or input the rules refuse.
    Refused,
    /// Not found (or not the caller's to see: the two look the same).
    Missing,
    /// The server failed.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Refused => "refused",
            Outcome::Missing => "missing",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Some(match s {
            "allowed" => Outcome::Allowed,
            "refused" => Outcome::Refused,
            "missing" => Outcome::Missing,
            "failed" => Outcome::Failed,
            _ => return None,
        })
    }

    /// The outcome an HTTP status means.
    pub fn of_status(status: u16) -> Outcome {
        match status {
            404 | 410 => Outcome::Missing,
            400..=499 => Outcome::Refused,
            500.. => Outcome::Failed,
            _ => Outcome::Allowed,
        }
    }
}

/// An entry before it is numbered and chained.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub user_id: Option<Uuid>,
    pub address: Option<String>,
    pub action: String,
    pub person_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub version: Option<i64>,
    pub outcome: Option<Outcome>,
    pub reason: Option<String>,
    pub detail: String,
}

/// One entry of the audit log as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = AuditEntry)]
pub struct Entry {
    /// Its place in the chain, from 1.
    pub seq: i64,
    /// When, in milliseconds since the Unix epoch (UTC).
    pub at: i64,
    /// Who, when anyone was signed in.
    pub user_id: Option<String>,
    /// The client's address.
    pub address: Option<String>,
    /// What, e.g. `plan.read`, `plan.change`, `sign_in.failed`.
    pub action: String,
    pub person_id: Option<String>,
    pub plan_id: Option<String>,
    /// The plan's (or person's) version read or written.
    pub version: Option<i64>,
    pub outcome: Outcome,
    /// The reason the user gave, if any.
    pub reason: Option<String>,
    /// What was asked, e.g. `GET /plans/{id}`.
    pub detail: String,
    /// The hash of the entry before (all zeros for the first).
    pub prev_hash: String,
    /// SHA-256 over this entry's canonical encoding and `prev_hash`.
    pub hash: String,
    /// Since retention (migration 0015): SHA-256 of the reason
    /// ([`reason_digest`]), which the hash covers instead of the reason, so
    /// that retention can remove a reason about a removed plan or an
    /// anonymised person and the chain still verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_digest: Option<String>,
    /// The retention event that removed the reason, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted_by: Option<String>,
}

impl Entry {
    /// The hash this entry should carry, from its content.
    pub fn computed_hash(&self) -> String {
        entry_hash(self)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 over the canonical encoding of an audit entry: a JSON array of
/// its fields in a fixed order (strings, integers and nulls only, so the
/// encoding is unique), ending with the previous entry's hash.
pub fn entry_hash(e: &Entry) -> String {
    if let Some(digest) = &e.reason_digest {
        // Since retention: the reason's digest stands in for the reason.
        let canonical = serde_json::json!([
            "audit-v2",
            e.seq,
            e.at,
            e.user_id,
            e.address,
            e.action,
            e.person_id,
            e.plan_id,
            e.version,
            e.outcome.as_str(),
            digest,
            e.detail,
            e.prev_hash,
        ]);
        return sha256_hex(canonical.to_string().as_bytes());
    }
    let canonical = serde_json::json!([
        "audit",
        e.seq,
        e.at,
        e.user_id,
        e.address,
        e.action,
        e.person_id,
        e.plan_id,
        e.version,
        e.outcome.as_str(),
        e.reason,
        e.detail,
        e.prev_hash,
    ]);
    sha256_hex(canonical.to_string().as_bytes())
}

/// The digest of an audit entry's reason that its hash covers (entries
/// written since migration 0015).
pub fn reason_digest(reason: Option<&str>) -> String {
    sha256_hex(serde_json::json!([reason]).to_string().as_bytes())
}

/// One stored change of a plan's or a person's history, as hashed.
#[derive(Debug, Clone)]
pub struct ChangeFields<'a> {
    /// `plan` or `person`.
    pub kind: &'a str,
    pub subject: &'a str,
    pub seq: i64,
    pub at: i64,
    pub author_id: Option<&'a str>,
    pub author_name: &'a str,
    pub reason: Option<&'a str>,
    /// The change (or the person's details) exactly as stored (JSON text).
    pub body: &'a str,
}

/// SHA-256 over the canonical encoding of a change and the previous
/// change's hash ([`GENESIS`] for the first).
pub fn change_hash(c: &ChangeFields<'_>, prev: &str) -> String {
    let canonical = serde_json::json!([
        c.kind,
        c.subject,
        c.seq,
        c.at,
        c.author_id,
        c.author_name,
        c.reason,
        c.body,
        prev
    ]);
    sha256_hex(canonical.to_string().as_bytes())
}

/// The digest stored beside a change written since retention (migration
/// 0015): SHA-256 over its reason and body. The chain is computed over this
/// digest ([`change_hash_v2`]) rather than the body, so that retention can
/// later replace the body and reason by [`REDACTED`] while the chain still
/// verifies.
pub fn change_digest(reason: Option<&str>, body: &str) -> String {
    sha256_hex(serde_json::json!([reason, body]).to_string().as_bytes())
}

/// The body a redacted change carries instead of its content.
pub const REDACTED: &str = r#"{"redacted":"retention"}"#;

/// SHA-256 over a change's metadata, the digest of its content
/// ([`change_digest`]) and the previous change's hash. `c.reason` and
/// `c.body` are not used (the digest covers them).
pub fn change_hash_v2(c: &ChangeFields<'_>, digest: &str, prev: &str) -> String {
    let canonical = serde_json::json!([
        "v2",
        c.kind,
        c.subject,
        c.seq,
        c.at,
        c.author_id,
        c.author_name,
        digest,
        prev
    ]);
    sha256_hex(canonical.to_string().as_bytes())
}

/// The key checkpoints are signed with (HMAC-SHA-256). Kept outside the
/// database, so that whoever can rewrite the database cannot sign.
#[derive(Clone)]
pub struct Key {
    bytes: Vec<u8>,
    /// A short name of the key (not secret): the first 16 hex digits of
    /// its SHA-256.
    pub id: String,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.id)
    }
}

/// The environment variable naming the key file.
pub const KEY_FILE_VARIABLE: &str = "GOLDTHREAD_AUDIT_KEY_FILE";

impl Key {
    pub fn from_bytes(bytes: Vec<u8>) -> Key {
        let id = sha256_hex(&bytes)[..16].to_owned();
        Key { bytes, id }
    }

    /// Where the key is kept: `GOLDTHREAD_AUDIT_KEY_FILE`, else
    /// `audit.key` beside a SQLite database, else
    /// `goldthread-data/audit.key`.
    pub fn default_path(database_url: &str) -> PathBuf {
        if let Some(path) = std::env::var_os(KEY_FILE_VARIABLE) {
            return PathBuf::from(path);
        }
        let sqlite = database_url
            .strip_prefix("sqlite://")
            .or_else(|| database_url.strip_prefix("sqlite:"))
            .map(|p| p.split('?').next().unwrap_or(p));
        match sqlite.map(Path::new).and_then(Path::parent) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join("audit.key"),
            Some(_) => PathBuf::from("audit.key"),
            None => PathBuf::from("goldthread-data/audit.key"),
        }
    }

    /// Reads the key file, if there is one.
    pub fn read(path: &Path) -> std::io::Result<Option<Key>> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim()).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: not a hex key: {e}", path.display()),
                    )
                })?;
                Ok(Some(Key::from_bytes(bytes)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads the key file, making a new random key (readable by its owner
    /// only) when there is none.
    pub fn read_or_create(path: &Path) -> std::io::Result<Key> {
        if let Some(key) = Key::read(path)? {
            return Ok(key);
        }
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let bytes: [u8; 32] = rand::random();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(hex::encode(bytes).as_bytes())?;
                file.sync_all()?;
                Ok(Key::from_bytes(bytes.to_vec()))
            }
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Key::read(path)?.ok_or_else(|| std::io::Error::other("the audit key vanished"))
            }
            Err(e) => Err(e),
        }
    }

    /// The signature of a checkpoint at entry `seq` whose hash is `hash`.
    pub fn sign(&self, seq: i64, hash: &str) -> String {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        mac.update(format!("goldthread-audit-checkpoint\n{seq}\n{hash}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    pub fn verify(&self, seq: i64, hash: &str, signature: &str) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.sign(seq, hash).as_bytes().ct_eq(signature.as_bytes()))
    }
}

/// A request's entry waiting for its batch.
struct Pending {
    entry: NewEntry,
    done: oneshot::Sender<Result<i64, String>>,
}

/// The audit writer's handle: cheap to clone.
#[derive(Clone)]
pub struct Auditor {
    sender: mpsc::Sender<Pending>,
}

impl std::fmt::Debug for Auditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Auditor")
    }
}

impl Auditor {
    /// Starts the writer task for `store`, signing checkpoints with `key`.
    /// Must be called inside a Tokio runtime.
    pub fn start(store: Store, key: Option<Key>) -> Auditor {
        let (sender, receiver) = mpsc::channel(8192);
        // SQLite's batches are written in turn with saves, on the writer's
        // thread (store/writer.rs).
        match store {
            Store::Sqlite(_) => crate::store::writer::spawn(write_batches(store, key, receiver)),
            Store::Postgres(_) => drop(tokio::spawn(write_batches(store, key, receiver))),
        }
        Auditor { sender }
    }

    /// Starts the writer with the key at its usual place for this
    /// database (made if missing); without a usable key place, checkpoints
    /// are not written and a warning says so.
    pub fn start_for(store: Store, database_url: &str) -> Auditor {
        let path = Key::default_path(database_url);
        let key = match Key::read_or_create(&path) {
            Ok(key) => Some(key),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "no audit checkpoint key: checkpoints are not signed");
                None
            }
        };
        Auditor::start(store, key)
    }

    /// Records an entry, returning its number once the batch holding it is
    /// committed.
    pub async fn record(&self, entry: NewEntry) -> Result<i64, String> {
        let (done, wait) = oneshot::channel();
        self.sender
            .send(Pending { entry, done })
            .await
            .map_err(|_| "the audit writer has stopped".to_owned())?;
        wait.await.map_err(|_| "the audit writer has stopped".to_owned())?
    }
}

/// The writer: takes the first entry waiting, then everything else already
/// queued (up to [`MAX_BATCH`]), writes them in one transaction and tells
/// each request. While a batch is being committed, the next one gathers.
async fn write_batches(store: Store, key: Option<Key>, mut receiver: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let entries: Vec<&NewEntry> = batch.iter().map(|p| &p.entry).collect();
        let result = store.append_audit_batch(&entries, key.as_ref()).await;
        match result {
            Ok(seqs) => {
                for (pending, seq) in batch.drain(..).zip(seqs) {
                    let _ = pending.done.send(Ok(seq));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not write the audit log");
                for pending in batch.drain(..) {
                    let _ = pending.done.send(Err(e.to_string()));
                }
            }
        }
    }
}

tokio::task_local! {
    static NOTES: std::sync::Mutex<Notes>;
}

/// What one request touched, gathered while it runs.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    pub user_id: Option<Uuid>,
    pub action: Option<String>,
    pub person_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub version: Option<i64>,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub outcome: Option<Outcome>,
}

/// Notes something about the request being served (nothing outside one).
pub fn note(f: impl FnOnce(&mut Notes)) {
    let _ = NOTES.try_with(|notes| f(&mut notes.lock().unwrap_or_else(|e| e.into_inner())));
}

/// The acting user.
pub fn note_user(id: Uuid) {
    note(|n| n.user_id = Some(id));
}

/// A plan read: the first plan a request reads is its subject.
pub fn note_plan(plan: Uuid, person: Uuid, version: i64) {
    note(|n| {
        if n.plan_id.is_none() {
            n.plan_id = Some(plan);
            n.person_id = Some(person);
            n.version = Some(version);
        }
    });
}

/// A person read (when no plan is the subject already).
pub fn note_person(person: Uuid, version: i64) {
    note(|n| {
        if n.person_id.is_none() {
            n.person_id = Some(person);
            n.version = Some(version);
        }
    });
}

/// A change written: its version and the reason given.
pub fn note_written(version: i64, reason: Option<&str>) {
    note(|n| {
        n.version = Some(version);
        if let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) {
            n.reason = Some(reason.chars().take(1000).collect());
        }
    });
}

/// The action, when the route alone does not say it (e.g. a failed sign-in).
pub fn note_action(action: &str) {
    note(|n| n.action = Some(action.to_owned()));
}

/// Runs `future` with its own notes, returning what it noted.
pub async fn with_notes<F: std::future::Future>(future: F) -> (F::Output, Notes) {
    NOTES
        .scope(std::sync::Mutex::new(Notes::default()), async {
            let output = future.await;
            let notes = NOTES.with(|n| n.lock().unwrap_or_else(|e| e.into_inner()).clone());
            (output, notes)
        })
        .await
}

/// What `verify` found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Verification {
    /// How many entries (or changes) were checked.
    pub checked: i64,
    /// How many signed checkpoints were checked.
    pub checkpoints: i64,
    /// Rows written before chaining began, which cannot be checked.
    pub unchained: i64,
    /// The first problem, naming the entry; `None` when all is well.
    pub problem: Option<String>,
}

impl Verification {
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        let mut e = Entry {
            seq: 1,
            at: 1_700_000_000_000,
            user_id: Some("u".into()),
            address: Some("127.0.0.1".into()),
            action: "plan.read".into(),
            person_id: None,
            plan_id: Some("p".into()),
            version: Some(3),
            outcome: Outcome::Allowed,
            reason: None,
            detail: "GET /plans/{id}".into(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
            reason_digest: None,
            redacted_by: None,
        };
        e.hash = entry_hash(&e);
        e
    }

    #[test]
    fn every_field_is_in_the_hash() {
        let e = entry();
        let mut changed = e.clone();
        changed.action = "plan.change".into();
        assert_ne!(entry_hash(&changed), e.hash);
        let mut changed = e.clone();
        changed.seq = 2;
        assert_ne!(entry_hash(&changed), e.hash);
        let mut changed = e.clone();
        changed.prev_hash = "1".repeat(64);
        assert_ne!(entry_hash(&changed), e.hash);
        // A field's text cannot slide into the next one.
        let mut a = e.clone();
        a.user_id = Some("ab".into());
        a.address = Some("c".into());
        let mut b = e.clone();
        b.user_id = Some("a".into());
        b.address = Some("bc".into());
        assert_ne!(entry_hash(&a), entry_hash(&b));
    }

    #[test]
    fn checkpoints_are_signed_with_the_key() {
        let key = Key::from_bytes(vec![7; 32]);
        let signature = key.sign(100, GENESIS);
        assert!(key.verify(100, GENESIS, &signature));
        assert!(!key.verify(101, GENESIS, &signature));
        assert!(!Key::from_bytes(vec![8; 32]).verify(100, GENESIS, &signature));
    }

    #[test]
    fn the_key_lives_beside_a_sqlite_database() {
        if std::env::var_os(KEY_FILE_VARIABLE).is_none() {
            assert_eq!(
                Key::default_path("sqlite:///tmp/x/goldthread.db"),
                PathBuf::from("/tmp/x/audit.key")
            );
            assert_eq!(
                Key::default_path("postgres://db/goldthread"),
                PathBuf::from("goldthread-data/audit.key")
            );
        }
    }
}
