//! The canonical form of a plan's content, and the hash that agreements are
//! bound to (SPEC A1, issue 9 "Agreement bound to a version").
//!
//! # Canonical form, version 1
//!
//! 1. Take what the plan says — plan type, number, details, parties, Lead
//!    Professional, content, and the items that have been ended — as JSON
//!    (the crate's serde field names; enums as their snake_case names).
//! 2. Prune it, recursively: drop every object member whose value is `null`,
//!    `false`, `""`, `[]` or `{}` (after pruning its own members). Array
//!    elements are kept in order (order means something: steps, outcomes).
//!    So an optional field or an empty default added to a struct later is
//!    absent from the canonical form of every plan that does not use it, and
//!    the hash of every earlier version stays the same.
//! 3. Wrap it as `{"canonical_form": 1, "plan": …}`.
//! 4. Serialise with RFC 8785 (JSON Canonicalization Scheme: sorted keys, no
//!    white space, fixed number and string forms); the tests hold the bytes
//!    to those of `serde_json_canonicalizer`, an independent implementation.
//! 5. The hash is `c1:` followed by the lowercase hex SHA-256 of those bytes.
//!
//! A change to these rules is a new version (`c2:`); hashes already recorded
//! keep their prefix, so a verifier knows which form to recompute. See also
//! `docs/CANONICAL.md`.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::plan::Plan;

/// The version of the canonical form made by this module.
pub const CANONICAL_FORM_VERSION: u32 = 1;

/// The prefix of hashes of this version's canonical form.
pub const HASH_PREFIX: &str = "c1:";

/// Removes absent and empty values from a JSON value, recursively (rule 2).
/// Returns `None` when the value itself is absent or empty.
pub fn prune(value: Value) -> Option<Value> {
    let mut value = value;
    prune_in_place(&mut value).then_some(value)
}

/// [`prune`] where the value lies (no copy of what is kept); whether the
/// value itself is kept.
fn prune_in_place(value: &mut Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => {
            // Elements stay, in order, even when empty, so positions keep
            // their meaning; an empty element becomes `null`.
            for item in items.iter_mut() {
                if !prune_in_place(item) {
                    *item = Value::Null;
                }
            }
            !items.is_empty()
        }
        Value::Object(members) => {
            members.retain(|_, member| prune_in_place(member));
            !members.is_empty()
        }
        Value::Bool(true) | Value::Number(_) => true,
    }
}

/// The canonical bytes of a JSON value that holds a plan's content (rules
/// 2–4). Used for plans as they stand and for content stored as JSON by an
/// earlier release.
pub fn canonical_bytes_of_value(content: Value) -> Vec<u8> {
    let mut plan = Vec::with_capacity(16 * 1024);
    write_jcs(&prune(content).unwrap_or(Value::Object(Default::default())), &mut plan);
    wrapped(&plan)
}

/// Rule 3: the canonical bytes of a plan's content, wrapped. The wrapper
/// is written as it is (its two names are in order).
fn wrapped(plan: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(plan.len() + 32);
    out.extend_from_slice(format!("{{\"canonical_form\":{CANONICAL_FORM_VERSION},\"plan\":").as_bytes());
    out.extend_from_slice(plan);
    out.push(b'}');
    out
}

/// Writes `value` as RFC 8785 (JCS) does (rule 4): members sorted by their
/// names' UTF-16 code units, no white space, strings escaped as JSON's
/// shortest form (only `"`, `\` and control characters), every number as
/// ECMAScript prints a double. The same bytes as `serde_json_canonicalizer`
/// (the tests hold it to that), without its cost: it parses every
/// member's name again as JSON to sort it, which made the plan's hash the
/// costliest part of saving a plan.
fn write_jcs(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            // JSON numbers are doubles: integers too are printed as one.
            write_jcs_number(n.as_f64().expect("a JSON number is finite"), out);
        }
        Value::String(s) => write_jcs_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_jcs(item, out);
            }
            out.push(b']');
        }
        Value::Object(members) => {
            let mut members: Vec<(&String, &Value)> = members.iter().collect();
            // Usually in order already (the map sorts by bytes, the same
            // order for the ASCII names a plan has): then one pass.
            members.sort_by(|a, b| jcs_order(a.0, b.0));
            out.push(b'{');
            for (i, (name, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_jcs_string(name, out);
                out.push(b':');
                write_jcs(member, out);
            }
            out.push(b'}');
        }
    }
}

