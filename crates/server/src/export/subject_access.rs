//! The subject-access archive (issue 13, SPEC D3; issue 12): everything
//! held about one person as a zip of JSON files, each plan's PDF, the
//! uploaded files themselves, the audit entries about them (who has seen
//! or changed their record) and a README in plain English saying what each
//! file is, when the archive was made and by whom.
//!
//! Every door (`goldthread export person`, the administrator's page, the
//! API's `GET /people/{id}/subject-access`) comes through [`archive`]; the
//! data is gathered by [`Store::subject_access`], which lets only
//! administrators see anything.

use std::collections::HashMap;
use std::io::{Seek, Write};

use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ExportError;
use crate::store::{PlanRecord, Store, StoreError, SubjectAccess};

/// The archive's media type.
pub const MEDIA_TYPE: &str = "application/zip";

/// Who asked for the archive and why (written into its README).
pub struct Request<'a> {
    pub actor: &'a Actor,
    pub person_id: Uuid,
    pub reason: Option<&'a str>,
}

/// A finished archive and the name to save it under.
pub struct Archive {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// How many files it holds (the README included).
    pub entries: usize,
}

/// One file of the archive: its path and its bytes.
struct Entry {
    path: String,
    bytes: Vec<u8>,
    /// What it is, for the README.
    about: String,
}

/// What the archive is made from: the data and each plan's PDF (or why
/// there is none).
struct Contents {
    data: SubjectAccess,
    pdfs: Vec<Result<Vec<u8>, String>>,
    made_by: String,
    reason: Option<String>,
    made_at: OffsetDateTime,
}

/// Everything held about the person as a zip, for an administrator; to
/// anyone else the person is not found.
pub async fn archive(store: &Store, registry: &Registry, request: &Request<'_>) -> Result<Archive, ExportError> {
    let data = store.subject_access(request.actor, request.person_id).await?;
    let mut pdfs = Vec::with_capacity(data.plans.len());
    for record in &data.plans {
        pdfs.push(
            match super::plan_pdf(store, registry, request.actor, record.plan.id, None).await {
                Ok(printed) => Ok(printed.bytes),
                // A plan whose type this server no longer has cannot be
                // laid out; its JSON still says everything.
                Err(ExportError::Store(StoreError::NotFound)) => Err(format!(
                    "no PDF: the plan type {} is not installed on this server",
                    record.plan.plan_type
                )),
                Err(e) => return Err(e),
            },
        );
    }
    note_export(&data, request.reason);
    let contents = Contents {
        made_by: format!("{} <{}>", request.actor.name, request.actor.email),
        reason: clean_reason(request.reason),
        made_at: crate::store::now(),
        data,
        pdfs,
    };
    let file_name = archive_name(&contents.data.person.details.full_name());
    // Serialising and compressing is CPU work: off the threads that serve
    // requests.
    let (bytes, entries) = tokio::task::spawn_blocking(move || {
        let mut entries = entries(&contents);
        let readme = readme(&contents, &entries);
        entries.insert(
            0,
            Entry {
                path: "README.md".into(),
                about: String::new(),
                bytes: readme.into_bytes(),
            },
        );
        let count = entries.len();
        write_zip(std::io::Cursor::new(Vec::new()), &entries, contents.made_at).map(|c| (c.into_inner(), count))
    })
    .await
    .map_err(|e| ExportError::Render(e.to_string()))?
    .map_err(|e| ExportError::Render(format!("the archive could not be written: {e}")))?;
    Ok(Archive {
        file_name,
        bytes,
        entries,
    })
}

/// The export is the request's audit subject: the person (not the first
/// plan read on the way), under its own action, with the reason given.
fn note_export(data: &SubjectAccess, reason: Option<&str>) {
    let person = data.person.id;
    let version = data.person.version;
    let reason = clean_reason(reason);
    crate::audit::note(|n| {
        n.action = Some(ACTION.to_owned());
        n.person_id = Some(person);
        n.plan_id = None;
        n.version = Some(version);
        if reason.is_some() {
            n.reason = reason;
        }
    });
}

/// "leo-martin-subject-access.zip": plain letters, digits and hyphens.
fn archive_name(person: &str) -> String {
    let words: Vec<String> = person
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut name = words.join("-");
    if !name.is_empty() {
        name.push('-');
    }
    name.push_str("subject-access.zip");
    name
}

