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

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Word,
    Num,
    Sym,
    Punct,
}

#[derive(Debug)]
struct Tok {
    /// lower-cased, normalised text
    text: String,
    kind: Kind,
    /// byte range in the original text
    start: usize,
    end: usize,
}

fn norm_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
        '\u{2044}' | '\u{2215}' => '/',
        _ => c,
    }
}

fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, norm_char(c))).collect();
    let byte_at = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    let ch = |k: usize| chars.get(k).map(|&(_, c)| c);
    let mut toks = Vec::with_capacity(chars.len() / 4 + 1);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_ascii_digit() {
            let mut s = String::new();
            while let Some(c) = ch(i) {
                if c.is_alphanumeric() {
                    s.extend(c.to_lowercase());
                    i += 1;
                } else if matches!(c, '/' | '.' | ':' | ',' | '-')
                    && s.ends_with(|p: char| p.is_ascii_digit())
                    && ch(i + 1).is_some_and(|n| n.is_ascii_digit())
                {
                    s.push(c);
                    i += 1;
                } else {
                    break;
                }
            }
            toks.push(Tok {
                text: s,
                kind: Kind::Num,
                start,
                end: byte_at(i),
            });
        } else if c.is_alphabetic() {
            let mut s = String::new();
            while let Some(c) = ch(i) {
                if c.is_alphanumeric() {
                    s.extend(c.to_lowercase());
                    i += 1;
                } else if c == '\'' && ch(i + 1).is_some_and(char::is_alphabetic) {
                    s.push('\'');
                    i += 1;
                } else {
                    break;
                }
            }
            toks.push(Tok {
                text: s,
                kind: Kind::Word,
                start,
                end: byte_at(i),
            });
        } else if c == '-' {
            let joined = i > 0 && chars[i - 1].1.is_alphanumeric() && ch(i + 1).is_some_and(char::is_alphanumeric);
            if !joined {
                toks.push(Tok {
                    text: "-".into(),
                    kind: Kind::Punct,
                    start,
                    end: byte_at(i + 1),
                });
            }
            i += 1;
        } else if c == '\n'
            || matches!(
                c,
                ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '•' | '…' | '*' | '·'
            )
        {
            toks.push(Tok {
                text: c.to_string(),
                kind: Kind::Punct,
                start,
                end: byte_at(i + 1),
            });
            i += 1;
        } else if matches!(c, '%' | '£' | '$' | '€' | '/' | '+' | '<' | '>' | '=') {
            toks.push(Tok {
                text: c.to_string(),
                kind: Kind::Sym,
                start,
                end: byte_at(i + 1),
            });
            i += 1;
        } else {
            // whitespace, quotes and other symbols separate words
            i += 1;
        }
    }
    toks
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NumKind {
    Plain,
    Date,
    Clock,
    Ordinal,
    Fraction,
    Ratio,
    Year,
}

fn num_kind(s: &str) -> NumKind {
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (lead, rest) = s.split_at(digits_end);
    if rest.ends_with("am") || rest.ends_with("pm") {
        let core = &rest[..rest.len() - 2];
        if core.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ':') {
            return NumKind::Clock;
        }
    }
    let count = |p: char| s.matches(p).count();
    if count('/') >= 2 || count('-') >= 2 || count('.') >= 2 {
        return NumKind::Date;
    }
    if count(':') == 1 {
        let mut parts = s.splitn(2, ':');
        let a = parts.next().unwrap_or("");
        let b = parts.next().unwrap_or("");
        let hour_ok = a.parse::<u32>().is_ok_and(|h| h <= 24);
        return if b.len() == 2 && hour_ok {
            NumKind::Clock
        } else {
            NumKind::Ratio
        };
    }
    if count('/') == 1 {
        return NumKind::Fraction;
    }
    if matches!(rest, "st" | "nd" | "rd" | "th") && !lead.is_empty() {
        return NumKind::Ordinal;
    }
    if rest.is_empty() && lead.len() == 4 && (lead.starts_with("19") || lead.starts_with("20")) {
        return NumKind::Year;
    }
    NumKind::Plain
}

