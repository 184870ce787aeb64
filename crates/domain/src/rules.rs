//! The rules a change to a plan's content must keep. Each broken rule names
//! the field, in words the writer can act on; a refused change leaves the
//! plan as it was.

use time::Date;
use uuid::Uuid;

use crate::content::{
    Authorship, Budget, CompulsoryMeasures, HealthChecklist, Item, ItemKind, OtherPlan, Per, PlanContent, Provision,
    SocialCareChecklist,
};
use crate::error::{CONTROL_CHARACTERS, FieldErrors, has_control_characters};
use crate::money::{self, MAX_PENCE};
use crate::plan::{Party, PartyRole, Plan, PlanDetails};
use crate::plan_type::{PlanType, SectionKind};

/// Longest free text accepted in one field.
pub const MAX_TEXT: usize = 10_000;
/// Longest one-line value (a title, a name, a contact).
pub const MAX_LINE: usize = 200;
/// Most weeks between formal reviews.
pub const MAX_REVIEW_INTERVAL_WEEKS: u32 = 104;
/// No plan is realistic with more provision lines than this; it also bounds
/// the work of the checks.
pub const MAX_ITEMS: usize = 500;

fn text(errors: &mut FieldErrors, field: &str, value: &str, what: &str) {
    if value.trim().is_empty() {
        errors.add(field, format!("Enter {what}"));
    } else if has_control_characters(value) {
        errors.add(field, CONTROL_CHARACTERS);
    } else if value.chars().count() > MAX_TEXT {
        errors.add(field, format!("Must be {MAX_TEXT} characters or fewer"));
    }
}

fn optional(errors: &mut FieldErrors, field: &str, value: &Option<String>) {
    if value.as_deref().is_some_and(has_control_characters) {
        errors.add(field, CONTROL_CHARACTERS);
    } else if value.as_ref().is_some_and(|v| v.chars().count() > MAX_TEXT) {
        errors.add(field, format!("Must be {MAX_TEXT} characters or fewer"));
    }
}

/// A one-line value that must be given.
fn line(errors: &mut FieldErrors, field: &str, value: &str, missing: &str) {
    if value.trim().is_empty() {
        errors.add(field, missing);
    } else {
        optional_line(errors, field, &Some(value.to_owned()));
    }
}

/// A one-line value that may be left out.
fn optional_line(errors: &mut FieldErrors, field: &str, value: &Option<String>) {
    if value.as_deref().is_some_and(has_control_characters) {
        errors.add(field, CONTROL_CHARACTERS);
    } else if value.as_ref().is_some_and(|v| v.chars().count() > MAX_LINE) {
        errors.add(field, format!("Must be {MAX_LINE} characters or fewer"));
    }
}

/// An amount of money that cannot be negative or absurd.
fn amount(errors: &mut FieldErrors, field: &str, pence: i64, what: &str) {
    if pence < 0 {
        errors.add(field, format!("{what} cannot be negative"));
    } else if pence > MAX_PENCE {
        errors.add(field, format!("{what} must be {} or less", money::format(MAX_PENCE)));
    }
}

/// The plan's own details (title, review interval), whether typed into a
/// form or sent in a change.
pub fn check_details(details: &PlanDetails) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    line(&mut errors, "title", &details.title, "Enter the plan's title");
    if let Some(weeks) = details.review_interval_weeks
        && !(1..=MAX_REVIEW_INTERVAL_WEEKS).contains(&weeks)
    {
        errors.add(
            "review_interval_weeks",
            format!("Review interval must be between 1 and {MAX_REVIEW_INTERVAL_WEEKS} weeks"),
        );
    }
    errors.into_result(())
}

/// A party's own fields.
pub fn check_party(party: &Party) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    line(&mut errors, "name", &party.name, "Enter the party's name");
    optional_line(&mut errors, "agency", &party.agency);
    optional_line(&mut errors, "relationship", &party.relationship);
    optional_line(&mut errors, "contact", &party.contact);
    errors.into_result(())
}

/// A role the plan type's form offers (CP's Named Person is CP's alone).
pub fn check_party_role(role: PartyRole, plan_type: Option<&PlanType>) -> Result<(), FieldErrors> {
    let offered = PartyRole::offered_by(plan_type);
    if offered.contains(&role) {
        return Ok(());
    }
    let names: Vec<&str> = offered.iter().map(|r| r.as_str()).collect();
    Err(FieldErrors::single(
        "role",
        format!(
            "{} is not a role on {}; choose one of: {}",
            role.label(),
            plan_type.map_or("this form", |t| t.short_name.as_str()),
            names.join(", ")
        ),
    ))
}

