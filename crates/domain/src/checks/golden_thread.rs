//! Golden thread check (SPEC Q2): a line should run from the person's
//! aspirations, through their needs and outcomes, to the provision made for
//! them (seed `003`, "The Golden Thread"). This check lists where the line
//! is broken and returns the thread itself as data, so it can be drawn
//! ([`super::picture::golden_thread_svg`]).
//!
//! # The rules
//!
//! Only *active* provision counts: a line whose `ended` is set is struck
//! through on the form and is left out of the thread altogether.
//!
//! * **Need without an outcome** — no outcome lists the need in its
//!   `need_ids`, and no outcome names the need's area of need in its `areas`
//!   (the MSP form links outcomes to needs by area: "The area(s) of my needs
//!   this outcome will address").
//! * **Outcome without provision** — no active provision lists the outcome
//!   in its `outcome_ids`.
//! * **Outcome without an aspiration** — the outcome links to no aspiration
//!   of the plan. Checked only when the plan type has an aspirations section
//!   or the plan has aspirations; CP, for one, has no aspirations and its
//!   outcomes are not held to this.
//! * **Provision without an owner** — no party of the plan is named as who
//!   will do it.
//! * **Provision without a frequency** — it does not say how often.
//! * **Provision serving no outcome** — it links to no outcome of the plan.
//!
//! A link to an item that is no longer in the plan (an outcome naming a
//! removed need, a provision line naming a removed party) does not count.
//!
//! The thread is **unbroken** when the plan has at least one outcome and
//! there are no gaps: an empty plan has no thread yet, and is not reported
//! as a complete one.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::content::{ItemKind, Need, Term, quote};
use crate::plan::Plan;
use crate::plan_type::{PlanType, SectionKind, Whose};

/// What the golden thread check found, and the thread itself for drawing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GoldenThread {
    /// Where the thread is broken, needs first, then outcomes, then
    /// provision, each in plan order.
    pub gaps: Vec<ThreadGap>,
    /// true when the plan has at least one outcome and no gaps.
    pub unbroken: bool,
    /// One plain-English sentence for the top of the check, e.g. "The
    /// golden thread has 3 gaps."
    pub summary: String,
    /// Whether outcomes are expected to serve an aspiration (the plan type
    /// has an aspirations section, or the plan has aspirations).
    pub aspirations_expected: bool,
    /// The first column: the person's (and their parents') aspirations.
    pub aspirations: Vec<ThreadNode>,
    /// The second column: needs, in plan order.
    pub needs: Vec<ThreadNode>,
    /// The third column: outcomes, in plan order.
    pub outcomes: Vec<ThreadNode>,
    /// The fourth column: active provision, in plan order.
    pub provision: Vec<ThreadNode>,
    /// The threads between the columns.
    pub links: Vec<ThreadLink>,
}

/// One item of the thread: an aspiration, need, outcome or provision line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ThreadNode {
    /// The item's id.
    pub id: Uuid,
    /// `aspiration`, `need`, `outcome` or `provision`.
    pub kind: ItemKind,
    /// A short heading for the item: "Long term", the need's area, "Outcome
    /// 3", or who does the provision and how often.
    pub label: String,
    /// The item's own words (for provision, what needs to happen).
    pub text: String,
    /// The gaps on this item (empty when it is joined up).
    pub gaps: Vec<ThreadGapKind>,
}

/// A link between two items of the thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ThreadLink {
    /// The outcome (for outcome links) or the provision line.
    pub from: Uuid,
    /// The aspiration, need or outcome it leads to.
    pub to: Uuid,
    pub kind: ThreadLinkKind,
}

/// How two items of the thread are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadLinkKind {
    /// The outcome moves towards the aspiration.
    OutcomeAspiration,
    /// The outcome names the need.
    OutcomeNeed,
    /// The outcome addresses the need's area of need.
    OutcomeNeedByArea,
    /// The provision serves the outcome.
    ProvisionOutcome,
}

