//! A FHIR R4 Bundle read into a new draft plan: [`read_bundle`] reads and
//! refuses (naming where in the Bundle), [`build_plan`] checks every change
//! with [`Plan::check`], exactly as a form or the API would.
//!
//! Everything gets new ids: an import is a new plan, never an update of the
//! plan it came from. Agreements (`Provenance`) and review ratings belong to
//! the original plan and are not imported.

use std::collections::HashMap;

use serde_json::Value;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::limits::{self, FIELD, MAX_ENTRIES, NOT_R4_ELEMENTS, NOT_R4_TYPES};
use super::{extension as ext, system};
use crate::content::{
    Aspiration, Consent, Frequency, Funding, Item, ItemKind, Need, OtherPlan, OtherPlanKind, Outcome, Per, Provision,
    Service, Step, SupportedBy, Target, Term,
};
use crate::error::FieldErrors;
use crate::person::{PersonDetails, PersonInput};
use crate::plan::{Change, ChangeRecord, Party, PartyRole, Plan, PlanDetails};
use crate::plan_type::{PlanType, Whose};

/// Something read from a place in the Bundle, kept with that place so that
/// a rule's refusal can say where.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// "entry[4] (Goal)".
    pub at: String,
    pub value: T,
}

/// A plan read from a Bundle, before it is checked and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The person, as the Patient says.
    pub person: PersonDetails,
    /// Where the Patient is in the Bundle.
    pub person_at: String,
    /// The id the Patient carries in Goldthread's person system, if any (a
    /// Bundle exported by Goldthread): tried first when matching a person.
    pub person_id: Option<Uuid>,
    /// The plan type's id (from the CarePlan's category).
    pub plan_type: String,
    /// The title may be empty: the plan type's name is used then.
    pub details: PlanDetails,
    /// What the plan says and who is involved, as changes in order.
    pub changes: Vec<Located<Change>>,
}

/// The Bundle as read: entries and how references find them.
struct Bundle<'a> {
    resources: Vec<&'a Value>,
    index: HashMap<String, usize>,
    errors: FieldErrors,
}

/// What a missing element reads as.
static EMPTY: Value = Value::Null;

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// The code of a coding in `system` in a CodeableConcept or a list of them.
fn code_in<'a>(v: Option<&'a Value>, system: &str) -> Option<&'a str> {
    let v = v?;
    let concepts: Vec<&Value> = match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    concepts
        .into_iter()
        .flat_map(|c| list(c, "coding").chain(std::iter::once(c)))
        .find(|c| s(c, "system") == Some(system))
        .and_then(|c| s(c, "code"))
}

fn codes_in<'a>(v: Option<&'a Value>, system: &'a str) -> impl Iterator<Item = &'a str> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| list(c, "coding"))
        .filter(move |c| s(c, "system") == Some(system))
        .filter_map(|c| s(c, "code"))
}

/// A CodeableConcept's words: its text, else its first coding's display.
fn words(v: Option<&Value>) -> Option<String> {
    let v = v?;
    s(v, "text")
        .or_else(|| list(v, "coding").find_map(|c| s(c, "display")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn extensions<'a>(v: &'a Value, url: &'a str) -> impl Iterator<Item = &'a Value> {
    list(v, "extension").filter(move |e| s(e, "url") == Some(url))
}

fn ext_string(v: &Value, url: &str) -> Option<String> {
    extensions(v, url).find_map(|e| s(e, "valueString")).map(str::to_owned)
}

impl<'a> Bundle<'a> {
    fn err(&mut self, at: &str, message: impl Into<String>) {
        self.errors.add(at, message);
    }

    fn kind(&self, i: usize) -> &'a str {
        s(self.resources[i], "resourceType").unwrap_or("")
    }

    fn at(&self, i: usize) -> String {
        format!("entry[{i}] ({})", self.kind(i))
    }

    /// The entry a reference points at.
    fn resolve(&self, reference: Option<&Value>) -> Option<usize> {
        let r = s(reference?, "reference")?;
        self.index.get(r).copied()
    }

    /// Every entry of a type, in order.
    fn of_type(&self, kind: &str) -> Vec<usize> {
        (0..self.resources.len()).filter(|i| self.kind(*i) == kind).collect()
    }

    /// A FHIR date (or the date of a dateTime); a partial date is refused.
    fn date(&mut self, at: &str, value: Option<&Value>) -> Option<Date> {
        let text = value?.as_str();
        let Some(text) = text else {
            self.err(at, "Must be a date written as text, like \"2026-09-01\"");
            return None;
        };
        let day = text.get(..10).unwrap_or(text);
        match Date::parse(day, &time::format_description::well_known::Iso8601::DATE) {
            Ok(d) if text.len() == 10 || text.as_bytes().get(10) == Some(&b'T') => Some(d),
            _ => {
                self.err(at, format!("\"{text}\" is not a full date; write it like 2026-09-01"));
                None
            }
        }
    }

    /// Checks every reference in a resource points at an entry.
    fn check_references(&mut self, value: &Value, path: &str) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("reference")
                    && !r.starts_with('#')
                    && !self.index.contains_key(r)
                {
                    self.err(
                        path,
                        format!("The reference \"{r}\" points at nothing in the Bundle; every reference must be to an entry of the Bundle"),
                    );
                }
                for (k, v) in map {
                    self.check_references(v, &format!("{path}.{k}"));
                }
            }
            Value::Array(items) => {
                for (n, v) in items.iter().enumerate() {
                    self.check_references(v, &format!("{path}[{n}]"));
                }
            }
            _ => {}
        }
    }
}