/// The reason as kept in the audit and the README: one line of printable
/// text, at most 1,000 characters; nothing when blank.
pub fn clean_reason(reason: Option<&str>) -> Option<String> {
    let reason: String = reason?
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(1000)
        .collect();
    let reason = reason.trim();
    (!reason.is_empty()).then(|| reason.to_owned())
}

/// The audit's name for a subject-access export.
pub const ACTION: &str = "subject_access.export";

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn pretty(value: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("JSON serialises");
    bytes.push(b'\n');
    bytes
}

/// Letters, digits, dots and hyphens only: safe as a path in any zip tool
/// and on any file system.
fn safe(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c| c == '-' || c == '.');
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        trimmed.chars().take(80).collect()
    }
}

/// The folder of a plan: `plans/msp-1`.
fn plan_folder(record: &PlanRecord) -> String {
    format!(
        "plans/{}-{}",
        safe(&record.plan.plan_type).to_ascii_lowercase(),
        record.plan.number
    )
}

/// Every file of the archive but the README, in order.
fn entries(contents: &Contents) -> Vec<Entry> {
    let data = &contents.data;
    let names: HashMap<Uuid, (&str, &str)> = data
        .users
        .iter()
        .map(|(id, name, email)| (*id, (name.as_str(), email.as_str())))
        .collect();
    let name_of = |id: Option<Uuid>| -> Value {
        id.and_then(|id| names.get(&id))
            .map_or(Value::Null, |(name, _)| Value::String((*name).to_owned()))
    };
    let mut out = Vec::new();

    let mut photos = Vec::new();
    let mut photo_files = Vec::new();
    for photo in &data.photos {
        let path = match photo.content_type.as_str() {
            "" => None,
            "image/png" => Some(format!("photos/photo-{}.png", photo.seq)),
            _ => Some(format!("photos/photo-{}.jpg", photo.seq)),
        };
        photos.push(json!({
            "number": photo.seq,
            "file": path,
            "removed": path.is_none(),
            "uploaded_by": photo.uploaded_by,
            "uploaded_by_name": name_of(photo.uploaded_by),
            "uploaded_at": rfc3339(photo.uploaded_at),
        }));
        if let Some(path) = path {
            photo_files.push(Entry {
                about: format!("Photo number {} of the person, as uploaded.", photo.seq),
                path,
                bytes: photo.data.clone(),
            });
        }
    }
    out.push(Entry {
        path: "person.json".into(),
        about: "The person's record as it stands now, every earlier version of it (who changed it, when and why), \
                and the list of their photos."
            .into(),
        bytes: pretty(&json!({
            "person": data.person,
            "history": data.person_history,
            "photos": photos,
        })),
    });
    out.extend(photo_files);

    for (record, pdf) in data.plans.iter().zip(&contents.pdfs) {
        let folder = plan_folder(record);
        let plan = &record.plan;
        let what = format!("{} plan number {}", plan.plan_type, plan.number);
        out.push(Entry {
            path: format!("{folder}/plan.json"),
            about: format!(
                "The {what} as it stands now: what it says, the people involved, its status, agreements, \
                 funding approval, reviews and consent to share."
            ),
            bytes: pretty(plan),
        });
        out.push(Entry {
            path: format!("{folder}/history.json"),
            about: format!(
                "Every change ever made to the {what}, oldest first: who made it, when, why (where a reason was \
                 given) and what changed."
            ),
            bytes: pretty(&record.history),
        });
        let versions: Vec<Value> = record
            .versions
            .iter()
            .zip(&record.history)
            .map(|(version, change)| {
                json!({
                    "version": change.seq,
                    "at": rfc3339(change.at),
                    "author_name": change.author_name,
                    "reason": change.reason,
                    "plan": version,
                })
            })
            .collect();
        out.push(Entry {
            path: format!("{folder}/versions.json"),
            about: format!(
                "The {what} as it stood after each change: {} versions, oldest first.",
                versions.len()
            ),
            bytes: pretty(&versions),
        });
        out.push(Entry {
            path: format!("{folder}/reviews.json"),
            about: format!(
                "The reviews of the {what} (weekly and formal), the items ended and the R1/R2 markers. \
                 Also inside plan.json."
            ),
            bytes: pretty(&plan.reviews),
        });
        out.push(Entry {
            path: format!("{folder}/agreements.json"),
            about: format!(
                "Who agreed or declined the {what}, which version and how, and the funding approval decisions. \
                 Also inside plan.json."
            ),
            bytes: pretty(&plan.agreements),
        });
        out.push(Entry {
            path: format!("{folder}/consents.json"),
            about: format!(
                "Consent to share the {what}: each decision per purpose and organisation, who gave or withdrew \
                 it, when and on whose behalf. Also inside plan.json."
            ),
            bytes: pretty(&plan.consents),
        });
        let log = &record.monitoring;
        let recorded = |by: Uuid, at: OffsetDateTime| json!({"recorded_by": by, "recorded_by_name": log.name_of(by), "recorded_at": rfc3339(at)});
        let with_who = |record: Value, by: Uuid, at: OffsetDateTime, id: Uuid| {
            let mut value = recorded(by, at);
            value["id"] = json!(id);
            value["record"] = record;
            value
        };
        out.push(Entry {
            path: format!("{folder}/monitoring.json"),
            about: format!(
                "Carrying out the {what}: planning meetings and their action points, progress notes, attendance \
                 and ratings, each with who recorded it and when."
            ),
            bytes: pretty(&json!({
                "meetings": log.meetings.iter().map(|m| with_who(json!(m.record), m.recorded_by, m.recorded_at, m.id)).collect::<Vec<_>>(),
                "notes": log.notes.iter().map(|m| with_who(json!(m.record), m.recorded_by, m.recorded_at, m.id)).collect::<Vec<_>>(),
                "attendance": log.attendance.iter().map(|m| with_who(json!(m.record), m.recorded_by, m.recorded_at, m.id)).collect::<Vec<_>>(),
                "ratings": log.ratings.iter().map(|m| with_who(json!(m.record), m.recorded_by, m.recorded_at, m.id)).collect::<Vec<_>>(),
            })),
        });
        let requests: Vec<Value> = record
            .requests
            .iter()
            .map(|r| {
                json!({
                    "id": r.request.id,
                    "request": r.request.record,
                    "recorded_by": r.request.recorded_by,
                    "recorded_by_name": r.recorded_by_name,
                    "recorded_at": rfc3339(r.request.recorded_at),
                    "met": r.met.as_ref().map(|(met, by_name)| json!({
                        "record": met.record,
                        "recorded_by": met.recorded_by,
                        "recorded_by_name": by_name,
                        "recorded_at": rfc3339(met.recorded_at),
                    })),
                })
            })
            .collect();
        out.push(Entry {
            path: format!("{folder}/requests.json"),
            about: format!(
                "Requests about the {what} that start a clock (for example an assessment asked for), and when \
                 each was met."
            ),
            bytes: pretty(&requests),
        });
        let copies: Vec<Value> = record
            .copies
            .iter()
            .map(|c| {
                json!({
                    "party_name": c.party_name,
                    "version": c.version,
                    "how": c.how,
                    "address": c.address,
                    "sent_at": rfc3339(c.sent_at),
                })
            })
            .collect();
        out.push(Entry {
            path: format!("{folder}/sent.json"),
            about: format!(
                "Copies of the {what} sent to the people involved, and the minutes of its meetings sent to \
                 attendees: to whom, how and when."
            ),
            bytes: pretty(&json!({"copies": copies, "minutes": record.minutes_sent})),
        });
        let mut listed = Vec::new();
        for (i, stored) in record.files.iter().enumerate() {
            let path = format!("{folder}/files/{:02}-{}", i + 1, safe(&stored.file.name));
            listed.push(json!({
                "id": stored.file.id,
                "name": stored.file.name,
                "content_type": stored.file.content_type,
                "size": stored.file.size,
                "sha256": stored.sha256,
                "uploaded_by": stored.uploaded_by,
                "uploaded_by_name": name_of(stored.uploaded_by),
                "uploaded_at": rfc3339(stored.uploaded_at),
                "file": path,
            }));
            out.push(Entry {
                about: format!(
                    "\"{}\", a file uploaded to the {what} (for example an appendix or a signed copy).",
                    stored.file.name
                ),
                path,
                bytes: stored.data.clone(),
            });
        }
        out.push(Entry {
            path: format!("{folder}/files.json"),
            about: format!(
                "The files uploaded to the {what}: name, type, size, SHA-256, who uploaded it and when, and \
                 where it is in this archive."
            ),
            bytes: pretty(&listed),
        });
        match pdf {
            Ok(bytes) => out.push(Entry {
                path: format!("{folder}/plan.pdf"),
                about: format!("The {what} printed on its form, as it stands now."),
                bytes: bytes.clone(),
            }),
            Err(why) => out.push(Entry {
                path: format!("{folder}/plan-pdf-missing.txt"),
                about: format!("Why there is no PDF of the {what}."),
                bytes: format!("{why}\n").into_bytes(),
            }),
        }
    }

    let mut audit = Vec::with_capacity(data.audit.len() * 300);
    for entry in &data.audit {
        let mut value = serde_json::to_value(entry).expect("an audit entry serialises");
        let user = entry.user_id.as_deref().and_then(|u| Uuid::parse_str(u).ok());
        value["when"] = json!(rfc3339(crate::store::from_millis(entry.at)));
        value["user_name"] = name_of(user);
        value["user_email"] = user
            .and_then(|u| names.get(&u))
            .map_or(Value::Null, |(_, email)| json!(email));
        serde_json::to_writer(&mut audit, &value).expect("JSON serialises");
        audit.push(b'\n');
    }
    out.push(Entry {
        path: "audit.jsonl".into(),
        about: format!(
            "The audit log's {} entries about the person or any of their plans, oldest first, one JSON object a \
             line: who read, changed, printed, downloaded or exported what, when, from which address, with what \
             outcome and the reason they gave. Each entry keeps its hash and the hash of the entry before it, so \
             it can be checked against the organisation's audit chain.",
            data.audit.len()
        ),
        bytes: audit,
    });
    out
}