/// A break in the golden thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ThreadGap {
    pub kind: ThreadGapKind,
    /// The kind of item the gap is on.
    pub item_kind: ItemKind,
    /// The item(s) involved; the first is the one the gap is on.
    pub item_ids: Vec<Uuid>,
    /// Plain English, quoting the item, e.g. "No outcome addresses the need
    /// “Finds it hard to ask for help” (Communication and Interaction)."
    pub message: String,
}

/// The kinds of break in the golden thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadGapKind {
    /// No outcome addresses the need.
    NeedWithoutOutcome,
    /// No active provision serves the outcome.
    OutcomeWithoutProvision,
    /// The outcome moves towards no aspiration.
    OutcomeWithoutAspiration,
    /// The provision does not say who will do it.
    ProvisionWithoutOwner,
    /// The provision does not say how often.
    ProvisionWithoutFrequency,
    /// The provision serves no outcome.
    ProvisionWithoutOutcome,
}

impl ThreadGapKind {
    /// A tag of two or three words for the picture: "no provision".
    pub fn tag(self) -> &'static str {
        match self {
            ThreadGapKind::NeedWithoutOutcome => "no outcome",
            ThreadGapKind::OutcomeWithoutProvision => "no provision",
            ThreadGapKind::OutcomeWithoutAspiration => "no aspiration",
            ThreadGapKind::ProvisionWithoutOwner => "no one named",
            ThreadGapKind::ProvisionWithoutFrequency => "how often?",
            ThreadGapKind::ProvisionWithoutOutcome => "no outcome",
        }
    }
}