pub(crate) fn write_jcs_string(s: &str, out: &mut Vec<u8>) {
    // serde_json escapes exactly what JCS does, in the same forms.
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

/// A finite number as RFC 8785 writes it: as ECMAScript prints a double.
pub(crate) fn write_jcs_number(n: f64, out: &mut Vec<u8>) {
    out.extend_from_slice(ryu_js::Buffer::new().format_finite(n).as_bytes());
}

/// RFC 8785's order of members: by their names' UTF-16 code units.
pub(crate) fn jcs_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The hash (rule 5) of canonical bytes.
fn hash_of_bytes(bytes: &[u8]) -> String {
    format!("{HASH_PREFIX}{}", hex::encode(Sha256::digest(bytes)))
}

/// The hash (rule 5) of a JSON value that holds a plan's content.
pub fn hash_of_value(content: Value) -> String {
    hash_of_bytes(&canonical_bytes_of_value(content))
}

/// What the plan says, as hashed (rule 1). Timestamps, the version number,
/// the status, agreements and reviews are not part of it.
#[derive(Serialize)]
struct Content<'a> {
    plan_type: &'a str,
    number: u32,
    details: &'a crate::plan::PlanDetails,
    parties: &'a [crate::plan::Party],
    lead_party_id: Option<uuid::Uuid>,
    content: &'a crate::content::PlanContent,
    ended: &'a std::collections::BTreeMap<uuid::Uuid, crate::review::EndedItem>,
}

impl<'a> Content<'a> {
    fn of(plan: &'a Plan) -> Self {
        Content {
            plan_type: &plan.plan_type,
            number: plan.number,
            details: &plan.details,
            parties: &plan.parties,
            lead_party_id: plan.lead_party_id,
            content: &plan.content,
            ended: &plan.reviews.ended,
        }
    }
}

/// What the plan says (rule 1) as a JSON value.
pub fn content_value(plan: &Plan) -> Value {
    serde_json::to_value(Content::of(plan)).expect("plan content serializes")
}

/// The canonical bytes of what the plan says: written straight from the
/// plan (jcs.rs), the same bytes as `canonical_bytes_of_value` of
/// [`content_value`] at a fraction of the cost.
pub fn canonical_bytes(plan: &Plan) -> Vec<u8> {
    let content = crate::jcs::to_canonical(&Content::of(plan)).expect("plan content serializes");
    wrapped(content.as_deref().unwrap_or(b"{}"))
}