/// The section a set of texts is written for, and who wrote them.
pub fn check_text_section(
    section: &str,
    authorship: Option<&Authorship>,
    plan_type: Option<&PlanType>,
) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if section.trim().is_empty() {
        errors.add("section", "Name the section the texts belong to");
    } else if has_control_characters(section) {
        errors.add("section", CONTROL_CHARACTERS);
    } else if let Some(plan_type) = plan_type
        && !plan_type.sections.iter().any(|s| s.key == section)
    {
        errors.add(
            "section",
            format!("{} has no section \"{section}\"", plan_type.short_name),
        );
    }
    if let Some(authorship) = authorship {
        optional_line(&mut errors, "helped_by", &authorship.helped_by);
    }
    errors.into_result(())
}

fn not_before_start(errors: &mut FieldErrors, field: &str, date: Option<Date>, plan: &Plan, what: &str) {
    if let (Some(date), Some(start)) = (date, plan.details.start_date)
        && date < start
    {
        errors.add(
            field,
            format!(
                "{what} must be on or after the plan's start date, {}",
                crate::plan::format_date(start)
            ),
        );
    }
}

fn areas_known(errors: &mut FieldErrors, field: &str, areas: &[String], plan_type: Option<&PlanType>) {
    for area in areas {
        if area.trim().is_empty() {
            errors.add(field, "Choose an area of need");
        } else if let Some(plan_type) = plan_type
            && plan_type.area(area).is_none()
        {
            let known: Vec<&str> = plan_type.areas_of_need.iter().map(|a| a.key.as_str()).collect();
            errors.add(
                field,
                format!("Unknown area of need \"{area}\"; this plan uses: {}", known.join(", ")),
            );
        }
    }
}

fn ids_exist(errors: &mut FieldErrors, field: &str, ids: &[Uuid], exists: impl Fn(Uuid) -> bool, what: &str) {
    if ids.iter().any(|id| !exists(*id)) {
        errors.add(field, format!("Choose {what} from this plan"));
    }
}

