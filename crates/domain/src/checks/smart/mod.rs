//! SMART check (SPEC Q1): does an outcome, step or short-term target say
//! *what* will be done, *how much or how often*, *how progress will be
//! known* and *by when*?
//!
//! The check is for practitioners writing support plans (SEND, supported
//! housing, health, youth work). It must be explainable, so there is no
//! score: each of the four criteria is met or not, and the report quotes the
//! words that met it or says in plain English what to add. The seed guidance
//! it follows: instead of "improve school attendance" write "attend school
//! for at least four days a week for the next three months".
//!
//! # How the text is read
//!
//! A small hand tokenizer (no regex) splits the text into lower-cased words,
//! numbers (`8`, `31/03/2027`, `10pm`, `90`, `3-4`), symbols (`%`, `£`, `/`)
//! and punctuation, which acts as a phrase boundary. Curly quotes and dashes
//! are normalised; a hyphen inside a word splits it (`half-term` reads as
//! `half term`, `20-minute` as `20 minute`). Number words from `zero` to
//! `ninety`, `hundred`, `dozen`, `once`, `twice` count as numbers. Verbs are
//! matched by their base form after stripping `-s`, `-es`, `-ed`, `-ing`
//! (with the usual `e` and doubled-consonant rules) plus a short list of
//! irregular forms (`went`, `paid`, `took`…). British and American spellings
//! are both listed (`practise`/`practice`, `organise`/`organize`,
//! `behaviour`/`behavior`, `programme`/`program`).
//!
//! Phrases are found in a fixed order, and each claims its words so that one
//! phrase is not counted twice: time frames first (so the `three` in "for
//! the next three months" is not taken as an amount), then named means of
//! measuring, then amounts, then actions.
//!
//! # The rules
//!
//! **Time-bound** — a date or time frame for the goal as a whole:
//! * a time preposition (`by`, `before`, `until`, `within`, `in`, `for`,
//!   `over`, `during`, `throughout`, `after`, `at`, `this`, `next`, `from … to`)
//!   followed by a time phrase that names a period (`weeks`, `term`,
//!   `year 4`, `key stage 2`, `half term`), a month, season, holiday, date,
//!   birthday, age, or review (`by the next review`);
//! * `before` / `until` a move (`before she moves on`, `until he leaves
//!   school`);
//! * a written date anywhere (`31/03/2027`, `31 March 2027`, `March 2027`).
//!
//! Not time frames: a clock time (`by 10pm` is a daily threshold and counts
//! as an amount), a per-period frequency (`for 3 days a week`), `a week` after
//! a number (`twice in a week`), a recurring deadline (`by Friday each
//! week`), a size of change (`improve her reading age by 12 months`),
//! lessons and school days (`until the end of the lesson`), and vague words
//! (`ongoing`, `soon`, `over time`), which the report names. A month name
//! on its own is not read as a date (`June will attend…` is a name).
//!
//! **Measurable** — an amount someone could count or check:
//! * a number (digits or words) that is not part of a date, time frame or
//!   label (`year 4`, `key stage 2`, `1:1`, `one to one`): counts (`3
//!   books`), frequencies (`four days a week`, `twice a month`, `3x a
//!   week`), proportions (`8 out of 10`, `90%`, `4 of 5`), thresholds (`at
//!   least`, `no more than`, `up to`), durations (`for 20 minutes`),
//!   money (`£20`) and clock times (`by 10pm`);
//! * frequency words: `daily`, `weekly`, `every Monday`, `each morning`,
//!   `on Mondays`, `always`, `never`, `all her appointments`, `both`;
//! * a complete or zero standard: `in full`, `on time`, `a full term`, `no
//!   arrears`, `no missed doses`, `without missing a payment`, `clear her
//!   arrears`, `4 weeks in a row`;
//! * a length of time something is kept up, when a keeping verb is used
//!   (`keep her tenancy for six months`), because for tenancy sustainment the
//!   length *is* the measure;
//! * a one-off task, which is done or not done (`open a bank account`, `set
//!   up a direct debit`, `complete the application`, `join the chess club`,
//!   `attend her GP appointment`, a `referral`), and stopping (`stop
//!   smoking`), which means none at all. When the amount is the action itself,
//!   the Evidence sentence says that whether it happened can be checked.
//!
//! Vague quantity words (`regularly`, `more`, `often`, `most days`) do not
//! count and are named in the explanation.
//!
//! **Specific** — an observable action: a verb someone could see the person
//! do (`attend`, `read`, `ask for help`, `pay rent`, `cook`, `use the bus`,
//! `tell an adult`, `take her medication`, `go to bed`). Vague verbs
//! (`improve`, `develop`, `work on`, `support`, `engage`, `increase`,
//! `feel`, `be better at`) do not count on their own and are quoted in the
//! explanation, but a phrase with a vague verb *and* a concrete action
//! passes ("increase confidence by joining the youth club every Friday").
//! Generic verbs count only in a concrete phrase (`get up`, `be in bed`,
//! `have a 1:1 session`, `keep her tenancy`). A verb after a determiner or
//! possessive is read as a noun (`his reading`, `the register`), and a few
//! generic verbs do not count with a vague object (`make progress`, `take
//! responsibility`, `stay safe`). When there is no action verb, a counted
//! outcome still passes: an observable noun (`attendance`, `arrears`,
//! `incidents`, `appointments`) together with a measurable amount
//! ("attendance of at least 95%").
//!
//! **Evidence** (how progress will be known) — either a named means of
//! measuring (`as shown by the attendance register`, `measured by`,
//! `recorded in`, `observed by`, `reported by`, `on the weekly review`, `rent
//! account`, `sleep diary`, `MAR chart`, `spelling test`, a self-rating) or
//! an amount of something observable. The second is what makes the seed
//! example pass: "attend school for at least four days a week" needs no
//! named record, because attending is seen and counted (the register exists
//! whether the plan names it or not). So Evidence is met when Measurable is
//! met *and* Specific is met by an action or observable noun; the report says
//! so and suggests naming the record to make it firmer. A measurable amount
//! of something unobservable ("increase confidence to 8 out of 10") needs a
//! named means ("on the wellbeing scale").
//!
//! Empty or whitespace-only text is not SMART and `missing` holds one
//! sentence saying a goal is needed.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The outcome of the SMART check of one outcome, step or target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SmartReport {
    /// true when nothing is missing
    pub smart: bool,
    /// plain-English sentences, one per missing element, e.g. "How much or
    /// how often: say a measurable amount or frequency, e.g. 'four days a
    /// week' or '8 out of 10 times'."
    pub missing: Vec<String>,
    /// plain-English sentences naming what was found, quoting the words, e.g.
    /// "Measurable amount: \"at least four days a week\"."
    pub found: Vec<String>,
    /// structured form of the same, for UIs: one entry per criterion
    pub criteria: Vec<Criterion>,
}

