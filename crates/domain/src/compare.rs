//! Two versions of a plan compared field by field (issue 10 "Versions
//! compared"): what was added, changed (old and new wording), removed or
//! ended, by whom, when, why and at which review; and the plan as it stood
//! on a date.

use std::collections::BTreeMap;

use serde_json::Value;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::plan::{ChangeRecord, Plan, RuleError};

/// What happened to one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffKind {
    Added {
        new: Value,
    },
    Changed {
        old: Value,
        new: Value,
    },
    Removed {
        old: Value,
    },
    /// An item was ended (the path names the item).
    Ended {
        reason: String,
    },
}

/// One field-level difference between two versions, with the change that
/// made it (the last one, when several changed the same field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Where, e.g. `content/outcomes/<id>/text` or `details/title`; items in
    /// lists are named by id so a moved item is not a change.
    pub path: String,
    pub kind: DiffKind,
    pub seq: i64,
    pub by: String,
    pub at: OffsetDateTime,
    pub why: Option<String>,
    /// The formal review (R1, R2…) it was made at.
    pub review: Option<u32>,
}

/// The plan's canonical content as fields: path → value.
pub fn fields(plan: &Plan) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Some(value) = crate::canonical::prune(crate::canonical::content_value(plan)) {
        flatten(String::new(), value, &mut out);
    }
    out
}

fn flatten(path: String, value: Value, out: &mut BTreeMap<String, Value>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}/{key}")
        }
    };
    match value {
        Value::Object(members) => {
            for (key, v) in members {
                flatten(join(&key), v, out);
            }
        }
        Value::Array(items) if items.iter().all(|i| i.get("id").and_then(Value::as_str).is_some()) => {
            for item in items {
                let id = item["id"].as_str().unwrap_or_default().to_owned();
                flatten(join(&id), item, out);
            }
        }
        leaf => {
            out.insert(path, leaf);
        }
    }
}

/// The change that last touched a field: sequence, when, who, why, review.
type MadeBy = (i64, OffsetDateTime, String, Option<String>, Option<u32>);

/// Compares version `from` with version `to` (sequence numbers of the log).
pub fn compare(id: Uuid, log: &[ChangeRecord], from: i64, to: i64) -> Result<Vec<Difference>, RuleError> {
    let (from, to) = (from.min(to), from.max(to));
    let upto = |v: i64| log.iter().take_while(move |r| r.seq <= v);
    let mut plan = Plan::replay(id, upto(from))?;
    let start = fields(&plan);
    let mut last: BTreeMap<String, MadeBy> = BTreeMap::new();
    for record in log.iter().filter(|r| r.seq > from && r.seq <= to) {
        let before = fields(&plan);
        let review = plan.reviews.open().and_then(|r| r.number);
        plan.apply(record)?;
        let after = fields(&plan);
        for path in before.keys().chain(after.keys()) {
            if before.get(path) != after.get(path) {
                last.insert(
                    path.clone(),
                    (
                        record.seq,
                        record.at,
                        record.author_name.clone(),
                        record.reason.clone(),
                        review,
                    ),
                );
            }
        }
    }
    let end = fields(&plan);
    let mut out = Vec::new();
    for (path, (seq, at, by, why, review)) in last {
        let kind = match (start.get(&path), end.get(&path)) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(a), Some(b)) => DiffKind::Changed {
                old: a.clone(),
                new: b.clone(),
            },
            (None, Some(b)) if path.starts_with("ended/") && path.ends_with("/reason") => DiffKind::Ended {
                reason: b.as_str().unwrap_or_default().to_owned(),
            },
            (None, Some(_)) if path.starts_with("ended/") => continue,
            (None, Some(b)) => DiffKind::Added { new: b.clone() },
            (Some(a), None) => DiffKind::Removed { old: a.clone() },
            (None, None) => continue,
        };
        let path = match kind {
            DiffKind::Ended { .. } => path.trim_end_matches("/reason").to_owned(),
            _ => path,
        };
        out.push(Difference {
            path,
            kind,
            seq,
            by,
            at,
            why,
            review,
        });
    }
    Ok(out)
}

