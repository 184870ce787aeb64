use serde_json::{Value, json};
use time::macros::{date, datetime};
use uuid::Uuid;

use super::*;
use crate::content::{
    Aspiration, Consent, Frequency, Funding, Item, ItemKind, Need, OtherPlan, OtherPlanKind, Per, Step, Target, Term,
};
use crate::person::PersonDetails;
use crate::plan::{Change, PartyRole, Plan};
use crate::plan_type::Whose;
use crate::testkit::{builtin, created, outcome, party, provision, step_on};

fn person() -> PersonDetails {
    PersonDetails {
        given_name: "Leo".into(),
        family_name: "Martin".into(),
        known_as: Some("Leo".into()),
        date_of_birth: Some(date!(2016 - 03 - 14)),
        setting: Some("Oakfield Primary".into()),
        communication: None,
        presenting_information: None,
    }
}

/// A plan with something in every part the export carries.
fn rich_plan() -> (Plan, crate::plan_type::PlanType) {
    let msp = builtin("msp.toml");
    let mut plan = Plan::from_creation(Uuid::from_u128(99), &created("MSP")).unwrap();
    let mut leo = party(1, "Leo Martin", PartyRole::Person);
    leo.relationship = Some("Himself".into());
    let mut claire = party(2, "Claire Martin", PartyRole::ParentCarer);
    claire.relationship = Some("Mum".into());
    claire.contact = Some("claire.martin@example.com".into());
    let mut priya = party(3, "Priya Shah", PartyRole::Senco);
    priya.agency = Some("Oakfield Primary".into());
    let need = Need {
        id: Uuid::from_u128(5),
        area: "communication_interaction".into(),
        text: "Leo finds it hard to ask for help".into(),
    };
    let aspiration = Aspiration {
        id: Uuid::from_u128(6),
        term: Term::Long,
        whose: Whose::Parent,
        text: "To go to secondary school with his friends".into(),
    };
    let mut o = outcome(10, "Leo will ask an adult for help when he is stuck, 4 times out of 5");
    o.by_when = Some(date!(2027 - 07 - 20));
    o.measure = Some("Tally kept by the class teacher".into());
    o.need_ids = vec![need.id];
    o.aspiration_ids = vec![aspiration.id];
    o.areas = vec!["communication_interaction".into()];
    o.supported_by.education = true;
    let mut p = provision(20, "Daily check-in with a trusted adult", Some(priya.id));
    p.frequency = Some(Frequency {
        times: 1,
        per: Per::SchoolDay,
    });
    p.duration_minutes = Some(10);
    p.from = Some(date!(2027 - 01 - 04));
    p.until = Some(date!(2027 - 07 - 20));
    p.weekly_cost_pence = Some(4550);
    p.funding = Some(Funding::Education);
    p.resources = Some("A quiet room".into());
    p.outcome_ids = vec![o.id];
    let mut q = provision(21, "Reading at home", Some(Uuid::from_u128(2)));
    q.frequency = Some(Frequency {
        times: 3,
        per: Per::Fortnight,
    });
    let changes = vec![
        Change::PartyAdded { party: leo },
        Change::PartyAdded { party: claire },
        Change::PartyAdded { party: priya.clone() },
        Change::LeadProfessionalSet {
            party_id: Some(priya.id),
        },
        Change::ItemAdded { item: Item::Need(need) },
        Change::ItemAdded {
            item: Item::Aspiration(aspiration),
        },
        Change::ItemAdded { item: Item::Outcome(o) },
        Change::ItemAdded {
            item: Item::Step {
                outcome_id: Uuid::from_u128(10),
                step: Step {
                    id: Uuid::from_u128(11),
                    text: "Use a help card in class".into(),
                    service: None,
                    targets: vec![],
                },
            },
        },
        Change::ItemAdded {
            item: Item::Target {
                step_id: Uuid::from_u128(11),
                target: Target {
                    id: Uuid::from_u128(12),
                    text: "Show the help card twice a day".into(),
                    by_when: Some(date!(2027 - 03 - 01)),
                },
            },
        },
        Change::ItemAdded {
            item: Item::Provision(p),
        },
        Change::ItemAdded {
            item: Item::Provision(q),
        },
        Change::OtherPlansSet {
            plans: vec![
                OtherPlan {
                    kind: OtherPlanKind::HealthCarePlan,
                    consent: Some(Consent {
                        given_by: "Claire Martin".into(),
                        date: date!(2027 - 01 - 04),
                    }),
                    notes: Some("Asthma".into()),
                },
                OtherPlan {
                    kind: OtherPlanKind::Taf,
                    consent: None,
                    notes: None,
                },
            ],
        },
        Change::ItemEnded {
            item_kind: ItemKind::Provision,
            id: Uuid::from_u128(21),
            on: date!(2027 - 02 - 01),
            reason: "Leo now reads at school".into(),
        },
    ];
    for change in changes {
        step_on(&mut plan, change.clone(), Some(&msp)).unwrap_or_else(|e| panic!("{change:?}: {e}"));
    }
    (plan, msp)
}

