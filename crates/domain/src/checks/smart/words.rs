//! The SMART check's word lists: verbs, nouns, time words and their lemmas.

// ---------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------

pub(super) fn long_period(w: &str) -> bool {
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

pub(super) fn month_name(w: &str) -> bool {
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

pub(super) fn season(w: &str) -> bool {
    matches!(w, "autumn" | "spring" | "summer" | "winter")
}

pub(super) fn weekday(w: &str) -> bool {
    matches!(
        w,
        "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
    )
}

pub(super) fn weekday_plural(w: &str) -> bool {
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
pub(super) fn stage_code(w: &str) -> bool {
    let rest = w
        .strip_prefix("ks")
        .or_else(|| w.strip_prefix("yr"))
        .or_else(|| w.strip_prefix('y'));
    rest.is_some_and(|r| !r.is_empty() && r.len() <= 2 && r.chars().all(|c| c.is_ascii_digit()))
}

/// Words that can name the point a time phrase runs to.
pub(super) fn time_anchor_word(w: &str) -> bool {
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
pub(super) fn time_filler(w: &str) -> bool {
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
pub(super) fn time_container(w: &str) -> bool {
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

pub(super) fn is_determiner(w: &str) -> bool {
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
pub(super) fn noun_modifier(w: &str) -> bool {
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
pub(super) fn stop_word(w: &str) -> bool {
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
pub(super) fn action_verb(w: &str) -> bool {
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
pub(super) fn phrase_only_verb(w: &str) -> bool {
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
pub(super) fn vague_verb(w: &str) -> bool {
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
pub(super) fn vague_object(verb: &str, obj: &str) -> bool {
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
pub(super) fn observable_noun(w: &str) -> bool {
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
pub(super) fn zero_noun(w: &str) -> bool {
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

pub(super) fn participle_evidence(w: &str) -> bool {
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

pub(super) fn evidence_prep(w: &str) -> bool {
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

pub(super) fn frequency_adverb(w: &str) -> bool {
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
pub(super) fn record_noun(w: &str) -> bool {
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
pub(super) fn record_noun_needs_modifier(w: &str) -> bool {
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

pub(super) fn record_modifier(w: &str) -> bool {
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
pub(super) fn one_off_task(base: &str, next: &str, phrase: &str) -> bool {
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

pub(super) fn vague_quantity(w: &str) -> bool {
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

pub(super) fn vague_time(w: &str) -> bool {
    matches!(
        w,
        "ongoing" | "soon" | "eventually" | "asap" | "continuous" | "continually" | "someday"
    )
}

// ---------------------------------------------------------------------------
// Verb forms
// ---------------------------------------------------------------------------

pub(super) fn irregular(w: &str) -> Option<&'static str> {
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
pub(super) fn lemma(w: &str, pred: fn(&str) -> bool) -> Option<String> {
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
