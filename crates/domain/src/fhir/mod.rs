//! A plan as a FHIR R4 Bundle, and back (SPEC D2, issue 13): pure mapping,
//! no I/O. Storage reads the plan, its person and its log; [`export_bundle`]
//! writes the Bundle. [`read_bundle`] reads a Bundle (refusing what is not
//! FHIR R4 JSON, or too big, or too deep, or pointing at nothing) into an
//! [`Imported`] plan, and [`build_plan`] turns that into a new draft plan's
//! log through the same checks as every other door ([`Plan::check`]).
//!
//! The resources are written as JSON with `serde_json` rather than with a
//! FHIR model crate: the maintained Rust FHIR crates generate every resource
//! of the specification, which takes minutes to build, and we use nine.
//! An independent validator (`fhir.resources` from PyPI, R4B models) checks
//! every demo plan's export in the tests.
//!
//! | Goldthread | FHIR R4 |
//! |---|---|
//! | the person | `Patient` (name, "known as" as a `usual` name, birth date) |
//! | the plan | `CarePlan` (status from the lifecycle, intent `plan`, the plan type as its category, period from the start date, subject, author = the Lead Professional, careTeam, addresses, goal, activity) |
//! | parties | `CareTeam.participant` (role, agency as `onBehalfOf`), each a `Practitioner` or `RelatedPerson` (the person themselves: the `Patient`) |
//! | needs | `Condition` (area of need as category), in `CarePlan.addresses` |
//! | aspirations, outcomes, steps, targets | `Goal`, told apart by a category; outcomes have a target with measure and due date and `achievementStatus` from the latest formal review; steps and targets point at their outcome or step (extension `part-of`) |
//! | provision | `CarePlan.activity.detail` (kind `ServiceRequest`; what, who, how often as a `Timing`, from/until, resources, the outcomes it serves; weekly cost and funding as extensions) |
//! | other plans and consent to share | `Consent` (`active` with who gave it and when; `proposed` when none is recorded) |
//! | agreements | `Provenance` (who, when, the version agreed and its content hash) |
//!
//! What FHIR has no place for (free-text profile sections, strengths, risks,
//! the personal budget, checklists, documents) is not exported yet.

mod export;
mod import;
mod limits;

pub use export::{ExportInput, export_bundle};
pub use import::{Imported, Located, build_plan, read_bundle};
pub use limits::{MAX_BYTES, MAX_DEPTH, MAX_ENTRIES};

/// The FHIR version written, and the only one read.
pub const FHIR_VERSION: &str = "4.0.1";

/// The media type of FHIR JSON, with its version.
pub const MEDIA_TYPE: &str = "application/fhir+json; fhirVersion=4.0";

/// Where Goldthread's own code systems and extensions are named. The
/// `.example` domain is reserved: these are names, not addresses to fetch.
pub const BASE: &str = "https://goldthread.example/fhir";

/// Code systems and identifier systems.
pub mod system {
    pub const PERSON: &str = "https://goldthread.example/fhir/sid/person";
    pub const PLAN: &str = "https://goldthread.example/fhir/sid/plan";
    pub const PLAN_TYPE: &str = "https://goldthread.example/fhir/CodeSystem/plan-type";
    pub const PARTY_ROLE: &str = "https://goldthread.example/fhir/CodeSystem/party-role";
    pub const AREA_OF_NEED: &str = "https://goldthread.example/fhir/CodeSystem/area-of-need";
    pub const GOAL_KIND: &str = "https://goldthread.example/fhir/CodeSystem/goal-kind";
    pub const TERM: &str = "https://goldthread.example/fhir/CodeSystem/aspiration-term";
    pub const WHOSE: &str = "https://goldthread.example/fhir/CodeSystem/aspiration-whose";
    pub const SERVICE: &str = "https://goldthread.example/fhir/CodeSystem/service";
    pub const FUNDING: &str = "https://goldthread.example/fhir/CodeSystem/funding";
    pub const OTHER_PLAN: &str = "https://goldthread.example/fhir/CodeSystem/other-plan";
    pub const CONSENT_PURPOSE: &str = "https://goldthread.example/fhir/CodeSystem/consent-purpose";
    pub const RESPONSE: &str = "https://goldthread.example/fhir/CodeSystem/agreement-response";
    pub const CONTENT_HASH: &str = "https://goldthread.example/fhir/sid/content-hash";
    pub const PROGRESS: &str = "https://goldthread.example/fhir/CodeSystem/progress-rating";
    pub const GOAL_ACHIEVEMENT: &str = "http://terminology.hl7.org/CodeSystem/goal-achievement";
}

