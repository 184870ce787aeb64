use super::*;

fn builtin(id: &str) -> PlanType {
    Registry::builtin()
        .get(id)
        .unwrap_or_else(|| panic!("no builtin {id}"))
        .clone()
}

fn has_heading(t: &PlanType, heading: &str) -> bool {
    t.sections.iter().any(|s| s.heading == heading)
}

fn labels_of(t: &PlanType, kind: SectionKind) -> &BTreeMap<String, String> {
    &t.sections_of(kind).next().expect("section of kind").labels
}

// ---------------------------------------------------------------- builtins

#[test]
fn all_builtins_load_in_order() {
    let registry = Registry::builtin();
    let ids: Vec<&str> = registry.all().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["YP", "SH", "PB", "PB-BLANK", "MSP", "CP"]);
    for t in registry.all() {
        assert!(registry.is_builtin(&t.id));
        assert_eq!(t.schema_version, SCHEMA_VERSION);
        assert!(!t.sections.is_empty());
        // every type can carry a plan through the app: the person's details
        assert_eq!(t.sections_of(SectionKind::PersonDetails).count(), 1, "{}", t.id);
    }
    assert_eq!(registry.source("MSP"), Some("msp.toml"));
}

#[test]
fn builtins_round_trip_through_json() {
    for t in Registry::builtin().all() {
        let json = serde_json::to_string(t).unwrap();
        let back: PlanType = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, t);
    }
    let json = serde_json::to_value(builtin("MSP")).unwrap();
    assert_eq!(json["sections"][0]["kind"], "person_details");
}

#[test]
fn name_enums_serialise_as_their_names() {
    for kind in SectionKind::ALL {
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::Value::from(kind.as_str())
        );
        assert_eq!(kind.as_str().parse::<SectionKind>().unwrap(), *kind);
        let from_json: SectionKind = serde_json::from_value(serde_json::Value::from(kind.as_str())).unwrap();
        assert_eq!(from_json, *kind);
    }
    for w in WrittenBy::ALL {
        assert_eq!(w.as_str().parse::<WrittenBy>().unwrap(), *w);
    }
    let err = "outcome".parse::<SectionKind>().unwrap_err().to_string();
    assert!(err.starts_with("unknown section kind \"outcome\"; expected one of person_details, text,"));
}