fn export(plan: &Plan, msp: &crate::plan_type::PlanType) -> Value {
    export_bundle(&ExportInput {
        plan,
        person: &person(),
        plan_type: Some(msp),
        log: &[],
        at: datetime!(2027-03-01 12:00 UTC),
    })
}

fn import(bundle: &Value, msp: &crate::plan_type::PlanType) -> Result<Plan, crate::error::FieldErrors> {
    let bytes = serde_json::to_vec(bundle).unwrap();
    let imported = read_bundle(&bytes, date!(2027 - 03 - 01))?;
    assert_eq!(imported.person, person());
    assert_eq!(imported.plan_type, "MSP");
    let (plan, _) = build_plan(
        &imported,
        Uuid::new_v4(),
        Uuid::from_u128(77),
        1,
        msp,
        (Uuid::nil(), "Importer"),
        datetime!(2027-03-02 09:00 UTC),
    )?;
    Ok(plan)
}

#[test]
fn export_then_import_then_export_says_the_same() {
    let (plan, msp) = rich_plan();
    let first = export(&plan, &msp);
    let copy = import(&first, &msp).unwrap();
    assert_eq!(copy.status, crate::plan::PlanStatus::Draft);
    assert_eq!(copy.content.provision.len(), 2);
    assert_ne!(copy.content.outcomes[0].id, plan.content.outcomes[0].id, "new ids");
    let second = export(&copy, &msp);
    assert_eq!(comparable(&first), comparable(&second));
    assert_eq!(copy.parties.len(), 3);
    assert_eq!(copy.lead_party().unwrap().name, "Priya Shah");
    assert!(copy.reviews.ended.contains_key(&copy.content.provision[1].id));
}

