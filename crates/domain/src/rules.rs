//! The rules a change to a plan's content must keep. Each broken rule names
//! the field, in words the writer can act on; a refused change leaves the
//! plan as it was.

use time::Date;
use uuid::Uuid;

use crate::content::{Budget, CompulsoryMeasures, HealthChecklist, Item, ItemKind, OtherPlan, PlanContent, Provision};
use crate::error::{CONTROL_CHARACTERS, FieldErrors, has_control_characters};
use crate::plan::Plan;
use crate::plan_type::{PlanType, SectionKind};

/// Longest free text accepted in one field.
pub const MAX_TEXT: usize = 10_000;
/// Longest one-line value (a title, a name).
pub const MAX_LINE: usize = 500;
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
            if b.cost_pence < 0 {
                errors.add("cost_pence", "The cost cannot be negative");
            }
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
    if let (Some(from), Some(until)) = (p.from, p.until)
        && until < from
    {
        errors.add("until", "Until must be on or after from");
    }
    if let Some(cost) = p.weekly_cost_pence {
        if cost < 0 {
            errors.add("weekly_cost_pence", "The weekly cost cannot be negative");
        } else if cost > 100_000_000 {
            errors.add("weekly_cost_pence", "The weekly cost must be less than £1,000,000");
        }
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
    if budget.amount_pence < 0 {
        errors.add("amount_pence", "The budget cannot be negative");
    }
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
        if let Some(consent) = &plan.consent
            && consent.given_by.trim().is_empty()
        {
            errors.add("consent", "Say who gave consent");
        }
    }
    errors.into_result(())
}

pub fn check_health_checklist(checklist: &HealthChecklist) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    optional(&mut errors, "other", &checklist.other);
    optional(&mut errors, "actions_summary", &checklist.actions_summary);
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
    optional(&mut errors, "details", &measures.details);
    errors.into_result(())
}