/// The hash an agreement is bound to.
pub fn content_hash(plan: &Plan) -> String {
    hash_of_bytes(&canonical_bytes(plan))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::small_log;
    use uuid::Uuid;

    fn plan() -> Plan {
        Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap()
    }

    #[test]
    fn the_hash_is_versioned_and_ignores_timestamps() {
        let a = plan();
        let mut b = a.clone();
        b.updated_at += time::Duration::days(3);
        b.version += 7;
        assert!(a.content_hash().starts_with("c1:"));
        assert_eq!(a.content_hash().len(), 3 + 64);
        assert_eq!(a.content_hash(), b.content_hash());
        b.content.provision[0].what.push('!');
        assert_ne!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn the_canonical_form_is_rfc8785_with_absent_values_left_out() {
        let bytes = canonical_bytes(&plan());
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with(r#"{"canonical_form":1,"plan":{"content":{"outcomes":[{"id":"#),
            "{text}"
        );
        assert!(!text.contains("null"), "absent values are left out: {text}");
        assert!(!text.contains("false"), "false values are left out: {text}");
        assert!(!text.contains("[]"), "empty lists are left out: {text}");
        assert!(!text.contains(": "), "no white space: {text}");
    }

    #[test]
    fn a_plan_stored_before_an_optional_field_existed_still_hashes_the_same() {
        // The plan as an earlier release stored it: no `measure`, `stage`,
        // `supported_by` on outcomes, no `ended`, `funding` on provision, no
        // `social_care_checklist` in the content, no `user_id` on parties.
        let current = plan();
        let mut stored = serde_json::to_value(&current).unwrap();
        for outcome in stored["content"]["outcomes"].as_array_mut().unwrap() {
            let o = outcome.as_object_mut().unwrap();
            o.remove("measure");
            o.remove("stage");
            o.remove("supported_by");
        }
        for provision in stored["content"]["provision"].as_array_mut().unwrap() {
            let p = provision.as_object_mut().unwrap();
            p.remove("ended");
            p.remove("funding");
        }
        stored["content"]
            .as_object_mut()
            .unwrap()
            .remove("social_care_checklist");
        for party in stored["parties"].as_array_mut().unwrap() {
            party.as_object_mut().unwrap().remove("user_id");
        }
        let old: Plan = serde_json::from_value(stored).unwrap();
        assert_eq!(old.content_hash(), current.content_hash());

        // And a field added later with an empty default leaves it unchanged.
        let mut value = content_value(&current);
        value["content"]["outcomes"][0]["new_optional_field"] = Value::Null;
        value["content"]["new_list"] = serde_json::json!([]);
        value["new_flag"] = Value::Bool(false);
        value["new_text"] = Value::String(String::new());
        assert_eq!(hash_of_value(value), current.content_hash());
    }

    /// The bytes are RFC 8785's, as an independent implementation makes
    /// them: for a plan, and for values a plan could hold (names outside
    /// the Basic Multilingual Plane, which sort differently by UTF-16 than
    /// by UTF-8; control characters; numbers integral, fractional, large
    /// and small).
    #[test]
    fn the_bytes_are_those_of_an_independent_rfc8785_implementation() {
        let oracle = |value: &Value| serde_json_canonicalizer::to_vec(value).unwrap();
        let ours = |value: &Value| {
            let mut out = Vec::new();
            write_jcs(value, &mut out);
            out
        };
        let stored = serde_json::to_value(plan()).unwrap();
        assert_eq!(ours(&stored), oracle(&stored));
        let wrapped = serde_json::json!({"canonical_form": 1, "plan": prune(content_value(&plan())).unwrap()});
        assert_eq!(ours(&wrapped), oracle(&wrapped));
        let odd = serde_json::json!({
            "\u{1F600} face": 1, "\u{FB01}ligature": 2, "b": [1.5, -0.0, 1e21, 1e-7, 123456789012345680000.0, 9007199254740993u64, -42],
            "a\u{0}\u{1f}\"\\/\n\t\u{7f}é": {"z": null, "Z": true, "": false},
            "\u{E000}": "x\u{2028}y", "numbers": [0, 1, 10, 100, 0.1, 0.000001, 1e300, 5e-324],
        });
        assert_eq!(ours(&odd), oracle(&odd), "{}", String::from_utf8_lossy(&oracle(&odd)));
    }

    proptest::proptest! {
        #[test]
        fn any_json_value_canonicalises_as_rfc8785_says(value in json_value()) {
            let mut out = Vec::new();
            write_jcs(&value, &mut out);
            proptest::prop_assert_eq!(out, serde_json_canonicalizer::to_vec(&value).unwrap());
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// The bytes written straight from a plan (jcs.rs) are those of its
    /// value, pruned and written by `write_jcs` (the reference): for plans
    /// of every type, and for any JSON value and the shapes serde gives
    /// Rust's types (enums of each kind, options, maps keyed by numbers).
    #[test]
    fn written_straight_from_the_plan_or_through_its_value_the_bytes_are_the_same() {
        for plan_type in ["YP", "SH", "PB", "MSP", "CP"] {
            let plan = Plan::replay(Uuid::nil(), &small_log(plan_type)).unwrap();
            assert_eq!(
                canonical_bytes(&plan),
                canonical_bytes_of_value(content_value(&plan)),
                "{plan_type}"
            );
            assert_eq!(content_hash(&plan), hash_of_value(content_value(&plan)));
        }

        #[derive(Serialize)]
        enum Kind {
            Unit,
            Newtype(Option<String>),
            Tuple(u8, Option<bool>),
            Struct { a: Vec<u8>, b: &'static str },
        }
        #[derive(Serialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        enum Tagged {
            One { x: f64 },
            Two,
        }
        #[derive(Serialize)]
        struct Shapes {
            kinds: Vec<Kind>,
            tagged: Vec<Tagged>,
            by_number: std::collections::BTreeMap<u32, &'static str>,
            nothing: Option<Kind>,
            unit: (),
            #[serde(flatten)]
            extra: std::collections::BTreeMap<String, i64>,
            bytes: serde_bytes_like::Bytes,
            c: char,
            big: i128,
        }
        mod serde_bytes_like {
            pub struct Bytes(pub &'static [u8]);
            impl serde::Serialize for Bytes {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_bytes(self.0)
                }
            }
        }
        let shapes = Shapes {
            kinds: vec![
                Kind::Unit,
                Kind::Newtype(None),
                Kind::Newtype(Some("n".into())),
                Kind::Tuple(0, None),
                Kind::Struct { a: vec![], b: "" },
                Kind::Struct { a: vec![1, 2], b: "b" },
            ],
            tagged: vec![Tagged::One { x: 0.5 }, Tagged::Two],
            by_number: [(10, "ten"), (2, "two"), (3, "")].into(),
            nothing: None,
            unit: (),
            extra: [("z".to_owned(), 1), ("\u{1F600}".to_owned(), 2)].into(),
            bytes: serde_bytes_like::Bytes(b"ab"),
            c: 'é',
            big: -5,
        };
        let reference = canonical_bytes_of_value(serde_json::to_value(&shapes).unwrap());
        let direct = wrapped(&crate::jcs::to_canonical(&shapes).unwrap().unwrap());
        assert_eq!(
            String::from_utf8(direct).unwrap(),
            String::from_utf8(reference).unwrap()
        );
    }

    proptest::proptest! {
        #[test]
        fn any_json_value_is_written_straight_as_through_its_value(value in json_value()) {
            let mut reference = Vec::new();
            let pruned = prune(value.clone());
            if let Some(pruned) = &pruned {
                write_jcs(pruned, &mut reference);
            }
            let direct = crate::jcs::to_canonical(&value).unwrap();
            proptest::prop_assert_eq!(direct, pruned.map(|_| reference));
        }
    }

    #[test]
    fn the_hash_of_a_known_plan_does_not_drift() {
        // If this fails, the canonical form changed: that needs a new
        // version (`c2:`), not a new expected value here.
        let bytes = canonical_bytes(&plan());
        let expected = hex::encode(Sha256::digest(&bytes));
        assert_eq!(plan().content_hash(), format!("c1:{expected}"));
        assert_eq!(plan().content_hash(), GOLDEN);
    }

    const GOLDEN: &str = "c1:ee6764c64df88cc366fd84ee191869138b88dc73ec6ca0a2c39110829d5284e5";
}
