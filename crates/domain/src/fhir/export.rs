//! A plan written as a FHIR R4 Bundle of type `collection` (see the table in
//! [`super`]). Every resource's id is the id of what it shows (the plan, the
//! person, a party, an item), or derived from the plan's id, so that the
//! same plan exports the same way.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::{FHIR_VERSION, extension as ext, system};
use crate::content::{Frequency, Per, Provision};
use crate::person::PersonDetails;
use crate::plan::{ChangeRecord, Party, PartyRole, Plan, PlanStatus};
use crate::plan_type::PlanType;
use crate::review::ReviewKind;

/// What an export needs besides the plan itself.
pub struct ExportInput<'a> {
    pub plan: &'a Plan,
    pub person: &'a PersonDetails,
    /// The plan's type, for its name and the labels of areas and ratings.
    pub plan_type: Option<&'a PlanType>,
    /// The plan's log: when each agreement was recorded.
    pub log: &'a [ChangeRecord],
    /// When the export is made (`Bundle.timestamp`).
    pub at: OffsetDateTime,
}

/// `urn:uuid:…`, how resources in the Bundle name each other.
pub(super) fn url(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

/// An id derived from the plan's id and a purpose, the same every time.
pub(super) fn derived(plan_id: Uuid, what: &str) -> Uuid {
    let digest = Sha256::digest(format!("{plan_id}/{what}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn reference(id: Uuid, display: Option<&str>) -> Value {
    let mut r = json!({ "reference": url(id) });
    if let Some(d) = display {
        r["display"] = json!(d);
    }
    r
}

fn coding(system: &str, code: &str, display: Option<&str>) -> Value {
    let mut c = json!({ "system": system, "code": code });
    if let Some(d) = display {
        c["display"] = json!(d);
    }
    c
}

fn concept(system: &str, code: &str, display: Option<&str>) -> Value {
    let mut c = json!({ "coding": [coding(system, code, display)] });
    if let Some(d) = display {
        c["text"] = json!(d);
    }
    c
}

fn string_ext(url: &str, value: &str) -> Value {
    json!({ "url": url, "valueString": value })
}

fn instant(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .replace_millisecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Pence as a FHIR decimal of pounds (4550 → 45.5).
pub(super) fn pounds(pence: i64) -> Value {
    serde_json::Number::from_f64(pence as f64 / 100.0).map_or(Value::Null, Value::Number)
}

/// The plan's lifecycle as a CarePlan status.
pub fn care_plan_status(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => "draft",
        PlanStatus::Agreed | PlanStatus::UnderReview => "active",
        PlanStatus::Superseded | PlanStatus::Closed => "completed",
    }
}

/// A progress rating as a FHIR goal-achievement code.
pub fn achievement(rating: &str) -> Option<&'static str> {
    match rating {
        "met" => Some("achieved"),
        "partly_met" => Some("improving"),
        "not_met" => Some("not-achieving"),
        "needs_changing" => Some("no-progress"),
        _ => None,
    }
}

/// How often, as a FHIR `Timing.repeat` period and unit.
pub(super) fn period_of(per: Per) -> (u32, &'static str) {
    match per {
        Per::Day | Per::SchoolDay => (1, "d"),
        Per::Week => (1, "wk"),
        Per::Fortnight => (2, "wk"),
        Per::Month => (1, "mo"),
        Per::Term => (13, "wk"),
        Per::Year => (1, "a"),
    }
}

const SCHOOL_DAYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];

/// Which resource stands for each party: the first party who is the person
/// is the Patient; family and friends are RelatedPersons; the rest are
/// Practitioners.
fn party_resource(plan: &Plan, party: &Party) -> (Uuid, &'static str) {
    let first_person = plan.parties.iter().find(|p| p.role == PartyRole::Person).map(|p| p.id);
    if first_person == Some(party.id) {
        return (plan.person_id, "Patient");
    }
    match party.role {
        PartyRole::Person | PartyRole::ParentCarer | PartyRole::CircleOfSupport => (party.id, "RelatedPerson"),
        _ => (party.id, "Practitioner"),
    }
}

fn ended_ext(plan: &Plan, id: Uuid) -> Option<Value> {
    let ended = plan.reviews.ended.get(&id)?;
    Some(json!({
        "url": ext::ENDED,
        "extension": [
            { "url": "on", "valueDate": ended.on.to_string() },
            { "url": "reason", "valueString": ended.reason },
        ]
    }))
}

fn push_ext(resource: &mut Value, extension: Value) {
    if let Value::Object(map) = resource {
        match map.entry("extension").or_insert_with(|| json!([])) {
            Value::Array(list) => list.push(extension),
            other => *other = json!([extension]),
        }
    }
}

/// The plan as a FHIR R4 Bundle (`collection`).
pub fn export_bundle(input: &ExportInput) -> Value {
    let ExportInput {
        plan,
        person,
        plan_type,
        log,
        at,
    } = input;
    let plan = *plan;
    let content = &plan.content;
    let patient = plan.person_id;
    let patient_ref = || reference(patient, Some(&person.full_name()));
    let mut entries: Vec<(Uuid, Value)> = Vec::new();

    // The person.
    let mut names = vec![json!({
        "use": "official",
        "family": person.family_name,
        "given": [person.given_name],
    })];
    if let Some(known_as) = &person.known_as {
        names.push(json!({ "use": "usual", "given": [known_as] }));
    }
    let mut resource = json!({
        "resourceType": "Patient",
        "id": patient.to_string(),
        "identifier": [{ "system": system::PERSON, "value": patient.to_string() }],
        "name": names,
    });
    if let Some(dob) = person.date_of_birth {
        resource["birthDate"] = json!(dob.to_string());
    }
    for (url, value) in [
        (ext::SETTING, &person.setting),
        (ext::COMMUNICATION, &person.communication),
        (ext::PRESENTING, &person.presenting_information),
    ] {
        if let Some(v) = value {
            push_ext(&mut resource, string_ext(url, v));
        }
    }
    entries.push((patient, resource));

    // The people involved, each once.
    for party in &plan.parties {
        let (id, kind) = party_resource(plan, party);
        if kind == "Patient" {
            continue;
        }
        let mut resource = json!({
            "resourceType": kind,
            "id": id.to_string(),
            "name": [{ "text": party.name }],
        });
        if kind == "RelatedPerson" {
            resource["patient"] = patient_ref();
            if let Some(r) = &party.relationship {
                resource["relationship"] = json!([{ "text": r }]);
            }
        }
        if let Some(contact) = &party.contact {
            let system = if party.contact_email().is_some() {
                "email"
            } else {
                "other"
            };
            resource["telecom"] = json!([{ "system": system, "value": contact }]);
        }
        entries.push((id, resource));
    }
    let care_team = derived(plan.id, "care-team");
    let participants: Vec<Value> = plan
        .parties
        .iter()
        .map(|party| {
            let (id, _) = party_resource(plan, party);
            let mut p = json!({
                "role": [concept(system::PARTY_ROLE, party.role.as_str(), Some(party.role.label()))],
                "member": reference(id, Some(&party.name)),
            });
            if let Some(agency) = &party.agency {
                p["onBehalfOf"] = json!({ "display": agency });
            }
            if let Some(r) = &party.relationship {
                push_ext(&mut p, string_ext(ext::RELATIONSHIP, r));
            }
            p
        })
        .collect();
    let mut team = json!({
        "resourceType": "CareTeam",
        "id": care_team.to_string(),
        "status": "active",
        "name": format!("The people involved in {}'s plan", person.preferred_name()),
        "subject": patient_ref(),
    });
    if !participants.is_empty() {
        team["participant"] = json!(participants);
    }
    entries.push((care_team, team));

    // Needs.
    for need in &content.needs {
        let label = plan_type
            .and_then(|t| t.area(&need.area))
            .map_or(need.area.as_str(), |a| a.label.as_str());
        let clinical = if plan.reviews.ended.contains_key(&need.id) {
            "resolved"
        } else {
            "active"
        };
        let mut resource = json!({
            "resourceType": "Condition",
            "id": need.id.to_string(),
            "clinicalStatus": concept("http://terminology.hl7.org/CodeSystem/condition-clinical", clinical, None),
            "category": [concept(system::AREA_OF_NEED, &need.area, Some(label))],
            "code": { "text": need.text },
            "subject": patient_ref(),
        });
        if let Some(e) = ended_ext(plan, need.id) {
            push_ext(&mut resource, e);
        }
        entries.push((need.id, resource));
    }

    let goal = |id: Uuid, kind: &str, text: &str| {
        let lifecycle = if plan.reviews.ended.contains_key(&id) {
            "cancelled"
        } else {
            "active"
        };
        let mut resource = json!({
            "resourceType": "Goal",
            "id": id.to_string(),
            "lifecycleStatus": lifecycle,
            "category": [concept(system::GOAL_KIND, kind, None)],
            "description": { "text": text },
            "subject": patient_ref(),
        });
        if let Some(e) = ended_ext(plan, id) {
            push_ext(&mut resource, e);
        }
        resource
    };

    // Aspirations.
    for a in &content.aspirations {
        let mut resource = goal(a.id, "aspiration", &a.text);
        if let Some(Value::Array(categories)) = resource.get_mut("category") {
            categories.push(concept(system::TERM, term_code(a.term), None));
            categories.push(concept(system::WHOSE, a.whose.as_str(), None));
        }
        entries.push((a.id, resource));
    }

    // Outcomes, their steps and targets.
    let latest_rating = |id: Uuid| {
        plan.reviews
            .reviews
            .iter()
            .rev()
            .filter(|r| r.kind == ReviewKind::Formal)
            .find_map(|r| r.ratings.get(&id))
    };
    let mut steps_and_targets = Vec::new();
    for o in &content.outcomes {
        let mut resource = goal(o.id, "outcome", &o.text);
        if let Some(Value::Array(categories)) = resource.get_mut("category") {
            for (on, code) in [
                (o.supported_by.education, "education"),
                (o.supported_by.health, "health"),
                (o.supported_by.social_care, "social_care"),
            ] {
                if on {
                    categories.push(concept(system::SERVICE, code, None));
                }
            }
        }
        if o.measure.is_some() || o.by_when.is_some() {
            let mut target = json!({});
            if let Some(m) = &o.measure {
                target["measure"] = json!({ "text": m });
            }
            if let Some(d) = o.by_when {
                target["dueDate"] = json!(d.to_string());
            }
            resource["target"] = json!([target]);
        }
        if !o.need_ids.is_empty() {
            resource["addresses"] = json!(o.need_ids.iter().map(|id| reference(*id, None)).collect::<Vec<_>>());
        }
        if let Some(rating) = latest_rating(o.id) {
            let label = plan_type
                .and_then(|t| t.reviews.progress_ratings.iter().find(|r| r.key == rating.rating))
                .map_or(rating.rating.as_str(), |r| r.label.as_str());
            let mut codings = vec![coding(system::PROGRESS, &rating.rating, Some(label))];
            if let Some(code) = achievement(&rating.rating) {
                codings.insert(0, coding(system::GOAL_ACHIEVEMENT, code, None));
            }
            resource["achievementStatus"] = json!({ "coding": codings, "text": label });
        }
        if let Some(stage) = &o.stage {
            push_ext(&mut resource, string_ext(ext::STAGE, stage));
        }
        for area in &o.areas {
            push_ext(&mut resource, json!({ "url": ext::AREA, "valueCode": area }));
        }
        for a in &o.aspiration_ids {
            push_ext(
                &mut resource,
                json!({ "url": ext::SERVES, "valueReference": reference(*a, None) }),
            );
        }
        entries.push((o.id, resource));
        for step in &o.steps {
            let mut resource = goal(step.id, "step", &step.text);
            if let (Some(service), Some(Value::Array(categories))) = (step.service, resource.get_mut("category")) {
                categories.push(concept(system::SERVICE, service_code(service), None));
            }
            push_ext(
                &mut resource,
                json!({ "url": ext::PART_OF, "valueReference": reference(o.id, None) }),
            );
            steps_and_targets.push((step.id, resource));
            for t in &step.targets {
                let mut resource = goal(t.id, "target", &t.text);
                if let Some(d) = t.by_when {
                    resource["target"] = json!([{ "dueDate": d.to_string() }]);
                }
                push_ext(
                    &mut resource,
                    json!({ "url": ext::PART_OF, "valueReference": reference(step.id, None) }),
                );
                steps_and_targets.push((t.id, resource));
            }
        }
    }
    entries.extend(steps_and_targets);

    // Other plans in place and the consent to share them.
    for (n, other) in content.other_plans.iter().enumerate() {
        let id = derived(plan.id, &format!("consent/{n}"));
        let mut resource = json!({
            "resourceType": "Consent",
            "id": id.to_string(),
            "status": if other.consent.is_some() { "active" } else { "proposed" },
            "scope": concept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", Some("Privacy Consent")),
            "category": [concept("http://loinc.org", "59284-0", Some("Patient Consent"))],
            "patient": patient_ref(),
            "policyRule": concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", Some("opt-in")),
            "provision": {
                "type": "permit",
                "purpose": [coding(system::OTHER_PLAN, other.kind.as_str(), Some(other_plan_label(other.kind)))],
            },
        });
        if let Some(consent) = &other.consent {
            resource["dateTime"] = json!(consent.date.to_string());
            resource["performer"] = json!([{ "display": consent.given_by }]);
        }
        if let Some(notes) = &other.notes {
            push_ext(&mut resource, string_ext(ext::NOTES, notes));
        }
        entries.push((id, resource));
    }

    // Consent to share per purpose and organisation (S3): every decision in
    // order, given as a permit and withdrawn as a deny.
    for (n, recorded) in plan.consents.decisions.iter().enumerate() {
        let d = &recorded.decision;
        let id = derived(plan.id, &format!("consent-decision/{n}"));
        let given = recorded.is_given();
        let mut resource = json!({
            "resourceType": "Consent",
            "id": id.to_string(),
            "status": "active",
            "scope": concept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", Some("Privacy Consent")),
            "category": [concept("http://loinc.org", "59284-0", Some("Patient Consent"))],
            "patient": patient_ref(),
            "dateTime": d.on.to_string(),
            "performer": [{ "display": d.given_by }],
            "organization": [{ "display": d.organisation }],
            "policyRule": if given {
                concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", Some("opt-in"))
            } else {
                concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTOUT", Some("opt-out"))
            },
            "provision": {
                "type": if given { "permit" } else { "deny" },
                "purpose": [coding(system::CONSENT_PURPOSE, d.purpose.as_str(), Some(d.purpose.label()))],
            },
        });
        if let Some(whom) = &d.on_behalf_of {
            push_ext(&mut resource, string_ext(ext::ON_BEHALF_OF, whom));
        }
        if let Some(note) = &d.note {
            push_ext(&mut resource, string_ext(ext::NOTES, note));
        }
        entries.push((id, resource));
    }

    // The plan itself.
    let activities: Vec<Value> = content.provision.iter().map(|p| activity(plan, p)).collect();
    let type_name = plan_type.map_or(plan.plan_type.as_str(), |t| t.name.as_str());
    let mut care_plan = json!({
        "resourceType": "CarePlan",
        "id": plan.id.to_string(),
        "identifier": [{ "system": system::PLAN, "value": plan.id.to_string() }],
        "status": care_plan_status(plan.status),
        "intent": "plan",
        "category": [concept(system::PLAN_TYPE, &plan.plan_type, Some(type_name))],
        "title": plan.details.title,
        "subject": patient_ref(),
        "created": instant(plan.created_at),
        "careTeam": [reference(care_team, None)],
    });
    if let Some(start) = plan.details.start_date {
        care_plan["period"] = json!({ "start": start.to_string() });
    }
    if let Some(lead) = plan.lead_party() {
        let (id, _) = party_resource(plan, lead);
        care_plan["author"] = reference(id, Some(&lead.name));
    }
    if !content.needs.is_empty() {
        care_plan["addresses"] = json!(content.needs.iter().map(|n| reference(n.id, None)).collect::<Vec<_>>());
    }
    if !content.outcomes.is_empty() {
        care_plan["goal"] = json!(
            content
                .outcomes
                .iter()
                .map(|o| reference(o.id, None))
                .collect::<Vec<_>>()
        );
    }
    if !activities.is_empty() {
        care_plan["activity"] = json!(activities);
    }
    push_ext(
        &mut care_plan,
        json!({ "url": ext::PLAN_NUMBER, "valuePositiveInt": plan.number.max(1) }),
    );
    if let Some(weeks) = plan.details.review_interval_weeks {
        push_ext(
            &mut care_plan,
            json!({ "url": ext::REVIEW_INTERVAL, "valuePositiveInt": weeks.max(1) }),
        );
    }
    entries.insert(0, (plan.id, care_plan));

    // Agreements, last.
    for (n, given) in plan.agreements.given.iter().enumerate() {
        let a = &given.agreement;
        let Some(party) = plan.party(a.party_id) else { continue };
        let (who, _) = party_resource(plan, party);
        let recorded = log
            .iter()
            .find(|r| r.seq == given.seq)
            .map_or(plan.updated_at, |r| r.at);
        let (code, label) = match &a.response {
            crate::agreement::Response::Agreed { .. } => ("agreed", "Agreed"),
            crate::agreement::Response::Paper { .. } => ("paper", "Agreed on a signed paper copy"),
            crate::agreement::Response::Declined { .. } => ("declined", "Declined"),
        };
        let id = derived(plan.id, &format!("provenance/{n}"));
        let mut agent = json!({
            "type": concept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "attester", Some("Attester")),
            "who": reference(who, Some(&party.name)),
        });
        let on_behalf = match &a.response {
            crate::agreement::Response::Agreed { on_behalf_of, .. }
            | crate::agreement::Response::Paper { on_behalf_of, .. } => on_behalf_of.as_ref(),
            crate::agreement::Response::Declined { .. } => None,
        };
        if let Some(b) = on_behalf {
            agent["onBehalfOf"] = json!({ "display": b.person_name });
        }
        let mut resource = json!({
            "resourceType": "Provenance",
            "id": id.to_string(),
            "target": [reference(plan.id, Some(&plan.details.title))],
            "occurredDateTime": a.on.to_string(),
            "recorded": instant(recorded),
            "activity": concept(system::RESPONSE, code, Some(label)),
            "agent": [agent],
            "entity": [{
                "role": "source",
                "what": {
                    "identifier": { "system": system::CONTENT_HASH, "value": a.content_hash },
                    "display": format!("Version {} of the plan", a.version),
                },
            }],
        });
        if let crate::agreement::Response::Declined { reason } = &a.response {
            resource["reason"] = json!([{ "text": reason }]);
        }
        entries.push((id, resource));
    }

    json!({
        "resourceType": "Bundle",
        "id": derived(plan.id, &format!("bundle/{}", plan.version)).to_string(),
        "meta": { "tag": [{ "system": "http://hl7.org/fhir/FHIR-version", "code": FHIR_VERSION }] },
        "type": "collection",
        "timestamp": instant(*at),
        "entry": entries
            .into_iter()
            .map(|(id, resource)| json!({ "fullUrl": url(id), "resource": resource }))
            .collect::<Vec<_>>(),
    })
}