/// Runs the golden thread check. `plan_type` (when it is loaded) supplies
/// the labels of the areas of need and of outcomes ("Goal 2" on a YP plan),
/// and says whether the form has aspirations.
pub fn check(plan: &Plan, plan_type: Option<&PlanType>) -> GoldenThread {
    let content = &plan.content;
    let aspirations_expected = !content.aspirations.is_empty()
        || plan_type.is_some_and(|t| t.sections_of(SectionKind::Aspirations).next().is_some());
    let outcome_noun = outcome_noun(plan_type);

    let aspiration_ids: HashSet<Uuid> = content.aspirations.iter().map(|a| a.id).collect();
    let outcome_ids: HashSet<Uuid> = content.outcomes.iter().map(|o| o.id).collect();
    let active: Vec<_> = content.provision.iter().filter(|p| p.ended.is_none()).collect();

    let mut links = Vec::new();
    // An id listed twice is one link.
    let mut linked: HashSet<(Uuid, Uuid)> = HashSet::new();
    // Needs addressed, and the outcomes that address them.
    let mut addressed: HashSet<Uuid> = HashSet::new();
    for outcome in &content.outcomes {
        for id in outcome.aspiration_ids.iter().filter(|id| aspiration_ids.contains(id)) {
            if !linked.insert((outcome.id, *id)) {
                continue;
            }
            links.push(ThreadLink {
                from: outcome.id,
                to: *id,
                kind: ThreadLinkKind::OutcomeAspiration,
            });
        }
        for need in &content.needs {
            let kind = if outcome.need_ids.contains(&need.id) {
                ThreadLinkKind::OutcomeNeed
            } else if outcome.areas.contains(&need.area) {
                ThreadLinkKind::OutcomeNeedByArea
            } else {
                continue;
            };
            addressed.insert(need.id);
            links.push(ThreadLink {
                from: outcome.id,
                to: need.id,
                kind,
            });
        }
    }
    // Outcomes served by active provision.
    let mut served: HashSet<Uuid> = HashSet::new();
    for line in &active {
        for id in line.outcome_ids.iter().filter(|id| outcome_ids.contains(id)) {
            if !linked.insert((line.id, *id)) {
                continue;
            }
            served.insert(*id);
            links.push(ThreadLink {
                from: line.id,
                to: *id,
                kind: ThreadLinkKind::ProvisionOutcome,
            });
        }
    }

    let mut gaps = Vec::new();
    let mut node_gaps: HashMap<Uuid, Vec<ThreadGapKind>> = HashMap::new();
    let mut gap = |kind: ThreadGapKind, item_kind: ItemKind, id: Uuid, message: String| {
        node_gaps.entry(id).or_default().push(kind);
        gaps.push(ThreadGap {
            kind,
            item_kind,
            item_ids: vec![id],
            message,
        });
    };

    for need in &content.needs {
        if !addressed.contains(&need.id) {
            gap(
                ThreadGapKind::NeedWithoutOutcome,
                ItemKind::Need,
                need.id,
                format!(
                    "No outcome addresses the need {} ({}). Link it to an outcome, or add an outcome for it.",
                    quote(&need.text),
                    area_label(plan_type, &need.area)
                ),
            );
        }
    }
    for (index, outcome) in content.outcomes.iter().enumerate() {
        let name = format!("{outcome_noun} {} {}", index + 1, quote(&outcome.text));
        if !served.contains(&outcome.id) {
            gap(
                ThreadGapKind::OutcomeWithoutProvision,
                ItemKind::Outcome,
                outcome.id,
                format!("{name} has no provision: say what will happen to achieve it, who will do it and how often."),
            );
        }
        if aspirations_expected && !outcome.aspiration_ids.iter().any(|id| aspiration_ids.contains(id)) {
            let message = if content.aspirations.is_empty() {
                format!(
                    "{name} serves no aspiration: the plan has none yet. Add the person's aspirations and link the outcome to one."
                )
            } else {
                format!("{name} serves no aspiration: say which of the person's aspirations it moves towards.")
            };
            gap(
                ThreadGapKind::OutcomeWithoutAspiration,
                ItemKind::Outcome,
                outcome.id,
                message,
            );
        }
    }
    for line in &active {
        let name = quote(&line.what);
        if line.party_id.and_then(|id| plan.party(id)).is_none() {
            gap(
                ThreadGapKind::ProvisionWithoutOwner,
                ItemKind::Provision,
                line.id,
                format!("Provision {name} does not say who will do it: name one of the plan's parties."),
            );
        }
        if line.frequency.is_none() {
            gap(
                ThreadGapKind::ProvisionWithoutFrequency,
                ItemKind::Provision,
                line.id,
                format!("Provision {name} does not say how often it happens, e.g. 3 × per week."),
            );
        }
        if !line.outcome_ids.iter().any(|id| outcome_ids.contains(id)) {
            gap(
                ThreadGapKind::ProvisionWithoutOutcome,
                ItemKind::Provision,
                line.id,
                format!("Provision {name} serves no outcome: say which outcome it helps the person achieve."),
            );
        }
    }
    let gaps_of = |id: Uuid| node_gaps.get(&id).cloned().unwrap_or_default();
    let aspirations = content
        .aspirations
        .iter()
        .map(|a| ThreadNode {
            id: a.id,
            kind: ItemKind::Aspiration,
            label: aspiration_label(a.term, a.whose),
            text: a.text.clone(),
            gaps: gaps_of(a.id),
        })
        .collect();
    let needs = content
        .needs
        .iter()
        .map(|n: &Need| ThreadNode {
            id: n.id,
            kind: ItemKind::Need,
            label: area_label(plan_type, &n.area),
            text: n.text.clone(),
            gaps: gaps_of(n.id),
        })
        .collect();
    let outcomes = content
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| ThreadNode {
            id: o.id,
            kind: ItemKind::Outcome,
            label: format!("{outcome_noun} {}", i + 1),
            text: o.text.clone(),
            gaps: gaps_of(o.id),
        })
        .collect();
    let provision = active
        .iter()
        .map(|p| {
            let who = p
                .party_id
                .and_then(|id| plan.party(id))
                .map(|party| party.name.as_str());
            let how_often = p.how_often();
            let label = match (who, how_often.is_empty()) {
                (Some(who), false) => format!("{who} · {how_often}"),
                (Some(who), true) => who.to_owned(),
                (None, false) => how_often,
                (None, true) => "Provision".to_owned(),
            };
            ThreadNode {
                id: p.id,
                kind: ItemKind::Provision,
                label,
                text: p.what.clone(),
                gaps: gaps_of(p.id),
            }
        })
        .collect();

    let unbroken = gaps.is_empty() && !content.outcomes.is_empty();
    let summary = summary(&gaps, unbroken, content.outcomes.is_empty());
    GoldenThread {
        gaps,
        unbroken,
        summary,
        aspirations_expected,
        aspirations,
        needs,
        outcomes,
        provision,
        links,
    }
}

