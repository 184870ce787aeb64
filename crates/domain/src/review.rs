//! Reviews as part of the plan's log (issue 10, SPEC R1–R3): opened,
//! answered, closed; the changes made while a review is open belong to it;
//! "added at R1" and "ended at R2" markers are derived from the log; items
//! are ended with a reason, never deleted once the plan has been agreed; the
//! n-th formal review supersedes the plan.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::content::{ItemKind, PlanContent};
use crate::error::FieldErrors;
use crate::plan::{Change, ChangeRecord, Plan, PlanStatus, format_date};
use crate::plan_type::PlanType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// The weekly support review's questions (SPEC R1, SH).
    Weekly,
    /// The formal review that rates every outcome (SPEC R2).
    Formal,
}

/// Progress of one outcome at a formal review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutcomeRating {
    pub outcome_id: Uuid,
    /// One of the plan type's progress ratings (`met`, `partly_met`,
    /// `not_met`, `needs_changing`).
    pub rating: String,
    #[serde(default)]
    pub note: String,
}

/// The weekly support review's safety plan question ("working? needs
/// updating?"): answering it is checking the safety plan.
pub const SAFETY_PLAN: &str = "safety_plan";

/// Questions every formal review asks besides the plan type's own: the
/// person's and the parents' or carers' views.
pub const VIEWS_QUESTIONS: [(&str, &str); 2] = [
    ("person_views", "The person's views"),
    ("parents_views", "The parents' or carers' views"),
];

/// The ratings used when the plan type is not known.
pub const DEFAULT_RATINGS: [&str; 4] = ["met", "partly_met", "not_met", "needs_changing"];

/// "R1, 12 March 2027": the formal review at which something happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Marker {
    pub review: u32,
    #[schema(value_type = String, format = Date)]
    pub on: Date,
}

impl Marker {
    pub fn label(&self) -> String {
        format!("R{}", self.review)
    }
}

/// An item that has ended (shown struck through), part of what the plan says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EndedItem {
    pub kind: ItemKind,
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Review {
    pub id: Uuid,
    pub kind: ReviewKind,
    /// For formal reviews, 1 for R1, 2 for R2…
    pub number: Option<u32>,
    #[schema(value_type = String, format = Date)]
    pub opened_on: Date,
    pub participants: Vec<String>,
    pub answers: BTreeMap<String, String>,
    pub ratings: BTreeMap<Uuid, OutcomeRating>,
    #[schema(value_type = Option<String>, format = Date)]
    pub closed_on: Option<Date>,
    /// The sequence numbers of the changes made while it was open.
    pub changes: Vec<i64>,
}

/// Reviews, ended items and markers derived from the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReviewState {
    pub reviews: Vec<Review>,
    pub ended: BTreeMap<Uuid, EndedItem>,
    pub added_at: BTreeMap<Uuid, Marker>,
    pub ended_at: BTreeMap<Uuid, Marker>,
}

impl ReviewState {
    pub fn open(&self) -> Option<&Review> {
        self.reviews.last().filter(|r| r.closed_on.is_none())
    }

    fn open_mut(&mut self) -> Option<&mut Review> {
        self.reviews.last_mut().filter(|r| r.closed_on.is_none())
    }

    pub fn formal_count(&self) -> u32 {
        self.reviews.iter().filter(|r| r.kind == ReviewKind::Formal).count() as u32
    }

    /// "added at R1 on 12 March 2027", when the item was added at a review.
    pub fn added_label(&self, id: Uuid) -> Option<String> {
        self.added_at
            .get(&id)
            .map(|m| format!("added at {} on {}", m.label(), format_date(m.on)))
    }