/// The plan as it stood at the end of a day.
pub fn as_of(id: Uuid, log: &[ChangeRecord], day: Date) -> Result<Plan, RuleError> {
    Plan::replay(id, log.iter().take_while(|r| r.at.date() <= day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Item, ItemKind};
    use crate::plan::Change;
    use crate::review::ReviewKind;
    use crate::testkit::{outcome, provision, record, small_log};
    use serde_json::json;
    use time::macros::date;

    fn log() -> Vec<ChangeRecord> {
        let mut log = small_log("MSP");
        let mut push = |change: Change, why: &str| {
            let mut r = record(log.len() as i64 + 1, change);
            r.reason = Some(why.into());
            r.author_name = "Tom Price".into();
            log.push(r);
        };
        push(
            Change::ReviewOpened {
                review_id: Uuid::from_u128(7),
                kind: ReviewKind::Formal,
                on: date!(2027 - 03 - 12),
                participants: vec!["Claire Martin".into()],
            },
            "Review",
        );
        push(
            Change::ItemEdited {
                item: Item::Outcome(outcome(10, "Leo will ask for help, 4 times out of 5")),
            },
            "Made measurable",
        );
        push(
            Change::ItemAdded {
                item: Item::Provision(provision(22, "Lunch club", None)),
            },
            "New club",
        );
        push(
            Change::ItemEnded {
                item_kind: ItemKind::Provision,
                id: Uuid::from_u128(20),
                on: date!(2027 - 03 - 12),
                reason: "Leo reads on his own now".into(),
            },
            "Ended",
        );
        log
    }

    #[test]
    fn an_edited_item_shows_old_and_new_wording_with_who_when_why_and_review() {
        let log = log();
        let diffs = compare(Uuid::nil(), &log, 6, 10).unwrap();
        let outcome = diffs
            .iter()
            .find(|d| d.path == format!("content/outcomes/{}/text", Uuid::from_u128(10)))
            .expect("the outcome's wording changed");
        assert_eq!(
            outcome.kind,
            DiffKind::Changed {
                old: json!("Leo will ask an adult for help when he is stuck"),
                new: json!("Leo will ask for help, 4 times out of 5"),
            }
        );
        assert_eq!(outcome.by, "Tom Price");
        assert_eq!(outcome.why.as_deref(), Some("Made measurable"));
        assert_eq!(outcome.review, Some(1));
        assert_eq!(outcome.seq, 8);
        let club = format!("content/provision/{}/what", Uuid::from_u128(22));
        assert!(diffs.iter().any(|d| d.path == club
            && d.kind
                == DiffKind::Added {
                    new: json!("Lunch club")
                }));
        let ended = diffs
            .iter()
            .find(|d| d.path == format!("ended/{}", Uuid::from_u128(20)))
            .expect("the reading ended");
        assert_eq!(
            ended.kind,
            DiffKind::Ended {
                reason: "Leo reads on his own now".into()
            }
        );
        // Comparing the other way round is the same comparison; a version
        // with itself shows nothing.
        assert_eq!(compare(Uuid::nil(), &log, 10, 6).unwrap(), diffs);
        assert!(compare(Uuid::nil(), &log, 9, 9).unwrap().is_empty());
    }

    #[test]
    fn a_change_undone_in_between_is_no_difference() {
        let mut log = log();
        let r = record(
            11,
            Change::ItemEdited {
                item: Item::Outcome(outcome(10, "Leo will ask an adult for help when he is stuck")),
            },
        );
        log.push(r);
        let diffs = compare(Uuid::nil(), &log, 6, 11).unwrap();
        assert!(
            diffs.iter().all(|d| !d.path.starts_with("content/outcomes")),
            "{diffs:?}"
        );
    }

    #[test]
    fn the_plan_as_it_stood_on_a_date() {
        let log = log();
        // record(n) is made on 4 January 2027 + n days.
        let plan = as_of(Uuid::nil(), &log, date!(2027 - 01 - 09)).unwrap();
        assert_eq!(plan.version, 5);
        assert_eq!(plan.content.provision.len(), 1);
    }
}
