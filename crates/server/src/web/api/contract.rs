//! Writes into the generated OpenAPI document the rules that the derive
//! attributes cannot say once for all, so that the document is exactly what
//! the server enforces:
//!
//! - Free text: a string with a `maxLength` accepts no control characters
//!   (line breaks and tabs apart); with `minLength: 1` it must also hold
//!   something besides spaces (the domain trims it). Both become a
//!   `pattern`.
//! - Integers carry the range their Rust type holds.
//! - A plan type is one of the plan types loaded (they are data).
//! - A date of birth is today or in the last 130 years (as `pattern`, which
//!   is why the document is built per request).

use goldthread_domain::plan_type::Registry;
use serde_json::{Map, Value, json};
use time::Date;

/// Any text without control characters (line breaks and tabs allowed).
pub const TEXT_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

/// Text as [`TEXT_PATTERN`] that also holds something besides white space
/// (Unicode `White_Space`, what Rust's `trim` removes).
pub const REQUIRED_TEXT_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

/// Text on one line (no control characters at all, so no line breaks or
/// tabs) that holds something besides white space: a team's name.
pub const ONE_LINE_REQUIRED_PATTERN: &str = r"^[^\x00-\x1F\x7F-\x9F]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00-\x1F\x7F-\x9F]*$";

/// An e-mail address as `Email::parse` accepts it: one `@`, a dot inside
/// the domain, no spaces or control characters (spaces around are trimmed).
pub const EMAIL_PATTERN: &str = r"^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^@\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+@[^@.\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^@\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*\.[^@\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^@.\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$";

/// A UUID as the server reads it (hyphenated; any case).
pub const UUID_PATTERN: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// Month and day that exist in every year, and 29 February.
const MONTH_DAY: &str = "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))";

/// A real calendar date `YYYY-MM-DD` (leap years included), as `format:
/// date` means and the server reads it.
pub fn date_pattern() -> String {
    format!(
        "^(?:[0-9]{{4}}-{MONTH_DAY}|(?:[0-9]{{2}}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$"
    )
}

/// Completes the generated document (see the module's description).
pub fn complete(document: &mut Value, plan_types: &Registry, today: Date) {
    let date = date_pattern();
    walk(document, &mut |schema| {
        text_pattern(schema);
        integer_range(schema);
        if has_type(schema, "string") && !schema.contains_key("pattern") {
            match schema.get("format").and_then(Value::as_str) {
                Some("uuid") => {
                    schema.insert("pattern".into(), json!(UUID_PATTERN));
                }
                Some("date") => {
                    schema.insert("pattern".into(), json!(date));
                }
                _ => {}
            }
        }
    });
    name_variants(document);
    // A plan is started with POST /plans, never through its log.
    if let Some(Value::Array(variants)) = document.pointer("/components/schemas/Change/oneOf").cloned() {
        let requests: Vec<Value> = variants
            .into_iter()
            // Plans are linked only by a transfer (POST /plans/{id}/transfer).
            .filter(|v| {
                ![
                    "#/components/schemas/ChangeCreated",
                    "#/components/schemas/ChangeContinuedFrom",
                    "#/components/schemas/ChangeContinuedAs",
                ]
                .contains(&v["$ref"].as_str().unwrap_or(""))
            })
            .collect();
        document["components"]["schemas"]["ChangeRequest"] = json!({
            "oneOf": requests,
            "description": "Any change but `created` (start a plan with POST /plans) and the links `continued_from` and `continued_as` (made by POST /plans/{id}/transfer).",
        });
        if let Some(change) = document.pointer_mut("/components/schemas/NewChange/properties/change") {
            *change = json!({"$ref": "#/components/schemas/ChangeRequest"});
        }
    }
    let schemas = &mut document["components"]["schemas"];
    let ids: Vec<Value> = plan_types.all().map(|t| json!(t.id)).collect();
    if let Some(plan_type) = schemas.pointer_mut("/NewPlan/properties/plan_type") {
        plan_type["enum"] = Value::Array(ids.clone());
    }
    if let Some(plan_type) = schemas.pointer_mut("/TransferBody/properties/plan_type") {
        plan_type["enum"] = Value::Array(ids);
    }
    if let Some(dob) = schemas.pointer_mut("/PersonInput/properties/date_of_birth") {
        dob["pattern"] = json!(birth_date_pattern(today));
    }
    if let Some(name) = schemas.pointer_mut("/NewTeamBody/properties/name") {
        name["minLength"] = json!(1);
        name["maxLength"] = json!(goldthread_domain::team::MAX_TEAM_NAME_CHARS);
        name["pattern"] = json!(ONE_LINE_REQUIRED_PATTERN);
    }
    if let Some(email) = schemas.pointer_mut("/NewUserBody/properties/email") {
        email["pattern"] = json!(EMAIL_PATTERN);
    }
}

