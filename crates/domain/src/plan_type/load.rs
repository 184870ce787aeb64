//! Reading a plan-type file: TOML → [`PlanType`], then the checks serde
//! cannot make, each reported with the file, line, column and field.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use utoipa::ToSchema;

use super::vocab::{SectionKind, TEXT_KEYS, text_key};
use super::{PlanType, SCHEMA_VERSION};

/// The longest hint a plan type may give. Hints are short; guidance prose
/// belongs in guidance documents, not on the form.
pub const HINT_MAX_CHARS: usize = 600;

/// What kind of problem a plan-type file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanTypeErrorKind {
    /// The text is not valid TOML.
    Syntax,
    /// Valid TOML of the wrong shape: a missing or unknown field, a value of
    /// the wrong type, an unknown section kind.
    Schema,
    /// The right shape, but the content breaks a rule (duplicate keys,
    /// unknown text keys or areas, `max_items = 0`, …).
    Invalid,
    /// A second type with an id already added.
    DuplicateId,
}

/// A plan-type file that cannot be used, and why, in words the person who
/// wrote it can act on:
/// `msp.toml:41:8: sections[4].kind: unknown section kind "outcome"; expected one of person_details, text, …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, thiserror::Error)]
#[error(
    "{source_name}{}: {}{message}",
    location(*.line, *.column),
    field_prefix(.field)
)]
pub struct PlanTypeError {
    /// The file (or other source) the text came from.
    pub source_name: String,
    /// 1-based line of the problem in the file, where known.
    pub line: Option<usize>,
    /// 1-based column (in characters), where known.
    pub column: Option<usize>,
    /// The field at fault as a path: `sections[4].kind`, `id`.
    pub field: Option<String>,
    /// What kind of problem it is.
    pub kind: PlanTypeErrorKind,
    /// What is wrong and, where it helps, what was expected.
    pub message: String,
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

fn field_prefix(field: &Option<String>) -> String {
    match field {
        Some(field) if !field.is_empty() => format!("{field}: "),
        _ => String::new(),
    }
}

impl PlanTypeError {
    pub(super) fn duplicate_id(source_name: &str, id: &str, earlier: &str) -> Self {
        PlanTypeError {
            source_name: source_name.to_owned(),
            line: None,
            column: None,
            field: Some("id".to_owned()),
            kind: PlanTypeErrorKind::DuplicateId,
            message: format!("plan type \"{id}\" was already added from {earlier}; give this one another id"),
        }
    }
}

/// Reads and checks one plan-type file. `source_name` (usually the file
/// name) names it in errors.
pub fn parse(source_name: &str, text: &str) -> Result<PlanType, PlanTypeError> {
    let error = |span: Option<Range<usize>>, field: Option<String>, kind, message: String| {
        let (line, column) = match span {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                (Some(line), Some(column))
            }
            None => (None, None),
        };
        PlanTypeError {
            source_name: source_name.to_owned(),
            line,
            column,
            field,
            kind,
            message,
        }
    };

    let doc = DeTable::parse(text).map_err(|e| {
        error(
            e.span(),
            None,
            PlanTypeErrorKind::Syntax,
            format!("not valid TOML: {}", e.message().trim_end()),
        )
    })?;
    let nodes = Nodes::collect(&doc);

    let plan_type = PlanType::deserialize(toml::de::Deserializer::from(doc)).map_err(|e| {
        let span = e.span();
        let path = span.clone().map(|s| nodes.path_at(s)).unwrap_or_default();
        let message = e.message().trim_end();
        let (field, message) = match missing_field(message) {
            Some(name) => (join(&path, name), format!("missing required field `{name}`")),
            None => (path, message.to_owned()),
        };
        let span = span.filter(|s| !(s.start == 0 && s.end == 0));
        error(
            span,
            Some(field).filter(|f| !f.is_empty()),
            PlanTypeErrorKind::Schema,
            message,
        )
    })?;