fn num_word(w: &str) -> Option<u32> {
    Some(match w {
        "zero" | "nil" => 0,
        "one" | "once" => 1,
        "two" | "twice" => 2,
        "three" | "thrice" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        "hundred" => 100,
        "thousand" => 1000,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------

fn long_period(w: &str) -> bool {
    matches!(
        w,
        "week"
            | "weeks"
            | "fortnight"
            | "fortnights"
            | "month"
            | "months"
            | "term"
            | "terms"
            | "halfterm"
            | "year"
            | "years"
            | "semester"
            | "semesters"
            | "weekend"
            | "season"
    )
}

fn month_name(w: &str) -> bool {
    matches!(
        w,
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

fn season(w: &str) -> bool {
    matches!(w, "autumn" | "spring" | "summer" | "winter")
}

fn weekday(w: &str) -> bool {
    matches!(
        w,
        "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
    )
}

fn weekday_plural(w: &str) -> bool {
    matches!(
        w,
        "mondays"
            | "tuesdays"
            | "wednesdays"
            | "thursdays"
            | "fridays"
            | "saturdays"
            | "sundays"
            | "weekdays"
            | "weekends"
    )
}

/// "ks2", "y6", "yr10".
fn stage_code(w: &str) -> bool {
    let rest = w
        .strip_prefix("ks")
        .or_else(|| w.strip_prefix("yr"))
        .or_else(|| w.strip_prefix('y'));
    rest.is_some_and(|r| !r.is_empty() && r.len() <= 2 && r.chars().all(|c| c.is_ascii_digit()))
}

/// Words that can name the point a time phrase runs to.
fn time_anchor_word(w: &str) -> bool {
    long_period(w)
        || month_name(w)
        || season(w)
        || weekday(w)
        || stage_code(w)
        || matches!(
            w,
            "christmas"
                | "xmas"
                | "easter"
                | "halloween"
                | "holidays"
                | "holiday"
                | "review"
                | "reviews"
                | "meeting"
                | "conference"
                | "panel"
                | "pep"
                | "birthday"
                | "tomorrow"
                | "transition"
                | "then"
                | "summertime"
        )
}

/// Words that may sit inside a time phrase without naming the point.
fn time_filler(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "this"
            | "next"
            | "coming"
            | "following"
            | "end"
            | "start"
            | "beginning"
            | "middle"
            | "close"
            | "completion"
            | "mid"
            | "early"
            | "late"
            | "of"
            | "a"
            | "an"
            | "her"
            | "his"
            | "their"
            | "my"
            | "your"
            | "our"
            | "first"
            | "second"
            | "third"
            | "fourth"
            | "fifth"
            | "sixth"
            | "final"
            | "last"
            | "full"
            | "whole"
            | "entire"
            | "current"
            | "academic"
            | "school"
            | "calendar"
            | "financial"
            | "key"
            | "stage"
            | "half"
            | "annual"
            | "interim"
            | "planned"
            | "consecutive"
            | "rest"
            | "remainder"
            | "age"
            | "time"
            | "further"
            | "another"
            | "same"
            | "tenancy"
            | "placement"
            | "programme"
            | "program"
            | "course"
            | "plan"
            | "period"
            | "contract"
            | "trial"
            | "project"
            | "intervention"
            | "cin"
            | "tac"
            | "lac"
            | "ehcp"
            | "ehc"
            | "core"
            | "group"
            | "eyfs"
            | "reception"
            | "nursery"
            | "sixth form"
            | "day"
            | "days"
            | "break"
            | "initial"
            | "cpa"
            | "mdt"
            | "child"
            | "protection"
            | "care"
            | "six"
            | "month's"
            | "weeks'"
    )
}

/// Words that end a placement/programme-style time phrase ("by the end of
/// the programme"); they only count after end/start/close.
fn time_container(w: &str) -> bool {
    matches!(
        w,
        "placement"
            | "programme"
            | "program"
            | "course"
            | "tenancy"
            | "plan"
            | "period"
            | "contract"
            | "trial"
            | "project"
            | "intervention"
            | "reception"
            | "nursery"
            | "eyfs"
            | "block"
            | "season"
            | "sessions"
            | "treatment"
            | "order"
    )
}

fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "his"
            | "their"
            | "my"
            | "your"
            | "our"
            | "its"
            | "this"
            | "that"
            | "these"
            | "those"
            | "any"
            | "some"
            | "no"
            | "more"
            | "less"
            | "better"
            | "poor"
            | "good"
            | "own"
    )
}

/// Nouns that often sit before a noun that is also a verb ("school work",
/// "support plan", "weekly check").
fn noun_modifier(w: &str) -> bool {
    matches!(
        w,
        "school"
            | "home"
            | "course"
            | "class"
            | "social"
            | "youth"
            | "key"
            | "support"
            | "case"
            | "group"
            | "team"
            | "family"
            | "peer"
            | "phone"
            | "weekly"
            | "daily"
            | "monthly"
            | "regular"
            | "annual"
            | "health"
            | "spot"
            | "safety"
            | "waiting"
            | "reading"
            | "written"
            | "independent"
    )
}

/// Function words that end a noun phrase or an amount.
fn stop_word(w: &str) -> bool {
    matches!(
        w,
        "to" | "and"
            | "or"
            | "but"
            | "so"
            | "by"
            | "for"
            | "with"
            | "within"
            | "before"
            | "until"
            | "till"
            | "at"
            | "on"
            | "in"
            | "into"
            | "as"
            | "the"
            | "a"
            | "an"
            | "his"
            | "her"
            | "their"
            | "my"
            | "your"
            | "our"
            | "its"
            | "will"
            | "would"
            | "should"
            | "can"
            | "could"
            | "must"
            | "may"
            | "be"
            | "is"
            | "are"
            | "was"
            | "were"
            | "been"
            | "being"
            | "has"
            | "have"
            | "had"
            | "that"
            | "which"
            | "who"
            | "when"
            | "while"
            | "whilst"
            | "without"
            | "if"
            | "per"
            | "each"
            | "every"
            | "from"
            | "of"
            | "out"
            | "over"
            | "under"
            | "than"
            | "she"
            | "he"
            | "they"
            | "it"
            | "i"
            | "we"
            | "you"
            | "him"
            | "them"
            | "me"
            | "us"
            | "not"
            | "no"
            | "after"
            | "during"
            | "through"
            | "throughout"
            | "using"
            | "via"
            | "this"
            | "next"
    )
}

/// Base forms of observable actions.
fn action_verb(w: &str) -> bool {
    matches!(
        w,
        "attend"
            | "arrive"
            | "read"
            | "write"
            | "spell"
            | "count"
            | "ask"
            | "tell"
            | "say"
            | "speak"
            | "talk"
            | "phone"
            | "call"
            | "ring"
            | "text"
            | "email"
            | "message"
            | "contact"
            | "pay"
            | "budget"
            | "save"
            | "spend"
            | "buy"
            | "shop"
            | "cook"
            | "prepare"
            | "make"
            | "use"
            | "take"
            | "go"
            | "travel"
            | "walk"
            | "cycle"
            | "ride"
            | "catch"
            | "drive"
            | "eat"
            | "drink"
            | "sleep"
            | "wake"
            | "shower"
            | "wash"
            | "bathe"
            | "brush"
            | "dress"
            | "clean"
            | "tidy"
            | "hoover"
            | "vacuum"
            | "iron"
            | "complete"
            | "finish"
            | "submit"
            | "join"
            | "visit"
            | "meet"
            | "book"
            | "apply"
            | "register"
            | "enrol"
            | "enroll"
            | "sign"
            | "open"
            | "set"
            | "follow"
            | "practise"
            | "practice"
            | "play"
            | "swim"
            | "run"
            | "jog"
            | "exercise"
            | "stretch"
            | "volunteer"
            | "work"
            | "study"
            | "revise"
            | "recall"
            | "recite"
            | "name"
            | "identify"
            | "recognise"
            | "recognize"
            | "sort"
            | "point"
            | "label"
            | "solve"
            | "add"
            | "subtract"
            | "multiply"
            | "divide"
            | "answer"
            | "respond"
            | "greet"
            | "share"
            | "wait"
            | "sit"
            | "stay"
            | "remain"
            | "put"
            | "raise"
            | "return"
            | "leave"
            | "check"
            | "inject"
            | "administer"
            | "collect"
            | "order"
            | "request"
            | "renew"
            | "record"
            | "organise"
            | "organize"
            | "choose"
            | "select"
            | "arrange"
            | "refer"
            | "deliver"
            | "provide"
            | "offer"
            | "lock"
            | "charge"
            | "hold"
            | "listen"
            | "stop"
            | "quit"
            | "smoke"
            | "accept"
            | "participate"
            | "bring"
            | "pack"
            | "carry"
            | "wear"
            | "do"
            | "pass"
            | "achieve"
            | "gain"
            | "obtain"
            | "find"
            | "move"
            | "bid"
            | "view"
            | "claim"
            | "cancel"
            | "type"
            | "rate"
            | "score"
            | "keep"
            | "sustain"
            | "maintain"
            | "clear"
            | "repay"
            | "queue"
            | "cross"
            | "sing"
            | "draw"
            | "copy"
            | "trace"
            | "blend"
            | "decode"
            | "tie"
            | "fasten"
            | "feed"
            | "log"
            | "show"
            | "have"
            | "hand"
            | "learn"
            | "memorise"
            | "memorize"
            | "list"
            | "note"
            | "plan"
            | "attempt"
            | "try"
            | "get"
            | "be"
            | "turn"
            | "give"
            | "send"
            | "teach"
            | "explain"
            | "describe"
            | "discuss"
            | "self-report"
    )
}

/// Verbs that are only an action with a particular following word
/// (`get up`, `turn up`, `hand in`, `be on time`, `learn to …`).
fn phrase_only_verb(w: &str) -> bool {
    matches!(
        w,
        "get"
            | "be"
            | "have"
            | "turn"
            | "hand"
            | "learn"
            | "try"
            | "attempt"
            | "show"
            | "list"
            | "note"
            | "plan"
            | "give"
            | "discuss"
            | "explain"
            | "describe"
            | "teach"
            | "send"
            | "keep"
            | "sustain"
            | "maintain"
            | "log"
    )
}

/// Vague verbs: they say which way things should go, not what will be done.
fn vague_verb(w: &str) -> bool {
    matches!(
        w,
        "improve"
            | "develop"
            | "enhance"
            | "build"
            | "boost"
            | "increase"
            | "reduce"
            | "decrease"
            | "lower"
            | "support"
            | "engage"
            | "encourage"
            | "promote"
            | "foster"
            | "empower"
            | "enable"
            | "help"
            | "understand"
            | "know"
            | "feel"
            | "become"
            | "explore"
            | "address"
            | "manage"
            | "cope"
            | "progress"
            | "strengthen"
            | "grow"
            | "tackle"
            | "overcome"
            | "continue"
            | "aim"
            | "work"
            | "learn"
            | "be"
            | "get"
            | "maintain"
            | "sustain"
            | "keep"
            | "try"
            | "gain"
            | "achieve"
            | "consider"
            | "reflect"
            | "thrive"
            | "flourish"
            | "benefit"
            | "adjust"
            | "settle"
            | "regulate"
            | "minimise"
            | "minimize"
            | "maximise"
            | "maximize"
            | "challenge"
            | "accept"
            | "recognise"
            | "recognize"
            | "value"
            | "embed"
            | "prioritise"
            | "prioritize"
    )
}

/// Objects that make a generic verb vague ("make progress", "stay safe").
fn vague_object(verb: &str, obj: &str) -> bool {
    match verb {
        "make" => matches!(
            obj,
            "progress"
                | "improvements"
                | "improvement"
                | "changes"
                | "change"
                | "friends"
                | "sure"
                | "better"
                | "choices"
                | "decisions"
                | "effort"
                | "efforts"
                | "good"
                | "positive"
                | "healthy"
                | "healthier"
                | "safe"
                | "safer"
        ),
        "take" => matches!(
            obj,
            "responsibility" | "ownership" | "care" | "control" | "steps" | "time" | "pride"
        ),
        "do" => matches!(obj, "well" | "better" | "best" | "more" | "his" | "her" | "their"),
        "gain" | "achieve" | "find" | "raise" | "set" | "use" | "provide" | "offer" | "accept" | "show" | "give" => {
            matches!(
                obj,
                "confidence"
                    | "skills"
                    | "understanding"
                    | "knowledge"
                    | "independence"
                    | "experience"
                    | "insight"
                    | "awareness"
                    | "trust"
                    | "resilience"
                    | "potential"
                    | "goals"
                    | "aspirations"
                    | "outcomes"
                    | "success"
                    | "stability"
                    | "wellbeing"
                    | "ways"
                    | "self"
                    | "support"
                    | "help"
                    | "encouragement"
                    | "reassurance"
                    | "guidance"
                    | "advice"
                    | "opportunities"
                    | "access"
                    | "strategies"
                    | "improvement"
                    | "improvements"
                    | "progress"
                    | "interest"
                    | "willingness"
                    | "motivation"
            )
        }
        "stay" | "remain" | "keep" => matches!(
            obj,
            "safe"
                | "safer"
                | "calm"
                | "calmer"
                | "positive"
                | "well"
                | "focused"
                | "motivated"
                | "healthy"
                | "happy"
                | "engaged"
                | "going"
                | "trying"
                | "settled"
                | "stable"
        ),
        "work" => matches!(
            obj,
            "on" | "towards" | "toward" | "with" | "hard" | "together" | "through"
        ),
        "go" => matches!(obj, "well" | "better" | "on"),
        "run" | "hold" | "deliver" | "arrange" => matches!(obj, "support" | "help"),
        _ => false,
    }
}

/// Nouns for things that can be counted, so that "attendance of at least
/// 95%" is specific even without an action verb.
fn observable_noun(w: &str) -> bool {
    matches!(
        w,
        "attendance"
            | "punctuality"
            | "arrears"
            | "absences"
            | "absence"
            | "exclusions"
            | "exclusion"
            | "incidents"
            | "incident"
            | "detentions"
            | "lateness"
            | "payments"
            | "payment"
            | "appointments"
            | "appointment"
            | "sessions"
            | "lessons"
            | "doses"
            | "dose"
            | "admissions"
            | "steps"
            | "weight"
            | "savings"
            | "debt"
            | "debts"
            | "rent"
            | "referral"
            | "referrals"
            | "meals"
            | "cigarettes"
            | "units"
            | "drinks"
            | "visits"
            | "episodes"
            | "harm"
            | "spellings"
            | "words"
            | "hours"
            | "nights"
            | "calls"
            | "bids"
            | "applications"
            | "shifts"
            | "age"
    )
}

/// "no ___" is a zero threshold for these.
fn zero_noun(w: &str) -> bool {
    matches!(
        w,
        "arrears"
            | "rent"
            | "missed"
            | "unauthorised"
            | "unauthorized"
            | "incidents"
            | "incident"
            | "exclusions"
            | "absences"
            | "lates"
            | "late"
            | "episodes"
            | "admissions"
            | "detentions"
            | "debts"
            | "debt"
            | "self"
            | "further"
            | "new"
            | "cigarettes"
            | "alcohol"
            | "cannabis"
            | "drugs"
            | "fixed"
            | "physical"
            | "police"
            | "warnings"
            | "complaints"
            | "unplanned"
            | "a&e"
            | "overdoses"
    )
}

fn participle_evidence(w: &str) -> bool {
    matches!(
        w,
        "shown"
            | "evidenced"
            | "measured"
            | "recorded"
            | "observed"
            | "reported"
            | "noted"
            | "logged"
            | "tracked"
            | "confirmed"
            | "monitored"
            | "assessed"
            | "checked"
            | "verified"
            | "demonstrated"
            | "indicated"
            | "documented"
            | "captured"
            | "reviewed"
            | "evaluated"
            | "tested"
            | "counted"
            | "rated"
            | "scored"
            | "audited"
            | "witnessed"
            | "charted"
            | "seen"
    )
}

fn evidence_prep(w: &str) -> bool {
    matches!(
        w,
        "by" | "in"
            | "on"
            | "through"
            | "using"
            | "via"
            | "at"
            | "against"
            | "with"
            | "from"
            | "during"
            | "weekly"
            | "daily"
            | "monthly"
            | "termly"
            | "fortnightly"
            | "regularly"
            | "each"
            | "every"
    )
}

fn frequency_adverb(w: &str) -> bool {
    matches!(
        w,
        "daily"
            | "weekly"
            | "fortnightly"
            | "monthly"
            | "nightly"
            | "hourly"
            | "termly"
            | "yearly"
            | "annually"
            | "always"
            | "never"
            | "weeknightly"
    )
}

/// Record nouns that are a means of measuring wherever they appear.
fn record_noun(w: &str) -> bool {
    matches!(
        w,
        "diary"
            | "diaries"
            | "chart"
            | "charts"
            | "tracker"
            | "trackers"
            | "checklist"
            | "checklists"
            | "timesheet"
            | "timesheets"
            | "questionnaire"
            | "questionnaires"
            | "survey"
            | "surveys"
            | "certificate"
            | "certificates"
            | "receipts"
            | "spreadsheet"
            | "sdq"
            | "phq"
            | "gad"
            | "notes"
            | "assessment"
            | "assessments"
            | "quiz"
            | "observation"
            | "observations"
            | "feedback"
            | "journal"
            | "logbook"
            | "register"
            | "registers"
    )
}

/// Record nouns that are also verbs or common words: need a determiner or
/// a modifier before them ("the register", "spelling test", "rent account").
fn record_noun_needs_modifier(w: &str) -> bool {
    matches!(
        w,
        "register"
            | "registers"
            | "log"
            | "logs"
            | "record"
            | "records"
            | "report"
            | "reports"
            | "test"
            | "tests"
            | "score"
            | "scores"
            | "scale"
            | "data"
            | "statement"
            | "statements"
            | "sheet"
            | "sheets"
            | "star"
            | "account"
            | "app"
            | "review"
            | "reviews"
            | "check"
            | "checks"
            | "book"
    )
}

fn record_modifier(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "her"
            | "his"
            | "their"
            | "my"
            | "your"
            | "our"
            | "its"
            | "this"
            | "weekly"
            | "daily"
            | "monthly"
            | "termly"
            | "fortnightly"
            | "school"
            | "attendance"
            | "class"
            | "am"
            | "pm"
            | "sleep"
            | "mood"
            | "behaviour"
            | "behavior"
            | "reading"
            | "food"
            | "medication"
            | "medicine"
            | "mar"
            | "incident"
            | "rent"
            | "bank"
            | "contact"
            | "session"
            | "keywork"
            | "keyworker"
            | "case"
            | "spelling"
            | "spellings"
            | "progress"
            | "wellbeing"
            | "outcomes"
            | "outcome"
            | "recovery"
            | "sticker"
            | "reward"
            | "tick"
            | "signing"
            | "sign"
            | "activity"
            | "exercise"
            | "money"
            | "budget"
            | "budgeting"
            | "spending"
            | "symptom"
            | "seizure"
            | "pain"
            | "phonics"
            | "maths"
            | "math"
            | "english"
            | "tables"
            | "times"
            | "driving"
            | "theory"
            | "mock"
            | "baseline"
            | "teacher"
            | "teacher's"
            | "staff"
            | "tenancy"
            | "arrears"
            | "pharmacy"
            | "gp"
            | "therapy"
            | "counselling"
            | "counseling"
            | "punctuality"
            | "communication"
            | "journal"
            | "fluid"
            | "water"
            | "step"
            | "gym"
            | "online"
            | "paper"
            | "written"
            | "end"
            | "term"
            | "annual"
            | "regular"
            | "monitoring"
            | "tracking"
            | "star"
            | "rating"
            | "anxiety"
            | "confidence"
            | "self"
            | "scaling"
            | "goal"
            | "each"
            | "every"
            | "support"
            | "youth"
            | "key"
            | "placement"
            | "review"
            | "home"
    )
}

/// Tasks that are done once, so doing them is the measure ("open a bank
/// account", "complete the housing application", "join the chess club").
fn one_off_task(base: &str, next: &str, phrase: &str) -> bool {
    match base {
        // a single appointment, not a series
        "attend" | "go" => phrase.split_whitespace().any(|w| {
            matches!(
                w,
                "appointment" | "interview" | "assessment" | "induction" | "hearing" | "viewing" | "tribunal" | "court"
            )
        }),
        "open" | "book" | "register" | "enrol" | "enroll" | "apply" | "submit" | "complete" | "pass" | "obtain"
        | "sign" | "claim" | "arrange" | "renew" | "cancel" | "refer" | "join" | "achieve" => true,
        "move" => matches!(next, "into" | "in" | "to"),
        "set" => next == "up",
        "hand" => next == "in",
        "finish" => !matches!(next, "his" | "her" | "their" | "the" | "homework" | "meals"),
        _ => false,
    }
}

fn vague_quantity(w: &str) -> bool {
    matches!(
        w,
        "regularly"
            | "often"
            | "frequently"
            | "sometimes"
            | "occasionally"
            | "more"
            | "less"
            | "fewer"
            | "most"
            | "consistently"
            | "some"
            | "several"
            | "few"
            | "many"
            | "lots"
            | "usually"
            | "generally"
            | "routinely"
            | "increasingly"
            | "enough"
            | "regular"
            | "better"
    )
}

fn vague_time(w: &str) -> bool {
    matches!(
        w,
        "ongoing" | "soon" | "eventually" | "asap" | "continuous" | "continually" | "someday"
    )
}

// ---------------------------------------------------------------------------
// Verb forms
// ---------------------------------------------------------------------------

fn irregular(w: &str) -> Option<&'static str> {
    Some(match w {
        "went" | "gone" => "go",
        "took" | "taken" => "take",
        "ate" | "eaten" => "eat",
        "drank" | "drunk" => "drink",
        "slept" => "sleep",
        "woke" | "woken" => "wake",
        "paid" => "pay",
        "told" => "tell",
        "said" => "say",
        "spoke" | "spoken" => "speak",
        "bought" => "buy",
        "swam" | "swum" => "swim",
        "ran" => "run",
        "sat" => "sit",
        "kept" => "keep",
        "met" => "meet",
        "made" => "make",
        "did" | "done" | "does" => "do",
        "left" => "leave",
        "wrote" | "written" => "write",
        "rode" | "ridden" => "ride",
        "drove" | "driven" => "drive",
        "caught" => "catch",
        "brought" => "bring",
        "wore" | "worn" => "wear",
        "spent" => "spend",
        "found" => "find",
        "chose" | "chosen" => "choose",
        "got" | "gotten" => "get",
        "rang" | "rung" => "ring",
        "gave" | "given" => "give",
        "held" => "hold",
        "sent" => "send",
        "taught" => "teach",
        "is" | "are" | "was" | "were" | "been" | "am" => "be",
        "felt" => "feel",
        "knew" | "known" => "know",
        "grew" | "grown" => "grow",
        "became" => "become",
        "built" => "build",
        "learnt" => "learn",
        "understood" => "understand",
        "drew" | "drawn" => "draw",
        "sang" | "sung" => "sing",
        "shown" => "show",
        _ => return None,
    })
}

