//! Concurrent edits (SPEC R5): a save names the version it was based on and
//! what it changes; when others saved since, the edit is merged field by
//! field onto the plan as it now stands instead of being refused.
//!
//! Three versions of the record an edit touches are compared as JSON: the
//! *base* (the plan the editor saw), *theirs* (the plan as it stands now)
//! and *yours* (what the edit sets). A field only you changed takes your
//! value, a field only they changed keeps theirs (so the stale values a form
//! re-sends for untouched fields never revert anyone's work), and only a
//! field changed both ways to different values is a [`FieldConflict`].
//! Changes to other items, parties or texts never meet at all.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::content::{Item, OtherPlan};
use crate::plan::{Change, Plan};

/// One field changed both ways since the base version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldConflict {
    /// The record and field, dotted: `outcome.text`, `provision.frequency.times`,
    /// `details.title`, `party.contact`, `texts.important_to_me`,
    /// `budget.amount_pence`, `other_plans.taf`. A record name alone (e.g.
    /// `outcome`) means the whole record, as when one side removed it.
    pub field: String,
    /// Its value in the version the edit was based on (`null`: empty or absent).
    pub base: Value,
    /// Its value as saved by others since (`null`: removed).
    pub theirs: Value,
    /// Its value in this edit (`null`: removed).
    pub yours: Value,
}

impl FieldConflict {
    /// The field's name within its record: `text`, `frequency.times`.
    pub fn name(&self) -> &str {
        self.field.split_once('.').map_or("", |(_, rest)| rest)
    }
}

/// Which side's value a conflicting field takes when the editor resolves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The value others saved.
    Theirs,
    /// The value of this edit.
    Yours,
}

/// An edit merged onto the plan as it now stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The change to append: yours where you changed a field, theirs where
    /// only they did, and the `keep` side where both did. `None` when
    /// there is nothing left to do (both removed the same thing).
    pub change: Option<Change>,
    /// The fields changed both ways.
    pub conflicts: Vec<FieldConflict>,
}

/// Merges `yours`, written against `base`, onto `theirs` (the plan as it
/// now stands). Conflicting fields take the `keep` side's value.
pub fn merge(base: &Plan, theirs: &Plan, yours: &Change, keep: Keep) -> Merged {
    let mut m = Merger {
        keep,
        conflicts: Vec::new(),
    };
    let change = if base.version == theirs.version {
        Some(yours.clone())
    } else {
        m.change(base, theirs, yours)
    };
    Merged {
        change,
        conflicts: m.conflicts,
    }
}

/// Why a merge could not be applied: the fields to resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved(pub Vec<FieldConflict>);

/// Merges `yours` onto `theirs`; conflicts are refused unless the editor
/// has seen them and chosen a side: `resolved` names the plan as it stood
/// when the conflicts were shown, and which side to keep. A conflict they
/// did not see (a field changed again since) is refused again.
pub fn rebase(
    base: &Plan,
    theirs: &Plan,
    yours: &Change,
    resolved: Option<(&Plan, Keep)>,
) -> Result<Option<Change>, Unresolved> {
    let keep = resolved.map_or(Keep::Yours, |(_, keep)| keep);
    let merged = merge(base, theirs, yours, keep);
    if merged.conflicts.is_empty() {
        return Ok(merged.change);
    }
    let Some((seen, _)) = resolved else {
        return Err(Unresolved(merged.conflicts));
    };
    let shown = merge(base, seen, yours, keep).conflicts;
    let all_seen = merged
        .conflicts
        .iter()
        .all(|c| shown.iter().any(|s| s.field == c.field && same(&s.theirs, &c.theirs)));
    if all_seen {
        Ok(merged.change)
    } else {
        Err(Unresolved(merged.conflicts))
    }
}

/// A line for the history saying how a conflict was resolved. The values
/// not kept are quoted, so that nothing anyone typed is lost.
pub fn resolution_note(conflicts: &[FieldConflict], keep: Keep) -> String {
    let fields: Vec<String> = conflicts
        .iter()
        .map(|c| match keep {
            Keep::Theirs => format!("{} (this edit had {})", c.field, c.yours),
            Keep::Yours => format!("{} (replacing {})", c.field, c.theirs),
        })
        .collect();
    match keep {
        Keep::Theirs => format!(
            "Conflicting edit resolved by keeping the value saved by others for {}",
            fields.join(", ")
        ),
        Keep::Yours => format!(
            "Conflicting edit resolved by keeping this edit's value for {}",
            fields.join(", ")
        ),
    }
}