#[test]
fn text_keys_are_unique_snake_case() {
    let mut seen = std::collections::BTreeSet::new();
    for k in TEXT_KEYS {
        assert!(seen.insert(k.key), "duplicate text key {}", k.key);
        assert!(k.key.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        assert!(!k.label.is_empty());
    }
    for kind in SectionKind::ALL {
        let mut seen = std::collections::BTreeSet::new();
        for f in kind.fields() {
            assert!(seen.insert(f.key), "duplicate field {} of {kind}", f.key);
        }
    }
}

#[test]
fn yp_has_the_standard_headings() {
    let t = builtin("YP");
    for heading in [
        "Personal details of the young person",
        "Overview of current situation",
        "Strengths and interests",
        "Needs and concerns",
        "Goals",
        "Actions and timescales",
        "Review dates",
    ] {
        assert!(has_heading(&t, heading), "YP lacks {heading:?}");
    }
    let actions = t.section("actions").unwrap();
    assert_eq!(actions.label("who"), "Who is responsible");
    let agreement = t.sections_of(SectionKind::Agreement).next().unwrap();
    assert!(
        agreement
            .statement
            .as_deref()
            .unwrap()
            .contains("committed to taking the actions agreed")
    );
    assert!(agreement.required);
}

#[test]
fn sh_has_the_weekly_review_and_safety_plan() {
    let t = builtin("SH");
    let r = &t.reviews;
    assert!(r.weekly);
    let weekly: Vec<String> = r.weekly_questions.iter().map(ReviewQuestion::text).collect();
    assert_eq!(
        weekly,
        [
            "Last week – Did we do what we planned?",
            "Emerging issues – What has changed? Are there new risks?",
            "Other support needs – Are we doing the plan? Does the resident want or need our support? Any blockers?",
            "This week – How are we responding? When will we see them? Do we need preparation?",
            "Safety plan – Is it working? Does it need updating?",
        ]
    );
    let formal: Vec<&str> = r.formal_questions.iter().map(|q| q.label.as_str()).collect();
    assert_eq!(
        formal,
        [
            "Are there parts to improve or change?",
            "Do you still need supported accommodation?",
            "Are you happy to review again in 3–4 months?",
        ]
    );
    assert_eq!(r.formal_interval_weeks, 13);
    assert!(r.safety_plan_from_day_one && r.strike_through && r.sign_at_review);
    let safety = t.sections_of(SectionKind::Risks).next().unwrap();
    assert_eq!(safety.heading, "Safety plan");
    assert!(safety.required);
    assert_eq!(safety.label("what_i_do"), "What I do for myself");
    assert!(t.prompt("move_on").is_some());
}

#[test]
fn pb_official_form_has_the_nine_parts() {
    let t = builtin("PB");
    for heading in [
        "What is important to me",
        "What I want to change and/or achieve",
        "What is working and what is not working",
        "How I will be supported or cared for",
        "How I will stay in control",
        "Risk and contingency plans",
        "How my Personal Budget or Personal Health Budget will be used",
        "Putting my plan into action",
    ] {
        assert!(has_heading(&t, heading), "PB lacks {heading:?}");
    }
    assert_eq!(
        t.prompt("decisions").unwrap().1.label,
        "Who will make important decisions"
    );
    assert_eq!(t.sections_of(SectionKind::Budget).count(), 1);
    let blank = builtin("PB-BLANK");
    assert!(blank.sections.len() <= 6);
    assert!(blank.prompt("passions").is_some() && blank.prompt("skills").is_some());
}

#[test]
fn msp_reproduces_the_template() {
    let t = builtin("MSP");
    for heading in [
        "My Support Plan",
        "Introduction to My Support Plan",
        "Section 1: About me",
        "Section 2: My special educational needs",
        "Section 3: My health needs which relate to my special educational needs",
        "Section 4: My social care needs which relate to my special educational needs",
        "Section 5: Outcomes and provision",
        "Section 6: Reviewing My Support Plan",
        "Section 7: Appendices",
        "Social Care/Early Support – checklist for schools and settings",
        "Health – checklist for schools and settings",
    ] {
        assert!(has_heading(&t, heading), "MSP lacks {heading:?}");
    }
    // Section 1 a)–d) in order
    let subs: Vec<&str> = t
        .sections
        .iter()
        .filter(|s| s.heading == "Section 1: About me")
        .filter_map(|s| s.subheading.as_deref())
        .collect();
    let mut distinct = subs.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        [
            "a) my profile",
            "b) my story (background information)",
            "c) my family",
            "d) my parents/carers views",
        ]
    );
    let profile = t.section("profile").unwrap();
    assert_eq!(profile.written_by, [WrittenBy::Me, WrittenBy::MeWithHelp]);
    assert_eq!(profile.label("written_by"), "My profile has been written by:");
    assert_eq!(
        t.prompt("not_working").unwrap().1.label,
        "What are the things that aren’t working so well for me at the moment"
    );
    assert_eq!(
        t.section("enjoy_do_well").unwrap().label("title"),
        "What I enjoy doing and what I do well"
    );
    assert_eq!(t.aspirations_section(Whose::Parent).unwrap().key, "parents_aspirations");
    assert_eq!(t.aspirations_section(Whose::Person).unwrap().key, "my_aspirations");

    // areas of need and where they are offered
    let areas: Vec<&str> = t.areas_of_need.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(
        areas,
        [
            "Cognition and Learning",
            "Communication and Interaction",
            "Social and Emotional",
            "Sensory and/or Physical",
            "Preparing for key transitions and/or preparing for adulthood",
            "Health needs",
            "Social care needs",
        ]
    );
    assert_eq!(t.needs_section_for("health").unwrap().key, "health_needs");
    assert_eq!(t.needs_section_for("social_care").unwrap().key, "social_care_needs");
    assert_eq!(
        t.needs_section_for("cognition_learning").unwrap().key,
        "special_educational_needs"
    );
    let sen = t.section("special_educational_needs").unwrap();
    assert_eq!(t.areas_for(sen).count(), 5);
    assert_eq!(t.area("sensory_physical").unwrap().label, "Sensory and/or Physical");

    // Section 5
    assert_eq!(t.max_outcomes(), Some(7));
    let outcomes = labels_of(&t, SectionKind::Outcomes);
    assert_eq!(outcomes["text"], "By the end of key stage … will be able to …");
    assert_eq!(outcomes["areas"], "The area(s) of my needs this outcome will address");
    let provision = t.section("provision").unwrap();
    assert_eq!(
        provision.label("what"),
        "What needs to happen to help me achieve this outcome?"
    );
    assert_eq!(provision.label("who"), "Who will do it?");
    assert_eq!(provision.label("how_often"), "How often? (frequency and duration)");
    assert_eq!(
        provision.label("resources"),
        "Resources required (including weekly costs)"
    );
    assert_eq!(
        provision.field_hint("how_often"),
        Some("e.g. 3 x per week, 20 minutes per session")
    );

    // Section 6
    let r = &t.reviews;
    assert!(r.numbered_markers && r.strike_through);
    assert_eq!(r.new_plan_after_review, Some(3));
    let questions: Vec<&str> = r.formal_questions.iter().map(|q| q.label.as_str()).collect();
    assert_eq!(
        questions,
        [
            "What is working well with provision and support and needs to continue?",
            "What isn’t working well with provision and support and needs to finish or change?",
            "Should anything new be introduced to match the parent/child’s goals and aspirations?",
        ]
    );
    let reviews = t.section("reviews").unwrap();
    assert_eq!(reviews.label("first_review"), "1st review (R1)");
    assert_eq!(reviews.label("second_review"), "2nd review (R2)");

    // Section 7
    let categories: Vec<&str> = t
        .section("appendices")
        .unwrap()
        .categories
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(
        categories,
        [
            "Family/Young person",
            "Education",
            "Health",
            "Social Care",
            "Careers",
            "Other evidence from other people or agencies",
        ]
    );

    // Other plans in place, and the two checklists
    let intro = t.section("introduction").unwrap();
    assert_eq!(intro.kind, SectionKind::OtherPlans);
    assert_eq!(intro.label("taf"), "Team around the Family (TAF) Plan");
    assert_eq!(intro.label("pep"), "Personal Education Plan (PEP)");
    let health = t.sections_of(SectionKind::HealthChecklist).next().unwrap();
    let professionals: Vec<&str> = [
        "school_nurse",
        "nurse_specialist",
        "speech_and_language_therapist",
        "physiotherapist",
        "occupational_therapist",
        "health_visitor_cdc",
        "paediatrician",
        "camhs_chews",
        "gp",
        "other",
    ]
    .iter()
    .map(|f| health.label(f))
    .collect();
    assert_eq!(
        professionals,
        [
            "School Nurse",
            "Nurse Specialist",
            "Speech and Language Therapist",
            "Physiotherapist",
            "Occupational Therapist",
            "Health visitor/CDC",
            "Paediatrician",
            "CAMHS/CHEWs worker",
            "GP",
            "Other",
        ]
    );
    assert!(
        health
            .label("q1a")
            .starts_with("1a. Does the child/young person have a Health Care Plan?")
    );
    assert!(health.label("q2b").starts_with("2b. "));
    assert!(health.label("summary").starts_with("5. Please summarise any actions"));
    let social = t.sections_of(SectionKind::SocialCareChecklist).next().unwrap();
    assert!(social.label("q1").starts_with("1. When completing Section 1"));
    assert!(social.label("q2").contains("might benefit from some early support?"));
}