    check(&plan_type)
        .map_err(|(path, message)| error(nodes.span_of(&path), Some(path), PlanTypeErrorKind::Invalid, message))?;
    Ok(plan_type)
}

fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Every key and value of the document with its path and span, to name the
/// field at a serde error's span and to find the span of a checked field.
struct Nodes(Vec<Node>);

struct Node {
    path: String,
    key: Option<Range<usize>>,
    value: Range<usize>,
}

impl Nodes {
    fn collect(doc: &Spanned<DeTable<'_>>) -> Nodes {
        let mut nodes = Vec::new();
        collect_table("", doc.get_ref(), &mut nodes);
        Nodes(nodes)
    }

    /// The path of the innermost key or value whose span holds `span`.
    fn path_at(&self, span: Range<usize>) -> String {
        if span.start == 0 && span.end == 0 {
            return String::new();
        }
        let holds = |r: &Range<usize>| r.start <= span.start && span.end <= r.end;
        self.0
            .iter()
            .flat_map(|n| {
                [n.key.clone(), Some(n.value.clone())]
                    .into_iter()
                    .flatten()
                    .filter(holds)
                    .map(move |r| (r.len(), std::cmp::Reverse(n.path.len()), &n.path))
            })
            .min()
            .map(|(_, _, path)| path.clone())
            .unwrap_or_default()
    }

    /// The span of the value at `path`, or of its nearest ancestor in the
    /// file (a defaulted field is not in the file).
    fn span_of(&self, path: &str) -> Option<Range<usize>> {
        let mut path = path;
        loop {
            if let Some(node) = self.0.iter().find(|n| n.path == path) {
                return Some(node.value.clone());
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

fn collect_table(path: &str, table: &DeTable<'_>, out: &mut Vec<Node>) {
    for (key, value) in table.iter() {
        let child = join(path, key.get_ref());
        out.push(Node {
            path: child.clone(),
            key: Some(key.span()),
            value: value.span(),
        });
        collect_value(&child, value, out);
    }
}

fn collect_value(path: &str, value: &Spanned<DeValue<'_>>, out: &mut Vec<Node>) {
    match value.get_ref() {
        DeValue::Table(table) => collect_table(path, table, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let child = format!("{path}[{i}]");
                out.push(Node {
                    path: child.clone(),
                    key: None,
                    value: item.span(),
                });
                collect_value(&child, item, out);
            }
        }
        _ => {}
    }
}

/// A rule broken: (field path, message).
type Problem = (String, String);

fn problem(path: impl Into<String>, message: impl Into<String>) -> Result<(), Problem> {
    Err((path.into(), message.into()))
}

fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && !s.ends_with('_')
        && !s.contains("__")
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| matches!(c, 'A'..='Z' | '0'..='9' | '-'))
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn key_rule(path: &str, key: &str) -> Result<(), Problem> {
    if is_snake_case(key) {
        Ok(())
    } else {
        problem(
            path,
            format!(
                "invalid key \"{key}\"; use lowercase letters, digits and single underscores, starting with a letter (e.g. \"important_to_me\")"
            ),
        )
    }
}

fn text_rule(path: &str, text: &str) -> Result<(), Problem> {
    if blank(text) {
        problem(path, "must not be empty")
    } else {
        Ok(())
    }
}

fn hint_rule(path: &str, hint: Option<&str>) -> Result<(), Problem> {
    match hint {
        None => Ok(()),
        Some(hint) if blank(hint) => problem(path, "must not be empty (leave the hint out instead)"),
        Some(hint) if hint.chars().count() > HINT_MAX_CHARS => problem(
            path,
            format!(
                "hint is {} characters long; keep hints under {HINT_MAX_CHARS} and leave guidance prose to the guidance document",
                hint.chars().count()
            ),
        ),
        Some(_) => Ok(()),
    }
}

/// Checks keyed items: each key valid and unique, each label non-empty.
fn keyed_list<'a>(
    path: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str, Option<&'a str>)>,
) -> Result<(), Problem> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (key, label, hint)) in items.into_iter().enumerate() {
        let item = format!("{path}[{i}]");
        key_rule(&format!("{item}.key"), key)?;
        if let Some(first) = seen.insert(key, i) {
            return problem(
                format!("{item}.key"),
                format!("duplicate key \"{key}\"; {path}[{first}] already uses it"),
            );
        }
        text_rule(&format!("{item}.label"), label)?;
        hint_rule(&format!("{item}.hint"), hint)?;
    }
    Ok(())
}

