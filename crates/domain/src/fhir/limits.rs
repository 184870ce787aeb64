//! What is read before any FHIR is: the size of the input, its encoding,
//! its nesting, and whether it is JSON at all. Each refusal says what is
//! wrong in words, with where.

use serde_json::Value;

use crate::error::FieldErrors;

/// The largest Bundle read: 1 MiB (the demo's largest plan, Leo's, is about 100 KB
/// pretty-printed).
pub const MAX_BYTES: usize = 1024 * 1024;

/// The deepest nesting of objects and arrays read (a plan's Bundle needs 9).
pub const MAX_DEPTH: usize = 32;

/// The most entries a Bundle may hold.
pub const MAX_ENTRIES: usize = 5_000;

/// The field every refusal of the input as a whole names.
pub const FIELD: &str = "bundle";

/// Reads the input as JSON, within the limits.
pub fn parse_json(bytes: &[u8]) -> Result<Value, FieldErrors> {
    if bytes.len() > MAX_BYTES {
        return Err(FieldErrors::single(
            FIELD,
            format!(
                "The file is {} bytes; a Bundle may be at most {} bytes (1 MB)",
                bytes.len(),
                MAX_BYTES
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        FieldErrors::single(
            FIELD,
            format!(
                "The file is not UTF-8 text: the byte at position {} cannot be read (FHIR JSON must be UTF-8)",
                e.valid_up_to()
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Err(FieldErrors::single(
            FIELD,
            "The file is empty: expected a FHIR R4 Bundle in JSON",
        ));
    }
    check_depth(text)?;
    serde_json::from_str(text).map_err(|e| FieldErrors::single(FIELD, format!("The file is not valid JSON: {e}")))
}

/// Refuses nesting deeper than [`MAX_DEPTH`] before parsing, so that deep
/// input costs nothing and is named as what it is.
fn check_depth(text: &str) -> Result<(), FieldErrors> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let (mut line, mut column) = (1usize, 0usize);
    for c in text.chars() {
        column += 1;
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(FieldErrors::single(
                        FIELD,
                        format!(
                            "The JSON is nested more than {MAX_DEPTH} levels deep (at line {line} column {column}); \
                             a FHIR Bundle of a plan needs far fewer"
                        ),
                    ));
                }
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Resource types that FHIR R4 does not have (R4B and R5 added them).
pub const NOT_R4_TYPES: &[&str] = &[
    "ActorDefinition",
    "AdministrableProductDefinition",
    "ArtifactAssessment",
    "BiologicallyDerivedProductDispense",
    "Citation",
    "ClinicalUseDefinition",
    "ConditionDefinition",
    "DeviceAssociation",
    "DeviceDispense",
    "DeviceUsage",
    "EncounterHistory",
    "EvidenceReport",
    "FormularyItem",
    "GenomicStudy",
    "ImagingSelection",
    "Ingredient",
    "InventoryItem",
    "InventoryReport",
    "ManufacturedItemDefinition",
    "NutritionIntake",
    "NutritionProduct",
    "PackagedProductDefinition",
    "Permission",
    "RegulatedAuthorization",
    "Requirements",
    "SubscriptionStatus",
    "SubscriptionTopic",
    "TestPlan",
    "Transport",
];

/// Elements of the resources we read that only other FHIR versions have:
/// (resource type, element, version it comes from).
pub const NOT_R4_ELEMENTS: &[(&str, &str, &str)] = &[
    ("Bundle", "issues", "R5"),
    ("CarePlan", "custodian", "R5"),
    ("CarePlan", "definition", "STU3"),
    ("CarePlan", "context", "STU3"),
    ("Goal", "continuous", "R5"),
    ("Goal", "status", "STU3"),
    ("CareTeam", "context", "STU3"),
    ("Condition", "participant", "R5"),
    ("Consent", "decision", "R5"),
    ("Consent", "grantor", "R5"),
    ("Consent", "grantee", "R5"),
    ("Consent", "controller", "R5"),
    ("Consent", "manager", "R5"),
    ("Consent", "regulatoryBasis", "R5"),
    ("Consent", "policyBasis", "R5"),
    ("Consent", "subject", "R5"),
    ("Consent", "period", "STU3"),
    ("Provenance", "authorization", "R5"),
    ("Provenance", "patient", "R5"),
    ("Provenance", "basedOn", "R5"),
];

/// A FHIR version named somewhere other than 4.0.x: in a `fhirVersion`
/// element, a FHIR-version tag, or a profile of another version.
pub fn other_version(bundle: &Value) -> Option<String> {
    if let Some(v) = bundle.get("fhirVersion").and_then(Value::as_str)
        && !v.starts_with("4.0")
    {
        return Some(format!("its fhirVersion is {v}"));
    }
    let meta = bundle.get("meta");
    for tag in meta
        .and_then(|m| m.get("tag"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if tag.get("system").and_then(Value::as_str) == Some("http://hl7.org/fhir/FHIR-version")
            && let Some(code) = tag.get("code").and_then(Value::as_str)
            && !code.starts_with("4.0")
        {
            return Some(format!("it is tagged as FHIR version {code}"));
        }
    }
    for profile in meta
        .and_then(|m| m.get("profile"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let lower = profile.to_ascii_lowercase();
        let marks = [
            "/fhir/5.",
            "/fhir/r5/",
            "/fhir/r4b/",
            "/fhir/4.3",
            "/fhir/3.",
            "/fhir/stu3/",
            "/fhir/r6/",
        ];
        if marks.iter().any(|m| lower.contains(m)) {
            return Some(format!("its profile {profile} is of another FHIR version"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_big_is_refused_before_reading() {
        let big = vec![b' '; MAX_BYTES + 1];
        let e = parse_json(&big).unwrap_err();
        assert!(e.summary().contains("at most"), "{e}");
    }

    #[test]
    fn not_utf8_names_the_position() {
        let e = parse_json(b"{\"a\": \"\xff\"}").unwrap_err();
        assert!(
            e.summary().contains("not UTF-8") && e.summary().contains("position 7"),
            "{e}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_but_brackets_in_strings_are_not_counted() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert!(parse_json(deep.as_bytes()).unwrap_err().summary().contains("nested"));
        let text = format!("{{\"a\": \"{}\"}}", "[".repeat(100));
        assert!(parse_json(text.as_bytes()).is_ok());
    }

    #[test]
    fn malformed_json_says_where() {
        let e = parse_json(b"{\"resourceType\": \"Bundle\",").unwrap_err();
        assert!(
            e.summary().contains("not valid JSON") && e.summary().contains("line 1"),
            "{e}"
        );
    }
}