/// One SMART criterion: whether it is met, the words that met it, and the
/// plain-English sentence shown to the writer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    /// which criterion
    pub key: CriterionKey,
    /// true when the text meets it
    pub met: bool,
    /// the words of the text that meet it, when met
    pub evidence: Option<String>,
    /// the sentence shown to the writer (the same as in `found` or `missing`)
    pub explanation: String,
}

/// The four criteria of the check, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKey {
    /// an observable action
    Specific,
    /// an amount, frequency, proportion or threshold
    Measurable,
    /// how progress will be known
    Evidence,
    /// a date or time frame
    TimeBound,
}

/// Check one outcome, step or target. Pure, deterministic, never panics.
pub fn check(text: &str) -> SmartReport {
    let toks = tokenize(text);
    if !toks.iter().any(|t| t.kind != Kind::Punct && t.kind != Kind::Sym) {
        return empty_report();
    }
    Reader::new(text, toks).report()
}

const GOAL_NEEDED: &str = "A goal is needed: write what the person will do, how much or how often, \
how progress will be known and by when, e.g. 'attend school for at least four days a week for \
the next three months'.";

const ASK_SPECIFIC: &str = "name an action someone could see the person do, e.g. 'attend school', \
'pay rent', 'cook a meal' or 'ask an adult for help'.";
const ASK_MEASURABLE: &str = "say a measurable amount or frequency, e.g. 'four days a week' or '8 out of 10 times'.";
const ASK_EVIDENCE: &str = "say how it will be checked, e.g. 'as shown by the attendance \
register', 'recorded in the rent account' or 'on the weekly sleep diary'.";
const ASK_TIME: &str = "give a date or time frame, e.g. 'by the end of the autumn term', \
'within the next 6 weeks' or 'by 31/03/2027'.";

fn empty_report() -> SmartReport {
    let crit = |key, ask: &str, label: &str| Criterion {
        key,
        met: false,
        evidence: None,
        explanation: format!("{label}: {ask}"),
    };
    SmartReport {
        smart: false,
        missing: vec![GOAL_NEEDED.to_string()],
        found: Vec::new(),
        criteria: vec![
            crit(CriterionKey::Specific, ASK_SPECIFIC, "What will be done"),
            crit(CriterionKey::Measurable, ASK_MEASURABLE, "How much or how often"),
            crit(CriterionKey::Evidence, ASK_EVIDENCE, "How progress will be measured"),
            crit(CriterionKey::TimeBound, ASK_TIME, "By when"),
        ],
    }
}

mod reader;
mod tokens;
mod words;

#[cfg(test)]
mod tests;

use reader::*;
use tokens::*;
use words::*;