/// The base form of `w` if any of its plausible base forms satisfies `pred`:
/// `w` itself, an irregular form, or `w` less `-s`, `-es`, `-ed`, `-ing`
/// (with the silent `e` put back, a doubled consonant undone, `-ies`/`-ied`
/// read as `-y`). Candidates are built on the stack; only a match allocates.
fn lemma(w: &str, pred: fn(&str) -> bool) -> Option<String> {
    if pred(w) {
        return Some(w.to_string());
    }
    if let Some(b) = irregular(w) {
        return pred(b).then(|| b.to_string());
    }
    if !w.is_ascii() || w.len() < 3 || w.len() > 30 {
        return None;
    }
    let mut buf = [0u8; 34];
    let mut try_form = |stem: &str, suffix: &str| -> Option<String> {
        let n = stem.len();
        let m = n + suffix.len();
        buf[..n].copy_from_slice(stem.as_bytes());
        buf[n..m].copy_from_slice(suffix.as_bytes());
        let cand = std::str::from_utf8(&buf[..m]).ok()?;
        pred(cand).then(|| cand.to_string())
    };
    let undoubled = |stem: &str| -> Option<usize> {
        let b = stem.as_bytes();
        let n = b.len();
        (n >= 3 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'a' | b'e' | b'i' | b'o' | b'u')).then_some(n - 1)
    };
    if let Some(stem) = w.strip_suffix("ing").filter(|s| s.len() >= 2) {
        try_form(stem, "")
            .or_else(|| try_form(stem, "e"))
            .or_else(|| undoubled(stem).and_then(|n| try_form(&stem[..n], "")))
            .or_else(|| stem.strip_suffix('y').and_then(|s| try_form(s, "ie")))
    } else if let Some(stem) = w.strip_suffix("ied") {
        try_form(stem, "y")
    } else if let Some(stem) = w.strip_suffix("ed").filter(|s| s.len() >= 2) {
        try_form(stem, "")
            .or_else(|| try_form(stem, "e"))
            .or_else(|| undoubled(stem).and_then(|n| try_form(&stem[..n], "")))
    } else if let Some(stem) = w.strip_suffix("ies") {
        try_form(stem, "y")
    } else if let Some(stem) = w.strip_suffix("es") {
        try_form(stem, "").or_else(|| try_form(stem, "e"))
    } else if let Some(stem) = w.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        try_form(stem, "")
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// The reader
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Use {
    Free,
    Time,
    Evidence,
    Measure,
}

struct Found {
    start: usize,
    end: usize,
}

#[derive(Default, Clone, Copy)]
struct TimeFlags {
    /// "for six months": a length of time kept up (not "the next")
    sustained: bool,
    /// "a full term", "4 consecutive weeks"
    complete: bool,
    /// "for" phrase
    duration: bool,
}