fn summary(gaps: &[ThreadGap], unbroken: bool, no_outcomes: bool) -> String {
    if unbroken {
        return "The golden thread is unbroken: every need is addressed by an outcome, every outcome has provision, \
                and every provision line says who will do it and how often."
            .to_owned();
    }
    if gaps.is_empty() && no_outcomes {
        return "There is no golden thread yet: add the person's needs and the outcomes that address them.".to_owned();
    }
    let n = gaps.len();
    let mut text = format!("The golden thread has {n} gap{}", if n == 1 { "" } else { "s" });
    if no_outcomes {
        text.push_str(": the plan has no outcomes yet");
    }
    text.push('.');
    text
}

/// "Outcome", or the form's own word for it ("Goal" on YP and SH).
pub fn outcome_noun(plan_type: Option<&PlanType>) -> String {
    plan_type
        .and_then(|t| {
            t.sections_of(SectionKind::Outcomes)
                .find_map(|s| s.labels.get("number"))
        })
        .map(|label| label.trim())
        .filter(|label| !label.is_empty() && label.split_whitespace().count() <= 2)
        .unwrap_or("Outcome")
        .to_owned()
}

/// The area of need's label, from the plan type when it knows the key, else
/// the key in words ("social_care" → "Social care").
pub fn area_label(plan_type: Option<&PlanType>, key: &str) -> String {
    if let Some(area) = plan_type.and_then(|t| t.area(key)) {
        return area.label.clone();
    }
    let words = key.replace('_', " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "No area".to_owned(),
    }
}