#[test]
fn cp_has_the_key_titles_and_lead_professional() {
    let t = builtin("CP");
    let outcomes = t.section("outcomes").unwrap();
    assert_eq!(outcomes.label("text"), "What is the desired outcome for this child?");
    assert_eq!(outcomes.label("measure"), "How will we know?");
    assert_eq!(outcomes.label("by_when"), "By when?");
    assert_eq!(outcomes.label("progress"), "Progress so far");
    assert_eq!(outcomes.heading, "What do we want to happen?");
    let actions = t.section("actions").unwrap();
    assert_eq!(actions.label("what"), "What we are going to do?");
    assert_eq!(actions.label("who"), "Who is helping me?");
    assert_eq!(actions.label("how_often"), "How often will it be done?");
    assert_eq!(actions.heading, "What do we need to do?");
    let partners = t.sections_of(SectionKind::Parties).next().unwrap();
    assert_eq!(partners.label("lead_professional"), "Lead Professional");
    assert_eq!(partners.heading, "Partners to the plan");
    for heading in [
        "Reasons for the plan",
        "Contingency plans",
        "Details of any compulsory measures",
        "Child planning meetings",
        "Arrangements for reviewing the plan",
    ] {
        assert!(has_heading(&t, heading), "CP lacks {heading:?}");
    }
    assert!(t.prompt("views_child").is_some() && t.prompt("views_parents").is_some());
    assert_eq!(t.areas_of_need.len(), 8);
}

