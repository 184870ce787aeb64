//! The conflict page: when a save and someone else's change set the same
//! field, the form is shown again with what you typed still in it, and
//! above it, field by field, the value when you opened the form, theirs and
//! yours, with a choice: keep theirs, keep theirs and edit, or keep yours.
//! Nothing is written until one is chosen; the choice is recorded in the
//! plan's history with the change (see `goldthread_domain::merge`).

use goldthread_domain::merge::{FieldConflict, Keep};
use serde_json::Value;

use crate::store::{Conflict, Resolution};

/// One field changed both ways, ready to show.
#[derive(Debug, Clone)]
pub struct ConflictRow {
    pub label: String,
    pub base: String,
    pub theirs: String,
    pub yours: String,
}

/// What the form shows about a refused save.
#[derive(Debug, Clone, Default)]
pub struct ConflictView {
    /// What others saved since the form was opened.
    pub changes: Vec<String>,
    /// The fields both changed.
    pub fields: Vec<ConflictRow>,
    /// The version the conflicts were shown at.
    pub seen_version: i64,
}

impl ConflictView {
    pub fn new(conflict: &Conflict) -> ConflictView {
        ConflictView {
            changes: conflict.changes.clone(),
            fields: conflict.fields.iter().map(row).collect(),
            seen_version: conflict.current_version,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.fields.is_empty()
    }
}

/// The editor's choice, from the form's `resolve` button and the
/// `seen_version` it was shown at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    KeepTheirs,
    KeepTheirsAndEdit,
    KeepYours,
}

impl Choice {
    pub fn parse(resolve: Option<&str>) -> Option<Choice> {
        match resolve? {
            "theirs" => Some(Choice::KeepTheirs),
            "theirs_edit" => Some(Choice::KeepTheirsAndEdit),
            "yours" => Some(Choice::KeepYours),
            _ => None,
        }
    }

    /// The resolution to save with, when the form says when it was shown.
    pub fn resolution(resolve: Option<&str>, seen_version: Option<&str>) -> Option<Resolution> {
        let choice = Choice::parse(resolve)?;
        let seen_version = seen_version?.trim().parse().ok()?;
        Some(Resolution {
            seen_version,
            keep: match choice {
                Choice::KeepYours => Keep::Yours,
                Choice::KeepTheirs | Choice::KeepTheirsAndEdit => Keep::Theirs,
            },
        })
    }
}

fn row(conflict: &FieldConflict) -> ConflictRow {
    let money = conflict.field.ends_with("_pence");
    let show = |value: &Value| match value.as_i64() {
        Some(pence) if money => goldthread_domain::money::format(pence),
        _ => shown(value),
    };
    ConflictRow {
        label: label(&conflict.field),
        base: show(&conflict.base),
        theirs: show(&conflict.theirs),
        yours: show(&conflict.yours),
    }
}

/// "Frequency: times", "What is important to me", "Title".
pub fn label(field: &str) -> String {
    let mut parts = field.split('.');
    let record = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    if record == "texts"
        && let Some(key) = rest.first()
    {
        return goldthread_domain::plan_type::text_key(key).map_or_else(|| words(key), |t| t.label.to_owned());
    }
    if rest.is_empty() {
        return format!("The whole {}", words(record).to_lowercase());
    }
    let named: Vec<String> = rest.iter().map(|p| words(p)).collect();
    named.join(": ")
}

fn words(key: &str) -> String {
    let key = key.strip_suffix("_pence").unwrap_or(key);
    let text = key.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value as people read it: "(empty)" for nothing, text as typed.
pub fn shown(value: &Value) -> String {
    match value {
        Value::Null => "(empty)".into(),
        Value::String(s) if s.trim().is_empty() => "(empty)".into(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "Yes".into(),
        Value::Bool(false) => "No".into(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if items.is_empty() => "(none)".into(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        Value::Object(fields) => fields
            .iter()
            .filter(|(k, v)| !v.is_null() && k.as_str() != "id" && k.as_str() != "kind")
            .map(|(k, v)| format!("{}: {}", words(k), shown(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_and_shown_as_people_read_them() {
        assert_eq!(label("provision.frequency.times"), "Frequency: Times");
        assert_eq!(label("details.title"), "Title");
        assert_eq!(label("texts.important_to_me"), "What is important to me");
        assert_eq!(label("outcome"), "The whole outcome");
        assert_eq!(shown(&Value::Null), "(empty)");
        assert_eq!(
            shown(&serde_json::json!({"times": 2, "per": "week"})),
            "Per: week; Times: 2"
        );
        assert_eq!(
            Choice::resolution(Some("theirs_edit"), Some("7")),
            Some(Resolution {
                seen_version: 7,
                keep: Keep::Theirs
            })
        );
        assert_eq!(Choice::resolution(Some("yours"), None), None);
        let cost = row(&FieldConflict {
            field: "provision.weekly_cost_pence".into(),
            base: Value::Null,
            theirs: 136550.into(),
            yours: 1250.into(),
        });
        assert_eq!(
            (
                cost.label.as_str(),
                cost.base.as_str(),
                cost.theirs.as_str(),
                cost.yours.as_str()
            ),
            ("Weekly cost", "(empty)", "£1,365.50", "£12.50")
        );
    }
}