/// Gives each variant of a tagged union (`Change`, `Item`) a schema of its
/// own (`ChangeDetailsEdited`, `ItemNeed`, …) referred to from the union,
/// so that client generators make one type per variant.
fn name_variants(document: &mut Value) {
    let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") else {
        return;
    };
    let mut named = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        let Some(Value::Array(variants)) = schema.get_mut("oneOf") else {
            continue;
        };
        for variant in variants.iter_mut() {
            let tag = [
                "/properties/type/enum/0",
                "/properties/kind/enum/0",
                "/allOf/1/properties/kind/enum/0",
            ]
            .iter()
            .find_map(|p| variant.pointer(p).and_then(Value::as_str))
            .map(pascal_case);
            if let Some(tag) = tag
                && variant.get("$ref").is_none()
            {
                let variant_name = format!("{name}{tag}");
                let body = std::mem::replace(variant, json!({"$ref": format!("#/components/schemas/{variant_name}")}));
                named.push((variant_name, body));
            }
        }
    }
    for (name, body) in named {
        schemas.insert(name, body);
    }
}

fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Every object in the document, depth first.
fn walk(value: &mut Value, visit: &mut impl FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            visit(map);
            for child in map.values_mut() {
                walk(child, visit);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, visit);
            }
        }
        _ => {}
    }
}

fn has_type(schema: &Map<String, Value>, name: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(types)) => types.iter().any(|t| t == name),
        _ => false,
    }
}

fn text_pattern(schema: &mut Map<String, Value>) {
    if has_type(schema, "string")
        && schema.contains_key("maxLength")
        && !schema.contains_key("pattern")
        && !schema.contains_key("format")
    {
        let required = schema.get("minLength").and_then(Value::as_u64).is_some_and(|n| n >= 1);
        let pattern = if required { REQUIRED_TEXT_PATTERN } else { TEXT_PATTERN };
        schema.insert("pattern".into(), json!(pattern));
    }
}

fn integer_range(schema: &mut Map<String, Value>) {
    if !has_type(schema, "integer") {
        return;
    }
    let (min, max): (Value, Value) = match schema.get("format").and_then(Value::as_str) {
        Some("int64") => (json!(i64::MIN), json!(i64::MAX)),
        Some("int32") if schema.get("minimum").and_then(Value::as_i64) == Some(0) => {
            // utoipa writes u32 as int32 from 0; it holds up to 2³²-1.
            schema.insert("format".into(), json!("uint32"));
            (json!(0), json!(u32::MAX))
        }
        Some("int32") => (json!(i32::MIN), json!(i32::MAX)),
        Some("uint64") | Some("int64u") => (json!(0), json!(u64::MAX)),
        _ => return,
    };
    schema.entry("minimum").or_insert(min);
    schema.entry("maximum").or_insert(max);
}

/// `YYYY-MM-DD`, a real date from 1 January 130 years ago up to `today`
/// (what `PersonInput::parse` accepts as a date of birth).
pub fn birth_date_pattern(today: Date) -> String {
    let year = today.year();
    let earlier: Vec<String> = (year - 130..year).map(|y| format!("{y:04}")).collect();
    let leap: Vec<String> = (year - 130..year)
        .filter(|y| time::util::is_leap_year(*y))
        .map(|y| format!("{y:04}"))
        .collect();
    let mut this_year = Vec::new();
    let mut day = Date::from_ordinal_date(year, 1).unwrap_or(today);
    while day <= today {
        this_year.push(format!("{:02}-{:02}", u8::from(day.month()), day.day()));
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    format!(
        "^(?:(?:{})-{MONTH_DAY}|(?:{})-02-29|{year:04}-(?:{}))$",
        earlier.join("|"),
        leap.join("|"),
        this_year.join("|")
    )
}

/// Turns numbers with no fractional part (`3.0`) into integers, as JSON
/// Schema reads them, so a body the document calls valid is read as such.
pub fn integral_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
            {
                *value = json!(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn birth_dates_run_up_to_today() {
        let pattern = birth_date_pattern(date!(2026 - 03 - 02));
        assert!(pattern.starts_with("^(?:(?:1896|1897|"), "{pattern}");
        assert!(pattern.contains("|2025)-"));
        assert!(pattern.contains("(?:1896|1904|"), "leap years since 1896: {pattern}");
        assert!(pattern.contains("|2026-(?:01-01|01-02|"), "{pattern}");
        assert!(pattern.ends_with("|02-28|03-01|03-02))$"), "{pattern}");
    }

    #[test]
    fn integral_floats_become_integers() {
        let mut value = json!({"a": 3.0, "b": [1.5, -2.0], "c": 1e300});
        integral_numbers(&mut value);
        assert_eq!(value, json!({"a": 3, "b": [1.5, -2], "c": 1e300}));
    }
}