#[test]
fn section_label_falls_back_to_the_kind_default() {
    let t = builtin("PB-BLANK");
    let about = t.section("about_me").unwrap();
    assert_eq!(about.label("date_of_birth"), "Date of birth");
    assert_eq!(about.label("no_such_field"), "no_such_field");
}

// ------------------------------------------------------------------- gaps

#[test]
fn gaps_from_blank_sheet_onto_official_form() {
    let blank = builtin("PB-BLANK");
    let official = builtin("PB");
    // A blank-sheet plan with every part of its own form written.
    let written: Vec<(SectionKind, Option<String>)> = blank
        .sections
        .iter()
        .flat_map(|s| {
            if s.kind == SectionKind::Text {
                s.prompts
                    .iter()
                    .map(|p| (s.kind, Some(p.key.clone())))
                    .collect::<Vec<_>>()
            } else {
                vec![(s.kind, None)]
            }
        })
        .collect();
    let has = |kind: SectionKind, key: Option<&str>| written.iter().any(|(k, t)| *k == kind && t.as_deref() == key);
    let gaps = gaps(&official, has);

    let missing_text: Vec<&str> = gaps.iter().filter_map(|g| g.text_key.as_deref()).collect();
    assert_eq!(
        missing_text,
        [
            "working",
            "not_working",
            "staying_in_control",
            "decisions",
            "putting_into_action"
        ]
    );
    let missing_sections: Vec<&str> = gaps
        .iter()
        .filter(|g| g.text_key.is_none())
        .map(|g| g.section_key.as_str())
        .collect();
    assert_eq!(
        missing_sections,
        [
            "change_achieve",
            "support",
            "risk_contingency",
            "budget",
            "circle_of_support",
            "reviews",
            "agreement"
        ]
    );
    // what the blank sheet holds is not a gap
    assert!(!gaps.iter().any(|g| g.text_key.as_deref() == Some("important_to_me")));
    assert!(!gaps.iter().any(|g| g.kind == SectionKind::Aspirations));
    let decisions = gaps
        .iter()
        .find(|g| g.text_key.as_deref() == Some("decisions"))
        .unwrap();
    assert_eq!(decisions.label, "Who will make important decisions");
    assert_eq!(decisions.heading, "How I will stay in control");
    assert!(decisions.required);
    let budget = gaps.iter().find(|g| g.section_key == "budget").unwrap();
    assert_eq!(
        budget.label,
        "How my Personal Budget or Personal Health Budget will be used"
    );

    // nothing written: every prompt and section is a gap
    let all = super::gaps(&official, |_, _| false);
    let prompts = official.prompts().count();
    let others = official.sections.iter().filter(|s| s.kind != SectionKind::Text).count();
    assert_eq!(all.len(), prompts + others);
    // everything written: none
    assert!(super::gaps(&official, |_, _| true).is_empty());
}

#[test]
fn gaps_by_section_tells_same_kind_sections_apart() {
    let msp = builtin("MSP");
    let gaps = gaps_by_section(&msp, |s, _| s.key != "health_needs");
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].section_key, "health_needs");
    assert_eq!(
        gaps[0].label,
        "Section 3: My health needs which relate to my special educational needs"
    );
}

// --------------------------------------------------------------- registry

const MINI: &str = r#"
id = "ORG-1"
name = "Our plan"
short_name = "Plan"
description = "An organisation's own plan."
schema_version = 1

[[areas_of_need]]
key = "housing"
label = "Housing"