/// Extensions (`https://goldthread.example/fhir/StructureDefinition/…`).
pub mod extension {
    pub const SETTING: &str = "https://goldthread.example/fhir/StructureDefinition/setting";
    pub const COMMUNICATION: &str = "https://goldthread.example/fhir/StructureDefinition/communication";
    pub const PRESENTING: &str = "https://goldthread.example/fhir/StructureDefinition/presenting-information";
    pub const REVIEW_INTERVAL: &str = "https://goldthread.example/fhir/StructureDefinition/review-interval-weeks";
    pub const PLAN_NUMBER: &str = "https://goldthread.example/fhir/StructureDefinition/plan-number";
    pub const RELATIONSHIP: &str = "https://goldthread.example/fhir/StructureDefinition/relationship";
    pub const PART_OF: &str = "https://goldthread.example/fhir/StructureDefinition/part-of";
    pub const SERVES: &str = "https://goldthread.example/fhir/StructureDefinition/serves-aspiration";
    pub const AREA: &str = "https://goldthread.example/fhir/StructureDefinition/area-of-need";
    pub const STAGE: &str = "https://goldthread.example/fhir/StructureDefinition/stage";
    pub const WEEKLY_COST: &str = "https://goldthread.example/fhir/StructureDefinition/weekly-cost";
    pub const FUNDING: &str = "https://goldthread.example/fhir/StructureDefinition/funding";
    pub const ENDED: &str = "https://goldthread.example/fhir/StructureDefinition/ended";
    pub const NOTES: &str = "https://goldthread.example/fhir/StructureDefinition/notes";
    pub const ON_BEHALF_OF: &str = "https://goldthread.example/fhir/StructureDefinition/on-behalf-of";
}

/// What stays the same when a plan goes out and comes back in (export →
/// import → export): the Bundle without ids, timestamps and what belongs to
/// the original plan only (its status and number, agreements, review
/// ratings). References are replaced by the kind and position of what they
/// point at ("Goal #3"), so that the links are compared too.
pub fn comparable(bundle: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let mut labels = std::collections::BTreeMap::new();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let empty = Vec::new();
    let entries = bundle["entry"].as_array().unwrap_or(&empty);
    for entry in entries {
        let kind = entry["resource"]["resourceType"].as_str().unwrap_or("").to_owned();
        let n = counts.entry(kind.clone()).or_default();
        *n += 1;
        if let Some(url) = entry["fullUrl"].as_str() {
            labels.insert(url.to_owned(), format!("{kind} #{n}"));
        }
        if let Some(id) = entry["resource"]["id"].as_str() {
            labels.insert(format!("{kind}/{id}"), format!("{kind} #{n}"));
        }
    }
    fn walk(value: &mut Value, labels: &std::collections::BTreeMap<String, String>) {
        match value {
            Value::Object(map) => {
                map.remove("id");
                map.remove("identifier");
                if let Some(Value::String(r)) = map.get_mut("reference") {
                    *r = labels
                        .get(r.as_str())
                        .cloned()
                        .unwrap_or_else(|| format!("unresolved {r}"));
                }
                if let Some(Value::Array(exts)) = map.get_mut("extension") {
                    exts.retain(|e| e["url"] != extension::PLAN_NUMBER);
                }
                map.values_mut().for_each(|v| walk(v, labels));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, labels)),
            _ => {}
        }
    }
    let mut resources: Vec<Value> = entries
        .iter()
        .map(|e| e["resource"].clone())
        .filter(|r| r["resourceType"] != "Provenance")
        .collect();
    for resource in &mut resources {
        if let Value::Object(map) = resource {
            if map.get("resourceType").is_some_and(|t| *t == "CarePlan") {
                map.remove("status");
                map.remove("created");
            }
            map.remove("achievementStatus");
        }
        walk(resource, &labels);
    }
    Value::Array(resources)
}

#[cfg(test)]
mod tests;