/// Reads a FHIR R4 Bundle (JSON bytes) into a plan to import. `today` is
/// for the person's date of birth (the domain has no clock).
pub fn read_bundle(bytes: &[u8], today: Date) -> Result<Imported, FieldErrors> {
    let json = limits::parse_json(bytes)?;
    let Some(root) = json.as_object() else {
        return Err(FieldErrors::single(
            FIELD,
            "The JSON is not an object: expected a FHIR R4 Bundle",
        ));
    };
    match root.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => {}
        Some(other) => {
            return Err(FieldErrors::single(
                "resourceType",
                format!("This is a {other}, not a Bundle: export the plan as a Bundle"),
            ));
        }
        None => return Err(FieldErrors::single("resourceType", "Say \"resourceType\": \"Bundle\"")),
    }
    if let Some(why) = limits::other_version(&json) {
        return Err(FieldErrors::single(
            "meta",
            format!("This Bundle is not FHIR R4 (4.0.x): {why}. Only FHIR R4 is read"),
        ));
    }
    const TYPES: [&str; 9] = [
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    ];
    match root.get("type") {
        Some(Value::String(t)) if TYPES.contains(&t.as_str()) => {}
        Some(Value::String(t)) => {
            return Err(FieldErrors::single(
                "type",
                format!("\"{t}\" is not a FHIR R4 Bundle type (one of {})", TYPES.join(", ")),
            ));
        }
        _ => {
            return Err(FieldErrors::single(
                "type",
                "Say what kind of Bundle this is, e.g. \"collection\"",
            ));
        }
    }
    let entries = match root.get("entry") {
        Some(Value::Array(entries)) => entries,
        None => {
            return Err(FieldErrors::single(
                "entry",
                "The Bundle is empty: it needs a CarePlan and its Patient",
            ));
        }
        Some(_) => return Err(FieldErrors::single("entry", "Must be a list of entries")),
    };
    if entries.len() > MAX_ENTRIES {
        return Err(FieldErrors::single(
            "entry",
            format!(
                "The Bundle holds {} entries; at most {MAX_ENTRIES} are read",
                entries.len()
            ),
        ));
    }
    let mut bundle = Bundle {
        resources: Vec::new(),
        index: HashMap::new(),
        errors: FieldErrors::new(),
    };
    for (_, element, version) in NOT_R4_ELEMENTS.iter().filter(|(t, _, _)| *t == "Bundle") {
        if root.contains_key(*element) {
            bundle.err(
                element,
                format!("\"{element}\" is a FHIR {version} element, not R4: only FHIR R4 is read"),
            );
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("entry[{i}]");
        let resource = entry.get("resource").unwrap_or(&EMPTY);
        bundle.resources.push(resource);
        let Some(kind) = s(resource, "resourceType") else {
            bundle.err(&at, "Each entry needs a resource with a resourceType");
            continue;
        };
        if NOT_R4_TYPES.contains(&kind) {
            bundle.err(
                &at,
                format!("{kind} is not a FHIR R4 resource (it is from a later version): only FHIR R4 is read"),
            );
        }
        for (_, element, version) in NOT_R4_ELEMENTS.iter().filter(|(t, _, _)| *t == kind) {
            if resource.get(*element).is_some() {
                bundle.err(
                    &format!("{at}.resource.{element}"),
                    format!("\"{element}\" is a FHIR {version} element of {kind}, not R4: only FHIR R4 is read"),
                );
            }
        }
        let mut keys = Vec::new();
        if let Some(url) = s(entry, "fullUrl") {
            keys.push(url.to_owned());
        }
        if let Some(id) = s(resource, "id") {
            keys.push(format!("{kind}/{id}"));
        }
        for key in keys {
            if bundle.index.insert(key.clone(), i).is_some() {
                bundle.err(&at, format!("\"{key}\" names two entries of the Bundle"));
            }
        }
    }
    if !bundle.errors.is_empty() {
        return Err(bundle.errors);
    }
    for (i, entry) in entries.iter().enumerate() {
        bundle.check_references(entry, &format!("entry[{i}]"));
    }
    if !bundle.errors.is_empty() {
        return Err(bundle.errors);
    }
    let result = read_plan(&mut bundle, today);
    match result {
        Some(imported) if bundle.errors.is_empty() => Ok(imported),
        _ => Err(bundle.errors),
    }
}