[[sections]]
kind = "person_details"
key = "me"
heading = "About me"

[[sections]]
kind = "text"
key = "now"
heading = "Now"
prompts = [
  { key = "important_to_me", label = "What matters to me" },
]

[[sections]]
kind = "needs"
key = "needs"
heading = "Needs"
areas = ["housing"]
"#;

#[test]
fn registry_adds_an_organisations_type_after_the_builtins() {
    let mut registry = Registry::builtin();
    registry.add("org.toml", MINI).unwrap();
    registry.add("aaa.toml", &MINI.replace("ORG-1", "AAA")).unwrap();
    let ids: Vec<&str> = registry.all().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["YP", "SH", "PB", "PB-BLANK", "MSP", "CP", "AAA", "ORG-1"]);
    assert!(!registry.is_builtin("ORG-1"));
    assert_eq!(registry.get("ORG-1").unwrap().name, "Our plan");
    assert_eq!(registry.source("ORG-1"), Some("org.toml"));
    // defaults for an absent [reviews]
    let r = &registry.get("ORG-1").unwrap().reviews;
    assert_eq!(r.formal_interval_weeks, 13);
    assert_eq!(r.progress_ratings.len(), 4);
    assert!(!r.weekly);
}

#[test]
fn registry_replaces_a_builtin_in_place_and_refuses_a_second_copy() {
    let mut registry = Registry::builtin();
    let own_msp = MINI.replace("ORG-1", "MSP").replace("Our plan", "Our MSP");
    registry.add("our-msp.toml", &own_msp).unwrap();
    let ids: Vec<&str> = registry.all().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["YP", "SH", "PB", "PB-BLANK", "MSP", "CP"]);
    assert_eq!(registry.get("MSP").unwrap().name, "Our MSP");
    assert!(!registry.is_builtin("MSP"));

    let err = registry.add("again.toml", &own_msp).unwrap_err();
    assert_eq!(err.kind, PlanTypeErrorKind::DuplicateId);
    assert_eq!(
        err.to_string(),
        "again.toml: id: plan type \"MSP\" was already added from our-msp.toml; give this one another id"
    );
    registry.add("org.toml", MINI).unwrap();
    let err = registry.add("org2.toml", MINI).unwrap_err();
    assert!(err.to_string().contains("already added from org.toml"));
    // a failed add changes nothing
    assert_eq!(registry.source("ORG-1"), Some("org.toml"));
}

// ----------------------------------------------------------------- errors

fn error(text: &str) -> PlanTypeError {
    parse("test.toml", text).expect_err("should not load")
}

/// `MINI` with `from` replaced by `to` (which must occur).
fn mini_with(from: &str, to: &str) -> String {
    assert!(MINI.contains(from), "MINI lacks {from:?}");
    MINI.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle") + 1
}

#[test]
fn mini_loads() {
    let t = parse("test.toml", MINI).unwrap();
    assert_eq!(t.id, "ORG-1");
    assert_eq!(t.sections.len(), 3);
}

#[test]
fn error_syntax() {
    let text = mini_with("heading = \"Now\"", "heading = \"Now");
    let err = error(&text);
    assert_eq!(err.kind, PlanTypeErrorKind::Syntax);
    assert_eq!(err.line, Some(line_of(&text, "heading = \"Now")));
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("test.toml:{}:", err.line.unwrap())),
        "{shown}"
    );
    assert!(shown.contains("not valid TOML"), "{shown}");
}

#[test]
fn error_unknown_section_kind() {
    let text = mini_with("kind = \"needs\"", "kind = \"outcome\"");
    let err = error(&text);
    assert_eq!(err.kind, PlanTypeErrorKind::Schema);
    assert_eq!(err.field.as_deref(), Some("sections[2].kind"));
    let line = line_of(&text, "\"outcome\"");
    assert_eq!((err.line, err.column), (Some(line), Some(8)));
    assert_eq!(
        err.to_string(),
        format!(
            "test.toml:{line}:8: sections[2].kind: unknown section kind \"outcome\"; expected one of {}",
            SectionKind::NAMES.join(", ")
        )
    );
}