fn term_code(term: crate::content::Term) -> &'static str {
    match term {
        crate::content::Term::Short => "short",
        crate::content::Term::Long => "long",
    }
}

fn service_code(service: crate::content::Service) -> &'static str {
    match service {
        crate::content::Service::Education => "education",
        crate::content::Service::Health => "health",
        crate::content::Service::SocialCare => "social_care",
    }
}

pub(super) fn other_plan_label(kind: crate::content::OtherPlanKind) -> &'static str {
    use crate::content::OtherPlanKind as K;
    match kind {
        K::Taf => "Team Around the Family plan",
        K::ChildInNeed => "Child in Need plan",
        K::ChildProtection => "Child Protection plan",
        K::Pep => "Personal Education Plan",
        K::LookedAfterChild => "Looked-after child care plan",
        K::HealthCarePlan => "Health Care Plan",
    }
}

/// One provision line as a CarePlan activity.
fn activity(plan: &Plan, p: &Provision) -> Value {
    let ended = plan.reviews.ended.get(&p.id);
    let mut detail = json!({
        "kind": "ServiceRequest",
        "code": { "text": p.what },
        "status": if ended.is_some() { "stopped" } else { "scheduled" },
    });
    if let Some(e) = ended {
        detail["statusReason"] = json!({ "text": e.reason });
    }
    if !p.outcome_ids.is_empty() {
        detail["goal"] = json!(p.outcome_ids.iter().map(|id| reference(*id, None)).collect::<Vec<_>>());
    }
    if let Some(party) = p.party_id.and_then(|id| plan.party(id)) {
        let (id, _) = party_resource(plan, party);
        detail["performer"] = json!([reference(id, Some(&party.name))]);
    }
    let mut repeat = Map::new();
    if p.from.is_some() || p.until.is_some() {
        let mut bounds = Map::new();
        if let Some(from) = p.from {
            bounds.insert("start".into(), json!(from.to_string()));
        }
        if let Some(until) = p.until {
            bounds.insert("end".into(), json!(until.to_string()));
        }
        repeat.insert("boundsPeriod".into(), Value::Object(bounds));
    }
    if let Some(Frequency { times, per }) = p.frequency {
        let (period, unit) = period_of(per);
        repeat.insert("frequency".into(), json!(times));
        repeat.insert("period".into(), json!(period));
        repeat.insert("periodUnit".into(), json!(unit));
        if per == Per::SchoolDay {
            repeat.insert("dayOfWeek".into(), json!(SCHOOL_DAYS));
        }
    }
    if let Some(minutes) = p.duration_minutes {
        repeat.insert("duration".into(), json!(minutes));
        repeat.insert("durationUnit".into(), json!("min"));
    }
    if !repeat.is_empty() {
        detail["scheduledTiming"] = json!({ "repeat": repeat });
    }
    if let Some(r) = &p.resources {
        detail["description"] = json!(r);
    }
    if let Some(pence) = p.weekly_cost_pence {
        push_ext(
            &mut detail,
            json!({ "url": ext::WEEKLY_COST, "valueMoney": { "value": pounds(pence), "currency": "GBP" } }),
        );
    }
    if let Some(f) = p.funding {
        push_ext(
            &mut detail,
            json!({ "url": ext::FUNDING, "valueCoding": coding(system::FUNDING, f.as_str(), Some(f.label())) }),
        );
    }
    if let Some(e) = ended_ext(plan, p.id) {
        push_ext(&mut detail, e);
    }
    json!({ "detail": detail })
}