/// Equal as values, counting a form's `\r\n` line ends as `\n` and an
/// empty text as absent.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y || normalize(x) == normalize(y),
        (Value::String(x), Value::Null) | (Value::Null, Value::String(x)) => x.trim().is_empty(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => x
            .keys()
            .chain(y.keys())
            .all(|k| same(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null))),
        _ => a == b,
    }
}

fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_owned()
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("plan records serialize")
}

fn opt_json<T: Serialize>(value: Option<&T>) -> Value {
    value.map_or(Value::Null, json)
}

struct Merger {
    keep: Keep,
    conflicts: Vec<FieldConflict>,
}

impl Merger {
    /// The three-way merge of one value: recurses into objects so that
    /// each field is decided on its own; anything else (text, numbers,
    /// lists) is one field.
    fn value(&mut self, path: &str, base: &Value, theirs: &Value, yours: &Value) -> Value {
        if same(yours, base) {
            return theirs.clone();
        }
        if same(theirs, base) || same(theirs, yours) {
            return yours.clone();
        }
        if let (Some(t), Some(y)) = (theirs.as_object(), yours.as_object())
            && (base.is_object() || base.is_null())
        {
            let empty = Map::new();
            let b = base.as_object().unwrap_or(&empty);
            let mut keys: Vec<&String> = y.keys().collect();
            for key in t.keys().chain(b.keys()) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            let mut merged = Map::new();
            for key in keys {
                let value = self.value(
                    &format!("{path}.{key}"),
                    b.get(key).unwrap_or(&Value::Null),
                    t.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                );
                merged.insert(key.clone(), value);
            }
            return Value::Object(merged);
        }
        self.conflicts.push(FieldConflict {
            field: path.to_owned(),
            base: base.clone(),
            theirs: theirs.clone(),
            yours: yours.clone(),
        });
        match self.keep {
            Keep::Theirs => theirs.clone(),
            Keep::Yours => yours.clone(),
        }
    }

    /// Merges a record, reading the result back; a merge that does not
    /// read back (it cannot happen with these types) is one conflict.
    fn record<T: Serialize + serde::de::DeserializeOwned + Clone>(
        &mut self,
        path: &str,
        base: &T,
        theirs: &T,
        yours: &T,
    ) -> T {
        let before = self.conflicts.len();
        let merged = self.value(path, &json(base), &json(theirs), &json(yours));
        serde_json::from_value(merged).unwrap_or_else(|_| {
            self.conflicts.truncate(before);
            self.whole(path, json(base), json(theirs), json(yours));
            match self.keep {
                Keep::Theirs => theirs.clone(),
                Keep::Yours => yours.clone(),
            }
        })
    }

    fn whole(&mut self, path: &str, base: Value, theirs: Value, yours: Value) {
        self.conflicts.push(FieldConflict {
            field: path.to_owned(),
            base,
            theirs,
            yours,
        });
    }

    /// The fields of a record that others changed, each a conflict with
    /// your removing it.
    fn removed(&mut self, path: &str, base: &Value, theirs: &Value) {
        match (base.as_object(), theirs.as_object()) {
            (Some(b), Some(t)) => {
                for (key, value) in t {
                    let was = b.get(key).unwrap_or(&Value::Null);
                    if !same(was, value) {
                        self.removed(&format!("{path}.{key}"), was, value);
                    }
                }
            }
            _ => self.whole(path, base.clone(), theirs.clone(), Value::Null),
        }
    }