/// Checks an item being added (`new`) or edited.
pub fn check_item(plan: &Plan, plan_type: Option<&PlanType>, item: &Item, new: bool) -> Result<(), FieldErrors> {
    let content = &plan.content;
    let mut errors = FieldErrors::new();
    let kind = item.kind();
    let exists = content.item(kind, item.id()).is_some();
    if new && exists {
        errors.add("id", format!("This plan already has a {} with this id", kind.noun()));
    }
    if !new && !exists {
        errors.add("id", format!("There is no such {} in this plan", kind.noun()));
    }
    if new && count(content, kind) >= MAX_ITEMS {
        errors.add("kind", format!("A plan can hold at most {MAX_ITEMS} of these"));
    }
    match item {
        Item::Strength(s) => text(&mut errors, "text", &s.text, "the strength or interest"),
        Item::Need(n) => {
            text(&mut errors, "text", &n.text, "the need");
            areas_known(&mut errors, "area", std::slice::from_ref(&n.area), plan_type);
        }
        Item::Aspiration(a) => text(&mut errors, "text", &a.text, "the aspiration"),
        Item::Outcome(o) => {
            if new
                && let Some(max) = plan_type.and_then(PlanType::max_outcomes)
                && content.outcomes.len() >= max as usize
            {
                errors.add(
                    "text",
                    format!(
                        "{} has room for up to {max} outcomes; this plan has {} already",
                        plan_type.map_or("This plan", |t| t.short_name.as_str()),
                        content.outcomes.len()
                    ),
                );
            }
            text(&mut errors, "text", &o.text, "what the person will be able to do");
            not_before_start(&mut errors, "by_when", o.by_when, plan, "The outcome's date");
            optional(&mut errors, "stage", &o.stage);
            optional(&mut errors, "measure", &o.measure);
            areas_known(&mut errors, "areas", &o.areas, plan_type);
            ids_exist(
                &mut errors,
                "need_ids",
                &o.need_ids,
                |id| content.needs.iter().any(|n| n.id == id),
                "needs",
            );
            ids_exist(
                &mut errors,
                "aspiration_ids",
                &o.aspiration_ids,
                |id| content.aspirations.iter().any(|a| a.id == id),
                "aspirations",
            );
            if new {
                for step in &o.steps {
                    text(&mut errors, "steps", &step.text, "each step");
                    for target in &step.targets {
                        text(&mut errors, "targets", &target.text, "each target");
                        not_before_start(&mut errors, "targets", target.by_when, plan, "A target's date");
                    }
                }
            }
        }
        Item::Step { outcome_id, step } => {
            match content.step(step.id) {
                Some((owner, _)) if owner.id != *outcome_id => errors.add(
                    "outcome_id",
                    "A step cannot move to another outcome; add a new step there",
                ),
                _ => {}
            }
            if content.outcome(*outcome_id).is_none() {
                errors.add("outcome_id", "There is no such outcome in this plan");
            }
            text(&mut errors, "text", &step.text, "the step");
            if new {
                for target in &step.targets {
                    text(&mut errors, "targets", &target.text, "each target");
                    not_before_start(&mut errors, "targets", target.by_when, plan, "A target's date");
                }
            }
        }
        Item::Target { step_id, target } => {
            match content.target(target.id) {
                Some((_, owner, _)) if owner.id != *step_id => errors.add(
                    "step_id",
                    "A target cannot move to another step; add a new target there",
                ),
                _ => {}
            }
            match content.step(*step_id) {
                None => errors.add("step_id", "There is no such step in this plan"),
                Some((outcome, _)) => {
                    if let (Some(by), Some(outcome_by)) = (target.by_when, outcome.by_when)
                        && by > outcome_by
                    {
                        errors.add(
                            "by_when",
                            format!(
                                "A target's date must be on or before its outcome's date, {}",
                                crate::plan::format_date(outcome_by)
                            ),
                        );
                    }
                }
            }
            text(&mut errors, "text", &target.text, "the target");
            not_before_start(&mut errors, "by_when", target.by_when, plan, "The target's date");
        }
        Item::Provision(p) => check_provision(&mut errors, plan, p),
        Item::Risk(r) => {
            text(&mut errors, "risk", &r.risk, "the risk");
            for (field, value) in [
                ("triggers", &r.triggers),
                ("what_staff_do", &r.what_staff_do),
                ("what_i_do", &r.what_i_do),
                ("contingency", &r.contingency),
            ] {
                optional(&mut errors, field, value);
            }
        }
        Item::Appendix(a) => {
            text(&mut errors, "reference", &a.reference, "the document's reference");
            if let Some(plan_type) = plan_type {
                let categories: Vec<&str> = plan_type
                    .sections_of(SectionKind::Appendices)
                    .flat_map(|s| s.categories.iter().map(|c| c.key.as_str()))
                    .collect();
                if !categories.is_empty() && !categories.contains(&a.category.as_str()) {
                    errors.add("category", format!("Choose a category: {}", categories.join(", ")));
                }
            }
            if a.category.trim().is_empty() {
                errors.add("category", "Choose a category");
            }
        }
        Item::BudgetItem(b) => {
            text(&mut errors, "what", &b.what, "what the money is for");
            amount(&mut errors, "cost_pence", b.cost_pence, "The cost");
        }
        Item::Decision(d) => {
            text(&mut errors, "decision", &d.decision, "the decision");
            text(&mut errors, "who", &d.who, "who makes it");
        }
    }
    errors.into_result(())
}

fn count(content: &PlanContent, kind: ItemKind) -> usize {
    match kind {
        ItemKind::Strength => content.strengths.len(),
        ItemKind::Need => content.needs.len(),
        ItemKind::Aspiration => content.aspirations.len(),
        ItemKind::Outcome => content.outcomes.len(),
        ItemKind::Step => content.outcomes.iter().map(|o| o.steps.len()).sum(),
        ItemKind::Target => content
            .outcomes
            .iter()
            .flat_map(|o| &o.steps)
            .map(|s| s.targets.len())
            .sum(),
        ItemKind::Provision => content.provision.len(),
        ItemKind::Risk => content.risks.len(),
        ItemKind::Appendix => content.appendices.len(),
        ItemKind::BudgetItem => content.budget_items.len(),
        ItemKind::Decision => content.decisions.len(),
    }
}