    /// "Ended at R2, 12 March 2027: reason", the words shown (and read out)
    /// beside an item struck through.
    pub fn ended_words(&self, id: Uuid) -> Option<String> {
        let ended = self.ended.get(&id)?;
        let label = self.ended_label(id)?;
        let mut words = String::with_capacity(label.len() + ended.reason.len() + 2);
        words.push('E');
        words.push_str(&label[1..]);
        if !ended.reason.trim().is_empty() {
            words.push_str(": ");
            words.push_str(ended.reason.trim());
        }
        Some(words)
    }

    /// "R1, 12 March 2027" beside content added at a formal review.
    pub fn added_words(&self, id: Uuid) -> Option<String> {
        self.added_at
            .get(&id)
            .map(|m| format!("{}, {}", m.label(), format_date(m.on)))
    }

    /// The day the safety plan was last checked: the latest weekly support
    /// review that answered its safety plan question.
    pub fn safety_plan_last_checked(&self) -> Option<Date> {
        self.reviews
            .iter()
            .rev()
            .filter(|r| r.kind == ReviewKind::Weekly)
            .find(|r| r.answers.get(SAFETY_PLAN).is_some_and(|a| !a.trim().is_empty()))
            .map(|r| r.opened_on)
    }

    /// The "This week" answer of the latest weekly review before the open
    /// one (or the latest, when none is open): what "Last week" starts from.
    pub fn planned_last_week(&self) -> Option<&str> {
        let open = self.open().map(|r| r.id);
        self.reviews
            .iter()
            .rev()
            .filter(|r| r.kind == ReviewKind::Weekly && Some(r.id) != open)
            .find_map(|r| r.answers.get("this_week").filter(|a| !a.trim().is_empty()))
            .map(String::as_str)
    }

    pub fn review(&self, id: Uuid) -> Option<&Review> {
        self.reviews.iter().find(|r| r.id == id)
    }

    /// "ended at R2, 12 March 2027" or "ended 12 March 2027".
    pub fn ended_label(&self, id: Uuid) -> Option<String> {
        let ended = self.ended.get(&id)?;
        Some(match self.ended_at.get(&id) {
            Some(m) => format!("ended at {}, {}", m.label(), format_date(m.on)),
            None => format!("ended {}", format_date(ended.on)),
        })
    }
}

fn item_exists(plan: &Plan, kind: ItemKind, id: Uuid) -> bool {
    plan.content.item(kind, id).is_some()
}

/// Text that can be stored and shown: no control characters, not too long
/// (once per field).
fn plain_text(errors: &mut FieldErrors, field: &str, text: &str, most: usize) {
    if errors.get(field).is_some() {
        return;
    }
    if crate::error::has_control_characters(text) {
        errors.add(field, crate::error::CONTROL_CHARACTERS);
    } else if text.chars().count() > most {
        errors.add(field, format!("Must be {most} characters or fewer"));
    }
}