    fn change(&mut self, base: &Plan, theirs: &Plan, yours: &Change) -> Option<Change> {
        let keep_yours = self.keep == Keep::Yours;
        Some(match yours {
            Change::DetailsEdited { details } => Change::DetailsEdited {
                details: self.record("details", &base.details, &theirs.details, details),
            },
            Change::PartyEdited { party } => match (base.party(party.id), theirs.party(party.id)) {
                (Some(b), Some(t)) => Change::PartyEdited {
                    party: self.record("party", b, t, party),
                },
                (Some(b), None) => {
                    self.whole("party", json(b), Value::Null, json(party));
                    if !keep_yours {
                        return None;
                    }
                    Change::PartyAdded { party: party.clone() }
                }
                _ => yours.clone(),
            },
            Change::PartyRemoved { party_id } => match (base.party(*party_id), theirs.party(*party_id)) {
                (_, None) => return None,
                (Some(b), Some(t)) if !same(&json(b), &json(t)) => {
                    self.removed("party", &json(b), &json(t));
                    if keep_yours {
                        yours.clone()
                    } else {
                        Change::PartyEdited { party: t.clone() }
                    }
                }
                _ => yours.clone(),
            },
            Change::LeadProfessionalSet { party_id } => Change::LeadProfessionalSet {
                party_id: self.record("lead_party_id", &base.lead_party_id, &theirs.lead_party_id, party_id),
            },
            Change::StatusChanged { to } => Change::StatusChanged {
                to: self.record("status", &base.status, &theirs.status, to),
            },
            Change::TextsSet {
                section,
                texts,
                authorship,
            } => {
                let mut merged = BTreeMap::new();
                for (key, text) in texts {
                    let b = opt_json(base.content.texts.get(key));
                    let t = opt_json(theirs.content.texts.get(key));
                    let value = self.value(&format!("texts.{key}"), &b, &t, &Value::String(text.clone()));
                    merged.insert(key.clone(), value.as_str().unwrap_or_default().to_owned());
                }
                let authorship = authorship.as_ref().and_then(|a| {
                    let b = base.content.authorship.get(section).cloned();
                    let t = theirs.content.authorship.get(section).cloned();
                    self.record("authorship", &b, &t, &Some(a.clone()))
                });
                Change::TextsSet {
                    section: section.clone(),
                    texts: merged,
                    authorship,
                }
            }
            Change::ItemEdited { item } => {
                let kind = item.kind();
                match (base.content.item(kind, item.id()), theirs.content.item(kind, item.id())) {
                    (Some(b), Some(t)) => Change::ItemEdited {
                        item: self.item(b, t, item),
                    },
                    (Some(b), None) => {
                        self.whole(kind.as_str(), json(&b), Value::Null, json(item));
                        if !keep_yours {
                            return None;
                        }
                        Change::ItemAdded { item: item.clone() }
                    }
                    _ => yours.clone(),
                }
            }
            Change::ItemRemoved { item_kind, id } => {
                match (base.content.item(*item_kind, *id), theirs.content.item(*item_kind, *id)) {
                    (_, None) => return None,
                    (Some(b), Some(t)) if !same(&item_json(&b), &item_json(&t)) => {
                        self.removed(item_kind.as_str(), &item_json(&b), &item_json(&t));
                        if keep_yours {
                            yours.clone()
                        } else {
                            Change::ItemEdited { item: t }
                        }
                    }
                    _ => yours.clone(),
                }
            }
            Change::BudgetSet { budget } => Change::BudgetSet {
                budget: self.record("budget", &base.content.budget, &theirs.content.budget, budget),
            },
            Change::OtherPlansSet { plans } => Change::OtherPlansSet {
                plans: self.other_plans(&base.content.other_plans, &theirs.content.other_plans, plans),
            },
            Change::SocialCareChecklistSet { checklist } => Change::SocialCareChecklistSet {
                checklist: self.record(
                    "social_care_checklist",
                    &base.content.social_care_checklist,
                    &theirs.content.social_care_checklist,
                    checklist,
                ),
            },
            Change::HealthChecklistSet { checklist } => Change::HealthChecklistSet {
                checklist: self.record(
                    "health_checklist",
                    &base.content.health_checklist,
                    &theirs.content.health_checklist,
                    checklist,
                ),
            },
            Change::CompulsoryMeasuresSet { measures } => Change::CompulsoryMeasuresSet {
                measures: self.record(
                    "compulsory_measures",
                    &base.content.compulsory_measures,
                    &theirs.content.compulsory_measures,
                    measures,
                ),
            },
            // New things (a party, an item) meet nothing of anyone else's;
            // the plan's own checks refuse a duplicate.
            Change::Created { .. } | Change::PartyAdded { .. } | Change::ItemAdded { .. } => yours.clone(),
            // An agreement names the content version and hash it was given
            // for, so the plan's checks refuse it once others changed the
            // plan; review steps and endings are checked against the plan as
            // it now stands (the review still open, the item not yet ended).
            Change::AgreementRequiredSet { .. }
            | Change::AgreementRecorded { .. }
            | Change::ApprovalRequired { .. }
            | Change::ApprovalGiven { .. }
            | Change::ApprovalRefused { .. }
            | Change::ReviewOpened { .. }
            | Change::ReviewAnswered { .. }
            | Change::ReviewClosed { .. }
            | Change::ItemEnded { .. }
            | Change::ContinuedFrom { .. }
            | Change::ContinuedAs { .. }
            | Change::ConsentRecorded { .. } => yours.clone(),
        })
    }