#[test]
fn error_unknown_text_key() {
    let text = mini_with("key = \"important_to_me\"", "key = \"importnat\"");
    let err = error(&text);
    assert_eq!(err.kind, PlanTypeErrorKind::Invalid);
    assert_eq!(err.field.as_deref(), Some("sections[1].prompts[0].key"));
    assert_eq!(err.line, Some(line_of(&text, "importnat")));
    assert!(
        err.to_string().contains(
            "sections[1].prompts[0].key: unknown text key \"importnat\"; expected one of current_situation, important_to_me,"
        ),
        "{err}"
    );
}

#[test]
fn error_duplicate_text_key() {
    let text = mini_with(
        "{ key = \"important_to_me\", label = \"What matters to me\" },",
        "{ key = \"important_to_me\", label = \"What matters\" },\n  { key = \"important_to_me\", label = \"Again\" },",
    );
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[1].prompts[1].key"));
    assert!(
        err.to_string().contains("already used by sections[1].prompts[0]"),
        "{err}"
    );
}

#[test]
fn error_duplicate_section_key() {
    let text = mini_with("key = \"needs\"", "key = \"now\"");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[2].key"));
    let second = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("key = \"now\""))
        .nth(1)
        .unwrap()
        .0;
    assert_eq!(err.line, Some(second + 1));
    assert!(
        err.to_string()
            .ends_with("sections[2].key: duplicate section key \"now\"; sections[1] already uses it"),
        "{err}"
    );
}

#[test]
fn error_max_items_zero() {
    let text = mini_with("areas = [\"housing\"]", "areas = [\"housing\"]\nmax_items = 0");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[2].max_items"));
    assert_eq!(err.line, Some(line_of(&text, "max_items")));
    assert!(err.to_string().contains("max_items must be at least 1"), "{err}");

    let text = mini_with("heading = \"Now\"", "heading = \"Now\"\nmax_items = 3");
    let err = error(&text);
    assert!(
        err.to_string()
            .contains("a section of kind text holds no list for max_items to limit"),
        "{err}"
    );
}

#[test]
fn error_unknown_area() {
    let text = mini_with("areas = [\"housing\"]", "areas = [\"housing\", \"money\"]");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[2].areas[1]"));
    assert_eq!(err.line, Some(line_of(&text, "\"money\"")));
    assert!(
        err.to_string()
            .ends_with("unknown area \"money\"; this type's areas_of_need are housing"),
        "{err}"
    );
}

#[test]
fn error_needs_without_areas_of_need() {
    let text = mini_with("[[areas_of_need]]\nkey = \"housing\"\nlabel = \"Housing\"\n", "")
        .replace("areas = [\"housing\"]", "");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[2].kind"));
    assert!(err.to_string().contains("the type has no areas_of_need"), "{err}");
}

#[test]
fn error_missing_top_level_field() {
    let text = mini_with("id = \"ORG-1\"\n", "");
    let err = error(&text);
    assert_eq!(err.kind, PlanTypeErrorKind::Schema);
    assert_eq!(err.field.as_deref(), Some("id"));
    assert_eq!(err.to_string(), "test.toml: id: missing required field `id`");
}

#[test]
fn error_missing_section_field() {
    let text = mini_with("heading = \"Needs\"\n", "");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[2].heading"));
    assert!(
        err.to_string()
            .ends_with("sections[2].heading: missing required field `heading`")
    );
    // located at the section's [[sections]] header
    assert_eq!(err.line, Some(line_of(&text, "key = \"needs\"") - 2));
}

#[test]
fn error_unknown_fields() {
    let text = mini_with("schema_version = 1", "schema_version = 1\ncolour = \"blue\"");
    let err = error(&text);
    assert_eq!(err.kind, PlanTypeErrorKind::Schema);
    assert_eq!(err.field.as_deref(), Some("colour"));
    assert_eq!(err.line, Some(line_of(&text, "colour")));
    assert!(
        err.to_string().contains("unknown field `colour`, expected one of"),
        "{err}"
    );

    let text = mini_with("heading = \"Now\"", "heading = \"Now\"\nheadline = \"x\"");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[1].headline"));

    let text = mini_with("label = \"What matters to me\"", "label = \"x\", hnit = \"y\"");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[1].prompts[0].hnit"));
}