/// Checks a review change or an ending against the plan as it stands.
pub fn check(plan: &Plan, change: &Change, plan_type: Option<&PlanType>) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    let state = &plan.reviews;
    let rules = plan_type.map(|t| &t.reviews);
    match change {
        Change::ReviewOpened { kind, participants, .. } => {
            if let Some(open) = state.open() {
                errors.add(
                    "review_id",
                    format!(
                        "A review of this plan is already open (opened {}); close it before opening another",
                        format_date(open.opened_on)
                    ),
                );
            }
            if *kind == ReviewKind::Weekly && rules.is_some_and(|r| !r.weekly) {
                errors.add("kind", "This plan type has no weekly support review");
            }
            if participants.iter().all(|p| p.trim().is_empty()) {
                errors.add("participants", "Say who took part in the review");
            }
            for p in participants {
                plain_text(&mut errors, "participants", p, 200);
            }
        }
        Change::ReviewAnswered {
            review_id,
            answers,
            ratings,
        } => {
            let Some(open) = state.open().filter(|r| r.id == *review_id) else {
                return Err(FieldErrors::single("review_id", "That review is not open"));
            };
            if let Some(rules) = rules {
                let questions = match open.kind {
                    ReviewKind::Weekly => &rules.weekly_questions,
                    ReviewKind::Formal => &rules.formal_questions,
                };
                for key in answers.keys() {
                    let views = open.kind == ReviewKind::Formal && VIEWS_QUESTIONS.iter().any(|(k, _)| k == key);
                    if !views && !questions.iter().any(|q| &q.key == key) {
                        errors.add("answers", format!("\"{key}\" is not one of this review's questions"));
                    }
                }
            }
            for answer in answers.values() {
                plain_text(&mut errors, "answers", answer, 10_000);
            }
            for rating in ratings {
                plain_text(&mut errors, "ratings", &rating.note, 10_000);
            }
            if open.kind == ReviewKind::Weekly && !ratings.is_empty() {
                errors.add("ratings", "Outcomes are rated at a formal review, not a weekly one");
            }
            for rating in ratings {
                match plan.content.outcome(rating.outcome_id) {
                    None => errors.add("ratings", "There is no such outcome in this plan"),
                    Some(o) if state.ended.contains_key(&o.id) => errors.add(
                        "ratings",
                        format!(
                            "The outcome {} has ended; it is not reviewed",
                            crate::content::quote(&o.text)
                        ),
                    ),
                    Some(_) => {}
                }
                let known = match rules.filter(|r| !r.progress_ratings.is_empty()) {
                    Some(r) => r.progress_ratings.iter().any(|p| p.key == rating.rating),
                    None => DEFAULT_RATINGS.contains(&rating.rating.as_str()),
                };
                if !known {
                    errors.add("ratings", format!("\"{}\" is not a progress rating", rating.rating));
                }
            }
        }
        Change::ReviewClosed {
            review_id, supersedes, ..
        } => {
            let Some(open) = state.open().filter(|r| r.id == *review_id) else {
                return Err(FieldErrors::single("review_id", "That review is not open"));
            };
            match open.kind {
                ReviewKind::Formal => {
                    for (n, outcome) in plan.content.outcomes.iter().enumerate() {
                        if !state.ended.contains_key(&outcome.id) && !open.ratings.contains_key(&outcome.id) {
                            errors.add(
                                "ratings",
                                format!(
                                    "Rate the progress of outcome {} ({}) before closing the review",
                                    n + 1,
                                    crate::content::quote(&outcome.text)
                                ),
                            );
                        }
                    }
                }
                ReviewKind::Weekly => {
                    for q in rules.map(|r| r.weekly_questions.as_slice()).unwrap_or_default() {
                        if open.answers.get(&q.key).is_none_or(|a| a.trim().is_empty()) {
                            errors.add("answers", format!("Answer \"{}\" before closing the review", q.label));
                        }
                    }
                }
            }
            let should = open.kind == ReviewKind::Formal
                && rules
                    .and_then(|r| r.new_plan_after_review)
                    .is_some_and(|n| open.number == Some(n));
            if *supersedes && open.kind != ReviewKind::Formal {
                errors.add("supersedes", "Only a formal review can start a new plan");
            } else if rules.is_some() && *supersedes != should {
                errors.add(
                    "supersedes",
                    if should {
                        "This review starts the next plan: close it as superseding this one"
                    } else {
                        "Only the plan type's last review starts a new plan"
                    },
                );
            }
        }
        Change::ItemEnded {
            item_kind, id, reason, ..
        } => {
            if !item_exists(plan, *item_kind, *id) {
                errors.add("id", format!("There is no such {} in this plan", item_kind.noun()));
            } else if state.ended.contains_key(id) {
                errors.add("id", format!("This {} has already ended", item_kind.noun()));
            }
            if reason.trim().is_empty() {
                errors.add("reason", format!("Say why the {} is ending", item_kind.noun()));
            }
            plain_text(&mut errors, "reason", reason, 2000);
        }
        // Once agreed, ending (`ItemEnded`) is how an item goes; deleting
        // stays only for a draft's own mistakes.
        Change::ItemRemoved { item_kind, .. } if plan.status != PlanStatus::Draft => errors.add(
            "id",
            format!(
                "This plan has been agreed: end the {} with a reason instead of removing it",
                item_kind.noun()
            ),
        ),
        Change::ItemEdited { item } if state.ended.contains_key(&item.id()) => errors.add(
            "id",
            format!("This {} has ended; it can no longer be changed", item.kind().noun()),
        ),
        _ => {}
    }
    errors.into_result(())
}