    /// Merges an item's own fields. An outcome's steps and a step's
    /// targets are items of their own (an edit keeps them as they stand),
    /// so they are not compared here.
    fn item(&mut self, base: Item, theirs: Item, yours: &Item) -> Item {
        let path = yours.kind().as_str();
        match (base, theirs, yours) {
            (Item::Step { step: b, .. }, Item::Step { step: t, .. }, Item::Step { outcome_id, step: y }) => {
                let mut y = y.clone();
                y.targets = t.targets.clone();
                Item::Step {
                    outcome_id: *outcome_id,
                    step: self.record(path, &b, &t, &y),
                }
            }
            (Item::Target { target: b, .. }, Item::Target { target: t, .. }, Item::Target { step_id, target: y }) => {
                Item::Target {
                    step_id: *step_id,
                    target: self.record(path, &b, &t, y),
                }
            }
            (Item::Outcome(b), Item::Outcome(t), Item::Outcome(y)) => {
                let mut y = y.clone();
                y.steps = t.steps.clone();
                Item::Outcome(self.record(path, &b, &t, &y))
            }
            (b, t, y) => {
                let merged = self.record(path, &item_json(&b), &item_json(&t), &item_json(y));
                serde_json::from_value(merged).unwrap_or_else(|_| y.clone())
            }
        }
    }