fn read_plan(b: &mut Bundle, today: Date) -> Option<Imported> {
    let plans = b.of_type("CarePlan");
    if plans.len() != 1 {
        b.err(
            "entry",
            format!(
                "The Bundle holds {} CarePlans; it must hold exactly one, the plan to import",
                plans.len()
            ),
        );
        return None;
    }
    let cp_i = plans[0];
    let cp = b.resources[cp_i];
    let cp_at = b.at(cp_i);

    // The plan type and details.
    let plan_type = code_in(cp.get("category"), system::PLAN_TYPE).map(str::to_owned);
    if plan_type.is_none() {
        b.err(
            &format!("{cp_at}.category"),
            format!(
                "Say which kind of plan this is: a category coding from {}",
                system::PLAN_TYPE
            ),
        );
    }
    let start_date = b.date(
        &format!("{cp_at}.period.start"),
        cp.get("period").and_then(|p| p.get("start")),
    );
    let review_interval_weeks = extensions(cp, ext::REVIEW_INTERVAL)
        .find_map(|e| e.get("valuePositiveInt").and_then(Value::as_u64))
        .map(|w| u32::try_from(w).unwrap_or(u32::MAX));
    let details = PlanDetails {
        title: s(cp, "title").unwrap_or("").trim().to_owned(),
        start_date,
        review_interval_weeks,
    };

    // The person.
    let patient_i = b.resolve(cp.get("subject")).filter(|i| b.kind(*i) == "Patient");
    let Some(patient_i) = patient_i else {
        b.err(
            &format!("{cp_at}.subject"),
            "The CarePlan's subject must be a Patient in the Bundle",
        );
        return None;
    };
    let patient = b.resources[patient_i];
    let person_at = b.at(patient_i);
    let names: Vec<&Value> = list(patient, "name").collect();
    let official = names
        .iter()
        .find(|n| s(n, "use") == Some("official"))
        .or_else(|| names.iter().find(|n| s(n, "use") != Some("usual")))
        .or(names.first());
    let given = official.and_then(|n| list(n, "given").next()).and_then(Value::as_str);
    let known_as = names
        .iter()
        .find(|n| s(n, "use") == Some("usual"))
        .and_then(|n| list(n, "given").next())
        .and_then(Value::as_str);
    let input = PersonInput {
        given_name: given.map(str::to_owned),
        family_name: official.and_then(|n| s(n, "family")).map(str::to_owned),
        known_as: known_as.map(str::to_owned),
        date_of_birth: s(patient, "birthDate").map(str::to_owned),
        setting: ext_string(patient, ext::SETTING),
        communication: ext_string(patient, ext::COMMUNICATION),
        presenting_information: ext_string(patient, ext::PRESENTING),
    };
    let person = match input.parse(today) {
        Ok(p) => Some(p),
        Err(errors) => {
            for e in errors.0 {
                let field = match e.field.as_str() {
                    "given_name" => "name.given",
                    "family_name" => "name.family",
                    "known_as" => "name (usual)",
                    "date_of_birth" => "birthDate",
                    other => other,
                };
                b.err(&format!("{person_at}.{field}"), e.message);
            }
            None
        }
    };
    let person_id = list(patient, "identifier")
        .find(|i| s(i, "system") == Some(system::PERSON))
        .and_then(|i| s(i, "value"))
        .and_then(|v| Uuid::parse_str(v).ok());

    let mut changes = Vec::new();
    let mut ids: HashMap<usize, Uuid> = HashMap::new();
    let mut ended: Vec<(String, ItemKind, Uuid, Date, String)> = Vec::new();
    let mut read_ended = |b: &mut Bundle, at: &str, v: &Value, kind: ItemKind, id: Uuid| {
        if let Some(e) = extensions(v, ext::ENDED).next() {
            let on = list(e, "extension")
                .find(|x| s(x, "url") == Some("on"))
                .and_then(|x| x.get("valueDate"));
            let reason = list(e, "extension")
                .find(|x| s(x, "url") == Some("reason"))
                .and_then(|x| s(x, "valueString"))
                .unwrap_or("Ended before it was imported");
            match b.date(&format!("{at}.extension(ended)"), on) {
                Some(on) => ended.push((at.to_owned(), kind, id, on, reason.to_owned())),
                None if on.is_none() => b.err(at, "An ended item must say when it ended"),
                None => {}
            }
        }
    };

    // The people involved.
    let mut party_of: HashMap<usize, Uuid> = HashMap::new();
    for team_ref in list(cp, "careTeam") {
        let Some(team_i) = b.resolve(Some(team_ref)) else {
            continue;
        };
        let team = b.resources[team_i];
        for (j, p) in list(team, "participant").enumerate() {
            let at = format!("{}.participant[{j}]", b.at(team_i));
            let member = b.resolve(p.get("member"));
            let resource = member.map(|m| b.resources[m]);
            let name = p
                .get("member")
                .and_then(|m| s(m, "display"))
                .map(str::to_owned)
                .or_else(|| resource.and_then(|r| list(r, "name").next()).and_then(human_name));
            let Some(name) = name else {
                b.err(
                    &at,
                    "Each participant needs a name (member.display or the member's name)",
                );
                continue;
            };
            let role = match code_in(p.get("role"), system::PARTY_ROLE) {
                Some(code) => PartyRole::parse(code).unwrap_or_else(|| {
                    b.err(&format!("{at}.role"), format!("\"{code}\" is not a party role"));
                    PartyRole::Other
                }),
                None if member.is_some_and(|m| b.kind(m) == "Patient") => PartyRole::Person,
                None => PartyRole::Other,
            };
            let relationship = ext_string(p, ext::RELATIONSHIP).or_else(|| {
                resource
                    .filter(|r| s(r, "resourceType") == Some("RelatedPerson"))
                    .and_then(|r| words(list(r, "relationship").next()))
            });
            let contact = resource
                .and_then(|r| list(r, "telecom").next())
                .and_then(|t| s(t, "value"))
                .map(str::to_owned);
            let party = Party {
                id: Uuid::new_v4(),
                name,
                role,
                agency: p.get("onBehalfOf").and_then(|o| s(o, "display")).map(str::to_owned),
                relationship,
                contact,
                user_id: None,
            };
            if let Some(m) = member {
                party_of.entry(m).or_insert(party.id);
            }
            changes.push(Located {
                at: at.clone(),
                value: Change::PartyAdded { party },
            });
        }
    }
    if let Some(lead) = b.resolve(cp.get("author")).and_then(|i| party_of.get(&i)) {
        changes.push(Located {
            at: format!("{cp_at}.author"),
            value: Change::LeadProfessionalSet { party_id: Some(*lead) },
        });
    }

    // Needs.
    for i in b.of_type("Condition") {
        let (at, v) = (b.at(i), b.resources[i]);
        let id = Uuid::new_v4();
        ids.insert(i, id);
        let Some(area) = code_in(v.get("category"), system::AREA_OF_NEED) else {
            b.err(
                &format!("{at}.category"),
                format!(
                    "Say the need's area of need: a category coding from {}",
                    system::AREA_OF_NEED
                ),
            );
            continue;
        };
        let text = words(v.get("code")).unwrap_or_default();
        changes.push(Located {
            at: at.clone(),
            value: Change::ItemAdded {
                item: Item::Need(Need {
                    id,
                    area: area.to_owned(),
                    text,
                }),
            },
        });
        read_ended(&mut *b, &at, v, ItemKind::Need, id);
    }

    // Goals: aspirations, then outcomes with their steps and targets.
    let goals = b.of_type("Goal");
    for &i in &goals {
        ids.insert(i, Uuid::new_v4());
    }
    let mut by_kind: HashMap<&str, Vec<usize>> = HashMap::new();
    for &i in &goals {
        let kind = goal_kind(b, i);
        match kind {
            "aspiration" | "outcome" | "step" | "target" => by_kind.entry(kind).or_default().push(i),
            other => {
                let at = b.at(i);
                b.err(
                    &format!("{at}.category"),
                    format!("\"{other}\" is not a kind of goal (aspiration, outcome, step or target)"),
                );
            }
        }
    }
    let description = |v: &Value| words(v.get("description")).unwrap_or_default();
    for &i in by_kind.get("aspiration").into_iter().flatten() {
        let (at, v, id) = (b.at(i), b.resources[i], ids[&i]);
        let term = match code_in(v.get("category"), system::TERM) {
            Some("long") => Term::Long,
            Some("short") | None => Term::Short,
            Some(other) => {
                b.err(
                    &format!("{at}.category"),
                    format!("\"{other}\" is not an aspiration's term (short or long)"),
                );
                Term::Short
            }
        };
        let whose = match code_in(v.get("category"), system::WHOSE) {
            None => Whose::Person,
            Some(code) => Whose::parse(code).unwrap_or_else(|| {
                b.err(
                    &format!("{at}.category"),
                    format!("\"{code}\" is not whose aspiration this is"),
                );
                Whose::Person
            }),
        };
        changes.push(Located {
            at: at.clone(),
            value: Change::ItemAdded {
                item: Item::Aspiration(Aspiration {
                    id,
                    term,
                    whose,
                    text: description(v),
                }),
            },
        });
        read_ended(&mut *b, &at, v, ItemKind::Aspiration, id);
    }
    let mut nested = Vec::new();
    for &i in by_kind.get("outcome").into_iter().flatten() {
        let (at, v, id) = (b.at(i), b.resources[i], ids[&i]);
        let target = list(v, "target").next();
        let by_when = b.date(
            &format!("{at}.target[0].dueDate"),
            target.and_then(|t| t.get("dueDate")),
        );
        let services: Vec<&str> = codes_in(v.get("category"), system::SERVICE).collect();
        let mut need_ids = Vec::new();
        for (n, r) in list(v, "addresses").enumerate() {
            match b.resolve(Some(r)).filter(|x| b.kind(*x) == "Condition") {
                Some(x) => need_ids.extend(ids.get(&x)),
                None => b.err(
                    &format!("{at}.addresses[{n}]"),
                    "An outcome addresses needs: each must be a Condition",
                ),
            }
        }
        let mut aspiration_ids = Vec::new();
        for e in extensions(v, ext::SERVES) {
            match b
                .resolve(e.get("valueReference"))
                .filter(|x| b.kind(*x) == "Goal" && goal_kind(b, *x) == "aspiration")
            {
                Some(x) => aspiration_ids.push(ids[&x]),
                None => b.err(
                    &format!("{at}.extension(serves-aspiration)"),
                    "Must point at an aspiration (a Goal)",
                ),
            }
        }
        let outcome = Outcome {
            id,
            text: description(v),
            by_when,
            stage: ext_string(v, ext::STAGE),
            areas: extensions(v, ext::AREA)
                .filter_map(|e| s(e, "valueCode"))
                .map(str::to_owned)
                .collect(),
            need_ids,
            aspiration_ids,
            supported_by: SupportedBy {
                education: services.contains(&"education"),
                health: services.contains(&"health"),
                social_care: services.contains(&"social_care"),
            },
            measure: target.and_then(|t| words(t.get("measure"))),
            steps: Vec::new(),
        };
        changes.push(Located {
            at: at.clone(),
            value: Change::ItemAdded {
                item: Item::Outcome(outcome),
            },
        });
        read_ended(&mut *b, &at, v, ItemKind::Outcome, id);
    }
    for kind in ["step", "target"] {
        for &i in by_kind.get(kind).into_iter().flatten() {
            let (at, v, id) = (b.at(i), b.resources[i], ids[&i]);
            let parent_kind = if kind == "step" { "outcome" } else { "step" };
            let parent = extensions(v, ext::PART_OF)
                .find_map(|e| b.resolve(e.get("valueReference")))
                .filter(|x| b.kind(*x) == "Goal" && goal_kind(b, *x) == parent_kind);
            let Some(parent) = parent else {
                b.err(
                    &format!("{at}.extension(part-of)"),
                    format!(
                        "A {kind} must be part of a{} {parent_kind} (a Goal)",
                        if kind == "step" { "n" } else { "" }
                    ),
                );
                continue;
            };
            let item = if kind == "step" {
                let service = match code_in(v.get("category"), system::SERVICE) {
                    Some("education") => Some(Service::Education),
                    Some("health") => Some(Service::Health),
                    Some("social_care") => Some(Service::SocialCare),
                    _ => None,
                };
                Item::Step {
                    outcome_id: ids[&parent],
                    step: Step {
                        id,
                        text: description(v),
                        service,
                        targets: Vec::new(),
                    },
                }
            } else {
                let due = list(v, "target").next().and_then(|t| t.get("dueDate"));
                Item::Target {
                    step_id: ids[&parent],
                    target: Target {
                        id,
                        text: description(v),
                        by_when: b.date(&format!("{at}.target[0].dueDate"), due),
                    },
                }
            };
            nested.push(Located {
                at: at.clone(),
                value: Change::ItemAdded { item },
            });
            read_ended(
                &mut *b,
                &at,
                v,
                if kind == "step" {
                    ItemKind::Step
                } else {
                    ItemKind::Target
                },
                id,
            );
        }
    }
    changes.extend(nested);

    // Provision.
    for (k, a) in list(cp, "activity").enumerate() {
        let at = format!("{cp_at}.activity[{k}]");
        let Some(d) = a.get("detail") else {
            b.err(
                &at,
                "Only an activity's detail is read: describe the provision in activity.detail",
            );
            continue;
        };
        let id = Uuid::new_v4();
        if let Some(p) = read_provision(b, &at, d, id, &ids, &party_of) {
            changes.push(Located {
                at: at.clone(),
                value: Change::ItemAdded {
                    item: Item::Provision(p),
                },
            });
            read_ended(&mut *b, &at, d, ItemKind::Provision, id);
        }
    }

    // Other plans in place, and consent to share.
    let mut other_plans = Vec::new();
    for i in b.of_type("Consent") {
        let (at, v) = (b.at(i), b.resources[i]);
        // Consent to share per purpose and organisation: a decision.
        if let Some(code) = list(v.get("provision").unwrap_or(&EMPTY), "purpose")
            .find(|c| s(c, "system") == Some(system::CONSENT_PURPOSE))
            .and_then(|c| s(c, "code"))
        {
            let Some(purpose) = crate::consent::Purpose::parse(code) else {
                b.err(
                    &format!("{at}.provision.purpose"),
                    format!("Unknown consent purpose \"{code}\""),
                );
                continue;
            };
            let decision = match v.get("provision").and_then(|p| s(p, "type")) {
                Some("permit") => crate::consent::Decision::Given,
                Some("deny") => crate::consent::Decision::Withdrawn,
                _ => {
                    b.err(
                        &format!("{at}.provision.type"),
                        "A consent decision is a permit (given) or a deny (withdrawn)",
                    );
                    continue;
                }
            };
            let on = b.date(&format!("{at}.dateTime"), v.get("dateTime"));
            let given_by = list(v, "performer").find_map(|p| s(p, "display")).map(str::to_owned);
            let organisation = list(v, "organization").find_map(|o| s(o, "display")).map(str::to_owned);
            match (on, given_by, organisation) {
                (Some(on), Some(given_by), Some(organisation)) => changes.push(Located {
                    at: at.clone(),
                    value: Change::ConsentRecorded {
                        consent: crate::consent::ConsentDecision {
                            purpose,
                            organisation,
                            decision,
                            given_by,
                            on_behalf_of: ext_string(v, ext::ON_BEHALF_OF),
                            on,
                            note: ext_string(v, ext::NOTES),
                        },
                    },
                }),
                _ => b.err(
                    &at,
                    "A consent decision must say who gave it (performer.display), when (dateTime) and for which organisation (organization.display)",
                ),
            }
            continue;
        }
        let purpose = list(v.get("provision").unwrap_or(&EMPTY), "purpose")
            .find(|c| s(c, "system") == Some(system::OTHER_PLAN))
            .and_then(|c| s(c, "code"));
        let Some(kind) = purpose.and_then(OtherPlanKind::parse) else {
            b.err(
                &format!("{at}.provision.purpose"),
                format!(
                    "Say which other plan the consent is for: a purpose coding from {}",
                    system::OTHER_PLAN
                ),
            );
            continue;
        };
        let consent = match s(v, "status") {
            Some("active") => {
                let date = b.date(&format!("{at}.dateTime"), v.get("dateTime"));
                let given_by = list(v, "performer").find_map(|p| s(p, "display")).map(str::to_owned);
                match (date, given_by) {
                    (Some(date), Some(given_by)) => Some(Consent { given_by, date }),
                    _ => {
                        b.err(
                            &at,
                            "Consent given must say who gave it (performer.display) and when (dateTime)",
                        );
                        None
                    }
                }
            }
            _ => None,
        };
        other_plans.push(OtherPlan {
            kind,
            consent,
            notes: ext_string(v, ext::NOTES),
        });
    }
    if !other_plans.is_empty() {
        changes.push(Located {
            at: "Consent".into(),
            value: Change::OtherPlansSet { plans: other_plans },
        });
    }

    for (at, item_kind, id, on, reason) in ended {
        changes.push(Located {
            at,
            value: Change::ItemEnded {
                item_kind,
                id,
                on,
                reason,
            },
        });
    }

    Some(Imported {
        person: person?,
        person_at,
        person_id,
        plan_type: plan_type?,
        details,
        changes,
    })
}