#[test]
fn the_export_maps_the_plan_as_the_table_says() {
    let (plan, msp) = rich_plan();
    let b = export(&plan, &msp);
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let resources: Vec<&Value> = b["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let of = |t: &str| resources.iter().filter(|r| r["resourceType"] == t).count();
    assert_eq!(of("CarePlan"), 1);
    assert_eq!(of("Patient"), 1);
    assert_eq!(of("CareTeam"), 1);
    assert_eq!(of("Condition"), 1);
    assert_eq!(of("Goal"), 4, "aspiration, outcome, step, target");
    assert_eq!(of("Consent"), 2);
    let cp = resources[0];
    assert_eq!(cp["status"], "draft");
    assert_eq!(cp["intent"], "plan");
    let detail = &cp["activity"][0]["detail"];
    assert_eq!(
        detail["scheduledTiming"]["repeat"]["dayOfWeek"],
        json!(["mon", "tue", "wed", "thu", "fri"])
    );
    assert_eq!(detail["extension"][0]["valueMoney"]["value"], json!(45.5));
    assert_eq!(cp["activity"][1]["detail"]["status"], "stopped");
    let goal = resources
        .iter()
        .find(|r| {
            r["description"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Leo will"))
        })
        .unwrap();
    assert_eq!(goal["target"][0]["dueDate"], "2027-07-20");
    assert_eq!(goal["target"][0]["measure"]["text"], "Tally kept by the class teacher");
}

fn refused(bytes: &[u8]) -> String {
    read_bundle(bytes, date!(2027 - 03 - 01)).unwrap_err().summary()
}

#[test]
fn bad_input_is_refused_with_what_is_wrong() {
    let (plan, msp) = rich_plan();
    let good = export(&plan, &msp);
    assert!(refused(b"{not json").contains("not valid JSON"));
    assert!(refused(b"\xff\xfe{}").contains("not UTF-8"));
    assert!(refused(br#"{"resourceType": "Patient"}"#).contains("not a Bundle"));

    let mut r5 = good.clone();
    r5["meta"]["tag"][0]["code"] = json!("5.0.0");
    assert!(refused(&serde_json::to_vec(&r5).unwrap()).contains("not FHIR R4"));
    let mut r5 = good.clone();
    r5["entry"][0]["resource"]["custodian"] = json!({ "display": "Kirklees" });
    let said = refused(&serde_json::to_vec(&r5).unwrap());
    assert!(said.contains("custodian") && said.contains("R5"), "{said}");

    let mut missing = good.clone();
    missing["entry"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["resource"]["resourceType"] != "Condition");
    let said = refused(&serde_json::to_vec(&missing).unwrap());
    assert!(said.contains("points at nothing"), "{said}");

    let deep = format!(
        "{{\"resourceType\":\"Bundle\",\"x\":{}{}}}",
        "[".repeat(50),
        "]".repeat(50)
    );
    assert!(refused(deep.as_bytes()).contains("nested"));

    let mut unknown_area = good.clone();
    let need = unknown_area["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["resource"]["resourceType"] == "Condition")
        .unwrap();
    need["resource"]["category"][0]["coding"][0]["code"] = json!("astrology");
    let bytes = serde_json::to_vec(&unknown_area).unwrap();
    let imported = read_bundle(&bytes, date!(2027 - 03 - 01)).unwrap();
    let e = build_plan(
        &imported,
        Uuid::new_v4(),
        Uuid::nil(),
        1,
        &msp,
        (Uuid::nil(), "I"),
        datetime!(2027-03-02 09:00 UTC),
    )
    .unwrap_err()
    .summary();
    assert!(e.contains("Condition"), "{e}");
}

/// Every leaf of a JSON value, by path, so a test can change one.
fn paths(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| paths(v, format!("{at}/{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| paths(v, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Any bytes: an answer, never a panic.
    #[test]
    fn any_bytes_get_an_answer(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let _ = read_bundle(&bytes, date!(2027 - 03 - 01));
    }

    /// A real Bundle with one element replaced by something of another
    /// kind: read or refused with reasons (never a panic), and what is read
    /// goes through the plan's rules without a panic either.
    #[test]
    fn a_mangled_bundle_is_read_or_refused(pick in 0usize..10_000, with in 0usize..6) {
        let (plan, msp) = rich_plan();
        let mut bundle = export(&plan, &msp);
        let mut all = Vec::new();
        paths(&bundle, String::new(), &mut all);
        let path = &all[pick % all.len()];
        let replacement = [json!(null), json!(-1), json!("2027-13-45"), json!([]), json!({}), json!("urn:uuid:nowhere")][with].clone();
        *bundle.pointer_mut(path).unwrap() = replacement;
        let bytes = serde_json::to_vec(&bundle).unwrap();
        match read_bundle(&bytes, date!(2027 - 03 - 01)) {
            Ok(imported) => {
                let _ = build_plan(&imported, Uuid::new_v4(), Uuid::nil(), 1, &msp, (Uuid::nil(), "I"), datetime!(2027-03-02 09:00 UTC));
            }
            Err(errors) => proptest::prop_assert!(!errors.is_empty()),
        }
    }
}

#[test]
fn consent_decisions_go_out_and_come_back_in_order() {
    use crate::consent::{ConsentDecision, Decision, Purpose};
    let (mut plan, msp) = rich_plan();
    for decision in [Decision::Given, Decision::Withdrawn] {
        let consent = ConsentDecision {
            purpose: Purpose::Sharing,
            organisation: "Kirklees Health Visiting".into(),
            decision,
            given_by: "Claire Martin".into(),
            on_behalf_of: Some("Leo Martin".into()),
            on: time::macros::date!(2026 - 11 - 02),
            note: None,
        };
        crate::testkit::step(&mut plan, crate::plan::Change::ConsentRecorded { consent }).unwrap();
    }
    let first = export(&plan, &msp);
    let denies = first["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Consent" && e["resource"]["provision"]["type"] == "deny")
        .count();
    assert_eq!(denies, 1, "the withdrawal is a deny");
    let copy = import(&first, &msp).unwrap();
    assert_eq!(copy.consents.decisions.len(), 2, "given, then withdrawn");
    assert!(copy.consents.sharing_withdrawn("Kirklees Health Visiting"));
    assert_eq!(comparable(&first), comparable(&export(&copy, &msp)));
}