    /// Other plans are keyed by their kind: one conflict per kind.
    fn other_plans(&mut self, base: &[OtherPlan], theirs: &[OtherPlan], yours: &[OtherPlan]) -> Vec<OtherPlan> {
        let by_kind = |plans: &[OtherPlan]| -> Vec<(String, Value)> {
            plans.iter().map(|p| (p.kind.as_str().to_owned(), json(p))).collect()
        };
        let (b, t, y) = (by_kind(base), by_kind(theirs), by_kind(yours));
        let get = |list: &[(String, Value)], key: &str| {
            list.iter()
                .find(|(k, _)| k == key)
                .map_or(Value::Null, |(_, v)| v.clone())
        };
        let mut keys: Vec<String> = y.iter().map(|(k, _)| k.clone()).collect();
        for (k, _) in t.iter().chain(&b) {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        keys.into_iter()
            .filter_map(|key| {
                let merged = self.value(
                    &format!("other_plans.{key}"),
                    &get(&b, &key),
                    &get(&t, &key),
                    &get(&y, &key),
                );
                serde_json::from_value::<Option<OtherPlan>>(merged).ok().flatten()
            })
            .collect()
    }
}

/// An item as JSON, for comparing: its nested items left out.
fn item_json(item: &Item) -> Value {
    let mut value = json(item);
    if let Some(object) = value.as_object_mut() {
        object.remove("steps");
        if let Some(step) = object.get_mut("step").and_then(Value::as_object_mut) {
            step.remove("targets");
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Frequency, Per, Provision, Strength, StrengthSetting};
    use crate::plan::{ChangeRecord, PlanDetails};
    use proptest::prelude::*;
    use time::macros::datetime;
    use uuid::Uuid;

    fn record(seq: i64, change: Change) -> ChangeRecord {
        ChangeRecord {
            seq,
            at: datetime!(2026-11-22 10:00 UTC) + time::Duration::minutes(seq),
            author_id: None,
            author_name: "Priya Shah".into(),
            reason: None,
            change,
        }
    }

    fn provision(id: u128) -> Provision {
        Provision {
            id: Uuid::from_u128(id),
            what: "Speech and language sessions".into(),
            party_id: None,
            frequency: Some(Frequency {
                times: 1,
                per: Per::Week,
            }),
            duration_minutes: Some(30),
            from: None,
            until: None,
            resources: None,
            weekly_cost_pence: Some(4000),
            funding: None,
            outcome_ids: vec![],
            ended: None,
        }
    }

    fn strength(id: u128, text: &str) -> Strength {
        Strength {
            id: Uuid::from_u128(id),
            text: text.into(),
            setting: StrengthSetting::General,
        }
    }

    /// A plan with two provision lines, a strength and a text.
    fn base() -> Plan {
        let log = vec![
            record(
                1,
                Change::Created {
                    person_id: Uuid::nil(),
                    plan_type: "MSP".into(),
                    number: 1,
                    details: PlanDetails {
                        title: "Leo's My Support Plan".into(),
                        start_date: None,
                        review_interval_weeks: None,
                    },
                },
            ),
            record(
                2,
                Change::ItemAdded {
                    item: Item::Provision(provision(1)),
                },
            ),
            record(
                3,
                Change::ItemAdded {
                    item: Item::Provision(provision(2)),
                },
            ),
            record(
                4,
                Change::ItemAdded {
                    item: Item::Strength(strength(3, "Loves Lego")),
                },
            ),
            record(
                5,
                Change::TextsSet {
                    section: "profile".into(),
                    texts: [
                        ("important_to_me".to_owned(), "My dog Biscuit".to_owned()),
                        ("how_to_support_me".to_owned(), "Give me time".to_owned()),
                    ]
                    .into(),
                    authorship: None,
                },
            ),
        ];
        Plan::replay(Uuid::nil(), &log).unwrap()
    }

    fn after(plan: &Plan, change: Change) -> Plan {
        let mut next = plan.clone();
        next.apply(&record(plan.version + 1, change)).unwrap();
        next
    }

    fn edit(p: Provision) -> Change {
        Change::ItemEdited {
            item: Item::Provision(p),
        }
    }

    fn edited(change: &Option<Change>) -> Provision {
        match change {
            Some(Change::ItemEdited {
                item: Item::Provision(p),
            }) => p.clone(),
            other => panic!("not a provision edit: {other:?}"),
        }
    }

    #[test]
    fn an_edit_of_another_item_applies_on_top() {
        let base = base();
        let mut theirs_p = provision(2);
        theirs_p.what = "Occupational therapy".into();
        let theirs = after(&base, edit(theirs_p));
        let mut yours = provision(1);
        yours.duration_minutes = Some(45);
        let merged = merge(&base, &theirs, &edit(yours.clone()), Keep::Yours);
        assert!(merged.conflicts.is_empty());
        assert_eq!(edited(&merged.change), yours);
    }

    #[test]
    fn other_fields_of_the_same_item_are_both_kept() {
        let base = base();
        let mut theirs_p = provision(1);
        theirs_p.what = "Speech and language therapy with Dr Price".into();
        theirs_p.frequency = Some(Frequency {
            times: 2,
            per: Per::Week,
        });
        let theirs = after(&base, edit(theirs_p));
        // The form re-sends the stale `what` and frequency it was drawn with.
        let mut yours = provision(1);
        yours.weekly_cost_pence = Some(5000);
        let merged = merge(&base, &theirs, &edit(yours), Keep::Yours);
        assert!(merged.conflicts.is_empty());
        let p = edited(&merged.change);
        assert_eq!(p.what, "Speech and language therapy with Dr Price");
        assert_eq!(
            p.frequency,
            Some(Frequency {
                times: 2,
                per: Per::Week
            })
        );
        assert_eq!(p.weekly_cost_pence, Some(5000));
    }

    #[test]
    fn the_same_field_changed_both_ways_is_a_conflict() {
        let base = base();
        let mut theirs_p = provision(1);
        theirs_p.duration_minutes = Some(40);
        theirs_p.what = "SALT".into();
        let theirs = after(&base, edit(theirs_p));
        let mut yours = provision(1);
        yours.duration_minutes = Some(50);
        yours.weekly_cost_pence = Some(100);
        let merged = merge(&base, &theirs, &edit(yours.clone()), Keep::Yours);
        assert_eq!(
            merged.conflicts,
            vec![FieldConflict {
                field: "provision.duration_minutes".into(),
                base: 30.into(),
                theirs: 40.into(),
                yours: 50.into(),
            }]
        );
        assert_eq!(merged.conflicts[0].name(), "duration_minutes");
        let p = edited(&merged.change);
        assert_eq!(
            (p.duration_minutes, p.what.as_str(), p.weekly_cost_pence),
            (Some(50), "SALT", Some(100))
        );
        let p = edited(&merge(&base, &theirs, &edit(yours.clone()), Keep::Theirs).change);
        assert_eq!(
            (p.duration_minutes, p.what.as_str(), p.weekly_cost_pence),
            (Some(40), "SALT", Some(100))
        );
        assert!(rebase(&base, &theirs, &edit(yours.clone()), None).is_err());
        assert!(rebase(&base, &theirs, &edit(yours), Some((&theirs, Keep::Yours))).is_ok());
    }

    #[test]
    fn a_conflict_not_seen_when_resolving_is_refused_again() {
        let base = base();
        let mut theirs_p = provision(1);
        theirs_p.duration_minutes = Some(40);
        let seen = after(&base, edit(theirs_p.clone()));
        theirs_p.duration_minutes = Some(45);
        let now = after(&seen, edit(theirs_p));
        let mut yours = provision(1);
        yours.duration_minutes = Some(50);
        let Err(Unresolved(conflicts)) = rebase(&base, &now, &edit(yours.clone()), Some((&seen, Keep::Yours))) else {
            panic!("a value changed again since it was shown must be shown again");
        };
        assert_eq!(conflicts[0].theirs, Value::from(45));
        // An unrelated save since the conflict was shown does not matter.
        let unrelated = after(
            &seen,
            Change::ItemEdited {
                item: Item::Strength(strength(3, "Loves Lego and trains")),
            },
        );
        assert!(rebase(&base, &unrelated, &edit(yours), Some((&seen, Keep::Yours))).is_ok());
    }

    #[test]
    fn texts_merge_by_key_and_stale_keys_do_not_revert() {
        let base = base();
        let theirs = after(
            &base,
            Change::TextsSet {
                section: "profile".into(),
                texts: [("important_to_me".to_owned(), "My dog Biscuit and my gran".to_owned())].into(),
                authorship: None,
            },
        );
        let yours = Change::TextsSet {
            section: "profile".into(),
            texts: [
                ("important_to_me".to_owned(), "My dog Biscuit".to_owned()),
                (
                    "how_to_support_me".to_owned(),
                    "Give me time\r\nand a quiet room".to_owned(),
                ),
            ]
            .into(),
            authorship: None,
        };
        let merged = merge(&base, &theirs, &yours, Keep::Yours);
        assert!(merged.conflicts.is_empty());
        let mut plan = theirs.clone();
        plan.apply(&record(theirs.version + 1, merged.change.unwrap())).unwrap();
        assert_eq!(plan.content.texts["important_to_me"], "My dog Biscuit and my gran");
        assert_eq!(
            plan.content.texts["how_to_support_me"],
            "Give me time\r\nand a quiet room"
        );

        let clash = Change::TextsSet {
            section: "profile".into(),
            texts: [("important_to_me".to_owned(), "Football".to_owned())].into(),
            authorship: None,
        };
        let merged = merge(&base, &theirs, &clash, Keep::Yours);
        assert_eq!(merged.conflicts.len(), 1);
        assert_eq!(merged.conflicts[0].field, "texts.important_to_me");
    }

    #[test]
    fn a_form_line_end_is_not_a_change() {
        let base = base();
        let theirs = after(
            &base,
            Change::TextsSet {
                section: "profile".into(),
                texts: [("important_to_me".to_owned(), "Biscuit\nand gran".to_owned())].into(),
                authorship: None,
            },
        );
        let yours = Change::TextsSet {
            section: "profile".into(),
            texts: [("important_to_me".to_owned(), "Biscuit\r\nand gran".to_owned())].into(),
            authorship: None,
        };
        assert!(
            merge(&theirs, &after(&theirs, yours.clone()), &yours, Keep::Yours)
                .conflicts
                .is_empty()
        );
    }

    #[test]
    fn removing_an_item_someone_changed_is_a_conflict_and_removed_twice_is_nothing() {
        let base = base();
        let mut theirs_p = provision(1);
        theirs_p.what = "SALT".into();
        let theirs = after(&base, edit(theirs_p.clone()));
        let remove = Change::ItemRemoved {
            item_kind: crate::content::ItemKind::Provision,
            id: Uuid::from_u128(1),
        };
        let merged = merge(&base, &theirs, &remove, Keep::Theirs);
        assert_eq!(merged.conflicts.len(), 1);
        assert_eq!(merged.conflicts[0].field, "provision.what");
        assert_eq!(merged.conflicts[0].yours, Value::Null);
        assert_eq!(edited(&merged.change), theirs_p);
        assert_eq!(merge(&base, &theirs, &remove, Keep::Yours).change, Some(remove.clone()));

        let gone = after(&base, remove.clone());
        assert_eq!(merge(&base, &gone, &remove, Keep::Yours).change, None);
        let mut yours = provision(1);
        yours.duration_minutes = Some(10);
        let merged = merge(&base, &gone, &edit(yours.clone()), Keep::Yours);
        assert_eq!(merged.conflicts[0].field, "provision");
        assert_eq!(merged.conflicts[0].theirs, Value::Null);
        assert_eq!(
            merged.change,
            Some(Change::ItemAdded {
                item: Item::Provision(yours)
            })
        );
    }

    #[test]
    fn details_and_budget_merge_field_by_field() {
        let base = base();
        let theirs = after(
            &base,
            Change::DetailsEdited {
                details: PlanDetails {
                    title: "Leo's plan".into(),
                    start_date: None,
                    review_interval_weeks: None,
                },
            },
        );
        let yours = Change::DetailsEdited {
            details: PlanDetails {
                title: "Leo's My Support Plan".into(),
                start_date: None,
                review_interval_weeks: Some(12),
            },
        };
        let merged = merge(&base, &theirs, &yours, Keep::Yours);
        assert!(merged.conflicts.is_empty());
        assert_eq!(
            merged.change,
            Some(Change::DetailsEdited {
                details: PlanDetails {
                    title: "Leo's plan".into(),
                    start_date: None,
                    review_interval_weeks: Some(12),
                },
            })
        );
        let budget = |amount, management: Option<&str>| Change::BudgetSet {
            budget: Some(crate::content::Budget {
                amount_pence: amount,
                period: crate::content::BudgetPeriod::Week,
                management: management.map(str::to_owned),
                in_control: None,
            }),
        };
        let theirs = after(&base, budget(1000, Some("Direct payment")));
        let merged = merge(&base, &theirs, &budget(1000, None), Keep::Yours);
        assert!(merged.conflicts.is_empty(), "both set the same amount");
        assert_eq!(merged.change, Some(budget(1000, Some("Direct payment"))));
        let merged = merge(&base, &theirs, &budget(2000, None), Keep::Yours);
        let fields: Vec<&str> = merged.conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["budget.amount_pence"], "only what both typed differently");
    }

    /// Values a generated edit may set a provision's fields to.
    fn field_edit() -> impl Strategy<Value = Option<u32>> {
        prop_oneof![Just(None), (0u32..4).prop_map(Some)]
    }

    fn apply_edit(p: &mut Provision, edit: &[Option<u32>; 6]) {
        if let Some(v) = edit[0] {
            p.what = format!("Session {v}");
        }
        if let Some(v) = edit[1] {
            p.duration_minutes = Some(10 + v);
        }
        if let Some(v) = edit[2] {
            p.frequency = Some(Frequency {
                times: v + 1,
                per: Per::Week,
            });
        }
        if let Some(v) = edit[3] {
            p.weekly_cost_pence = (v > 0).then_some(i64::from(v) * 100);
        }
        if let Some(v) = edit[4] {
            p.resources = (v > 0).then(|| format!("Room {v}"));
        }
        if let Some(v) = edit[5] {
            p.outcome_ids = (0..v).map(|i| Uuid::from_u128(u128::from(i) + 100)).collect();
        }
    }

    proptest! {
        /// Whatever two people change in the same provision line, every field
        /// only one of them changed ends up with that change, and only fields
        /// both changed to different values are reported as conflicts.
        #[test]
        fn the_merge_never_drops_a_change_that_did_not_conflict(
            theirs_edit in proptest::array::uniform6(field_edit()),
            yours_edit in proptest::array::uniform6(field_edit()),
            other_item in any::<bool>(),
            keep_theirs in any::<bool>(),
        ) {
            let base = base();
            let mut t = provision(if other_item { 2 } else { 1 });
            apply_edit(&mut t, &theirs_edit);
            let theirs = after(&base, edit(t.clone()));
            let mut y = provision(1);
            apply_edit(&mut y, &yours_edit);
            let keep = if keep_theirs { Keep::Theirs } else { Keep::Yours };
            let merged = merge(&base, &theirs, &edit(y.clone()), keep);
            let result = edited(&merged.change);
            let mut plan = theirs.clone();
            plan.apply(&record(theirs.version + 1, merged.change.clone().unwrap())).unwrap();

            let b = json(&provision(1));
            let (tv, yv, rv) = (if other_item { b.clone() } else { json(&t) }, json(&y), json(&result));
            let mut expected_conflicts = vec![];
            for key in b.as_object().unwrap().keys() {
                let (bf, tf, yf, rf) = (&b[key], &tv[key], &yv[key], &rv[key]);
                let they_changed = !same(tf, bf);
                let you_changed = !same(yf, bf);
                if you_changed && they_changed && !same(tf, yf) {
                    // A conflict: shown, and the chosen side kept.
                    expected_conflicts.push(key.clone());
                    let kept = if keep_theirs { tf } else { yf };
                    prop_assert!(same(rf, kept), "{key}: {rf} is not {kept}");
                } else if you_changed {
                    prop_assert!(same(rf, yf), "{key}: your change {yf} was dropped ({rf})");
                } else if they_changed {
                    prop_assert!(same(rf, tf), "{key}: their change {tf} was dropped ({rf})");
                } else {
                    prop_assert!(same(rf, bf));
                }
            }
            let reported: Vec<String> = merged.conflicts.iter().map(|c| c.field.split('.').nth(1).unwrap().to_owned()).collect();
            for key in &reported {
                prop_assert!(expected_conflicts.contains(key), "{key} reported but not changed both ways");
            }
            for key in &expected_conflicts {
                prop_assert!(reported.contains(key), "{key} changed both ways but not reported");
            }
            if other_item {
                prop_assert!(merged.conflicts.is_empty());
                prop_assert_eq!(plan.content.item(crate::content::ItemKind::Provision, t.id), Some(Item::Provision(t)));
            }
        }

        /// The same for the texts of a section, key by key.
        #[test]
        fn texts_merge_never_drops_a_change_that_did_not_conflict(
            theirs_edit in proptest::array::uniform3(field_edit()),
            yours_edit in proptest::array::uniform3(field_edit()),
        ) {
            const KEYS: [&str; 3] = ["important_to_me", "working", "not_working"];
            let text = |v: u32| if v == 0 { String::new() } else { format!("Text {v}") };
            let set = |edit: &[Option<u32>; 3], all: bool| Change::TextsSet {
                section: "my_situation".into(),
                texts: KEYS
                    .iter()
                    .zip(edit)
                    .filter_map(|(k, e)| match e {
                        Some(v) => Some(((*k).to_owned(), text(*v))),
                        None if all => Some(((*k).to_owned(), text(1))),
                        None => None,
                    })
                    .collect(),
                authorship: None,
            };
            let base = after(&base(), set(&[None; 3], true));
            let theirs = after(&base, set(&theirs_edit, false));
            // A form sends every key of the section, untouched ones as they were.
            let merged = merge(&base, &theirs, &set(&yours_edit, true), Keep::Yours);
            let mut plan = theirs.clone();
            plan.apply(&record(theirs.version + 1, merged.change.unwrap())).unwrap();
            for (i, key) in KEYS.iter().enumerate() {
                let now = plan.content.texts.get(*key).cloned().unwrap_or_default();
                let (t, y) = (theirs_edit[i].map(text), yours_edit[i].map(text));
                let before = text(1);
                let conflicted = merged.conflicts.iter().any(|c| c.field == format!("texts.{key}"));
                match (t.filter(|t| *t != before), y.filter(|y| *y != before)) {
                    (Some(t), Some(y)) if t != y => prop_assert!(conflicted && now == y),
                    (_, Some(y)) => prop_assert!(!conflicted && now == y, "{key}: yours {y} dropped"),
                    (Some(t), None) => prop_assert!(!conflicted && now == t, "{key}: theirs {t} dropped"),
                    (None, None) => prop_assert!(!conflicted && now == before),
                }
            }
        }
    }
}