/// Which kind of goal a Goal is (an outcome unless it says otherwise).
fn goal_kind<'a>(b: &Bundle<'a>, i: usize) -> &'a str {
    code_in(b.resources[i].get("category"), system::GOAL_KIND).unwrap_or("outcome")
}

/// A HumanName's words: its text, else given and family names.
fn human_name(name: &Value) -> Option<String> {
    if let Some(t) = s(name, "text").map(str::trim).filter(|t| !t.is_empty()) {
        return Some(t.to_owned());
    }
    let mut parts: Vec<&str> = list(name, "given").filter_map(Value::as_str).collect();
    parts.extend(s(name, "family"));
    let joined = parts.join(" ");
    (!joined.trim().is_empty()).then_some(joined)
}

fn read_provision(
    b: &mut Bundle,
    at: &str,
    d: &Value,
    id: Uuid,
    ids: &HashMap<usize, Uuid>,
    party_of: &HashMap<usize, Uuid>,
) -> Option<Provision> {
    let what = words(d.get("code"));
    if what.is_none() {
        b.err(
            &format!("{at}.detail.code"),
            "Say what the provision is (detail.code.text)",
        );
    }
    let mut party_id = None;
    if let Some(performer) = list(d, "performer").next() {
        match b.resolve(Some(performer)).and_then(|i| party_of.get(&i)) {
            Some(p) => party_id = Some(*p),
            None => b.err(
                &format!("{at}.detail.performer[0]"),
                "Who does it must be one of the people in the CareTeam",
            ),
        }
    }
    let mut outcome_ids = Vec::new();
    for (n, g) in list(d, "goal").enumerate() {
        match b
            .resolve(Some(g))
            .filter(|i| b.kind(*i) == "Goal")
            .and_then(|i| ids.get(&i))
        {
            Some(o) => outcome_ids.push(*o),
            None => b.err(&format!("{at}.detail.goal[{n}]"), "Must point at an outcome (a Goal)"),
        }
    }
    let repeat = d.get("scheduledTiming").and_then(|t| t.get("repeat"));
    let bounds = repeat.and_then(|r| r.get("boundsPeriod"));
    let from = b.date(
        &format!("{at}.detail.scheduledTiming.repeat.boundsPeriod.start"),
        bounds.and_then(|p| p.get("start")),
    );
    let until = b.date(
        &format!("{at}.detail.scheduledTiming.repeat.boundsPeriod.end"),
        bounds.and_then(|p| p.get("end")),
    );
    let mut frequency = None;
    if let Some(r) = repeat
        && let Some(times) = r.get("frequency")
    {
        let times = times.as_u64().and_then(|t| u32::try_from(t).ok());
        // A whole number of periods (FHIR writes 1 or 1.0).
        let period = r
            .get("period")
            .and_then(Value::as_f64)
            .filter(|p| p.fract() == 0.0 && *p >= 0.0 && *p <= 1000.0)
            .map(|p| p as u32);
        let unit = s(r, "periodUnit");
        let school_days =
            list(r, "dayOfWeek").filter_map(Value::as_str).collect::<Vec<_>>() == ["mon", "tue", "wed", "thu", "fri"];
        let per = match (period, unit) {
            (Some(1), Some("d")) if school_days => Some(Per::SchoolDay),
            (Some(1), Some("d")) => Some(Per::Day),
            (Some(1), Some("wk")) => Some(Per::Week),
            (Some(2), Some("wk")) => Some(Per::Fortnight),
            (Some(13), Some("wk")) => Some(Per::Term),
            (Some(1), Some("mo")) => Some(Per::Month),
            (Some(1), Some("a")) => Some(Per::Year),
            _ => None,
        };
        match (times, per) {
            (Some(times), Some(per)) => frequency = Some(Frequency { times, per }),
            _ => b.err(
                &format!("{at}.detail.scheduledTiming.repeat"),
                "How often must be a whole number of times per day, school day, week, fortnight, month, term (13 weeks) or year",
            ),
        }
    }
    let mut duration_minutes = None;
    if let Some(r) = repeat
        && let Some(duration) = r.get("duration")
    {
        let factor = match s(r, "durationUnit") {
            Some("min") => Some(1.0),
            Some("h") => Some(60.0),
            _ => None,
        };
        match (duration.as_f64(), factor) {
            (Some(v), Some(f)) if v >= 0.0 && (v * f).fract() == 0.0 && v * f <= f64::from(u32::MAX) => {
                duration_minutes = Some((v * f) as u32)
            }
            _ => b.err(
                &format!("{at}.detail.scheduledTiming.repeat.duration"),
                "A session's length must be whole minutes (durationUnit \"min\" or \"h\")",
            ),
        }
    }
    let mut weekly_cost_pence = None;
    if let Some(e) = extensions(d, ext::WEEKLY_COST).next() {
        let money = e.get("valueMoney");
        let value = money.and_then(|m| m.get("value")).filter(|v| v.is_number());
        let currency = money.and_then(|m| s(m, "currency"));
        match (value, currency) {
            (Some(v), Some("GBP")) => match crate::money::parse(&v.to_string(), crate::money::Sign::NotNegative) {
                Ok(pence) => weekly_cost_pence = Some(pence),
                Err(e) => b.err(&format!("{at}.detail.extension(weekly-cost)"), e.message()),
            },
            _ => b.err(
                &format!("{at}.detail.extension(weekly-cost)"),
                "The weekly cost must be a valueMoney with a value in pounds and currency GBP",
            ),
        }
    }
    let mut funding = None;
    if let Some(e) = extensions(d, ext::FUNDING).next() {
        match e.get("valueCoding").and_then(|c| s(c, "code")).and_then(Funding::parse) {
            Some(f) => funding = Some(f),
            None => b.err(
                &format!("{at}.detail.extension(funding)"),
                format!("The funding must be one of: {}", Funding::NAMES.join(", ")),
            ),
        }
    }
    Some(Provision {
        id,
        what: what.unwrap_or_default(),
        party_id,
        frequency,
        duration_minutes,
        from,
        until,
        resources: s(d, "description").map(str::to_owned),
        weekly_cost_pence,
        funding,
        outcome_ids,
        ended: None,
    })
}