fn list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let names: Vec<String> = names.into_iter().map(|n| n.as_ref().to_owned()).collect();
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}

/// The rules serde cannot check.
fn check(t: &PlanType) -> Result<(), Problem> {
    if t.schema_version != SCHEMA_VERSION {
        return problem(
            "schema_version",
            format!(
                "unsupported schema version {}; this version of Goldthread reads schema_version = {SCHEMA_VERSION}",
                t.schema_version
            ),
        );
    }
    if !is_id(&t.id) {
        return problem(
            "id",
            format!(
                "invalid id \"{}\"; use uppercase letters, digits and hyphens (e.g. \"MSP\", \"PB-BLANK\")",
                t.id
            ),
        );
    }
    if let Some(official) = &t.official_form
        && (!is_id(official) || *official == t.id)
    {
        return problem(
            "official_form",
            format!("invalid official form \"{official}\"; name another plan type's id (e.g. \"PB\")"),
        );
    }
    text_rule("name", &t.name)?;
    text_rule("short_name", &t.short_name)?;
    text_rule("description", &t.description)?;
    if t.description.contains('\n') {
        return problem("description", "must be one line");
    }
    keyed_list(
        "areas_of_need",
        t.areas_of_need
            .iter()
            .map(|a| (a.key.as_str(), a.label.as_str(), a.hint.as_deref())),
    )?;
    check_reviews(t)?;
    if let Err(message) = t.approval.validate() {
        let (at, what) = message.split_once(": ").unwrap_or(("approval", message.as_str()));
        return problem(at, what);
    }
    crate::monitoring::clocks::check_rules(&t.clocks)?;
    if let Some(retention) = &t.retention {
        retention.validate()?;
    }
    if let Err(message) = t.print.validate() {
        let (at, what) = message.split_once(": ").unwrap_or(("print", message.as_str()));
        return problem(at, what);
    }
    check_sections(t)
}

fn check_reviews(t: &PlanType) -> Result<(), Problem> {
    let r = &t.reviews;
    fn question(q: &super::ReviewQuestion) -> (&str, &str, Option<&str>) {
        (q.key.as_str(), q.label.as_str(), q.detail.as_deref())
    }
    keyed_list("reviews.weekly_questions", r.weekly_questions.iter().map(question))?;
    keyed_list("reviews.formal_questions", r.formal_questions.iter().map(question))?;
    keyed_list(
        "reviews.progress_ratings",
        r.progress_ratings
            .iter()
            .map(|p| (p.key.as_str(), p.label.as_str(), None)),
    )?;
    if r.weekly && r.weekly_questions.is_empty() {
        return problem(
            "reviews.weekly_questions",
            "a weekly review needs its questions (weekly = true but no weekly_questions)",
        );
    }
    if !r.weekly && !r.weekly_questions.is_empty() {
        return problem(
            "reviews.weekly",
            "weekly_questions are given but weekly is false; set weekly = true or remove them",
        );
    }
    if r.formal_interval_weeks == 0 {
        return problem("reviews.formal_interval_weeks", "must be at least 1 week");
    }
    if r.progress_ratings.is_empty() {
        return problem(
            "reviews.progress_ratings",
            "needs at least one rating (leave the field out for met / partly met / not met / needs to be changed)",
        );
    }
    if r.new_plan_after_review == Some(0) {
        return problem(
            "reviews.new_plan_after_review",
            "must be at least 1 (the review that produces a new plan), or left out",
        );
    }
    if r.safety_plan_from_day_one && t.sections_of(SectionKind::Risks).next().is_none() {
        return problem(
            "reviews.safety_plan_from_day_one",
            "a safety plan from day one needs a section of kind risks",
        );
    }
    Ok(())
}

