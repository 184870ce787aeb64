//! Checks of the demo plans as data, without a database: every part of each
//! form is filled, the golden thread is unbroken and the goals read as
//! SMART. (The integration test `cli::demo_plans_are_complete` checks the
//! loaded plans through the API.)

use std::collections::BTreeSet;

use goldthread_domain::checks::smart;
use goldthread_domain::plan_type::{Registry, SectionKind};

use super::{Content, DemoPlan, plans};

fn has(content: &Content, kind: SectionKind) -> bool {
    match kind {
        SectionKind::Strengths => !content.strengths.is_empty(),
        SectionKind::Needs => !content.needs.is_empty(),
        SectionKind::Aspirations => !content.aspirations.is_empty(),
        SectionKind::Outcomes => !content.outcomes.is_empty(),
        SectionKind::Provision => !content.provision.is_empty(),
        SectionKind::Risks => !content.risks.is_empty(),
        SectionKind::Budget => content.budget.is_some() && !content.budget_items.is_empty(),
        SectionKind::OtherPlans => !content.other_plans.is_empty(),
        SectionKind::SocialCareChecklist => content.social_care_checklist.is_some(),
        SectionKind::HealthChecklist => content.health_checklist.is_some(),
        SectionKind::Appendices => !content.appendices.is_empty(),
        SectionKind::CompulsoryMeasures => content.compulsory_measures.is_some(),
        SectionKind::Text
        | SectionKind::PersonDetails
        | SectionKind::Parties
        | SectionKind::Meetings
        | SectionKind::Reviews
        | SectionKind::Agreement => true,
    }
}

fn problems(plan: &DemoPlan) -> Vec<String> {
    let types = Registry::builtin();
    let plan_type = types.get(plan.plan_type).expect("a shipped plan type");
    let c = &plan.content;
    let mut out = Vec::new();

    // Every section of the form has something in it.
    let written: BTreeSet<&str> = c.texts.iter().flat_map(|t| t.texts.iter().map(|(k, _)| *k)).collect();
    for section in &plan_type.sections {
        if !has(c, section.kind) {
            out.push(format!("section {} ({}) is empty", section.key, section.kind));
        }
        for prompt in &section.prompts {
            if !written.contains(prompt.key.as_str()) {
                out.push(format!("text {} of section {} is empty", prompt.key, section.key));
            }
        }
        if section.kind == SectionKind::Needs && !c.needs.iter().any(|n| section.offers_area(n.area)) {
            out.push(format!("needs section {} is empty", section.key));
        }
        if section.kind == SectionKind::Aspirations {
            for term in [super::Term::Short, super::Term::Long] {
                if !c
                    .aspirations
                    .iter()
                    .any(|a| a.whose == section.whose() && a.term == term)
                {
                    out.push(format!("aspirations section {} lacks a {term:?} term one", section.key));
                }
            }
        }
    }

    // Needs, aspirations and outcomes are referred to by keys of their own.
    let keys: Vec<&str> = (c.needs.iter().map(|n| n.key))
        .chain(c.aspirations.iter().map(|a| a.key))
        .chain(c.outcomes.iter().map(|o| o.key))
        .collect();
    if keys.iter().collect::<BTreeSet<_>>().len() != keys.len() {
        out.push(format!("a key is used twice: {keys:?}"));
    }

    // The golden thread: needs → outcomes → aspirations, and provision.
    for n in &c.needs {
        if !c.outcomes.iter().any(|o| o.needs.contains(&n.key)) {
            out.push(format!("need {} is addressed by no outcome", n.key));
        }
    }
    let has_aspirations = plan_type.sections_of(SectionKind::Aspirations).next().is_some();
    for o in &c.outcomes {
        if has_aspirations && o.aspirations.is_empty() {
            out.push(format!("outcome {} serves no aspiration", o.key));
        }
        if !c.provision.iter().any(|p| p.outcomes.contains(&o.key)) {
            out.push(format!("outcome {} has no provision", o.key));
        }
        if o.areas.is_empty() || (o.by_when.is_none() && o.stage.is_none()) || o.steps.is_empty() {
            out.push(format!("outcome {} lacks areas, a date or steps", o.key));
        }
        if o.by_when.is_some_and(|d| d <= plan.start) {
            out.push(format!("outcome {} is due before the plan starts", o.key));
        }
        let mut texts = vec![o.text];
        for s in &o.steps {
            texts.push(s.text);
            if s.targets.is_empty() || s.targets.len() > 2 {
                out.push(format!("a step of outcome {} has {} targets", o.key, s.targets.len()));
            }
            for (text, by) in &s.targets {
                texts.push(text);
                if *by <= plan.start || o.by_when.is_some_and(|d| *by > d) {
                    out.push(format!("target \"{text}\" is dated {by}, outside its outcome's time"));
                }
            }
        }
        for text in texts {
            let report = smart::check(text);
            if !report.smart {
                out.push(format!("not SMART: \"{text}\": {}", report.missing.join(" ")));
            }
        }
    }
    for p in &c.provision {
        if p.from < plan.start || p.until < p.from || p.outcomes.is_empty() {
            out.push(format!("provision \"{}\" has odd dates or no outcome", p.what));
        }
    }
    out
}

#[test]
fn every_demo_plan_is_complete_and_smart() {
    let all = plans();
    let types: BTreeSet<&str> = all.iter().map(|p| p.plan_type).collect();
    assert_eq!(types, BTreeSet::from(["CP", "MSP", "PB", "SH", "YP"]));
    let problems: Vec<String> = all
        .iter()
        .flat_map(|p| problems(p).into_iter().map(move |e| format!("{}: {e}", p.title)))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn leo_has_the_provision_of_his_persona() {
    let leo = plans().into_iter().find(|p| p.plan_type == "MSP").unwrap();
    assert!(leo.content.outcomes.len() >= 3);
    assert!(leo.content.provision.len() >= 6);
    let sensory = leo
        .content
        .provision
        .iter()
        .find(|p| p.what.starts_with("Sensory circuit"))
        .unwrap();
    assert_eq!((sensory.times, sensory.per, sensory.minutes), (3, super::Per::Week, 20));
    assert!(
        leo.content
            .provision
            .iter()
            .any(|p| p.who == "Dr Tom Price" && p.per == super::Per::Fortnight)
    );
}