/// The new draft plan's log: created, then every change read from the
/// Bundle, each checked against the plan as it then stands with
/// [`Plan::check`] (a refusal names where in the Bundle it came from).
pub fn build_plan(
    imported: &Imported,
    plan_id: Uuid,
    person_id: Uuid,
    number: u32,
    plan_type: &PlanType,
    author: (Uuid, &str),
    at: OffsetDateTime,
) -> Result<(Plan, Vec<ChangeRecord>), FieldErrors> {
    let mut details = imported.details.clone();
    if details.title.is_empty() {
        details.title = plan_type.name.clone();
    }
    let mut errors = FieldErrors::new();
    if let Err(e) = crate::rules::check_details(&details) {
        for e in e.0 {
            errors.add(&format!("CarePlan.{}", e.field), e.message);
        }
    }
    let record = |seq: i64, change: Change| ChangeRecord {
        seq,
        at,
        author_id: Some(author.0),
        author_name: author.1.to_owned(),
        reason: None,
        change,
    };
    let created = record(
        1,
        Change::Created {
            person_id,
            plan_type: plan_type.id.clone(),
            number,
            details,
        },
    );
    let mut plan = Plan::from_creation(plan_id, &created).map_err(|e| FieldErrors::single(FIELD, e.to_string()))?;
    let mut log = vec![created];
    if plan_type.approval.required {
        let needs = record(
            2,
            Change::ApprovalRequired {
                approver_roles: plan_type.approval.approver_roles.clone(),
            },
        );
        plan.apply(&needs)
            .map_err(|e| FieldErrors::single(FIELD, e.to_string()))?;
        log.push(needs);
    }
    for located in &imported.changes {
        match plan.check(&located.value, None, Some(plan_type)) {
            Ok(()) => {
                let r = record(plan.version + 1, located.value.clone());
                match plan.apply(&r) {
                    Ok(()) => log.push(r),
                    Err(e) => errors.add(&located.at, e.to_string()),
                }
            }
            Err(refused) => {
                for e in refused.0 {
                    errors.add(&located.at, format!("{} ({})", e.message, e.field));
                }
            }
        }
    }
    errors.into_result((plan, log))
}