fn aspiration_label(term: Term, whose: Whose) -> String {
    let term = match term {
        Term::Short => "Short term",
        Term::Long => "Long term",
    };
    match whose {
        Whose::Person => term.to_owned(),
        Whose::Parent => format!("{term} · parents'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_plans::*;
    use crate::content::Per;
    use crate::plan_type::Registry;

    fn kinds(thread: &GoldenThread) -> Vec<ThreadGapKind> {
        thread.gaps.iter().map(|g| g.kind).collect()
    }

    #[test]
    fn a_joined_up_plan_is_unbroken() {
        let mut b = Builder::new();
        let parent = b.party("Claire Martin");
        let asp = b.aspiration("I want to be a vet");
        let need = b.need("communication_interaction", "Finds it hard to ask for help");
        let out = b.outcome("Leo will ask for help 4 times out of 5", &[need], &[], &[asp]);
        b.provision("Social stories", Some(parent), Some(freq(3, Per::Week)), &[out]);
        let thread = check(&b.plan(), None);
        assert!(thread.gaps.is_empty(), "{:?}", thread.gaps);
        assert!(thread.unbroken);
        assert!(thread.summary.contains("unbroken"));
        assert_eq!(thread.aspirations.len(), 1);
        assert_eq!(thread.needs.len(), 1);
        assert_eq!(thread.outcomes.len(), 1);
        assert_eq!(thread.provision.len(), 1);
        assert_eq!(thread.provision[0].label, "Claire Martin · 3 × per week");
        let link_kinds: Vec<_> = thread.links.iter().map(|l| l.kind).collect();
        assert_eq!(
            link_kinds,
            vec![
                ThreadLinkKind::OutcomeAspiration,
                ThreadLinkKind::OutcomeNeed,
                ThreadLinkKind::ProvisionOutcome
            ]
        );
    }

    #[test]
    fn an_empty_plan_is_not_called_unbroken() {
        let thread = check(&Builder::new().plan(), None);
        assert!(thread.gaps.is_empty());
        assert!(!thread.unbroken);
        assert!(thread.summary.contains("no golden thread yet"));
    }

    #[test]
    fn a_need_no_outcome_addresses_is_a_gap() {
        let mut b = Builder::new();
        let need = b.need("sensory_physical", "Struggles with handwriting");
        let registry = Registry::builtin();
        let msp = registry.get("MSP").unwrap();
        let thread = check(&b.plan(), Some(msp));
        assert_eq!(kinds(&thread), vec![ThreadGapKind::NeedWithoutOutcome]);
        let gap = &thread.gaps[0];
        assert_eq!(gap.item_ids, vec![need]);
        assert_eq!(gap.item_kind, ItemKind::Need);
        assert_eq!(
            gap.message,
            "No outcome addresses the need “Struggles with handwriting” (Sensory and/or Physical). \
             Link it to an outcome, or add an outcome for it."
        );
        assert_eq!(thread.needs[0].gaps, vec![ThreadGapKind::NeedWithoutOutcome]);
        assert_eq!(thread.needs[0].label, "Sensory and/or Physical");
        assert!(!thread.unbroken);
        assert!(thread.summary.contains("1 gap:"), "{}", thread.summary);
    }

    #[test]
    fn an_outcome_addresses_a_need_by_its_area() {
        let mut b = Builder::new();
        let owner = b.party("Priya Shah");
        let need = b.need("cognition_learning", "Reading age two years behind");
        let other = b.need("social_care", "Respite for the family");
        let out = b.outcome("Read 100 words", &[], &["cognition_learning"], &[]);
        b.provision("Reading catch-up", Some(owner), Some(freq(1, Per::Day)), &[out]);
        let thread = check(&b.plan(), None);
        assert_eq!(kinds(&thread), vec![ThreadGapKind::NeedWithoutOutcome]);
        assert_eq!(thread.gaps[0].item_ids, vec![other]);
        assert!(thread.links.contains(&ThreadLink {
            from: out,
            to: need,
            kind: ThreadLinkKind::OutcomeNeedByArea
        }));
        // Without a plan type the area key is put into words.
        assert!(
            thread.gaps[0].message.contains("(Social care)"),
            "{}",
            thread.gaps[0].message
        );
    }

    #[test]
    fn an_explicit_link_wins_over_the_area() {
        let mut b = Builder::new();
        let need = b.need("cognition_learning", "Reading");
        b.outcome("Read", &[need], &["cognition_learning"], &[]);
        let thread = check(&b.plan(), None);
        let to_need: Vec<_> = thread.links.iter().filter(|l| l.to == need).collect();
        assert_eq!(to_need.len(), 1);
        assert_eq!(to_need[0].kind, ThreadLinkKind::OutcomeNeed);
    }

    #[test]
    fn an_outcome_without_active_provision_is_a_gap() {
        let mut b = Builder::new();
        let owner = b.party("Priya Shah");
        let out = b.outcome("Leo will read 100 high-frequency words", &[], &[], &[]);
        let ended = b.provision("Old reading scheme", Some(owner), Some(freq(2, Per::Week)), &[out]);
        b.end(ended);
        let registry = Registry::builtin();
        let thread = check(&b.plan(), registry.get("CP"));
        assert_eq!(kinds(&thread), vec![ThreadGapKind::OutcomeWithoutProvision]);
        assert_eq!(
            thread.gaps[0].message,
            "Outcome 1 “Leo will read 100 high-frequency words” has no provision: say what will happen to \
             achieve it, who will do it and how often."
        );
        assert!(thread.provision.is_empty(), "ended provision is left out of the thread");
        assert!(!thread.aspirations_expected, "CP has no aspirations section");
    }

    #[test]
    fn the_forms_word_for_an_outcome_is_used() {
        let mut b = Builder::new();
        b.outcome("Attend school four days a week", &[], &[], &[]);
        let registry = Registry::builtin();
        let thread = check(&b.plan(), registry.get("YP"));
        assert!(
            thread.gaps[0].message.starts_with("Goal 1 “Attend"),
            "{}",
            thread.gaps[0].message
        );
        assert_eq!(thread.outcomes[0].label, "Goal 1");
    }

    #[test]
    fn an_outcome_without_an_aspiration_is_a_gap_when_aspirations_are_expected() {
        let registry = Registry::builtin();
        let msp = registry.get("MSP").unwrap();
        // The plan type has aspirations, the plan has none yet.
        let mut b = Builder::new();
        let owner = b.party("Priya Shah");
        let out = b.outcome("Read", &[], &[], &[]);
        b.provision("Reading", Some(owner), Some(freq(1, Per::Day)), &[out]);
        let thread = check(&b.plan(), Some(msp));
        assert_eq!(kinds(&thread), vec![ThreadGapKind::OutcomeWithoutAspiration]);
        assert!(thread.gaps[0].message.contains("the plan has none yet"));
        assert_eq!(thread.outcomes[0].gaps, vec![ThreadGapKind::OutcomeWithoutAspiration]);
        // No plan type, no aspirations: not checked.
        assert!(check(&b.plan(), None).gaps.is_empty());
        // No plan type, but the plan has aspirations: checked.
        b.aspiration("Be a vet");
        let thread = check(&b.plan(), None);
        assert_eq!(kinds(&thread), vec![ThreadGapKind::OutcomeWithoutAspiration]);
        assert!(thread.gaps[0].message.contains("say which of the person's aspirations"));
    }

    #[test]
    fn provision_without_owner_frequency_or_outcome_is_a_gap() {
        let mut b = Builder::new();
        let line = b.provision("Speech and language therapy", None, None, &[]);
        let thread = check(&b.plan(), None);
        assert_eq!(
            kinds(&thread),
            vec![
                ThreadGapKind::ProvisionWithoutOwner,
                ThreadGapKind::ProvisionWithoutFrequency,
                ThreadGapKind::ProvisionWithoutOutcome
            ]
        );
        assert!(thread.gaps.iter().all(|g| g.item_ids == vec![line]));
        assert_eq!(
            thread.gaps[0].message,
            "Provision “Speech and language therapy” does not say who will do it: name one of the plan's parties."
        );
        assert!(thread.gaps[1].message.contains("does not say how often"));
        assert!(thread.gaps[2].message.contains("serves no outcome"));
        assert_eq!(thread.provision[0].gaps.len(), 3);
        assert_eq!(thread.provision[0].label, "Provision");
    }

    #[test]
    fn a_link_to_an_item_no_longer_in_the_plan_does_not_count() {
        let mut b = Builder::new();
        let out = b.outcome("Read", &[Uuid::new_v4()], &[], &[Uuid::new_v4()]);
        b.aspiration("Be a vet");
        b.provision(
            "Reading",
            Some(Uuid::new_v4()),
            Some(freq(1, Per::Week)),
            &[Uuid::new_v4()],
        );
        let thread = check(&b.plan(), None);
        assert_eq!(
            kinds(&thread),
            vec![
                ThreadGapKind::OutcomeWithoutProvision,
                ThreadGapKind::OutcomeWithoutAspiration,
                ThreadGapKind::ProvisionWithoutOwner,
                ThreadGapKind::ProvisionWithoutOutcome
            ]
        );
        assert!(thread.links.is_empty());
        assert_eq!(thread.gaps[0].item_ids, vec![out]);
    }

    #[test]
    fn long_texts_are_quoted_short() {
        let mut b = Builder::new();
        b.need("health", &"word ".repeat(40));
        let thread = check(&b.plan(), None);
        let message = &thread.gaps[0].message;
        assert!(message.contains("…”"), "{message}");
        assert!(message.chars().count() < 160, "{message}");
    }

    #[test]
    fn the_full_msp_is_unbroken_and_serializes() {
        let registry = Registry::builtin();
        let plan = full_msp();
        let thread = check(&plan, registry.get("MSP"));
        assert!(thread.unbroken, "{:#?}", thread.gaps);
        assert_eq!(thread.needs.len(), 12);
        assert_eq!(thread.provision.len(), 20);
        let json = serde_json::to_value(&thread).unwrap();
        assert_eq!(json["links"][0]["kind"], "outcome_aspiration");
        assert_eq!(json["outcomes"][0]["kind"], "outcome");
    }

    #[test]
    fn gap_tags_are_short() {
        for kind in [
            ThreadGapKind::NeedWithoutOutcome,
            ThreadGapKind::OutcomeWithoutProvision,
            ThreadGapKind::OutcomeWithoutAspiration,
            ThreadGapKind::ProvisionWithoutOwner,
            ThreadGapKind::ProvisionWithoutFrequency,
            ThreadGapKind::ProvisionWithoutOutcome,
        ] {
            assert!(kind.tag().len() <= 14);
        }
    }
}