struct Reader<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    used: Vec<Use>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, toks: Vec<Tok>) -> Self {
        let used = vec![Use::Free; toks.len()];
        Reader { text, toks, used }
    }

    /// The word at `i`, or "" past the end or at punctuation.
    fn w(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) if t.kind != Kind::Punct => &t.text,
            _ => "",
        }
    }

    /// The word at `i` if no phrase has claimed it yet.
    fn free(&self, i: usize) -> &str {
        if self.used.get(i) == Some(&Use::Free) {
            self.w(i)
        } else {
            ""
        }
    }

    /// The word before `i` (n steps back), "" if none.
    fn back(&self, i: usize, n: usize) -> &str {
        if i < n { "" } else { self.w(i - n) }
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn num_kind_at(&self, i: usize) -> Option<NumKind> {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Num => Some(num_kind(&t.text)),
            _ => None,
        }
    }

    /// A number as digits or words.
    fn is_number(&self, i: usize) -> bool {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Num => true,
            Some(t) if t.kind == Kind::Word => num_word(&t.text).is_some(),
            _ => false,
        }
    }

    fn mark(&mut self, s: usize, e: usize, u: Use) {
        for slot in &mut self.used[s..e.min(self.toks.len())] {
            if *slot == Use::Free {
                *slot = u;
            }
        }
    }

    fn quote(&self, s: usize, e: usize) -> String {
        let e = e.min(self.toks.len());
        if s >= e {
            return String::new();
        }
        let raw = &self.text[self.toks[s].start..self.toks[e - 1].end];
        let mut out = String::with_capacity(raw.len());
        let mut space = false;
        for c in raw.chars() {
            if c.is_whitespace() {
                space = true;
            } else {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
        out
    }

    // -----------------------------------------------------------------------
    // Time
    // -----------------------------------------------------------------------

    /// A run of time words from `j`: returns the end of the run if it names
    /// a point or period, with what it contains.
    fn time_run(&self, j: usize) -> Option<(usize, TimeFlags, bool)> {
        let mut k = j;
        let mut anchor_end: Option<usize> = None;
        let mut flags = TimeFlags::default();
        let mut saw_number = false;
        let mut saw_endstart = false;
        let mut saw_next = false;
        let limit = j + 9;
        while k < self.toks.len() && k < limit && self.used[k] == Use::Free {
            let t = &self.toks[k];
            match t.kind {
                Kind::Punct | Kind::Sym => break,
                Kind::Num => match num_kind(&t.text) {
                    NumKind::Date | NumKind::Year | NumKind::Ordinal => anchor_end = Some(k + 1),
                    NumKind::Plain => {
                        let prev = self.back(k, 1);
                        let labelled = matches!(
                            prev,
                            "year" | "yr" | "stage" | "week" | "age" | "term" | "month" | "day"
                        ) || (prev == "of" && self.back(k, 2) == "age");
                        if labelled {
                            anchor_end = Some(k + 1);
                        } else {
                            saw_number = true;
                        }
                    }
                    _ => break,
                },
                Kind::Word => {
                    let w = t.text.as_str();
                    let prev = if k > j { self.back(k, 1) } else { "" };
                    // "four days a week": a per-period tail ends the run
                    if anchor_end == Some(k) && matches!(w, "a" | "an" | "per" | "each" | "every") {
                        break;
                    }
                    if num_word(w).is_some() {
                        if matches!(prev, "year" | "stage" | "age" | "week" | "term") {
                            anchor_end = Some(k + 1);
                        } else {
                            saw_number = true;
                        }
                    } else if matches!(w, "day" | "days") {
                        if saw_number {
                            anchor_end = Some(k + 1);
                        } else if !time_filler(w) {
                            break;
                        }
                    } else if w == "year" && matches!(self.w(k + 1), "group") {
                        break;
                    } else if time_anchor_word(w) || (time_container(w) && saw_endstart) {
                        anchor_end = Some(k + 1);
                    } else if time_filler(w) {
                        // keep going
                    } else if matches!(w, "moving" | "move") && saw_endstart {
                        anchor_end = Some(k + 1);
                    } else {
                        break;
                    }
                    if matches!(w, "end" | "start" | "beginning" | "close" | "completion") {
                        saw_endstart = true;
                    }
                    if matches!(w, "next" | "coming" | "following" | "rest" | "remainder") {
                        saw_next = true;
                    }
                    if matches!(w, "full" | "whole" | "entire" | "consecutive") {
                        flags.complete = true;
                    }
                }
            }
            k += 1;
        }
        let end = anchor_end?;
        // "months' time"
        let end = if self.w(end) == "time" && self.used.get(end) == Some(&Use::Free) {
            end + 1
        } else {
            end
        };
        flags.sustained = !saw_next;
        Some((end, flags, saw_endstart || saw_next))
    }

    /// True when a per-period tail follows ("a week", "per month"), which
    /// makes the phrase a frequency rather than a time frame.
    fn frequency_tail(&self, i: usize) -> bool {
        matches!(self.w(i), "a" | "an" | "per" | "each" | "every" | "/")
            && (long_period(self.w(i + 1)) || matches!(self.w(i + 1), "day" | "night" | "school" | "other"))
    }

    /// "before she moves on", "until he leaves school".
    fn transition(&self, i: usize) -> Option<usize> {
        for k in i + 1..(i + 5).min(self.toks.len()) {
            let w = self.free(k);
            if w.is_empty() {
                return None;
            }
            let next = self.w(k + 1);
            let hit = match lemma(w, |b| {
                matches!(
                    b,
                    "move"
                        | "transition"
                        | "transfer"
                        | "leave"
                        | "start"
                        | "finish"
                        | "turn"
                        | "reach"
                        | "go"
                        | "begin"
                )
            })
            .as_deref()
            {
                Some("move" | "transition" | "transfer") => true,
                Some("leave" | "finish") => matches!(
                    next,
                    "school"
                        | "care"
                        | "college"
                        | "university"
                        | "hospital"
                        | "the"
                        | "supported"
                        | "year"
                        | "primary"
                        | "foster"
                ),
                Some("start" | "go" | "begin") => {
                    matches!(
                        next,
                        "secondary"
                            | "college"
                            | "university"
                            | "year"
                            | "sixth"
                            | "work"
                            | "an"
                            | "her"
                            | "his"
                            | "their"
                            | "independent"
                            | "reception"
                            | "nursery"
                            | "high"
                            | "to"
                    ) && !(next == "to" && matches!(self.w(k + 2), "school" | "bed" | "work"))
                }
                Some("turn" | "reach") => self.is_number(k + 1) || self.w(k + 1) == "adulthood",
                _ => matches!(w, "secondary" | "adulthood" | "discharge" | "transition"),
            };
            if hit {
                let mut e = k + 1;
                while e < self.toks.len() && e < k + 3 && !self.free(e).is_empty() && !stop_word(self.free(e))
                    || matches!(self.free(e), "on" | "out" | "to" | "up" | "of") && e < k + 3
                {
                    e += 1;
                }
                // don't end on a connector
                while e > k + 1 && matches!(self.w(e - 1), "to" | "of") {
                    e -= 1;
                }
                return Some(e);
            }
        }
        None
    }

    /// Try to read a time frame starting at `i`.
    fn time_at(&self, i: usize) -> Option<(usize, TimeFlags)> {
        let w = self.free(i);
        let plain = |e: usize| Some((e, TimeFlags::default()));
        match w {
            "by" | "before" | "until" | "till" | "til" | "unto" => {
                let j = i + 1;
                if self.clock_at(j).is_some() {
                    return None;
                }
                if w == "by" && self.w(j) == "the" && self.w(j + 1) == "time" {
                    let mut e = j + 2;
                    while e < self.toks.len()
                        && e < j + 7
                        && !self.free(e).is_empty()
                        && !matches!(
                            self.w(e),
                            "will" | "can" | "should" | "must" | "to" | "and" | "as" | "so"
                        )
                    {
                        e += 1;
                    }
                    return plain(e);
                }
                if let Some((e, _, _)) = self.time_run(j) {
                    // "by Friday each week" is a recurring deadline
                    if matches!(self.w(e), "each" | "every") {
                        return None;
                    }
                    // "improve her reading age by 12 months" is an amount of change
                    let change = (i.saturating_sub(5)..i).any(|k| {
                        lemma(self.w(k), |b| {
                            matches!(
                                b,
                                "improve"
                                    | "increase"
                                    | "reduce"
                                    | "decrease"
                                    | "rise"
                                    | "raise"
                                    | "fall"
                                    | "grow"
                                    | "progress"
                                    | "drop"
                                    | "lower"
                                    | "cut"
                            )
                        })
                        .is_some()
                    });
                    if w == "by" && change && self.is_number(j) {
                        return None;
                    }
                    return plain(e);
                }
                if w != "by" {
                    return self.transition(i).and_then(plain);
                }
                None
            }
            "no" if self.w(i + 1) == "later" && self.w(i + 2) == "than" => {
                self.time_run(i + 3).and_then(|(e, _, _)| plain(e))
            }
            "prior" | "ahead" if matches!(self.w(i + 1), "to" | "of") => {
                self.time_run(i + 2).and_then(|(e, _, _)| plain(e))
            }
            "within" | "over" | "during" | "throughout" | "after" | "in" | "for" | "across" => {
                let mut j = i + 1;
                if w == "for" || w == "within" || w == "over" {
                    // "for at least 6 months", "for a minimum of 12 weeks"
                    match (self.w(j), self.w(j + 1), self.w(j + 2)) {
                        ("at", "least", _) => j += 2,
                        ("a", "minimum" | "maximum" | "period", "of") => j += 3,
                        ("up", "to", _) => j += 2,
                        ("no", "more" | "less", "than") => j += 3,
                        ("more" | "less", "than", _) => j += 2,
                        _ => {}
                    }
                }
                if w == "in" && matches!(self.w(j), "a" | "an" | "each" | "every") && !self.w(j + 1).is_empty() {
                    // "twice in a week" is a frequency
                    return None;
                }
                let (e, mut flags, _) = self.time_run(j)?;
                if self.frequency_tail(e) {
                    return None;
                }
                // "after" needs a number or a named point ("after 6 weeks")
                if w == "after" && !(i + 1..e).any(|k| self.is_number(k) || month_name(self.w(k))) {
                    return None;
                }
                let mut e = e;
                // "within 6 weeks of moving in"
                if w == "within" && self.w(e) == "of" && !self.free(e + 1).is_empty() {
                    e += 2;
                    if matches!(self.free(e), "in" | "on" | "out" | "into") {
                        e += 1;
                    }
                }
                if matches!(self.w(e), "in") && self.w(e + 1) == "a" && self.w(e + 2) == "row" {
                    flags.complete = true;
                    e += 3;
                }
                flags.duration = w == "for" || w == "over" || w == "throughout";
                if !flags.duration {
                    flags.sustained = false;
                }
                Some((e, flags))
            }
            "at" => {
                let (e, _, strong) = self.time_run(i + 1)?;
                let dated = (i + 1..e).any(|k| {
                    matches!(
                        self.num_kind_at(k),
                        Some(NumKind::Date | NumKind::Year | NumKind::Ordinal)
                    ) || month_name(self.w(k))
                        || matches!(self.w(k), "annual" | "final" | "interim" | "six" | "first")
                });
                (strong || dated).then_some((e, TimeFlags::default()))
            }
            "this" | "next" | "end" | "start" | "beginning" | "mid" => {
                if matches!(self.back(i, 1), "the" | "of") && w != "end" && w != "start" {
                    return None;
                }
                let (e, _, _) = self.time_run(i)?;
                if self.frequency_tail(e) {
                    return None;
                }
                plain(e)
            }
            "from" => {
                let (e, _, _) = self.time_run(i + 1)?;
                if matches!(self.w(e), "to" | "until" | "till" | "-")
                    && let Some((e2, _, _)) = self.time_run(e + 1)
                {
                    return plain(e2);
                }
                None
            }
            "between" if self.w(i + 1) == "now" && self.w(i + 2) == "and" => {
                self.time_run(i + 3).and_then(|(e, _, _)| plain(e))
            }
            _ => None,
        }
    }

    /// A written date anywhere: "31/03/2027", "31 March 2027", "March 2027",
    /// "31st March", "summer 2027". Returns (start, end).
    fn date_at(&self, i: usize) -> Option<(usize, usize)> {
        if self.used[i] != Use::Free {
            return None;
        }
        let nk = self.num_kind_at(i);
        if nk == Some(NumKind::Date) {
            return Some((i, i + 1));
        }
        let w = self.w(i);
        let day_before = |k: usize| {
            k > 0
                && self.used[k - 1] == Use::Free
                && matches!(self.num_kind_at(k - 1), Some(NumKind::Plain | NumKind::Ordinal))
                && self.toks[k - 1].text.len() <= 4
        };
        let num_after = |k: usize| {
            self.used.get(k + 1) == Some(&Use::Free)
                && matches!(
                    self.num_kind_at(k + 1),
                    Some(NumKind::Year | NumKind::Ordinal | NumKind::Plain)
                )
                && self.toks[k + 1].text.len() <= 4
        };
        if month_name(w) || (season(w) && self.num_kind_at(i + 1) == Some(NumKind::Year)) {
            let s = if day_before(i) { i - 1 } else { i };
            let mut e = i + 1;
            if num_after(i) {
                e = i + 2;
                if self.num_kind_at(e) == Some(NumKind::Year) {
                    e += 1;
                }
            }
            if e - s >= 2 {
                return Some((s, e));
            }
        }
        if nk == Some(NumKind::Year) {
            let prev = self.back(i, 1);
            let next_is_end = self.w(i + 1).is_empty();
            if next_is_end
                || season(prev)
                || matches!(
                    prev,
                    "term" | "in" | "by" | "until" | "before" | "of" | "since" | "year"
                )
            {
                return Some((i, i + 1));
            }
        }
        None
    }

    fn find_time(&mut self) -> (Vec<Found>, Option<Found>, Option<Found>) {
        let mut spans = Vec::new();
        let mut sustained = None;
        let mut complete = None;
        let mut i = 0;
        while i < self.toks.len() {
            if let Some((e, flags)) = self.time_at(i) {
                let e = e.max(i + 1);
                self.mark(i, e, Use::Time);
                if flags.duration && flags.sustained && sustained.is_none() {
                    sustained = Some(Found { start: i, end: e });
                }
                if flags.complete && complete.is_none() {
                    complete = Some(Found { start: i, end: e });
                }
                spans.push(Found { start: i, end: e });
                i = e;
            } else {
                i += 1;
            }
        }
        for i in 0..self.toks.len() {
            if let Some((s, e)) = self.date_at(i) {
                self.mark(s, e, Use::Time);
                spans.push(Found { start: s, end: e });
            }
        }
        spans.sort_by_key(|f| f.start);
        (spans, sustained, complete)
    }

    // -----------------------------------------------------------------------
    // Evidence
    // -----------------------------------------------------------------------

    /// Extend a noun phrase to the right from `j` (up to 6 words).
    fn noun_phrase(&self, j: usize) -> usize {
        let mut e = j;
        while e < self.toks.len() && e < j + 6 {
            let w = self.free(e);
            if w.is_empty()
                || self.is_number(e)
                || (e > j && stop_word(w) && !matches!(w, "the" | "her" | "his" | "their" | "of"))
                || matches!(w, "and" | "or" | "so" | "each" | "every" | "to")
                || (e > j && frequency_adverb(w) && (self.free(e + 1).is_empty() || stop_word(self.free(e + 1))))
                || (e > j && participle_evidence(w))
            {
                break;
            }
            e += 1;
        }
        while e > j && matches!(self.w(e - 1), "the" | "her" | "his" | "their" | "of" | "a") {
            e -= 1;
        }
        // "logged daily"
        if frequency_adverb(self.free(e)) && matches!(self.free(e), "daily" | "weekly" | "monthly") {
            e += 1;
        }
        e
    }

    fn evidence_at(&self, i: usize) -> Option<(usize, usize)> {
        let w = self.free(i);
        if w.is_empty() {
            return None;
        }
        let prev = self.back(i, 1);
        let next = self.w(i + 1);
        // "as shown by …", "measured by …", "will be recorded"
        if participle_evidence(w) {
            let after_be = matches!(
                prev,
                "be" | "is" | "are" | "was" | "been" | "being" | "as" | "get" | "gets"
            );
            let with_prep = evidence_prep(next) && self.free(i + 1) == next;
            if w == "seen" && prev != "as" {
                return None;
            }
            if with_prep || after_be {
                let s = if prev == "as" { i - 1 } else { i };
                let e = if with_prep {
                    let j = i + 2;
                    if frequency_adverb(next) || matches!(next, "regularly") {
                        i + 2
                    } else if matches!(next, "each" | "every") {
                        // "reviewed each week"
                        i + 3
                    } else {
                        self.noun_phrase(j).max(j)
                    }
                } else {
                    i + 1
                };
                return Some((s, e));
            }
            return None;
        }
        if w == "according" && next == "to" {
            return Some((i, self.noun_phrase(i + 2).max(i + 2)));
        }
        // self-report: "self-report", "reports feeling safer"
        if w == "self" && lemma(next, |b| b == "report" || b == "rating").is_some() {
            return Some((i, i + 2));
        }
        if matches!(w, "reports" | "report" | "reporting")
            && !is_determiner(prev)
            && !record_modifier(prev)
            && matches!(
                next,
                "feeling"
                    | "feelings"
                    | "that"
                    | "being"
                    | "fewer"
                    | "less"
                    | "no"
                    | "improved"
                    | "sleeping"
                    | "she"
                    | "he"
                    | "they"
                    | "her"
                    | "his"
                    | "their"
                    | "a"
            )
        {
            return Some((i, i + 2));
        }
        // "on the weekly review", "at each keywork session"
        if matches!(w, "on" | "at" | "in")
            && let Some(e) = self.review_phrase(i + 1)
        {
            return Some((i, e));
        }
        // record nouns: "the attendance register", "sleep diary", "rent account"
        let needs_mod = record_noun_needs_modifier(w);
        if record_noun(w) || needs_mod {
            if w == "account" && prev != "rent" {
                return None;
            }
            if matches!(w, "review" | "reviews" | "book" | "check" | "checks" | "star")
                && !matches!(
                    prev,
                    "weekly"
                        | "monthly"
                        | "termly"
                        | "keywork"
                        | "regular"
                        | "fortnightly"
                        | "daily"
                        | "outcomes"
                        | "wellbeing"
                        | "recovery"
                        | "reading"
                        | "contact"
                        | "home"
                        | "communication"
                )
            {
                return None;
            }
            if needs_mod && !record_noun(w) && (!record_modifier(prev) || self.free(i - 1) != prev) {
                return None;
            }
            if matches!(w, "register" | "registers") && !record_modifier(prev) {
                return None;
            }
            // walk back over modifiers
            let mut s = i;
            while s > 0 && s + 3 > i && self.used[s - 1] == Use::Free && record_modifier(self.w(s - 1)) {
                s -= 1;
            }
            if s > 0
                && self.used[s - 1] == Use::Free
                && matches!(self.w(s - 1), "on" | "in" | "using" | "via" | "from" | "through")
            {
                s -= 1;
            }
            let mut e = i + 1;
            // "scale of 1-10", "rent account shows"
            if self.w(e) == "of" && self.is_number(e + 1) {
                e += 2;
                while matches!(self.w(e), "to" | "-") && self.is_number(e + 1) {
                    e += 2;
                }
            }
            if matches!(self.free(e), "shows" | "show" | "showing") {
                e += 1;
            }
            return Some((s, e));
        }
        None
    }

    /// "the weekly review", "each keywork session", "her monthly tenancy check".
    fn review_phrase(&self, j: usize) -> Option<usize> {
        let mut k = j;
        let mut regular = false;
        while k < self.toks.len() && k < j + 4 {
            let w = self.free(k);
            match w {
                "the" | "her" | "his" | "their" | "a" | "an" => {}
                "weekly" | "monthly" | "termly" | "fortnightly" | "daily" | "each" | "every" | "regular"
                | "keywork" | "keyworker" | "key" | "support" | "tenancy" | "progress" | "mentoring" | "therapy"
                | "counselling" | "supervision" => regular = true,
                "review" | "reviews" | "check" | "checks" | "meeting" | "meetings" | "session" | "sessions"
                | "visit" | "visits" | "supervisions" | "appointment" | "appointments" => {
                    return (regular
                        && (!matches!(w, "session" | "sessions" | "appointment" | "appointments")
                            || matches!(self.w(k - 1), "keywork" | "review" | "progress")))
                    .then_some(k + 1);
                }
                _ => return None,
            }
            k += 1;
        }
        None
    }

    /// Self-rating ("rates her anxiety", "scores her mood"): a means of
    /// measuring that is also the action, so it is not claimed.
    fn self_rating(&self) -> Option<(usize, usize)> {
        (0..self.toks.len()).find_map(|i| {
            let w = self.free(i);
            lemma(w, |b| matches!(b, "rate" | "score"))?;
            let mut k = i + 1;
            if matches!(self.w(k), "her" | "his" | "their" | "my" | "own") {
                k += 1;
            }
            matches!(
                self.w(k),
                "mood"
                    | "anxiety"
                    | "confidence"
                    | "wellbeing"
                    | "pain"
                    | "sleep"
                    | "feelings"
                    | "worry"
                    | "worries"
                    | "stress"
                    | "self"
                    | "happiness"
                    | "safety"
                    | "anger"
                    | "energy"
                    | "fatigue"
                    | "low"
            )
            .then_some((i, k + 1))
        })
    }

    fn find_evidence(&mut self) -> Vec<Found> {
        let mut spans = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            if let Some((s, e)) = self.evidence_at(i) {
                let e = e.max(i + 1);
                self.mark(s, e, Use::Evidence);
                spans.push(Found { start: s, end: e });
                i = e;
            } else {
                i += 1;
            }
        }
        if let Some((s, e)) = self.self_rating() {
            spans.push(Found { start: s, end: e });
        }
        spans.sort_by_key(|f| f.start);
        spans
    }

    // -----------------------------------------------------------------------
    // Measurable
    // -----------------------------------------------------------------------

    /// A clock time at `i` ("10pm", "10:30", "9 am", "midnight").
    fn clock_at(&self, i: usize) -> Option<usize> {
        match self.num_kind_at(i) {
            Some(NumKind::Clock) => Some(i + 1),
            Some(NumKind::Plain) if matches!(self.w(i + 1), "am" | "pm" | "o'clock") => Some(i + 2),
            Some(NumKind::Plain) if self.w(i + 1) == "o" && self.w(i + 2).starts_with("clock") => Some(i + 3),
            _ if matches!(self.w(i), "midnight" | "noon" | "midday") => Some(i + 1),
            _ => None,
        }
    }

    /// "two-step": a number joined by a hyphen to the next word.
    fn hyphen_joined(&self, i: usize) -> bool {
        match (self.toks.get(i), self.toks.get(i + 1)) {
            (Some(a), Some(b)) if a.end < b.start => {
                let mut between = self.text[a.end..b.start].chars().map(norm_char);
                between.next() == Some('-') && between.next().is_none()
            }
            _ => false,
        }
    }

    /// Is the number at `i` an amount (not a label such as "year 4")?
    fn quantity_at(&self, i: usize) -> bool {
        let prev = self.back(i, 1);
        // "two-step instruction" is a description; "20-minute walk" is an amount
        if self.hyphen_joined(i) {
            let unit = self.w(i + 1);
            let is_unit = long_period(unit)
                || matches!(
                    unit,
                    "minute"
                        | "minutes"
                        | "min"
                        | "mins"
                        | "hour"
                        | "hours"
                        | "hr"
                        | "second"
                        | "seconds"
                        | "day"
                        | "days"
                        | "night"
                        | "nights"
                        | "mile"
                        | "miles"
                        | "km"
                        | "metre"
                        | "metres"
                        | "meter"
                        | "meters"
                        | "page"
                        | "pages"
                        | "point"
                        | "session"
                        | "word"
                        | "piece"
                );
            if !is_unit {
                return false;
            }
        }
        let label = matches!(
            prev,
            "year"
                | "yr"
                | "stage"
                | "ks"
                | "step"
                | "phase"
                | "room"
                | "page"
                | "chapter"
                | "unit"
                | "module"
                | "box"
                | "tier"
                | "number"
                | "no"
                | "session"
                | "week"
                | "version"
                | "part"
                | "section"
                | "wave"
                | "flat"
                | "class"
                | "priority"
                | "y"
        );
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Num => {
                !label
                    && matches!(num_kind(&t.text), NumKind::Plain | NumKind::Fraction | NumKind::Year)
                    && !(num_kind(&t.text) == NumKind::Fraction && matches!(prev, "by" | "on" | "before" | "until"))
            }
            Some(t) if t.kind == Kind::Word => {
                let w = t.text.as_str();
                if num_word(w).is_none() || label {
                    return false;
                }
                let next = self.w(i + 1);
                if w == "one" {
                    if prev == "no" || prev == "any" || prev == "every" || prev == "each" {
                        return false;
                    }
                    if matches!(next, "to" | "on") && self.w(i + 2) == "one" {
                        return false;
                    }
                    if next == "day" && !self.frequency_tail(i + 2) {
                        return false;
                    }
                    if next == "of" && !matches!(prev, "least" | "than") {
                        return false;
                    }
                    if matches!(next, "another" | "thing" | "who" | "that") {
                        return false;
                    }
                }
                if w == "zero" && next == "tolerance" {
                    return false;
                }
                true
            }
            _ => false,
        }
    }

    fn extend_left(&self, s: usize) -> usize {
        let mut s = s;
        let f = |k: usize, n: usize| -> &str { if k < n { "" } else { self.free(k - n) } };
        let mut threshold = false;
        for _ in 0..3 {
            let (p1, p2, p3) = (f(s, 1), f(s, 2), f(s, 3));
            if p2 == "at" && matches!(p1, "least" | "most") {
                s -= 2;
                threshold = true;
            } else if p1 == "than" && matches!(p2, "more" | "less" | "fewer" | "greater" | "higher" | "lower") {
                s -= if matches!(p3, "no" | "not") { 3 } else { 2 };
                threshold = true;
            } else if p2 == "up" && p1 == "to" {
                s -= 2;
                threshold = true;
            } else if p1 == "of" && matches!(p2, "minimum" | "maximum" | "total" | "average") {
                s -= if p3 == "a" || p3 == "an" { 3 } else { 2 };
                threshold = true;
            } else if matches!(
                p1,
                "over"
                    | "under"
                    | "above"
                    | "below"
                    | "approximately"
                    | "about"
                    | "around"
                    | "roughly"
                    | "exactly"
                    | "only"
                    | "just"
                    | "nearly"
                    | "almost"
                    | "minimum"
                    | "maximum"
            ) {
                s -= 1;
                threshold = true;
            } else if !threshold && matches!(p1, "on" | "in" | "for" | "within" | "by" | "before" | "until") {
                s -= 1;
                break;
            } else if p1 == "£" || p1 == "$" || p1 == "€" {
                s -= 1;
            } else {
                break;
            }
        }
        s
    }

    fn extend_right(&self, e: usize) -> usize {
        const MAX_NOUNS: u32 = 3;
        let mut e = e;
        let mut nouns = 0;
        let mut last_was_number = true;
        let content = |k: usize| {
            let w = self.free(k);
            !w.is_empty() && !stop_word(w) && !vague_verb(w) && !vague_quantity(w)
        };
        for _ in 0..16 {
            let w = self.free(e);
            if w.is_empty() {
                break;
            }
            let n1 = self.free(e + 1);
            if self.is_number(e) || self.clock_at(e).is_some() {
                e += 1;
                last_was_number = true;
                continue;
            }
            if matches!(w, "%" | "percent" | "+" | "x" | "times" | "time" | "pounds" | "p") {
                e += 1;
                last_was_number = false;
                continue;
            }
            if w == "per" && n1 == "cent" {
                e += 2;
                continue;
            }
            if matches!(w, "or" | "to" | "and" | "-" | "/" | "in" | "of") && self.is_number(e + 1) {
                e += 2;
                last_was_number = true;
                continue;
            }
            // "5 or lower", "3 or more"
            if w == "or"
                && matches!(
                    n1,
                    "lower" | "less" | "fewer" | "more" | "higher" | "above" | "below" | "under" | "over" | "better"
                )
            {
                e += 2;
                continue;
            }
            if w == "out" && n1 == "of" {
                e += 2;
                continue;
            }
            if matches!(w, "a" | "an" | "per" | "each" | "every" | "/")
                && !n1.is_empty()
                && (long_period(n1)
                    || weekday(n1)
                    || matches!(n1, "other" | "school" | "single" | "half")
                    || !stop_word(n1))
            {
                e += 2;
                if matches!(self.w(e - 1), "other" | "school" | "single" | "half") && !self.free(e).is_empty() {
                    e += 1;
                }
                last_was_number = false;
                nouns = MAX_NOUNS;
                continue;
            }
            if w == "in" && n1 == "a" && self.free(e + 2) == "row" {
                e += 3;
                continue;
            }
            if w == "of" && nouns < MAX_NOUNS {
                // "80% of the time", "80% of his CAMHS appointments", "6 glasses of water"
                let mut k = e + 1;
                if matches!(n1, "the" | "her" | "his" | "their" | "my" | "your") {
                    k += 1;
                }
                if self.free(k) == "time" {
                    e = k + 1;
                    continue;
                }
                if content(k) {
                    e = k + 1;
                    nouns += 1;
                    while nouns < MAX_NOUNS && content(e) {
                        e += 1;
                        nouns += 1;
                    }
                    continue;
                }
            }
            if matches!(w, "consecutive" | "running" | "straight" | "correct" | "correctly") {
                e += 1;
                continue;
            }
            if (last_was_number || nouns > 0) && nouns < MAX_NOUNS && content(e) {
                e += 1;
                nouns += 1;
                last_was_number = false;
                continue;
            }
            break;
        }
        while e > 0
            && matches!(
                self.w(e - 1),
                "a" | "an" | "of" | "in" | "per" | "each" | "every" | "or" | "to" | "and" | "out" | "the" | "/" | "-"
            )
        {
            e -= 1;
        }
        e
    }

    /// An amount starting at `i`: returns (start, end).
    fn measure_at(&self, i: usize) -> Option<(usize, usize)> {
        let w = self.free(i);
        if w.is_empty() {
            return None;
        }
        let prev = self.back(i, 1);
        let next = self.w(i + 1);
        let next_free = self.free(i + 1);
        // clock times: "by 10pm", "before 9:30"
        if let Some(e) = self.clock_at(i) {
            if matches!(w, "midnight" | "noon" | "midday")
                && !matches!(prev, "by" | "before" | "until" | "at" | "after")
            {
                return None;
            }
            let s = if matches!(prev, "by" | "before" | "until" | "at" | "after" | "from") && self.free(i - 1) == prev {
                i - 1
            } else {
                i
            };
            return Some((s, self.extend_right(e)));
        }
        // "£20"
        if matches!(w, "£" | "$" | "€") && self.kind(i + 1) == Some(Kind::Num) {
            return Some((self.extend_left(i), self.extend_right(i + 2)));
        }
        if self.quantity_at(i) {
            // "Level 3", "grade 4", "band 5" are thresholds
            let s = if matches!(prev, "level" | "grade" | "band" | "levels" | "grades") && self.free(i - 1) == prev {
                i - 1
            } else {
                i
            };
            return Some((self.extend_left(s), self.extend_right(i + 1)));
        }
        // "half an hour", "an hour a day"
        if w == "half" && matches!(next, "of" | "an" | "a" | "the") {
            return Some((self.extend_left(i), self.extend_right(i + 1)));
        }
        if matches!(w, "an" | "a") && matches!(next, "hour" | "minute" | "quarter") {
            return Some((self.extend_left(i), self.extend_right(i + 2)));
        }
        if frequency_adverb(w) {
            // "daily living skills" names an area, not a frequency
            if w == "daily" && matches!(next, "living" | "life" | "tasks" | "routine") {
                return None;
            }
            return Some((self.extend_left(i), i + 1));
        }
        if weekday_plural(w) {
            let mut e = i + 1;
            while matches!(self.free(e), "and" | "or") && weekday_plural(self.free(e + 1)) {
                e += 2;
            }
            let s = if matches!(prev, "on" | "at") && self.free(i - 1) == prev {
                i - 1
            } else {
                i
            };
            return Some((s, e));
        }
        match w {
            "every" | "each" => {
                let mut e = i + 1;
                if matches!(next_free, "other" | "single" | "school") {
                    e += 1;
                }
                if self.free(e) == "of" {
                    e += 1;
                    if matches!(self.free(e), "the" | "her" | "his" | "their") {
                        e += 1;
                    }
                }
                let n = self.free(e);
                if n.is_empty() || (stop_word(n) && !matches!(n, "time")) {
                    return None;
                }
                e += 1;
                // "each counselling session", "every weekly CBT session"
                if !weekday(n) && n != "time" {
                    for _ in 0..2 {
                        let m = self.free(e);
                        if m.is_empty() || stop_word(m) || action_verb(m) || vague_verb(m) {
                            break;
                        }
                        e += 1;
                    }
                }
                // "every Monday and Thursday"
                if matches!(self.free(e), "and" | "or") && weekday(self.free(e + 1)) {
                    e += 2;
                }
                if matches!(self.free(e), "morning" | "evening" | "night" | "day" | "lesson")
                    && (weekday(n) || n == "school")
                {
                    e += 1;
                }
                Some((self.extend_left(i), e))
            }
            "all" | "both" => {
                if prev == "at" || matches!(next, "right" | "over" | "along") {
                    return None;
                }
                let mut e = i + 1;
                if self.free(e) == "of" {
                    e += 1;
                }
                if matches!(self.free(e), "the" | "her" | "his" | "their" | "my" | "your") {
                    e += 1;
                }
                let n = self.free(e);
                if n.is_empty() || stop_word(n) || vague_verb(n) {
                    return None;
                }
                e += 1;
                // "all his tenancy sustainment appointments"
                for _ in 0..2 {
                    let m = self.free(e);
                    if m.is_empty() || stop_word(m) || action_verb(m) || vague_verb(m) {
                        break;
                    }
                    e += 1;
                }
                Some((i, e))
            }
            "full" | "whole" | "entire" => {
                let n = next_free;
                if long_period(n)
                    || matches!(
                        n,
                        "day"
                            | "days"
                            | "lesson"
                            | "lessons"
                            | "session"
                            | "sessions"
                            | "school"
                            | "amount"
                            | "rent"
                            | "payment"
                            | "course"
                            | "programme"
                            | "program"
                            | "dose"
                            | "week's"
                            | "timetable"
                            | "meal"
                    )
                {
                    let s = if matches!(prev, "a" | "the") && self.free(i - 1) == prev {
                        i - 1
                    } else {
                        i
                    };
                    let mut e = i + 2;
                    if n == "school" && matches!(self.free(e), "day" | "week" | "days") {
                        e += 1;
                    }
                    return Some((s, e));
                }
                if w == "full" && prev == "in" && self.free(i - 1) == "in" {
                    return Some((i - 1, i + 1));
                }
                None
            }
            "on" if next_free == "time" => Some((i, i + 2)),
            "in" if next_free == "full" => Some((i, i + 2)),
            "no" if zero_noun(next_free) => {
                let mut e = i + 2;
                if !self.free(e).is_empty() && !stop_word(self.free(e)) {
                    e += 1;
                    if self.free(e) == "harm" || self.free(e) == "term" {
                        e += 1;
                    }
                }
                Some((i, e))
            }
            "without" if matches!(next_free, "missing" | "any" | "fail") => {
                if next_free == "fail" {
                    return Some((i, i + 2));
                }
                let mut e = i + 2;
                for _ in 0..3 {
                    let n = self.free(e);
                    if n.is_empty() || (stop_word(n) && !matches!(n, "a" | "an" | "single")) {
                        break;
                    }
                    e += 1;
                }
                Some((i, e))
            }
            "hour" | "hours" | "minute" | "minutes" if matches!(prev, "an" | "half" | "quarter") => None,
            _ => {
                // "clear her arrears", "pay off the debt", "repay"
                if lemma(w, |b| matches!(b, "clear" | "repay")).is_some()
                    || (lemma(w, |b| b == "pay").is_some() && next == "off")
                {
                    for k in i + 1..(i + 5).min(self.toks.len()) {
                        let n = self.free(k);
                        if matches!(n, "arrears" | "debt" | "debts" | "balance" | "loan" | "fine") {
                            return Some((i, k + 1));
                        }
                        if n.is_empty() {
                            break;
                        }
                    }
                }
                None
            }
        }
    }

    fn find_measures(&mut self) -> Vec<Found> {
        let mut spans = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            if let Some((s, e)) = self.measure_at(i) {
                let e = e.max(i + 1);
                self.mark(s, e, Use::Measure);
                spans.push(Found { start: s, end: e });
                i = e;
            } else {
                i += 1;
            }
        }
        spans
    }

    // -----------------------------------------------------------------------
    // Specific
    // -----------------------------------------------------------------------

    fn available(&self, i: usize) -> &str {
        match self.used.get(i) {
            Some(Use::Free | Use::Measure) => self.w(i),
            _ => "",
        }
    }

    /// An observable action at `i`: returns the end of the quoted phrase.
    fn action_at(&self, i: usize) -> Option<(usize, String)> {
        let w = self.available(i);
        if w.is_empty() || self.kind(i) != Some(Kind::Word) {
            return None;
        }
        if matches!(w, "referral" | "referrals") {
            return Some((i + 1, "refer".to_string()));
        }
        let base = lemma(w, action_verb)?;
        let verb_is_measure = self.used[i] == Use::Measure;
        let prev = self.back(i, 1);
        let next = self.w(i + 1);
        let next2 = self.w(i + 2);
        let inflected_ing = w.ends_with("ing") && !base.ends_with("ing");
        let is_s_form = w.ends_with('s') && !base.ends_with('s');
        // a verb after a determiner or possessive is a noun ("his reading")
        if is_determiner(prev)
            || prev.ends_with("'s")
            || noun_modifier(prev)
            || lemma(prev, vague_verb).is_some_and(|v| v != "be" && v != "get" && v != "learn")
        {
            return None;
        }
        if prev == "her" && (inflected_ing || is_s_form || next == "of") {
            return None;
        }
        // "improve her sleep", "support their learning"
        if matches!(prev, "her" | "him" | "them")
            && lemma(self.back(i, 2), vague_verb).is_some_and(|v| v != "help" && v != "be")
        {
            return None;
        }
        if inflected_ing
            && matches!(
                next,
                "skills"
                    | "skill"
                    | "ability"
                    | "abilities"
                    | "age"
                    | "level"
                    | "levels"
                    | "confidence"
                    | "habits"
                    | "book"
                    | "books"
                    | "group"
                    | "club"
                    | "programme"
                    | "time"
                    | "record"
                    | "diary"
                    | "log"
                    | "list"
            )
        {
            return None;
        }
        if matches!(next, "of") && !matches!(base.as_str(), "take" | "think" | "look") {
            // "use of", "record of"
            if is_s_form || inflected_ing || base == w {
                return None;
            }
        }
        // the object, skipping a determiner
        let obj = if matches!(
            next,
            "a" | "an" | "the" | "his" | "her" | "their" | "my" | "your" | "our" | "more" | "some" | "own" | "to"
        ) {
            next2
        } else {
            next
        };
        if vague_object(&base, next) || vague_object(&base, obj) {
            return None;
        }
        let ok = if phrase_only_verb(&base) {
            match base.as_str() {
                "get" => {
                    matches!(next, "up" | "dressed" | "to" | "out" | "washed" | "ready" | "changed")
                        && !(next == "to" && matches!(next2, "know" | "grips"))
                }
                "be" => {
                    (matches!(next, "on" | "ready" | "dressed" | "present" | "home" | "back" | "up")
                        && (next != "on" || next2 == "time"))
                        || (matches!(next, "in" | "at")
                            && matches!(next2, "bed" | "school" | "class" | "college" | "work"))
                }
                "turn" => matches!(next, "up" | "off"),
                // "have a 1:1 session", "have a blood test", "have breakfast"
                "have" => (i + 1..(i + 5).min(self.toks.len())).any(|k| {
                    matches!(
                        self.w(k),
                        "session"
                            | "sessions"
                            | "meeting"
                            | "meetings"
                            | "appointment"
                            | "appointments"
                            | "test"
                            | "check"
                            | "review"
                            | "conversation"
                            | "shower"
                            | "bath"
                            | "breakfast"
                            | "lunch"
                            | "dinner"
                            | "meal"
                            | "meals"
                            | "call"
                            | "visit"
                            | "injection"
                            | "vaccination"
                            | "scan"
                    )
                }),
                "hand" => matches!(next, "in" | "over"),
                "learn" => next == "to" && lemma(next2, action_verb).is_some_and(|b| !phrase_only_verb(&b)),
                "try" | "attempt" => {
                    matches!(next, "a" | "an" | "new" | "three" | "two")
                        || (next == "to" && lemma(next2, action_verb).is_some_and(|b| !phrase_only_verb(&b)))
                }
                "keep" | "sustain" | "maintain" => (i.saturating_sub(2)..(i + 4).min(self.toks.len())).any(|k| {
                    matches!(
                        self.w(k),
                        "tenancy"
                            | "flat"
                            | "home"
                            | "job"
                            | "placement"
                            | "appointments"
                            | "appointment"
                            | "room"
                            | "accommodation"
                            | "diary"
                            | "log"
                            | "budget"
                            | "conversation"
                            | "apprenticeship"
                            | "college"
                            | "school"
                            | "bedroom"
                            | "kitchen"
                            | "record"
                            | "contact"
                            | "attendance"
                            | "place"
                            | "caravan"
                            | "house"
                            | "property"
                    )
                }),
                "show" => {
                    matches!(next, "staff" | "his" | "her" | "their" | "a" | "an" | "the")
                        && !matches!(obj, "confidence" | "improvement" | "progress" | "interest")
                }
                "log" => matches!(next, "in" | "on" | "his" | "her" | "their" | "each" | "every"),
                "give" | "send" | "teach" | "explain" | "describe" | "discuss" => {
                    !obj.is_empty() && !vague_object("give", obj) && !stop_word(obj)
                        || matches!(next, "staff" | "his" | "her" | "their" | "the")
                }
                "list" | "note" | "plan" => matches!(
                    next,
                    "his" | "her" | "their" | "the" | "what" | "how" | "three" | "two" | "a"
                ),
                _ => false,
            }
        } else {
            true
        };
        if !ok {
            return None;
        }
        // quote the verb and a few following words: "pay his rent", "ask for
        // help", "move into her own flat", "set up a direct debit"
        let mut e = i + 1;
        while e < self.toks.len() && e < i + 6 {
            let n = self.available(e);
            let first = e == i + 1;
            let particle = matches!(n, "up" | "in" | "out" | "on" | "to" | "into" | "off" | "away") && first;
            let for_help = n == "for" && matches!(self.available(e + 1), "help" | "support");
            let det = matches!(n, "the" | "a" | "an" | "his" | "her" | "their" | "my" | "your" | "own");
            if n.is_empty()
                || (self.used[e] == Use::Measure && !verb_is_measure)
                || self.is_number(e)
                || frequency_adverb(n)
                || vague_quantity(n)
                || !(particle || for_help || det || !stop_word(n))
            {
                break;
            }
            e += if for_help { 2 } else { 1 };
        }
        while e > i + 1
            && matches!(
                self.w(e - 1),
                "the" | "a" | "an" | "his" | "her" | "their" | "my" | "your" | "own" | "to" | "into" | "on" | "for"
            )
        {
            e -= 1;
        }
        Some((e, base))
    }

    fn find_action(&self) -> Option<(Found, String)> {
        (0..self.toks.len()).find_map(|i| self.action_at(i).map(|(e, b)| (Found { start: i, end: e }, b)))
    }

    fn find_observable_noun(&self) -> Option<Found> {
        (0..self.toks.len()).find_map(|i| {
            let w = match self.used[i] {
                Use::Free | Use::Measure => self.w(i),
                _ => "",
            };
            if !observable_noun(w) {
                return None;
            }
            let mut s = i;
            if s > 0
                && matches!(
                    self.w(s - 1),
                    "school"
                        | "rent"
                        | "self"
                        | "unauthorised"
                        | "unauthorized"
                        | "missed"
                        | "reading"
                        | "spelling"
                        | "college"
                        | "therapy"
                        | "gp"
                        | "health"
                        | "medication"
                )
            {
                s -= 1;
            }
            if (w == "harm" || w == "age") && s == i {
                return None;
            }
            let e = if observable_noun(self.w(i + 1)) { i + 2 } else { i + 1 };
            Some(Found { start: s, end: e })
        })
    }

    fn first_vague_verb(&self) -> Option<String> {
        (0..self.toks.len()).find_map(|i| {
            let w = self.available(i);
            if w.is_empty() {
                return None;
            }
            // a generic verb with a vague object: "make progress", "provide access"
            if let Some(base) = lemma(w, action_verb) {
                let next = self.w(i + 1);
                if vague_object(&base, next) {
                    return Some(self.quote(i, i + 2));
                }
                if matches!(next, "a" | "an" | "the" | "his" | "her" | "their" | "more" | "some")
                    && vague_object(&base, self.w(i + 2))
                {
                    return Some(self.quote(i, i + 3));
                }
            }
            let base = lemma(w, vague_verb)?;
            match base.as_str() {
                "be" | "get" | "become" => {
                    let n = self.w(i + 1);
                    let comparative = n.ends_with("er")
                        || matches!(
                            n,
                            "more"
                                | "less"
                                | "better"
                                | "confident"
                                | "independent"
                                | "aware"
                                | "able"
                                | "happy"
                                | "safe"
                                | "calm"
                                | "resilient"
                                | "positive"
                        );
                    if !comparative {
                        return None;
                    }
                    let mut e = i + 2;
                    if matches!(self.w(e), "at" | "to") || n == "more" || n == "less" {
                        e += 1;
                    }
                    Some(self.quote(i, e.min(self.toks.len())))
                }
                "work" => matches!(self.w(i + 1), "on" | "towards" | "toward").then(|| self.quote(i, i + 2)),
                _ => Some(self.quote(i, i + 1)),
            }
        })
    }

    fn first_word_where(&self, f: fn(&str) -> bool) -> Option<String> {
        (0..self.toks.len()).find_map(|i| {
            let w = match self.used[i] {
                Use::Free => self.w(i),
                _ => "",
            };
            f(w).then(|| self.quote(i, i + 1))
        })
    }

    fn vague_time_phrase(&self) -> Option<String> {
        if let Some(q) = self.first_word_where(vague_time) {
            return Some(q);
        }
        (0..self.toks.len()).find_map(|i| {
            let (a, b, c) = (self.w(i), self.w(i + 1), self.w(i + 2));
            let hit = match (a, b, c) {
                ("over", "time", _) => Some(2),
                ("in", "the", "future") => Some(3),
                ("in", "due", "course") => Some(3),
                ("as", "soon", _) => Some(2),
                ("long", "term", _) => Some(2),
                ("going", "forward", _) => Some(2),
                ("when", "ready", _) => Some(2),
                ("at", "some", "point") => Some(3),
                ("one", "day", _) => Some(2),
                _ => None,
            };
            hit.map(|n| self.quote(i, i + n))
        })
    }

    // -----------------------------------------------------------------------
    // The report
    // -----------------------------------------------------------------------

    fn report(mut self) -> SmartReport {
        let (time, sustained, complete) = self.find_time();
        let explicit = self.find_evidence();
        let mut measures = self.find_measures();
        let action_with_base = self.find_action();
        let action_base = action_with_base.as_ref().map(|(_, b)| b.clone());
        let action = action_with_base.map(|(f, _)| f);
        let noun = if action.is_none() {
            self.find_observable_noun()
        } else {
            None
        };

        // keeping something up for a set time is itself the measure
        let keeping = (0..self.toks.len()).any(|i| {
            lemma(self.w(i), |b| {
                matches!(b, "keep" | "sustain" | "maintain" | "stay" | "remain" | "hold" | "live")
            })
            .is_some()
        });
        let mut measure_note = None;
        if let Some(c) = complete {
            measure_note = Some("a complete stretch of time");
            measures.push(c);
        } else if let (Some(s), true) = (sustained, keeping) {
            measure_note = Some("kept up for a set length of time");
            measures.push(s);
        } else if measures.is_empty()
            && let (Some(a), Some(base)) = (&action, action_base.as_deref())
        {
            // a one-off task is done or not done; stopping means none at all
            let phrase = self.quote(a.start, a.end).to_lowercase();
            if one_off_task(base, self.w(a.start + 1), &phrase) {
                measure_note = Some("a one-off task: done or not done");
                measures.push(Found {
                    start: a.start,
                    end: a.end,
                });
            } else if matches!(base, "stop" | "quit") {
                measure_note = Some("stopping means none at all");
                measures.push(Found {
                    start: a.start,
                    end: a.end,
                });
            }
        }
        measures.sort_by_key(|f| f.start);

        let quotes = |spans: &[Found]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for f in spans {
                let q = self.quote(f.start, f.end);
                if !q.is_empty() && !out.contains(&q) && out.len() < 3 {
                    out.push(q);
                }
            }
            out
        };
        let join = |qs: &[String]| qs.iter().map(|q| format!("\"{q}\"")).collect::<Vec<_>>().join(", ");

        let mut criteria = Vec::with_capacity(4);

        // Specific
        let measurable = !measures.is_empty();
        let specific_quote = action
            .as_ref()
            .map(|f| self.quote(f.start, f.end))
            .or_else(|| noun.as_ref().filter(|_| measurable).map(|f| self.quote(f.start, f.end)));
        let specific = match (&action, &specific_quote) {
            (Some(_), Some(q)) => Criterion {
                key: CriterionKey::Specific,
                met: true,
                evidence: Some(q.clone()),
                explanation: format!("Action: \"{q}\"."),
            },
            (None, Some(q)) => Criterion {
                key: CriterionKey::Specific,
                met: true,
                evidence: Some(q.clone()),
                explanation: format!("What will change: \"{q}\", which can be counted."),
            },
            _ => {
                let explanation = match self.first_vague_verb() {
                    Some(v) => format!(
                        "What will be done: \"{v}\" does not say what the person will actually \
                         do; {ASK_SPECIFIC}"
                    ),
                    None => format!("What will be done: {ASK_SPECIFIC}"),
                };
                Criterion {
                    key: CriterionKey::Specific,
                    met: false,
                    evidence: None,
                    explanation,
                }
            }
        };
        criteria.push(specific);

        // Measurable
        let mq = quotes(&measures);
        let measurable_c = if mq.is_empty() {
            let explanation = match self.first_word_where(vague_quantity).or_else(|| {
                (0..self.toks.len()).find_map(|i| {
                    (self.w(i) == "most" && matches!(self.w(i + 1), "days" | "weeks" | "of"))
                        .then(|| self.quote(i, i + 2))
                })
            }) {
                Some(v) => {
                    format!("How much or how often: \"{v}\" is not an amount; {ASK_MEASURABLE}")
                }
                None => format!("How much or how often: {ASK_MEASURABLE}"),
            };
            Criterion {
                key: CriterionKey::Measurable,
                met: false,
                evidence: None,
                explanation,
            }
        } else {
            let note = measure_note.map(|n| format!(" ({n})")).unwrap_or_default();
            Criterion {
                key: CriterionKey::Measurable,
                met: true,
                evidence: Some(mq.join("; ")),
                explanation: format!("Measurable amount: {}{note}.", join(&mq)),
            }
        };
        criteria.push(measurable_c);

        // Evidence
        let eq = quotes(&explicit);
        let observable = specific_quote.is_some() && measurable;
        let evidence_c = if !eq.is_empty() {
            Criterion {
                key: CriterionKey::Evidence,
                met: true,
                evidence: Some(eq.join("; ")),
                explanation: format!("How progress will be known: {}.", join(&eq)),
            }
        } else if observable {
            let what = specific_quote.clone().unwrap_or_default();
            let amount = mq.first().cloned().unwrap_or_default();
            if what.contains(&amount) || amount.contains(&what) {
                // the amount is the action itself (a one-off task, stopping)
                Criterion {
                    key: CriterionKey::Evidence,
                    met: true,
                    evidence: Some(amount.clone()),
                    explanation: format!(
                        "How progress will be known: whether \"{amount}\" has happened can be \
                         checked directly (naming who will confirm it, or the record, would make \
                         it firmer)."
                    ),
                }
            } else {
                Criterion {
                    key: CriterionKey::Evidence,
                    met: true,
                    evidence: Some(format!("{what}; {amount}")),
                    explanation: format!(
                        "How progress will be known: \"{what}\" can be seen and counted, so \
                         \"{amount}\" can be checked directly (naming the record, e.g. a \
                         register or log, would make it firmer)."
                    ),
                }
            }
        } else {
            let explanation = if measurable {
                format!(
                    "How progress will be measured: {} is not something that can be seen \
                     directly; {ASK_EVIDENCE}",
                    join(&mq[..mq.len().min(1)])
                )
            } else {
                format!("How progress will be measured: {ASK_EVIDENCE}")
            };
            Criterion {
                key: CriterionKey::Evidence,
                met: false,
                evidence: None,
                explanation,
            }
        };
        criteria.push(evidence_c);

        // Time-bound
        let tq = quotes(&time);
        let time_c = if tq.is_empty() {
            let explanation = match self.vague_time_phrase() {
                Some(v) => format!("By when: \"{v}\" is not a time frame; {ASK_TIME}"),
                None => format!("By when: {ASK_TIME}"),
            };
            Criterion {
                key: CriterionKey::TimeBound,
                met: false,
                evidence: None,
                explanation,
            }
        } else {
            Criterion {
                key: CriterionKey::TimeBound,
                met: true,
                evidence: Some(tq.join("; ")),
                explanation: format!("Time frame: {}.", join(&tq)),
            }
        };
        criteria.push(time_c);

        let missing: Vec<String> = criteria
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.explanation.clone())
            .collect();
        let found: Vec<String> = criteria
            .iter()
            .filter(|c| c.met)
            .map(|c| c.explanation.clone())
            .collect();
        SmartReport {
            smart: missing.is_empty(),
            missing,
            found,
            criteria,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CriterionKey::{Evidence as E, Measurable as M, Specific as S, TimeBound as T};
    use super::*;
    use proptest::prelude::*;

    fn missing_keys(r: &SmartReport) -> Vec<CriterionKey> {
        r.criteria.iter().filter(|c| !c.met).map(|c| c.key).collect()
    }

    /// Real-sounding phrasings from SEND/SENCO plans, supported housing,
    /// health and youth work: (text, SMART?, criteria expected missing).
    const CASES: &[(&str, bool, &[CriterionKey])] = &[
        ("improve school attendance", false, &[S, M, E, T]),
        (
            "attend school for at least four days a week for the next three months",
            true,
            &[],
        ),
        (
            "By the end of key stage 2, Leo will be able to read 100 high-frequency words, as measured by termly reading assessments.",
            true,
            &[],
        ),
        (
            "By the end of Year 4, Ava will recall her 2, 5 and 10 times tables with 90% accuracy in a weekly times tables test.",
            true,
            &[],
        ),
        ("Leo will improve his reading.", false, &[S, M, E, T]),
        ("Ella will develop her social skills.", false, &[S, M, E, T]),
        (
            "Noah will ask for help in class without prompting on 4 out of 5 occasions by the end of the autumn term, as observed by his teaching assistant.",
            true,
            &[],
        ),
        ("To be better at maths", false, &[S, M, E, T]),
        (
            "Zara will write three sentences using capital letters and full stops by Christmas.",
            true,
            &[],
        ),
        (
            "Sami will stay in class for the whole lesson on 4 out of 5 days by February half-term.",
            true,
            &[],
        ),
        ("Engage with learning", false, &[S, M, E, T]),
        (
            "Maya will use her calm box when she feels angry on 3 out of 4 occasions within 6 weeks, recorded on her behaviour log.",
            true,
            &[],
        ),
        ("Increase his independence in the classroom", false, &[S, M, E, T]),
        (
            "Oliver will follow a two-step instruction 8 out of 10 times by the end of the spring term.",
            true,
            &[],
        ),
        (
            "Jack will be supported to improve his handwriting",
            false,
            &[S, M, E, T],
        ),
        (
            "By July 2027, Priya will read a Level 3 book with 95% accuracy, as shown by a running record.",
            true,
            &[],
        ),
        ("Freddie will have improved behaviour", false, &[S, M, E, T]),
        (
            "Aisha will put her hand up to answer a question at least once in every lesson by the end of term.",
            true,
            &[],
        ),
        ("Work towards better concentration", false, &[S, M, E, T]),
        (
            "Harry will walk to school with a friend twice a week by Easter.",
            true,
            &[],
        ),
        (
            "Sam will pay his rent in full every month for the next six months, as shown by his rent account.",
            true,
            &[],
        ),
        ("Chloe will keep her tenancy for at least six months.", true, &[]),
        ("Manage her money better", false, &[S, M, E, T]),
        (
            "Jordan will set up a direct debit for his rent by 30 April 2027.",
            true,
            &[],
        ),
        (
            "Ben will budget £40 a week for food and keep receipts for the next 8 weeks, checked at his weekly keywork session.",
            true,
            &[],
        ),
        ("Help Jade to feel more settled in her flat", false, &[S, M, E, T]),
        (
            "Liam will bid for at least two suitable properties each week on the council's housing register until he moves on.",
            true,
            &[],
        ),
        ("Reduce his rent arrears", false, &[S, M, E, T]),
        (
            "Clear her rent arrears of £350 by paying £25 a week on top of her rent, as shown on her rent statement, by the end of March 2027.",
            true,
            &[],
        ),
        ("No rent arrears at the six-month tenancy review", true, &[]),
        ("Kelly will engage with support", false, &[S, M, E, T]),
        (
            "Tom will attend all his tenancy sustainment appointments over the next 3 months.",
            true,
            &[],
        ),
        ("Improve her independent living skills", false, &[S, M, E, T]),
        (
            "Aaron will cook a hot meal from scratch at least twice a week by the end of his placement, recorded in his independence checklist.",
            true,
            &[],
        ),
        (
            "Dani will use the crisis line or tell staff when she has thoughts of self-harm, every time, before she moves on.",
            true,
            &[],
        ),
        ("Keep safe", false, &[S, M, E, T]),
        ("Mo will keep his flat clean and tidy", false, &[M, E, T]),
        ("Sophie will move into her own flat by the end of 2027.", true, &[]),
        ("Not to self-harm", false, &[S, M, E, T]),
        (
            "Becky will have no self-harm incidents requiring medical treatment for 12 consecutive weeks, as recorded in her safety plan review.",
            true,
            &[],
        ),
        (
            "Take her medication every morning without prompting by 31/03/2027, recorded on the MAR chart",
            true,
            &[],
        ),
        ("Feel less anxious", false, &[S, M, E, T]),
        (
            "Ravi will attend 8 out of 10 physiotherapy sessions by the end of the block, as recorded by the physiotherapist.",
            true,
            &[],
        ),
        ("Improve her sleep", false, &[S, M, E, T]),
        (
            "Amira will go to bed by 10pm on at least 5 nights a week by the end of March, recorded in her sleep diary.",
            true,
            &[],
        ),
        (
            "Walk for 30 minutes three times a week within the next 12 weeks",
            true,
            &[],
        ),
        ("Be healthier", false, &[S, M, E, T]),
        (
            "Dev will attend every weekly CBT session for the next 12 weeks.",
            true,
            &[],
        ),
        ("Maintain a healthy weight", false, &[S, M, E, T]),
        (
            "Nina will drink at least 6 glasses of water a day, recorded on her fluid chart, within two weeks.",
            true,
            &[],
        ),
        (
            "Reduce his cannabis use to no more than two days a week by the next CPA review, as self-reported at weekly keywork sessions.",
            true,
            &[],
        ),
        ("Attend therapy", false, &[M, E, T]),
        (
            "Jess will rate her anxiety as 5 or lower on a 0-10 scale at the end of each counselling session by the end of the 12-week block.",
            true,
            &[],
        ),
        ("Stop smoking", false, &[T]),
        (
            "Stop smoking by June, confirmed by a carbon monoxide reading at the stop smoking clinic.",
            true,
            &[],
        ),
        ("Join a sports club to increase social interaction", false, &[T]),
        ("Referral to a counsellor for emotional support", false, &[T]),
        ("Arrange extra tuition in a subject where they need help", false, &[T]),
        (
            "Provide access to training or skill-building sessions",
            false,
            &[S, M, E, T],
        ),
        (
            "Kai will attend the Friday football session at the youth centre every week until the end of the summer holidays, as recorded on the session register.",
            true,
            &[],
        ),
        ("Get back into education", false, &[S, M, E, T]),
        (
            "Tia will meet her counsellor every Tuesday for the next 10 weeks.",
            true,
            &[],
        ),
        ("Be more confident", false, &[S, M, E, T]),
        (
            "Ryan will attend school on at least 9 out of 10 days each fortnight by the end of the autumn term, as shown by the school attendance register.",
            true,
            &[],
        ),
        ("Make positive friendships", false, &[S, M, E, T]),
        (
            "Staff will support Amy to attend college 3 days a week by September.",
            true,
            &[],
        ),
        (
            "By the end of the year, improve her reading age by 12 months",
            true,
            &[],
        ),
        ("Attend school every day", false, &[T]),
        (
            "Amy will go to college on Mondays and Wednesdays until Easter",
            true,
            &[],
        ),
        (
            "Reduce missed doses to zero within 4 weeks, per the MAR chart",
            true,
            &[],
        ),
        ("Daily living skills", false, &[S, M, E, T]),
        (
            "Leo will have a 1:1 session with his keyworker every week for six weeks.",
            true,
            &[],
        ),
        (
            "Maisie will use her inhaler correctly, as checked by the school nurse each half term, by the end of Year 6.",
            true,
            &[],
        ),
        ("Kieran will apply for 5 jobs a week until he finds work.", false, &[T]),
        ("Tom will attend the food bank.", false, &[M, E, T]),
        ("To maintain his tenancy", false, &[M, E, T]),
        (
            "Josh will arrive at school by 8:45am every day for the next half term.",
            true,
            &[],
        ),
        ("Spend less time on his phone", false, &[M, E, T]),
        (
            "Lily will go to the girls' group once a fortnight and take part in at least one activity, by Easter 2027.",
            true,
            &[],
        ),
        ("Attend college regularly", false, &[M, E, T]),
        ("Ongoing support from youth worker", false, &[S, M, E, T]),
        (
            "By the end of the programme, Marcus will complete his Duke of Edinburgh bronze award.",
            true,
            &[],
        ),
        (
            "Ayesha will text her youth worker if she is going to miss a session, every time, within the next month.",
            true,
            &[],
        ),
        (
            "Connor will play football with the team for 90 minutes every Saturday this season.",
            true,
            &[],
        ),
        (
            "Leo will tell an adult when he feels worried on 3 out of 5 occasions by 31/03/2027.",
            true,
            &[],
        ),
        (
            "By the end of the autumn term, Evie will independently write her name on 9 out of 10 pieces of work.",
            true,
            &[],
        ),
        (
            "Ella will read a book at home for 10 minutes, five nights a week, recorded in her reading record, before she transfers to secondary school.",
            true,
            &[],
        ),
        ("“Attend school more often”", false, &[M, E, T]),
        ("Attend school 4 days/week by half-term", true, &[]),
        ("Save £10 a week towards a deposit for 12 weeks", true, &[]),
        ("Be in bed by 10:30pm on school nights within 4 weeks", true, &[]),
        ("Practise his spellings for 10 minutes every day", false, &[T]),
        (
            "Organise her appointments in a diary each week by the end of the month",
            true,
            &[],
        ),
        (
            "Brush his teeth twice a day without reminders by the end of year 5",
            true,
            &[],
        ),
        (
            "Rhys will attend at least 80% of his CAMHS appointments over the next six months, as recorded by CAMHS.",
            true,
            &[],
        ),
        (
            "Support worker will visit Tom weekly to help him open post and pay bills",
            false,
            &[T],
        ),
        ("Continue to engage with CAMHS", false, &[S, M, E, T]),
        (
            "Sarah will complete a benefits application with her support worker by 15th May.",
            true,
            &[],
        ),
        ("Will attend school 100% of the time", false, &[T]),
        (
            "Leo will say ‘no’ and walk away when offered cannabis, on every occasion, by the end of the summer holidays.",
            true,
            &[],
        ),
        (
            "Reduce lateness to school to fewer than 2 lates per half term by the end of the spring term, as shown by the register.",
            true,
            &[],
        ),
        (
            "Increase confidence by joining the youth club every Friday for the next 12 weeks",
            true,
            &[],
        ),
        ("Increase confidence to 8 out of 10 by July 2027", false, &[S, E]),
        ("Attendance of at least 95% by the end of the summer term", true, &[]),
        (
            "Reduce self-harm incidents to no more than one a month by Christmas, as recorded in her safety plan.",
            true,
            &[],
        ),
        (
            "Tyler will attend the youth club every Friday for a full term.",
            true,
            &[],
        ),
        (
            "Use the bus to get to college independently 3 times per week within the next 6 weeks.",
            true,
            &[],
        ),
        (
            "Mia will tell a trusted adult when she feels unsafe before she moves on.",
            false,
            &[M, E],
        ),
        ("Read for 20 minutes each night in 12 weeks", true, &[]),
        ("Cook a hot meal twice a week by the end of year 4", true, &[]),
        ("She will feel safer in her flat by the next review.", false, &[S, M, E]),
        (
            "Attend 3 out of 4 weekly keywork sessions, as recorded in keywork notes, ongoing",
            false,
            &[T],
        ),
        ("Leo will read.", false, &[M, E, T]),
        ("June will attend college 3 days a week", false, &[T]),
        ("Be home by 10pm", false, &[T]),
        (
            "Attend school 5 days a week from September 2026 to July 2027",
            true,
            &[],
        ),
        (
            "Within 3 months of moving in, Sam will set up his gas and electricity accounts.",
            true,
            &[],
        ),
        ("Ahmed will attend his GP appointment on 12/05/2026.", true, &[]),
        ("Register with a GP by the end of the month", true, &[]),
        (
            "Jay will learn to cook three healthy meals by the end of his tenancy.",
            true,
            &[],
        ),
        ("Reduce anxiety", false, &[S, M, E, T]),
        ("Sleep better", false, &[M, E, T]),
        ("Get up at 7:30am on school days", false, &[T]),
        ("Tenancy sustained for 12 months", true, &[]),
    ];

    #[test]
    fn table_of_phrasings() {
        assert!(CASES.len() >= 70, "only {} cases", CASES.len());
        let mut failures = Vec::new();
        for &(text, smart, missing) in CASES {
            let r = check(text);
            if r.smart != smart || missing_keys(&r) != missing {
                failures.push(format!(
                    "{text:?}: expected smart={smart} missing={missing:?}, got smart={} \
                     missing={:?}\n  {:#?}",
                    r.smart,
                    missing_keys(&r),
                    r.criteria
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn both_kinds_are_in_the_table() {
        let smart = CASES.iter().filter(|c| c.1).count();
        assert!(smart >= 30 && CASES.len() - smart >= 30);
    }

    #[test]
    fn seed_vague_goal_says_how_much_how_measured_and_by_when() {
        let r = check("improve school attendance");
        assert!(!r.smart);
        let keys = missing_keys(&r);
        for k in [M, E, T] {
            assert!(keys.contains(&k), "{k:?} not flagged: {r:#?}");
        }
        assert!(r.missing.iter().any(|m| m.starts_with("How much or how often:")));
        assert!(
            r.missing
                .iter()
                .any(|m| m.starts_with("How progress will be measured:"))
        );
        assert!(r.missing.iter().any(|m| m.starts_with("By when:")));
        assert!(r.missing[0].contains("\"improve\""), "{:?}", r.missing);
        assert!(r.found.is_empty());
    }

    #[test]
    fn seed_specific_goal_passes_and_quotes_its_words() {
        let r = check("attend school for at least four days a week for the next three months");
        assert!(r.smart, "{r:#?}");
        assert!(r.missing.is_empty());
        assert_eq!(
            r.found,
            vec![
                "Action: \"attend school\".".to_string(),
                "Measurable amount: \"at least four days a week\".".to_string(),
                "How progress will be known: \"attend school\" can be seen and counted, so \
                 \"at least four days a week\" can be checked directly (naming the record, e.g. \
                 a register or log, would make it firmer)."
                    .to_string(),
                "Time frame: \"for the next three months\".".to_string(),
            ]
        );
        let time = &r.criteria[3];
        assert_eq!(time.key, T);
        assert_eq!(time.evidence.as_deref(), Some("for the next three months"));
    }

    #[test]
    fn case_punctuation_and_curly_quotes_do_not_matter() {
        for text in [
            "ATTEND SCHOOL FOR AT LEAST FOUR DAYS A WEEK FOR THE NEXT THREE MONTHS",
            "“Attend school for at least four days a week, for the next three months.”",
            "- attend school: at least 4 days a week; for the next 3 months!",
            "Attend\u{a0}school for at least four days a week for the next three months",
        ] {
            assert!(check(text).smart, "{text}: {:#?}", check(text));
        }
    }

    #[test]
    fn explicit_means_is_quoted() {
        let r = check(
            "Ryan will attend school on at least 9 out of 10 days each fortnight by the end of \
             the autumn term, as shown by the school attendance register.",
        );
        assert!(r.smart);
        assert_eq!(
            r.criteria[2].evidence.as_deref(),
            Some("as shown by the school attendance register")
        );
        assert_eq!(r.criteria[3].evidence.as_deref(), Some("by the end of the autumn term"));
    }

    #[test]
    fn vague_words_are_named() {
        let r = check("Attend college regularly");
        assert!(r.missing[0].contains("\"regularly\" is not an amount"), "{r:#?}");
        let r = check("Ongoing support from youth worker");
        assert!(r.missing.iter().any(|m| m.contains("\"Ongoing\" is not a time frame")));
        let r = check("Be more confident");
        assert!(r.missing[0].contains("\"Be more confident\""), "{r:#?}");
    }

    #[test]
    fn clock_time_is_an_amount_not_a_time_frame() {
        let r = check("Be home by 10pm");
        assert!(r.criteria[1].met);
        assert!(!r.criteria[3].met);
    }

    #[test]
    fn unmeasurable_amount_needs_a_named_means() {
        let r = check("Increase confidence to 8 out of 10 by July 2027");
        assert_eq!(missing_keys(&r), vec![S, E]);
        let r = check("Rate her confidence as 8 out of 10 or higher on the wellbeing star by July 2027");
        assert!(r.smart, "{r:#?}");
    }

    #[test]
    fn empty_text_needs_a_goal() {
        for text in ["", "   ", "\n\t", " .,; "] {
            let r = check(text);
            assert!(!r.smart);
            assert_eq!(r.missing.len(), 1);
            assert!(r.missing[0].starts_with("A goal is needed"));
            assert!(r.found.is_empty());
            assert_eq!(r.criteria.len(), 4);
            assert!(r.criteria.iter().all(|c| !c.met && c.evidence.is_none()));
        }
    }

    #[test]
    fn report_shape_is_consistent() {
        for &(text, _, _) in CASES {
            let r = check(text);
            let keys: Vec<_> = r.criteria.iter().map(|c| c.key).collect();
            assert_eq!(keys, vec![S, M, E, T]);
            let unmet: Vec<_> = r.criteria.iter().filter(|c| !c.met).collect();
            assert_eq!(r.missing.len(), unmet.len());
            assert_eq!(r.found.len(), 4 - unmet.len());
            for c in &r.criteria {
                assert_eq!(c.met, c.evidence.is_some(), "{text}: {c:?}");
                let list = if c.met { &r.found } else { &r.missing };
                assert!(list.contains(&c.explanation));
            }
        }
    }

    #[test]
    fn serialises_with_snake_case_keys() {
        let r = check("Cook a hot meal twice a week by the end of year 4");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["smart"], true);
        assert_eq!(json["criteria"][3]["key"], "time_bound");
        assert_eq!(json["criteria"][0]["key"], "specific");
        let back: SmartReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn number_kinds() {
        assert_eq!(num_kind("31/03/2027"), NumKind::Date);
        assert_eq!(num_kind("8/10"), NumKind::Fraction);
        assert_eq!(num_kind("10pm"), NumKind::Clock);
        assert_eq!(num_kind("10:30"), NumKind::Clock);
        assert_eq!(num_kind("1:1"), NumKind::Ratio);
        assert_eq!(num_kind("18th"), NumKind::Ordinal);
        assert_eq!(num_kind("2027"), NumKind::Year);
        assert_eq!(num_kind("3-4"), NumKind::Plain);
    }

    #[test]
    fn verb_forms() {
        assert_eq!(lemma("attending", action_verb).as_deref(), Some("attend"));
        assert_eq!(lemma("uses", action_verb).as_deref(), Some("use"));
        assert_eq!(lemma("using", action_verb).as_deref(), Some("use"));
        assert_eq!(lemma("shopping", action_verb).as_deref(), Some("shop"));
        assert_eq!(lemma("tidied", action_verb).as_deref(), Some("tidy"));
        assert_eq!(lemma("paid", action_verb).as_deref(), Some("pay"));
        assert_eq!(lemma("practising", action_verb).as_deref(), Some("practise"));
        assert_eq!(lemma("organised", action_verb).as_deref(), Some("organise"));
        assert_eq!(lemma("attendance", action_verb), None);
    }

    #[test]
    fn tokens_keep_byte_offsets_into_the_original() {
        let text = "Zoë’s “goal”: 10pm—by 31/03/2027";
        for t in tokenize(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
    }

    const FRAGMENTS: &[&str] = &[
        "attend",
        "school",
        "for",
        "at least",
        "four",
        "days",
        "a week",
        "the next",
        "three",
        "months",
        "by",
        "the end of",
        "key stage 2",
        "year 4",
        "as shown by",
        "the register",
        "improve",
        "every",
        "Monday",
        "8 out of 10",
        "90%",
        "£",
        "20",
        "10pm",
        "31/03/2027",
        "half-term",
        "before she moves on",
        "within",
        "in",
        "no",
        "arrears",
        "one",
        "to",
        "of",
        "all",
        "each",
        "full",
        "on time",
        "recorded in",
        "diary",
        "self-harm",
        "keep",
        "tenancy",
        "her",
        "his",
        "the",
        "a",
        "an",
        ",",
        ".",
        "-",
        "'",
        "“",
        "”",
        "/",
        ":",
        "twice",
        "once",
        "until",
        "next",
        "this",
        "term",
        "review",
        "without",
        "missing",
        "a",
        "payment",
        "Leo",
        "will",
        "be",
        "able",
        "to",
        "read",
        "clear",
        "stop",
        "rates",
        "anxiety",
        "scale",
        "mid",
        "may",
        "2027",
        "18th",
        "birthday",
        "at",
        "é",
        "ß",
        "İ",
        "日本",
        "\u{0301}",
    ];

    fn phrase() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (0..FRAGMENTS.len(), prop::sample::select(vec![" ", "", "-", "  "])),
            0..24,
        )
        .prop_map(|parts| {
            parts
                .into_iter()
                .map(|(i, sep)| format!("{}{sep}", FRAGMENTS[i]))
                .collect::<String>()
        })
    }

    fn invariants(text: &str) -> Result<(), TestCaseError> {
        let a = check(text);
        let b = check(text);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.smart, a.missing.is_empty());
        prop_assert_eq!(a.criteria.len(), 4);
        prop_assert_eq!(a.smart, a.criteria.iter().all(|c| c.met));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_and_is_consistent_on_any_string(text in any::<String>()) {
            invariants(&text)?;
        }

        #[test]
        fn never_panics_and_is_consistent_on_goal_like_text(text in phrase()) {
            invariants(&text)?;
        }
    }
}