#[test]
fn error_unknown_label_field() {
    let text = mini_with(
        "heading = \"Needs\"",
        "heading = \"Needs\"\nlabels = { wat = \"What\" }",
    );
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[2].labels.wat"));
    assert!(
        err.to_string()
            .contains("unknown field \"wat\" for a section of kind needs; expected one of title, summary, need, area"),
        "{err}"
    );
}

#[test]
fn error_wrong_type() {
    let text = mini_with("schema_version = 1", "schema_version = \"1\"");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("schema_version"));
    assert!(err.to_string().contains("invalid type"), "{err}");
}

#[test]
fn error_schema_version_and_id() {
    let err = error(&mini_with("schema_version = 1", "schema_version = 2"));
    assert_eq!(err.field.as_deref(), Some("schema_version"));
    assert!(err.to_string().contains("unsupported schema version 2"));

    let err = error(&mini_with("id = \"ORG-1\"", "id = \"org one\""));
    assert_eq!(err.field.as_deref(), Some("id"));
    assert_eq!(err.line, Some(2));
    assert!(err.to_string().contains("invalid id \"org one\""));
}

#[test]
fn error_official_form() {
    let err = error(&mini_with(
        "schema_version = 1",
        "schema_version = 1\nofficial_form = \"ORG-1\"",
    ));
    assert_eq!(err.field.as_deref(), Some("official_form"));
    let err = error(&mini_with(
        "schema_version = 1",
        "schema_version = 1\nofficial_form = \"pb\"",
    ));
    assert!(err.to_string().contains("invalid official form \"pb\""), "{err}");
    assert_eq!(builtin("PB-BLANK").official_form.as_deref(), Some("PB"));
    assert_eq!(builtin("PB").official_form, None);
}

#[test]
fn error_kind_specific_lists_in_the_wrong_kind() {
    let err = error(&mini_with(
        "heading = \"Needs\"",
        "heading = \"Needs\"\nprompts = [{ key = \"admire\", label = \"x\" }]",
    ));
    assert_eq!(err.field.as_deref(), Some("sections[2].prompts"));
    assert!(err.to_string().contains("prompts belong to text sections only"));

    let err = error(&mini_with(
        "heading = \"About me\"",
        "heading = \"About me\"\nstatement = \"We agree\"",
    ));
    assert_eq!(err.field.as_deref(), Some("sections[0].statement"));

    let err = error(&mini_with(
        "heading = \"About me\"",
        "heading = \"About me\"\nwritten_by = [\"me\", \"my_aunt\"]",
    ));
    // toml locates errors inside an array at the array
    assert_eq!(err.field.as_deref(), Some("sections[0].written_by"));
    assert!(
        err.to_string().contains("unknown written-by option \"my_aunt\""),
        "{err}"
    );
}

#[test]
fn error_second_section_of_a_single_kind() {
    let text = format!("{MINI}\n[[sections]]\nkind = \"person_details\"\nkey = \"me2\"\nheading = \"Me\"\n");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("sections[3].kind"));
    assert!(
        err.to_string()
            .contains("a plan type may have only one section of kind person_details; sections[0] is one already")
    );
}

#[test]
fn error_weekly_review_without_questions() {
    let text = format!("{MINI}\n[reviews]\nweekly = true\n");
    let err = error(&text);
    assert_eq!(err.field.as_deref(), Some("reviews.weekly_questions"));
    assert_eq!(err.line, Some(line_of(&text, "[reviews]")));

    let text = format!("{MINI}\n[reviews]\nsafety_plan_from_day_one = true\n");
    let err = error(&text);
    assert!(err.to_string().contains("needs a section of kind risks"), "{err}");
}

#[test]
fn error_hint_too_long() {
    let long = "word ".repeat(200);
    let err = error(&mini_with(
        "heading = \"Needs\"",
        &format!("heading = \"Needs\"\nhint = \"{long}\""),
    ));
    assert_eq!(err.field.as_deref(), Some("sections[2].hint"));
    assert!(err.to_string().contains("keep hints under 600"), "{err}");
}