/// Applies a review change or an ending, and files every change made while
/// a review is open under that review. Called by [`Plan::apply`] after the
/// change itself.
pub fn apply(plan: &mut Plan, record: &ChangeRecord) {
    let state = &mut plan.reviews;
    match &record.change {
        Change::ReviewOpened {
            review_id,
            kind,
            on,
            participants,
        } => {
            let number = (*kind == ReviewKind::Formal).then(|| state.formal_count() + 1);
            // A formal review of an agreed plan puts it under review; once
            // closed, the parties agree the reviewed plan again.
            if *kind == ReviewKind::Formal && plan.status == PlanStatus::Agreed {
                plan.status = PlanStatus::UnderReview;
            }
            state.reviews.push(Review {
                id: *review_id,
                kind: *kind,
                number,
                opened_on: *on,
                participants: participants.clone(),
                answers: BTreeMap::new(),
                ratings: BTreeMap::new(),
                closed_on: None,
                changes: Vec::new(),
            });
        }
        Change::ReviewAnswered { answers, ratings, .. } => {
            if let Some(open) = state.open_mut() {
                open.answers.extend(answers.clone());
                for r in ratings {
                    open.ratings.insert(r.outcome_id, r.clone());
                }
                open.changes.push(record.seq);
            }
        }
        Change::ReviewClosed { on, supersedes, .. } => {
            if let Some(open) = state.open_mut() {
                open.closed_on = Some(*on);
            }
            if *supersedes {
                plan.status = PlanStatus::Superseded;
            } else {
                // The reviewed plan is agreed again once every required
                // party has agreed what it now says (perhaps already).
                crate::agreement::settle_status(plan);
            }
        }
        change => {
            let marker = state.open().and_then(|r| {
                r.number.map(|n| Marker {
                    review: n,
                    on: r.opened_on,
                })
            });
            if let Some(open) = state.open_mut() {
                open.changes.push(record.seq);
            }
            match change {
                Change::ItemAdded { item } => {
                    if let Some(m) = marker {
                        state.added_at.insert(item.id(), m);
                    }
                }
                Change::ItemEnded {
                    item_kind,
                    id,
                    on,
                    reason,
                } => {
                    state.ended.insert(
                        *id,
                        EndedItem {
                            kind: *item_kind,
                            on: *on,
                            reason: reason.clone(),
                        },
                    );
                    if let Some(m) = marker {
                        state.ended_at.insert(*id, m);
                    }
                    if let Some(p) = plan.content.provision.iter_mut().find(|p| p.id == *id) {
                        p.ended = Some(crate::content::Ended {
                            on: *on,
                            reason: Some(reason.clone()),
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

/// What plan number N+1 starts with after the last review: the current
/// content, without ended items (markers belong to the old plan's log).
pub fn successor_content(plan: &Plan) -> PlanContent {
    let mut content = plan.content.clone();
    for (id, ended) in &plan.reviews.ended {
        content.remove(ended.kind, *id);
    }
    content
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Item;
    use crate::testkit::{builtin, outcome, small_log, step_on};
    use proptest::prelude::*;
    use time::macros::date;

    const OUTCOME: Uuid = Uuid::from_u128(10);
    const READING: Uuid = Uuid::from_u128(20);

    fn msp() -> (Plan, PlanType) {
        (
            Plan::replay(Uuid::nil(), &small_log("MSP")).unwrap(),
            builtin("msp.toml"),
        )
    }

    fn open(plan: &mut Plan, t: &PlanType, n: u128, on: Date) -> Result<(), FieldErrors> {
        step_on(
            plan,
            Change::ReviewOpened {
                review_id: Uuid::from_u128(1000 + n),
                kind: ReviewKind::Formal,
                on,
                participants: vec!["Claire Martin".into(), "Priya Shah".into()],
            },
            Some(t),
        )
    }

    fn rate_all(plan: &mut Plan, t: &PlanType, n: u128) -> Result<(), FieldErrors> {
        let ratings = plan
            .content
            .outcomes
            .iter()
            .filter(|o| !plan.reviews.ended.contains_key(&o.id))
            .map(|o| OutcomeRating {
                outcome_id: o.id,
                rating: "partly_met".into(),
                note: "Asks for help most days".into(),
            })
            .collect();
        step_on(
            plan,
            Change::ReviewAnswered {
                review_id: Uuid::from_u128(1000 + n),
                answers: [("working_well".to_owned(), "The check-ins".to_owned())].into(),
                ratings,
            },
            Some(t),
        )
    }

    fn close(plan: &mut Plan, t: &PlanType, n: u128, supersedes: bool) -> Result<(), FieldErrors> {
        step_on(
            plan,
            Change::ReviewClosed {
                review_id: Uuid::from_u128(1000 + n),
                on: date!(2027 - 03 - 12),
                supersedes,
            },
            Some(t),
        )
    }

    fn end(plan: &mut Plan, t: &PlanType, kind: ItemKind, id: Uuid) -> Result<(), FieldErrors> {
        step_on(
            plan,
            Change::ItemEnded {
                item_kind: kind,
                id,
                on: date!(2027 - 03 - 12),
                reason: "Leo reads on his own now".into(),
            },
            Some(t),
        )
    }

    fn add_outcome(plan: &mut Plan, t: &PlanType, n: u128) -> Result<(), FieldErrors> {
        step_on(
            plan,
            Change::ItemAdded {
                item: Item::Outcome(outcome(n, "Leo will join a lunchtime club")),
            },
            Some(t),
        )
    }

    #[test]
    fn markers_are_derived_from_the_review_the_change_was_made_in() {
        let (mut plan, t) = msp();
        open(&mut plan, &t, 1, date!(2027 - 03 - 12)).unwrap();
        add_outcome(&mut plan, &t, 11).unwrap();
        end(&mut plan, &t, ItemKind::Provision, READING).unwrap();
        rate_all(&mut plan, &t, 1).unwrap();
        close(&mut plan, &t, 1, false).unwrap();
        let state = &plan.reviews;
        assert_eq!(
            state.added_label(Uuid::from_u128(11)).as_deref(),
            Some("added at R1 on 12 March 2027")
        );
        assert_eq!(
            state.ended_label(READING).as_deref(),
            Some("ended at R1, 12 March 2027")
        );
        assert_eq!(state.added_label(OUTCOME), None, "added before any review");
        assert_eq!(state.reviews[0].changes, vec![8, 9, 10], "the changes made during it");
        assert!(
            plan.content.item(ItemKind::Provision, READING).is_some(),
            "ended, not deleted"
        );
        assert!(plan.content.provision[0].ended.is_some());

        // An item ended between reviews says so without a review number.
        end(&mut plan, &t, ItemKind::Outcome, Uuid::from_u128(11)).unwrap();
        assert_eq!(
            plan.reviews.ended_label(Uuid::from_u128(11)).as_deref(),
            Some("ended 12 March 2027")
        );
        // The state is kept in the stored JSON and in a replay.
        let again: Plan = serde_json::from_value(serde_json::to_value(&plan).unwrap()).unwrap();
        assert_eq!(again.reviews, plan.reviews);
    }

    #[test]
    fn only_one_review_is_open_at_a_time() {
        let (mut plan, t) = msp();
        open(&mut plan, &t, 1, date!(2027 - 03 - 12)).unwrap();
        let errors = open(&mut plan, &t, 2, date!(2027 - 03 - 13)).unwrap_err();
        assert_eq!(
            errors.get("review_id"),
            Some("A review of this plan is already open (opened 12 March 2027); close it before opening another")
        );
    }

    #[test]
    fn a_formal_review_that_skips_an_outcome_cannot_close() {
        let (mut plan, t) = msp();
        open(&mut plan, &t, 1, date!(2027 - 03 - 12)).unwrap();
        let errors = close(&mut plan, &t, 1, false).unwrap_err();
        assert_eq!(
            errors.get("ratings"),
            Some(
                "Rate the progress of outcome 1 (“Leo will ask an adult for help when he is stuck”) before closing the review"
            )
        );
        let bad = Change::ReviewAnswered {
            review_id: Uuid::from_u128(1001),
            answers: [("favourite_colour".to_owned(), "Blue".to_owned())].into(),
            ratings: vec![OutcomeRating {
                outcome_id: OUTCOME,
                rating: "brilliant".into(),
                note: String::new(),
            }],
        };
        let errors = step_on(&mut plan, bad, Some(&t)).unwrap_err();
        assert_eq!(
            errors.get("answers"),
            Some("\"favourite_colour\" is not one of this review's questions")
        );
        assert_eq!(errors.get("ratings"), Some("\"brilliant\" is not a progress rating"));
    }

    #[test]
    fn an_ended_outcome_is_not_reviewed() {
        let (mut plan, t) = msp();
        end(&mut plan, &t, ItemKind::Outcome, OUTCOME).unwrap();
        open(&mut plan, &t, 1, date!(2027 - 03 - 12)).unwrap();
        let rating = Change::ReviewAnswered {
            review_id: Uuid::from_u128(1001),
            answers: Default::default(),
            ratings: vec![OutcomeRating {
                outcome_id: OUTCOME,
                rating: "met".into(),
                note: String::new(),
            }],
        };
        let errors = step_on(&mut plan, rating, Some(&t)).unwrap_err();
        assert!(errors.get("ratings").unwrap().contains("has ended; it is not reviewed"));
        // And it need not be rated to close.
        close(&mut plan, &t, 1, false).unwrap();
    }

    #[test]
    fn ending_twice_editing_an_ended_item_and_deleting_once_agreed_are_refused() {
        let (mut plan, t) = msp();
        end(&mut plan, &t, ItemKind::Provision, READING).unwrap();
        let errors = end(&mut plan, &t, ItemKind::Provision, READING).unwrap_err();
        assert_eq!(errors.get("id"), Some("This provision has already ended"));
        let edit = Change::ItemEdited {
            item: Item::Provision(crate::testkit::provision(20, "Reading", None)),
        };
        assert!(
            step_on(&mut plan, edit, Some(&t))
                .unwrap_err()
                .get("id")
                .unwrap()
                .contains("has ended")
        );
        let errors = step_on(
            &mut plan,
            Change::ItemEnded {
                item_kind: ItemKind::Risk,
                id: Uuid::from_u128(77),
                on: date!(2027 - 03 - 12),
                reason: "".into(),
            },
            Some(&t),
        )
        .unwrap_err();
        assert_eq!(errors.get("id"), Some("There is no such risk in this plan"));
        assert_eq!(errors.get("reason"), Some("Say why the risk is ending"));

        // A draft may delete its own mistakes; an agreed plan ends its items.
        let remove = Change::ItemRemoved {
            item_kind: ItemKind::Outcome,
            id: OUTCOME,
        };
        assert!(plan.check(&remove, None, Some(&t)).is_ok());
        for status in [PlanStatus::Agreed, PlanStatus::UnderReview] {
            plan.status = status;
            assert_eq!(
                plan.check(&remove, Some("Added by mistake"), Some(&t))
                    .unwrap_err()
                    .get("id"),
                Some("This plan has been agreed: end the outcome with a reason instead of removing it")
            );
        }
        assert_eq!(
            plan.reviews.ended_words(READING).as_deref(),
            Some("Ended 12 March 2027: Leo reads on his own now")
        );
    }

    #[test]
    fn a_closed_or_superseded_plan_has_no_reviews() {
        for status in [PlanStatus::Closed, PlanStatus::Superseded] {
            let (mut plan, t) = msp();
            plan.status = status;
            let errors = open(&mut plan, &t, 1, date!(2027 - 03 - 12)).unwrap_err();
            assert!(errors.get("status").unwrap().contains("can no longer be changed"));
        }
    }

    #[test]
    fn the_third_msp_review_supersedes_the_plan_and_gives_the_next_plans_content() {
        let (mut plan, t) = msp();
        for n in 1..=3u128 {
            open(&mut plan, &t, n, date!(2027 - 03 - 12)).unwrap();
            add_outcome(&mut plan, &t, 10 + n).unwrap();
            rate_all(&mut plan, &t, n).unwrap();
            if n < 3 {
                assert_eq!(
                    close(&mut plan, &t, n, true).unwrap_err().get("supersedes"),
                    Some("Only the plan type's last review starts a new plan")
                );
                close(&mut plan, &t, n, false).unwrap();
            }
        }
        end(&mut plan, &t, ItemKind::Provision, READING).unwrap();
        assert_eq!(
            close(&mut plan, &t, 3, false).unwrap_err().get("supersedes"),
            Some("This review starts the next plan: close it as superseding this one")
        );
        close(&mut plan, &t, 3, true).unwrap();
        assert_eq!(plan.status, PlanStatus::Superseded);
        assert_eq!(
            plan.reviews.added_label(Uuid::from_u128(13)).as_deref(),
            Some("added at R3 on 12 March 2027")
        );
        let next = successor_content(&plan);
        assert_eq!(next.outcomes.len(), 4, "the outcomes carry over");
        assert!(next.item(ItemKind::Provision, READING).is_none(), "ended items do not");
        assert_eq!(next.provision.len(), 1);
        assert!(
            open(&mut plan, &t, 4, date!(2027 - 06 - 12)).is_err(),
            "no review of a superseded plan"
        );
    }

    #[test]
    fn the_weekly_support_review_asks_the_five_questions() {
        let t = builtin("sh.toml");
        let mut plan = Plan::replay(Uuid::nil(), &small_log("SH")).unwrap();
        let id = Uuid::from_u128(5);
        let opened = Change::ReviewOpened {
            review_id: id,
            kind: ReviewKind::Weekly,
            on: date!(2027 - 02 - 01),
            participants: vec!["Priya Shah".into()],
        };
        step_on(&mut plan, opened.clone(), Some(&t)).unwrap();
        assert_eq!(plan.reviews.reviews[0].number, None, "weekly reviews are not numbered");
        let answers: BTreeMap<String, String> = [("last_week", "We went to the GP"), ("this_week", "Visit Tuesday")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        step_on(
            &mut plan,
            Change::ReviewAnswered {
                review_id: id,
                answers,
                ratings: vec![],
            },
            Some(&t),
        )
        .unwrap();
        let close = Change::ReviewClosed {
            review_id: id,
            on: date!(2027 - 02 - 01),
            supersedes: false,
        };
        let errors = step_on(&mut plan, close, Some(&t)).unwrap_err();
        assert_eq!(
            errors.get("answers"),
            Some("Answer \"Emerging issues\" before closing the review")
        );
        // MSP has no weekly review.
        let (mut msp, msp_type) = msp();
        assert_eq!(
            step_on(&mut msp, opened, Some(&msp_type)).unwrap_err().get("kind"),
            Some("This plan type has no weekly support review")
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Open,
        Add,
        EndOne(usize),
        Close,
    }

    proptest! {
        /// Replaying the log of any sequence of reviews gives the same
        /// markers, and they are the ones a simple model expects.
        #[test]
        fn replaying_the_log_gives_the_same_markers(
            ops in proptest::collection::vec(
                prop_oneof![Just(Op::Open), Just(Op::Add), (0..8usize).prop_map(Op::EndOne), Just(Op::Close)],
                0..40,
            )
        ) {
            let (mut plan, t) = msp();
            let mut log = small_log("MSP");
            let mut added = BTreeMap::new();
            let mut ended = BTreeMap::new();
            let mut open_review: Option<u32> = None;
            let mut formal = 0u32;
            let mut next_item = 100u128;
            let mut go = |plan: &mut Plan, change: Change| -> bool {
                if plan.check(&change, Some("At the review"), Some(&t)).is_err() {
                    return false;
                }
                let record = crate::testkit::record(plan.version + 1, change);
                plan.apply(&record).unwrap();
                log.push(record);
                true
            };
            for op in ops {
                if plan.status == PlanStatus::Superseded {
                    break;
                }
                match op {
                    Op::Open => {
                        let accepted = go(&mut plan, Change::ReviewOpened {
                            review_id: Uuid::from_u128(5000 + formal as u128),
                            kind: ReviewKind::Formal,
                            on: date!(2027 - 03 - 12) + time::Duration::weeks(13 * formal as i64),
                            participants: vec!["Priya Shah".into()],
                        });
                        prop_assert_eq!(accepted, open_review.is_none());
                        if accepted {
                            formal += 1;
                            open_review = Some(formal);
                        }
                    }
                    Op::Add => {
                        next_item += 1;
                        let item = Item::Outcome(outcome(next_item, "Leo will join a club"));
                        // Refused once the plan type's most outcomes are there.
                        let accepted = go(&mut plan, Change::ItemAdded { item });
                        if let Some(n) = open_review.filter(|_| accepted) {
                            added.insert(Uuid::from_u128(next_item), n);
                        }
                    }
                    Op::EndOne(i) => {
                        let Some(o) = plan.content.outcomes.get(i).map(|o| o.id) else { continue };
                        let accepted = go(&mut plan, Change::ItemEnded {
                            item_kind: ItemKind::Outcome,
                            id: o,
                            on: date!(2027 - 03 - 12),
                            reason: "Achieved".into(),
                        });
                        prop_assert_eq!(accepted, !ended.contains_key(&o));
                        if accepted {
                            ended.insert(o, open_review);
                        }
                    }
                    Op::Close => {
                        let Some(n) = open_review else { continue };
                        let ratings = plan.content.outcomes.iter()
                            .filter(|o| !ended.contains_key(&o.id))
                            .map(|o| OutcomeRating { outcome_id: o.id, rating: "met".into(), note: String::new() })
                            .collect();
                        let review_id = Uuid::from_u128(5000 + n as u128 - 1);
                        let answered = Change::ReviewAnswered { review_id, answers: Default::default(), ratings };
                        let accepted = go(&mut plan, answered);
                        prop_assert!(accepted);
                        let closed = Change::ReviewClosed { review_id, on: date!(2027 - 03 - 12), supersedes: n == 3 };
                        let accepted = go(&mut plan, closed);
                        prop_assert!(accepted);
                        open_review = None;
                    }
                }
            }
            let replayed = Plan::replay(Uuid::nil(), &log).unwrap();
            prop_assert_eq!(&replayed.reviews, &plan.reviews);
            let got_added: BTreeMap<Uuid, u32> =
                plan.reviews.added_at.iter().map(|(id, m)| (*id, m.review)).collect();
            prop_assert_eq!(got_added, added);
            let got_ended: BTreeMap<Uuid, Option<u32>> = plan.reviews.ended.keys()
                .map(|id| (*id, plan.reviews.ended_at.get(id).map(|m| m.review)))
                .collect();
            prop_assert_eq!(got_ended, ended);
        }
    }
}