/// The README: what the archive is, when it was made and by whom, and
/// what each of its files holds.
fn readme(contents: &Contents, entries: &[Entry]) -> String {
    let data = &contents.data;
    let person = data.person.details.full_name();
    let mut text = format!(
        "# Everything held about {person}\n\n\
         This archive is a subject access export from Goldthread, a support planning system. It holds every \
         record the system keeps about {person} (person id {}): their details and every earlier version of them, \
         every plan of every kind (open or closed) with every change, version, review, agreement, consent, \
         meeting, note, rating, attendance mark, request and uploaded file, each plan printed as a PDF, and the \
         audit log's entries saying who has seen or changed their records and when.\n\n\
         - Made: {} (UTC)\n\
         - Made by: {}\n",
        data.person.id,
        rfc3339(contents.made_at),
        contents.made_by,
    );
    if let Some(reason) = &contents.reason {
        text.push_str(&format!("- Reason given: {reason}\n"));
    }
    text.push_str(&format!(
        "- Plans: {}\n- Audit entries: {}\n\n",
        data.plans.len(),
        data.audit.len()
    ));
    text.push_str(
        "The JSON files are plain text that any text editor or spreadsheet tool can open. Times are in UTC \
         (ISO 8601); ids are the system's own. This export is itself recorded in the audit log, after this \
         archive was made, so it is not listed in audit.jsonl.\n\n## What each file holds\n\n",
    );
    text.push_str("- `README.md`: this file.\n");
    for entry in entries {
        text.push_str(&format!("- `{}`: {}\n", entry.path, entry.about));
    }
    text
}

fn write_zip<W: Write + Seek>(writer: W, entries: &[Entry], made_at: OffsetDateTime) -> zip::result::ZipResult<W> {
    use zip::write::SimpleFileOptions;
    let modified = zip::DateTime::from_date_and_time(
        made_at.year().clamp(1980, 2107) as u16,
        u8::from(made_at.month()),
        made_at.day(),
        made_at.hour(),
        made_at.minute(),
        made_at.second(),
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(modified)
        .large_file(entries.iter().any(|e| e.bytes.len() > u32::MAX as usize / 2));
    let mut zip = zip::ZipWriter::new(writer);
    for entry in entries {
        zip.start_file(entry.path.as_str(), options)?;
        zip.write_all(&entry.bytes)?;
    }
    zip.finish()
}