fn check_provision(errors: &mut FieldErrors, plan: &Plan, p: &Provision) {
    text(errors, "what", &p.what, "what needs to happen");
    if let Some(party_id) = p.party_id
        && plan.party(party_id).is_none()
    {
        errors.add(
            "party_id",
            "Who will do it must be one of the people involved in this plan; add them first",
        );
    }
    if let Some(f) = p.frequency
        && !(1..=100).contains(&f.times)
    {
        errors.add("frequency", "How often must be between 1 and 100 times");
    }
    if let Some(minutes) = p.duration_minutes
        && !(1..=24 * 60).contains(&minutes)
    {
        errors.add(
            "duration_minutes",
            "Each session must last between 1 minute and 24 hours",
        );
    }
    if errors.get("frequency").is_none()
        && errors.get("duration_minutes").is_none()
        && let Some(message) = impossible_time(p)
    {
        errors.add("frequency", message);
    }
    if let (Some(from), Some(until)) = (p.from, p.until)
        && until < from
    {
        errors.add("until", "Until must be on or after from");
    }
    if let Some(cost) = p.weekly_cost_pence {
        amount(errors, "weekly_cost_pence", cost, "The weekly cost");
    }
    optional(errors, "resources", &p.resources);
    ids_exist(
        errors,
        "outcome_ids",
        &p.outcome_ids,
        |id| plan.content.outcome(id).is_some(),
        "outcomes",
    );
}

/// Sessions that cannot happen: more than 24 hours of them in a day, or
/// more hours in a period than it has (168 a week). What is possible but a
/// lot is the realism check's soft warning, not a rule.
pub fn impossible_time(p: &Provision) -> Option<String> {
    let frequency = p.frequency?;
    let minutes = u64::from(frequency.times) * u64::from(p.duration_minutes?);
    let (hours_in_period, period) = match frequency.per {
        Per::Day | Per::SchoolDay => (24, "day"),
        Per::Week => (168, "week"),
        Per::Fortnight => (336, "fortnight"),
        // The longest month, term (13 weeks) and year.
        Per::Month => (31 * 24, "month"),
        Per::Term => (13 * 168, "term"),
        Per::Year => (366 * 24, "year"),
    };
    (minutes > hours_in_period * 60).then(|| {
        format!(
            "{} × {} minutes is {} a {period}, more than the {hours_in_period} hours a {period} has: \
             check how often and how long each session is",
            frequency.times,
            p.duration_minutes.unwrap_or(0),
            crate::checks::realism::hours(minutes as f64 / 60.0),
        )
    })
}

/// Checks removing an item: it must exist, and nothing may still rely on it.
pub fn check_removal(plan: &Plan, kind: ItemKind, id: Uuid) -> Result<(), FieldErrors> {
    let content = &plan.content;
    if content.item(kind, id).is_none() {
        return Err(FieldErrors::single(
            "id",
            format!("There is no such {} in this plan", kind.noun()),
        ));
    }
    let used_by = match kind {
        ItemKind::Outcome => content.provision.iter().filter(|p| p.outcome_ids.contains(&id)).count(),
        ItemKind::Need => content.outcomes.iter().filter(|o| o.need_ids.contains(&id)).count(),
        ItemKind::Aspiration => content
            .outcomes
            .iter()
            .filter(|o| o.aspiration_ids.contains(&id))
            .count(),
        _ => 0,
    };
    if used_by > 0 {
        let what = if kind == ItemKind::Outcome {
            "provision line"
        } else {
            "outcome"
        };
        return Err(FieldErrors::single(
            "id",
            format!(
                "This {} is linked to {used_by} {what}{}; unlink {} first",
                kind.noun(),
                if used_by == 1 { "" } else { "s" },
                if used_by == 1 { "it" } else { "them" }
            ),
        ));
    }
    Ok(())
}

/// A party named on provision cannot be removed.
pub fn check_party_removal(plan: &Plan, party_id: Uuid) -> Result<(), FieldErrors> {
    let lines = plan
        .content
        .provision
        .iter()
        .filter(|p| p.party_id == Some(party_id))
        .count();
    if lines > 0 {
        return Err(FieldErrors::single(
            "party_id",
            format!(
                "They are named on {lines} provision line{} as who will do it; change {} first",
                if lines == 1 { "" } else { "s" },
                if lines == 1 { "it" } else { "those" }
            ),
        ));
    }
    Ok(())
}

pub fn check_texts(texts: &std::collections::BTreeMap<String, String>) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for (key, value) in texts {
        if crate::plan_type::text_key(key).is_none() {
            errors.add(key, format!("Unknown text \"{key}\""));
        } else if has_control_characters(value) {
            errors.add(key, CONTROL_CHARACTERS);
        } else if value.chars().count() > MAX_TEXT {
            errors.add(key, format!("Must be {MAX_TEXT} characters or fewer"));
        }
    }
    errors.into_result(())
}