#[test]
fn openapi_schema_names_the_parts() {
    let schema = serde_json::to_value(<PlanType as utoipa::PartialSchema>::schema()).unwrap();
    assert_eq!(schema["properties"]["sections"]["type"], "array");
    let mut parts = Vec::new();
    <PlanType as utoipa::ToSchema>::schemas(&mut parts);
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    for name in ["Section", "SectionKind", "AreaOfNeed", "ReviewRules", "Prompt"] {
        assert!(names.contains(&name), "{names:?}");
    }
}

/// The JSON (and OpenAPI) spelling of every name is its `as_str` name.
#[test]
fn names_serialize_as_their_snake_case_names() {
    fn check<T: serde::Serialize + Copy>(all: &[T], name: impl Fn(T) -> &'static str) {
        for value in all {
            assert_eq!(serde_json::to_string(value).unwrap(), format!("\"{}\"", name(*value)));
        }
    }
    check(SectionKind::ALL, SectionKind::as_str);
    check(WrittenBy::ALL, WrittenBy::as_str);
    check(Whose::ALL, Whose::as_str);
    use crate::content::{BudgetPeriod, Funding, HealthProfessional, ItemKind, OtherPlanKind, Per, RiskSource};
    use crate::plan::{PartyRole, PlanStatus};
    check(Per::ALL, Per::as_str);
    check(Funding::ALL, Funding::as_str);
    check(RiskSource::ALL, RiskSource::as_str);
    check(BudgetPeriod::ALL, BudgetPeriod::as_str);
    check(OtherPlanKind::ALL, OtherPlanKind::as_str);
    check(HealthProfessional::ALL, HealthProfessional::as_str);
    check(ItemKind::ALL, ItemKind::as_str);
    check(PlanStatus::ALL, PlanStatus::as_str);
    check(PartyRole::ALL, PartyRole::as_str);
    // An unknown name is refused listing the accepted ones.
    let error = serde_json::from_str::<PlanStatus>("\"finished\"")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("unknown plan status \"finished\"; expected one of draft, agreed"),
        "{error}"
    );
}

#[test]
fn default_titles_read_as_sentences() {
    assert_eq!(builtin("YP").default_title("Daniel"), "Daniel's support plan");
    assert_eq!(builtin("SH").default_title("Daniel"), "Daniel's support plan");
    assert_eq!(builtin("PB-BLANK").default_title("Daniel"), "Daniel's plan");
    // A proper name keeps its capitals.
    assert_eq!(builtin("MSP").default_title("Leo"), "Leo's My Support Plan");
}

#[test]
fn only_types_that_name_setting_groups_group_strengths_by_setting() {
    let strengths = |id: &str| {
        builtin(id)
            .sections
            .iter()
            .find(|s| s.kind == SectionKind::Strengths)
            .cloned()
            .unwrap()
    };
    assert!(strengths("MSP").groups_strengths_by_setting());
    assert!(!strengths("SH").groups_strengths_by_setting());
    assert!(!strengths("YP").groups_strengths_by_setting());
}

#[test]
fn retention_rules_load_and_are_checked() {
    // Every shipped type says how long its closed plans are kept.
    for t in Registry::builtin().all() {
        let rule = t
            .retention
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no [retention]", t.id));
        assert!(rule.validate().is_ok(), "{}", t.id);
    }
    let with = |table: &str| format!("{MINI}\n[retention]\n{table}\n");
    let t = parse(
        "test.toml",
        &with("after_closure = \"18 months\"\nuntil_age = 75\nbasis = \"Looked-after children's records.\""),
    )
    .unwrap();
    let rule = t.retention.unwrap();
    assert_eq!(
        rule.describe(),
        "18 months after closure, and at least until the 75th birthday"
    );

    let err = error(&with("after_closure = \"6 yrs\"\nbasis = \"x\""));
    assert_eq!(err.field.as_deref(), Some("retention.after_closure"), "{err}");
    assert!(err.to_string().contains("\"6 yrs\" is not a period"), "{err}");

    let err = error(&with("basis = \"x\""));
    assert_eq!(err.field.as_deref(), Some("retention"), "{err}");
    assert!(err.to_string().contains("give after_closure"), "{err}");

    let err = error(&with("until_age = 0\nbasis = \"x\""));
    assert_eq!(err.field.as_deref(), Some("retention.until_age"), "{err}");
}