fn check_sections(t: &PlanType) -> Result<(), Problem> {
    if t.sections.is_empty() {
        return problem("sections", "a plan type needs at least one section");
    }
    let area_keys: BTreeSet<&str> = t.areas_of_need.iter().map(|a| a.key.as_str()).collect();
    let mut keys: BTreeMap<&str, usize> = BTreeMap::new();
    let mut single_kinds: BTreeMap<SectionKind, usize> = BTreeMap::new();
    let mut text_keys: BTreeMap<&str, String> = BTreeMap::new();
    let mut needs_areas: BTreeMap<&str, usize> = BTreeMap::new();
    let mut whose: BTreeMap<super::Whose, usize> = BTreeMap::new();
    let needs_sections = t.sections_of(SectionKind::Needs).count();

    for (i, s) in t.sections.iter().enumerate() {
        let at = |field: &str| format!("sections[{i}].{field}");
        let kind = s.kind;

        key_rule(&at("key"), &s.key)?;
        if let Some(first) = keys.insert(&s.key, i) {
            return problem(
                at("key"),
                format!("duplicate section key \"{}\"; sections[{first}] already uses it", s.key),
            );
        }
        if !kind.repeatable()
            && let Some(first) = single_kinds.insert(kind, i)
        {
            return problem(
                at("kind"),
                format!("a plan type may have only one section of kind {kind}; sections[{first}] is one already"),
            );
        }
        text_rule(&at("heading"), &s.heading)?;
        if let Some(sub) = &s.subheading {
            text_rule(&at("subheading"), sub)?;
        }
        hint_rule(&at("hint"), s.hint.as_deref())?;

        match s.max_items {
            Some(0) => {
                return problem(
                    at("max_items"),
                    "max_items must be at least 1 (leave it out for no limit)",
                );
            }
            Some(_) if !kind.is_list() => {
                return problem(
                    at("max_items"),
                    format!("a section of kind {kind} holds no list for max_items to limit"),
                );
            }
            _ => {}
        }

        for (table, map) in [("labels", &s.labels), ("hints", &s.hints)] {
            for (field, text) in map {
                let path = at(&format!("{table}.{field}"));
                if kind.field(field).is_none() {
                    return problem(
                        path,
                        format!(
                            "unknown field \"{field}\" for a section of kind {kind}; expected one of {}",
                            list(kind.fields().iter().map(|f| f.key))
                        ),
                    );
                }
                if table == "hints" {
                    hint_rule(&path, Some(text))?;
                } else {
                    text_rule(&path, text)?;
                }
            }
        }

        // prompts: text sections only, and each text key once per type
        if kind == SectionKind::Text {
            if s.prompts.is_empty() {
                return problem(at("prompts"), "a text section needs at least one prompt");
            }
            for (j, p) in s.prompts.iter().enumerate() {
                let path = at(&format!("prompts[{j}]"));
                if text_key(&p.key).is_none() {
                    return problem(
                        format!("{path}.key"),
                        format!(
                            "unknown text key \"{}\"; expected one of {}",
                            p.key,
                            list(TEXT_KEYS.iter().map(|k| k.key))
                        ),
                    );
                }
                if let Some(first) = text_keys.insert(&p.key, path.clone()) {
                    return problem(
                        format!("{path}.key"),
                        format!(
                            "text key \"{}\" is already used by {first}; each text key may appear once in a plan type",
                            p.key
                        ),
                    );
                }
                text_rule(&format!("{path}.label"), &p.label)?;
                hint_rule(&format!("{path}.hint"), p.hint.as_deref())?;
            }
        } else if !s.prompts.is_empty() {
            return problem(
                at("prompts"),
                format!("prompts belong to text sections only, not to a section of kind {kind}"),
            );
        }

        // areas: needs and outcomes, from the type's list
        if !s.areas.is_empty() && !matches!(kind, SectionKind::Needs | SectionKind::Outcomes) {
            return problem(
                at("areas"),
                format!("areas belong to needs and outcomes sections only, not to a section of kind {kind}"),
            );
        }
        let mut seen_areas = BTreeSet::new();
        for (j, area) in s.areas.iter().enumerate() {
            let path = at(&format!("areas[{j}]"));
            if !area_keys.contains(area.as_str()) {
                return problem(
                    path,
                    format!(
                        "unknown area \"{area}\"; this type's areas_of_need are {}",
                        list(t.areas_of_need.iter().map(|a| &a.key))
                    ),
                );
            }
            if !seen_areas.insert(area.as_str()) {
                return problem(path, format!("area \"{area}\" is listed twice"));
            }
        }
        if kind == SectionKind::Needs {
            if area_keys.is_empty() {
                return problem(
                    at("kind"),
                    "a needs section tags each need with an area, but the type has no areas_of_need",
                );
            }
            if needs_sections > 1 && s.areas.is_empty() {
                return problem(
                    at("areas"),
                    "with more than one needs section, each must list the areas it offers",
                );
            }
            for (j, area) in s.areas.iter().enumerate() {
                if let Some(first) = needs_areas.insert(area, i) {
                    return problem(
                        at(&format!("areas[{j}]")),
                        format!("area \"{area}\" is already offered by the needs section sections[{first}]"),
                    );
                }
            }
        }

        // categories: appendices only
        if kind == SectionKind::Appendices {
            if s.categories.is_empty() {
                return problem(
                    at("categories"),
                    "an appendices section needs at least one document category",
                );
            }
            keyed_list(
                &at("categories"),
                s.categories
                    .iter()
                    .map(|c| (c.key.as_str(), c.label.as_str(), c.hint.as_deref())),
            )?;
        } else if !s.categories.is_empty() {
            return problem(
                at("categories"),
                format!("categories belong to appendices sections only, not to a section of kind {kind}"),
            );
        }

        // written_by
        if !s.written_by.is_empty() {
            if !matches!(
                kind,
                SectionKind::Text | SectionKind::Strengths | SectionKind::Needs | SectionKind::Aspirations
            ) {
                return problem(
                    at("written_by"),
                    format!(
                        "written_by belongs to text, strengths, needs and aspirations sections, not to a section of kind {kind}"
                    ),
                );
            }
            let mut seen = BTreeSet::new();
            for (j, w) in s.written_by.iter().enumerate() {
                if !seen.insert(*w) {
                    return problem(at(&format!("written_by[{j}]")), format!("\"{w}\" is listed twice"));
                }
            }
        }

        // whose: aspirations only, each owner once
        if kind == SectionKind::Aspirations {
            if let Some(first) = whose.insert(s.whose(), i) {
                return problem(
                    at("whose"),
                    format!(
                        "sections[{first}] already holds the {} aspirations; set whose = \"person\" or \"parent\" to tell them apart",
                        s.whose()
                    ),
                );
            }
        } else if s.whose.is_some() {
            return problem(
                at("whose"),
                format!("whose belongs to aspirations sections only, not to a section of kind {kind}"),
            );
        }

        // statement: agreement only
        match (&s.statement, kind) {
            (Some(statement), SectionKind::Agreement) => text_rule(&at("statement"), statement)?,
            (Some(_), _) => {
                return problem(
                    at("statement"),
                    format!("statement belongs to the agreement section only, not to a section of kind {kind}"),
                );
            }
            _ => {}
        }
    }
    Ok(())
}

impl fmt::Display for PlanTypeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PlanTypeErrorKind::Syntax => "syntax",
            PlanTypeErrorKind::Schema => "schema",
            PlanTypeErrorKind::Invalid => "invalid",
            PlanTypeErrorKind::DuplicateId => "duplicate id",
        })
    }
}