pub fn check_budget(budget: &Budget) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    amount(&mut errors, "amount_pence", budget.amount_pence, "The budget");
    optional(&mut errors, "management", &budget.management);
    optional(&mut errors, "in_control", &budget.in_control);
    errors.into_result(())
}

pub fn check_other_plans(plans: &[OtherPlan]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut seen = std::collections::BTreeSet::new();
    for plan in plans {
        if !seen.insert(plan.kind) {
            errors.add(plan.kind.as_str(), "Listed twice");
        }
        if let Some(consent) = &plan.consent {
            line(&mut errors, "consent_by", &consent.given_by, "Say who gave consent");
        }
        optional(&mut errors, "notes", &plan.notes);
    }
    errors.into_result(())
}

pub fn check_health_checklist(checklist: &HealthChecklist) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    optional(&mut errors, "other", &checklist.other);
    optional(&mut errors, "actions_summary", &checklist.actions_summary);
    optional_line(&mut errors, "signed", &checklist.signed);
    errors.into_result(())
}

pub fn check_social_care_checklist(checklist: &SocialCareChecklist) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    optional(&mut errors, "notes", &checklist.notes);
    errors.into_result(())
}

pub fn check_compulsory_measures(measures: &CompulsoryMeasures) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if measures.in_place && measures.measure.as_deref().is_none_or(|m| m.trim().is_empty()) {
        errors.add("measure", "Say which compulsory measure is in place");
    }
    if let (Some(date), Some(review)) = (measures.date, measures.review_date)
        && review < date
    {
        errors.add(
            "review_date",
            "The review date must be on or after the date it was made",
        );
    }
    optional(&mut errors, "measure", &measures.measure);
    optional_line(&mut errors, "made_by", &measures.made_by);
    optional(&mut errors, "details", &measures.details);
    errors.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_plans::{Builder, freq};
    use crate::plan::{Change, PlanStatus};
    use crate::plan_type::Registry;
    use uuid::Uuid;

    fn party(name: &str, role: PartyRole) -> Party {
        Party {
            id: Uuid::new_v4(),
            name: name.into(),
            role,
            agency: None,
            relationship: None,
            contact: None,
            user_id: None,
        }
    }

    fn refused(plan: &Plan, change: Change, plan_type: Option<&PlanType>) -> crate::error::FieldErrors {
        plan.check(&change, None, plan_type).expect_err("the change is refused")
    }

    #[test]
    fn details_edited_keeps_the_details_rules() {
        let plan = Builder::new().plan();
        let details = |title: &str, weeks: Option<u32>| Change::DetailsEdited {
            details: PlanDetails {
                title: title.into(),
                start_date: None,
                review_interval_weeks: weeks,
            },
        };
        assert!(refused(&plan, details("  ", None), None).get("title").is_some());
        assert!(
            refused(&plan, details(&"x".repeat(100_000), None), None)
                .get("title")
                .is_some()
        );
        assert_eq!(
            refused(&plan, details("Leo\u{7}", None), None).get("title"),
            Some(CONTROL_CHARACTERS)
        );
        for weeks in [0, 105] {
            assert!(
                refused(&plan, details("Leo's plan", Some(weeks)), None)
                    .get("review_interval_weeks")
                    .is_some()
            );
        }
        assert!(plan.check(&details("Leo's plan", Some(104)), None, None).is_ok());
    }

    #[test]
    fn parties_keep_the_party_rules_behind_every_door() {
        let plan = Builder::new().plan();
        for (field, broken) in [
            (
                "name",
                Party {
                    name: " ".into(),
                    ..party("x", PartyRole::Teacher)
                },
            ),
            (
                "name",
                Party {
                    name: "n".repeat(201),
                    ..party("x", PartyRole::Teacher)
                },
            ),
            (
                "agency",
                Party {
                    agency: Some("a".repeat(201)),
                    ..party("Mrs Jones", PartyRole::Teacher)
                },
            ),
            (
                "relationship",
                Party {
                    relationship: Some("Mum\u{0}".into()),
                    ..party("Claire", PartyRole::ParentCarer)
                },
            ),
            (
                "contact",
                Party {
                    contact: Some("c".repeat(201)),
                    ..party("Claire", PartyRole::ParentCarer)
                },
            ),
        ] {
            let errors = refused(&plan, Change::PartyAdded { party: broken.clone() }, None);
            assert!(errors.get(field).is_some(), "{field}: {errors}");
            // The form's parser refuses the same, naming the same field.
            let input = crate::plan::PartyInput {
                name: Some(broken.name.clone()),
                role: Some(broken.role.as_str().into()),
                agency: broken.agency.clone(),
                relationship: broken.relationship.clone(),
                contact: broken.contact.clone(),
                user_id: None,
                lead: false,
            };
            assert!(input.parse(broken.id).unwrap_err().get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn party_roles_come_from_the_plan_type() {
        let registry = Registry::builtin();
        let (cp, msp, sh) = (registry.get("CP"), registry.get("MSP"), registry.get("SH"));
        assert!(PartyRole::offered_by(cp).contains(&PartyRole::NamedPerson));
        assert!(!PartyRole::offered_by(msp).contains(&PartyRole::NamedPerson));
        assert!(PartyRole::offered_by(msp).contains(&PartyRole::TeachingAssistant));
        assert!(PartyRole::offered_by(msp).contains(&PartyRole::FamilySupportWorker));
        assert_eq!(PartyRole::offered_by(sh).last(), Some(&PartyRole::Other));
        let plan = Builder::new().plan();
        let named = Change::PartyAdded {
            party: party("Health visitor", PartyRole::NamedPerson),
        };
        assert!(
            refused(&plan, named.clone(), msp)
                .get("role")
                .unwrap()
                .contains("Named Person")
        );
        assert!(plan.check(&named, None, cp).is_ok());
    }

    #[test]
    fn sessions_that_cannot_happen_are_refused() {
        let mut b = Builder::new();
        let line = b.provision("1:1 support", None, Some(freq(100, Per::Day)), &[]);
        b.set(line, |p| p.duration_minutes = Some(600));
        let plan = b.plan();
        let mut p = plan.content.provision[0].clone();
        let errors = refused(
            &plan,
            Change::ItemEdited {
                item: Item::Provision(p.clone()),
            },
            None,
        );
        assert!(
            errors
                .get("frequency")
                .unwrap()
                .contains("more than the 24 hours a day has"),
            "{errors}"
        );
        // 25 hours in a school day; 169 hours a week.
        p.frequency = Some(freq(5, Per::SchoolDay));
        p.duration_minutes = Some(300);
        assert!(impossible_time(&p).is_some());
        p.frequency = Some(freq(13, Per::Week));
        p.duration_minutes = Some(780);
        assert!(impossible_time(&p).is_some(), "169 hours a week");
        // Possible but a lot: the realism check's warning, not a rule.
        p.frequency = Some(freq(12, Per::Day));
        p.duration_minutes = Some(120);
        assert_eq!(impossible_time(&p), None, "24 hours a day");
        assert!(
            plan.check(
                &Change::ItemEdited {
                    item: Item::Provision(p)
                },
                None,
                None
            )
            .is_ok()
        );
    }

    #[test]
    fn money_is_never_negative_or_absurd() {
        let mut b = Builder::new();
        b.budget(100, crate::content::BudgetPeriod::Week);
        let plan = b.plan();
        let budget = |amount| Change::BudgetSet {
            budget: Some(Budget {
                amount_pence: amount,
                period: crate::content::BudgetPeriod::Year,
                management: None,
                in_control: None,
            }),
        };
        assert!(refused(&plan, budget(-1), None).get("amount_pence").is_some());
        assert_eq!(
            refused(&plan, budget(MAX_PENCE + 1), None).get("amount_pence"),
            Some("The budget must be £1,000,000.00 or less")
        );
        assert!(plan.check(&budget(MAX_PENCE), None, None).is_ok());
    }

    #[test]
    fn every_free_text_of_a_record_is_checked() {
        let plan = Builder::new().plan();
        let errors = refused(
            &plan,
            Change::SocialCareChecklistSet {
                checklist: Some(SocialCareChecklist {
                    notes: Some("\u{1b}".into()),
                    ..Default::default()
                }),
            },
            None,
        );
        assert!(errors.get("notes").is_some());
        let errors = refused(
            &plan,
            Change::CompulsoryMeasuresSet {
                measures: Some(CompulsoryMeasures {
                    in_place: true,
                    measure: Some("CSO".into()),
                    made_by: Some("m".repeat(201)),
                    date: None,
                    review_date: None,
                    details: None,
                }),
            },
            None,
        );
        assert!(errors.get("made_by").is_some());
        let errors = refused(
            &plan,
            Change::TextsSet {
                section: "no_such_section".into(),
                texts: Default::default(),
                authorship: None,
            },
            Registry::builtin().get("MSP"),
        );
        assert!(errors.get("section").is_some());
        assert!(PlanStatus::Draft.is_active());
    }
}
